"""`check_program`: read a program (never run it), trace the models it builds on the data it
gives them, and report what clashes: data against the model's input, targets against its
output and loss, and every refusal of the shape rules, each pinned to a line with its fix.

The models become the same graph (`model_config.ModelGraph`) that saved model files become,
and are traced by the one walk (`graph.trace_graph`), so a hint is written once.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass
from typing import Any

from rnnshape_docs.graph import ModelTrace, trace_graph
from rnnshape_docs.model_config import Chained, Layer, ModelGraph, Node, Ref
from rnnshape_docs.program import losses, sizes
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
    apply_edits,
    sort_findings,
)
from rnnshape_docs.program.names import snake_case
from rnnshape_docs.program.reader import Reader
from rnnshape_docs.program.sizes import Sym, shape_text
from rnnshape_docs.program.source import ProgramError, Source, parse_source, read_source
from rnnshape_docs.program.values import (
    Array,
    Compiled,
    Dataset,
    InputObj,
    LayerObj,
    ListVal,
    ModelObj,
    Tensor,
    Unknown,
)
from rnnshape_docs.shapes import ShapeError
from rnnshape_docs.specs import SIGNATURES, Opaque, SpecError, from_values
from rnnshape_docs.specs import _free as free_keyword
from rnnshape_docs.tables import Table

# Keywords any layer takes that say where the data comes in, not what the layer does.
_INPUT_KEYWORDS = ("input_shape", "batch_input_shape", "batch_size", "input_dim", "input_length")
_DEFAULT_BATCH = 32
_SEQUENCE_LAYERS = ("SimpleRNN", "LSTM", "GRU", "Conv1D", "Bidirectional", "TimeDistributed")
# fit's Keras 1 keywords and their Keras 3 spelling
_LEGACY_FIT = {
    "nb_epoch": "epochs",
    "nb_val_samples": "validation_steps",
    "samples_per_epoch": "steps_per_epoch",
}  # fit's and predict's batch_size when none is given


@dataclass
class CheckedModel:
    """A model the program builds: where, its trace (if it could be traced), its layers' lines."""

    name: str
    line: int
    kind: str
    var: str
    trace: ModelTrace | None
    lines: dict[str, int]

    def to_json(self) -> dict:
        entry: dict[str, Any] = {"name": self.name, "var": self.var, "line": self.line}
        if self.trace is None:
            entry.update(inputs=None, layers=[], outputs=None)
            return entry
        data = self.trace.to_json()
        for layer in data["layers"]:
            layer["line"] = self.lines.get(layer["name"].split("/")[0], self.line)
        entry.update(data)
        return entry

    def table(self) -> Table | None:
        if self.trace is None:
            return None
        base = self.trace.table()
        if not self.line:  # a built model (check_fit): no program lines
            return base
        rows = [
            (self.lines.get(row[0].split("[")[0].split("/")[0], self.line), *row)
            for row in base.rows
        ]
        return Table(("line", *base.columns), rows, base.caption, code=(2, 3, 4))


