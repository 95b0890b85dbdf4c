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
    ``write_figure(trace, kind, path)`` writes it atomically (what ``rnnshape draw`` runs).

Bad arguments raise :class:`ValueError` naming the argument. Long sequences and wide
vectors are drawn with an ellipsis; ``None`` (an unknown size) is drawn with dashed edges.
"""

from __future__ import annotations

import base64
import html
import io
import math
import operator
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Polygon, Rectangle
from matplotlib.path import Path as MplPath

from rnnshape_docs.shapes import Trace

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
    "write_figure",
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
        # Dark ink on its own white card, so figure and caption read the same in the
        # theme's light and dark modes (and in a dark Jupyter).
        return (
            '<figure class="rnnshape-figure" style="margin:0 auto;padding:0.5em;'
            'background:#ffffff;color:#222222;border-radius:4px;text-align:center">'
            f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(self.alt)}" '
            f'width="{round(w * 96)}" height="{round(h * 96)}" '
            'style="max-width:100%;height:auto;background:#ffffff">'
            '<figcaption style="color:#333333;font-weight:400;margin-top:0.4em">'
            f"{html.escape(self.caption)}</figcaption></figure>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None):
        # Only HTML (and a plain-text fallback): no separate SVG or PNG output.
        return {"text/html": self._repr_html_(), "text/plain": self.alt}

    def __repr__(self) -> str:
        w, h = self.size_inches
        return f"<Diagram {w:.2f}x{h:.2f} in: {self.caption}>"


# --- Validation ----------------------------------------------------------------------------
def _as_int(value) -> int | None:
    """``value`` as a Python int if it is an integer (numpy ones too, never a bool)."""
    if isinstance(value, bool):
        return None
    try:
        return operator.index(value)
    except TypeError:
        return None


def _size(name: str, value, *, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    number = _as_int(value)
    if number is None or number < 1:
        extra = " or None" if allow_none else ""
        raise ValueError(f"{name} must be a positive integer{extra}, got {value!r}")
    return number


def _flag(name: str, value) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False, got {value!r}")  # noqa: TRY004
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


def _a(word: str) -> str:
    """The article for a layer name: 'an LSTM', 'a GRU', 'a SimpleRNN'."""
    if word.isupper():
        return "an" if word[0] in "AEFHILMNORSX" else "a"
    return "an" if word[0].lower() in "aeiou" else "a"


def _shapes_words(shapes) -> str:
    """'output (1, 4)' or 'outputs (1, 4), (1, 4) and (1, 4)'."""
    parts = [fmt_shape(o) for o in shapes]
    if len(parts) == 1:
        return f"output {parts[0]}"
    return f"outputs {', '.join(parts[:-1])} and {parts[-1]}"


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
Y_IN, Y_CELL, Y_OUT, CELL_H = 0.22, 0.75, 1.55, 0.42


def _step_label(i: int) -> str:
    return "t=T" if i == -1 else f"t={i + 1}"


def _recurrent_row(c, steps, f_slots, u_slots, layer, *, keep_all: bool):
    """Inputs, cells, state arrows and outputs, one column per step; returns x positions."""
    s = CELL
    cell_w = max(0.62, _text_extent(layer, SIZE, "bold")[0] + 0.16)
    pitch = max(cell_w, len(f_slots) * s, len(u_slots) * s) + 0.3
    xs = [k * pitch for k in range(len(steps))]
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
    c.text(x, Y_IN + CELL / 2, f"inputs\n{_n(features, 'feature')}", size=SMALL, ha="right")
    c.text(x, Y_CELL + CELL_H / 2, "one cell,\nstate passed on", size=SMALL, ha="right")
    c.text(x, Y_OUT + CELL / 2, f"outputs\n{_n(units, 'unit')}", size=SMALL, ha="right")


def _stacked_result(c, xs, y_strip, u_slots, time_steps, units, out_shape, max_steps, xr):
    """Bracket over a row of per-step strips, an arrow, and the (time steps x units) grid."""
    s = CELL
    uw = len(u_slots) * s
    y_br = y_strip + s + 0.1
    x_a, x_b = xs[0] - uw / 2, xs[-1] + uw / 2
    c.line([x_a, x_a, x_b, x_b], [y_br - 0.05, y_br, y_br, y_br - 0.05], lw=1.0)
    kept = f"every output kept: {_count(time_steps, 'output')}"
    if len(xs) == 1:
        kept = "its one output"
    c.text((x_a + x_b) / 2, y_br + 0.06, kept, size=SMALL, va="bottom")
    xr = max(xr, (x_a + x_b) / 2 + _text_extent(kept, SMALL)[0] / 2 + 0.5)
    rows = _slots(time_steps, max_steps)
    gw, gh = uw, len(rows) * s
    top = y_br + gh / 2
    c.arrow(x_b + 0.05, y_br, xr - 0.05, y_br)
    c.text((x_b + xr) / 2, y_br - 0.08, "stacked", size=SMALL, va="top")
    _grid(c, xr, top, rows, u_slots, s=s, fill=FILL_OUTPUT)
    c.text(xr + gw / 2, top + 0.06, _count(units, "unit"), size=SMALL, va="bottom")
    c.text(xr + gw + 0.08, top - gh / 2, _count(time_steps, "time step"), size=SMALL, ha="left")
    c.text(xr + gw / 2, top - gh - 0.08, f"output\n{fmt_shape(out_shape)}", va="top")


def _check_steps(max_steps) -> int:
    max_steps = _size("max_steps", max_steps)
    if max_steps < 3:
        raise ValueError(f"max_steps must be at least 3, got {max_steps}")
    return max_steps


def unrolled(
    time_steps: int | None,
    features: int,
    units: int,
    *,
    return_sequences: bool,
    layer: str = "LSTM",
    batch: int | None = 1,
    max_steps: int = 4,
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
    max_steps = _check_steps(max_steps)

    in_shape = (batch, time_steps, features)
    out_shape = (batch, time_steps, units) if return_sequences else (batch, units)
    steps = _slots(time_steps, max_steps)
    f_slots, u_slots = _slots(features, 5), _slots(units, 5)
    c = _Canvas()
    xs, pitch = _recurrent_row(c, steps, f_slots, u_slots, layer, keep_all=return_sequences)
    _row_labels(c, xs[0] - pitch / 2, features, units)
    c.text(
        (xs[0] + xs[-1]) / 2,
        -0.2,
        f"input {fmt_shape(in_shape)}: {_n(time_steps, 'time step')} of {_n(features, 'feature')}",
        va="top",
    )
    xr = xs[-1] + pitch / 2 + 0.45
    if return_sequences:
        _stacked_result(c, xs, Y_OUT, u_slots, time_steps, units, out_shape, max_steps, xr)
    else:
        s, uw = CELL, len(u_slots) * CELL
        ya = Y_OUT + s / 2
        c.arrow(xs[-1] + uw / 2 + 0.05, ya, xr - 0.05, ya)
        c.cells(xr, Y_OUT, u_slots, s=s, fill=FILL_OUTPUT)
        c.text(xr + uw / 2, Y_OUT + s + 0.08, "last output", size=SMALL, va="bottom")
        c.text(xr + uw / 2, Y_OUT - 0.08, f"output\n{fmt_shape(out_shape)}", va="top")
    fig = c.finish()

    over = "any number of" if time_steps is None else str(time_steps)
    steps_word = "time step" if time_steps == 1 else "time steps"
    caption = (
        f"{layer} unrolled over {over} {steps_word}, return_sequences={return_sequences}: "
        f"input {fmt_shape(in_shape)}, output {fmt_shape(out_shape)}."
    )
    if return_sequences:
        fate = (
            "every step's output is kept and the outputs are stacked into a grid of "
            f"{_n(time_steps, 'time step')} by {_n(units, 'unit')}"
        )
    elif time_steps == 1:
        fate = "its one output is also the last output, and it goes on"
    else:
        fate = "the outputs of the earlier steps are ignored and only the last one goes on"
    alt = (
        f"Diagram of {_a(layer)} {layer} layer unrolled over {over} {steps_word}"
        f"{' (the middle steps are drawn as an ellipsis)' if None in steps else ''}. "
        f"At each step the {layer} cell takes a row of {_n(features, 'feature')}, passes its "
        f"state on to the next step and produces an output of {_n(units, 'unit')}; "
        f"{fate}. The input has shape {fmt_shape(in_shape)} and the output has shape "
        f"{fmt_shape(out_shape)}."
    )
    return Diagram(fig, alt, caption)


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
        number = None if d is None else _as_int(d)
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
    rows, cols = _slots(rows_n, max_cells), _slots(cols_n, max_cells)
    layers = 3 if depth is None else min(depth, 3)
    w, h = len(cols) * s, len(rows) * s
    off = 0.09
    _grid(c, x, y_top, rows, cols, s=s, fill=fill)
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


def _tensor_row(items, notes, *, max_cells, arrows=()):
    c = _Canvas()
    x = 0.0
    y_top = 0.0
    spans = []
    for (label, shape, names), note in zip(items, notes, strict=True):
        label_w = _text_extent(label, SIZE, "bold")[0]
        left_w = (
            max(
                _text_extent(_axis_words(d, n), SMALL)[0]
                for d, n in zip(shape[-2:], names[-2:], strict=True)
            )
            + 0.1
        )
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
        spans.append((x0 - left_w, x0 + w, y_top - h / 2))
        x = max(c.x1, cx + label_w / 2) + 0.45
    for a, b, text in arrows:
        xa, xb, y = spans[a][1] + 0.05, spans[b][0] - 0.05, min(spans[a][2], spans[b][2])
        c.arrow(xa + 0.02, y, xb, y)
        c.text((xa + xb) / 2, y + 0.05, text, size=SMALL, va="bottom")
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


def tensor_blocks(items, *, max_cells: int = 8) -> Diagram:
    """Tensors drawn as blocks, side by side.

    ``items``: ``[(label, shape), ...]`` or ``(label, shape, axis_names)``; a 3-D shape is
    drawn as a block (samples in depth, time steps down, features across), a 2-D shape as a
    flat grid (samples down, units across). Sizes above ``max_cells`` get an ellipsis.

    >>> tensor_blocks([("input", (1, 7, 3)), ("output", (1, 4))]).caption
    'Tensors as blocks: input (1, 7, 3); output (1, 4).'
    """
    items = _items(items)
    max_cells = _size("max_cells", max_cells)
    if max_cells < 3:
        raise ValueError(f"max_cells must be at least 3, got {max_cells}")
    c = _tensor_row(items, [None] * len(items), max_cells=max_cells)
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
    return Diagram(c.finish(), alt, caption)


def wrong_vs_right_reshape(time_steps: int = 7, units: int = 4, *, batch: int = 1) -> Diagram:
    """The 2-D last output, the wrong fix (one time step) and the right one (every step).

    >>> wrong_vs_right_reshape(7, 4).caption
    'The last output (1, 4) reshaped to (1, 1, 4) is one time step, not 7: return_sequences=True gives (1, 7, 4).'
    """
    time_steps = _size("time_steps", time_steps)
    units = _size("units", units)
    batch = _size("batch", batch)
    seq = ("samples", "time steps", "features")
    items = [
        ("last output only", (batch, units), ("samples", "units")),
        ("wrong:\nreshaped", (batch, 1, units), seq),
        ("right:\nreturn_sequences=True", (batch, time_steps, units), seq),
    ]
    c = _tensor_row(items, [None, "wrong", "right"], max_cells=8, arrows=[(0, 1, "reshape")])
    caption = (
        f"The last output {fmt_shape((batch, units))} reshaped to {fmt_shape((batch, 1, units))}"
        f" is one time step, not {time_steps}: return_sequences=True gives "
        f"{fmt_shape((batch, time_steps, units))}."
    )
    alt = (
        f"Three tensors as blocks. Left: the last output only, shape {fmt_shape((batch, units))}"
        f", a row of {_n(units, 'unit')}. Middle, marked wrong: the same numbers reshaped to "
        f"{fmt_shape((batch, 1, units))}, which a recurrent layer reads as 1 time step of "
        f"{_n(units, 'feature')}. Right, marked right: the output of return_sequences=True, "
        f"shape {fmt_shape((batch, time_steps, units))}, {_n(time_steps, 'time step')} of "
        f"{_n(units, 'feature')}."
    )
    return Diagram(c.finish(), alt, caption)


# --- 3. A stack of layers, and the icons ---------------------------------------------------
_RECURRENT = re.compile(r"^\s*(SimpleRNN|LSTM|GRU)\s*\(")
_BIDIRECTIONAL = re.compile(r"^\s*Bidirectional\s*\(\s*(SimpleRNN|LSTM|GRU)?")
_STATE_NAMES = {"LSTM": ("h", "c"), "GRU": ("h",), "SimpleRNN": ("h",)}


def _kind(layer: str) -> str:
    if _RECURRENT.match(layer):
        return "rnn"
    if _BIDIRECTIONAL.match(layer):
        return "birnn"
    if layer.lstrip().startswith("TimeDistributed"):
        return "timedistributed"
    if layer.lstrip().startswith("Dense"):
        return "dense"
    return "other"


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


def _wrap(text: str, width: int = 30) -> str:
    """Break a layer's text after commas so a box stays narrow."""
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
    path = MplPath([(x, a), (reach, a), (reach, b), (x, b)], closed=False)
    c.ax.add_patch(
        FancyArrowPatch(
            path=path,
            arrowstyle="-|>",
            mutation_scale=8,
            color=INK,
            linewidth=1.0,
            shrinkA=0,
            shrinkB=0,
            zorder=4,
            joinstyle="round",
        )
    )
    c.grow(reach - 0.02, y - 0.1, x, y + 0.1)


