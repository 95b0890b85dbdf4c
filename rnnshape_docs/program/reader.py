"""Read a program as an abstract interpreter: one visitor, a scope stack, values as shapes.

Statements are dispatched on the AST node's type (``_stmt_Assign``...), expressions likewise
(``_expr_Call``...). Calls go to the handlers of `numpy_calls` and `keras_calls` by the
canonical name of what is called (`names`), or to a method of the value they are called on.
Nothing is executed: a function the program defines is read when it is called, loops are
unrolled when short and known, otherwise read once with their body's appends scaled by the
number of rounds; every kind of work is bounded (statements, depth, time).
"""

from __future__ import annotations

import ast
import time
from typing import Any

from rnnshape_docs.program import sizes
from rnnshape_docs.program.findings import Edit, Finding, Keras2Name, NotRead
from rnnshape_docs.program.names import canonical, gone_module
from rnnshape_docs.program.sizes import Sym
from rnnshape_docs.program.values import (
    UNKNOWN,
    Array,
    Function,
    ListVal,
    Ref,
    Tensor,
    Unknown,
)

MAX_STATEMENTS = 100_000
MAX_CALL_DEPTH = 12
MAX_UNROLL = 32  # rounds of a loop read one by one (a model built in a loop)
TIME_LIMIT = 5.0  # seconds: a guard, real programs take milliseconds


class _Return(Exception):
    def __init__(self, value: Any):
        self.value = value


