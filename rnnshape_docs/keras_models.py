"""Everything that needs Keras: build real models and measure their shapes.

Importing this module imports Keras (and so TensorFlow), which takes seconds; the pure rules
in `rnnshape_docs.shapes` never import it. Three jobs:

- `build_model(layers, input_shape)`: the real Keras model for the same specs `trace` reads.
- `measure(layers, input_shape)`: the shapes Keras gives each layer's output(s).
- `check_model(model)`: for a model a book page built in plain Keras code (Sequential or
  functional), trace it with the rules, run it, and fail loudly on any disagreement.

And `show_error(make)`, which prints what Keras raises as the pages quote it, and
`print_warnings()`, which does the same for what Keras warns.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import os
import re
import textwrap
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

# Quiet TensorFlow before it is imported (only if the caller has not chosen).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras
import numpy as np
import tensorflow as tf

from rnnshape_docs import masks
from rnnshape_docs.graph import ModelTrace, model_config_of, trace_graph
from rnnshape_docs.model_config import ConfigError, read_model_config
from rnnshape_docs.shapes import Shape, ShapeError, Step, Trace, format_shape, trace
from rnnshape_docs.specs import LayerSpec, Opaque, SpecError, from_config, is_input_keyword, parse


class _NoRetracingNotice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "triggered tf.function retracing" not in record.getMessage()


def hide_retracing_notices() -> None:
    """Drop TensorFlow's "N out of the last N calls ... triggered tf.function retracing"
    notice: a page that fits a few tiny models in a row gets it on stdout (with a memory
    address, so no two builds print the same), and it is about the page, not about shapes."""
    logger = logging.getLogger("tensorflow")
    if not any(isinstance(f, _NoRetracingNotice) for f in logger.filters):
        logger.addFilter(_NoRetracingNotice())


def show_error(
    make: Callable[[], object], *, first_line: bool = False, width: int | None = None
) -> str:
    """Run ``make()``, print the exception it raises as Keras words it (its type, then its
    text without terminal colours: only the first line with ``first_line``, wrapped to
    ``width`` columns if given) and return the whole text. Raises AssertionError if
    ``make()`` raises nothing. The pages show every Keras message they quote this way."""
    try:
        make()
    except Exception as error:  # noqa: BLE001 - the point: show whatever Keras raises
        text = re.sub(r"\x1b\[[0-9;]*m", "", str(error)).strip()
        shown = f"{type(error).__name__}: {text.splitlines()[0] if first_line else text}"
        print(textwrap.fill(shown, width=width) if width else shown)
        return text
    raise AssertionError("this example was expected to fail")


_printing_warnings: list[warnings.catch_warnings] = []


def print_warnings() -> list[Warning]:
    """Until `stop_printing_warnings()`: print each warning on stdout as a notebook shows it
    (its category, then its message, wrapped to 72 columns), not on stderr, where the book's
    build fails on it; return the list that keeps them. A page calls the two in hidden
    cells around the visible cell whose warning it shows."""
    caught: list[Warning] = []

    def show(message: Warning | str, category: type[Warning], *args: object, **kwargs: object):
        caught.append(message)
        print(textwrap.fill(f"{category.__name__}: {message}", width=72))

    saved = warnings.catch_warnings()
    saved.__enter__()
    _printing_warnings.append(saved)
    warnings.simplefilter("always")
    warnings.showwarning = show
    return caught


def stop_printing_warnings() -> None:
    """Warnings filtered and shown again as before the last `print_warnings()`."""
    _printing_warnings.pop().__exit__(None, None, None)


class ShapeMismatch(AssertionError):
    """The shape rules and Keras disagree: a bug in the rules (Keras is the truth)."""


# --------------------------------------------------------------------------- specs -> Keras


def to_keras_layer(spec: str | LayerSpec) -> keras.layers.Layer:
    """A fresh Keras layer for one spec (the name is from the allow-list, never looked up freely)."""
    spec = parse(spec)
    kwargs: dict[str, Any] = {
        key: _keras_value(value)
        for key, value in spec.params.items()
        # the model's input is built as keras.Input; a program's non-literal (Opaque) is unknown
        if not is_input_keyword(spec, key) and not isinstance(value, Opaque)
    }
    return getattr(keras.layers, spec.name)(**kwargs)


def _keras_value(value: Any) -> Any:
    """An argument for Keras: a nested layer (or a list of them, an RNN's cells) built."""
    if isinstance(value, LayerSpec):
        return to_keras_layer(value)
    if isinstance(value, tuple) and value and all(isinstance(v, LayerSpec) for v in value):
        return [to_keras_layer(v) for v in value]
    return value


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
    return measure_layers(layers, input_shape, run=run).shapes


@dataclass(frozen=True)
class Measured:
    """What Keras gives each layer of a stack: output shapes (as `measure`), its
    (trainable, non-trainable) weights, which outputs carry a mask, and whether it warned
    that it drops a mask."""

    shapes: list[tuple[Shape, ...]]
    weights: list[tuple[int, int]]
    masks: list[tuple[bool, ...]]
    dropped: list[bool]

    def disagreements(self, predicted: Trace) -> list[str]:
        """Where the rows of ``predicted`` (the rules' trace of the same stack) say other
        parameters or another mask than Keras: one line each, empty when they agree."""
        found = []
        for k, s in enumerate(predicted.steps):
            where = f"layer {k + 1}, {s.layer}"
            if s.params is not None and s.params != self.weights[k]:
                found.append(f"{where}: rules count {s.params}, Keras {self.weights[k]}")
            if s.masked != self.masks[k]:
                found.append(f"{where}: rules mask {s.masked}, Keras {self.masks[k]}")
            if (s.mask == masks.DROPS) != self.dropped[k]:
                found.append(f"{where}: rules say mask {s.mask!r}, Keras warned: {self.dropped[k]}")
        return found


def measure_layers(
    layers: Sequence[str | LayerSpec], input_shape: Sequence[int | None], *, run: bool = True
) -> Measured:
    """`measure`, with each layer's weights and masks (see `Measured`)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        return _measure(layers, input_shape, run, caught)


def _measure(layers, input_shape, run: bool, caught) -> Measured:
    inputs = keras.Input(batch_shape=tuple(input_shape))
    x = inputs
    per_layer, built = [], []
    for spec in layers:
        built.append(to_keras_layer(spec))
        x = built[-1](x)
        per_layer.append(x)
    flat_masks = [
        tuple(getattr(t, "_keras_mask", None) is not None for t in keras.tree.flatten(ts))
        for ts in per_layer
    ]
    warned = {m.group(1) for w in caught if (m := _DROP_WARNING.match(str(w.message)))}
    weights = [
        (
            sum(math.prod(w.shape) for w in layer.trainable_weights),
            sum(math.prod(w.shape) for w in layer.non_trainable_weights),
        )
        for layer in built
    ]
    dropped = [layer.name in warned for layer in built]
    symbolic = [_shapes(t) for t in per_layer]
    if not run or any(s is None for s in input_shape):
        return Measured(symbolic, weights, flat_masks, dropped)
    flat = [t for ts in per_layer for t in (ts if isinstance(ts, list | tuple) else [ts])]
    model = keras.Model(inputs, flat)
    values = model(np.zeros(tuple(input_shape), dtype="float32"))
    values = values if isinstance(values, list | tuple) else [values]
    concrete, i = [], 0
    for shapes in symbolic:
        concrete.append(tuple(tuple(v.shape) for v in values[i : i + len(shapes)]))
        i += len(shapes)
    return Measured(concrete, weights, flat_masks, dropped)


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


def spec_of(layer: keras.layers.Layer) -> str:
    """The Keras constructor syntax for a real layer, keeping only what changes shapes.

    Read from ``layer.get_config()`` exactly as a saved model file is read
    (`rnnshape_docs.specs.from_config`). Raises `ValueError` for a layer class rnnshape has
    no rules for.
    """
    try:
        return from_config(type(layer).__name__, layer.get_config()).text
    except SpecError as exc:
        raise ValueError(f"check_model: {layer.name!r}: {exc}") from None


# --------------------------------------------------------------------------- whole models

_RUN_BATCH = 2  # the batch size a model with an unknown batch is run with
_RUN_STEPS = 8  # the size given to any other unknown axis (e.g. any-length sequences)


def _run_shapes(model: keras.Model, batch: int | None = None) -> tuple[Shape, ...]:
    """Concrete input shapes to run ``model`` on: its own, with every None filled in (the
    batch with ``batch`` when given)."""
    return tuple(
        tuple(
            ((batch or _RUN_BATCH) if axis == 0 else _RUN_STEPS) if size is None else size
            for axis, size in enumerate(t.shape)
        )
        for t in model.inputs
    )


@dataclass
class _Probe:
    """What Keras says of every layer call of a model, keyed by (layer name, call): its
    symbolic output shapes, the real ones of a run on zeros, which outputs carry a mask;
    each layer's (trainable, non-trainable) weights by name ("outer/inner" in a nested
    model), and the layers that warned they drop a mask."""

    symbolic: dict[tuple[str, int], tuple[Shape, ...]]
    real: dict[tuple[str, int], tuple[Shape, ...]]
    masks: dict[tuple[str, int], tuple[bool, ...]]
    weights: dict[str, tuple[int, int]]
    dropped: set[str]


_DROP_WARNING = re.compile(r"^Layer '([^']+)' \(of type \w+\) was passed an input with a mask")


def _weights(model: keras.Model, prefix: str = "") -> dict[str, tuple[int, int]]:
    out = {}
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        if isinstance(layer, keras.Model):
            out.update(_weights(layer, f"{prefix}{layer.name}/"))
            continue
        out[prefix + layer.name] = (
            sum(math.prod(w.shape) for w in layer.trainable_weights),
            sum(math.prod(w.shape) for w in layer.non_trainable_weights),
        )
    return out


def _probe(model: keras.Model, run_shapes: tuple[Shape, ...]) -> _Probe:
    """Build ``model`` again from its config and run it once on zeros of ``run_shapes``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rebuilt = type(model).from_config(model.get_config())
        keys, tensors = [], []
        # A functional model's operations: its layers and the keras.ops calls it records
        # (x + y, x[:, -1]); a Sequential's are its layers.
        sequential = isinstance(rebuilt, keras.Sequential)
        for layer in rebuilt.layers if sequential else rebuilt.operations:
            if isinstance(layer, keras.layers.InputLayer):
                continue
            nodes = list(layer._inbound_nodes)  # Keras has no public API for a layer's calls
            if sequential:
                nodes = nodes[-1:]  # building a Sequential calls each layer again per layer added
            for call, node in enumerate(nodes):
                outs = list(node.output_tensors)
                keys.append(((layer.name, call), len(outs)))
                tensors.extend(outs)
        inputs = [
            np.zeros(shape, dtype=t.dtype)
            for shape, t in zip(run_shapes, rebuilt.inputs, strict=True)
        ]
        probe = keras.Model(rebuilt.inputs, tensors)
        values = probe(inputs if len(inputs) > 1 else inputs[0])
    values = list(values) if isinstance(values, list | tuple) else [values]
    symbolic, real, masks, i = {}, {}, {}, 0
    for key, n in keys:
        symbolic[key] = _shapes(tensors[i : i + n])
        real[key] = _shapes(values[i : i + n])
        # Keras keeps a tensor's mask on it as _keras_mask (no public getter in Keras 3)
        masks[key] = tuple(getattr(t, "_keras_mask", None) is not None for t in tensors[i : i + n])
        i += n
    dropped = {m.group(1) for w in caught if (m := _DROP_WARNING.match(str(w.message)))}
    return _Probe(symbolic, real, masks, _weights(rebuilt), dropped)


