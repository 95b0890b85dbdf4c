"""Layers that turn values into vectors of a stated width: EinsumDense, ReversibleEmbedding,
and the preprocessing layers whose ``output_mode`` decides the shape (encodings, hashing,
lookups, text), plus the audio spectrograms.

With ``output_mode='int'`` an index comes out for each value (the shape is kept); with
``'one_hot'`` each value becomes a vector (a last axis of size 1 is replaced, any other
kept); with ``'multi_hot'``, ``'count'`` or ``'tf_idf'`` the last axis (one sample's values)
becomes one vector. Keras's own formulas, from each layer's ``compute_output_shape``.
"""

from __future__ import annotations

import re

from rnnshape_docs.rules.base import (
    Call,
    Refusal,
    Result,
    Shape,
    format_shape,
    lora,
    positive_int,
)
from rnnshape_docs.specs import LayerSpec

_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


def _mode(spec: LayerSpec, allowed: tuple[str, ...] = _MODES) -> str:
    mode = spec.get("output_mode")
    if mode not in allowed:
        raise Refusal(
            f"{spec.name}: unknown output_mode {mode!r}; use " + ", ".join(repr(m) for m in allowed)
        )
    return mode


def _encoded(shape: Shape, mode: str, depth: int | None, one_hot_keeps_1d: bool) -> Shape:
    """The shape of ``shape`` encoded in ``mode`` with ``depth`` categories."""
    if mode == "int":
        return shape
    if mode == "one_hot":
        if len(shape) > 1 and shape[-1] == 1:
            return (*shape[:-1], depth)
        return (*shape, depth)
    return (*shape[:-1], depth) if shape or not one_hot_keeps_1d else (depth,)


def _why(mode: str, depth: int | None, what: str) -> str:
    if mode == "int":
        return f"replaces each value by its {what} index; shape unchanged"
    if mode == "one_hot":
        return f"one_hot: each value becomes a {depth}-wide vector with a single 1"
    return f"{mode}: each sample's values become one {depth}-wide vector (one entry per {what})"


def category_encoding(spec: LayerSpec, shape: Shape) -> Result:
    tokens = spec.get("num_tokens")
    if tokens is None:
        raise Refusal("CategoryEncoding needs num_tokens, e.g. CategoryEncoding(num_tokens=10)")
    tokens = positive_int(spec, "num_tokens", tokens)
    mode = _mode(spec, ("one_hot", "multi_hot", "count"))
    if mode == "one_hot" and (len(shape) == 1 or shape[-1] != 1):
        out = (*shape, tokens)  # Keras appends the encoding unless the last axis is 1
    else:
        out = (*shape[:-1], tokens)
    return (out,), ("output",), _why(mode, tokens, "token")


def hashing(spec: LayerSpec, shape: Shape) -> Result:
    bins = positive_int(spec, "num_bins", spec.get("num_bins"))
    mode = _mode(spec, ("int", "one_hot", "multi_hot", "count"))
    out = shape if mode == "int" else (*shape[:-1], bins)
    return (out,), ("output",), _why(mode, bins, "bin").replace("index", "hash bin")


def hashed_crossing(spec: LayerSpec, call: Call) -> Result:
    bins = positive_int(spec, "num_bins", spec.get("num_bins"))
    mode = _mode(spec, ("int", "one_hot"))
    if len(call.inputs) != 2:
        raise Refusal(
            f"HashedCrossing crosses two features: give it a list of 2 tensors, got "
            f"{len(call.inputs)}"
        )
    first, second = call.inputs
    if first[-1:] != second[-1:]:
        raise Refusal(
            f"HashedCrossing needs two tensors of the same shape, got {format_shape(first)} "
            f"and {format_shape(second)}"
        )
    out = first if mode == "int" else (*first[:-1], bins)
    why = (
        "hashes each pair of values into one of "
        + f"{bins} bins"
        + ("" if mode == "int" else f"; one_hot: a {bins}-wide vector")
    )
    return (out,), ("output",), why


