"""The shapes of NumPy, pandas, scikit-learn and Keras data utilities, read from a call.

Each handler takes the reader, the evaluated arguments and the call's node, and returns an
`Array` (or a list of them) with the shape the real function would give; an argument it
cannot read gives `UNKNOWN` rather than a guess. Integer class ids and one-hot rows are told
apart by how the array was made (``randint``, ``to_categorical``, ``np.eye(n)[y]``).
"""

from __future__ import annotations

import ast
import math
from typing import Any

from rnnshape_docs.program import sizes
from rnnshape_docs.program.sizes import Size, Sym
from rnnshape_docs.program.values import UNKNOWN, Array, Bound, ListVal, Ref, Tokenizer, Unknown

HANDLERS: dict[str, Any] = {}


def handles(*paths: str):
    def register(function):
        for path in paths:
            HANDLERS[path] = function
        return function

    return register


def _line(node: ast.AST) -> int:
    return getattr(node, "lineno", 0)


def _shape_arg(value: Any) -> tuple[Size, ...] | None:
    """A shape given as a size or a tuple/list of sizes (``zeros((3, 4))``, ``rand(3, 4)``)."""
    if sizes.is_size(value):
        return (value,)
    if isinstance(value, ListVal) and value.items is not None:
        value = tuple(value.items)
    if isinstance(value, tuple) and all(sizes.is_size(v) or v is None for v in value):
        return tuple(value)
    return None


def _checked(shape: tuple[Size, ...] | None) -> tuple[Size, ...] | None:
    """A shape with no negative size (NumPy would refuse it; the reader makes it unknown)."""
    if shape is None or any(isinstance(s, int) and s < 0 for s in shape):
        return None
    return shape


def array(shape, dtype=None, node=None, **extra) -> Array:
    return Array(_checked(shape), dtype, _line(node) if node is not None else 0, **extra)


def _dtype(value: Any, default: str | None = "float") -> str | None:
    if value is None:
        return default
    text = value.path if isinstance(value, Ref) else value if isinstance(value, str) else ""
    text = text.rsplit(".", 1)[-1].lower()
    if text.startswith(("int", "uint", "long")):
        return "int"
    if text.startswith(("float", "double", "half")):
        return "float"
    if text.startswith("bool"):
        return "bool"
    if text.startswith("str") or text == "object":
        return "str"
    return default


# ---------------------------------------------------------------------------- constructors


@handles("numpy.zeros", "numpy.ones", "numpy.empty", "numpy.full")
def _filled(reader, args, kwargs, node):
    shape = _shape_arg(args[0] if args else kwargs.get("shape"))
    dtype = kwargs.get(
        "dtype", args[2] if len(args) > 2 and "full" in ast.unparse(node.func) else None
    )
    return array(shape, _dtype(dtype), node)


@handles("numpy.zeros_like", "numpy.ones_like", "numpy.empty_like", "numpy.full_like", "numpy.copy")
def _like(reader, args, kwargs, node):
    if args and isinstance(args[0], Array):
        return args[0]
    return UNKNOWN


@handles("numpy.random.rand", "numpy.random.randn")
def _rand(reader, args, kwargs, node):
    if not args:
        return 0.5
    shape = _shape_arg(tuple(args))
    return array(shape, "float", node)


@handles(
    "numpy.random.random",
    "numpy.random.random_sample",
    "numpy.random.sample",
    "numpy.random.Generator.random",
    "numpy.random.Generator.standard_normal",
)
def _random(reader, args, kwargs, node):
    size = kwargs.get("size", args[0] if args else None)
    if size is None:
        return 0.5
    return array(_shape_arg(size), "float", node)


@handles(
    "numpy.random.normal",
    "numpy.random.uniform",
    "numpy.random.Generator.normal",
    "numpy.random.Generator.uniform",
)
def _distribution(reader, args, kwargs, node):
    size = kwargs.get("size", args[2] if len(args) > 2 else None)
    if size is None:
        return 0.5
    return array(_shape_arg(size), "float", node)


@handles(
    "numpy.random.poisson",
    "numpy.random.binomial",
    "numpy.random.exponential",
    "numpy.random.gamma",
    "numpy.random.beta",
    "numpy.random.Generator.poisson",
    "numpy.random.Generator.binomial",
    "numpy.random.Generator.exponential",
)
def _two_parameter_distribution(reader, args, kwargs, node):
    """poisson(lam, size), binomial(n, p, size), exponential(scale, size), ...: the size."""
    name = ast.unparse(node.func).rsplit(".", 1)[-1]
    position = 1 if name in ("poisson", "exponential") else 2
    size = kwargs.get("size", args[position] if len(args) > position else None)
    if size is None:
        return 1.0
    dtype = "int" if name in ("poisson", "binomial") else "float"
    return array(_shape_arg(size), dtype, node)


