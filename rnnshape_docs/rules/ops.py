"""The `keras.ops` operations a functional model records: ``x + y``, ``x[:, -1]``, ``ops.mean``...

Written on symbolic tensors, an operator or a ``keras.ops`` call becomes a node of the model,
saved by its class (``Add``, ``GetItem``, ``Mean``, from ``keras.src.ops``) with the op's own
arguments in its config (``axis``, ``keepdims``) and the call's in the node (the tensors, and
literals such as ``2`` in ``x + 2`` or the key of a slice). Each rule follows the op's
``compute_output_spec`` in Keras 3 (``keras/src/ops/numpy.py``), refusing what Keras refuses.

``operands`` are the call's positional arguments: a tensor as an `Operand` (its shape), a
literal as itself; a slice's key arrives as Keras writes it (``__slice__`` objects).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import prod
from typing import Any

from rnnshape_docs.rules.base import Refusal, Result, Shape, format_shape


@dataclass(frozen=True)
class Operand:
    """A tensor argument of an op: its shape, and how the row names it (its layer)."""

    shape: Shape
    name: str = "x"


OpRule = Callable[[str, dict[str, Any], list[Any]], Result]


def _shape_of(value: Any) -> Shape:
    """A tensor's shape; a Python number is a scalar, shape ()."""
    return value.shape if isinstance(value, Operand) else ()


def _tensors(operands: list[Any]) -> list[Operand]:
    return [o for o in _flat(operands) if isinstance(o, Operand)]


def _flat(values: Any) -> list[Any]:
    if isinstance(values, list | tuple):
        return [v for item in values for v in _flat(item)]
    return [values]


def _first(op: str, operands: list[Any]) -> Shape:
    if not operands or not isinstance(operands[0], Operand):
        raise Refusal(f"{op} is recorded without the tensor it is called on")
    return operands[0].shape


def _axis(op: str, axis: Any, rank: int) -> int:
    """A Keras axis (negative counts from the end) as an index into a shape of ``rank``."""
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise Refusal(f"{op}: axis={axis!r} is not a whole number")
    if not -rank <= axis < rank:
        raise Refusal(
            f"{op}: axis {axis} is out of range for a tensor with {rank} axes "
            f"(use -{rank} to {rank - 1})"
        )
    return axis % rank


def _axes(op: str, axis: Any, rank: int) -> list[int]:
    axes = list(axis) if isinstance(axis, list | tuple) else [axis]
    return [_axis(op, a, rank) for a in axes]


# --------------------------------------------------------------------------- element by element


def broadcast(op: str, a: Shape, b: Shape) -> Shape:
    """NumPy's broadcast of two shapes as Keras computes it (operation_utils.broadcast_shapes):
    aligned from the last axis, a 1 stretches to the other size, None stays unknown."""
    a1 = (1,) * (len(b) - len(a)) + tuple(a)
    b1 = (1,) * (len(a) - len(b)) + tuple(b)
    out = []
    for x, y in zip(a1, b1, strict=True):
        if x == 1:
            out.append(y)
        elif x is None:
            out.append(None if y == 1 else y)
        elif y in (1, None) or x == y:
            out.append(x)
        else:
            raise Refusal(
                f"{op}: shapes {format_shape(a)} and {format_shape(b)} do not broadcast (sizes "
                f"{x} and {y} meet on one axis; they must be equal, or one of them 1)"
            )
    return tuple(out)


def _binary(op: str, config: dict[str, Any], operands: list[Any]) -> Result:
    if len(operands) != 2:
        raise Refusal(f"{op} takes two operands, got {len(operands)}")
    a, b = (_shape_of(o) for o in operands)
    out = broadcast(op, a, b)
    if a == b:
        why = f"{op} works value by value on two tensors of the same shape"
    elif not a or not b:
        why = f"{op} with a single number applies it to every value"
    else:
        why = f"{op} works value by value; {format_shape(a)} and {format_shape(b)} broadcast"
    return (out,), (), why


def _unary(op: str, config: dict[str, Any], operands: list[Any]) -> Result:
    shape = _first(op, operands)
    if op == "Cast":
        return (shape,), (), f"Cast changes the dtype to {config.get('dtype')}, not the shape"
    return (shape,), (), f"{op} works value by value: the shape stays"


def _softmax_like(op: str, config: dict[str, Any], operands: list[Any]) -> Result:
    shape = _first(op, operands)
    return (shape,), (), f"{op} normalises along an axis: the shape stays"


# --------------------------------------------------------------------------- slicing


