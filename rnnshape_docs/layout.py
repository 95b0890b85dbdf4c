"""The figures' layout: what to draw where, in inches, with nothing drawn yet.

A :class:`Canvas` records boxes, lines, arrows and labels as plain data (a :class:`Drawing`)
and keeps the bounds of what was drawn, measuring labels with a text measurer it is given.
Two outputs replay a Drawing: matplotlib (:mod:`rnnshape_docs.render_mpl`, the book's SVG
and PNG) and a small SVG writer (:mod:`rnnshape_docs.svg`, standard library only, for the
browser). This module needs only the standard library: no matplotlib, no numpy.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from rnnshape_docs._font_widths import ADVANCE, ADVANCE_BOLD, UNITS_PER_EM
from rnnshape_docs.rules.base import format_shape

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
FONT_FALLBACKS = (FONT, "Liberation Sans", "Arial", "Helvetica")
SIZE = 9.0  # labels, in points
SMALL = 8.0  # the smallest labels, in points
LINE_SPACING = 1.15
ARROW_HEAD = 9.0  # matplotlib's mutation_scale for arrow heads, in points

# Legibility on a screen: a figure is shown at 96 CSS px per inch, or scaled down to fit its
# column; its smallest label must stay at or above this many CSS px.
CSS_PX_PER_INCH = 96
MIN_LABEL_PX = 9.0


# --- Measuring text ------------------------------------------------------------------------
Measure = Callable[[str, float, str], tuple[float, float]]


def text_extent(s: str, size: float, weight: str = "normal") -> tuple[float, float]:
    """Width and height of ``s`` in inches (several lines allowed), from DejaVu Sans'
    advance widths: close to matplotlib's measure, without matplotlib."""
    table = ADVANCE_BOLD if weight == "bold" else ADVANCE
    fallback = table.get("M", UNITS_PER_EM)
    lines = s.split("\n")
    width = max(sum(table.get(ch, fallback) for ch in line) for line in lines)
    return width / UNITS_PER_EM * size / 72, len(lines) * size * 1.25 / 72


# --- Drawn items ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    edge: str
    lw: float
    ls: str
    round_: float
    z: float


@dataclass(frozen=True)
class Poly:
    points: tuple[tuple[float, float], ...]
    fill: str
    edge: str
    lw: float
    ls: str
    z: float


@dataclass(frozen=True)
class Line:
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    color: str
    lw: float
    ls: str
    z: float


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    s: str
    size: float
    ha: str
    va: str
    color: str
    weight: str
    rotation: float
    z: float


@dataclass(frozen=True)
class Arrow:
    """An arrow along ``points`` (two for a straight one, more for a bent path).

    ``style`` is ``"-|>"`` (a filled head) or ``"->"`` (an open one); ``head`` is the head's
    scale in points; ``round_join`` rounds the corners of a bent path.
    """

    points: tuple[tuple[float, float], ...]
    color: str
    lw: float
    style: str
    ls: str
    z: float
    head: float = ARROW_HEAD
    round_join: bool = False


Item = Rect | Poly | Line | Text | Arrow


@dataclass(frozen=True)
class Drawing:
    """What a figure draws, in order, and the window onto it (inches, y up)."""

    items: tuple[Item, ...]
    x0: float
    y0: float
    width: float
    height: float

    def texts(self) -> list[Text]:
        return [it for it in self.items if isinstance(it, Text)]

    def smallest_label(self) -> float:
        """The smallest font size of the drawing, in points."""
        return min((t.size for t in self.texts()), default=SMALL)

    def label_px(self, css_width: float | None = None) -> float:
        """The smallest label in CSS px when shown at ``css_width`` (natural size if None)."""
        natural = self.width * CSS_PX_PER_INCH
        scale = 1.0 if css_width is None else min(1.0, css_width / natural)
        return self.smallest_label() * CSS_PX_PER_INCH / 72 * scale

    def min_css_width(self) -> float:
        """The narrowest column (CSS px) at which every label stays legible."""
        natural = self.width * CSS_PX_PER_INCH
        return natural * min(1.0, MIN_LABEL_PX / self.label_px())


