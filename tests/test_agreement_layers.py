"""Reshaping, 2-D convolution and pooling, normalization and ConvLSTM layers agree with Keras.

As in test_agreement.py, Keras is the truth: each stack is built (and run on zeros when
every size is known) and the rules must give every layer's shapes, or refuse where Keras
refuses. Some stacks Keras builds and then fails on when run; the rules refuse those at the
layer at fault, and `assert_fails_when_run` shows that Keras does fail.
"""

from __future__ import annotations

import pytest

keras = pytest.importorskip("keras")
import numpy as np
from test_agreement import assert_agree  # tests/ is on sys.path, as for every test module

from rnnshape_docs import specs_catalog
from rnnshape_docs.keras_models import measure
from rnnshape_docs.rules.core import ACTIVATIONS
from rnnshape_docs.shapes import ShapeError, trace
from rnnshape_docs.specs import SHAPE_ARGS, from_config, parse

pytestmark = pytest.mark.keras

_built = iter(range(10**9))


@pytest.fixture(autouse=True)
def _fresh_keras():
    """Keep Keras's global state small (clearing is slow: not after every test)."""
    yield
    if next(_built) % 20 == 19:
        keras.backend.clear_session()


STACKS = [
    # images, and the CNN in front of an RNN
    (["Conv2D(4, 3)", "MaxPooling2D()", "GlobalAveragePooling2D()"], (2, 12, 12, 3)),
    (["Conv2D(4, (3, 5), strides=2, padding='same')", "AveragePooling2D(2)"], (2, 9, 9, 3)),
    (
        ["Conv2D(4, 3, dilation_rate=2, groups=2)", "GlobalMaxPooling2D(keepdims=True)"],
        (2, 9, 9, 2),
    ),
    (["Conv2D(4, 3)", "Flatten()", "RepeatVector(3)", "LSTM(2)"], (None, 8, 8, 1)),
    (["Conv2D(4, 3, padding='SAME')", "MaxPooling2D(3, strides=1)"], (None, None, None, 3)),
    # a video: TimeDistributed CNN, then an LSTM
    (
        [
            "TimeDistributed(Conv2D(4, 3))",
            "TimeDistributed(MaxPooling2D())",
            "TimeDistributed(Flatten())",
            "LSTM(3)",
        ],
        (2, 4, 8, 8, 3),
    ),
    (
        ["TimeDistributed(Conv2D(4, 3, padding='same'))", "TimeDistributed(GlobalMaxPooling2D())"],
        (None, None, 8, 8, 3),
    ),
    # the time axis: pooling, padding, cropping, repeating, around RNNs
    (["AveragePooling1D(2)", "ZeroPadding1D((1, 2))", "GRU(3, return_sequences=True)"], (2, 7, 3)),
    (["LSTM(3, return_sequences=True)", "Cropping1D((1, 2))", "UpSampling1D(3)"], (None, 6, 2)),
    (["Cropping1D(2)", "UpSampling1D()", "SimpleRNN(2)"], (None, None, 3)),
    # reshaping
    (["Reshape((4, 3))", "LSTM(2)"], (2, 12)),
    (["LSTM(6)", "Reshape((-1, 2))", "GRU(2)"], (None, 5, 3)),
    (["Reshape((-1, 3))", "Permute((2, 1))"], (None, None, 3)),
    (["Permute((2, 1))", "LSTM(2)"], (2, 5, 3)),
    (["Permute((3, 1, 2))", "Flatten()"], (2, 5, 4, 3)),
    # normalization and activations
    (
        ["LSTM(4, return_sequences=True)", "LayerNormalization()", "Activation('tanh')"],
        (None, 5, 3),
    ),
    (["LayerNormalization(axis=(1, 2))", "BatchNormalization(axis=1)"], (2, 5, 3)),
    (["BatchNormalization()", "GRU(2)", "Activation('softmax')"], (None, None, 3)),
    (["LayerNormalization(center=False, scale=False)"], (2, 5, None)),
    (["Activation('glu')"], (2, 5, 4)),
    # ConvLSTM
    (["ConvLSTM2D(3, 3, return_sequences=True)", "ConvLSTM2D(2, 3)", "Flatten()"], (2, 4, 8, 8, 2)),
    (["ConvLSTM2D(3, 3, return_state=True)"], (2, 4, 8, 8, 2)),
    (["ConvLSTM2D(3, 3, strides=2, padding='same', return_sequences=True)"], (None, None, 9, 9, 2)),
    (
        ["ConvLSTM1D(3, 3, dilation_rate=2, return_sequences=True)", "TimeDistributed(Flatten())"],
        (2, 4, 9, 2),
    ),
    (["ConvLSTM1D(3, 3, go_backwards=True, stateful=True)"], (2, 4, 9, 2)),
    # Bidirectional ConvLSTM (Keras joins the last axes, also for channels_first)
    (
        [
            "Bidirectional(ConvLSTM2D(3, 3, return_sequences=True))",
            "TimeDistributed(GlobalAveragePooling2D())",
        ],
        (2, 4, 8, 8, 2),
    ),
    (["Bidirectional(ConvLSTM1D(3, 3, return_state=True), merge_mode='sum')"], (None, None, 8, 2)),
    (["Bidirectional(ConvLSTM2D(2, 3, data_format='channels_first'))"], (2, 4, 2, 8, 8)),
    (
        ["Bidirectional(ConvLSTM2D(3, 3), backward_layer=ConvLSTM2D(2, 3, go_backwards=True))"],
        (2, 4, 8, 8, 2),
    ),
    # Bidirectional around GRU and SimpleRNN, after a CNN
    (
        [
            "Conv1D(4, 3)",
            "Bidirectional(GRU(3, return_sequences=True))",
            "Bidirectional(SimpleRNN(2))",
        ],
        (2, 9, 2),
    ),
]