def _vocabulary_size(spec: LayerSpec, mask_token: object = None) -> int | None:
    """How many indices a lookup layer gives a non-int output_mode: its vocabulary and OOV
    entries (Keras's vocabulary_size(); the mask is counted only in 'int' mode)."""
    if spec.get("pad_to_max_tokens") and spec.get("max_tokens") is not None:
        return positive_int(spec, "max_tokens", spec.get("max_tokens"))
    vocabulary = spec.get("vocabulary")
    if not isinstance(vocabulary, tuple | list):
        return None  # set by adapt() or read from a file: unknown when the model is built
    oov = spec.get("num_oov_indices", 1)
    return len(vocabulary) + oov


def lookup(spec: LayerSpec, shape: Shape) -> Result:
    """StringLookup and IntegerLookup."""
    mode = _mode(spec)
    if spec.get("invert") and mode != "int":
        raise Refusal(f"{spec.name}: invert=True works only with output_mode='int'")
    depth = _vocabulary_size(spec)
    out = _encoded(shape, mode, depth, True)
    return (out,), ("output",), _why(mode, depth, "vocabulary entry")


def text_vectorization(spec: LayerSpec, shape: Shape) -> Result:
    mode = _mode(spec)
    length = spec.get("output_sequence_length")
    if mode == "int":
        out = (shape[0], length)
        why = (
            f"splits each text into words and gives each its index: {length} per text"
            if length is not None
            else "splits each text into words and gives each its index; as many as it has"
        )
        return (out,), ("output",), why
    depth = _vocabulary_size(spec)
    # Keras encodes the split words (a new last axis), or each text as one token (split=None)
    words = (*shape, None) if spec.get("split") is not None else shape
    if len(words) <= 1:
        words = (*words, 1)
    out = _encoded(words, mode, depth, True)
    return (out,), ("output",), _why(mode, depth, "vocabulary entry")


def discretization(spec: LayerSpec, shape: Shape) -> Result:
    mode = _mode(spec, ("int", "one_hot", "multi_hot", "count"))
    boundaries = spec.get("bin_boundaries")
    bins = spec.get("num_bins")
    if boundaries is None and bins is None:
        raise Refusal("Discretization needs num_bins or bin_boundaries")
    depth = len(boundaries) + 1 if boundaries is not None else positive_int(spec, "num_bins", bins)
    if mode == "int":
        return (
            (shape,),
            ("output",),
            f"replaces each value by its bin (one of {depth}); shape unchanged",
        )
    if mode == "one_hot":
        out = _encoded(shape, mode, depth, True)
    elif len(shape) >= 2:
        out = (shape[0], *shape[2:], depth)
    else:
        out = (depth,)
    return (out,), ("output",), _why(mode, depth, "bin")


def einsum_dense(spec: LayerSpec, shape: Shape) -> Result:
    """The kernel's sizes as Keras's _analyze_einsum_string gives them, then the output the
    einsum really gives (Keras 3.15's symbolic shape differs for some ellipsis equations)."""
    out, keras_out, _, _ = _einsum(spec, shape)
    equation = spec.get("equation")
    why = f"einsum {equation!r} with a learned kernel: {format_shape(shape)} -> {format_shape(out)}"
    if tuple(keras_out) != out and None not in out:
        why += f" (Keras 3.15's symbolic shape says {format_shape(tuple(keras_out))}; a run gives this)"
    return (out,), ("output",), why


def einsum_weights(spec: LayerSpec, shape: Shape) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """EinsumDense's kernel shape and its bias's sizes (empty without ``bias_axes``), as its
    build makes them (`params` counts them)."""
    _, _, kernel, bias = _einsum(spec, shape)
    return kernel, bias


