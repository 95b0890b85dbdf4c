"""The shape rules, one module per family of layers, and the one entry point `apply`.

A rule reads a parsed layer (`LayerSpec`) and the shapes it is called on (`Call`) and
returns its output shapes, what each output is and a one-line reason, or raises `Refusal`
with what is wrong and how to fix it. Most layers take one tensor: their rules take
``(spec, shape)`` and `apply` checks that there is exactly one. Layers that take several
tensors (merges, attention, a recurrent layer given ``initial_state``) take the `Call`.

Nothing here imports TensorFlow.
"""

from __future__ import annotations

from collections.abc import Callable

from rnnshape_docs.rules import (
    attention,
    catalog,
    conv,
    conv_recurrent,
    core,
    merge,
    normalization,
    recurrent,
    reshape,
    spatial,
    wrappers,
)
from rnnshape_docs.rules.base import Call, Refusal, Result, Shape, format_shape
from rnnshape_docs.specs import LayerSpec

__all__ = ["Call", "Refusal", "Result", "Shape", "apply", "format_shape", "takes_several"]

SingleRule = Callable[[LayerSpec, Shape], Result]
CallRule = Callable[[LayerSpec, Call], Result]

#: Layers that take one tensor.
SINGLE: dict[str, SingleRule] = {
    "TimeDistributed": wrappers.time_distributed,
    "Dense": core.dense,
    "RepeatVector": core.repeat_vector,
    "Masking": core.masking,
    "Flatten": core.flatten,
    "GlobalAveragePooling1D": core.global_pooling,
    "GlobalMaxPooling1D": core.global_pooling,
    "Embedding": core.embedding,
    "Conv1D": conv.conv1d,
    "MaxPooling1D": spatial.pooling1d,
    # Reshaping, 2-D convolution and pooling, normalization (issue 11).
    "Reshape": reshape.reshape,
    "Permute": reshape.permute,
    "ZeroPadding1D": reshape.zero_padding1d,
    "Cropping1D": reshape.cropping1d,
    "UpSampling1D": reshape.up_sampling1d,
    "Conv2D": spatial.conv2d,
    "MaxPooling2D": spatial.pooling2d,
    "AveragePooling1D": spatial.pooling1d,
    "AveragePooling2D": spatial.pooling2d,
    "GlobalAveragePooling2D": spatial.global_pooling2d,
    "GlobalMaxPooling2D": spatial.global_pooling2d,
    "LayerNormalization": normalization.layer_normalization,
    "BatchNormalization": normalization.batch_normalization,
    "Activation": core.activation,
}

#: Layers whose rule reads the whole call (several tensors, or call options).
SEVERAL: dict[str, CallRule] = {
    "SimpleRNN": recurrent.rnn,
    "LSTM": recurrent.rnn,
    "GRU": recurrent.rnn,
    "Bidirectional": recurrent.bidirectional,
    "Dropout": core.dropout_each,
    "ConvLSTM1D": conv_recurrent.conv_lstm,
    "ConvLSTM2D": conv_recurrent.conv_lstm,
    **merge.RULES,
    **attention.RULES,
}
# The rest of keras.layers (issue 24), aliases included: registered in rules.catalog.
SINGLE.update(catalog.single(SINGLE))
SEVERAL.update(catalog.several(SEVERAL))


def takes_several(name: str) -> bool:
    """Whether the layer takes a list of tensors (merges, attention) as its input."""
    return name in merge.RULES or name in attention.RULES or name in catalog.TAKES_LISTS


def apply(spec: LayerSpec, call: Call | Shape) -> Result:
    """The outputs of ``spec`` called on ``call`` (a `Call`, or one input shape)."""
    if not isinstance(call, Call):
        call = Call((tuple(call),))
    if spec.name in SEVERAL:
        return SEVERAL[spec.name](spec, call)
    rule = SINGLE[spec.name]
    if len(call.inputs) != 1:
        raise Refusal(
            f"{spec.name} takes one tensor but is given {len(call.inputs)}: "
            f"{', '.join(map(format_shape, call.inputs))}; pass it one of them, or merge them "
            "first (e.g. with Concatenate)"
        )
    extra = sorted(set(call.options) - {"mask", "training"})
    if extra:
        raise Refusal(f"{spec.name} takes no call argument {extra[0]}=")
    return rule(spec, call.shape)
