"""Fixes and translations proven on Keras 3 by applying them.

Each refusal case is traced by the rules, the fix the message names is applied (the edit it
describes, done here as data: layers replaced, inserted or removed, the input reshaped), and
the fixed model is built and run on Keras, which must give the shape the message promised.
A further test lists every hint and fix the rules and the walk can write and fails if one is
never exercised by these cases.

The Keras 1/2 names of `specs.LEGACY_KEYWORDS` are read as their Keras 3 spelling: each is
refused by Keras 3 as written, and the translation is accepted and does what the old name
did (checked on the built layer: its weights, its attributes, its output's shape).
"""

from __future__ import annotations

import ast
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

keras = pytest.importorskip("keras")

import rnnshape_docs
from rnnshape_docs import graph, hints
from rnnshape_docs.keras_models import keras_error, measure, to_keras_layer
from rnnshape_docs.rules import base, format_shape
from rnnshape_docs.shapes import ShapeError, trace
from rnnshape_docs.specs import LEGACY_KEYWORDS, LEGACY_LAYERS, declared_input, parse

pytestmark = pytest.mark.keras


def _run(text, shape):
    """The layer the spec builds, called on ones of ``shape``, and its output."""
    layer = to_keras_layer(parse(text))
    return layer, layer(np.ones(shape, dtype="float32"))


def _zero(weights):
    return not np.any(keras.ops.convert_to_numpy(weights))


# old keyword -> (a layer using it, the input, what the old name meant, checked on Keras 3)
LEGACY_CASES = {
    "output_dim": ("Dense(output_dim=3)", (2, 4), lambda layer, out: out.shape == (2, 3)),
    "init": ("Dense(2, init='zeros')", (2, 4), lambda layer, out: _zero(layer.kernel)),
    "inner_init": (
        "SimpleRNN(2, inner_init='zeros')",
        (2, 3, 4),
        lambda layer, out: _zero(layer.cell.recurrent_kernel),
    ),
    "inner_activation": (
        "GRU(2, inner_activation='relu')",
        (2, 3, 4),
        lambda layer, out: layer.cell.recurrent_activation is keras.activations.relu,
    ),
    "W_regularizer": ("Dense(2, W_regularizer='l2')", (2, 4), lambda layer, out: layer.losses),
    "U_regularizer": (
        "SimpleRNN(2, U_regularizer='l2')",
        (2, 3, 4),
        lambda layer, out: layer.cell.recurrent_regularizer is not None,
    ),
    "b_regularizer": (
        "Dense(2, b_regularizer='l2')",
        (2, 4),
        lambda layer, out: layer.bias_regularizer is not None,
    ),
    "W_constraint": (
        "Dense(2, W_constraint='non_neg')",
        (2, 4),
        lambda layer, out: layer.kernel.constraint is not None,
    ),
    "U_constraint": (
        "SimpleRNN(2, U_constraint='non_neg')",
        (2, 3, 4),
        lambda layer, out: layer.cell.recurrent_kernel.constraint is not None,
    ),
    "b_constraint": (
        "Dense(2, b_constraint='non_neg')",
        (2, 4),
        lambda layer, out: layer.bias.constraint is not None,
    ),
    "bias": ("Dense(2, bias=False)", (2, 4), lambda layer, out: layer.bias is None),
    "dropout_W": ("LSTM(2, dropout_W=0.25)", (2, 3, 4), lambda layer, out: layer.dropout == 0.25),
    "dropout_U": (
        "LSTM(2, dropout_U=0.25)",
        (2, 3, 4),
        lambda layer, out: layer.recurrent_dropout == 0.25,
    ),
    "consume_less": (
        "LSTM(2, consume_less='mem')",
        (2, 3, 4),
        lambda layer, out: layer.cell.implementation == 1,
    ),
    "border_mode": (
        "Conv1D(2, 3, border_mode='same')",
        (2, 7, 4),
        lambda layer, out: out.shape == (2, 7, 2),
    ),
    "nb_filter": (
        "Conv1D(nb_filter=5, kernel_size=3)",
        (2, 7, 4),
        lambda l, out: out.shape[-1] == 5,
    ),
    "filter_length": (
        "Conv1D(2, filter_length=4)",
        (2, 7, 4),
        lambda layer, out: out.shape == (2, 4, 2),
    ),
    "subsample_length": (
        "Conv1D(2, 1, subsample_length=2)",
        (2, 8, 4),
        lambda layer, out: out.shape == (2, 4, 2),
    ),
    "pool_length": (
        "MaxPooling1D(pool_length=4)",
        (2, 8, 3),
        lambda l, out: out.shape == (2, 2, 3),
    ),
    "stride": (
        "MaxPooling1D(2, stride=1)",
        (2, 8, 3),
        lambda layer, out: out.shape == (2, 7, 3),
    ),
    "dim_ordering": (
        "MaxPooling1D(2, dim_ordering='th')",
        (2, 3, 8),
        lambda layer, out: out.shape == (2, 3, 4),  # channels first: the steps are last
    ),
    "p": ("Dropout(p=0.5)", (2, 4), lambda layer, out: layer.rate == 0.5),
    "return_sequence": (
        "LSTM(2, return_sequence=True)",
        (2, 3, 4),
        lambda layer, out: out.shape == (2, 3, 2),
    ),
}


