"""Figures for the rnnshape book, drawn with matplotlib from the sizes the code uses.

Every function returns a :class:`Diagram`: a matplotlib figure plus an ``alt`` text and a
``caption`` that are generated from the same sizes, so a figure, its description and the
code cell beside it can never disagree. Left as the last expression of a notebook cell, a
Diagram shows as an SVG ``<figure>`` with its alt text and caption.

Public API
----------
``unrolled(time_steps, features, units, *, return_sequences, layer="LSTM", batch=1, max_steps=6)``
    One recurrent layer unrolled in time: one cell per step, the row of features going in,
    the state passed on, an output per step; the outputs are either dropped but the last
    (``return_sequences=False``) or stacked into a (time steps x units) grid (``True``).
``tensor_blocks(items, *, max_cells=8)``
    Tensors as blocks; ``items`` is a list of ``(label, shape)`` or
    ``(label, shape, axis_names)``; a shape has 1 to 3 axes, the first is the batch.
``wrong_vs_right_reshape(time_steps, units, *, batch=1)``
    The 2-D last output, the wrong fix (reshaped to 1 time step) and the right one
    (``return_sequences=True``).
``stack(trace)``
    A stack of layers from a :class:`rnnshape_docs.shapes.Trace`: one box per layer
    (recurrent layers in the icon notation), each edge labelled with its shape.
``seq2seq(time_steps, units, dense_units, *, features=1, layer="SimpleRNN", batch=1, max_steps=6)``
    A recurrent layer returning sequences followed by one Dense layer applied at every step.
``icons(*, layer="LSTM", units=4, time_steps=7, features=3, batch=1)``
    The icon pair: an RNN returning its last output, and one with a small box on its
    output side returning the sequence.
``from_trace(trace, kind="stack")`` and ``draw(trace, kind="stack", path=None)``
    The stack or unrolled view of any trace; ``draw`` also saves it (SVG or PNG by suffix).
    ``draw_command(argv)`` is the ``rnnshape draw`` command line.

Bad arguments raise :class:`ValueError` naming the argument. Long sequences and wide
vectors are drawn with an ellipsis; ``None`` (an unknown size) is drawn with dashed edges.
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Polygon, Rectangle

from rnnshape_docs.shapes import Shape, Step, Trace

__all__ = [
    "Diagram",
    "draw",
    "draw_command",
    "from_trace",
    "icons",
    "seq2seq",
    "stack",
    "tensor_blocks",
    "unrolled",
    "wrong_vs_right_reshape",
]

# --- Style ---------------------------------------------------------------------------------
# Dark ink on white, fills from the Okabe-Ito colour-blind-safe palette (light tints), so a
# figure reads the same in the theme's light and dark modes.
INK = "#1a1a1a"
MUTED = "#9a9a9a"
PAPER = "#ffffff"
FILL_INPUT = "#cfe6f5"  # sky blue tint
FILL_CELL = "#fbe2b4"  # orange tint
FILL_OUTPUT = "#c4eadb"  # bluish green tint
FILL_DENSE = "#f2d3e5"  # reddish purple tint
FILL_OTHER = "#ececec"
FILL_IGNORED = "#f4f4f4"
WRONG = "#D55E00"  # vermillion
RIGHT = "#007A5A"  # dark bluish green
FONT = "DejaVu Sans"
SIZE = 9.0
SMALL = 8.0

_RC = {
    "svg.hashsalt": "rnnshape",
    "svg.fonttype": "none",  # text stays text: small files, searchable labels
    "svg.id": None,
    "font.family": "sans-serif",
    "font.sans-serif": [FONT, "Liberation Sans", "Arial", "Helvetica"],
    "path.simplify": True,
}
_SVG_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
_PNG_METADATA = {"Software": None}
PNG_DPI = 150

_MEASURE = RendererAgg(16, 16, 72)  # 72 dpi: widths come back in points


def _text_extent(s: str, size: float, weight: str = "normal") -> tuple[float, float]:
    """Width and height of ``s`` in inches (several lines allowed)."""
    prop = FontProperties(family=[FONT], size=size, weight=weight)
    lines = s.split("\n")
    width = max(
        _MEASURE.get_text_width_height_descent(line, prop, ismath=False)[0] for line in lines
    )
    return width / 72, len(lines) * size * 1.25 / 72


# --- The Diagram ---------------------------------------------------------------------------
@dataclass
class Diagram:
    """A figure with the alt text and caption generated from its sizes."""

    figure: Figure
    alt: str
    caption: str
    _svg: bytes | None = field(default=None, repr=False)

    @property
    def size_inches(self) -> tuple[float, float]:
        w, h = self.figure.get_size_inches()
        return float(w), float(h)

    def svg(self) -> bytes:
        """The figure as SVG, byte-identical from run to run."""
        if self._svg is None:
            buf = io.BytesIO()
            with matplotlib.rc_context(_RC):
                FigureCanvasAgg(self.figure)
                self.figure.savefig(buf, format="svg", metadata=_SVG_METADATA, facecolor=PAPER)
            self._svg = buf.getvalue()
        return self._svg

    def png(self, dpi: int = PNG_DPI) -> bytes:
        """The figure as PNG (no time stamp, no software version)."""
        buf = io.BytesIO()
        with matplotlib.rc_context(_RC):
            FigureCanvasAgg(self.figure)
            self.figure.savefig(buf, format="png", dpi=dpi, metadata=_PNG_METADATA, facecolor=PAPER)
        return buf.getvalue()

    def save(self, path: str | Path) -> Path:
        """Write SVG or PNG, chosen by the suffix of ``path``."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix == ".svg":
            data = self.svg()
        elif suffix == ".png":
            data = self.png()
        else:
            raise ValueError(f"path must end in .svg or .png, got {str(path)!r}")
        path.write_bytes(data)
        return path

    def _repr_html_(self) -> str:
        w, h = self.size_inches
        data = base64.b64encode(self.svg()).decode("ascii")
        return (
            '<figure class="rnnshape-figure">'
            f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(self.alt)}" '
            f'width="{round(w * 96)}" height="{round(h * 96)}" '
            'style="max-width:100%;height:auto;background:#ffffff">'
            f"<figcaption>{html.escape(self.caption)}</figcaption></figure>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None):
        # Only HTML (and a plain-text fallback): no separate SVG or PNG output.
        return {"text/html": self._repr_html_(), "text/plain": self.alt}

    def __repr__(self) -> str:
        w, h = self.size_inches
        return f"<Diagram {w:.2f}x{h:.2f} in: {self.caption}>"


