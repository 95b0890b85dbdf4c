"""Keras as a program uses it: layers made and called, models built, compiled, fitted, used.

Building records what the code says (layers with their arguments, the functional graph's
calls); using a model (``fit``, ``predict``, ``model(x)``...) hands it to `check`, which
traces it on the data it is given and compares data, targets and loss with it.
"""

from __future__ import annotations

import ast
from typing import Any

from rnnshape_docs.program import numpy_calls, sizes
from rnnshape_docs.program.edits import replace
from rnnshape_docs.program.layers import tensors_in
from rnnshape_docs.program.values import (
    UNKNOWN,
    Array,
    Bound,
    Compiled,
    Dataset,
    InputObj,
    LayerObj,
    ListVal,
    ModelObj,
    Tensor,
    Tokenizer,
    Unknown,
)

HANDLERS: dict[str, Any] = {}


def handles(*paths: str):
    def register(function):
        for path in paths:
            HANDLERS[path] = function
        return function

    return register


def _line(node: ast.AST) -> int:
    return getattr(node, "lineno", 0)


# ---------------------------------------------------------------------------- layers


def make_layer(reader, class_name: str, args, kwargs, node) -> LayerObj:
    program = reader.program
    layer = LayerObj(class_name, tuple(args), dict(kwargs), _line(node), node)
    given = kwargs.get("name")
    layer.name = given if isinstance(given, str) else program.auto_name(class_name)
    return layer


def call_layer(reader, layer: LayerObj, args, kwargs, node) -> Any:
    """``layer(x)`` in the functional API: a node of the graph, and its output tensor."""
    inputs = args[0] if args else kwargs.pop("inputs", None)
    if isinstance(inputs, ListVal) and inputs.items is not None:
        inputs = list(inputs.items)
    elif isinstance(inputs, tuple):
        inputs = list(inputs)
    tensors = inputs if isinstance(inputs, list) else [inputs]
    if not tensors or not all(isinstance(t, Tensor) for t in tensors):
        if isinstance(inputs, Array):
            return reader.program.eager_call(layer, inputs, node)
        return Unknown("a tensor")
    if isinstance(inputs, Tensor) and inputs.several > 1:
        _several_into_one(reader, layer, inputs, node)
        inputs = Tensor(inputs.node, 0)  # read on as if fixed: one finding per fault
    extra = {k: v for k, v in kwargs.items() if isinstance(v, Tensor | list | ListVal)}
    index = reader.program.add_node(layer, inputs, extra, _line(node))
    return Tensor(index, 0, several=_outputs(layer))


# The states a recurrent layer returns after its output with return_state=True.
_STATES = {"LSTM": 2, "ConvLSTM1D": 2, "ConvLSTM2D": 2, "ConvLSTM3D": 2, "GRU": 1, "SimpleRNN": 1}


def _outputs(layer: LayerObj) -> int:
    """How many tensors the layer's call returns (Keras gives a list when more than one)."""
    if layer.class_name in _STATES:
        return 1 + _STATES[layer.class_name] if layer.kwargs.get("return_state") is True else 1
    if layer.class_name == "Bidirectional":
        inner = layer.kwargs.get("layer", layer.args[0] if layer.args else None)
        if not isinstance(inner, LayerObj) or inner.class_name not in _STATES:
            return 0  # not known: read as one tensor, as before
        merged = "merge_mode" in layer.kwargs and layer.kwargs["merge_mode"] is None
        states = 2 * _STATES[inner.class_name] if inner.kwargs.get("return_state") is True else 0
        return (2 if merged else 1) + states
    return 1


