"""Layers that merge a list of tensors: Concatenate, Add and the other element-wise merges, Dot.

Keras's own checks are in ``keras/src/layers/merging``; the rules refuse the same inputs,
and say which input does not fit (``Refusal.source``) so the tracer of a model can name the
layer that produced it.
"""

from __future__ import annotations

from rnnshape_docs.rules.base import Call, Refusal, Result, Shape, format_shape
from rnnshape_docs.specs import LayerSpec


def _shapes(call: Call) -> str:
    return ", ".join(map(format_shape, call.inputs))


def _list_of(spec: LayerSpec, call: Call, *, at_least: int = 1, exactly: int | None = None):
    n = len(call.inputs)
    extra = sorted(set(call.options) - {"mask", "training"})
    if extra:
        raise Refusal(f"{spec.name} takes no call argument {extra[0]}=")
    if exactly is not None and n != exactly:
        raise Refusal(
            f"{spec.name} takes a list of exactly {exactly} tensors, got {n}"
            + (f": {_shapes(call)}" if n else "")
        )
    if n < at_least:
        raise Refusal(
            f"{spec.name} merges a list of tensors, e.g. {spec.name}()([a, b]), but is given "
            f"{n}" + (f": {_shapes(call)}" if n else "")
        )
    batches = {s[0] for s in call.inputs if s} - {None}
    if len(batches) > 1:
        raise Refusal(
            f"{spec.name} cannot merge tensors with different batch sizes: {_shapes(call)}"
        )


def _elementwise(shape1: Shape, shape2: Shape, spec: LayerSpec, k: int) -> Shape:
    """Keras's broadcast of two shapes without their batch axis (Merge.compute_output_shape)."""
    if len(shape1) < len(shape2):
        shape1, shape2 = shape2, shape1
    if not shape2:
        return shape1
    out = list(shape1[: len(shape1) - len(shape2)])
    for i, j in zip(shape1[len(shape1) - len(shape2) :], shape2, strict=True):
        if i is None or j is None:
            out.append(None)
        elif i == 1 or j == 1:
            out.append(j if i == 1 else i)
        elif i != j:
            raise Refusal(
                f"{spec.name} combines its inputs value by value, so their shapes must match "
                f"(or be 1 where they differ), but input {k + 1} does not fit the ones before it",
                source=("input", k),
            )
        else:
            out.append(i)
    return tuple(out)


_VERBS = {
    "Add": "adds",
    "Subtract": "subtracts the second from the first,",
    "Multiply": "multiplies",
    "Average": "averages",
    "Maximum": "takes the maximum of",
    "Minimum": "takes the minimum of",
}


def elementwise(spec: LayerSpec, call: Call) -> Result:
    """Add, Subtract, Multiply, Average, Maximum, Minimum."""
    _list_of(spec, call, exactly=2 if spec.name == "Subtract" else None, at_least=1)
    body: Shape = call.inputs[0][1:]
    for k, shape in enumerate(call.inputs[1:], start=1):
        body = _elementwise(body, shape[1:], spec, k)
    batch = next((s[0] for s in call.inputs if s[0] is not None), None)
    out = (batch, *body)
    same = all(s == call.inputs[0] for s in call.inputs)
    what = "its input" if len(call.inputs) == 1 else f"the {len(call.inputs)} inputs"
    verb = _VERBS[spec.name]
    how = "value by value" if same else "value by value, broadcasting axes of size 1"
    return (out,), ("output",), f"{verb} {what} {how}: shape {format_shape(out)}"


def concatenate(spec: LayerSpec, call: Call) -> Result:
    _list_of(spec, call)
    axis = spec.get("axis")
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise Refusal(f"axis must be a whole number, got {axis!r}")
    first = call.inputs[0]
    rank = len(first)
    if not -rank <= axis < rank or axis % rank == 0:
        raise Refusal(
            f"axis={axis} is not an axis of {format_shape(first)} to join along "
            f"(the batch axis 0 cannot be joined); use axis=-1 for the features"
        )
    a = axis % rank
    out = list(first)
    for k, shape in enumerate(call.inputs[1:], start=1):
        if len(shape) != rank:
            raise Refusal(
                f"Concatenate joins tensors of the same rank, but input {k + 1} is "
                f"{format_shape(shape)} and input 1 is {format_shape(first)}",
                source=("input", k),
            )
        for i in range(rank):
            if i == a:
                continue
            if None not in (out[i], shape[i]) and out[i] != shape[i]:
                raise Refusal(
                    f"Concatenate(axis={axis}) needs every axis but axis {a} to match; input "
                    f"{k + 1} {format_shape(shape)} differs from {format_shape(first)} at axis "
                    f"{i}",
                    source=("input", k),
                )
            if out[i] is None:
                out[i] = shape[i]
        out[a] = None if out[a] is None or shape[a] is None else out[a] + shape[a]
    widths = " + ".join(str(s[a]) for s in call.inputs)
    why = f"joins the {len(call.inputs)} inputs along axis {a}: {widths} = {out[a]}"
    return (tuple(out),), ("output",), why


def dot(spec: LayerSpec, call: Call) -> Result:
    _list_of(spec, call, exactly=2)
    shape1, shape2 = (list(s) for s in call.inputs)
    axes = spec.get("axes")
    if isinstance(axes, int) and not isinstance(axes, bool):
        pair = [axes % len(shape1), axes % len(shape2)] if axes < 0 else [axes, axes]
    elif (
        isinstance(axes, tuple | list) and len(axes) == 2 and all(isinstance(x, int) for x in axes)
    ):
        pair = [axes[0] % len(shape1), axes[1] % len(shape2)]
    else:
        raise Refusal(f"axes must be a whole number or a pair of them, got {axes!r}")
    if 0 in pair or pair[0] >= len(shape1) or pair[1] >= len(shape2):
        raise Refusal(
            f"axes={axes!r} must name axes of {format_shape(call.inputs[0])} and "
            f"{format_shape(call.inputs[1])} other than the batch axis"
        )
    size1, size2 = shape1[pair[0]], shape2[pair[1]]
    if None not in (size1, size2) and size1 != size2:
        raise Refusal(
            f"Dot multiplies axis {pair[0]} of input 1 ({size1}) with axis {pair[1]} of input 2 "
            f"({size2}); they must have the same size",
            source=("input", 1),
        )
    shape1.pop(pair[0])
    shape2.pop(pair[1])
    shape2.pop(0)
    out = tuple(shape1 + shape2)
    if len(out) == 1:
        out = (*out, 1)
    normalized = "; normalize=True: cosine similarity" if spec.get("normalize") else ""
    why = f"sums the products along axis {pair[0]} of input 1 and axis {pair[1]} of input 2 ({size1} values){normalized}"
    return (out,), ("output",), why


RULES = {
    "Concatenate": concatenate,
    "Dot": dot,
    **dict.fromkeys(_VERBS, elementwise),
}
