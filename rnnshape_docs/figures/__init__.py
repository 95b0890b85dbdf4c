"""What each figure of the book draws: its boxes, arrows and labels, laid out on a
:class:`~rnnshape_docs.layout.Canvas`, and its alt text and caption, from the same sizes.

Every function returns a :class:`~rnnshape_docs.layout.Layout`: the wide drawing, and a
narrow one for a phone's column when the wide one would shrink its labels below
:data:`~rnnshape_docs.layout.MIN_LABEL_PX` there. The narrow one comes from the same code
and the same sizes: fewer time steps drawn, results above instead of beside, side-by-side
parts one under the other, long labels wrapped sooner. Standard library only (the browser's
explorer draws with it); :mod:`rnnshape_docs.diagrams` renders these with matplotlib.

Every figure that shows a shape is drawn from a :class:`~rnnshape_docs.shapes.Trace` (from
``trace(...)`` or a checked model, ``check_model(...)``), never from loose numbers, and its
layout records every shape of that trace (``Layout.shapes``); the SVG carries them in its
root's ``data-rnnshape-shapes`` attribute, where the site test checks each label against them.
"""

from rnnshape_docs.figures._common import PHONE_COLUMN, check_trace, trace_shapes
from rnnshape_docs.figures.heatmap import heatmap
from rnnshape_docs.figures.recurrent import seq2seq, unrolled
from rnnshape_docs.figures.stacks import icons, stack
from rnnshape_docs.figures.tensors import tensor_blocks, wrong_vs_right_reshape
from rnnshape_docs.figures.windows import windows
from rnnshape_docs.layout import Layout, Measure, text_extent
from rnnshape_docs.shapes import Trace

__all__ = [
    "KINDS",
    "PHONE_COLUMN",
    "from_trace",
    "heatmap",
    "icons",
    "seq2seq",
    "stack",
    "tensor_blocks",
    "trace_shapes",
    "unrolled",
    "windows",
    "wrong_vs_right_reshape",
]

# --- From a trace --------------------------------------------------------------------------
KINDS = ("stack", "unrolled")


def from_trace(trace: Trace, kind: str = "stack", *, measure: Measure = text_extent) -> Layout:
    """The ``stack`` view of a trace, or the ``unrolled`` view of its first recurrent layer."""
    trace = check_trace(trace)
    if kind == "stack":
        return stack(trace, measure=measure)
    if kind != "unrolled":
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    return unrolled(trace, measure=measure)
