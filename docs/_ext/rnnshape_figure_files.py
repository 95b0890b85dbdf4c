"""The book's figures served as files beside the pages, not inside them.

A Diagram shows in a notebook as a <figure> whose SVGs (the wide one and, for phones, the
narrow one) are data: URIs: a notebook has no folder to keep them in. Left so on the site,
every page carries the bytes of every variant of every figure before its text can paint:
the figure gallery weighed 486 kB, 262 kB of it figures, and Lighthouse mobile put its first
paint at 1.7 s (1.2-1.5 s elsewhere). Here each SVG is written once to _figures/, named by
a hash of its bytes (so two clean builds write the same names and a browser caches a figure
across builds that do not change it), and the page points at the file:
- a phone downloads only the variant of a <picture> it shows;
- every figure after the page's first loads lazily (`loading="lazy"`), the first one as the
  page opens, since it is often what the reader sees first (Lighthouse flags a lazily loaded
  first image).
The markup is otherwise untouched: same alt text, same width and height, same <picture>.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

FOLDER = "_figures"
_FIGURE = re.compile(r'<figure class="rnnshape-figure".*?</figure>', re.DOTALL)
_DATA_URI = re.compile(
    r'(?P<attr>src|srcset)="data:image/svg\+xml;base64,(?P<data>[A-Za-z0-9+/=]+)"'
)
_FILE_NAME = re.compile(r"fig-[0-9a-f]{16}\.svg")


def file_name(svg: bytes) -> str:
    """The name a figure's SVG is served under: its content's hash."""
    return f"fig-{hashlib.sha256(svg).hexdigest()[:16]}.svg"


def figures_as_files(body: str, write: Callable[[str, bytes], str]) -> str:
    """``body`` with every figure's data: URI replaced by the URL ``write(name, svg)``
    returns, and every figure but the first loading lazily."""

    def to_file(uri: re.Match) -> str:
        svg = base64.b64decode(uri["data"])
        return f'{uri["attr"]}="{write(file_name(svg), svg)}"'

    parts, end = [], 0
    for k, figure in enumerate(_FIGURE.finditer(body)):
        html = _DATA_URI.sub(to_file, figure.group(0))
        if k:
            html = html.replace("<img ", '<img loading="lazy" ', 1)
        parts += [body[end : figure.start()], html]
        end = figure.end()
    return "".join(parts) + body[end:]


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``path`` unless it already holds ``data``; pages are written by parallel
    processes, so a file appears whole or not at all."""
    if path.is_file() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".fig-", dir=path.parent)
    # mkstemp makes the file readable by its owner only (0600): a web server running as
    # another user could not serve it. Give it the mode any file written here gets.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def _serve_figures(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body")
    if not body or "rnnshape-figure" not in body:
        return
    folder = Path(app.outdir) / FOLDER

    def write(name: str, svg: bytes) -> str:
        _write_atomically(folder / name, svg)
        return context["pathto"](f"{FOLDER}/{name}", 1)

    context["body"] = figures_as_files(body, write)


def _drop_unused_figures(app, exception) -> None:
    """Remove the figure files no page points at any more (a figure changed, a page went),
    so the site holds only what it shows. Every page of the site is read, not only those
    written in this build: an incremental build rewrites only the pages that changed."""
    if exception is not None or app.builder.format != "html":
        return
    folder = Path(app.outdir) / FOLDER
    if not folder.is_dir():
        return
    used = {
        name
        for page in Path(app.outdir).rglob("*.html")
        for name in _FILE_NAME.findall(page.read_text(encoding="utf-8"))
    }
    for file in folder.iterdir():
        if file.name not in used:
            file.unlink()


def setup(app):
    app.connect("html-page-context", _serve_figures)
    app.connect("build-finished", _drop_unused_figures)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