@handles("numpy.random.randint", "numpy.random.Generator.integers")
def _randint(reader, args, kwargs, node):
    low = kwargs.get("low", args[0] if args else 0)
    high = kwargs.get("high", args[1] if len(args) > 1 else None)
    size = kwargs.get("size", args[2] if len(args) > 2 else None)
    if high is None:
        low, high = 0, low
    classes = high if low == 0 and sizes.is_size(high) else None
    if size is None:
        return Unknown("an integer")
    return array(_shape_arg(size), "int", node, labels="ids", classes=classes)


@handles("numpy.random.choice", "numpy.random.Generator.choice")
def _choice(reader, args, kwargs, node):
    size = kwargs.get("size", args[1] if len(args) > 1 else None)
    if size is None:
        return UNKNOWN
    pool = args[0] if args else None
    classes = pool if sizes.is_size(pool) else None
    return array(
        _shape_arg(size),
        "int" if classes is not None else None,
        node,
        labels="ids" if classes is not None else None,
        classes=classes,
    )


@handles("numpy.random.default_rng", "numpy.random.RandomState")
def _rng(reader, args, kwargs, node):
    return Ref("numpy.random.Generator")


@handles(
    "numpy.random.seed", "numpy.random.shuffle", "builtins.print", "tensorflow.random.set_seed"
)
def _nothing(reader, args, kwargs, node):
    return None


@handles(
    "tensorflow.random.normal",
    "tensorflow.random.uniform",
    "keras.random.normal",
    "keras.random.uniform",
)
def _tf_random(reader, args, kwargs, node):
    shape = _shape_arg(kwargs.get("shape", args[0] if args else None))
    return array(shape, _dtype(kwargs.get("dtype")), node)


@handles("numpy.arange")
def _arange(reader, args, kwargs, node):
    numbers = list(args[:3])
    if len(numbers) == 1 and sizes.is_size(numbers[0]):
        return array((numbers[0],), "int", node)
    if all(isinstance(a, int) and not isinstance(a, bool) for a in numbers) and numbers:
        try:
            return array((len(range(*numbers)),), "int", node)
        except ValueError:
            return UNKNOWN
    if len(numbers) == 2 and all(sizes.is_size(a) for a in numbers):
        return array((sizes.sub(numbers[1], numbers[0]),), "int", node)
    if all(isinstance(a, int | float) and not isinstance(a, bool) for a in numbers) and numbers:
        start, stop, step = (0, numbers[0], 1) if len(numbers) == 1 else (*numbers, 1)[:3]
        if step:
            return array((max(math.ceil((stop - start) / step), 0),), "float", node)
    return array((None,), None, node)


@handles("numpy.linspace")
def _linspace(reader, args, kwargs, node):
    num = kwargs.get("num", args[2] if len(args) > 2 else 50)
    return array((num if sizes.is_size(num) else None,), "float", node)


@handles("numpy.eye", "numpy.identity")
def _eye(reader, args, kwargs, node):
    n = args[0] if args else kwargs.get("N")
    m = kwargs.get("M", args[1] if len(args) > 1 else n)
    if not sizes.is_size(n):
        return UNKNOWN
    return array((n, m), _dtype(kwargs.get("dtype")), node, labels="onehot", classes=m)


@handles("numpy.array", "numpy.asarray", "numpy.asanyarray", "numpy.stack_rows")
def _array(reader, args, kwargs, node):
    if not args:
        return UNKNOWN
    value = args[0]
    dtype = kwargs.get("dtype", args[1] if len(args) > 1 else None)
    result = from_value(value, node)
    if isinstance(result, Array) and dtype is not None:
        result = _with(result, dtype=_dtype(dtype, result.dtype))
    return result


def _with(a: Array, **changes) -> Array:
    fields = {
        "shape": a.shape,
        "dtype": a.dtype,
        "line": a.line,
        "labels": a.labels,
        "classes": a.classes,
        "frame": a.frame,
        "ragged": a.ragged,
        "again": a.again,
    }
    fields.update(changes)
    return Array(**fields)


