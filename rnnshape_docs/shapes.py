"""Pure shape rules for Keras 3 layers: no TensorFlow import on this path.

`trace(layers, input_shape)` walks a stack of layers and returns one `Step` per layer,
with its input shape, its output shape(s) and a one-line reason. A layer that cannot take
its input raises `ShapeError` naming the layer and the fix.

>>> t = trace(["LSTM(4, return_sequences=True)", "LSTM(8)", "Dense(1)"], (2, 5, 3))
>>> [s.outputs for s in t.steps]
[((2, 5, 4),), ((2, 8),), ((2, 1),)]
>>> t.steps[1].why
'return_sequences=False: only the last of the 5 outputs is kept, 8 wide'
>>> trace(["LSTM(4)", "LSTM(8)"], (2, 5, 3))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
rnnshape_docs.shapes.ShapeError: layer 2, LSTM(8): a recurrent layer needs 3-D input ...

The rules were checked against Keras 3 (TensorFlow backend), tensor for tensor, by
``tests/test_agreement.py``; where the two disagreed the rules were changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rnnshape_docs import rules
from rnnshape_docs.rules import Call, Refusal, Shape, format_shape
from rnnshape_docs.rules.base import flag
from rnnshape_docs.rules.recurrent import with_return_sequences
from rnnshape_docs.specs import RETURNS_SEQUENCES, LayerSpec, SpecError, parse
from rnnshape_docs.tables import Table

__all__ = ["Shape", "ShapeError", "Step", "Trace", "format_shape", "parse_shape", "trace"]


class ShapeError(ValueError):
    """A layer cannot take the shape it is given (or the stack is malformed).

    ``index`` is the position of the offending layer in the stack, counted from 0 (``None``
    when the problem is the input shape itself); ``layer`` is its text. Messages count
    layers from 1, as people do.
    """

    def __init__(self, message: str, *, index: int | None = None, layer: str | None = None):
        super().__init__(message)
        self.index = index
        self.layer = layer


@dataclass(frozen=True)
class Step:
    """One layer of a trace."""

    layer: str  # the layer in Keras constructor syntax, e.g. "LSTM(4, return_sequences=True)"
    input: Shape
    outputs: tuple[Shape, ...]  # one shape per output tensor, in Keras's order
    why: str  # one line in plain words
    spec: LayerSpec | None = field(default=None, compare=False, repr=False)  # the parsed layer
    names: tuple[str, ...] = field(default=(), compare=False)  # what each output is


@dataclass(frozen=True)
class Trace:
    """The shapes flowing through a stack of layers."""

    input: Shape
    steps: tuple[Step, ...]
    # Set by keras_models.check_model: the layer calls where Keras's symbolic shapes
    # contradict the real tensors, as (layer, symbolic, real); empty for the rules' own traces.
    symbolic_differences: tuple = field(default=(), compare=False, repr=False)

    @property
    def outputs(self) -> tuple[Shape, ...]:
        return self.steps[-1].outputs if self.steps else (self.input,)

    def to_json(self) -> dict:
        """The JSON object of design.md's contract (lists, ``None`` for unknown sizes)."""
        return {
            "input": list(self.input),
            "layers": [
                {
                    "layer": s.layer,
                    "input": list(s.input),
                    "outputs": [list(o) for o in s.outputs],
                    "why": s.why,
                }
                for s in self.steps
            ],
            "outputs": [list(o) for o in self.outputs],
        }

    def rows(self) -> list[tuple[str, str, str, str]]:
        """Table rows as text: (layer, input shape, output shape(s), why)."""
        return [(s.layer, format_shape(s.input), format_outputs(s), s.why) for s in self.steps]

    def table(self) -> Table:
        """The trace as a `Table`: layer, input shape, output shape(s), why."""
        return Table(("layer", "input", "output", "why"), self.rows(), code=(0, 1, 2))

    def __str__(self) -> str:
        """A plain-text table, one row per layer, 80 columns wide (see `Table.text`).

        >>> print(trace(["LSTM(4)"], (2, 5, 3)))
        layer    input      output  why
        -------  ---------  ------  ----------------------------------------------
        LSTM(4)  (2, 5, 3)  (2, 4)  return_sequences=False: only the last of the 5
                                    outputs is kept, 4 wide
        """
        return str(self.table())

    def _repr_html_(self) -> str:
        """An HTML table for notebooks and the book."""
        return self.table()._repr_html_()


def format_outputs(step: Step) -> str:
    if len(step.outputs) == 1:
        return format_shape(step.outputs[0])
    if step.names:
        return ", ".join(
            f"{n} {format_shape(o)}" for n, o in zip(step.names, step.outputs, strict=True)
        )
    return ", ".join(format_shape(o) for o in step.outputs)


# --------------------------------------------------------------------------- the walk


