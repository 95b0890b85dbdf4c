"""The figures: each kind renders for typical and edge inputs, carries its labels, is
byte-identical from render to render, and rejects bad arguments by name."""

from __future__ import annotations

import html
import itertools
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from figure_labels import labels_in, svg_shapes, unrecorded

import rnnshape_docs
from rnnshape_docs import diagrams as D
from rnnshape_docs import figures, svg
from rnnshape_docs.shapes import Step, Trace

ROOT = Path(__file__).resolve().parents[1]


def text_of(diagram: D.Diagram) -> str:
    """Every <text> of the SVG, joined (labels are kept as text, not paths)."""
    svg = diagram.svg().decode()
    return "\n".join(html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg))


def by_hand() -> Trace:
    """A trace written out by hand, so these tests do not depend on the tracer."""
    return Trace(
        (1, 7, 3),
        (
            Step("LSTM(4, return_sequences=True)", (1, 7, 3), ((1, 7, 4),), "seq"),
            Step("LSTM(4)", (1, 7, 4), ((1, 4),), "last"),
            Step("Dense(1)", (1, 4), ((1, 1),), "dense"),
        ),
    )


def with_states() -> Trace:
    return Trace(
        (None, 10, 3),
        (
            Step(
                "Bidirectional(LSTM(8, return_sequences=True), merge_mode='sum')",
                (None, 10, 3),
                ((None, 10, 8),),
                "bi",
            ),
            Step(
                "LSTM(5, return_state=True)",
                (None, 10, 8),
                ((None, 5), (None, 5), (None, 5)),
                "states",
                names=("output", "h", "c"),
            ),
            Step("RepeatVector(10)", (None, 5), ((None, 10, 5),), "repeat"),
            Step("TimeDistributed(Dense(2))", (None, 10, 5), ((None, 10, 2),), "td"),
        ),
    )


def rnn(layer: str, shape) -> Trace:
    return rnnshape_docs.trace([layer], shape)


LAST = rnn("LSTM(4)", (1, 7, 3))
SEQ = rnn("LSTM(4, return_sequences=True)", (1, 7, 3))
WRONG = rnnshape_docs.trace(["LSTM(4)", "Reshape((1, 4))", "LSTM(4)"], (1, 7, 3))
RIGHT = rnnshape_docs.trace(["LSTM(4, return_sequences=True)", "LSTM(4)"], (1, 7, 3))

TYPICAL = {
    "unrolled-last": lambda: D.unrolled(LAST),
    "unrolled-seq": lambda: D.unrolled(SEQ),
    "tensors": lambda: D.tensor_blocks(LAST, [("input", (1, 7, 3)), ("output", (1, 4))]),
    "reshape": lambda: D.wrong_vs_right_reshape(WRONG, RIGHT),
    "stack": lambda: D.stack(by_hand()),
    "stack-states": lambda: D.stack(with_states()),
    "seq2seq": lambda: D.seq2seq(
        rnnshape_docs.trace(["SimpleRNN(40, return_sequences=True)", "Dense(1)"], (None, None, 1))
    ),
    "icons": lambda: D.icons(LAST, SEQ),
    "heatmap": lambda: D.heatmap(
        [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]], marked=[(0, 0), (1, 2)], marked_label="marked step"
    ),
    "windows": lambda: D.windows(
        300,
        [range(i, i + 24) for i in range(276)],
        [[i + 24] for i in range(276)],
        shape=(276, 24, 3),
    ),
}

EDGE = {
    "one-step": lambda: D.unrolled(rnn("LSTM(1)", (1, 1, 1))),
    "one-step-seq": lambda: D.unrolled(rnn("LSTM(1, return_sequences=True)", (1, 1, 1))),
    "long": lambda: D.unrolled(rnn("GRU(64, return_sequences=True)", (1, 100, 50))),
    "unknown": lambda: D.unrolled(rnn("LSTM(40)", (None, None, 1))),
    "tensors-odd": lambda: D.tensor_blocks(
        [rnn("LSTM(5)", (None, None, 1)), rnnshape_docs.trace(["Flatten()"], (32, 100, 40))],
        [("any", (None, None, 1)), ("big", (32, 100, 40)), ("vector", (None, 5))],
    ),
    "empty-stack": lambda: D.stack(Trace((2, 5, 3), ())),
    "seq2seq-one": lambda: D.seq2seq(
        rnnshape_docs.trace(["LSTM(1, return_sequences=True)", "Dense(1)"], (1, 1, 1))
    ),
    "icons-none": lambda: D.icons(
        rnn("GRU(40)", (None, None, 3)), rnn("GRU(40, return_sequences=True)", (None, None, 3))
    ),
    "heatmap-one": lambda: D.heatmap([[1.0]]),
    "heatmap-long": lambda: D.heatmap(
        [[k / 191 for k in range(16 * r, 16 * r + 16)] for r in range(12)]
    ),
    "windows-one": lambda: D.windows(1, [[0]]),
    "windows-strided": lambda: D.windows(
        100,
        [range(i, i + 9, 2) for i in range(0, 90, 3)],
        [range(i + 9, i + 15) for i in range(0, 90, 3)],
    ),
}


