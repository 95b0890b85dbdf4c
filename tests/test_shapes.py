"""The pure shape rules: shapes, reasons and errors (no Keras needed).

Agreement with real Keras models is tested in test_agreement.py; here the rules' own
contract is pinned: Keras's output order, the wording of reasons, and errors that name the
layer and the fix.
"""

from __future__ import annotations

import json

import pytest

from rnnshape_docs import ShapeError, Step, Trace, trace
from rnnshape_docs.shapes import parse_shape


def outputs(layers, shape):
    return [s.outputs for s in trace(layers, shape).steps]


# --------------------------------------------------------------------------- recurrent


@pytest.mark.parametrize(
    ("layer", "expected"),
    [
        ("SimpleRNN(4)", ((2, 4),)),
        ("SimpleRNN(4, return_sequences=True)", ((2, 7, 4),)),
        ("SimpleRNN(4, return_state=True)", ((2, 4), (2, 4))),
        ("LSTM(4, return_state=True)", ((2, 4), (2, 4), (2, 4))),
        ("LSTM(4, return_sequences=True, return_state=True)", ((2, 7, 4), (2, 4), (2, 4))),
        ("GRU(4, return_sequences=True, return_state=True)", ((2, 7, 4), (2, 4))),
        ("GRU(4, go_backwards=True)", ((2, 4),)),
        ("LSTM(4, stateful=True)", ((2, 4),)),
    ],
)
def test_recurrent_outputs_in_keras_order(layer, expected):
    assert trace([layer], (2, 7, 3)).outputs == expected


def test_state_names():
    step = trace(["LSTM(4, return_state=True)"], (2, 7, 3)).steps[0]
    assert step.names == ("output", "h", "c")
    assert trace(["GRU(4, return_state=True)"], (2, 7, 3)).steps[0].names == ("output", "h")


def test_unknown_sizes_flow_through():
    assert outputs(
        ["SimpleRNN(40, return_sequences=True)", "SimpleRNN(40)", "Dense(1)"], (None, None, 1)
    ) == [((None, None, 40),), ((None, 40),), ((None, 1),)]


def test_reasons_are_one_plain_line():
    steps = trace(["LSTM(4, return_sequences=True)", "LSTM(8, return_state=True)"], (2, 7, 3)).steps
    assert steps[0].why == "return_sequences=True: one 4-wide output for each of the 7 time steps"
    assert steps[1].why.startswith(
        "return_sequences=False: only the last of the 7 outputs is kept, 8 wide"
    )
    assert "return_state=True adds the final states h and c" in steps[1].why
    assert all("\n" not in s.why for s in steps)


# --------------------------------------------------------------------------- Bidirectional


@pytest.mark.parametrize(
    ("merge_mode", "expected"),
    [
        ("'concat'", ((2, 8),)),
        ("'sum'", ((2, 4),)),
        ("'mul'", ((2, 4),)),
        ("'ave'", ((2, 4),)),
        ("None", ((2, 4), (2, 4))),
    ],
)
def test_bidirectional_merge_modes(merge_mode, expected):
    assert trace([f"Bidirectional(LSTM(4), merge_mode={merge_mode})"], (2, 7, 3)).outputs == (
        expected
    )


def test_bidirectional_states_forward_first_then_backward():
    step = trace(["Bidirectional(LSTM(4, return_state=True))"], (2, 7, 3)).steps[0]
    assert step.outputs == ((2, 8), (2, 4), (2, 4), (2, 4), (2, 4))
    assert step.names == ("output", "h_fw", "c_fw", "h_bw", "c_bw")
    step = trace(
        ["Bidirectional(GRU(8, return_state=True, return_sequences=True), merge_mode=None)"],
        (None, 5, 3),
    ).steps[0]
    assert step.outputs == ((None, 5, 8), (None, 5, 8), (None, 8), (None, 8))
    assert step.names == ("forward", "backward", "h_fw", "h_bw")


# --------------------------------------------------------------------------- other layers