def _several_into_one(reader, layer: LayerObj, given: Tensor, node) -> None:
    """A layer given the whole list a return_state call returned: Keras refuses it (the layer
    expects one input and gets them all); the first of them is the output."""
    from rnnshape_docs.program.findings import LayerRefused

    arg = node.args[0] if isinstance(node, ast.Call) and node.args else None
    first = f"{arg.id}[0]" if isinstance(arg, ast.Name) else None
    producer = reader.program.nodes[given.node][0]
    made = producer.source
    source = ast.unparse(made) if made is not None else producer.class_name
    reader.add(
        LayerRefused.at(
            _line(node),
            f"{layer.class_name} takes one tensor but is given "
            f"{arg.id + ', ' if first else ''}the list of {given.several} tensors that "
            f"{source} returns (return_state=True adds the states after the output; "
            "merge_mode=None returns each direction apart)",
            first or "take the output: out, *states = ... (or drop return_state=True)",
            edit=replace(arg, first) if first else None,
        )
    )


# keras.layers.concatenate([a, b]) and friends: a merge layer made and called at once.
_MERGE_FUNCTIONS = {
    "concatenate": "Concatenate",
    "add": "Add",
    "subtract": "Subtract",
    "multiply": "Multiply",
    "average": "Average",
    "maximum": "Maximum",
    "minimum": "Minimum",
    "dot": "Dot",
}


def _merge_function(reader, args, kwargs, node):
    name = _MERGE_FUNCTIONS[ast.unparse(node.func).rsplit(".", 1)[-1]]
    inputs = kwargs.pop("inputs", args[0] if args else None)
    layer = make_layer(reader, name, tuple(args[1:]), kwargs, node)
    return call_layer(reader, layer, [inputs], {}, node)


for _function in _MERGE_FUNCTIONS:
    HANDLERS[f"keras.layers.{_function}"] = _merge_function


@handles("keras.Input", "keras.layers.InputLayer")
def _input(reader, args, kwargs, node):
    program = reader.program
    shape = kwargs.get("shape", args[0] if args else None)
    batch_shape = kwargs.get("batch_shape", kwargs.get("batch_input_shape"))
    batch = kwargs.get("batch_size")
    if "input_shape" in kwargs:
        shape = kwargs["input_shape"]
    if isinstance(batch_shape, tuple | ListVal):
        full = numpy_calls._shape_arg(batch_shape)
    else:
        inner = numpy_calls._shape_arg(shape)
        full = None if inner is None else (batch if sizes.is_size(batch) else None, *inner)
    name = (
        kwargs.get("name")
        if isinstance(kwargs.get("name"), str)
        else program.auto_name("InputLayer")
    )
    if full is None:
        reader.note(
            _line(node),
            "the Input's shape is not a tuple of sizes the code fixes; its model is not traced",
        )
        return Unknown("an input")
    obj = InputObj(tuple(full), _line(node), name)
    obj.source = node
    return Tensor(-1, 0, program.add_input(obj))


# ---------------------------------------------------------------------------- models


@handles("keras.Sequential")
def _sequential(reader, args, kwargs, node):
    program = reader.program
    given = kwargs.get("name")
    model = ModelObj(
        "Sequential",
        _line(node),
        given if isinstance(given, str) else program.auto_name("Sequential"),
    )
    program.models.append(model)
    layers = kwargs.get("layers", args[0] if args else None)
    items = (
        layers.items
        if isinstance(layers, ListVal)
        else list(layers)
        if isinstance(layers, tuple)
        else []
    )
    if isinstance(layers, ListVal) and layers.items is None:
        reader.note(
            _line(node), "the layers of this Sequential come from a list rnnshape cannot follow"
        )
        model.broken = True
    for item in items or []:
        add(reader, model, item, node)
    return model


def add(reader, model: ModelObj, item: Any, node) -> None:
    program = reader.program
    if isinstance(item, Tensor) and item.input_id >= 0:  # Sequential([Input(...), ...])
        obj = program.inputs[item.input_id]
        model.declared = obj.shape
        model.declared_line = obj.line
        call = getattr(obj, "source", None)
        model.declared_keyword = "Input"
        model.declared_source, model.declared_node = shape_node(call)
        return
    if isinstance(item, LayerObj):
        if not model.layers and model.declared is None:
            program.declared_input(model, item)
        model.layers.append(item)
        model.trace = None
        return
    if isinstance(item, ModelObj):
        reader.note(_line(node), "a model inside a Sequential is not traced by rnnshape check yet")
        model.broken = True
        return
    reader.note(
        _line(node),
        f"this Sequential is given something that is not a layer rnnshape reads ({ast.unparse(node)[:60]})",
    )
    model.broken = True


