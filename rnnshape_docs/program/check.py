"""`check_program`: read a program (never run it), trace the models it builds on the data it
gives them, and report what clashes: data against the model's input, targets against its
output and loss, and every refusal of the shape rules, each pinned to a line with its fix.

The models become the same graph (`model_config.ModelGraph`) that saved model files become,
and are traced by the one walk (`graph.trace_graph`), so a hint is written once.
"""

from __future__ import annotations

import ast
import itertools
import re
from typing import Any

from rnnshape_docs.graph import ModelTrace, normalize_assume, trace_graph
from rnnshape_docs.model_config import Chained, Layer, ModelGraph, Node, Ref
from rnnshape_docs.program import losses, sizes
from rnnshape_docs.program.edits import (
    arg_node,
    declared_edit,
    declared_fix,
    input_dim_node,
    keyword_arg,
    keyword_node,
    loss_edit,
    replace,
    source_text,
    width_fix,
    with_keyword,
    without_keyword,
)
from rnnshape_docs.program.findings import (
    Assumption,
    Cardinality,
    DataRank,
    DataSize,
    DeclaredInput,
    Edit,
    EmbeddingIds,
    Finding,
    IdsUnderOneHotLoss,
    Keras2Name,
    LayerRefused,
    LengthNotChecked,
    NotRead,
    OutputActivation,
    PredictLength,
    PredictSample,
    StatefulBatch,
    TargetBroadcasts,
    TargetShape,
    sort_findings,
)
from rnnshape_docs.program.layers import (
    NotLiteral,
    layer_spec,
    modern_call,
    rules_shape,
    sizes_of,
    tensors_in,
    vocabulary,
)
from rnnshape_docs.program.names import snake_case
from rnnshape_docs.program.reader import Reader
from rnnshape_docs.program.result import CheckedModel, ProgramCheck
from rnnshape_docs.program.sizes import Sym, shape_text
from rnnshape_docs.program.source import ProgramError, Source, parse_source, read_source
from rnnshape_docs.program.values import (
    Array,
    Dataset,
    InputObj,
    LayerObj,
    ListVal,
    ModelObj,
    Tensor,
    Unknown,
)
from rnnshape_docs.shapes import ShapeError
from rnnshape_docs.specs import SpecError

# Keywords any layer takes that say where the data comes in, not what the layer does.
_DEFAULT_BATCH = 32
_SEQUENCE_LAYERS = ("SimpleRNN", "LSTM", "GRU", "Conv1D", "Bidirectional", "TimeDistributed")
# fit's Keras 1 keywords and their Keras 3 spelling
_LEGACY_FIT = {
    "nb_epoch": "epochs",
    "nb_val_samples": "validation_steps",
    "samples_per_epoch": "steps_per_epoch",
}  # fit's and predict's batch_size when none is given


def check_program(
    text: str | bytes,
    *,
    shapes: dict[str, tuple] | None = None,
    filename: str = "<program>",
    assume: dict[str, Any] | None = None,
) -> ProgramCheck:
    """Read ``text`` (a program or a notebook's JSON), never running it, and check its shapes.

    ``shapes`` states sizes the code cannot show: ``{"X": (1000, 24, 3)}`` gives the array
    assigned to ``X`` that shape. ``assume`` states the output shape of a layer rnnshape
    cannot know (a custom class, a Lambda) by its name in the model: ``{"scale": (None, 8)}``.
    Raises `ProgramError` (one line) when the text cannot be read, or ``assume`` names no
    layer the program makes.
    """
    source = read_source(text, filename)
    tree = parse_source(source)
    try:
        stated = normalize_assume(assume)
    except ShapeError as exc:
        raise ProgramError(str(exc)) from None
    program = Program(source, dict(shapes or {}))
    program.assume = stated
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and not hasattr(node, "body"):  # a simple statement
            program.statement_end[node.lineno] = node.end_lineno or node.lineno
    reader = Reader(program)
    program.reader = reader
    reader.run(tree)
    if reader.stopped:
        program.findings.append(NotRead.at(reader.line, reader.stopped))
    program.finish()
    unknown = sorted(set(stated) - program.layer_names)
    if unknown:
        raise ProgramError(
            f"--assume names {unknown[0]!r}, which is no layer the program makes; give the "
            "name of a layer (its name= or the name Keras gives it, e.g. 'scale' for Scale())"
        )
    return program.result()


