"""A small SVG writer for the figures' layout, standard library only.

It draws the boxes, arrows and labels of a :class:`~rnnshape_docs.layout.Drawing` (the same
layout the book renders with matplotlib) as a standalone ``<svg>`` document, for places
without matplotlib or numpy, such as the shape explorer running in the browser (Pyodide)::

    >>> from rnnshape_docs import trace
    >>> from rnnshape_docs.svg import stack_svg
    >>> doc = stack_svg(trace(["LSTM(4, return_sequences=True)", "Dense(1)"], (1, 7, 3)))
    >>> doc.startswith("<svg") and "(1, 7, 4)" in doc
    True

Coordinates are points (1/72 inch) in the viewBox; the document's width and height are CSS
px at 96 per inch, so a figure shows at the size the book shows it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape  # not xml.sax.saxutils: it imports urllib and email (slow in Pyodide)

from rnnshape_docs import figures
from rnnshape_docs.layout import (
    CSS_PX_PER_INCH,
    FONT_FALLBACKS,
    LINE_SPACING,
    PAPER,
    Arrow,
    Drawing,
    Layout,
    Line,
    Poly,
    Rect,
    Text,
    shapes_attribute,
)
from rnnshape_docs.shapes import Shape, Trace

__all__ = ["drawing_svg", "layout_svg", "stack_svg"]

PT = 72  # viewBox units per inch
_FONT_FAMILY = ", ".join(f"'{f}'" for f in FONT_FALLBACKS) + ", sans-serif"
# Text metrics as fractions of the font size (DejaVu Sans): for vertical alignment.
_ASCENT, _DESCENT = 0.76, 0.24
_LINE = LINE_SPACING * 0.98


def stack_svg(trace: Trace, *, width: float | None = None) -> str:
    """The "stack" figure of ``trace`` as a standalone SVG document.

    ``width``: the CSS px the figure may take. None gives the book's wide figure at its
    natural size; a width at which the wide figure's smallest label would render below
    9 CSS px gives the narrow variant instead, and the document is scaled down to ``width``
    when it is wider. The alt text is the document's ``<title>`` and ``aria-label``.
    """
    column = figures.PHONE_COLUMN if width is None else min(width, figures.PHONE_COLUMN)
    return layout_svg(figures.stack(trace, column=column), width=width)


def layout_svg(layout: Layout, *, width: float | None = None) -> str:
    """Any figure's layout as SVG, wide or narrow as :func:`stack_svg` chooses."""
    return drawing_svg(layout.for_width(width), alt=layout.alt, width=width, shapes=layout.shapes)


def drawing_svg(
    drawing: Drawing, *, alt: str, width: float | None = None, shapes: Sequence[Shape] = ()
) -> str:
    """One drawing as a standalone SVG document with ``alt`` as its title; ``shapes`` (those
    of the trace it was drawn from) recorded in the root's ``data-rnnshape-shapes``."""
    vw, vh = drawing.width * PT, drawing.height * PT
    css_w, css_h = drawing.width * CSS_PX_PER_INCH, drawing.height * CSS_PX_PER_INCH
    if width is not None and width < css_w:
        css_w, css_h = width, css_h * width / css_w

    def x(v: float) -> str:
        return _num((v - drawing.x0) * PT)

    def y(v: float) -> str:
        return _num((drawing.y0 + drawing.height - v) * PT)

    out = [
        (
            '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" role="img" '
            f'width="{_num(css_w)}" height="{_num(css_h)}" viewBox="0 0 {_num(vw)} {_num(vh)}" '
            f'aria-label="{escape(alt)}"{" " + shapes_attribute(shapes) if shapes else ""}>'
        ),
        f"<title>{escape(alt, quote=False)}</title>",
        f'<rect width="{_num(vw)}" height="{_num(vh)}" fill="{PAPER}"/>',
    ]
    # The same stacking order as matplotlib: by z, then in the order drawn.
    for item in sorted(drawing.items, key=lambda it: it.z):
        out.extend(_item(item, x, y))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _num(v: float) -> str:
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _dash(ls: str, lw: float) -> str:
    # matplotlib's dashed pattern (3.7 on, 1.6 off), scaled by the line width
    return f' stroke-dasharray="{_num(3.7 * lw)} {_num(1.6 * lw)}"' if ls == "--" else ""