def _key_item(item: Any) -> Any:
    """A key element as Keras saves it: __slice__ / __ellipsis__ objects, None, ints."""
    if isinstance(item, dict) and item.get("class_name") == "__slice__":
        c = item.get("config") or {}
        parts = [c.get("start"), c.get("stop"), c.get("step")]
        if not all(p is None or (isinstance(p, int) and not isinstance(p, bool)) for p in parts):
            raise Refusal("GetItem: a slice bound is not a whole number rnnshape can read")
        if parts[2] == 0:
            raise Refusal("GetItem: a slice step cannot be zero")
        return slice(*parts)
    if isinstance(item, dict) and item.get("class_name") == "__ellipsis__":
        return Ellipsis
    if item is Ellipsis or item is None or isinstance(item, slice):
        return item
    if isinstance(item, int) and not isinstance(item, bool):
        return item
    raise Refusal(f"GetItem: the key {item!r:.40} is not one rnnshape reads (ints, slices, ...)")


def get_item(op: str, config: dict[str, Any], operands: list[Any]) -> Result:
    """``x[key]`` as Keras's GetItem.compute_output_spec computes it (NumPy basic indexing)."""
    shape = _first(op, operands)
    if len(operands) != 2:
        raise Refusal("GetItem takes a tensor and a key")
    raw = operands[1]
    key = [_key_item(k) for k in raw] if isinstance(raw, list | tuple) else [_key_item(raw)]
    if key.count(Ellipsis) > 1:
        raise Refusal("a slice can have only one ... (Ellipsis)")
    if Ellipsis not in key:
        key.append(Ellipsis)
    remaining, out, dropped = list(shape), [], []
    while key:
        sub = key.pop(0)
        if sub is Ellipsis:
            needed = len(key) - key.count(None)
            kept = len(remaining) - needed
            out += remaining[:kept]
            remaining = remaining[kept:]
            continue
        if sub is None:
            out.append(1)
            continue
        if not remaining:
            raise Refusal(
                f"the slice has more indices than the tensor {format_shape(shape)} has axes"
            )
        length = remaining.pop(0)
        if isinstance(sub, int):
            dropped.append(str(sub))
            if length is not None and not -length <= sub < length:
                raise Refusal(
                    f"index {sub} is out of range for an axis of {length} in {format_shape(shape)}"
                )
        else:
            out.append(None if length is None else len(range(*sub.indices(length))))
    if dropped:
        which = "a single index" if len(dropped) == 1 else "single indices"
        why = f"{which} ({', '.join(dropped)}) picks one position and removes that axis"
    else:
        why = "slicing keeps every axis, with the length of its slice"
    return (tuple(out),), (), why


# --------------------------------------------------------------------------- shape changes


def concatenate(op: str, config: dict[str, Any], operands: list[Any]) -> Result:
    tensors = _tensors(operands)
    if not tensors:
        raise Refusal("Concatenate is recorded without the tensors it joins")
    shapes = [t.shape for t in tensors]
    rank = len(shapes[0])
    axis = _axis(op, config.get("axis", 0), rank) if rank else 0
    out = list(shapes[0])
    for k, s in enumerate(shapes[1:], start=2):
        if len(s) != rank:
            raise Refusal(
                f"ops.concatenate joins tensors with the same number of axes, but "
                f"{format_shape(shapes[0])} and tensor {k}, {format_shape(s)}, differ"
            )
        for i, (x, y) in enumerate(zip(out, s, strict=True)):
            if i == axis:
                out[i] = None if x is None or y is None else x + y
            elif x is not None and y is not None and x != y:
                raise Refusal(
                    f"ops.concatenate along axis {config.get('axis', 0)} needs every other axis "
                    f"equal, but {format_shape(shapes[0])} and {format_shape(s)} differ on axis "
                    f"{i}"
                )
            elif x is None:
                out[i] = y
    why = f"ops.concatenate joins {len(shapes)} tensors along axis {config.get('axis', 0)}"
    if axis == 0 and rank > 1:
        why += " (the batch axis: its default is 0, not -1)"
    return (tuple(out),), (), why


def expand_dims(op: str, config: dict[str, Any], operands: list[Any]) -> Result:
    shape = _first(op, operands)
    axes = config.get("axis")
    rank = len(shape) + (len(axes) if isinstance(axes, list | tuple) else 1)
    where = sorted(_axes(op, axes, rank))
    out: list[int | None] = list(shape)
    for a in where:
        out.insert(a, 1)
    return (tuple(out),), (), f"ops.expand_dims adds an axis of size 1 at axis {axes}"


