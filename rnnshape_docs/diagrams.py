"""Figures for the rnnshape book, drawn with matplotlib from a trace of the code's model.

Every function returns a :class:`Diagram`: a matplotlib figure plus an ``alt`` text and a
``caption`` that are generated from the same trace, so a figure, its description and the
code cell beside it can never disagree. Left as the last expression of a notebook cell, a
Diagram shows as an SVG ``<figure>`` with its alt text and caption; a figure too wide for a
phone also carries a narrow variant, which phones are served instead (same alt text). The
SVGs are data: URIs, which a notebook needs; the book's site serves them as files instead
(docs/_ext/rnnshape_figure_files.py).

Every shape a figure shows comes from a :class:`rnnshape_docs.shapes.Trace`: the rules'
``trace(layers, input_shape)`` or, in the book, ``check_model(model)``, which has also run
the model. The SVG records every shape of that trace in the ``data-rnnshape-shapes``
attribute of its root (``(1, 7, 3); (1, 4)``), which the site test checks the labels against.

What each figure draws is laid out in :mod:`rnnshape_docs.figures` (on the canvas of
:mod:`rnnshape_docs.layout`, standard library only) and rendered here through
:mod:`rnnshape_docs.render_mpl`; :mod:`rnnshape_docs.svg` writes the same layout as SVG
without matplotlib. The functions below are those of :mod:`rnnshape_docs.figures`, returning
a Diagram instead of a layout.

Public API
----------
``unrolled(trace, *, step=None, max_steps=4)``
    One recurrent layer of the trace (``step``, counted from 0, or the first SimpleRNN, LSTM
    or GRU) unrolled in time: one cell per step, the row of features going in, the state
    passed on, an output per step; the outputs are either dropped but the last
    (``return_sequences=False``) or stacked into a (time steps x units) grid (``True``).
``tensor_blocks(traces, items, *, max_cells=8)``
    Tensors as blocks; ``items`` is a list of ``(label, shape)`` or
    ``(label, shape, axis_names)``; a shape has 1 to 3 axes, the first is the batch, and must
    be one of the shapes flowing through ``traces`` (a Trace or a list of them).
``wrong_vs_right_reshape(wrong, right)``
    The 2-D last output, the wrong fix (reshaped to 1 time step, as in the trace ``wrong``)
    and the right one (``return_sequences=True``, as in the trace ``right``).
``stack(trace, *, target=None, loss=None)``
    A stack of layers: one box per layer (recurrent layers in the icon notation), each edge
    labelled with its shape; optionally the target shape and the loss the output is trained
    with, under the output.
``seq2seq(trace, *, max_steps=4)``
    The trace's first recurrent layer returning sequences that is followed by a Dense layer,
    that Dense layer drawn once, applied at every step.
``icons(last, sequence)``
    The icon pair: the first layer of the trace ``last`` (an RNN returning its last output)
    and of ``sequence`` (the same RNN with a small box on its output side, returning the
    sequence).
``heatmap(weights, *, row_label="query step", column_label="value step", marked=(), marked_label="marked cell")``
    Weights in [0, 1] (attention scores) as a grid of tinted squares, one row per row of
    ``weights``; the (row, column) pairs in ``marked`` are outlined. It shows no shape: its
    rows and columns are the array's own.
``windows(rows, windows, targets=None, *, shape=None, max_windows=3)``
    Windows cut from a table of ``rows`` rows: a strip per window with the rows it takes
    (``windows[i]``, row indices the page computed) and, below it, its target's rows.
``from_trace(trace, kind="stack")`` and ``draw(trace, kind="stack", path=None)``
    The stack or unrolled view of any trace; ``draw`` also saves it (SVG or PNG by suffix).
    ``write_figure(trace, kind, path)`` writes it atomically (what ``rnnshape draw`` runs).

Bad arguments raise :class:`ValueError` naming the argument. Long sequences and wide
vectors are drawn with an ellipsis; ``None`` (an unknown size) is drawn with dashed edges.
"""

from __future__ import annotations

import base64
import functools
import html
import math
from dataclasses import dataclass, field
from pathlib import Path

from matplotlib.figure import Figure

from rnnshape_docs import figures, render_mpl
from rnnshape_docs.figures import KINDS, PHONE_COLUMN
from rnnshape_docs.layout import CSS_PX_PER_INCH, Drawing, Layout, fmt_shape
from rnnshape_docs.shapes import Trace

__all__ = [
    "KINDS",
    "Diagram",
    "draw",
    "fmt_shape",
    "from_trace",
    "heatmap",
    "icons",
    "seq2seq",
    "stack",
    "tensor_blocks",
    "unrolled",
    "windows",
    "write_figure",
    "wrong_vs_right_reshape",
]

# A phone's page around the figure's column: the viewport is this much wider than the column.
PHONE_CHROME = 390 - PHONE_COLUMN