class Program:
    """What reading a program records, and the checks run when a model is used."""

    def __init__(self, source: Source, shapes: dict[str, tuple]):
        self.source = source
        self.shapes = {k: tuple(v) for k, v in shapes.items()}
        self.findings: list[Finding] = []
        self.arrays: list[tuple[str, int, Array]] = []
        self.models: list[ModelObj] = []
        self.inputs: list[InputObj] = []
        self.nodes: list[tuple[LayerObj, Any, dict, int]] = []
        self.counters: dict[str, int] = {}
        self.reader: Reader | None = None
        self.names_of: dict[int, str] = {}  # id(array) -> the name it was assigned to
        self.noted: set[int] = set()  # layers whose Keras 1/2 spellings were reported
        self.statement_end: dict[int, int] = {}  # a statement's first line -> its last
        self._target_nodes: dict[int, ast.expr] = {}  # id(target array) -> its node in the call
        self.assume: dict[str, tuple] = {}  # layer name -> stated output shapes (--assume)
        self.layer_names: set[str] = set()  # every layer name the program makes

    # ------------------------------------------------------------------ recording

    def auto_name(self, class_name: str) -> str:
        base = snake_case(class_name)
        count = self.counters.get(base, 0)
        self.counters[base] = count + 1
        return base if count == 0 else f"{base}_{count}"

    def _layer(self, layer: LayerObj) -> tuple[Layer | None, str]:
        """The graph's layer for a layer the program makes, or None and why it is not read.

        A layer without rules (a custom class, a Lambda) is a placeholder when ``--assume``
        states its outputs.
        """
        self.layer_names.add(layer.name)
        if layer.op_config is not None:
            return Layer(
                layer.name,
                layer.class_name,
                operation=True,
                config=layer.op_config,
                stated=layer.name in self.assume,
            ), ""
        spec, why = self.spec_of(layer)
        if spec is not None:
            return Layer(layer.name, layer.class_name, spec=spec), ""
        if layer.name in self.assume:
            return Layer(layer.name, layer.class_name, stated=True), ""
        if layer.custom or layer.class_name == "Lambda":
            kind = (
                "a Lambda" if layer.class_name == "Lambda" else f"a custom class {layer.class_name}"
            )
            why = (
                f"layer {layer.name!r} is {kind}, whose output shape rnnshape cannot know "
                f"without running it; state it: --assume {layer.name}=SHAPE (batch first, e.g. "
                "None,8)"
            )
        return None, why

    def on_assign(self, name: str, value: Any, line: int) -> Any:
        if isinstance(value, Array):
            total = sizes.elements(value.shape) if value.shape is not None else None
            if total is not None and total > sizes.MAX_ELEMENTS:
                self.findings.append(
                    NotRead.at(
                        line,
                        f"{name} {shape_text(value.shape)} would hold {total:.1e} elements, more "
                        "than any machine does: is a size wrong?",
                    )
                )
            stated = self.shapes.get(name)
            if stated is not None:
                value = Array(
                    tuple(stated), value.dtype, value.line, value.labels, value.classes, value.frame
                )
            if value.line == 0:
                value = Array(
                    value.shape, value.dtype, line, value.labels, value.classes, value.frame
                )
            self.arrays = [(n, ln, a) for n, ln, a in self.arrays if not (n == name and ln == line)]
            self.arrays.append((name, line, value))
            self.names_of[id(value)] = name
        elif isinstance(value, ModelObj) and not value.var:
            value.var = name
        return value

    def name_of(self, value: Any, node: ast.AST | None = None) -> str:
        if node is not None:
            return ast.unparse(node)
        return self.names_of.get(id(value), "the data")

    def add_input(self, obj: InputObj) -> int:
        self.inputs.append(obj)
        return len(self.inputs) - 1

    def add_node(self, layer: LayerObj, inputs: Any, extra: dict, line: int) -> int:
        self.nodes.append((layer, inputs, extra, line))
        return len(self.nodes) - 1

    def reshape_error(self, a: Array, shape: tuple, node: ast.AST) -> None:
        self.findings.append(
            DataSize.at(
                node.lineno,
                f"NumPy cannot reshape an array of {sizes.elements(a.shape):,} elements "
                f"{shape_text(a.shape)} into {shape_text(shape)} "
                f"({sizes.elements(shape):,} elements)",
            )
        )

    def eager_call(self, layer: LayerObj, x: Array, node: ast.AST) -> Any:
        return Unknown("a layer called on data")

    def declared_input(self, model: ModelObj, layer: LayerObj) -> None:
        """The input shape a Sequential's first layer declares (Keras 2 style keywords)."""
        kw = layer.kwargs
        shape: tuple | None = None
        keyword = ""
        if "batch_input_shape" in kw:
            shape, keyword = sizes_of(kw["batch_input_shape"]), "batch_input_shape"
        elif "input_shape" in kw:
            inner = sizes_of(kw["input_shape"])
            batch = kw.get("batch_size")
            shape = None if inner is None else (batch if sizes.is_size(batch) else None, *inner)
            keyword = "input_shape"
        elif "input_dim" in kw and not vocabulary(layer.class_name, "input_dim"):
            length = kw.get("input_length")
            dim = kw["input_dim"]
            keyword = "input_dim"
            if layer.class_name in _SEQUENCE_LAYERS:
                # Keras 2 read input_dim on a recurrent layer as (steps unknown, dim features);
                # Keras 3 reads it as input_shape=(dim,), which such a layer refuses.
                shape = (None, length if "input_length" in kw else None, dim)
                written = shape_text(shape[1:])
                self.findings.append(
                    Keras2Name.at(
                        layer.line,
                        f"input_dim= on {layer.class_name} is Keras 2, read as input_shape="
                        f"{written}; Keras 3 reads it as input_shape=({sizes.text(dim)},), one "
                        "axis, and the layer refuses it",
                        f"input_shape={written}",
                        edit=None
                        if "input_length" in kw
                        else replace(
                            keyword_arg(layer.source, "input_dim"), f"input_shape={written}"
                        ),
                    )
                )
            else:
                shape = (None, dim)
        elif vocabulary(layer.class_name, "input_dim") and "input_length" in kw:
            shape, keyword = (None, kw["input_length"]), "input_length"
        if "batch_input_shape" in kw or ("batch_size" in kw and keyword != "input_shape"):
            written = shape_text(shape) if shape is not None else "(...)"
            self.findings.append(
                Keras2Name.at(
                    layer.line,
                    f"batch_input_shape= on {layer.class_name} is Keras 2; Keras 3 refuses it "
                    "(only keras.Input and InputLayer take a batch shape)",
                    f"keras.Input(batch_shape={written}) as the model's first entry, and no "
                    "batch_input_shape= here",
                )
            )
        if keyword:
            model.declared = shape
            model.declared_line = layer.line
            model.declared_keyword = keyword
            model.declared_source = keyword_node(layer.source, keyword)
            model.declared_node = keyword_arg(layer.source, keyword)
            if shape is None:
                self.findings.append(
                    NotRead.at(layer.line, f"{keyword}= is not a tuple of sizes rnnshape can read")
                )

    # ------------------------------------------------------------------ tracing

    def spec_of(self, layer: LayerObj):
        """The layer's `LayerSpec` (its arguments as values), or None and why it cannot be read.

        Keras 1/2 spellings are read as meant (`specs.from_values`); each gets a warning with
        the Keras 3 spelling, once per layer.
        """
        try:
            spec = layer_spec(layer)
        except (NotLiteral, SpecError) as exc:
            return None, str(exc)
        if spec.notes and id(layer) not in self.noted:
            self.noted.add(id(layer))
            for note in spec.notes:
                modern = modern_call(layer, spec)
                self.findings.append(
                    Keras2Name.at(layer.line, note, modern, edit=replace(layer.source, modern))
                )
        return spec, ""

    def graph_of(self, model: ModelObj, input_shapes: tuple) -> tuple[ModelGraph | None, str, int]:
        """The model as the graph the walk takes, or (None, why not, the line)."""
        if model.graph is not None:  # a built Keras model, read from its config
            return model.graph, "", 0
        layers: dict[str, Layer] = {}
        nodes: list[Node] = []
        if model.kind == "Sequential":
            entry = f"{model.name}_input"
            layers[entry] = Layer(entry, "InputLayer", input_shape=input_shapes[0])
            previous = entry
            for layer in model.layers:
                entry_layer, why = self._layer(layer)
                if entry_layer is None:
                    return None, why, layer.line
                layers[layer.name] = entry_layer
                nodes.append(Node(layer.name, 0, (Chained(previous),), {}))
                previous = layer.name
            if not nodes:
                return None, "the model has no layers", model.line
            return (
                ModelGraph(
                    model.name,
                    "Sequential",
                    layers,
                    tuple(nodes),
                    (Ref(entry, 0, 0),),
                    (Ref(previous, 0, 0),),
                ),
                "",
                0,
            )
        # Functional: the calls that lead to the outputs, in the order the program made them.
        needed: set[int] = set()
        inputs_used: set[int] = set()
        stack = list(model.outputs)
        while stack:
            tensor = stack.pop()
            if tensor.input_id >= 0:
                inputs_used.add(tensor.input_id)
                continue
            if tensor.node in needed:
                continue
            needed.add(tensor.node)
            _, args, extra, _ = self.nodes[tensor.node]
            stack.extend(tensors_in((args, extra)))
        calls: dict[int, int] = {}
        refs: dict[int, Ref] = {}
        for k, obj in enumerate(self.inputs):
            if k in inputs_used or any(t.input_id == k for t in model.inputs):
                layers[obj.name] = Layer(obj.name, "InputLayer", input_shape=rules_shape(obj.shape))
        for index in sorted(needed):
            layer, args, extra, line = self.nodes[index]
            graph_layer, why = self._layer(layer)
            if graph_layer is None:
                return None, why, line
            call = calls.get(id(layer), 0)
            calls[id(layer)] = call + 1
            layers[layer.name] = graph_layer
            if layer.op_config is not None:  # an op: its operands as Keras records them
                nodes.append(Node(layer.name, 0, tuple(self._refs(a) for a in args), {}))
                refs[index] = Ref(layer.name, 0, 0)
                continue
            nodes.append(
                Node(
                    layer.name,
                    call,
                    (self._refs(args),),
                    {k: self._refs(v) for k, v in extra.items()},
                )
            )
            refs[index] = Ref(layer.name, call, 0)
        model_inputs = tuple(self._refs(t) for t in model.inputs)
        graph = ModelGraph(
            model.name,
            "Functional",
            layers,
            tuple(nodes),
            model_inputs,
            tuple(self._refs(t) for t in model.outputs),
        )
        return graph, "", 0

    def _refs(self, value: Any) -> Any:
        if isinstance(value, Tensor):
            if value.input_id >= 0:
                return Ref(self.inputs[value.input_id].name, 0, 0)
            layer = self.nodes[value.node][0]
            call = sum(1 for k in range(value.node) if self.nodes[k][0] is layer)
            return Ref(layer.name, call, value.index)
        if isinstance(value, list | tuple):
            return [self._refs(v) for v in value]
        if isinstance(value, ListVal) and value.items is not None:
            return [self._refs(v) for v in value.items]
        return value

    def _input_line(self, model: ModelObj) -> int:
        """A functional model's keras.Input line (its declaration), or 0."""
        if model.kind == "Functional" and len(model.inputs) == 1 and model.inputs[0].input_id >= 0:
            obj = self.inputs[model.inputs[0].input_id]
            if not model.declared_keyword:
                from rnnshape_docs.program.keras_calls import shape_node

                model.declared_keyword = "Input"
                model.declared_source, model.declared_node = shape_node(
                    getattr(obj, "source", None)
                )
            return obj.line
        return 0

    def input_shape(self, model: ModelObj) -> tuple | None:
        """The input shape the model states (batch first), or None when only data can tell."""
        if model.kind == "Functional" and model.graph is None:
            if len(model.inputs) == 1 and model.inputs[0].input_id >= 0:
                return self.inputs[model.inputs[0].input_id].shape
            return None
        return model.declared

    def trace(
        self,
        model: ModelObj,
        data_shape: tuple | None,
        line: int,
        *,
        quiet: bool = False,
        data: tuple[str, Array] | None = None,
    ) -> ModelTrace | None:
        """Trace ``model`` on its stated input (or on ``data_shape``); a refusal is a finding.

        ``quiet``: a finding about the data was made already; a refusal adds nothing to it.
        """
        if model.broken:
            return None
        if model.graph is not None:
            shapes = (rules_shape(model.declared),) if model.declared else None
        elif model.kind == "Functional":
            shapes = tuple(
                rules_shape(self.inputs[t.input_id].shape) for t in model.inputs if t.input_id >= 0
            )
            if len(shapes) != len(model.inputs):
                return None
        else:
            shape = model.declared if model.declared is not None else data_shape
            if shape is None:
                return None
            shapes = (rules_shape(shape),)
        if model.trace is not None and model.traced_input == shapes:
            return model.trace
        graph, why, where = self.graph_of(model, shapes)
        if graph is None:
            self.findings.append(NotRead.at(where, f"{model.name!r} is not traced: {why}"))
            model.broken = True
            return None
        try:
            result = trace_graph(
                graph,
                input_shapes=shapes if model.graph is not None else None,
                assume={k: v for k, v in self.assume.items() if k in graph.layers},
            )
        except ShapeError as exc:
            if not quiet:
                from_data = data if data_shape is not None and model.declared is None else None
                self._refused(model, exc, from_data, line)
            model.broken = True
            return None
        model.trace, model.traced_input = result, shapes
        return result

    def _refused(
        self, model: ModelObj, exc: ShapeError, data: tuple[str, Array] | None, use_line: int
    ) -> None:
        message = str(exc)
        name = getattr(exc, "layer", None)
        match = _LAYER_NAME.match(message)
        if match:
            name = match.group(1)
        layers = self._layers(model)
        layer = layers.get(name)
        line = layer.line if layer is not None else model.line
        fix, fix_line, edit = "", 0, None
        producer = _PRODUCER.search(message)
        if producer and "return_sequences=True" in message:
            earlier = layers.get(producer.group(1))
            if (
                earlier is not None
                and earlier.class_name in ("Bidirectional", "TimeDistributed")
                and earlier.args
                and isinstance(earlier.args[0], LayerObj)
            ):
                earlier = earlier.args[0]  # the recurrent layer inside the wrapper
            if earlier is not None and earlier.source is not None:
                fix = with_keyword(earlier.source, "return_sequences", True)
                fix_line = earlier.line
                edit = replace(earlier.source, fix)
        removed = _REMOVE.search(message)
        if not fix and removed and layers.get(removed.group(1)) is not None:
            # A Flatten or pooling layer took the time axis away: its line goes.
            gone = layers[removed.group(1)]
            edit = self._remove_layer(gone)
            if edit is not None:
                fix, fix_line = f"remove {ast.unparse(gone.source)}", gone.line
        proposed = _PROPOSED.search(message)
        first = layer is not None and self._is_first(model, layer)
        if not fix and proposed and first and data is None and model.declared_node is not None:
            # The model's own declaration lacks the axis: the edit goes there.
            sample = tuple(
                None if s.strip() == "None" else int(s)
                for s in proposed.group(1).strip("()").split(",")
            )
            fix = declared_fix(model, "", "X", sample)
            edit = declared_edit(model, fix)
            fix_line = model.declared_line or self._input_line(model)
        per_step = _PER_STEP.search(message)
        if not fix and per_step and layer is not None:
            # A grid per step: flatten each step before the recurrent layer.
            prefix = _prefix(layer)
            new = f"{prefix}TimeDistributed({prefix}Flatten())"
            edit = self._insert_layer_before(layer, new)
            if edit is not None:
                fix, fix_line = f"{new} before {ast.unparse(layer.source)}", layer.line
        if data is not None and layer is not None and model.layers and layer is model.layers[0]:
            # The model takes its input shape from the data: the data is what to change.
            name, array = data
            proposed = _PROPOSED.search(message)
            if proposed and array.shape is not None:
                rest = proposed.group(1).strip("()").split(", ")[1:]
                fix = f"{name} = {name}.reshape(({name}.shape[0], {', '.join(rest)}))"
                fix_line = array.line
                edit = self._insert_after(array.line, fix) if name.isidentifier() else None
            self.findings.append(
                DataRank.at(
                    use_line,
                    f"{name} {shape_text(array.shape)} is given to a model that declares no input "
                    f"shape, so its first layer gets it: {message}",
                    fix,
                    fix_line,
                    edit,
                )
            )
            return
        self.findings.append(LayerRefused.at(line, message, fix, fix_line, edit))

    def _is_first(self, model: ModelObj, layer: LayerObj) -> bool:
        """Whether ``layer`` is the model's first (the one its declared input goes to)."""
        if model.kind == "Sequential":
            return bool(model.layers) and layer is model.layers[0]
        return any(
            node[0] is layer and all(t.input_id >= 0 for t in tensors_in(node[1]))
            for node in self.nodes
        )

    def _layers(self, model: ModelObj) -> dict[str, LayerObj]:
        if model.kind == "Sequential":
            return {layer.name: layer for layer in model.layers}
        return {layer.name: layer for layer, *_ in self.nodes}

    # ------------------------------------------------------------------ use

    def use(
        self, model: ModelObj, x: Any, y: Any, kwargs: dict, node: ast.Call, method: str
    ) -> None:
        line = node.lineno
        for old, new in _LEGACY_FIT.items():
            if old in kwargs:
                value = keyword_node(node, old)
                self.findings.append(
                    Keras2Name.at(
                        line,
                        f"{old}= is Keras 1; Keras 3 refuses it and spells it {new}=",
                        f"{new}={ast.unparse(value) if value is not None else '...'}",
                        edit=replace(
                            keyword_arg(node, old),
                            f"{new}={ast.unparse(value) if value is not None else '...'}",
                        ),
                    )
                )
        from_dataset = isinstance(x, Dataset)
        if isinstance(x, Dataset):
            y = x.y
            batch = x.batch if sizes.is_size(x.batch) else None
            x = x.x
            x = (
                Array((batch, *x.shape), x.dtype, x.line, x.labels, x.classes)
                if isinstance(x, Array) and x.shape is not None
                else x
            )
            if isinstance(y, Array) and y.shape is not None:
                y = Array((batch, *y.shape), y.dtype, y.line, y.labels, y.classes)
        x_node = arg_node(node, 0, "x")
        y_node = arg_node(node, 1, "y")
        if from_dataset and x_node is not None:
            if isinstance(y, Array):
                self.names_of[id(y)] = f"the targets of {source_text(x_node)}"
            if isinstance(x, Array):
                self.names_of[id(x)] = f"the inputs of {source_text(x_node)}"
            x_node = y_node = None
        if not model.broken and self.check_ids(model, x, node):
            return
        trace = self.check_input(model, x, line, x_node)
        if trace is None:
            return
        batch = _batch_size(kwargs, x, method)
        if len(trace.outputs) > 1:
            self.check_targets(model, trace, y, line, batch)
        else:
            self.check_target(model, trace, x, y, line, y_node, "target", batch)
        self.check_stateful(model, x, kwargs, node)
        validation = kwargs.get("validation_data")
        if isinstance(validation, tuple) and len(validation) >= 2:
            v_node = keyword_node(node, "validation_data")
            parts = v_node.elts if isinstance(v_node, ast.Tuple) else [None, None]
            self.check_input(model, validation[0], line, parts[0], role="validation input")
            self.check_target(
                model,
                trace,
                validation[0],
                validation[1],
                line,
                parts[1],
                "validation target",
                _batch_size(kwargs, validation[0], method),
            )

    def check_input(
        self, model: ModelObj, x: Any, line: int, x_node: ast.AST | None, role: str = "input"
    ) -> ModelTrace | None:
        """Trace the model for data ``x``; compare what it declares with what it is given."""
        if isinstance(x, ListVal | tuple) and model.kind == "Functional" and len(model.inputs) > 1:
            self._several_inputs(model, x, line, x_node)
            return self.trace(model, None, line)
        if not isinstance(x, Array) or x.shape is None:
            return self.trace(model, None, line)
        stated = self.input_shape(model)
        data = x.shape
        name = source_text(x_node) or self.name_of(x)
        if stated is None:
            built = (
                model.traced_input[0] if model.trace is not None and model.traced_input else None
            )
            if built is not None and _keras_adds_last_axis(data, built):
                return model.trace  # built by an earlier fit: Keras adds the last axis of 1
            return self.trace(model, (None, *data[1:]), line, data=(name, x))
        where = model.declared_line or self._input_line(model) or model.line
        declared_text = shape_text(stated[1:]) if len(stated) > 1 else shape_text(stated)
        if _keras_adds_last_axis(data, stated):
            return self.trace(model, None, line)
        if len(data) != len(stated):
            whole = len(data) + 1 == len(stated) and all(
                sizes.known_equal(a, b) for a, b in zip(data, stated[1:], strict=True)
            )
            if whole and self._traces_on(model, stated) and x_node is not None:
                # The model is right; the data is one sample without its batch axis.
                self.findings.append(
                    PredictSample.at(
                        line,
                        f"{name} {shape_text(data)} is one sample without its batch axis; the "
                        f"model takes batches {shape_text(stated)}",
                        f"{ast.unparse(x_node)}[None]",
                        edit=replace(x_node, f"{ast.unparse(x_node)}[None]"),
                    )
                )
                model.broken = True
                return None
            if (
                not whole
                and not self._traces_on(model, stated)
                and self._traces_on(model, (None, *data[1:]))
            ):
                # The declaration alone cannot be built; the data's shape can.
                source = (
                    source_text(model.declared_source) if model.declared_source is not None else ""
                )
                fix = declared_fix(model, source, name, data)
                self.findings.append(
                    DeclaredInput.at(
                        where,
                        f"the model declares its input as {declared_text}, which its first "
                        f"layer refuses, and is given {name} {shape_text(data)}: declare what "
                        "one sample of the data is",
                        fix,
                        edit=declared_edit(model, fix),
                    )
                )
                model.broken = True
                return None
            if whole:
                source = (
                    source_text(model.declared_source) if model.declared_source is not None else ""
                )
                fix = declared_fix(model, source, name, data)
                self.findings.append(
                    DeclaredInput.at(
                        where,
                        f"the model's input shape {declared_text} is the whole shape of {name} "
                        f"{shape_text(data)}, samples included: Keras adds the batch axis itself, "
                        f"so the model expects {len(stated)}-D batches of {declared_text} and "
                        f"{name} is {len(data)}-D",
                        fix,
                        edit=declared_edit(model, fix),
                    )
                )
                self.trace(model, None, line, quiet=True)
                model.broken = True
                return None
            self._rank_finding(model, x, name, stated, line, role)
            trace = self.trace(model, None, line, quiet=True)
            model.broken = True
            return trace
        clashes = [k for k in range(1, len(data)) if sizes.differ(data[k], stated[k])]
        # A Sequential model never checks its input (Keras 3.15): only the layers decide, and
        # a recurrent layer reads any number of steps.
        source = source_text(model.declared_source) if model.declared_source is not None else ""
        fix = declared_fix(model, source, name, data)
        if (
            clashes == [1]
            and len(data) == 3
            and model.kind == "Sequential"
            and model.graph is None
            and self._same_weights(model, stated, (None, *data[1:]))
        ):
            self.findings.append(
                LengthNotChecked.at(
                    line,
                    f"the model declares {sizes.text(stated[1])} time steps but the {role} "
                    f"{name} has {sizes.text(data[1])}: a Sequential model does not check its "
                    "input, so Keras reads them all, without a word; is the declaration or "
                    "the data what you meant?",
                    fix,
                    edit=declared_edit(model, fix),
                )
            )
            return self.trace(model, None, line)
        if clashes:
            permuted = sorted(map(str, data[1:])) == sorted(map(str, stated[1:]))
            source = source_text(model.declared_source) if model.declared_source is not None else ""
            fix = declared_fix(model, source, name, data)
            axes = _axis_words(len(data))
            detail = ", ".join(
                f"{axes.get(k, f'axis {k}')} {sizes.text(data[k])} against {sizes.text(stated[k])}"
                for k in clashes
            )
            text = (
                f"the model declares its input as {declared_text} but the {role} {name} is "
                f"{shape_text(data)}, i.e. {shape_text(data[1:])} per sample ({detail})"
            )
            if permuted and len(data) == 3:
                text += (
                    "; the same sizes in another order: either the declaration or the data has "
                    f"its axes swapped (to keep the model, transpose the data: {name}.transpose(0, 2, 1))"
                )
            kind = PredictLength if role.endswith("predict") and clashes == [1] else DeclaredInput
            edit = declared_edit(model, fix)
            if kind is PredictLength:
                any_length = (stated[0], None, *stated[2:])
                if self._traces_on(model, any_length) is not None:  # None steps: any length
                    fix = declared_fix(model, source, name, (data[0], None, *data[2:]))
                    edit = declared_edit(model, fix)
                elif x_node is not None and isinstance(stated[1], int):
                    # The model needs its length (Flatten, a fixed Dense): cut the data to it.
                    whole = ast.unparse(x_node)
                    fix = f"{whole}[:, -{stated[1]}:]"
                    edit = replace(x_node, fix)
            self.findings.append(
                kind.at(
                    line if kind is PredictLength else where,
                    text,
                    fix,
                    where
                    if kind is PredictLength and edit is not None and edit.line == where
                    else 0,
                    edit,
                )
            )
            trace = self.trace(model, None, line, quiet=True)  # the model as written
            model.broken = True  # no further findings about its input
            return trace
        for k in range(1, len(data)):
            if isinstance(data[k], Sym) and isinstance(stated[k], int):
                self.findings.append(
                    Assumption.at(
                        line,
                        f"{name} {shape_text(data)}: {data[k]} is assumed to be {stated[k]}, as the "
                        f"model declares; state it with --shape {name}=...",
                    )
                )
        return self.trace(model, None, line)

    def _insert_after(self, line: int, statement: str) -> Edit | None:
        """An edit that adds ``statement`` after the statement at ``line``, indented as it is."""
        end = self.statement_end.get(line)
        if end is None or self.source.cells:
            return None
        text = self.source.text.splitlines()[line - 1]
        indent = text[: len(text) - len(text.lstrip())]
        return Edit(end + 1, 0, end + 1, 0, f"{indent}{statement}\n")

    def _layer_statement(self, layer: LayerObj) -> tuple[str, str] | None:
        """The layer's own line when it holds nothing else: ``model.add(layer)`` or a list
        element ``layer,``; (the line's text, its indentation)."""
        if layer.source is None or self.source.cells:
            return None
        lines = self.source.text.splitlines()
        if layer.source.lineno != layer.source.end_lineno or layer.line > len(lines):
            return None
        text = lines[layer.line - 1]
        call = ast.unparse(layer.source)
        stripped = text.strip()
        alone = stripped.rstrip(",") == call or (
            stripped.endswith(".add(" + call + ")") and stripped.count("(") == call.count("(") + 1
        )
        if not alone:
            return None
        return text, text[: len(text) - len(text.lstrip())]

    def _remove_layer(self, layer: LayerObj) -> Edit | None:
        if self._layer_statement(layer) is None:
            return None
        return Edit(layer.line, 0, layer.line + 1, 0, "")

    def _insert_layer_before(self, layer: LayerObj, new: str) -> Edit | None:
        found = self._layer_statement(layer)
        if found is None:
            return None
        text, indent = found
        stripped = text.strip()
        call = ast.unparse(layer.source)
        line = stripped.replace(call, new) if ".add(" in stripped else f"{new},"
        return Edit(layer.line, 0, layer.line, 0, f"{indent}{line}\n")

    def _traces_on(self, model: ModelObj, shape: tuple) -> ModelTrace | None:
        """The model's trace on ``shape``, or None if a layer refuses it (no findings)."""
        graph, _, _ = self.graph_of(model, (rules_shape(shape),))
        if graph is None:
            return None
        try:
            return trace_graph(graph)
        except ShapeError:
            return None

    def _same_weights(self, model: ModelObj, declared: tuple, data: tuple) -> bool:
        """Whether the weights built for ``declared`` fit ``data`` too: every layer gets the
        same last axis (what a kernel's size follows) on both."""
        a, b = self._traces_on(model, declared), self._traces_on(model, data)
        if a is None or b is None:
            return False
        return all(
            [i[-1] for i in x.inputs] == [i[-1] for i in y.inputs]
            for x, y in zip(a.steps, b.steps, strict=True)
        )

    def _several_inputs(self, model: ModelObj, x: Any, line: int, x_node: Any) -> None:
        """A list of arrays for a model of several inputs: each against its input, in order."""
        arrays = x.items if isinstance(x, ListVal) else list(x)
        if arrays is None or len(arrays) != len(model.inputs):
            return
        if not all(isinstance(a, Array) and a.shape is not None for a in arrays):
            return
        shapes = [self.inputs[t.input_id].shape for t in model.inputs if t.input_id >= 0]
        if len(shapes) != len(arrays):
            return

        def fits(array: Array, shape: tuple) -> bool:
            return len(array.shape) == len(shape) and not any(
                sizes.differ(a, b) for a, b in zip(array.shape[1:], shape[1:], strict=True)
            )

        if all(fits(a, s) for a, s in zip(arrays, shapes, strict=True)):
            return
        names = (
            [ast.unparse(e) for e in x_node.elts]
            if isinstance(x_node, ast.List | ast.Tuple)
            else [self.name_of(a) for a in arrays]
        )
        inputs = [self.inputs[t.input_id].name for t in model.inputs]
        wrong = [
            f"input {k + 1}, {inputs[k]!r} {shape_text(shapes[k])}, gets {names[k]} "
            f"{shape_text(arrays[k].shape)}"
            for k in range(len(arrays))
            if not fits(arrays[k], shapes[k])
        ]
        order = next(
            (
                p
                for p in itertools.permutations(range(len(arrays)))
                if all(fits(arrays[p[k]], shapes[k]) for k in range(len(arrays)))
            ),
            None,
        )
        fix = "give each input the array of its shape"
        edit = None
        if order is not None:
            fix = "[" + ", ".join(names[order[k]] for k in range(len(arrays))) + "]"
            edit = replace(x_node, fix) if isinstance(x_node, ast.List | ast.Tuple) else None
        self.findings.append(
            DataSize.at(
                line,
                "; ".join(wrong)
                + (": the arrays are in another order than the model's inputs" if order else ""),
                fix,
                edit=edit,
            )
        )
        model.broken = True

    def _rank_finding(
        self, model: ModelObj, x: Array, name: str, stated: tuple, line: int, role: str
    ) -> None:
        data = x.shape
        fix, fix_line, edit = "", 0, None
        if (
            len(data) + 1 == len(stated)
            and stated[-1] == 1
            and all(
                sizes.known_equal(a, b) is not False
                for a, b in zip(data[1:], stated[1:-1], strict=True)
            )
        ):
            fix = f"{name} = {name}.reshape(({name}.shape[0], {', '.join(sizes.text(s) for s in stated[1:])}))"
            fix_line = x.line
            edit = self._insert_after(x.line, fix) if name.isidentifier() else None
            why = "a features axis of 1 is missing"
        elif sizes.known_equal(_product(data[1:]), _product(stated[1:])) and name.isidentifier():
            inner = ", ".join(sizes.text(s) for s in stated[1:])
            fix = f"{name} = {name}.reshape(({name}.shape[0], {inner}))"
            fix_line = x.line
            edit = self._insert_after(x.line, fix)
            why = f"its {sizes.text(_product(data[1:]))} values per sample fit {shape_text(stated[1:])}"
        elif len(data) + 1 == len(stated):
            why = "one axis is missing"
        elif len(data) == len(stated) + 1:
            why = "it has one axis more than the model takes"
        else:
            why = "the numbers of axes differ"
        self.findings.append(
            DataRank.at(
                line,
                f"the {role} {name} is {shape_text(data)}, {len(data)}-D, but the model takes "
                f"{len(stated)}-D batches {shape_text(stated)}: {why}",
                fix,
                fix_line,
                edit,
            )
        )

    def _alias(self, path: str) -> str:
        """The name the program calls ``path`` by (``to_categorical``, or ``keras.utils`` +
        the rest through an imported ``keras``), or "" when it has none."""
        scope = self.reader.globals if self.reader is not None else {}
        for name, value in scope.items():
            if getattr(value, "path", None) == path:
                return name
        for name, value in scope.items():
            base = getattr(value, "path", None)
            if base and path.startswith(base + "."):
                return name + path[len(base) :]
        return ""

    def check_target(
        self,
        model: ModelObj,
        trace: ModelTrace,
        x: Any,
        y: Any,
        line: int,
        y_node: ast.AST | None,
        role: str,
        batch: sizes.Size = None,
    ) -> None:
        if not isinstance(y, Array) or y.shape is None or not y.shape:
            return
        if y_node is not None:
            self._target_nodes[id(y)] = y_node
        name = source_text(y_node) or self.name_of(y)
        if name.startswith("the "):  # "the targets of ds": already says what it is
            role, name = name.removeprefix("the "), ""
        if isinstance(x, Array) and x.shape and sizes.differ(x.shape[0], y.shape[0]):
            self.findings.append(
                Cardinality.at(
                    line,
                    f"{self.name_of(x)} has {x.shape[0]} samples but the {role} {name} "
                    f"has {y.shape[0]}: Keras stops with 'Data cardinality is ambiguous'"
                    + (
                        f" ({name} looks like {y.shape[0]} rows of {y.shape[1]} values: "
                        "stacked the other way round?)"
                        if len(y.shape) == 2 and sizes.known_equal(y.shape[1], x.shape[0])
                        else ""
                    ),
                    f"{name}.T, one row per sample"
                    if len(y.shape) == 2 and sizes.known_equal(y.shape[1], x.shape[0])
                    else "make the inputs and the targets from the same samples, one target "
                    "per input row, in the same order",
                )
            )
            return
        if model.compiled is None:
            return
        if len(trace.outputs) == 1:
            loss = losses.loss_name(model.compiled.loss)
            if loss is not None:
                self._target_against(
                    model,
                    trace.outputs[0],
                    self._last_layer(model),
                    y,
                    name,
                    role,
                    loss,
                    lambda new: loss_edit(model.compiled, new),
                    line,
                    batch,
                )
            return

    def check_targets(
        self, model: ModelObj, trace: ModelTrace, ys: Any, line: int, batch: sizes.Size
    ) -> None:
        """A model with several outputs: each target against its output and its loss (a list
        of losses in the outputs' order, or one loss for all)."""
        if model.compiled is None or model.kind != "Functional":
            return
        items = ys.items if isinstance(ys, ListVal) else list(ys) if isinstance(ys, tuple) else None
        if items is None or len(items) != len(trace.outputs) != 1:
            return
        given = model.compiled.loss
        given = given.items if isinstance(given, ListVal) else given
        per_output = given if isinstance(given, list | tuple) else [given] * len(items)
        if len(per_output) != len(items):
            return
        for k, (output, y, loss) in enumerate(zip(trace.outputs, items, per_output, strict=True)):
            name = losses.loss_name(loss)
            if name is None or not isinstance(y, Array) or not y.shape:
                continue
            tensor = model.outputs[k]
            last = self.nodes[tensor.node][0] if tensor.input_id < 0 else None
            self._target_against(
                model,
                output,
                last,
                y,
                self.name_of(y),
                f"target of output {k + 1}",
                name,
                lambda new, k=k: loss_edit(model.compiled, new, k),
                line,
                batch,
            )

    def _target_against(
        self,
        model: ModelObj,
        output: tuple,
        last: LayerObj | None,
        y: Array,
        name: str,
        role: str,
        loss: str,
        edit_loss,
        line: int,
        batch: sizes.Size,
    ) -> None:
        """One target against one output under one loss."""
        compile_line = model.compiled.line
        kind = losses.kind(loss)
        self._activation(model, last, output, loss, compile_line)
        # When an earlier target agreed with the loss, this one is the odd one out: convert
        # it; otherwise the loss is what to change.
        y_node = self._target_nodes.get(id(y))
        if y.labels == "ids" and kind == losses.ONE_HOT:
            fix, fix_line, edit = (
                "loss='sparse_categorical_crossentropy'",
                compile_line,
                edit_loss("sparse_categorical_crossentropy"),
            )
            encoder = self._alias("keras.utils.to_categorical")
            if model.targets_ok and y_node is not None and encoder and isinstance(output[-1], int):
                fix = f"{encoder}({ast.unparse(y_node)}, {output[-1]})"
                fix_line, edit = line, replace(y_node, fix)
            self.findings.append(
                IdsUnderOneHotLoss.at(
                    line,
                    f"the {role} {name} {shape_text(y.shape)} holds integer class ids, but "
                    f"{loss} compares one-hot rows (one {output[-1]}-wide row per id)",
                    fix,
                    fix_line,
                    edit,
                )
            )
            return
        if y.labels == "onehot" and kind == losses.SPARSE:
            fix, fix_line, edit = (
                "loss='categorical_crossentropy'",
                compile_line,
                edit_loss("categorical_crossentropy"),
            )
            if model.targets_ok and y_node is not None:
                fix = f"{ast.unparse(y_node)}.argmax(axis=-1)"
                fix_line, edit = line, replace(y_node, fix)
            self.findings.append(
                IdsUnderOneHotLoss.at(
                    line,
                    f"the {role} {name} {shape_text(y.shape)} holds one-hot rows, but "
                    f"{loss} reads one integer class id per output row",
                    fix,
                    fix_line,
                    edit,
                )
            )
            return
        if (
            kind == losses.SPARSE
            and y.labels == "ids"
            and isinstance(y.classes, int)
            and isinstance(output[-1], int)
            and y.classes > output[-1]
        ):
            fix, fix_line, edit = width_fix(last, y.classes) or (
                f"a last layer of {y.classes} units",
                0,
                None,
            )
            self.findings.append(
                TargetShape.at(
                    line,
                    f"the {role}{' ' + name if name else ''} holds class ids up to "
                    f"{y.classes - 1}, but the model outputs {output[-1]} scores per row: "
                    f"{loss} needs one score per class ({y.classes})",
                    fix,
                    fix_line,
                    edit,
                )
            )
            return
        result, wanted = losses.outcome(output, y.shape, loss, batch)
        if result == "ok":
            model.targets_ok = True
            return
        fix = self._target_fix(model, last, y, output, loss)
        text = (
            f"the model outputs {shape_text(output)} but the {role}{' ' + name if name else ''} is "
            f"{shape_text(y.shape)}; {loss} needs {wanted}"
        )
        if result == "broadcast":
            self.findings.append(
                TargetBroadcasts.at(
                    line,
                    text
                    + ": Keras broadcasts the two and trains on the wrong loss, without an error",
                    *fix,
                )
            )
        else:
            self.findings.append(TargetShape.at(line, text, *fix))

    def _target_fix(
        self, model: ModelObj, last: LayerObj | None, y: Array, output: tuple, loss: str
    ) -> tuple[str, int, Edit | None]:
        """The edit that makes output and target agree: return_sequences on the last recurrent
        layer when one of them has a time axis and the other not, else the last Dense's width;
        failing those, the target shape the loss wants."""
        target = y.shape
        sparse = losses.kind(loss) == losses.SPARSE
        output_steps = len(output) >= 3
        if sparse:
            target_steps = len(target) >= 3 or (
                len(target) == 2
                and target[-1] != 1
                and sizes.known_equal(target[1], output[1]) is not False
                and output_steps
            )
        else:
            target_steps = len(target) >= 3 or (
                len(target) == 2
                and output_steps
                and sizes.known_equal(target[1], output[1]) is True
            )
        rnn = self._last_recurrent(model)
        if rnn is not None and rnn.source is not None and target_steps != output_steps:
            if target_steps:
                text = with_keyword(rnn.source, "return_sequences", True)
                return text, rnn.line, replace(rnn.source, text)
            if rnn.kwargs.get("return_sequences") is True:
                text = without_keyword(rnn.source, "return_sequences")
                return text, rnn.line, replace(rnn.source, text)
        width = (
            target[-1] if len(target) == len(output) else 1 if len(target) < len(output) else None
        )
        if not sparse and isinstance(width, int) and width != output[-1]:
            found = width_fix(last, width)
            if found:
                return found
        _, wanted = losses.outcome(output, target, loss)
        return f"make the target {wanted} (batch first), as {loss} compares it", 0, None

    def _last_layer(self, model: ModelObj) -> LayerObj | None:
        if model.kind == "Sequential":
            return model.layers[-1] if model.layers else None
        if len(model.outputs) == 1 and model.outputs[0].input_id < 0:
            return self.nodes[model.outputs[0].node][0]
        return None

    def _last_recurrent(self, model: ModelObj) -> LayerObj | None:
        layers = model.layers if model.kind == "Sequential" else [n[0] for n in self.nodes]
        for layer in reversed(layers):
            inner = (
                layer.args[0] if layer.class_name in ("Bidirectional",) and layer.args else layer
            )
            if isinstance(inner, LayerObj) and inner.class_name in ("LSTM", "GRU", "SimpleRNN"):
                return layer if layer is inner else inner
        return None

    def _activation(
        self, model: ModelObj, last: LayerObj | None, output: tuple, loss: str, line: int
    ) -> None:
        if last is None or last.class_name != "Dense":
            return
        activation = last.kwargs.get("activation")
        if activation == "softmax" and output[-1] == 1:
            self.findings.append(
                OutputActivation.at(
                    last.line,
                    "softmax over a single unit always gives 1.0, whatever the input: the model "
                    "cannot learn",
                    with_keyword(last.source, "activation", "sigmoid")
                    if last.source is not None
                    else "",
                    edit=replace(last.source, with_keyword(last.source, "activation", "sigmoid"))
                    if last.source is not None
                    else None,
                )
            )

    def check_ids(self, model: ModelObj, x: Any, node: ast.Call) -> bool:
        """Into a first Embedding: integer ids (not one-hot rows), each with a row. True when
        the data is not ids at all (nothing more can be said of the model)."""
        first = model.layers[0] if model.kind == "Sequential" and model.layers else None
        if first is None or first.class_name != "Embedding" or not isinstance(x, Array):
            return False
        if x.labels == "onehot":
            name = self.name_of(x)
            fix = f"{name} = {name}.argmax(axis=-1)"
            self.findings.append(
                EmbeddingIds.at(
                    node.lineno,
                    f"{name} {shape_text(x.shape) if x.shape else ''} holds one-hot rows, but an "
                    "Embedding reads the integer ids themselves and makes a vector of each: the "
                    "rows become an extra axis",
                    fix + " (or give the ids you one-hot encoded)",
                    x.line,
                    self._insert_after(x.line, fix) if name.isidentifier() else None,
                )
            )
            model.broken = True
            return True
        input_dim = first.kwargs.get("input_dim", first.args[0] if first.args else None)
        if x.labels == "ids" and sizes.is_size(x.classes) and sizes.is_size(input_dim):
            difference = sizes.sub(x.classes, input_dim)
            if isinstance(difference, int) and difference > 0:
                self.findings.append(
                    EmbeddingIds.at(
                        first.line,
                        f"{self.name_of(x)} holds ids up to {sizes.text(sizes.sub(x.classes, 1))}"
                        f", but the Embedding has rows for ids 0 to "
                        f"{sizes.text(sizes.sub(input_dim, 1))} (input_dim={sizes.text(input_dim)})",
                        f"input_dim={sizes.text(x.classes)}",
                        edit=replace(input_dim_node(first.source), sizes.text(x.classes))
                        if isinstance(x.classes, int)
                        else None,
                    )
                )
        return False

    def check_stateful(self, model: ModelObj, x: Any, kwargs: dict, node: ast.Call) -> None:
        line = node.lineno
        layers = model.layers if model.kind == "Sequential" else [n[0] for n in self.nodes]
        if not any(layer.kwargs.get("stateful") is True for layer in layers):
            return
        stated = self.input_shape(model)
        batch = stated[0] if stated else None
        given = kwargs.get("batch_size", _DEFAULT_BATCH)
        if not isinstance(batch, int):
            return
        if sizes.is_size(given) and sizes.differ(given, batch):
            self.findings.append(
                StatefulBatch.at(
                    line,
                    f"the stateful model's batch size is fixed at {batch} (its input "
                    f"{shape_text(stated)}), but this call cuts the data into batches of {given}"
                    + (" (the default)" if "batch_size" not in kwargs else ""),
                    f"batch_size={batch}",
                    edit=replace(keyword_arg(node, "batch_size"), f"batch_size={batch}")
                    or replace(node, with_keyword(node, "batch_size", batch)),
                )
            )
            return
        if isinstance(x, Array) and x.shape and isinstance(x.shape[0], int) and x.shape[0] % batch:
            self.findings.append(
                StatefulBatch.at(
                    line,
                    f"{x.shape[0]} samples do not split into batches of {batch}: the last batch "
                    f"would have {x.shape[0] % batch}, and a stateful model takes only batches of "
                    f"{batch}",
                    f"trim the data to {x.shape[0] - x.shape[0] % batch} samples",
                )
            )

    def predict(self, model: ModelObj, x: Any, node: ast.Call, method: str) -> Any:
        line = node.lineno
        if isinstance(x, Tensor):
            return Unknown("a tensor from a nested model")
        if not isinstance(x, Array) or x.shape is None:
            trace = self.trace(model, None, line)
            return (
                Unknown("predictions") if trace is None else Array(trace.outputs[0], "float", line)
            )
        stated = self.input_shape(model)
        x_node = arg_node(node, 0, "x")
        name = source_text(x_node) or self.name_of(x)
        if stated is None and model.trace is not None:
            stated = model.trace.inputs[0][1]
        if (
            stated is not None
            and len(x.shape) + 1 == len(stated)
            and all(
                sizes.known_equal(a, b) is not False
                for a, b in zip(x.shape, stated[1:], strict=True)
            )
        ):
            one_window = len(stated) == 3 and stated[-1] == 1
            message = (
                f"{name} {shape_text(x.shape)} is one sample without its batch axis; the model "
                f"takes batches {shape_text(stated)}"
            )
            if one_window:
                message += (
                    f": Keras reads it as {sizes.text(x.shape[0])} sequences of one step each and "
                    f"returns {sizes.text(x.shape[0])} predictions, without an error"
                )
            whole = ast.unparse(x_node) if x_node is not None else name
            self.findings.append(
                PredictSample.at(
                    line, message, f"{whole}[None]", edit=replace(x_node, f"{whole}[None]")
                )
            )
            return Unknown("predictions")
        trace = self.check_input(model, x, line, x_node, role="input to predict")
        if trace is None:
            return Unknown("predictions")
        batch = x.shape[0]
        output = trace.outputs[0]
        return Array((batch, *output[1:]), "float", line)

    # ------------------------------------------------------------------ the end

    def finish(self) -> None:
        """Models never used are traced on what they state; Embeddings are checked."""
        for model in self.models:
            if model.trace is None and not model.broken:
                self.trace(model, None, model.line)
        for model in self.models:
            self._embeddings(model)

    def _embeddings(self, model: ModelObj) -> None:
        layers = model.layers if model.kind == "Sequential" else [n[0] for n in self.nodes]
        for layer in layers:
            if layer.class_name != "Embedding":
                continue
            input_dim = layer.kwargs.get("input_dim", layer.args[0] if layer.args else None)
            output_dim = layer.kwargs.get(
                "output_dim", layer.args[1] if len(layer.args) > 1 else None
            )
            weights = layer.kwargs.get("weights")
            if (
                isinstance(weights, ListVal)
                and weights.items
                and isinstance(weights.items[0], Array)
            ):
                matrix = weights.items[0].shape
                if (
                    matrix is not None
                    and len(matrix) == 2
                    and (sizes.differ(matrix[0], input_dim) or sizes.differ(matrix[1], output_dim))
                ):
                    self.findings.append(
                        EmbeddingIds.at(
                            layer.line,
                            f"the Embedding is {sizes.text(input_dim)} x {sizes.text(output_dim)} "
                            f"but its weights are {shape_text(matrix)}",
                            f"Embedding({sizes.text(matrix[0])}, {sizes.text(matrix[1])}, ...)",
                        )
                    )
            if (
                isinstance(input_dim, Sym)
                and any(a == "len(word_index)" for a, _ in input_dim.terms)
                and input_dim.const == 0
            ):
                self.findings.append(
                    EmbeddingIds.at(
                        layer.line,
                        f"input_dim={input_dim}: the Tokenizer numbers words from 1 to "
                        "len(word_index), so the largest id is len(word_index) and the Embedding "
                        "needs one row more (id 0 is the padding)",
                        "input_dim=len(tokenizer.word_index) + 1",
                        edit=replace(
                            input_dim_node(layer.source),
                            f"{ast.unparse(input_dim_node(layer.source))} + 1",
                        )
                        if input_dim_node(layer.source) is not None
                        else None,
                    )
                )

    def result(self) -> ProgramCheck:
        checked = []
        for model in self.models:
            lines = {layer.name: layer.line for layer in self._layers(model).values()}
            checked.append(
                CheckedModel(model.name, model.line, model.kind, model.var, model.trace, lines)
            )
        return ProgramCheck(self.source, checked, self.arrays, sort_findings(self.findings))


