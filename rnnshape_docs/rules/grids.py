"""Grids of any rank (1-D signals, 2-D images, 3-D volumes): the convolutions, pooling,
cropping, padding, upsampling and resizing layers that `conv` and `spatial` do not cover.

The window arithmetic is `spatial`'s (Keras's formula); the rank comes from the layer's
name (``Conv3D``: 3), and a layer's input is (batch, *grid, channels), or with
``data_format='channels_first'`` (batch, channels, *grid).
"""

from __future__ import annotations

from rnnshape_docs.rules.base import (
    Refusal,
    Result,
    Shape,
    data_format,
    flag,
    format_shape,
    ndim_name,
    positive_int,
    with_article,
)
from rnnshape_docs.rules.spatial import (
    conv_grid,
    join_channels,
    padding_of,
    pooling,
    sizes,
    split_channels,
    times,
)
from rnnshape_docs.specs import LayerSpec

_AXES = {1: "steps", 2: "rows, columns", 3: "depth, rows, columns"}


def rank_of(name: str) -> int:
    """The grid rank a layer's name states: ``Conv3DTranspose`` -> 3."""
    for rank in (1, 2, 3):
        if f"{rank}D" in name:
            return rank
    raise AssertionError(name)  # every layer of this module names its rank


def grid_input(spec: LayerSpec, shape: Shape, rank: int, fmt: str):
    """(batch, grid, channels) of a (rank + 2)-D input; refuses any other number of axes."""
    if len(shape) != rank + 2:
        inner = f"{_AXES[rank]}, channels" if fmt == "channels_last" else f"channels, {_AXES[rank]}"
        wrap = ""
        if len(shape) == rank + 3:
            wrap = f"; for a sequence of them wrap it: TimeDistributed({spec.text})"
        raise Refusal(
            f"{spec.name} needs {rank + 2}-D input (batch, {inner}) but gets "
            f"{ndim_name(len(shape))} {format_shape(shape)}{wrap}",
            after_rnn=rank == 1 and len(shape) == 2,
        )
    return split_channels(shape, fmt)


def _known_channels(shape: Shape, channels: int | None) -> int:
    if channels is None:
        raise Refusal(
            f"the channels axis must be known to size the kernel, got {format_shape(shape)}"
        )
    return channels


def _conv_geometry(spec: LayerSpec, rank: int):
    kernel = sizes(spec, "kernel_size", spec.get("kernel_size"), rank)
    strides = sizes(spec, "strides", 1, rank)
    dilation = sizes(spec, "dilation_rate", 1, rank)
    padding = padding_of(spec, ("valid", "same"))  # only Conv1D (rules.conv) takes 'causal'

    if max(strides) > 1 and max(dilation) > 1:
        raise Refusal("strides > 1 cannot be combined with dilation_rate > 1; choose one")
    return kernel, strides, dilation, padding


def _slides(kernel, strides, dilation, padding, grid, out_grid) -> str:
    stride_text = f", stride {times(strides)}" if max(strides) > 1 else ""
    dilation_text = f", dilation {times(dilation)}" if max(dilation) > 1 else ""
    return (
        f"slides {with_article(times(kernel))} kernel{stride_text}{dilation_text}, "
        f"padding={padding!r}: {times(grid)} -> {times(out_grid)}"
    )


def conv(spec: LayerSpec, shape: Shape) -> Result:
    """Conv3D, SeparableConv1D/2D and DepthwiseConv1D/2D."""
    rank = rank_of(spec.name)
    depthwise = spec.name.startswith("Depthwise")
    filters = None if depthwise else positive_int(spec, "filters", spec.get("filters"))
    multiplier = (
        positive_int(spec, "depth_multiplier", spec.get("depth_multiplier"))
        if spec.name.startswith(("Depthwise", "Separable"))
        else 1
    )
    groups = positive_int(spec, "groups", spec.get("groups")) if spec.name == "Conv3D" else 1
    kernel, strides, dilation, padding = _conv_geometry(spec, rank)
    fmt = data_format(spec)
    if filters is not None and filters % groups:
        raise Refusal(f"groups={groups} must divide filters={filters}")
    batch, grid, channels = grid_input(spec, shape, rank, fmt)
    channels = _known_channels(shape, channels)
    if channels % groups:
        raise Refusal(f"groups={groups} must divide the {channels} input channels")
    out_grid = conv_grid(spec, grid, kernel, strides, dilation, padding)
    width = channels * multiplier if depthwise else filters
    out = join_channels(batch, out_grid, width, fmt)
    slides = _slides(kernel, strides, dilation, padding, grid, out_grid)
    if depthwise:
        why = f"{slides}; one kernel per channel: {channels} x {multiplier} = {width} channels"
    elif spec.name.startswith("Separable"):
        why = f"{slides} over each channel on its own, then mixes them into {filters} filters"
    else:
        why = f"{slides}; {filters} filters"
    return (out,), ("output",), why


