"""`rnnshape explain` on the messages Keras really prints.

Each case makes real Keras 3 raise (in this process, on TensorFlow and, through
`nox -s agreement-jax`, on JAX) and checks that the message is recognised as its kind and
sent to its gallery section; when Keras changes its wording, the case fails. tf.keras 2
printed some messages Keras 3 no longer raises: those are kept as recorded texts below.
"""

from __future__ import annotations

import os
import re
import warnings

import numpy as np
import pytest

from rnnshape_docs.cli import main
from rnnshape_docs.explain import MESSAGES, explain

BACKEND = os.environ.get("KERAS_BACKEND", "tensorflow")


def _raise(make) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            make()
        except Exception as exc:  # noqa: BLE001 (the point: whatever Keras raises)
            return re.sub(r"\x1b\[[0-9;]*m", "", f"{type(exc).__name__}: {exc}")
    raise AssertionError("Keras raised nothing")


def _seq(*layers, shape=(7, 3), **kwargs):
    import keras

    return keras.Sequential([keras.Input(shape=shape, **kwargs), *layers])


def _fit(model, x, y, loss="mse", **kwargs):
    model.compile(loss=loss, optimizer="adam")
    model.fit(x, y, epochs=1, verbose=0, **kwargs)


def _cases():
    import keras
    from keras import layers

    def stack():
        _seq(layers.LSTM(4), layers.LSTM(8))

    def first_2d():
        _seq(layers.LSTM(4), shape=(7,))

    def four_d():
        _seq(layers.LSTM(4), shape=(7, 3, 2))

    def five_d():
        _seq(layers.LSTM(4), shape=(4, 7, 3, 2))

    def conv_lstm_4d():
        _seq(layers.ConvLSTM2D(2, 3), shape=(7, 3, 2))

    def swapped():
        i = keras.Input((24, 3))
        m = keras.Model(i, layers.Dense(1)(layers.LSTM(4)(i)))
        m.predict(np.zeros((2, 3, 24)), verbose=0)

    def one_sample():
        _seq(layers.LSTM(4), shape=(24, 3)).predict(np.zeros((24, 3)), verbose=0)

    def one_window():  # a window of single values: neither batch nor features axis
        _seq(layers.LSTM(4), shape=(24, 1)).predict(np.zeros((24,)), verbose=0)

    def sparse_per_step():  # one class id per step against one output per sequence
        _fit(
            _seq(layers.LSTM(4), layers.Dense(3, activation="softmax")),
            np.zeros((4, 7, 3)),
            np.zeros((4, 7)),
            "sparse_categorical_crossentropy",
        )

    def target_rank():
        _fit(
            _seq(layers.LSTM(4), layers.Dense(3, activation="softmax")),
            np.zeros((4, 7, 3)),
            np.zeros((4,)),
            "categorical_crossentropy",
        )

    def target_shape():
        _fit(
            _seq(layers.LSTM(4), layers.Dense(3, activation="softmax")),
            np.zeros((4, 7, 3)),
            np.zeros((4, 5)),
            "categorical_crossentropy",
        )

    def sparse_one_hot():
        _fit(
            _seq(layers.LSTM(4), layers.Dense(3, activation="softmax")),
            np.zeros((4, 7, 3)),
            np.zeros((4, 7, 3)),
            "sparse_categorical_crossentropy",
        )

    def sparse_per_sequence():
        model = _seq(layers.LSTM(4, return_sequences=True), layers.Dense(3, activation="softmax"))
        _fit(model, np.zeros((4, 7, 3)), np.zeros((4, 2)), "sparse_categorical_crossentropy")

    def cardinality():
        _fit(_seq(layers.LSTM(4), layers.Dense(1)), np.zeros((10, 7, 3)), np.zeros((9, 1)))

    def stateful():
        _seq(layers.LSTM(4, stateful=True))

    def stateful_batch():
        model = _seq(layers.LSTM(4, stateful=True), batch_size=2)
        model(np.zeros((3, 7, 3), dtype="float32"))

    def time_major():
        layers.LSTM(4, time_major=True)

    def batch_input_shape():
        layers.LSTM(4, batch_input_shape=(2, 7, 3))

    def merge_mode():
        layers.Bidirectional(layers.LSTM(4), merge_mode="max")

    def return_state():
        _seq(layers.LSTM(4, return_state=True), layers.Dense(1))

    def kernel_shape():
        _seq(layers.Conv2D(2, 3), shape=(4, 8, 8, 1))

    def mha_value():
        layers.MultiHeadAttention(2, 4)(keras.Input((7, 3)))

    def unbuilt():
        keras.Sequential([layers.LSTM(4)]).output_shape  # noqa: B018

    def cudnn():
        layers.CuDNNLSTM(4)

    def after_flatten():
        _seq(layers.Flatten(), layers.LSTM(4))

    def conv_rank():
        _seq(layers.Conv1D(4, 3), shape=(7,))

    def pool_rank():
        _seq(layers.MaxPooling2D())

    def repeat_vector():
        _seq(layers.LSTM(4, return_sequences=True), layers.RepeatVector(5))

    def merge_shapes():
        i = keras.Input((7, 3))
        layers.Add()([layers.Dense(4)(i), layers.Dense(8)(i)])

    def concatenate():
        i = keras.Input((7, 3))
        layers.Concatenate()([layers.LSTM(4, return_sequences=True)(i), layers.LSTM(8)(i)])

    def attention_list():
        layers.Attention()(keras.Input((7, 3)))

    def lstm_input_length():
        layers.LSTM(4, input_length=7)

    def time_distributed_2d():
        _seq(layers.LSTM(4), layers.TimeDistributed(layers.Dense(1)))

    def reshape():
        _seq(layers.Reshape((24, 3)), shape=(24,))

    def bidirectional_state():
        _seq(layers.Bidirectional(layers.LSTM(4, return_state=True)), layers.Dense(1))

    def sequences_list():
        model = _seq(layers.LSTM(4), shape=(None, 3))
        model.predict([np.zeros((10, 3)), np.zeros((24, 3)), np.zeros((30, 3))], verbose=0)

    def sequences_list_fit():  # the same list given to fit with its targets: 'y' sizes too
        model = _seq(layers.LSTM(4), layers.Dense(1), shape=(None, 3))
        xs = [np.zeros((10, 3)), np.zeros((24, 3)), np.zeros((30, 3))]
        _fit(model, xs, np.zeros((10, 1)))

    def scalar():
        with warnings.catch_warnings():
            warnings.simplefilter("error", DeprecationWarning)  # NumPy 1.25 to 2.3 only warn
            float(np.zeros((1, 1)))

    def cell_2d():
        _seq(layers.RNN(layers.LSTMCell(4)), shape=(7,))

    return {
        "stack": (stack, "ndim", "beyond-errors-ndim"),
        "first-2d": (first_2d, "ndim", "beyond-errors-ndim"),
        "after-flatten": (after_flatten, "ndim", "beyond-errors-ndim"),
        "4d": (four_d, "ndim", "beyond-errors-4d"),
        "5d": (five_d, "ndim", "beyond-errors-5d"),
        "conv-lstm-4d": (conv_lstm_4d, "ndim", "beyond-errors-conv-lstm-4d"),
        "swapped": (swapped, "expected shape", "beyond-errors-window-axis"),
        "one-sample": (one_sample, "expected shape", "beyond-errors-one-sample"),
        "one-window": (one_window, "expected shape", "beyond-errors-one-sample"),
        "target-rank": (target_rank, "target and output", "beyond-errors-target"),
        "target-shape": (target_shape, "target and output", "beyond-errors-target"),
        "sparse-one-hot": (sparse_one_hot, "sparse target one-hot", "beyond-errors-sparse-one-hot"),
        "sparse-per-sequence": (
            sparse_per_sequence,
            "sparse target per sequence",
            "beyond-errors-sparse-per-sequence",
        ),
        "sparse-per-step": (
            sparse_per_step,
            "sparse target one-hot",
            "beyond-errors-sparse-per-sequence",
        ),
        "cardinality": (cardinality, "cardinality", "check-your-program"),
        "stateful": (stateful, "stateful batch size", "beyond-errors-stateful"),
        "stateful-batch": (
            stateful_batch,
            "stateful batch mismatch",
            "beyond-errors-stateful-batch",
        ),
        "time-major": (time_major, "unrecognized keyword", "beyond-errors-time-major"),
        "batch-input-shape": (
            batch_input_shape,
            "unrecognized keyword",
            "beyond-errors-batch-input-shape",
        ),
        "merge-mode": (merge_mode, "merge mode", "beyond-errors-merge-mode"),
        "return-state": (
            return_state,
            "several tensors into one layer",
            "beyond-errors-return-state",
        ),
        "kernel-shape": (kernel_shape, "kernel shape", "beyond-errors-kernel-shape"),
        "mha-value": (mha_value, "attention value missing", "beyond-errors-mha-value"),
        "unbuilt": (unbuilt, "unbuilt model", "beyond-errors-unbuilt"),
        "cudnn": (cudnn, "cudnn layer", "beyond-errors-cudnnlstm"),
        "conv-rank": (conv_rank, "ndim", "beyond-errors-conv-rank"),
        "pool-rank": (pool_rank, "ndim", "beyond-errors-conv-rank"),
        "repeat-vector": (repeat_vector, "ndim", "beyond-errors-repeat-vector"),
        "merge-shapes": (merge_shapes, "merge shapes", "beyond-errors-merge-shapes"),
        "concatenate": (concatenate, "concatenate shapes", "beyond-errors-concatenate"),
        "attention-list": (attention_list, "attention list", "beyond-errors-attention-list"),
        "lstm-input-length": (
            lstm_input_length,
            "unrecognized keyword",
            "beyond-errors-lstm-input-length",
        ),
        "time-distributed-2d": (
            time_distributed_2d,
            "time distributed rank",
            "beyond-errors-time-distributed-2d",
        ),
        "reshape": (reshape, "reshape size", "beyond-errors-reshape"),
        "bidirectional-state": (
            bidirectional_state,
            "several tensors into one layer",
            "beyond-errors-bidirectional-state",
        ),
        "cell-2d": (cell_2d, "cell on 2-D input", "beyond-errors-cell-2d"),
        "sequences-list": (sequences_list, "cardinality of a list", "beyond-errors-cardinality"),
        "sequences-list-fit": (
            sequences_list_fit,
            "cardinality of a list",
            "beyond-errors-cardinality",
        ),
        "scalar": (scalar, "not a scalar", "beyond-errors-scalar"),
    }


