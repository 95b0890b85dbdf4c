"""Layers that keep to one tensor and act on its last axis or on the whole sample."""

from __future__ import annotations

import math

from rnnshape_docs.rules.base import (
    Call,
    Refusal,
    Result,
    Shape,
    data_format,
    flag,
    format_shape,
    lora,
    ndim_name,
    positive_int,
    steps_text,
)
from rnnshape_docs.specs import LayerSpec


def dense(spec: LayerSpec, shape: Shape) -> Result:
    units = positive_int(spec, "units", spec.get("units"))
    lora(spec, "kernel_constraint")
    if len(shape) < 2:
        raise Refusal(
            f"Dense needs at least 2 axes (batch, features) but gets {format_shape(shape)}"
        )
    if shape[-1] is None:
        raise Refusal(f"the last axis must be known to size the weights, got {format_shape(shape)}")
    out = (*shape[:-1], units)
    if len(shape) == 2:
        why = f"Dense maps the {shape[-1]} features of each sample to {units} output{'s' * (units != 1)}"
    else:
        why = (
            f"Dense acts on the last axis only ({shape[-1]} -> {units}), "
            f"at every position of the other axes"
        )
    return (out,), ("output",), why


def repeat_vector(spec: LayerSpec, shape: Shape) -> Result:
    n = positive_int(spec, "n", spec.get("n"))
    if len(shape) != 2:
        raise Refusal(
            f"RepeatVector needs 2-D input (batch, features) but gets "
            f"{ndim_name(len(shape))} {format_shape(shape)}; put it after a layer that "
            "returns one vector per sample (e.g. an RNN with return_sequences=False)"
        )
    why = f"copies each {shape[1]}-wide vector {n} times along a new time axis"
    return ((shape[0], n, shape[1]),), ("output",), why


def masking(spec: LayerSpec, shape: Shape) -> Result:
    value = spec.get("mask_value", 0.0)
    why = f"marks time steps whose features all equal {value!r} as padding to skip; shape unchanged"
    return (shape,), ("output",), why


def dropout(spec: LayerSpec, shape: Shape) -> Result:
    rate = spec.get("rate")
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 1:
        raise Refusal(f"rate must be a number between 0 and 1, got {rate!r}")
    why = f"during training zeroes a fraction {rate} of the values at random; shape unchanged"
    return (shape,), ("output",), why


def dropout_each(spec: LayerSpec, call: Call) -> Result:
    """Dropout given several tensors (e.g. an LSTM's output and states): Keras drops each."""
    if len(call.inputs) == 1:
        return dropout(spec, call.shape)
    dropout(spec, call.inputs[0])
    n = len(call.inputs)
    stacked = format_shape((n, *call.inputs[0]))
    # Checked on Keras 3.15: at inference Dropout passes the list through, but in training
    # TensorFlow stacks the list into one tensor (the model then fails: "Output with path 1
    # is not connected") and JAX cannot read a list, so fit never runs.
    raise Refusal(
        f"Dropout given {n} tensors ({', '.join(map(format_shape, call.inputs))}) works only "
        f"at inference: in training (fit) the model fails (TensorFlow stacks the list into one "
        f"{stacked} tensor; JAX refuses the list)",
        fix="; apply Dropout to one tensor (the functional API: Dropout(rate)(output)), or "
        "use dropout= on the recurrent layer, or drop return_state=True / merge_mode=None",
    )


def flatten(spec: LayerSpec, shape: Shape) -> Result:
    data_format(spec)
    rest = shape[1:]
    if not rest:
        return ((shape[0], 1),), ("output",), "a batch of single values becomes (batch, 1)"
    size = None if any(s is None for s in rest) else math.prod(rest)
    if len(rest) == 1:
        why = "already one axis per sample; nothing to join"
    else:
        joined = " x ".join(str(s) for s in rest)
        why = f"joins every axis after the batch into one: {joined} = {size}"
    return ((shape[0], size),), ("output",), why


