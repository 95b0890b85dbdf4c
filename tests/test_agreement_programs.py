"""The program corpus: pairs of programs we wrote, each shape fault beside its fix.

Each ``tests/programs/NAME.bug.py`` has a ``NAME.fixed.py``. Their first comment lines say
what must hold:

- ``# rnnshape: RS103@8 RS112@10`` (bug files): the errors and warnings `check_program`
  must report, by code and line, and no others; a fixed file must get none at all.
- ``# keras: raises`` or ``# keras: silent`` (bug files): on real Keras the program stops
  with an exception, or runs and then every ``# proof: EXPR`` line holds in its namespace
  (the silent fault shown: 24 predictions for one window, a loss on broadcast shapes...).
  Fixed files must run to the end.
- ``# backend: tensorflow``: the program imports TensorFlow, so it is not run on JAX.
- ``# data: data.csv 300x5``: a CSV of that many rows and columns (a header row, random
  numbers) is written where the program runs.

The checker's half needs no Keras; the Keras half runs each program in this process with
small data (they are our own programs), on both backends (`nox -s agreement-jax`).
"""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

import pytest

from rnnshape_docs.program import check_program

PROGRAMS = Path(__file__).parent / "programs"
BACKEND = os.environ.get("KERAS_BACKEND", "tensorflow")


def _header(text: str, key: str) -> list[str]:
    return [m.group(1).strip() for m in re.finditer(rf"^# {key}: (.*)$", text, re.MULTILINE)]


def _cases() -> list[Path]:
    return sorted(PROGRAMS.glob("*.py"))


def _expected(text: str) -> set[tuple[str, int]]:
    out = set()
    for entry in " ".join(_header(text, "rnnshape")).split():
        code, _, line = entry.partition("@")
        out.add((code, int(line)))
    return out


def test_every_fault_has_its_fix():
    bugs = {p.name.removesuffix(".bug.py") for p in PROGRAMS.glob("*.bug.py")}
    fixes = {p.name.removesuffix(".fixed.py") for p in PROGRAMS.glob("*.fixed.py")}
    assert bugs == fixes
    assert len(bugs) * 2 >= 120  # issue 22: at least 60 programs, each fault beside its fix
    for path in _cases():
        text = path.read_text()
        assert path.name.endswith((".bug.py", ".fixed.py")), path.name
        if path.name.endswith(".bug.py"):
            assert _expected(text), f"{path.name}: no '# rnnshape:' line"
            assert _header(text, "keras") in (["raises"], ["silent"]), path.name


@pytest.mark.parametrize("path", _cases(), ids=lambda p: p.name)
def test_the_checker_finds_each_fault_on_its_line(path: Path):
    text = path.read_text()
    result = check_program(text, filename=path.name)
    found = {(f.code, f.line) for f in result.findings if f.severity in ("error", "warning")}
    expected = _expected(text) if path.name.endswith(".bug.py") else set()
    assert found == expected, result.text(200)
    for finding in result.findings:
        if finding.severity == "error":
            assert finding.fix, f"{path.name}: {finding.code} has no fix"


def _fixable() -> list[Path]:
    """The faults whose every finding comes with an edit: the tool's own fix can be applied."""
    out = []
    for path in PROGRAMS.glob("*.bug.py"):
        result = check_program(path.read_text(), filename=path.name)
        shown = [f for f in result.findings if f.severity != "note"]
        if shown and all(f.edit is not None for f in shown):
            out.append(path)
    return sorted(out)


@pytest.mark.parametrize("path", _fixable(), ids=lambda p: p.name)
def test_the_fixes_applied_leave_nothing_to_find(path: Path):
    fixed = check_program(path.read_text(), filename=path.name).fixed_text()
    again = check_program(fixed, filename=path.name)
    assert not [f for f in again.findings if f.severity != "note"], again.text(200) + "\n" + fixed


def test_most_faults_come_with_an_edit():
    bugs = list(PROGRAMS.glob("*.bug.py"))
    assert len(_fixable()) >= 0.75 * len(bugs), sorted(set(bugs) - set(_fixable()))


def _runnable() -> list[Path]:
    return [
        p
        for p in _cases()
        if BACKEND == "tensorflow" or "tensorflow" not in _header(p.read_text(), "backend")
    ]


def _write_data(text: str, where: Path) -> None:
    """The CSV files a program reads (``# data: NAME ROWSxCOLUMNS``): a header, random numbers."""
    import numpy as np

    rng = np.random.default_rng(0)
    for spec in _header(text, "data"):
        name, size = spec.split()
        rows, columns = map(int, size.split("x"))
        header = ",".join(f"c{k}" for k in range(columns))
        body = "\n".join(",".join(f"{v:.4f}" for v in row) for row in rng.random((rows, columns)))
        (where / name).write_text(f"{header}\n{body}\n")


@pytest.mark.keras
@pytest.mark.parametrize("path", _runnable(), ids=lambda p: p.name)
def test_each_program_on_keras(path: Path, tmp_path, monkeypatch):
    text = path.read_text()
    _write_data(text, tmp_path)
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "__main__"}
    code = compile(text, str(path), "exec")
    expectation = _header(text, "keras")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras's own warnings (input_shape=...) are not the point
        if expectation == ["raises"]:
            with pytest.raises(Exception):  # noqa: B017, PT011 (what Keras raises varies by backend)
                exec(code, namespace)  # noqa: S102 (our own corpus, never a reader's program)
            return
        exec(code, namespace)  # noqa: S102
    for proof in _header(text, "proof"):
        assert eval(proof, namespace), f"{path.name}: {proof}"


