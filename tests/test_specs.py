"""Layer specs: Keras constructor syntax read with ast, against an allow-list, never run."""

from __future__ import annotations

import pytest

from rnnshape_docs.specs import (
    KNOWN_LAYERS,
    SHAPE_ARGS,
    LayerSpec,
    Opaque,
    SpecError,
    declared_input,
    from_values,
    parse,
)


@pytest.mark.parametrize(
    ("text", "name", "params"),
    [
        ("LSTM(4)", "LSTM", {"units": 4}),
        ("LSTM(4, return_sequences=True)", "LSTM", {"units": 4, "return_sequences": True}),
        ("GRU(units=8, return_state=True)", "GRU", {"units": 8, "return_state": True}),
        ("SimpleRNN(40, activation='relu')", "SimpleRNN", {"units": 40, "activation": "relu"}),
        ("Dense(1)", "Dense", {"units": 1}),
        ("RepeatVector(3)", "RepeatVector", {"n": 3}),
        ("Masking(mask_value=-1.0)", "Masking", {"mask_value": -1.0}),
        ("Dropout(0.2)", "Dropout", {"rate": 0.2}),
        ("Flatten()", "Flatten", {}),
        ("GlobalMaxPooling1D(keepdims=True)", "GlobalMaxPooling1D", {"keepdims": True}),
        (
            "Embedding(1000, 16, mask_zero=True)",
            "Embedding",
            {"input_dim": 1000, "output_dim": 16, "mask_zero": True},
        ),
        (
            "Conv1D(16, (3,), padding='causal')",
            "Conv1D",
            {"filters": 16, "kernel_size": (3,), "padding": "causal"},
        ),
        (
            "MaxPooling1D(pool_size=2, strides=None)",
            "MaxPooling1D",
            {"pool_size": 2, "strides": None},
        ),
        ("keras.layers.LSTM(4)", "LSTM", {"units": 4}),
        ("layers.Dense(2)", "Dense", {"units": 2}),
        ("tf.keras.layers.GRU(3)", "GRU", {"units": 3}),
        ("  LSTM( 4 ,name='enc')  ", "LSTM", {"units": 4, "name": "enc"}),
    ],
)
def test_parses_known_layers(text, name, params):
    spec = parse(text)
    assert spec.name == name
    assert spec.params == params


def test_wrappers_hold_parsed_layers():
    spec = parse("Bidirectional(GRU(8, return_state=True), merge_mode=None)")
    inner = spec.params["layer"]
    assert isinstance(inner, LayerSpec)
    assert inner.name == "GRU"
    assert inner.params == {"units": 8, "return_state": True}
    assert spec.params["merge_mode"] is None
    assert parse("TimeDistributed(layer=Dense(3))").params["layer"].text == "Dense(3)"


def test_text_is_normalised():
    assert parse("keras.layers.LSTM( 4,return_sequences = True)").text == (
        "LSTM(4, return_sequences=True)"
    )
    assert parse('Bidirectional(LSTM(4), merge_mode="sum")').text == (
        "Bidirectional(LSTM(4), merge_mode='sum')"
    )
    assert str(parse("Dense(1)")) == "Dense(1)"


def test_parse_accepts_a_spec():
    spec = parse("Dense(1)")
    assert parse(spec) is spec


def test_every_design_layer_is_known():
    assert set(KNOWN_LAYERS) >= {
        "SimpleRNN",
        "LSTM",
        "GRU",
        "Bidirectional",
        "TimeDistributed",
        "Dense",
        "RepeatVector",
        "Masking",
        "Dropout",
        "Flatten",
        "GlobalAveragePooling1D",
        "GlobalMaxPooling1D",
        "Embedding",
        "Conv1D",
        "MaxPooling1D",
    }


def test_every_layer_of_issue_11_is_known_and_read_from_configs():
    issue_11 = {
        "Attention",
        "AdditiveAttention",
        "MultiHeadAttention",
        "Concatenate",
        "Add",
        "Subtract",
        "Multiply",
        "Average",
        "Maximum",
        "Minimum",
        "Dot",
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
    }
    assert set(KNOWN_LAYERS) >= issue_11
    assert set(SHAPE_ARGS) == set(KNOWN_LAYERS)  # every layer can be read from a saved model


