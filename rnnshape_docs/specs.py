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
from dataclasses import dataclass
from typing import Any

from rnnshape_docs import specs_catalog


class SpecError(ValueError):
    """The text is not a layer call rnnshape can read."""


# Keywords every Keras layer takes; they never change shapes.
_BASE = ("name", "dtype", "trainable")

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
        (),
    ),
    "GRU": _Signature(
        ("units", "recurrent_activation", "reset_after", "use_cudnn", *RNN_KEYWORDS),
        ("units",),
        (),
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
    names); wrapped layers (``layer=`` of Bidirectional and TimeDistributed) are LayerSpecs.
    """

    name: str
    params: dict[str, Any]
    text: str  # normalised Keras constructor syntax, e.g. "LSTM(4, return_sequences=True)"

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
    if not isinstance(node, ast.Call):
        raise SpecError(
            f"{_describe(node)!r} is not a layer call; write one such as 'LSTM(4)' "
            f"({_known_text(node)})"
        )
    name = _callee(node.func)
    if name in specs_catalog.REFUSED:
        raise SpecError(f"{name} {specs_catalog.REFUSED[name]}; rnnshape cannot trace it")
    if name not in SIGNATURES:
        raise SpecError(f"{_describe(node)!r} is not a layer rnnshape knows; {_known_text(node)}")
    sig = SIGNATURES[name]
    params: dict[str, Any] = {}
    if any(isinstance(a, ast.Starred) for a in node.args) or any(
        k.arg is None for k in node.keywords
    ):
        raise SpecError(f"{name}: *args and **kwargs are not allowed; write each argument out")
    if len(node.args) > len(sig.positional):
        raise SpecError(
            f"{name} takes at most {len(sig.positional)} positional arguments "
            f"({', '.join(sig.positional[:3])}, ...), got {len(node.args)}"
        )
    given = list(zip(sig.positional, node.args, strict=False))
    given += [(k.arg, k.value) for k in node.keywords]
    allowed = set(sig.positional) | set(sig.keywords)
    allowed |= set() if name in specs_catalog.CLOSED else set(_BASE)
    for key, value in given:
        if key == "input_shape" or key == "batch_input_shape":
            raise SpecError(
                f"{name}: {key}= is Keras 2 style; give the input shape separately "
                "(rnnshape: --input; Keras 3: keras.Input(shape=...))"
            )
        if key not in allowed:
            raise SpecError(f"{name} has no keyword {key!r}{_suggest(key, allowed)}")
        if key in params:
            raise SpecError(f"{name}: {key!r} is given twice")
        if key in ("layer", "backward_layer") and name in WRAPPERS:
            params[key] = _layer(value, source)
        elif (name, key) in specs_catalog.NESTED:
            params[key] = _nested(name, key, value, source)
        else:
            params[key] = _literal(name, key, value)
    missing = [p for p in sig.required if p not in params]
    if missing:
        raise SpecError(f"{name} needs {', '.join(missing)}, e.g. {_example(name)}")
    return LayerSpec(name, params, _render(name, node, params))


def _nested(name: str, key: str, node: ast.expr, source: str) -> LayerSpec | tuple[LayerSpec, ...]:
    """A layer argument (``RNN(cell=...)``), or a list of them (``RNN([LSTMCell(4), ...])``)."""
    if isinstance(node, ast.List | ast.Tuple):
        if not node.elts:
            raise SpecError(f"{name}: {key} is an empty list; give at least one layer")
        return tuple(_layer(element, source) for element in node.elts)
    return _layer(node, source)


def _known_text(node: ast.expr) -> str:
    """What rnnshape knows, in a few words (every layer is too many names for one line); only
    on the error path, since the did-you-mean is slow."""
    name = _callee(node.func) if isinstance(node, ast.Call) else None
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
            f"{name}({key}=...): {_describe(node)!r} is not a literal value; arguments must be "
            "numbers, strings, True/False/None or tuples or lists of those (names, calls, "
            "lambdas and comprehensions are never evaluated)"
        )
    return value


_REFUSED = object()


def _plain(value: Any) -> bool:
    if value is None or isinstance(value, bool | int | float | str):
        return True
    if isinstance(value, tuple | list):
        return all(_plain(v) for v in value)
    return False


def _render(name: str, node: ast.Call, params: dict[str, Any]) -> str:
    """Normalised text: positional arguments kept as written, keywords after them."""
    parts = []
    for i, _arg in enumerate(node.args):
        parts.append(_text(params[SIGNATURES[name].positional[i]]))
    for k in node.keywords:
        parts.append(f"{k.arg}={_text(params[k.arg])}")
    return f"{name}({', '.join(parts)})"


def _text(value: Any) -> str:
    if isinstance(value, LayerSpec):
        return value.text
    if isinstance(value, tuple) and value and all(isinstance(v, LayerSpec) for v in value):
        return f"[{', '.join(v.text for v in value)}]"
    return repr(value)


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
    return parse(f"{class_name}({', '.join(parts)})")


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