@handles("keras.Model")
def _functional(reader, args, kwargs, node):
    program = reader.program
    inputs = kwargs.get("inputs", args[0] if args else None)
    outputs = kwargs.get("outputs", args[1] if len(args) > 1 else None)
    given = kwargs.get("name")
    model = ModelObj(
        "Functional",
        _line(node),
        given if isinstance(given, str) else program.auto_name("Functional"),
    )
    program.models.append(model)
    model.inputs = _tensors(inputs)
    model.outputs = _tensors(outputs)
    if not model.inputs or not model.outputs:
        reader.note(
            _line(node),
            "this Model's inputs or outputs are not tensors rnnshape followed; it is not traced",
        )
        model.broken = True
    return model


def shape_node(call: Any) -> tuple[Any, Any]:
    """keras.Input's shape: (the value's node, the node a fix replaces: keyword or argument)."""
    if isinstance(call, ast.Call):
        for keyword in call.keywords:
            if keyword.arg in ("shape", "batch_shape"):
                return keyword.value, keyword
        if call.args:
            return call.args[0], call.args[0]
    return None, None


def _tensors(value: Any) -> list[Tensor]:
    if isinstance(value, Tensor):
        return [value]
    items = (
        list(value)
        if isinstance(value, tuple | list)
        else value.items
        if isinstance(value, ListVal)
        else None
    )
    if isinstance(value, dict):
        items = list(value.values())
    if items and all(isinstance(t, Tensor) for t in items):
        return list(items)
    return []


@handles("keras.models.load_model", "keras.saving.load_model")
def _load_model(reader, args, kwargs, node):
    return Unknown("a loaded model")


def method(reader, model: ModelObj, name: str, args, kwargs, node) -> Any:
    program = reader.program
    line = _line(node)
    if name == "add":
        if args:
            add(reader, model, args[0], node)
        return None
    if name == "compile":
        loss = kwargs.get("loss", args[1] if len(args) > 1 else None)
        model.compiled = Compiled(loss, line, node)
        return None
    if name in ("fit", "fit_generator", "train_on_batch", "evaluate", "test_on_batch"):
        x = kwargs.get("x", args[0] if args else None)
        y = kwargs.get("y", args[1] if len(args) > 1 else None)
        program.use(model, x, y, kwargs, node, name)
        return Unknown("a History") if name.startswith("fit") else 0.0
    if name in ("predict", "predict_on_batch", "__call__"):
        x = kwargs.get("x", args[0] if args else None)
        return program.predict(model, x, node, name)
    if name == "build":
        shape = numpy_calls._shape_arg(kwargs.get("input_shape", args[0] if args else None))
        if shape is not None and model.declared is None:
            model.declared, model.declared_line, model.declared_keyword = shape, line, "build"
        return None
    if name in (
        "summary",
        "save",
        "save_weights",
        "load_weights",
        "reset_states",
        "reset_metrics",
        "count_params",
        "get_weights",
        "set_weights",
        "plot_model",
        "to_json",
    ):
        if name == "summary":
            program.trace(model, None, line)
        return None
    return UNKNOWN


# ---------------------------------------------------------------------------- data pipelines


