"""`rnnshape check` and `check_program`: what the reader understands, and bad input.

The corpus (tests/test_agreement_programs.py) proves the findings on real Keras; these tests pin the
constructs one by one, the command's contract (design.md, "Checking a program") and the
bounds on hostile input. None of them imports Keras.
"""

from __future__ import annotations

import json
import textwrap

import pytest

from rnnshape_docs.cli import main
from rnnshape_docs.program import ProgramError, check_program
from rnnshape_docs.program.sizes import Sym


def _check(code: str, **kwargs):
    return check_program(textwrap.dedent(code), **kwargs)


def _shape(result, name: str):
    shapes = [a.shape for n, _, a in result.arrays if n == name]
    assert shapes, f"no array {name}: {result.arrays}"
    return tuple(str(s) if isinstance(s, Sym) else s for s in shapes[-1])


def _codes(result) -> set[tuple[str, int]]:
    return {(f.code, f.line) for f in result.findings if f.severity != "note"}


@pytest.mark.parametrize(
    ("code", "name", "shape"),
    [
        ("X = np.zeros((4, 5))", "X", (4, 5)),
        ("X = np.random.rand(6, 7, 2)", "X", (6, 7, 2)),
        ("X = np.random.randint(0, 3, size=(10, 4))", "X", (10, 4)),
        ("X = np.arange(24).reshape(-1, 6, 1)", "X", (4, 6, 1)),
        ("X = np.expand_dims(np.ones((3, 4)), -1)", "X", (3, 4, 1)),
        ("X = np.ones((3, 4))[:, :, np.newaxis]", "X", (3, 4, 1)),
        ("X = np.ones((3, 4))[..., None]", "X", (3, 4, 1)),
        ("X = np.ones((3, 1, 4)).squeeze(1)", "X", (3, 4)),
        ("X = np.ones((3, 4, 5)).transpose(0, 2, 1)", "X", (3, 5, 4)),
        ("X = np.swapaxes(np.ones((3, 4, 5)), 1, 2)", "X", (3, 5, 4)),
        ("X = np.ones((3, 4)).T", "X", (4, 3)),
        ("X = np.concatenate([np.ones((3, 4)), np.ones((5, 4))])", "X", (8, 4)),
        ("X = np.stack([np.ones((3, 4))] * 2, axis=-1)", "X", (3, 4, 2)),
        ("X = np.vstack([np.ones((3, 4)), np.ones((2, 4))])", "X", (5, 4)),
        ("X = np.ones((10, 4))[2:7]", "X", (5, 4)),
        ("X = np.ones((10, 4))[-3:, 0]", "X", (3,)),
        ("X = np.eye(5)[np.array([0, 1, 4])]", "X", (3, 5)),
        ("X = np.array([[1, 2], [3, 4], [5, 6]])", "X", (3, 2)),
        ("X = np.zeros((4, 5)).astype('float32')", "X", (4, 5)),
        ("n = np.ones((7, 3)).shape[0]\nX = np.zeros((n, 2))", "X", (7, 2)),
        ("s = np.ones((7, 3, 2)).shape[1:]\nX = np.zeros((5, *s))", "X", (5, 3, 2)),
        ("X = pd.read_csv('data.csv').values", "X", ("rows of data.csv", "columns of data.csv")),
        ("df = pd.read_csv('d.csv')\nX = df[['a', 'b']].to_numpy()", "X", ("rows of d.csv", 2)),
    ],
)
def test_data_shapes(code, name, shape):
    result = _check(f"import numpy as np\nimport pandas as pd\n{code}\n")
    assert _shape(result, name) == shape


def test_windows_built_in_a_loop_keep_their_count():
    result = _check(
        """
        import numpy as np
        data = np.random.rand(500, 3)
        X, y = [], []
        for i in range(len(data) - 24):
            X.append(data[i:i + 24])
            y.append(data[i + 24, 0])
        X, y = np.array(X), np.array(y)
        """
    )
    assert _shape(result, "X") == (476, 24, 3)
    assert _shape(result, "y") == (476,)


def test_rows_of_a_file_stay_a_symbol_through_arithmetic():
    result = _check(
        """
        import numpy as np, pandas as pd
        data = pd.read_csv("power.csv").values
        X = np.array([data[i:i + 48] for i in range(len(data) - 48)])
        """
    )
    assert _shape(result, "X") == ("rows of power.csv - 48", 48, "columns of power.csv")