class _Stop(Exception):
    """The reading budget is spent: stop reading, keep what was found."""


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class Reader:
    """Reads one program; `Program` (in `check`) holds what the handlers record."""

    def __init__(self, program: Any):
        self.program = program
        self.globals: dict[str, Any] = {}
        self.scopes: list[dict[str, Any]] = [self.globals]
        self.statements = 0
        self.depth = 0
        self.deadline = time.monotonic() + TIME_LIMIT
        self.scale: list[sizes.Size] = []  # rounds of the loops read once, innermost last
        self.line = 0
        self.stopped = ""

    # ------------------------------------------------------------------ entry

    def run(self, tree: ast.Module) -> None:
        try:
            self._body(tree.body)
        except _Return:
            pass
        except (_Break, _Continue):
            pass
        except _Stop as exc:
            self.stopped = str(exc)
        except RecursionError:
            self.stopped = "the program nests deeper than rnnshape reads"

    def note(self, line: int, message: str) -> None:
        self.program.findings.append(NotRead.at(line, message))

    def add(self, finding: Finding) -> None:
        self.program.findings.append(finding)

    # ------------------------------------------------------------------ scopes

    def lookup(self, name: str) -> Any:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        if len(self.scopes) > 1 and name in self.globals:
            return self.globals[name]
        return _BUILTINS.get(name, Unknown(name))

    def bind(self, target: ast.expr, value: Any, line: int) -> None:
        if isinstance(target, ast.Name):
            value = self.program.on_assign(target.id, value, line)
            self.scopes[-1][target.id] = value
        elif isinstance(target, ast.Tuple | ast.List):
            items = self._unpack(value, len(target.elts))
            for elt, item in zip(target.elts, items, strict=True):
                if isinstance(elt, ast.Starred):
                    self.bind(elt.value, UNKNOWN, line)
                else:
                    self.bind(elt, item, line)
        elif isinstance(target, ast.Attribute | ast.Subscript):
            self.eval(target.value)  # e.g. df["x"] = ...: read, not tracked
        elif isinstance(target, ast.Starred):
            self.bind(target.value, UNKNOWN, line)

    def _unpack(self, value: Any, count: int) -> list[Any]:
        if isinstance(value, tuple | list) and len(value) == count:
            return list(value)
        if isinstance(value, ListVal) and value.items is not None and len(value.items) == count:
            return list(value.items)
        if isinstance(value, Array) and value.shape and value.shape[0] == count:
            return [Array(value.shape[1:], value.dtype, value.line) for _ in range(count)]
        if isinstance(value, Tensor) and value.input_id < 0:  # out, h, c = LSTM(...)(x)
            return [Tensor(value.node, k) for k in range(count)]
        return [UNKNOWN] * count

    # ------------------------------------------------------------------ statements

    def _body(self, body: list[ast.stmt]) -> None:
        for stmt in body:
            self.stmt(stmt)

    def stmt(self, node: ast.stmt) -> None:
        self.statements += 1
        if self.statements > MAX_STATEMENTS:
            raise _Stop(f"stopped after {MAX_STATEMENTS:,} statements (loops read too often)")
        if self.statements % 256 == 0 and time.monotonic() > self.deadline:
            raise _Stop(f"stopped after {TIME_LIMIT:g} s of reading")
        self.line = node.lineno
        handler = getattr(self, f"_stmt_{type(node).__name__}", None)
        if handler is not None:
            handler(node)

    def _stmt_Expr(self, node: ast.Expr) -> None:
        self.eval(node.value)

    def _stmt_Assign(self, node: ast.Assign) -> None:
        value = self.eval(node.value)
        for target in node.targets:
            self.bind(target, value, node.lineno)

    def _stmt_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.bind(node.target, self.eval(node.value), node.lineno)

    def _stmt_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.target, ast.Name):
            current = self.lookup(node.target.id)
            value = self.binop(node.op, current, self.eval(node.value), node)
            self.bind(node.target, value, node.lineno)
        else:
            self.eval(node.value)

    def _stmt_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self.scopes[-1][alias.asname] = Ref(canonical(alias.name))
            else:
                top = alias.name.split(".")[0]
                self.scopes[-1][top] = Ref(canonical(top))

    def _stmt_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module:
            return  # a relative import: the program's own modules, not read
        modern = gone_module(node.module)
        if modern is not None:
            fixed = ast.unparse(ast.ImportFrom(modern, node.names, 0))
            self.add(
                Keras2Name.at(
                    node.lineno,
                    f"{node.module} is a Keras 1/2 module; Keras 3 has none by that name (the "
                    "import fails): the names are read as meant",
                    fixed,
                    edit=Edit(
                        node.lineno, node.col_offset, node.end_lineno, node.end_col_offset, fixed
                    ),
                )
            )
        for alias in node.names:
            if alias.name == "*":
                continue
            path = canonical(f"{node.module}.{alias.name}")
            self.scopes[-1][alias.asname or alias.name] = Ref(path)

    def _stmt_If(self, node: ast.If) -> None:
        test = self.truth(self.eval(node.test))
        if test is False:
            self._body(node.orelse)
        else:  # true, or unknown: the branch the author wrote first
            self._body(node.body)

    def _stmt_For(self, node: ast.For) -> None:
        iterable = self.eval(node.iter)
        items = self.items(iterable)
        if items is not None and len(items) <= MAX_UNROLL:
            for item in items:
                self.bind(node.target, item, node.lineno)
                try:
                    self._body(node.body)
                except _Break:
                    return
                except _Continue:
                    continue
            self._body(node.orelse)
            return
        # Read once, with the loop variable open; appends count once per round.
        rounds = self.length(iterable)
        self.bind(node.target, self.element(iterable, node.target), node.lineno)
        self._once(node.body, rounds)

    def _stmt_While(self, node: ast.While) -> None:
        self.eval(node.test)
        self._once(node.body, None)

    def _once(self, body: list[ast.stmt], rounds: sizes.Size) -> None:
        self.scale.append(rounds)
        try:
            self._body(body)
        except (_Break, _Continue):
            pass
        finally:
            self.scale.pop()

    def _stmt_Break(self, node: ast.Break) -> None:
        raise _Break

    def _stmt_Continue(self, node: ast.Continue) -> None:
        raise _Continue

    def _stmt_With(self, node: ast.With) -> None:
        for item in node.items:
            self.eval(item.context_expr)
            if item.optional_vars is not None:
                self.bind(item.optional_vars, UNKNOWN, node.lineno)
        self._body(node.body)

    _stmt_AsyncWith = _stmt_With

    def _stmt_Try(self, node: ast.Try) -> None:
        self._body(node.body)
        self._body(node.orelse)
        self._body(node.finalbody)

    _stmt_TryStar = _stmt_Try

    def _stmt_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.scopes[-1][node.name] = Function(node, self.scopes[-1])

    _stmt_AsyncFunctionDef = _stmt_FunctionDef

    def _stmt_ClassDef(self, node: ast.ClassDef) -> None:
        from rnnshape_docs.program.values import CustomClass

        # A subclass of a Keras layer is a layer rnnshape cannot know; others stay unknown.
        if any(ast.unparse(base).split(".")[-1] == "Layer" for base in node.bases):
            self.scopes[-1][node.name] = CustomClass(node.name)
        else:
            self.scopes[-1][node.name] = Unknown(f"class {node.name}")

    def _stmt_Return(self, node: ast.Return) -> None:
        raise _Return(self.eval(node.value) if node.value is not None else None)

    # ------------------------------------------------------------------ expressions

    def eval(self, node: ast.expr | None) -> Any:
        if node is None:
            return None
        handler = getattr(self, f"_expr_{type(node).__name__}", None)
        if handler is None:
            return UNKNOWN
        return handler(node)

    def _expr_Constant(self, node: ast.Constant) -> Any:
        return node.value

    def _expr_Name(self, node: ast.Name) -> Any:
        return self.lookup(node.id)

    def _expr_Tuple(self, node: ast.Tuple) -> Any:
        return tuple(self._elements(node.elts))

    def _expr_List(self, node: ast.List) -> Any:
        return ListVal.of(self._elements(node.elts), node.lineno)

    def _expr_Set(self, node: ast.Set) -> Any:
        return UNKNOWN

    def _elements(self, elts: list[ast.expr]) -> list[Any]:
        out: list[Any] = []
        for elt in elts:
            if isinstance(elt, ast.Starred):
                value = self.eval(elt.value)
                items = self.items(value)
                if items is None:
                    return [UNKNOWN]
                out.extend(items)
            else:
                out.append(self.eval(elt))
        return out

    def _expr_Dict(self, node: ast.Dict) -> Any:
        keys = [self.eval(k) for k in node.keys]
        values = [self.eval(v) for v in node.values]
        if all(isinstance(k, str) for k in keys):
            return dict(zip(keys, values, strict=True))
        return UNKNOWN

    def _expr_JoinedStr(self, node: ast.JoinedStr) -> Any:
        return Unknown("text")

    def _expr_Lambda(self, node: ast.Lambda) -> Any:
        # Read when called, like a def (a dataset's map and flat_map take one)
        return Function(node, self.scopes[-1])

    def _expr_IfExp(self, node: ast.IfExp) -> Any:
        test = self.truth(self.eval(node.test))
        if test is None:
            return UNKNOWN
        return self.eval(node.body if test else node.orelse)

    def _expr_BoolOp(self, node: ast.BoolOp) -> Any:
        values = [self.eval(v) for v in node.values]
        truths = [self.truth(v) for v in values]
        if isinstance(node.op, ast.And):
            if False in truths:
                return False
            return values[-1] if None not in truths else UNKNOWN
        if True in truths:
            return values[truths.index(True)]
        return values[-1] if None not in truths else UNKNOWN

    def _expr_UnaryOp(self, node: ast.UnaryOp) -> Any:
        value = self.eval(node.operand)
        if isinstance(node.op, ast.Not):
            truth = self.truth(value)
            return UNKNOWN if truth is None else not truth
        if isinstance(node.op, ast.USub):
            if isinstance(value, int | float) and not isinstance(value, bool):
                return -value
            if isinstance(value, Sym):
                return sizes.mul(value, -1)
        if isinstance(value, Tensor):  # -x, ~x on a symbolic tensor: recorded as keras.ops ops
            from rnnshape_docs.program import keras_calls

            return keras_calls.unary_operator(self, node.op, value, node)
        if isinstance(value, Array):
            return value
        return UNKNOWN

    def _expr_Compare(self, node: ast.Compare) -> Any:
        left = self.eval(node.left)
        rights = [self.eval(c) for c in node.comparators]
        if len(rights) != 1:
            return UNKNOWN
        right, op = rights[0], node.ops[0]
        if isinstance(left, Array) or isinstance(right, Array):
            shape = (left if isinstance(left, Array) else right).shape
            return Array(shape, "bool", node.lineno)
        if _plain(left) and _plain(right):
            try:
                return _COMPARE[type(op)](left, right)
            except (TypeError, KeyError):
                return UNKNOWN
        if sizes.is_size(left) and sizes.is_size(right) and isinstance(op, ast.Eq | ast.NotEq):
            same = sizes.known_equal(left, right)
            return UNKNOWN if same is None else (same if isinstance(op, ast.Eq) else not same)
        return UNKNOWN

    def _expr_BinOp(self, node: ast.BinOp) -> Any:
        return self.binop(node.op, self.eval(node.left), self.eval(node.right), node)

    def binop(self, op: ast.operator, left: Any, right: Any, node: ast.AST) -> Any:
        from rnnshape_docs.program import numpy_calls

        if isinstance(left, Array) or isinstance(right, Array):
            return numpy_calls.elementwise(self, left, right, node)
        if isinstance(left, Tensor) or isinstance(right, Tensor):  # recorded as a keras.ops op
            from rnnshape_docs.program import keras_calls

            return keras_calls.binary_operator(self, op, left, right, node)
        if isinstance(left, bool) or isinstance(right, bool):
            return UNKNOWN
        if sizes.is_size(left) and sizes.is_size(right):
            if isinstance(op, ast.Add):
                return sizes.add(left, right)
            if isinstance(op, ast.Sub):
                return sizes.sub(left, right)
            if isinstance(op, ast.Mult):
                return _bounded(sizes.mul(left, right))
            if isinstance(op, ast.FloorDiv):
                return sizes.floordiv(left, right)
            if isinstance(left, int) and isinstance(right, int):
                try:
                    if isinstance(op, ast.Mod):
                        return left % right
                    if isinstance(op, ast.Div):
                        return left / right
                    if isinstance(op, ast.Pow) and abs(right) <= 64 and abs(left) <= 2**16:
                        return left**right
                except ZeroDivisionError:
                    return UNKNOWN
            return Sym.named("a number the code computes")
        if isinstance(left, int | float) and isinstance(right, int | float):
            try:
                if isinstance(op, ast.Add):
                    return left + right
                if isinstance(op, ast.Sub):
                    return left - right
                if isinstance(op, ast.Mult):
                    return left * right
                if isinstance(op, ast.Div):
                    return left / right
            except (ZeroDivisionError, OverflowError):
                return UNKNOWN
            return UNKNOWN
        if isinstance(left, tuple) and isinstance(right, tuple) and isinstance(op, ast.Add):
            return left + right
        if isinstance(left, ListVal) and isinstance(right, ListVal) and isinstance(op, ast.Add):
            if left.items is not None and right.items is not None:
                return ListVal.of(left.items + right.items, left.line)
            return ListVal(None, sizes.add(left.length, right.length), left.item, left.line)
        if isinstance(left, ListVal) and isinstance(op, ast.Mult) and isinstance(right, int):
            if left.items is not None and len(left.items) * right <= MAX_UNROLL:
                return ListVal.of(left.items * right, left.line)
            return ListVal(None, _bounded(sizes.mul(left.length, right)), left.item, left.line)
        if isinstance(left, str) and isinstance(right, str) and isinstance(op, ast.Add):
            return left + right if len(left) + len(right) < 10_000 else UNKNOWN
        return UNKNOWN

    def _expr_Attribute(self, node: ast.Attribute) -> Any:
        owner = self.eval(node.value)
        return self.attribute(owner, node.attr, node)

    def attribute(self, owner: Any, attr: str, node: ast.AST) -> Any:
        from rnnshape_docs.program import keras_calls, numpy_calls

        if isinstance(owner, Ref):
            return Ref(canonical(f"{owner.path}.{attr}"))
        if isinstance(owner, Array):
            return numpy_calls.array_attribute(self, owner, attr, node)
        return keras_calls.attribute(self, owner, attr, node)

    def _expr_Subscript(self, node: ast.Subscript) -> Any:
        from rnnshape_docs.program import numpy_calls

        owner = self.eval(node.value)
        if isinstance(owner, Array):
            return numpy_calls.index(self, owner, node.slice, node)
        key = self.eval(node.slice)
        if isinstance(owner, tuple | str):
            if (
                isinstance(key, int)
                and not isinstance(key, bool)
                and -len(owner) <= key < len(owner)
            ):
                return owner[key]
            if isinstance(key, slice):
                return owner[key]
            return UNKNOWN
        if isinstance(owner, ListVal):
            if owner.items is not None:
                if isinstance(key, int) and -len(owner.items) <= key < len(owner.items):
                    return owner.items[key]
                if isinstance(key, slice):
                    return ListVal.of(owner.items[key], owner.line)
            if isinstance(key, slice):
                return ListVal(None, _slice_length(owner.length, key), owner.item, owner.line)
            return owner.item
        if isinstance(owner, dict) and isinstance(key, str):
            return owner.get(key, UNKNOWN)
        if isinstance(owner, _Mapping):
            return owner.value
        from rnnshape_docs.program import keras_calls

        return keras_calls.subscript(self, owner, key, node)

    def _expr_Slice(self, node: ast.Slice) -> Any:
        parts = [self.eval(p) for p in (node.lower, node.upper, node.step)]
        if all(p is None or isinstance(p, int) for p in parts):
            return slice(*parts)
        return _OpenSlice(*parts)

    def _expr_Starred(self, node: ast.Starred) -> Any:
        return UNKNOWN

    def _expr_ListComp(self, node: ast.ListComp) -> Any:
        return self._comprehension(node, node.elt)

    _expr_GeneratorExp = _expr_ListComp

    def _expr_DictComp(self, node: ast.DictComp) -> Any:
        listed = self._comprehension(node, node.value)
        return _Mapping(listed.item if isinstance(listed, ListVal) else UNKNOWN)

    def _comprehension(
        self, node: ast.ListComp | ast.GeneratorExp | ast.DictComp, elt: ast.expr
    ) -> Any:
        if len(node.generators) != 1:
            return ListVal(None, None, UNKNOWN, node.lineno)
        gen = node.generators[0]
        iterable = self.eval(gen.iter)
        self.scopes.append({})
        try:
            self.bind(gen.target, self.element(iterable, gen.target), node.lineno)
            for cond in gen.ifs:
                self.eval(cond)
            item = self.eval(elt)
        finally:
            self.scopes.pop()
        length = None if gen.ifs else self.length(iterable)
        return ListVal(None, length, item, node.lineno)

    def _expr_Call(self, node: ast.Call) -> Any:
        from rnnshape_docs.program import calls

        func = self.eval(node.func)
        args = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                value = self.eval(arg.value)
                items = self.items(value)
                if items is None:
                    return UNKNOWN
                args.extend(items)
            else:
                args.append(self.eval(arg))
        kwargs: dict[str, Any] = {}
        for keyword in node.keywords:
            value = self.eval(keyword.value)
            if keyword.arg is None:
                if isinstance(value, dict):
                    kwargs.update(value)
                continue
            kwargs[keyword.arg] = value
        return calls.call(self, func, args, kwargs, node)

    def call_function(self, function: Function, args: list[Any], kwargs: dict[str, Any]) -> Any:
        """A function the program defines, read with its arguments bound (bounded depth)."""
        if self.depth >= MAX_CALL_DEPTH:
            return Unknown("recursion")
        node = function.node
        scope: dict[str, Any] = {}
        params = node.args
        positional = [*params.posonlyargs, *params.args]
        defaults = [None] * (len(positional) - len(params.defaults)) + list(params.defaults)
        for k, param in enumerate(positional):
            if k < len(args):
                scope[param.arg] = args[k]
            elif param.arg in kwargs:
                scope[param.arg] = kwargs[param.arg]
            elif defaults[k] is not None:
                scope[param.arg] = self.eval(defaults[k])
            else:
                scope[param.arg] = Unknown(param.arg)
        for param, default in zip(params.kwonlyargs, params.kw_defaults, strict=True):
            if param.arg in kwargs:
                scope[param.arg] = kwargs[param.arg]
            else:
                scope[param.arg] = self.eval(default) if default is not None else UNKNOWN
        if params.vararg:
            scope[params.vararg.arg] = tuple(args[len(positional) :])
        if params.kwarg:
            scope[params.kwarg.arg] = UNKNOWN
        self.depth += 1
        saved = self.scopes
        self.scopes = (
            [self.globals, function.scope, scope]
            if function.scope is not self.globals
            else [self.globals, scope]
        )
        line = self.line
        try:
            if isinstance(node, ast.Lambda):
                return self.eval(node.body)
            self._body(node.body)
        except _Return as result:
            return result.value
        except (_Break, _Continue):
            pass
        finally:
            self.scopes = saved
            self.depth -= 1
            self.line = line
        return None

    # ------------------------------------------------------------------ helpers

    def truth(self, value: Any) -> bool | None:
        if isinstance(value, bool | int | float | str) or value is None:
            return bool(value)
        if isinstance(value, tuple):
            return bool(value)
        return None

    def items(self, value: Any) -> list[Any] | None:
        """The elements of a value a loop or a star reads one by one, when they are known."""
        if isinstance(value, tuple):
            return list(value)
        if isinstance(value, ListVal) and value.items is not None:
            return list(value.items)
        if isinstance(value, range) and len(value) <= MAX_UNROLL:
            return list(value)
        if isinstance(value, _Zipped):
            parts = [self.items(v) for v in value.parts]
            if any(p is None for p in parts):
                return None
            return [tuple(t) for t in zip(*parts, strict=False)]
        if isinstance(value, _Enumerated):
            inner = self.items(value.inner)
            return None if inner is None else [(k, v) for k, v in enumerate(inner)]
        return None

    def length(self, value: Any) -> sizes.Size:
        if isinstance(value, tuple | str):
            return len(value)
        if isinstance(value, range):
            return len(value)
        if isinstance(value, _OpenRange):
            return value.length
        if isinstance(value, ListVal):
            return value.length
        if isinstance(value, Array) and value.shape:
            return value.shape[0]
        if isinstance(value, _Zipped):
            lengths = [self.length(v) for v in value.parts]
            return (
                lengths[0]
                if lengths and all(sizes.known_equal(lengths[0], n) for n in lengths)
                else None
            )
        if isinstance(value, _Enumerated):
            return self.length(value.inner)
        return None

    def element(self, value: Any, target: ast.expr) -> Any:
        """What the loop variable holds in the round read for all rounds."""
        name = target.id if isinstance(target, ast.Name) else "the loop variable"
        if isinstance(value, range | _OpenRange):
            return Sym.named(name)
        if isinstance(value, ListVal):
            return value.item
        if isinstance(value, Array) and value.shape:
            return Array(value.shape[1:], value.dtype, value.line, value.labels, value.classes)
        if isinstance(value, _Zipped):
            return tuple(self.element(v, target) for v in value.parts)
        if isinstance(value, _Enumerated):
            return (Sym.named(name), self.element(value.inner, target))
        return UNKNOWN

    def scaled(self) -> sizes.Size:
        """How many times the statement being read runs (1 outside loops read once)."""
        total: sizes.Size = 1
        for rounds in self.scale:
            total = sizes.mul(total, rounds)
        return total


