"""The one walk: every call of every layer of a graph, with the rules, in the order they run.

Every front end turns what the reader has into a `ModelGraph` (model_config's dataclasses)
and nothing else walks layers: a typed chain (`shapes.trace`, a Sequential graph), a model
config (`model_config`, `model_files`), a program. `trace_graph(graph)` gives one `CallStep`
per layer call. A call the rules refuse raises `ShapeError` naming the layer, what it
received, and the fix; when the cause is an earlier layer (an RNN that passes on only its last
output, a state of the wrong width) the message names that layer and what to change there.
Each hint is written here once; only how a layer is named differs (a chain counts its layers
from 1, a model names them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rnnshape_docs import hints, masks, params, rules
from rnnshape_docs.model_config import (
    Chained,
    ConfigError,
    Layer,
    ModelGraph,
    Node,
    Ref,
    read_model_config,
)
from rnnshape_docs.rules import Call, Refusal, Shape, format_shape, ops
from rnnshape_docs.rules.base import flag
from rnnshape_docs.rules.ops import Operand
from rnnshape_docs.rules.recurrent import with_return_sequences
from rnnshape_docs.specs import RETURNS_SEQUENCES, LayerSpec
from rnnshape_docs.tables import Table


class ShapeError(ValueError):
    """A layer cannot take the shape it is given (or the stack or model is malformed).

    ``layer`` names the offending layer: its name in the model (for a chain, its text);
    ``index`` is its position in a chain, counted from 0 (``None`` for a model, or when the
    problem is the input shape itself); ``text`` is its constructor syntax. Messages count a
    chain's layers from 1, as people do.
    """

    def __init__(
        self,
        message: str,
        *,
        index: int | None = None,
        layer: str | None = None,
        text: str | None = None,
    ):
        super().__init__(message)
        self.index = index
        self.layer = layer
        self.text = text if text is not None else layer


# Call arguments that carry tensors the rules read, and what they mean for each layer.
_ATTENTION_ROLES = ("query", "value", "key")
_IGNORED_TENSORS = ("mask", "training", "query_mask", "value_mask", "key_mask", "attention_mask")


@dataclass(frozen=True)
class CallStep:
    """One call of one layer in a traced model."""

    name: str  # the layer's name in the model; "outer/inner" inside a nested model
    call: int  # which call of this layer (0, 1, ... for a shared layer)
    calls: int  # how many times the layer is called in the model
    layer: str  # constructor syntax
    inputs: tuple[Shape, ...]
    outputs: tuple[Shape, ...]
    why: str
    names: tuple[str, ...] = ()  # what each output is
    spec: LayerSpec | None = field(default=None, compare=False, repr=False)
    # (trainable, non-trainable) weights, None when params.count does not know them; a shared
    # layer's later calls repeat its first call's count (totals count each layer once).
    params: tuple[int, int] | None = field(default=None, compare=False)
    mask: str = field(default="", compare=False)  # what the call does with a mask (masks.flow)
    masked: tuple[bool, ...] = field(default=(), compare=False)  # which outputs carry one
    mask_in: bool = field(default=False, compare=False)  # whether a mask arrives
    stated: bool = False  # the outputs were stated by the reader (--assume), not derived

    @property
    def label(self) -> str:
        """The name as a row shows it: a shared layer's calls are told apart by ``[k]``."""
        return f"{self.name}[{self.call}]" if self.calls > 1 else self.name