@dataclass
class ProgramCheck:
    """What `check_program` found: the models, the named arrays, the findings."""

    source: Source
    models: list[CheckedModel]
    arrays: list[tuple[str, int, Array]]
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def exit_status(self) -> int:
        return 1 if self.errors else 0

    def where(self, line: int) -> str:
        return self.source.where(line)

    def fixed_text(self) -> str:
        """The program with the edit of every error and warning made (the fixes applied)."""
        edits = [f.edit for f in self.findings if f.edit is not None and f.severity != "note"]
        return apply_edits(self.source.text, edits)

    def to_json(self) -> dict:
        return {
            "models": [m.to_json() for m in self.models],
            "arrays": [
                {
                    "name": name,
                    "line": line,
                    "shape": None if a.shape is None else [sizes.to_json(s) for s in a.shape],
                    **({"dtype": a.dtype} if a.dtype else {}),
                    **({"labels": a.labels} if a.labels else {}),
                }
                for name, line, a in self.arrays
            ],
            "findings": [
                f.to_json(self.source.where if self.source.cells else None) for f in self.findings
            ],
        }

    def text(self, width: int | None = 80, *, wrap: bool = True, findings: bool = True) -> str:
        """The models' tables at ``width``, then the findings: wrapped for a reader, or with
        ``wrap=False`` one per line (`LINE: severity CODE: message; fix: edit`) for tools."""
        out = []
        for model in self.models:
            head = f"model {model.name!r}" + (
                f" ({model.var})" if model.var and model.var != model.name else ""
            )
            if model.line:
                head += f", built at line {self.where(model.line)}"
            table = model.table()
            if table is None:
                out.append(head + ": not traced (a finding below says why)")
            else:
                out.append(head + ":")
                out.append(table.text(width))
            out.append("")
        if not findings:
            return "\n".join(out).rstrip("\n")
        if not self.findings:
            out.append(NO_FINDINGS)
        for f in self.findings:
            line = f"{self.where(f.line)}: " if f.line else ""
            line += f"{f.severity} {f.code}: {f.message}"
            if f.fix:
                target = (
                    f" (line {self.where(f.fix_line)})"
                    if f.fix_line and f.fix_line != f.line
                    else ""
                )
                line += f"; fix{target}: {f.fix}"
            # One finding per line for a pipe (width None); wrapped, indented, for a reader.
            out.append(_wrap(line, width) if width and wrap else line)
        return "\n".join(out)

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        import html

        parts = []
        for model in self.models:
            table = model.table()
            if table is not None:
                parts.append(
                    f"<p>model <code>{html.escape(model.name)}</code>, line {model.line}</p>"
                )
                parts.append(table._repr_html_())
        rows = "".join(
            f"<tr><td>{html.escape(self.where(f.line))}</td><td>{f.severity}</td><td><code>{f.code}</code></td>"
            f"<td>{html.escape(f.message)}</td><td><code>{html.escape(f.fix)}</code></td></tr>"
            for f in self.findings
        )
        parts.append(
            "<table><thead><tr><th>line</th><th>severity</th><th>code</th><th>finding</th>"
            f"<th>fix</th></tr></thead><tbody>{rows}</tbody></table>"
        )
        return "\n".join(parts)