@dataclass
class Diagram:
    """A figure (and, for phones, its narrow variant) with the alt text and caption
    generated from its sizes."""

    layout: Layout
    alt: str = field(init=False)
    caption: str = field(init=False)
    _figures: dict[str, Figure] = field(default_factory=dict, repr=False)
    _svgs: dict[str, bytes] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.alt, self.caption = self.layout.alt, self.layout.caption

    def _drawing(self, variant: str) -> Drawing:
        if variant == "narrow" and self.layout.narrow is not None:
            return self.layout.narrow
        return self.layout.wide

    def _figure(self, variant: str) -> Figure:
        if variant not in self._figures:
            self._figures[variant] = render_mpl.figure(self._drawing(variant))
        return self._figures[variant]

    @property
    def figure(self) -> Figure:
        """The (wide) matplotlib figure."""
        return self._figure("wide")

    @property
    def has_narrow(self) -> bool:
        """Whether phones get a narrow variant (the wide one would be too small there)."""
        return self.layout.narrow is not None

    @property
    def size_inches(self) -> tuple[float, float]:
        w, h = self.figure.get_size_inches()
        return float(w), float(h)

    def svg(self, variant: str = "wide") -> bytes:
        """The figure as SVG, byte-identical from run to run (``variant="narrow"``: the
        phone's variant, the wide one when there is none)."""
        if variant not in ("wide", "narrow"):
            raise ValueError(f"variant must be 'wide' or 'narrow', got {variant!r}")
        if variant not in self._svgs:
            self._svgs[variant] = render_mpl.svg(self._figure(variant), self.layout.shapes)
        return self._svgs[variant]

    def png(self, dpi: int = render_mpl.PNG_DPI, variant: str = "wide") -> bytes:
        """The figure as PNG (no time stamp, no software version)."""
        if variant not in ("wide", "narrow"):
            raise ValueError(f"variant must be 'wide' or 'narrow', got {variant!r}")
        return render_mpl.png(self._figure(variant), dpi)

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
        img = (
            f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(self.alt)}" '
            f'width="{round(w * CSS_PX_PER_INCH)}" height="{round(h * CSS_PX_PER_INCH)}" '
            'style="max-width:100%;height:auto;background:#ffffff">'
        )
        if self.has_narrow:
            # Below the viewport width at which the wide figure's labels would shrink under
            # 9 CSS px, the narrow variant (the same layout, rearranged) takes its place.
            narrow = self.layout.narrow
            breakpoint = math.ceil(self.layout.wide.min_css_width() + PHONE_CHROME)
            small = base64.b64encode(self.svg("narrow")).decode("ascii")
            img = (
                f'<picture><source media="(max-width: {breakpoint}px)" '
                f'srcset="data:image/svg+xml;base64,{small}" '
                f'width="{round(narrow.width * CSS_PX_PER_INCH)}" '
                f'height="{round(narrow.height * CSS_PX_PER_INCH)}">{img}</picture>'
            )
        # Dark ink on its own white card, so figure and caption read the same in the
        # theme's light and dark modes (and in a dark Jupyter).
        return (
            '<figure class="rnnshape-figure" style="margin:0 auto;padding:0.5em;'
            'background:#ffffff;color:#222222;border-radius:4px;text-align:center">'
            f"{img}"
            '<figcaption style="color:#333333;font-weight:400;margin-top:0.4em">'
            f"{html.escape(self.caption)}</figcaption></figure>"
        )

    def _repr_mimebundle_(self, include=None, exclude=None):
        # Only HTML (and a plain-text fallback): no separate SVG or PNG output.
        return {"text/html": self._repr_html_(), "text/plain": self.alt}

    def __repr__(self) -> str:
        w, h = self.size_inches
        return f"<Diagram {w:.2f}x{h:.2f} in: {self.caption}>"


_MEASURE = render_mpl.text_extent  # labels measured as matplotlib draws them


def _diagram(layout_of):
    """``layout_of`` from :mod:`rnnshape_docs.figures`, measured as matplotlib draws and
    returning a Diagram (same arguments, same docstring)."""

    @functools.wraps(layout_of)
    def draw_diagram(*args, **kwargs) -> Diagram:
        return Diagram(layout_of(*args, measure=_MEASURE, **kwargs))

    draw_diagram.__module__ = __name__  # listed here, its examples run once, in figures
    draw_diagram.__doc__ = (layout_of.__doc__ or "").split("\n\n")[0]
    return draw_diagram


unrolled = _diagram(figures.unrolled)
tensor_blocks = _diagram(figures.tensor_blocks)
wrong_vs_right_reshape = _diagram(figures.wrong_vs_right_reshape)
stack = _diagram(figures.stack)
icons = _diagram(figures.icons)
seq2seq = _diagram(figures.seq2seq)
from_trace = _diagram(figures.from_trace)
heatmap = _diagram(figures.heatmap)
windows = _diagram(figures.windows)


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