def test_every_legacy_keyword_has_a_case():
    assert set(LEGACY_CASES) == set(LEGACY_KEYWORDS)


@pytest.mark.parametrize("old", sorted(LEGACY_CASES))
def test_legacy_keyword_means_on_keras_3_what_it_meant(old):
    text, shape, meant = LEGACY_CASES[old]
    spec = parse(text)
    assert any(n.startswith(f"{old}=") for n in spec.notes), spec.notes
    new = LEGACY_KEYWORDS[old][0]
    as_written = {k: v for k, v in spec.params.items() if k != new}
    with pytest.raises((TypeError, ValueError)):  # Keras 3 refuses the old name
        getattr(keras.layers, spec.name)(**as_written, **{old: _old_value(text, old)})
    layer, out = _run(text, shape)
    assert meant(layer, out), (text, spec.text)


def _old_value(text: str, old: str):
    import ast

    call = ast.parse(text, mode="eval").body
    return next(ast.literal_eval(k.value) for k in call.keywords if k.arg == old)


@pytest.mark.parametrize("old", sorted(n for n, (new, note) in LEGACY_LAYERS.items() if note))
def test_legacy_layer_names_are_gone_from_keras_3(old):
    assert not hasattr(keras.layers, old)
    assert hasattr(keras.layers, LEGACY_LAYERS[old][0])


@pytest.mark.parametrize("alias", sorted(n for n, (new, note) in LEGACY_LAYERS.items() if not note))
def test_keras_3_aliases_are_the_layer_they_name(alias):
    assert getattr(keras.layers, alias) is getattr(keras.layers, LEGACY_LAYERS[alias][0])


# --------------------------------------------------------------------------- fixes applied


@dataclass(frozen=True)
class Fix:
    """A fix as the message states it: the stack and input after the edit, and the shape the
    message promises for the output of layer ``at`` (counted from 0) of the fixed stack
    (``at=None``: the fixed stack's input)."""

    layers: tuple[str, ...]
    input: tuple[int | None, ...]
    at: int | None
    promised: tuple[int | None, ...]


@dataclass(frozen=True)
class Case:
    layers: tuple[str, ...]
    input: tuple[int | None, ...] | None  # None: the first layer declares it
    says: str  # the cause the message names first
    fixes: tuple[Fix, ...]


