"""The rules for reshaping, 2-D convolution and pooling, normalization and ConvLSTM layers.

No Keras here: shapes a reader can check by hand, the reasons, and the refusals (each with
what is wrong and the fix). tests/test_agreement_layers.py checks the same layers against
real Keras.
"""

from __future__ import annotations

import pytest

from rnnshape_docs import rules
from rnnshape_docs.rules import Call, Refusal
from rnnshape_docs.shapes import ShapeError, trace
from rnnshape_docs.specs import KNOWN_LAYERS, SIGNATURES, SpecError, from_config, parse

NEW_LAYERS = (
    "Reshape",
    "Permute",
    "Conv2D",
    "MaxPooling2D",
    "AveragePooling1D",
    "AveragePooling2D",
    "GlobalAveragePooling2D",
    "GlobalMaxPooling2D",
    "LayerNormalization",
    "BatchNormalization",
    "Activation",
    "ZeroPadding1D",
    "Cropping1D",
    "UpSampling1D",
    "ConvLSTM1D",
    "ConvLSTM2D",
)


def parse_needs(name):
    return bool(SIGNATURES[name].required)


def test_every_known_layer_has_a_rule():
    assert set(NEW_LAYERS) <= set(KNOWN_LAYERS)
    for name in KNOWN_LAYERS:
        assert name in rules.SINGLE or name in rules.SEVERAL, name


def one(layer, shape):
    """The one step of a one-layer trace."""
    return trace([layer], shape).steps[0]


@pytest.mark.parametrize(
    ("layer", "shape", "expected"),
    [
        # a 28 x 28 image: valid padding loses kernel - 1 rows and columns
        ("Conv2D(8, 3)", (2, 28, 28, 1), (2, 26, 26, 8)),
        ("Conv2D(8, (3, 5), padding='same', strides=2)", (2, 28, 28, 1), (2, 14, 14, 8)),
        ("Conv2D(8, 3, dilation_rate=2)", (None, 28, 28, 1), (None, 24, 24, 8)),
        ("Conv2D(8, 3, data_format='channels_first')", (2, 1, 28, 28), (2, 8, 26, 26)),
        ("Conv2D(8, 3, padding='SAME')", (2, None, None, 3), (2, None, None, 8)),
        ("MaxPooling2D()", (2, 28, 28, 8), (2, 14, 14, 8)),
        ("MaxPooling2D(3, strides=2)", (2, 28, 28, 8), (2, 13, 13, 8)),
        ("AveragePooling2D((2, 4), padding='same')", (2, 7, 7, 8), (2, 4, 2, 8)),
        ("AveragePooling1D(2)", (2, 7, 3), (2, 3, 3)),
        ("AveragePooling1D(2, data_format='channels_first')", (2, 3, 7), (2, 3, 3)),
        ("GlobalAveragePooling2D()", (2, 7, 7, 8), (2, 8)),
        ("GlobalMaxPooling2D(keepdims=True)", (2, 7, 7, 8), (2, 1, 1, 8)),
        ("GlobalMaxPooling2D(data_format='channels_first')", (2, 8, 7, 7), (2, 8)),
        ("Flatten()", (2, 5, 4, 4, 3), (2, 240)),
        ("Reshape((4, 3))", (2, 12), (2, 4, 3)),
        ("Reshape((-1, 2))", (2, 4, 3), (2, 6, 2)),
        ("Reshape((6, 3))", (None, None, 3), (None, 6, 3)),
        ("Reshape((-1, 3))", (None, None, 3), (None, None, 3)),
        ("Permute((2, 1))", (2, 5, 3), (2, 3, 5)),
        ("Permute((3, 1, 2))", (2, 5, 4, 3), (2, 3, 5, 4)),
        ("ZeroPadding1D()", (2, 5, 3), (2, 7, 3)),
        ("ZeroPadding1D((0, 3), data_format='channels_first')", (2, 3, 5), (2, 3, 8)),
        ("Cropping1D((1, 2))", (2, 5, 3), (2, 2, 3)),
        ("Cropping1D()", (None, None, 3), (None, None, 3)),
        ("UpSampling1D(3)", (2, 5, 3), (2, 15, 3)),
        ("LayerNormalization()", (2, 5, 3), (2, 5, 3)),
        ("LayerNormalization(axis=(1, 2))", (2, 5, 3, 4), (2, 5, 3, 4)),
        ("LayerNormalization(center=False, scale=False)", (2, 5, None), (2, 5, None)),
        ("BatchNormalization(axis=1)", (2, 5, 3), (2, 5, 3)),
        ("Activation('tanh')", (2, 5, 3), (2, 5, 3)),
        ("Activation(None)", (2, 5, 3), (2, 5, 3)),
        ("Activation('glu')", (2, 5, 4), (2, 5, 2)),
    ],
)
def test_single_output_shapes(layer, shape, expected):
    assert one(layer, shape).outputs == (expected,)


