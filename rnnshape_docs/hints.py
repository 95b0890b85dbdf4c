"""What the walk adds to a refusal: the most likely cause, read from what the graph shows.

A rule sees one layer and its input shape; its `Refusal` says what is wrong and, from the
shape alone, a fix. The walk (`graph`) knows more: which layer made that input (an
Embedding, a Flatten, a recurrent layer that kept only its last output), whether the input
is the model's data, and what the layer itself declared (``input_shape=``, ``input_dim=``).
Each function here turns that into the cause to name first, then the other readings with the
shape each fix gives. Each is written once and serves every front end (a chain, a model
file, a program); `tests/test_agreement_fixes.py` applies each fix on Keras.
"""

from __future__ import annotations

from rnnshape_docs.rules import Refusal, Shape, format_shape
from rnnshape_docs.rules.base import with_article
from rnnshape_docs.specs import RECURRENT, LayerSpec

# A first size at least this many times the largest of the others (and at least _SAMPLES) is
# read as a number of samples rather than of time steps: input_shape=X.shape.
_RATIO = 8
_SAMPLES = 100


def from_data(spec: LayerSpec, shape: Shape, exc: Refusal) -> str:
    """The fix when the model's own input does not fit ``spec``: the data (or the declared
    input shape) is what to change."""
    fallback = exc.hint or exc.fix
    if exc.rank is None:
        return fallback
    if len(shape) == 2 and "input_dim" in spec.params and spec.name in RECURRENT:
        return input_dim_is_one_vector(spec, shape)
    if len(shape) > exc.rank:
        return extra_axes(shape, exc.rank, fallback)
    return fallback


def input_dim_is_one_vector(spec: LayerSpec, shape: Shape) -> str:
    """Keras 3 reads input_dim=n as input_shape=(n,): one vector per sample, no time axis."""
    n = spec.params["input_dim"]
    return (
        f"; input_dim={n} declares one vector of {n} per sample, {format_shape(shape)} (Keras 3 "
        f"reads it as input_shape=({n},); Keras 2's recurrent layers read it as the features "
        f"of each step): declare input_shape=(None, {n}) for sequences of any length with {n} "
        f"features, {format_shape((shape[0], None, n))}"
    )


def extra_axes(shape: Shape, rank: int, fallback: str) -> str:
    """More axes than the layer reads, in the data: a size-1 axis to drop, a sample count
    declared as a size, then the reading the rule gave (e.g. a grid per step)."""
    readings = []
    ones = [k for k in range(1, len(shape)) if shape[k] == 1]
    if ones and len(shape) - len(ones) <= rank:
        k = ones[0] if len(shape) - 1 == rank else None
        squeezed = tuple(s for i, s in enumerate(shape) if i == 0 or s != 1)
        if k is not None:
            squeezed = shape[:k] + shape[k + 1 :]
        which = f"axis {k}" if k is not None else "the size-1 axes"
        readings.append(
            f"the data has an extra axis of size 1 ({which} of {format_shape(shape)}): "
            f"drop it (np.squeeze, or input_shape without it), {format_shape(squeezed)}"
        )
    if len(shape) - 1 == rank and looks_like_samples(shape):
        readings.append(
            f"the first size, {shape[1]}, looks like the number of samples (input_shape="
            f"X.shape declares the whole data set): declare one sample, input_shape=X.shape[1:], "
            f"so the input is {format_shape((shape[0], *shape[2:]))}"
        )
    if not readings:
        return fallback
    text = "; " + "; or ".join(readings)
    if fallback and shape[-1] != 1:  # flattening a last axis of 1 is dropping it: said above
        text += "; or, if that is the layout you mean" + fallback.replace(";", ":", 1)
    return text


def looks_like_samples(shape: Shape) -> bool:
    first, rest = shape[1], shape[2:]
    if first is None or any(s is None for s in rest) or not rest:
        return False
    return first >= _SAMPLES and first >= _RATIO * max(rest)


def embedding_axis(origin: str, embedding: LayerSpec, given: Shape, made: Shape) -> str:
    """The extra axis is the Embedding's: it was given vectors or one-hot rows, not ids."""
    width = embedding.get("output_dim")
    ids = given[:-1]
    return (
        f"; the extra axis is the one {origin} adds: it turns each integer id into "
        f"{with_article(f'{width}-wide')} vector, so it needs ids (batch, steps) but was given "
        f"{format_shape(given)}, {len(given) - 1} axes per sample (vectors or one-hot rows); "
        f"feed it the ids, {format_shape(ids)} (np.argmax(x, axis=-1) for one-hot rows), "
        f"giving {format_shape((*ids, width))}; or, if the data are already vectors, drop the "
        f"Embedding and feed them as they are, {format_shape(given)}"
    )


def lost_time_axis(origin: str, dropper_in: Shape, dropper_out: Shape, vector: Shape) -> str:
    """A layer that is not recurrent (Flatten, global pooling, ...) made the sequence one vector."""
    return (
        f"; {origin} turns each sample's sequence {format_shape(dropper_in)} into one vector "
        f"{format_shape(dropper_out)}: remove it (or move it after this layer) so the time "
        f"steps reach this layer{repeat(vector, dropper_in[1])}"
    )


def no_time_axis(data: Shape, vector: Shape) -> str:
    """Nothing before the layer ever had a time axis: the data has none."""
    steps = data[1] if len(data) == 2 else None
    series = ""
    if steps is not None:
        series = (
            f": to read each sample's {steps} values as {steps} time steps, give the data a "
            f"features axis, {format_shape((*data, 1))}, and put the recurrent layer first"
        )
    return (
        f"; no layer before it has a time axis, nor does the data {format_shape(data)}"
        f"{series}{repeat(vector, steps)}"
    )


def repeat(vector: Shape, steps: int | None) -> str:
    """The other reading: one vector per sample, to be repeated over time steps."""
    if len(vector) != 2:
        return ""
    n = steps if steps is not None else "n"
    example = format_shape((vector[0], steps, vector[1])) if steps is not None else ""
    return f"; or repeat the vector over time steps before this layer: RepeatVector({n})" + (
        f" gives {example}" if example else f" gives (batch, n, {vector[1]})"
    )
