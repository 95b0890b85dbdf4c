"""A large functional model's config, written in pure Python as Keras 3 writes it.

`functional_config(200)` is the parsed JSON of ``model.to_json()`` for a functional model of
200 layers: blocks of an LSTM or GRU (``return_sequences=True``), a Dense on its steps, a
residual `Add`, a `Conv1D`, a `Concatenate` of the two branches, a Dense back to the block's
width, a `Multiply` with the RNN's output and a `Dropout`; then a last LSTM and a Dense head. Every layer has
the full config Keras 3.15 writes for it (initializers, dtype policy, ``build_config``,
``inbound_nodes`` of ``__keras_tensor__`` objects), so the file is as large as a real one;
tests/test_bench_model.py proves the format: Keras reads it and writes it back unchanged. No Keras is needed here.
"""

from __future__ import annotations

from typing import Any

from rnnshape_docs.specs import RNN_KEYWORDS, SHAPE_ARGS

WIDTH = 16
STEPS = 50


def _object(module: str, class_name: str, config: dict) -> dict:
    return {"module": module, "class_name": class_name, "config": config, "registered_name": None}


def _initializer(class_name: str, **config: Any) -> dict:
    return _object("keras.initializers", class_name, config)


GLOROT = {"seed": None, "input_axes": None, "output_axes": None}
DTYPE = _object("keras", "DTypePolicy", {"name": "float32"})


def _common(name: str) -> dict:
    return {"name": name, "trainable": True, "dtype": DTYPE}


def _recurrent(class_name: str, name: str, units: int, return_sequences: bool) -> dict:
    config = {
        **_common(name),
        # the arguments that change shapes, at Keras's defaults (the ones the rules read)
        **SHAPE_ARGS[class_name][1],
        "return_sequences": return_sequences,
        "unroll": False,
        "zero_output_for_mask": False,
        "units": units,
        "activation": "tanh",
        "recurrent_activation": "sigmoid",
        "use_bias": True,
        "kernel_initializer": _initializer("GlorotUniform", **GLOROT),
        "recurrent_initializer": _initializer("Orthogonal", seed=None, gain=1.0),
        "bias_initializer": _initializer("Zeros"),
    }
    if class_name == "LSTM":
        config["unit_forget_bias"] = True
    config.update(
        dict.fromkeys(k for k in RNN_KEYWORDS if k.endswith(("_regularizer", "_constraint"))),
        dropout=0.0,
        recurrent_dropout=0.0,
    )
    if class_name == "GRU":
        config["reset_after"] = True
    config["seed"] = None
    return config


def _dense(name: str, units: int) -> dict:
    return {
        **_common(name),
        "units": units,
        "activation": "linear",
        "use_bias": True,
        "kernel_initializer": _initializer("GlorotUniform", **GLOROT),
        "bias_initializer": _initializer("Zeros"),
        "kernel_regularizer": None,
        "bias_regularizer": None,
        "kernel_constraint": None,
        "bias_constraint": None,
        "quantization_config": None,
    }


def _conv1d(name: str, filters: int) -> dict:
    return {
        **_common(name),
        "filters": filters,
        "kernel_size": [3],
        "strides": [1],
        "padding": "same",
        "data_format": "channels_last",
        "dilation_rate": [1],
        "groups": 1,
        "activation": "linear",
        "use_bias": True,
        "kernel_initializer": _initializer("GlorotUniform", **GLOROT),
        "bias_initializer": _initializer("Zeros"),
        "kernel_regularizer": None,
        "bias_regularizer": None,
        "activity_regularizer": None,
        "kernel_constraint": None,
        "bias_constraint": None,
    }