@pytest.mark.keras
@pytest.mark.parametrize("path", [p for p in _fixable() if p in _runnable()], ids=lambda p: p.name)
def test_the_program_with_the_tools_fixes_runs_on_keras(path: Path, tmp_path, monkeypatch):
    """The proof that each fix is right: the tool's own edits, applied, make a program Keras runs."""
    text = check_program(path.read_text(), filename=path.name).fixed_text()
    monkeypatch.chdir(tmp_path)
    _write_data(path.read_text(), tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(text, str(path), "exec"), {"__name__": "__main__"})  # noqa: S102


@pytest.mark.keras
def test_keras_3_has_no_tokenizer_as_the_checker_says():
    """RS150 on `Tokenizer`: Keras 3 has no keras.preprocessing.text (tests/test_check.py)."""
    import importlib.util

    import keras

    assert importlib.util.find_spec("keras.preprocessing") is not None
    assert importlib.util.find_spec("keras.preprocessing.text") is None
    assert hasattr(keras.layers, "TextVectorization")
    assert hasattr(keras.utils, "pad_sequences")


# Unary operators on symbolic tensors (issue 24): -x, abs(x) and ~x are operations Keras
# records (Negative, Absolute, LogicalNot); the program reader makes the same ops, by the
# same names, as the model-file path reads from the saved model. (+x: the corpus's
# unary_plus_tensor pair, which Keras refuses.)
UNARY = """\
import keras
from keras import layers

inp = keras.Input((12, 3))
seq = layers.LSTM(8, return_sequences=True)(inp)
mag = abs(-seq)
mask = ~keras.ops.cast(seq, "bool")
last = keras.ops.abs(-seq[:, -1])
model = keras.Model(inp, [layers.LSTM(4)(mag), mask, last])
"""


@pytest.mark.keras
def test_unary_operators_are_read_as_the_ops_keras_records(tmp_path):
    import keras

    from rnnshape_docs import trace_model
    from rnnshape_docs.keras_models import check_model
    from rnnshape_docs.model_files import trace_file

    keras.backend.clear_session()  # Keras's names, as a fresh process gives them
    namespace: dict = {}
    exec(compile(UNARY, "unary.py", "exec"), namespace)  # noqa: S102 (our own program)
    model = namespace["model"]
    check_model(model)  # the rules against a real run, call by call
    live = trace_model(model)
    model.save(tmp_path / "model.keras")
    read = check_program(UNARY).models[0].trace
    assert read is not None
    ops = {s.name: s.layer for s in read.steps if "lstm" not in s.name}
    assert ops == {
        "negative": "-lstm",
        "absolute": "abs(negative)",
        "cast": "ops.cast(lstm, dtype='bool')",
        "logical_not": "~cast",
        "get_item": "lstm[:, -1]",
        "negative_1": "-get_item",
        "absolute_1": "abs(negative_1)",
    }
    saved = trace_file(tmp_path / "model.keras")
    for other in (live, saved):  # the same rows (the walks may order independent calls apart)
        assert _by_name(read.to_json()) == _by_name(other.to_json())
        assert read.outputs == other.outputs
    keras.backend.clear_session()


def _by_name(traced: dict) -> dict:
    return {row["name"]: row for row in traced.pop("layers")} | traced


# Rows of a CSV made one step of all their columns, the model declared for one feature: the
# columns are a size the code does not fix, so the check is undecided until they are stated.
STATED = """\
import pandas as pd
import keras

df = pd.read_csv("data.csv")
X = df.iloc[:, :-1].values
y = df.iloc[:, -1].values
X = X.reshape(X.shape[0], 1, X.shape[1])
model = keras.Sequential([keras.Input(shape=(X.shape[1], 1)), keras.layers.LSTM(4)])
model.add(keras.layers.Dense(1))
model.compile(loss="mse")
model.fit(X, y, epochs=1, verbose=0)
"""


def test_a_stated_shape_is_the_arrays_last_and_the_note_names_the_safe_declaration():
    result = check_program(STATED)
    assert [(f.code, f.line) for f in result.findings] == [("RS190", 11)], result.text(200)
    assert result.findings[0].fix == "if it is not, declare shape=X.shape[1:]"
    # Stated, the shape is X's after the reshape (line 7), not the 2-D X of line 5.
    stated = check_program(STATED, shapes={"X": (300, 1, 4)})
    assert [(f.code, f.line) for f in stated.findings] == [("RS103", 8)], stated.text(200)
    assert stated.findings[0].fix == "shape=(1, 4)"


@pytest.mark.keras
def test_the_stated_finding_and_its_fix_on_keras(tmp_path, monkeypatch):
    _write_data("# data: data.csv 300x5", tmp_path)
    monkeypatch.chdir(tmp_path)
    fixed = check_program(STATED, shapes={"X": (300, 1, 4)}).fixed_text()
    assert fixed != STATED
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception):  # noqa: B017, PT011 (what Keras raises varies by backend)
            exec(compile(STATED, "stated.py", "exec"), {})  # noqa: S102 (our own program)
        exec(compile(fixed, "stated.py", "exec"), {})  # noqa: S102
        exec(compile(fixed.replace("shape=(1, 4)", "shape=X.shape[1:]"), "s.py", "exec"), {})  # noqa: S102
