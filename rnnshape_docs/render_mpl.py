"""A :class:`~rnnshape_docs.layout.Drawing` drawn with matplotlib: the book's SVG and PNG.

The SVG is byte-identical from run to run (no date, no random ids, text kept as text). Text
is measured with matplotlib's own renderer, so labels fit their boxes exactly as drawn here.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Polygon, Rectangle
from matplotlib.path import Path as MplPath

from rnnshape_docs.layout import (
    FONT,
    FONT_FALLBACKS,
    LINE_SPACING,
    PAPER,
    Arrow,
    Drawing,
    Line,
    Poly,
    Rect,
    Text,
    shapes_attribute,
)

_RC = {
    "svg.hashsalt": "rnnshape",
    "svg.fonttype": "none",  # text stays text: small files, searchable labels
    "svg.id": None,
    "font.family": "sans-serif",
    "font.sans-serif": list(FONT_FALLBACKS),
    "path.simplify": True,
}
_SVG_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
_PNG_METADATA = {"Software": None}
PNG_DPI = 150

_MEASURE = RendererAgg(16, 16, 72)  # 72 dpi: widths come back in points


def text_extent(s: str, size: float, weight: str = "normal") -> tuple[float, float]:
    """Width and height of ``s`` in inches (several lines allowed), as matplotlib draws it."""
    prop = FontProperties(family=[FONT], size=size, weight=weight)
    lines = s.split("\n")
    width = max(
        _MEASURE.get_text_width_height_descent(line, prop, ismath=False)[0] for line in lines
    )
    return width / 72, len(lines) * size * 1.25 / 72


def figure(drawing: Drawing) -> Figure:
    """A matplotlib figure of ``drawing``, sized in inches to it."""
    fig = Figure(facecolor=PAPER)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_facecolor(PAPER)
    for item in drawing.items:
        _draw(ax, item)
    fig.set_size_inches(drawing.width, drawing.height)
    ax.set_xlim(drawing.x0, drawing.x0 + drawing.width)
    ax.set_ylim(drawing.y0, drawing.y0 + drawing.height)
    return fig


def _draw(ax, item) -> None:
    if isinstance(item, Rect):
        if item.round_:
            patch = FancyBboxPatch(
                (item.x, item.y),
                item.w,
                item.h,
                boxstyle=f"round,pad=0,rounding_size={item.round_}",
                facecolor=item.fill,
                edgecolor=item.edge,
                linewidth=item.lw,
                linestyle=item.ls,
                zorder=item.z,
            )
        else:
            patch = Rectangle(
                (item.x, item.y),
                item.w,
                item.h,
                facecolor=item.fill,
                edgecolor=item.edge,
                linewidth=item.lw,
                linestyle=item.ls,
                zorder=item.z,
            )
        ax.add_patch(patch)
    elif isinstance(item, Poly):
        ax.add_patch(
            Polygon(
                item.points,
                closed=True,
                facecolor=item.fill,
                edgecolor=item.edge,
                linewidth=item.lw,
                linestyle=item.ls,
                zorder=item.z,
            )
        )
    elif isinstance(item, Line):
        ax.plot(
            item.xs,
            item.ys,
            color=item.color,
            linewidth=item.lw,
            linestyle=item.ls,
            zorder=item.z,
            solid_capstyle="butt",
        )
    elif isinstance(item, Text):
        ax.text(
            item.x,
            item.y,
            item.s,
            fontsize=item.size,
            ha=item.ha,
            va=item.va,
            color=item.color,
            fontweight=item.weight,
            rotation=item.rotation,
            zorder=item.z,
            parse_math=False,
            linespacing=LINE_SPACING,
            multialignment="center" if item.ha == "center" else item.ha,
        )
    elif isinstance(item, Arrow) and item.round_join:
        ax.add_patch(
            FancyArrowPatch(
                path=MplPath(list(item.points), closed=False),
                arrowstyle=item.style,
                mutation_scale=item.head,
                color=item.color,
                linewidth=item.lw,
                shrinkA=0,
                shrinkB=0,
                zorder=item.z,
                joinstyle="round",
            )
        )
    elif isinstance(item, Arrow):
        (x0, y0), (x1, y1) = item.points
        ax.add_patch(
            FancyArrowPatch(
                (x0, y0),
                (x1, y1),
                arrowstyle=item.style,
                mutation_scale=item.head,
                color=item.color,
                linewidth=item.lw,
                linestyle=item.ls,
                shrinkA=0,
                shrinkB=0,
                zorder=item.z,
                connectionstyle="arc3,rad=0.0",
            )
        )
    else:  # pragma: no cover - a new kind of item without a renderer
        raise TypeError(f"cannot draw {item!r}")


def svg(fig: Figure, shapes: Sequence[Sequence[int | None]] = ()) -> bytes:
    """The figure as SVG, byte-identical from run to run; ``shapes`` (those of the trace it
    was drawn from) go in the root's ``data-rnnshape-shapes`` attribute."""
    buf = io.BytesIO()
    with matplotlib.rc_context(_RC):
        FigureCanvasAgg(fig)
        fig.savefig(buf, format="svg", metadata=_SVG_METADATA, facecolor=PAPER)
    data = buf.getvalue()
    if shapes:
        data = data.replace(b"<svg ", f"<svg {shapes_attribute(shapes)} ".encode(), 1)
    return data


def png(fig: Figure, dpi: int = PNG_DPI) -> bytes:
    """The figure as PNG (no time stamp, no software version)."""
    buf = io.BytesIO()
    with matplotlib.rc_context(_RC):
        FigureCanvasAgg(fig)
        fig.savefig(buf, format="png", dpi=dpi, metadata=_PNG_METADATA, facecolor=PAPER)
    return buf.getvalue()


# The characters whose widths rnnshape_docs._font_widths holds for the standard-library writer.
TABLE_CHARACTERS = "".join(chr(i) for i in range(32, 127)) + "…⋮"


def advance_widths(weight: str = "normal", units_per_em: int = 1000) -> dict[str, int]:
    """DejaVu Sans' unhinted advance widths, per character, in 1/``units_per_em`` of the size:
    the table :func:`rnnshape_docs.layout.text_extent` measures with (see _font_widths.py)."""
    from matplotlib.ft2font import FT2Font, LoadFlags

    font = FT2Font(findfont(FontProperties(family=[FONT], weight=weight)))
    font.set_size(units_per_em, 72)  # one em is units_per_em pixels
    return {
        ch: round(font.load_char(ord(ch), flags=LoadFlags.NO_HINTING).linearHoriAdvance / 65536)
        for ch in TABLE_CHARACTERS
    }
