"""A stack of layers as boxes, recurrent ones in the icon notation; and the icon pair."""

from __future__ import annotations

import re

from rnnshape_docs.figures._common import PHONE_COLUMN, wide_and_narrow
from rnnshape_docs.layout import (
    FILL_CELL,
    FILL_DENSE,
    FILL_OTHER,
    FILL_OUTPUT,
    SIZE,
    SMALL,
    Canvas,
    Drawing,
    Layout,
    Measure,
    check_name,
    check_size,
    fmt_shape,
    n_words,
    shapes_words,
    slots,
    text_extent,
)
from rnnshape_docs.rules.recurrent import STATE_NAMES
from rnnshape_docs.shapes import Trace

# --- 3. A stack of layers, and the icons ---------------------------------------------------
_RECURRENT = re.compile(r"^\s*(SimpleRNN|LSTM|GRU)\s*\(")
_BIDIRECTIONAL = re.compile(r"^\s*Bidirectional\s*\(\s*(SimpleRNN|LSTM|GRU)?")
_TIME_DISTRIBUTED = re.compile(r"^\s*TimeDistributed\s*\(\s*(.*)\)\s*$", re.DOTALL)


def kind_of(layer: str) -> str:
    """How a layer is drawn: rnn, birnn, timedistributed, dense or other."""
    if _RECURRENT.match(layer):
        return "rnn"
    if _BIDIRECTIONAL.match(layer):
        return "birnn"
    if layer.lstrip().startswith("TimeDistributed"):
        return "timedistributed"
    if layer.lstrip().startswith("Dense"):
        return "dense"
    return "other"


def recurrent_name(layer: str) -> str | None:
    """'LSTM' for 'LSTM(4)'; None for a layer that is not SimpleRNN, LSTM or GRU."""
    m = _RECURRENT.match(layer)
    return m.group(1) if m else None


def _state_labels(layer: str, n: int) -> list[str]:
    m = _RECURRENT.match(layer)
    if m:
        names = list(STATE_NAMES[m.group(1)])
    else:
        m = _BIDIRECTIONAL.match(layer)
        inner = STATE_NAMES.get(m.group(1) or "", ()) if m else ()
        names = [f"{d} {v}" for d in ("forward", "backward") for v in inner]
    if len(names) != n:
        names = [f"output {k + 2}" for k in range(n)]
    return [f"state {name}" if not name.startswith("output") else name for name in names]


def _wrapped_layer(layer: str) -> str:
    """'Dense(2)' for 'TimeDistributed(Dense(2))'."""
    m = _TIME_DISTRIBUTED.match(layer)
    return m.group(1).strip() if m else layer


def _wrap(text: str, width: int = 30) -> str:
    """Break a layer's text after commas (and, narrow, before a wrapped layer) so a box stays
    narrow."""
    if len(text) <= width:
        return text
    lines, line = [], ""
    for part in re.split(r"(?<=,)\s+", text):
        if line and len(line) + 1 + len(part) > width:
            lines.append(line)
            line = part
        else:
            line = f"{line} {part}" if line else part
    lines.append(line)
    return "\n".join(lines)


def _loop(c, x, y, *, down: bool = True):
    """A recurrence loop on the left edge of a box at height y: out, round and back in."""
    a, b = (y + 0.07, y - 0.07) if down else (y - 0.07, y + 0.07)
    reach = x - 0.15
    c.bent_arrow([(x, a), (reach, a), (reach, b), (x, b)])
    c.grow(reach - 0.02, y - 0.1, x, y + 0.1)


# The TimeDistributed box: one layer, with the time steps entering and leaving it one by one.
TD_PITCH = 0.32  # between the steps' arrows
TD_REACH = 0.2  # the length of one step's arrow
TD_NOTE = "one layer, applied at each step"


def _steps_through(c, cx, y_top, y_bottom, time_steps):
    """Short arrows into the top and out of the bottom of a box, one per drawn time step."""
    row = slots(time_steps, 4)
    x_first = cx - (len(row) - 1) * TD_PITCH / 2
    x_last = x_first + (len(row) - 1) * TD_PITCH
    # the sequence splits into its steps above the box and joins again below it
    c.line([x_first, x_last], [y_top + TD_REACH] * 2, lw=1.1)
    c.line([x_first, x_last], [y_bottom - TD_REACH] * 2, lw=1.1)
    for k, i in enumerate(row):
        x = x_first + k * TD_PITCH
        if i is None:
            c.text(x, y_top + TD_REACH / 2, "…", size=SMALL)
            c.text(x, y_bottom - TD_REACH / 2, "…", size=SMALL)
            continue
        c.arrow(x, y_top + TD_REACH, x, y_top + 0.02, lw=0.9)
        c.arrow(x, y_bottom - 0.02, x, y_bottom - TD_REACH, lw=0.9)
    return len(row) * TD_PITCH