# Where a backend words the same fault as another kind of message (same gallery section).
BACKEND_KINDS = {
    ("jax", "swapped"): ("matrix size-incompatible",),
    ("jax", "sparse-one-hot"): ("sparse target per sequence",),
    ("jax", "sparse-per-step"): ("sparse target per sequence",),
}

CASES = [
    "stack",
    "first-2d",
    "4d",
    "5d",
    "conv-lstm-4d",
    "swapped",
    "one-sample",
    "one-window",
    "target-rank",
    "target-shape",
    "sparse-one-hot",
    "sparse-per-sequence",
    "sparse-per-step",
    "cardinality",
    "stateful",
    "stateful-batch",
    "time-major",
    "batch-input-shape",
    "merge-mode",
    "return-state",
    "kernel-shape",
    "mha-value",
    "unbuilt",
    "cudnn",
    "after-flatten",
    "conv-rank",
    "pool-rank",
    "repeat-vector",
    "merge-shapes",
    "concatenate",
    "attention-list",
    "lstm-input-length",
    "time-distributed-2d",
    "reshape",
    "bidirectional-state",
    "cell-2d",
    "sequences-list",
    "sequences-list-fit",
    "scalar",
]


@pytest.mark.keras
@pytest.mark.parametrize("case", CASES)
def test_each_message_keras_prints_is_explained(case):
    make, kind, anchor = _cases()[case]
    message = _raise(make)
    found = explain(message)
    assert found is not None, message
    # JAX lets some inputs further before refusing them: another message, the same section.
    kinds = {kind, *BACKEND_KINDS.get((BACKEND, case), ())}
    assert found.kind in kinds, message
    assert found.page.split("#")[1] == anchor, message