CASES = {
    "samples as a size": Case(
        ("LSTM(4, input_shape=(200, 6, 3))", "Dense(1)"),
        None,
        "looks like the number of samples",
        (
            Fix(("LSTM(4)", "Dense(1)"), (2, 6, 3), None, (None, 6, 3)),
            Fix(("TimeDistributed(Flatten())", "LSTM(4)"), (2, 200, 6, 3), 0, (None, 200, 18)),
        ),
    ),
    "a size-1 axis": Case(
        ("LSTM(4)",),
        (2, 6, 3, 1),
        "extra axis of size 1",
        (Fix(("LSTM(4)",), (2, 6, 3), None, (2, 6, 3)),),
    ),
    "a size-1 first axis": Case(
        ("GRU(4)",),
        (2, 1, 6, 3),
        "extra axis of size 1 (axis 1",
        (Fix(("GRU(4)",), (2, 6, 3), None, (2, 6, 3)),),
    ),
    "an Embedding given vectors": Case(
        ("Embedding(50, 8)", "LSTM(4)"),
        (2, 5, 50),
        "the extra axis is the one layer 1, Embedding(50, 8) adds",
        (
            Fix(("Embedding(50, 8)", "LSTM(4)"), (2, 5), 0, (2, 5, 8)),
            Fix(("LSTM(4)",), (2, 5, 50), None, (2, 5, 50)),
        ),
    ),
    "a grid per step": Case(
        ("LSTM(4)",),
        (2, 6, 8, 8, 1),
        "TimeDistributed(Flatten())",
        (Fix(("TimeDistributed(Flatten())", "LSTM(4)"), (2, 6, 8, 8, 1), 0, (2, 6, 64)),),
    ),
    "a ConvLSTM's last grid": Case(
        ("ConvLSTM2D(2, 3, padding='same')", "LSTM(4)"),
        (2, 6, 8, 8, 1),
        "set return_sequences=True on layer 1",
        (
            Fix(
                ("ConvLSTM2D(2, 3, padding='same', return_sequences=True)",),
                (2, 6, 8, 8, 1),
                0,
                (2, 6, 8, 8, 2),
            ),
        ),
    ),
    "stacked without return_sequences": Case(
        ("LSTM(4)", "LSTM(8)"),
        (2, 5, 3),
        "set return_sequences=True on layer 1",
        (Fix(("LSTM(4, return_sequences=True)", "LSTM(8)"), (2, 5, 3), 0, (2, 5, 4)),),
    ),
    "return_sequences two layers back": Case(
        ("LSTM(4)", "Dense(3)", "GRU(2)"),
        (2, 5, 3),
        "layer 1, LSTM(4), passes on only its last output",
        (
            Fix(
                ("LSTM(4, return_sequences=True)", "Dense(3)", "GRU(2)"),
                (2, 5, 3),
                0,
                (2, 5, 4),
            ),
        ),
    ),
    "no time axis anywhere": Case(
        ("Dense(8)", "LSTM(4)"),
        (2, 10),
        "no layer before it has a time axis",
        (
            Fix(("LSTM(4)", "Dense(8)"), (2, 10, 1), None, (2, 10, 1)),
            Fix(("Dense(8)", "RepeatVector(10)", "LSTM(4)"), (2, 10), 1, (2, 10, 8)),
        ),
    ),
    "Flatten removed the steps": Case(
        ("Flatten()", "LSTM(4)"),
        (2, 10, 3),
        "layer 1, Flatten(), turns each sample's sequence (2, 10, 3) into one vector",
        (
            Fix(("LSTM(4)",), (2, 10, 3), None, (2, 10, 3)),
            Fix(("Flatten()", "RepeatVector(10)", "LSTM(4)"), (2, 10, 3), 1, (2, 10, 30)),
        ),
    ),
    "pooling removed the steps": Case(
        ("Conv1D(8, 3)", "GlobalMaxPooling1D()", "LSTM(4)"),
        (2, 10, 3),
        "layer 2, GlobalMaxPooling1D(), turns each sample's sequence (2, 8, 8)",
        (Fix(("Conv1D(8, 3)", "LSTM(4)"), (2, 10, 3), 0, (2, 8, 8)),),
    ),
    "a plain series into an LSTM": Case(
        ("LSTM(4)",),
        (2, 10),
        "add a features axis",
        (Fix(("LSTM(4)",), (2, 10, 1), None, (2, 10, 1)),),
    ),
    "a plain series into Conv1D": Case(
        ("Conv1D(4, 3)",),
        (2, 10),
        "add a channels axis",
        (Fix(("Conv1D(4, 3)",), (2, 10, 1), None, (2, 10, 1)),),
    ),
    "4-D into Conv1D": Case(
        ("Conv1D(4, 3)",),
        (2, 5, 16, 3),
        "to convolve each step on its own",
        (
            Fix(("TimeDistributed(Conv1D(4, 3))",), (2, 5, 16, 3), 0, (2, 5, 14, 4)),
            Fix(("Conv2D(4, 3)",), (2, 5, 16, 3), 0, (2, 3, 14, 4)),
        ),
    ),
    "images into TimeDistributed(Conv2D)": Case(
        ("TimeDistributed(Conv2D(4, 3))",),
        (2, 16, 16, 3),
        "has no time axis",
        (
            Fix(("TimeDistributed(Conv2D(4, 3))",), (2, 1, 16, 16, 3), None, (2, 1, 16, 16, 3)),
            Fix(("Conv2D(4, 3)",), (2, 16, 16, 3), 0, (2, 14, 14, 4)),
        ),
    ),
    "gray images into Conv2D": Case(
        ("Conv2D(4, 3)",),
        (2, 16, 16),
        "add a channels axis",
        (Fix(("Conv2D(4, 3)",), (2, 16, 16, 1), None, (2, 16, 16, 1)),),
    ),
    "input_dim on an LSTM": Case(
        ("LSTM(4, input_dim=3)",),
        None,
        "declare input_shape=(None, 3)",
        (Fix(("LSTM(4, input_shape=(None, 3))",), (2, 7, 3), None, (None, None, 3)),),
    ),
}


