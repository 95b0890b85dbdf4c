"""Convolution along the time axis (pooling, for any number of axes, is in `spatial`)."""

from __future__ import annotations

from rnnshape_docs.rules.base import (
    Refusal,
    Result,
    Shape,
    data_format,
    format_shape,
    ndim_name,
    one_int,
    positive_int,
    with_article,
)
from rnnshape_docs.specs import LayerSpec

_PADDINGS = ("valid", "same", "causal")


def _length(size: int | None, window: int, stride: int, padding: str) -> int | None:
    """Output length of a 1-D convolution/pooling (Keras's formula)."""
    if size is None:
        return None
    if padding == "valid":
        return (size - window) // stride + 1
    return (size - 1) // stride + 1  # same, causal


def _per_step_or_image(spec: LayerSpec, shape: Shape) -> str:
    """4-D into Conv1D: a sequence to convolve step by step, or an image for Conv2D."""
    if len(shape) != 4:
        return ""
    from rnnshape_docs.rules import apply  # the registry imports this module
    from rnnshape_docs.specs import from_values

    readings = []
    for wrapped in (
        from_values("TimeDistributed", [spec], {}),
        from_values("Conv2D", [spec.get("filters"), spec.get("kernel_size")], {}),
    ):
        try:
            out = apply(wrapped, shape)[0][0]
        except Refusal:
            continue
        what = "to convolve each step on its own" if wrapped.name != "Conv2D" else "for images"
        readings.append(f"{what}, {wrapped.text} gives {format_shape(out)}")
    return "; " + "; ".join(readings) if readings else ""


def conv1d(spec: LayerSpec, shape: Shape) -> Result:
    filters = positive_int(spec, "filters", spec.get("filters"))
    kernel = one_int(spec, "kernel_size", spec.get("kernel_size"))
    strides = one_int(spec, "strides", 1)
    dilation = one_int(spec, "dilation_rate", 1)
    groups = positive_int(spec, "groups", spec.get("groups"))
    padding = spec.get("padding")
    padding = padding.lower() if isinstance(padding, str) else padding
    if padding not in _PADDINGS:
        raise Refusal(f"unknown padding {padding!r}; use 'valid', 'same' or 'causal'")
    if strides > 1 and dilation > 1:
        raise Refusal("strides > 1 cannot be combined with dilation_rate > 1; choose one")
    fmt = data_format(spec)
    if len(shape) == 2:
        raise Refusal(
            f"Conv1D needs 3-D input (batch, time steps, channels) but gets "
            f"2-D {format_shape(shape)}",
            after_rnn=True,
            hint="; for a plain series of values (one number per step) add a channels axis "
            f"of size 1: {format_shape((*shape, 1))}",
            rank=3,
        )
    if len(shape) != 3:
        raise Refusal(
            f"Conv1D needs 3-D input (batch, time steps, channels) but gets "
            f"{ndim_name(len(shape))} {format_shape(shape)}",
            after_rnn=True,
            fix=_per_step_or_image(spec, shape),
            rank=3,
        )
    batch, steps, channels = shape if fmt == "channels_last" else (shape[0], shape[2], shape[1])
    if channels is None:
        raise Refusal(
            f"the channels axis must be known to size the kernel, got {format_shape(shape)}"
        )
    if filters % groups or channels % groups:
        raise Refusal(
            f"groups={groups} must divide both the {channels} input channels and filters={filters}"
        )
    window = dilation * (kernel - 1) + 1
    length = _length(steps, window, strides, padding)
    if length is not None and length <= 0:
        raise Refusal(
            f"the kernel spans {window} steps but the input has only {steps} "
            "(output size would be zero or negative); use a smaller kernel_size or dilation_rate, "
            "or padding='same'"
        )
    out = (batch, length, filters) if fmt == "channels_last" else (batch, filters, length)
    span = f"{kernel}-step kernel" + (
        f" (dilation {dilation}: spans {window})" if dilation > 1 else ""
    )
    change = f"{steps} steps -> {length}" if steps is not None else "length stays unknown"
    stride_text = f", stride {strides}" if strides > 1 else ""
    why = f"slides {with_article(span)}{stride_text}, padding={padding!r}: {change}; {filters} filters"
    return (out,), ("output",), why
