"""Every layer of keras.layers that rnnshape knows agrees with Keras (issue 24).

Three checks, all against the installed Keras (`nox -s agreement-jax` runs them on JAX):

- every keyword: each layer's parameters are Keras's own (``inspect.signature``), the
  keywords it takes through ``**kwargs`` are ones Keras takes, and a keyword Keras refuses
  is refused by the parser too;
- the defaults the rules read are the values Keras stores (`specs.SHAPE_ARGS`);
- shapes: each layer in several configurations, built on a symbolic input and (with every
  size known) run on zeros; the rules give Keras's shapes, or refuse where Keras refuses.

All in one process, many small models: no ``import keras`` per case.
"""

from __future__ import annotations

import inspect
import itertools
import math
import warnings

import pytest

keras = pytest.importorskip("keras")
import numpy as np

from rnnshape_docs import specs_catalog
from rnnshape_docs.keras_models import to_keras_layer
from rnnshape_docs.shapes import ShapeError, trace
from rnnshape_docs.specs import _BASE, SHAPE_ARGS, SIGNATURES, SpecError, from_config, parse

pytestmark = pytest.mark.keras

L = keras.layers

# --------------------------------------------------------------------------- constructing


#: A value for each argument a layer cannot be built without.
REQUIRED = {
    "units": 2,
    "n": 2,
    "rate": 0.1,
    "stddev": 0.1,
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
    "output_size": 2,
    "factor": 0.1,
    "height_factor": 0.1,
    "width_factor": 0.1,
    "height": 4,
    "width": 4,
    "scale": 0.5,
    "num_bins": 4,
    "max_number": 2,
    "head_dim": 2,
    "num_query_heads": 2,
    "num_key_value_heads": 1,
    "equation": "ab,bc->ac",
    "output_shape": 3,
}
# Arguments Keras's signature leaves optional but its constructor needs.
_NEEDS = {
    "CategoryEncoding": {"num_tokens": 3},
    "Discretization": {"num_bins": 3},
    "STFTSpectrogram": {"window": None},  # the named windows need scipy
    "RandomPosterization": {"factor": 2},  # bits per channel, 1 to 8
}


def keras_args(name: str) -> dict:
    """Arguments that build Keras's ``name`` with its defaults otherwise."""
    cls = getattr(L, name)
    nested = {
        "layer": lambda: L.Dense(2) if name == "SpectralNormalization" else L.LSTM(2),
        "cell": lambda: L.LSTMCell(2),
        "cells": lambda: [L.LSTMCell(2)],
    }
    args = {}
    for p in list(inspect.signature(cls.__init__).parameters.values())[1:]:
        if p.default is inspect.Parameter.empty and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
            args[p.name] = nested[p.name]() if p.name in nested else REQUIRED[p.name]
    return {**args, **_NEEDS.get(name, {})}


def _quiet(make):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return make()


# --------------------------------------------------------------------------- every keyword

_NAMES = sorted(SIGNATURES)

# Harmless values for the keywords a layer takes through **kwargs.
_KWARG_VALUES = {
    "name": "probe",
    "dtype": None,  # Keras's own choice (the hashing layers need an integer type)
    "trainable": True,
    "autocast": True,
    "activity_regularizer": None,
    "implementation": 2,
    "rms_scaling": False,
    "alpha": 0.3,
    "weights": None,
    "input_length": None,
    "quantization_config": None,
}


def test_every_public_layer_is_known_or_refused_by_name():
    public = {n for n in dir(L) if n[0].isupper()}
    assert public == set(SIGNATURES) | set(specs_catalog.REFUSED), (
        sorted(public - set(SIGNATURES) - set(specs_catalog.REFUSED)),
        sorted(set(SIGNATURES) - public),
    )
    for name in specs_catalog.REFUSED:
        with pytest.raises(SpecError, match=f"^{name} .*cannot trace it"):
            parse(f"{name}()")


