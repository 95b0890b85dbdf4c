"""Figures for the rnnshape book, drawn with matplotlib from the sizes the code uses.

Every function returns a :class:`Diagram`: a matplotlib figure plus an ``alt`` text and a
``caption`` that are generated from the same sizes, so a figure, its description and the
code cell beside it can never disagree. Left as the last expression of a notebook cell, a
Diagram shows as an SVG ``<figure>`` with its alt text and caption; a figure too wide for a
phone also carries a narrow variant, which phones are served instead (same alt text).

What each figure draws is laid out in :mod:`rnnshape_docs.figures` (on the canvas of
:mod:`rnnshape_docs.layout`, standard library only) and rendered here through
:mod:`rnnshape_docs.render_mpl`; :mod:`rnnshape_docs.svg` writes the same layout as SVG
without matplotlib.

Public API
----------
``unrolled(time_steps, features, units, *, return_sequences, layer="LSTM", batch=1, max_steps=4)``
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
``seq2seq(time_steps, units, dense_units, *, features=1, layer="SimpleRNN", batch=1, max_steps=4)``
    A recurrent layer returning sequences followed by one Dense layer applied at every step.
``icons(*, layer="LSTM", units=4, time_steps=7, features=3, batch=1)``
    The icon pair: an RNN returning its last output, and one with a small box on its
    output side returning the sequence.
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
import html
import math
from collections.abc import Sequence
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
    "draw_command",
    "fmt_shape",
    "from_trace",
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
            self._svgs[variant] = render_mpl.svg(self._figure(variant))
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
    return Diagram(
        figures.unrolled(
            time_steps,
            features,
            units,
            return_sequences=return_sequences,
            layer=layer,
            batch=batch,
            max_steps=max_steps,
            measure=_MEASURE,
        )
    )


def tensor_blocks(items, *, max_cells: int = 8) -> Diagram:
    """Tensors drawn as blocks, side by side.

    ``items``: ``[(label, shape), ...]`` or ``(label, shape, axis_names)``; a 3-D shape is
    drawn as a block (samples in depth, time steps down, features across), a 2-D shape as a
    flat grid (samples down, units across). Sizes above ``max_cells`` get an ellipsis.

    >>> tensor_blocks([("input", (1, 7, 3)), ("output", (1, 4))]).caption
    'Tensors as blocks: input (1, 7, 3); output (1, 4).'
    """
    return Diagram(figures.tensor_blocks(items, max_cells=max_cells, measure=_MEASURE))


def wrong_vs_right_reshape(time_steps: int = 7, units: int = 4, *, batch: int = 1) -> Diagram:
    """The 2-D last output, the wrong fix (one time step) and the right one (every step).

    >>> wrong_vs_right_reshape(7, 4).caption
    'The last output (1, 4) reshaped to (1, 1, 4) is one time step, not 7: return_sequences=True gives (1, 7, 4).'
    """
    return Diagram(figures.wrong_vs_right_reshape(time_steps, units, batch=batch, measure=_MEASURE))


def stack(trace: Trace) -> Diagram:
    """A stack of layers as boxes, each edge labelled with the shape flowing along it."""
    return Diagram(figures.stack(trace, measure=_MEASURE))


def icons(
    *,
    layer: str = "LSTM",
    units: int = 4,
    time_steps: int | None = 7,
    features: int = 3,
    batch: int | None = 1,
) -> Diagram:
    """The icon pair: an RNN that returns its last output, one that returns the sequence."""
    return Diagram(
        figures.icons(
            layer=layer,
            units=units,
            time_steps=time_steps,
            features=features,
            batch=batch,
            measure=_MEASURE,
        )
    )


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
    return Diagram(
        figures.seq2seq(
            time_steps,
            units,
            dense_units,
            features=features,
            layer=layer,
            batch=batch,
            max_steps=max_steps,
            measure=_MEASURE,
        )
    )


def windows(rows: int, windows, targets=None, *, shape=None, max_windows: int = 3) -> Diagram:
    """The first ``max_windows`` windows cut from a table of ``rows`` rows, and their targets.

    ``windows[i]``: the row indices of window ``i``; ``targets[i]``: those of its target;
    ``shape``: the shape of the stacked windows (for the caption).

    >>> windows(10, [[0, 1, 2], [1, 2, 3]], [[3], [4]], shape=(2, 3, 1)).caption
    "Windows cut from a table of 10 rows: the rows each window takes (blue) and its target's rows (green); 2 windows in all, shape (2, 3, 1)."
    """
    return Diagram(
        figures.windows(
            rows, windows, targets, shape=shape, max_windows=max_windows, measure=_MEASURE
        )
    )


# --- From a trace, and the command line ----------------------------------------------------
def from_trace(trace: Trace, kind: str = "stack") -> Diagram:
    """The ``stack`` view of a trace, or the ``unrolled`` view of its first recurrent layer."""
    return Diagram(figures.from_trace(trace, kind, measure=_MEASURE))


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
