"""`check_program`: read a program (never run it), trace the models it builds on the data it
gives them, and report what clashes: data against the model's input, targets against its
output and loss, and every refusal of the shape rules, each pinned to a line with its fix.

The models become the same graph (`model_config.ModelGraph`) that saved model files become,
and are traced by the one walk (`graph.trace_graph`), so a hint is written once. This module
records what the program makes and traces its models (a refusal is a finding here); the
checks made when a model is used live in `checks`.
"""

from __future__ import annotations

import ast
import re
from typing import Any

from rnnshape_docs.graph import ModelTrace, normalize_assume, trace_graph
from rnnshape_docs.model_config import Chained, Layer, ModelGraph, Node, Ref
from rnnshape_docs.program import sizes
from rnnshape_docs.program.checks import Checks
from rnnshape_docs.program.edits import (
    declared_edit,
    declared_fix,
    keyword_arg,
    keyword_node,
    replace,
    with_keyword,
)
from rnnshape_docs.program.findings import (
    Assumption,
    DataRank,
    DataSize,
    Edit,
    Finding,
    Keras2Name,
    LayerRefused,
    NotRead,
    sort_findings,
)
from rnnshape_docs.program.layers import (
    NotLiteral,
    StandIns,
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
from rnnshape_docs.program.sizes import shape_text
from rnnshape_docs.program.source import ProgramError, Source, parse_source, read_source
from rnnshape_docs.program.values import (
    Array,
    InputObj,
    LayerObj,
    ListVal,
    ModelObj,
    Tensor,
    Unknown,
)
from rnnshape_docs.shapes import ShapeError
from rnnshape_docs.specs import SpecError

_SEQUENCE_LAYERS = ("SimpleRNN", "LSTM", "GRU", "Conv1D", "Bidirectional", "TimeDistributed")


def check_program(
    text: str | bytes,
    *,
    shapes: dict[str, tuple] | None = None,
    filename: str = "<program>",
    assume: dict[str, Any] | None = None,
    unused_assume: str = "refuse",
) -> ProgramCheck:
    """Read ``text`` (a program or a notebook's JSON), never running it, and check its shapes.

    ``shapes`` states sizes the code cannot show: ``{"X": (1000, 24, 3)}`` gives the array
    assigned to ``X`` that shape. ``assume`` states the output shape of a layer rnnshape
    cannot know (a custom class, a Lambda) by its name in the model: ``{"scale": (None, 8)}``.
    Raises `ProgramError` (one line) when the text cannot be read, or ``assume`` names no
    layer the program makes; with ``unused_assume="ignore"`` such names are left out and
    listed in the result's ``unused_assume`` (the explorer, where the code is being edited).
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
        if isinstance(node, ast.Assign | ast.AnnAssign):
            # A stated shape is the array's last one (what fit gets): an earlier X, before a
            # reshape, keeps the shape the code gives it.
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for name in ast.walk(target):
                    if isinstance(name, ast.Name) and name.id in program.shapes:
                        last = program.stated_line.get(name.id, 0)
                        program.stated_line[name.id] = max(last, node.lineno)
    reader = Reader(program)
    program.reader = reader
    reader.run(tree)
    if reader.stopped:
        program.findings.append(NotRead.at(reader.line, reader.stopped))
    program.finish()
    unknown = sorted(set(stated) - program.layer_names)
    if unknown and unused_assume == "ignore":  # stated for no layer: changes no reading
        result = program.result()
        result.unused_assume = tuple(unknown)
        return result
    if unknown:
        raise ProgramError(
            f"--assume names {unknown[0]!r}, which is no layer the program makes; give the "
            "name of a layer (its name= or the name Keras gives it, e.g. 'scale' for Scale())"
        )
    return program.result()


class Program(Checks):
    """What reading a program records, and the checks run when a model is used."""

    def __init__(self, source: Source, shapes: dict[str, tuple]):
        self.source = source
        self.shapes = {k: tuple(v) for k, v in shapes.items()}
        self.stated_line: dict[str, int] = {}  # the line of each stated name's last assignment
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

    def _layer(
        self, layer: LayerObj, stand_ins: StandIns | None = None
    ) -> tuple[Layer | None, str]:
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
        spec, why = self.spec_of(layer, stand_ins)
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
            if stated is not None and self.stated_line.get(name, line) == line:
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

    def unary_plus(self, node: ast.UnaryOp) -> None:
        """``+x`` on a symbolic tensor: KerasTensor has no ``__pos__``, so Keras raises."""
        operand = ast.unparse(node.operand)
        self.findings.append(
            LayerRefused.at(
                node.lineno,
                f"+{operand}: Keras has no unary + for a symbolic tensor (TypeError: bad "
                "operand type for unary +: 'KerasTensor')",
                f"{operand} (drop the +)",
                edit=replace(node, operand),
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

    def spec_of(self, layer: LayerObj, stand_ins: StandIns | None = None):
        """The layer's `LayerSpec` (its arguments as values), or None and why it cannot be read.

        Keras 1/2 spellings are read as meant (`specs.from_values`); each gets a warning with
        the Keras 3 spelling, once per layer. A size the code does not fix is traced as one of
        ``stand_ins``.
        """
        try:
            spec = layer_spec(layer, stand_ins)
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

    def assumed_in(self, graph: ModelGraph) -> dict[str, tuple]:
        """The stated outputs (--assume) of the layers ``graph`` holds."""
        return {k: v for k, v in self.assume.items() if k in graph.layers}

    def graph_of(
        self, model: ModelObj, input_shapes: tuple, stand_ins: StandIns | None = None
    ) -> tuple[ModelGraph | None, str, int]:
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
                entry_layer, why = self._layer(layer, stand_ins)
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
                layers[obj.name] = Layer(
                    obj.name, "InputLayer", input_shape=rules_shape(obj.shape, stand_ins)
                )
        for index in sorted(needed):
            layer, args, extra, line = self.nodes[index]
            graph_layer, why = self._layer(layer, stand_ins)
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
        stand_ins = StandIns()  # sizes the code does not fix, traced as stand-ins
        if model.graph is not None:
            shapes = (rules_shape(model.declared, stand_ins),) if model.declared else None
        elif model.kind == "Functional":
            shapes = tuple(
                rules_shape(self.inputs[t.input_id].shape, stand_ins)
                for t in model.inputs
                if t.input_id >= 0
            )
            if len(shapes) != len(model.inputs):
                return None
        else:
            shape = model.declared if model.declared is not None else data_shape
            if shape is None:
                return None
            shapes = (rules_shape(shape, stand_ins),)
        if model.trace is not None and model.traced_input == shapes:
            return model.trace
        graph, why, where = self.graph_of(model, shapes, stand_ins)
        if graph is None:
            self.findings.append(NotRead.at(where, f"{model.name!r} is not traced: {why}"))
            model.broken = True
            return None
        try:
            result = trace_graph(
                graph,
                input_shapes=shapes if model.graph is not None else None,
                assume=self.assumed_in(graph),
            )
        except ShapeError as exc:
            if stand_ins.reached(str(exc)):
                # The refusal is about a size the code does not fix: never a false alarm.
                self.findings.append(
                    Assumption.at(
                        model.line,
                        f"{model.name!r} is traced no further: {stand_ins.text(str(exc))}; "
                        "state the unknown size with --shape to check it",
                    )
                )
            elif not quiet:
                from_data = data if data_shape is not None and model.declared is None else None
                self._refused(model, exc, from_data, line)
            model.broken = True
            return None
        result = stand_ins.restore(result)
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
                in_loop = self._loop_fix(model, earlier)
                if in_loop is not None:
                    fix, edit = in_loop
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

    def _loop_fix(self, model: ModelObj, layer: LayerObj) -> tuple[str, Edit | None] | None:
        """For a recurrent layer made in ``for i in range(n)``: every round but the last passes
        on sequences, ``return_sequences=i < n - 1`` (True on all would leave the last one
        passing sequences on too). None when the layer is not made in such a loop."""
        call = layer.source
        made = [other for other in model.layers if other.source is call]
        if len(made) < 2 or self.source.cells:
            return None
        try:
            tree = ast.parse(self.source.text)
        except (SyntaxError, ValueError):
            return None
        loop = next(
            (
                node
                for node in ast.walk(tree)
                if isinstance(node, ast.For)
                and isinstance(node.iter, ast.Call)
                and isinstance(node.iter.func, ast.Name)
                and node.iter.func.id == "range"
                and len(node.iter.args) == 1
                and isinstance(node.target, ast.Name)
                and node.body[0].lineno <= call.lineno <= (node.end_lineno or 0)
            ),
            None,
        )
        if loop is None:
            return None
        var = loop.target.id if loop.target.id != "_" else "i"
        rounds = ast.unparse(loop.iter.args[0])
        value = ast.parse(f"{var} < {rounds} - 1", mode="eval").body
        new = ast.unparse(
            ast.Call(
                call.func,
                list(call.args),
                [k for k in call.keywords if k.arg != "return_sequences"]
                + [ast.keyword("return_sequences", value)],
            )
        )
        if var == loop.target.id:
            return new, replace(call, new)
        # `for _ in ...`: the loop's variable is named too, in the same edit.
        if not self.source.text.isascii():  # ast's columns count bytes
            return f"for {var} in range({rounds}): ... {new}", None
        lines = self.source.text.splitlines(keepends=True)
        start = sum(len(x) for x in lines[: loop.target.lineno - 1]) + loop.target.col_offset
        begin = sum(len(x) for x in lines[: call.lineno - 1]) + call.col_offset
        between = self.source.text[start + len("_") : begin]
        fix = f"for {var} in range({rounds}): ... {new}"
        edit = Edit(
            loop.target.lineno,
            loop.target.col_offset,
            call.end_lineno or call.lineno,
            call.end_col_offset or 0,
            var + between + new,
        )
        return fix, edit

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

    # ------------------------------------------------------------------ the end

    def finish(self) -> None:
        """Models never used are traced on what they state; Embeddings are checked."""
        for model in self.models:
            if model.trace is None and not model.broken:
                self.trace(model, None, model.line)
        for model in self.models:
            self._embeddings(model)

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


def _prefix(layer: LayerObj) -> str:
    """How the program spells the layers' module in this call (``layers.``, ``keras.layers.``)."""
    callee = ast.unparse(layer.source.func) if layer.source is not None else ""
    return callee[: -len(layer.class_name)] if callee.endswith(layer.class_name) else ""


__all__ = ["CheckedModel", "ProgramCheck", "ProgramError", "check_program"]
