"""Wrappers that apply another layer: TimeDistributed (Bidirectional is in recurrent)."""

from __future__ import annotations

from rnnshape_docs.rules.base import (
    Refusal,
    Result,
    Shape,
    format_shape,
    ndim_name,
)
from rnnshape_docs.specs import LayerSpec


def time_distributed(spec: LayerSpec, shape: Shape) -> Result:
    inner: LayerSpec = spec.params["layer"]
    if len(shape) < 3:
        raise Refusal(
            f"TimeDistributed needs input with at least 3 axes (batch, time steps, ...) but "
            f"gets {ndim_name(len(shape))} {format_shape(shape)}",
            after_rnn=True,
            rank=3,
        )
    child = (shape[0], *shape[2:])
    from rnnshape_docs.rules import apply  # the registry imports this module

    try:
        outputs, _names, _why = apply(inner, child)
    except Refusal as exc:
        raise Refusal(
            f"(wrapped {inner.text}, given one time step {format_shape(child)}) {exc}",
            fix=_no_time_axis(inner, shape),
        ) from None
    if len(outputs) != 1:
        raise Refusal(f"TimeDistributed cannot wrap {inner.text}, which returns several tensors")
    out = outputs[0]
    steps = shape[1]
    result = (out[0], steps, *out[1:])
    why = (
        f"applies {inner.text} to {_each_step(steps)} on its own: "
        f"{format_shape(child)} -> {format_shape(out)} per step"
    )
    return (result,), ("output",), why


def _no_time_axis(inner: LayerSpec, shape: Shape) -> str:
    """When the wrapped layer takes the whole input: the input has no time axis to loop over."""
    from rnnshape_docs.rules import apply

    try:
        whole = apply(inner, shape)[0][0]
    except Refusal:
        return ""
    one_frame = (shape[0], 1, *shape[1:])
    return (
        f"; the input {format_shape(shape)} has no time axis: for a sequence (video frames, "
        f"windows) add one, (batch, steps, {', '.join(map(str, shape[1:]))}), e.g. "
        f"{format_shape(one_frame)} for one step each; for single samples drop "
        f"TimeDistributed: {inner.text} gives {format_shape(whole)}"
    )


def _each_step(steps: int | None) -> str:
    return f"each of the {steps} time steps" if steps is not None else "every time step"
