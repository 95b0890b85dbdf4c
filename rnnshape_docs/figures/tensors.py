"""Tensors drawn as blocks of small squares, one square per number."""

from __future__ import annotations

import itertools

from rnnshape_docs.figures._common import (
    CELL,
    check_trace,
    recurrent_of,
    trace_shapes,
    wide_and_narrow,
)
from rnnshape_docs.layout import (
    FILL_INPUT,
    FILL_OUTPUT,
    INK,
    RIGHT,
    SIZE,
    SMALL,
    WRONG,
    Canvas,
    Drawing,
    Layout,
    Measure,
    as_int,
    check_size,
    fmt_shape,
    grid,
    n_words,
    slots,
    text_extent,
)
from rnnshape_docs.shapes import Trace

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


NARROW_WIDTH = 3.8  # inches: the widest row of a narrow figure (its margins come on top)


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
    rows no wider than NARROW_WIDTH; an arrow to the next row runs down the gap between the
    two rows, from under the first tensor to above the second (a line down the far side of
    the figure floated apart from both on a phone)."""
    c = Canvas(measure)
    parts = []
    for (label, shape, names), note in zip(items, notes, strict=True):
        sub = Canvas(measure)
        left_w = _left_width(sub, shape, names)
        span = _tensor(
            sub, label, shape, names, note, x=0.0, y_top=0.0, left_w=left_w, max_cells=max_cells
        )
        parts.append((sub, span, left_w))
    rows: list[list[int]] = [[]]
    width = 0.0
    for k, (sub, _, _) in enumerate(parts):
        w = sub.x1 - sub.x0
        if rows[-1] and width + 0.45 + w > NARROW_WIDTH:
            rows.append([])
            width = 0.0
        width += (0.45 if rows[-1] else 0.0) + w
        rows[-1].append(k)
    row_of = {k: r for r, row in enumerate(rows) for k in row}
    # Rows joined by an arrow leave room for it (and its label) between them.
    joined = {row_of[a] for a, b, _ in arrows if row_of[b] == row_of[a] + 1}
    spans, centres, bottoms, tops = {}, {}, {}, {}
    y_top = 0.0
    for r, row in enumerate(rows):
        if r:  # below the previous row, the tallest title of this one clear of it
            gap = 0.75 if r - 1 in joined else 0.35
            y_top = c.y0 - gap - max(parts[k][0].y1 for k in row)
        x = 0.0
        for k in row:
            sub, (s0, s1, sy), left_w = parts[k]
            dx = x - sub.x0
            c.place(sub, dx, y_top)
            spans[k] = (s0 + dx, s1 + dx, sy + y_top)
            centres[k] = (s0 + left_w + s1) / 2 + dx  # the block's centre, not its labels'
            bottoms[k], tops[k] = sub.y0 + y_top, sub.y1 + y_top
            x += sub.x1 - sub.x0 + 0.45
    for a, b, text in arrows:
        if row_of[a] == row_of[b]:
            xa, xb = spans[a][1] + 0.05, spans[b][0] - 0.05
            y = min(spans[a][2], spans[b][2])
            c.arrow(xa + 0.02, y, xb, y)
            c.text((xa + xb) / 2, y + 0.05, text, size=SMALL, va="bottom")
        else:
            x = (centres[a] + centres[b]) / 2
            ya, yb = bottoms[a] - 0.06, tops[b] + 0.06
            c.arrow(x, ya, x, yb)
            c.text(x + 0.08, (ya + yb) / 2, text, size=SMALL, ha="left", va="center")
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


def _traces(traces) -> tuple[Trace, ...]:
    if isinstance(traces, Trace):
        return (traces,)
    if not isinstance(traces, (list, tuple)) or not traces:
        raise ValueError(
            "tensor_blocks draws shapes from a trace: pass a Trace (or a list of them) first, "
            f"got {type(traces).__name__}"
        )
    return tuple(check_trace(t, "every trace") for t in traces)


def tensor_blocks(traces, items, *, max_cells: int = 8, measure: Measure = text_extent) -> Layout:
    """Tensors drawn as blocks, side by side; each shape must be one of the shapes flowing
    through ``traces`` (a Trace or a list of them: from ``trace(...)`` or ``check_model``).

    ``items``: ``[(label, shape), ...]`` or ``(label, shape, axis_names)``; typically shapes
    measured on real tensors (``array.shape``), which the trace must have predicted.

    >>> from rnnshape_docs.shapes import trace
    >>> t = trace(["LSTM(4)"], (1, 7, 3))
    >>> tensor_blocks(t, [("input", (1, 7, 3)), ("output", (1, 4))]).caption
    'Tensors as blocks: input (1, 7, 3); output (1, 4).'
    >>> tensor_blocks(t, [("input", (1, 7, 4))])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: tensor_blocks: 'input' has shape (1, 7, 4), which is not in the trace: ...
    """
    traces = _traces(traces)
    items = _items(items)
    max_cells = check_size("max_cells", max_cells)
    if max_cells < 3:
        raise ValueError(f"max_cells must be at least 3, got {max_cells}")
    shapes = trace_shapes(*traces)
    for label, shape, _ in items:
        if shape not in shapes:
            raise ValueError(
                f"tensor_blocks: {label!r} has shape {fmt_shape(shape)}, which is not in the "
                f"trace: {', '.join(map(fmt_shape, shapes))}"
            )

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
    return wide_and_narrow(draw, alt, caption, shapes=shapes)


def _reshaped(wrong: Trace) -> tuple[tuple, tuple]:
    """The last output of the first recurrent layer of ``wrong`` and the next layer's output,
    that last output given a time axis of 1."""
    steps = check_trace(wrong, "wrong").steps
    for rnn, nxt in itertools.pairwise(steps):
        out = rnn.outputs[0]
        if recurrent_of(rnn) and len(out) == 2:
            got = nxt.outputs[0]
            if len(got) == 3 and got[1] == 1 and got[2] == out[1] and got[0] == out[0]:
                return out, got
    raise ValueError(
        "wrong must be a trace in which a SimpleRNN, LSTM or GRU returning its last output "
        "(batch, units) is followed by a layer that makes it (batch, 1, units), e.g. "
        "Reshape((1, units))"
    )


def wrong_vs_right_reshape(wrong: Trace, right: Trace, *, measure: Measure = text_extent) -> Layout:
    """The 2-D last output, the wrong fix (one time step) and the right one (every step).

    ``wrong``: a trace in which a recurrent layer's last output is reshaped to one time step;
    ``right``: one whose first recurrent layer returns its sequence. Every shape comes from
    the two traces.

    >>> from rnnshape_docs.shapes import trace
    >>> wrong = trace(["LSTM(4)", "Reshape((1, 4))", "LSTM(4)"], (1, 7, 3))
    >>> right = trace(["LSTM(4, return_sequences=True)", "LSTM(4)"], (1, 7, 3))
    >>> wrong_vs_right_reshape(wrong, right).caption
    'The last output (1, 4) reshaped to (1, 1, 4) is one time step, not 7: return_sequences=True gives (1, 7, 4).'
    """
    last, reshaped = _reshaped(wrong)
    sequence = next(
        (
            s.outputs[0]
            for s in check_trace(right, "right").steps
            if recurrent_of(s) and len(s.outputs[0]) == 3
        ),
        None,
    )
    if sequence is None:
        raise ValueError("right must be a trace with a recurrent layer that returns its sequence")
    time_steps = sequence[1]
    seq = ("samples", "time steps", "features")
    items = [
        ("last output only", last, ("samples", "units")),
        ("wrong:\nreshaped", reshaped, seq),
        ("right:\nreturn_sequences=True", sequence, seq),
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

    units = last[1]
    not_steps = "" if time_steps is None else f", not {time_steps}"
    caption = (
        f"The last output {fmt_shape(last)} reshaped to {fmt_shape(reshaped)}"
        f" is one time step{not_steps}: return_sequences=True gives {fmt_shape(sequence)}."
    )
    alt = (
        f"Three tensors as blocks. Left: the last output only, shape {fmt_shape(last)}"
        f", a row of {n_words(units, 'unit')}. Middle, marked wrong: the same numbers reshaped to "
        f"{fmt_shape(reshaped)}, which a recurrent layer reads as 1 time step of "
        f"{n_words(units, 'feature')}. Right, marked right: the output of return_sequences=True, "
        f"shape {fmt_shape(sequence)}, {n_words(time_steps, 'time step')} of "
        f"{n_words(sequence[2], 'feature')}."
    )
    return wide_and_narrow(draw, alt, caption, shapes=trace_shapes(wrong, right))