@dataclass(frozen=True)
class ModelTrace:
    """The shapes flowing through a model: its inputs, each layer call, its outputs."""

    name: str
    inputs: tuple[tuple[str, Shape], ...]
    steps: tuple[CallStep, ...]
    outputs: tuple[Shape, ...]
    # Every call of the model's own layers, nested models included as one call each:
    # (name, call, outputs), for comparing with Keras layer call by layer call.
    calls: tuple[tuple[str, int, tuple[Shape, ...]], ...] = field(default=(), compare=False)
    # Set by keras_models.check_model: the calls where Keras's symbolic shapes contradict the
    # real tensors, as keras_models.SymbolicDifference (layer, symbolic, real).
    symbolic_differences: tuple = field(default=(), compare=False, repr=False)

    def to_json(self) -> dict:
        """design.md's "Model files" JSON: one object per layer call, keyed by name."""
        layers = []
        for s in self.steps:
            entry: dict[str, Any] = {"name": s.name, "layer": s.layer}
            if s.calls > 1:
                entry["call"] = s.call
            entry.update(
                inputs=[list(i) for i in s.inputs],
                outputs=[list(o) for o in s.outputs],
                why=s.why,
                **step_extras(s),
            )
            if s.stated:
                entry["stated"] = True
            layers.append(entry)
        return {
            "inputs": [list(shape) for _, shape in self.inputs],
            "layers": layers,
            "outputs": [list(o) for o in self.outputs],
            "params": totals_json(self.steps),
        }

    def table(self) -> Table:
        """One row per layer call: name, layer, input(s), output(s), parameters, why (with
        the mask note); the inputs in the caption, the parameter totals under the rows."""
        rows = [
            (
                s.label,
                s.layer,
                ", ".join(map(format_shape, s.inputs)),
                _outputs_text(s),
                params_text(s),
                why_text(s),
            )
            for s in self.steps
        ]
        caption = "inputs: " + ", ".join(f"{n} {format_shape(s)}" for n, s in self.inputs)
        return Table(
            ("name", "layer", "input", "output", "params", "why"),
            rows,
            caption,
            code=(1, 2, 3, 4),
            footer=totals_text(self.steps),
        )

    def __str__(self) -> str:
        return str(self.table())

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # IPython's text/plain
        printer.text(str(self))

    def step(self, name: str, call: int = 0) -> CallStep:
        """The step of layer ``name``'s call ``call``."""
        for s in self.steps:
            if s.name == name and s.call == call:
                return s
        raise KeyError(f"no call {call} of a layer named {name!r}")


def _first_calls(steps) -> list:
    """Each layer once (a shared layer's first call), as ``summary()`` counts weights."""
    seen, first = set(), []
    for s in steps:
        name = getattr(s, "name", id(s))  # a chain's `shapes.Step` is one layer each
        if name not in seen:
            seen.add(name)
            first.append(s)
    return first


def totals(steps) -> tuple[int, int, list[str]]:
    """(trainable, non-trainable, the layers whose count is unknown) over ``steps``."""
    trainable = frozen = 0
    unknown = []
    for s in _first_calls(steps):
        if s.params is None:
            unknown.append(s.layer)
        else:
            trainable += s.params[0]
            frozen += s.params[1]
    return trainable, frozen, unknown


def totals_json(steps) -> dict[str, Any]:
    """The model's parameters as JSON: total, trainable, non_trainable (``null`` when a
    layer's count is unknown, then ``counted`` is what the known layers hold)."""
    trainable, frozen, unknown = totals(steps)
    if unknown:
        return {"total": None, "trainable": None, "non_trainable": None,
                "counted": trainable + frozen, "unknown": unknown}  # fmt: skip
    return {"total": trainable + frozen, "trainable": trainable, "non_trainable": frozen}


def totals_text(steps) -> str:
    """The line under a trace: the model's parameters, as ``model.summary()`` ends."""
    trainable, frozen, unknown = totals(steps)
    if unknown:
        return f"parameters: at least {trainable + frozen:,} (not counted: {', '.join(unknown)})"
    return f"parameters: {trainable + frozen:,} (trainable {trainable:,}, non-trainable {frozen:,})"


def params_text(step) -> str:
    """A row's parameter count: the layer's weights ("?" when not known; a shared layer's
    later calls say so, their weights are its first call's)."""
    if getattr(step, "call", 0):
        return "shared"
    return "?" if step.params is None else f"{sum(step.params):,}"


def why_text(step) -> str:
    """A row's why, with what the layer does with a mask when one is involved."""
    return f"{step.why}; mask: {step.mask}" if step.mask else step.why


def step_extras(step) -> dict[str, Any]:
    """A row's JSON beyond the shapes: its parameters and its mask."""
    counted = step.params
    return {
        "params": None
        if counted is None
        else {"total": sum(counted), "trainable": counted[0], "non_trainable": counted[1]},
        "mask": {
            "in": step.mask_in,
            "out": list(step.masked),
            "note": step.mask,
        },
    }


def _outputs_text(step: CallStep) -> str:
    if len(step.outputs) > 1 and step.names:
        return ", ".join(
            f"{n} {format_shape(o)}" for n, o in zip(step.names, step.outputs, strict=True)
        )
    return ", ".join(map(format_shape, step.outputs))