# ---------------------------------------------------------------------------- helpers


_LAYER_NAME = re.compile(r"^layer '([^']+)'")
_REMOVE = re.compile(r"'([^']+)', (?:Flatten|\w*Pool\w*)\(.*?\): remove it")
_PER_STEP = re.compile(r"flatten each step into its features: TimeDistributed\(Flatten\(\)\)")
_PROPOSED = re.compile(r"axis of size 1: (\([^)]*\))")
_PRODUCER = re.compile(r"; '([^']+)', [A-Za-z]+\(.*passes on only its last output")


def _product(shape: tuple) -> sizes.Size:
    total: sizes.Size = 1
    for size in shape:
        total = sizes.mul(total, size)
    return total


def _prefix(layer: LayerObj) -> str:
    """How the program spells the layers' module in this call (``layers.``, ``keras.layers.``)."""
    callee = ast.unparse(layer.source.func) if layer.source is not None else ""
    return callee[: -len(layer.class_name)] if callee.endswith(layer.class_name) else ""


def _batch_size(kwargs: dict, x: Any, method: str) -> sizes.Size:
    """The batch the loss sees: all of x for train_on_batch, else batch_size (32 by default),
    or the samples when fewer."""
    samples = x.shape[0] if isinstance(x, Array) and x.shape else None
    if method in ("train_on_batch", "test_on_batch"):
        return samples
    given = kwargs.get("batch_size", _DEFAULT_BATCH)
    if not sizes.is_size(given):
        return None
    if isinstance(given, int) and isinstance(samples, int):
        return min(given, samples)
    return given if samples is None or sizes.known_equal(given, samples) else None


def _keras_adds_last_axis(data: tuple, stated: tuple) -> bool:
    """Keras 3 gives data one axis short of a last axis of 1 that axis itself
    (`Functional._adjust_input_rank`): a (samples, 24) table fits a (None, 24, 1) input."""
    return (
        len(data) + 1 == len(stated)
        and stated[-1] == 1
        and not any(sizes.differ(a, b) for a, b in zip(data[1:], stated[1:-1], strict=True))
    )


def _axis_words(rank: int) -> dict[int, str]:
    if rank == 3:
        return {1: "time steps", 2: "features"}
    if rank == 2:
        return {1: "features"}
    return {}


__all__ = ["CheckedModel", "ProgramCheck", "ProgramError", "check_program"]
