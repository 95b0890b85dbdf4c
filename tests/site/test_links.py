"""Every internal link of the built site leads to a file that exists and an anchor in it."""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest
from _site import book_pages, site_dir

EXPLORER = "tools/03-explorer.html"


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(key):
                self.ids.add(attrs[key])
        if tag == "a" and attrs.get("href") is not None:
            self.links.append(attrs["href"])


_PARSED: dict[str, _Page] = {}


def _parse(path: str) -> _Page:
    if path not in _PARSED:
        page = _Page()
        page.feed((site_dir() / path).read_text(encoding="utf-8"))
        _PARSED[path] = page
    return _PARSED[path]


@pytest.mark.parametrize("page_path", book_pages())
def test_internal_links_and_anchors_resolve(page_path):
    broken = []
    for href in _parse(page_path).links:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
            continue  # external: nox -s linkcheck
        target = page_path
        if parts.path:
            target = posixpath.normpath(
                posixpath.join(posixpath.dirname(page_path), unquote(parts.path))
            )
            if target.endswith("/") or (site_dir() / target).is_dir():
                target = posixpath.join(target, "index.html")
            if target.startswith("..") or not (site_dir() / target).is_file():
                broken.append(f"{href}: no file {target}")
                continue
        fragment = unquote(parts.fragment)
        if target == EXPLORER and "=" in fragment:
            continue  # the explorer's state, not an anchor: test_explorer_page.py opens each one
        if fragment and target.endswith(".html") and fragment not in _parse(target).ids:
            broken.append(f"{href}: no anchor #{fragment} in {target}")
    assert not broken, f"{page_path}: " + "; ".join(broken)