@pytest.mark.parametrize("make", [*TYPICAL.values(), *EDGE.values()], ids=[*TYPICAL, *EDGE])
def test_renders_small_deterministic_svg(make):
    first, second = make(), make()
    svg = first.svg()
    assert svg.startswith(b"<?xml")
    assert svg == second.svg(), "two renders differ"
    assert b"<dc:date>" not in svg
    assert len(svg) < 60_000, len(svg)
    w, h = first.size_inches
    assert 1 < w < 13
    assert 0.5 < h < 13
    assert first.alt
    assert first.caption
    assert first.png()[:8] == b"\x89PNG\r\n\x1a\n"
    assert first.png() == second.png()


# Figures that show no shape (a heatmap's rows and columns are its array's; windows without
# their stacked shape are labelled by row numbers only): they record none.
SHOWS_NO_SHAPE = {
    "heatmap",
    "heatmap-one",
    "heatmap-long",
    "windows-one",
    "windows-strided",
}


@pytest.mark.parametrize("name", [*TYPICAL, *EDGE])
def test_every_shape_label_is_a_shape_of_the_figures_trace(name):
    """The check the site test runs on every figure of the book, on each figure here: the
    wide and narrow SVG, from matplotlib and from the standard-library writer."""
    d = {**TYPICAL, **EDGE}[name]()
    assert bool(d.layout.shapes) != (name in SHOWS_NO_SHAPE), "records its trace's shapes"
    docs = [d.svg(), svg.layout_svg(d.layout)]
    if d.has_narrow:
        docs += [d.svg("narrow"), svg.layout_svg(d.layout, width=200)]
    for doc in docs:
        assert unrecorded(doc) == []
        _, labels = svg_shapes(doc)
        assert bool(labels) != (name in SHOWS_NO_SHAPE), labels


def test_the_label_check_fails_a_figure_without_its_trace():
    """What the site test reports for a figure drawn from loose numbers (no record), or one
    whose label is not a shape of its trace."""
    doc = D.stack(by_hand()).svg()
    bare = re.sub(rb' data-rnnshape-shapes="[^"]*"', b"", doc)
    assert bare != doc
    assert unrecorded(bare) == ["shows (1, 1), (1, 4), (1, 7, 3), (1, 7, 4) but records no trace"]
    short = doc.replace(b"; (1, 1)", b"")
    assert unrecorded(short) == [
        "shows (1, 1), not among its trace's ['(1, 4)', '(1, 7, 3)', '(1, 7, 4)']"
    ]


def test_a_layers_arguments_are_not_shape_labels():
    wrapped = ["ConvLSTM2D(8, (3, 3),", "return_sequences=True)", "(None, 8, 14, 14, 8)"]
    labels = labels_in(
        ["Conv1D(8, 3)", "Reshape((1, 4))", "pool_size=(2, 2)", "h (None, 5)", *wrapped]
    )
    assert labels == {"(None, 5)", "(None, 8, 14, 14, 8)"}


def test_unrolled_labels_and_text():
    d = D.unrolled(LAST)
    text = text_of(d)
    for label in ("t=1", "t=7", "ignored", "state", "(1, 4)", "(1, 7, 3)", "LSTM"):
        assert label in text
    assert "(1, 4)" in d.alt
    assert "(1, 7, 3)" in d.alt
    assert "ignored" in d.alt
    assert d.caption == (
        "LSTM unrolled over 7 time steps, return_sequences=False: input (1, 7, 3), output (1, 4)."
    )
    seq = D.unrolled(SEQ)
    text = text_of(seq)
    assert "(1, 7, 4)" in text
    assert "stacked" in text
    assert "ignored" not in text
    assert "7 time steps" in text


