"""What each figure of the book draws: its boxes, arrows and labels, laid out on a
:class:`~rnnshape_docs.layout.Canvas`, and its alt text and caption, from the same sizes.

Every function returns a :class:`~rnnshape_docs.layout.Layout`: the wide drawing, and a
narrow one for a phone's column when the wide one would shrink its labels below
:data:`~rnnshape_docs.layout.MIN_LABEL_PX` there. The narrow one comes from the same code
and the same sizes: fewer time steps drawn, results above instead of beside, side-by-side
parts one under the other, long labels wrapped sooner. Standard library only (the browser's
explorer draws with it); :mod:`rnnshape_docs.diagrams` renders these with matplotlib.
"""

from __future__ import annotations

import itertools
import re

from rnnshape_docs.layout import (
    FILL_CELL,
    FILL_DENSE,
    FILL_IGNORED,
    FILL_INPUT,
    FILL_OTHER,
    FILL_OUTPUT,
    INK,
    MIN_LABEL_PX,
    MUTED,
    RIGHT,
    SIZE,
    SMALL,
    WRONG,
    Canvas,
    Drawing,
    Layout,
    Measure,
    article,
    as_int,
    check_flag,
    check_name,
    check_size,
    count,
    fmt_shape,
    grid,
    n_words,
    shapes_words,
    slots,
    text_extent,
)
from rnnshape_docs.shapes import _STATE_NAMES, Trace

# The figure's column on a 390 CSS px phone (measured in Chromium: the page's side padding and
# the figure card's own padding leave this much); a wide drawing whose labels would render
# below MIN_LABEL_PX at this width gets a narrow variant.
PHONE_COLUMN = 340.0


def _layout(draw, alt: str, caption: str, column: float = PHONE_COLUMN) -> Layout:
    """The wide drawing, and the narrow one when the wide one is too small in ``column``
    CSS px (a phone's, unless told)."""
    wide = draw(narrow=False)
    narrow = None
    if wide.label_px(column) < MIN_LABEL_PX:
        narrow = draw(narrow=True)
    return Layout(wide, narrow, alt, caption)


# --- 1. The RNN unrolled in time -----------------------------------------------------------
CELL = 0.15  # the side of one small square (one number), in inches
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


def unrolled(
    time_steps: int | None,
    features: int,
    units: int,
    *,
    return_sequences: bool,
    layer: str = "LSTM",
    batch: int | None = 1,
    max_steps: int = 4,
    measure: Measure = text_extent,
) -> Layout:
    """A recurrent layer unrolled over its time steps."""
    time_steps = check_size("time_steps", time_steps, allow_none=True)
    features = check_size("features", features)
    units = check_size("units", units)
    return_sequences = check_flag("return_sequences", return_sequences)
    layer = check_name("layer", layer)
    batch = check_size("batch", batch, allow_none=True)
    max_steps = _check_steps(max_steps)

    in_shape = (batch, time_steps, features)
    out_shape = (batch, time_steps, units) if return_sequences else (batch, units)
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
    return _layout(draw, alt, caption)


# --- 2. Tensors as blocks ------------------------------------------------------------------
DEFAULT_AXES = {
    1: ("units",),
    2: ("samples", "units"),
    3: ("samples", "time steps", "features"),
}
_SINGULAR = {"samples": "sample", "time steps": "time step", "features": "feature", "units": "unit"}


def _axis_words(value: int | None, name: str) -> str:
    one = _SINGULAR.get(name, name)
    if value is None:
        return f"{name}: None"
    return f"{value} {one if value == 1 else name}"