# --------------------------------------------------------------------------- entry points


def model_config_of(model: Any) -> dict[str, Any]:
    """A built Keras model's config as a saved file holds it: the JSON of ``model.to_json()``.

    Keras writes it from ``get_config()`` (so the model need not have been called), with
    tuples and other Python values turned into JSON as in a ``.keras`` file.
    """
    import json

    to_json = getattr(model, "to_json", None)
    if to_json is None:
        raise TypeError(f"trace_model takes a Keras model or a path, not {model!r}")
    return json.loads(to_json())


def trace_config(
    config: Any,
    *,
    batch: int | None = None,
    assume: dict[str, Any] | None = None,
    **options: Any,
) -> ModelTrace:
    """Trace a model config (the parsed JSON of ``model.to_json()`` or ``config.json``).

    ``assume`` states the outputs of layers the rules cannot know (see `trace_graph`).
    """
    stated = normalize_assume(assume)
    try:
        graph = read_model_config(config, frozenset(stated))
    except ConfigError as exc:
        unknown = sorted(set(stated) - _config_names(config))
        if unknown:  # the reader's mistake comes first: the refusal may be what it meant
            raise ShapeError(
                _no_such_layer(unknown[0], str(config.get("config", {}).get("name")))
            ) from None
        raise ShapeError(str(exc)) from None
    return trace_graph(graph, batch=batch, assume=stated, **options)


def normalize_assume(assume: dict[str, Any] | None) -> dict[str, tuple[Shape, ...]]:
    """``assume={name: shape}`` (or a list of shapes, one per output) as name -> shapes.

    >>> normalize_assume({"scale": (None, 8), "pair": [(None, 4), (None, 2)]})
    {'scale': ((None, 8),), 'pair': ((None, 4), (None, 2))}
    """
    if not assume:
        return {}
    if not isinstance(assume, dict):
        raise ShapeError(
            "assume must be a dict of layer name -> output shape, e.g. {'scale': (None, 8)}"
        )
    out: dict[str, tuple[Shape, ...]] = {}
    for name, value in assume.items():
        items = (
            value
            if value and isinstance(value, list) and all(isinstance(v, tuple | list) for v in value)
            else [value]
        )
        shapes = []
        for shape in items:
            if not isinstance(shape, tuple | list) or not all(
                d is None or (isinstance(d, int) and not isinstance(d, bool) and d > 0)
                for d in shape
            ):
                raise ShapeError(
                    f"assume: the shape stated for {name!r} must be sizes (batch first, None for "
                    f"unknown), e.g. (None, 8); got {shape!r:.60}"
                )
            shapes.append(tuple(shape))
        out[str(name)] = tuple(shapes)
    return out


def _no_such_layer(name: str, model: str) -> str:
    return (
        f"--assume names {name!r}, which is no layer of the model {model!r}; give the name "
        "of a layer in the model (as its row or refusal names it)"
    )


def _config_names(config: Any, depth: int = 0) -> set[str]:
    """Every layer name in a model config, nested models included (before it is read)."""
    names: set[str] = set()
    layers = config.get("config", {}).get("layers") if isinstance(config, dict) else None
    if not isinstance(layers, list) or depth > 20:
        return names
    for entry in layers:
        if isinstance(entry, dict):
            name = entry.get("name") or (entry.get("config") or {}).get("name")
            if isinstance(name, str):
                names.add(name)
            names |= _config_names(entry, depth + 1)
    return names


def _layer_names(graph: ModelGraph, prefix: str = "") -> set[str]:
    names = set()
    for name, layer in graph.layers.items():
        names |= {name, prefix + name}
        if layer.model is not None:
            names |= _layer_names(layer.model, f"{prefix}{name}/")
    return names