def test_video_through_time_distributed_then_an_lstm():
    steps = trace(
        [
            "TimeDistributed(Conv2D(8, 3))",
            "TimeDistributed(MaxPooling2D())",
            "TimeDistributed(GlobalAveragePooling2D())",
            "LSTM(4)",
        ],
        (2, 10, 32, 32, 3),
    ).steps
    assert [s.outputs[0] for s in steps] == [
        (2, 10, 30, 30, 8),
        (2, 10, 15, 15, 8),
        (2, 10, 8),
        (2, 4),
    ]
    assert steps[0].why == (
        "applies Conv2D(8, 3) to each of the 10 time steps on its own: "
        "(2, 32, 32, 3) -> (2, 30, 30, 8) per step"
    )


def test_conv_lstm_outputs_in_keras_order():
    step = one("ConvLSTM2D(4, 3, return_sequences=True, return_state=True)", (2, 5, 8, 8, 3))
    assert step.outputs == ((2, 5, 6, 6, 4), (2, 6, 6, 4), (2, 6, 6, 4))
    assert step.names == ("output", "h", "c")
    assert one("ConvLSTM1D(2, 3, padding='same')", (None, None, 8, 3)).outputs == ((None, 8, 2),)
    assert one("ConvLSTM2D(2, 3, data_format='channels_first')", (2, 5, 3, 8, 8)).outputs == (
        (2, 2, 6, 6),
    )


def test_conv_lstm_initial_state():
    spec = parse("ConvLSTM2D(4, 3)")
    state = (2, 6, 6, 4)
    outputs, _names, why = rules.apply(
        spec, Call(((2, 5, 8, 8, 3),), {"initial_state": (state, state)})
    )
    assert outputs == ((2, 6, 6, 4),)
    assert why.endswith("starts from the given initial states h and c")
    # the input's grid, not the output's: Keras 3.15 builds this and fails when it runs
    with pytest.raises(Refusal, match=r"must be \(2, 6, 6, 4\).*fails only when it runs") as info:
        rules.apply(spec, Call(((2, 5, 8, 8, 3),), {"initial_state": ((2, 8, 8, 4), state)}))
    assert info.value.source == ("initial_state", 0)
    assert "padding='same' on both keeps the grid" in str(info.value)
    with pytest.raises(Refusal, match="give the layer that produces it 4 filters"):
        rules.apply(spec, Call(((2, 5, 8, 8, 3),), {"initial_state": ((2, 6, 6, 5), state)}))
    with pytest.raises(Refusal, match="keeps 2 states"):
        rules.apply(spec, Call(((2, 5, 8, 8, 3),), {"initial_state": (state,)}))


def test_bidirectional_conv_lstm():
    step = one("Bidirectional(ConvLSTM2D(3, 3, return_state=True))", (2, 4, 8, 8, 2))
    assert step.outputs == ((2, 6, 6, 6), *[(2, 6, 6, 3)] * 4)
    assert step.names == ("output", "h_fw", "c_fw", "h_bw", "c_bw")
    assert step.why.startswith("a forward and a backward ConvLSTM2D of 3 filters read")
    spec = parse("Bidirectional(ConvLSTM2D(3, 3))")
    good, wrong = (2, 6, 6, 3), (2, 8, 8, 3)
    with pytest.raises(Refusal, match="padding='same' on both") as info:
        rules.apply(spec, Call(((2, 4, 8, 8, 2),), {"initial_state": (good, good, wrong, good)}))
    assert info.value.source == ("initial_state", 2)  # the backward layer's h
    with pytest.raises(ShapeError, match=r"match but the last axis, got \(2, 6, 6, 3\) and"):
        trace(
            ["Bidirectional(ConvLSTM2D(3, 3), backward_layer=ConvLSTM2D(3, 5, go_backwards=True))"],
            (2, 4, 8, 8, 2),
        )


