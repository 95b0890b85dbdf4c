"""Every figure of the built book shows only shapes of the trace it was drawn from.

A figure records the shapes of its trace (from ``trace(...)`` or ``check_model(...)``) in its
SVG root's ``data-rnnshape-shapes``; here every SVG of the built site (the figure files each
page points at, any figure a page embeds as a data: URI, any <svg> written into a page, every
.svg file) is parsed, the shapes in its <text> labels are collected, and each must be among
the recorded ones. A figure that shows shapes but records none fails: its shapes came from
loose numbers.
No browser needed: ``RNNSHAPE_SITE=build/html pytest tests/site/test_figure_shapes.py``.
"""

from __future__ import annotations

import pytest
from _site import book_pages, site_dir
from figure_labels import inline_svgs, page_svgs, unrecorded

PAGES = book_pages()


def _page_figures(page: str) -> list[bytes]:
    return page_svgs(site_dir() / page)


def test_the_book_has_figures_with_shapes():
    """Not a vacuous pass: the built book has its figures, each recording a trace."""
    figures = [svg for page in PAGES for svg in _page_figures(page)]
    recording = [svg for svg in figures if b"data-rnnshape-shapes=" in svg]
    assert len(recording) >= 20, f"{len(recording)} of {len(figures)} figures record a trace"


@pytest.mark.parametrize("page", PAGES)
def test_every_shape_label_is_in_the_figures_trace(page):
    problems = [
        f"figure {k + 1}: {problem}"
        for k, svg in enumerate(_page_figures(page))
        for problem in unrecorded(svg)
    ]
    html = (site_dir() / page).read_text(encoding="utf-8")
    for k, (shapes, labels) in enumerate(inline_svgs(html)):
        missing = labels - (shapes or set())
        if missing:
            problems.append(f"inline <svg> {k + 1}: shows {sorted(missing)} not in {shapes}")
    assert not problems, f"{page}: " + "; ".join(problems)


def test_every_svg_file_of_the_site():
    problems = {
        str(path.relative_to(site_dir())): unrecorded(path.read_bytes())
        for path in sorted(site_dir().rglob("*.svg"))
    }
    assert not {p: v for p, v in problems.items() if v}


def test_no_page_shows_tensorflows_retracing_notice():
    """design.md: a page prints what the reader needs, no retracing warnings. This one reaches
    stdout (keras_models.hide_retracing_notices), with a memory address in it that differs
    from build to build."""
    shown = [
        page
        for page in PAGES
        if "triggered tf.function retracing" in (site_dir() / page).read_text(encoding="utf-8")
    ]
    assert not shown, shown
