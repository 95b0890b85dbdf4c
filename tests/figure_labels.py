"""What a figure's SVG says about shapes: the ones it records (the shapes of the trace it was
drawn from, in the root's ``data-rnnshape-shapes``) and the ones its labels show.

Shared by tests/test_diagrams.py (each figure as the package draws it) and
tests/site/test_figure_shapes.py (every figure of the built book).
"""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

from rnnshape_docs.rules.base import SHAPE_TEXT

ATTRIBUTE = "data-rnnshape-shapes"
# A shape in a label, as format_shape writes it; not the arguments of a call written in a
# layer's box (the (8, 3) of Conv1D(8, 3), the (1, 4) of Reshape((1, 4)), pool_size=(2, 2)).
_LABEL = re.compile(r"(?<![\w(=])" + SHAPE_TEXT.pattern)
_DATA_URI = re.compile(rb"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)")
_SVG_LINK = re.compile(r'(?:src|srcset)="((?![a-z]+:)[^"#?]+\.svg)"')
_SVG = "{http://www.w3.org/2000/svg}"


def recorded(value: str | None) -> set[str] | None:
    """The shapes an SVG records (None: it records none)."""
    if value is None:
        return None
    return {part.strip() for part in value.split(";") if part.strip()}


def _call_depths(text: str) -> list[int]:
    """How many layer calls (``Name(``) are open at each character of ``text``."""
    depths, calls, depth = [], [], 0
    for i, char in enumerate(text):
        if char == "(":
            calls.append(i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_"))
            depth += calls[-1]
        elif char == ")" and calls:
            depth -= calls.pop()
        depths.append(depth)
    return depths


def labels_in(texts) -> set[str]:
    """Every shape written in these label texts (in drawing order: a layer's call may wrap
    over several lines, so they are read as one text), not the arguments inside a call."""
    text = "\n".join(texts)
    depths = _call_depths(text)
    return {m.group(0) for m in _LABEL.finditer(text) if not depths[m.start()]}


def svg_shapes(svg: bytes | str) -> tuple[set[str] | None, set[str]]:
    """(recorded shapes or None, shapes in the labels) of one SVG document."""
    root = ET.fromstring(svg.encode() if isinstance(svg, str) else svg)
    texts = ["".join(t.itertext()) for t in root.iter(f"{_SVG}text")]
    return recorded(root.get(ATTRIBUTE)), labels_in(texts)


def unrecorded(svg: bytes | str) -> list[str]:
    """The problems of one figure: each shape label its recorded shapes do not hold, or the
    labels of a figure that records no shapes at all."""
    shapes, labels = svg_shapes(svg)
    if shapes is None:
        return [f"shows {', '.join(sorted(labels))} but records no trace"] if labels else []
    return [
        f"shows {label}, not among its trace's {sorted(shapes)}"
        for label in sorted(labels - shapes)
    ]


def embedded_svgs(html: bytes) -> list[bytes]:
    """The SVG documents a page carries as data: URIs (an <img> src, a <source> srcset)."""
    return [base64.b64decode(m.group(1)) for m in _DATA_URI.finditer(html)]


def linked_svgs(html: str) -> list[str]:
    """The .svg files a page's <img> src and <source> srcset point at (relative URLs, in
    page order): where the site serves its figures (docs/_ext/rnnshape_figure_files.py)."""
    return _SVG_LINK.findall(html)


def page_svgs(page: Path) -> list[bytes]:
    """Every SVG figure a built page shows: those it carries and the files it points at."""
    data = page.read_bytes()
    files = [(page.parent / url).resolve() for url in linked_svgs(data.decode("utf-8"))]
    return embedded_svgs(data) + [file.read_bytes() for file in files]


class _InlineSvgs(HTMLParser):
    """The <svg> elements written into a page: their recorded shapes and their texts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[set[str] | None, list[str]]] = []
        self._depth = 0
        self._in_text = 0

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            if not self._depth:
                self.found.append((recorded(dict(attrs).get(ATTRIBUTE)), []))
            self._depth += 1
        elif self._depth and tag == "text":
            self._in_text += 1
            self.found[-1][1].append("")

    def handle_endtag(self, tag):
        if tag == "svg" and self._depth:
            self._depth -= 1
        elif tag == "text" and self._in_text:
            self._in_text -= 1

    def handle_data(self, data):
        if self._in_text:
            self.found[-1][1][-1] += data


def inline_svgs(html: str) -> list[tuple[set[str] | None, set[str]]]:
    """(recorded shapes or None, shapes in the labels) of each <svg> written into a page."""
    parser = _InlineSvgs()
    parser.feed(html)
    return [(shapes, labels_in(texts)) for shapes, texts in parser.found]