def _icon(c, cx, y_top, w, h, label, kind, *, sequence: bool):
    """A layer box with its top centre at (cx, y_top); recurrent ones in the icon notation.

    Returns the y where the output edge starts.
    """
    x0 = cx - w / 2
    fill = {"rnn": FILL_CELL, "birnn": FILL_CELL, "dense": FILL_DENSE}.get(kind, FILL_OTHER)
    if kind == "timedistributed":  # the same layer at every step: copies behind it
        y_top -= 0.12
        for d in (2, 1):
            c.rect(x0 + d * 0.06, y_top - h + d * 0.06, w, h, fill="#f7f7f7", lw=0.8, round_=0.05)
        fill = FILL_DENSE
    c.rect(x0, y_top - h, w, h, fill=fill, round_=0.05)
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


def _check_trace(trace) -> Trace:
    if not isinstance(trace, Trace):
        raise ValueError(  # noqa: TRY004
            f"trace must be a rnnshape_docs.shapes.Trace, got {type(trace).__name__}"
        )
    return trace


def stack(trace: Trace) -> Diagram:
    """A stack of layers as boxes, each edge labelled with the shape flowing along it."""
    trace = _check_trace(trace)
    labels = [_wrap(step.layer) for step in trace.steps]
    widths = [_text_extent(lab, SIZE)[0] for lab in labels]
    box_w = max([1.3, *widths]) + 0.3
    edge = 0.48
    c = _Canvas()
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
        kind = _kind(step.layer)
        extra = step.outputs[1:]
        n_lines = label.count("\n") + 1
        h = max(0.4, 0.16 * n_lines + 0.2, 0.2 * len(extra) + 0.12)
        main = step.outputs[0] if step.outputs else step.input
        y_top = y - 0.02
        y_out = _icon(c, cx, y_top, box_w, h, label, kind, sequence=len(main) == 3)
        for k, (shape, name) in enumerate(
            zip(extra, _state_labels(step.layer, len(extra)), strict=True)
        ):
            ys = y_top - h / 2 + (len(extra) - 1) * 0.1 - k * 0.2
            xa = cx + box_w / 2
            c.arrow(xa, ys, xa + 0.45, ys)
            c.text(xa + 0.5, ys, f"{name} {fmt_shape(shape)}", size=SMALL, ha="left")
        y = edge_to(y_out, main)
    c.text(cx, y - 0.02, "output", weight="bold", va="top")
    fig = c.finish()

    if len(trace.steps) <= 3:
        names = "The stack " + (", then ".join(s.layer for s in trace.steps) or "of no layers")
    else:
        names = (
            f"A stack of {len(trace.steps)} layers, {trace.steps[0].layer} to "
            f"{trace.steps[-1].layer}"
        )
    caption = f"{names}: input {fmt_shape(trace.input)}, {_shapes_words(trace.outputs)}."
    first = (
        f"A stack of {_n(len(trace.steps), 'layer')} drawn top to bottom, starting from "
        f"an input of shape {fmt_shape(trace.input)}."
    )
    parts = [first]
    for step in trace.steps:
        kind = _kind(step.layer)
        note = ""
        if kind in ("rnn", "birnn"):
            seq = len(step.outputs[0]) == 3
            note = (
                " (recurrent, drawn with a small box on its output side: it returns the "
                "whole sequence)"
                if seq
                else " (recurrent, returns only its last output)"
            )
        outs = " and ".join(fmt_shape(o) for o in step.outputs)
        parts.append(f"{step.layer}{note} takes {fmt_shape(step.input)} and gives {outs}.")
    return Diagram(fig, " ".join(parts), caption)


