"""The chain front end: a typed stack of layers, traced by the one walk (`graph`).

`trace(layers, input_shape)` turns a stack of layers into a Sequential `ModelGraph`, has
`graph.trace_graph` walk it, and returns one `Step` per layer, with its input shape, its
output shape(s) and a one-line reason. A layer that cannot take its input raises `ShapeError`
naming the layer (counted from 1) and the fix. No TensorFlow import on this path.

>>> t = trace(["LSTM(4, return_sequences=True)", "LSTM(8)", "Dense(1)"], (2, 5, 3))
>>> [s.outputs for s in t.steps]
[((2, 5, 4),), ((2, 8),), ((2, 1),)]
>>> t.steps[1].why
'return_sequences=False: only the last of the 5 outputs is kept, 8 wide'
>>> trace(["LSTM(4)", "LSTM(8)"], (2, 5, 3))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
rnnshape_docs.graph.ShapeError: layer 2, LSTM(8): a recurrent layer needs 3-D input ...

The rules were checked against Keras 3 (TensorFlow backend), tensor for tensor, by
``tests/test_agreement.py``; where the two disagreed the rules were changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rnnshape_docs.graph import (
    ShapeError,
    params_text,
    step_extras,
    totals_json,
    totals_text,
    trace_graph,
    why_text,
)
from rnnshape_docs.model_config import Chained, Layer, ModelGraph, Node, Ref
from rnnshape_docs.rules import Shape, format_shape
from rnnshape_docs.specs import LayerSpec, SpecError, declared_input, parse
from rnnshape_docs.tables import Table

__all__ = ["Shape", "ShapeError", "Step", "Trace", "format_shape", "parse_shape", "trace"]


@dataclass(frozen=True)
class Step:
    """One layer of a trace."""

    layer: str  # the layer in Keras constructor syntax, e.g. "LSTM(4, return_sequences=True)"
    input: Shape
    outputs: tuple[Shape, ...]  # one shape per output tensor, in Keras's order
    why: str  # one line in plain words
    spec: LayerSpec | None = field(default=None, compare=False, repr=False)  # the parsed layer
    names: tuple[str, ...] = field(default=(), compare=False)  # what each output is
    # As graph.CallStep: (trainable, non-trainable) weights or None, and the mask's fate.
    params: tuple[int, int] | None = field(default=None, compare=False)
    mask: str = field(default="", compare=False)
    masked: tuple[bool, ...] = field(default=(), compare=False)
    mask_in: bool = field(default=False, compare=False)

    @classmethod
    def of(cls, call) -> Step:
        """The chain's row for a call of the one walk (`graph.CallStep`) on one input."""
        return cls(
            call.layer,
            call.inputs[0],
            call.outputs,
            call.why,
            spec=call.spec,
            names=call.names,
            params=call.params,
            mask=call.mask,
            masked=call.masked,
            mask_in=call.mask_in,
        )


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
                    **step_extras(s),
                }
                for s in self.steps
            ],
            "outputs": [list(o) for o in self.outputs],
            "params": totals_json(self.steps),
        }

    def rows(self) -> list[tuple[str, str, str, str, str]]:
        """Table rows as text: (layer, input shape, output shape(s), parameters, why), the
        why ending with what the layer does with a mask when one is involved."""
        return [
            (s.layer, format_shape(s.input), format_outputs(s), params_text(s), why_text(s))
            for s in self.steps
        ]

    def table(self) -> Table:
        """The trace as a `Table`: layer, input shape, output shape(s), parameters, why; the
        model's parameter totals under the rows."""
        return Table(
            ("layer", "input", "output", "params", "why"),
            self.rows(),
            code=(0, 1, 2, 3),
            footer=totals_text(self.steps),
        )

    def __str__(self) -> str:
        """A plain-text table, one row per layer, 80 columns wide (see `Table.text`), and
        the model's parameters under it, as ``model.summary()`` ends.

        >>> print(trace(["LSTM(4)"], (2, 5, 3)))
        layer    input      output  params  why
        -------  ---------  ------  ------  --------------------------------------------
        LSTM(4)  (2, 5, 3)  (2, 4)  128     return_sequences=False: only the last of the
                                            5 outputs is kept, 4 wide
        parameters: 128 (trainable 128, non-trainable 0)
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


def trace(
    layers: Sequence[str | LayerSpec], input_shape: Sequence[int | None] | str | None = None
) -> Trace:
    """Trace ``layers`` (Keras constructor syntax) applied to ``input_shape``.

    ``input_shape`` includes the batch axis, ``None`` for an unknown size. It may be left out
    when the first layer declares it (``input_shape=``, ``input_dim=``,
    ``batch_input_shape=``); when both are given they must agree. Raises `ShapeError` for a
    layer that cannot take its input, naming the layer and the fix.

    >>> trace(["GRU(8, return_state=True)"], (None, None, 1)).outputs
    ((None, 8), (None, 8))
    >>> trace(["LSTM(4, input_shape=(5, 3))"]).input
    (None, 5, 3)
    """
    if isinstance(layers, str | LayerSpec):
        layers = [layers]
    specs: list[LayerSpec] = []
    unreadable: ShapeError | None = None
    for index, text in enumerate(layers):
        try:
            specs.append(parse(text))
        except SpecError as exc:  # raised once the layers before it are traced
            unreadable = ShapeError(f"layer {index + 1}: {exc}", index=index, layer=str(text))
            break
    if unreadable is not None and not specs:
        if input_shape is not None:
            _check_input(input_shape)
        raise unreadable
    shape = resolve_input(specs, input_shape)
    steps = _walk(specs, shape) if specs else ()
    if unreadable is not None:
        raise unreadable
    return Trace(shape, steps)


def resolve_input(
    layers: Sequence[str | LayerSpec], input_shape: Sequence[int | None] | str | None
) -> Shape:
    """The chain's input: ``input_shape`` (``--input``), or what its first layer declares.

    When both are given they must agree: a declared ``(1, 20)`` against ``(20, 1)`` data is a
    classic bug, and which side is which is the first thing to know.

    >>> resolve_input(["LSTM(4, input_shape=(20, 1))"], (32, 20, 1))
    (32, 20, 1)
    >>> resolve_input(["LSTM(4, input_shape=(1, 20))"], (32, 20, 1))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rnnshape_docs.graph.ShapeError: layer 1, LSTM(4, input_shape=(1, 20)): it declares ...
    """
    first = None
    if layers:
        try:
            first = parse(layers[0])
        except SpecError:
            first = None
    try:
        declared = declared_input(first) if first is not None else None
    except SpecError as exc:
        raise ShapeError(f"layer 1, {first.text}: {exc}", index=0, layer=first.text) from None
    if input_shape is None:
        if declared is None:
            raise ShapeError(
                "give the input shape with --input (e.g. --input 2,5,3), or declare it on the "
                "first layer (input_shape=(5, 3)), or give one model file (model.keras or "
                "model.json) instead of layers"
            )
        return _check_input(declared)
    given = _check_input(input_shape)
    if declared is None or first is None:
        return given
    clash = len(given) != len(declared) or any(
        d is not None and g is not None and d != g for g, d in zip(given, declared, strict=False)
    )
    if clash:
        raise ShapeError(_clash(first, given, declared), index=0, layer=first.text)
    return given


def _clash(first: LayerSpec, given: Shape, declared: Shape) -> str:
    """The data's shape against the shape the first layer declares: which is which."""
    message = (
        f"layer 1, {first.text}: it declares the input {format_shape(declared)} (batch first), "
        f"but the data (--input) is {format_shape(given)}"
    )
    sample, wanted = given[1:], declared[1:]
    if len(declared) == len(given) + 1 and declared[2:] == sample:
        return (
            f"{message}: the declared shape has the number of samples, {declared[1]}, as its "
            f"first size (input_shape=X.shape); declare one sample, input_shape=X.shape[1:] "
            f"= {format_shape(sample)}"
        )
    if len(given) == len(declared) and sorted(map(str, sample)) == sorted(map(str, wanted)):
        return (
            f"{message}: the same sizes in another order, so one side has its axes swapped; "
            f"a recurrent layer reads (time steps, features): declare "
            f"input_shape={format_shape(sample)} if the data is right, or transpose the data "
            f"to {format_shape((given[0], *wanted))}"
        )
    return (
        f"{message}; make them agree: declare input_shape={format_shape(sample)} "
        "(input_shape=X.shape[1:]), or reshape the data"
    )


def chain_graph(specs: Sequence[LayerSpec], input_shape: Shape) -> ModelGraph:
    """A chain of layers as the Sequential graph the walk reads (layers named by position)."""
    layers = {"input": Layer("input", "InputLayer", input_shape=input_shape)}
    nodes = []
    previous = "input"
    for i, spec in enumerate(specs):
        name = f"layer {i + 1}"
        layers[name] = Layer(name, spec.name, spec=spec)
        nodes.append(Node(name, 0, (Chained(previous),), {}))
        previous = name
    return ModelGraph("chain", "Sequential", layers, tuple(nodes), (Ref("input", 0, 0),))


def _walk(specs: Sequence[LayerSpec], shape: Shape) -> tuple[Step, ...]:
    traced = trace_graph(chain_graph(specs, shape), chain=True)
    return tuple(Step.of(s) for s in traced.steps)