@pytest.mark.parametrize(
    ("layers", "shape", "expected"),
    [
        (["TimeDistributed(Dense(3))"], (2, 7, 5), (2, 7, 3)),
        (["TimeDistributed(LSTM(3))"], (2, 7, 4, 5), (2, 7, 3)),
        (["TimeDistributed(Flatten())"], (None, None, 4, 5), (None, None, 20)),
        (["Dense(3)"], (2, 5), (2, 3)),
        (["Dense(3)"], (2, 7, 5), (2, 7, 3)),
        (["RepeatVector(3)"], (2, 5), (2, 3, 5)),
        (["Masking()"], (2, 7, 5), (2, 7, 5)),
        (["Dropout(0.5)"], (2, 7, 5), (2, 7, 5)),
        (["Flatten()"], (2, 7, 5), (2, 35)),
        (["Flatten()"], (2, None, 5), (2, None)),
        (["Flatten()"], (2,), (2, 1)),
        (["GlobalAveragePooling1D()"], (2, 7, 5), (2, 5)),
        (["GlobalMaxPooling1D(keepdims=True)"], (2, 7, 5), (2, 1, 5)),
        (["GlobalMaxPooling1D(data_format='channels_first')"], (2, 7, 5), (2, 7)),
        (["Embedding(100, 8)"], (2, 7), (2, 7, 8)),
        (["Conv1D(4, 3)"], (2, 10, 3), (2, 8, 4)),
        (["Conv1D(4, 3, padding='same', strides=2)"], (2, 10, 3), (2, 5, 4)),
        (["Conv1D(4, 3, padding='causal')"], (2, 10, 3), (2, 10, 4)),
        (["Conv1D(4, 3, dilation_rate=2)"], (2, 10, 3), (2, 6, 4)),
        (["Conv1D(4, 3, strides=3)"], (2, 10, 3), (2, 3, 4)),
        (["Conv1D(4, 3)"], (None, None, 3), (None, None, 4)),
        (["Conv1D(4, 3, data_format='channels_first')"], (2, 10, 3), (2, 4, 1)),
        (["MaxPooling1D()"], (2, 10, 3), (2, 5, 3)),
        (["MaxPooling1D(3, strides=2, padding='same')"], (2, 11, 3), (2, 6, 3)),
        (["MaxPooling1D(3, strides=1)"], (2, 11, 3), (2, 9, 3)),
    ],
)
def test_layer_rules(layers, shape, expected):
    assert trace(layers, shape).outputs == (expected,)


# --------------------------------------------------------------------------- errors


def refusal(layers, shape) -> ShapeError:
    with pytest.raises(ShapeError) as info:
        trace(layers, shape)
    return info.value


def test_the_classic_mistake_names_the_earlier_layer_and_the_fix():
    err = refusal(["LSTM(4)", "LSTM(8)", "Dense(1)"], (2, 7, 3))
    assert err.index == 1
    assert err.layer == err.text == "LSTM(8)"
    message = str(err)
    assert message.startswith("layer 2, LSTM(8): a recurrent layer needs 3-D input")
    assert "set return_sequences=True on layer 1" in message
    assert "(2, 7, 4)" in message  # what the fixed layer would pass on


def test_the_classic_mistake_after_bidirectional():
    message = str(refusal(["Bidirectional(GRU(4))", "GRU(8)"], (2, 7, 3)))
    assert "set return_sequences=True on the GRU inside layer 1" in message
    assert "(2, 7, 8)" in message