def icons(
    *,
    layer: str = "LSTM",
    units: int = 4,
    time_steps: int | None = 7,
    features: int = 3,
    batch: int | None = 1,
) -> Diagram:
    """The icon pair: an RNN that returns its last output, one that returns the sequence."""
    layer = _name("layer", layer)
    units = _size("units", units)
    time_steps = _size("time_steps", time_steps, allow_none=True)
    features = _size("features", features)
    batch = _size("batch", batch, allow_none=True)
    in_shape = (batch, time_steps, features)
    c = _Canvas()
    outs = []
    box_w = _text_extent(layer, SIZE, "bold")[0] + 0.5
    for k, seq in enumerate((False, True)):
        cx = k * 2.6
        out = (batch, time_steps, units) if seq else (batch, units)
        outs.append(out)
        title = f"return_sequences={seq}"
        note = "returns the whole sequence" if seq else "returns only its last output"
        c.text(cx, 0.42, title, weight="bold", va="bottom")
        c.text(cx, 0.4, note, size=SMALL, va="top")
        c.arrow(cx, 0.16, cx, -0.2)
        c.text(cx + 0.1, -0.02, fmt_shape(in_shape), size=SMALL, ha="left")
        y_out = _icon(c, cx, -0.22, box_w, 0.42, layer, "rnn", sequence=seq)
        c.arrow(cx, y_out, cx, y_out - 0.4)
        c.text(cx + 0.1, y_out - 0.2, fmt_shape(out), size=SMALL, ha="left")
    fig = c.finish()
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
    return Diagram(fig, alt, caption)


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
) -> Diagram:
    """A recurrent layer returning sequences, then one Dense layer reused at every step."""
    time_steps = _size("time_steps", time_steps, allow_none=True)
    units = _size("units", units)
    dense_units = _size("dense_units", dense_units)
    features = _size("features", features)
    layer = _name("layer", layer)
    batch = _size("batch", batch, allow_none=True)
    max_steps = _check_steps(max_steps)
    in_shape = (batch, time_steps, features)
    mid_shape = (batch, time_steps, units)
    out_shape = (batch, time_steps, dense_units)
    steps = _slots(time_steps, max_steps)
    f_slots, u_slots, d_slots = _slots(features, 5), _slots(units, 5), _slots(dense_units, 5)
    c = _Canvas()
    xs, pitch = _recurrent_row(c, steps, f_slots, u_slots, layer, keep_all=True)
    s = CELL
    # one Dense layer, drawn once across every step
    y_band, band_h = Y_OUT + s + 0.35, 0.4
    xa, xb = xs[0] - pitch / 2 + 0.1, xs[-1] + pitch / 2 - 0.1
    dense = f"Dense({dense_units})\none layer, the same weights at every step"
    if len(xs) == 1:
        dense = f"Dense({dense_units})"
    need = _text_extent(dense, SIZE)[0] + 0.3
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
    c.text(lx, y_dout + s / 2, f"Dense outputs\n{_n(dense_units, 'unit')}", size=SMALL, ha="right")
    c.text(
        (xs[0] + xs[-1]) / 2,
        -0.2,
        f"input {fmt_shape(in_shape)}: {_n(time_steps, 'time step')} of {_n(features, 'feature')}",
        va="top",
    )
    xr = xs[-1] + pitch / 2 + 0.45
    _stacked_result(c, xs, y_dout, d_slots, time_steps, dense_units, out_shape, max_steps, xr)
    fig = c.finish()
    caption = (
        f"Sequence to sequence: {layer}({units}, return_sequences=True) then "
        f"Dense({dense_units}) at every step: input {fmt_shape(in_shape)}, "
        f"output {fmt_shape(out_shape)}."
    )
    alt = (
        f"Diagram of {_a(layer)} {layer} layer unrolled over {_n(time_steps, 'time step')}, "
        f"returning "
        f"its whole sequence {fmt_shape(mid_shape)}, with one Dense({dense_units}) layer "
        f"drawn as a single band across every step: the same weights turn each step's "
        f"{_n(units, 'unit')} into {_n(dense_units, 'unit')}. The Dense outputs are stacked "
        f"into the output of shape {fmt_shape(out_shape)}; the input has shape "
        f"{fmt_shape(in_shape)}."
    )
    return Diagram(fig, alt, caption)


