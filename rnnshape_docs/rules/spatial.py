"""Images and other grids: 2-D convolution and pooling, and the window arithmetic they share.

The helpers here (`sizes`, `window_length`, `padding_of`) are Keras's own checks and
formula, for any number of spatial axes; ConvLSTM (`rules.conv_recurrent`) reuses them.
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
from rnnshape_docs.specs import LayerSpec


def sizes(spec: LayerSpec, key: str, default: object, n: int) -> tuple[int, ...]:
    """An int-or-n-tuple argument (kernel_size, strides, ...) as n positive ints."""
    value = spec.get(key, default)
    if value is None and key == "strides":
        value = default
    if isinstance(value, tuple | list):
        if len(value) != n:
            raise Refusal(f"{key} must be one whole number or {n} of them, got {value!r}")
        return tuple(positive_int(spec, key, v) for v in value)
    return (positive_int(spec, key, value),) * n


def padding_of(spec: LayerSpec, allowed: tuple[str, ...] = ("valid", "same")) -> str:
    """The padding as Keras reads it (convolutions lower-case it, pooling layers do not)."""
    padding = spec.get("padding")
    if isinstance(padding, str) and spec.name.startswith("Conv"):
        padding = padding.lower()
    if padding not in allowed:
        raise Refusal(
            f"unknown padding {padding!r} for {spec.name}; use "
            + " or ".join(repr(p) for p in allowed)
        )
    return padding


def window_length(size: int | None, window: int, stride: int, padding: str) -> int | None:
    """Output size along one axis of a convolution or pooling window (Keras's formula)."""
    if size is None:
        return None
    if padding == "valid":
        return (size - window) // stride + 1
    return (size - 1) // stride + 1  # same, causal


def times(values: tuple[int | None, ...]) -> str:
    """``(28, 28)`` written as ``28 x 28`` (``?`` for an unknown size)."""
    return " x ".join("?" if v is None else str(v) for v in values)


def split_channels(shape: Shape, fmt: str) -> tuple[int | None, tuple[int | None, ...], int | None]:
    """(batch, spatial sizes, channels) of a channels_last or channels_first tensor."""
    if fmt == "channels_last":
        return shape[0], tuple(shape[1:-1]), shape[-1]
    return shape[0], tuple(shape[2:]), shape[1]


def join_channels(batch, grid, channels, fmt: str) -> Shape:
    if fmt == "channels_last":
        return (batch, *grid, channels)
    return (batch, channels, *grid)


def _image_input(spec: LayerSpec, shape: Shape, fmt: str) -> None:
    if len(shape) == 4:
        return
    what = "rows, columns, channels" if fmt == "channels_last" else "channels, rows, columns"
    hint = wrap = ""
    if len(shape) == 3:  # about the data: given when the layer is the first one
        hint = (
            f"; for one-channel images add a channels axis of size 1: {format_shape((*shape, 1))}"
        )
    if len(shape) == 5:
        wrap = f"; for a sequence of images (video) wrap it: TimeDistributed({spec.text})"
    raise Refusal(
        f"{spec.name} needs 4-D input (batch, {what}) but gets "
        f"{ndim_name(len(shape))} {format_shape(shape)}{wrap}",
        hint=hint,
    )


def conv2d(spec: LayerSpec, shape: Shape) -> Result:
    filters = positive_int(spec, "filters", spec.get("filters"))
    kernel = sizes(spec, "kernel_size", spec.get("kernel_size"), 2)
    strides = sizes(spec, "strides", 1, 2)
    dilation = sizes(spec, "dilation_rate", 1, 2)
    groups = positive_int(spec, "groups", spec.get("groups"))
    padding = padding_of(spec)
    fmt = data_format(spec)
    if max(strides) > 1 and max(dilation) > 1:
        raise Refusal("strides > 1 cannot be combined with dilation_rate > 1; choose one")
    if filters % groups:
        raise Refusal(f"groups={groups} must divide filters={filters}")
    _image_input(spec, shape, fmt)
    batch, grid, channels = split_channels(shape, fmt)
    if channels is None:
        raise Refusal(
            f"the channels axis must be known to size the kernel, got {format_shape(shape)}"
        )
    if channels % groups:
        raise Refusal(f"groups={groups} must divide the {channels} input channels")
    out_grid = conv_grid(spec, grid, kernel, strides, dilation, padding)
    out = join_channels(batch, out_grid, filters, fmt)
    stride_text = f", stride {times(strides)}" if max(strides) > 1 else ""
    dilation_text = f", dilation {times(dilation)}" if max(dilation) > 1 else ""
    why = (
        f"slides {with_article(times(kernel))} kernel{stride_text}{dilation_text}, padding={padding!r}: "
        f"{times(grid)} -> {times(out_grid)}; {filters} filters"
    )
    return (out,), ("output",), why


def conv_grid(
    spec: LayerSpec,
    grid: tuple[int | None, ...],
    kernel: tuple[int, ...],
    strides: tuple[int, ...],
    dilation: tuple[int, ...],
    padding: str,
) -> tuple[int | None, ...]:
    """The output grid of a convolution; refuses a kernel larger than a known input."""
    windows = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation, strict=True))
    out = tuple(
        window_length(size, window, s, padding)
        for size, window, s in zip(grid, windows, strides, strict=True)
    )
    if any(length is not None and length <= 0 for length in out):
        raise Refusal(
            f"the kernel spans {times(windows)} but the input is only {times(grid)} (output "
            "size would be zero or negative); use a smaller kernel_size or dilation_rate, or "
            "padding='same'"
        )
    return out