def test_bidirectional_gru_and_simple_rnn_state_names():
    gru = one("Bidirectional(GRU(3, return_state=True))", (2, 5, 4))
    assert gru.outputs == ((2, 6), (2, 3), (2, 3))
    assert gru.names == ("output", "h_fw", "h_bw")
    rnn = one("Bidirectional(SimpleRNN(3, return_sequences=True), merge_mode='sum')", (2, 5, 4))
    assert rnn.outputs == ((2, 5, 3),)


@pytest.mark.parametrize(
    ("layer", "shape", "why"),
    [
        (
            "Conv2D(8, 3, strides=2)",
            (2, 28, 28, 1),
            "slides a 3 x 3 kernel, stride 2 x 2, padding='valid': 28 x 28 -> 13 x 13; 8 filters",
        ),
        (
            "MaxPooling2D()",
            (2, 28, 28, 8),
            "keeps the maximum of each 2 x 2 window (stride 2 x 2): 28 x 28 -> 14 x 14",
        ),
        (
            "AveragePooling1D(2)",
            (2, 7, 3),
            "keeps the average of each window of 2 steps (stride 2): 7 -> 3",
        ),
        (
            "GlobalAveragePooling2D()",
            (2, 7, 7, 8),
            "averages over the 7 x 7 positions: one 8-wide vector per sample",
        ),
        (
            "Reshape((-1, 2))",
            (2, 4, 3),
            "rearranges the 4 x 3 = 12 values of each sample into (6, 2); -1 becomes 12 / 2 = 6",
        ),
        (
            "Permute((2, 1))",
            (2, 5, 3),
            "reorders the axes after the batch into the order 2, 1: (5, 3) -> (3, 5)",
        ),
        ("ZeroPadding1D(2)", (2, 5, 3), "adds 2 zero steps before and 2 after: 5 -> 9 steps"),
        (
            "Cropping1D()",
            (None, None, 3),
            (
                "drops 1 step at the start and 1 at the end: length stays unknown (it must be more "
                "than 2 when run)"
            ),
        ),
        ("UpSampling1D()", (2, 5, 3), "repeats each time step 2 times: 5 -> 10 steps"),
        (
            "Activation('relu')",
            (2, 5, 3),
            "applies relu to every value on its own; shape unchanged",
        ),
        (
            "Activation('softmax')",
            (2, 5, 3),
            "softmax over the last axis (3 values per position); shape unchanged",
        ),
        (
            "ConvLSTM2D(4, 3)",
            (2, 5, 8, 8, 3),
            (
                "return_sequences=False: only the last of the 5 steps is kept, a 4-channel grid "
                "(3 x 3 kernels, padding='valid': 8 x 8 -> 6 x 6)"
            ),
        ),
    ],
)
def test_reasons_are_one_plain_line(layer, shape, why):
    assert one(layer, shape).why == why


def test_glu_says_that_keras_symbolic_shape_differs():
    assert "symbolic shape still says 4" in one("Activation('glu')", (2, 4)).why