def _icon(c, cx, y_top, w, h, label, kind, *, sequence: bool, time_steps=None):
    """A layer box with its top centre at (cx, y_top); recurrent ones in the icon notation;
    a TimeDistributed layer as one box that each time step goes through.

    Returns the y where the output edge starts.
    """
    x0 = cx - w / 2
    fill = {"rnn": FILL_CELL, "birnn": FILL_CELL, "dense": FILL_DENSE}.get(kind, FILL_OTHER)
    if kind == "timedistributed":
        y_top -= TD_REACH  # room for the steps going in
        fill = FILL_DENSE
    c.rect(x0, y_top - h, w, h, fill=fill, round_=0.05)
    if kind == "timedistributed":
        line_h = c.extent(label, SIZE)[1]
        c.text(cx, y_top - h / 2 + 0.09, label, size=SIZE)
        c.text(cx, y_top - h / 2 - line_h / 2 + 0.02, TD_NOTE, size=SMALL, color="#444444")
        _steps_through(c, cx, y_top, y_top - h, time_steps)
        return y_top - h - TD_REACH
    c.text(cx, y_top - h / 2, label, size=SIZE)
    if kind == "rnn":
        _loop(c, x0, y_top - h / 2)
    elif kind == "birnn":  # two directions
        _loop(c, x0, y_top - h / 2 + 0.12, down=True)
        _loop(c, x0, y_top - h / 2 - 0.12, down=False)
    y_out = y_top - h
    if kind in ("rnn", "birnn") and sequence:  # the small box on the output side
        b = 0.13
        c.rect(cx - b / 2, y_out - b, b, b, fill=FILL_OUTPUT, lw=1.0, z=3)
        y_out -= b
    return y_out


def check_trace(trace) -> Trace:
    if not isinstance(trace, Trace):
        raise ValueError(  # noqa: TRY004
            f"trace must be a rnnshape_docs.shapes.Trace, got {type(trace).__name__}"
        )
    return trace


NARROW_WRAP = 22  # characters per line of a layer's box in a narrow stack


def check_target(target, loss) -> tuple[tuple[int | None, ...], str] | None:
    """The (target shape, loss) a stack is labelled with, or None; ValueError if malformed."""
    if target is None and loss is None:
        return None
    ok_shape = isinstance(target, tuple | list) and all(
        d is None or (isinstance(d, int) and not isinstance(d, bool) and d > 0) for d in target
    )
    if not ok_shape or not target:
        raise ValueError(f"target must be a shape such as (6, 7, 1), got {target!r}")
    if not isinstance(loss, str) or not loss:
        raise ValueError(f"loss must name the loss the target is trained with, got {loss!r}")
    return tuple(target), loss


def _stack_drawing(trace: Trace, measure: Measure, *, narrow: bool, target=None) -> Drawing:
    c = Canvas(measure)
    labels = [_wrap(step.layer, NARROW_WRAP if narrow else 30) for step in trace.steps]
    widths = [c.extent(lab, SIZE)[0] for lab in labels]
    for step in trace.steps:
        if kind_of(step.layer) == "timedistributed":
            widths.append(c.extent(TD_NOTE, SMALL)[0])
    box_w = max([1.3, *widths]) + 0.3
    edge = 0.48
    cx, y = 0.0, 0.0
    c.text(cx, y, "input", weight="bold", va="bottom")
    y -= 0.04
    shape_x = cx + 0.12

    def edge_to(y_from, shape, y_to=None):
        y_to = y_from - edge if y_to is None else y_to
        c.arrow(cx, y_from, cx, y_to)
        c.text(shape_x, (y_from + y_to) / 2, fmt_shape(shape), size=SMALL, ha="left")
        return y_to

    y = edge_to(y, trace.input)
    for step, label in zip(trace.steps, labels, strict=True):
        kind = kind_of(step.layer)
        extra = step.outputs[1:]
        n_lines = label.count("\n") + 1 + (kind == "timedistributed")
        gap = 0.32 if narrow else 0.2  # between two states' arrows (two-line labels narrow)
        h = max(0.4, 0.16 * n_lines + 0.2, gap * len(extra) + 0.12)
        main = step.outputs[0] if step.outputs else step.input
        y_top = y - 0.02
        time_steps = step.input[1] if len(step.input) == 3 else None
        y_out = _icon(
            c, cx, y_top, box_w, h, label, kind, sequence=len(main) == 3, time_steps=time_steps
        )
        names = _state_labels(step.layer, len(extra))
        for k, (shape, name) in enumerate(zip(extra, names, strict=True)):
            ys = y_top - h / 2 + (len(extra) - 1) * gap / 2 - k * gap
            xa = cx + box_w / 2
            if narrow:  # the state's arrow shorter, its label on two lines
                c.arrow(xa, ys, xa + 0.3, ys)
                c.text(xa + 0.35, ys, f"{name}\n{fmt_shape(shape)}", size=SMALL, ha="left")
            else:
                c.arrow(xa, ys, xa + 0.45, ys)
                c.text(xa + 0.5, ys, f"{name} {fmt_shape(shape)}", size=SMALL, ha="left")
        y = edge_to(y_out, main)
    c.text(cx, y - 0.02, "output", weight="bold", va="top")
    if target is not None:  # what the output is trained against, under it
        shape, loss = target
        c.text(cx, y - 0.3, f"target {fmt_shape(shape)}", size=SMALL, va="top")
        c.text(cx, y - 0.5, f"loss {loss}", size=SMALL, va="top")
    return c.finish()


