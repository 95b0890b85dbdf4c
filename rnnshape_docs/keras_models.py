"""Everything that needs Keras: build real models and measure their shapes.

Importing this module imports Keras (and so TensorFlow), which takes seconds; the pure rules
in `rnnshape_docs.shapes` never import it. Three jobs:

- `build_model(layers, input_shape)`: the real Keras model for the same specs `trace` reads.
- `measure(layers, input_shape)`: the shapes Keras gives each layer's output(s).
- `check_model(model)`: for a model a book page built in plain Keras code, trace its
  layers with the rules, measure the real shapes, and fail loudly on any disagreement.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Quiet TensorFlow before it is imported (only if the caller has not chosen).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras
import numpy as np
import tensorflow as tf

from rnnshape_docs.shapes import Shape, ShapeError, Trace, format_shape, trace
from rnnshape_docs.specs import LayerSpec, SpecError, parse


class ShapeMismatch(AssertionError):
    """The shape rules and Keras disagree: a bug in the rules (Keras is the truth)."""


# --------------------------------------------------------------------------- specs -> Keras


def to_keras_layer(spec: str | LayerSpec) -> keras.layers.Layer:
    """A fresh Keras layer for one spec (the name is from the allow-list, never looked up freely)."""
    spec = parse(spec)
    kwargs: dict[str, Any] = {
        key: to_keras_layer(value) if isinstance(value, LayerSpec) else value
        for key, value in spec.params.items()
    }
    return getattr(keras.layers, spec.name)(**kwargs)


def build_model(
    layers: Sequence[str | LayerSpec], input_shape: Sequence[int | None]
) -> keras.Model:
    """The functional Keras model: ``keras.Input(batch_shape=input_shape)`` then each layer."""
    inputs = keras.Input(batch_shape=tuple(input_shape))
    x = inputs
    for spec in layers:
        x = to_keras_layer(spec)(x)
    return keras.Model(inputs, x)


def _shapes(tensors: Any) -> tuple[Shape, ...]:
    if isinstance(tensors, list | tuple):
        return tuple(tuple(t.shape) for t in tensors)
    return (tuple(tensors.shape),)


def measure(
    layers: Sequence[str | LayerSpec], input_shape: Sequence[int | None], *, run: bool = True
) -> list[tuple[Shape, ...]]:
    """The output shapes Keras gives each layer, one tuple of shapes per layer.

    Shapes come from Keras's symbolic build (what ``model.summary()`` shows). With ``run``
    and every size known, the model is also run on zeros and the concrete shapes are used.
    Raises whatever Keras raises when it refuses the stack; Keras's warnings (such as
    "does not support masking") are not refusals and are silenced.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _measure(layers, input_shape, run)


def _measure(layers, input_shape, run: bool) -> list[tuple[Shape, ...]]:
    inputs = keras.Input(batch_shape=tuple(input_shape))
    x = inputs
    per_layer = []
    for spec in layers:
        x = to_keras_layer(spec)(x)
        per_layer.append(x)
    symbolic = [_shapes(t) for t in per_layer]
    if not run or any(s is None for s in input_shape):
        return symbolic
    flat = [t for ts in per_layer for t in (ts if isinstance(ts, list | tuple) else [ts])]
    model = keras.Model(inputs, flat)
    values = model(np.zeros(tuple(input_shape), dtype="float32"))
    values = values if isinstance(values, list | tuple) else [values]
    concrete, i = [], 0
    for shapes in symbolic:
        concrete.append(tuple(tuple(v.shape) for v in values[i : i + len(shapes)]))
        i += len(shapes)
    return concrete


