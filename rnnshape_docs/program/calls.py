"""One place where every call a program makes is sent: by what is called, never run."""

from __future__ import annotations

import ast
from typing import Any

from rnnshape_docs.program import keras_calls, numpy_calls, sizes
from rnnshape_docs.program.edits import replace
from rnnshape_docs.program.findings import DataRank
from rnnshape_docs.program.names import layer_class
from rnnshape_docs.program.values import (
    UNKNOWN,
    Array,
    Bound,
    CustomClass,
    Dataset,
    Function,
    LayerObj,
    ListVal,
    ModelObj,
    Ref,
    Tensor,
    Tokenizer,
    Unknown,
)

# Names whose call would run code: never followed, always noted.
_NEVER = (
    "builtins.exec",
    "builtins.eval",
    "builtins.__import__",
    "builtins.compile",
    "builtins.open",
    "builtins.getattr",
)


def call(reader, func: Any, args: list[Any], kwargs: dict[str, Any], node: ast.Call) -> Any:
    if isinstance(func, Ref):
        return _call_path(reader, func.path, args, kwargs, node)
    if isinstance(func, Function):
        return reader.call_function(func, args, kwargs)
    if isinstance(func, Bound):
        return _method(reader, func.owner, func.name, args, kwargs, node)
    if isinstance(func, LayerObj):
        return keras_calls.call_layer(reader, func, args, kwargs, node)
    if isinstance(func, CustomClass):
        layer = keras_calls.make_layer(reader, func.name, args, kwargs, node)
        layer.custom = True
        return layer
    if isinstance(func, ModelObj):
        return keras_calls.method(reader, func, "__call__", args, kwargs, node)
    return Unknown("the result of a call")


# keras.ops functions read as NumPy's for arrays (names._MOVED); on a symbolic tensor they
# are operations of the model.
_SHARED_WITH_NUMPY = ("numpy.expand_dims", "numpy.reshape")


def _call_path(reader, path: str, args, kwargs, node) -> Any:
    if path in _NEVER:
        if path != "builtins.open":
            reader.note(
                node.lineno,
                f"{path.split('.')[-1]}() is never run by rnnshape: what it makes is unknown",
            )
        return UNKNOWN
    if path in _SHARED_WITH_NUMPY and args and isinstance(args[0], Tensor):
        path = "keras.ops." + path.rsplit(".", 1)[-1]  # keras.ops.reshape(x, ...) on a tensor
    handler = (
        numpy_calls.HANDLERS.get(path) or keras_calls.HANDLERS.get(path) or _BUILTINS.get(path)
    )
    if handler is not None:
        return handler(reader, args, kwargs, node)
    if path.startswith("keras.losses.") and path.rsplit(".", 1)[-1][:1].isupper():
        return Ref(path)  # a loss object: read by its class, like the loss's name
    name = layer_class(path)
    if name is not None:
        return keras_calls.make_layer(reader, name, args, kwargs, node)
    if numpy_calls.is_scaler(path):
        return Ref(f"{path}()")
    if path.endswith("()." + path.rsplit(".", 1)[-1]) or "()." in path:
        return _scaler_method(reader, path, args, node)
    return Unknown(path)


def _scaler_method(reader, path: str, args, node) -> Any:
    method = path.rsplit(".", 1)[-1]
    data = args[0] if args else None
    if (
        method in ("fit", "fit_transform", "transform", "inverse_transform")
        and isinstance(data, Array)
        and data.rank is not None
        and data.rank > 2
        and "Encoder" not in path
    ):
        _scaler_refuses(reader, path, data, node)
    if method in ("fit_transform", "transform", "inverse_transform") and isinstance(data, Array):
        if "LabelEncoder" in path:
            return Array(
                data.shape, "int", node.lineno, "ids", sizes.Sym.named("the number of classes")
            )
        if "OneHotEncoder" in path:
            return Array(
                (data.shape[0] if data.shape else None, sizes.Sym.named("the number of classes")),
                "float",
                node.lineno,
                "onehot",
            )
        return Array(data.shape, "float", node.lineno)
    return None if method == "fit" else UNKNOWN


def _scaler_refuses(reader, path: str, data: Array, node: ast.Call) -> None:
    """sklearn scales 2-D tables only: a 3-D array of windows is refused ('Found array with
    dim 3'). The fix scales each feature over every step: flatten, scale, shape back."""
    scaler = path.split("()", 1)[0].rsplit(".", 1)[-1]
    written = ast.unparse(node.args[0]) if node.args else "X"
    fixed = ast.unparse(node.func) + f"({written}.reshape(-1, {written}.shape[-1]))"
    fixed += f".reshape({written}.shape)"
    reader.add(
        DataRank.at(
            node.lineno,
            f"{scaler} takes a 2-D table (samples, features) but {written} is "
            f"{data.rank}-D {sizes.shape_text(data.shape)}: scikit-learn stops with "
            f"'Found array with dim {data.rank}'",
            fixed if written.isidentifier() else "",
            edit=replace(node, fixed) if written.isidentifier() else None,
        )
    )