def parse_shape(text: str) -> Shape:
    """Read a shape written as ``2,5,3`` or ``None,None,1`` (brackets allowed).

    >>> parse_shape("None,7,3")
    (None, 7, 3)
    """
    body = text.strip().strip("()[]").strip()
    if not body:
        raise ShapeError(
            f"input shape {text!r} is empty; give the batch and every other axis, e.g. 2,5,3"
        )
    sizes: list[int | None] = []
    for part in body.split(","):
        part = part.strip()
        if part.lower() in ("none", "?", "null"):
            sizes.append(None)
        elif part.isdigit() and int(part) > 0:
            sizes.append(int(part))
        else:
            raise ShapeError(
                f"input shape {text!r}: {part!r} is not a size; write positive whole numbers "
                "or None for an unknown size, batch first, e.g. 2,5,3 or None,None,1"
            )
    return tuple(sizes)


def _check_input(input_shape: Sequence[int | None] | str) -> Shape:
    if isinstance(input_shape, str):
        return parse_shape(input_shape)
    try:
        shape = tuple(input_shape)
    except TypeError:
        raise ShapeError(
            f"input shape {input_shape!r} is not a sequence of sizes; give e.g. (2, 5, 3)"
        ) from None
    if not shape:
        raise ShapeError("the input shape is empty; give the batch and every other axis")
    for size in shape:
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size <= 0):
            raise ShapeError(
                f"input shape {shape}: {size!r} is not a size; use positive whole numbers "
                "or None for an unknown size"
            )
    return shape


def trace(layers: Sequence[str | LayerSpec], input_shape: Sequence[int | None] | str) -> Trace:
    """Trace ``layers`` (Keras constructor syntax) applied to ``input_shape``.

    ``input_shape`` includes the batch axis, ``None`` for an unknown size. Raises
    `ShapeError` for a layer that cannot take its input, naming the layer and the fix.

    >>> trace(["GRU(8, return_state=True)"], (None, None, 1)).outputs
    ((None, 8), (None, 8))
    """
    if isinstance(layers, str | LayerSpec):
        layers = [layers]
    shape = _check_input(input_shape)
    steps: list[Step] = []
    current = shape
    for index, text in enumerate(layers):
        where = f"layer {index + 1}"
        try:
            spec = parse(text)
        except SpecError as exc:
            raise ShapeError(f"{where}: {exc}", index=index, layer=str(text)) from None
        call = Call((current,))
        if steps and len(steps[-1].outputs) > 1:
            prev = steps[-1]
            if spec.name == "Dropout":  # Keras applies Dropout to each tensor of a list
                rules.apply(spec, current)
                why = (
                    f"applies dropout to each of the {len(prev.outputs)} tensors; shapes unchanged"
                )
                steps.append(
                    Step(spec.text, current, prev.outputs, why, spec=spec, names=prev.names)
                )
                continue
            if not rules.takes_several(spec.name):
                raise ShapeError(
                    f"{where}, {spec.text}: the stack cannot continue after layer {index}, "
                    f"{prev.layer}, which returns {len(prev.outputs)} tensors "
                    f"({', '.join(prev.names) or 'several outputs'}); make that layer the last "
                    "one, or drop return_state=True / merge_mode=None there (route states "
                    "with the functional API)",
                    index=index,
                    layer=spec.text,
                )
            call = Call(prev.outputs)  # a merge or attention layer takes them all, as in Keras
        try:
            outputs, names, why = rules.apply(spec, call)
        except Refusal as exc:
            message = f"{where}, {spec.text}: {exc}"
            if index == 0:
                message += exc.hint or exc.fix  # about the data itself
            elif exc.after_rnn:
                message += (
                    _return_sequences_hint(steps, index)
                    or exc.fix
                    or (
                        f"; layer {index} passes on one vector per sample: set "
                        "return_sequences=True on the recurrent layer before it, or repeat the "
                        "vector over time steps with RepeatVector(n)"
                    )
                )
            else:
                message += exc.fix
            raise ShapeError(message, index=index, layer=spec.text) from None
        steps.append(Step(spec.text, current, outputs, why, spec=spec, names=names))
        current = outputs[0]
    return Trace(shape, tuple(steps))


def _return_sequences_hint(steps: list[Step], index: int) -> str:
    """The classic fix: the previous recurrent layer should pass on its whole sequence."""
    prev = steps[-1]
    spec = prev.spec
    inner = spec.params["layer"] if spec is not None and spec.name == "Bidirectional" else spec
    if inner is None or inner.name not in RETURNS_SEQUENCES or flag(inner, "return_sequences"):
        return ""
    fixed = with_return_sequences(spec)
    where = f"layer {index}" if spec is inner else f"the {inner.name} inside layer {index}"
    try:
        sequence = rules.apply(fixed, prev.input)[0][0]
    except Refusal:
        return ""
    return (
        f"; layer {index}, {prev.layer}, passes on only its last output "
        f"{format_shape(prev.outputs[0])}: set return_sequences=True on {where} "
        f"so it passes on one output per time step, {format_shape(sequence)}"
    )