# Stacks Keras refuses when it builds them (or, with every size known, when it runs them).
REFUSED = [
    (["Conv2D(4, 7)"], (2, 6, 6, 3)),
    (["Conv2D(4, 3, groups=2)"], (2, 6, 6, 3)),
    (["MaxPooling2D(2, padding='SAME')"], (2, 6, 6, 3)),
    (["MaxPooling2D(2, strides=0)"], (2, 6, 6, 3)),
    (["GlobalAveragePooling2D()"], (2, 6, 3)),
    (["TimeDistributed(Conv2D(4, 3))"], (2, 8, 8, 3)),
    (["LSTM(3)", "UpSampling1D()"], (2, 5, 3)),
    (["Cropping1D(3)"], (2, 5, 3)),
    (["UpSampling1D(2.0)"], (2, 5, 3)),
    (["Reshape((5, 3))"], (2, 12)),
    (["Reshape((-1, 5))"], (2, 12)),
    (["LSTM(4)", "Permute((2, 1))"], (2, 5, 3)),
    (["LayerNormalization()"], (2, 5, None)),
    (["BatchNormalization(axis=3)"], (2, 5, 3)),
    (["Activation('Relu')"], (2, 5)),
    (["Activation('glu')"], (2, 5, 5)),
    (["ConvLSTM2D(3, 3)", "ConvLSTM2D(2, 3)"], (2, 4, 8, 8, 2)),
    (["ConvLSTM2D(3, 3)"], (2, 4, None, 8, 2)),
    (["ConvLSTM2D(3, 9)"], (2, 4, 8, 8, 2)),
    (["ConvLSTM1D(3, 3, stateful=True)"], (None, 4, 9, 2)),
    (["ConvLSTM1D(3, 3, padding='causal')"], (2, 4, 9, 2)),
]


@pytest.mark.parametrize(("layers", "shape"), STACKS, ids=lambda v: str(v))
def test_stack(layers, shape):
    assert assert_agree(layers, shape) is not None, "rules and Keras both refuse"


@pytest.mark.parametrize(("layers", "shape"), REFUSED, ids=lambda v: str(v))
def test_refused_by_both(layers, shape):
    assert assert_agree(layers, shape) is None, "rules and Keras both accept"


@pytest.mark.parametrize(
    "layers",
    [
        [
            "Conv2D(4, 3, data_format='channels_first')",
            "MaxPooling2D(data_format='channels_first')",
        ],
        [
            "AveragePooling2D(2, data_format='channels_first')",
            "GlobalAveragePooling2D(data_format='channels_first')",
        ],
        [
            "ZeroPadding1D(2, data_format='channels_first')",
            "AveragePooling1D(2, data_format='channels_first')",
        ],
    ],
    ids=str,
)
def test_channels_first(layers):
    # Keras 3.15 on TensorFlow runs these on the CPU too (pooling by transposing to
    # channels_last), so they are compared on zeros, not only symbolically
    shape = (2, 3, 8) if "1D" in layers[0] else (2, 3, 8, 8)
    assert assert_agree(layers, shape) is not None