# Keras refuses a stack when a layer's constructor rejects an argument, a layer rejects its
# input (symbolically), or TensorFlow's kernels reject it at run time. Its refusals are not
# of one type (Bidirectional given a Dense as backward_layer raises AttributeError), so a
# refusal is told by where it was raised: inside Keras or TensorFlow. An error raised in
# our own code (a bug), or our SpecError and ShapeError, is never counted and propagates.
_KERAS_CODE = tuple(str(Path(module.__file__).parent) + os.sep for module in (keras, tf))
_OUR_CODE = str(Path(__file__).parent) + os.sep
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class KerasRefusal:
    """Keras refused a stack: where, and in Keras's own words.

    ``index`` counts layers from 0, like `ShapeError.index` (``None``: Keras refused the
    input shape itself); ``layer`` is that layer's text; ``message`` is the first paragraph
    of what Keras raised, with the exception's type.
    """

    index: int | None
    layer: str | None
    message: str

    def __str__(self) -> str:
        where = "the input shape" if self.index is None else f"layer {self.index + 1}, {self.layer}"
        return f"at {where}: {self.message}"


def _keras_message(exc: BaseException) -> str:
    """The sentence that says what Keras refused, on one line.

    Keras wraps an error raised inside a layer's call() as "Exception encountered when
    calling X.call()", then the message (in bold), then the arguments: keep the message.
    """
    paragraphs = [p for p in re.split(r"\n\s*\n", _ANSI.sub("", str(exc))) if p.strip()]
    if len(paragraphs) > 1 and paragraphs[0].startswith("Exception encountered when calling"):
        paragraphs = paragraphs[1:]
    text = " ".join(paragraphs[0].split()) if paragraphs else ""
    return f"{type(exc).__name__}: {text}".rstrip(": ")


def _raised_by_keras(exc: BaseException) -> bool:
    """Whether ``exc`` was raised inside Keras or TensorFlow, not in our code."""
    files, tb = [], exc.__traceback__
    while tb is not None:
        files.append(tb.tb_frame.f_code.co_filename)
        tb = tb.tb_next
    return (
        not isinstance(exc, SpecError | ShapeError)
        and any(f.startswith(_KERAS_CODE) for f in files)
        and not files[-1].startswith(_OUR_CODE)
    )


def _refusal(index: int | None, spec: LayerSpec | None, exc: Exception) -> KerasRefusal:
    if not _raised_by_keras(exc):
        raise exc
    return KerasRefusal(index, spec.text if spec is not None else None, _keras_message(exc))


def keras_error(
    layers: Sequence[str | LayerSpec], input_shape: Sequence[int | None]
) -> KerasRefusal | None:
    """Where and why Keras refuses this stack, or None when Keras takes it.

    The stack is built layer by layer, so the refusal names the layer Keras refused at.
    Keras refuses when constructing a layer, when calling it on the symbolic input, or (with
    every size known) when running the stack on zeros: its symbolic pass alone accepts a few
    stacks it cannot run, such as ``TimeDistributed(LSTM(3))`` on 3-D input. A layer text
    that does not parse is not Keras's refusal: its `SpecError` is raised, as is any error
    raised outside Keras and TensorFlow (a bug of ours, not a refusal).
    """
    specs = [parse(layer) for layer in layers]
    with warnings.catch_warnings():  # e.g. "does not support masking": not a refusal
        warnings.simplefilter("ignore")
        try:
            inputs = keras.Input(batch_shape=tuple(input_shape))
        except Exception as exc:  # noqa: BLE001 (told apart in _refusal)
            return _refusal(None, None, exc)
        x, per_layer = inputs, []
        for index, spec in enumerate(specs):
            try:
                x = to_keras_layer(spec)(x)
            except Exception as exc:  # noqa: BLE001 (told apart in _refusal)
                return _refusal(index, spec, exc)
            per_layer.append(x)
        if any(size is None for size in input_shape):
            return None
        # Run the model up to each layer in turn, as a model (a Functional model also checks
        # that the tensors it gets are the ones its symbolic build promised).
        zeros = np.zeros(tuple(input_shape), dtype="float32")
        for index, (spec, outputs) in enumerate(zip(specs, per_layer, strict=True)):
            try:
                keras.Model(inputs, outputs)(zeros)
            except Exception as exc:  # noqa: BLE001 (told apart in _refusal)
                return _refusal(index, spec, exc)
    return None