def from_value(value: Any, node: ast.AST | None = None) -> Any:
    """An array made of a Python value: nested literals, a list the program built, an array."""
    line = _line(node) if node is not None else 0
    if isinstance(value, Array):
        return _with(value, frame=False, line=line or value.line)
    if isinstance(value, bool):
        return Array((), "bool", line)
    if isinstance(value, int | float):
        return Array((), "int" if isinstance(value, int) else "float", line)
    if isinstance(value, Sym):
        return Array((), "int", line)
    if isinstance(value, tuple | ListVal):
        items = list(value) if isinstance(value, tuple) else value.items
        length = len(value) if isinstance(value, tuple) else value.length
        if items is None:
            inner = from_value(value.item) if isinstance(value, ListVal) else UNKNOWN
            if isinstance(inner, Array) and inner.shape is not None:
                labels = inner.labels or (
                    "ids" if inner.dtype == "int" and not inner.shape else None
                )
                return Array((length, *inner.shape), inner.dtype, line, labels, inner.classes)
            if (
                isinstance(inner, ListVal | tuple)
                or inner is UNKNOWN
                or (isinstance(inner, Array) and inner.shape is None)  # rank unknown
            ):
                return Array(None, None, line)
            return Array((length,), None, line)
        if not items:
            return Array((0,), "float", line)
        inners = [from_value(v) for v in items]
        if not all(isinstance(i, Array) and i.shape is not None for i in inners):
            return Array(
                (
                    length,
                    *([None] if any(isinstance(i, Array) and i.shape for i in inners) else []),
                ),
                None,
                line,
            )
        shapes = {i.shape for i in inners}
        dtypes = {i.dtype for i in inners}
        dtype = "float" if "float" in dtypes else dtypes.pop() if len(dtypes) == 1 else None
        if len(shapes) != 1:
            return Array((length,), "object", line, ragged=True)
        shape = shapes.pop()
        labels, classes = None, None
        if dtype == "int" and not shape:
            literal = [v for v in items if isinstance(v, int) and not isinstance(v, bool)]
            if len(literal) == len(items) and min(literal) >= 0:
                labels, classes = "ids", max(literal) + 1
        return Array((length, *shape), dtype, line, labels, classes)
    return UNKNOWN


# ---------------------------------------------------------------------------- reshaping


def reshape(reader, a: Array, target: Any, node) -> Any:
    shape = _shape_arg(target)
    if shape is None:
        return Array(None, a.dtype, _line(node), a.labels, a.classes)
    unknown = [k for k, s in enumerate(shape) if isinstance(s, int) and s == -1]
    if len(unknown) == 1 and a.shape is not None:
        total = _product(a.shape)
        rest = _product(tuple(s for s in shape if not (isinstance(s, int) and s == -1)))
        filled = sizes.floordiv(total, rest) if total is not None and rest is not None else None
        shape = tuple(filled if k == unknown[0] else s for k, s in enumerate(shape))
    elif unknown:
        return Array(None, a.dtype, _line(node))
    if a.shape is not None:
        before, after = _product(a.shape), _product(shape)
        if isinstance(before, int) and isinstance(after, int) and before != after:
            reader.program.reshape_error(a, shape, node)
            return UNKNOWN
    return Array(
        _checked(shape),
        a.dtype,
        _line(node),
        a.labels if shape[-1:] == a.shape[-1:] else None,
        a.classes,
    )


def _product(shape: tuple[Size, ...]) -> Size:
    total: Size = 1
    for s in shape:
        total = sizes.mul(total, s)
    return total


@handles("numpy.reshape")
def _np_reshape(reader, args, kwargs, node):
    if len(args) >= 2 and isinstance(args[0], Array):
        return reshape(reader, args[0], args[1], node)
    if args and isinstance(args[0], Array) and "newshape" in kwargs:
        return reshape(reader, args[0], kwargs["newshape"], node)
    return UNKNOWN


def expand_dims(a: Array, axis: Any, node) -> Any:
    if a.shape is None:
        return Array(None, a.dtype, _line(node))
    rank = len(a.shape) + 1
    if not isinstance(axis, int) or isinstance(axis, bool) or not -rank <= axis < rank:
        return UNKNOWN
    axis %= rank
    shape = (*a.shape[:axis], 1, *a.shape[axis:])
    return Array(shape, a.dtype, _line(node), a.labels, a.classes)


@handles("numpy.expand_dims")
def _np_expand_dims(reader, args, kwargs, node):
    a = args[0] if args else kwargs.get("a")
    axis = kwargs.get("axis", args[1] if len(args) > 1 else None)
    if isinstance(a, Array):
        return expand_dims(a, axis, node)
    return UNKNOWN


