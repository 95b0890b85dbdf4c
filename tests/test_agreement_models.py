"""Whole models against real Keras: functional graphs, saved as files, traced, and run.

Each model below is built with Keras, then (1) `check_model` compares the rules with a real
run on zeros, layer call by layer call; (2) the model is saved as ``.keras`` and as the JSON
of ``to_json()``, both files are traced by `trace_file` (read as data), and their traces must
equal the trace of the live model; (3) the file's trace, at the sizes of the run, must equal
every call's real output. Runs on whichever backend KERAS_BACKEND names (nox -s tests:
TensorFlow; nox -s agreement-jax: JAX).
"""

from __future__ import annotations

import json

import pytest

keras = pytest.importorskip("keras")

from rnnshape_docs import ShapeError, trace_model
from rnnshape_docs.graph import trace_config
from rnnshape_docs.keras_models import _run_shapes, check_model, measure_model
from rnnshape_docs.model_files import read_config, trace_file

pytestmark = pytest.mark.keras
L = keras.layers


# --------------------------------------------------------------------------- the models


def encoder_decoder(rnn="LSTM", units=8):
    enc, dec = keras.Input((12, 3), name="enc_in"), keras.Input((6, 2), name="dec_in")
    _, *states = getattr(L, rnn)(units, return_state=True, name="encoder")(enc)
    seq = getattr(L, rnn)(units, return_sequences=True, name="decoder")(dec, initial_state=states)
    out = L.TimeDistributed(L.Dense(1), name="per_step")(L.Dropout(0.1)(seq))
    return keras.Model([enc, dec], out)


def bidirectional_encoder_decoder(rnn="LSTM"):
    enc, dec = keras.Input((9, 3)), keras.Input((5, 2))
    _, *states = L.Bidirectional(getattr(L, rnn)(4, return_state=True))(enc)
    seq = L.Bidirectional(getattr(L, rnn)(4, return_sequences=True))(dec, initial_state=states)
    return keras.Model([enc, dec], L.Dense(1)(seq))


def self_attention(kind="Attention", scores=False):
    x = keras.Input((7, 3))
    seq = L.LSTM(6, return_sequences=True)(x)
    layer = getattr(L, kind)()
    out = layer([seq, seq], return_attention_scores=scores)
    outs = list(out) if scores else [out]
    return keras.Model(x, [L.GlobalAveragePooling1D()(outs[0]), *outs[1:]])


def cross_attention(with_key=False):
    q_in, v_in = keras.Input((4, 5)), keras.Input((9, 3))
    query = L.GRU(6, return_sequences=True)(q_in)
    value = L.LSTM(6, return_sequences=True)(v_in)
    inputs = [query, value, L.Dense(6)(value)] if with_key else [query, value]
    context, scores = L.Attention()(inputs, return_attention_scores=True)
    return keras.Model([q_in, v_in], [L.Concatenate()([query, context]), scores])


def multi_head(tq=6, tv=6, output_shape=None):
    q_in, v_in = keras.Input((tq, 4)), keras.Input((tv, 3))
    query = L.LSTM(8, return_sequences=True)(q_in)
    value = L.GRU(5, return_sequences=True)(v_in)
    mha = L.MultiHeadAttention(2, 4, output_shape=output_shape)
    out, scores = mha(query, value, return_attention_scores=True)
    return keras.Model([q_in, v_in], [out, scores])


def merged(kind, n=2, **kwargs):
    inputs = [keras.Input((5, 3)) for _ in range(n)]
    seqs = [L.GRU(4, return_sequences=True)(i) for i in inputs]
    return keras.Model(inputs, L.LSTM(2)(getattr(L, kind)(**kwargs)(seqs)))


def concatenate_time():
    a, b = keras.Input((5, 3)), keras.Input((7, 3))
    x = L.Concatenate(axis=1)(
        [L.SimpleRNN(4, return_sequences=True)(a), L.LSTM(4, return_sequences=True)(b)]
    )
    return keras.Model([a, b], L.GRU(3)(x))


def broadcast_add():
    x = keras.Input((5, 3))
    seq = L.LSTM(4, return_sequences=True)(x)
    last = L.LSTM(4)(x)
    return keras.Model(x, L.Add()([seq, last]))


def dot(axes, normalize=False, sequences=False):
    a, b = keras.Input((5, 3)), keras.Input((7, 3))
    x = L.LSTM(4, return_sequences=sequences)(a)
    y = L.GRU(4, return_sequences=sequences)(b)
    return keras.Model([a, b], L.Dot(axes=axes, normalize=normalize)([x, y]))


def shared_dense():
    x = keras.Input((6, 3))
    seq = L.LSTM(5, return_sequences=True)(x)
    dense = L.Dense(5, name="shared")
    return keras.Model(x, dense(dense(seq)))


