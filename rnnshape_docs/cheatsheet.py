"""The cheat sheet: every flag combination of the recurrent layers, with its output shapes.

The shapes come from the pure rules (:func:`rnnshape_docs.shapes.trace`), so building the
sheet needs no TensorFlow. :func:`check_against_keras` then builds each row as a real Keras
layer (Keras is imported only there), runs it on zeros and compares the shapes it returns
with the rules, row by row; any disagreement raises :class:`CheatSheetMismatch`.

:func:`patterns` is the second sheet: the model patterns (many-to-one, many-to-many, one-to-many,
encoder-decoder), each with its output shape (from the rules), the target shapes it trains
with and the loss (:mod:`rnnshape_docs.targets`); :func:`check_patterns_against_keras` builds
each model, checks it against the rules and fits it for one epoch on every target shape.

>>> from rnnshape_docs.cheatsheet import cheat_sheet
>>> sheet = cheat_sheet(units=4, input_shape=(2, 7, 3))
>>> len(sheet.rows)
72
>>> row = sheet.find("LSTM", return_sequences=True, return_state=True)
>>> row.layer
'LSTM(4, return_sequences=True, return_state=True)'
>>> row.outputs
((2, 7, 4), (2, 4), (2, 4))
>>> per_step = patterns().find("many-to-many, same length", "sparse_categorical_crossentropy")
>>> per_step.output, per_step.targets
((2, 7, 5), ((2, 7), (2, 7, 1)))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from rnnshape_docs.rules.base import format_shape
from rnnshape_docs.shapes import Shape, trace
from rnnshape_docs.specs import MERGE_MODES, RECURRENT
from rnnshape_docs.tables import Table
from rnnshape_docs.targets import target_kind, target_shapes

__all__ = [
    "CheatSheet",
    "CheatSheetMismatch",
    "Pattern",
    "PatternSheet",
    "Row",
    "cheat_sheet",
    "check_against_keras",
    "check_patterns_against_keras",
    "patterns",
]


class CheatSheetMismatch(AssertionError):
    """Keras and the shape rules disagree on at least one row of the cheat sheet."""


@dataclass(frozen=True)
class Row:
    """One flag combination: the layer in Keras syntax and the shapes it outputs."""

    layer: str  # Keras constructor syntax, e.g. "Bidirectional(GRU(4), merge_mode='sum')"
    recurrent: str  # SimpleRNN, GRU or LSTM
    bidirectional: bool
    merge_mode: str | None  # only meaningful when bidirectional
    return_sequences: bool
    return_state: bool
    outputs: tuple[Shape, ...]  # from the rules, in Keras's order
    why: str  # the rules' one-line reason
    measured: tuple[Shape, ...] | None = None  # from Keras, once checked

    @property
    def merge(self) -> str:
        return repr(self.merge_mode) if self.bidirectional else "-"


def _fmt_all(shapes: Sequence[Sequence[int | None]]) -> str:
    return ", ".join(format_shape(s) for s in shapes)


@dataclass(frozen=True)
class CheatSheet:
    """All rows for one input shape. Renders as an HTML table in a notebook (see `table`)."""

    input_shape: Shape
    units: int
    rows: tuple[Row, ...]

    @property
    def checked(self) -> bool:
        """True once every row carries the shapes Keras measured (and they agreed).

        A sheet with no rows was never checked: nothing in it was compared with Keras.
        """
        return bool(self.rows) and all(r.measured is not None for r in self.rows)

    def find(
        self,
        recurrent: str,
        *,
        return_sequences: bool = False,
        return_state: bool = False,
        bidirectional: bool = False,
        merge_mode: str | None = "concat",
    ) -> Row:
        """The row for one combination (merge_mode is ignored unless bidirectional)."""
        for r in self.rows:
            if (
                r.recurrent == recurrent
                and r.return_sequences == return_sequences
                and r.return_state == return_state
                and r.bidirectional == bidirectional
                and (not bidirectional or r.merge_mode == merge_mode)
            ):
                return r
        raise KeyError(recurrent)

    def select(self, **criteria) -> CheatSheet:
        """The rows whose attributes equal ``criteria``, e.g. ``select(bidirectional=True)``.

        Raises `ValueError` when no row matches (a misspelt value, such as
        ``recurrent="Lstm"``, would otherwise give an empty table that checks nothing).
        """
        rows = tuple(r for r in self.rows if all(getattr(r, k) == v for k, v in criteria.items()))
        if not rows:
            wanted = ", ".join(f"{k}={v!r}" for k, v in criteria.items())
            raise ValueError(f"no row of the cheat sheet has {wanted}")
        return replace(self, rows=rows)

    def _columns(self) -> list[str]:
        merge = ["merge_mode"] if any(r.bidirectional for r in self.rows) else []
        return ["layer", *merge, "return_sequences", "return_state", "tensors", "output shapes"]

    def _cells(self, r: Row) -> list[str]:
        layer = f"Bidirectional({r.recurrent})" if r.bidirectional else r.recurrent
        merge = [r.merge] if any(x.bidirectional for x in self.rows) else []
        return [
            layer,
            *merge,
            str(r.return_sequences),
            str(r.return_state),
            str(len(r.outputs)),
            _fmt_all(r.outputs),
        ]

    def _caption(self) -> str:
        status = (
            "every row checked against Keras"
            if self.checked
            else "from the shape rules, not yet checked against Keras"
        )
        return f"Input {format_shape(self.input_shape)}, {self.units} units: {status}."

    def table(self) -> Table:
        """The sheet as the book's shared `Table` (layers and shapes set as code)."""
        columns = self._columns()
        code = {i for i, c in enumerate(columns) if c in ("layer", "merge_mode", "output shapes")}
        return Table(columns, [self._cells(r) for r in self.rows], self._caption(), code)

    def __str__(self) -> str:
        return str(self.table())

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # IPython's text/plain
        printer.text(str(self))

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def _spec(recurrent: str, units: int, return_sequences: bool, return_state: bool) -> str:
    flags = [str(units)]
    if return_sequences:
        flags.append("return_sequences=True")
    if return_state:
        flags.append("return_state=True")
    return f"{recurrent}({', '.join(flags)})"