@pytest.mark.parametrize(
    ("layers", "shape", "says"),
    [
        (["LSTM(4)"], (2, 7), "(batch, time steps, features)"),
        (["LSTM(4)"], (2, 7), "add a features axis of size 1: (2, 7, 1)"),
        (["GRU(4)"], (2, 7, 3, 1), "gets 4-D (2, 7, 3, 1)"),
        (["GRU(4)"], (2, 7, 3, 2), "flatten each step into its features: "),
        (["GRU(4)"], (2, 7, 3, 2), "TimeDistributed(Flatten()) gives (2, 7, 6)"),
        (["LSTM(4)"], (2, 7, 3, None), "needs its sizes known, not (3, None)"),
        (["LSTM(4)"], (5,), "gets 1-D (5,); give each sample its time steps and features"),
        (
            ["ConvLSTM2D(4, 3)", "LSTM(4)"],
            (2, 10, 8, 8, 1),
            (
                "gets 4-D (2, 6, 6, 4); layer 1, ConvLSTM2D(4, 3), passes on only its last output "
                "(2, 6, 6, 4): set return_sequences=True on layer 1 so it passes on one output per "
                "time step, (2, 10, 6, 6, 4)"
            ),
        ),
        (
            ["ConvLSTM2D(4, 3, return_sequences=True)", "LSTM(4)"],
            (2, 10, 8, 8, 1),
            (
                "gets 5-D (2, 10, 6, 6, 4); to read axis 1 as the time steps, flatten each step "
                "into its features: TimeDistributed(Flatten()) gives (2, 10, 144)"
            ),
        ),
        (
            ["ConvLSTM1D(4, 3, return_sequences=True)", "Bidirectional(GRU(2))"],
            (2, 10, 8, 1),
            (
                "(wrapped GRU(2)) a recurrent layer needs 3-D input (batch, time steps, features) "
                "but gets 4-D (2, 10, 6, 4); to read axis 1 as the time steps, flatten each step "
                "into its features: TimeDistributed(Flatten()) gives (2, 10, 24)"
            ),
        ),
        (
            ["Conv2D(8, 3)", "LSTM(4)"],
            (2, 12, 12, 1),
            "TimeDistributed(Flatten()) gives (2, 10, 80)",
        ),
        (["LSTM(4)", "Dense(2)", "GRU(3)"], (2, 7, 3), "set return_sequences=True on layer 1"),
        (["LSTM(0)"], (2, 7, 3), "units must be a positive whole number, got 0"),
        (["SimpleRNN(-3)"], (2, 7, 3), "units must be a positive whole number"),
        (["Dense(2.5)"], (2, 7), "units must be a positive whole number"),
        (["Bidirectional(LSTM(4), merge_mode='max')"], (2, 7, 3), "unknown merge_mode 'max'"),
        (["Bidirectional(Dense(4))"], (2, 7, 3), "wraps a recurrent layer"),
        (["LSTM(4, stateful=True)"], (None, 7, 3), "stateful=True needs a known batch size"),
        (["LSTM(4, return_state=True)", "Dense(1)"], (2, 7, 3), "cannot continue after layer 1"),
        (["Bidirectional(LSTM(4), merge_mode=None)", "Dense(1)"], (2, 7, 3), "2 tensors"),
        (["Conv4D(4, 3)"], (2, 7, 3), "layer 1: 'Conv4D(...)' is not a layer rnnshape knows"),
        (["LSTM(4, return_sequnces=True)"], (2, 7, 3), "no keyword 'return_sequnces'"),
        (["Bidirectional(LSTM(4), backward_layer=LSTM(3))"], (2, 7, 3), "go_backwards=True"),
        (["TimeDistributed(Dense(3))"], (2, 7), "at least 3 axes"),
        (["RepeatVector(3)"], (2, 7, 3), "RepeatVector needs 2-D input"),
        (["Dense(3)"], (2, 7, None), "last axis must be known"),
        (["Conv1D(4, 6)"], (2, 5, 3), "kernel spans 6 steps"),
        (["Conv1D(4, 3, strides=2, dilation_rate=2)"], (2, 9, 3), "cannot be combined"),
        (["Conv1D(4, 3, padding='full')"], (2, 9, 3), "unknown padding 'full'"),
        (["MaxPooling1D(3)"], (2, 2, 3), "pool spans 3 steps"),
        (["GlobalMaxPooling1D()"], (2, 7), "needs 3-D input"),
        (["Dropout(1.5)"], (2, 7), "between 0 and 1"),
    ],
)
def test_errors_name_the_layer_and_the_fix(layers, shape, says):
    message = str(refusal(layers, shape))
    assert says in message
    assert message.startswith("layer ")


@pytest.mark.parametrize(
    "shape", [(), (2, 0, 3), (2, -1, 3), (2, 5.0, 3), (True, 5, 3), "2,x,3", "", 7]
)
def test_malformed_input_shapes(shape):
    err = refusal(["LSTM(4)"], shape)
    assert err.index is None


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        ("2,5,3", (2, 5, 3)),
        ("None,None,1", (None, None, 1)),
        ("(None, 7, 3)", (None, 7, 3)),
        ("[1,7,3]", (1, 7, 3)),
        ("32", (32,)),
    ],
)
def test_parse_shape(text, shape):
    assert parse_shape(text) == shape


# --------------------------------------------------------------------------- Trace API


def test_trace_objects_and_json():
    result = trace(["LSTM(4, return_state=True)"], [None, 7, 3])
    assert isinstance(result, Trace)
    assert result.input == (None, 7, 3)
    assert isinstance(result.steps[0], Step)
    assert result.steps[0].spec.name == "LSTM"
    data = json.loads(json.dumps(result.to_json()))
    assert data == {
        "input": [None, 7, 3],
        "layers": [
            {
                "layer": "LSTM(4, return_state=True)",
                "input": [None, 7, 3],
                "outputs": [[None, 4], [None, 4], [None, 4]],
                "why": (
                    "return_sequences=False: only the last of the 7 outputs is kept, 4 wide; "
                    "return_state=True adds the final states h and c"
                ),
                "params": {"total": 128, "trainable": 128, "non_trainable": 0},
                "mask": {"in": False, "out": [False, False, False], "note": ""},
            }
        ],
        "outputs": [[None, 4], [None, 4], [None, 4]],
        "params": {"total": 128, "trainable": 128, "non_trainable": 0},
    }


