"""LayerNormalization and BatchNormalization: the shape is unchanged, the axes must exist.

Both learn one scale and one shift per position of the normalized axes, so those axes'
sizes must be known when the layer is built (Keras refuses ``None`` there).
"""

from __future__ import annotations

from rnnshape_docs.rules.base import Refusal, Result, Shape, format_shape
from rnnshape_docs.specs import LayerSpec


def _axis(shape: Shape, axis: int) -> int:
    """``axis`` counted from 0; refuses one the input does not have."""
    if not -len(shape) <= axis < len(shape):
        raise Refusal(
            f"axis={axis} is out of range for the {len(shape)}-D input {format_shape(shape)}; "
            f"use an axis from {-len(shape)} to {len(shape) - 1} (-1, the last, is usual)"
        )
    return axis % len(shape)


def _known(shape: Shape, axes: list[int], why: str) -> None:
    unknown = [a for a in axes if shape[a] is None]
    if unknown:
        raise Refusal(
            f"axis {unknown[0]} of {format_shape(shape)} is None, but {why}; give that axis "
            "a fixed size"
        )


def layer_normalization(spec: LayerSpec, shape: Shape) -> Result:
    value = spec.get("axis")
    values = list(value) if isinstance(value, tuple | list) else [value]
    if not values or any(isinstance(v, bool) or not isinstance(v, int) for v in values):
        raise Refusal(f"axis must be a whole number or a tuple of them, got {value!r}")
    axes = [_axis(shape, v) for v in values]
    if len(set(axes)) != len(axes):
        raise Refusal(
            f"axis={value!r} names the same axis twice (Keras 3.15 builds this and fails "
            "only when it runs); name each axis once"
        )
    if bool(spec.get("center")) or bool(spec.get("scale")):
        _known(shape, axes, "LayerNormalization learns a shift or a scale for each of its values")
    if len(axes) == 1:
        over = (
            f"the {shape[axes[0]]} values along axis {value if isinstance(value, int) else axes[0]}"
        )
    else:
        over = f"the values along axes {', '.join(map(str, sorted(axes)))} together"
    why = f"normalizes each sample on its own over {over} (mean 0, variance 1); shape unchanged"
    return (shape,), ("output",), why


def batch_normalization(spec: LayerSpec, shape: Shape) -> Result:
    value = spec.get("axis")
    if not isinstance(value, int | float):  # Keras reads the axis with int()
        raise Refusal(f"axis must be one whole number, got {value!r}")
    axis = _axis(shape, int(value))
    _known(shape, [axis], "BatchNormalization keeps a mean and a variance for each of its values")
    why = (
        f"normalizes each of the {shape[axis]} values along axis {int(value)} with the batch's "
        "mean and variance (their moving averages when predicting); shape unchanged"
    )
    return (shape,), ("output",), why