def cheat_sheet(units: int = 4, input_shape: Sequence[int | None] = (2, 7, 3)) -> CheatSheet:
    """Every combination of layer, return_sequences, return_state and (for Bidirectional)
    merge_mode, with the output shapes the rules give for ``input_shape``."""
    input_shape = tuple(input_shape)
    rows = []
    for bidirectional in (False, True):
        for recurrent in RECURRENT:
            for merge_mode in MERGE_MODES if bidirectional else ("concat",):
                for return_sequences in (False, True):
                    for return_state in (False, True):
                        inner = _spec(recurrent, units, return_sequences, return_state)
                        if bidirectional:
                            layer = f"Bidirectional({inner}, merge_mode={merge_mode!r})"
                        else:
                            layer = inner
                        step = trace([layer], input_shape).steps[0]
                        rows.append(
                            Row(
                                layer=layer,
                                recurrent=recurrent,
                                bidirectional=bidirectional,
                                merge_mode=merge_mode if bidirectional else None,
                                return_sequences=return_sequences,
                                return_state=return_state,
                                outputs=tuple(tuple(s) for s in step.outputs),
                                why=step.why,
                            )
                        )
    return CheatSheet(input_shape=input_shape, units=units, rows=tuple(rows))


def _keras_layer(row: Row, units: int):
    import keras  # lazily: only the check needs TensorFlow

    inner = getattr(keras.layers, row.recurrent)(
        units, return_sequences=row.return_sequences, return_state=row.return_state
    )
    if row.bidirectional:
        return keras.layers.Bidirectional(inner, merge_mode=row.merge_mode)
    return inner


def _shapes(result) -> tuple[Shape, ...]:
    tensors = result if isinstance(result, (list, tuple)) else [result]
    return tuple(tuple(None if d is None else int(d) for d in t.shape) for t in tensors)


def _outputs(row: Row, input_shape: Shape) -> tuple[Shape, ...]:
    return trace([row.layer], input_shape).outputs


