"""Windows cut from a table: which rows each window takes, and which rows are its target.

Drawn from the row indices a page really computed (for instance by windowing
``np.arange(rows)`` the same way as the data), never from sizes typed a second time.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from rnnshape_docs.figures._common import CELL, wide_and_narrow
from rnnshape_docs.layout import (
    FILL_IGNORED,
    FILL_INPUT,
    FILL_OTHER,
    FILL_OUTPUT,
    INK,
    MUTED,
    SMALL,
    Canvas,
    Drawing,
    Layout,
    Measure,
    as_int,
    check_size,
    fmt_shape,
    text_extent,
)

NARROW_CELL = 0.08  # inches: one row of the table in a narrow figure
PITCH = 0.2  # inches from one strip (the table, a window, a target) to the next
GAP = 0.14  # inches between one window (with its target) and the next
ELLIPSIS_W = 0.16  # inches: the column standing for the rows not drawn


def _rows_of(name: str, value, rows: int) -> tuple[int, ...]:
    """One window's (or target's) row indices: integers in [0, rows), increasing."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise ValueError(f"{name} must hold sequences of row indices, got {value!r}")
    out = tuple(as_int(v) for v in value)
    if not out or any(v is None or not 0 <= v < rows for v in out):
        raise ValueError(f"{name} must hold row indices from 0 to {rows - 1}, got {value!r}")
    if any(b <= a for a, b in itertools.pairwise(out)):
        raise ValueError(f"{name}: the row indices of a window must increase, got {value!r}")
    return out


def rows_words(rows: Sequence[int]) -> str:
    """'row 24', 'rows 0 to 23', 'rows 0, 2, …, 46', 'rows 3, 7'."""
    if len(rows) == 1:
        return f"row {rows[0]}"
    steps = {b - a for a, b in itertools.pairwise(rows)}
    if steps == {1}:
        return f"rows {rows[0]} to {rows[-1]}"
    if len(steps) == 1 and len(rows) > 3:
        return f"rows {rows[0]}, {rows[1]}, …, {rows[-1]}"
    return "rows " + ", ".join(map(str, rows))


def _columns(rows: int, used: int) -> list[int | None]:
    """The table rows drawn as columns: 0 to the last row used (and one more), an ellipsis,
    and the table's last row."""
    hi = min(used + 1, rows - 1)
    cols: list[int | None] = list(range(hi + 1))
    if hi < rows - 1:
        if hi < rows - 2:
            cols.append(None)
        cols.append(rows - 1)
    return cols


def windows(
    rows: int,
    windows: Sequence[Sequence[int]],
    targets: Sequence[Sequence[int]] | None = None,
    *,
    shape: Sequence[int | None] | None = None,
    max_windows: int = 3,
    measure: Measure = text_extent,
) -> Layout:
    """The first ``max_windows`` windows cut from a table of ``rows`` rows.

    ``windows[i]`` holds the row indices of window ``i`` (its time steps, in order);
    ``targets[i]``, if given, the row indices its target comes from. ``shape`` is the
    shape of the stacked windows, for the caption.
    """
    rows = check_size("rows", rows)
    max_windows = check_size("max_windows", max_windows)
    if isinstance(windows, (str, bytes)) or not hasattr(windows, "__len__") or not len(windows):
        raise ValueError(f"windows must be a non-empty list of row indices, got {windows!r}")
    total = len(windows)
    shown = [_rows_of("windows", w, rows) for w in list(windows)[:max_windows]]
    goals = None
    if targets is not None:
        if not hasattr(targets, "__len__") or len(targets) != total:
            raise ValueError(f"targets must hold one entry per window ({total}), got {targets!r}")
        goals = [_rows_of("targets", t, rows) for t in list(targets)[: len(shown)]]
    if shape is not None:
        if not hasattr(shape, "__len__") or not all(d is None or as_int(d) for d in shape):
            raise ValueError(f"shape must be a shape such as (276, 24, 3), got {shape!r}")
        shape = tuple(None if d is None else as_int(d) for d in shape)
    used = max(max(w) for w in shown + (goals or []))
    cols = _columns(rows, used)

    def draw(*, narrow: bool) -> Drawing:
        return _draw(rows, cols, shown, goals, total, shape, narrow=narrow, measure=measure)

    # Its one shape is the stacked windows' own (the page's array, fed to a checked model).
    recorded = (shape,) if shape is not None else ()
    return wide_and_narrow(draw, *_words(rows, shown, goals, total, shape), shapes=recorded)