def measure_model(model: keras.Model) -> dict[tuple[str, int], tuple[Shape, ...]]:
    """The real output shapes of every layer call of ``model``, run once on zeros.

    Keys are (layer name, call), as in `rnnshape_docs.graph.ModelTrace.calls`. The model is
    rebuilt from its config (``from_config``), so its layers have exactly this model's calls
    (a layer shared with another model is not confused by that model's calls), then every
    call's outputs are made outputs of one model and run on zeros of `_run_shapes`. These are
    real tensors: Keras's symbolic shapes are wrong in a few places (e.g. the scores of
    MultiHeadAttention when key and query lengths differ), the run is the truth.
    """
    return _probe(model, _run_shapes(model)).real


class SymbolicDifference(NamedTuple):
    """A layer call where Keras's symbolic shapes (what ``model.summary()`` and
    ``layer.output.shape`` show) contradict the real tensors: ``layer`` is the layer's name
    in the model (``name (call k)`` for a later call), ``symbolic`` Keras's symbolic output
    shapes, ``real`` those of the tensors of the run on zeros (the truth; the rules agree).
    """

    layer: str
    symbolic: tuple[Shape, ...]
    real: tuple[Shape, ...]


def _contradicts(symbolic: tuple[Shape, ...], rules: tuple[Shape, ...]) -> bool:
    """Whether two lists of shapes disagree on a size both know (None is not a contradiction)."""
    if len(symbolic) != len(rules):
        return True
    return any(
        len(a) != len(b)
        or any(x is not None and y is not None and x != y for x, y in zip(a, b, strict=True))
        for a, b in zip(symbolic, rules, strict=True)
    )