def trace_graph(
    graph: ModelGraph,
    *,
    batch: int | None = None,
    input_shapes: tuple[Shape, ...] | None = None,
    chain: bool = False,
    assume: dict[str, tuple[Shape, ...]] | None = None,
) -> ModelTrace:
    """Trace every call of every layer of ``graph``.

    ``assume`` maps a layer's name to the output shapes the reader states for it (a layer
    without rules, or any other): the trace goes on from them, and its row says so.

    ``batch`` fills an unknown batch size; ``input_shapes`` replaces the model's input shapes
    (`keras_models.check_model` traces with the sizes it runs the model on). With ``chain``
    the graph is a typed chain (`shapes.trace`): messages name its layers by position.
    """
    if batch is not None and (isinstance(batch, bool) or not isinstance(batch, int) or batch <= 0):
        raise ShapeError(f"--batch must be a positive whole number, got {batch!r}")
    inputs = []
    for k, ref in enumerate(graph.inputs):
        shape = graph.layers[ref.layer].input_shape
        assert shape is not None  # read_model_config checked it
        if input_shapes is not None:
            shape = tuple(input_shapes[k])
        if batch is not None and shape[0] is None:
            shape = (batch, *shape[1:])
        inputs.append(shape)
    assume = assume or {}
    unknown = sorted(set(assume) - _layer_names(graph))
    if unknown:
        raise ShapeError(_no_such_layer(unknown[0], graph.name))
    walk = _Walk(graph, "", chain=chain, assume=assume)
    outputs = walk.run(tuple(inputs))
    names = tuple((ref.layer, shape) for ref, shape in zip(graph.inputs, inputs, strict=True))
    calls = tuple(
        (name, call, done.outputs)
        for (name, call), done in walk.done.items()
        if done.call is not None
    )
    return ModelTrace(graph.name, names, tuple(walk.steps), outputs, calls)


# --------------------------------------------------------------------------- the walk


@dataclass
class _Done:
    """A finished call: its outputs and how it was traced (for hints about it later)."""

    outputs: tuple[Shape, ...]
    layer: Layer
    call: Call | None  # None for an input
    names: tuple[str, ...] = ()  # what each output is
    sources: dict[tuple[str, int], Ref] = field(default_factory=dict)  # where inputs came from
    masks: tuple[bool, ...] = ()  # which outputs carry a Keras mask (none: all False)


_UNCOUNTED = object()


