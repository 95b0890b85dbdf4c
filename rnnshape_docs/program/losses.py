"""Every built-in Keras 3 loss, by what its target holds, and what Keras does with a target.

Keras 3 first brings target and output to the same rank (`squeeze_or_expand_to_same_rank`
in ``keras/src/losses/loss.py``: a last axis of 1 is dropped or added when the ranks differ by
one), then computes. The categorical crossentropies demand equal shapes; the sparse one
wants one integer id per output row; every other loss is computed elementwise, so a target
that merely broadcasts against the output trains without an error, on the wrong loss.
"""

from __future__ import annotations

from rnnshape_docs.program import sizes
from rnnshape_docs.program.numpy_calls import broadcast
from rnnshape_docs.program.sizes import Size

VALUES, ONE_HOT, SPARSE = "values", "one-hot rows", "integer class ids"

# Keras 3's own names (functions, their aliases and the classes) -> what the target holds.
_KINDS = {
    "mean_squared_error": VALUES,
    "mean_absolute_error": VALUES,
    "mean_absolute_percentage_error": VALUES,
    "mean_squared_logarithmic_error": VALUES,
    "huber": VALUES,
    "log_cosh": VALUES,
    "poisson": VALUES,
    "kl_divergence": VALUES,
    "hinge": VALUES,
    "squared_hinge": VALUES,
    "categorical_hinge": VALUES,
    "cosine_similarity": VALUES,
    "binary_crossentropy": VALUES,
    "binary_focal_crossentropy": VALUES,
    "dice": VALUES,
    "tversky": VALUES,
    "categorical_crossentropy": ONE_HOT,
    "categorical_focal_crossentropy": ONE_HOT,
    "sparse_categorical_crossentropy": SPARSE,
}
_ALIASES = {
    "mse": "mean_squared_error",
    "mae": "mean_absolute_error",
    "mape": "mean_absolute_percentage_error",
    "msle": "mean_squared_logarithmic_error",
    "bce": "binary_crossentropy",
    "kld": "kl_divergence",
    "huber_loss": "huber",
    # Keras 2 spellings Keras 3 no longer takes (read as meant)
    "logcosh": "log_cosh",
    "kullback_leibler_divergence": "kl_divergence",
    "cosine_proximity": "cosine_similarity",
}
_CLASSES = {
    "MeanSquaredError": "mean_squared_error",
    "MeanAbsoluteError": "mean_absolute_error",
    "MeanAbsolutePercentageError": "mean_absolute_percentage_error",
    "MeanSquaredLogarithmicError": "mean_squared_logarithmic_error",
    "Huber": "huber",
    "LogCosh": "log_cosh",
    "Poisson": "poisson",
    "KLDivergence": "kl_divergence",
    "Hinge": "hinge",
    "SquaredHinge": "squared_hinge",
    "CategoricalHinge": "categorical_hinge",
    "CosineSimilarity": "cosine_similarity",
    "BinaryCrossentropy": "binary_crossentropy",
    "BinaryFocalCrossentropy": "binary_focal_crossentropy",
    "Dice": "dice",
    "Tversky": "tversky",
    "CategoricalCrossentropy": "categorical_crossentropy",
    "CategoricalFocalCrossentropy": "categorical_focal_crossentropy",
    "SparseCategoricalCrossentropy": "sparse_categorical_crossentropy",
}
ALL_LOSSES = tuple(_KINDS)
# Losses whose target must have the output's very shape (Keras 3's backends check it, on
# TensorFlow and JAX: "Arguments `target` and `output` must have the same shape").
_SAME_SHAPE = (
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "binary_crossentropy",
    "binary_focal_crossentropy",
)


def loss_name(value: object) -> str | None:
    """The canonical name of a loss as a program gives it (text, function or class), or None."""
    text = getattr(value, "path", value)
    if not isinstance(text, str):
        return None
    last = text.rsplit(".", 1)[-1].removesuffix("()")
    if last in _CLASSES:
        return _CLASSES[last]
    last = _ALIASES.get(last.lower(), last.lower()) if last.lower() in _ALIASES else last
    return last if last in _KINDS else None


def kind(loss: str) -> str:
    return _KINDS[loss]


def _same_rank(target: tuple[Size, ...], output: tuple[Size, ...]):
    """Keras's squeeze_or_expand_to_same_rank, on shapes."""
    t, o = target, output
    if len(t) == len(o) + 1 and t[-1] == 1:
        t = t[:-1] if len(o) != 1 else t
        if len(o) == 1:
            o = (*o, 1)
    elif len(o) == len(t) + 1 and o[-1] == 1:
        if len(t) == 1:
            t = (*t, 1)
        else:
            o = o[:-1]
    return t, o


def outcome(
    output: tuple[Size, ...], target: tuple[Size, ...], loss: str, batch: Size = None
) -> tuple[str, str]:
    """What Keras does with this target: ("ok" | "refused" | "broadcast", the shape it wants).

    ``batch`` is the size of the batches the loss sees (fit's batch_size, or the samples if
    fewer): right-aligned broadcasting can meet it with another axis. Sizes that are None or
    symbols never make a clash.
    """
    target = (batch, *target[1:]) if target else target
    output = (batch, *output[1:])
    shown = (None, *output[1:])  # the shape it wants, batch unknown as Keras writes it
    if kind(loss) == SPARSE:
        wanted = output[:-1]
        shown = shown[:-1]
        t = target[:-1] if len(target) == len(output) and target[-1] == 1 else target
        if len(t) != len(wanted):
            return "refused", sizes.shape_text(shown)
        if any(sizes.differ(a, b) for a, b in zip(t[1:], wanted[1:], strict=True)):
            return "refused", sizes.shape_text(shown)
        return "ok", sizes.shape_text(shown)
    t, o = _same_rank(target, output)
    wanted = sizes.shape_text(shown)
    if loss in _SAME_SHAPE:
        if len(t) != len(o) or any(sizes.differ(a, b) for a, b in zip(t[1:], o[1:], strict=True)):
            return "refused", wanted
        return "ok", wanted
    if len(t) == len(o) and not any(sizes.differ(a, b) for a, b in zip(t[1:], o[1:], strict=True)):
        return "ok", wanted
    met = broadcast(t, o)
    if met is None:
        return "refused", wanted
    return "broadcast", wanted