def squeeze(a: Array, axis: Any, node) -> Any:
    if a.shape is None:
        return a
    if axis is None:
        if any(not isinstance(s, int) for s in a.shape):
            return Array(None, a.dtype, _line(node))
        return _with(a, shape=tuple(s for s in a.shape if s != 1), line=_line(node))
    if isinstance(axis, int) and -len(a.shape) <= axis < len(a.shape):
        axis %= len(a.shape)
        return _with(a, shape=a.shape[:axis] + a.shape[axis + 1 :], line=_line(node))
    return UNKNOWN


@handles("numpy.squeeze")
def _np_squeeze(reader, args, kwargs, node):
    if args and isinstance(args[0], Array):
        return squeeze(args[0], kwargs.get("axis", args[1] if len(args) > 1 else None), node)
    return UNKNOWN


def transpose(a: Array, axes: Any, node) -> Any:
    if a.shape is None:
        return a
    if axes is None or axes == ():
        return _with(a, shape=tuple(reversed(a.shape)), line=_line(node))
    axes = _shape_arg(axes)
    if axes and sorted(axes) == list(range(len(a.shape))):
        return _with(a, shape=tuple(a.shape[k] for k in axes), line=_line(node))
    return UNKNOWN


@handles("numpy.transpose")
def _np_transpose(reader, args, kwargs, node):
    if args and isinstance(args[0], Array):
        return transpose(args[0], kwargs.get("axes", args[1] if len(args) > 1 else None), node)
    return UNKNOWN


def swapaxes(a: Array, first: Any, second: Any, node) -> Any:
    if a.shape is None or not all(isinstance(x, int) for x in (first, second)):
        return UNKNOWN
    order = list(range(len(a.shape)))
    try:
        order[first], order[second] = order[second], order[first]
    except IndexError:
        return UNKNOWN
    return transpose(a, tuple(order), node)


@handles("numpy.swapaxes", "numpy.moveaxis")
def _np_swapaxes(reader, args, kwargs, node):
    if len(args) >= 3 and isinstance(args[0], Array):
        return swapaxes(args[0], args[1], args[2], node)
    return UNKNOWN


def _arrays_of(value: Any) -> list[Array] | None:
    items = (
        list(value)
        if isinstance(value, tuple)
        else value.items
        if isinstance(value, ListVal)
        else None
    )
    if items is None or not items:
        return None
    arrays = [from_value(v) for v in items]
    return arrays if all(isinstance(a, Array) and a.shape is not None for a in arrays) else None


@handles("numpy.concatenate", "numpy.vstack", "numpy.hstack", "numpy.row_stack", "numpy.append")
def _concatenate(reader, args, kwargs, node):
    name = ast.unparse(node.func).rsplit(".", 1)[-1]
    if name == "append":
        if len(args) >= 2 and isinstance(args[0], Array) and "axis" in kwargs:
            arrays = [args[0], from_value(args[1])]
        else:
            return UNKNOWN
    else:
        arrays = _arrays_of(args[0]) if args else None
    if arrays is None:
        return UNKNOWN
    if name in ("vstack", "row_stack"):
        arrays = [a if len(a.shape) > 1 else _with(a, shape=(1, *a.shape)) for a in arrays]
        axis = 0
    elif name == "hstack":
        axis = 0 if len(arrays[0].shape) == 1 else 1
    else:
        axis = kwargs.get("axis", args[1] if len(args) > 1 and name != "append" else 0)
    rank = len(arrays[0].shape)
    if (
        not isinstance(axis, int)
        or not -rank <= axis < rank
        or any(len(a.shape) != rank for a in arrays)
    ):
        return UNKNOWN
    axis %= rank
    total: Size = 0
    for a in arrays:
        total = sizes.add(total, a.shape[axis])
    shape = tuple(total if k == axis else s for k, s in enumerate(arrays[0].shape))
    return Array(shape, arrays[0].dtype, _line(node), arrays[0].labels, arrays[0].classes)


@handles("numpy.stack", "numpy.dstack", "numpy.column_stack")
def _stack(reader, args, kwargs, node):
    arrays = _arrays_of(args[0]) if args else None
    if arrays is None:
        return UNKNOWN
    name = ast.unparse(node.func).rsplit(".", 1)[-1]
    first = arrays[0].shape
    if name == "column_stack":
        if len(first) == 1:
            return Array((first[0], len(arrays)), arrays[0].dtype, _line(node))
        return _concatenate(reader, [tuple(arrays)], {"axis": 1}, node)
    axis = -1 if name == "dstack" else kwargs.get("axis", args[1] if len(args) > 1 else 0)
    rank = len(first) + 1
    if not isinstance(axis, int) or not -rank <= axis < rank:
        return UNKNOWN
    axis %= rank
    shape = (*first[:axis], len(arrays), *first[axis:])
    return Array(shape, arrays[0].dtype, _line(node))