def check_model(model: keras.Model, *, batch: int | None = None) -> Trace | ModelTrace:
    """Check a built Keras model against the rules, layer call by layer call.

    The rules read the model's config (as they read a saved file); Keras runs it once on zeros
    (`measure_model`) and every call's real output shapes must equal the rules' prediction for
    the same input sizes, else `ShapeMismatch` fails the page that shows the model. Returns the
    rules' trace with the model's own (possibly unknown) sizes: a `Trace` when the model is one
    chain of layers on one input (as the chapters' models are; `diagrams` draws it), else a
    `ModelTrace`. ``batch`` fills an unknown batch size, in the run and in the trace (for a
    figure of the tensors a page has measured on a batch of that size).

    The returned trace's ``symbolic_differences`` lists each call where Keras's symbolic shapes
    contradict the real tensors, as `SymbolicDifference` (layer, symbolic, real): there Keras's
    symbolic shape (what ``model.summary()`` shows) is wrong, and the trace has the real one.
    Empty for almost every model; e.g. a ``Bidirectional`` whose ``backward_layer`` has
    another width, or MultiHeadAttention's scores when the key and query lengths differ.
    """
    try:
        if not model.inputs:
            raise ValueError
    except (AttributeError, ValueError):
        raise ValueError(
            "check_model needs a model built on keras.Input, e.g. "
            "keras.Sequential([keras.Input(shape=(7, 3)), ...])"
        ) from None
    if batch is not None and (isinstance(batch, bool) or not isinstance(batch, int) or batch <= 0):
        raise ValueError(f"check_model: batch must be a positive whole number, got {batch!r}")
    try:
        graph = read_model_config(model_config_of(model))
    except ConfigError as exc:  # a layer without rules: not a disagreement
        raise ValueError(f"check_model: {exc}") from None
    run_shapes = _run_shapes(model, batch)
    try:
        shown = trace_graph(graph, batch=batch)
        predicted = trace_graph(graph, input_shapes=run_shapes)
    except ShapeError as exc:
        raise ShapeMismatch(f"Keras built this model but the rules refuse it: {exc}") from None
    probe = _probe(model, run_shapes)
    symbolic, measured = probe.symbolic, probe.real
    _check_params_and_masks(predicted, probe)
    for name, call, outputs in predicted.calls:
        real = measured.get((name, call))
        if real != outputs:
            layers = {(s.name, s.call): s.layer for s in predicted.steps}
            step = f"{name!r}" + (f" (call {call})" if call else "")
            step += f", {layers[(name, call)]}" if (name, call) in layers else ""
            raise ShapeMismatch(
                f"rules and Keras disagree at {step}: run on {', '.join(map(format_shape, run_shapes))}"
                f", the rules predict {', '.join(map(format_shape, outputs))}, Keras gives "
                f"{', '.join(map(format_shape, real or ()))}"
            )
    differences = tuple(
        SymbolicDifference(
            name + (f" (call {call})" if call else ""),
            symbolic[(name, call)],
            measured[(name, call)],
        )
        for name, call, outputs in shown.calls
        if (name, call) in symbolic and _contradicts(symbolic[(name, call)], outputs)
    )
    shown = dataclasses.replace(shown, symbolic_differences=differences)
    return _as_chain(shown) or shown


