"""The recurrent layer unrolled in time, alone or with one Dense layer at every step."""

from __future__ import annotations

import itertools

from rnnshape_docs.figures._common import (
    CELL,
    check_trace,
    recurrent_of,
    trace_shapes,
    where,
    wide_and_narrow,
)
from rnnshape_docs.layout import (
    FILL_CELL,
    FILL_DENSE,
    FILL_IGNORED,
    FILL_INPUT,
    FILL_OUTPUT,
    INK,
    MUTED,
    SIZE,
    SMALL,
    Canvas,
    Drawing,
    Layout,
    Measure,
    article,
    check_size,
    count,
    fmt_shape,
    grid,
    n_words,
    slots,
    text_extent,
)
from rnnshape_docs.shapes import Step, Trace

# --- 1. The RNN unrolled in time -----------------------------------------------------------
Y_IN, Y_CELL, Y_OUT, CELL_H = 0.22, 0.75, 1.55, 0.42
NARROW_STEPS = 3  # time steps drawn in a narrow figure (the first, an ellipsis, the last)
NARROW_CELLS = 4  # squares drawn across a vector in a narrow figure
ELLIPSIS_W = 0.45  # the width of an ellipsis column in a narrow figure


def _step_label(i: int) -> str:
    return "t=T" if i == -1 else f"t={i + 1}"


def _columns(steps, pitch: float, *, narrow: bool) -> list[float]:
    """The x of each step's column; a narrow figure gives an ellipsis less room."""
    if not narrow:
        return [k * pitch for k in range(len(steps))]
    xs = [0.0]
    for a, b in itertools.pairwise(steps):
        wa = ELLIPSIS_W if a is None else pitch
        wb = ELLIPSIS_W if b is None else pitch
        xs.append(xs[-1] + (wa + wb) / 2)
    return xs


def _recurrent_row(c, steps, f_slots, u_slots, layer, *, keep_all: bool, narrow: bool = False):
    """Inputs, cells, state arrows and outputs, one column per step; returns x positions."""
    s = CELL
    cell_w = max(0.62, c.extent(layer, SIZE, "bold")[0] + 0.16)
    pitch = max(cell_w, len(f_slots) * s, len(u_slots) * s) + 0.3
    xs = _columns(steps, pitch, narrow=narrow)
    fw, uw = len(f_slots) * s, len(u_slots) * s
    last = len(steps) - 1
    for k, (x, i) in enumerate(zip(xs, steps, strict=True)):
        if i is None:  # the ellipsis column
            c.text(x, Y_CELL + CELL_H / 2, "…", size=14)
            c.text(x, Y_IN + s / 2, "…", size=SIZE)
            c.text(x, Y_OUT + s / 2, "…", size=SIZE)
            continue
        c.text(x, 0.05, _step_label(i), size=SMALL)
        c.cells(x - fw / 2, Y_IN, f_slots, s=s, fill=FILL_INPUT)
        c.arrow(x, Y_IN + s + 0.04, x, Y_CELL - 0.03)
        c.rect(x - cell_w / 2, Y_CELL, cell_w, CELL_H, fill=FILL_CELL, round_=0.06)
        c.text(x, Y_CELL + CELL_H / 2, layer, weight="bold")
        kept = keep_all or k == last
        colour = INK if kept else MUTED
        ls = "-" if kept else "--"
        c.arrow(x, Y_CELL + CELL_H + 0.03, x, Y_OUT - 0.04, color=colour, ls=ls)
        fill = FILL_OUTPUT if kept else FILL_IGNORED
        c.cells(x - uw / 2, Y_OUT, u_slots, s=s, fill=fill, edge=colour, ls=ls)
        if not kept:
            c.text(x, Y_OUT + s + 0.12, "ignored", size=SMALL, color="#666666")
    # the state, passed from each cell to the next (open arrow heads)
    y_state = Y_CELL + CELL_H / 2
    for k in range(len(steps) - 1):
        a = xs[k] + (0.15 if steps[k] is None else cell_w / 2) + 0.03
        b = xs[k + 1] - (0.15 if steps[k + 1] is None else cell_w / 2) - 0.03
        c.arrow(a, y_state, b, y_state, style="->", lw=1.3)
    return xs, pitch


