"""The keras.ops operations a saved functional model records, and --assume (issue 24 items
3 and 4): the rules of rules.ops, the refusals, and stated shapes in trace and check.

No Keras here: configs are written the way Keras 3.15 writes them (the agreement suite,
tests/test_agreement_models.py, checks the same operations on files Keras saves itself).
"""

from __future__ import annotations

import json

import pytest
from test_model_files import ENCODER_DECODER, functional, inputs, layer, run, tensor

from rnnshape_docs import ShapeError, trace_model
from rnnshape_docs.graph import trace_config
from rnnshape_docs.program import ProgramError, check_program
from rnnshape_docs.rules import Refusal
from rnnshape_docs.rules.ops import Operand, apply, broadcast, text


def op(class_name, name, config, *args, module="keras.src.ops.numpy"):
    return layer(class_name, name, config, (list(args), {}), module=module)


def x(*shape):
    return Operand(tuple(shape), "x")


SLICE_ALL = {"class_name": "__slice__", "config": {"start": None, "stop": None, "step": None}}
FIRST_5 = {"class_name": "__slice__", "config": {"start": None, "stop": 5, "step": None}}


# --------------------------------------------------------------------------- the rules


@pytest.mark.parametrize(
    ("op_name", "config", "operands", "expected"),
    [
        ("Add", {}, [x(None, 12, 3), x(None, 12, 3)], (None, 12, 3)),
        ("Multiply", {}, [x(None, 12, 3), x(None, 1, 3)], (None, 12, 3)),
        ("Subtract", {}, [x(None, 12, 3), x(3)], (None, 12, 3)),
        ("Add", {}, [1.0, x(None, 4)], (None, 4)),
        ("GetItem", {}, [x(None, 12, 3), [SLICE_ALL, -1]], (None, 3)),
        ("GetItem", {}, [x(None, 12, 3), [SLICE_ALL, -1, SLICE_ALL]], (None, 3)),
        ("GetItem", {}, [x(None, 12, 3), [SLICE_ALL, FIRST_5]], (None, 5, 3)),
        ("GetItem", {}, [x(None, 12, 3), [{"class_name": "__ellipsis__"}, 0]], (None, 12)),
        ("GetItem", {}, [x(None, 12, 3), [SLICE_ALL, None]], (None, 1, 12, 3)),
        ("Concatenate", {"axis": -1}, [[x(None, 12, 3), x(None, 12, 5)]], (None, 12, 8)),
        ("Concatenate", {"axis": 0}, [[x(None, 12, 3), x(None, 12, 3)]], (None, 12, 3)),
        ("ExpandDims", {"axis": 1}, [x(None, 4)], (None, 1, 4)),
        ("ExpandDims", {"axis": -1}, [x(None, 4)], (None, 4, 1)),
        ("Squeeze", {"axis": 1}, [x(None, 1, 4)], (None, 4)),
        ("Squeeze", {"axis": None}, [x(None, 1, 4, 1)], (None, 4)),
        ("Reshape", {"newshape": [-1, 36]}, [x(None, 12, 3)], (None, 36)),
        ("Reshape", {"newshape": [-1, 36]}, [x(2, 12, 3)], (2, 36)),
        ("Reshape", {"newshape": [2, -1, 4]}, [x(2, 12, 2)], (2, 6, 4)),
        ("Transpose", {"axes": [0, 2, 1]}, [x(None, 12, 3)], (None, 3, 12)),
        ("Transpose", {"axes": None}, [x(None, 12, 3)], (3, 12, None)),
        ("Matmul", {}, [x(None, 12, 3), x(None, 3, 7)], (None, 12, 7)),
        ("Matmul", {}, [x(None, 12, 3), x(3)], (None, 12)),
        ("Matmul", {}, [x(None, 12, 3), x(3, 5)], (None, 12, 5)),
        ("Mean", {"axis": 1, "keepdims": False}, [x(None, 12, 3)], (None, 3)),
        ("Sum", {"axis": -1, "keepdims": True}, [x(None, 12, 3)], (None, 12, 1)),
        ("Max", {"axis": [1, 2], "keepdims": False}, [x(None, 12, 3)], (None,)),
        ("Mean", {"axis": None, "keepdims": False}, [x(None, 12, 3)], ()),
        ("Cast", {"dtype": "float16"}, [x(None, 12, 3)], (None, 12, 3)),
        ("Relu", {}, [x(None, 12, 3)], (None, 12, 3)),
    ],
)
def test_rule(op_name, config, operands, expected):
    outputs, _, why = apply(op_name, config, operands)
    assert outputs == (expected,)
    assert why  # every rule says why