def _check_params_and_masks(predicted: ModelTrace, probe: _Probe) -> None:
    """Each row's parameters are the layer's weights in Keras, and its mask is the one Keras
    puts on the call's outputs (with Keras's warning where the row says the mask is dropped);
    else `ShapeMismatch`."""
    for s in predicted.steps:
        where = f"{s.label!r}, {s.layer}"
        weights = probe.weights.get(s.name)
        if s.params is not None and weights is not None and s.params != weights:
            raise ShapeMismatch(
                f"rules and Keras disagree at {where}: the rules count {s.params[0]:,} trainable "
                f"and {s.params[1]:,} non-trainable parameters, Keras holds {weights[0]:,} and "
                f"{weights[1]:,}"
            )
        real = probe.masks.get((s.name, s.call))
        if real is not None and real != s.masked:
            raise ShapeMismatch(
                f"rules and Keras disagree at {where}: the rules put a mask on outputs "
                f"{list(s.masked)}, Keras on {list(real)}"
            )
        if "/" not in s.name and (s.mask == masks.DROPS) != (s.name in probe.dropped):
            raise ShapeMismatch(
                f"rules and Keras disagree at {where}: the rules say the mask is "
                f"{s.mask or 'not involved'}, but Keras "
                + ("warned it drops it" if s.name in probe.dropped else "did not warn")
            )


def _as_chain(model: ModelTrace) -> Trace | None:
    """The chain form of a model whose calls form one chain on one input, else None."""
    if len(model.inputs) != 1 or any(s.calls > 1 or "/" in s.name for s in model.steps):
        return None
    current: tuple[Shape, ...] = (model.inputs[0][1],)
    steps = []
    for s in model.steps:
        if s.inputs != current[:1] and s.inputs != current:
            return None
        steps.append(Step.of(s))
        current = s.outputs
    if current != model.outputs:
        return None
    return Trace(model.inputs[0][1], tuple(steps), model.symbolic_differences)
