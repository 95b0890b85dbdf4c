"""Which target shape a loss trains with, for a model's output shape, and a check before fit.

Pure Python (no TensorFlow): the output shape comes from the rules (`trace`) or from
``model.output_shape``. The shapes listed are the ones Keras 3 trains with correctly (the
book's cheat sheet fits each of them for one epoch). Keras is more lenient than this: with
``mse`` a target that merely *broadcasts* against the output trains without an error and
computes the wrong loss, which is why `check_target` exists.

>>> target_shapes((None, 7, 1), "mse")
((None, 7, 1), (None, 7))
>>> target_shapes((None, 7, 5), "sparse_categorical_crossentropy")
((None, 7), (None, 7, 1))
>>> check_target((None, 1), (32, 7), "mse")
Traceback (most recent call last):
...
rnnshape_docs.targets.TargetShapeError: the model outputs (None, 1), so a mse target must be (samples, 1) or (samples,); got (32, 7)
"""

from __future__ import annotations

from collections.abc import Sequence

from rnnshape_docs.rules.base import format_shape
from rnnshape_docs.shapes import Shape

__all__ = ["LOSSES", "TargetShapeError", "check_target", "target_kind", "target_shapes"]

# What each loss compares: values of the same shape, an integer class id per position, or a
# one-hot row of the output's width per position.
LOSSES = {
    "mse": "values",
    "sparse_categorical_crossentropy": "integer class ids",
    "categorical_crossentropy": "one-hot rows",
}


class TargetShapeError(ValueError):
    """A target that does not have a shape the loss trains with for this output."""


def _loss(loss: str) -> str:
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}: use one of {', '.join(map(repr, LOSSES))}")
    return loss


def target_kind(loss: str) -> str:
    """What the target holds for ``loss``: values, integer class ids or one-hot rows."""
    return LOSSES[_loss(loss)]


def target_shapes(output_shape: Sequence[int | None], loss: str) -> tuple[Shape, ...]:
    """The target shapes (batch first, as in the output) that train correctly with ``loss``.

    The first one is the shape to aim for; a second one is the same numbers with or without
    a last axis of size 1, which Keras adds or drops itself before computing the loss.
    """
    out = tuple(output_shape)
    if len(out) < 2:
        raise ValueError(f"an output shape has a batch axis and at least one more, got {out}")
    loss = _loss(loss)
    if loss == "sparse_categorical_crossentropy":
        return (out[:-1], (*out[:-1], 1))
    if loss == "mse" and out[-1] == 1:
        return (out, out[:-1])
    return (out,)


def _words(shape: Shape) -> str:
    inner = ", ".join(["samples", *("None" if d is None else str(d) for d in shape[1:])])
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def _fits(wanted: Shape, got: Shape) -> bool:
    return len(wanted) == len(got) and all(
        w is None or g is None or w == g for w, g in zip(wanted, got, strict=True)
    )


def check_target(
    output_shape: Sequence[int | None], target_shape: Sequence[int | None], loss: str
) -> None:
    """Raise `TargetShapeError` (one line: what the loss needs, what it got) unless
    ``target_shape`` is one of `target_shapes` (the batch sizes may differ or be unknown)."""
    got = tuple(target_shape)
    wanted = target_shapes(output_shape, loss)
    if any(_fits((None, *w[1:]), got) for w in wanted):
        return
    options = " or ".join(_words(w) for w in wanted)
    raise TargetShapeError(
        f"the model outputs {format_shape(output_shape)}, so a {loss} target must be {options}; "
        f"got {format_shape(got)}"
    )
