"""Parse a layer written in Keras constructor syntax, safely.

``parse("LSTM(4, return_sequences=True)")`` reads the text with :mod:`ast` and checks it
against an allow-list of layer names, their keywords and literal values. Nothing is ever
evaluated, imported or called: text that is not a known layer call with literal arguments
is refused with a `SpecError` that says what is wrong.

>>> spec = parse("Bidirectional(GRU(8, return_state=True), merge_mode=None)")
>>> spec.name, spec.params["merge_mode"], spec.params["layer"].text
('Bidirectional', None, 'GRU(8, return_state=True)')
>>> parse("__import__('os').system('ls')")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
rnnshape_docs.specs.SpecError: "__import__('os').system(...)" is not a layer rnnshape knows; ...
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rnnshape_docs import specs_catalog


class SpecError(ValueError):
    """The text is not a layer call rnnshape can read."""


# Keywords every Keras layer takes; they never change shapes.
_BASE = ("name", "dtype", "trainable")

#: What a layer's keywords may say about the model's input (Keras 3's base layer takes
#: input_shape and input_dim, with a warning; Embedding takes input_length, deprecated; the
#: others are Keras 2's, translated). Kept in ``params``; on the first layer of a chain they
#: declare its input (`declared_input`); never passed on to a Keras layer.
INPUT_KEYWORDS = ("input_shape", "input_dim", "input_length", "batch_input_shape", "batch_size")

#: The keywords SimpleRNN, LSTM and GRU share, in their signature's order.
RNN_KEYWORDS = (
    "activation",
    "use_bias",
    "kernel_initializer",
    "recurrent_initializer",
    "bias_initializer",
    "kernel_regularizer",
    "recurrent_regularizer",
    "bias_regularizer",
    "activity_regularizer",
    "kernel_constraint",
    "recurrent_constraint",
    "bias_constraint",
    "dropout",
    "recurrent_dropout",
    "return_sequences",
    "return_state",
    "go_backwards",
    "stateful",
    "unroll",
    "seed",
)


# Keywords of a layer with a kernel and a bias (Dense, Conv1D), in their signature's order.
_KERNEL_LAYER = (
    "activation",
    "use_bias",
    "kernel_initializer",
    "bias_initializer",
    "kernel_regularizer",
    "bias_regularizer",
    "activity_regularizer",
    "kernel_constraint",
    "bias_constraint",
)


# What every convolution takes first (Keras 3.15), in this order.
_CONV_GEOMETRY = ("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate")

# ConvLSTM1D and ConvLSTM2D take the same parameters (Keras 3.15), in this order.
_CONV_LSTM = (
    *_CONV_GEOMETRY,
    "activation",
    "recurrent_activation",
    "use_bias",
    "kernel_initializer",
    "recurrent_initializer",
    "bias_initializer",
    "unit_forget_bias",
    "kernel_regularizer",
    "recurrent_regularizer",
    "bias_regularizer",
    "activity_regularizer",
    "kernel_constraint",
    "recurrent_constraint",
    "bias_constraint",
    "dropout",
    "recurrent_dropout",
    "seed",
    "return_sequences",
    "return_state",
    "go_backwards",
    "stateful",
)


@dataclass(frozen=True)
class _Signature:
    positional: tuple[str, ...]  # parameters that may be given by position, in order
    required: tuple[str, ...]
    keywords: tuple[str, ...]  # further keyword-only parameters


# Conv1D and Conv2D take the same arguments (sizes as one number or one per spatial axis).
_CONVOLUTION = _Signature(
    (
        *_CONV_GEOMETRY,
        "groups",
        *_KERNEL_LAYER,
    ),
    ("filters", "kernel_size"),
    (),
)

#: The allow-list: Keras 3 layer name -> its constructor parameters (Keras 3.x signatures).
SIGNATURES: dict[str, _Signature] = {
    "SimpleRNN": _Signature(("units", *RNN_KEYWORDS), ("units",), ()),
    "LSTM": _Signature(
        ("units", "recurrent_activation", "unit_forget_bias", "use_cudnn", *RNN_KEYWORDS),
        ("units",),
        ("implementation",),  # popped from **kwargs by Keras 3.15 (1 or 2)
    ),
    "GRU": _Signature(
        ("units", "recurrent_activation", "reset_after", "use_cudnn", *RNN_KEYWORDS),
        ("units",),
        ("implementation",),
    ),
    "Bidirectional": _Signature(("layer", "merge_mode"), ("layer",), ("backward_layer",)),
    "TimeDistributed": _Signature(("layer",), ("layer",), ()),
    "Dense": _Signature(
        ("units", *_KERNEL_LAYER, "lora_rank", "lora_alpha"),
        ("units",),
        (),
    ),
    "RepeatVector": _Signature(("n",), ("n",), ()),
    "Masking": _Signature(("mask_value",), (), ()),
    "Dropout": _Signature(("rate", "noise_shape", "seed"), ("rate",), ()),
    "Flatten": _Signature(("data_format",), (), ()),
    "GlobalAveragePooling1D": _Signature(("data_format", "keepdims"), (), ()),
    "GlobalMaxPooling1D": _Signature(("data_format", "keepdims"), (), ()),
    "Embedding": _Signature(
        (
            "input_dim",
            "output_dim",
            "embeddings_initializer",
            "embeddings_regularizer",
            "embeddings_constraint",
            "mask_zero",
            "weights",
        ),
        ("input_dim", "output_dim"),
        ("lora_rank", "lora_alpha", "input_length"),
    ),
    "Conv1D": _CONVOLUTION,
    "MaxPooling1D": _Signature(("pool_size", "strides", "padding", "data_format"), (), ()),
    # Layers that take a list of tensors (functional models).
    "Concatenate": _Signature(("axis",), (), ()),
    "Add": _Signature((), (), ()),
    "Subtract": _Signature((), (), ()),
    "Multiply": _Signature((), (), ()),
    "Average": _Signature((), (), ()),
    "Maximum": _Signature((), (), ()),
    "Minimum": _Signature((), (), ()),
    "Dot": _Signature(("axes", "normalize"), ("axes",), ()),
    "Attention": _Signature(("use_scale", "score_mode", "dropout", "seed"), (), ()),
    "AdditiveAttention": _Signature(("use_scale", "dropout"), (), ()),
    "MultiHeadAttention": _Signature(
        (
            "num_heads",
            "key_dim",
            "value_dim",
            "dropout",
            "use_bias",
            "output_shape",
            "attention_axes",
            "flash_attention",
            *_KERNEL_LAYER[2:],
            "seed",
        ),
        ("num_heads", "key_dim"),
        ("use_gate", "sliding_window"),
    ),
    # Reshaping, 2-D convolution and pooling, normalization, ConvLSTM (issue 11).
    "Reshape": _Signature(("target_shape",), ("target_shape",), ()),
    "Permute": _Signature(("dims",), ("dims",), ()),
    "Conv2D": _CONVOLUTION,
    "MaxPooling2D": _Signature(("pool_size", "strides", "padding", "data_format", "name"), (), ()),
    "AveragePooling1D": _Signature(
        ("pool_size", "strides", "padding", "data_format", "name"), ("pool_size",), ()
    ),
    "AveragePooling2D": _Signature(
        ("pool_size", "strides", "padding", "data_format", "name"), ("pool_size",), ()
    ),
    "GlobalAveragePooling2D": _Signature(("data_format", "keepdims"), (), ()),
    "GlobalMaxPooling2D": _Signature(("data_format", "keepdims"), (), ()),
    "LayerNormalization": _Signature(
        (
            "axis",
            "epsilon",
            "center",
            "scale",
            "beta_initializer",
            "gamma_initializer",
            "beta_regularizer",
            "gamma_regularizer",
            "beta_constraint",
            "gamma_constraint",
        ),
        (),
        (),
    ),
    "BatchNormalization": _Signature(
        (
            "axis",
            "momentum",
            "epsilon",
            "center",
            "scale",
            "beta_initializer",
            "gamma_initializer",
            "moving_mean_initializer",
            "moving_variance_initializer",
            "beta_regularizer",
            "gamma_regularizer",
            "beta_constraint",
            "gamma_constraint",
            "renorm",
            "renorm_clipping",
            "renorm_momentum",
            "synchronized",
        ),
        (),
        (),
    ),
    "Activation": _Signature(("activation",), ("activation",), ()),
    "ZeroPadding1D": _Signature(("padding", "data_format"), (), ()),
    "Cropping1D": _Signature(("cropping",), (), ()),
    "UpSampling1D": _Signature(("size",), (), ()),
    "ConvLSTM1D": _Signature(_CONV_LSTM, ("filters", "kernel_size"), ()),
    "ConvLSTM2D": _Signature(_CONV_LSTM, ("filters", "kernel_size"), ()),
}
# Every other public layer of keras.layers, its aliases, and the keywords layers take
# through **kwargs (issue 24): data in specs_catalog, checked there against Keras.
SIGNATURES.update((name, _Signature(*sig)) for name, sig in specs_catalog.SIGNATURES.items())
for _name, _sig in SIGNATURES.items():
    _positional = specs_catalog.POSITIONAL.get(_name, _sig.positional)
    _added = specs_catalog.ADDED_KEYWORDS.get(_name, ())
    if _name not in specs_catalog.CLOSED:  # the base Layer's keywords, through **kwargs
        _refused = specs_catalog.BASE_REFUSED.get(_name, ())
        _added += tuple(k for k in specs_catalog.BASE_KEYWORDS if k not in _refused)
    _own = {*_positional, *_sig.keywords}
    _keywords = tuple(k for k in _sig.keywords if k not in _positional)
    _added = tuple(k for k in _added if k not in _own)
    SIGNATURES[_name] = _Signature(_positional, _sig.required, (*_keywords, *_added))
SIGNATURES.update((alias, SIGNATURES[name]) for alias, name in specs_catalog.ALIASES.items())

_RNN_SHAPE = {
    "return_sequences": False,
    "return_state": False,
    "go_backwards": False,
    "stateful": False,
}
_DATA_FORMAT = {"data_format": "channels_last"}

#: What a layer read from a Keras config keeps (`from_config`): the arguments written by
#: position, then the keywords that can change shapes with Keras's default for each (a value
#: equal to its default is left out of the text). Keras itself stores every argument.
SHAPE_ARGS: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
    "SimpleRNN": (("units",), _RNN_SHAPE),
    "LSTM": (("units",), _RNN_SHAPE),
    "GRU": (("units",), _RNN_SHAPE),
    "Bidirectional": ((), {"merge_mode": "concat"}),
    "TimeDistributed": ((), {}),
    "Dense": (("units",), {}),
    "RepeatVector": (("n",), {}),
    "Masking": (("mask_value",), {}),
    "Dropout": (("rate",), {}),
    "Flatten": ((), _DATA_FORMAT),
    "GlobalAveragePooling1D": ((), {**_DATA_FORMAT, "keepdims": False}),
    "GlobalMaxPooling1D": ((), {**_DATA_FORMAT, "keepdims": False}),
    "Embedding": (("input_dim", "output_dim"), {}),
    "Conv1D": (
        ("filters", "kernel_size"),
        {"strides": 1, "padding": "valid", **_DATA_FORMAT, "dilation_rate": 1, "groups": 1},
    ),
    "MaxPooling1D": (("pool_size",), {"strides": None, "padding": "valid", **_DATA_FORMAT}),
    "Concatenate": ((), {"axis": -1}),
    "Add": ((), {}),
    "Subtract": ((), {}),
    "Multiply": ((), {}),
    "Average": ((), {}),
    "Maximum": ((), {}),
    "Minimum": ((), {}),
    "Dot": (("axes",), {"normalize": False}),
    "Attention": ((), {}),
    "AdditiveAttention": ((), {}),
    "MultiHeadAttention": (
        ("num_heads", "key_dim"),
        {"value_dim": None, "output_shape": None, "attention_axes": None},
    ),
    # Reshaping, 2-D convolution and pooling, normalization, ConvLSTM (issue 11). Keras
    # stores 2-D sizes as pairs, so their defaults are pairs.
    "Reshape": (("target_shape",), {}),
    "Permute": (("dims",), {}),
    "Conv2D": (
        ("filters", "kernel_size"),
        {
            "strides": (1, 1),
            "padding": "valid",
            **_DATA_FORMAT,
            "dilation_rate": (1, 1),
            "groups": 1,
        },
    ),
    "MaxPooling2D": (("pool_size",), {"strides": None, "padding": "valid", **_DATA_FORMAT}),
    "AveragePooling1D": (("pool_size",), {"strides": None, "padding": "valid", **_DATA_FORMAT}),
    "AveragePooling2D": (("pool_size",), {"strides": None, "padding": "valid", **_DATA_FORMAT}),
    "GlobalAveragePooling2D": ((), {**_DATA_FORMAT, "keepdims": False}),
    "GlobalMaxPooling2D": ((), {**_DATA_FORMAT, "keepdims": False}),
    # center and scale decide whether there are weights, which need the axes' sizes known
    "LayerNormalization": ((), {"axis": -1, "center": True, "scale": True}),
    "BatchNormalization": ((), {"axis": -1}),
    "Activation": (("activation",), {}),
    "ZeroPadding1D": ((), {"padding": (1, 1), **_DATA_FORMAT}),
    "Cropping1D": ((), {"cropping": (1, 1)}),
    "UpSampling1D": ((), {"size": 2}),
    "ConvLSTM1D": (
        ("filters", "kernel_size"),
        {"strides": 1, "padding": "valid", **_DATA_FORMAT, "dilation_rate": 1, **_RNN_SHAPE},
    ),
    "ConvLSTM2D": (
        ("filters", "kernel_size"),
        {
            "strides": (1, 1),
            "padding": "valid",
            **_DATA_FORMAT,
            "dilation_rate": (1, 1),
            **_RNN_SHAPE,
        },
    ),
}
SHAPE_ARGS.update(specs_catalog.SHAPE_ARGS)  # the rest of keras.layers (issue 24)
SHAPE_ARGS.update((alias, SHAPE_ARGS[name]) for alias, name in specs_catalog.ALIASES.items())

#: The layer names rnnshape knows, in the order design.md lists them.
KNOWN_LAYERS: tuple[str, ...] = tuple(SIGNATURES)
RECURRENT = ("SimpleRNN", "LSTM", "GRU")
#: The layers with return_sequences (the recurrent ones and the ConvLSTMs, whose steps are grids).
RETURNS_SEQUENCES = (*RECURRENT, "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "RNN")
#: Bidirectional's merge modes (None: the two directions as two tensors).
MERGE_MODES = ("concat", "sum", "mul", "ave", None)
WRAPPERS = ("Bidirectional", "TimeDistributed")
MERGES = ("Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Dot")
ATTENTION = ("Attention", "AdditiveAttention", "MultiHeadAttention")

_MAX_LENGTH = 2000  # no real layer is longer; keeps the parser's work bounded

# Prefixes people paste from code; the callee is only read, never looked up.
_PREFIXES = ("keras.layers.", "layers.", "tf.keras.layers.", "keras.src.layers.")


_KERAS_DEFAULT = object()  # LayerSpec.get without a default: Keras's own, from SHAPE_ARGS


@dataclass(frozen=True)
class LayerSpec:
    """One parsed layer: its name, its arguments bound to parameter names, and its text.

    ``params`` holds only what the text gives (positional arguments under their parameter
    names), in Keras 3's spelling; wrapped layers (``layer=`` of Bidirectional and
    TimeDistributed) are LayerSpecs. ``notes`` says, one line each, which Keras 1/2 names
    were read as their Keras 3 spelling (not part of equality).
    """

    name: str
    params: dict[str, Any]
    text: str  # normalised Keras constructor syntax, e.g. "LSTM(4, return_sequences=True)"
    notes: tuple[str, ...] = field(default=(), compare=False)

    def get(self, key: str, default: Any = _KERAS_DEFAULT) -> Any:
        """The value of ``key`` as given; when absent, ``default`` if given, else Keras's
        default for it as `SHAPE_ARGS` records it (None for an argument it does not list).

        >>> parse("Bidirectional(LSTM(4))").get("merge_mode")
        'concat'
        """
        if key in self.params:
            return self.params[key]
        if default is not _KERAS_DEFAULT:
            return default
        return SHAPE_ARGS.get(self.name, ((), {}))[1].get(key)

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Opaque:
    """A value a program gives that is not a literal (a name, a call: an array of weights, an
    initializer object), allowed only for the keywords that never change a shape (`FREE`)."""

    text: str

    def __repr__(self) -> str:
        return self.text


def free_keyword(key: str) -> bool:
    """Keywords whose value never changes a shape: any value may stand there (as `Opaque`)."""
    return key in FREE or key.endswith(("_initializer", "_regularizer", "_constraint"))


FREE = ("activation", "recurrent_activation", "weights", "dtype", "seed", "name")


# --------------------------------------------------------------------------- Keras 1/2 names

#: Layer names Keras 3 no longer has (or spells otherwise): old name -> (Keras 3 name, note).
#: Keras 3's own aliases (Convolution1D, MaxPool1D, ...) read as the layer they alias, with no
#: note; an entry in SIGNATURES of the same name wins (the alias then has rules of its own).
LEGACY_LAYERS: dict[str, tuple[str, str]] = {
    "Convolution1D": ("Conv1D", ""),
    "Convolution2D": ("Conv2D", ""),
    "MaxPool1D": ("MaxPooling1D", ""),
    "MaxPool2D": ("MaxPooling2D", ""),
    "AvgPool1D": ("AveragePooling1D", ""),
    "AvgPool2D": ("AveragePooling2D", ""),
    "GlobalMaxPool1D": ("GlobalMaxPooling1D", ""),
    "GlobalAvgPool1D": ("GlobalAveragePooling1D", ""),
    "GlobalMaxPool2D": ("GlobalMaxPooling2D", ""),
    "GlobalAvgPool2D": ("GlobalAveragePooling2D", ""),
    "CuDNNLSTM": ("LSTM", "CuDNNLSTM is Keras 2; Keras 3's LSTM uses cuDNN by itself"),
    "CuDNNGRU": ("GRU", "CuDNNGRU is Keras 2; Keras 3's GRU uses cuDNN by itself"),
}

#: Keyword names of Keras 1 and 2 that Keras 3 refuses: old -> (Keras 3 name, era). Read only
#: when the layer has no keyword of that name (Embedding's own output_dim stays its own).
#: tests/test_agreement.py proves each against Keras 3: the new name is accepted and does
#: what the old one did.
LEGACY_KEYWORDS: dict[str, tuple[str, str]] = {
    "output_dim": ("units", "Keras 1"),
    "init": ("kernel_initializer", "Keras 1"),
    "inner_init": ("recurrent_initializer", "Keras 1"),
    "inner_activation": ("recurrent_activation", "Keras 1"),
    "W_regularizer": ("kernel_regularizer", "Keras 1"),
    "U_regularizer": ("recurrent_regularizer", "Keras 1"),
    "b_regularizer": ("bias_regularizer", "Keras 1"),
    "W_constraint": ("kernel_constraint", "Keras 1"),
    "U_constraint": ("recurrent_constraint", "Keras 1"),
    "b_constraint": ("bias_constraint", "Keras 1"),
    "bias": ("use_bias", "Keras 1"),
    "dropout_W": ("dropout", "Keras 1"),
    "dropout_U": ("recurrent_dropout", "Keras 1"),
    "consume_less": ("implementation", "Keras 1"),
    "border_mode": ("padding", "Keras 1"),
    "nb_filter": ("filters", "Keras 1"),
    "filter_length": ("kernel_size", "Keras 1"),
    "subsample_length": ("strides", "Keras 1"),
    "pool_length": ("pool_size", "Keras 1"),
    "stride": ("strides", "Keras 1"),
    "dim_ordering": ("data_format", "Keras 1"),
    "p": ("rate", "Keras 1"),
    "return_sequence": ("return_sequences", "a common misspelling"),
}

# Values that changed with the name.
_LEGACY_VALUES: dict[str, dict[Any, Any]] = {
    "consume_less": {"cpu": 1, "mem": 1, "gpu": 2},
    "dim_ordering": {"tf": "channels_last", "th": "channels_first", "default": "channels_last"},
}

# Keras 2 keywords that are no layer option in Keras 3: what Keras 3 writes instead.
_KERAS2_ONLY = {
    "batch_input_shape": "keras.Input(batch_shape=...)",
    "batch_size": "keras.Input(shape=..., batch_size=...)",
    "input_length": "input_shape=(steps, features) or keras.Input(shape=(steps, features))",
    "weights": "layer.set_weights(...) once the model is built",
}


def from_values(name: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> LayerSpec:
    """The spec of ``name(*args, **kwargs)`` from values already read (never evaluated here).

    Values are literals (numbers, strings, True/False/None, tuples or lists of them), a
    `LayerSpec` for a wrapper's ``layer=``, or an `Opaque` for a keyword that never changes a
    shape. The layer name and keywords go through the allow-list (`SIGNATURES`); Keras 1/2
    names through `LEGACY_LAYERS` and `LEGACY_KEYWORDS`, each with a line in ``notes``.

    >>> spec = from_values("LSTM", [8], {"init": "zeros", "return_sequence": True})
    >>> spec.text
    "LSTM(8, kernel_initializer='zeros', return_sequences=True)"
    >>> spec.notes[0]
    'init= is Keras 1; Keras 3 spells it kernel_initializer='
    """
    notes: list[str] = []
    if name not in SIGNATURES and name in LEGACY_LAYERS:
        name, note = LEGACY_LAYERS[name]
        if note:
            notes.append(note)
    if name in specs_catalog.REFUSED:
        raise SpecError(f"{name} {specs_catalog.REFUSED[name]}; rnnshape cannot trace it")
    if name not in SIGNATURES:
        raise SpecError(f"{name!r} is not a layer rnnshape knows; {_known_for(name)}")
    sig = SIGNATURES[name]
    if len(args) > len(sig.positional):
        raise SpecError(
            f"{name} takes at most {len(sig.positional)} positional arguments "
            f"({', '.join(sig.positional[:3])}, ...), got {len(args)}"
        )
    allowed = set(sig.positional) | set(sig.keywords)
    if name not in specs_catalog.CLOSED:  # layers without **kwargs take no base keywords
        allowed |= set(_BASE)
    # Keras 3's base layer takes these (a layer without **kwargs does not)
    takes_input = allowed | (
        set() if name in specs_catalog.CLOSED else {"input_shape", "input_dim"}
    )
    params: dict[str, Any] = {}
    positional = list(zip(sig.positional, args, strict=False))
    for key, value in [*positional, *kwargs.items()]:
        if not isinstance(key, str):
            raise SpecError(f"{name}: keyword {key!r} is not a name")
        if key not in takes_input and key in LEGACY_KEYWORDS:
            new, era = LEGACY_KEYWORDS[key]
            value = _LEGACY_VALUES.get(key, {}).get(value, value)
            if new not in allowed:  # e.g. consume_less on SimpleRNN: no Keras 3 equivalent
                notes.append(f"{key}= is {era}; {name} has no {new}= in Keras 3, so it is left out")
                continue
            notes.append(f"{key}= is {era}; Keras 3 spells it {new}=")
            key = new
        elif key not in takes_input and key in _KERAS2_ONLY:
            notes.append(f"{key}= on a layer is Keras 2; Keras 3 spells it {_KERAS2_ONLY[key]}")
            if key == "weights":
                continue  # no shape in it; Keras 3 refuses it here
        elif key not in takes_input:
            raise SpecError(f"{name} has no keyword {key!r}{_suggest(key, takes_input)}")
        if key in params:
            raise SpecError(f"{name}: {key!r} is given twice")
        params[key] = _value(name, key, value)
    missing = [p for p in sig.required if p not in params]
    if missing:
        raise SpecError(f"{name} needs {', '.join(missing)}, e.g. {_example(name)}")
    _legacy_input(name, params, notes)
    n_positional = len(positional)
    parts = [_text(params[k]) for k, _ in positional]
    parts += [f"{k}={_text(v)}" for k, v in list(params.items())[n_positional:]]
    return LayerSpec(name, params, f"{name}({', '.join(parts)})", tuple(notes))


def _legacy_input(name: str, params: dict[str, Any], notes: list[str]) -> None:
    """Keras 1/2's input_length: Embedding's is deprecated (ignored by Keras 3); on another
    layer it is the number of steps, input_dim the features of each (Keras 2's recurrent
    layers read the pair as input_shape=(input_length, input_dim))."""
    if "input_length" not in params:
        return
    steps = params["input_length"]
    if name == "Embedding":
        notes.append(
            "input_length= is deprecated in Keras 3 (ignored); declare the input with "
            f"keras.Input(shape=({_text(steps)},))"
        )
        return
    where = next(i for i, n in enumerate(notes) if n.startswith("input_length="))
    del params["input_length"]
    if "input_shape" in params or "batch_input_shape" in params:
        notes[where] = "input_length= is Keras 1/2; the input_shape given says it already"
        return
    features = params.pop("input_dim", None)
    params["input_shape"] = (steps, features)
    notes[where] = (
        f"input_length= is Keras 1/2; Keras 3 spells it input_shape=({_text(steps)}, "
        f"{_text(features)}) (or keras.Input(shape=...))"
    )


def _value(name: str, key: str, value: Any) -> Any:
    if key in ("layer", "backward_layer") and name in WRAPPERS:
        if not isinstance(value, LayerSpec):
            raise SpecError(f"{name}({key}=...): give a layer, such as LSTM(4)")
        return value
    if (name, key) in specs_catalog.NESTED:  # RNN(cell=...), or a list of cells
        if isinstance(value, list):
            value = tuple(value)
        cells = value if isinstance(value, tuple) else (value,)
        if not cells or not all(isinstance(v, LayerSpec) for v in cells):
            raise SpecError(f"{name}({key}=...): give a layer, or a list of layers")
        return value
    if isinstance(value, Opaque):
        if free_keyword(key):
            return value
        raise SpecError(
            f"{name}({key}=...): {value.text!r} is not a literal value; arguments must be "
            "numbers, strings, True/False/None or tuples or lists of those (names, calls, "
            "lambdas and comprehensions are never evaluated)"
        )
    if not _plain(value):
        raise SpecError(f"{name}({key}=...): {value!r:.40} is not a literal value")
    return value


def _text(value: Any) -> str:
    if isinstance(value, tuple) and value and all(isinstance(v, LayerSpec) for v in value):
        return f"[{', '.join(v.text for v in value)}]"  # an RNN's cells
    return value.text if isinstance(value, LayerSpec | Opaque) else repr(value)


def is_input_keyword(spec: LayerSpec, key: str) -> bool:
    """Whether ``key`` declares the model's input rather than configuring the layer
    (Embedding's input_dim is its vocabulary)."""
    return key in INPUT_KEYWORDS and key not in SIGNATURES[spec.name].positional


def declared_input(spec: LayerSpec) -> tuple[int | None, ...] | None:
    """The input shape (batch first) a layer's own keywords declare, or None.

    >>> declared_input(parse("LSTM(4, input_shape=(5, 3))"))
    (None, 5, 3)
    >>> declared_input(parse("LSTM(4, batch_input_shape=(2, 5, 3))"))
    (2, 5, 3)
    >>> declared_input(parse("Embedding(1000, 16, input_length=10)"))
    (None, 10)
    """
    p = spec.params
    batch = p.get("batch_size")
    if "batch_input_shape" in p:
        shape = tuple(_size(s) for s in _as_tuple(p["batch_input_shape"]))
        return shape
    # An Embedding's (or ReversibleEmbedding's) input_dim is its vocabulary, not the input.
    vocabulary = "input_dim" in SIGNATURES[spec.name].positional
    if "input_shape" in p:
        inner = _as_tuple(p["input_shape"])
    elif vocabulary:
        if "input_length" not in p:
            return None
        inner = (p["input_length"],)
    elif "input_dim" in p:
        inner = (p["input_dim"],)
    else:
        return None
    return (_size(batch), *(_size(s) for s in inner))


def _as_tuple(value: Any) -> tuple[Any, ...]:
    if isinstance(value, tuple | list):
        return tuple(value)
    return (value,)


def _size(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise SpecError(f"{value!r} is not a size in a declared input shape")
    return value


def parse(text: str | LayerSpec) -> LayerSpec:
    """Parse one layer in Keras constructor syntax; raise `SpecError` when it is not one.

    >>> parse("LSTM(4, return_sequences=True)").params
    {'units': 4, 'return_sequences': True}
    >>> parse("keras.layers.Dense(1)").text
    'Dense(1)'
    """
    if isinstance(text, LayerSpec):
        return text
    if not isinstance(text, str):
        raise SpecError(f"a layer must be given as text such as 'LSTM(4)', got {text!r}")
    source = text.strip()
    if not source:
        raise SpecError("empty layer text: write a layer call such as 'LSTM(4)'")
    if len(source) > _MAX_LENGTH:
        raise SpecError(f"layer text of {len(source)} characters is too long for one layer")
    try:
        tree = ast.parse(source, mode="eval")
        return _layer(tree.body, source)
    except SyntaxError as exc:
        raise SpecError(
            f"{source[:60]!r} is not valid Keras constructor syntax ({exc.msg}); "
            "write a layer call such as 'LSTM(4, return_sequences=True)'"
        ) from None
    except (ValueError, RecursionError, MemoryError) as exc:
        if isinstance(exc, SpecError):
            raise
        raise SpecError(f"{source[:60]!r} cannot be read as a layer ({exc})") from None


def _callee(node: ast.expr) -> str | None:
    """The layer name a call's callee spells (``LSTM`` or ``keras.layers.LSTM``), or None."""
    if isinstance(node, ast.Name):
        return node.id
    dotted = []
    while isinstance(node, ast.Attribute):
        dotted.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        dotted.append(node.id)
        full = ".".join(reversed(dotted))
        for prefix in _PREFIXES:
            if full.startswith(prefix) and "." not in full[len(prefix) :]:
                return full[len(prefix) :]
    return None


def _describe(node: ast.expr) -> str:
    """A short rendering of a node for error messages."""
    if isinstance(node, ast.Call):
        return f"{ast.unparse(node.func)}(...)"
    text = ast.unparse(node)
    return text if len(text) <= 40 else text[:37] + "..."


def _layer(node: ast.expr, source: str) -> LayerSpec:
    """The literals of a call read with ast, then `from_values` (one allow-list for both)."""
    if not isinstance(node, ast.Call):
        raise SpecError(
            f"{_describe(node)!r} is not a layer call; write one such as 'LSTM(4)' "
            f"({_known_text(node)})"
        )
    name = _callee(node.func)
    if name in specs_catalog.REFUSED:
        raise SpecError(f"{name} {specs_catalog.REFUSED[name]}; rnnshape cannot trace it")
    if name not in SIGNATURES and name not in LEGACY_LAYERS:
        raise SpecError(f"{_describe(node)!r} is not a layer rnnshape knows; {_known_text(node)}")
    if any(isinstance(a, ast.Starred) for a in node.args) or any(
        k.arg is None for k in node.keywords
    ):
        raise SpecError(f"{name}: *args and **kwargs are not allowed; write each argument out")
    canonical = name if name in SIGNATURES else LEGACY_LAYERS[name][0]
    positional = SIGNATURES[canonical].positional
    args = [
        _argument(canonical, positional[i] if i < len(positional) else "", a, source)
        for i, a in enumerate(node.args)
    ]
    kwargs: dict[str, Any] = {}
    for k in node.keywords:
        assert k.arg is not None
        if k.arg in kwargs:
            raise SpecError(f"{canonical}: {k.arg!r} is given twice")
        kwargs[k.arg] = _argument(canonical, k.arg, k.value, source)
    return from_values(name, args, kwargs)


def _argument(name: str, key: str, node: ast.expr, source: str) -> Any:
    if key in ("layer", "backward_layer") and name in WRAPPERS:
        return _layer(node, source)
    if (name, key) in specs_catalog.NESTED:
        return _nested(name, key, node, source)
    return _literal(name, key, node)


def _nested(name: str, key: str, node: ast.expr, source: str) -> LayerSpec | tuple[LayerSpec, ...]:
    """A layer argument (``RNN(cell=...)``), or a list of them (``RNN([LSTMCell(4), ...])``)."""
    if isinstance(node, ast.List | ast.Tuple):
        if not node.elts:
            raise SpecError(f"{name}: {key} is an empty list; give at least one layer")
        return tuple(_layer(element, source) for element in node.elts)
    return _layer(node, source)


def _known_text(node: ast.expr) -> str:
    """What rnnshape knows, in a few words: every layer is too many names for one line."""
    return _known_for(_callee(node.func) if isinstance(node, ast.Call) else None)


def _known_for(name: str | None) -> str:
    """A did-you-mean for a layer name, or how many layers rnnshape knows."""
    if name:
        import difflib  # only on this error path: tracing should start fast

        lower = {known.lower(): known for known in KNOWN_LAYERS}
        close = difflib.get_close_matches(name.lower(), lower, n=1)
        if close:
            return f"did you mean {lower[close[0]]}? (it knows every layer of keras.layers)"
    return f"it knows the {len(KNOWN_LAYERS)} layers of keras.layers, such as LSTM and Dense"


def _literal(name: str, key: str, node: ast.expr) -> Any:
    """A literal argument value: number, string, bool, None, or a tuple/list of those."""
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        value = _REFUSED
    if not _plain(value):
        raise SpecError(
            f"{name}({key or '...'}=...): {_describe(node)!r} is not a literal value; arguments "
            "must be numbers, strings, True/False/None or tuples or lists of those (names, "
            "calls, lambdas and comprehensions are never evaluated)"
        )
    return value


_REFUSED = object()


def _plain(value: Any) -> bool:
    if value is None or isinstance(value, bool | int | float | str):
        return True
    if isinstance(value, tuple | list):
        return all(_plain(v) for v in value)
    return False


def _suggest(key: str, allowed: set[str]) -> str:
    """A did-you-mean for a misspelt keyword, or the keywords that matter for shapes."""
    import difflib  # only on this error path: tracing should start fast

    close = difflib.get_close_matches(key, sorted(allowed), n=1)
    if close:
        return f"; did you mean {close[0]}=?"
    return f"; it takes: {', '.join(sorted(allowed))}"


def _example(name: str) -> str:
    return {
        "Bidirectional": "Bidirectional(LSTM(4))",
        "TimeDistributed": "TimeDistributed(Dense(3))",
        "RepeatVector": "RepeatVector(5)",
        "Dropout": "Dropout(0.2)",
        "Embedding": "Embedding(1000, 16)",
        "Conv1D": "Conv1D(16, 3)",
        "Reshape": "Reshape((4, 3))",
        "Permute": "Permute((2, 1))",
        "Conv2D": "Conv2D(16, 3)",
        "AveragePooling1D": "AveragePooling1D(2)",
        "AveragePooling2D": "AveragePooling2D(2)",
        "Activation": "Activation('relu')",
        "ConvLSTM1D": "ConvLSTM1D(16, 3)",
        "ConvLSTM2D": "ConvLSTM2D(16, 3)",
    }.get(name, f"{name}(4)")


# --------------------------------------------------------------------------- Keras configs


def from_config(class_name: str, config: dict[str, Any]) -> LayerSpec:
    """The spec of a layer as Keras stores it (``layer.get_config()``, or a saved model's JSON).

    Only the arguments that can change shapes are kept (`SHAPE_ARGS`); the text is then read
    by `parse`, so a config is held to the same allow-list as typed text. Raises `SpecError`
    for a class rnnshape has no rules for.

    >>> from_config("LSTM", {"units": 8, "return_sequences": True, "activation": "tanh"}).text
    'LSTM(8, return_sequences=True)'
    """
    class_name = specs_catalog.CONFIG_NAMES.get(class_name, class_name)
    if class_name not in SHAPE_ARGS:
        raise SpecError(f"{class_name} is not a layer rnnshape has rules for")
    if not isinstance(config, dict):
        raise SpecError(f"the config of a {class_name} must be a JSON object")
    positional, keywords = SHAPE_ARGS[class_name]
    parts = []
    if class_name in WRAPPERS:
        forward = _wrapped_config(class_name, config, "layer")
        parts.append(forward.text)
        if class_name == "Bidirectional" and config.get("backward_layer") is not None:
            backward = _wrapped_config(class_name, config, "backward_layer")
            if not _is_mirror(forward, backward):  # given explicitly, not Keras's own copy
                parts.append(f"backward_layer={backward.text}")
    for key in positional:
        if key not in config:
            raise SpecError(f"the config of a {class_name} has no {key!r}")
        parts.append(repr(_json_value(class_name, key, config[key])))
    parts += [f"{key}={text}" for key, text in _nested_configs(class_name, config).items()]
    for key, default in keywords.items():
        value = _json_value(class_name, key, config.get(key, default))
        if value != default and not _same_as_default(class_name, key, value, config):
            parts.append(f"{key}={value!r}")
    parts += _weight_args(class_name, config, (*positional, *keywords))
    return parse(f"{class_name}({', '.join(parts)})")


# Keywords that change a layer's weights or its mask, not its shapes: kept from a config when
# not Keras's default, so a row's parameters and mask (params, masks) read the real layer.
_WEIGHT_ARGS = {
    "use_bias": True, "reset_after": True, "center": True, "scale": True, "use_scale": False,
    "score_mode": "dot", "mask_zero": False, "tie_weights": True, "lora_rank": None,
    "use_gate": False, "trainable": True,
}  # fmt: skip
_WEIGHT_DEFAULTS = {("AdditiveAttention", "use_scale"): True}


def _weight_args(class_name: str, config: dict[str, Any], shape_keys) -> list[str]:
    sig = SIGNATURES.get(class_name)
    takes = set(sig.positional) | set(sig.keywords) if sig is not None else set()
    parts = []
    for key, default in _WEIGHT_ARGS.items():
        if key in shape_keys or key not in config or (key not in takes and key != "trainable"):
            continue
        value = config[key]
        if value != _WEIGHT_DEFAULTS.get((class_name, key), default):
            parts.append(f"{key}={value!r}")
    return parts


def _wrapped_config(class_name: str, config: dict[str, Any], key: str) -> LayerSpec:
    inner = config.get(key)
    if not isinstance(inner, dict) or not isinstance(inner.get("class_name"), str):
        raise SpecError(f"the config of a {class_name} has no layer under {key!r}")
    return from_config(inner["class_name"], inner.get("config", {}))


def _nested_configs(class_name: str, config: dict[str, Any]) -> dict[str, str]:
    """The layers a config holds under a nested parameter (an RNN's cell), as text."""
    found = {}
    for name, key in specs_catalog.NESTED:
        if name != class_name:
            continue
        inner = config.get(key)
        if isinstance(inner, list):
            cells = [_wrapped_config(class_name, {key: cell}, key).text for cell in inner]
            found[key] = f"[{', '.join(cells)}]"
        else:
            found[key] = _wrapped_config(class_name, config, key).text
    return found


def _is_mirror(forward: LayerSpec, backward: LayerSpec) -> bool:
    """Whether ``backward`` is the copy Bidirectional makes of ``forward`` (go_backwards flipped)."""

    def shape_params(spec: LayerSpec):
        return spec.name, {k: v for k, v in spec.params.items() if v and k != "go_backwards"}

    flipped = bool(forward.get("go_backwards")) != bool(backward.get("go_backwards"))
    return flipped and shape_params(forward) == shape_params(backward)


def _same_as_default(class_name: str, key: str, value: Any, config: dict[str, Any]) -> bool:
    """Values Keras writes in place of a default that means the same (left out of the text)."""
    if key == "strides" and "pool_size" in config:  # pooling: strides default to pool_size
        return value == _json_value(class_name, "pool_size", config["pool_size"])
    if class_name == "MultiHeadAttention":
        if key == "value_dim":  # defaults to key_dim
            return value == config.get("key_dim")
        if key == "attention_axes":  # Keras writes the time axis it chose for 3-D inputs
            return value in (1, -2)
    return False


# Shapes, not sizes: Reshape((6,)) is not Reshape(6), which Keras refuses.
_SHAPE_VALUES = ("target_shape", "dims")


def _json_value(class_name: str, key: str, value: Any) -> Any:
    """A JSON argument as the specs write it: lists as tuples, 1-D sizes (``[3]``) as ints.

    ``layer.get_config()`` holds tuples where the JSON has lists; both read the same.
    """
    if isinstance(value, list | tuple):
        value = tuple(_json_value(class_name, key, v) for v in value)
        if len(value) == 1 and not isinstance(value[0], tuple) and key not in _SHAPE_VALUES:
            value = value[0]
    if not _plain(value):
        raise SpecError(f"{class_name}: {key} in the config is not a plain value ({value!r:.60})")
    return value