def _draw(rows, cols, shown, goals, total, shape, *, narrow: bool, measure) -> Drawing:
    c = Canvas(measure)
    s = NARROW_CELL if narrow else CELL
    xs, x = [], 0.0  # the left edge of each column; an ellipsis gets room for its dots
    for row in cols:
        xs.append(x)
        x += s if row is not None else max(s, ELLIPSIS_W)
    strip_w = x
    where = {row: xs[k] for k, row in enumerate(cols) if row is not None}

    def strip(y, label, note, cells: dict[int, str], *, colour=INK):
        """One strip of cells at height y (its bottom); label at the left (above when
        narrow), note at the right (after the label when narrow)."""
        for k, row in enumerate(cols):
            if row is None and cells is table:  # the rows not drawn, on the table's strip
                c.text(xs[k] + max(s, ELLIPSIS_W) / 2, y + s / 2, "…", size=SMALL, color=MUTED)
            elif row in cells:
                c.rect(xs[k], y, s, s, fill=cells[row], edge=INK, lw=0.6)
        if narrow:
            text = f"{label}: {note}" if note else label
            c.text(0, y + s + 0.04, text, size=SMALL, ha="left", va="bottom", color=colour)
        else:
            c.text(-0.1, y + s / 2, label, size=SMALL, ha="right", color=colour)
            if note:
                c.text(strip_w + 0.1, y + s / 2, note, size=SMALL, ha="left", color=colour)

    pitch = PITCH + (0.17 if narrow else 0.0)  # narrow: each strip's label sits above it
    y = 0.0
    table = {row: FILL_OTHER for row in cols if row is not None}
    strip(y, "table", f"{rows} rows", table)
    for row in sorted({cols[0], cols[-1]}):  # the first and last row numbers under the table
        c.text(where[row] + s / 2, y - 0.04, str(row), size=SMALL, va="top", color=MUTED)
    y -= pitch + 0.14
    for i, window in enumerate(shown):
        first, last = window[0], window[-1]
        cells = {row: FILL_IGNORED for row in range(first, last + 1) if row in where}
        cells.update(dict.fromkeys(window, FILL_INPUT))
        strip(y, f"window {i + 1}", rows_words(window), cells)
        if goals is not None:
            y -= pitch
            strip(y, "target", rows_words(goals[i]), dict.fromkeys(goals[i], FILL_OUTPUT))
        y -= pitch + GAP
    more = f"… {total} windows in all" if total > len(shown) else f"{total} windows in all"
    if shape is not None:
        more += f": shape {fmt_shape(shape)}"
    c.text(0, y + pitch, more, size=SMALL, ha="left", va="center")
    return c.finish()


def _words(rows, shown, goals, total, shape) -> tuple[str, str]:
    """The alt text and the caption, from the same row indices."""
    parts = []
    for i, window in enumerate(shown):
        part = f"window {i + 1} takes {rows_words(window)}"
        if goals is not None:
            part += f" and its target is {rows_words(goals[i])}"
        parts.append(part)
    stacked = f"; stacked, the windows have shape {fmt_shape(shape)}" if shape else ""
    first = "the only window" if total == 1 else f"the first {len(shown)} of {total} windows"
    alt = (
        f"A table of {rows} rows drawn as a strip of cells, one per row, and under it "
        f"{first} cut from it, each as a strip of the rows it takes"
        + (", with its target's rows on a strip below it" if goals is not None else "")
        + ": "
        + "; ".join(parts)
        + stacked
        + "."
    )
    caption = (
        f"Windows cut from a table of {rows} rows: the rows each window takes (blue)"
        + (" and its target's rows (green)" if goals is not None else "")
        + f"; {total} windows in all"
        + (f", shape {fmt_shape(shape)}" if shape else "")
        + "."
    )
    return alt, caption