def test_conv_lstm_channels_first():
    layer = "ConvLSTM2D(2, 3, data_format='channels_first', return_state=True)"
    assert assert_agree([layer], (2, 4, 3, 8, 8)) is not None


def assert_fails_when_run(layers, shape):
    """Keras builds the stack, then fails on zeros; the rules refuse it up front."""
    with pytest.raises(ShapeError):
        trace(layers, shape)
    symbolic = measure(layers, shape, run=False)  # builds: no exception
    assert symbolic
    known = tuple(3 if s is None else s for s in shape)
    with pytest.raises(Exception):  # noqa: B017, PT011 (whatever the backend raises)
        measure(layers, known, run=True)


@pytest.mark.parametrize(
    ("layers", "shape"),
    [
        (["ConvLSTM2D(0, 3)"], (2, 4, 8, 8, 2)),
        (["LayerNormalization(axis=(2, -1))"], (2, 5, 3)),
        (["Reshape((4,))"], (None, None, 3)),  # no number of steps gives 4 values
        (["Reshape((0, 3))"], (None, None, 3)),
        (["Activation('glu')"], (2, None, 5)),
        # Keras sizes the merge from the forward layer alone
        (
            ["Bidirectional(ConvLSTM2D(3, 3), backward_layer=ConvLSTM2D(3, 5, go_backwards=True))"],
            (2, 4, 8, 8, 2),
        ),
    ],
    ids=str,
)
def test_built_but_fails_when_run(layers, shape):
    assert_fails_when_run(layers, shape)


def test_glu_symbolic_shape_is_not_what_it_returns():
    # Keras 3.15's build says (2, 4); a run gives (2, 2), as the rules do; a Dense after it
    # is built for 4 features and fails when run.
    assert measure(["Activation('glu')"], (2, 4), run=False) == [((2, 4),)]
    assert measure(["Activation('glu')"], (2, 4), run=True) == [((2, 2),)]
    assert trace(["Activation('glu')"], (2, 4)).outputs == ((2, 2),)
    with pytest.raises(Exception):  # noqa: B017, PT011
        measure(["Activation('glu')", "Dense(3)"], (2, 4), run=True)


def _conv_lstm_with_states(state_shape):
    sequence = keras.Input(batch_shape=(2, 4, 8, 8, 2))
    h, c = keras.Input(batch_shape=state_shape), keras.Input(batch_shape=state_shape)
    out = keras.layers.ConvLSTM2D(3, 3)(sequence, initial_state=[h, c])
    model = keras.Model([sequence, h, c], out)
    zeros = [np.zeros(t.shape, "float32") for t in (sequence, h, c)]
    return tuple(out.shape), model, zeros


def test_conv_lstm_initial_state_agrees():
    from rnnshape_docs import rules
    from rnnshape_docs.rules import Call, Refusal

    spec = parse("ConvLSTM2D(3, 3)")
    good = (2, 6, 6, 3)
    symbolic, model, zeros = _conv_lstm_with_states(good)
    outputs = rules.apply(spec, Call(((2, 4, 8, 8, 2),), {"initial_state": (good, good)}))[0]
    assert outputs == (symbolic,) == (tuple(model(zeros).shape),)
    # the input's grid instead of the output's: Keras builds, then fails when run
    wrong = (2, 8, 8, 3)
    with pytest.raises(Refusal, match="fails only when it runs"):
        rules.apply(spec, Call(((2, 4, 8, 8, 2),), {"initial_state": (wrong, wrong)}))
    _symbolic, model, zeros = _conv_lstm_with_states(wrong)
    with pytest.raises(Exception):  # noqa: B017, PT011
        model(zeros)


def test_activation_names_are_keras_names():
    from keras.src.activations import ALL_OBJECTS_DICT

    assert set(ALL_OBJECTS_DICT) == ACTIVATIONS