def _refusal(case: Case) -> ShapeError:
    with pytest.raises(ShapeError) as info:
        trace(list(case.layers), case.input)
    return info.value


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_fix_a_refusal_names_works_on_keras(name):
    case = CASES[name]
    message = str(_refusal(case))
    assert case.says in message, message
    if case.input is None:  # Keras refuses the stack as its first layer declares it
        with pytest.raises(ValueError, match="expected ndim=3"):
            _run_declared(case.layers)
    else:
        assert keras_error(list(case.layers), case.input) is not None
    for fix in case.fixes:
        assert format_shape(fix.promised) in message, (format_shape(fix.promised), message)
        rules = trace(list(fix.layers), fix.input)  # the rules take the fixed stack
        measured = measure(list(fix.layers), fix.input)  # and so does Keras, run on zeros
        assert [s.outputs for s in rules.steps] == measured
        if fix.at is not None:
            assert _fits(measured[fix.at][0], fix.promised), (measured[fix.at], fix.promised)
        elif declared_input(parse(fix.layers[0])) is not None:  # as Keras reads the layer
            model = _declared_model(fix.layers)
            assert _fits(tuple(model.inputs[0].shape), fix.promised)
            model(np.zeros(fix.input, dtype="float32"))
        else:
            assert _fits(fix.input, fix.promised), (fix.input, fix.promised)


def _declared_model(layers):
    """A Sequential model built as Keras reads the layers, input keywords included."""
    built = []
    for text in layers:
        spec = parse(text)
        if declared_input(spec) is None:
            built.append(to_keras_layer(spec))
            continue
        kwargs = {k: v for k, v in spec.params.items() if k != "batch_size"}
        with warnings.catch_warnings():  # "Do not pass an input_shape/input_dim argument"
            warnings.simplefilter("ignore")
            built.append(getattr(keras.layers, spec.name)(**kwargs))
    return keras.Sequential(built)