def test_long_sequences_use_an_ellipsis():
    text = text_of(D.unrolled(rnn("LSTM(4)", (1, 100, 3)), max_steps=5))
    assert "t=100" in text
    assert "t=50" not in text
    assert "…" in text
    assert text.count("ignored") == 3  # t=1, 2, 3 drawn, t=100 goes on


def test_unknown_length():
    d = D.unrolled(rnn("LSTM(40, return_sequences=True)", (None, None, 1)))
    assert "(None, None, 40)" in text_of(d)
    assert "t=T" in text_of(d)
    assert "any number of time steps" in d.caption


def test_narrow_reshape_arrow_joins_its_two_tensors():
    # On a phone the tensors stack; the arrow once ran down the figure's far side, apart
    # from both. It runs from under the first tensor's shape to above the second's title.
    from rnnshape_docs.layout import Arrow, Text

    narrow = D.wrong_vs_right_reshape(WRONG, RIGHT).layout.narrow
    assert narrow is not None
    [arrow] = [i for i in narrow.items if isinstance(i, Arrow)]
    (xa, ya), (xb, yb) = arrow.points
    texts = {t.s: t for t in narrow.items if isinstance(t, Text)}
    shape, title = texts["(1, 4)"], texts["wrong:\nreshaped"]
    assert xa == xb
    assert abs(xa - shape.x) < 0.3
    assert abs(xa - title.x) < 0.3
    assert shape.y > ya > yb > title.y


def test_tensor_blocks_and_reshape_labels():
    text = text_of(D.wrong_vs_right_reshape(WRONG, RIGHT))
    for label in ("(1, 4)", "(1, 1, 4)", "(1, 7, 4)", "wrong", "right", "7 time steps"):
        assert label in text
    wide = rnn("LSTM(4)", (32, 100, 40))
    text = text_of(
        D.tensor_blocks(wide, [("input", (32, 100, 40), ("samples", "steps", "channels"))])
    )
    assert "100 steps" in text
    assert "40 channels" in text
    assert "32 samples" in text


def test_stack_labels_every_edge_and_state():
    d = D.stack(by_hand())
    text = text_of(d)
    for label in ("(1, 7, 3)", "(1, 7, 4)", "(1, 4)", "(1, 1)", "Dense(1)", "LSTM(4)"):
        assert label in text
    assert "small box" in d.alt
    text = text_of(D.stack(with_states()))
    assert "state h (None, 5)" in text
    assert "state c (None, 5)" in text
    assert "TimeDistributed(Dense(2))" in text


def test_stack_with_its_target_and_loss():
    plain = D.stack(by_hand())
    d = D.stack(by_hand(), target=(6, 1), loss="mse")
    text = text_of(d)
    assert "target (6, 1)" in text
    assert "loss mse" in text
    assert "target" not in text_of(plain)
    assert "trained on targets of shape (6, 1) with the loss mse" in d.alt
    assert d.caption.endswith("trained on targets (6, 1) with mse.")
    assert d.svg() == D.stack(by_hand(), target=(6, 1), loss="mse").svg()
    assert d.size_inches[1] > plain.size_inches[1]  # drawn under the output, not over it


@pytest.mark.parametrize(
    ("target", "loss", "message"),
    [
        ((6, 1), None, "loss must name"),
        (None, "mse", "target must be a shape"),
        ("(6, 1)", "mse", "target must be a shape"),
        ((6, 0), "mse", "target must be a shape"),
    ],
)
def test_stack_target_must_be_a_shape_and_a_loss(target, loss, message):
    with pytest.raises(ValueError, match=message):
        D.stack(by_hand(), target=target, loss=loss)


def test_stack_from_the_tracer():
    import rnnshape_docs

    trace = rnnshape_docs.trace(
        ["SimpleRNN(40, return_sequences=True)", "SimpleRNN(40)", "Dense(1)"],
        (None, None, 1),
    )
    text = text_of(D.stack(trace))
    assert "(None, None, 40)" in text
    assert "(None, 40)" in text
    unrolled = D.from_trace(trace, "unrolled")
    assert "SimpleRNN" in unrolled.caption
    assert "(None, None, 40)" in unrolled.caption