def siamese():
    a, b = keras.Input((8, 2)), keras.Input((8, 2))
    encoder = L.LSTM(6, name="twin")
    return keras.Model([a, b], L.Dense(1)(L.Subtract()([encoder(a), encoder(b)])))


def nested_sequential():
    head = keras.Sequential([keras.Input((6,)), L.Dense(4), L.Dense(1)], name="head")
    x = keras.Input((10, 2))
    return keras.Model(x, head(L.GRU(6)(x)))


def nested_functional():
    inner_in = keras.Input((10, 2))
    inner = keras.Model(inner_in, L.LSTM(3, return_sequences=True)(inner_in), name="inner")
    x = keras.Input((10, 2))
    seq = inner(x)
    return keras.Model(x, L.Concatenate()([seq, inner(x)]))


def two_heads():
    x = keras.Input((7, 3))
    seq = L.Bidirectional(L.LSTM(4, return_sequences=True))(x)
    return keras.Model(x, [L.Dense(2)(seq), L.Dense(1)(L.GlobalMaxPooling1D()(seq))])


def all_states():
    x = keras.Input((7, 3))
    return keras.Model(x, L.LSTM(4, return_sequences=True, return_state=True)(x))


def states_concatenated():
    x = keras.Input((7, 3))
    out, h, c = L.LSTM(4, return_state=True)(x)
    return keras.Model(x, L.Concatenate()([out, h, c]))


def masked_tokens():
    x = keras.Input((None,), dtype="int32")
    emb = L.Embedding(50, 8, mask_zero=True)(x)
    seq = L.LSTM(8, return_sequences=True)(emb)
    context = L.Attention()([seq, seq])
    return keras.Model(x, L.Dense(3)(L.GlobalAveragePooling1D()(context)))


def conv_and_rnn():
    x = keras.Input((20, 2))
    conv = L.MaxPooling1D()(L.Conv1D(8, 3, padding="same")(x))
    rnn = L.GRU(8, return_sequences=True)(conv)
    return keras.Model(
        x, L.Concatenate()([L.GlobalMaxPooling1D()(rnn), L.GlobalAveragePooling1D()(conv)])
    )


def bidirectional_simple_rnn_mha():
    x = keras.Input((6, 3))
    seq = L.Bidirectional(L.SimpleRNN(4, return_sequences=True))(x)
    return keras.Model(x, L.MultiHeadAttention(1, 8)(seq, seq))


def sequential_with_rnns():
    return keras.Sequential(
        [
            keras.Input((7, 3)),
            L.LSTM(4, return_sequences=True),
            L.GRU(2),
            L.RepeatVector(3),
            L.SimpleRNN(2, return_sequences=True),
        ]
    )


def ops_residual():
    """Operators and keras.ops reductions on symbolic tensors, recorded as operations."""
    x = keras.Input((12, 3))
    seq = L.LSTM(3, return_sequences=True)(x)
    scaled = (seq + x) * 0.5 - x  # Add, Multiply, Subtract
    last, first = scaled[:, -1], scaled[:, :5, :]  # GetItem
    pooled = keras.ops.mean(first, axis=1) + keras.ops.max(scaled, axis=1)
    summed = keras.ops.sum(scaled, axis=-1, keepdims=True)
    return keras.Model(x, [L.Dense(1)(last / pooled), summed, -scaled[..., 0]])


def ops_shapes():
    """keras.ops calls that change shapes, and concatenate's default axis (0, the batch)."""
    a, b = keras.Input((6, 4)), keras.Input((6, 3))
    joined = keras.ops.concatenate([a, b], axis=-1)
    scores = keras.ops.matmul(joined, keras.ops.transpose(joined, (0, 2, 1)))
    flat = keras.ops.reshape(scores, (-1, 36))
    again = keras.ops.squeeze(keras.ops.expand_dims(flat, 1), axis=1)
    out = L.Dense(2)(keras.ops.cast(keras.ops.cast(again, "float16"), "float32"))
    return keras.Model([a, b], [out, keras.ops.concatenate([a, a]), a[:, None, 1:5:2]])