@pytest.mark.parametrize("name", _NAMES)
def test_every_keyword_is_kerass(name):
    """The parser's parameters are the class's, in its order; the rest go to **kwargs."""
    sig = SIGNATURES[name]
    params = list(inspect.signature(getattr(L, name).__init__).parameters.values())[1:]
    own = [p.name for p in params if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
    takes_kwargs = any(p.kind == p.VAR_KEYWORD for p in params)
    allowed = {*sig.positional, *sig.keywords} | (set(_BASE) if takes_kwargs else set())
    assert set(own) <= allowed, f"{name} misses {sorted(set(own) - allowed)}"
    positional = [p.name for p in params if p.kind == p.POSITIONAL_OR_KEYWORD]
    assert list(sig.positional) == positional[: len(sig.positional)], "positional order"
    assert set(sig.required) == {
        p.name
        for p in params
        if p.default is p.empty and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
    }
    # each keyword outside the signature is one Keras takes (through **kwargs)
    for key in sorted(allowed - set(own)):
        _quiet(lambda key=key: getattr(L, name)(**keras_args(name), **{key: _KWARG_VALUES[key]}))
    # and one it refuses is refused by both
    bogus = "no_such_keyword"
    if name in specs_catalog.IGNORES_KWARGS:  # Keras drops it unread; the parser refuses it
        _quiet(lambda: getattr(L, name)(**keras_args(name), **{bogus: 1}))
    else:
        with pytest.raises((TypeError, ValueError)):
            _quiet(lambda: getattr(L, name)(**keras_args(name), **{bogus: 1}))
    with pytest.raises(SpecError, match=f"no keyword '{bogus}'"):
        parse(f"{name}({bogus}=1)")


# --------------------------------------------------------------------------- defaults


@pytest.mark.parametrize("name", sorted(specs_catalog.SHAPE_ARGS) + sorted(specs_catalog.ALIASES))
def test_the_defaults_the_new_rules_read_are_kerass_own(name):
    """As test_agreement_layers: a layer built with Keras's defaults reads back with none of
    its shape arguments written, and every default the rules read is Keras's stored value."""
    layer = _quiet(lambda: getattr(L, name)(**keras_args(name)))
    spec = from_config(type(layer).__name__, layer.get_config())
    defaults = SHAPE_ARGS[name][1]
    assert not set(spec.params) & set(defaults) - set(_NEEDS.get(name, ())), spec.text
    for key, default in defaults.items():
        assert spec.get(key) == default or key in _NEEDS.get(name, ()), key


# --------------------------------------------------------------------------- shapes


def _flat_shapes(tensors) -> tuple:
    return tuple(tuple(t.shape) for t in keras.tree.flatten(tensors))


def keras_shapes(layer: str, shape: tuple, dtype: str = "float32", run: bool = True):
    """Keras's output shapes for ``layer`` on ``shape`` (run on zeros when every size is
    known), or the exception Keras raised."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            built = to_keras_layer(layer)
            x = keras.Input(batch_shape=shape, dtype=dtype)
            symbolic = _flat_shapes(built(x))
            if not run or None in shape:
                return symbolic
            model = keras.Model(x, keras.tree.flatten(built(x)))
            zeros = np.zeros(shape, dtype="U1" if dtype == "string" else dtype)
            return _flat_shapes(model(zeros))
    except (SpecError, ShapeError):
        raise
    except Exception as exc:  # noqa: BLE001 - whatever Keras raises is its refusal
        return exc


def assert_agree(layer: str, shape: tuple, expect: str, dtype: str = "float32", run: bool = True):
    try:
        predicted = trace([layer], shape).outputs
    except ShapeError as exc:
        predicted = exc
    measured = keras_shapes(layer, shape, dtype, run)
    if isinstance(predicted, Exception) or isinstance(measured, Exception):
        assert isinstance(predicted, Exception), f"rules {predicted}, Keras refuses: {measured}"
        assert isinstance(measured, Exception), f"rules refuse ({predicted}), Keras {measured}"
        assert expect == "refused", f"both refuse: {predicted}"
    else:
        assert predicted == measured, f"rules {predicted}, Keras {measured}"
        assert expect == "ok", f"both accept: {predicted}"


IMAGE = (2, 8, 8, 3)
VOLUME = (2, 6, 6, 6, 2)
SEQ = (2, 7, 3)

CASES = [
    # activations as layers
    ("ReLU()", SEQ, "ok"),
    ("ReLU(max_value=6.0, negative_slope=0.1)", (None, None, 3), "ok"),
    ("LeakyReLU(0.2)", IMAGE, "ok"),
    ("LeakyReLU(alpha=0.2)", SEQ, "ok"),
    ("ELU()", (2, 4), "ok"),
    ("PReLU()", SEQ, "ok"),
    ("PReLU(shared_axes=[1])", (None, None, 3), "ok"),
    ("PReLU()", (None, None, 3), "refused"),
    ("Softmax()", SEQ, "ok"),
    ("Softmax(axis=1)", SEQ, "ok"),
    ("Identity()", VOLUME, "ok"),
    # dropout and noise
    ("AlphaDropout(0.1)", SEQ, "ok"),
    ("GaussianDropout(0.1)", IMAGE, "ok"),
    ("GaussianNoise(0.1)", (None, 4), "ok"),
    ("ActivityRegularization(l1=0.01)", SEQ, "ok"),
    ("SpatialDropout1D(0.2)", SEQ, "ok"),
    ("SpatialDropout1D(0.2)", (2, 3), "refused"),
    ("SpatialDropout2D(0.2)", IMAGE, "ok"),
    ("SpatialDropout2D(0.2, data_format='channels_first')", IMAGE, "ok"),
    ("SpatialDropout2D(0.2)", SEQ, "refused"),
    ("SpatialDropout3D(0.2)", VOLUME, "ok"),
    ("SpatialDropout3D(0.2)", IMAGE, "refused"),
    # normalization
    ("UnitNormalization()", SEQ, "ok"),
    ("UnitNormalization(axis=(1, 2))", SEQ, "ok"),
    ("RMSNormalization()", SEQ, "ok"),
    ("RMSNormalization()", (2, 7, None), "refused"),
    ("GroupNormalization(groups=2)", (2, 7, 4), "ok"),
    ("GroupNormalization(groups=3)", (2, 7, 4), "refused"),
    ("GroupNormalization()", (2, 7, 4), "refused"),
    ("GroupNormalization(groups=-1)", (2, 7, 4), "ok"),
    ("GroupNormalization(groups=2, axis=1)", (2, 4, 5), "ok"),
    ("Normalization(mean=0.0, variance=1.0)", SEQ, "ok"),
    ("Rescaling(0.0039)", IMAGE, "ok"),
    ("Rescaling(2.0, offset=-1.0)", SEQ, "ok"),
    ("SpectralNormalization(Dense(4))", SEQ, "ok"),
    ("SpectralNormalization(Conv2D(4, 3))", IMAGE, "ok"),
    ("SpectralNormalization(Conv2D(4, 3))", SEQ, "refused"),
    ("SpectralNormalization(Convolution2D(4, 3))", IMAGE, "ok"),  # an alias has the kernel too
    ("SpectralNormalization(Convolution1DTranspose(4, 3))", SEQ, "ok"),
    ("SpectralNormalization(DepthwiseConv2D(3))", IMAGE, "ok"),
    ("SpectralNormalization(DepthwiseConv1D(3))", SEQ, "ok"),
    ("SpectralNormalization(SeparableConv2D(4, 3))", IMAGE, "refused"),  # two kernels, no `kernel`
    ("SpectralNormalization(SeparableConvolution1D(4, 3))", SEQ, "refused"),
    # convolutions
    ("Convolution1D(4, 3)", SEQ, "ok"),
    ("Convolution2D(4, 3, padding='same')", IMAGE, "ok"),
    ("Conv3D(4, 3)", VOLUME, "ok"),
    ("Conv3D(4, (3, 1, 2), strides=2, padding='same')", VOLUME, "ok"),
    ("Conv3D(4, 3, data_format='channels_first')", (2, 2, 6, 6, 6), "ok"),
    ("Convolution3D(4, 7)", VOLUME, "refused"),
    ("Conv3D(4, 3)", IMAGE, "refused"),
    ("Conv3D(3, 3, groups=2)", VOLUME, "refused"),
    ("Conv1DTranspose(4, 3)", SEQ, "ok"),
    ("Conv1DTranspose(4, 3, strides=2)", SEQ, "ok"),
    ("Conv1DTranspose(4, 3, strides=2, padding='same')", (None, None, 3), "ok"),
    ("Conv1DTranspose(4, 3, strides=2, output_padding=1)", SEQ, "ok"),
    ("Conv1DTranspose(4, 3, strides=2, output_padding=2)", SEQ, "refused"),
    ("Conv2DTranspose(4, 3, strides=2, padding='same')", IMAGE, "ok"),
    (
        "Conv2DTranspose(4, (3, 2), strides=(2, 1), padding='same', output_padding=1)",
        IMAGE,
        "refused",
    ),
    ("Conv2DTranspose(4, (3, 2), strides=2, padding='same', output_padding=1)", IMAGE, "ok"),
    ("Convolution2DTranspose(4, 3, dilation_rate=2)", IMAGE, "ok"),
    ("Conv3DTranspose(2, 3, strides=2)", VOLUME, "ok"),
    ("Conv3DTranspose(2, 3)", IMAGE, "refused"),
    ("DepthwiseConv1D(3)", SEQ, "ok"),
    ("DepthwiseConv1D(3, depth_multiplier=2, padding='same')", SEQ, "ok"),
    ("DepthwiseConv2D(3)", IMAGE, "ok"),
    ("DepthwiseConv2D(3, strides=2, depth_multiplier=3)", IMAGE, "ok"),
    ("DepthwiseConv2D(9)", IMAGE, "refused"),
    ("SeparableConv1D(4, 3)", SEQ, "ok"),
    ("SeparableConvolution1D(4, 3, padding='causal')", SEQ, "refused"),
    ("DepthwiseConv1D(3, padding='causal')", SEQ, "refused"),
    ("Conv1DTranspose(4, 3, padding='causal')", SEQ, "refused"),
    ("SeparableConv2D(4, 3, depth_multiplier=2)", IMAGE, "ok"),
    ("SeparableConvolution2D(4, (3, 3), strides=2, padding='same')", IMAGE, "ok"),
    ("SeparableConv2D(4, 3)", SEQ, "refused"),
    # pooling
    ("MaxPool1D()", SEQ, "ok"),
    ("AvgPool1D(3, padding='same')", SEQ, "ok"),
    ("MaxPool2D((2, 3))", IMAGE, "ok"),
    ("AvgPool2D(2, strides=1)", IMAGE, "ok"),
    ("MaxPooling3D()", VOLUME, "ok"),
    ("MaxPool3D(3, strides=1, padding='same')", VOLUME, "ok"),
    ("AveragePooling3D(2)", VOLUME, "ok"),
    ("AvgPool3D((2, 3, 1))", (None, None, 6, 6, 2), "ok"),
    ("AveragePooling3D(2)", IMAGE, "refused"),
    ("MaxPooling3D(7)", VOLUME, "refused"),
    ("GlobalAvgPool1D()", SEQ, "ok"),
    ("GlobalMaxPool1D(keepdims=True)", SEQ, "ok"),
    ("GlobalAvgPool2D()", IMAGE, "ok"),
    ("GlobalMaxPool2D()", IMAGE, "ok"),
    ("GlobalAveragePooling3D()", VOLUME, "ok"),
    ("GlobalMaxPooling3D(keepdims=True)", VOLUME, "ok"),
    ("GlobalAvgPool3D(data_format='channels_first')", VOLUME, "ok"),
    ("GlobalMaxPool3D()", IMAGE, "refused"),
    ("AdaptiveAveragePooling1D(3)", SEQ, "ok"),
    ("AdaptiveMaxPooling1D(4)", (None, None, 3), "ok"),
    ("AdaptiveAveragePooling2D((2, 3))", IMAGE, "ok"),
    ("AdaptiveMaxPooling2D(2, data_format='channels_first')", IMAGE, "ok"),
    ("AdaptiveAveragePooling3D(2)", VOLUME, "ok"),
    ("AdaptiveMaxPooling3D((1, 2, 3))", VOLUME, "ok"),
    ("AdaptiveMaxPooling2D(2)", SEQ, "ok"),  # one image without its batch axis
    ("AdaptiveMaxPooling2D(2)", (2, 7), "refused"),
    # cropping, padding, upsampling
    ("Cropping2D()", IMAGE, "ok"),
    ("Cropping2D(2)", IMAGE, "ok"),
    ("Cropping2D(((1, 2), (0, 3)))", IMAGE, "ok"),
    ("Cropping2D((1, 2), data_format='channels_first')", (2, 3, 8, 8), "ok"),
    ("Cropping2D(4)", IMAGE, "refused"),
    ("Cropping3D()", VOLUME, "ok"),
    ("Cropping3D(((1, 0), (0, 2), (1, 1)))", VOLUME, "ok"),
    ("Cropping3D(3)", VOLUME, "refused"),
    ("ZeroPadding2D()", IMAGE, "ok"),
    ("ZeroPadding2D(((1, 2), (3, 0)))", (None, None, None, 3), "ok"),
    ("ZeroPadding2D((2, 1), data_format='channels_first')", (2, 3, 8, 8), "ok"),
    ("ZeroPadding3D()", VOLUME, "ok"),
    ("ZeroPadding3D((1, 2, 0))", VOLUME, "ok"),
    ("ZeroPadding3D()", IMAGE, "refused"),
    ("UpSampling2D()", IMAGE, "ok"),
    ("UpSampling2D((2, 3), interpolation='bilinear')", IMAGE, "ok"),
    ("UpSampling2D(2)", SEQ, "refused"),
    ("UpSampling3D()", VOLUME, "ok"),
    ("UpSampling3D((1, 2, 3))", (None, None, 6, 6, 2), "ok"),
    # image preprocessing
    ("Resizing(4, 5)", IMAGE, "ok"),
    ("Resizing(4, 5)", (8, 8, 3), "ok"),
    ("Resizing(4, 5, crop_to_aspect_ratio=True)", IMAGE, "ok"),
    ("Resizing(4, 5, data_format='channels_first')", (2, 3, 8, 8), "ok"),
    ("CenterCrop(4, 6)", IMAGE, "ok"),
    ("CenterCrop(4, 6)", (None, None, None, 3), "ok"),
    ("RandomCrop(4, 6)", IMAGE, "ok"),
    ("RandomFlip()", IMAGE, "ok"),
    ("RandomRotation(0.1)", IMAGE, "ok"),
    ("RandomZoom(0.1)", IMAGE, "ok"),
    ("RandomTranslation(0.1, 0.1)", IMAGE, "ok"),
    ("RandomContrast(0.2)", IMAGE, "ok"),
    ("RandomBrightness(0.2)", IMAGE, "ok"),
    ("RandomGrayscale()", IMAGE, "ok"),
    ("RandomHue(0.2)", IMAGE, "ok"),
    ("RandomSaturation(0.2)", IMAGE, "ok"),
    ("RandomSharpness(0.2)", IMAGE, "ok"),
    ("RandomShear(0.1)", IMAGE, "ok"),
    ("RandomInvert()", IMAGE, "ok"),
    ("RandomPosterization(2)", IMAGE, "ok"),
    ("RandomColorDegeneration(0.2)", IMAGE, "ok"),
    ("RandomColorJitter(brightness_factor=0.2)", IMAGE, "ok"),
    ("RandomErasing()", IMAGE, "ok"),
    ("RandomGaussianBlur()", IMAGE, "ok"),
    ("RandomPerspective()", IMAGE, "ok"),
    ("RandomElasticTransform()", IMAGE, "ok"),
    ("AutoContrast()", IMAGE, "ok"),
    ("Equalization()", IMAGE, "refused"),  # Keras reports a cycle in the model
    ("Solarization()", IMAGE, "ok"),
    ("AugMix()", IMAGE, "ok"),
    ("CutMix()", IMAGE, "ok"),
    ("MixUp()", IMAGE, "ok"),
    ("RandAugment()", IMAGE, "ok"),
    ("ContrastLimitedAdaptiveHistogramEqualization()", IMAGE, "ok"),
    # Keras builds these on a 2-D input and fails when it runs: "expected rank 3 or 4"
    ("RandomFlip()", (2, 5), "refused"),
    ("RandomRotation(0.1)", (2, 5), "refused"),
    ("RandomContrast(0.2)", (2, 5), "refused"),
    ("Resizing(4, 4)", (2, 5), "refused"),
    # recurrent: RNN around cells, ConvLSTM3D
    ("RNN(LSTMCell(4))", SEQ, "ok"),
    ("RNN(SimpleRNNCell(4), return_sequences=True)", (None, None, 3), "ok"),
    ("RNN(GRUCell(4), return_state=True)", SEQ, "ok"),
    ("RNN(LSTMCell(4), return_sequences=True, return_state=True)", SEQ, "ok"),
    ("RNN([LSTMCell(4), GRUCell(3)], return_state=True)", SEQ, "ok"),
    ("RNN(StackedRNNCells([SimpleRNNCell(2), LSTMCell(3)]), return_state=True)", SEQ, "ok"),
    ("RNN([GRUCell(2), GRUCell(5)], return_sequences=True)", SEQ, "ok"),
    ("RNN(LSTMCell(4), stateful=True)", (None, 7, 3), "refused"),
    ("RNN(LSTMCell(4))", (2, 3), "refused"),
    ("Bidirectional(RNN(LSTMCell(3)))", SEQ, "ok"),
    ("Bidirectional(RNN(GRUCell(3), return_sequences=True), merge_mode='sum')", SEQ, "ok"),
    ("Bidirectional(RNN(LSTMCell(3), return_state=True), merge_mode=None)", SEQ, "ok"),
    ("Bidirectional(RNN([SimpleRNNCell(3), GRUCell(2)], return_sequences=True))", SEQ, "ok"),
    ("Bidirectional(RNN(LSTMCell(3), go_backwards=True))", SEQ, "refused"),
    ("ConvLSTM3D(2, 3)", (2, 3, 6, 6, 6, 2), "ok"),
    (
        "ConvLSTM3D(2, 3, padding='same', return_sequences=True, return_state=True)",
        (2, 3, 6, 6, 6, 2),
        "ok",
    ),
    ("ConvLSTM3D(2, 3)", VOLUME, "refused"),
    # dense, embedding, attention
    ("EinsumDense('ab,bc->ac', 4)", (2, 3), "ok"),
    ("EinsumDense('abc,cd->abd', (7, 4))", SEQ, "ok"),
    ("EinsumDense('abc,cd->abd', (None, 4))", SEQ, "ok"),
    ("EinsumDense('abc,cde->abde', (7, 2, 4), bias_axes='de')", SEQ, "ok"),
    ("EinsumDense('...b,bc->...c', 4)", SEQ, "ok"),
    ("EinsumDense('...b,bc->...c', 4)", (2, 4, 5, 3), "ok"),
    ("EinsumDense('ab...,bc->ac...', (4, 3))", SEQ, "ok"),
    ("EinsumDense('abc,cd->abd', (6, 4))", SEQ, "refused"),
    ("EinsumDense('ab,bc->ac', 4)", (2, None), "refused"),
    ("EinsumDense('ab->ac', 4)", (2, 3), "refused"),
    ("EinsumDense('abc,cd->abd', (7, 4), bias_axes='x')", SEQ, "refused"),
    ("EinsumDense('abc,cd->abd', (None, 4), bias_axes='bd')", SEQ, "refused"),  # sized None
    ("EinsumDense('ab,bc->ac', 4, lora_rank=2, kernel_constraint='non_neg')", (2, 3), "refused"),
    ("Dense(3, lora_rank=2)", SEQ, "ok"),
    ("Dense(3, lora_rank=2, kernel_constraint='non_neg')", SEQ, "refused"),
    ("Dense(3, lora_rank=-1)", SEQ, "refused"),
    ("ReversibleEmbedding(10, 4)", (2, 5), "ok"),
    # preprocessing by output_mode
    ("CategoryEncoding(5, output_mode='one_hot')", (2,), "ok"),
    ("CategoryEncoding(5, output_mode='one_hot')", (2, 1), "ok"),
    ("CategoryEncoding(5, output_mode='one_hot')", (2, 3), "ok"),
    ("CategoryEncoding(5)", (2, 3), "ok"),
    ("CategoryEncoding(5, output_mode='count')", (2, 3), "ok"),
    ("Hashing(8)", (2, 3), "ok"),
    ("Hashing(8, output_mode='one_hot')", (2, 1), "ok"),
    ("Hashing(8, output_mode='multi_hot')", (2, 3), "ok"),
    ("Discretization(bin_boundaries=[0.0, 1.0])", (2, 3), "ok"),
    ("Discretization(bin_boundaries=[0.0, 1.0], output_mode='one_hot')", (2, 3), "ok"),
    ("Discretization(bin_boundaries=[0.0, 1.0], output_mode='multi_hot')", (2, 3), "ok"),
    ("Discretization(bin_boundaries=[0.0, 1.0], output_mode='count')", (2, 3, 4), "ok"),
    (
        "MelSpectrogram(fft_length=64, sequence_stride=16, sequence_length=64, num_mel_bins=8)",
        (2, 256),
        "ok",
    ),
    ("MelSpectrogram(num_mel_bins=16)", (2, None), "ok"),
    ("STFTSpectrogram(frame_length=16, frame_step=4, window=None)", (2, 100, 1), "ok"),
    ("STFTSpectrogram(frame_length=16, window=None, mode='stft')", (2, 100, 2), "ok"),
    (
        "STFTSpectrogram(frame_length=16, window=None, padding='same', expand_dims=True)",
        (2, 100, 1),
        "ok",
    ),
    (
        "STFTSpectrogram(frame_length=16, fft_length=32, window=None, mode='magnitude')",
        (2, None, 1),
        "ok",
    ),
]

# Integer inputs: the lookups and the embedding read ids.
INT_CASES = [
    ("IntegerLookup(vocabulary=[1, 2, 3])", (2, 4), "ok"),
    ("IntegerLookup(vocabulary=[1, 2, 3], output_mode='one_hot')", (2, 4), "ok"),
    ("IntegerLookup(vocabulary=[1, 2, 3], output_mode='one_hot')", (2, 1), "ok"),
    (
        "IntegerLookup(vocabulary=[1, 2, 3], output_mode='multi_hot', num_oov_indices=2)",
        (2, 4),
        "ok",
    ),
    (
        "IntegerLookup(vocabulary=[1, 2], max_tokens=10, pad_to_max_tokens=True, output_mode='count')",
        (2, 4),
        "ok",
    ),
    ("ReversibleEmbedding(10, 4)", (2, 5), "ok"),
    ("Embedding(10, 4, lora_rank=2, embeddings_constraint='non_neg')", (2, 5), "refused"),
]
STRING_CASES = [
    ("StringLookup(vocabulary=['a', 'b'])", (2, 3), "ok"),
    ("StringLookup(vocabulary=['a', 'b'], output_mode='one_hot')", (2, 1), "ok"),
    (
        "StringLookup(vocabulary=['a', 'b'], output_mode='tf_idf', idf_weights=[0.5, 0.5])",
        (2, 3),
        "ok",
    ),
    ("TextVectorization(vocabulary=['a', 'b'], output_sequence_length=5)", (2,), "ok"),
    ("TextVectorization(vocabulary=['a', 'b'], output_mode='multi_hot')", (2,), "ok"),
    ("TextVectorization(vocabulary=['a', 'b'], output_mode='count')", (2, 1), "ok"),
    ("TextVectorization(vocabulary=['a', 'b'], output_mode='count', split=None)", (2, 1), "ok"),
    ("TextVectorization(vocabulary=['a', 'b'], output_mode='one_hot', split=None)", (2,), "ok"),
    (
        "TextVectorization(vocabulary=['a', 'b'], output_mode='tf_idf', idf_weights=[1.0, 1.0])",
        (2,),
        "ok",
    ),
]


@pytest.mark.parametrize(("layer", "shape", "expect"), CASES, ids=str)
def test_layer_agrees_with_keras(layer, shape, expect):
    assert_agree(layer, shape, expect)


@pytest.mark.parametrize(("layer", "shape", "expect"), INT_CASES, ids=str)
def test_integer_input_layer_agrees_with_keras(layer, shape, expect):
    assert_agree(layer, shape, expect, dtype="int32")


@pytest.mark.parametrize(("layer", "shape", "expect"), STRING_CASES, ids=str)
def test_string_input_layer_agrees_with_keras(layer, shape, expect):
    # symbolic shapes only: running needs string arrays, which not every backend has
    assert_agree(layer, shape, expect, dtype="string", run=False)


# Layers that take a list of tensors.
def test_group_query_attention_agrees():
    from rnnshape_docs import rules
    from rnnshape_docs.rules import Call

    layer = L.GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2)
    q, v = keras.Input(batch_shape=(2, 5, 6)), keras.Input(batch_shape=(2, 7, 6))
    out, scores = layer(q, v, return_attention_scores=True)
    spec = parse("GroupQueryAttention(4, 4, 2)")
    call = Call(((2, 5, 6), (2, 7, 6)), {"return_attention_scores": True})
    assert rules.apply(spec, call)[0] == (tuple(out.shape), tuple(scores.shape))
    for wrong, shapes in (
        ("GroupQueryAttention(4, 3, 2)", (q, v)),
        ("GroupQueryAttention(4, 4, 2)", (q, keras.Input(batch_shape=(2, 7, 3)))),
    ):
        with pytest.raises(ValueError):  # noqa: PT011
            to_keras_layer(wrong)(*shapes)
        with pytest.raises(rules.Refusal):
            rules.apply(parse(wrong), Call(tuple(tuple(t.shape) for t in shapes)))


def test_hashed_crossing_agrees():
    from rnnshape_docs import rules
    from rnnshape_docs.rules import Call

    for mode in ("int", "one_hot"):
        layer = L.HashedCrossing(5, output_mode=mode)
        a, b = (
            keras.Input(batch_shape=(2, 1), dtype="int32"),
            keras.Input(batch_shape=(2, 1), dtype="int32"),
        )
        spec = parse(f"HashedCrossing(5, output_mode={mode!r})")
        assert rules.apply(spec, Call(((2, 1), (2, 1))))[0] == (tuple(layer((a, b)).shape),)


def test_rnn_cell_configs_read_back():
    """An RNN's cells survive a saved model's config."""
    for text in (
        "RNN(LSTMCell(4), return_sequences=True)",
        "RNN([LSTMCell(4), GRUCell(3)], return_state=True)",
        "SpectralNormalization(Dense(4))",
    ):
        layer = to_keras_layer(text)
        spec = from_config(type(layer).__name__, layer.get_config())
        assert trace([spec], SEQ).outputs == trace([text], SEQ).outputs, spec.text


# --------------------------------------------------------------------------- generated grids
# Every geometry layer of a rank on small grids: each kernel/pool size, stride and padding,
# known and unknown sizes, both data formats. Keras decides; refusals must match too.


def _geometry_cases():
    cases = []
    for rank in (1, 2, 3):
        grid = (5, 4, 6)[:rank]
        for known in (True, False):
            sizes = grid if known else (None, *grid[1:])
            for fmt in ("channels_last", "channels_first"):
                if fmt == "channels_first" and rank == 1:
                    continue  # TensorFlow's CPU kernels: channels_first 1-D runs transposed
                shape = (2, *sizes, 2) if fmt == "channels_last" else (2, 2, *sizes)
                df = "" if fmt == "channels_last" else ", data_format='channels_first'"
                for k, s, pad in itertools.product((1, 3), (1, 2), ("valid", "same")):
                    cases.append(
                        (f"Conv{rank}DTranspose(3, {k}, strides={s}, padding={pad!r}{df})", shape)
                    )
                    if rank < 3:
                        cases.append(
                            (
                                f"SeparableConv{rank}D(3, {k}, strides={s}, padding={pad!r}{df})",
                                shape,
                            )
                        )
                        cases.append(
                            (
                                f"DepthwiseConv{rank}D({k}, strides={s}, padding={pad!r}, depth_multiplier=2{df})",
                                shape,
                            )
                        )
                    else:
                        cases.append((f"Conv3D(3, {k}, strides={s}, padding={pad!r}{df})", shape))
                        cases.append(
                            (f"MaxPooling3D({k + 1}, strides={s}, padding={pad!r}{df})", shape)
                        )
                        cases.append(
                            (f"AveragePooling3D({k + 1}, strides={s}, padding={pad!r}{df})", shape)
                        )
                if rank > 1:
                    for amount in (1, 2, 3):
                        cases.append((f"Cropping{rank}D({amount}{df})", shape))
                        cases.append((f"ZeroPadding{rank}D({amount}{df})", shape))
                        cases.append((f"UpSampling{rank}D({amount}{df})", shape))
    return cases


GEOMETRY = _geometry_cases()


@pytest.mark.parametrize(("layer", "shape"), GEOMETRY, ids=str)
def test_generated_geometry_agrees_with_keras(layer, shape):
    try:
        predicted = trace([layer], shape).outputs
    except ShapeError as exc:
        predicted = exc
    measured = keras_shapes(layer, shape)
    if isinstance(predicted, Exception) or isinstance(measured, Exception):
        assert isinstance(predicted, Exception), f"rules {predicted}, Keras refuses: {measured}"
        assert isinstance(measured, Exception), f"rules refuse ({predicted}), Keras {measured}"
    else:
        assert predicted == measured


def test_generated_cases_include_refusals():
    """The grid is not all easy cases: Keras refuses some (kernels larger than the grid)."""
    refused = 0
    for layer, shape in GEOMETRY:
        try:
            trace([layer], shape)
        except ShapeError:
            refused += 1
    assert 0 < refused < len(GEOMETRY)


# --------------------------------------------------------------------------- whole models


def video_3d_model():
    clip = keras.Input((8, 16, 16, 3))
    x = L.Conv3D(4, 3, activation="relu")(clip)
    x = L.MaxPool3D()(L.SpatialDropout3D(0.1)(x))
    x = L.Conv3DTranspose(2, 3, strides=2, padding="same")(x)
    x = L.GlobalAvgPool3D()(L.GroupNormalization(groups=2)(x))
    return keras.Model(clip, L.Dense(2)(L.ReLU()(x)))


def signal_model():
    audio = keras.Input((400, 1))
    x = L.STFTSpectrogram(frame_length=32, window=None)(audio)
    x = L.SeparableConv1D(8, 3, padding="same")(x)
    x = L.Conv1DTranspose(4, 3, strides=2)(L.LeakyReLU()(x))
    _, (h1, c1), h2 = L.RNN([L.LSTMCell(6), L.GRUCell(5)], return_state=True)(x)
    return keras.Model(audio, [L.Concatenate()([h1, h2]), c1])


def image_model():
    image = keras.Input((20, 20, 3))
    x = L.Rescaling(1 / 255)(L.CenterCrop(16, 16)(image))
    x = L.DepthwiseConv2D(3, depth_multiplier=2)(L.ZeroPadding2D(1)(x))
    x = L.UpSampling2D()(L.AdaptiveAveragePooling2D(4)(L.Cropping2D(((1, 0), (0, 1)))(x)))
    x = L.EinsumDense("abcd,de->abce", (8, 8, 5))(x)
    return keras.Model(image, L.Softmax()(L.Flatten()(x)))


MODELS = {
    "3-D convolutions": video_3d_model,
    "spectrogram to RNN cells": signal_model,
    "image": image_model,
}


@pytest.mark.parametrize("name", MODELS)
def test_new_layers_in_saved_models_agree_with_keras(name, tmp_path):
    from rnnshape_docs import trace_model
    from rnnshape_docs.keras_models import check_model
    from rnnshape_docs.model_files import trace_file

    keras.backend.clear_session()
    model = _quiet(MODELS[name])
    _quiet(lambda: check_model(model))
    live = trace_model(model)
    model.save(tmp_path / "model.keras")
    (tmp_path / "model.json").write_text(model.to_json())
    for path in (tmp_path / "model.keras", tmp_path / "model.json"):
        assert trace_file(path).steps == live.steps, path.name


# --------------------------------------------------------------------------- parameters


def keras_weights(built) -> tuple[int, int]:
    """A built Keras layer's (trainable, non-trainable) weights, checked against
    count_params()."""
    trainable = sum(math.prod(w.shape) for w in built.trainable_weights)
    frozen = sum(math.prod(w.shape) for w in built.non_trainable_weights)
    assert trainable + frozen == built.count_params()
    return trainable, frozen


#: Cases for the weights beyond the shape cases, by the dtype of the input.
WEIGHT_CASES = {
    "float32": [
        ("LSTM(4)", SEQ),
        ("LSTM(4, use_bias=False, return_sequences=True)", SEQ),
        ("GRU(4)", SEQ),
        ("GRU(4, reset_after=False)", SEQ),
        ("SimpleRNN(5)", SEQ),
        ("Bidirectional(LSTM(3))", SEQ),
        (
            "Bidirectional(GRU(3), backward_layer=SimpleRNN(2, go_backwards=True), merge_mode=None)",
            SEQ,
        ),
        ("TimeDistributed(Dense(3))", (2, 4, 5)),
        ("Dense(3, trainable=False)", SEQ),
        ("Dense(3, lora_rank=1, use_bias=False)", (2, 5)),
        ("Dense(3, lora_rank=2, trainable=False)", (2, 5)),
        ("Conv1D(6, 3, groups=3)", (2, 7, 6)),
        ("Conv2D(4, 3, use_bias=False)", IMAGE),
        ("ConvLSTM2D(3, 3)", (2, 3, 8, 8, 2)),
        ("ConvLSTM1D(3, 2, use_bias=False)", (2, 3, 8, 2)),
        ("BatchNormalization()", SEQ),
        ("BatchNormalization(axis=1, scale=False)", SEQ),
        ("LayerNormalization()", SEQ),
        ("LayerNormalization(axis=(1, 2), center=False)", SEQ),
        # EinsumDense: the kernel's axes from the equation, the bias's from bias_axes, LoRA
        ("EinsumDense('abc,cd->abd', (7, 4), bias_axes='bd')", SEQ),
        ("EinsumDense('abc,cd->abd', (None, 4), bias_axes='d')", SEQ),
        ("EinsumDense('...b,bc->...c', 4, bias_axes='c')", (2, 4, 5, 3)),
        ("EinsumDense('ab...,bc->ac...', (4, 3), bias_axes='c')", SEQ),
        ("EinsumDense('abc,cde->abde', (7, 2, 4), bias_axes='e', lora_rank=2)", SEQ),
        ("EinsumDense('abcd,de->abce', (8, 8, 5), lora_rank=3, trainable=False)", IMAGE),
        # Normalization: a mean, a variance (per value of the kept axes) and a count, unless given
        ("Normalization()", SEQ),
        ("Normalization(axis=(1, 2))", SEQ),
        ("Normalization(axis=None)", SEQ),
        ("Normalization(axis=-2, invert=True)", IMAGE),
        ("Normalization(axis=(1, 3))", VOLUME),
        ("Normalization(mean=[0.0, 1.0, 2.0], variance=[1.0, 1.0, 2.0])", SEQ),
        # SpectralNormalization: the layer's weights, and a vector as wide as its kernel's last axis
        ("SpectralNormalization(Dense(5, use_bias=False))", (2, 6)),
        ("SpectralNormalization(Conv1D(4, 3, groups=1))", SEQ),
        ("SpectralNormalization(Conv3D(2, 3))", VOLUME),
        ("SpectralNormalization(Conv1DTranspose(4, 3))", SEQ),
        ("SpectralNormalization(Conv2DTranspose(2, 3, data_format='channels_first'))", IMAGE),
        ("SpectralNormalization(EinsumDense('abc,cde->abde', (7, 2, 4)))", SEQ),
        ("SpectralNormalization(Dense(4), trainable=False)", SEQ),
        # spectrograms: STFT's DFT kernels (trainable unless said); Mel's filters are no weights
        ("STFTSpectrogram(frame_length=10, window=None, mode='real')", (2, 100, 2)),
        (
            "STFTSpectrogram(frame_length=10, fft_length=64, window=None, mode='imag')",
            (2, 100, 1),
        ),
        (
            "STFTSpectrogram(frame_length=32, window=None, mode='psd', trainable=False)",
            (2, 100, 1),
        ),
        ("STFTSpectrogram(window=None, mode='angle')", (2, 300, 1)),
        ("MelSpectrogram(fft_length=128, sequence_length=100, num_mel_bins=32)", (2, 400)),
        # preprocessing: bins and vocabularies are tables, not weights, however large
        ("Discretization(num_bins=6)", (2, 3)),
        ("Discretization(bin_boundaries=[0.0, 1.0, 2.0, 5.0], output_mode='count')", (2, 3)),
    ],
    "int32": [
        ("Embedding(10, 4)", (2, 5)),
        ("Embedding(10, 4, lora_rank=3)", (2, 5)),
        ("SpectralNormalization(Embedding(10, 4))", (2, 5)),
        (f"IntegerLookup(vocabulary={list(range(1, 13))}, output_mode='one_hot')", (2, 1)),
        (
            "IntegerLookup(max_tokens=50, output_mode='multi_hot', pad_to_max_tokens=True)",
            (2, 4),
        ),
        (
            "IntegerLookup(vocabulary=[4, 5, 6], output_mode='tf_idf', idf_weights=[0.1, 0.2, 0.3])",
            (2, 4),
        ),
    ],
    "string": [
        ("StringLookup(vocabulary=['a', 'b', 'c', 'd', 'e'], output_mode='count')", (2, 3)),
        ("StringLookup(max_tokens=30, num_oov_indices=3)", (2, 3)),
        ("TextVectorization(max_tokens=100, output_sequence_length=8)", (2,)),
        (
            "TextVectorization(vocabulary=['a', 'b'], output_mode='tf_idf', idf_weights=[1.0, 2.0], ngrams=2)",
            (2,),
        ),
    ],
}
#: Every layer the shape cases accept, and the weight cases: (layer, shape, dtype).
PARAM_CASES = [
    (layer, shape, dtype)
    for cases, dtype in ((CASES, "float32"), (INT_CASES, "int32"), (STRING_CASES, "string"))
    for layer, shape, expect in cases
    if expect == "ok"
] + [(layer, shape, dtype) for dtype, cases in WEIGHT_CASES.items() for layer, shape in cases]


@pytest.mark.parametrize(("layer", "shape", "dtype"), PARAM_CASES, ids=str)
def test_parameter_counts_agree_with_keras(layer, shape, dtype):
    """Every layer the shape cases build holds the weights params.count says (none is left
    uncounted), trainable and non-trainable apart."""
    from rnnshape_docs import params

    counted = params.count(parse(layer), [shape])
    assert counted is not None, f"{layer}: no count"
    built = _quiet(lambda: to_keras_layer(layer))
    _quiet(lambda: built(keras.Input(batch_shape=shape, dtype=dtype)))
    assert counted == keras_weights(built)


@pytest.mark.parametrize(
    ("layers", "inputs"),
    [
        ("MultiHeadAttention(2, 4)", ((2, 5, 6), (2, 7, 3))),
        (
            "MultiHeadAttention(2, 4, value_dim=3, use_bias=False)",
            ((2, 5, 6), (2, 7, 3), (2, 7, 8)),
        ),
        ("MultiHeadAttention(2, 4, output_shape=5)", ((2, 5, 6), (2, 7, 3))),
        ("MultiHeadAttention(3, 2, output_shape=(3, 5), use_gate=True)", ((2, 5, 6), (2, 7, 3))),
        (
            "MultiHeadAttention(2, 4, value_dim=3, use_gate=True, use_bias=False)",
            ((2, 5, 6), (2, 7, 3), (2, 7, 8)),
        ),
        ("GroupQueryAttention(4, 4, 2)", ((2, 5, 6), (2, 7, 6))),
        ("GroupQueryAttention(3, 6, 3, use_gate=True)", ((2, 5, 6), (2, 7, 6), (2, 7, 6))),
        ("GroupQueryAttention(2, 4, 1, use_bias=False)", ((2, 5, 8), (2, 3, 8))),
        ("GroupQueryAttention(4, 2, 2, use_gate=True, use_bias=False)", ((2, 5, 6), (2, 7, 6))),
        ("Attention(use_scale=True, score_mode='concat')", ((2, 5, 6), (2, 7, 6))),
        ("AdditiveAttention()", ((2, 5, 6), (2, 7, 6))),
        ("HashedCrossing(5, output_mode='one_hot')", ((2, 1), (2, 1))),
    ],
    ids=str,
)
def test_attention_parameter_counts_agree_with_keras(layers, inputs):
    from rnnshape_docs import params

    built = to_keras_layer(layers)
    dtype = "int32" if layers.startswith("Hashed") else "float32"
    tensors = [keras.Input(batch_shape=s, dtype=dtype) for s in inputs]
    if "QueryAttention" in layers or layers.startswith("MultiHead"):
        built(*tensors)  # query, value, key
    else:
        built(tuple(tensors) if layers.startswith("Hashed") else tensors)
    assert params.count(parse(layers), inputs) == keras_weights(built)


# --------------------------------------------------------------------------- masks


@pytest.mark.parametrize("name", [n for n in _NAMES if not n.endswith("Cell")], ids=str)
def test_mask_support_is_kerass(name):
    """masks.SUPPORTS and masks.USES are each layer class's supports_masking and whether its
    call reads a mask (check_model then checks the masks on every model's tensors)."""
    from rnnshape_docs import masks

    if name == "StackedRNNCells":
        return
    layer = _quiet(lambda: getattr(L, name)(**keras_args(name)))
    own = specs_catalog.ALIASES.get(name, name)
    assert layer.supports_masking == (own in masks.SUPPORTS), name
    reads = any(
        p == "mask" or p.endswith("_mask") for p in inspect.signature(layer.call).parameters
    )
    assert reads == (own in masks.USES), name
    if own in ("Embedding", "ReversibleEmbedding"):  # supports masking with mask_zero only
        zero = _quiet(lambda: getattr(L, name)(**keras_args(name), mask_zero=True))
        assert zero.supports_masking
        assert masks.supports(parse(f"{name}(5, 2, mask_zero=True)"))