@pytest.mark.parametrize(
    ("layers", "shape", "says"),
    [
        # wrong rank, with the fix
        (["Conv2D(8, 3)"], (2, 28, 28), "add a channels axis of size 1: (2, 28, 28, 1)"),
        (["Conv2D(8, 3)"], (2, 5, 28, 28, 3), "wrap it: TimeDistributed(Conv2D(8, 3))"),
        (["MaxPooling2D()"], (2, 28, 28), "needs 4-D input"),
        (["GlobalMaxPooling2D()"], (2, 5, 3), "needs 4-D input"),
        (["TimeDistributed(Conv2D(8, 3))"], (2, 28, 28, 3), "given one time step (2, 28, 3)"),
        (["LSTM(4)", "AveragePooling1D(2)"], (2, 5, 3), "set return_sequences=True on layer 1"),
        (["GRU(4)", "Permute((2, 1))"], (2, 5, 3), "set return_sequences=True on layer 1"),
        (["LSTM(4)", "UpSampling1D()"], (2, 5, 3), "set return_sequences=True on layer 1"),
        (["LSTM(4)", "ZeroPadding1D()"], (2, 5, 3), "set return_sequences=True on layer 1"),
        (["LSTM(4)", "Cropping1D()"], (2, 5, 3), "set return_sequences=True on layer 1"),
        (
            ["ConvLSTM2D(4, 3)", "ConvLSTM2D(4, 3)"],
            (2, 5, 8, 8, 3),
            "set return_sequences=True on that one",
        ),
        (["ConvLSTM1D(4, 3)"], (2, 5, 8), "needs 4-D input (batch, time, steps, channels)"),
        # sizes that do not fit
        (["Conv2D(8, 7)"], (2, 6, 6, 3), "output size would be zero or negative"),
        (["Conv2D(8, 3)"], (2, 6, 6, None), "channels axis must be known"),
        (["Conv2D(8, 3, groups=3)"], (2, 6, 6, 4), "groups=3 must divide filters=8"),
        (["Conv2D(8, 3, padding='causal')"], (2, 6, 6, 3), "unknown padding 'causal'"),
        (["Conv2D(8, 3, strides=2, dilation_rate=2)"], (2, 9, 9, 3), "cannot be combined"),
        (["Conv2D(8, 2.0)"], (2, 6, 6, 3), "kernel_size must be a positive whole number"),
        (["Conv2D(8, (3, 3, 3))"], (2, 6, 6, 3), "kernel_size must be one whole number or 2"),
        (["MaxPooling2D(7)"], (2, 6, 6, 3), "the pool spans 7 x 7 but the input is only 6 x 6"),
        (["MaxPooling2D(2, strides=0)"], (2, 6, 6, 3), "strides must be a positive"),
        (["MaxPooling1D(2, padding='SAME')"], (2, 6, 3), "unknown padding 'SAME'"),
        (["AveragePooling2D()"], (2, 6, 6, 3), "needs pool_size"),
        (["Reshape((5, 3))"], (2, 12), "holds 15 values per sample but the input (2, 12) has 12"),
        (["Reshape((-1, 5))"], (2, 12), "cannot be split into parts of 5"),
        (["Reshape((4,))"], (None, None, 3), "fails when it runs"),
        (["Reshape((0, 3))"], (None, None, 3), "has a size 0"),
        (["Reshape((-1, -1))"], (2, 12), "-1 once"),
        (["Reshape(12)"], (2, 12), "write e.g. Reshape((12,))"),
        (["Reshape((2.0, 6))"], (2, 12), "must hold whole numbers"),
        (["Permute((1, 3))"], (2, 5, 3), "must name each of the axes 1 to 2 once"),
        (["Permute(1)"], (2, 5), "dims must be a tuple"),
        (["Permute((2, 1))"], (2, 5, 3, 4), "needs 3-D input"),
        (["Cropping1D(3)"], (2, 5, 3), "removes 6 steps but the input has only 5"),
        (["Cropping1D(-1)"], (2, 5, 3), "0 or more"),
        (["ZeroPadding1D(1.0)"], (2, 5, 3), "whole number of steps"),
        (["UpSampling1D(2.0)"], (2, 5, 3), "size must be a whole number"),
        (["UpSampling1D(True)"], (2, 5, 3), "size must be a whole number"),
        (["UpSampling1D(0)"], (2, 5, 3), "size must be a positive whole number"),
        (["LayerNormalization()"], (2, 5, None), "axis 2 of (2, 5, None) is None"),
        (["LayerNormalization(axis=3)"], (2, 5, 3), "axis=3 is out of range"),
        (["LayerNormalization(axis=(2, -1))"], (2, 5, 3), "names the same axis twice"),
        (["LayerNormalization(axis=1.0)"], (2, 5, 3), "axis must be a whole number"),
        (["BatchNormalization()"], (None, None), "axis 1 of (None, None) is None"),
        (["BatchNormalization(axis=-4)"], (2, 5, 3), "out of range"),
        (["BatchNormalization(axis=(1,))"], (2, 5, 3), "axis must be one whole number"),
        (["Activation('Relu')"], (2, 5), "did you mean 'relu'?"),
        (["Activation('glu')"], (2, 5), "odd size, 5"),
        (["ConvLSTM2D(4, 3)"], (2, 5, None, 8, 3), "only the batch and the time steps may be None"),
        (["ConvLSTM2D(4, 3)"], (2, 5, 8, 8, None), "only the batch and the time steps may be None"),
        (["ConvLSTM2D(0, 3)"], (2, 5, 8, 8, 3), "filters must be a positive whole number"),
        (["ConvLSTM2D(4, 9)"], (2, 5, 8, 8, 3), "output size would be zero or negative"),
        (["ConvLSTM1D(4, 3, padding='causal')"], (2, 5, 8, 3), "unknown padding 'causal'"),
        (["ConvLSTM1D(4, 3, stateful=True)"], (None, 5, 8, 3), "stateful=True needs a known batch"),
    ],
)
def test_refusals_say_what_to_change(layers, shape, says):
    with pytest.raises(ShapeError) as info:
        trace(layers, shape)
    assert says in str(info.value)