def test_an_unknown_size_never_raises_an_alarm_and_shape_states_it():
    code = """
        import numpy as np, pandas as pd, keras
        X = pd.read_csv("x.csv").values.reshape(-1, 24, 3)
        y = pd.read_csv("y.csv").values
        model = keras.Sequential([keras.Input((24, 3)), keras.layers.LSTM(4), keras.layers.Dense(1)])
        model.compile(loss="mse")
        model.fit(X, y)
        """
    assert not _check(code).errors
    stated = _check(code, shapes={"y": (50, 24)})
    assert {f.code for f in stated.errors} == {"RS111"}


def test_keras_2_programs_are_read_as_meant():
    result = _check(
        """
        from keras.models import Sequential
        from keras.layers.recurrent import LSTM
        from keras.layers.core import Dense
        import numpy as np
        X = np.zeros((100, 10, 1))
        model = Sequential()
        model.add(LSTM(20, input_shape=(1, 10)))
        model.add(Dense(1))
        model.compile(loss='mse', optimizer='adam')
        model.fit(X, np.zeros(100), nb_epoch=10)
        """
    )
    assert _codes(result) >= {("RS103", 8)}


def test_a_model_built_by_a_function_and_layers_added_in_a_loop():
    result = _check(
        """
        import keras
        def build(units, steps):
            model = keras.Sequential()
            model.add(keras.Input(shape=(steps, 2)))
            for k in range(3):
                model.add(keras.layers.GRU(units))
            model.add(keras.layers.Dense(1))
            return model
        model = build(8, 12)
        """
    )
    (finding,) = result.errors
    assert finding.code == "RS101"
    assert finding.line == 7
    # Every round but the last passes sequences on (True on all would leave the last doing so)
    assert finding.fix == "keras.layers.GRU(units, return_sequences=k < 3 - 1)"
    assert not check_program(result.fixed_text()).errors


def test_a_layer_made_in_a_loop_over_underscore_gets_the_loop_variable_named():
    result = _check(
        """
        import keras
        model = keras.Sequential([keras.Input(shape=(12, 2))])
        for _ in range(4):
            model.add(keras.layers.LSTM(8))
        model.add(keras.layers.Dense(1))
        """
    )
    assert [f.code for f in result.errors] == ["RS101"]
    fixed = result.fixed_text()
    assert (
        "for i in range(4):\n    model.add(keras.layers.LSTM(8, return_sequences=i < 4 - 1))"
        in (fixed)
    )
    assert not check_program(fixed).errors


def test_a_refusal_names_the_line_and_the_fix_edits_the_earlier_layer():
    result = _check(
        """
        from tensorflow.keras import layers, Input, Model
        inp = Input(shape=(30, 4))
        x = layers.LSTM(16)(inp)
        x = layers.LSTM(8)(x)
        model = Model(inp, layers.Dense(1)(x))
        """
    )
    (finding,) = result.errors
    assert (finding.line, finding.fix_line) == (5, 4)
    assert finding.fix == "layers.LSTM(16, return_sequences=True)"


def test_nothing_is_run():
    result = _check(
        """
        import os
        exec("open('/tmp/rnnshape-pwned', 'w')")
        __import__('os').system('touch /tmp/rnnshape-pwned')
        eval("1")
        """
    )
    assert [f.code for f in result.findings] == ["RS191", "RS191", "RS191"]


@pytest.mark.parametrize(
    "text",
    [
        "X = []\nwhile True:\n    X.append(1)\n",
        "def f(n):\n    return f(n + 1)\nf(0)\n",
        "import numpy as np\nX = np.zeros((10**12, 10**12))\n",
        "x = 2 ** 10 ** 10\ns = 'a' * 10**12\nl = [0] * 10**12\n",
        "for a in range(30):\n for b in range(30):\n  for c in range(30):\n   for d in range(30):\n    pass\n",
    ],
    ids=["while-true", "recursion", "huge-shape", "huge-numbers", "nested-loops"],
)
def test_hostile_programs_end_quietly(text):
    result = check_program(text)
    assert not result.errors


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"x = '" + b"a" * 1_000_000 + b"'\n", "characters long"),
        (b"x = " + b"(\n" * 300 + b"1" + b")" * 300, "nested 300 deep"),
        (b"\x00\x01binary", "binary data"),
        ("x = 'café'\n".encode("latin-1"), "not UTF-8"),
        (b"def f(:\n", "not valid Python"),
        (b"x" * (3 * 2**20), "MB"),
    ],
    ids=["megabyte-line", "deep-nesting", "binary", "latin-1", "syntax", "too-big"],
)
def test_unreadable_input_is_one_line(data, message):
    with pytest.raises(ProgramError, match=message) as info:
        check_program(data, filename="p.py")
    assert "\n" not in str(info.value)


