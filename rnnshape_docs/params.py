"""How many weights a layer holds once built, as ``model.summary()`` counts them (issue 24,
item 5): trainable and non-trainable, from the layer's configuration and its input shapes.

`count` returns ``(trainable, non_trainable)`` for every layer the catalog knows (a lookup
or text layer's vocabulary is a table, not a weight: 0), or None where a size it needs is
unknown (the rules refuse those layers first; a row stated with ``--assume`` is never
counted: its weights cannot be known). A row with None shows ``?``. Keras's own
``count_params()`` is the truth: tests/test_agreement_catalog.py checks every count, and
`keras_models.check_model` every row of every model it checks. The walk (`graph`) puts the
count on each row.
Nothing here imports Keras.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rnnshape_docs.rules.base import Refusal, Shape
from rnnshape_docs.rules.encodings import einsum_weights
from rnnshape_docs.specs import LayerSpec
from rnnshape_docs.specs_catalog import ALIASES, IMAGE_LAYERS

Count = tuple[int, int]


def _flag(spec: LayerSpec, key: str, default: bool = True) -> bool:
    return bool(spec.get(key, default))


def _rank_sizes(value, rank: int) -> tuple[int, ...]:
    if isinstance(value, tuple | list):
        return tuple(value)
    return (value,) * rank


def _channels(spec: LayerSpec, shape: Shape) -> int | None:
    fmt = spec.get("data_format") or "channels_last"
    return shape[-1] if fmt == "channels_last" else shape[1]


def _rank(spec: LayerSpec, shape: Shape) -> int:
    for rank in (1, 2, 3):
        if f"{rank}D" in spec.name:
            return rank
    return len(shape) - 2


def _lora(kernel: Sequence[int], rank, others: int = 0) -> Count:
    """A kernel of shape ``kernel`` plus ``others`` trainable weights; with ``lora_rank``,
    Keras freezes the kernel and trains two factors, (kernel[:-1], rank) and (rank, kernel[-1])."""
    size = math.prod(kernel)
    if not rank:  # Keras enables LoRA only for a rank that is true (None and 0 are not)
        return size + others, 0
    return math.prod(kernel[:-1]) * rank + rank * kernel[-1] + others, size


def _dense(spec: LayerSpec, shape: Shape) -> Count:
    units = spec.get("units")
    return _lora((shape[-1], units), spec.get("lora_rank"), units * _flag(spec, "use_bias"))


def _einsum_dense(spec: LayerSpec, shape: Shape) -> Count:
    kernel, bias = einsum_weights(spec, shape)
    return _lora(kernel, spec.get("lora_rank"), math.prod(bias) if bias else 0)


def _recurrent(spec: LayerSpec, width: int) -> int:
    units = spec.get("units")
    gates = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}[spec.name.removesuffix("Cell")]
    bias = gates * units if _flag(spec, "use_bias") else 0
    if gates == 3 and _flag(spec, "reset_after"):
        bias *= 2  # GRU's reset_after: one bias for the input, one for the recurrent kernel
    return gates * units * (width + units) + bias


def _conv(spec: LayerSpec, shape: Shape) -> Count | None:
    rank = _rank(spec, shape)
    kernel = math.prod(_rank_sizes(spec.get("kernel_size"), rank))
    channels = _channels(spec, shape)
    bias = _flag(spec, "use_bias")
    if spec.name.startswith("Depthwise"):
        mult = spec.get("depth_multiplier")
        return kernel * channels * mult + channels * mult * bias, 0
    filters = spec.get("filters")
    if spec.name.startswith("Separable"):
        mult = spec.get("depth_multiplier")
        return kernel * channels * mult + channels * mult * filters + filters * bias, 0
    groups = spec.get("groups", 1) or 1
    return kernel * channels // groups * filters + filters * bias, 0


def _conv_lstm(spec: LayerSpec, shape: Shape) -> Count:
    rank = _rank(spec, shape)
    kernel = math.prod(_rank_sizes(spec.get("kernel_size"), rank))
    filters = spec.get("filters")
    fmt = spec.get("data_format") or "channels_last"
    channels = shape[-1] if fmt == "channels_last" else shape[2]
    bias = 4 * filters if _flag(spec, "use_bias") else 0
    return kernel * (channels + filters) * 4 * filters + bias, 0


def _axes_size(shape: Shape, axis) -> int:
    axes = axis if isinstance(axis, tuple | list) else (axis,)
    return math.prod(shape[a] for a in axes)


def _normalization(spec: LayerSpec, shape: Shape) -> Count | None:
    name = spec.name
    if name == "LayerNormalization":
        size = _axes_size(shape, spec.get("axis"))
        return size * (_flag(spec, "center") + _flag(spec, "scale")), 0
    if name == "BatchNormalization":
        size = shape[int(spec.get("axis"))]
        return size * (_flag(spec, "center") + _flag(spec, "scale")), 2 * size
    if name == "GroupNormalization":
        size = shape[spec.get("axis")]
        return size * (_flag(spec, "center") + _flag(spec, "scale")), 0
    if name == "RMSNormalization":
        return _axes_size(shape, spec.get("axis")), 0
    if name == "Normalization":
        if spec.get("mean") is not None:  # given: Keras keeps it as a constant, not a weight
            return 0, 0
        axis = spec.get("axis")
        size = 1 if axis is None else _axes_size(shape, axis)
        return 0, 2 * size + 1  # a mean and a variance per kept value, and a count
    return None


def _kernel_width(spec: LayerSpec, shape: Shape) -> int | None:
    """The last axis of the kernel SpectralNormalization rescales (its vector_u's size)."""
    name = spec.name
    if name == "Dense":
        return spec.get("units")
    if name == "Embedding":
        return spec.get("output_dim")
    if name == "EinsumDense":
        return einsum_weights(spec, shape)[0][-1]
    if name.endswith("Transpose"):  # kernel (..., filters, input channels)
        return _channels(spec, shape)
    if name.startswith("Depthwise"):  # kernel (..., input channels, depth_multiplier)
        return spec.get("depth_multiplier")
    if name.startswith("Conv"):
        return spec.get("filters")
    return None


def _attention(spec: LayerSpec, inputs: Sequence[Shape]) -> Count | None:
    query, value = inputs[0], inputs[1]
    key = inputs[2] if len(inputs) > 2 else value
    if spec.name == "Attention":
        return _flag(spec, "use_scale", False) + (spec.get("score_mode") == "concat"), 0
    if spec.name == "AdditiveAttention":
        return (query[-1] if _flag(spec, "use_scale") else 0), 0
    bias = _flag(spec, "use_bias")
    if spec.name == "MultiHeadAttention":
        heads, kd = spec.get("num_heads"), spec.get("key_dim")
        vd = spec.get("value_dim") or kd
        wanted = spec.get("output_shape")  # Keras: the query's width when not given (or falsy)
        out = math.prod(_rank_sizes(wanted, 1)) if wanted else query[-1]
        total = (query[-1] + bias) * heads * kd + (key[-1] + bias) * heads * kd
        total += (value[-1] + bias) * heads * vd + heads * vd * out + out * bias
        if _flag(spec, "use_gate", False):  # a sigmoid gate projected from the query
            total += (query[-1] + bias) * heads * vd
        return total, 0
    if spec.name == "GroupQueryAttention":
        dim = spec.get("head_dim")
        heads, kv_heads = spec.get("num_query_heads"), spec.get("num_key_value_heads")
        gate = _flag(spec, "use_gate", False)
        total = (query[-1] + bias) * heads * dim * (1 + gate)  # query, and its gate
        total += (key[-1] + bias) * kv_heads * dim + (value[-1] + bias) * kv_heads * dim
        total += heads * dim * query[-1] + query[-1] * bias
        return total, 0
    return None


_NO_WEIGHTS = {
    "Activation", "ActivityRegularization", "Add", "AlphaDropout", "Average", "Concatenate",
    "Cropping1D", "Cropping2D", "Cropping3D", "Dot", "Dropout", "ELU", "Flatten",
    "GaussianDropout", "GaussianNoise", "Identity", "LeakyReLU", "Masking", "Maximum",
    "Minimum", "Multiply", "Permute", "ReLU", "RepeatVector", "Reshape", "Softmax",
    "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "Subtract", "UnitNormalization",
    "UpSampling1D", "UpSampling2D", "UpSampling3D", "ZeroPadding1D", "ZeroPadding2D",
    "ZeroPadding3D", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D",
    "AveragePooling2D", "AveragePooling3D", "GlobalAveragePooling1D", "GlobalAveragePooling2D",
    "GlobalAveragePooling3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
    "AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D", "AdaptiveAveragePooling3D",
    "AdaptiveMaxPooling1D", "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D", "Rescaling",
    "Resizing", "CenterCrop", "RandomCrop", "RandomFlip", "RandomRotation", "RandomZoom",
    "RandomTranslation", "RandomContrast", "RandomBrightness", "Hashing", "CategoryEncoding",
    "MaxNumBoundingBoxes", "HashedCrossing", "MelSpectrogram",  # its filters made per call
    # Their vocabulary, idf weights or bin boundaries live in lookup tables and constants,
    # which Keras does not count as weights: count_params() is 0 whatever their size
    "IntegerLookup", "StringLookup", "TextVectorization", "Discretization",
}  # fmt: skip


def count(spec: LayerSpec, inputs: Sequence[Shape]) -> Count | None:
    """(trainable, non-trainable) weights of ``spec`` built on ``inputs``, or None."""
    name = ALIASES.get(spec.name, spec.name)
    spec = LayerSpec(name, spec.params, spec.text)
    if not inputs:
        return None
    try:
        result = _count(spec, inputs[0], inputs)
    except (TypeError, Refusal):  # an unknown size (None), or a layer Keras cannot build
        return None
    if result is not None and spec.params.get("trainable") is False:
        return 0, sum(result)
    return result


def _count(spec: LayerSpec, shape: Shape, inputs: Sequence[Shape]) -> Count | None:
    name = spec.name
    if name in _NO_WEIGHTS or name in IMAGE_LAYERS:
        return 0, 0
    if name == "Dense":
        return _dense(spec, shape)
    if name in ("SimpleRNN", "LSTM", "GRU"):
        return _recurrent(spec, shape[-1]), 0
    if name == "RNN":
        cell = spec.params["cell"]
        cells = list(cell) if isinstance(cell, tuple) else [cell]
        flat = []
        for one in cells:
            flat += list(one.params["cells"]) if one.name == "StackedRNNCells" else [one]
        total, width = 0, shape[-1]
        for one in flat:
            total += _recurrent(one, width)
            width = one.get("units")
        return total, 0
    if name == "Bidirectional":
        forward = spec.params["layer"]
        backward = spec.params.get("backward_layer") or forward
        counts = [count(layer, inputs) for layer in (forward, backward)]
        if None in counts:
            return None
        return counts[0][0] + counts[1][0], counts[0][1] + counts[1][1]
    if name == "TimeDistributed":
        return count(spec.params["layer"], [(shape[0], *shape[2:])])
    if name == "Embedding":
        return _lora((spec.get("input_dim"), spec.get("output_dim")), spec.get("lora_rank"))
    if name == "ReversibleEmbedding":
        tied = _flag(spec, "tie_weights")
        return spec.get("input_dim") * spec.get("output_dim") * (1 if tied else 2), 0
    if name.startswith(("Conv", "Separable", "Depthwise")) and "Transpose" not in name:
        if name.startswith("ConvLSTM"):
            return _conv_lstm(spec, shape)
        return _conv(spec, shape)
    if name.endswith("Transpose"):
        rank = _rank(spec, shape)
        kernel = math.prod(_rank_sizes(spec.get("kernel_size"), rank))
        filters = spec.get("filters")
        return kernel * _channels(spec, shape) * filters + filters * _flag(spec, "use_bias"), 0
    if name == "SpectralNormalization":  # the layer's weights, and a frozen vector_u
        inner = spec.params["layer"]
        counted = count(inner, inputs)
        own = LayerSpec(ALIASES.get(inner.name, inner.name), inner.params, inner.text)
        width = _kernel_width(own, shape)
        if counted is None or width is None:
            return None
        return counted[0], counted[1] + width
    if name.endswith("Normalization"):
        return _normalization(spec, shape)
    if name == "PReLU":
        shared = spec.get("shared_axes") or ()
        shared = shared if isinstance(shared, tuple | list) else (shared,)
        return math.prod(1 if i in shared else s for i, s in enumerate(shape) if i), 0
    if name in ("Attention", "AdditiveAttention", "MultiHeadAttention", "GroupQueryAttention"):
        return _attention(spec, inputs)
    if name == "EinsumDense":
        return _einsum_dense(spec, shape)
    if name == "STFTSpectrogram":  # a DFT kernel for the real part, one for the imaginary
        frame = spec.get("frame_length")
        fft = spec.get("fft_length") or 2 ** math.ceil(math.log2(frame))
        kernels = 1 if spec.get("mode") in ("real", "imag") else 2
        return kernels * frame * (fft // 2 + 1), 0  # trainable, as Keras makes them
    return None