# ---------------------------------------------------------------------------- labels


@handles("keras.utils.to_categorical", "keras.ops.one_hot")
def _to_categorical(reader, args, kwargs, node):
    y = args[0] if args else kwargs.get("x", kwargs.get("y"))
    classes = kwargs.get("num_classes", args[1] if len(args) > 1 else None)
    y = from_value(y, node) if not isinstance(y, Array) else y
    if not isinstance(y, Array) or y.shape is None:
        return Array(None, "float", _line(node), "onehot", classes)
    if classes is None:
        # Keras counts max + 1: one-hot rows hold only 0 and 1 (encoding them again is a
        # common slip), ids up to their class count
        classes = 2 if y.labels == "onehot" else y.classes
    if not sizes.is_size(classes):
        classes = Sym.named("the number of classes")
    shape = y.shape
    if "to_categorical" in ast.unparse(node.func) and len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]  # Keras squeezes a last axis of 1 first
    again = _line(node) if y.labels == "onehot" else 0
    return Array((*shape, classes), "float", _line(node), "onehot", classes, again=again)


@handles("numpy.unique")
def _unique(reader, args, kwargs, node):
    """``np.unique(y)``: as many values as y holds distinct ones, a size only the data fixes."""
    if (
        not args
        or not isinstance(args[0], Array)
        or any(kwargs.get(k) for k in ("return_index", "return_inverse", "return_counts", "axis"))
    ):
        return UNKNOWN
    y = args[0]
    return Array((Sym.named(f"len({ast.unparse(node)})"),), y.dtype, _line(node), y.labels)


@handles("pandas.get_dummies")
def _get_dummies(reader, args, kwargs, node):
    y = args[0] if args else None
    if isinstance(y, Array) and y.shape:
        return Array(
            (y.shape[0], Sym.named("the number of classes")),
            "float",
            _line(node),
            "onehot",
            frame=True,
        )
    return UNKNOWN


@handles("keras.utils.pad_sequences")
def _pad_sequences(reader, args, kwargs, node):
    sequences = args[0] if args else kwargs.get("sequences")
    maxlen = kwargs.get("maxlen", args[1] if len(args) > 1 else None)
    rows = reader.length(sequences)
    if isinstance(sequences, Array) and sequences.shape:
        rows = sequences.shape[0]
    if not sizes.is_size(maxlen):
        maxlen = Sym.named("the longest sequence")
    classes = None
    item = sequences.item if isinstance(sequences, ListVal) else None
    if isinstance(item, Array):
        classes = item.classes
    return Array((rows, maxlen), "int", _line(node), "ids", classes)


@handles("keras.preprocessing.text.Tokenizer")
def _tokenizer(reader, args, kwargs, node):
    """tf.keras 2's Tokenizer, read as meant: texts_to_sequences gives lists of ids (then
    pad_sequences makes them (n, maxlen)). Keras 3 has no keras.preprocessing.text."""
    from rnnshape_docs.program.findings import Keras2Name

    num_words = kwargs.get("num_words", args[0] if args else None)
    tokens = f"max_tokens={num_words}" if sizes.is_size(num_words) else ""
    reader.add(
        Keras2Name.at(
            _line(node),
            "Tokenizer is tf.keras 2 (keras.preprocessing.text), which Keras 3 does not have; "
            "read as meant: texts_to_sequences gives one list of word ids per text",
            f"keras.layers.TextVectorization({tokens}), adapted to the texts, gives the ids "
            "(output_sequence_length= pads them as pad_sequences(maxlen=) does)",
        )
    )
    return Tokenizer(num_words if sizes.is_size(num_words) else None, Sym.named("len(word_index)"))


# ---------------------------------------------------------------------------- files and frames


@handles(
    "pandas.read_csv",
    "pandas.read_excel",
    "pandas.read_parquet",
    "pandas.read_json",
    "pandas.read_table",
)
def _read_table(reader, args, kwargs, node):
    source = args[0] if args and isinstance(args[0], str) else "the file"
    usecols = kwargs.get("usecols")
    columns: Size = Sym.named(f"columns of {source}")
    if isinstance(usecols, ListVal) and usecols.items is not None:
        columns = len(usecols.items)
    return Array((Sym.named(f"rows of {source}"), columns), None, _line(node), frame=True)


