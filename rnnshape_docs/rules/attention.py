"""Attention over a sequence: Attention, AdditiveAttention and MultiHeadAttention.

Attention compares each query step with every key step, so query, value and key must be
sequences (batch, steps, features). Keras 3.15 accepts 2-D tensors in `Attention` and fails
only at a later layer or when run; the rules refuse them at the attention layer and say
which input lost its time axis (``Refusal.source``), usually an RNN without
``return_sequences=True``.
"""

from __future__ import annotations

from rnnshape_docs.rules.base import Call, Refusal, Result, Shape, format_shape, positive_int
from rnnshape_docs.specs import LayerSpec

_ROLES = ("query", "value", "key")


def _sequences(spec: LayerSpec, call: Call, known: set[str]) -> tuple[Shape, Shape, Shape]:
    extra = sorted(set(call.options) - known)
    if extra:
        raise Refusal(f"{spec.name} takes no call argument {extra[0]}= that rnnshape knows")
    n = len(call.inputs)
    if not 2 <= n <= 3:
        raise Refusal(
            f"{spec.name} takes [query, value] or [query, value, key], got {n} tensor"
            f"{'s' * (n != 1)}" + (f": {', '.join(map(format_shape, call.inputs))}" if n else "")
        )
    for k, shape in enumerate(call.inputs):
        if len(shape) != 3:
            raise Refusal(
                f"the {_ROLES[k]} must be a sequence (batch, steps, features) to attend over, "
                f"but is {len(shape)}-D {format_shape(shape)}",
                after_rnn=len(shape) == 2,
                source=("input", k),
            )
    query, value = call.inputs[0], call.inputs[1]
    key = call.inputs[2] if n == 3 else value
    if None not in (value[1], key[1]) and value[1] != key[1]:
        raise Refusal(
            f"value and key must have the same number of steps, got {format_shape(value)} and "
            f"{format_shape(key)}",
            source=("input", 2),
        )
    return query, value, key


def attention(spec: LayerSpec, call: Call) -> Result:
    """Attention (dot-product, Luong style) and AdditiveAttention (Bahdanau style)."""
    query, value, key = _sequences(
        spec, call, {"return_attention_scores", "use_causal_mask", "mask", "training"}
    )
    if None not in (query[2], key[2]) and query[2] != key[2]:
        where = "key" if len(call.inputs) == 3 else "value"
        raise Refusal(
            f"{spec.name} scores each query step against each {where} step, so the query "
            f"({query[2]} features) and the {where} ({key[2]}) need the same width; project one "
            f"with Dense({key[2]}) or use MultiHeadAttention, which projects both",
            source=("input", len(call.inputs) - 1),
        )
    out = (query[0], query[1], value[2])
    how = "dot products" if spec.name == "Attention" else "a small additive network"
    why = (
        f"each of the {query[1] or 'query'} query steps takes a weighted average of the "
        f"{value[1] or ''} value steps (weights from {how}): {value[2]} wide".replace("  ", " ")
    )
    if flag_option(call, "return_attention_scores"):
        scores = (query[0], query[1], key[1])
        return (out, scores), ("output", "scores"), why + "; the scores are (batch, Tq, Tv)"
    return (out,), ("output",), why


def flag_option(call: Call, key: str) -> bool:
    return bool(call.options.get(key, False))


def multi_head_attention(spec: LayerSpec, call: Call) -> Result:
    heads = positive_int(spec, "num_heads", spec.get("num_heads"))
    key_dim = positive_int(spec, "key_dim", spec.get("key_dim"))
    query, _value, key = _sequences(
        spec,
        call,
        {
            "return_attention_scores",
            "use_causal_mask",
            "attention_mask",
            "query_mask",
            "value_mask",
            "key_mask",
            "training",
        },
    )
    axes = spec.get("attention_axes")
    if axes not in (None, 1, (1,), [1], -2, (-2,), [-2]):
        raise Refusal(
            f"attention_axes={axes!r}: rnnshape traces attention over the time axis of 3-D "
            "inputs only (attention_axes=None or 1)"
        )
    width = spec.get("output_shape")
    if width is None:
        last: tuple[int | None, ...] = (query[2],)
    elif isinstance(width, int) and not isinstance(width, bool):
        last = (positive_int(spec, "output_shape", width),)
    elif isinstance(width, tuple | list):
        last = tuple(positive_int(spec, "output_shape", w) for w in width)
    else:
        raise Refusal(f"output_shape must be a whole number or a tuple of them, got {width!r}")
    out = (query[0], query[1], *last)
    why = (
        f"{heads} heads each project query and key to {key_dim} features and attend over the "
        f"{key[1] or ''} key steps; the heads are joined and projected back to "
        f"{format_shape(last) if len(last) > 1 else last[0]}".replace("  ", " ")
    )
    if flag_option(call, "return_attention_scores"):
        # Keras 3.15's symbolic pass says (batch, heads, Tq, Tq) even when the key has another
        # length; a real run gives (batch, heads, Tq, Tv), which is what the rules say.
        scores = (query[0], heads, query[1], key[1])
        return (out, scores), ("output", "scores"), why + "; scores (batch, heads, Tq, Tv)"
    return (out,), ("output",), why


RULES = {
    "Attention": attention,
    "AdditiveAttention": attention,
    "MultiHeadAttention": multi_head_attention,
}
