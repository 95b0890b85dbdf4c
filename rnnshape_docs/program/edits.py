"""A fix as an edit of the reader's own code: the call, keyword or argument to change, and
its new text, made with `ast` on the nodes the program was read from."""

from __future__ import annotations

import ast
from typing import Any

from rnnshape_docs.program import sizes
from rnnshape_docs.program.findings import Edit
from rnnshape_docs.program.sizes import shape_text
from rnnshape_docs.program.values import Compiled, LayerObj, ModelObj


def keyword_node(call: Any, keyword: str) -> ast.expr | None:
    if isinstance(call, ast.Call):
        for k in call.keywords:
            if k.arg == keyword:
                return k.value
    return None


def arg_node(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    if len(call.args) > position and not isinstance(call.args[position], ast.Starred):
        return call.args[position]
    return keyword_node(call, keyword)


def source_text(node: ast.AST | None) -> str:
    if node is None:
        return ""
    text = ast.unparse(node)
    return text if len(text) <= 60 else text[:57] + "..."


def with_keyword(call: ast.Call, keyword: str, value: Any) -> str:
    """The call as it reads with ``keyword=value`` set (added, or replacing the old value)."""
    new = ast.Call(
        call.func,
        list(call.args),
        [k for k in call.keywords if k.arg != keyword]
        + [ast.keyword(keyword, ast.Constant(value))],
    )
    return ast.unparse(new)


def without_keyword(call: ast.Call, keyword: str) -> str:
    return ast.unparse(
        ast.Call(call.func, list(call.args), [k for k in call.keywords if k.arg != keyword])
    )


def with_positional(call: ast.Call, value: Any) -> str:
    args = [ast.Constant(value), *call.args[1:]] if call.args else [ast.Constant(value)]
    keywords = [k for k in call.keywords if k.arg != "units"]
    return ast.unparse(ast.Call(call.func, args, keywords))


def width_fix(last: LayerObj | None, width: int) -> tuple[str, int, Edit | None] | None:
    """The last layer made ``width`` wide: a Dense, or the Dense inside TimeDistributed."""
    if last is None:
        return None
    dense = last
    if last.class_name == "TimeDistributed" and last.args and isinstance(last.args[0], LayerObj):
        dense = last.args[0]
    if dense.class_name != "Dense" or dense.source is None:
        return None
    text = with_positional(dense.source, width)
    return text, dense.line, replace(dense.source, text)


def keyword_arg(call: Any, name: str) -> ast.keyword | None:
    if isinstance(call, ast.Call):
        for k in call.keywords:
            if k.arg == name:
                return k
    return None


def replace(node: Any, text: str) -> Edit | None:
    """The edit that puts ``text`` in place of ``node`` (None for a node without a place)."""
    if node is None or getattr(node, "end_lineno", None) is None or not text:
        return None
    return Edit(node.lineno, node.col_offset, node.end_lineno, node.end_col_offset, text)


def input_dim_node(call: Any) -> ast.expr | None:
    """An Embedding's input_dim as written: its keyword's value, or the first argument."""
    keyword = keyword_arg(call, "input_dim")
    if keyword is not None:
        return keyword.value
    return call.args[0] if isinstance(call, ast.Call) and call.args else None


def loss_edit(compiled: Compiled, loss: str, index: int | None = None) -> Edit | None:
    """The compile call's loss, as given (a keyword, or the second argument), replaced; with
    ``index``, that element of a list of losses (one per output)."""
    keyword = keyword_arg(compiled.node, "loss")
    if index is not None:
        given = keyword.value if keyword is not None else None
        if isinstance(given, ast.List | ast.Tuple) and index < len(given.elts):
            return replace(given.elts[index], repr(loss))
        return None
    if keyword is not None:
        return replace(keyword, f"loss={loss!r}")
    if isinstance(compiled.node, ast.Call) and len(compiled.node.args) > 1:
        return replace(compiled.node.args[1], repr(loss))
    return None


def declared_edit(model: ModelObj, fix: str) -> Edit | None:
    """The declaration's fix as an edit: the keyword replaced, or a positional shape's value."""
    node = model.declared_node
    if node is None or "=" not in fix or " " in fix.split("=", 1)[0]:
        return None
    if isinstance(node, ast.keyword):
        return replace(node, fix)
    return replace(node, fix.split("=", 1)[1])


def declared_fix(model: ModelObj, source: str, name: str, data: tuple) -> str:
    keyword = model.declared_keyword
    if keyword in ("input_shape", "Input", "build") or (not keyword and model.graph is None):
        if source.endswith(".shape"):
            return f"{'shape' if keyword == 'Input' else 'input_shape'}={source}[1:]"
        inner = shape_text(
            tuple(
                s if isinstance(s, int) or s is None else f"{name}.shape[{k + 1}]"
                for k, s in enumerate(data[1:])
            )
        )
        inner = inner.replace("'", "")
        return f"{'shape' if keyword == 'Input' else 'input_shape'}={inner}"
    if not keyword and model.graph is not None:  # a built model: change the data
        return f"{name} = {name}.reshape(({name}.shape[0], {', '.join(sizes.text(s) for s in (model.declared or ())[1:])}))"
    if keyword == "batch_input_shape":
        return f"batch_input_shape=({', '.join(sizes.text(s) for s in (model.declared or (None,))[:1] + tuple(data[1:]))})"
    return f"input_shape={shape_text(data[1:])}"