def _run_declared(layers) -> None:
    model = _declared_model(layers)
    sizes = tuple(2 if s is None else s for s in model.inputs[0].shape[1:])
    model(np.zeros((2, *sizes), dtype="float32"))


def _fits(shape, promised) -> bool:
    """Whether ``shape`` is ``promised``, an unknown (None) size standing for any size."""
    return len(shape) == len(promised) and all(
        p is None or s == p for s, p in zip(shape, promised, strict=True)
    )


# --------------------------------------------------------------------------- every hint exercised

RULES = Path(rnnshape_docs.__file__).parent / "rules"
# hints' functions that write text (the others choose between them or test a shape)
HINT_WRITERS = (
    "repeat",
    "input_dim_is_one_vector",
    "extra_axes",
    "embedding_axis",
    "lost_time_axis",
    "no_time_axis",
)
# ... and the walk's own (graph)
WALK_WRITERS = ("_return_sequences_hint",)


def _refusal_sites() -> set[tuple[str, int, int]]:
    """Every ``Refusal(...)`` in the rules that gives a hint= or fix=: (file, first, last line)."""
    sites = set()
    for path in sorted(RULES.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "Refusal"
                and any(k.arg in ("hint", "fix") for k in node.keywords)
            ):
                sites.add((path.name, node.lineno, node.end_lineno or node.lineno))
    return sites


def test_every_hint_and_fix_is_exercised_by_a_case(monkeypatch):
    made: set[tuple[str, int]] = set()  # sites whose hint or fix reached a message
    offered: list[tuple[str, int, str]] = []  # during one case: (file, line, text)
    written: set[str] = set()
    init = base.Refusal.__init__

    def recording_init(self, message, *args, **kwargs):
        caller = sys._getframe(1)
        for text in (kwargs.get("hint"), kwargs.get("fix")):
            if text:
                offered.append((Path(caller.f_code.co_filename).name, caller.f_lineno, text))
        init(self, message, *args, **kwargs)

    monkeypatch.setattr(base.Refusal, "__init__", recording_init)
    for module, names in ((hints, HINT_WRITERS), (graph, WALK_WRITERS)):
        for name in names:
            original = getattr(module, name)

            def recording(*args, _name=name, _original=original, **kwargs):
                text = _original(*args, **kwargs)
                if text:
                    written.add(_name)
                return text

            monkeypatch.setattr(module, name, recording)
    dropout = Case(("LSTM(4, return_state=True)", "Dropout(0.5)"), (2, 5, 3), "", ())
    for case in [*CASES.values(), dropout]:
        offered.clear()
        message = str(_refusal(case))
        made.update((file, line) for file, line, text in offered if text.strip("; ") in message)
    assert set(HINT_WRITERS + WALK_WRITERS) - written == set()
    unexercised = [
        f"{file}:{first}"
        for file, first, last in _refusal_sites()
        if not any(f == file and first <= line <= last for f, line in made)
    ]
    assert unexercised == []


def test_dropout_after_return_state_breaks_training_on_keras():
    """The refusal's reason, on Keras: inference passes the list, training stacks it."""
    inputs = keras.Input((5, 3))
    outputs = keras.layers.Dropout(0.5)(keras.layers.LSTM(4, return_state=True)(inputs))
    model = keras.Model(inputs, outputs)
    x = np.ones((2, 5, 3), dtype="float32")
    assert [tuple(o.shape) for o in model(x, training=False)] == [(2, 4)] * 3
    if keras.backend.backend() == "tensorflow":
        stacked = keras.layers.Dropout(0.5)([keras.ops.ones((2, 4))] * 3, training=True)
        assert tuple(stacked.shape) == (3, 2, 4)
        with pytest.raises(ValueError, match="not connected"):
            model(x, training=True)
    else:  # JAX: the list has no shape
        with pytest.raises(AttributeError, match="object has no attribute 'shape'"):
            model(x, training=True)
    message = str(_refusal(Case(("LSTM(4, return_state=True)", "Dropout(0.5)"), (2, 5, 3), "", ())))
    assert "in training (fit) the model fails" in message
    # the fix it names: Dropout on the output alone, and fit runs
    output, h, c = keras.layers.LSTM(4, return_state=True)(inputs)
    fixed = keras.Model(inputs, [keras.layers.Dropout(0.5)(output), h, c])
    fixed.compile("sgd", "mse")
    fixed.fit(x, [np.ones((2, 4))] * 3, epochs=1, verbose=0)


