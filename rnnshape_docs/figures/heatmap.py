"""A heatmap of weights in [0, 1], such as attention scores: one square per number.

Every square is a vector rectangle whose tint grows with its weight (no embedded raster,
so the SVG stays small and byte-identical). The number of rows and columns, and so every
tick label, comes from the array it is given; cells may be outlined, e.g. the step the
model was meant to look at.
"""

from __future__ import annotations

import math

from rnnshape_docs.figures._common import wide_and_narrow
from rnnshape_docs.layout import INK, PAPER, SIZE, SMALL, Canvas, Layout, Measure, text_extent

# White to the Okabe-Ito blue (#0072B2), darkened so a weight of 1 is clearly the darkest.
_LOW = (0xFF, 0xFF, 0xFF)
_HIGH = (0x00, 0x4F, 0x7C)
_LEGEND_STEPS = (0.0, 0.25, 0.5, 0.75, 1.0)
_GRID_INCHES = {False: 3.2, True: 2.3}  # the widest the grid of squares may be drawn
_MAX_CELL = 0.26
_MAX_TICKS = 10  # more columns or rows than this: label every k-th one


def tint(weight: float) -> str:
    """The fill for a weight in [0, 1] (hex, rounded so equal weights draw alike)."""
    t = min(1.0, max(0.0, weight))
    return "#{:02x}{:02x}{:02x}".format(
        *(round(lo + (hi - lo) * t) for lo, hi in zip(_LOW, _HIGH, strict=True))
    )


def _check(weights) -> tuple[tuple[float, ...], ...]:
    try:
        rows = tuple(tuple(float(v) for v in row) for row in weights)
    except (TypeError, ValueError):
        raise ValueError(
            f"weights must be a 2-D array of numbers (rows of columns), got {weights!r}"
        ) from None
    if not rows or not rows[0] or any(len(r) != len(rows[0]) for r in rows):
        raise ValueError("weights must be a 2-D array with at least one row and one column")
    if any(not (0.0 <= v <= 1.0) or math.isnan(v) for r in rows for v in r):
        raise ValueError("weights must lie between 0 and 1 (attention weights do)")
    return rows


def _outline(canvas: Canvas, x: float, y: float, w: float, h: float, *, lw: float) -> None:
    """A rectangle's edge only (a closed line, so the squares under it stay visible)."""
    canvas.line([x, x + w, x + w, x, x], [y, y, y + h, y + h, y], color=INK, lw=lw, z=4)


def _every(n: int) -> int:
    return max(1, math.ceil(n / _MAX_TICKS))


def heatmap(
    weights,
    *,
    row_label: str = "query step",
    column_label: str = "value step",
    marked=(),
    marked_label: str = "marked cell",
    measure: Measure = text_extent,
) -> Layout:
    """The heatmap of ``weights`` (rows of columns, each in [0, 1]); ``marked``: (row,
    column) pairs outlined in ink. Rows and columns are numbered from 0, as the arrays are."""
    rows = _check(weights)
    n_rows, n_cols = len(rows), len(rows[0])
    outlined = []
    for pair in marked:
        r, c = (int(v) for v in pair)
        if not (0 <= r < n_rows and 0 <= c < n_cols):
            raise ValueError(f"marked cell {pair!r} is outside the {n_rows} x {n_cols} weights")
        outlined.append((r, c))

    def draw(narrow: bool):
        canvas = Canvas(measure)
        s = min(_MAX_CELL, _GRID_INCHES[narrow] / n_cols)
        top = n_rows * s
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                canvas.rect(c * s, top - (r + 1) * s, s, s, fill=tint(v), edge=PAPER, lw=0.5)
        for r, c in outlined:
            _outline(canvas, c * s, top - (r + 1) * s, s, s, lw=1.6)
        _outline(canvas, 0, 0, n_cols * s, top, lw=0.8)
        for c in range(0, n_cols, _every(n_cols)):
            canvas.text(c * s + s / 2, -0.05, str(c), size=SMALL, va="top")
        for r in range(0, n_rows, _every(n_rows)):
            canvas.text(-0.06, top - r * s - s / 2, str(r), size=SMALL, ha="right")
        tick_h = canvas.extent("0", SMALL)[1]
        canvas.text(n_cols * s / 2, -0.1 - tick_h, column_label, size=SIZE, va="top")
        tick_w = max(canvas.extent(str(r), SMALL)[0] for r in range(n_rows))
        canvas.text(-0.16 - tick_w, top / 2, row_label, size=SIZE, rotation=90)
        # The legend: the tint of five weights, 0 to 1, beside the grid.
        lx, ls = n_cols * s + 0.25, 0.18
        for k, v in enumerate(_LEGEND_STEPS):
            y = top - (k + 1) * ls
            canvas.rect(lx, y, ls, ls, fill=tint(1.0 - v), edge=INK, lw=0.5)
            canvas.text(lx + ls + 0.06, y + ls / 2, f"{1.0 - v:g}", size=SMALL, ha="left")
        canvas.text(lx, top + 0.08, "weight", size=SMALL, ha="left", va="bottom")
        return canvas.finish()

    alt = (
        f"Heatmap of attention weights: {n_rows} rows ({row_label} 0 to {n_rows - 1}) by "
        f"{n_cols} columns ({column_label} 0 to {n_cols - 1}); a darker square is a larger "
        "weight, from white for 0 to dark blue for 1."
    )
    caption = f"Attention weights, {n_rows} x {n_cols}: one row per {row_label}."
    if outlined:
        hits = sum(1 for r, c in outlined if rows[r][c] == max(rows[r]))
        alt += (
            f" {len(outlined)} squares are outlined ({marked_label}); in {hits} of them the "
            "outlined square holds its row's largest weight."
        )
        caption += f" Outlined: the {marked_label}."
    return wide_and_narrow(draw, alt, caption)