# --- Validation ----------------------------------------------------------------------------
def _size(name: str, value, *, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        extra = " or None" if allow_none else ""
        raise ValueError(f"{name} must be a positive integer{extra}, got {value!r}")
    return value


def _flag(name: str, value) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return value


def _name(name: str, value) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
        raise ValueError(f"{name} must be a layer name such as 'LSTM', got {value!r}")
    return value


def fmt_shape(shape: Sequence[int | None]) -> str:
    """``(1, 7, 3)``; ``None`` for an unknown size; ``(4,)`` for one axis."""
    parts = ["None" if d is None else str(d) for d in shape]
    return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"


def _n(value: int | None, word: str, plural: str | None = None) -> str:
    """'7 time steps', '1 time step', 'any number of time steps'."""
    plural = plural or word + "s"
    if value is None:
        return f"any number of {plural}"
    return f"{value} {word if value == 1 else plural}"


def _count(value: int | None, word: str) -> str:
    """Short form for labels: '7 time steps', '1 unit', 'T time steps' for unknown."""
    return f"{'T' if value is None else value} {word if value == 1 else word + 's'}"


def _slots(n: int | None, cap: int) -> list[int | None]:
    """Which of n positions to draw: indices (0-based), None for an ellipsis slot."""
    if n is not None and n <= cap:
        return list(range(n))
    head = max(cap - 2, 1)
    if n is None:
        return [*range(head), None, -1]  # -1: the last, index unknown
    return [*range(head), None, n - 1]


# --- A canvas in inches --------------------------------------------------------------------
class _Canvas:
    """Draw in inch coordinates; ``finish`` sizes the figure to what was drawn."""

    def __init__(self) -> None:
        self.fig = Figure(facecolor=PAPER)
        self.ax = self.fig.add_axes((0, 0, 1, 1))
        self.ax.set_axis_off()
        self.ax.set_facecolor(PAPER)
        self.x0 = self.y0 = math.inf
        self.x1 = self.y1 = -math.inf

    def grow(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.x0, self.y0 = min(self.x0, x0, x1), min(self.y0, y0, y1)
        self.x1, self.y1 = max(self.x1, x0, x1), max(self.y1, y0, y1)

    def rect(self, x, y, w, h, *, fill=PAPER, edge=INK, lw=1.0, ls="-", round_=0.0, z=2):
        if round_:
            patch = FancyBboxPatch(
                (x, y),
                w,
                h,
                boxstyle=f"round,pad=0,rounding_size={round_}",
                facecolor=fill,
                edgecolor=edge,
                linewidth=lw,
                linestyle=ls,
                zorder=z,
            )
        else:
            patch = Rectangle(
                (x, y), w, h, facecolor=fill, edgecolor=edge, linewidth=lw, linestyle=ls, zorder=z
            )
        self.ax.add_patch(patch)
        self.grow(x, y, x + w, y + h)

    def poly(self, points, *, fill=PAPER, edge=INK, lw=1.0, ls="-", z=2):
        self.ax.add_patch(
            Polygon(
                points,
                closed=True,
                facecolor=fill,
                edgecolor=edge,
                linewidth=lw,
                linestyle=ls,
                zorder=z,
            )
        )
        for px, py in points:
            self.grow(px, py, px, py)

    def line(self, xs, ys, *, color=INK, lw=1.0, ls="-", z=3):
        self.ax.plot(
            xs, ys, color=color, linewidth=lw, linestyle=ls, zorder=z, solid_capstyle="butt"
        )
        self.grow(min(xs), min(ys), max(xs), max(ys))

    def text(
        self,
        x,
        y,
        s,
        *,
        size=SIZE,
        ha="center",
        va="center",
        color=INK,
        weight="normal",
        rotation=0,
        z=5,
    ):
        self.ax.text(
            x,
            y,
            s,
            fontsize=size,
            ha=ha,
            va=va,
            color=color,
            fontweight=weight,
            rotation=rotation,
            zorder=z,
            parse_math=False,
            linespacing=1.15,
            multialignment="center" if ha == "center" else ha,
        )
        w, h = _text_extent(s, size, weight)
        if rotation % 180 == 90:
            w, h = h, w
        left = {"left": x, "center": x - w / 2, "right": x - w}[ha]
        bottom = {"bottom": y, "baseline": y - 0.2 * h, "center": y - h / 2, "top": y - h}[va]
        self.grow(left, bottom, left + w, bottom + h)

    def arrow(self, x0, y0, x1, y1, *, color=INK, lw=1.1, style="-|>", ls="-", rad=0.0, z=4):
        self.ax.add_patch(
            FancyArrowPatch(
                (x0, y0),
                (x1, y1),
                arrowstyle=style,
                mutation_scale=9,
                color=color,
                linewidth=lw,
                linestyle=ls,
                shrinkA=0,
                shrinkB=0,
                zorder=z,
                connectionstyle=f"arc3,rad={rad}",
            )
        )
        self.grow(x0, y0, x1, y1)

    def cells(self, x, y, slots, *, s, fill, edge=INK, lw=0.8, ls="-", horizontal=True):
        """A strip of small squares starting at (x, y) (bottom-left); ellipsis slots as '…'."""
        for i, slot in enumerate(slots):
            cx, cy = (x + i * s, y) if horizontal else (x, y - (i + 1) * s)
            if slot is None:
                self.text(cx + s / 2, cy + s / 2, "…" if horizontal else "⋮", size=SMALL)
            else:
                self.rect(cx, cy, s, s, fill=fill, edge=edge, lw=lw, ls=ls)

    def finish(self, margin: float = 0.12) -> Figure:
        x0, y0 = self.x0 - margin, self.y0 - margin
        x1, y1 = self.x1 + margin, self.y1 + margin
        self.fig.set_size_inches(round(x1 - x0, 3), round(y1 - y0, 3))
        self.ax.set_xlim(x0, x0 + round(x1 - x0, 3))
        self.ax.set_ylim(y0, y0 + round(y1 - y0, 3))
        return self.fig


def _grid(c: _Canvas, x, y_top, rows, cols, *, s, fill, ls="-"):
    """A rows x cols grid of squares with its top-left corner at (x, y_top)."""
    for r, row in enumerate(rows):
        yy = y_top - (r + 1) * s
        if row is None:
            for k, col in enumerate(cols):
                if col is not None:
                    c.text(x + k * s + s / 2, yy + s / 2, "⋮", size=SMALL)
            continue
        c.cells(x, yy, cols, s=s, fill=fill, ls=ls)
    return len(cols) * s, len(rows) * s


# --- 1. The RNN unrolled in time -----------------------------------------------------------
CELL = 0.15  # the side of one small square (one number), in inches


def unrolled(
    time_steps: int | None,
    features: int,
    units: int,
    *,
    return_sequences: bool,
    layer: str = "LSTM",
    batch: int | None = 1,
    max_steps: int = 5,
) -> Diagram:
    """A recurrent layer unrolled over its time steps.

    >>> d = unrolled(7, 3, 4, return_sequences=False)
    >>> d.caption
    'LSTM unrolled over 7 time steps, return_sequences=False: input (1, 7, 3), output (1, 4).'
    """
    time_steps = _size("time_steps", time_steps, allow_none=True)
    features = _size("features", features)
    units = _size("units", units)
    return_sequences = _flag("return_sequences", return_sequences)
    layer = _name("layer", layer)
    batch = _size("batch", batch, allow_none=True)
    max_steps = _size("max_steps", max_steps)
    if max_steps < 3:
        raise ValueError(f"max_steps must be at least 3, got {max_steps}")

    in_shape = (batch, time_steps, features)
    out_shape = (batch, time_steps, units) if return_sequences else (batch, units)
    steps = _slots(time_steps, max_steps)
    f_slots, u_slots = _slots(features, 5), _slots(units, 5)
    s = CELL
    cell_w, cell_h = max(0.62, _text_extent(layer, SIZE, "bold")[0] + 0.16), 0.42
    pitch = max(cell_w, len(f_slots) * s, len(u_slots) * s) + 0.34
    y_in, y_cell, y_out = 0.22, 0.75, 1.55
    c = _Canvas()

    def label_t(i):
        if i == -1:
            return "t=T"
        return f"t={i + 1}"

    xs = [k * pitch for k in range(len(steps))]
    last = len(steps) - 1
    for k, (x, i) in enumerate(zip(xs, steps, strict=True)):
        if i is None:  # the ellipsis column
            c.text(x, y_cell + cell_h / 2, "…", size=14)
            c.text(x, y_in + s / 2, "…", size=SIZE)
            c.text(x, y_out + s / 2, "…", size=SIZE)
            continue
        c.text(x, 0.05, label_t(i), size=SMALL)
        fw, uw = len(f_slots) * s, len(u_slots) * s
        c.cells(x - fw / 2, y_in, f_slots, s=s, fill=FILL_INPUT)
        c.arrow(x, y_in + s + 0.04, x, y_cell - 0.03)
        c.rect(x - cell_w / 2, y_cell, cell_w, cell_h, fill=FILL_CELL, round_=0.06)
        c.text(x, y_cell + cell_h / 2, layer, weight="bold")
        kept = return_sequences or k == last
        colour = INK if kept else MUTED
        c.arrow(x, y_cell + cell_h + 0.03, x, y_out - 0.04, color=colour, ls="-" if kept else "--")
        c.cells(
            x - uw / 2,
            y_out,
            u_slots,
            s=s,
            fill=FILL_OUTPUT if kept else FILL_IGNORED,
            edge=colour,
            ls="-" if kept else "--",
        )
        if not kept:
            c.text(x, y_out + s + 0.12, "ignored", size=SMALL, color="#6b6b6b")
    # the state, passed from each cell to the next (open arrow heads)
    y_state = y_cell + cell_h / 2
    for k in range(len(steps) - 1):
        a = xs[k] + (0.15 if steps[k] is None else cell_w / 2) + 0.03
        b = xs[k + 1] - (0.15 if steps[k + 1] is None else cell_w / 2) - 0.03
        c.arrow(a, y_state, b, y_state, style="->", lw=1.3)
    if len(steps) > 1:
        mid = (xs[0] + xs[1]) / 2
        c.text(mid, y_state + 0.1, "state", size=SMALL, va="bottom")

    # row labels on the left
    lx = xs[0] - pitch / 2
    c.text(lx, y_in + s / 2, f"inputs\n{_n(features, 'feature')} per step", size=SMALL, ha="right")
    c.text(lx, y_cell + cell_h / 2, "one cell,\nevery step", size=SMALL, ha="right")
    c.text(lx, y_out + s / 2, f"outputs\n{_n(units, 'unit')} each", size=SMALL, ha="right")
    c.text(
        (xs[0] + xs[-1]) / 2,
        -0.2,
        f"input {fmt_shape(in_shape)}: {_n(time_steps, 'time step')} of {_n(features, 'feature')}",
        size=SIZE,
        va="top",
    )

    # the result on the right
    xr = xs[-1] + pitch / 2 + 0.45
    uw = len(u_slots) * s
    if return_sequences:
        y_br = y_out + s + 0.1
        x_a = xs[0] - uw / 2
        x_b = xs[-1] + uw / 2
        c.line([x_a, x_a, x_b, x_b], [y_br - 0.05, y_br, y_br, y_br - 0.05], lw=1.0)
        c.text(
            (x_a + x_b) / 2,
            y_br + 0.05,
            f"every output kept: {_count(time_steps, 'output')}",
            size=SMALL,
            va="bottom",
        )
        rows = _slots(time_steps, max_steps)
        gw, gh = len(u_slots) * s, len(rows) * s
        top = y_br + gh / 2
        c.arrow(x_b + 0.05, y_br, xr - 0.05, y_br)
        c.text((x_b + xr) / 2, y_br - 0.08, "stacked", size=SMALL, va="top")
        _grid(c, xr, top, rows, u_slots, s=s, fill=FILL_OUTPUT)
        c.text(xr + gw / 2, top + 0.06, _count(units, "unit"), size=SMALL, va="bottom")
        c.text(xr + gw + 0.08, top - gh / 2, _count(time_steps, "time step"), size=SMALL, ha="left")
        c.text(xr + gw / 2, top - gh - 0.08, f"output\n{fmt_shape(out_shape)}", va="top")
    else:
        ya = y_out + s / 2
        c.arrow(xs[-1] + uw / 2 + 0.05, ya, xr - 0.05, ya)
        c.cells(xr, y_out, u_slots, s=s, fill=FILL_OUTPUT)
        c.text(xr + uw / 2, y_out + s + 0.08, "last output", size=SMALL, va="bottom")
        c.text(xr + uw / 2, y_out - 0.08, f"output\n{fmt_shape(out_shape)}", va="top")

    fig = c.finish()
    over = "any number of" if time_steps is None else str(time_steps)
    steps_word = "time step" if time_steps == 1 else "time steps"
    caption = (
        f"{layer} unrolled over {over} {steps_word}, return_sequences={return_sequences}: "
        f"input {fmt_shape(in_shape)}, output {fmt_shape(out_shape)}."
    )
    if return_sequences:
        fate = (
            f"every step's output is kept and they are stacked into a grid of "
            f"{_n(time_steps, 'time step')} by {_n(units, 'unit')}"
        )
    elif time_steps == 1:
        fate = "the one output is the last output, and it goes on"
    else:
        fate = "the outputs of the earlier steps are ignored and only the last one goes on"
    alt = (
        f"Diagram of a {layer} layer unrolled over {over} {steps_word}"
        f"{' (the middle steps are shown as an ellipsis)' if None in steps else ''}. "
        f"At each step one {layer} cell takes a row of {_n(features, 'feature')}, passes its "
        f"state on to the next step and produces an output of {_n(units, 'unit')}; "
        f"{fate}. The input has shape {fmt_shape(in_shape)} and the output has shape "
        f"{fmt_shape(out_shape)}."
    )
    return Diagram(fig, alt, caption)