@pytest.mark.parametrize(
    ("op_name", "config", "operands", "words"),
    [
        ("Add", {}, [x(None, 12, 3), x(None, 5, 3)], ["(None, 12, 3)", "(None, 5, 3)"]),
        ("GetItem", {}, [x(None, 12, 3), [SLICE_ALL, 12]], ["out of range", "12"]),
        ("GetItem", {}, [x(None, 12), [SLICE_ALL, 0, 0]], ["more indices"]),
        ("Concatenate", {"axis": -1}, [[x(None, 12, 3), x(None, 5, 3)]], ["axis 1"]),
        ("Concatenate", {"axis": -1}, [[x(None, 12, 3), x(None, 3)]], ["number of axes"]),
        ("Squeeze", {"axis": 1}, [x(None, 4)], ["not 1"]),
        ("Squeeze", {"axis": 0}, [x(None, 4)], ["unknown"]),
        ("Reshape", {"newshape": [2, 5]}, [x(2, 12, 3)], ["72 values", "10 values"]),
        ("Reshape", {"newshape": [-1, 5]}, [x(2, 12, 3)], ["not a multiple of 5"]),
        ("Transpose", {"axes": [0, 1]}, [x(None, 12, 3)], ["each of the 3 axes"]),
        ("Matmul", {}, [x(None, 12, 3), x(None, 4, 7)], ["(3)", "(4)"]),
        ("Mean", {"axis": 3, "keepdims": False}, [x(None, 12, 3)], ["out of range"]),
        ("ExpandDims", {"axis": 5}, [x(None, 4)], ["out of range"]),
    ],
)
def test_refusal_names_what_is_wrong(op_name, config, operands, words):
    with pytest.raises(Refusal) as refused:
        apply(op_name, config, operands)
    for word in words:
        assert word in str(refused.value)


def test_broadcast_follows_keras_on_unknown_sizes():
    assert broadcast("Add", (None, 1), (None, 5)) == (None, 5)
    assert broadcast("Add", (None, 5), (1,)) == (None, 5)
    assert broadcast("Add", (4, None), (4, 1)) == (4, None)


def test_text_writes_the_op_as_python_does():
    a, b = Operand((None, 3), "a"), Operand((None, 3), "b")
    assert text("Add", {}, [a, b]) == "a + b"
    assert text("GetItem", {}, [a, [SLICE_ALL, -1]]) == "a[:, -1]"
    assert text("GetItem", {}, [a, [SLICE_ALL, FIRST_5]]) == "a[:, :5]"
    assert (
        text("Mean", {"axis": 1, "keepdims": False}, [a]) == "ops.mean(a, axis=1, keepdims=False)"
    )
    assert text("Concatenate", {"axis": -1}, [[a, b]]) == "ops.concatenate([a, b], axis=-1)"
    assert [text(op, {}, [a]) for op in ("Negative", "Absolute", "LogicalNot")] == [
        "-a",
        "abs(a)",
        "~a",
    ]


# --------------------------------------------------------------------------- in a model file