@handles("tensorflow.data.Dataset.from_tensor_slices")
def _from_tensor_slices(reader, args, kwargs, node):
    value = args[0] if args else None
    if isinstance(value, tuple) and len(value) == 2:
        x, y = (numpy_calls.from_value(v, node) if not isinstance(v, Array) else v for v in value)
    else:
        x, y = numpy_calls.from_value(value, node), None
    element = lambda a: (
        Array(a.shape[1:], a.dtype, a.line, a.labels, a.classes)
        if isinstance(a, Array) and a.shape
        else UNKNOWN
    )
    rows = x.shape[0] if isinstance(x, Array) and x.shape else None
    dataset = Dataset(element(x), element(y) if y is not None else None, None, _line(node))
    dataset.rows = rows
    return dataset


@handles("keras.utils.timeseries_dataset_from_array")
def _timeseries(reader, args, kwargs, node):
    data = args[0] if args else kwargs.get("data")
    targets = kwargs.get("targets", args[1] if len(args) > 1 else None)
    length = kwargs.get("sequence_length", args[2] if len(args) > 2 else None)
    batch = kwargs.get("batch_size", 128)
    if not isinstance(data, Array) or data.shape is None or not sizes.is_size(length):
        return Unknown("a dataset")
    x = Array((length, *data.shape[1:]), data.dtype, _line(node))
    y = None
    if isinstance(targets, Array) and targets.shape is not None:
        y = Array(targets.shape[1:], targets.dtype, _line(node), targets.labels, targets.classes)
    dataset = Dataset(x, y, batch if sizes.is_size(batch) else None, _line(node))
    dataset.rows = None
    return dataset


def dataset_method(reader, dataset: Dataset, name: str, args, kwargs, node) -> Any:
    if name == "batch":
        size = kwargs.get("batch_size", args[0] if args else None)
        out = Dataset(dataset.x, dataset.y, size if sizes.is_size(size) else True, _line(node))
        out.rows = getattr(dataset, "rows", None)
        out.whole = bool(kwargs.get("drop_remainder"))
        return out
    if name == "window" and dataset.batch is None:
        # A dataset of windows, each a dataset of `size` elements (fewer at the end unless
        # drop_remainder=True); flat_map(lambda w: w.batch(size)) makes each one array.
        size = kwargs.get("size", args[0] if args else None)
        out = Dataset(dataset.x, dataset.y, None, _line(node))
        out.window = size if sizes.is_size(size) and kwargs.get("drop_remainder") else None
        out.windows = True
        return out
    if name == "flat_map" and getattr(dataset, "windows", False) and args:
        return _flat_map(reader, dataset, args[0], node)
    if name == "map" and dataset.batch is None and args:
        return _map(reader, dataset, args[0], node)
    if (
        name in ("shuffle", "prefetch", "repeat", "cache", "take", "skip", "unbatch")
        and name != "unbatch"
    ):
        return dataset
    return Unknown("a dataset")


def _flat_map(reader, windows: Dataset, function: Any, node) -> Any:
    """``windows.flat_map(lambda w: w.batch(n))``: each window as one array of n steps (n
    known when the windows are whole and n is their size, or the batch drops its rest)."""
    from rnnshape_docs.program.values import Function

    if not isinstance(function, Function):
        return Unknown("a dataset")
    one = Dataset(windows.x, windows.y, None, windows.line)
    one.window = windows.window
    made = reader.call_function(function, [one], {})
    if not isinstance(made, Dataset) or made.batch is None or made.y is not None:
        return Unknown("a dataset")
    if not isinstance(made.x, Array) or made.x.shape is None:
        return Unknown("a dataset")
    n = made.batch if sizes.is_size(made.batch) else None
    steps = n if n is not None and (n == one.window or getattr(made, "whole", False)) else None
    x = Array((steps, *made.x.shape), made.x.dtype, _line(node), made.x.labels, made.x.classes)
    return Dataset(x, None, None, _line(node))