@handles("numpy.loadtxt", "numpy.genfromtxt", "numpy.load")
def _load(reader, args, kwargs, node):
    source = args[0] if args and isinstance(args[0], str) else "the file"
    return (
        Array(None, "float", _line(node))
        if ast.unparse(node.func).rsplit(".", 1)[-1] == "load"
        else Array(
            (Sym.named(f"rows of {source}"), Sym.named(f"columns of {source}")),
            "float",
            _line(node),
        )
    )


@handles("pandas.DataFrame")
def _frame(reader, args, kwargs, node):
    data = args[0] if args else kwargs.get("data")
    if isinstance(data, Array):
        return _with(data, frame=True)
    if isinstance(data, dict) and data:  # {"col": column, ...}: one column per key
        cols = list(data.values())
        if all(isinstance(c, Array) and c.shape is not None and len(c.shape) == 1 for c in cols):
            rows = {c.shape[0] for c in cols}
            if len(rows) == 1:
                dtypes = {c.dtype for c in cols}
                dtype = dtypes.pop() if len(dtypes) == 1 else None
                return Array((rows.pop(), len(cols)), dtype, _line(node), frame=True)
    return Array(None, None, _line(node), frame=True)


@handles("sklearn.model_selection.train_test_split")
def _train_test_split(reader, args, kwargs, node):
    arrays = [a for a in args if isinstance(a, Array)]
    if len(arrays) != len(args) or not arrays:
        return ListVal(None, None, UNKNOWN, _line(node))
    rows = arrays[0].shape[0] if arrays[0].shape else None
    test_size = kwargs.get("test_size")
    train_size = kwargs.get("train_size")
    n_test: Size
    if test_size is None and train_size is None:
        test_size = 0.25
    if isinstance(rows, int) and isinstance(test_size, float):
        n_test = math.ceil(test_size * rows)
    elif isinstance(test_size, int) and not isinstance(test_size, bool):
        n_test = test_size
    elif isinstance(rows, int) and isinstance(train_size, float):
        n_test = rows - math.floor(train_size * rows)
    else:
        n_test = Sym.named("test rows")
    n_train = sizes.sub(rows, n_test) if rows is not None else None
    if isinstance(n_test, Sym) and not isinstance(rows, int):
        n_train = Sym.named("training rows")
    out = []
    for a in arrays:
        for n in (n_train, n_test):
            shape = (n, *a.shape[1:]) if a.shape else None
            out.append(_with(a, shape=shape, line=_line(node)))
    return ListVal.of(out, _line(node))


_SCALERS = (
    "MinMaxScaler",
    "StandardScaler",
    "RobustScaler",
    "MaxAbsScaler",
    "LabelEncoder",
    "OneHotEncoder",
)


def is_scaler(path: str) -> bool:
    return path.startswith("sklearn.preprocessing.") and path.rsplit(".", 1)[-1] in _SCALERS


# ---------------------------------------------------------------------------- arrays


def elementwise(reader, left: Any, right: Any, node) -> Any:
    """``a + b``, ``a / 255``: NumPy's broadcasting, or UNKNOWN when the shapes cannot meet."""
    arrays = [v for v in (left, right) if isinstance(v, Array)]
    if len(arrays) == 1:
        a = arrays[0]
        other = right if left is a else left
        if isinstance(other, int | float | Sym) or other is None:
            dtype = (
                "float"
                if isinstance(other, float)
                or (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div))
                else a.dtype
            )
            return _with(
                a, dtype=dtype, line=_line(node), labels=a.labels if dtype == a.dtype else None
            )
        return Array(a.shape, None, _line(node))
    a, b = arrays
    if a.shape is None or b.shape is None:
        return Array(None, None, _line(node))
    shape = broadcast(a.shape, b.shape)
    if shape is None:
        return UNKNOWN
    return Array(shape, "float" if "float" in (a.dtype, b.dtype) else a.dtype, _line(node))


def broadcast(a: tuple[Size, ...], b: tuple[Size, ...]) -> tuple[Size, ...] | None:
    """NumPy's broadcast of two shapes; None when they cannot broadcast."""
    out = []
    for x, y in zip(
        reversed((None,) * (len(b) - len(a)) + a if len(b) > len(a) else a),
        reversed((None,) * (len(a) - len(b)) + b if len(a) > len(b) else b),
        strict=True,
    ):
        out.append(_meet(x, y))
    if any(o is _CLASH for o in out):
        return None
    return tuple(reversed(out))


