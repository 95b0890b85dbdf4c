"""A layer the program makes, as the shape rules read it: its arguments (values the reader
followed) through `specs.from_values`, the same allow-list as typed text and saved files."""

from __future__ import annotations

import ast
import dataclasses
import re
from typing import Any

from rnnshape_docs.program import sizes
from rnnshape_docs.program.edits import keyword_node
from rnnshape_docs.program.sizes import Sym
from rnnshape_docs.program.values import LayerObj, ListVal, Tensor
from rnnshape_docs.specs import SIGNATURES, Opaque, free_keyword, from_values


def vocabulary(class_name: str, key: str) -> bool:
    """Whether ``key`` is an Embedding's (or ReversibleEmbedding's) vocabulary size, its own
    parameter, rather than a declaration of the input."""
    sig = SIGNATURES.get(class_name)
    return key == "input_dim" and sig is not None and key in sig.positional


# Keywords any layer takes that say where the data comes in, not what the layer does.
INPUT_KEYWORDS = ("input_shape", "batch_input_shape", "batch_size", "input_dim", "input_length")


class NotLiteral(ValueError):
    pass


class StandIns:
    """Sizes the code does not fix (``Dense(len(np.unique(y)))``), each traced as a stand-in
    number far above any real layer size, then unknown again in the shapes the trace gives.

    The rules need numbers; a stand-in keeps the trace going, and turning every size it
    reaches back into an unknown (None) means no check can clash with it: no false alarm
    ever comes from an unknown (issue 22 item 4).
    """

    BASE = 7_000_001  # well above any real width; its multiples are recognised too

    def __init__(self) -> None:
        self.names: dict[int, str] = {}

    def number(self, size: Sym) -> int:
        for number, name in self.names.items():
            if name == str(size):
                return number
        number = self.BASE + 1000 * len(self.names)
        self.names[number] = str(size)
        return number

    def _dim(self, dim: Any) -> Any:
        if isinstance(dim, tuple):
            return tuple(self._dim(d) for d in dim)
        return None if isinstance(dim, int) and dim >= self.BASE else dim

    def text(self, text: str) -> str:
        """``text`` with each stand-in number written as the size it stands for."""
        for number, name in self.names.items():
            text = re.sub(rf"\b{number}\b", name, text)
        return text

    def reached(self, text: str) -> bool:
        """Whether ``text`` (a refusal) speaks of a size a stand-in reached."""
        return bool(self.names) and any(
            int(n.replace(",", "")) >= self.BASE for n in re.findall(r"\d[\d,]{6,}", text)
        )

    def restore(self, trace):
        """``trace`` with every size a stand-in reached unknown again, its name in the text."""
        if not self.names:
            return trace
        steps = tuple(
            dataclasses.replace(
                step,
                layer=self.text(step.layer),
                why=self.text(step.why),
                inputs=self._dim(step.inputs),
                outputs=self._dim(step.outputs),
            )
            for step in trace.steps
        )
        return dataclasses.replace(
            trace,
            inputs=tuple((name, self._dim(shape)) for name, shape in trace.inputs),
            steps=steps,
            outputs=self._dim(trace.outputs),
            calls=tuple((n, c, self._dim(o)) for n, c, o in trace.calls),
        )


def layer_value(value: Any, key: str, layer: LayerObj, stand_ins: StandIns | None = None) -> Any:
    """A layer argument as `specs.from_values` takes it: a literal, a spec, or an `Opaque`."""
    if isinstance(value, LayerObj):
        return layer_spec(value, stand_ins)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, tuple):
        return tuple(layer_value(v, key, layer, stand_ins) for v in value)
    if isinstance(value, ListVal) and value.items is not None:
        return [layer_value(v, key, layer, stand_ins) for v in value.items]
    if free_keyword(key):  # weights, initializers: any value, never a shape
        node = keyword_node(layer.source, key)
        return Opaque(ast.unparse(node) if node is not None else "...")
    if isinstance(value, Sym) and stand_ins is not None:
        return stand_ins.number(value)
    if isinstance(value, Sym):
        raise NotLiteral(f"{layer.class_name}({key}=...) is {value}, a size the code does not fix")
    raise NotLiteral(
        f"{layer.class_name}({key}=...) is not a value rnnshape can read without running the code"
    )


def layer_spec(layer: LayerObj, stand_ins: StandIns | None = None):
    """The layer as `specs.from_values` reads it; the input declarations are the model's.

    With ``stand_ins``, a size the code does not fix is traced as a stand-in number."""
    sig = SIGNATURES.get(layer.class_name)
    names = sig.positional if sig is not None else ()
    args = [
        layer_value(a, names[k] if k < len(names) else f"argument {k + 1}", layer, stand_ins)
        for k, a in enumerate(layer.args)
    ]
    kwargs = {
        key: layer_value(value, key, layer, stand_ins)
        for key, value in layer.kwargs.items()
        if key not in INPUT_KEYWORDS or vocabulary(layer.class_name, key)
    }
    return from_values(layer.class_name, args, kwargs)


def modern_call(layer: LayerObj, spec) -> str:
    """The layer's call as Keras 3 spells it (the edit a Keras 1/2 name needs)."""
    if layer.source is None:
        return spec.text
    callee = ast.unparse(layer.source.func)
    prefix = callee[: -len(layer.class_name)] if callee.endswith(layer.class_name) else ""
    kept = [  # the input declaration, as written
        f"{k.arg}={ast.unparse(k.value)}"
        for k in layer.source.keywords
        if k.arg in INPUT_KEYWORDS and not vocabulary(layer.class_name, k.arg)
    ]
    text = (
        spec.text
        if not kept
        else f"{spec.text[:-1]}{', ' if spec.params else ''}{', '.join(kept)})"
    )
    return prefix + text


def sizes_of(value: Any) -> tuple | None:
    if isinstance(value, ListVal) and value.items is not None:
        value = tuple(value.items)
    if isinstance(value, tuple) and all(v is None or sizes.is_size(v) for v in value):
        return tuple(value)
    if sizes.is_size(value):
        return (value,)
    return None


def rules_shape(shape: tuple, stand_ins: StandIns | None = None) -> tuple:
    """The shape as the rules take it; with ``stand_ins``, an axis after the batch whose size
    the code does not fix is traced as a stand-in (a layer sizes its weights from it)."""
    return tuple(
        stand_ins.number(s)
        if stand_ins is not None and k > 0 and isinstance(s, Sym)
        else sizes.to_rules(s)
        for k, s in enumerate(shape)
    )


def tensors_in(value: Any) -> list[Tensor]:
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, list | tuple):
        return [t for v in value for t in tensors_in(v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in tensors_in(v)]
    if isinstance(value, ListVal) and value.items is not None:
        return [t for v in value.items for t in tensors_in(v)]
    return []