def _row_labels(c, x, features, units):
    c.text(x, Y_IN + CELL / 2, f"inputs\n{n_words(features, 'feature')}", size=SMALL, ha="right")
    c.text(x, Y_CELL + CELL_H / 2, "one cell,\nstate passed on", size=SMALL, ha="right")
    c.text(x, Y_OUT + CELL / 2, f"outputs\n{n_words(units, 'unit')}", size=SMALL, ha="right")


def _stacked_result(c, xs, y_strip, u_slots, time_steps, units, out_shape, max_steps, xr):
    """Bracket over a row of per-step strips, an arrow, and the (time steps x units) grid."""
    s = CELL
    uw = len(u_slots) * s
    y_br = y_strip + s + 0.1
    x_a, x_b = xs[0] - uw / 2, xs[-1] + uw / 2
    c.line([x_a, x_a, x_b, x_b], [y_br - 0.05, y_br, y_br, y_br - 0.05], lw=1.0)
    kept = f"every output kept: {count(time_steps, 'output')}"
    if len(xs) == 1:
        kept = "its one output"
    c.text((x_a + x_b) / 2, y_br + 0.06, kept, size=SMALL, va="bottom")
    if xr is None:  # narrow: the grid goes above the bracket
        _stacked_above(c, (x_a + x_b) / 2, y_br + 0.06, kept, u_slots, time_steps, units, out_shape)
        return
    xr = max(xr, (x_a + x_b) / 2 + c.extent(kept, SMALL)[0] / 2 + 0.5)
    rows = slots(time_steps, max_steps)
    gw, gh = uw, len(rows) * s
    top = y_br + gh / 2
    c.arrow(x_b + 0.05, y_br, xr - 0.05, y_br)
    c.text((x_b + xr) / 2, y_br - 0.08, "stacked", size=SMALL, va="top")
    grid(c, xr, top, rows, u_slots, s=s, fill=FILL_OUTPUT)
    c.text(xr + gw / 2, top + 0.06, count(units, "unit"), size=SMALL, va="bottom")
    c.text(xr + gw + 0.08, top - gh / 2, count(time_steps, "time step"), size=SMALL, ha="left")
    c.text(xr + gw / 2, top - gh - 0.08, f"output\n{fmt_shape(out_shape)}", va="top")


def _stacked_above(c, x_mid, y_label, kept, u_slots, time_steps, units, out_shape):
    """The (time steps x units) grid above a row of strips, reached by an upward arrow."""
    s = CELL
    y_from = y_label + c.extent(kept, SMALL)[1] + 0.04
    y_to = y_from + 0.35
    c.arrow(x_mid, y_from, x_mid, y_to)
    c.text(x_mid + 0.08, (y_from + y_to) / 2, "stacked", size=SMALL, ha="left")
    rows = slots(time_steps, NARROW_STEPS)
    gw, gh = len(u_slots) * s, len(rows) * s
    x, top = x_mid - gw / 2, y_to + 0.04 + gh
    grid(c, x, top, rows, u_slots, s=s, fill=FILL_OUTPUT)
    c.text(x_mid, top + 0.06, count(units, "unit"), size=SMALL, va="bottom")
    c.text(x + gw + 0.08, top - gh / 2, count(time_steps, "time step"), size=SMALL, ha="left")
    c.text(x - 0.1, top - gh / 2, f"output\n{fmt_shape(out_shape)}", ha="right")