def residual_model(second=(None, 12, 3)):
    """x -> Dense(3) -> + x -> [:, -1] -> mean: what Keras 3.15 writes for the ops."""
    return functional(
        [
            inputs("x", [None, 12, 3]),
            inputs("y", list(second)),
            layer("Dense", "proj", {"units": 3}, ([tensor("x")], {})),
            op("Add", "add", {}, tensor("proj"), tensor("y")),
            op("GetItem", "get_item", {}, tensor("add"), [SLICE_ALL, -1]),
            op("Mean", "mean", {"axis": -1, "keepdims": True}, tensor("get_item")),
        ],
        [["x", 0, 0], ["y", 0, 0]],
        ["mean", 0, 0],
    )


def test_ops_in_a_model_file_are_rows(tmp_path, capsys):
    path = tmp_path / "model.json"
    path.write_text(json.dumps(residual_model()))
    status, out, err = run(capsys, path, "--json")
    assert (status, err) == (0, "")
    data = json.loads(out)
    rows = {row["name"]: row for row in data["layers"]}
    assert rows["add"]["layer"] == "proj + y"
    assert rows["get_item"]["layer"] == "add[:, -1]"
    assert rows["get_item"]["outputs"] == [[None, 3]]
    assert data["outputs"] == [[None, 1]]


def test_ops_that_do_not_broadcast_are_refused_naming_the_op_and_both_shapes(tmp_path, capsys):
    path = tmp_path / "model.json"
    path.write_text(json.dumps(residual_model(second=(None, 5, 3))))
    status, out, err = run(capsys, path)
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    assert "'add'" in err
    assert "(None, 12, 3)" in err
    assert "(None, 5, 3)" in err


def test_an_op_without_a_rule_is_refused_by_name_with_assume(tmp_path, capsys):
    config = residual_model()
    config["config"]["layers"][3] = op("Cumsum", "add", {"axis": 1}, tensor("proj"))
    path = tmp_path / "model.json"
    path.write_text(json.dumps(config))
    status, _, err = run(capsys, path)
    assert status == 2
    assert "'add'" in err
    assert "Cumsum" in err
    assert "--assume add=SHAPE" in err
    status, out, err = run(capsys, path, "--assume", "add=None,12,3")
    assert (status, err) == (0, "")
    assert "stated" in out


# --------------------------------------------------------------------------- --assume


def lambda_model():
    config = json.loads(json.dumps(ENCODER_DECODER))
    config["config"]["layers"][4] = layer(
        "Lambda",
        "out",
        {"function": {"class_name": "__lambda__", "config": {"code": "4wEAAAAAAAAA"}}},
        ([tensor("decoder")], {}),
    )
    return config


def test_a_lambda_is_refused_with_the_assume_flag(tmp_path, capsys):
    path = tmp_path / "m.json"
    path.write_text(json.dumps(lambda_model()))
    status, _, err = run(capsys, path)
    assert status == 2
    assert "--assume out=SHAPE" in err


def test_assume_states_the_output_and_the_row_says_so(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "300")
    path = tmp_path / "m.json"
    path.write_text(json.dumps(lambda_model()))
    status, out, err = run(capsys, path, "--assume", "out=None,6,1")
    assert (status, err) == (0, "")
    row = next(line for line in out.splitlines() if line.startswith("out "))
    assert "(None, 6, 1)" in row
    assert "stated (--assume), not derived" in row
    # its weights are unknown too: no count on its row, and the total says what it leaves out
    assert out.splitlines()[-1].endswith("(not counted: Lambda(...))")
    status, out, _ = run(capsys, path, "--assume", "out=None,6,1", "--json")
    entry = json.loads(out)["layers"][-1]
    assert entry["stated"] is True
    assert entry["params"] is None
    assert json.loads(out)["params"]["total"] is None
    assert json.loads(out)["params"]["unknown"] == ["Lambda(...)"]
    assert entry["outputs"] == [[None, 6, 1]]
    assert all("stated" not in e for e in json.loads(out)["layers"][:-1])


