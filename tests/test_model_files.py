"""Model files read as data: the command on files, and hostile files refused in one line.

No Keras here: the configs are written the way Keras 3 writes them (see the agreement suite,
tests/test_agreement_models.py, for files saved by Keras itself).
"""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest

from rnnshape_docs import ShapeError
from rnnshape_docs.cli import main
from rnnshape_docs.model_files import MAX_CONFIG_BYTES, trace_bytes, trace_file


def tensor(layer, call=0, index=0, shape=None):
    return {
        "class_name": "__keras_tensor__",
        "config": {"shape": shape, "dtype": "float32", "keras_history": [layer, call, index]},
    }


def layer(class_name, name, config, *calls, module="keras.layers"):
    return {
        "module": module,
        "class_name": class_name,
        "config": {"name": name, **config},
        "registered_name": None,
        "name": name,
        "inbound_nodes": [{"args": list(args), "kwargs": kwargs} for args, kwargs in calls],
    }


def functional(layers, inputs, outputs):
    return {
        "module": "keras.src.models.functional",
        "class_name": "Functional",
        "config": {
            "name": "model",
            "layers": layers,
            "input_layers": inputs,
            "output_layers": outputs,
        },
    }


def inputs(name, shape):
    return layer("InputLayer", name, {"batch_shape": list(shape)})


ENCODER_DECODER = functional(
    [
        inputs("enc_in", [None, 12, 3]),
        inputs("dec_in", [None, 6, 2]),
        layer("LSTM", "encoder", {"units": 8, "return_state": True}, ([tensor("enc_in")], {})),
        layer(
            "LSTM",
            "decoder",
            {"units": 8, "return_sequences": True},
            (
                [tensor("dec_in")],
                {"initial_state": [tensor("encoder", 0, 1), tensor("encoder", 0, 2)]},
            ),
        ),
        layer("Dense", "out", {"units": 1}, ([tensor("decoder")], {})),
    ],
    [["enc_in", 0, 0], ["dec_in", 0, 0]],
    ["out", 0, 0],
)