def _transposed_length(size, kernel, stride, padding, output_padding, dilation):
    """Keras's output size of a transposed convolution along one axis."""
    if size is None:
        return None
    kernel = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(kernel, stride) - kernel if output_padding is None else output_padding
        return (size - 1) * stride + kernel + extra
    if output_padding is None:
        return size * stride
    return (size - 1) * stride + kernel % 2 + output_padding


def conv_transpose(spec: LayerSpec, shape: Shape) -> Result:
    """Conv1DTranspose, Conv2DTranspose and Conv3DTranspose: a convolution run backwards."""
    rank = rank_of(spec.name)
    filters = positive_int(spec, "filters", spec.get("filters"))
    kernel, strides, dilation, padding = _conv_geometry(spec, rank)
    given = spec.get("output_padding")
    output_padding = None
    if given is not None:
        values = tuple(given) if isinstance(given, tuple | list) else (given,) * rank
        if len(values) != rank or any(
            isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in values
        ):
            raise Refusal(
                f"output_padding must be one whole number or {rank} of them, 0 or more, "
                f"got {given!r}"
            )
        for op, s in zip(values, strides, strict=True):
            if op >= s:
                raise Refusal(
                    f"output_padding ({op}) must be smaller than strides ({s}) along each axis"
                )
        output_padding = values
    fmt = data_format(spec)
    batch, grid, channels = grid_input(spec, shape, rank, fmt)
    _known_channels(shape, channels)
    out_grid = tuple(
        _transposed_length(
            size, k, s, padding, None if output_padding is None else output_padding[i], d
        )
        for i, (size, k, s, d) in enumerate(zip(grid, kernel, strides, dilation, strict=True))
    )
    out = join_channels(batch, out_grid, filters, fmt)
    stride_text = f" with stride {times(strides)}" if max(strides) > 1 else ""
    why = (
        f"spreads each position over {with_article(times(kernel))} kernel{stride_text}, "
        f"padding={padding!r}: {times(grid)} -> {times(out_grid)}; {filters} filters"
    )
    return (out,), ("output",), why


def pooling3d(spec: LayerSpec, shape: Shape) -> Result:
    if len(shape) != 5:
        fmt = data_format(spec)
        grid_input(spec, shape, 3, fmt)  # refuses with the 3-D axes named
    return pooling(spec, shape, 3)


def global_pooling(spec: LayerSpec, shape: Shape) -> Result:
    """GlobalAveragePooling3D and GlobalMaxPooling3D."""
    rank = rank_of(spec.name)
    fmt = data_format(spec)
    keepdims = flag(spec, "keepdims")
    batch, grid, channels = grid_input(spec, shape, rank, fmt)
    out = join_channels(batch, (1,) * rank, channels, fmt) if keepdims else (batch, channels)
    how = "averages" if "Average" in spec.name else "takes the maximum"
    wide = f"{channels}-wide " if channels is not None else ""
    why = f"{how} over the {times(grid)} positions: one {wide}vector per sample"
    if keepdims:
        why += f"; keepdims=True keeps the {rank} pooled axes with size 1"
    return (out,), ("output",), why


def adaptive_pooling(spec: LayerSpec, shape: Shape) -> Result:
    """AdaptiveAveragePooling1D/2D/3D and AdaptiveMaxPooling1D/2D/3D: a fixed output grid."""
    rank = rank_of(spec.name)
    target = sizes(spec, "output_size", spec.get("output_size"), rank)
    fmt = data_format(spec)
    if len(shape) == rank + 1:  # Keras reads it as one sample without its batch axis
        _batch, grid, channels = split_channels((None, *shape), fmt)
        out = join_channels(None, target, channels, fmt)[1:]
        why = f"reads {format_shape(shape)} as one sample without a batch axis: {times(grid)} -> {times(target)}"
        return (out,), ("output",), why
    batch, grid, channels = grid_input(spec, shape, rank, fmt)
    out = join_channels(batch, target, channels, fmt)
    how = "averages" if "Average" in spec.name else "takes the maximum of"
    why = f"{how} windows sized to fit the output: {times(grid)} -> {times(target)}"
    return (out,), ("output",), why