@pytest.mark.parametrize(
    ("text", "says"),
    [
        # not a known layer call
        ("Conv3D(3, 3)", "not a layer rnnshape knows"),
        ("print(1)", "not a layer rnnshape knows"),
        ("__import__('os').system('rm -rf /')", "not a layer rnnshape knows"),
        ("os.system('ls')", "not a layer rnnshape knows"),
        ("LSTM.__class__.__bases__(4)", "not a layer rnnshape knows"),
        ("().__class__.__base__.__subclasses__()", "not a layer rnnshape knows"),
        ("LSTM", "not a layer call"),
        ("4", "not a layer call"),
        ("lambda: LSTM(4)", "not a layer call"),
        ("[LSTM(4) for _ in range(2)]", "not a layer call"),
        ("LSTM(4)(x)", "not a layer rnnshape knows"),
        # arguments that are not literals
        ("LSTM(units)", "not a literal"),
        ("LSTM(4, activation=keras.activations.relu)", "not a literal"),
        ("LSTM(4, activation=lambda x: x)", "not a literal"),
        ("LSTM(len('abcd'))", "not a literal"),
        ("LSTM(4, return_sequences=not False)", "not a literal"),
        ("Dense([i for i in range(3)])", "not a literal"),
        ("Dense(2 ** 100)", "not a literal"),
        ("Dense({'a': 1})", "not a literal"),
        ("Dense(__import__('os'))", "not a literal"),
        ("Bidirectional(LSTM(4), merge_mode=Dense(1))", "not a literal"),
        ("Bidirectional(lambda: 1)", "not a layer call"),
        ("Bidirectional(os.system('ls'))", "not a layer rnnshape knows"),
        ("LSTM(*[4])", "*args and **kwargs"),
        ("LSTM(**{'units': 4})", "*args and **kwargs"),
        # wrong keywords, counts, syntax
        ("LSTM(4, return_sequencs=True)", "did you mean return_sequences=?"),
        ("LSTM(4, retrun_sequences=True)", "did you mean return_sequences=?"),
        ("Dense(4, input_shape=(None, 1), input_shape=(2,))", "given twice"),
        ("LSTM(4, init='zeros', kernel_initializer='ones')", "given twice"),
        ("LSTM(4, units=5)", "given twice"),
        ("LSTM()", "needs units"),
        ("Embedding(10)", "needs output_dim"),
        ("RepeatVector(1, 2)", "at most 1 positional"),
        ("LSTM(4", "not valid Keras constructor syntax"),
        ("LSTM(4); import os", "not valid Keras constructor syntax"),
        ("", "empty layer text"),
        ("Dense(1)\x00", "not valid Keras constructor syntax"),
        ("Bidirectional(" * 1000 + "LSTM(4)" + ")" * 1000, "too long"),
        ("Dense(" + "(" * 300 + "1" + ")" * 300 + ")", "too many nested parentheses"),
    ],
)
def test_refuses_anything_but_a_known_layer_with_literal_arguments(text, says):
    with pytest.raises(SpecError) as info:
        parse(text)
    assert says in str(info.value)


def test_refuses_non_text():
    with pytest.raises(SpecError, match="as text"):
        parse(4)  # type: ignore[arg-type]


def test_never_evaluates(monkeypatch):
    """Parsing goes through ast only: eval and exec are never called."""
    import builtins

    def boom(*args, **kwargs):
        raise AssertionError("evaluated!")

    monkeypatch.setattr(builtins, "eval", boom)
    monkeypatch.setattr(builtins, "exec", boom)
    spec = parse("Bidirectional(LSTM(4, return_sequences=True), merge_mode='sum')")
    assert spec.params["layer"].params["return_sequences"] is True


# --------------------------------------------------------------------------- from_values, Keras 1/2


def test_from_values_is_the_one_allow_list():
    """parse reads literals, then goes through from_values: the same spec either way."""
    inner = from_values("LSTM", [4], {"return_sequences": True})
    built = from_values("Bidirectional", [inner], {"merge_mode": "sum"})
    assert built == parse("Bidirectional(LSTM(4, return_sequences=True), merge_mode='sum')")
    assert built.text == "Bidirectional(LSTM(4, return_sequences=True), merge_mode='sum')"
    with pytest.raises(SpecError, match=r"did you mean return_sequences=\?"):
        from_values("LSTM", [4], {"return_sequencs": True})
    with pytest.raises(SpecError, match="not a layer rnnshape knows"):
        from_values("Lambda", [], {})
    with pytest.raises(SpecError, match="give a layer"):
        from_values("TimeDistributed", ["Dense(1)"], {})


