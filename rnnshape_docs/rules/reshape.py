"""Layers that move, pad, crop or repeat values and learn nothing: the shape is the story.

Reshape and Permute rearrange each sample; ZeroPadding1D, Cropping1D and UpSampling1D
lengthen or shorten the time axis of a (batch, time steps, features) sequence.
"""

from __future__ import annotations

import math

from rnnshape_docs.rules.base import (
    Refusal,
    Result,
    Shape,
    data_format,
    format_shape,
    ndim_name,
    positive_int,
)
from rnnshape_docs.specs import LayerSpec


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def reshape(spec: LayerSpec, shape: Shape) -> Result:
    target = spec.get("target_shape")
    if not isinstance(target, tuple | list):
        raise Refusal(
            f"target_shape must be a tuple of sizes (without the batch), got {target!r}; "
            f"write e.g. Reshape(({target!r},))"
        )
    if not all(_whole(d) for d in target):
        raise Refusal(
            f"target_shape={tuple(target)!r} must hold whole numbers (Keras 3.15 reads any other "
            "value as an unknown size)"
        )
    if any(d < -1 for d in target) or list(target).count(-1) > 1:
        raise Refusal(
            f"target_shape={tuple(target)!r}: each size must be positive, or -1 once for the "
            "size worked out from the others"
        )
    if 0 in target:
        raise Refusal(
            f"target_shape={tuple(target)!r} has a size 0, which holds no values; every size "
            "must be positive (or -1 once)"
        )
    rest = shape[1:]
    known = math.prod(d for d in target if d != -1)
    if None in rest:
        # Keras cannot check the count before it runs; it fails then if the sizes do not fit.
        out = tuple(None if d == -1 else d for d in target)
        sized = math.prod(d for d in rest if d is not None)
        if -1 not in target and known % sized:
            raise Refusal(
                f"target_shape={tuple(target)!r} holds {known} values per sample, which no "
                f"number of {format_shape(rest)} positions can fill ({sized} values each); "
                "Keras 3.15 builds this and fails when it runs"
            )
        why = (
            f"rearranges each sample's values into {format_shape(out)}; the unknown sizes "
            "must fit when it runs"
        )
        return ((shape[0], *out),), ("output",), why
    total = math.prod(rest)
    if -1 in target:
        if total % known:
            raise Refusal(
                f"target_shape={tuple(target)!r}: the {total} values of each sample "
                f"({format_shape(rest)}) cannot be split into parts of {known}; choose sizes "
                f"whose product divides {total}"
            )
        out = tuple(total // known if d == -1 else d for d in target)
        worked = f"; -1 becomes {total} / {known} = {total // known}"
    else:
        if known != total:
            raise Refusal(
                f"target_shape={tuple(target)!r} holds {known} values per sample but the input "
                f"{format_shape(shape)} has {total}; choose sizes whose product is {total}, or "
                f"put -1 for one of them"
            )
        out = tuple(target)
        worked = ""
    joined = " x ".join(map(str, rest)) + f" = {total}" if len(rest) > 1 else str(total)
    why = f"rearranges the {joined} values of each sample into {format_shape(out)}"
    return ((shape[0], *out),), ("output",), why + worked


def permute(spec: LayerSpec, shape: Shape) -> Result:
    dims = spec.get("dims")
    if not isinstance(dims, tuple | list) or not all(_whole(d) for d in dims):
        raise Refusal(
            f"dims must be a tuple of axis numbers counted from 1 (the batch stays first), "
            f"got {dims!r}; e.g. Permute((2, 1)) swaps time steps and features"
        )
    if sorted(dims) != list(range(1, len(dims) + 1)):
        raise Refusal(
            f"dims={tuple(dims)!r} must name each of the axes 1 to {len(dims)} once, in the new "
            "order"
        )
    if len(shape) != len(dims) + 1:
        raise Refusal(
            f"Permute({tuple(dims)!r}) reorders {len(dims)} axes, so it needs "
            f"{len(dims) + 1}-D input, but gets {ndim_name(len(shape))} {format_shape(shape)}",
            after_rnn=len(shape) == 2,
        )
    out = (shape[0], *(shape[d] for d in dims))
    why = (
        f"reorders the axes after the batch into the order {', '.join(map(str, dims))}: "
        f"{format_shape(shape[1:])} -> {format_shape(out[1:])}"
    )
    return (out,), ("output",), why


def _sequence(spec: LayerSpec, shape: Shape) -> None:
    if len(shape) != 3:
        raise Refusal(
            f"{spec.name} needs 3-D input (batch, time steps, features) but gets "
            f"{ndim_name(len(shape))} {format_shape(shape)}",
            after_rnn=len(shape) == 2,
        )


def _pair(spec: LayerSpec, key: str, default: tuple[int, int]) -> tuple[int, int]:
    """An int or (before, after) pair of sizes that may be 0 (Keras's standardize_tuple)."""
    value = spec.get(key, default)
    pair = tuple(value) if isinstance(value, tuple | list) else (value, value)
    if len(pair) != 2 or not all(_whole(v) and v >= 0 for v in pair):
        raise Refusal(
            f"{key} must be a whole number of steps or a pair (before, after) of them, 0 or "
            f"more, got {value!r}"
        )
    return pair  # type: ignore[return-value]


def zero_padding1d(spec: LayerSpec, shape: Shape) -> Result:
    before, after = _pair(spec, "padding", (1, 1))
    fmt = data_format(spec)
    _sequence(spec, shape)
    axis = 1 if fmt == "channels_last" else 2
    steps = shape[axis]
    out = list(shape)
    out[axis] = None if steps is None else steps + before + after
    change = f"{steps} -> {out[axis]} steps" if steps is not None else "length stays unknown"
    why = f"adds {before} zero step{'s' * (before != 1)} before and {after} after: {change}"
    return (tuple(out),), ("output",), why


def cropping1d(spec: LayerSpec, shape: Shape) -> Result:
    before, after = _pair(spec, "cropping", (1, 1))
    _sequence(spec, shape)
    steps = shape[1]
    if steps is not None and steps - before - after <= 0:
        raise Refusal(
            f"cropping ({before}, {after}) removes {before + after} steps but the input has "
            f"only {steps}; crop fewer steps"
        )
    length = None if steps is None else steps - before - after
    if steps is None:
        change = f"length stays unknown (it must be more than {before + after} when run)"
    else:
        change = f"{steps} -> {length} steps"
    why = f"drops {before} step{'s' * (before != 1)} at the start and {after} at the end: {change}"
    return ((shape[0], length, shape[2]),), ("output",), why


def up_sampling1d(spec: LayerSpec, shape: Shape) -> Result:
    size = spec.get("size")
    if not _whole(size):
        raise Refusal(
            f"size must be a whole number (how often each step is repeated), got {size!r}"
        )
    size = positive_int(spec, "size", size)
    _sequence(spec, shape)
    steps = shape[1]
    length = None if steps is None else steps * size
    change = f"{steps} -> {length} steps" if steps is not None else "length stays unknown"
    why = f"repeats each time step {size} times: {change}"
    return ((shape[0], length, shape[2]),), ("output",), why