class _Builder:
    """Appends layers the way Keras serialises a functional graph: each with its one call."""

    def __init__(self) -> None:
        self.layers: list[dict] = []
        self.shapes: dict[str, list] = {}

    def _tensor(self, name: str) -> dict:
        config = {"shape": self.shapes[name], "dtype": "float32", "keras_history": [name, 0, 0]}
        return {"class_name": "__keras_tensor__", "config": config}

    def input(self, name: str, shape: list) -> str:
        config = {
            "batch_shape": shape,
            "dtype": "float32",
            "sparse": False,
            "ragged": False,
            "name": name,
            "optional": False,
        }
        self.layers.append({**_object("keras.layers", "InputLayer", config), "name": name})
        self.layers[-1]["inbound_nodes"] = []
        self.shapes[name] = shape
        return name

    def call(
        self, class_name: str, config: dict, inputs: list[str], shape: list, *, merge: bool = False
    ) -> str:
        name = config["name"]
        tensors = [self._tensor(i) for i in inputs]
        in_shapes = [self.shapes[i] for i in inputs]
        kwargs: dict[str, Any] = {}
        if class_name in ("LSTM", "GRU"):
            kwargs = {"training": False, "mask": None}
        elif class_name == "Dropout":
            kwargs = {"training": False}
        layer = _object("keras.layers", class_name, config)
        if class_name != "Dropout":  # Keras writes no build_config for a Dropout
            layer["build_config"] = {"input_shape": in_shapes if merge else in_shapes[0]}
        layer["name"] = name
        layer["inbound_nodes"] = [{"args": [tensors] if merge else tensors, "kwargs": kwargs}]
        self.layers.append(layer)
        self.shapes[name] = shape
        return name


def functional_config(n_layers: int = 200) -> dict:
    """The parsed ``model.to_json()`` of a functional model with ``n_layers`` layers (>= 11)."""
    if n_layers < 11:
        raise ValueError("a block and the head need at least 11 layers")
    b = _Builder()
    seq = [None, STEPS, WIDTH]
    x = b.input("series", [None, STEPS, WIDTH])
    k = 0
    while len(b.layers) + 8 <= n_layers - 2:  # a block has 8 layers; the head 2
        rnn = "LSTM" if k % 2 == 0 else "GRU"
        r = b.call(rnn, _recurrent(rnn, f"{rnn.lower()}_{k}", WIDTH, True), [x], seq)
        d = b.call("Dense", _dense(f"dense_{k}", WIDTH), [r], seq)
        a = b.call("Add", _common(f"add_{k}"), [r, d], seq, merge=True)
        c = b.call("Conv1D", _conv1d(f"conv_{k}", WIDTH), [a], seq)
        j = b.call(
            "Concatenate",
            {**_common(f"concat_{k}"), "axis": -1},
            [c, a],
            [None, STEPS, 2 * WIDTH],
            merge=True,
        )
        p = b.call("Dense", _dense(f"project_{k}", WIDTH), [j], seq)
        g = b.call("Multiply", _common(f"gate_{k}"), [p, r], seq, merge=True)
        dropout = {**_common(f"dropout_{k}"), "rate": 0.1, "seed": None, "noise_shape": None}
        x = b.call("Dropout", dropout, [g], seq)
        k += 1
    while len(b.layers) < n_layers - 2:  # fill up to the exact count with Dense layers
        x = b.call("Dense", _dense(f"fill_{len(b.layers)}", WIDTH), [x], seq)
    last = b.call("LSTM", _recurrent("LSTM", "last_lstm", WIDTH, False), [x], [None, WIDTH])
    out = b.call("Dense", _dense("head", 1), [last], [None, 1])
    return {
        "module": "keras.src.models.functional",
        "class_name": "Functional",
        "config": {
            "name": f"generated_{n_layers}",
            "trainable": True,
            "layers": b.layers,
            # One input and one output: Keras writes each as one reference, not a list.
            "input_layers": ["series", 0, 0],
            "output_layers": [out, 0, 0],
        },
        "registered_name": "Functional",
        "build_config": {"input_shape": None},
        "compile_config": {},
    }