def _pairs(spec: LayerSpec, key: str, rank: int) -> tuple[tuple[int, int], ...]:
    """An int, one int per axis, or a (before, after) pair per axis (standardize_tuple)."""
    value = spec.get(key)
    if isinstance(value, tuple | list):
        if len(value) != rank:
            raise Refusal(
                f"{key} must be one number, {rank} numbers or {rank} pairs, got {value!r}"
            )
        pairs = tuple(tuple(v) if isinstance(v, tuple | list) else (v, v) for v in value)
    else:
        pairs = ((value, value),) * rank
    for pair in pairs:
        if len(pair) != 2 or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in pair
        ):
            raise Refusal(
                f"{key} must be whole numbers, 0 or more, one or a (before, after) pair per "
                f"axis, got {value!r}"
            )
    return pairs  # type: ignore[return-value]


def padding_or_cropping(spec: LayerSpec, shape: Shape) -> Result:
    """ZeroPadding2D/3D and Cropping2D/3D."""
    rank = rank_of(spec.name)
    cropping = spec.name.startswith("Cropping")
    pairs = _pairs(spec, "cropping" if cropping else "padding", rank)
    fmt = data_format(spec)
    batch, grid, channels = grid_input(spec, shape, rank, fmt)
    sign = -1 if cropping else 1
    out_grid = tuple(
        None if size is None else size + sign * (before + after)
        for size, (before, after) in zip(grid, pairs, strict=True)
    )
    if any(size is not None and size <= 0 for size in out_grid):
        raise Refusal(
            f"cropping {pairs} removes all of the {times(grid)} input; crop fewer positions"
        )
    out = join_channels(batch, out_grid, channels, fmt)
    verb = "drops" if cropping else "adds zeros:"
    amounts = ", ".join(f"{b} + {a}" for b, a in pairs)
    why = f"{verb} {amounts} positions along the {_AXES[rank]} axes: {times(grid)} -> {times(out_grid)}"
    return (out,), ("output",), why


def up_sampling(spec: LayerSpec, shape: Shape) -> Result:
    """UpSampling2D and UpSampling3D: each position repeated along each axis."""
    rank = rank_of(spec.name)
    factor = sizes(spec, "size", spec.get("size"), rank)
    fmt = data_format(spec)
    batch, grid, channels = grid_input(spec, shape, rank, fmt)
    out_grid = tuple(None if s is None else s * f for s, f in zip(grid, factor, strict=True))
    out = join_channels(batch, out_grid, channels, fmt)
    why = f"repeats each position {times(factor)} times: {times(grid)} -> {times(out_grid)}"
    return (out,), ("output",), why


def image_size(spec: LayerSpec, shape: Shape) -> Result:
    """Resizing, CenterCrop and RandomCrop: every image comes out height x width."""
    height = positive_int(spec, "height", spec.get("height"))
    width = positive_int(spec, "width", spec.get("width"))
    fmt = data_format(spec)
    if len(shape) not in (3, 4):
        raise Refusal(
            f"{spec.name} needs images: 4-D (batch, rows, columns, channels), or 3-D for one "
            f"image, but gets {ndim_name(len(shape))} {format_shape(shape)}"
        )
    lead = shape[:1] if len(shape) == 4 else ()
    image = shape[len(lead) :]
    channels = image[-1] if fmt == "channels_last" else image[0]
    grid = image[:2] if fmt == "channels_last" else image[1:]
    size = (height, width, channels) if fmt == "channels_last" else (channels, height, width)
    verb = {
        "Resizing": "resizes",
        "CenterCrop": "crops the centre of",
        "RandomCrop": "crops (at random when training)",
    }[spec.name]
    why = f"{verb} each image: {times(grid)} -> {height} x {width}"
    return ((*lead, *size),), ("output",), why


RULES = {
    "Conv3D": conv,
    "SeparableConv1D": conv,
    "SeparableConv2D": conv,
    "DepthwiseConv1D": conv,
    "DepthwiseConv2D": conv,
    "Conv1DTranspose": conv_transpose,
    "Conv2DTranspose": conv_transpose,
    "Conv3DTranspose": conv_transpose,
    "MaxPooling3D": pooling3d,
    "AveragePooling3D": pooling3d,
    "GlobalAveragePooling3D": global_pooling,
    "GlobalMaxPooling3D": global_pooling,
    **{
        f"Adaptive{how}Pooling{n}D": adaptive_pooling
        for how in ("Average", "Max")
        for n in (1, 2, 3)
    },
    "ZeroPadding2D": padding_or_cropping,
    "ZeroPadding3D": padding_or_cropping,
    "Cropping2D": padding_or_cropping,
    "Cropping3D": padding_or_cropping,
    "UpSampling2D": up_sampling,
    "UpSampling3D": up_sampling,
    "Resizing": image_size,
    "CenterCrop": image_size,
    "RandomCrop": image_size,
}