# tf.keras 2 wordings (TensorFlow 2.x), which Keras 3 no longer prints.
RECORDED = {
    "Input 0 of layer lstm_1 is incompatible with the layer: expected ndim=3, found ndim=2. "
    "Full shape received: (None, 64)": ("ndim", (None, 64)),
    "Input 0 is incompatible with layer lstm_2: expected ndim=3, found ndim=2": ("ndim", None),
    "If a RNN is stateful, it needs to know its batch size. Specify the batch size of your "
    "input tensors": ("stateful batch size", None),
    "Incompatible shapes: [32,10] vs. [32,1] [Op:SquaredDifference]": (
        "incompatible shapes",
        (32, 1),
    ),
    "logits and labels must have the same first dimension, got logits shape [320,5] and "
    "labels shape [32]": ("logits and labels", (32,)),
    "Matrix size-incompatible: In[0]: [32,20], In[1]: [3,64]": (
        "matrix size-incompatible",
        (3, 64),
    ),
    "Received a label value of 9 which is outside the valid range of [0, 5).  Label values: "
    "9 2 1": ("label out of range", 5),
    "indices[3,7] = 1204 is not in [0, 1000) [[{{node embedding/embedding_lookup}}]]": (
        "embedding index",
        1000,
    ),
    "Cannot take the length of shape with unknown rank.": ("unknown rank", None),
}


@pytest.mark.parametrize("message", list(RECORDED))
def test_recorded_tf_keras_2_messages(message):
    kind, received = RECORDED[message]
    found = explain(message)
    assert found is not None
    assert found.kind == kind
    assert found.received == received


def test_the_last_message_of_a_traceback_is_the_one_explained():
    traceback = (
        "Traceback (most recent call last):\n"
        '  File "train.py", line 9, in <module>\n'
        "    model.add(LSTM(8))  # expected ndim=3, found ndim=4 was the last time\n"
        'ValueError: Input 0 of layer "lstm_1" is incompatible with the layer: expected '
        "ndim=3, found ndim=2. Full shape received: (None, 4)\n"
    )
    found = explain(traceback)
    assert (found.layer, found.received) == ("lstm_1", (None, 4))


def test_every_kind_has_a_page_and_the_command_contract(capsys):
    for kind in MESSAGES:
        assert kind.patterns
    assert main(["explain", "no such message"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert main(["explain", "Cannot take the length of shape with unknown rank", "--json"]) == 0
    import json

    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"kind", "layer", "expected", "received", "explanation", "fix", "page"}
    assert main(["explain", "x" * 300_000]) == 2