# A real Keras layer's config, read back into a spec, traces to what Keras gives.
ROUND_TRIP = [
    ("Reshape((6,))", (2, 2, 3)),
    ("Permute((2, 1))", (2, 5, 3)),
    ("Conv2D(4, 3, strides=2, padding='same', groups=2)", (2, 9, 9, 2)),
    ("MaxPooling2D((2, 3), strides=1)", (2, 6, 6, 2)),
    ("AveragePooling1D(3, padding='same')", (2, 7, 2)),
    ("AveragePooling2D(2, data_format='channels_first')", (2, 2, 6, 6)),
    ("GlobalMaxPooling2D(keepdims=True)", (2, 6, 6, 2)),
    ("LayerNormalization(axis=(1, 2), center=False)", (2, 5, 3)),
    ("BatchNormalization(axis=1)", (2, 5, 3)),
    ("Activation('softmax')", (2, 5, 3)),
    ("ZeroPadding1D((0, 2))", (2, 5, 3)),
    ("Cropping1D((2, 1))", (2, 5, 3)),
    ("UpSampling1D(3)", (2, 5, 3)),
    ("ConvLSTM1D(3, 3, dilation_rate=2, return_sequences=True)", (2, 4, 9, 2)),
    ("ConvLSTM2D(3, (3, 2), padding='same', return_state=True)", (2, 4, 8, 8, 2)),
    ("TimeDistributed(Conv2D(4, 3))", (2, 4, 8, 8, 3)),
    ("Bidirectional(GRU(3, return_state=True))", (2, 5, 3)),
    ("Bidirectional(ConvLSTM2D(3, 3, return_sequences=True), merge_mode='mul')", (2, 4, 8, 8, 2)),
    ("Bidirectional(SimpleRNN(3, return_sequences=True), merge_mode='ave')", (2, 5, 3)),
]


@pytest.mark.parametrize(("text", "shape"), ROUND_TRIP, ids=str)
def test_config_round_trip(text, shape):
    from rnnshape_docs.keras_models import to_keras_layer

    layer = to_keras_layer(text)
    measured = measure([text], shape)  # builds another copy and runs it on zeros
    layer(keras.Input(batch_shape=shape))  # built, as in a saved model
    spec = from_config(type(layer).__name__, layer.get_config())
    assert trace([spec], shape).outputs == measured[0], spec.text


# --------------------------------------------------------------------------- whole models

L = keras.layers


def video_classifier():
    frames = keras.Input((4, 16, 16, 3))
    x = L.TimeDistributed(L.Conv2D(4, 3, activation="relu"))(frames)
    x = L.TimeDistributed(L.MaxPooling2D())(x)
    x = L.TimeDistributed(L.Flatten())(x)
    return keras.Model(frames, L.Dense(2)(L.LSTM(8)(x)))


def conv_lstm_encoder_decoder():
    past, future = keras.Input((4, 8, 8, 2)), keras.Input((3, 8, 8, 2))
    _, h, c = L.ConvLSTM2D(3, 3, padding="same", return_state=True)(past)
    x = L.ConvLSTM2D(3, 3, padding="same", return_sequences=True)(future, initial_state=[h, c])
    x = L.BatchNormalization()(x)
    return keras.Model([past, future], L.TimeDistributed(L.Conv2D(1, 1))(x))


def image_rows_as_time_steps():
    image = keras.Input((28, 28, 1))
    x = L.MaxPooling2D()(L.Conv2D(8, 3)(image))  # (13, 13, 8)
    x = L.Reshape((13, -1))(L.Permute((2, 1, 3))(x))  # columns as time steps
    x = L.Bidirectional(L.GRU(4))(x)
    return keras.Model(image, L.Activation("softmax")(L.Dense(3)(x)))


def time_axis_layers():
    series = keras.Input((None, 3))
    x = L.Conv1D(4, 3)(L.ZeroPadding1D((2, 0))(series))
    x = L.UpSampling1D()(L.LayerNormalization()(L.AveragePooling1D(2)(x)))
    x = L.Bidirectional(L.SimpleRNN(4, return_sequences=True))(L.Cropping1D((1, 0))(x))
    pooled = L.GlobalAveragePooling1D()(x)
    return keras.Model(series, [x, pooled])


def conv_lstm1d_to_images():
    signals = keras.Input((5, 12, 2))
    x = L.ConvLSTM1D(4, 3, return_sequences=True)(signals)  # (5, 10, 4): each step is a row
    image = L.Reshape((5, 10, 4))(x)
    x = L.GlobalMaxPooling2D()(L.AveragePooling2D(2, padding="same")(image))
    return keras.Model(signals, x)