# --- From a trace, and the command line ----------------------------------------------------
KINDS = ("stack", "unrolled")


def from_trace(trace: Trace, kind: str = "stack") -> Diagram:
    """The ``stack`` view of a trace, or the ``unrolled`` view of its first recurrent layer."""
    trace = _check_trace(trace)
    if kind == "stack":
        return stack(trace)
    if kind != "unrolled":
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    for i, step in enumerate(trace.steps):
        m = _RECURRENT.match(step.layer)
        if m and len(step.input) == 3:
            out = step.outputs[0]
            _, time_steps, features = step.input
            if features is None:
                raise ValueError(f"kind='unrolled' needs the number of features of {step.layer}")
            diagram = unrolled(
                time_steps,
                features,
                out[-1],
                return_sequences=len(out) == 3,
                layer=m.group(1),
                batch=step.input[0],
            )
            if len(trace.steps) > 1:
                where = f"Layer {i + 1} of {len(trace.steps)}, {step.layer}: "
                diagram.caption = where + diagram.caption
                diagram.alt = where + diagram.alt
            return diagram
    raise ValueError(
        "kind='unrolled' needs a SimpleRNN, LSTM or GRU layer in the stack "
        "(Bidirectional layers are drawn with kind='stack')"
    )


def draw(trace: Trace, kind: str = "stack", path: str | Path | None = None) -> Diagram:
    """Draw ``trace`` and, when ``path`` is given, save it (SVG or PNG by suffix)."""
    diagram = from_trace(trace, kind)
    if path is not None:
        diagram.save(path)
    return diagram


