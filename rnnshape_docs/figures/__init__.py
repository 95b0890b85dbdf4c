"""What each figure of the book draws: its boxes, arrows and labels, laid out on a
:class:`~rnnshape_docs.layout.Canvas`, and its alt text and caption, from the same sizes.

Every function returns a :class:`~rnnshape_docs.layout.Layout`: the wide drawing, and a
narrow one for a phone's column when the wide one would shrink its labels below
:data:`~rnnshape_docs.layout.MIN_LABEL_PX` there. The narrow one comes from the same code
and the same sizes: fewer time steps drawn, results above instead of beside, side-by-side
parts one under the other, long labels wrapped sooner. Standard library only (the browser's
explorer draws with it); :mod:`rnnshape_docs.diagrams` renders these with matplotlib.
"""

from rnnshape_docs.figures._common import PHONE_COLUMN
from rnnshape_docs.figures.recurrent import seq2seq, unrolled
from rnnshape_docs.figures.stacks import check_trace, icons, recurrent_name, stack
from rnnshape_docs.figures.tensors import tensor_blocks, wrong_vs_right_reshape
from rnnshape_docs.figures.windows import windows
from rnnshape_docs.layout import Layout, Measure, text_extent
from rnnshape_docs.shapes import Trace

__all__ = [
    "KINDS",
    "PHONE_COLUMN",
    "from_trace",
    "icons",
    "seq2seq",
    "stack",
    "tensor_blocks",
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
    for i, step in enumerate(trace.steps):
        name = recurrent_name(step.layer)
        if name and len(step.input) == 3:
            out = step.outputs[0]
            _, time_steps, features = step.input
            if features is None:
                raise ValueError(f"kind='unrolled' needs the number of features of {step.layer}")
            layout = unrolled(
                time_steps,
                features,
                out[-1],
                return_sequences=len(out) == 3,
                layer=name,
                batch=step.input[0],
                measure=measure,
            )
            if len(trace.steps) > 1:
                where = f"Layer {i + 1} of {len(trace.steps)}, {step.layer}: "
                layout = Layout(
                    layout.wide, layout.narrow, where + layout.alt, where + layout.caption
                )
            return layout
    raise ValueError(
        "kind='unrolled' needs a SimpleRNN, LSTM or GRU layer in the stack "
        "(Bidirectional layers are drawn with kind='stack')"
    )