class _Walk:
    """Runs the calls of one graph (and of the graphs nested in it) in dependency order."""

    def __init__(
        self,
        graph: ModelGraph,
        prefix: str,
        *,
        chain: bool = False,
        assume: dict[str, tuple[Shape, ...]] | None = None,
    ):
        self.graph = graph
        self.prefix = prefix
        self.assume = assume or {}
        self.chain = chain  # a typed chain: layers are named by position, counted from 1
        self.steps: list[CallStep] = []
        self.done: dict[tuple[str, int], _Done] = {}
        self.calls = {}
        self.position = {}
        self.counts: dict[str, Any] = {}  # each layer's parameters, counted on its first call
        self.output_masks: tuple[bool, ...] = ()
        for i, node in enumerate(graph.nodes):
            self.calls[node.layer] = self.calls.get(node.layer, 0) + 1
            self.position.setdefault(node.layer, i)
        self.used = _used_for_data(graph)

    def run(
        self, inputs: tuple[Shape, ...], masks_in: tuple[bool, ...] | None = None
    ) -> tuple[Shape, ...]:
        graph = self.graph
        if len(inputs) != len(graph.inputs):
            raise ShapeError(
                f"model {graph.name!r} takes {len(graph.inputs)} inputs but is given {len(inputs)}"
            )
        masks_in = masks_in or (False,) * len(inputs)
        for ref, shape, mask in zip(graph.inputs, inputs, masks_in, strict=True):
            self.done[(ref.layer, 0)] = _Done(
                (shape,), graph.layers[ref.layer], None, masks=(mask,)
            )
        # The calls each node waits for, found once: scanning the arguments again on every
        # round made a 200-layer chain quadratic (most of `rnnshape trace FILE`'s time).
        needs = {id(n): self._needs(n) for n in graph.nodes}
        pending = list(graph.nodes)
        while pending:  # Keras writes a shared layer's calls together: run each when it can
            ready = [n for n in pending if all(k in self.done for k in needs[id(n)])]
            if not ready:
                missing = pending[0]
                raise ShapeError(
                    f"layer {self._name(missing.layer)!r} is called on a tensor no call in the "
                    "model produces: the config is incomplete"
                )
            for node in ready:
                self._step(node)
            pending = [n for n in pending if (n.layer, n.call) not in self.done]
        self.output_masks = tuple(self._masked(ref, output=True) for ref in graph.outputs)
        return tuple(self._shape(ref, output=True) for ref in graph.outputs)

    # -- tensors

    def _masked(self, ref: Ref, *, output: bool = False) -> bool:
        """Whether the tensor ``ref`` carries a Keras mask."""
        done = self.done.get(self._key(ref, output=output))
        return done is not None and ref.index < len(done.masks) and done.masks[ref.index]

    def _key(self, ref: Ref, *, output: bool = False) -> tuple[str, int]:
        layer = self.graph.layers.get(ref.layer)
        call = ref.call
        if output and layer is not None and layer.model is not None:
            # Keras 3 numbers a nested functional model's calls from 1 in output_layers (as
            # if its own graph were call 0) but from 0 in the calls' arguments.
            call -= layer.class_name != "Sequential"
        return (ref.layer, call)

    def _needs(self, node: Node) -> tuple[tuple[str, int], ...]:
        return tuple(self._key(r) for r in _refs_in((node.args, node.kwargs)))

    def _shape(self, ref: Ref, *, output: bool = False) -> Shape:
        done = self.done.get(self._key(ref, output=output))
        if done is None:
            raise ShapeError(f"the model's outputs name a call of {ref.layer!r} that never happens")
        if done.layer.operation and done.call is None:  # an op without rules
            name = self._name(ref.layer)
            raise ShapeError(
                f"the model uses the result of {name!r}, a Keras operation "
                f"({done.layer.class_name}, from keras.ops) rnnshape has no rule for; use a "
                f"layer in its place, or state its output shape: --assume {name}=SHAPE "
                "(batch first, e.g. None,8)",
                layer=name,
            )
        if ref.index >= len(done.outputs):
            raise ShapeError(
                f"the config asks for output {ref.index} of {self._name(ref.layer)!r}, which "
                f"returns {len(done.outputs)}"
            )
        return done.outputs[ref.index]

    def _name(self, layer: str) -> str:
        return f"{self.prefix}{layer}"

    def _error(self, message: str, layer: Layer) -> ShapeError:
        """A refusal of ``layer``'s call, with the fields a front end reads."""
        text = layer.spec.text if layer.spec is not None else None
        if self.chain:
            return ShapeError(message, index=self.position[layer.name], layer=text, text=text)
        return ShapeError(message, layer=self._name(layer.name), text=text)

    def _called(self, layer: Layer) -> str:
        """How a message names a layer: "layer 2" in a chain, "layer 'lstm'" in a model."""
        if self.chain:
            return f"layer {self.position[layer.name] + 1}"
        return f"layer {self._name(layer.name)!r}"

    def _origin(self, name: str) -> tuple[str, str]:
        """How a hint names the layer that produced a tensor, and how it refers back to it:
        ("layer 1, LSTM(4)", "layer 1") in a chain, ("'lstm', LSTM(4)", "it") in a model."""
        layer = self.graph.layers[name]
        if self.chain:
            where = f"layer {self.position[name] + 1}"
            return f"{where}, {_text(layer)}", where
        return f"{self._name(name)!r}, {_text(layer)}", "it"

    def _subject(self, name: str) -> tuple[str, str]:
        """`_origin` as the subject of a sentence (a chain sets the layer off with commas)."""
        origin, it = self._origin(name)
        return (f"{origin}," if self.chain else origin), it

    def _dropper(self, ref: Ref) -> tuple[Ref, _Done] | None:
        """The call that made a sequence into one vector per sample, walking back from ``ref``
        through the first input of each call; None when the model's input had no time axis."""
        for _ in range(len(self.done) + 1):
            done = self.done[self._key(ref)]
            if done.call is None or not done.call.inputs:
                return None
            if len(done.call.inputs[0]) >= 3 and len(done.outputs[ref.index]) <= 2:
                return ref, done
            earlier = done.sources.get(("input", 0))
            if earlier is None:
                return None
            ref = earlier
        return None

    def _data(self, ref: Ref) -> Shape:
        """The model input that ``ref`` comes from (through first inputs)."""
        for _ in range(len(self.done) + 1):
            done = self.done[self._key(ref)]
            earlier = done.sources.get(("input", 0))
            if done.call is None or earlier is None:
                return done.outputs[0]
            ref = earlier
        return self._shape(ref)

    # -- one call

    def _stated(self, layer: Layer) -> tuple[Shape, ...] | None:
        name = self._name(layer.name)
        return self.assume.get(name, self.assume.get(layer.name))

    def _step(self, node: Node) -> None:
        layer = self.graph.layers[node.layer]
        stated = self._stated(layer)
        if stated is not None:
            self._step_stated(node, layer, stated)
            return
        if layer.operation:
            self._step_operation(node, layer)
            return
        call, sources = self._call(node, layer)
        incoming = tuple(
            self._masked(sources[("input", k)]) if ("input", k) in sources else False
            for k in range(len(call.inputs))
        )
        if layer.model is not None:
            inner = _Walk(layer.model, f"{self._name(layer.name)}/", assume=self.assume)
            outputs = inner.run(
                call.inputs, incoming if len(incoming) == len(call.inputs) else None
            )
            self.steps.extend(inner.steps)
            self.done[(node.layer, node.call)] = _Done(
                outputs, layer, call, masks=inner.output_masks
            )
            return
        spec = layer.spec
        assert spec is not None
        try:
            outputs, names, why = rules.apply(spec, call)
        except Refusal as exc:
            raise self._error(self._refusal(node, layer, call, sources, exc), layer) from None
        why += "".join(f" [{note}]" for note in _notes(spec))
        masked, mask_note = masks.flow(spec, incoming, len(outputs))
        self.done[(node.layer, node.call)] = _Done(outputs, layer, call, names, sources, masked)
        first = self.counts.get(node.layer, _UNCOUNTED)
        if first is _UNCOUNTED:
            first = self.counts[node.layer] = params.count(spec, call.inputs)
        self.steps.append(
            CallStep(
                self._name(node.layer),
                node.call,
                self.calls[node.layer],
                spec.text,
                call.inputs,
                outputs,
                why,
                names,
                spec,
                first,
                mask_note,
                masked,
                any(incoming),
            )
        )

    def _step_stated(self, node: Node, layer: Layer, stated: tuple[Shape, ...]) -> None:
        """A layer whose outputs the reader states: its inputs are read, its outputs taken."""
        refs = _refs_in((node.args, node.kwargs))
        if len(node.args) == 1 and isinstance(node.args[0], Chained):
            prev = node.args[0].layer
            refs = [Ref(prev, 0, k) for k in range(len(self.done[(prev, 0)].outputs))]
        inputs = tuple(self._shape(r) for r in refs)
        sources = {("input", k): r for k, r in enumerate(refs)}
        call = Call(inputs)
        self.done[(node.layer, node.call)] = _Done(stated, layer, call, (), sources)
        text = layer.spec.text if layer.spec is not None else f"{layer.class_name}(...)"
        self.steps.append(
            CallStep(
                self._name(node.layer),
                node.call,
                self.calls[node.layer],
                text,
                inputs,
                stated,
                "stated (--assume), not derived: rnnshape cannot know this layer's output",
                (),
                layer.spec,
                stated=True,
            )
        )

    def _step_operation(self, node: Node, layer: Layer) -> None:
        """A keras.ops call recorded in the graph (x + y, x[:, -1], ops.mean...)."""
        if layer.class_name not in ops.RULES or layer.name not in self.used:
            # Keras records the ops that compute masks (NotEqual for mask_zero=True): not
            # rows. An op without rules is fine as long as nothing uses it but a mask;
            # `_shape` refuses any other use, by name.
            self.done[(node.layer, node.call)] = _Done((), layer, None)
            return
        refs: list[Ref] = []

        def operand(value: Any) -> Any:
            if isinstance(value, Ref):
                refs.append(value)
                name = value.layer + (f"[{value.index}]" if value.index else "")
                return Operand(self._shape(value), name)
            if isinstance(value, list):
                return [operand(v) for v in value]
            return value

        operands = [operand(a) for a in node.args]
        if _refs_in(node.kwargs):
            raise ShapeError(
                f"operation {self._name(layer.name)!r} ({layer.class_name}) is called with a "
                "tensor as a keyword argument, which rnnshape does not read"
            )
        config = layer.config or {}
        call = Call(tuple(o.shape for o in ops._tensors(operands)))
        sources = {("input", k): r for k, r in enumerate(refs)}
        text = ops.text(layer.class_name, config, operands)
        try:
            outputs, names, why = ops.apply(layer.class_name, config, operands)
        except Refusal as exc:
            got = ", ".join(map(format_shape, call.inputs))
            raise self._error(
                f"{self._called(layer)}, {text}, called on {got}: {exc}", layer
            ) from None
        # An operation keeps no mask: only layers compute one (Keras 3 sets `_keras_mask` in
        # Layer.__call__, never in an Operation's), and it says nothing when one is lost.
        arrives = any(self._masked(r) for r in refs)
        masked = (False,) * len(outputs)
        self.done[(node.layer, node.call)] = _Done(outputs, layer, call, names, sources, masked)
        self.steps.append(
            CallStep(
                self._name(node.layer),
                node.call,
                self.calls[node.layer],
                text,
                call.inputs,
                outputs,
                why,
                names,
                params=(0, 0),  # an operation holds no weights
                mask="dropped" if arrives else "",
                masked=masked,
                mask_in=arrives,
            )
        )

    def _call(self, node: Node, layer: Layer) -> tuple[Call, dict[tuple[str, int], Ref]]:
        """The rules' `Call` for a node, and which `Ref` each input and state came from."""
        sources: dict[tuple[str, int], Ref] = {}
        if len(node.args) == 1 and isinstance(node.args[0], Chained):  # Sequential
            prev = self.done[(node.args[0].layer, 0)]
            name = node.args[0].layer
            for k in range(len(prev.outputs)):
                sources[("input", k)] = Ref(name, 0, k)
            several = layer.spec is not None and (
                rules.takes_several(layer.spec.name) or layer.spec.name == "Dropout"
            )
            if len(prev.outputs) > 1 and not several:
                raise self._error(self._several(layer, name, prev), layer)
            return Call(prev.outputs), sources
        tensors: list[Ref] = []
        args = list(node.args)
        if len(args) >= 1 and isinstance(args[0], list):  # a merge or Attention: one list
            tensors = [r for r in args[0] if isinstance(r, Ref)]
            args = args[1:]
        else:
            while args and isinstance(args[0], Ref):
                tensors.append(args.pop(0))
        options: dict[str, Any] = {}
        kwargs = dict(node.kwargs)
        for role in _ATTENTION_ROLES:  # MultiHeadAttention(query=..., value=..., key=...)
            if isinstance(kwargs.get(role), Ref):
                tensors.append(kwargs.pop(role))
        for key, value in kwargs.items():
            if key == "initial_state":
                states = value if isinstance(value, list) else [value]
                refs = [s for s in states if isinstance(s, Ref)]
                options[key] = tuple(self._shape(r) for r in refs)
                for k, r in enumerate(refs):
                    sources[("initial_state", k)] = r
            elif key in _IGNORED_TENSORS:
                if value is not None:
                    options[key] = True
            elif _refs_in(value):
                raise ShapeError(
                    f"layer {self._name(layer.name)!r} is called with a tensor as {key}=, which "
                    "rnnshape does not read"
                )
            elif value is not None and value is not False:
                options[key] = value
        if args and any(a is not None for a in args):
            raise ShapeError(
                f"layer {self._name(layer.name)!r} is called with arguments rnnshape does not "
                f"read: {args!r:.80}"
            )
        for k, r in enumerate(tensors):
            sources[("input", k)] = r
        return Call(tuple(self._shape(r) for r in tensors), options), sources

    # -- errors

    def _several(self, layer: Layer, name: str, prev: _Done) -> str:
        """A layer of a Sequential stack after one that returns several tensors."""
        n = len(prev.outputs)
        if self.chain:
            assert layer.spec is not None
            origin, _ = self._origin(name)
            return (
                f"{self._called(layer)}, {layer.spec.text}: the stack cannot continue after "
                f"{origin}, which returns {n} tensors "
                f"({', '.join(prev.names) or 'several outputs'}); make that layer the last "
                "one, or drop return_state=True / merge_mode=None there (route states with the "
                "functional API)"
            )
        return (
            f"layer {self._name(layer.name)!r}: the layer before it, {self._name(name)!r}, "
            f"returns {n} tensors; in a Sequential model make that layer the last one, or "
            "build the model with the functional API and route its states"
        )

    def _refusal(
        self,
        node: Node,
        layer: Layer,
        call: Call,
        sources: dict[tuple[str, int], Ref],
        exc: Refusal,
    ) -> str:
        spec = layer.spec
        assert spec is not None
        if self.chain:
            message = f"{self._called(layer)}, {spec.text}: {exc}"
        else:
            got = ", ".join(map(format_shape, call.inputs))
            message = f"{self._called(layer)}, {spec.text}, called on {got}: {exc}"
        ref = sources.get(exc.source or ("input", 0))
        if ref is None:
            return message + ((exc.hint or exc.fix) if not self.steps else exc.fix)
        producer = self.done[self._key(ref)]
        shape = self._shape(ref)
        if producer.call is None:  # a model input: the fix is in the data
            return message + hints.from_data(spec, shape, exc)
        origin, _ = self._origin(ref.layer)
        if exc.source and exc.source[0] == "initial_state":
            return f"{message}; that state is output {ref.index} of {origin}"
        made_by = producer.layer.spec
        if exc.rank and len(shape) > exc.rank and made_by and made_by.name == "Embedding":
            assert producer.call is not None
            return message + hints.embedding_axis(origin, made_by, producer.call.inputs[0], shape)
        if exc.after_rnn:
            hint = _return_sequences_hint(producer, ref, *self._subject(ref.layer))
            if hint:
                return message + hint
            if exc.rank and len(shape) < exc.rank:
                return message + self._lost_time_axis(ref)
        if self.chain:
            return message + exc.fix
        return f"{message} (it comes from {origin}){exc.fix}"

    def _lost_time_axis(self, ref: Ref) -> str:
        """A layer needs a time axis its input lacks: which layer removed it, if any."""
        found = self._dropper(ref)
        vector = self._shape(ref)
        if found is None:
            return hints.no_time_axis(self._data(ref), vector)
        at, done = found
        hint = _return_sequences_hint(done, at, *self._subject(at.layer))
        if hint:
            return hint
        assert done.call is not None
        subject, _ = self._subject(at.layer)
        return hints.lost_time_axis(subject, done.call.inputs[0], done.outputs[at.index], vector)