def _last_output_above(c, x, u_slots, out_shape):
    """The last step's output carried up on its own (a narrow figure's result)."""
    s = CELL
    uw = len(u_slots) * s
    y_from = Y_OUT + s + 0.04
    y_to = y_from + 0.35
    c.arrow(x, y_from, x, y_to)
    c.cells(x - uw / 2, y_to + 0.04, u_slots, s=s, fill=FILL_OUTPUT)
    c.text(x, y_to + s + 0.12, "last output", size=SMALL, va="bottom")
    c.text(x - uw / 2 - 0.1, y_to + 0.04 + s / 2, f"output\n{fmt_shape(out_shape)}", ha="right")


def _check_steps(max_steps) -> int:
    max_steps = check_size("max_steps", max_steps)
    if max_steps < 3:
        raise ValueError(f"max_steps must be at least 3, got {max_steps}")
    return max_steps


def _input_line(in_shape, time_steps, features, *, narrow: bool = False) -> str:
    """The line under an unrolled row; two lines in a narrow figure."""
    return (
        f"input {fmt_shape(in_shape)}:{chr(10) if narrow else ' '}"
        f"{n_words(time_steps, 'time step')} of {n_words(features, 'feature')}"
    )


def _recurrent_step(trace: Trace, step: int | None, figure: str) -> tuple[int, Step]:
    """The step a figure unrolls: ``step`` (counted from 0), or the first SimpleRNN, LSTM or
    GRU layer with 3-D input."""
    trace = check_trace(trace)
    if step is not None:
        if isinstance(step, bool) or not isinstance(step, int) or not 0 <= step < len(trace.steps):
            raise ValueError(
                f"step must count a layer of the trace from 0 (0 to {len(trace.steps) - 1}), "
                f"got {step!r}"
            )
        found = trace.steps[step]
        if not recurrent_of(found) or len(found.input) != 3:
            raise ValueError(
                f"{figure} needs a SimpleRNN, LSTM or GRU layer with 3-D input; layer "
                f"{step + 1} is {found.layer} on {fmt_shape(found.input)}"
            )
        return step, found
    for i, found in enumerate(trace.steps):
        if recurrent_of(found) and len(found.input) == 3:
            return i, found
    raise ValueError(
        f"{figure} needs a SimpleRNN, LSTM or GRU layer in the trace "
        "(Bidirectional layers are drawn with kind='stack')"
    )