def _map(reader, dataset: Dataset, function: Any, node) -> Any:
    """``ds.map(f)`` on single elements: f read on one element; (x, y) back makes the pairs."""
    from rnnshape_docs.program.values import Function

    if not isinstance(function, Function):
        return Unknown("a dataset")
    given = [dataset.x] if dataset.y is None else [dataset.x, dataset.y]
    made = reader.call_function(function, given, {})
    if isinstance(made, tuple) and len(made) == 2:
        x, y = (numpy_calls.from_value(v, node) if not isinstance(v, Array) else v for v in made)
        return Dataset(x, y, None, _line(node))
    if isinstance(made, Array):
        return Dataset(made, None, None, _line(node))
    return Unknown("a dataset")


# ---------------------------------------------------------------------------- attributes


def attribute(reader, owner: Any, attr: str, node) -> Any:
    if isinstance(owner, ModelObj):
        if attr in ("output_shape", "input_shape"):
            trace = reader.program.trace(owner, None, _line(node))
            if trace is None:
                return UNKNOWN
            return tuple(trace.outputs[0]) if attr == "output_shape" else tuple(trace.inputs[0][1])
        if attr == "layers":
            return ListVal.of(list(owner.layers), _line(node))
        return Bound(owner, attr)
    if isinstance(owner, ListVal):
        return Bound(owner, attr)
    if isinstance(owner, LayerObj | Dataset | Tokenizer):
        if isinstance(owner, Tokenizer) and attr == "word_index":
            return ListVal(None, owner.words, "a word", _line(node))
        return Bound(owner, attr)
    if isinstance(owner, Tensor):
        return Unknown("a tensor's attribute")
    return Unknown(attr)


def subscript(reader, owner: Any, key: Any, node) -> Any:
    if isinstance(owner, Tensor) and owner.several > 1 and isinstance(key, int):
        if -owner.several <= key < owner.several:  # outputs[0] of the list Keras returned
            return Tensor(owner.node, key % owner.several)
        return UNKNOWN
    if isinstance(owner, Tensor):  # x[:, -1] on a symbolic tensor: Keras's GetItem
        keys = list(key) if isinstance(key, tuple) else key
        return operation(reader, "GetItem", [owner, keys], {}, node)
    return UNKNOWN


# ---------------------------------------------------------------------------- keras.ops

# What Keras records for an operator on a symbolic tensor, by the operator's AST type name.
OPERATORS = {
    "Add": "Add",
    "Sub": "Subtract",
    "Mult": "Multiply",
    "Div": "TrueDivide",
    "FloorDiv": "FloorDivide",
    "Pow": "Power",
    "Mod": "Mod",
    "MatMult": "Matmul",
}

# ... and for a unary operator (KerasTensor.__neg__, __invert__; abs(x) is __abs__, a builtin).
# KerasTensor has no __pos__: +x raises TypeError, a finding.
UNARY_OPERATORS = {"USub": "Negative", "Invert": "LogicalNot"}

# keras.ops functions: (the op class Keras records, how many leading arguments are the
# call's (tensors), the op's own parameters in order with their defaults).
_REQUIRED = object()
OPS_FUNCTIONS: dict[str, tuple[str, int, tuple[tuple[str, Any], ...]]] = {
    "add": ("Add", 2, ()),
    "subtract": ("Subtract", 2, ()),
    "multiply": ("Multiply", 2, ()),
    "divide": ("Divide", 2, ()),
    "true_divide": ("TrueDivide", 2, ()),
    "maximum": ("Maximum", 2, ()),
    "minimum": ("Minimum", 2, ()),
    "power": ("Power", 2, ()),
    "matmul": ("Matmul", 2, ()),
    "concatenate": ("Concatenate", 1, (("axis", 0),)),
    "expand_dims": ("ExpandDims", 1, (("axis", _REQUIRED),)),
    "squeeze": ("Squeeze", 1, (("axis", None),)),
    "reshape": ("Reshape", 1, (("newshape", _REQUIRED),)),
    "transpose": ("Transpose", 1, (("axes", None),)),
    "cast": ("Cast", 1, (("dtype", _REQUIRED),)),
    **{
        name: (name.capitalize(), 1, (("axis", None), ("keepdims", False)))
        for name in ("mean", "sum", "max", "min", "prod")
    },
    **{
        name: (name.capitalize(), 1, ())
        for name in ("relu", "sigmoid", "tanh", "exp", "log", "sqrt", "square", "negative")
    },
    "abs": ("Absolute", 1, ()),  # keras.ops.abs is ops.absolute: Keras records Absolute
    "absolute": ("Absolute", 1, ()),
    "softmax": ("Softmax", 1, (("axis", -1),)),
}


