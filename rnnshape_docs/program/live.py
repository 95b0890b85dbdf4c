"""`check_fit`: the same checks as `rnnshape check`, for a built model and live arrays.

In a notebook the reader has the model and the arrays themselves: their shapes and dtypes
are read (never the model's weights, never a call of the model), the model through its
config as a saved file would be, and the checks of a ``fit`` call are run on them.
"""

from __future__ import annotations

import ast
from typing import Any

from rnnshape_docs.graph import model_config_of
from rnnshape_docs.model_config import ConfigError, read_model_config
from rnnshape_docs.program.check import Program, ProgramCheck
from rnnshape_docs.program.findings import sort_findings
from rnnshape_docs.program.source import Source
from rnnshape_docs.program.values import Array, Compiled, ModelObj
from rnnshape_docs.shapes import ShapeError


def check_fit(
    model: Any, x: Any, y: Any = None, *, loss: Any = None, batch_size: int | None = None
) -> ProgramCheck:
    """Check ``model.fit(x, y)`` before running it: data against the model's input, the
    target against its output under ``loss`` (by default the loss the model was compiled
    with), a stateful model's batch size. Returns the findings, as `check_program` does.
    """
    try:
        graph = read_model_config(model_config_of(model))
    except ConfigError as exc:
        raise ShapeError(str(exc)) from None
    if len(graph.inputs) != 1:
        raise ShapeError("check_fit reads models with one input; give each input to trace_model")
    declared = graph.layers[graph.inputs[0].layer].input_shape
    program = Program(Source("", "<notebook>"), {})
    obj = ModelObj("Config", 0, graph.name, declared=declared, var="model", graph=graph)
    if loss is None:
        loss = getattr(model, "loss", None)
    if loss is not None:
        obj.compiled = Compiled(
            getattr(loss, "__name__", None) or type(loss).__name__
            if not isinstance(loss, str)
            else loss,
            0,
        )
    program.models.append(obj)
    x_array, y_array = _array(x, "x"), _array(y, "y") if y is not None else None
    program.names_of[id(x_array)] = "x"
    if y_array is not None:
        program.names_of[id(y_array)] = "y"
    kwargs = {} if batch_size is None else {"batch_size": batch_size}
    call = ast.Call(ast.Name("fit"), [ast.Name("x"), ast.Name("y")], [])
    call.lineno = 0
    program.use(obj, x_array, y_array, kwargs, call, "fit")
    if obj.trace is None and not program.findings:
        program.trace(obj, None, 0)
    result = program.result()
    return ProgramCheck(
        result.source, result.models, [("x", 0, x_array)], sort_findings(result.findings)
    )


def _array(value: Any, name: str) -> Array:
    shape = getattr(value, "shape", None)
    if shape is None:
        raise ShapeError(f"check_fit: {name} has no shape; give a NumPy array or a tensor")
    shape = tuple(None if s is None else int(s) for s in shape)
    kind = str(getattr(value, "dtype", ""))
    dtype = (
        "int"
        if "int" in kind
        else "float"
        if "float" in kind
        else "bool"
        if "bool" in kind
        else None
    )
    labels = classes = None
    if dtype == "int" and len(shape) >= 1:
        labels = "ids"
    elif dtype == "float" and len(shape) >= 2 and shape[-1] and shape[-1] > 1:
        labels = "onehot" if _one_hot(value) else None
        classes = shape[-1] if labels else None
    return Array(shape, dtype, 0, labels, classes)


def _one_hot(value: Any) -> bool:
    """Rows of zeros with a single one (read from the values: a few thousand rows at most)."""
    try:
        import numpy as np

        rows = np.asarray(value).reshape(-1, value.shape[-1])[:4096]
        return bool(((rows == 0) | (rows == 1)).all() and (rows.sum(axis=-1) == 1).all())
    except (ImportError, ValueError, TypeError):
        return False