def check_program(
    text: str | bytes,
    *,
    shapes: dict[str, tuple] | None = None,
    filename: str = "<program>",
) -> ProgramCheck:
    """Read ``text`` (a program or a notebook's JSON), never running it, and check its shapes.

    ``shapes`` states sizes the code cannot show: ``{"X": (1000, 24, 3)}`` gives the array
    assigned to ``X`` that shape. Raises `ProgramError` (one line) when the text cannot be read.
    """
    source = read_source(text, filename)
    tree = parse_source(source)
    program = Program(source, dict(shapes or {}))
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and not hasattr(node, "body"):  # a simple statement
            program.statement_end[node.lineno] = node.end_lineno or node.lineno
    reader = Reader(program)
    program.reader = reader
    reader.run(tree)
    if reader.stopped:
        program.findings.append(NotRead.at(reader.line, reader.stopped))
    program.finish()
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

    # ------------------------------------------------------------------ recording

    def auto_name(self, class_name: str) -> str:
        base = snake_case(class_name)
        count = self.counters.get(base, 0)
        self.counters[base] = count + 1
        return base if count == 0 else f"{base}_{count}"

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
            shape, keyword = _sizes(kw["batch_input_shape"]), "batch_input_shape"
        elif "input_shape" in kw:
            inner = _sizes(kw["input_shape"])
            batch = kw.get("batch_size")
            shape = None if inner is None else (batch if sizes.is_size(batch) else None, *inner)
            keyword = "input_shape"
        elif "input_dim" in kw and layer.class_name != "Embedding":
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
                        else _replace(
                            _keyword(layer.source, "input_dim"), f"input_shape={written}"
                        ),
                    )
                )
            else:
                shape = (None, dim)
        elif layer.class_name == "Embedding" and "input_length" in kw:
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
            model.declared_source = _keyword_node(layer.source, keyword)
            model.declared_node = _keyword(layer.source, keyword)
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
            spec = _spec(layer)
        except (_NotLiteral, SpecError) as exc:
            return None, str(exc)
        if spec.notes and id(layer) not in self.noted:
            self.noted.add(id(layer))
            for note in spec.notes:
                modern = _modern(layer, spec)
                self.findings.append(
                    Keras2Name.at(layer.line, note, modern, edit=_replace(layer.source, modern))
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
                spec, why = self.spec_of(layer)
                if spec is None:
                    return None, why, layer.line
                layers[layer.name] = Layer(layer.name, layer.class_name, spec=spec)
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
            stack.extend(_tensors_in((args, extra)))
        calls: dict[int, int] = {}
        refs: dict[int, Ref] = {}
        for k, obj in enumerate(self.inputs):
            if k in inputs_used or any(t.input_id == k for t in model.inputs):
                layers[obj.name] = Layer(
                    obj.name, "InputLayer", input_shape=_rules_shape(obj.shape)
                )
        for index in sorted(needed):
            layer, args, extra, line = self.nodes[index]
            spec, why = self.spec_of(layer)
            if spec is None:
                return None, why, line
            call = calls.get(id(layer), 0)
            calls[id(layer)] = call + 1
            layers[layer.name] = Layer(layer.name, layer.class_name, spec=spec)
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
                from rnnshape_docs.program.keras_calls import _shape_node

                model.declared_keyword = "Input"
                model.declared_source, model.declared_node = _shape_node(
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
            shapes = (_rules_shape(model.declared),) if model.declared else None
        elif model.kind == "Functional":
            shapes = tuple(
                _rules_shape(self.inputs[t.input_id].shape) for t in model.inputs if t.input_id >= 0
            )
            if len(shapes) != len(model.inputs):
                return None
        else:
            shape = model.declared if model.declared is not None else data_shape
            if shape is None:
                return None
            shapes = (_rules_shape(shape),)
        if model.trace is not None and model.traced_input == shapes:
            return model.trace
        graph, why, where = self.graph_of(model, shapes)
        if graph is None:
            self.findings.append(NotRead.at(where, f"{model.name!r} is not traced: {why}"))
            model.broken = True
            return None
        try:
            result = trace_graph(graph, input_shapes=shapes if model.graph is not None else None)
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
            if earlier is not None and earlier.source is not None:
                fix = _with_keyword(earlier.source, "return_sequences", True)
                fix_line = earlier.line
                edit = _replace(earlier.source, fix)
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
                value = _keyword_node(node, old)
                self.findings.append(
                    Keras2Name.at(
                        line,
                        f"{old}= is Keras 1; Keras 3 refuses it and spells it {new}=",
                        f"{new}={ast.unparse(value) if value is not None else '...'}",
                        edit=_replace(
                            _keyword(node, old),
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
        x_node = _arg_node(node, 0, "x")
        y_node = _arg_node(node, 1, "y")
        if from_dataset and x_node is not None:
            if isinstance(y, Array):
                self.names_of[id(y)] = f"the targets of {_source(x_node)}"
            if isinstance(x, Array):
                self.names_of[id(x)] = f"the inputs of {_source(x_node)}"
            x_node = y_node = None
        if not model.broken and self.check_ids(model, x, node):
            return
        trace = self.check_input(model, x, line, x_node)
        if trace is None:
            return
        batch = _batch_size(kwargs, x, method)
        self.check_target(model, trace, x, y, line, y_node, "target", batch)
        self.check_stateful(model, x, kwargs, node)
        validation = kwargs.get("validation_data")
        if isinstance(validation, tuple) and len(validation) >= 2:
            v_node = _keyword_node(node, "validation_data")
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
            return self.trace(model, None, line)
        if not isinstance(x, Array) or x.shape is None:
            return self.trace(model, None, line)
        stated = self.input_shape(model)
        data = x.shape
        name = _source(x_node) or self.name_of(x)
        if stated is None:
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
                        edit=_replace(x_node, f"{ast.unparse(x_node)}[None]"),
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
                source = _source(model.declared_source) if model.declared_source is not None else ""
                fix = _declared_fix(model, source, name, data)
                self.findings.append(
                    DeclaredInput.at(
                        where,
                        f"the model declares its input as {declared_text}, which its first "
                        f"layer refuses, and is given {name} {shape_text(data)}: declare what "
                        "one sample of the data is",
                        fix,
                        edit=_declared_edit(model, fix),
                    )
                )
                model.broken = True
                return None
            if whole:
                source = _source(model.declared_source) if model.declared_source is not None else ""
                fix = _declared_fix(model, source, name, data)
                self.findings.append(
                    DeclaredInput.at(
                        where,
                        f"the model's input shape {declared_text} is the whole shape of {name} "
                        f"{shape_text(data)}, samples included: Keras adds the batch axis itself, "
                        f"so the model expects {len(stated)}-D batches of {declared_text} and "
                        f"{name} is {len(data)}-D",
                        fix,
                        edit=_declared_edit(model, fix),
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
        source = _source(model.declared_source) if model.declared_source is not None else ""
        fix = _declared_fix(model, source, name, data)
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
                    edit=_declared_edit(model, fix),
                )
            )
            return self.trace(model, None, line)
        if clashes:
            permuted = sorted(map(str, data[1:])) == sorted(map(str, stated[1:]))
            source = _source(model.declared_source) if model.declared_source is not None else ""
            fix = _declared_fix(model, source, name, data)
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
            edit = _declared_edit(model, fix)
            if kind is PredictLength:
                any_length = (stated[0], None, *stated[2:])
                if self._traces_on(model, any_length) is not None:  # None steps: any length
                    fix = _declared_fix(model, source, name, (data[0], None, *data[2:]))
                    edit = _declared_edit(model, fix)
                elif x_node is not None and isinstance(stated[1], int):
                    # The model needs its length (Flatten, a fixed Dense): cut the data to it.
                    whole = ast.unparse(x_node)
                    fix = f"{whole}[:, -{stated[1]}:]"
                    edit = _replace(x_node, fix)
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

    def _traces_on(self, model: ModelObj, shape: tuple) -> ModelTrace | None:
        """The model's trace on ``shape``, or None if a layer refuses it (no findings)."""
        graph, _, _ = self.graph_of(model, (_rules_shape(shape),))
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
        name = _source(y_node) or self.name_of(y)
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
        if model.compiled is None or len(trace.outputs) != 1:
            return
        loss = losses.loss_name(model.compiled.loss)
        if loss is None:
            return
        output = trace.outputs[0]
        compile_line = model.compiled.line
        kind = losses.kind(loss)
        last = self._last_layer(model)
        self._activation(model, last, output, loss, compile_line)
        if y.labels == "ids" and kind == losses.ONE_HOT:
            self.findings.append(
                IdsUnderOneHotLoss.at(
                    line,
                    f"the {role} {name} {shape_text(y.shape)} holds integer class ids, but "
                    f"{loss} compares one-hot rows (one {output[-1]}-wide row per id)",
                    "loss='sparse_categorical_crossentropy'",
                    compile_line,
                    _loss_edit(model.compiled, "sparse_categorical_crossentropy"),
                )
            )
            return
        if y.labels == "onehot" and kind == losses.SPARSE:
            self.findings.append(
                IdsUnderOneHotLoss.at(
                    line,
                    f"the {role} {name} {shape_text(y.shape)} holds one-hot rows, but "
                    f"{loss} reads one integer class id per output row",
                    "loss='categorical_crossentropy'",
                    compile_line,
                    _loss_edit(model.compiled, "categorical_crossentropy"),
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
            last = self._last_layer(model)
            fix, fix_line, edit = _width_fix(last, y.classes) or (
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
            return
        fix = self._target_fix(model, trace, y, output, loss)
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
        self, model: ModelObj, trace: ModelTrace, y: Array, output: tuple, loss: str
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
                text = _with_keyword(rnn.source, "return_sequences", True)
                return text, rnn.line, _replace(rnn.source, text)
            if rnn.kwargs.get("return_sequences") is True:
                text = _without_keyword(rnn.source, "return_sequences")
                return text, rnn.line, _replace(rnn.source, text)
        last = self._last_layer(model)
        width = (
            target[-1] if len(target) == len(output) else 1 if len(target) < len(output) else None
        )
        if not sparse and isinstance(width, int) and width != output[-1]:
            found = _width_fix(last, width)
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
                    _with_keyword(last.source, "activation", "sigmoid")
                    if last.source is not None
                    else "",
                    edit=_replace(last.source, _with_keyword(last.source, "activation", "sigmoid"))
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
                        edit=_replace(_input_dim_node(first.source), sizes.text(x.classes))
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
                    edit=_replace(_keyword(node, "batch_size"), f"batch_size={batch}")
                    or _replace(node, _with_keyword(node, "batch_size", batch)),
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
        x_node = _arg_node(node, 0, "x")
        name = _source(x_node) or self.name_of(x)
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
                    line, message, f"{whole}[None]", edit=_replace(x_node, f"{whole}[None]")
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
                        edit=_replace(
                            _input_dim_node(layer.source),
                            f"{ast.unparse(_input_dim_node(layer.source))} + 1",
                        )
                        if _input_dim_node(layer.source) is not None
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


def _wrap(text: str, width: int) -> str:
    """A finding wrapped for a reader: never inside a shape or a call's parentheses."""
    depth, kept = 0, []
    for char in text:
        depth += char in "([{"
        depth -= char in ")]}"
        kept.append("\u00a0" if char == " " and depth > 0 else char)  # textwrap keeps it whole
    wrapped = textwrap.fill("".join(kept), width, subsequent_indent="    ", break_long_words=False)
    return wrapped.replace("\u00a0", " ")


NO_FINDINGS = "no findings: the shapes in this program agree"


class _NotLiteral(ValueError):
    pass


_LAYER_NAME = re.compile(r"^layer '([^']+)'")
_PROPOSED = re.compile(r"axis of size 1: (\([^)]*\))")
_PRODUCER = re.compile(r"; '([^']+)', [A-Za-z]+\(.*passes on only its last output")


def _value(value: Any, key: str, layer: LayerObj) -> Any:
    """A layer argument as `specs.from_values` takes it: a literal, a spec, or an `Opaque`."""
    if isinstance(value, LayerObj):
        return _spec(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, tuple):
        return tuple(_value(v, key, layer) for v in value)
    if isinstance(value, ListVal) and value.items is not None:
        return [_value(v, key, layer) for v in value.items]
    if free_keyword(key):  # weights, initializers: any value, never a shape
        node = _keyword_node(layer.source, key)
        return Opaque(ast.unparse(node) if node is not None else "...")
    if isinstance(value, Sym):
        raise _NotLiteral(f"{layer.class_name}({key}=...) is {value}, a size the code does not fix")
    raise _NotLiteral(
        f"{layer.class_name}({key}=...) is not a value rnnshape can read without running the code"
    )


def _spec(layer: LayerObj):
    """The layer as `specs.from_values` reads it; the input declarations are the model's."""
    sig = SIGNATURES.get(layer.class_name)
    names = sig.positional if sig is not None else ()
    args = [
        _value(a, names[k] if k < len(names) else f"argument {k + 1}", layer)
        for k, a in enumerate(layer.args)
    ]
    kwargs = {
        key: _value(value, key, layer)
        for key, value in layer.kwargs.items()
        if key not in _INPUT_KEYWORDS or (layer.class_name == "Embedding" and key == "input_dim")
    }
    return from_values(layer.class_name, args, kwargs)


def _modern(layer: LayerObj, spec) -> str:
    """The layer's call as Keras 3 spells it (the edit a Keras 1/2 name needs)."""
    if layer.source is None:
        return spec.text
    callee = ast.unparse(layer.source.func)
    prefix = callee[: -len(layer.class_name)] if callee.endswith(layer.class_name) else ""
    kept = [  # the input declaration, as written
        f"{k.arg}={ast.unparse(k.value)}"
        for k in layer.source.keywords
        if k.arg in _INPUT_KEYWORDS
        and not (layer.class_name == "Embedding" and k.arg == "input_dim")
    ]
    text = (
        spec.text
        if not kept
        else f"{spec.text[:-1]}{', ' if spec.params else ''}{', '.join(kept)})"
    )
    return prefix + text


def _sizes(value: Any) -> tuple | None:
    if isinstance(value, ListVal) and value.items is not None:
        value = tuple(value.items)
    if isinstance(value, tuple) and all(v is None or sizes.is_size(v) for v in value):
        return tuple(value)
    if sizes.is_size(value):
        return (value,)
    return None


def _rules_shape(shape: tuple) -> tuple:
    return tuple(sizes.to_rules(s) for s in shape)


def _tensors_in(value: Any) -> list[Tensor]:
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, list | tuple):
        return [t for v in value for t in _tensors_in(v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _tensors_in(v)]
    if isinstance(value, ListVal) and value.items is not None:
        return [t for v in value.items for t in _tensors_in(v)]
    return []


def _keyword_node(call: Any, keyword: str) -> ast.expr | None:
    if isinstance(call, ast.Call):
        for k in call.keywords:
            if k.arg == keyword:
                return k.value
    return None


def _arg_node(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    if len(call.args) > position and not isinstance(call.args[position], ast.Starred):
        return call.args[position]
    return _keyword_node(call, keyword)


def _source(node: ast.AST | None) -> str:
    if node is None:
        return ""
    text = ast.unparse(node)
    return text if len(text) <= 60 else text[:57] + "..."


def _with_keyword(call: ast.Call, keyword: str, value: Any) -> str:
    """The call as it reads with ``keyword=value`` set (added, or replacing the old value)."""
    new = ast.Call(
        call.func,
        list(call.args),
        [k for k in call.keywords if k.arg != keyword]
        + [ast.keyword(keyword, ast.Constant(value))],
    )
    return ast.unparse(new)


def _without_keyword(call: ast.Call, keyword: str) -> str:
    return ast.unparse(
        ast.Call(call.func, list(call.args), [k for k in call.keywords if k.arg != keyword])
    )


def _with_positional(call: ast.Call, value: Any) -> str:
    args = [ast.Constant(value), *call.args[1:]] if call.args else [ast.Constant(value)]
    keywords = [k for k in call.keywords if k.arg != "units"]
    return ast.unparse(ast.Call(call.func, args, keywords))


def _width_fix(last: LayerObj | None, width: int) -> tuple[str, int, Edit | None] | None:
    """The last layer made ``width`` wide: a Dense, or the Dense inside TimeDistributed."""
    if last is None:
        return None
    dense = last
    if last.class_name == "TimeDistributed" and last.args and isinstance(last.args[0], LayerObj):
        dense = last.args[0]
    if dense.class_name != "Dense" or dense.source is None:
        return None
    text = _with_positional(dense.source, width)
    return text, dense.line, _replace(dense.source, text)


def _product(shape: tuple) -> sizes.Size:
    total: sizes.Size = 1
    for size in shape:
        total = sizes.mul(total, size)
    return total


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


def _keyword(call: Any, name: str) -> ast.keyword | None:
    if isinstance(call, ast.Call):
        for k in call.keywords:
            if k.arg == name:
                return k
    return None


def _replace(node: Any, text: str) -> Edit | None:
    """The edit that puts ``text`` in place of ``node`` (None for a node without a place)."""
    if node is None or getattr(node, "end_lineno", None) is None or not text:
        return None
    return Edit(node.lineno, node.col_offset, node.end_lineno, node.end_col_offset, text)


def _input_dim_node(call: Any) -> ast.expr | None:
    """An Embedding's input_dim as written: its keyword's value, or the first argument."""
    keyword = _keyword(call, "input_dim")
    if keyword is not None:
        return keyword.value
    return call.args[0] if isinstance(call, ast.Call) and call.args else None


def _loss_edit(compiled: Compiled, loss: str) -> Edit | None:
    """The compile call's loss, as given (a keyword, or the second argument), replaced."""
    keyword = _keyword(compiled.node, "loss")
    if keyword is not None:
        return _replace(keyword, f"loss={loss!r}")
    if isinstance(compiled.node, ast.Call) and len(compiled.node.args) > 1:
        return _replace(compiled.node.args[1], repr(loss))
    return None


def _declared_edit(model: ModelObj, fix: str) -> Edit | None:
    """The declaration's fix as an edit: the keyword replaced, or a positional shape's value."""
    node = model.declared_node
    if node is None or "=" not in fix or " " in fix.split("=", 1)[0]:
        return None
    if isinstance(node, ast.keyword):
        return _replace(node, fix)
    return _replace(node, fix.split("=", 1)[1])


def _declared_fix(model: ModelObj, source: str, name: str, data: tuple) -> str:
    keyword = model.declared_keyword
    if keyword in ("input_shape", "Input", "build") or (not keyword and model.graph is None):
        if source.endswith(".shape"):
            return f"{'shape' if keyword == 'Input' else 'input_shape'}={source}[1:]"
        inner = shape_text(
            tuple(
                s if isinstance(s, int) or s is None else f"{name}.shape[{k + 1}]"
                for k, s in enumerate(data[1:])
            )
        )
        inner = inner.replace("'", "")
        return f"{'shape' if keyword == 'Input' else 'input_shape'}={inner}"
    if not keyword and model.graph is not None:  # a built model: change the data
        return f"{name} = {name}.reshape(({name}.shape[0], {', '.join(sizes.text(s) for s in (model.declared or ())[1:])}))"
    if keyword == "batch_input_shape":
        return f"batch_input_shape=({', '.join(sizes.text(s) for s in (model.declared or (None,))[:1] + tuple(data[1:]))})"
    return f"input_shape={shape_text(data[1:])}"


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