def unrolled(
    trace: Trace,
    *,
    step: int | None = None,
    max_steps: int = 4,
    measure: Measure = text_extent,
) -> Layout:
    """A recurrent layer of ``trace`` unrolled over its time steps: layer ``step`` (counted
    from 0), or the first SimpleRNN, LSTM or GRU layer; every shape comes from the trace.

    >>> from rnnshape_docs.shapes import trace
    >>> unrolled(trace(["LSTM(4)"], (1, 7, 3))).caption
    'LSTM unrolled over 7 time steps, return_sequences=False: input (1, 7, 3), output (1, 4).'
    """
    index, found = _recurrent_step(trace, step, "unrolled")
    max_steps = _check_steps(max_steps)
    layer = recurrent_of(found)
    in_shape, out_shape = tuple(found.input), tuple(found.outputs[0])
    _, time_steps, features = in_shape
    if features is None:
        raise ValueError(f"unrolled needs the number of features of {found.layer}")
    units = out_shape[-1]
    return_sequences = len(out_shape) == 3
    prefix = where(trace, index)
    steps = slots(time_steps, max_steps)

    def draw(*, narrow: bool) -> Drawing:
        cells = NARROW_CELLS if narrow else 5
        row = slots(time_steps, min(max_steps, NARROW_STEPS)) if narrow else steps
        f_slots, u_slots = slots(features, cells), slots(units, cells)
        c = Canvas(measure)
        xs, pitch = _recurrent_row(
            c, row, f_slots, u_slots, layer, keep_all=return_sequences, narrow=narrow
        )
        _row_labels(c, xs[0] - pitch / 2, features, units)
        c.text(
            (xs[0] + xs[-1]) / 2,
            -0.2,
            _input_line(in_shape, time_steps, features, narrow=narrow),
            va="top",
        )
        xr = None if narrow else xs[-1] + pitch / 2 + 0.45
        if return_sequences:
            _stacked_result(c, xs, Y_OUT, u_slots, time_steps, units, out_shape, max_steps, xr)
        elif narrow:
            _last_output_above(c, xs[-1], u_slots, out_shape)
        else:
            s, uw = CELL, len(u_slots) * CELL
            ya = Y_OUT + s / 2
            c.arrow(xs[-1] + uw / 2 + 0.05, ya, xr - 0.05, ya)
            c.cells(xr, Y_OUT, u_slots, s=s, fill=FILL_OUTPUT)
            c.text(xr + uw / 2, Y_OUT + s + 0.08, "last output", size=SMALL, va="bottom")
            c.text(xr + uw / 2, Y_OUT - 0.08, f"output\n{fmt_shape(out_shape)}", va="top")
        return c.finish()

    over = "any number of" if time_steps is None else str(time_steps)
    steps_word = "time step" if time_steps == 1 else "time steps"
    caption = (
        f"{layer} unrolled over {over} {steps_word}, return_sequences={return_sequences}: "
        f"input {fmt_shape(in_shape)}, output {fmt_shape(out_shape)}."
    )
    if return_sequences:
        fate = (
            "every step's output is kept and the outputs are stacked into a grid of "
            f"{n_words(time_steps, 'time step')} by {n_words(units, 'unit')}"
        )
    elif time_steps == 1:
        fate = "its one output is also the last output, and it goes on"
    else:
        fate = "the outputs of the earlier steps are ignored and only the last one goes on"
    alt = (
        f"Diagram of {article(layer)} {layer} layer unrolled over {over} {steps_word}"
        f"{' (the middle steps are drawn as an ellipsis)' if None in steps else ''}. "
        f"At each step the {layer} cell takes a row of {n_words(features, 'feature')}, passes "
        f"its state on to the next step and produces an output of {n_words(units, 'unit')}; "
        f"{fate}. The input has shape {fmt_shape(in_shape)} and the output has shape "
        f"{fmt_shape(out_shape)}."
    )
    return wide_and_narrow(draw, prefix + alt, prefix + caption, shapes=trace_shapes(trace))


# --- 4. Many-to-many, same length--------------------------------------------------------------
def _is_dense(step: Step) -> bool:
    spec = step.spec
    if spec is not None and spec.name == "TimeDistributed":
        spec = spec.params.get("layer")
    return spec is not None and spec.name == "Dense"