def test_assume_repeated_gives_each_output_in_order(tmp_path, capsys):
    config = lambda_model()
    config["config"]["layers"].append(
        layer("Dense", "head", {"units": 2}, ([tensor("out", 0, 1)], {}))
    )
    config["config"]["output_layers"] = [["out", 0, 0], ["head", 0, 0]]
    path = tmp_path / "m.json"
    path.write_text(json.dumps(config))
    status, out, err = run(
        capsys, path, "--assume", "out=None,6,1", "--assume", "out=None,5", "--json"
    )
    assert (status, err) == (0, "")
    data = json.loads(out)
    assert data["layers"][-2]["outputs"] == [[None, 6, 1], [None, 5]]
    assert data["outputs"] == [[None, 6, 1], [None, 2]]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("out", "NAME=SHAPE"),
        ("out=", "NAME=SHAPE"),
        ("=None,4", "NAME=SHAPE"),
        ("out=None,x", "NAME=SHAPE"),
        ("nothing=None,4", "no layer of the model"),
    ],
)
def test_a_bad_assume_is_one_line_naming_the_flag(tmp_path, capsys, value, words):
    path = tmp_path / "m.json"
    path.write_text(json.dumps(lambda_model()))
    status, out, err = run(capsys, path, "--assume", value)
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    assert "--assume" in err
    assert words in err


def test_assume_is_not_for_a_stack(capsys):
    status, _, err = run(capsys, "--input", "2,5,3", "LSTM(4)", "--assume", "lstm=2,4")
    assert status == 2
    assert "--assume is for a model file" in err


def test_assume_in_python(tmp_path):
    path = tmp_path / "m.json"
    path.write_text(json.dumps(lambda_model()))
    traced = trace_model(path, assume={"out": (None, 6, 1)})
    assert traced.steps[-1].stated
    assert traced.outputs == ((None, 6, 1),)
    assert trace_config(lambda_model(), assume={"out": [(None, 6, 1)]}).outputs == traced.outputs
    with pytest.raises(ShapeError, match="must be sizes"):
        trace_config(lambda_model(), assume={"out": "None,6"})
    with pytest.raises(ShapeError, match="no layer of the model"):
        trace_config(lambda_model(), assume={"nope": (None, 1)})


# --------------------------------------------------------------------------- check --assume

PROGRAM = """\
import keras
from keras import layers

class Scale(layers.Layer):
    def call(self, x):
        return x * 2

inp = keras.Input((12, 3))
x = layers.LSTM(8, return_sequences=True)(inp)
x = Scale()(x)
x = layers.Lambda(lambda t: t[:, -1], name="last")(x)
model = keras.Model(inp, layers.Dense(1)(x))
model.summary()
"""


def test_check_says_how_to_state_a_custom_layer():
    result = check_program(PROGRAM)
    message = " ".join(f.message for f in result.findings)
    assert "custom class Scale" in message
    assert "--assume scale=SHAPE" in message


def test_check_with_assume_traces_past_custom_layers():
    result = check_program(PROGRAM, assume={"scale": (None, 12, 8), "last": (None, 8)})
    (model,) = result.models
    rows = {s.name: s for s in model.trace.steps}
    assert rows["scale"].stated
    assert rows["last"].stated
    assert model.trace.outputs == ((None, 1),)


def test_check_with_assume_checks_the_data_past_custom_layers():
    # The data checks trace the model again on the data's shape: the stated layer goes too.
    fitted = (
        "import numpy as np\n" + PROGRAM + "X = np.zeros((100, 12))\nmodel.fit(X, np.zeros(100))\n"
    )
    result = check_program(fitted, assume={"scale": (None, 12, 8), "last": (None, 8)})
    assert [f.code for f in result.findings if f.severity == "error"] == ["RS102"]


def test_check_refuses_an_assume_naming_no_layer():
    with pytest.raises(ProgramError, match="no layer the program makes"):
        check_program(PROGRAM, assume={"scal": (None, 12, 8)})