def _method(reader, owner: Any, name: str, args, kwargs, node) -> Any:
    if isinstance(owner, Array):
        return numpy_calls.array_method(reader, owner, name, args, kwargs, node)
    if isinstance(owner, ModelObj):
        return keras_calls.method(reader, owner, name, args, kwargs, node)
    if isinstance(owner, ListVal):
        return _list_method(reader, owner, name, args)
    if isinstance(owner, Dataset):
        return keras_calls.dataset_method(reader, owner, name, args, kwargs, node)
    if isinstance(owner, Tokenizer):
        return keras_calls.tokenizer_method(reader, owner, name, args, kwargs, node)
    return UNKNOWN


def _list_method(reader, owner: ListVal, name: str, args) -> Any:
    if name == "append" and args:
        rounds = reader.scaled()
        if rounds == 1 and owner.items is not None:
            owner.items.append(args[0])
            owner.length = len(owner.items)
        else:
            owner.length = sizes.add(owner.length, rounds)
            owner.items = None
        owner.item = args[0] if owner.item is UNKNOWN or owner.items is None else owner.item
        if owner.items is None:
            owner.item = args[0]
        return None
    if name == "extend" and args:
        other = args[0]
        added = reader.length(other)
        owner.length = sizes.add(owner.length, sizes.mul(added, reader.scaled()))
        owner.items = None
        owner.item = other.item if isinstance(other, ListVal) else owner.item
        return None
    return None


# ---------------------------------------------------------------------------- builtins


def _len(reader, args, kwargs, node):
    if not args:
        return UNKNOWN
    value = args[0]
    if isinstance(value, Array) and value.shape:
        return value.shape[0]
    length = None if isinstance(value, Array) else reader.length(value)
    if length is None and node.args:
        # A length the code does not fix is a named size, carried on (issue 22 item 4).
        return sizes.Sym.named(f"len({ast.unparse(node.args[0])})")
    return length if length is not None else UNKNOWN


def _range(reader, args, kwargs, node):
    from rnnshape_docs.program.reader import _OpenRange

    if all(isinstance(a, int) and not isinstance(a, bool) for a in args) and 1 <= len(args) <= 3:
        try:
            return range(*args)
        except ValueError:
            return UNKNOWN
    if len(args) == 1 and sizes.is_size(args[0]):
        return _OpenRange(args[0])
    if len(args) == 2 and all(sizes.is_size(a) for a in args):
        return _OpenRange(sizes.sub(args[1], args[0]))
    return _OpenRange(None)


def _list(reader, args, kwargs, node):
    if not args:
        return ListVal.of([], node.lineno)
    value = args[0]
    items = reader.items(value)
    if items is not None:
        return ListVal.of(items, node.lineno)
    return ListVal(None, reader.length(value), reader.element(value, ast.Name("item")), node.lineno)


def _tuple(reader, args, kwargs, node):
    if not args:
        return ()
    items = reader.items(args[0])
    return tuple(items) if items is not None else UNKNOWN


def _int(reader, args, kwargs, node):
    if args and isinstance(args[0], int | float) and not isinstance(args[0], bool):
        try:
            return int(args[0])
        except (OverflowError, ValueError):
            return UNKNOWN
    if args and isinstance(args[0], sizes.Sym):
        return args[0]
    return sizes.Sym.named("a number the code computes")


def _float(reader, args, kwargs, node):
    return 0.0


def _zip(reader, args, kwargs, node):
    from rnnshape_docs.program.reader import _Zipped

    return _Zipped(list(args))


def _enumerate(reader, args, kwargs, node):
    from rnnshape_docs.program.reader import _Enumerated

    return _Enumerated(args[0]) if args else UNKNOWN


def _max(reader, args, kwargs, node):
    if len(args) >= 2 and all(isinstance(a, int | float) and not isinstance(a, bool) for a in args):
        return max(args)
    return UNKNOWN


def _min(reader, args, kwargs, node):
    if len(args) >= 2 and all(isinstance(a, int | float) and not isinstance(a, bool) for a in args):
        return min(args)
    return UNKNOWN


def _abs(reader, args, kwargs, node):
    value = args[0] if len(args) == 1 and not kwargs else None
    if isinstance(value, Tensor):  # KerasTensor.__abs__: Keras records an Absolute op
        return keras_calls.operation(reader, "Absolute", [value], {}, node)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return abs(value)
    return UNKNOWN


def _nothing(reader, args, kwargs, node):
    return None


_BUILTINS = {
    "builtins.len": _len,
    "builtins.range": _range,
    "builtins.list": _list,
    "builtins.tuple": _tuple,
    "builtins.int": _int,
    "builtins.round": _int,
    "builtins.float": _float,
    "builtins.zip": _zip,
    "builtins.enumerate": _enumerate,
    "builtins.max": _max,
    "builtins.min": _min,
    "builtins.print": _nothing,
    "builtins.abs": _abs,
}
