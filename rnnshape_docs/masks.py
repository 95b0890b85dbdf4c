"""Where a mask goes (issue 24, item 5): which layers make one, pass it on, use it, end it, or
drop it with Keras's warning, as Keras 3's ``Layer.__call__`` decides.

Keras reads the mask on a call's first input (a merge's or an attention layer's: on each of
its inputs). A layer that supports masking sets its outputs' mask from ``compute_mask``
(by default: the mask it got); one that does not, and gets a mask, warns ("does not support
masking and will therefore destroy the mask information") and its outputs have none.

`flow(spec, incoming, outputs)` gives which outputs carry a mask and a short note for the
row ("" when no mask is involved). `keras_models.check_model` checks both against the mask
Keras puts on every tensor of a built model; tests/test_agreement_catalog.py checks the sets
below against each layer class. Nothing here imports Keras.
"""

from __future__ import annotations

from collections.abc import Sequence

from rnnshape_docs.specs import RETURNS_SEQUENCES, LayerSpec

#: Layers whose ``supports_masking`` is True (Embedding: only with mask_zero=True).
SUPPORTS = frozenset({
    "Activation", "ActivityRegularization", "Add", "AdditiveAttention", "AlphaDropout",
    "Attention", "Average", "BatchNormalization", "Bidirectional", "Concatenate", "ConvLSTM1D",
    "ConvLSTM2D", "ConvLSTM3D", "Dense", "Dot", "Dropout", "ELU", "GRU", "GaussianDropout",
    "GaussianNoise", "GlobalAveragePooling1D", "GroupNormalization", "GroupQueryAttention",
    "Identity", "LSTM", "LayerNormalization", "LeakyReLU", "Masking", "Maximum", "Minimum",
    "MultiHeadAttention", "Multiply", "Normalization", "PReLU", "RNN", "ReLU", "Rescaling",
    "SimpleRNN", "Softmax", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
    "Subtract", "TimeDistributed", "UnitNormalization",
})  # fmt: skip
#: Of those, the layers whose ``call`` reads the mask (a ``mask`` or ``*_mask`` argument).
USES = frozenset({
    "AdditiveAttention", "Attention", "BatchNormalization", "Bidirectional", "ConvLSTM1D",
    "ConvLSTM2D", "ConvLSTM3D", "GRU", "GlobalAveragePooling1D", "GroupQueryAttention", "LSTM",
    "MultiHeadAttention", "RNN", "SimpleRNN", "Softmax", "TimeDistributed",
})  # fmt: skip
_MERGES_AND = ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")

MAKES = "made here"
DROPS = "dropped (Keras warns)"


def supports(spec: LayerSpec) -> bool:
    """Whether Keras's layer has ``supports_masking`` for this configuration."""
    if spec.name in ("Embedding", "ReversibleEmbedding"):
        return bool(spec.get("mask_zero", False))
    return spec.name in SUPPORTS


def flow(spec: LayerSpec, incoming: Sequence[bool], outputs: int) -> tuple[tuple[bool, ...], str]:
    """Which of ``outputs`` tensors carry a mask, and the row's note, for a call of ``spec``
    whose input tensors carry a mask where ``incoming`` is True."""
    from rnnshape_docs.specs_catalog import ALIASES

    name = ALIASES.get(spec.name, spec.name)
    spec = LayerSpec(name, spec.params, spec.text)
    none = (False,) * outputs
    arrives = any(incoming)
    if name == "Masking" or (name == "Embedding" and supports(spec)):
        return (True, *none[1:]), MAKES  # compute_mask ignores any mask that arrives
    if not supports(spec):
        return none, DROPS if arrives else ""
    if not arrives:
        return none, ""
    mask = _output_mask(spec, list(incoming))
    out = (*mask, *none[len(mask) :])[:outputs]
    used = name in USES
    if any(out):
        return out, "used, passed on" if used else "passed on"
    if name in _MERGES_AND:
        return out, "ended (an input has none)"
    return out, "used and ended" if used else "ended"


def _output_mask(spec: LayerSpec, incoming: list[bool]) -> tuple[bool, ...]:
    """The first outputs' masks as the layer's ``compute_mask`` gives them."""
    name, first = spec.name, incoming[0]
    if name in RETURNS_SEQUENCES:
        return (first and bool(spec.get("return_sequences", False)),)
    if name == "Bidirectional":
        inner = spec.params["layer"]
        kept = first and bool(inner.get("return_sequences", False))
        return (kept, kept) if spec.get("merge_mode", "concat") is None else (kept,)
    if name in _MERGES_AND:
        return (all(incoming),)
    if name == "Concatenate":
        return (any(incoming),)
    if name in ("Dot", "GlobalAveragePooling1D", "ReversibleEmbedding"):
        return (False,)
    return (first,)  # the default compute_mask: the first input's mask, on the first output