def stack(
    trace: Trace,
    *,
    measure: Measure = text_extent,
    column: float = PHONE_COLUMN,
    target=None,
    loss: str | None = None,
) -> Layout:
    """A stack of layers as boxes, each edge labelled with the shape flowing along it; with
    a narrow variant if the wide one would be too small in ``column`` CSS px. With
    ``target`` and ``loss``, the target shape the output is trained on is written under it."""
    trace = check_trace(trace)
    labelled = check_target(target, loss)

    def draw(*, narrow: bool) -> Drawing:
        return _stack_drawing(trace, measure, narrow=narrow, target=labelled)

    if len(trace.steps) <= 3:
        names = "The stack " + (", then ".join(s.layer for s in trace.steps) or "of no layers")
    else:
        names = (
            f"A stack of {len(trace.steps)} layers, {trace.steps[0].layer} to "
            f"{trace.steps[-1].layer}"
        )
    caption = f"{names}: input {fmt_shape(trace.input)}, {shapes_words(trace.outputs)}."
    if labelled is not None:
        caption = (
            caption[:-1] + f", trained on targets {fmt_shape(labelled[0])} with {labelled[1]}."
        )
    first = (
        f"A stack of {n_words(len(trace.steps), 'layer')} drawn top to bottom, starting from "
        f"an input of shape {fmt_shape(trace.input)}."
    )
    parts = [first]
    for step in trace.steps:
        kind = kind_of(step.layer)
        note = ""
        if kind in ("rnn", "birnn"):
            seq = len(step.outputs[0]) == 3
            note = (
                " (recurrent, drawn with a small box on its output side: it returns the "
                "whole sequence)"
                if seq
                else " (recurrent, returns only its last output)"
            )
        elif kind == "timedistributed" and len(step.input) == 3:
            note = (
                f" (one {_wrapped_layer(step.layer)} layer, drawn once, applied to each of "
                f"the {n_words(step.input[1], 'time step')} with the same weights)"
            )
        outs = " and ".join(fmt_shape(o) for o in step.outputs)
        parts.append(f"{step.layer}{note} takes {fmt_shape(step.input)} and gives {outs}.")
    if labelled is not None:
        parts.append(
            f"Under the output: it is trained on targets of shape {fmt_shape(labelled[0])} "
            f"with the loss {labelled[1]}."
        )
    return wide_and_narrow(draw, " ".join(parts), caption, column)


def icons(
    *,
    layer: str = "LSTM",
    units: int = 4,
    time_steps: int | None = 7,
    features: int = 3,
    batch: int | None = 1,
    measure: Measure = text_extent,
) -> Layout:
    """The icon pair: an RNN that returns its last output, one that returns the sequence."""
    layer = check_name("layer", layer)
    units = check_size("units", units)
    time_steps = check_size("time_steps", time_steps, allow_none=True)
    features = check_size("features", features)
    batch = check_size("batch", batch, allow_none=True)
    in_shape = (batch, time_steps, features)
    outs = [(batch, units), (batch, time_steps, units)]

    def draw(*, narrow: bool) -> Drawing:
        c = Canvas(measure)
        box_w = c.extent(layer, SIZE, "bold")[0] + 0.5
        for k, seq in enumerate((False, True)):
            # side by side, or (narrow) one under the other
            cx, dy = (0.0, -2.05 * k) if narrow else (k * 2.6, 0.0)
            out = outs[k]
            title = f"return_sequences={seq}"
            note = "returns the whole sequence" if seq else "returns only its last output"
            c.text(cx, 0.42 + dy, title, weight="bold", va="bottom")
            c.text(cx, 0.4 + dy, note, size=SMALL, va="top")
            c.arrow(cx, 0.16 + dy, cx, -0.2 + dy)
            c.text(cx + 0.1, -0.02 + dy, fmt_shape(in_shape), size=SMALL, ha="left")
            y_out = _icon(c, cx, -0.22 + dy, box_w, 0.42, layer, "rnn", sequence=seq)
            c.arrow(cx, y_out, cx, y_out - 0.4)
            c.text(cx + 0.1, y_out - 0.2, fmt_shape(out), size=SMALL, ha="left")
        return c.finish()

    caption = (
        f"The two icons: {layer}({units}) returns {fmt_shape(outs[0])}; with "
        f"return_sequences=True (small box on the output side) it returns "
        f"{fmt_shape(outs[1])}."
    )
    alt = (
        f"Two {layer} icons side by side, each fed an input of shape {fmt_shape(in_shape)}. "
        f"The left one, {layer}({units}), is a plain box with a loop arrow for its "
        f"recurrence and returns only its last output, shape {fmt_shape(outs[0])}. The right "
        f"one, {layer}({units}, return_sequences=True), has a small box on its output side "
        f"and returns the whole sequence, shape {fmt_shape(outs[1])}."
    )
    return wide_and_narrow(draw, alt, caption)