def _shade(colour: str) -> str:
    """A slightly darker tint for the top and side faces of a block."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(round(v * 0.88) for v in (r, g, b)))


def _check_shape(name: str, shape) -> tuple[int | None, ...]:
    if isinstance(shape, (str, bytes)) or not hasattr(shape, "__len__"):
        raise ValueError(f"{name} must be a shape of 1 to 3 axes, got {shape!r}")
    if not 1 <= len(shape) <= 3:
        raise ValueError(f"{name} must be a shape of 1 to 3 axes, got {shape!r}")
    out = []
    for d in shape:
        number = None if d is None else as_int(d)
        if d is not None and (number is None or number < 1):
            raise ValueError(f"{name} must hold positive integers or None, got {shape!r}")
        out.append(number)
    return tuple(out)


def _block(c, x, y_top, shape, names, *, max_cells, fill, edge=INK):
    """One tensor drawn with its top-left front corner at (x, y_top); returns (w, h)."""
    s = CELL
    nd = len(shape)
    if nd == 3:
        depth, rows_n, cols_n = shape
    elif nd == 2:
        depth, rows_n, cols_n = 1, shape[0], shape[1]
    else:
        depth, rows_n, cols_n = 1, 1, shape[0]
    rows, cols = slots(rows_n, max_cells), slots(cols_n, max_cells)
    layers = 3 if depth is None else min(depth, 3)
    w, h = len(cols) * s, len(rows) * s
    off = 0.09
    grid(c, x, y_top, rows, cols, s=s, fill=fill)
    if nd == 3:  # a block: top and right faces, one slab per sample (up to 3)
        d = layers * off
        ls = "--" if depth is None else "-"
        side = _shade(fill)
        c.poly(
            [(x, y_top), (x + w, y_top), (x + w + d, y_top + d), (x + d, y_top + d)],
            fill=side,
            edge=edge,
            lw=0.8,
            ls=ls,
        )
        c.poly(
            [
                (x + w, y_top),
                (x + w, y_top - h),
                (x + w + d, y_top - h + d),
                (x + w + d, y_top + d),
            ],
            fill=side,
            edge=edge,
            lw=0.8,
            ls=ls,
        )
        for k in range(1, layers):
            e = k * off
            c.line(
                [x + e, x + w + e, x + w + e], [y_top + e, y_top + e, y_top - h + e], lw=0.6, ls=ls
            )
    if nd == 3:  # the depth axis: samples
        lx, ly = x + w + layers * off + 0.06, y_top + layers * off / 2
        c.text(lx, ly, _axis_words(shape[0], names[0]), size=SMALL, ha="left", va="center")
    # the other two axes
    if nd >= 2:
        c.text(
            x - 0.07,
            y_top - h / 2,
            _axis_words(shape[-2], names[-2]),
            size=SMALL,
            ha="right",
        )
    c.text(x + w / 2, y_top - h - 0.06, _axis_words(shape[-1], names[-1]), size=SMALL, va="top")
    return w, h


def _tensor(c, label, shape, names, note, *, x, y_top, left_w, max_cells):
    """One tensor with its title above and its shape below; returns its span (x0, x1, y)."""
    x0 = x + left_w
    colour = {"wrong": WRONG, "right": RIGHT}.get(note, INK)
    w, h = _block(
        c,
        x0,
        y_top,
        shape,
        names,
        max_cells=max_cells,
        fill={"wrong": "#f9dccb", "right": FILL_OUTPUT}.get(note, FILL_INPUT),
    )
    cx = x0 + w / 2
    c.text(cx, y_top + 0.42, label, weight="bold", va="bottom", color=colour)
    c.text(cx, y_top - h - 0.3, fmt_shape(shape), va="top", color=colour, weight="bold")
    return x0 - left_w, x0 + w, y_top - h / 2


def _left_width(c, shape, names) -> float:
    return (
        max(
            c.extent(_axis_words(d, n), SMALL)[0]
            for d, n in zip(shape[-2:], names[-2:], strict=True)
        )
        + 0.1
    )


NARROW_WIDTH = 4.0  # inches: the widest a narrow figure may grow before it wraps (phones)


def _tensor_row(items, notes, *, max_cells, arrows=(), measure=text_extent, narrow=False):
    """Tensors side by side, with arrows between them; narrow, in rows that wrap."""
    if narrow:
        return _tensor_rows(items, notes, max_cells=max_cells, arrows=arrows, measure=measure)
    c = Canvas(measure)
    x = 0.0
    y_top = 0.0
    spans = []
    for (label, shape, names), note in zip(items, notes, strict=True):
        label_w = c.extent(label, SIZE, "bold")[0]
        left_w = _left_width(c, shape, names)
        span = _tensor(
            c, label, shape, names, note, x=x, y_top=y_top, left_w=left_w, max_cells=max_cells
        )
        spans.append(span)
        cx = (span[0] + left_w + span[1]) / 2
        x = max(c.x1, cx + label_w / 2) + 0.45
    for a, b, text in arrows:
        xa, xb, y = spans[a][1] + 0.05, spans[b][0] - 0.05, min(spans[a][2], spans[b][2])
        c.arrow(xa + 0.02, y, xb, y)
        c.text((xa + xb) / 2, y + 0.05, text, size=SMALL, va="bottom")
    return c


def _tensor_rows(items, notes, *, max_cells, arrows, measure):
    """The narrow arrangement: each tensor drawn on its own, then placed left to right in
    rows no wider than NARROW_WIDTH; an arrow to the next row runs down the right side."""
    c = Canvas(measure)
    parts = []
    for (label, shape, names), note in zip(items, notes, strict=True):
        sub = Canvas(measure)
        left_w = _left_width(sub, shape, names)
        span = _tensor(
            sub, label, shape, names, note, x=0.0, y_top=0.0, left_w=left_w, max_cells=max_cells
        )
        parts.append((sub, span))
    rows: list[list[int]] = [[]]
    width = 0.0
    for k, (sub, _) in enumerate(parts):
        w = sub.x1 - sub.x0
        if rows[-1] and width + 0.45 + w > NARROW_WIDTH:
            rows.append([])
            width = 0.0
        width += (0.45 if rows[-1] else 0.0) + w
        rows[-1].append(k)
    spans, where = {}, {}
    y_top = 0.0
    for r, row in enumerate(rows):
        if r:  # below the previous row, the tallest title of this one clear of it
            y_top = c.y0 - 0.35 - max(parts[k][0].y1 for k in row)
        x = 0.0
        for k in row:
            sub, (s0, s1, sy) = parts[k]
            dx = x - sub.x0
            c.place(sub, dx, y_top)
            spans[k], where[k] = (s0 + dx, s1 + dx, sy + y_top), r
            x += sub.x1 - sub.x0 + 0.45
    x_side = c.x1 + 0.15
    for a, b, text in arrows:
        if where[a] == where[b]:
            xa, xb = spans[a][1] + 0.05, spans[b][0] - 0.05
            y = min(spans[a][2], spans[b][2])
            c.arrow(xa + 0.02, y, xb, y)
            c.text((xa + xb) / 2, y + 0.05, text, size=SMALL, va="bottom")
        else:
            ya, yb = spans[a][2], spans[b][2]
            c.arrow(x_side, ya, x_side, yb)
            c.text(x_side + 0.06, (ya + yb) / 2, text, size=SMALL, ha="left")
    return c


def _items(items) -> list[tuple[str, tuple, tuple[str, ...]]]:
    if not isinstance(items, (list, tuple)) or not items:
        raise ValueError(f"items must be a non-empty list of (label, shape), got {items!r}")
    out = []
    for item in items:
        if not isinstance(item, (list, tuple)) or len(item) not in (2, 3):
            raise ValueError(
                f"items must hold (label, shape) or (label, shape, axis_names), got {item!r}"
            )
        label, shape = item[0], _check_shape("items", item[1])
        if not isinstance(label, str):
            raise ValueError(f"items: a label must be a string, got {label!r}")  # noqa: TRY004
        names = tuple(item[2]) if len(item) == 3 else DEFAULT_AXES[len(shape)]
        if len(names) != len(shape) or not all(isinstance(n, str) for n in names):
            raise ValueError(f"items: axis_names must name each axis of {shape!r}, got {names!r}")
        out.append((label, shape, names))
    return out


def _describe(label, shape, names) -> str:
    axes = " by ".join(
        f"an unknown number of {n}" if d is None else _axis_words(d, n)
        for d, n in zip(shape, names, strict=True)
    )
    return f"{label!r} has shape {fmt_shape(shape)}: {axes}"


def tensor_blocks(items, *, max_cells: int = 8, measure: Measure = text_extent) -> Layout:
    """Tensors drawn as blocks, side by side."""
    items = _items(items)
    max_cells = check_size("max_cells", max_cells)
    if max_cells < 3:
        raise ValueError(f"max_cells must be at least 3, got {max_cells}")

    def draw(*, narrow: bool) -> Drawing:
        notes = [None] * len(items)
        return _tensor_row(
            items, notes, max_cells=max_cells, measure=measure, narrow=narrow
        ).finish()

    caption = (
        "Tensors as blocks: "
        + "; ".join(f"{label} {fmt_shape(shape)}" for label, shape, _ in items)
        + "."
    )
    alt = (
        "Tensors drawn as blocks of small squares, one square per number. "
        + "; ".join(_describe(*it) for it in items)
        + "."
    )
    return _layout(draw, alt, caption)


def wrong_vs_right_reshape(
    time_steps: int = 7, units: int = 4, *, batch: int = 1, measure: Measure = text_extent
) -> Layout:
    """The 2-D last output, the wrong fix (one time step) and the right one (every step)."""
    time_steps = check_size("time_steps", time_steps)
    units = check_size("units", units)
    batch = check_size("batch", batch)
    seq = ("samples", "time steps", "features")
    items = [
        ("last output only", (batch, units), ("samples", "units")),
        ("wrong:\nreshaped", (batch, 1, units), seq),
        ("right:\nreturn_sequences=True", (batch, time_steps, units), seq),
    ]

    def draw(*, narrow: bool) -> Drawing:
        return _tensor_row(
            items,
            [None, "wrong", "right"],
            max_cells=8,
            arrows=[(0, 1, "reshape")],
            measure=measure,
            narrow=narrow,
        ).finish()

    caption = (
        f"The last output {fmt_shape((batch, units))} reshaped to {fmt_shape((batch, 1, units))}"
        f" is one time step, not {time_steps}: return_sequences=True gives "
        f"{fmt_shape((batch, time_steps, units))}."
    )
    alt = (
        f"Three tensors as blocks. Left: the last output only, shape {fmt_shape((batch, units))}"
        f", a row of {n_words(units, 'unit')}. Middle, marked wrong: the same numbers reshaped to "
        f"{fmt_shape((batch, 1, units))}, which a recurrent layer reads as 1 time step of "
        f"{n_words(units, 'feature')}. Right, marked right: the output of return_sequences=True, "
        f"shape {fmt_shape((batch, time_steps, units))}, {n_words(time_steps, 'time step')} of "
        f"{n_words(units, 'feature')}."
    )
    return _layout(draw, alt, caption)


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
        names = list(_STATE_NAMES[m.group(1)])
    else:
        m = _BIDIRECTIONAL.match(layer)
        inner = _STATE_NAMES.get(m.group(1) or "", ()) if m else ()
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


def _stack_drawing(trace: Trace, measure: Measure, *, narrow: bool) -> Drawing:
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
        h = max(0.4, 0.16 * n_lines + 0.2, 0.2 * len(extra) + 0.12)
        main = step.outputs[0] if step.outputs else step.input
        y_top = y - 0.02
        time_steps = step.input[1] if len(step.input) == 3 else None
        y_out = _icon(
            c, cx, y_top, box_w, h, label, kind, sequence=len(main) == 3, time_steps=time_steps
        )
        names = _state_labels(step.layer, len(extra))
        for k, (shape, name) in enumerate(zip(extra, names, strict=True)):
            ys = y_top - h / 2 + (len(extra) - 1) * 0.1 - k * 0.2
            xa = cx + box_w / 2
            if narrow:  # the state's arrow shorter, its label on two lines
                c.arrow(xa, ys, xa + 0.3, ys)
                c.text(xa + 0.35, ys, f"{name}\n{fmt_shape(shape)}", size=SMALL, ha="left")
            else:
                c.arrow(xa, ys, xa + 0.45, ys)
                c.text(xa + 0.5, ys, f"{name} {fmt_shape(shape)}", size=SMALL, ha="left")
        y = edge_to(y_out, main)
    c.text(cx, y - 0.02, "output", weight="bold", va="top")
    return c.finish()


def stack(trace: Trace, *, measure: Measure = text_extent, column: float = PHONE_COLUMN) -> Layout:
    """A stack of layers as boxes, each edge labelled with the shape flowing along it; with
    a narrow variant if the wide one would be too small in ``column`` CSS px."""
    trace = check_trace(trace)

    def draw(*, narrow: bool) -> Drawing:
        return _stack_drawing(trace, measure, narrow=narrow)

    if len(trace.steps) <= 3:
        names = "The stack " + (", then ".join(s.layer for s in trace.steps) or "of no layers")
    else:
        names = (
            f"A stack of {len(trace.steps)} layers, {trace.steps[0].layer} to "
            f"{trace.steps[-1].layer}"
        )
    caption = f"{names}: input {fmt_shape(trace.input)}, {shapes_words(trace.outputs)}."
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
    return _layout(draw, " ".join(parts), caption, column)


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
    return _layout(draw, alt, caption)


# --- 4. Sequence to sequence ---------------------------------------------------------------
def seq2seq(
    time_steps: int | None,
    units: int,
    dense_units: int,
    *,
    features: int = 1,
    layer: str = "SimpleRNN",
    batch: int | None = 1,
    max_steps: int = 4,
    measure: Measure = text_extent,
) -> Layout:
    """A recurrent layer returning sequences, then one Dense layer reused at every step."""
    time_steps = check_size("time_steps", time_steps, allow_none=True)
    units = check_size("units", units)
    dense_units = check_size("dense_units", dense_units)
    features = check_size("features", features)
    layer = check_name("layer", layer)
    batch = check_size("batch", batch, allow_none=True)
    max_steps = _check_steps(max_steps)
    in_shape = (batch, time_steps, features)
    mid_shape = (batch, time_steps, units)
    out_shape = (batch, time_steps, dense_units)

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
        dense = f"Dense({dense_units})\none layer,{sep}the same weights at every step"
        if len(xs) == 1:
            dense = f"Dense({dense_units})"
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
        f"Sequence to sequence: {layer}({units}, return_sequences=True) then "
        f"Dense({dense_units}) at every step: input {fmt_shape(in_shape)}, "
        f"output {fmt_shape(out_shape)}."
    )
    alt = (
        f"Diagram of {article(layer)} {layer} layer unrolled over "
        f"{n_words(time_steps, 'time step')}, returning "
        f"its whole sequence {fmt_shape(mid_shape)}, with one Dense({dense_units}) layer "
        f"drawn as a single band across every step: the same weights turn each step's "
        f"{n_words(units, 'unit')} into {n_words(dense_units, 'unit')}. The Dense outputs are "
        f"stacked into the output of shape {fmt_shape(out_shape)}; the input has shape "
        f"{fmt_shape(in_shape)}."
    )
    return _layout(draw, alt, caption)


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
