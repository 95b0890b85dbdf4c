"""GroupQueryAttention: multi-head attention whose key and value heads are shared by groups
of query heads. Its output has the query's shape (projected back to the query's width)."""

from __future__ import annotations

from rnnshape_docs.rules.attention import _sequences, flag_option
from rnnshape_docs.rules.base import Call, Refusal, Result, positive_int
from rnnshape_docs.specs import LayerSpec


def group_query_attention(spec: LayerSpec, call: Call) -> Result:
    head_dim = positive_int(spec, "head_dim", spec.get("head_dim"))
    heads = positive_int(spec, "num_query_heads", spec.get("num_query_heads"))
    shared = positive_int(spec, "num_key_value_heads", spec.get("num_key_value_heads"))
    if heads % shared:
        raise Refusal(
            f"num_query_heads={heads} must be a multiple of num_key_value_heads={shared} "
            "(each key/value head serves an equal group of query heads)"
        )
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
    if None not in (query[2], _value[2]) and query[2] != _value[2]:
        raise Refusal(
            f"GroupQueryAttention needs the query and the value equally wide, got "
            f"{query[2]} and {_value[2]}; project one with Dense({query[2]})",
            source=("input", 1),
        )
    out = (query[0], query[1], query[2])
    why = (
        f"{heads} query heads of {head_dim} features share {shared} key/value heads and attend "
        f"over the key steps; projected back to the query's {query[2]} features"
    )
    if flag_option(call, "return_attention_scores"):
        scores = (query[0], heads, query[1], key[1])
        return (out, scores), ("output", "scores"), why + "; scores (batch, heads, Tq, Tv)"
    return (out,), ("output",), why


RULES = {"GroupQueryAttention": group_query_attention}