def _notebook(*cells: str, output: str = "") -> str:
    return json.dumps(
        {
            "cells": [
                {"cell_type": "markdown", "source": "# Title"},
                *(
                    {
                        "cell_type": "code",
                        "source": cell,
                        "outputs": [{"output_type": "stream", "text": output}],
                    }
                    for cell in cells
                ),
            ]
        }
    )


def test_a_notebook_is_read_cell_by_cell_with_magics_blanked():
    book = _notebook(
        "%matplotlib inline\nimport numpy as np\nimport keras",
        "!pip install keras\nX = np.zeros((8, 5))",
        "model = keras.Sequential([keras.layers.LSTM(4)])\nmodel.fit(X, X)",
        output="x" * 5_000_000,
    )
    result = check_program(book, filename="work.ipynb")
    (finding,) = result.errors
    assert result.where(finding.line) == "cell 3, line 2"
    assert json.loads(json.dumps(result.to_json()))["findings"][0]["where"] == "cell 3, line 2"


def test_a_syntax_error_in_a_notebook_names_the_cell():
    with pytest.raises(ProgramError, match="cell 2, line 1"):
        check_program(_notebook("x = 1", "def f(:"), filename="nb.ipynb")


# --------------------------------------------------------------------------- the command


def test_check_json_follows_the_contract(tmp_path, capsys):
    program = tmp_path / "train.py"
    program.write_text(
        "import numpy as np\nimport keras\nX = np.zeros((100, 10, 32))\n"
        "model = keras.Sequential([keras.layers.LSTM(4, input_shape=X.shape), keras.layers.Dense(1)])\n"
        "model.compile(loss='mse')\nmodel.fit(X, np.zeros(100))\n"
    )
    assert main(["check", str(program), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"models", "arrays", "findings"}
    assert out["arrays"][0] == {"name": "X", "line": 3, "shape": [100, 10, 32], "dtype": "float"}
    (finding,) = out["findings"]
    assert finding["line"] == 4
    assert finding["severity"] == "error"
    assert finding["fix"] == "input_shape=X.shape[1:]"
    assert out["models"][0]["line"] == 4


def test_check_exit_status_and_stdin(monkeypatch, capsys):
    import io

    good = b"import keras\nm = keras.Sequential([keras.Input((5, 3)), keras.layers.LSTM(2)])\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(good)))
    assert main(["check", "-"]) == 0
    assert "no findings" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"x = (\n")))
    assert main(["check", "-"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rnnshape: error: <stdin>:1: not valid Python")
    assert err.count("\n") == 1


def test_check_shape_option_and_its_errors(tmp_path, capsys):
    program = tmp_path / "p.py"
    program.write_text(
        "import pandas as pd, keras\nX = pd.read_csv('a.csv').values.reshape(-1, 24, 3)\n"
        "m = keras.Sequential([keras.Input((24, 3)), keras.layers.LSTM(2)])\nm.fit(X, X)\n"
    )
    assert main(["check", str(program)]) == 0
    assert main(["check", str(program), "--shape", "X=100,24"]) == 1
    capsys.readouterr()
    assert main(["check", str(program), "--shape", "X"]) == 2
    assert "NAME=SHAPE" in capsys.readouterr().err
    assert main(["check", str(tmp_path / "missing.py")]) == 2


# --------------------------------------------------------------------------- one walk, one hint


@pytest.mark.parametrize(
    ("layers", "words"),
    [
        # Dense on 2-D data, then a recurrent layer: no layer had a time axis
        (
            "keras.Input((10,)), layers.Dense(8), layers.LSTM(4)",
            "no layer before it has a time axis",
        ),
        # a Flatten took the time axis away: it is named (and its line removed by the edit)
        ("keras.Input((7, 3)), layers.Flatten(), layers.LSTM(4)", "Flatten() turns each sample"),
        # vectors fed to an Embedding: the extra axis is the Embedding's
        (
            "keras.Input((10, 300)), layers.Embedding(1000, 64), layers.LSTM(32)",
            "Embedding(1000, 64) adds",
        ),
    ],
)
def test_a_programs_refusals_are_the_walks_hints(layers, words):
    """The program front end gets the very hints the chain and model files get (issue 25)."""
    result = _check(
        f"import keras\nfrom keras import layers\nmodel = keras.Sequential([{layers}])\n"
    )
    (finding,) = result.errors
    assert finding.code == "RS101"
    assert words in finding.message


def test_a_declaration_without_its_features_axis_is_fixed_where_it_is_declared():
    result = _check(
        """
        import numpy as np, keras
        X = np.random.rand(100, 12)
        m = keras.Sequential([keras.Input((12,)), keras.layers.GRU(8), keras.layers.Dense(1)])
        """
    )
    (finding,) = result.errors
    assert (finding.code, finding.fix) == ("RS101", "shape=(12, 1)")
    assert "keras.Input((12, 1))" in result.fixed_text()


def test_a_size_the_code_does_not_fix_is_traced_as_a_symbol_and_never_alarms():
    # len(np.unique(y)) is only known when the program runs: the trace goes on with it
    # unknown, and a clash that hangs on its value is an assumption, never an error.
    result = _check(
        """
        import numpy as np
        import keras
        y = np.random.randint(0, 4, size=60)
        n = len(np.unique(y))
        inp = keras.Input(shape=(12, 3))
        h = keras.layers.LSTM(16)(inp)
        a = keras.layers.Dense(n)(h)
        b = keras.layers.Dense(4)(h)
        out = keras.layers.Add()([a, b])
        model = keras.Model(inp, out)
        """
    )
    assert [f.code for f in result.findings] == ["RS190"], result.text(200)
    assert "len(np.unique(y))" in result.findings[0].message


def test_a_declared_size_read_from_a_file_is_an_assumption_until_shape_states_it():
    code = """
        import numpy as np
        import pandas as pd
        import keras
        frame = pd.read_csv("plant.csv")
        X = np.random.rand(50, 10, 3)
        model = keras.Sequential([keras.Input(shape=(10, len(frame.columns))), keras.layers.GRU(4)])
        model.compile(loss="mse")
        model.fit(X, np.zeros((50, 4)))
        """
    result = _check(code)
    assert [(f.code, f.line) for f in result.findings] == [("RS190", 7)], result.text(200)
    assert "columns of plant.csv" in result.findings[0].message
    stated = _check(code, shapes={"frame": (200, 4)})
    assert _codes(stated) == {("RS103", 7)}, stated.text(200)


def test_a_dict_built_by_a_comprehension_gives_its_values_for_any_key():
    result = _check(
        """
        import numpy as np
        text = open("book.txt").read()
        chars = sorted(set(text))
        index = {c: i for i, c in enumerate(chars)}
        encoded = np.array([index[c] for c in text])
        X = np.array([encoded[s : s + 40] for s in range(0, len(encoded) - 41, 3)])
        """
    )
    shapes = {name: a for name, _, a in result.arrays}
    assert shapes["encoded"].rank == 1
    assert shapes["encoded"].labels == "ids"
    assert shapes["X"].shape[1:] == (40,)


def test_an_array_of_items_of_unknown_rank_has_an_unknown_rank():
    result = _check(
        """
        import numpy as np
        data = np.load("windows.npy")
        X = np.array([data[k] for k in range(10)])
        """
    )
    shapes = {name: a for name, _, a in result.arrays}
    assert shapes["X"].shape is None  # not (10,): a rank it does not know is never claimed


def test_tokenizer_sequences_are_read_as_meant_with_the_keras_3_spelling():
    result = _check(
        """
        from tensorflow.keras.preprocessing.text import Tokenizer
        from tensorflow.keras.preprocessing.sequence import pad_sequences
        from tensorflow import keras
        texts = ["good film", "bad plot and acting", "great"] * 10
        tok = Tokenizer(num_words=500)
        tok.fit_on_texts(texts)
        X = pad_sequences(tok.texts_to_sequences(texts), maxlen=20)
        vocab = len(tok.word_index) + 1
        model = keras.Sequential([keras.layers.Embedding(vocab, 8), keras.layers.LSTM(4)])
        model.add(keras.layers.Dense(1, activation="sigmoid"))
        model.compile(loss="binary_crossentropy")
        model.fit(X, [0, 1, 1] * 10)
        """
    )
    assert _shape(result, "X") == (30, 20)
    assert _codes(result) == {("RS150", 6)}, result.text(200)
    (note,) = [f for f in result.findings if f.code == "RS150"]
    assert "keras.layers.TextVectorization(max_tokens=500)" in note.fix
    # the vocabulary's size is unknown (word_index), and the model is traced all the same
    assert result.models[0].trace.outputs == ((None, 1),)