def seq2seq(trace: Trace, *, max_steps: int = 4, measure: Measure = text_extent) -> Layout:
    """A recurrent layer returning sequences, then one Dense layer reused at every step: the
    first such pair of layers in ``trace``, every shape from the trace.

    >>> from rnnshape_docs.shapes import trace
    >>> seq2seq(trace(["SimpleRNN(4, return_sequences=True)", "Dense(1)"], (1, 7, 3))).caption
    'Many-to-many (same length): SimpleRNN(4, return_sequences=True) then Dense(1) at every step: input (1, 7, 3), output (1, 7, 1).'
    """
    trace = check_trace(trace)
    max_steps = _check_steps(max_steps)
    pairs = [
        i
        for i, (rnn, dense) in enumerate(itertools.pairwise(trace.steps))
        if recurrent_of(rnn) and len(rnn.outputs[0]) == 3 and _is_dense(dense)
        and len(dense.input) == 3
    ]  # fmt: skip
    if not pairs:
        raise ValueError(
            "seq2seq needs a SimpleRNN, LSTM or GRU layer with return_sequences=True followed "
            "by a Dense (or TimeDistributed(Dense)) layer in the trace"
        )
    index = pairs[0]
    rnn, dense = trace.steps[index], trace.steps[index + 1]
    layer = recurrent_of(rnn)
    in_shape, mid_shape, out_shape = rnn.input, rnn.outputs[0], dense.outputs[0]
    _, time_steps, features = in_shape
    if features is None:
        raise ValueError(f"seq2seq needs the number of features of {rnn.layer}")
    units, dense_units = mid_shape[-1], out_shape[-1]
    inner = dense.spec.params["layer"] if dense.spec.name == "TimeDistributed" else dense.spec
    dense_name = inner.text
    prefix = where(trace, index, index + 1)

    def draw(*, narrow: bool) -> Drawing:
        cells = NARROW_CELLS if narrow else 5
        steps = slots(time_steps, min(max_steps, NARROW_STEPS) if narrow else max_steps)
        f_slots, u_slots = slots(features, cells), slots(units, cells)
        d_slots = slots(dense_units, cells)
        c = Canvas(measure)
        xs, pitch = _recurrent_row(c, steps, f_slots, u_slots, layer, keep_all=True, narrow=narrow)
        s = CELL
        # one Dense layer, drawn once across every step
        y_band, band_h = Y_OUT + s + 0.35, 0.4
        xa, xb = xs[0] - pitch / 2 + 0.1, xs[-1] + pitch / 2 - 0.1
        sep = "\n" if narrow else " "
        dense = f"{dense_name}\none layer,{sep}the same weights at every step"
        if len(xs) == 1:
            dense = dense_name
        if narrow:
            band_h = max(band_h, c.extent(dense, SIZE)[1] + 0.1)
        need = c.extent(dense, SIZE)[0] + 0.3
        if xb - xa < need:
            mid = (xa + xb) / 2
            xa, xb = mid - need / 2, mid + need / 2
        c.rect(xa, y_band, xb - xa, band_h, fill=FILL_DENSE, round_=0.06)
        c.text((xa + xb) / 2, y_band + band_h / 2, dense)
        y_dout = y_band + band_h + 0.35
        dw = len(d_slots) * s
        for x, i in zip(xs, steps, strict=True):
            if i is None:
                c.text(x, y_dout + s / 2, "…")
                continue
            c.arrow(x, Y_OUT + s + 0.04, x, y_band - 0.03)
            c.arrow(x, y_band + band_h + 0.03, x, y_dout - 0.04)
            c.cells(x - dw / 2, y_dout, d_slots, s=s, fill=FILL_OUTPUT)
        lx = min(xs[0] - pitch / 2, xa - 0.12)
        _row_labels(c, lx, features, units)
        c.text(
            lx, y_dout + s / 2, f"Dense outputs\n{n_words(dense_units, 'unit')}", size=SMALL,
            ha="right",
        )  # fmt: skip
        c.text(
            (xs[0] + xs[-1]) / 2,
            -0.2,
            _input_line(in_shape, time_steps, features, narrow=narrow),
            va="top",
        )
        xr = None if narrow else xs[-1] + pitch / 2 + 0.45
        _stacked_result(c, xs, y_dout, d_slots, time_steps, dense_units, out_shape, max_steps, xr)
        return c.finish()

    caption = (
        f"{prefix}Many-to-many (same length): {rnn.layer} then {dense.layer} at every step: "
        f"input {fmt_shape(in_shape)}, output {fmt_shape(out_shape)}."
    )
    alt = (
        f"Diagram of {article(layer)} {layer} layer unrolled over "
        f"{n_words(time_steps, 'time step')}, returning "
        f"its whole sequence {fmt_shape(mid_shape)}, with one {dense_name} layer "
        f"drawn as a single band across every step: the same weights turn each step's "
        f"{n_words(units, 'unit')} into {n_words(dense_units, 'unit')}. The Dense outputs are "
        f"stacked into the output of shape {fmt_shape(out_shape)}; the input has shape "
        f"{fmt_shape(in_shape)}."
    )
    return wide_and_narrow(draw, prefix + alt, caption, shapes=trace_shapes(trace))