MODELS = {
    "encoder-decoder LSTM": lambda: encoder_decoder("LSTM"),
    "encoder-decoder GRU": lambda: encoder_decoder("GRU"),
    "encoder-decoder SimpleRNN": lambda: encoder_decoder("SimpleRNN", 5),
    "bidirectional encoder-decoder LSTM": lambda: bidirectional_encoder_decoder("LSTM"),
    "bidirectional encoder-decoder GRU": lambda: bidirectional_encoder_decoder("GRU"),
    "self-attention": lambda: self_attention("Attention"),
    "self-attention with scores": lambda: self_attention("Attention", scores=True),
    "additive self-attention with scores": lambda: self_attention("AdditiveAttention", True),
    "cross-attention": lambda: cross_attention(),
    "cross-attention with a key": lambda: cross_attention(with_key=True),
    "multi-head attention": lambda: multi_head(),
    "multi-head cross-attention, Tq != Tv": lambda: multi_head(3, 7),
    "multi-head attention, output_shape": lambda: multi_head(output_shape=10),
    "Concatenate": lambda: merged("Concatenate"),
    "Concatenate along time": concatenate_time,
    "Add": lambda: merged("Add"),
    "Add broadcasting a vector": broadcast_add,
    "Subtract": lambda: merged("Subtract"),
    "Multiply of three": lambda: merged("Multiply", 3),
    "Average of three": lambda: merged("Average", 3),
    "Maximum": lambda: merged("Maximum"),
    "Minimum": lambda: merged("Minimum"),
    "Dot of two vectors": lambda: dot(1),
    "Dot of two sequences": lambda: dot((2, 2), sequences=True),
    "Dot normalized": lambda: dot(-1, normalize=True),
    "a Dense shared by two calls": shared_dense,
    "a shared LSTM (siamese)": siamese,
    "a Sequential nested in a functional model": nested_sequential,
    "a functional model nested and called twice": nested_functional,
    "two outputs": two_heads,
    "every output of an LSTM with return_state": all_states,
    "an LSTM's output and states concatenated": states_concatenated,
    "masked tokens with attention": masked_tokens,
    "Conv1D and GRU merged": conv_and_rnn,
    "Bidirectional SimpleRNN and multi-head attention": bidirectional_simple_rnn_mha,
    "a Sequential of RNNs": sequential_with_rnns,
    "ops: x + y, slicing, reductions": ops_residual,
    "ops: concatenate, matmul, reshape, expand_dims, squeeze, cast": ops_shapes,
}


@pytest.fixture(autouse=True)
def _fresh_keras():
    keras.backend.clear_session()
    yield
    keras.backend.clear_session()


@pytest.mark.parametrize("name", MODELS)
def test_model_files_agree_with_keras(name, tmp_path):
    model = MODELS[name]()
    check_model(model)  # rules vs a real run, call by call
    live = trace_model(model)
    model.save(tmp_path / "model.keras")
    (tmp_path / "model.json").write_text(model.to_json())
    for path in (tmp_path / "model.keras", tmp_path / "model.json"):
        from_file = trace_file(path)
        assert from_file.steps == live.steps, path.name
        assert from_file.outputs == live.outputs
        json.dumps(from_file.to_json())  # the --json form is plain JSON
    # The file read as data, at the sizes of a run, against every real call.
    config = read_config((tmp_path / "model.keras").read_bytes(), "model.keras")
    at_run = trace_config(config, input_shapes=_run_shapes(model))
    real = measure_model(model)
    traced = {(n, c): o for n, c, o in at_run.calls}
    # Keras records the ops that compute a mask (not_equal for mask_zero=True) among the
    # model's operations; the rules make no row of an op that feeds only masks.
    layers = {layer.name for layer in model.layers}
    untraced = set(real) - set(traced)
    assert not {name for name, _ in untraced} & layers, untraced
    assert traced == {k: v for k, v in real.items() if k in traced}


# --------------------------------------------------------------------------- Keras is silent


def test_initial_state_wider_than_units_is_refused_before_keras_fails_at_run():
    enc, dec = keras.Input((12, 3)), keras.Input((6, 2))
    _, h, c = L.LSTM(16, return_state=True, name="encoder")(enc)
    seq = L.LSTM(8, return_sequences=True, name="decoder")(dec, initial_state=[h, c])
    model = keras.Model([enc, dec], seq)  # Keras builds it
    with pytest.raises(ShapeError) as refused:
        trace_model(model)
    message = str(refused.value)
    assert "'decoder'" in message
    assert "(batch, 8)" in message
    assert "'encoder'" in message
    with pytest.raises(Exception):  # noqa: B017, PT011 (whatever Keras raises when it runs)
        model([keras.ops.zeros((2, 12, 3)), keras.ops.zeros((2, 6, 2))])


def test_attention_over_last_outputs_is_refused_with_the_return_sequences_fix():
    x = keras.Input((7, 3))
    last = L.LSTM(6, name="reader")(x)
    context = L.Attention(name="attend")([last, last])  # Keras accepts 2-D tensors here
    model = keras.Model(x, context)
    with pytest.raises(ShapeError) as refused:
        trace_model(model)
    message = str(refused.value)
    assert "'attend'" in message
    assert "'reader', LSTM(6)" in message
    assert "return_sequences=True" in message
    assert "(None, 7, 6)" in message


