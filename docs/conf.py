"""Sphinx configuration for the rnnshape book."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
BUILD = Path(os.environ.get("RNNSHAPE_BUILD_DIR", ROOT / "build"))

# --- The kernels that execute the pages -------------------------------------------------
# Kernels are child processes of sphinx-build and inherit this environment, so these keep
# TensorFlow's C++ log lines and oneDNN notices out of the cell outputs.
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("PYTHONHASHSEED", "0")


def _source_date_epoch() -> str:
    """The last commit's time (a fixed date outside a git checkout).

    Sphinx (the copyright year) and matplotlib (the date in SVG/PDF metadata) read
    SOURCE_DATE_EPOCH, so two builds of one commit are byte-identical.
    """
    import subprocess

    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "log", "-1", "--format=%ct"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        out = ""
    return out if out.isdigit() else "1767225600"  # 2026-01-01T00:00:00Z


os.environ.setdefault("SOURCE_DATE_EPOCH", _source_date_epoch())
# Any figure a page draws with plain matplotlib gets a fixed SVG id salt too
# (rnnshape_docs.diagrams sets its own rcParams and strips the date metadata).
os.environ.setdefault("MATPLOTLIBRC", str(DOCS / "matplotlibrc"))
# The kernel imports rnnshape_docs from this checkout even if it is not installed.
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
)


def _helper_fingerprint() -> str:
    """Hash of the helper package's sources.

    MyST-NB's cache keys only on cell source, so a change to rnnshape_docs would leave
    stale outputs. Keying the cache folder on this hash gives every helper version its own
    cache, and because nb_execution_cache_path is an "env" config value, Sphinx re-reads
    (and so re-executes) every page when it changes.
    """
    digest = hashlib.sha256()
    for path in sorted((ROOT / "rnnshape_docs").rglob("*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


_cache_root = BUILD / "jupyter_cache"
# RNNSHAPE_CACHE_KEY pins the key while several people edit the helpers at once.
_cache = _cache_root / os.environ.get("RNNSHAPE_CACHE_KEY", _helper_fingerprint())
if _cache_root.is_dir():  # caches of older helper versions are never read again
    for old in _cache_root.iterdir():
        if old != _cache:
            shutil.rmtree(old, ignore_errors=True)

# --- Project -----------------------------------------------------------------------------
project = "rnnshape"
author = "the rnnshape team"
copyright = "2026, the rnnshape team"

extensions = ["myst_nb", "sphinx_copybutton"]
# No intersphinx: the build must need no network, and nothing links to other projects'
# inventories. If it ever does, store the objects.inv files under docs/_inventories/ and
# map them as (url, "_inventories/<name>.inv") so no inventory is fetched at build time.

exclude_patterns = ["_build", "build", "**.ipynb_checkpoints", "Thumbs.db", ".DS_Store"]
nitpicky = True

# --- MyST and MyST-NB ----------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "dollarmath", "deflist"]
myst_heading_anchors = 3

nb_execution_mode = "cache"
nb_execution_cache_path = str(_cache)
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_timeout = 300
# Expected warnings are captured in the cells and printed on stdout; anything that still
# reaches stderr is a surprise (a TensorFlow log line, a new deprecation), and with -W it
# fails the build instead of showing up on a page or being silently dropped.
nb_output_stderr = "warn"
nb_merge_streams = True


def _join_stream_chunks(outputs: list) -> list:
    """Join consecutive chunks of one stream (stdout or stderr) into one output, exactly.

    A kernel flushes a cell's stdout in chunks whose boundaries depend on timing, so the
    same print() can arrive as one stream output or as two. MyST-NB 1.4's merge
    (nb_merge_streams) strips each chunk and joins them with a newline: a line split
    across chunks is shown broken ("after the Dense:" / "(53, 1)") in some builds only.
    """
    joined: list = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and output.get("output_type") == "stream"
            and previous.get("output_type") == "stream"
            and output.get("name") == previous.get("name")
        ):
            previous["text"] = previous["text"] + output["text"]
        else:
            joined.append(output)
    return joined


def _patch_mystnb_stream_merge() -> None:
    try:
        from myst_nb.core import render
    except ImportError:  # conf.py imported without MyST-NB (e.g. by a linter)
        return
    merge = getattr(render, "coalesce_streams", None)
    if merge is None or getattr(merge, "_joins_chunks", False):
        return

    def coalesce_streams(outputs):
        return merge(_join_stream_chunks(outputs))

    coalesce_streams._joins_chunks = True
    render.coalesce_streams = coalesce_streams


_patch_mystnb_stream_merge()

# --- HTML ----------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "rnnshape: the shapes of Keras recurrent layers"
# The theme's layout.html starts every page with
#   document.documentElement.dataset.theme = localStorage.getItem("theme") || "{{ default_mode }}";
# and default_mode (an html_context value, not a theme option) is empty unless set, so a
# first visit logs "Got invalid theme mode: . Resetting to auto." as a console error.
# "auto" follows the reader's system setting.
html_context = {"default_mode": "auto"}
#
# "Open in Colab" needs the repository: set RNNSHAPE_REPO_URL (e.g.
# https://github.com/ORG/rnnshape) and optionally RNNSHAPE_REPO_BRANCH (default main).
# Without it there is no Colab or repository button (sphinx-book-theme 1.4 fails on launch
# buttons without a repository); the download menu still offers each page's executed
# notebook as .ipynb (see _offer_notebook below).
_repo_url = os.environ.get("RNNSHAPE_REPO_URL", "").strip().rstrip("/")
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": True,
    "path_to_docs": "docs",
    "repository_branch": os.environ.get("RNNSHAPE_REPO_BRANCH", "main"),
}
if _repo_url:
    html_theme_options |= {
        "repository_url": _repo_url,
        "use_repository_button": True,
        "launch_buttons": {"colab_url": "https://colab.research.google.com"},
    }
templates_path = ["_templates"]  # layout.html: the search scripts deferred
html_static_path = ["_static"]
html_css_files = ["rnnshape.css"]
# Browsers ask for /favicon.ico when a page names no icon: a failed request on every page.
html_favicon = "_static/favicon.svg"
html_last_updated_fmt = None


# --- Notebooks paired with the pages (for Colab) -------------------------------------------
# Colab opens .ipynb files from the repository, and sphinx-book-theme links a page to the
# .ipynb next to its .md source when one exists. With a repository configured, write that
# paired notebook (cells only, no outputs) for every MyST notebook page; commit them on the
# branch Colab reads. Sphinx reads only the .md page of each pair.
def _paired_notebooks() -> list[str]:
    import nbformat
    from myst_nb.core.read import is_myst_markdown_notebook, read_myst_markdown_notebook

    paired = []
    for md in sorted(DOCS.glob("*/*.md")):
        text = md.read_text(encoding="utf-8")
        if not is_myst_markdown_notebook(text):
            continue
        ipynb = md.with_suffix(".ipynb")
        nb = read_myst_markdown_notebook(text)
        for i, cell in enumerate(nb.cells):  # nbformat's cell ids are random: pin them
            cell["id"] = f"cell-{i}"
        new = nbformat.writes(nb, version=4) + "\n"
        if not ipynb.exists() or ipynb.read_text(encoding="utf-8") != new:
            ipynb.write_text(new, encoding="utf-8")
        paired.append(ipynb.relative_to(DOCS).as_posix())
    return paired


if _repo_url:
    _paired_notebooks()
# An .ipynb beside a page of the same name is its pair, never a page of its own.
exclude_patterns += [
    p.relative_to(DOCS).as_posix() for p in DOCS.glob("*/*.ipynb") if p.with_suffix(".md").exists()
]


# --- The executed notebook, downloadable from every notebook page --------------------------
def _offer_notebook(app, pagename, templatename, context, doctree) -> None:
    """Copy the page's executed notebook, outputs included, to _sources/ for download.

    sphinx-book-theme does this only when launch buttons are configured, and copies
    jupyter_execute/<page>.ipynb, which in cache mode has no outputs: they are merged in
    here from the execution cache. Cell ids are pinned (nbformat makes random ones) so the
    download is identical from build to build. Connected before the theme builds its
    buttons (priority 500) and again after its launch buttons copy the raw notebook (502).
    """
    import nbformat

    if "kernelspec" not in app.env.metadata.get(pagename, {}):
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not executed.is_file():
        return
    nb = nbformat.read(executed, as_version=4)
    try:
        from jupyter_cache import get_cache

        _, nb = get_cache(app.config.nb_execution_cache_path).merge_match_into_notebook(nb)
    except KeyError:  # not in the cache (e.g. nb_execution_mode "off"): offer the cells
        pass
    nb.metadata.pop("source_map", None)  # MyST-NB's line map into the .md source
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
        if cell.get("outputs"):
            cell["outputs"] = _join_stream_chunks(cell["outputs"])
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    text = nbformat.writes(nb, version=4) + "\n"
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    context["ipynb_source"] = f"{pagename}.ipynb"


# --- basic.css without @import --------------------------------------------------------------
def _inline_basic_css(app, exception) -> None:
    """Replace the theme's `@import "../basic.css"` with the stylesheet itself.

    pydata-sphinx-theme's styles/theme.css is one line, `@import "../basic.css";`. Browsers
    resolve it against the stylesheet (_static/basic.css, fine), but tools that re-fetch a
    page's stylesheets resolve it against the page: axe-core (what Lighthouse's and our
    accessibility audits run) requests <page dir>/../basic.css, a 404 on every page.
    Inlining keeps the cascade order (basic.css before the theme's rules) with no import.
    """
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    theme_css, basic_css = static / "styles" / "theme.css", static / "basic.css"
    if not (theme_css.is_file() and basic_css.is_file()):
        return
    text = theme_css.read_text(encoding="utf-8")
    for quoted in ('"../basic.css"', "'../basic.css'", 'url("../basic.css")', "url(../basic.css)"):
        text = text.replace(f"@import {quoted};", basic_css.read_text(encoding="utf-8"))
    theme_css.write_text(text, encoding="utf-8")


# --- Scripts that do not block the first paint ---------------------------------------------
def _defer_scripts(app, pagename, templatename, context, doctree) -> None:
    """Load Sphinx's and the extensions' scripts with `defer`.

    They sit in <head> as plain <script src>, so the browser stops rendering until each is
    fetched and run (Lighthouse: "render-blocking requests"; on every page that includes
    the search index). Deferred scripts still run in document order, before
    DOMContentLoaded. documentation_options.js stays synchronous: inline scripts in the
    page (DOCUMENTATION_OPTIONS.pagename = ...) use it right away. The search page is left
    alone: its template loads searchtools.js synchronously, which needs doctools.js first.
    """
    if pagename == "search":
        return
    try:
        from sphinx.builders.html._assets import _JavaScript
    except ImportError:  # a future Sphinx: leave the scripts as they are
        return
    scripts = []
    for js in context.get("script_files", []):
        if (
            isinstance(js, _JavaScript)
            and js.filename
            and not js.attributes.get("body")
            and not {"async", "defer", "type"} & js.attributes.keys()
            and "documentation_options" not in os.fspath(js.filename)
        ):
            js = _JavaScript(js.filename, priority=js.priority, **js.attributes, defer="defer")
        scripts.append(js)
    context["script_files"] = scripts


# --- No Font Awesome JavaScript -------------------------------------------------------------
_FONTAWESOME_JS = re.compile(
    r'\n?[ \t]*<script defer src="[^"]*_static/scripts/fontawesome\.js(\?[^"]*)?"></script>'
)


def _drop_fontawesome_js(app, exception) -> None:
    """Remove the theme's fontawesome.js from the built pages.

    pydata-sphinx-theme loads Font Awesome twice: as web fonts with their CSS classes
    (inside pydata-sphinx-theme.css, which draws every icon of this book) and as a 1.5 MB
    script that exists "so that users can add custom icons" by turning <i> tags into SVG.
    The book has no custom icons; the script cost ~0.35 s of parsing and script time on
    every page (Lighthouse: total blocking time) and drew nothing the fonts do not.
    """
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = _FONTAWESOME_JS.sub("", text)
        if new != text:
            page.write_text(new, encoding="utf-8")


# --- The execution cache, created before pages execute in parallel -------------------------
def _create_execution_cache(app) -> None:
    """Create jupyter-cache's database in the main process, before the parallel read.

    With `sphinx-build -j`, pages are read, and executed, in worker processes; on an empty
    cache the first two to finish would both create the database's tables, and one fails
    ("table settings already exists").
    """
    if app.config.nb_execution_mode == "cache":
        from jupyter_cache import get_cache

        get_cache(app.config.nb_execution_cache_path).list_cache_records()


# --- Math as MathML, rendered at build time ------------------------------------------------
# Sphinx's default math renderer loads MathJax from a CDN (cdn.jsdelivr.net) on every page
# with math: a request to another host, and no math at all offline. latex2mathml turns the
# TeX into MathML at build time, which browsers draw natively (and screen readers read).
# TODO(lead): declare latex2mathml in the docs group (it is in the browser group for now).
try:
    from latex2mathml.converter import convert as _latex_to_mathml
except ImportError:
    _latex_to_mathml = None
else:
    html_math_renderer = "mathml"


def _visit_inline_math(self, node):
    from docutils import nodes

    self.body.append(_latex_to_mathml(node.astext(), display="inline"))
    raise nodes.SkipNode


def _visit_block_math(self, node):
    from docutils import nodes

    self.body.append(self.starttag(node, "div", CLASS="math notranslate nohighlight"))
    self.body.append(_latex_to_mathml(node.astext(), display="block"))
    self.body.append("</div>\n")
    raise nodes.SkipNode


def setup(app):
    if _latex_to_mathml is not None:
        app.add_html_math_renderer(
            "mathml",
            inline_renderers=(_visit_inline_math, None),
            block_renderers=(_visit_block_math, None),
        )
    app.connect("builder-inited", _create_execution_cache)
    app.connect("build-finished", _drop_fontawesome_js)
    app.connect("html-page-context", _defer_scripts, priority=900)
    app.connect("build-finished", _inline_basic_css)
    app.connect("html-page-context", _offer_notebook, priority=500)
    app.connect("html-page-context", _offer_notebook, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
