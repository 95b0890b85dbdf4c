"""The rnnshape command: output formats, exit statuses, one-line errors."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rnnshape_docs.cli import main

# The console script sits next to the interpreter in a venv, or on PATH.
_NEXT_TO_PYTHON = Path(sys.executable).with_name("rnnshape")
RNNSHAPE = str(_NEXT_TO_PYTHON) if _NEXT_TO_PYTHON.exists() else shutil.which("rnnshape")

SEED = ["SimpleRNN(40, return_sequences=True)", "SimpleRNN(40)", "Dense(1)"]
JSON_SEED = ["trace", "--input", "None,None,1", *SEED, "--json"]


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_table(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # wide enough for one line per layer
    status, out, err = run(
        capsys, "trace", "--input", "2,5,3", "LSTM(4, return_sequences=True)", "LSTM(8)", "Dense(1)"
    )
    assert status == 0
    assert err == ""
    lines = out.splitlines()
    assert lines[0].split() == ["layer", "input", "output", "params", "why"]
    assert lines[2].startswith("LSTM(4, return_sequences=True)  (2, 5, 3)  (2, 5, 4)  128")
    assert "only the last of the 5 outputs is kept" in lines[3]
    assert lines[5] == "parameters: 553 (trainable 553, non-trainable 0)"
    assert len(lines) == 6


def _lines_at(columns: str | None, *argv: str) -> list[str]:
    """What the command prints to a pipe (not a terminal) with COLUMNS set, or unset."""
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    if columns is not None:
        env["COLUMNS"] = columns
    done = subprocess.run(
        [sys.executable, "-m", "rnnshape_docs", *argv],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return done.stdout.splitlines()


@pytest.mark.parametrize("columns", ["80", None], ids=["COLUMNS=80", "a pipe, no COLUMNS"])
def test_table_fits_80_columns_with_every_word_of_why(columns):
    lines = _lines_at(columns, "trace", "--input", "None,None,1", *SEED)
    assert max(len(line) for line in lines) <= 80
    whys = [layer["why"] for layer in json.loads(_lines_at("80", *JSON_SEED)[0])["layers"]]
    text = " ".join(" ".join(lines).split())
    assert all(text.count(why) == 1 for why in whys)
    for layer in SEED:
        assert sum(line.startswith(layer + " ") for line in lines) == 1


def test_wide_terminal_gets_one_line_per_layer():
    lines = _lines_at("200", "trace", "--input", "None,None,1", *SEED)
    whys = [layer["why"] for layer in json.loads(_lines_at("200", *JSON_SEED)[0])["layers"]]
    assert len(lines) == 2 + len(SEED) + 1  # and the totals
    assert [line.split("  ")[-1].strip() for line in lines[2:-1]] == whys


def test_json_does_not_depend_on_the_width():
    assert (
        _lines_at("20", *JSON_SEED) == _lines_at("300", *JSON_SEED) == _lines_at(None, *JSON_SEED)
    )


def test_json_is_one_object_with_nulls(capsys):
    status, out, err = run(capsys, "trace", "--input", "None,None,1", *SEED, "--json")
    assert status == 0
    assert err == ""
    data = json.loads(out)
    assert data["input"] == [None, None, 1]
    assert [layer["layer"] for layer in data["layers"]] == SEED
    assert data["layers"][0]["outputs"] == [[None, None, 40]]
    assert data["outputs"] == [[None, 1]]
    assert set(data["layers"][0]) == {"layer", "input", "outputs", "why", "params", "mask"}
    assert data["layers"][0]["params"] == {"total": 1680, "trainable": 1680, "non_trainable": 0}
    assert data["params"]["total"] == sum(layer["params"]["total"] for layer in data["layers"])


def test_json_lists_every_output(capsys):
    status, out, _ = run(
        capsys, "trace", "--input", "2,5,3", "LSTM(4, return_state=True)", "--json"
    )
    assert status == 0
    assert json.loads(out)["outputs"] == [[2, 4], [2, 4], [2, 4]]


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (
            ["trace", "--input", "2,5,3", "LSTM(4)", "LSTM(8)"],
            "set return_sequences=True on layer 1",
        ),
        (["trace", "--input", "2,5", "LSTM(4)"], "(batch, time steps, features)"),
        (["trace", "--input", "2,5,3,1", "GRU(4)"], "4-D"),
        (["trace", "--input", "2,5,3", "LSTM(0)"], "units must be a positive whole number"),
        (["trace", "--input", "2,5,3", "Bidirectional(LSTM(4), merge_mode='x')"], "merge_mode"),
        (["trace", "--input", "None,5,3", "LSTM(4, stateful=True)"], "known batch size"),
        (
            ["trace", "--input", "2,5,3", "LSTM(4, return_state=True)", "Dense(1)"],
            "cannot continue",
        ),
        (["trace", "--input", "2,5,3", "Conv4D(4, 3)"], "not a layer rnnshape knows"),
        (["trace", "--input", "2,5,3", "LSTM(4, foo=1)"], "no keyword 'foo'"),
        (["trace", "--input", "2,5,3", "__import__('os').system('echo hi')"], "not a layer"),
        (["trace", "--input", "2,x,3", "LSTM(4)"], "'x' is not a size"),
        (["trace", "--input", "", "LSTM(4)"], "empty"),
        (["trace", "LSTM(4)"], "--input"),
        (["trace", "--input", "2,5,3"], "LAYER"),
        (["trace", "--input", "2,5,3", "LSTM(4)", "--bogus"], "--bogus"),
        (["frobnicate"], "invalid choice"),
        ([], "COMMAND"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_2(capsys, argv, says):
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("rnnshape: error: ")
    assert says in err
    assert "Traceback" not in err


def test_help_exits_0(capsys):
    status, out, _ = run(capsys, "trace", "--help")
    assert status == 0
    assert "--input" in out


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "rnnshape_docs"],
        pytest.param(
            [RNNSHAPE], marks=pytest.mark.skipif(not RNNSHAPE, reason="rnnshape not installed")
        ),
    ],
    ids=["python -m rnnshape_docs", "rnnshape"],
)
def test_console_entry_points(command):
    ok = subprocess.run(
        [*command, "trace", "--input", "2,5,3", "LSTM(4)", "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["outputs"] == [[2, 4]]
    assert ok.stderr == ""
    bad = subprocess.run(
        [*command, "trace", "--input", "2,5,3", "LSTM(4)", "LSTM(8)"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert len(bad.stderr.splitlines()) == 1


@pytest.mark.keras
def test_keras_agrees(capsys):
    pytest.importorskip("keras")
    status, out, err = run(
        capsys,
        "trace",
        "--input",
        "2,5,3",
        "LSTM(4, return_sequences=True)",
        "LSTM(8, return_state=True)",
        "--keras",
    )
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["layer", "rules", "predict", "Keras", "measures"]
    assert lines[2].split()[-1] == "ok"
    assert "(2, 8), (2, 8), (2, 8)" in lines[2]


@pytest.mark.keras
def test_keras_json_and_refusals(capsys):
    pytest.importorskip("keras")
    status, out, _ = run(capsys, "trace", "--input", "None,None,1", *SEED, "--keras", "--json")
    assert status == 0
    data = json.loads(out)
    assert data["keras"]["agrees"] is True
    assert data["keras"]["outputs"] == [layer["outputs"] for layer in data["layers"]]
    status, out, err = run(capsys, "trace", "--input", "2,5,3", "LSTM(4)", "LSTM(8)", "--keras")
    assert status == 2
    assert out == ""
    assert "Keras refuses too, at layer 2, LSTM(8): ValueError: " in err
    assert "expected ndim=3, found ndim=2" in err  # Keras's own words
    assert err.count("\n") == 1


@pytest.mark.keras
def test_keras_is_not_asked_about_a_layer_text_rnnshape_cannot_read(capsys):
    pytest.importorskip("keras")
    status, out, err = run(
        capsys, "trace", "--input", "2,5,3", "LSTM(4, return_sequnces=True)", "--keras"
    )
    assert (status, out) == (2, "")
    assert "return_sequnces" in err
    assert "Keras refuses" not in err
    assert err.count("\n") == 1


@pytest.mark.keras
def test_keras_disagreement_exits_1(capsys, monkeypatch):
    pytest.importorskip("keras")
    from rnnshape_docs import keras_models

    real = keras_models.measure

    def off_by_one(layers, shape, **kw):
        measured = real(layers, shape, **kw)
        return [tuple((*s[:-1], s[-1] + 1) for s in outs) for outs in measured]

    monkeypatch.setattr(keras_models, "measure", off_by_one)
    status, out, err = run(capsys, "trace", "--input", "2,5,3", "LSTM(4)", "--keras")
    assert status == 1
    assert "DIFFERENT" in out
    assert "disagree" in err