def test_seq2seq_and_icons():
    d = D.seq2seq(
        rnnshape_docs.trace(["SimpleRNN(40, return_sequences=True)", "Dense(1)"], (1, 30, 1))
    )
    text = text_of(d)
    assert "Dense(1)" in text
    assert "one layer, the same weights at every step" in text
    assert "(1, 30, 1)" in text
    assert "(1, 30, 1)" in d.alt
    icons = D.icons(LAST, SEQ)
    text = text_of(icons)
    for label in ("return_sequences=False", "return_sequences=True", "(1, 4)", "(1, 7, 4)"):
        assert label in text
    assert "small box" in icons.alt


def test_windows_label_each_window_and_target_by_its_rows():
    d = TYPICAL["windows"]()
    text = text_of(d)
    for label in (
        "window 1",
        "rows 0 to 23",
        "row 24",
        "window 3",
        "rows 2 to 25",
        "row 26",
        "299",
    ):
        assert label in text
    assert "window 4" not in text  # the first three windows, then a count
    assert "276 windows in all: shape (276, 24, 3)" in text
    assert "window 2 takes rows 1 to 24 and its target is row 25" in d.alt
    strided = EDGE["windows-strided"]()
    assert "rows 0, 2, …, 8" in text_of(strided)
    assert "its target is rows 9 to 14" in strided.alt
    assert "the only window" in EDGE["windows-one"]().alt


def test_html_repr_is_one_figure_with_alt_and_caption():
    d = D.tensor_blocks(LAST, [('a "quoted" <label>', (1, 7, 3))])
    bundle = d._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"}
    page = bundle["text/html"]
    assert page.startswith('<figure class="rnnshape-figure"')
    assert '<img src="data:image/svg+xml;base64,' in page
    assert page.count("<img") == 1
    assert 'alt="Tensors drawn' in page
    assert "&lt;label&gt;" in page
    assert "&quot;quoted&quot;" in page
    assert "<figcaption" in page
    assert not hasattr(d, "_repr_svg_")
    assert not hasattr(d, "_repr_png_")


