"""Pure shape rules for Keras 3 layers: no TensorFlow import on this path.

`trace(layers, input_shape)` walks a stack of layers and returns one `Step` per layer,
with its input shape, its output shape(s) and a one-line reason. A layer that cannot take
its input raises `ShapeError` naming the layer and the fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: A tensor shape including the batch axis; ``None`` is an unknown size.
Shape = tuple[int | None, ...]


class ShapeError(ValueError):
    """A layer cannot take the shape it is given (or the stack is malformed).

    ``index`` is the position of the offending layer in the stack (``None`` when the
    problem is the input shape itself); ``layer`` is its text.
    """

    def __init__(self, message: str, *, index: int | None = None, layer: str | None = None):
        super().__init__(message)
        self.index = index
        self.layer = layer


@dataclass(frozen=True)
class Step:
    """One layer of a trace."""

    layer: str  # the layer in Keras constructor syntax, e.g. "LSTM(4, return_sequences=True)"
    input: Shape
    outputs: tuple[Shape, ...]  # one shape per output tensor, in Keras's order
    why: str  # one line in plain words


@dataclass(frozen=True)
class Trace:
    """The shapes flowing through a stack of layers."""

    input: Shape
    steps: tuple[Step, ...]

    @property
    def outputs(self) -> tuple[Shape, ...]:
        return self.steps[-1].outputs if self.steps else (self.input,)

    def to_json(self) -> dict:
        """The JSON object of design.md's contract (lists, ``None`` for unknown sizes)."""
        return {
            "input": list(self.input),
            "layers": [
                {
                    "layer": s.layer,
                    "input": list(s.input),
                    "outputs": [list(o) for o in s.outputs],
                    "why": s.why,
                }
                for s in self.steps
            ],
            "outputs": [list(o) for o in self.outputs],
        }


def trace(layers: Sequence[str], input_shape: Sequence[int | None]) -> Trace:
    """Trace ``layers`` (Keras constructor syntax) applied to ``input_shape``."""
    raise NotImplementedError  # being written: see the tracer issue
