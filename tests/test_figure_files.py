"""docs/_ext/rnnshape_figure_files.py: the site serves each figure's SVGs as files.

On the pages a Diagram's <figure> is the one a notebook shows, with its data: URIs replaced
by files named by their content; every figure after the page's first loads lazily. The
built book is checked by tests/site/test_served_figures.py.
"""

from __future__ import annotations

import base64
import os
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from rnnshape_docs import diagrams, trace

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "docs" / "_ext"))
import rnnshape_figure_files as F

SEQUENCES = diagrams.unrolled(trace(["LSTM(4, return_sequences=True)"], (1, 7, 3)))
LAST = diagrams.unrolled(trace(["GRU(1)"], (1, 1, 1)))


def _serve(body: str) -> tuple[str, dict[str, bytes]]:
    written: dict[str, bytes] = {}

    def write(name, svg):
        written[name] = svg
        return f"../_figures/{name}"

    return F.figures_as_files(body, write), written


def test_every_variant_becomes_a_file_named_by_its_bytes():
    assert SEQUENCES.has_narrow, "the test needs a figure with a phone variant"
    page, written = _serve("<p>text</p>" + SEQUENCES._repr_html_())
    wide, narrow = SEQUENCES.svg(), SEQUENCES.svg("narrow")
    assert written == {F.file_name(wide): wide, F.file_name(narrow): narrow}
    assert "data:image" not in page
    assert f'src="../_figures/{F.file_name(wide)}"' in page
    assert f'srcset="../_figures/{F.file_name(narrow)}"' in page
    assert F.file_name(wide) != F.file_name(narrow)
    assert F._FILE_NAME.fullmatch(F.file_name(wide))


def test_the_markup_is_otherwise_the_notebooks():
    """Same alt text, sizes, <picture> and caption: only the URLs (and loading) change."""
    notebook = LAST._repr_html_() + SEQUENCES._repr_html_()
    page, written = _serve(notebook)
    back = page.replace(' loading="lazy"', "")
    for name, svg in written.items():
        back = back.replace(
            f"../_figures/{name}", "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
        )
    assert back == notebook


def test_the_first_figure_loads_with_the_page_and_the_others_lazily():
    page, _ = _serve(LAST._repr_html_() + "<p>between</p>" + SEQUENCES._repr_html_() * 2)
    figures = page.split('<figure class="rnnshape-figure"')[1:]
    assert ["loading=" in f for f in figures] == [False, True, True]
    assert all(f.count('loading="lazy"') <= 1 for f in figures)


def test_a_page_without_figures_and_other_data_uris_are_left_alone():
    other = '<img src="data:image/svg+xml;base64,PHN2Zy8+" alt="not a figure of ours">'
    page, written = _serve(other)
    assert (page, written) == (other, {})


def _app(outdir: Path):
    return SimpleNamespace(outdir=str(outdir), builder=SimpleNamespace(format="html"))


def test_a_page_is_rewritten_and_its_files_written_where_pathto_points(tmp_path):
    context = {
        "body": SEQUENCES._repr_html_(),
        "pathto": lambda name, resource: "../" + name,
    }
    F._serve_figures(_app(tmp_path), "tools/gallery", "page.html", context, None)
    files = sorted(p.name for p in (tmp_path / "_figures").iterdir())
    assert files == sorted(F.file_name(s) for s in (SEQUENCES.svg(), SEQUENCES.svg("narrow")))
    assert (tmp_path / "_figures" / F.file_name(SEQUENCES.svg())).read_bytes() == SEQUENCES.svg()
    assert all(f"../_figures/{name}" in context["body"] for name in files)
    # As readable as any file the build writes (mkstemp alone gives 0600: no web server
    # running as another user could serve the figures).
    umask = os.umask(0)
    os.umask(umask)
    modes = {oct(p.stat().st_mode & 0o777) for p in (tmp_path / "_figures").iterdir()}
    assert modes == {oct(0o666 & ~umask)}


def test_files_no_page_points_at_are_dropped_after_the_build(tmp_path):
    folder = tmp_path / "_figures"
    folder.mkdir()
    kept, stale = F.file_name(b"<svg>kept</svg>"), F.file_name(b"<svg>stale</svg>")
    for name in (kept, stale):
        (folder / name).write_bytes(b"<svg/>")
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters" / "a.html").write_text(f'<img src="../_figures/{kept}">')
    F._drop_unused_figures(_app(tmp_path), RuntimeError("a failed build"))
    assert sorted(p.name for p in folder.iterdir()) == sorted([kept, stale]), "kept on failure"
    F._drop_unused_figures(_app(tmp_path), None)
    assert [p.name for p in folder.iterdir()] == [kept]


@pytest.mark.parametrize("content", [b"<svg/>", b"<svg>other</svg>"])
def test_writing_twice_leaves_one_whole_file(tmp_path, content):
    path = tmp_path / "_figures" / F.file_name(content)
    F._write_atomically(path, content)
    F._write_atomically(path, content)
    assert [p.name for p in path.parent.iterdir()] == [path.name]
    assert path.read_bytes() == content
