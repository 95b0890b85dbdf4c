"""The built book serves its figures as files (docs/_ext/rnnshape_figure_files.py).

No page carries a figure's SVG in its HTML; every file a page points at is in _figures/ and
every file there is pointed at; on each page the first figure loads with the page and the
others lazily. No browser needed:
``RNNSHAPE_SITE=build/html pytest tests/site/test_served_figures.py``.
"""

from __future__ import annotations

import re

import pytest
from _site import book_pages, site_dir
from figure_labels import linked_svgs

PAGES = book_pages()
_FIGURE = re.compile(r'<figure class="rnnshape-figure".*?</figure>', re.DOTALL)


def _figures(page: str) -> list[str]:
    return _FIGURE.findall((site_dir() / page).read_text(encoding="utf-8"))


def _figure_files(page: str) -> set:
    return {
        (site_dir() / page).parent.joinpath(url).resolve()
        for figure in _figures(page)
        for url in linked_svgs(figure)
    }


def test_the_book_serves_its_figures_as_files():
    """Not a vacuous pass: the book's figures are there, each variant as a file."""
    files = {file for page in PAGES for file in _figure_files(page)}
    assert len(files) >= 40, f"{len(files)} figure files"
    assert all(file.parent == site_dir() / "_figures" for file in files), files


@pytest.mark.parametrize("page", PAGES)
def test_no_figure_carries_its_svg_in_the_page(page):
    inline = [k + 1 for k, figure in enumerate(_figures(page)) if "data:image" in figure]
    assert not inline, f"figures {inline} are data: URIs"


@pytest.mark.parametrize("page", PAGES)
def test_the_first_figure_loads_with_the_page_and_the_others_lazily(page):
    lazy = ['loading="lazy"' in figure for figure in _figures(page)]
    assert lazy == [False, *[True] * (len(lazy) - 1)][: len(lazy)]


def test_every_figure_file_is_there_and_pointed_at():
    pointed = {file for page in PAGES for file in _figure_files(page)}
    served = set((site_dir() / "_figures").iterdir())
    assert not pointed - served, f"missing: {sorted(pointed - served)}"
    assert not served - pointed, f"no page shows: {sorted(served - pointed)}"


def test_every_file_of_the_site_is_readable_by_the_web_server():
    """A host serves the site as a user other than the one who built it: every file must
    be readable by others (the figures were once written 0600)."""
    private = [
        p.relative_to(site_dir()).as_posix()
        for p in site_dir().rglob("*")
        if p.is_file() and not p.stat().st_mode & 0o004
    ]
    assert not private, f"files only their owner can read: {private[:10]}"