def check_against_keras(sheet: CheatSheet) -> CheatSheet:
    """Build every row in Keras and compare its shapes with the rules, size for size.

    Each row is checked twice: its predicted shapes must equal the shapes Keras's symbolic
    build gives for the sheet's input (so a predicted ``None`` must be ``None`` in Keras
    too), and a run on zeros (an unknown input size replaced by 1) must give exactly the
    shapes the rules predict for that concrete input. Returns a new sheet whose rows carry
    Keras's shapes for the sheet's input; raises :class:`CheatSheetMismatch` listing every
    row where Keras and the rules disagree, and `ValueError` for a sheet with no rows.
    """
    if not sheet.rows:
        raise ValueError("the cheat sheet has no rows: there is nothing to check against Keras")
    import keras  # lazily: only the check needs TensorFlow
    import numpy as np

    concrete = tuple(1 if d is None else d for d in sheet.input_shape)
    data = np.zeros(concrete, dtype="float32")
    checked, problems = [], []
    for row in sheet.rows:
        layer = _keras_layer(row, sheet.units)
        symbolic = _shapes(layer(keras.Input(batch_shape=sheet.input_shape)))
        predicted = row.outputs if concrete == sheet.input_shape else _outputs(row, concrete)
        ran = _shapes(layer(data))
        if symbolic != row.outputs:
            problems.append(
                f"{row.layer}: rules {_fmt_all(row.outputs)}, Keras {_fmt_all(symbolic)}"
            )
        elif ran != predicted:
            problems.append(
                f"{row.layer} run on zeros {format_shape(concrete)}: rules {_fmt_all(predicted)}, "
                f"Keras {_fmt_all(ran)}"
            )
        checked.append(replace(row, measured=symbolic))
    if problems:
        raise CheatSheetMismatch(
            "Keras and the shape rules disagree on the input "
            f"{format_shape(sheet.input_shape)}:\n" + "\n".join(problems)
        )
    return replace(sheet, rows=tuple(checked))


# --------------------------------------------------------------------------- model patterns


@dataclass(frozen=True)
class Pattern:
    """One model pattern: its layers, its output (from the rules), its targets and loss."""

    name: str  # e.g. "many-to-one"
    input_shape: Shape
    layers: tuple[str, ...]  # Keras constructor syntax, after the input
    loss: str
    output: Shape  # from the rules
    targets: tuple[Shape, ...]  # the shapes it trains with, the one to aim for first
    fitted: tuple[Shape, ...] = ()  # the target shapes Keras fitted it on, once checked

    @property
    def target_holds(self) -> str:
        return target_kind(self.loss)


@dataclass(frozen=True)
class PatternSheet:
    """The model patterns. Renders as an HTML table in a notebook (see `table`)."""

    rows: tuple[Pattern, ...]

    @property
    def checked(self) -> bool:
        """True once Keras fitted every row on every one of its target shapes."""
        return bool(self.rows) and all(r.fitted == r.targets for r in self.rows)

    def find(self, name: str, loss: str) -> Pattern:
        for r in self.rows:
            if r.name == name and r.loss == loss:
                return r
        raise KeyError(f"{name}, {loss}")

    def table(self) -> Table:
        """The sheet as the book's shared `Table`; the input shapes go in the caption (all
        rows share one, but for the patterns that start from something else)."""
        columns = ["pattern", "layers", "output shape", "target shape", "loss"]
        cells = [
            [
                r.name,
                ", ".join(r.layers),
                format_shape(r.output),
                f"{' or '.join(format_shape(t) for t in r.targets)} ({r.target_holds})",
                r.loss,
            ]
            for r in self.rows
        ]
        shapes = [r.input_shape for r in self.rows]
        common = max(shapes, key=shapes.count) if shapes else ()
        others = "".join(
            f"; {r.name} from {format_shape(r.input_shape)}"
            for r in self.rows
            if r.input_shape != common
        )
        status = (
            "every row fitted by Keras for one epoch on each target shape"
            if self.checked
            else "from the shape rules, not yet fitted by Keras"
        )
        return Table(columns, cells, f"Input {format_shape(common)}{others}: {status}.", {1, 2, 4})

    def __str__(self) -> str:
        return str(self.table())

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # IPython's text/plain
        printer.text(str(self))

    def _repr_html_(self) -> str:
        return self.table()._repr_html_()