def _einsum(spec: LayerSpec, shape: Shape):
    """(output, Keras's symbolic output, kernel shape, bias sizes), or a Refusal where Keras's
    build fails."""
    lora(spec, "kernel_constraint")
    equation = spec.get("equation")
    if not isinstance(equation, str):
        raise Refusal(f"equation must be a string such as 'ab,bc->ac', got {equation!r}")
    dots = equation.replace("...", "0")
    forms = (
        ("([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", None),
        ("0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)", "left"),
        ("([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0", "right"),
    )
    for pattern, side in forms:
        match = re.match(pattern, dots)
        if match:
            elided_side = side
            break
    else:
        raise Refusal(
            f"invalid einsum equation {equation!r}; write it as 'ab,bc->ac', '...b,bc->...c' "
            "or 'ab...,bc->ac...'"
        )
    given, weight, result = match.groups()
    elided = len(shape) - len(given)
    if elided < 0 or (elided and elided_side is None):
        raise Refusal(
            f"equation {equation!r} names {len(given)} input axes but the input is "
            f"{format_shape(shape)}"
        )
    wanted = spec.get("output_shape")
    keras_out = [wanted] if isinstance(wanted, int) else list(wanted or ())
    keras_out.insert(0, shape[0])
    if elided and elided_side == "left":
        for i in range(1, elided):
            keras_out.insert(1, shape[i])
    elif elided:
        keras_out.extend(shape[len(shape) - elided :])
    shift = elided if elided_side == "left" else 0
    in_map = {d: i + shift for i, d in enumerate(given)}
    out_map = {d: i + shift for i, d in enumerate(result)}
    if len(keras_out) <= max(out_map.values(), default=0):
        raise Refusal(f"output_shape={wanted!r} gives fewer sizes than {equation!r}'s output names")
    for d in given:
        if d in out_map and keras_out[out_map[d]] not in (None, shape[in_map[d]]):
            raise Refusal(
                f"equation {equation!r}: axis {d!r} is {shape[in_map[d]]} in the input "
                f"{format_shape(shape)} but {keras_out[out_map[d]]} in output_shape; make "
                "them agree (or None)"
            )
    for d in result:
        if d not in given and d not in weight:
            raise Refusal(f"equation {equation!r}: output axis {d!r} is in neither operand")
    for d in weight:
        if d in out_map:
            size = keras_out[out_map[d]]
        elif d in in_map:
            size = shape[in_map[d]]
        else:
            raise Refusal(
                f"equation {equation!r}: kernel axis {d!r} is in neither the input nor the "
                "output; every kernel axis must be in one of them"
            )
        if size is None:
            raise Refusal(
                f"equation {equation!r}: the kernel's axis {d!r} must have a known size, but it "
                f"is None (input {format_shape(shape)}, output_shape={wanted!r})"
            )
    kernel = {d: keras_out[out_map[d]] if d in out_map else shape[in_map[d]] for d in weight}
    sizes = [shape[in_map[d]] if d in in_map else kernel[d] for d in result]
    if elided_side == "left":
        out = (*shape[:elided], *sizes)
    else:  # elided axes (if any) follow the named ones, as in the input
        out = (*sizes, *shape[len(shape) - elided :])
    return out, keras_out, tuple(kernel[d] for d in weight), _einsum_bias(spec, keras_out, out_map)


def _einsum_bias(spec: LayerSpec, keras_out: list, out_map: dict) -> tuple[int, ...]:
    """The bias's sizes: Keras sizes each axis in ``bias_axes`` from its output_shape."""
    axes, equation = spec.get("bias_axes"), spec.get("equation")
    if axes is None:
        return ()
    if not isinstance(axes, str) or not axes:
        raise Refusal(f"bias_axes must be output axes of {equation!r} such as 'c', got {axes!r}")
    sizes = []
    for d in dict.fromkeys(axes):
        if d not in out_map:
            raise Refusal(
                f"bias_axes={axes!r}: {d!r} is not an output axis of {equation!r}; name only "
                "output axes"
            )
        if keras_out[out_map[d]] is None:
            raise Refusal(
                f"bias_axes={axes!r}: Keras sizes the bias's axis {d!r} from output_shape, "
                f"where it is None; give its size there"
            )
        sizes.append(keras_out[out_map[d]])
    return tuple(sizes)