MODELS = {
    "video: TimeDistributed CNN then LSTM": video_classifier,
    "ConvLSTM2D encoder-decoder with initial_state": conv_lstm_encoder_decoder,
    "image columns as time steps: Permute, Reshape, Bidirectional GRU": image_rows_as_time_steps,
    "padding, pooling, normalizing and cropping the time axis": time_axis_layers,
    "ConvLSTM1D output as an image": conv_lstm1d_to_images,
}


@pytest.mark.parametrize("name", MODELS)
def test_models_as_files_agree_with_keras(name, tmp_path):
    # As in test_agreement_models.py: rules vs a real run, then the saved files traced
    from rnnshape_docs import trace_model
    from rnnshape_docs.graph import trace_config
    from rnnshape_docs.keras_models import _run_shapes, check_model, measure_model
    from rnnshape_docs.model_files import read_config, trace_file

    keras.backend.clear_session()
    model = MODELS[name]()
    check_model(model)
    live = trace_model(model)
    model.save(tmp_path / "model.keras")
    (tmp_path / "model.json").write_text(model.to_json())
    for path in (tmp_path / "model.keras", tmp_path / "model.json"):
        assert trace_file(path).steps == live.steps, path.name
    config = read_config((tmp_path / "model.keras").read_bytes(), "model.keras")
    at_run = trace_config(config, input_shapes=_run_shapes(model))
    assert {(n, c): o for n, c, o in at_run.calls} == measure_model(model)


def test_conv_lstm_state_of_the_input_grid_is_refused_before_keras_fails_at_run():
    from rnnshape_docs import trace_model

    past, future = keras.Input((4, 8, 8, 2)), keras.Input((3, 8, 8, 2))
    _, h, c = L.ConvLSTM2D(3, 3, padding="same", return_state=True, name="encoder")(past)
    # valid padding: the decoder's steps are 6 x 6, the encoder's states 8 x 8
    seq = L.ConvLSTM2D(3, 3, return_sequences=True, name="decoder")(future, initial_state=[h, c])
    model = keras.Model([past, future], seq)  # Keras builds it
    with pytest.raises(ShapeError) as refused:
        trace_model(model)
    message = str(refused.value)
    assert "'decoder'" in message
    assert "(None, 6, 6, 3)" in message
    assert "'encoder'" in message
    with pytest.raises(Exception):  # noqa: B017, PT011
        model([np.zeros((2, 4, 8, 8, 2), "float32"), np.zeros((2, 3, 8, 8, 2), "float32")])


# --- Keras's defaults that change shapes: one definition, specs.SHAPE_ARGS ------------------
# A value for each argument Keras requires (the others keep Keras's defaults).
_REQUIRED = {
    "units": 2,
    "n": 2,
    "rate": 0.1,
    "input_dim": 5,
    "output_dim": 2,
    "filters": 2,
    "pool_size": 2,
    "kernel_size": 2,
    "axes": 1,
    "num_heads": 2,
    "key_dim": 2,
    "target_shape": (2,),
    "dims": (1,),
    "activation": "relu",
}


# (the layers of specs_catalog, issue 24: tests/test_agreement_catalog.py)
@pytest.mark.parametrize(
    "name", sorted(set(SHAPE_ARGS) - set(specs_catalog.SHAPE_ARGS) - set(specs_catalog.ALIASES))
)
def test_the_defaults_the_rules_read_are_kerass_own(name):
    """A layer built with Keras's defaults reads back with none of its shape arguments
    written: every default in SHAPE_ARGS (which the rules read through LayerSpec.get) is
    the value Keras itself stores."""
    import inspect

    cls = getattr(keras.layers, name)
    required = {
        p.name: keras.layers.LSTM(2) if p.name == "layer" else _REQUIRED[p.name]
        for p in list(inspect.signature(cls.__init__).parameters.values())[1:]
        if p.default is inspect.Parameter.empty
        and p.kind not in (inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)
    }
    spec = from_config(name, cls(**required).get_config())
    defaults = SHAPE_ARGS[name][1]
    assert not set(spec.params) & set(defaults), spec.text
    for key, default in defaults.items():
        assert spec.get(key) == default
