"""The checks a program's use of a model makes: its data against the model's input, its
targets against the output and the loss, a stateful model's batches, `predict` on one sample
or another length, validation data, and an `Embedding` against its ids and weights.

`Checks` is the half of `check.Program` that runs when a model is used (``fit``, ``predict``,
``evaluate``...) and at the end; the other half records what the program makes and traces
its models (`check`). Every finding is pinned to its line, with its fix as an edit.
"""

from __future__ import annotations

import ast
import itertools
import re
from typing import Any

from rnnshape_docs.graph import ModelTrace, trace_graph
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
    IdsUnderOneHotLoss,
    Keras2Name,
    LengthNotChecked,
    OutputActivation,
    PredictLength,
    PredictSample,
    StatefulBatch,
    TargetBroadcasts,
    TargetShape,
)
from rnnshape_docs.program.layers import (
    rules_shape,
)
from rnnshape_docs.program.sizes import Sym, shape_text
from rnnshape_docs.program.values import (
    Array,
    Dataset,
    LayerObj,
    ListVal,
    ModelObj,
    Tensor,
    Unknown,
)
from rnnshape_docs.shapes import ShapeError

_DEFAULT_BATCH = 32  # fit's and predict's batch_size when none is given
# fit's Keras 1 keywords and their Keras 3 spelling
_LEGACY_FIT = {
    "nb_epoch": "epochs",
    "nb_val_samples": "validation_steps",
    "samples_per_epoch": "steps_per_epoch",
}


class Checks:
    """The checks, run on `check.Program`'s records (a mixin: ``self`` is the Program)."""

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
                        # Whatever the size is, the data's own shape is the right declaration.
                        f"if it is not, declare shape={name}.shape[1:]"
                        if name.isidentifier()
                        else "",
                    )
                )
            elif isinstance(stated[k], Sym) and isinstance(data[k], int):
                self.findings.append(
                    Assumption.at(
                        where,
                        f"the model declares {stated[k]} where {name} {shape_text(data)} has "
                        f"{data[k]}: assumed equal; state the array it comes from with --shape",
                    )
                )
        return self.trace(model, None, line)

    def _traces_on(self, model: ModelObj, shape: tuple) -> ModelTrace | None:
        """The model's trace on ``shape``, or None if a layer refuses it (no findings)."""
        graph, _, _ = self.graph_of(model, (rules_shape(shape),))
        if graph is None:
            return None
        try:
            return trace_graph(graph, assume=self.assumed_in(graph))
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
                    f"{loss} compares one-hot rows (one "
                    f"{'' if output[-1] is None else str(output[-1]) + '-wide '}row per id)",
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
        fix = self._encoded_again(y) or self._target_fix(model, last, y, output, loss)
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

    def _encoded_again(self, y: Array) -> tuple[str, int, Edit | None] | None:
        """The fix for one-hot rows encoded again (``y = to_categorical(y)`` twice): drop that
        line, when it is ``NAME = ...(NAME...)`` alone; else say which line made it."""
        if not y.again:
            return None
        lines = self.source.text.splitlines() if not self.source.cells else []
        text = lines[y.again - 1].strip() if y.again <= len(lines) else ""
        alone = re.match(r"^(\w+) = [\w.]+\(\1\b[^()]*\)(\s*#.*)?$", text)
        if alone and self.statement_end.get(y.again) == y.again:
            return (
                f"remove {text.split('#')[0].strip()}: those rows were one-hot already",
                y.again,
                Edit(y.again, 0, y.again + 1, 0, ""),
            )
        return (
            f"one-hot encode the labels once: line {y.again} encodes rows that were one-hot already",
            y.again,
            None,
        )

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
            # (n, T) ids under a sparse loss are one id per step: against a last-step output
            # (None, classes) they ask for the steps; against (None, T', C) for T' == T.
            target_steps = len(target) >= 3 or (
                len(target) == 2
                and target[-1] != 1
                and (not output_steps or sizes.known_equal(target[1], output[1]) is not False)
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
        if (
            stated is not None
            and x_node is not None
            and len(x.shape) + 2 == len(stated)
            and stated[-1] == 1
            and all(sizes.known_equal(a, b) for a, b in zip(x.shape, stated[1:-1], strict=True))
        ):
            # One series window of plain values: neither the batch axis nor the features axis.
            whole = ast.unparse(x_node)
            inner = ", ".join(sizes.text(s) for s in stated[1:])
            fix = f"{whole}.reshape((1, {inner}))"
            self.findings.append(
                PredictSample.at(
                    line,
                    f"{name} {shape_text(x.shape)} is one sample without its batch axis and "
                    f"without its features axis of 1; the model takes batches {shape_text(stated)}",
                    fix,
                    edit=replace(x_node, fix),
                )
            )
            return Unknown("predictions")
        trace = self.check_input(model, x, line, x_node, role="input to predict")
        if trace is None:
            return Unknown("predictions")
        batch = x.shape[0]
        output = trace.outputs[0]
        return Array((batch, *output[1:]), "float", line)

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