def global_pooling(spec: LayerSpec, shape: Shape) -> Result:
    fmt = data_format(spec)
    keepdims = flag(spec, "keepdims")
    if len(shape) != 3:
        raise Refusal(
            f"{spec.name} needs 3-D input (batch, time steps, features) but gets "
            f"{ndim_name(len(shape))} {format_shape(shape)}",
            after_rnn=True,
            rank=3,
        )
    batch, a, b = shape
    how = "averages" if "Average" in spec.name else "takes the maximum"
    if fmt == "channels_last":
        out = (batch, 1, b) if keepdims else (batch, b)
        why = f"{how} over {steps_text(a)}: one {b}-wide vector per sample"
    else:
        out = (batch, a, 1) if keepdims else (batch, a)
        why = f"channels_first: {how} over the last axis ({b}), keeping {a} channels"
    if keepdims:
        why += "; keepdims=True keeps the pooled axis with size 1"
    return (out,), ("output",), why


def embedding(spec: LayerSpec, shape: Shape) -> Result:
    positive_int(spec, "input_dim", spec.get("input_dim"))
    dim = positive_int(spec, "output_dim", spec.get("output_dim"))
    lora(spec, "embeddings_constraint")
    why = f"replaces each integer id by a learned {dim}-wide vector"
    return ((*shape, dim),), ("output",), why


# --------------------------------------------------------------------------- Activation

#: The activation names Keras 3.15 knows (keras.activations.get), kept here so the rules
#: need no Keras; tests/test_agreement_layers.py fails when Keras's list changes.
ACTIVATIONS = frozenset(
    [
        "celu",
        "elu",
        "exponential",
        "gelu",
        "glu",
        "hard_shrink",
        "hard_sigmoid",
        "hard_silu",
        "hard_swish",
        "hard_tanh",
        "leaky_relu",
        "linear",
        "log_sigmoid",
        "log_softmax",
        "mish",
        "relu",
        "relu6",
        "selu",
        "sigmoid",
        "silu",
        "soft_shrink",
        "softmax",
        "softplus",
        "softsign",
        "sparse_plus",
        "sparse_sigmoid",
        "sparsemax",
        "squareplus",
        "swish",
        "tanh",
        "tanh_shrink",
        "threshold",
    ]
)
_OVER_LAST_AXIS = ("softmax", "log_softmax", "sparsemax")


def activation(spec: LayerSpec, shape: Shape) -> Result:
    name = spec.get("activation")
    if name is None:
        name = "linear"  # Keras reads None as the identity
    if not isinstance(name, str) or name not in ACTIVATIONS:
        import difflib  # only on this error path

        close = difflib.get_close_matches(str(name).lower(), sorted(ACTIVATIONS), n=1)
        raise Refusal(
            f"{name!r} is not an activation Keras knows"
            + (f"; did you mean {close[0]!r}?" if close else "; use e.g. 'relu' or 'tanh'")
        )
    if name == "glu":
        return _glu(shape)
    if name in _OVER_LAST_AXIS:
        why = f"{name} over the last axis ({shape[-1]} values per position); shape unchanged"
    elif name == "linear":
        why = "linear: passes the values on unchanged"
    else:
        why = f"applies {name} to every value on its own; shape unchanged"
    return (shape,), ("output",), why


def _glu(shape: Shape) -> Result:
    width = shape[-1]
    if width is not None and width % 2:
        raise Refusal(
            f"glu splits the last axis into two halves, but it has an odd size, {width} "
            f"(Keras 3.15 builds this and fails only when it runs); make it even, e.g. "
            f"with Dense({width + 1}) before"
        )
    out = (*shape[:-1], None if width is None else width // 2)
    why = (
        f"glu gates one half of the last axis with the other: {width} -> {out[-1]} "
        f"(Keras 3.15's symbolic shape still says {width}, so a layer after it that reads "
        "the last axis is built for that width and fails when run)"
    )
    return (out,), ("output",), why