def archive(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buffer.getvalue()


def run(capsys, *argv):
    status = main(["trace", *map(str, argv)])
    out, err = capsys.readouterr()
    return status, out, err


# --------------------------------------------------------------------------- good files


def test_the_command_traces_a_json_config(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "300")  # one line per layer call (at 80 the why wraps)
    path = tmp_path / "model.json"
    path.write_text(json.dumps(ENCODER_DECODER))
    status, out, err = run(capsys, path, "--batch", 32)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "inputs: enc_in (32, 12, 3), dec_in (32, 6, 2)"
    assert lines[1].split() == ["name", "layer", "input", "output", "params", "why"]
    assert [line.split()[0] for line in lines[3:-1]] == ["encoder", "decoder", "out"]
    assert lines[-1].startswith("parameters: ")


def test_json_form_follows_the_contract(tmp_path, capsys):
    path = tmp_path / "model.keras"
    path.write_bytes(archive({"config.json": json.dumps(ENCODER_DECODER).encode()}))
    status, out, _ = run(capsys, path, "--json")
    data = json.loads(out)
    assert status == 0
    assert data["inputs"] == [[None, 12, 3], [None, 6, 2]]
    assert data["layers"][0] == {
        "name": "encoder",
        "layer": "LSTM(8, return_state=True)",
        "inputs": [[None, 12, 3]],
        "outputs": [[None, 8], [None, 8], [None, 8]],
        "why": data["layers"][0]["why"],
        "params": {"total": 384, "trainable": 384, "non_trainable": 0},
        "mask": {"in": False, "out": [False, False, False], "note": ""},
    }
    assert data["outputs"] == [[None, 6, 1]]


def test_a_shared_layer_has_one_entry_per_call():
    config = functional(
        [
            inputs("x", [None, 4]),
            layer(
                "Dense", "shared", {"units": 4}, ([tensor("x")], {}), ([tensor("shared", 0)], {})
            ),
        ],
        [["x", 0, 0]],
        ["shared", 1, 0],
    )
    data = trace_bytes(json.dumps(config).encode(), "m.json").to_json()
    assert [(e["name"], e["call"]) for e in data["layers"]] == [("shared", 0), ("shared", 1)]
    assert data["params"]["total"] == 20  # one set of weights, however many calls


def test_state_wider_than_units_names_both_layers():
    config = json.loads(json.dumps(ENCODER_DECODER))
    config["config"]["layers"][2]["config"]["units"] = 16
    with pytest.raises(ShapeError) as refused:
        trace_bytes(json.dumps(config).encode(), "m.json")
    message = str(refused.value)
    assert message.startswith("m.json: layer 'decoder', LSTM(8, return_sequences=True)")
    assert "must be (batch, 8)" in message
    assert "'encoder', LSTM(16, return_state=True)" in message


def test_lost_return_sequences_names_the_layer_to_change():
    config = functional(
        [
            inputs("x", [None, 5, 3]),
            layer("LSTM", "first", {"units": 4}, ([tensor("x")], {})),
            layer("LSTM", "second", {"units": 2}, ([tensor("first")], {})),
        ],
        [["x", 0, 0]],
        ["second", 0, 0],
    )
    with pytest.raises(
        ShapeError,
        match=r"'first', LSTM\(4\) passes on only its last output .*"
        r"set return_sequences=True on it .* \(None, 5, 4\)",
    ):
        trace_bytes(json.dumps(config).encode(), "m.json")


def _grids_into_an_lstm(return_sequences: bool, shape=(None, 6, 8, 8, 1)) -> bytes:
    config = functional(
        [
            inputs("video", list(shape)),
            layer(
                "ConvLSTM2D",
                "grids",
                {"filters": 4, "kernel_size": [3, 3], "return_sequences": return_sequences},
                ([tensor("video")], {}),
            ),
            layer("LSTM", "lstm", {"units": 2}, ([tensor("grids")], {})),
        ],
        [["video", 0, 0]],
        ["lstm", 0, 0],
    )
    return json.dumps(config).encode()


def test_a_convlstms_last_grid_into_an_lstm_names_return_sequences_first():
    with pytest.raises(
        ShapeError,
        match=r"gets 4-D \(None, 6, 6, 4\); 'grids', ConvLSTM2D\(.*\) passes on only its last "
        r"output \(None, 6, 6, 4\): set return_sequences=True on it .* \(None, 6, 6, 6, 4\)$",
    ):
        trace_bytes(_grids_into_an_lstm(False), "m.json")


@pytest.mark.parametrize(
    ("shape", "says"),
    [
        ((None, 6, 8, 8, 1), "TimeDistributed(Flatten()) gives (None, 6, 144)"),
        ((None, None, 8, 8, 1), "TimeDistributed(Flatten()) gives (None, None, 144)"),
    ],
)
def test_every_grid_into_an_lstm_names_the_flattening(shape, says):
    with pytest.raises(ShapeError) as refused:
        trace_bytes(_grids_into_an_lstm(True, shape), "m.json")
    message = str(refused.value)
    assert "(it comes from 'grids', ConvLSTM2D(" in message
    assert message.endswith(
        f"; to read axis 1 as the time steps, flatten each step into its features: {says}"
    )


def test_a_grid_given_as_the_models_input_names_the_flattening():
    config = functional(
        [inputs("x", [None, 7, 3, 2]), layer("GRU", "gru", {"units": 2}, ([tensor("x")], {}))],
        [["x", 0, 0]],
        ["gru", 0, 0],
    )
    with pytest.raises(ShapeError, match=r"TimeDistributed\(Flatten\(\)\) gives \(None, 7, 6\)$"):
        trace_bytes(json.dumps(config).encode(), "m.json")


# --------------------------------------------------------------------------- hostile files


def refused(capsys, tmp_path, name, content: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content)
    before = sorted(p.name for p in tmp_path.iterdir())
    status, out, err = run(capsys, path)
    assert status == 2
    assert out == ""
    assert err.startswith("rnnshape: error: "), err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written
    return err


def test_not_a_zip(capsys, tmp_path):
    assert "not a .keras archive" in refused(capsys, tmp_path, "m.keras", b"PK\x03\x04garbage")


def test_not_json(capsys, tmp_path):
    assert "not valid JSON" in refused(capsys, tmp_path, "m.json", b"{'model': 1}")


def test_an_empty_file(capsys, tmp_path):
    assert "empty" in refused(capsys, tmp_path, "m.keras", b"")


def test_a_zip_bomb(capsys, tmp_path):
    bomb = archive({"config.json": b"[" + b" " * (MAX_CONFIG_BYTES + 10) + b"]"})
    assert len(bomb) < MAX_CONFIG_BYTES // 100  # small on disk, huge inflated
    assert "MB or more uncompressed" in refused(capsys, tmp_path, "m.keras", bomb)


def test_a_zip_whose_header_lies_about_the_size(tmp_path):
    big = b"[" + b" " * (MAX_CONFIG_BYTES + 10) + b"]"
    data = bytearray(archive({"config.json": big}))
    # Rewrite the uncompressed size in the central directory to a small number.
    at = data.rfind(b"PK\x01\x02")
    data[at + 24 : at + 28] = (100).to_bytes(4, "little")
    with pytest.raises(ShapeError, match=r"config\.json"):
        trace_bytes(bytes(data), "m.keras")


def test_entries_with_parent_names(capsys, tmp_path):
    evil = archive({"../../etc/evil": b"x", "config.json": json.dumps(ENCODER_DECODER).encode()})
    assert "'../../etc/evil'" in refused(capsys, tmp_path, "m.keras", evil)


def test_deeply_nested_json(capsys, tmp_path):
    deep = b"[" * 100_000 + b"]" * 100_000
    assert "nested" in refused(capsys, tmp_path, "m.json", deep)


def test_a_lambda_is_refused_and_never_run(capsys, tmp_path):
    # What Keras writes for Lambda(lambda x: open('pwned', 'w')): the function's bytecode.
    config = json.loads(json.dumps(ENCODER_DECODER))
    config["config"]["layers"][4] = layer(
        "Lambda",
        "out",
        {"function": {"class_name": "__lambda__", "config": {"code": "4wEAAAAAAAAA"}}},
        ([tensor("decoder")], {}),
    )
    err = refused(capsys, tmp_path, "m.json", json.dumps(config).encode())
    assert "'out' is a Lambda" in err
    assert "without running" in err
    assert not (tmp_path / "pwned").exists()


def test_a_custom_class_from_os(capsys, tmp_path):
    config = json.loads(json.dumps(ENCODER_DECODER))
    config["config"]["layers"][4] = layer(
        "system", "out", {"command": "touch pwned"}, ([tensor("decoder")], {}), module="os"
    )
    err = refused(capsys, tmp_path, "m.json", json.dumps(config).encode())
    assert "custom class 'system' from module 'os'" in err


def test_a_custom_registered_class(capsys, tmp_path):
    config = json.loads(json.dumps(ENCODER_DECODER))
    config["config"]["layers"][4]["registered_name"] = "MyPackage>MyDense"
    assert "custom class" in refused(capsys, tmp_path, "m.json", json.dumps(config).encode())


def test_a_layer_without_rules(capsys, tmp_path):
    config = json.loads(json.dumps(ENCODER_DECODER))
    config["config"]["layers"][4]["class_name"] = "GaussianNoise"
    err = refused(capsys, tmp_path, "m.json", json.dumps(config).encode())
    assert "'out'" in err
    assert "GaussianNoise" in err


def test_an_h5_file(capsys, tmp_path):
    assert "HDF5" in refused(capsys, tmp_path, "m.keras", b"\x89HDF\r\n\x1a\n" + b"\0" * 100)


def test_a_missing_file(capsys, tmp_path):
    status, _out, err = run(capsys, tmp_path / "nothere.keras")
    assert status == 2
    assert "cannot read" in err


def test_input_and_a_model_file_together(capsys, tmp_path):
    path = tmp_path / "model.json"
    path.write_text(json.dumps(ENCODER_DECODER))
    status, _, err = run(capsys, "--input", "1,2,3", path)
    assert status == 2
    assert "drop --input" in err


def test_trace_file_takes_a_path(tmp_path):
    path = tmp_path / "model.json"
    path.write_text(json.dumps(ENCODER_DECODER))
    assert trace_file(path).outputs == ((None, 6, 1),)


def test_a_refusal_carries_the_layers_name_and_text():
    config = functional(
        [
            inputs("x", [None, 5, 3]),
            layer("LSTM", "first", {"units": 4}, ([tensor("x")], {})),
            layer("LSTM", "second", {"units": 2}, ([tensor("first")], {})),
        ],
        [["x", 0, 0]],
        ["second", 0, 0],
    )
    with pytest.raises(ShapeError) as info:
        trace_bytes(json.dumps(config).encode(), "m.json")
    assert (info.value.layer, info.value.text, info.value.index) == ("second", "LSTM(2)", None)


def test_graph_and_model_files_do_not_import_each_other():
    import ast
    from pathlib import Path

    import rnnshape_docs

    source = Path(rnnshape_docs.__file__).parent / "graph.py"
    imported = {
        node.module
        for node in ast.walk(ast.parse(source.read_text()))
        if isinstance(node, ast.ImportFrom)
    } | {
        alias.name
        for node in ast.walk(ast.parse(source.read_text()))
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert not any("model_files" in (name or "") for name in imported)


def _two_layers(shape, first, config, then="LSTM"):
    return functional(
        [
            inputs("x", shape),
            layer(first, "first", config, ([tensor("x")], {})),
            layer(then, "lstm", {"units": 4}, ([tensor("first")], {})),
        ],
        [["x", 0, 0]],
        ["lstm", 0, 0],
    )


@pytest.mark.parametrize(
    ("config", "says"),
    [
        # the same hints as the chain form: one walk
        (
            _two_layers([None, 10, 50], "Embedding", {"input_dim": 50, "output_dim": 8}),
            "the extra axis is the one 'first', Embedding(50, 8) adds: it turns each integer id",
        ),
        (
            _two_layers([None, 10, 3], "Flatten", {}),
            "'first', Flatten() turns each sample's sequence (None, 10, 3) into one vector",
        ),
        (
            _two_layers([None, 10], "Dense", {"units": 8}),
            "no layer before it has a time axis, nor does the data (None, 10)",
        ),
        (
            _two_layers([None, 1000, 24, 3], "Dropout", {"rate": 0.1}),
            "it comes from 'first', Dropout(0.1)",
        ),
    ],
)
def test_a_model_file_gets_the_cause(config, says):
    with pytest.raises(ShapeError, match=re.escape(says)):
        trace_bytes(json.dumps(config).encode(), "m.json")


def test_a_sample_count_in_a_model_files_input():
    config = functional(
        [
            inputs("x", [None, 1000, 24, 3]),
            layer("LSTM", "lstm", {"units": 4}, ([tensor("x")], {})),
        ],
        [["x", 0, 0]],
        ["lstm", 0, 0],
    )
    with pytest.raises(ShapeError, match=re.escape("input_shape=X.shape[1:], so the input is")):
        trace_bytes(json.dumps(config).encode(), "m.json")
