"""What the figures share: the phone's column, the choice of a narrow variant, and the
traces every shape-bearing figure is drawn from."""

from __future__ import annotations

from collections.abc import Sequence

from rnnshape_docs.layout import MIN_LABEL_PX, Layout
from rnnshape_docs.shapes import Shape, Step, Trace
from rnnshape_docs.specs import RECURRENT

# The figure's column on a 390 CSS px phone (measured in Chromium: the page's side padding and
# the figure card's own padding leave this much); a wide drawing whose labels would render
# below MIN_LABEL_PX at this width gets a narrow variant.
PHONE_COLUMN = 340.0


def wide_and_narrow(
    draw, alt: str, caption: str, column: float = PHONE_COLUMN, *, shapes: Sequence[Shape] = ()
) -> Layout:
    """The wide drawing, and the narrow one when the wide one is too small in ``column``
    CSS px (a phone's, unless told); ``shapes``: those of the trace(s) it was drawn from."""
    wide = draw(narrow=False)
    narrow = None
    if wide.label_px(column) < MIN_LABEL_PX:
        narrow = draw(narrow=True)
    return Layout(wide, narrow, alt, caption, tuple(shapes))


CELL = 0.15  # the side of one small square (one number), in inches


def check_trace(trace, name: str = "trace") -> Trace:
    """``trace`` itself, or a ValueError saying a figure is drawn from a Trace."""
    if not isinstance(trace, Trace):
        raise ValueError(  # noqa: TRY004
            f"{name} must be a rnnshape_docs.shapes.Trace (from trace(...) or check_model(...)), "
            f"got {type(trace).__name__}"
        )
    return trace


def trace_shapes(*traces: Trace) -> tuple[Shape, ...]:
    """Every shape flowing through ``traces`` (inputs and outputs of each step), once each,
    in order of appearance: what a figure drawn from them may label."""
    seen: dict[Shape, None] = {}
    for t in traces:
        seen.setdefault(tuple(t.input))
        for step in t.steps:
            seen.setdefault(tuple(step.input))
            for out in step.outputs:
                seen.setdefault(tuple(out))
    return tuple(seen)


def recurrent_of(step: Step) -> str | None:
    """'LSTM' for a SimpleRNN, LSTM or GRU step (not wrapped), else None."""
    name = step.spec.name if step.spec is not None else step.layer.split("(", 1)[0].strip()
    return name if name in RECURRENT else None


def where(trace: Trace, first: int, last: int | None = None) -> str:
    """'Layer 2 of 3, LSTM(4): ' (or 'Layers 2 and 3 of 3: ') for a figure of part of a
    longer trace; '' when the figure shows every layer."""
    n = len(trace.steps)
    last = first if last is None else last
    if n == last - first + 1:
        return ""
    if first == last:
        return f"Layer {first + 1} of {n}, {trace.steps[first].layer}: "
    return (
        f"Layers {first + 1} to {last + 1} of {n}: "
        if last > first + 1
        else (f"Layers {first + 1} and {last + 1} of {n}: ")
    )