def test_save_by_suffix(tmp_path):
    d = D.icons(LAST, SEQ)
    assert d.save(tmp_path / "a.svg").read_bytes() == d.svg()
    assert d.save(tmp_path / "a.png").read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="path"):
        d.save(tmp_path / "a.jpg")


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda: D.unrolled((1, 7, 3)), "Trace"),
        (lambda: D.unrolled(rnn("Dense(4)", (1, 7, 3))), "SimpleRNN, LSTM or GRU"),
        (lambda: D.unrolled(rnn("LSTM(4)", (1, 7, None))), "features"),
        (lambda: D.unrolled(LAST, step=1), "step"),
        (lambda: D.unrolled(LAST, step=True), "step"),
        (lambda: D.unrolled(LAST, max_steps=2), "max_steps"),
        (lambda: D.tensor_blocks(LAST, []), "items"),
        (lambda: D.tensor_blocks([("x", (1, 7, 3))], LAST), "Trace"),
        (lambda: D.tensor_blocks(LAST, [("x", (1, 2, 3, 4))]), "items"),
        (lambda: D.tensor_blocks(LAST, [("x", (1, 0, 3))]), "items"),
        (lambda: D.tensor_blocks(LAST, [("x", (1, 7, 3), ("a", "b"))]), "axis_names"),
        (lambda: D.tensor_blocks(LAST, [("x", (1, 7, 3))], max_cells=1), "max_cells"),
        (lambda: D.tensor_blocks(LAST, [("x", (1, 7, 4))]), "not in the trace"),
        (lambda: D.wrong_vs_right_reshape(RIGHT, RIGHT), "Reshape((1, units))"),
        (lambda: D.wrong_vs_right_reshape(WRONG, LAST), "returns its sequence"),
        (lambda: D.stack("LSTM(4)"), "trace"),
        (lambda: D.seq2seq(SEQ), "followed by a Dense"),
        (lambda: D.icons(SEQ, SEQ), "return_sequences=False"),
        (lambda: D.icons(LAST, rnn("GRU(4, return_sequences=True)", (1, 7, 3))), "one layer"),
        (lambda: D.icons(LAST, "LSTM(4)"), "sequence must be"),
        (lambda: D.from_trace(by_hand(), "sideways"), "kind"),
        (lambda: D.windows(0, [[0]]), "rows"),
        (lambda: D.windows(10, []), "windows"),
        (lambda: D.windows(10, [[0, 10]]), "windows"),
        (lambda: D.windows(10, [[3, 2]]), "increase"),
        (lambda: D.windows(10, [[0], [1]], [[1]]), "targets"),
        (lambda: D.windows(10, [[0]], shape=(1, 0, 1)), "shape"),
        (
            lambda: D.from_trace(
                Trace((1, 4), (Step("Dense(2)", (1, 4), ((1, 2),), ""),)), "unrolled"
            ),
            "kind",
        ),
        (lambda: D.write_figure(by_hand(), "stack", "/tmp/x.gif"), ".svg or .png"),
        (lambda: D.write_figure(by_hand(), "stack", "/nonexistent-dir/x.svg"), "folder"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(call, argument):
    with pytest.raises(ValueError, match=re.escape(argument)):
        call()


def run_draw(*args: str) -> subprocess.CompletedProcess:
    """``rnnshape draw`` (through ``python -m rnnshape_docs``)."""
    return subprocess.run(
        [sys.executable, "-m", "rnnshape_docs", "draw", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_draw_command(tmp_path):
    out = tmp_path / "stack.svg"
    done = run_draw("--input", "1,7,3", "LSTM(4, return_sequences=True)", "LSTM(4)", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert b"(1, 7, 4)" in out.read_bytes()
    png = tmp_path / "unrolled.png"
    done = run_draw("--input", "1,7,3", "LSTM(4)", "--kind", "unrolled", "-o", str(png))
    assert done.returncode == 0, done.stderr
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_draw_command_errors_leave_no_file(tmp_path):
    out = tmp_path / "bad.svg"
    done = run_draw("--input", "1,7,3", "LSTM(4)", "LSTM(4)", "-o", str(out))
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "return_sequences=True" in done.stderr
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []
    done = run_draw("--input", "1,7,3", "LSTM(4)", "-o", str(tmp_path / "x.gif"))
    assert done.returncode == 2
    assert ".svg or .png" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_no_tensorflow_import():
    code = (
        "import sys, rnnshape_docs as R, rnnshape_docs.diagrams as D; "
        "D.icons(R.trace(['LSTM(4)'], (1, 7, 3)), "
        "R.trace(['LSTM(4, return_sequences=True)'], (1, 7, 3))).svg(); "
        "print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "False"


# --- Layout and output apart: the same figure through matplotlib and the stdlib writer -----
def svg_texts(svg: str | bytes) -> list[str]:
    """Every <text> of an SVG document (one per line of a label), sorted."""
    if isinstance(svg, bytes):
        svg = svg.decode()
    return sorted(html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg))


def drawn_by_matplotlib(diagram: D.Diagram, variant: str = "wide") -> dict[str, int]:
    """How many boxes, faces and arrows the matplotlib figure holds."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Polygon, Rectangle

    fig = diagram._figure(variant)
    patches = fig.axes[0].patches
    return {
        "box": sum(isinstance(p, (Rectangle, FancyBboxPatch)) for p in patches),
        "face": sum(isinstance(p, Polygon) for p in patches),
        "arrow": sum(isinstance(p, FancyArrowPatch) for p in patches),
        "line": len(fig.axes[0].lines),
    }


def drawn_by_stdlib(svg: str) -> dict[str, int]:
    return {
        "box": svg.count('<rect class="box"'),
        "face": svg.count('<polygon class="face"'),
        "arrow": svg.count('<g class="arrow">'),
        "line": svg.count('<polyline class="line"'),
    }


TRACES = {
    "by-hand": by_hand,
    "with-states": with_states,
    "gallery": lambda: rnnshape_docs.trace(
        [
            "Bidirectional(LSTM(8, return_sequences=True), merge_mode='sum')",
            "LSTM(5)",
            "RepeatVector(10)",
            "GRU(6, return_sequences=True)",
            "TimeDistributed(Dense(2))",
        ],
        (None, 10, 3),
    ),
    "empty": lambda: Trace((2, 5, 3), ()),
}


@pytest.mark.parametrize("make", TRACES.values(), ids=TRACES)
def test_stack_drawn_both_ways_has_the_same_elements_and_labels(make):
    trace = make()
    book = D.stack(trace)  # matplotlib, as the book draws it
    doc = svg.stack_svg(trace)  # the standard-library writer, as the explorer draws it
    assert svg_texts(doc) == svg_texts(book.svg())
    assert drawn_by_stdlib(doc) == drawn_by_matplotlib(book)
    root = ElementTree.fromstring(doc)  # well-formed, with the alt text as title and label
    assert root.get("aria-label") == book.alt
    assert root.find("{http://www.w3.org/2000/svg}title").text == book.alt


@pytest.mark.parametrize("make", [*TYPICAL.values(), *EDGE.values()], ids=[*TYPICAL, *EDGE])
def test_every_figure_drawn_both_ways(make):
    d = make()
    for variant, drawing in (("wide", d.layout.wide), ("narrow", d.layout.narrow)):
        if drawing is None:
            continue
        doc = svg.drawing_svg(drawing, alt=d.alt)
        assert svg_texts(doc) == svg_texts(d.svg(variant)), variant
        assert drawn_by_stdlib(doc) == drawn_by_matplotlib(d, variant), variant


def test_the_svg_writer_needs_neither_matplotlib_nor_numpy():
    code = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('matplotlib', 'numpy'):
            raise ImportError('blocked: ' + name)
sys.meta_path.insert(0, Block())
from rnnshape_docs import trace
from rnnshape_docs.svg import stack_svg
doc = stack_svg(trace(['LSTM(4, return_sequences=True)', 'LSTM(4)', 'Dense(1)'], (1, 7, 3)))
print(doc.count('<text'), '(1, 7, 4)' in doc)
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(len(svg_texts(D.stack(by_hand()).svg()))), "True"]


def test_the_font_table_is_current_and_measures_like_matplotlib():
    from rnnshape_docs import _font_widths, layout, render_mpl

    assert render_mpl.advance_widths() == _font_widths.ADVANCE
    assert render_mpl.advance_widths("bold") == _font_widths.ADVANCE_BOLD
    for label in ("Bidirectional(LSTM(8,", "(None, None, 40)", "state forward h", "t=T"):
        for weight in ("normal", "bold"):
            # matplotlib hints glyphs to whole pixels at 72 dpi, so compare at a size where
            # hinting is lost in the rounding (a browser does not hint advances either)
            ours = layout.text_extent(label, 900, weight)[0]
            theirs = render_mpl.text_extent(label, 900, weight)[0]
            assert abs(ours - theirs) < 0.01 * theirs, (label, weight, ours, theirs)


def test_stack_svg_width_picks_the_variant_that_stays_legible():
    trace = rnnshape_docs.trace(["Bidirectional(LSTM(4, return_state=True))"], (None, 10, 3))
    layout = figures.stack(trace, column=300)
    wide = svg.stack_svg(trace)
    natural = float(re.search(r'width="([\d.]+)"', wide).group(1))
    assert svg.stack_svg(trace, width=natural + 50) == wide  # room enough: unchanged
    small = svg.stack_svg(trace, width=300)
    assert float(re.search(r'width="([\d.]+)"', small).group(1)) <= 300
    assert layout.wide.label_px(300) < 9 <= layout.narrow.label_px(300)
    assert svg_texts(small) == svg_texts(svg.drawing_svg(layout.narrow, alt=layout.alt))
    assert "(None, 4)" in svg_texts(small)  # a state's shape on a line of its own


# --- Phones: a narrow variant wherever the wide one would be too small ---------------------
@pytest.mark.parametrize("make", [*TYPICAL.values(), *EDGE.values()], ids=[*TYPICAL, *EDGE])
def test_figures_are_legible_in_a_phone_column(make):
    d = make()
    wide = d.layout.wide
    shown = d.layout.for_width(figures.PHONE_COLUMN)
    assert shown.label_px(figures.PHONE_COLUMN) >= 9, (wide.width, shown.width)
    page = d._repr_html_()
    assert page.count("<img") == 1
    assert page.count(" alt=") == 1
    if d.has_narrow:
        assert wide.label_px(figures.PHONE_COLUMN) < 9
        assert "<picture><source media=" in page
        assert d.svg("narrow") == make().svg("narrow")
    else:
        assert "<picture>" not in page


def test_time_distributed_is_one_layer_applied_at_each_step():
    trace = rnnshape_docs.trace(
        ["GRU(6, return_sequences=True)", "TimeDistributed(Dense(2))"], (1, 10, 3)
    )
    layout = figures.stack(trace)
    from rnnshape_docs.layout import FILL_DENSE, Arrow, Rect

    boxes = [it for it in layout.wide.items if isinstance(it, Rect) and it.fill == FILL_DENSE]
    assert len(boxes) == 1  # one layer, not a pile of copies
    box = boxes[0]
    inside = box.x, box.x + box.w
    # the steps drawn (t=1, t=2, t=10) each go in at the top and come out at the bottom
    ins = [
        a
        for a in layout.wide.items
        if isinstance(a, Arrow)
        and a.points[-1][1] == pytest.approx(box.y + box.h - 0.02 + 0.02, abs=0.03)
    ]
    outs = [
        a
        for a in layout.wide.items
        if isinstance(a, Arrow) and a.points[0][1] == pytest.approx(box.y, abs=0.03)
    ]
    assert len(ins) == len(outs) == 3
    assert all(inside[0] < a.points[0][0] < inside[1] for a in ins + outs)
    assert "applied to each of the 10 time steps with the same weights" in layout.alt


def label_boxes(drawing) -> list[tuple[float, float, float, float, str]]:
    """Each label's box (left, bottom, right, top, text), in inches, as the layout measured it."""
    from rnnshape_docs.layout import text_extent

    out = []
    for t in drawing.texts():
        w, h = text_extent(t.s, t.size, t.weight)
        if t.rotation % 180 == 90:  # a label turned upright, as the canvas measures it
            w, h = h, w
        left = {"left": t.x, "center": t.x - w / 2, "right": t.x - w}[t.ha]
        bottom = {"bottom": t.y, "baseline": t.y - 0.2 * h, "center": t.y - h / 2, "top": t.y - h}
        out.append((left, bottom[t.va], left + w, bottom[t.va] + h, t.s))
    return out


@pytest.mark.parametrize(
    "make",
    [*TYPICAL.values(), *EDGE.values(), lambda: D.stack(TRACES["gallery"]())],
    ids=[*TYPICAL, *EDGE, "gallery"],
)
def test_no_two_labels_overlap_wide_or_narrow(make):
    d = make()
    for drawing in filter(None, (d.layout.wide, d.layout.narrow)):
        boxes = label_boxes(drawing)
        clashes = [
            (a[4], b[4])
            for i, a in enumerate(boxes)
            for b in boxes[i + 1 :]
            if min(a[2], b[2]) - max(a[0], b[0]) > 0.01 and min(a[3], b[3]) - max(a[1], b[1]) > 0.01
        ]
        assert not clashes, (drawing is d.layout.narrow, clashes)


def test_narrow_stack_states_stay_apart():
    trace = rnnshape_docs.trace(["Bidirectional(LSTM(4, return_state=True))"], (None, 10, 3))
    narrow = figures.stack(trace, column=300).narrow
    states = [b for b in label_boxes(narrow) if b[4].startswith("state")]
    assert len(states) == 4
    assert all("\n" in b[4] for b in states)  # name over shape, to stay narrow
    for upper, lower in itertools.pairwise(sorted(states, key=lambda b: -b[3])):
        assert lower[3] <= upper[1]


def test_heatmap_sizes_come_from_the_weights():
    weights = [[0.1, 0.6, 0.3, 0.0, 0.0], [0.5, 0.5, 0.0, 0.0, 0.0]]  # 2 rows of 5 columns
    d = D.heatmap(weights, row_label="sample", column_label="time step", marked=[(0, 1), (1, 3)])
    labels = text_of(d).split("\n")
    assert [t for t in labels if t.isdigit()][:5] == ["0", "1", "2", "3", "4"]  # the columns
    assert "5" not in labels  # no column 5, and only rows 0 and 1
    assert "2 rows (sample 0 to 1) by 5 columns (time step 0 to 4)" in d.alt
    assert "in 1 of them the outlined square holds its row's largest weight" in d.alt
    squares = d.svg().count(b"<path")  # one filled square per weight, and the legend's
    assert squares >= len(weights) * len(weights[0])


@pytest.mark.parametrize(
    ("weights", "marked", "says"),
    [
        ([], (), "at least one row"),
        ([[0.5, 0.5], [1.0]], (), "at least one row"),
        ([[1.5]], (), "between 0 and 1"),
        ([[float("nan")]], (), "between 0 and 1"),
        ("weights", (), "2-D array of numbers"),
        ([[0.5, 0.5]], [(1, 0)], "outside the 1 x 2 weights"),
    ],
)
def test_heatmap_refuses_what_is_not_weights(weights, marked, says):
    with pytest.raises(ValueError, match=says):
        D.heatmap(weights, marked=marked)