def squeeze(op: str, config: dict[str, Any], operands: list[Any]) -> Result:
    shape = _first(op, operands)
    axis = config.get("axis")
    if axis is None:
        out = tuple(d for d in shape if d != 1)
        return (out,), (), "ops.squeeze without an axis removes every axis of size 1"
    axes = _axes(op, axis, len(shape))
    for a in axes:
        if shape[a] != 1:
            size = "unknown (None)" if shape[a] is None else shape[a]
            raise Refusal(
                f"ops.squeeze cannot remove axis {a} of {format_shape(shape)}: its size is "
                f"{size}, not 1"
            )
    out = tuple(d for i, d in enumerate(shape) if i not in axes)
    return (out,), (), f"ops.squeeze removes the size-1 axis {axis}"


def reshape(op: str, config: dict[str, Any], operands: list[Any]) -> Result:
    """Keras's compute_reshape_output_shape: the batch axis is not special; one -1 is
    computed when every input size is known, else unknown (None)."""
    shape = _first(op, operands)
    new = config.get("newshape", config.get("new_shape"))
    if isinstance(new, int) and not isinstance(new, bool):
        new = [new]
    if not isinstance(new, list | tuple) or not all(
        isinstance(d, int) and not isinstance(d, bool) and (d > 0 or d == -1) for d in new
    ):
        raise Refusal(f"ops.reshape: the new shape {new!r:.40} is not sizes rnnshape can read")
    if list(new).count(-1) > 1:
        raise Refusal("ops.reshape: only one size of the new shape can be -1")
    new = tuple(new)
    why = f"ops.reshape to {format_shape(new)}: the batch axis is part of the new shape"
    if None in shape:
        return (tuple(None if d == -1 else d for d in new),), (), why
    size = prod(shape)
    if -1 not in new:
        if prod(new) != size:
            raise Refusal(
                f"ops.reshape cannot make {format_shape(shape)} ({size} values) into "
                f"{format_shape(new)} ({prod(new)} values)"
            )
        return (new,), (), why
    known = prod(d for d in new if d != -1)
    if size % known:
        raise Refusal(
            f"ops.reshape cannot make {format_shape(shape)} ({size} values) into "
            f"{format_shape(new)}: {size} is not a multiple of {known}"
        )
    return (tuple(size // known if d == -1 else d for d in new),), (), why


def transpose(op: str, config: dict[str, Any], operands: list[Any]) -> Result:
    shape = _first(op, operands)
    axes = config.get("axes")
    if axes is None:
        return (tuple(reversed(shape)),), (), "ops.transpose without axes reverses the axes"
    order = _axes(op, axes, len(shape))
    if sorted(order) != list(range(len(shape))):
        raise Refusal(
            f"ops.transpose: axes {list(axes)} must name each of the {len(shape)} axes of "
            f"{format_shape(shape)} once"
        )
    return (tuple(shape[a] for a in order),), (), f"ops.transpose puts the axes in order {axes}"


def matmul(op: str, config: dict[str, Any], operands: list[Any]) -> Result:
    """NumPy's matmul (Keras's compute_matmul_output_shape): the last axis of the first meets
    the second-to-last of the second; the axes before them broadcast."""
    if len(operands) != 2:
        raise Refusal(f"Matmul takes two tensors, got {len(operands)}")
    a, b = (_shape_of(o) for o in operands)
    if not a or not b:
        raise Refusal("ops.matmul needs tensors with at least one axis, not single numbers")
    a2 = (1, a[0]) if len(a) == 1 else a
    b2 = (b[0], 1) if len(b) == 1 else b
    if a2[-1] is not None and b2[-2] is not None and a2[-1] != b2[-2]:
        raise Refusal(
            f"ops.matmul needs the last axis of {format_shape(a)} ({a2[-1]}) to equal the "
            f"second-to-last of {format_shape(b)} ({b2[-2]})"
        )
    out = [*broadcast("Matmul", a2[:-2], b2[:-2]), a2[-2], b2[-1]]
    if len(a) == 1:
        del out[-2]
    if len(b) == 1:
        del out[-1]
    return (tuple(out),), (), "ops.matmul multiplies the matrices in the last two axes"


def reduction(op: str, config: dict[str, Any], operands: list[Any]) -> Result:
    shape = _first(op, operands)
    axis, keep = config.get("axis"), bool(config.get("keepdims"))
    name = f"ops.{op.lower()}"
    if axis is None:
        out = tuple(1 for _ in shape) if keep else ()
        return (out,), (), f"{name} over every axis (axis=None) leaves one number per tensor"
    axes = _axes(op, axis, len(shape))
    if keep:
        out = tuple(1 if i in axes else d for i, d in enumerate(shape))
        why = f"{name} over axis {axis} with keepdims=True leaves that axis as size 1"
    else:
        out = tuple(d for i, d in enumerate(shape) if i not in axes)
        why = f"{name} over axis {axis} removes that axis"
    return (out,), (), why


#: Ops read by class name (as Keras saves them), with their rules.
BINARY = (
    "Add",
    "Subtract",
    "Multiply",
    "TrueDivide",
    "Divide",
    "FloorDivide",
    "Power",
    "Maximum",
    "Minimum",
    "Mod",
    "Equal",
    "NotEqual",
    "Greater",
    "GreaterEqual",
    "Less",
    "LessEqual",
    "LogicalAnd",
    "LogicalOr",
)
UNARY = (
    "Cast",
    "Negative",
    "Abs",
    "Absolute",
    "Sqrt",
    "Square",
    "Exp",
    "Log",
    "Sign",
    "Relu",
    "Sigmoid",
    "Tanh",
    "Gelu",
    "Silu",
    "Softplus",
    "LogicalNot",
)
REDUCTIONS = ("Mean", "Sum", "Max", "Min", "Prod", "Any", "All", "Std", "Var", "Argmax", "Argmin")

RULES: dict[str, OpRule] = {
    **dict.fromkeys(BINARY, _binary),
    **dict.fromkeys(UNARY, _unary),
    **dict.fromkeys(REDUCTIONS, reduction),
    "Softmax": _softmax_like,
    "LogSoftmax": _softmax_like,
    "GetItem": get_item,
    "Concatenate": concatenate,
    "ExpandDims": expand_dims,
    "Squeeze": squeeze,
    "Reshape": reshape,
    "Transpose": transpose,
    "Matmul": matmul,
}

# How a row writes each op: the operator for the arithmetic ones, else the keras.ops call.
_OPERATORS = {
    "Add": "+",
    "Subtract": "-",
    "Multiply": "*",
    "TrueDivide": "/",
    "FloorDivide": "//",
    "Power": "**",
    "Mod": "%",
    "Equal": "==",
    "NotEqual": "!=",
    "Greater": ">",
    "GreaterEqual": ">=",
    "Less": "<",
    "LessEqual": "<=",
    "Matmul": "@",
}
_PREFIX = {"Negative": "-", "LogicalNot": "~"}  # -x, ~x (abs(x) is Python's builtin)
_FUNCTIONS = {"TrueDivide": "divide", "GetItem": "get_item", "ExpandDims": "expand_dims"}
_SHOWN_CONFIG = ("axis", "keepdims", "newshape", "axes", "dtype")


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


def _operand_text(value: Any) -> str:
    if isinstance(value, Operand):
        return value.name
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_operand_text(v) for v in value) + "]"
    return repr(value)


def _key_text(item: Any) -> str:
    key = _key_item(item)
    if key is Ellipsis:
        return "..."
    if isinstance(key, slice):
        parts = ["" if p is None else str(p) for p in (key.start, key.stop, key.step)]
        return ":".join(parts[:2] if key.step is None else parts)
    return str(key)


def text(op: str, config: dict[str, Any], operands: list[Any]) -> str:
    """The op as Python writes it: ``a + b``, ``a[:, -1]``, ``ops.mean(a, axis=1)``."""
    try:
        if op in _OPERATORS and len(operands) == 2:
            return f" {_OPERATORS[op]} ".join(_operand_text(o) for o in operands)
        if op == "GetItem" and len(operands) == 2:
            raw = operands[1]
            keys = raw if isinstance(raw, list | tuple) else [raw]
            return f"{_operand_text(operands[0])}[{', '.join(_key_text(k) for k in keys)}]"
        if op in _PREFIX and len(operands) == 1:
            return f"{_PREFIX[op]}{_operand_text(operands[0])}"
        if op == "Absolute" and len(operands) == 1:
            return f"abs({_operand_text(operands[0])})"
    except Refusal:
        pass
    args = [_operand_text(o) for o in operands]
    args += [f"{k}={config[k]!r}" for k in _SHOWN_CONFIG if k in config]
    return f"ops.{_FUNCTIONS.get(op, _snake(op))}({', '.join(args)})"


def apply(op: str, config: dict[str, Any], operands: list[Any]) -> Result:
    """The output of op ``op`` (its class name) with ``config`` on ``operands``."""
    rule = RULES.get(op)
    if rule is None:
        raise KeyError(op)
    return rule(op, config, operands)