def patterns(
    units: int = 8,
    classes: int = 5,
    input_shape: Sequence[int | None] = (2, 7, 3),
    out_steps: int = 5,
) -> PatternSheet:
    """The model patterns for sequences of ``input_shape`` (batch, steps, features).

    One-to-many starts from one vector per sample (batch, features) and repeats it for as
    many steps as the input has; the encoder-decoder outputs ``out_steps`` steps.
    """
    batch, steps, features = tuple(input_shape)
    sequence, vector = (batch, steps, features), (batch, features)
    softmax = f"Dense({classes}, activation='softmax')"
    last = f"LSTM({units})"
    every = f"LSTM({units}, return_sequences=True)"
    specs = [
        ("many-to-one", sequence, (last, "Dense(1)"), "mse"),
        ("many-to-one, classes", sequence, (last, softmax), "sparse_categorical_crossentropy"),
        ("many-to-one, classes", sequence, (last, softmax), "categorical_crossentropy"),
        ("many-to-many, same length", sequence, (every, "Dense(1)"), "mse"),
        (
            "many-to-many, same length",
            sequence,
            (every, softmax),
            "sparse_categorical_crossentropy",
        ),
        ("many-to-many, same length", sequence, (every, softmax), "categorical_crossentropy"),
        ("one-to-many", vector, (f"RepeatVector({steps})", every, "Dense(1)"), "mse"),
        (
            "encoder-decoder",
            sequence,
            (last, f"RepeatVector({out_steps})", every, "Dense(1)"),
            "mse",
        ),
    ]
    rows = []
    for name, shape, layers, loss in specs:
        (output,) = trace(list(layers), shape).outputs
        rows.append(Pattern(name, shape, layers, loss, output, target_shapes(output, loss)))
    return PatternSheet(tuple(rows))


def _targets(shape: Shape, loss: str, classes: int, rng):
    import numpy as np

    if loss == "mse":
        return rng.normal(size=shape).astype("float32")
    ids = rng.integers(0, classes, size=shape[:-1] if loss == "categorical_crossentropy" else shape)
    return np.eye(classes, dtype="float32")[ids] if loss == "categorical_crossentropy" else ids


def check_patterns_against_keras(sheet: PatternSheet) -> PatternSheet:
    """Build every pattern in Keras, check it against the rules (`check_model`) and fit it
    for one epoch on random data with each of its target shapes (eagerly: the loss checks
    the target's shape as it does in a compiled fit).

    Returns the sheet with every row's ``fitted`` filled in; raises `CheatSheetMismatch`
    listing each row whose output Keras sizes differently or whose fit Keras refuses.
    """
    if not sheet.rows:
        raise ValueError("the pattern sheet has no rows: there is nothing to check against Keras")
    import numpy as np

    from rnnshape_docs.keras_models import build_model, check_model  # imports Keras

    rng = np.random.default_rng(0)
    checked, problems = [], []
    for row in sheet.rows:
        model = build_model(row.layers, row.input_shape)
        (measured,) = check_model(model).outputs
        if measured != row.output:
            problems.append(
                f"{row.name}: rules {format_shape(row.output)}, Keras {format_shape(measured)}"
            )
            continue
        x = rng.normal(size=row.input_shape).astype("float32")
        fitted = []
        for target in row.targets:
            # compiled afresh for each target shape, as a reader must (in a graph, a compiled
            # model fed targets of a second rank fails: "Cannot take the length of shape with
            # unknown rank", see tests/test_cheatsheet.py), and eagerly: a one-batch fit
            # needs no graph, and many graphs in a row make TensorFlow warn on stderr
            model.compile(optimizer="adam", loss=row.loss, run_eagerly=True)
            try:
                model.fit(x, _targets(target, row.loss, row.output[-1], rng), epochs=1, verbose=0)
            except Exception as exc:  # noqa: BLE001 (what Keras refuses is the finding)
                first = str(exc).strip().splitlines()[0]
                problems.append(f"{row.name}, {row.loss}, target {format_shape(target)}: {first}")
            else:
                fitted.append(target)
        checked.append(replace(row, fitted=tuple(fitted)))
    if problems:
        raise CheatSheetMismatch(
            "Keras does not train these patterns as listed:\n" + "\n".join(problems)
        )
    return replace(sheet, rows=tuple(checked))