def test_go_backwards_returns_the_outputs_reversed_on_keras():
    """The why's claim: output[:, 0] belongs to the last input step (not re-reversed)."""
    why = trace(["LSTM(4, go_backwards=True, return_sequences=True)"], (1, 5, 3)).steps[0].why
    assert "output[:, 0] belongs to the last input step" in why
    x = np.random.default_rng(0).random((1, 5, 3)).astype("float32")
    backwards = keras.layers.LSTM(4, go_backwards=True, return_sequences=True)
    out = keras.ops.convert_to_numpy(backwards(x))
    forwards = keras.layers.LSTM(4, return_sequences=True)
    forwards.build((1, 5, 3))
    forwards.set_weights(backwards.get_weights())
    on_reversed = keras.ops.convert_to_numpy(forwards(x[:, ::-1]))
    np.testing.assert_allclose(out, on_reversed, atol=1e-5)  # step k of the output: input step 4-k


@pytest.mark.parametrize(
    "text",
    [
        "LSTM(4, implementation=1)",
        "GRU(4, implementation=2)",
        "Embedding(10, 4, weights=None)",
        "Embedding(10, 4, input_length=5)",
        "Dense(4, input_dim=3)",
        "Conv1D(4, 3, input_shape=(10, 2))",
    ],
)
def test_keywords_we_accept_keras_3_accepts(text):
    """Keras 3's own keywords (some deprecated, with a warning) are taken as written."""
    spec = parse(text)
    assert spec.text == text  # kept as written (Embedding's input_length with a note)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        getattr(keras.layers, spec.name)(**spec.params)


@pytest.mark.parametrize(
    "text",
    ["LSTM(4, batch_input_shape=(2, 5, 3))", "Dense(4, batch_size=2, input_shape=(3,))"],
)
def test_keras_2_input_keywords_keras_3_refuses_are_read_with_a_note(text):
    spec = parse(text)
    assert any("Keras 3 spells it keras.Input(" in note for note in spec.notes)
    with warnings.catch_warnings():  # input_shape= warns first
        warnings.simplefilter("ignore")
        with pytest.raises(ValueError, match="Unrecognized keyword arguments"):
            getattr(keras.layers, spec.name)(**spec.params)


# --------------------------------------------------------------------------- true in training


@pytest.mark.parametrize(
    "layers",
    [
        ("LSTM(4, dropout=0.5, recurrent_dropout=0.5, return_sequences=True)", "Dropout(0.5)"),
        ("Conv1D(4, 3)", "BatchNormalization()", "GRU(3)", "Dense(2)"),
        ("LSTM(4, stateful=True, return_sequences=True)", "TimeDistributed(Dense(1))"),
        ("Bidirectional(LSTM(3, return_sequences=True))", "LayerNormalization()", "Dense(1)"),
    ],
)
def test_the_shapes_hold_in_training(layers):
    """Each why is about the model as fit runs it: the training pass gives the same shapes,
    and one step of fit runs."""
    from rnnshape_docs.keras_models import build_model

    shape = (2, 6, 3)
    predicted = trace(list(layers), shape).outputs
    model = build_model(list(layers), shape)
    x = np.ones(shape, dtype="float32")
    assert (tuple(model(x, training=True).shape),) == predicted
    model.compile("sgd", "mse")
    model.fit(x, np.ones(predicted[0], dtype="float32"), batch_size=2, epochs=1, verbose=0)
