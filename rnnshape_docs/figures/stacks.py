"""A stack of layers as boxes, recurrent ones in the icon notation; and the icon pair."""

from __future__ import annotations

import re

from rnnshape_docs.figures._common import (
    PHONE_COLUMN,
    check_trace,
    recurrent_of,
    trace_shapes,
    wide_and_narrow,
)
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
    fmt_shape,
    n_words,
    shapes_words,
    slots,
    text_extent,
)
from rnnshape_docs.shapes import Step, Trace
from rnnshape_docs.specs import RECURRENT, LayerSpec, SpecError, parse


# --- 3. A stack of layers, and the icons ---------------------------------------------------
def _spec(step: Step) -> LayerSpec | None:
    if step.spec is not None:
        return step.spec
    try:
        return parse(step.layer)
    except SpecError:
        return None


def kind_of(step: Step) -> str:
    """How a layer is drawn: rnn, birnn, timedistributed, dense or other."""
    spec = _spec(step)
    name = spec.name if spec is not None else ""
    if name in RECURRENT:
        return "rnn"
    return {"Bidirectional": "birnn", "TimeDistributed": "timedistributed", "Dense": "dense"}.get(
        name, "other"
    )


def _state_labels(step: Step) -> list[str]:
    """The label of each output after the first, from the names the rules gave them: 'state
    h', 'state forward c' (a Bidirectional's 'c_fw'), 'backward' (merge_mode=None)."""
    extra = step.outputs[1:]
    names = step.names[1:] if len(step.names) == len(step.outputs) else ()
    if not names:
        return [f"output {k + 2}" for k in range(len(extra))]
    direction = {"fw": "forward", "bw": "backward"}
    labels = []
    for name in names:
        state, _, side = name.partition("_")
        if name in ("forward", "backward"):
            labels.append(f"{name} output")
        elif side in direction:
            labels.append(f"state {direction[side]} {state}")
        else:
            labels.append(f"state {name}")
    return labels


def _wrapped_layer(step: Step) -> str:
    """'Dense(2)' for 'TimeDistributed(Dense(2))'."""
    spec = _spec(step)
    if spec is not None and spec.name == "TimeDistributed":
        return spec.params["layer"].text
    return step.layer


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


NARROW_WRAP = 22  # characters per line of a layer's box in a narrow stack


def _target_label(target, loss) -> tuple[tuple[int | None, ...], str] | None:
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
        if kind_of(step) == "timedistributed":
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
        kind = kind_of(step)
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
        names = _state_labels(step)
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
    labelled = _target_label(target, loss)

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
        kind = kind_of(step)
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
                f" (one {_wrapped_layer(step)} layer, drawn once, applied to each of "
                f"the {n_words(step.input[1], 'time step')} with the same weights)"
            )
        outs = " and ".join(fmt_shape(o) for o in step.outputs)
        parts.append(f"{step.layer}{note} takes {fmt_shape(step.input)} and gives {outs}.")
    shapes = trace_shapes(trace)
    if labelled is not None:
        parts.append(
            f"Under the output: it is trained on targets of shape {fmt_shape(labelled[0])} "
            f"with the loss {labelled[1]}."
        )
        # the target's shape is drawn too: it comes from the page (and its fit), not the trace
        shapes += tuple(s for s in (labelled[0],) if s not in shapes)
    return wide_and_narrow(draw, " ".join(parts), caption, column, shapes=shapes)


def _icon_step(trace, name: str, *, sequence: bool) -> Step:
    steps = check_trace(trace, name).steps
    step = steps[0] if steps else None
    if step is None or not recurrent_of(step) or len(step.input) != 3:
        raise ValueError(f"{name} must be a trace whose first layer is a SimpleRNN, LSTM or GRU")
    if (len(step.outputs[0]) == 3) != sequence:
        raise ValueError(
            f"{name}: {step.layer} must {'' if sequence else 'not '}return its sequence "
            f"(return_sequences={sequence})"
        )
    return step


def icons(last: Trace, sequence: Trace, *, measure: Measure = text_extent) -> Layout:
    """The icon pair: the first layer of ``last`` (an RNN that returns its last output) and of
    ``sequence`` (the same RNN returning its sequence), every shape from the two traces.

    >>> from rnnshape_docs.shapes import trace
    >>> icons(
    ...     trace(["LSTM(4)"], (1, 7, 3)), trace(["LSTM(4, return_sequences=True)"], (1, 7, 3))
    ... ).caption
    'The two icons: LSTM(4) returns (1, 4); with return_sequences=True (small box on the output side) it returns (1, 7, 4).'
    """
    steps = (
        _icon_step(last, "last", sequence=False),
        _icon_step(sequence, "sequence", sequence=True),
    )
    layer = recurrent_of(steps[0])
    if recurrent_of(steps[1]) != layer or steps[0].input != steps[1].input:
        raise ValueError(
            f"icons draws one layer twice: {steps[0].layer} on {fmt_shape(steps[0].input)} and "
            f"{steps[1].layer} on {fmt_shape(steps[1].input)} differ in more than "
            "return_sequences"
        )
    units = steps[0].outputs[0][-1]
    in_shape = steps[0].input
    outs = [steps[0].outputs[0], steps[1].outputs[0]]

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
    return wide_and_narrow(draw, alt, caption, shapes=trace_shapes(last, sequence))