def _used_for_data(graph: ModelGraph) -> set[str]:
    """The layers whose outputs reach a layer's tensor argument or a model output, not only
    a ``mask=``: an op outside this set computes a mask, as Keras records it."""
    used = {ref.layer for ref in graph.outputs}
    ops_nodes = []
    for node in graph.nodes:
        data = (node.args, {k: v for k, v in node.kwargs.items() if k not in _IGNORED_TENSORS})
        if graph.layers[node.layer].operation:
            ops_nodes.append((node.layer, _refs_in(data)))
        else:
            used.update(r.layer for r in _refs_in(data))
    changed = True
    while changed:  # an op feeding a used op is used (bounded: each round adds a layer)
        changed = False
        for name, refs in ops_nodes:
            if name in used:
                for r in refs:
                    if r.layer not in used:
                        used.add(r.layer)
                        changed = True
    return used


def _notes(spec: LayerSpec) -> tuple[str, ...]:
    """The Keras 1/2 names read in a layer and in the layers it wraps."""
    inner = [v for v in spec.params.values() if isinstance(v, LayerSpec)]
    return spec.notes + tuple(n for layer in inner for n in _notes(layer))


def _text(layer: Layer) -> str:
    return layer.spec.text if layer.spec is not None else f"the model {layer.name!r}"


def _return_sequences_hint(producer: _Done, ref: Ref, origin: str, it: str) -> str:
    """When an RNN's last output is what lost the time axis: say to set return_sequences.

    ``origin`` names the RNN's layer and ``it`` refers back to it (see `_Walk._origin`).
    """
    spec = producer.layer.spec
    if spec is None or ref.index != 0 or producer.call is None:
        return ""
    inner = spec.params["layer"] if spec.name == "Bidirectional" else spec
    if inner.name not in RETURNS_SEQUENCES or flag(inner, "return_sequences"):
        return ""
    try:
        sequence = rules.apply(with_return_sequences(spec), producer.call)[0][0]
    except Refusal:
        return ""
    where = it if spec is inner else f"the {inner.name} inside {it}"
    return (
        f"; {origin} passes on only its last output {format_shape(producer.outputs[0])}: set "
        f"return_sequences=True on {where} so it passes on one output per time step, "
        f"{format_shape(sequence)}"
    )


def _refs_in(value: Any) -> list[Ref]:
    if isinstance(value, Ref):
        return [value]
    if isinstance(value, list | tuple):
        return [r for v in value for r in _refs_in(v)]
    if isinstance(value, dict):
        return [r for v in value.values() for r in _refs_in(v)]
    return []