# --------------------------------------------------------------------------- comparison


@dataclass(frozen=True)
class Comparison:
    """Predicted (rules) and measured (Keras) shapes for one stack, layer by layer."""

    trace: Trace
    measured: tuple[tuple[Shape, ...], ...]

    @property
    def agrees(self) -> bool:
        return all(s.outputs == m for s, m in zip(self.trace.steps, self.measured, strict=True))

    def rows(self) -> list[tuple[str, str, str, str]]:
        """(layer, predicted, measured, "ok" or "DIFFERENT") per layer."""
        rows = []
        for step, real in zip(self.trace.steps, self.measured, strict=True):
            predicted = ", ".join(format_shape(s) for s in step.outputs)
            actual = ", ".join(format_shape(s) for s in real)
            rows.append(
                (step.layer, predicted, actual, "ok" if step.outputs == real else "DIFFERENT")
            )
        return rows

    def __str__(self) -> str:
        rows = [("layer", "rules predict", "Keras measures", ""), *self.rows()]
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        return "\n".join(
            "  ".join([*(r[i].ljust(widths[i]) for i in range(3)), r[3]]).rstrip() for r in rows
        )


def compare(layers: Sequence[str | LayerSpec], input_shape: Sequence[int | None]) -> Comparison:
    """Trace with the rules (raising `ShapeError` if they refuse) and measure with Keras."""
    predicted = trace(layers, input_shape)
    measured = measure([s.spec or s.layer for s in predicted.steps], predicted.input)
    return Comparison(predicted, tuple(measured))


# --------------------------------------------------------------------------- Keras -> specs

# Constructor arguments that change shapes, per layer, with Keras's defaults.
_SHAPE_KEYS: dict[str, dict[str, Any]] = {
    "SimpleRNN": {
        "return_sequences": False,
        "return_state": False,
        "go_backwards": False,
        "stateful": False,
    },
    "Dense": {},
    "RepeatVector": {},
    "Masking": {},
    "Dropout": {},
    "Flatten": {"data_format": "channels_last"},
    "GlobalAveragePooling1D": {"data_format": "channels_last", "keepdims": False},
    "Embedding": {},
    "Conv1D": {
        "strides": 1,
        "padding": "valid",
        "data_format": "channels_last",
        "dilation_rate": 1,
        "groups": 1,
    },
    "MaxPooling1D": {"strides": None, "padding": "valid", "data_format": "channels_last"},
    "Bidirectional": {"merge_mode": "concat"},
    "TimeDistributed": {},
}
_SHAPE_KEYS["LSTM"] = _SHAPE_KEYS["GRU"] = _SHAPE_KEYS["SimpleRNN"]
_SHAPE_KEYS["GlobalMaxPooling1D"] = _SHAPE_KEYS["GlobalAveragePooling1D"]
_POSITIONAL = {
    "SimpleRNN": ("units",),
    "LSTM": ("units",),
    "GRU": ("units",),
    "Dense": ("units",),
    "RepeatVector": ("n",),
    "Masking": ("mask_value",),
    "Dropout": ("rate",),
    "Embedding": ("input_dim", "output_dim"),
    "Conv1D": ("filters", "kernel_size"),
    "MaxPooling1D": ("pool_size",),
}


def _unwrap(value: Any) -> Any:
    """Keras stores 1-D sizes as 1-tuples (kernel_size=(3,)); the specs write them as ints."""
    if isinstance(value, list | tuple) and len(value) == 1:
        return value[0]
    return value