def write_figure(trace: Trace, kind: str, path: str | Path) -> Path:
    """Draw ``trace`` and write it to ``path`` (SVG or PNG by suffix) atomically.

    The figure goes to a temporary file in the same folder that is renamed into place, so a
    failure never leaves a half-written file. Every failure is a ValueError with one line.
    """
    import os
    import tempfile

    out = Path(path)
    suffix = out.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise ValueError(f"-o must end in .svg or .png, got {str(path)!r}")
    folder = out.parent
    if not folder.is_dir():
        raise ValueError(f"-o: the folder {str(folder)!r} does not exist")
    diagram = from_trace(trace, kind)
    data = diagram.svg() if suffix == ".svg" else diagram.png()
    try:
        fd, tmp = tempfile.mkstemp(prefix=".rnnshape-", suffix=suffix, dir=folder)
    except OSError as err:
        raise ValueError(f"-o: cannot write in {str(folder)!r}: {err.strerror}") from None
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, out)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise ValueError(f"-o: cannot write {str(path)!r}: {err.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def draw_command(argv: Sequence[str] | None = None) -> int:
    """``rnnshape draw`` on its own (the arguments after ``draw``); ``rnnshape draw`` in
    :mod:`rnnshape_docs.cli` does the same through :func:`write_figure`."""
    import argparse
    import sys

    from rnnshape_docs.shapes import parse_shape
    from rnnshape_docs.shapes import trace as trace_layers

    parser = argparse.ArgumentParser(prog="rnnshape draw")
    parser.add_argument("--input", required=True, metavar="SHAPE")
    parser.add_argument("layers", nargs="+", metavar="LAYER")
    parser.add_argument("--kind", choices=KINDS, default="stack")
    parser.add_argument("-o", "--output", required=True, metavar="PATH")
    args = parser.parse_args(argv)
    try:
        out = write_figure(
            trace_layers(args.layers, parse_shape(args.input)), args.kind, args.output
        )
    except ValueError as err:
        print(f"rnnshape draw: error: {' '.join(str(err).split())}", file=sys.stderr)
        return 2
    print(out)
    return 0