@dataclass(frozen=True)
class Layout:
    """A figure: its wide drawing, a narrow one for phones (None when the wide one fits),
    and the alt text and caption they share."""

    wide: Drawing
    narrow: Drawing | None
    alt: str
    caption: str
    # Every shape of the trace(s) the figure was drawn from, in order of appearance: its SVG
    # records them, and the site test checks each shape label against them.
    shapes: tuple[tuple[int | None, ...], ...] = ()

    def for_width(self, css_width: float | None) -> Drawing:
        """The drawing to show in a column ``css_width`` CSS px wide (None: the wide one)."""
        if css_width is None or self.narrow is None:
            return self.wide
        if self.wide.label_px(css_width) >= MIN_LABEL_PX:
            return self.wide
        return self.narrow


# --- A canvas in inches --------------------------------------------------------------------
class Canvas:
    """Record items in inch coordinates; ``finish`` sizes the drawing to what was drawn."""

    def __init__(self, measure: Measure = text_extent) -> None:
        self.measure = measure
        self.items: list[Item] = []
        self.x0 = self.y0 = math.inf
        self.x1 = self.y1 = -math.inf

    def extent(self, s: str, size: float = SIZE, weight: str = "normal") -> tuple[float, float]:
        return self.measure(s, size, weight)

    def grow(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.x0, self.y0 = min(self.x0, x0, x1), min(self.y0, y0, y1)
        self.x1, self.y1 = max(self.x1, x0, x1), max(self.y1, y0, y1)

    def rect(self, x, y, w, h, *, fill=PAPER, edge=INK, lw=1.0, ls="-", round_=0.0, z=2):
        self.items.append(Rect(x, y, w, h, fill, edge, lw, ls, round_, z))
        self.grow(x, y, x + w, y + h)

    def poly(self, points, *, fill=PAPER, edge=INK, lw=1.0, ls="-", z=2):
        points = tuple((px, py) for px, py in points)
        self.items.append(Poly(points, fill, edge, lw, ls, z))
        for px, py in points:
            self.grow(px, py, px, py)

    def line(self, xs, ys, *, color=INK, lw=1.0, ls="-", z=3):
        self.items.append(Line(tuple(xs), tuple(ys), color, lw, ls, z))
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
        self.items.append(Text(x, y, s, size, ha, va, color, weight, rotation, z))
        w, h = self.extent(s, size, weight)
        if rotation % 180 == 90:
            w, h = h, w
        left = {"left": x, "center": x - w / 2, "right": x - w}[ha]
        bottom = {"bottom": y, "baseline": y - 0.2 * h, "center": y - h / 2, "top": y - h}[va]
        self.grow(left, bottom, left + w, bottom + h)

    def arrow(self, x0, y0, x1, y1, *, color=INK, lw=1.1, style="-|>", ls="-", z=4):
        self.items.append(Arrow(((x0, y0), (x1, y1)), color, lw, style, ls, z))
        self.grow(x0, y0, x1, y1)

    def bent_arrow(self, points, *, color=INK, lw=1.0, head=8.0, z=4):
        """An arrow along a path of straight pieces with rounded corners."""
        points = tuple((px, py) for px, py in points)
        self.items.append(Arrow(points, color, lw, "-|>", "-", z, head=head, round_join=True))

    def cells(self, x, y, slots, *, s, fill, edge=INK, lw=0.8, ls="-", horizontal=True):
        """A strip of small squares starting at (x, y) (bottom-left); ellipsis slots as '…'."""
        for i, slot in enumerate(slots):
            cx, cy = (x + i * s, y) if horizontal else (x, y - (i + 1) * s)
            if slot is None:
                self.text(cx + s / 2, cy + s / 2, "…" if horizontal else "⋮", size=SMALL)
            else:
                self.rect(cx, cy, s, s, fill=fill, edge=edge, lw=lw, ls=ls)

    def place(self, other: Canvas, dx: float, dy: float) -> None:
        """Copy what ``other`` drew, moved by (dx, dy)."""
        self.items.extend(shifted(item, dx, dy) for item in other.items)
        self.grow(other.x0 + dx, other.y0 + dy, other.x1 + dx, other.y1 + dy)

    def finish(self, margin: float = 0.12) -> Drawing:
        x0, y0 = self.x0 - margin, self.y0 - margin
        x1, y1 = self.x1 + margin, self.y1 + margin
        return Drawing(tuple(self.items), x0, y0, round(x1 - x0, 3), round(y1 - y0, 3))


def shifted(item: Item, dx: float, dy: float) -> Item:
    """``item`` moved by (dx, dy)."""
    if isinstance(item, Rect | Text):
        return replace(item, x=item.x + dx, y=item.y + dy)
    if isinstance(item, Line):
        return replace(item, xs=tuple(x + dx for x in item.xs), ys=tuple(y + dy for y in item.ys))
    return replace(item, points=tuple((x + dx, y + dy) for x, y in item.points))


def grid(c: Canvas, x, y_top, rows, cols, *, s, fill, ls="-"):
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


# --- Checking arguments, and words for sizes -----------------------------------------------
def as_int(value) -> int | None:
    """``value`` as a Python int if it is an integer (numpy ones too, never a bool)."""
    if isinstance(value, bool):
        return None
    try:
        return operator.index(value)
    except TypeError:
        return None


def check_size(name: str, value, *, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    number = as_int(value)
    if number is None or number < 1:
        extra = " or None" if allow_none else ""
        raise ValueError(f"{name} must be a positive integer{extra}, got {value!r}")
    return number


def check_flag(name: str, value) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False, got {value!r}")  # noqa: TRY004
    return value


def check_name(name: str, value) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
        raise ValueError(f"{name} must be a layer name such as 'LSTM', got {value!r}")
    return value


fmt_shape = format_shape  # the figures' name for the one shape formatter


def shapes_attribute(shapes: Sequence[Sequence[int | None]]) -> str:
    """The SVG root's record of the shapes a figure was drawn from:
    ``data-rnnshape-shapes="(1, 7, 3); (1, 4)"``."""
    return f'data-rnnshape-shapes="{"; ".join(map(format_shape, shapes))}"'


def n_words(value: int | None, word: str, plural: str | None = None) -> str:
    """'7 time steps', '1 time step', 'any number of time steps'."""
    plural = plural or word + "s"
    if value is None:
        return f"any number of {plural}"
    return f"{value} {word if value == 1 else plural}"


def article(word: str) -> str:
    """The article for a layer name: 'an LSTM', 'a GRU', 'a SimpleRNN'."""
    if word.isupper():
        return "an" if word[0] in "AEFHILMNORSX" else "a"
    return "an" if word[0].lower() in "aeiou" else "a"


def shapes_words(shapes) -> str:
    """'output (1, 4)' or 'outputs (1, 4), (1, 4) and (1, 4)'."""
    parts = [fmt_shape(o) for o in shapes]
    if len(parts) == 1:
        return f"output {parts[0]}"
    return f"outputs {', '.join(parts[:-1])} and {parts[-1]}"


def count(value: int | None, word: str) -> str:
    """Short form for labels: '7 time steps', '1 unit', 'T time steps' for unknown."""
    return f"{'T' if value is None else value} {word if value == 1 else word + 's'}"


def slots(n: int | None, cap: int) -> list[int | None]:
    """Which of n positions to draw: indices (0-based), None for an ellipsis slot."""
    if n is not None and n <= cap:
        return list(range(n))
    head = max(cap - 2, 1)
    if n is None:
        return [*range(head), None, -1]  # -1: the last, index unknown
    return [*range(head), None, n - 1]