_CLASH = object()


def _meet(x: Size, y: Size):
    if x is None:
        return y
    if y is None:
        return x
    if x == 1:
        return y
    if y == 1:
        return x
    same = sizes.known_equal(x, y)
    if same is False:
        return _CLASH
    return x


def array_attribute(reader, a: Array, attr: str, node) -> Any:
    if attr == "shape":
        return a.shape if a.shape is not None else Unknown("a shape")
    if attr == "ndim":
        return a.rank if a.rank is not None else UNKNOWN
    if attr == "size":
        return _product(a.shape) if a.shape is not None else UNKNOWN
    if attr == "T":
        return transpose(a, None, node)
    if attr in ("values",):
        return _with(a, frame=False)
    if attr in ("iloc", "loc"):
        return a
    if attr == "columns":
        return ListVal(
            None, a.shape[1] if a.shape and len(a.shape) > 1 else None, "a column", _line(node)
        )
    if attr == "dtype":
        return a.dtype
    return Bound(a, attr)


def array_method(reader, a: Array, name: str, args, kwargs, node) -> Any:
    if name == "reshape":
        target = args[0] if len(args) == 1 else tuple(args)
        return reshape(reader, a, kwargs.get("shape", kwargs.get("newshape", target)), node)
    if name == "astype":
        dtype = args[0] if args else kwargs.get("dtype")
        return _with(a, dtype=_dtype(dtype, a.dtype), line=_line(node))
    if name in (
        "to_numpy",
        "copy",
        "fillna",
        "dropna",
        "ffill",
        "bfill",
        "interpolate",
        "clip",
        "round",
        "__array__",
        "numpy",
    ):
        rows_change = name == "dropna"
        shape = a.shape
        if rows_change and shape:
            shape = (Sym.named("rows kept by dropna"), *shape[1:])
        return _with(
            a, frame=a.frame and name not in ("to_numpy", "numpy", "__array__"), shape=shape
        )
    if name in ("flatten", "ravel"):
        return Array(
            (_product(a.shape),) if a.shape is not None else None,
            a.dtype,
            _line(node),
            a.labels,
            a.classes,
        )
    if name == "squeeze":
        return squeeze(a, kwargs.get("axis", args[0] if args else None), node)
    if name == "transpose":
        return transpose(a, tuple(args) if len(args) > 1 else args[0] if args else None, node)
    if name == "swapaxes" and len(args) == 2:
        return swapaxes(a, args[0], args[1], node)
    if name in ("mean", "sum", "max", "min", "std", "argmax", "any", "all"):
        axis = kwargs.get("axis", args[0] if args else None)
        if axis is None or a.shape is None:
            return 0.0 if name != "argmax" else Unknown("an index")
        if isinstance(axis, int) and -len(a.shape) <= axis < len(a.shape):
            axis %= len(a.shape)
            keep = kwargs.get("keepdims") is True
            shape = (
                tuple(1 if k == axis else s for k, s in enumerate(a.shape))
                if keep
                else a.shape[:axis] + a.shape[axis + 1 :]
            )
            if name == "argmax":
                classes = a.shape[axis]
                return Array(shape, "int", _line(node), "ids", classes)
            return Array(shape, a.dtype, _line(node))
        return UNKNOWN
    if name == "drop":
        columns = kwargs.get(
            "columns", args[0] if args and kwargs.get("axis") in (1, "columns") else None
        )
        count = (
            len(columns.items)
            if isinstance(columns, ListVal) and columns.items is not None
            else 1
            if isinstance(columns, str)
            else None
        )
        if a.shape and len(a.shape) == 2 and count is not None:
            return _with(a, shape=(a.shape[0], sizes.sub(a.shape[1], count)))
        return _with(a, shape=(a.shape[0], None) if a.shape else None)
    if name in ("head", "tail"):
        n = args[0] if args else 5
        return _with(a, shape=(n, *a.shape[1:]) if a.shape and isinstance(n, int) else a.shape)
    if name == "tolist":
        return ListVal(
            None,
            a.shape[0] if a.shape else None,
            Array(a.shape[1:], a.dtype) if a.shape else UNKNOWN,
            _line(node),
        )
    if name == "item":
        return 0.0
    return UNKNOWN


