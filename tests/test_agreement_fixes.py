"""Fixes and translations proven on Keras 3 by applying them.

The Keras 1/2 names of `specs.LEGACY_KEYWORDS` are read as their Keras 3 spelling: each is
refused by Keras 3 as written, and the translation is accepted and does what the old name
did (checked on the built layer: its weights, its attributes, its output's shape).
"""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from rnnshape_docs.keras_models import to_keras_layer
from rnnshape_docs.specs import LEGACY_KEYWORDS, LEGACY_LAYERS, parse

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