def test_glu_at_the_first_layer_and_after_a_dense():
    with pytest.raises(ShapeError, match=r"e\.g\. with Dense\(6\) before"):
        trace(["Dense(5)", "Activation('glu')"], (2, 3))


@pytest.mark.parametrize(
    ("class_name", "config", "text"),
    [
        # as a saved model's JSON holds them: lists, 2-D sizes as pairs, every argument
        ("Reshape", {"target_shape": [6]}, "Reshape((6,))"),
        ("Permute", {"dims": [2, 1]}, "Permute((2, 1))"),
        (
            "Conv2D",
            {
                "filters": 8,
                "kernel_size": [3, 3],
                "strides": [1, 1],
                "padding": "valid",
                "data_format": "channels_last",
                "dilation_rate": [1, 1],
                "groups": 1,
                "activation": "relu",
            },
            "Conv2D(8, (3, 3))",
        ),
        (
            "MaxPooling2D",
            {
                "pool_size": [2, 2],
                "strides": [2, 2],
                "padding": "valid",
                "data_format": "channels_last",
            },
            "MaxPooling2D((2, 2))",
        ),
        (
            "AveragePooling1D",
            {"pool_size": [3], "strides": [1], "padding": "same", "data_format": "channels_last"},
            "AveragePooling1D(3, strides=1, padding='same')",
        ),
        (
            "LayerNormalization",
            {"axis": [-1], "epsilon": 0.001, "center": True},
            "LayerNormalization()",
        ),
        ("BatchNormalization", {"axis": 1, "momentum": 0.9}, "BatchNormalization(axis=1)"),
        ("Activation", {"activation": "relu"}, "Activation('relu')"),
        ("ZeroPadding1D", {"padding": [1, 1], "data_format": "channels_last"}, "ZeroPadding1D()"),
        ("Cropping1D", {"cropping": [0, 2]}, "Cropping1D(cropping=(0, 2))"),
        ("UpSampling1D", {"size": 3}, "UpSampling1D(size=3)"),
        (
            "ConvLSTM2D",
            {
                "filters": 4,
                "kernel_size": [3, 3],
                "strides": [1, 1],
                "padding": "same",
                "data_format": "channels_last",
                "dilation_rate": [1, 1],
                "return_sequences": True,
                "return_state": False,
                "go_backwards": False,
                "stateful": False,
            },
            "ConvLSTM2D(4, (3, 3), padding='same', return_sequences=True)",
        ),
        (
            "ConvLSTM1D",
            {"filters": 4, "kernel_size": [3], "strides": [1], "dilation_rate": [2]},
            "ConvLSTM1D(4, 3, dilation_rate=2)",
        ),
        # get_config() holds tuples where the JSON has lists: read the same
        ("Conv2D", {"filters": 2, "kernel_size": (3, 3), "strides": (1, 1)}, "Conv2D(2, (3, 3))"),
        ("Reshape", {"target_shape": (6,)}, "Reshape((6,))"),
    ],
)
def test_from_config(class_name, config, text):
    assert from_config(class_name, config).text == text


@pytest.mark.parametrize("name", [n for n in NEW_LAYERS if parse_needs(n)])
def test_missing_argument_examples_parse(name):
    with pytest.raises(SpecError) as info:
        parse(f"{name}()")
    example = str(info.value).rsplit("e.g. ", 1)[1]
    assert parse(example).name == name