def index(reader, a: Array, key_node: ast.expr, node) -> Any:
    """``a[...]``: slices, integers, ``None``/``np.newaxis``, ``...``, integer and boolean arrays."""
    if a.frame:  # df["col"], df[["a", "b"]]
        key = reader.eval(key_node)
        if isinstance(key, str):
            return Array((a.shape[0],) if a.shape else None, None, _line(node), frame=True)
        if (
            isinstance(key, ListVal)
            and key.items is not None
            and all(isinstance(k, str) for k in key.items)
        ):
            return Array(
                (a.shape[0], len(key.items)) if a.shape else None, None, _line(node), frame=True
            )
    parts = key_node.elts if isinstance(key_node, ast.Tuple) else [key_node]
    keys = [reader.eval(p) for p in parts]
    if a.shape is None:
        return Array(None, a.dtype, _line(node))
    shape: list[Size] = []
    axis = 0
    consumed = sum(1 for k in keys if not (k is None or k is Ellipsis or _is_newaxis(k)))
    labels, classes = a.labels, a.classes
    for k in keys:
        if k is None or _is_newaxis(k):
            shape.append(1)
            continue
        if k is Ellipsis:
            skip = len(a.shape) - consumed
            shape.extend(a.shape[axis : axis + skip])
            axis += skip
            continue
        if axis >= len(a.shape):
            return UNKNOWN
        size = a.shape[axis]
        if isinstance(k, slice):
            shape.append(_slice_size(size, k))
        elif type(k).__name__ == "_OpenSlice":
            shape.append(_open_slice_size(size, k))
        elif sizes.is_size(k):
            pass  # an integer drops the axis
        elif isinstance(k, Array):
            if k.dtype == "bool":
                shape.append(Sym.named("rows where the condition holds"))
            elif k.shape is not None:
                shape.extend(k.shape)
                if axis == 0 and a.labels == "onehot":
                    labels, classes = "onehot", a.classes
            else:
                return Array(None, a.dtype, _line(node))
        elif isinstance(k, ListVal):
            shape.append(k.length)
        else:
            return Array(None, a.dtype, _line(node))
        axis += 1
    shape.extend(a.shape[axis:])
    if labels == "onehot" and (not shape or shape[-1] != classes):
        labels = None
    return Array(tuple(shape), a.dtype, _line(node), labels, classes, frame=False)


def _is_newaxis(value: Any) -> bool:
    return isinstance(value, Ref) and value.path in ("numpy.newaxis", "tensorflow.newaxis")


def _slice_size(size: Size, key: slice) -> Size:
    if isinstance(size, int):
        return len(range(size)[key])
    if key.step not in (None, 1):
        return None
    start, stop = key.start or 0, key.stop
    if stop is None:
        stop = size
    elif stop < 0:
        stop = sizes.add(size, stop)
    if start < 0:
        start = sizes.add(size, start)
    return sizes.sub(stop, start)


def _open_slice_size(size: Size, key) -> Size:
    if key.step not in (None, 1):
        return None
    start = 0 if key.start is None else key.start
    stop = size if key.stop is None else key.stop
    if not (sizes.is_size(start) and sizes.is_size(stop)):
        return None
    length = sizes.sub(stop, start)
    return length


# Functions applied element by element: the shape is the argument's.
_ELEMENTWISE = (
    "sin",
    "cos",
    "tan",
    "exp",
    "log",
    "log1p",
    "expm1",
    "sqrt",
    "abs",
    "absolute",
    "tanh",
    "sign",
    "floor",
    "ceil",
    "round",
    "clip",
    "nan_to_num",
    "square",
    "power",
    "float32",
    "float64",
    "diff",
    "cumsum",
)


def _elementwise_function(reader, args, kwargs, node):
    if not args:
        return UNKNOWN
    a = args[0] if isinstance(args[0], Array) else from_value(args[0], node)
    if not isinstance(a, Array):
        return UNKNOWN
    name = ast.unparse(node.func).rsplit(".", 1)[-1]
    if name == "diff":
        if a.shape is None or not a.shape:
            return a
        n = kwargs.get("n", 1)
        return _with(a, shape=(*a.shape[:-1], sizes.sub(a.shape[-1], n)), line=_line(node))
    dtype = "float" if name not in ("abs", "absolute", "sign", "clip", "cumsum") else a.dtype
    return _with(a, dtype=dtype, line=_line(node), labels=None)


for _name in _ELEMENTWISE:
    HANDLERS[f"numpy.{_name}"] = _elementwise_function
    HANDLERS[f"tensorflow.math.{_name}"] = _elementwise_function