def _item(item, x, y) -> list[str]:
    if isinstance(item, Rect):
        rx = f' rx="{_num(item.round_ * PT)}"' if item.round_ else ""
        return [
            (
                f'<rect class="box" x="{x(item.x)}" y="{y(item.y + item.h)}" '
                f'width="{_num(item.w * PT)}" height="{_num(item.h * PT)}"{rx} fill="{item.fill}" '
                f'stroke="{item.edge}" stroke-width="{_num(item.lw)}"{_dash(item.ls, item.lw)}/>'
            )
        ]
    if isinstance(item, Poly):
        points = " ".join(f"{x(px)},{y(py)}" for px, py in item.points)
        return [
            (
                f'<polygon class="face" points="{points}" fill="{item.fill}" stroke="{item.edge}" '
                f'stroke-width="{_num(item.lw)}" stroke-linejoin="round"{_dash(item.ls, item.lw)}/>'
            )
        ]
    if isinstance(item, Line):
        points = " ".join(f"{x(px)},{y(py)}" for px, py in zip(item.xs, item.ys, strict=True))
        return [
            (
                f'<polyline class="line" points="{points}" fill="none" stroke="{item.color}" '
                f'stroke-width="{_num(item.lw)}"{_dash(item.ls, item.lw)}/>'
            )
        ]
    if isinstance(item, Text):
        return _text(item, x, y)
    if isinstance(item, Arrow):
        return _arrow(item, x, y)
    raise TypeError(f"cannot draw {item!r}")  # pragma: no cover - a new kind of item


def _text(t: Text, x, y) -> list[str]:
    lines = t.s.split("\n")
    size = t.size
    block = (_ASCENT + _DESCENT) * size + (len(lines) - 1) * _LINE * size  # in points
    y_pt = float(y(t.y))
    top = {
        "top": y_pt,
        "center": y_pt - block / 2,
        "bottom": y_pt - block,
        "baseline": y_pt - _ASCENT * size,
    }[t.va]
    anchor = {"left": "start", "center": "middle", "right": "end"}[t.ha]
    weight = ' font-weight="bold"' if t.weight == "bold" else ""
    rotate = f' transform="rotate({_num(-t.rotation)} {x(t.x)} {_num(y_pt)})"' if t.rotation else ""
    out = []
    for k, line in enumerate(lines):
        base = top + _ASCENT * size + k * _LINE * size
        out.append(
            f'<text x="{x(t.x)}" y="{_num(base)}" font-size="{_num(size)}" '
            f'font-family="{_FONT_FAMILY}"{weight} text-anchor="{anchor}" fill="{t.color}"'
            f"{rotate}>{escape(line, quote=False)}</text>"
        )
    return out


def _arrow(a: Arrow, x, y) -> list[str]:
    """A shaft and a head like matplotlib's '-|>' (filled) or '->' (open)."""
    pts = [(float(x(px)), float(y(py))) for px, py in a.points]
    (x0, y0), (x1, y1) = pts[-2], pts[-1]
    length = math.hypot(x1 - x0, y1 - y0) or 1.0
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    head_l, head_w = 0.4 * a.head, 0.2 * a.head
    bx, by = x1 - ux * head_l, y1 - uy * head_l  # the head's base
    left = (bx - uy * head_w, by + ux * head_w)
    right = (bx + uy * head_w, by - ux * head_w)
    filled = a.style == "-|>"
    shaft = [*pts[:-1], (bx, by) if filled else (x1, y1)]
    join = ' stroke-linejoin="round"' if a.round_join else ""
    out = [
        '<g class="arrow">',
        (
            f'<polyline points="{_points(shaft)}" fill="none" stroke="{a.color}" '
            f'stroke-width="{_num(a.lw)}"{join}{_dash(a.ls, a.lw)}/>'
        ),
    ]
    if filled:
        out.append(
            f'<polygon points="{_points([left, (x1, y1), right])}" fill="{a.color}" '
            f'stroke="{a.color}" stroke-width="{_num(a.lw)}" stroke-linejoin="miter"/>'
        )
    else:
        out.append(
            f'<polyline points="{_points([left, (x1, y1), right])}" fill="none" '
            f'stroke="{a.color}" stroke-width="{_num(a.lw)}"/>'
        )
    out.append("</g>")
    return out


def _points(points) -> str:
    return " ".join(f"{_num(px)},{_num(py)}" for px, py in points)