def pooling(spec: LayerSpec, shape: Shape, rank: int) -> Result:
    """MaxPooling1D/2D and AveragePooling1D/2D."""
    default = 2 if spec.name.startswith("Max") else None
    if spec.get("pool_size", default) is None:
        raise Refusal(f"{spec.name} needs pool_size, e.g. {spec.name}(2)")
    pool = sizes(spec, "pool_size", default, rank)
    strides = sizes(spec, "strides", spec.get("pool_size", default), rank)
    padding = padding_of(spec)
    fmt = data_format(spec)
    if len(shape) != rank + 2:
        axes = "time steps, features" if rank == 1 else "rows, columns, channels"
        raise Refusal(
            f"{spec.name} needs {rank + 2}-D input (batch, {axes}) but gets "
            f"{ndim_name(len(shape))} {format_shape(shape)}",
            after_rnn=rank == 1 and len(shape) == 2,
            rank=rank + 2 if rank == 1 and len(shape) == 2 else None,
        )
    batch, grid, channels = split_channels(shape, fmt)
    out_grid = []
    for size, p, s in zip(grid, pool, strides, strict=True):
        length = window_length(size, p, s, padding)
        if length is not None and length <= 0:
            spans = f"{pool[0]} steps" if rank == 1 else times(pool)
            has = f"has only {grid[0]}" if rank == 1 else f"is only {times(grid)}"
            raise Refusal(
                f"the pool spans {spans} but the input {has}; use a smaller pool_size or "
                "padding='same'"
            )
        out_grid.append(length)
    out = join_channels(batch, tuple(out_grid), channels, fmt)
    how = "the maximum" if spec.name.startswith("Max") else "the average"
    if rank == 1:  # the time axis, in the words of the recurrent chapters
        change = f"{grid[0]} -> {out_grid[0]}" if grid[0] is not None else "length stays unknown"
        window = f"window of {pool[0]} steps (stride {strides[0]})"
    else:
        change = f"{times(grid)} -> {times(tuple(out_grid))}"
        window = f"{times(pool)} window (stride {times(strides)})"
    why = f"keeps {how} of each {window}: {change}"
    return (out,), ("output",), why


def pooling1d(spec: LayerSpec, shape: Shape) -> Result:
    return pooling(spec, shape, 1)


def pooling2d(spec: LayerSpec, shape: Shape) -> Result:
    return pooling(spec, shape, 2)


def global_pooling2d(spec: LayerSpec, shape: Shape) -> Result:
    fmt = data_format(spec)
    keepdims = flag(spec, "keepdims")
    _image_input(spec, shape, fmt)
    batch, grid, channels = split_channels(shape, fmt)
    out = join_channels(batch, (1, 1), channels, fmt) if keepdims else (batch, channels)
    how = "averages" if "Average" in spec.name else "takes the maximum"
    wide = f"{channels}-wide " if channels is not None else ""
    why = f"{how} over the {times(grid)} positions: one {wide}vector per sample"
    if keepdims:
        why += "; keepdims=True keeps the two pooled axes with size 1"
    return (out,), ("output",), why