def _is_mirror(forward: keras.layers.Layer, backward: keras.layers.Layer) -> bool:
    """Whether ``backward`` is the copy Bidirectional makes of ``forward`` (only go_backwards differs)."""

    def shape_params(layer):
        spec = parse(spec_of(layer))
        params = {k: v for k, v in spec.params.items() if v and k != "go_backwards"}
        return spec.name, params, bool(spec.params.get("go_backwards"))

    fw_name, fw_params, fw_back = shape_params(forward)
    bw_name, bw_params, bw_back = shape_params(backward)
    return (fw_name, fw_params) == (bw_name, bw_params) and fw_back != bw_back


def spec_of(layer: keras.layers.Layer) -> str:
    """The Keras constructor syntax for a real layer, keeping only what changes shapes.

    Raises `ValueError` for a layer class rnnshape has no rules for.
    """
    name = type(layer).__name__
    if name not in _SHAPE_KEYS:
        raise ValueError(
            f"check_model: {layer.name!r} is a {name}, which rnnshape has no rules for"
        )
    config = layer.get_config()
    parts = []
    if name == "Bidirectional":
        parts.append(spec_of(layer.forward_layer))
        if not _is_mirror(layer.forward_layer, layer.backward_layer):  # given explicitly
            parts.append(f"backward_layer={spec_of(layer.backward_layer)}")
    elif name == "TimeDistributed":
        parts.append(spec_of(layer.layer))
    for key in _POSITIONAL.get(name, ()):
        parts.append(repr(_unwrap(config[key])))
    for key, default in _SHAPE_KEYS[name].items():
        value = _unwrap(config.get(key, default))
        if value != default and not (
            key == "strides" and name == "MaxPooling1D" and value == _unwrap(config["pool_size"])
        ):
            parts.append(f"{key}={value!r}")
    return f"{name}({', '.join(parts)})"


def check_model(model: keras.Model) -> Trace:
    """Check a built Keras model against the rules, layer by layer; return the rules' Trace.

    ``model`` is a Sequential or functional model built on a ``keras.Input`` whose layers
    form one chain (each layer takes the previous one's output). Its layers are turned
    into specs with `spec_of`, traced with the rules, and compared, layer by layer, with
    the shapes Keras infers along the chain (``compute_output_spec``, which adds no nodes,
    so layers shared with other models are fine); the model's own outputs must match the
    end of the chain. Raises `ShapeMismatch` on any disagreement, so a book page that
    shows a model fails the build instead of showing wrong shapes.
    """
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    if not inputs or len(inputs) != 1:
        raise ValueError(
            "check_model needs a model built on one keras.Input, e.g. "
            "keras.Sequential([keras.Input(shape=(7, 3)), ...])"
        )
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    specs = [spec_of(layer) for layer in layers]
    input_shape = tuple(inputs[0].shape)
    try:
        predicted = trace(specs, input_shape)
    except ShapeError as exc:
        raise ShapeMismatch(f"Keras built this model but the rules refuse it: {exc}") from None
    # Walk the chain with Keras's own shape inference (no new nodes, so layers shared with
    # other models are measured for this model's input).
    x: Any = inputs[0]
    for i, (step, layer) in enumerate(zip(predicted.steps, layers, strict=True)):
        with warnings.catch_warnings():  # e.g. "does not support masking": not a shape matter
            warnings.simplefilter("ignore")
            x = layer.compute_output_spec(x)
        measured = _shapes(x)
        if measured != step.outputs:
            raise ShapeMismatch(
                f"rules and Keras disagree at layer {i + 1}, {step.layer}: rules predict "
                f"{', '.join(map(format_shape, step.outputs))}, Keras gives "
                f"{', '.join(map(format_shape, measured))}"
            )
    if _shapes(model.outputs) != predicted.outputs:
        raise ShapeMismatch(
            f"check_model: the model outputs {', '.join(map(format_shape, _shapes(model.outputs)))}"
            f" but its layers in order end with {', '.join(map(format_shape, predicted.outputs))};"
            " the model is not a single chain of layers"
        )
    return predicted