def test_check_command_takes_assume(tmp_path, capsys):
    from rnnshape_docs.cli import main

    path = tmp_path / "p.py"
    path.write_text(PROGRAM)
    status = main(["check", str(path), "--assume", "scale=None,12,8", "--assume", "last=None,8"])
    out, _ = capsys.readouterr()
    assert status == 0
    assert "stated (--assume)" in out


# --------------------------------------------------------------------------- the explorer


def test_explorer_offers_to_state_where_the_trace_stops():
    from rnnshape_docs.explorer import check_code

    stopped = check_code(PROGRAM)
    assert stopped["assumable"] == ["scale"]
    on = check_code(PROGRAM, "", "scale=None,12,8")
    assert on["assumable"] == ["last"]
    done = check_code(PROGRAM, "", "scale=None,12,8; last=None,8")
    assert done["assumable"] == []
    assert "stated (--assume)" in done["models"]
    assert check_code(PROGRAM, "", "scale=None,x")["error"].startswith("rnnshape: error: --assume")


def test_explorer_reports_a_shape_stated_for_a_layer_the_edited_code_no_longer_makes():
    from rnnshape_docs.explorer import check_code

    renamed = PROGRAM.replace("Scale()(x)", "Scale(name='double')(x)")
    shown = check_code(renamed, "", "scale=None,12,8")
    assert shown["error"] is None  # checked as if not stated (the command refuses it)
    assert shown["unused"] == ["scale"]
    assert shown["assumable"] == ["double"]
    assert shown["text"] == check_code(renamed)["text"]
    assert check_code(PROGRAM, "", "scale=None,12,8")["unused"] == []
    with pytest.raises(ProgramError):
        check_program(renamed, assume={"scale": (None, 12, 8)})


def test_explorer_states_a_shape_for_a_model_file(tmp_path, capsys, monkeypatch):
    from rnnshape_docs.explorer import explore_file

    data = json.dumps(lambda_model()).encode()
    stopped = explore_file(data, "my model.json")
    assert stopped["assumable"] == ["out"]
    assert stopped["command"] == "rnnshape trace 'my model.json'"
    on = explore_file(data, "my model.json", "out=None,6,1")
    assert on["error"] is None
    assert on["assumable"] == []
    assert on["command"] == "rnnshape trace 'my model.json' --assume out=None,6,1"
    monkeypatch.setenv("COLUMNS", "80")
    path = tmp_path / "my model.json"
    path.write_bytes(data)
    status, out, _ = run(capsys, path, "--assume", "out=None,6,1")
    assert (status, out.rstrip("\n")) == (0, on["table"])
    bad = explore_file(data, "m.json", "out=None,x")
    assert bad["error"].startswith("rnnshape: error: --assume")


def test_explorer_fragment_carries_assume():
    from rnnshape_docs.explorer import code_fragment

    link = code_fragment("x = 1", assume=["scale=None,12,8"])
    assert link == "code=x%20%3D%201&assume=scale%3DNone,12,8"


def test_an_op_that_only_computes_a_mask_is_not_a_row():
    # What Keras 3.15 writes for Embedding(mask_zero=True) then LSTM: NotEqual feeds mask=.
    config = functional(
        [
            inputs("ids", [None, 7]),
            layer(
                "Embedding", "embedding", {"input_dim": 20, "output_dim": 4}, ([tensor("ids")], {})
            ),
            op("NotEqual", "not_equal", {}, tensor("ids"), 0),
            layer(
                "LSTM",
                "lstm",
                {"units": 2},
                ([tensor("embedding")], {"training": False, "mask": tensor("not_equal")}),
            ),
        ],
        [["ids", 0, 0]],
        ["lstm", 0, 0],
    )
    traced = trace_config(config)
    assert [s.name for s in traced.steps] == ["embedding", "lstm"]
    config["config"]["output_layers"] = [["lstm", 0, 0], ["not_equal", 0, 0]]
    traced = trace_config(config)  # as an output it is data: a row
    assert traced.step("not_equal").outputs == ((None, 7),)