def test_rows_give_parameters_and_masks():
    """Counts as Keras's count_params() (proven by keras_models.check_model on every model
    the agreement suites and the book check); masks as Keras 3 propagates them."""
    layers = ["Embedding(50, 8, mask_zero=True)", "LSTM(4, return_sequences=True)"]
    layers += ["Flatten()", "Dense(1, trainable=False)"]
    result = trace(layers, (None, 6))
    assert [s.params for s in result.steps] == [(400, 0), (208, 0), (0, 0), (0, 25)]
    assert [s.mask for s in result.steps] == [
        "made here", "used, passed on", "dropped (Keras warns)", ""
    ]  # fmt: skip
    assert [s.mask_in for s in result.steps] == [False, True, True, False]
    text = str(result)
    assert text.splitlines()[-1] == "parameters: 633 (trainable 608, non-trainable 25)"
    assert "; mask: dropped (Keras warns)" in " ".join(text.split())


def test_an_empty_stack_outputs_its_input():
    assert trace([], (2, 5, 3)).outputs == ((2, 5, 3),)


def test_a_single_layer_may_be_given_as_text():
    assert trace("LSTM(4)", (2, 5, 3)).outputs == ((2, 4),)


def test_table_and_html():
    result = trace(["LSTM(4, return_state=True)", "Dense(1)"][:1], (2, 5, 3))
    text = result.table().text(width=None)
    assert text.splitlines()[0].split() == ["layer", "input", "output", "params", "why"]
    assert "output (2, 4), h (2, 4), c (2, 4)" in text
    assert "output (2, 4), h (2, 4), c (2, 4)" in str(result)
    html = result._repr_html_()
    assert html.startswith("<table")
    assert '<td data-label="layer"><code>LSTM(<wbr>4, return_<wbr>state=True)</code></td>' in html


def test_bidirectional_with_its_own_backward_layer():
    step = trace(
        [
            (
                "Bidirectional(LSTM(4, return_state=True),"
                " backward_layer=LSTM(3, go_backwards=True, return_state=True))"
            )
        ],
        (2, 7, 3),
    ).steps[0]
    assert step.outputs == ((2, 7), (2, 4), (2, 4), (2, 3), (2, 3))
    message = str(
        refusal(
            ["Bidirectional(LSTM(4), backward_layer=LSTM(3, go_backwards=True), merge_mode='sum')"],
            (2, 7, 3),
        )
    )
    assert "same units (got 4 and 3)" in message


def test_flags_are_read_as_keras_reads_them():
    # Keras takes any truthy value for a flag, and a bool for a size
    assert trace(["LSTM(4, return_sequences=1)"], (2, 7, 3)).outputs == ((2, 7, 4),)
    assert trace(["Dense(True)"], (2, 7)).outputs == ((2, 1),)


def test_dropout_after_several_tensors_says_what_training_does():
    # Keras passes the list through at inference but stacks it in training (checked in
    # test_agreement_fixes.py), so fit fails: a refusal, not a why
    err = refusal(["LSTM(4, return_state=True)", "Dropout(0.1)"], (2, 7, 3))
    assert err.index == 1
    assert "TensorFlow stacks the list into one (3, 2, 4) tensor" in str(err)


def test_misspelt_keyword_gets_a_suggestion():
    assert "did you mean return_sequences=?" in str(
        refusal(["LSTM(4, return_sequnces=True)"], (2, 7, 3))
    )


# --------------------------------------------------------------------------- declared input


def test_the_first_layer_may_declare_the_input():
    assert trace(["LSTM(4, input_shape=(20, 1))", "Dense(1)"]).input == (None, 20, 1)
    assert trace(["Dense(4, input_dim=3)"]).outputs == ((None, 4),)
    stateful = trace(["LSTM(4, batch_input_shape=(32, 10, 3), stateful=True)"])
    assert stateful.outputs == ((32, 4),)
    assert trace(["LSTM(4, input_shape=(20, 1))"], (32, 20, 1)).input == (32, 20, 1)


@pytest.mark.parametrize(
    ("given", "layer", "says"),
    [
        ((32, 20, 1), "LSTM(4, input_shape=(1, 20))", "axes swapped"),
        ((1000, 24, 3), "LSTM(4, input_shape=(1000, 24, 3))", "input_shape=X.shape[1:] = (24, 3)"),
        ((32, 20, 2), "LSTM(4, input_shape=(10, 3))", "declare input_shape=(20, 2)"),
        ((32, 10, 3), "LSTM(4, batch_input_shape=(16, 10, 3))", "(16, 10, 3)"),
    ],
)
def test_a_declared_input_that_clashes_with_the_data(given, layer, says):
    err = refusal([layer], given)
    assert err.index == 0
    assert str(err).startswith(f"layer 1, {layer}: it declares the input")
    assert says in str(err)


def test_no_input_at_all():
    with pytest.raises(ShapeError, match="give the input shape with --input"):
        trace(["LSTM(4)"])