class _OpenSlice:
    """A slice whose bounds are sizes the program does not fix (``data[i:i + 24]``)."""

    def __init__(self, start, stop, step):
        self.start, self.stop, self.step = start, stop, step


class _OpenRange:
    def __init__(self, length: sizes.Size):
        self.length = length


class _Zipped:
    def __init__(self, parts: list[Any]):
        self.parts = parts


class _Enumerated:
    def __init__(self, inner: Any):
        self.inner = inner


class _Mapping:
    """A dict built by a comprehension: any key gives what its values are, read for all
    rounds (``{c: i for i, c in enumerate(chars)}[c]`` is an integer id)."""

    def __init__(self, value: Any):
        self.value = value


def _slice_length(length: sizes.Size, key: slice) -> sizes.Size:
    if isinstance(length, int):
        return len(range(length)[key])
    if key.step not in (None, 1):
        return None
    start = key.start or 0
    stop = key.stop
    if stop is None:
        stop = length
    elif stop < 0:
        stop = sizes.add(length, stop)
    if start < 0:
        start = sizes.add(length, start)
    return sizes.sub(stop, start)


def _plain(value: Any) -> bool:
    return value is None or isinstance(value, bool | int | float | str | tuple)


def _bounded(size: sizes.Size) -> sizes.Size:
    if isinstance(size, int) and abs(size) > sizes.MAX_ELEMENTS:
        return Sym.named("a very large number")
    return size


_COMPARE = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Is: lambda a, b: a is b,
    ast.IsNot: lambda a, b: a is not b,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}

# Python's builtins the reader knows; they are Refs like any imported name.
_BUILTINS = {
    name: Ref(f"builtins.{name}")
    for name in (
        "len",
        "range",
        "list",
        "tuple",
        "int",
        "float",
        "zip",
        "enumerate",
        "print",
        "max",
        "min",
        "sum",
        "set",
        "sorted",
        "round",
        "abs",
        "str",
        "exec",
        "eval",
        "__import__",
        "open",
        "compile",
        "getattr",
        "isinstance",
    )
}
_BUILTINS["__name__"] = "__main__"