def test_opaque_values_only_where_no_shape_depends_on_them():
    spec = from_values("Embedding", [1000, 16], {"weights": Opaque("[matrix]")})
    assert spec.text == "Embedding(1000, 16, weights=[matrix])"
    assert from_values("LSTM", [4], {"kernel_initializer": Opaque("init")}).params[
        "kernel_initializer"
    ] == Opaque("init")
    with pytest.raises(SpecError, match="not a literal"):
        from_values("LSTM", [Opaque("n_units")], {})


def test_notes_are_not_part_of_equality():
    assert parse("LSTM(4, init='zeros')") == parse("LSTM(4, kernel_initializer='zeros')")
    assert parse("LSTM(4, kernel_initializer='zeros')").notes == ()


@pytest.mark.parametrize(
    ("old", "new", "note"),
    [
        ("LSTM(4, init='zeros')", "LSTM(4, kernel_initializer='zeros')", "init= is Keras 1"),
        ("Dense(output_dim=3)", "Dense(units=3)", "Keras 3 spells it units="),
        ("Embedding(100, 8)", "Embedding(100, 8)", None),  # its own output_dim stays
        ("LSTM(4, consume_less='gpu')", "LSTM(4, implementation=2)", "implementation="),
        ("SimpleRNN(4, consume_less='cpu')", "SimpleRNN(4)", "so it is left out"),
        (
            "LSTM(4, dropout_W=0.1, dropout_U=0.2)",
            "LSTM(4, dropout=0.1, recurrent_dropout=0.2)",
            "dropout_W=",
        ),
        (
            "Convolution1D(nb_filter=8, filter_length=3, border_mode='same', subsample_length=2)",
            "Conv1D(filters=8, kernel_size=3, padding='same', strides=2)",
            "nb_filter= is Keras 1",
        ),
        (
            "MaxPool1D(pool_length=2, stride=1)",
            "MaxPooling1D(pool_size=2, strides=1)",
            "pool_length=",
        ),
        ("LSTM(4, return_sequence=True)", "LSTM(4, return_sequences=True)", "misspelling"),
        ("Dense(4, W_regularizer='l2')", "Dense(4, kernel_regularizer='l2')", "W_regularizer="),
        ("CuDNNGRU(4)", "GRU(4)", "CuDNNGRU is Keras 2"),
        ("Dropout(p=0.5)", "Dropout(rate=0.5)", "p= is Keras 1"),
        (
            "LSTM(4, input_dim=3, input_length=5)",
            "LSTM(4, input_shape=(5, 3))",
            "input_shape=(5, 3)",
        ),
        ("Dense(2, weights=None)", "Dense(2)", "set_weights"),
    ],
)
def test_keras_1_and_2_names_read_as_keras_3(old, new, note):
    spec = parse(old)
    assert spec.text == new
    assert spec == parse(new)
    if note is None:
        assert spec.notes == ()
    else:
        assert any(note in n for n in spec.notes), spec.notes


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        ("LSTM(4, input_shape=(5, 3))", (None, 5, 3)),
        ("LSTM(4, input_shape=(5, 3), batch_size=2)", (2, 5, 3)),
        ("LSTM(4, batch_input_shape=(2, 5, 3), stateful=True)", (2, 5, 3)),
        ("Dense(4, input_dim=3)", (None, 3)),
        ("Embedding(1000, 16, input_length=10)", (None, 10)),
        ("Embedding(1000, 16)", None),  # its input_dim is the vocabulary, not the input
        ("LSTM(4)", None),
    ],
)
def test_declared_input(text, shape):
    assert declared_input(parse(text)) == shape


def test_keywords_keras_3_takes():
    for text in (
        "LSTM(4, implementation=1)",
        "GRU(4, implementation=2)",
        "Embedding(10, 4, weights=None)",
        "Embedding(10, 4, input_length=5)",
        "Conv1D(4, 3, input_shape=(10, 2))",
        "Dense(4, input_dim=3)",
    ):
        assert parse(text).text == text