def test_multi_head_scores_symbolic_shape_is_wrong_and_the_rules_follow_the_run():
    # Keras 3.15's symbolic pass gives MultiHeadAttention's scores (batch, heads, Tq, Tq)
    # when the value has another length (the rules, and check_model, use a real run). When
    # this fails, Keras has fixed it: the attention chapter's text about it must change.
    model = multi_head(3, 7)
    assert tuple(model.outputs[1].shape) == (None, 2, 3, 3)
    _, scores = model([keras.ops.zeros((2, 3, 4)), keras.ops.zeros((2, 7, 3))])
    assert tuple(scores.shape) == (2, 2, 3, 7)
    assert trace_model(model).outputs[1] == (None, 2, 3, 7)


def test_attention_query_of_another_width_is_refused_before_keras_fails_at_run():
    x = keras.Input((12, 4))
    steps = L.LSTM(16, return_sequences=True, name="steps")(x)
    query = L.Reshape((1, 8))(L.LSTM(8)(x))
    model = keras.Model(x, L.Attention(name="attend")([query, steps]))  # Keras builds it
    assert model.output_shape == (None, 1, 16)
    with pytest.raises(ShapeError) as refused:
        trace_model(model)
    message = str(refused.value)
    assert "'attend'" in message
    assert "'steps'" in message
    assert "Dense(16)" in message
    with pytest.raises(Exception):  # noqa: B017, PT011 (whatever Keras raises when it runs)
        model(keras.ops.zeros((2, 12, 4)))


def test_concatenate_of_mismatched_sequences_names_the_input():
    a, b = keras.Input((5, 3)), keras.Input((7, 3))
    x, y = L.LSTM(4, return_sequences=True)(a), L.LSTM(4, return_sequences=True, name="long")(b)
    with pytest.raises(ValueError, match="Concatenate"):  # Keras refuses when building
        L.Concatenate()([x, y])
    rules = trace_config(
        json.loads(keras.Model([a, b], [x, y]).to_json())
    )  # the two branches alone trace fine
    assert rules.outputs == ((None, 5, 4), (None, 7, 4))


# --------------------------------------------------------------------------- ops Keras refuses

# An op on two inputs, and the input shapes (a, b) it is built on and then refused on: the
# saved model's Input is edited (as a reader editing a file would), then Keras refuses to
# load it and the rules refuse the same op by name.
OP_REFUSALS = {
    "x + y that does not broadcast": (lambda a, b: a + b, (12, 3), (12, 3), (5, 3)),
    "concatenate of unequal lengths": (
        lambda a, b: keras.ops.concatenate([a, b], axis=-1),
        (12, 3),
        (12, 2),
        (5, 2),
    ),
    "matmul with unequal inner sizes": (
        lambda a, b: keras.ops.matmul(a, b),
        (12, 3),
        (3, 7),
        (4, 7),
    ),
    "an index beyond the axis": (lambda a, b: a[:, 10] * b, (12, 3), (3,), None),
    "squeeze of an axis that is not 1": (
        lambda a, b: keras.ops.squeeze(a, axis=1) + b,
        (1, 3),
        (3,),
        None,
    ),
}


@pytest.mark.parametrize("case", OP_REFUSALS)
def test_ops_keras_refuses_are_refused_at_the_same_op(case):
    build, shape_a, shape_b, bad_b = OP_REFUSALS[case]
    a, b = keras.Input(shape_a, name="a"), keras.Input(shape_b, name="b")
    out = build(a, b)
    config = json.loads(keras.Model([a, b], out).to_json())
    op_name = out._keras_history[0].name if bad_b else None
    layers = config["config"]["layers"]
    if bad_b is None:  # edit a: the first op on it is the one that refuses
        op_name = next(e["name"] for e in layers if e["class_name"] not in ("InputLayer",))
        bad = (5, 3) if shape_a == (12, 3) else (2, 3)
        layers[0]["config"]["batch_shape"] = [None, *bad]
        bad_shapes = (bad, shape_b)
    else:
        layers[1]["config"]["batch_shape"] = [None, *bad_b]
        bad_shapes = (shape_a, bad_b)
    with pytest.raises(ValueError):  # noqa: PT011 (Keras's own message)
        build(keras.Input(bad_shapes[0]), keras.Input(bad_shapes[1]))
    with pytest.raises(Exception):  # noqa: B017, PT011 (Keras refuses to load the edited file)
        keras.models.model_from_json(json.dumps(config))
    with pytest.raises(ShapeError) as refused:
        trace_config(config)
    assert refused.value.layer == op_name, str(refused.value)