def reversible_embedding(spec: LayerSpec, call: Call) -> Result:
    positive_int(spec, "input_dim", spec.get("input_dim"))
    dim = positive_int(spec, "output_dim", spec.get("output_dim"))
    if call.options.get("reverse"):
        vocab = spec.get("input_dim")
        out = (*call.shape[:-1], vocab)
        return (
            (out,),
            ("output",),
            f"reverse=True: scores each {dim}-wide vector against the {vocab} ids",
        )
    out = (*call.shape, dim)
    return (out,), ("output",), f"replaces each integer id by a learned {dim}-wide vector"


def mel_spectrogram(spec: LayerSpec, shape: Shape) -> Result:
    stride = positive_int(spec, "sequence_stride", spec.get("sequence_stride"))
    bins = positive_int(spec, "num_mel_bins", spec.get("num_mel_bins"))
    if len(shape) not in (1, 2):
        raise Refusal(
            f"MelSpectrogram reads raw audio, (batch, samples), but gets {format_shape(shape)}"
        )
    samples = shape[-1]
    frames = None if samples is None else (samples + stride + 1) // stride
    out = (bins, frames) if len(shape) == 1 else (shape[0], bins, frames)
    why = f"one frame every {stride} samples, each {bins} mel bins: {samples} samples -> {frames} frames"
    return (out,), ("output",), why


def stft_spectrogram(spec: LayerSpec, shape: Shape) -> Result:
    length = positive_int(spec, "frame_length", spec.get("frame_length"))
    step = spec.get("frame_step")
    step = length // 2 if step is None else positive_int(spec, "frame_step", step)
    fft = spec.get("fft_length")
    fft = 2 ** (length - 1).bit_length() if fft is None else positive_int(spec, "fft_length", fft)
    mode = spec.get("mode")
    padding = spec.get("padding")
    if padding not in ("valid", "same"):
        raise Refusal(f"STFTSpectrogram: padding must be 'valid' or 'same', got {padding!r}")
    if len(shape) != 3:
        raise Refusal(
            f"STFTSpectrogram needs 3-D audio (batch, samples, channels) but gets {format_shape(shape)}"
        )
    fmt = spec.get("data_format")
    samples, channels = (shape[1], shape[2]) if fmt == "channels_last" else (shape[2], shape[1])
    freq = fft // 2 + 1
    if mode == "stft":
        freq *= 2
    if samples is None:
        frames = None
    elif padding == "valid":
        frames = (samples - length) // step + 1
    else:
        frames = (samples - 1) // step + 1
    if frames is not None and frames <= 0:
        raise Refusal(f"STFTSpectrogram: {samples} samples are fewer than one frame of {length}")
    if spec.get("expand_dims"):
        out = (
            (shape[0], frames, freq, channels)
            if fmt == "channels_last"
            else (shape[0], channels, frames, freq)
        )
    else:
        width = None if channels is None else freq * channels
        out = (shape[0], frames, width) if fmt == "channels_last" else (shape[0], width, frames)
    why = f"one frame of {length} samples every {step}: {samples} -> {frames} frames of {freq} frequencies"
    return (out,), ("output",), why


SINGLE = {
    "CategoryEncoding": category_encoding,
    "Hashing": hashing,
    "StringLookup": lookup,
    "IntegerLookup": lookup,
    "TextVectorization": text_vectorization,
    "Discretization": discretization,
    "EinsumDense": einsum_dense,
    "MelSpectrogram": mel_spectrogram,
    "STFTSpectrogram": stft_spectrogram,
}
SEVERAL = {"HashedCrossing": hashed_crossing, "ReversibleEmbedding": reversible_embedding}