def _is_operand(value: Any) -> bool:
    return isinstance(value, Tensor) or (
        isinstance(value, int | float) and not isinstance(value, bool)
    )


def binary_operator(reader, op: ast.operator, left: Any, right: Any, node) -> Any:
    """``x + y`` (and the other operators) where one side is a symbolic tensor."""
    name = OPERATORS.get(type(op).__name__)
    if name is None or not (_is_operand(left) and _is_operand(right)):
        return Unknown("the result of an operator on a tensor")
    return operation(reader, name, [left, right], {}, node)


def unary_operator(reader, op: ast.unaryop, operand: Tensor, node) -> Any:
    """``-x`` and ``~x`` on a symbolic tensor; ``+x``, which Keras refuses, is a finding."""
    if isinstance(op, ast.UAdd):
        reader.program.unary_plus(node)
        return operand  # read as the fix has it: without the +
    name = UNARY_OPERATORS.get(type(op).__name__)
    if name is None:
        return Unknown("the result of an operator on a tensor")
    return operation(reader, name, [operand], {}, node)


def _ops_function(reader, args, kwargs, node):
    function = ast.unparse(node.func).rsplit(".", 1)[-1]
    class_name, n_tensors, params = OPS_FUNCTIONS[function]  # (the path may be NumPy's)
    args = list(args)
    first = kwargs.pop("xs", kwargs.pop("x", kwargs.pop("x1", None)))
    if first is not None:
        args.insert(0, first)
    if "x2" in kwargs:
        args.insert(1, kwargs.pop("x2"))
    operands = [_tensor_list(a) for a in args[:n_tensors]]
    if not any(tensors_in(operands)):
        return Unknown(f"the result of keras.ops.{function}")
    config: dict[str, Any] = {}
    for k, (param, default) in enumerate(params):
        value = args[n_tensors + k] if len(args) > n_tensors + k else kwargs.get(param, default)
        if value is _REQUIRED:
            return Unknown(f"the result of keras.ops.{function}")
        config[param] = list(value) if isinstance(value, tuple) else value
    return operation(reader, class_name, operands, config, node)


def _tensor_list(value: Any) -> Any:
    if isinstance(value, ListVal) and value.items is not None:
        return list(value.items)
    if isinstance(value, tuple):
        return list(value)
    return value


for _function in OPS_FUNCTIONS:
    HANDLERS[f"keras.ops.{_function}"] = _ops_function


def operation(reader, class_name: str, operands: list[Any], config: dict[str, Any], node) -> Any:
    """A keras.ops operation on symbolic tensors: a node of the graph, as Keras records it."""
    op = LayerObj(class_name, (), {}, _line(node), node, op_config=config)
    op.name = reader.program.auto_name(class_name)
    index = reader.program.add_node(op, operands, {}, _line(node))
    return Tensor(index, 0)


def tokenizer_method(reader, tokenizer: Tokenizer, name: str, args, kwargs, node) -> Any:
    if name == "texts_to_sequences":
        texts = args[0] if args else None
        rows = reader.length(texts)
        if isinstance(texts, Array) and texts.shape:
            rows = texts.shape[0]
        vocab = (
            tokenizer.num_words
            if tokenizer.num_words is not None
            else sizes.add(tokenizer.words, 1)
        )
        item = Array((sizes.Sym.named("words in a text"),), "int", _line(node), "ids", vocab)
        return ListVal(None, rows, item, _line(node))
    return None


__all__ = ["HANDLERS", "attribute", "call_layer", "make_layer", "method"]
