"""The site as readers get it: Sphinx hooks that fix and trim the built HTML.

Kept out of conf.py so the configuration reads as settings; each hook says what it fixes
(found by `nox -s browser`, `nox -s reproducible` and `nox -s bench`).
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from latex2mathml.converter import convert as _latex_to_mathml

DOCS = Path(__file__).resolve().parent.parent


# --- MyST-NB's stream merge, made exact ------------------------------------------------------
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


# --- Kernels over IPC, so pages can execute in parallel -------------------------------------
# jupyter_client starts a kernel on five TCP ports it picks by binding port 0 and letting go
# again. With `sphinx-build -j auto` two worker processes can pick the same free port at the
# same moment; one kernel then fails to bind ("Address already in use") and the page fails
# ("Kernel didn't respond"). Over IPC, each kernel gets Unix sockets under its own random
# name: nothing to race for, nothing open to other users of the machine (so no "Kernel is
# running over TCP without encryption" warning either).
def _ipc_kernel_manager_class():
    import tempfile
    import uuid

    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class IpcKernelManager(AsyncKernelManager):
        @default("transport")
        def _transport_default(self) -> str:
            return "ipc"

        @default("ip")
        def _ip_default(self) -> str:
            # An absolute path: the kernel runs in the page's folder, the client does not.
            name = f"rnnshape-kernel-{uuid.uuid4().hex[:16]}-ipc"
            return os.path.join(tempfile.gettempdir(), name)

    return IpcKernelManager


def _execute_pages_over_ipc() -> None:
    """Make jupyter-cache (MyST-NB's "cache" mode) start its kernels over IPC.

    jupyter-cache calls nbclient's execute() with no way to pass a kernel manager through
    MyST-NB's settings, so its module-level reference is wrapped here, once, before Sphinx
    forks its parallel workers.
    """
    if os.name != "posix":  # zmq's ipc:// transport is Unix sockets
        return
    try:
        from jupyter_cache.executors import utils
    except ImportError:
        return
    if getattr(utils.executenb, "_over_ipc", False):
        return
    execute = utils.executenb
    manager = _ipc_kernel_manager_class()

    def execute_over_ipc(nb, *args, **kwargs):
        kwargs.setdefault("kernel_manager_class", manager)
        return execute(nb, *args, **kwargs)

    execute_over_ipc._over_ipc = True
    utils.executenb = execute_over_ipc


# --- Notebooks paired with the pages (for Colab) -------------------------------------------
# Colab opens .ipynb files from the repository, and sphinx-book-theme links a page to the
# .ipynb next to its .md source when one exists. With a repository configured, write that
# paired notebook (cells only, no outputs) for every MyST notebook page; commit them on the
# branch Colab reads. Sphinx reads only the .md page of each pair.
def write_paired_notebooks() -> list[str]:
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


# --- Search by pasting an error message ---------------------------------------------------
def _search_messages_script(app, pagename, templatename, context, doctree) -> None:
    """On the search page only: docs/_static/search_messages.js (why: see that file)."""
    if pagename == "search":
        app.add_js_file("search_messages.js", defer="defer")  # runs after searchtools.js


def _math_scroll_script(app, pagename, templatename, context, doctree) -> None:
    """On pages with display math: docs/_static/math_scroll.js (a wide equation that
    scrolls is a tab stop, as axe requires of a scrollable region)."""
    from docutils import nodes

    if doctree is not None and next(iter(doctree.findall(nodes.math_block)), None) is not None:
        app.add_js_file("math_scroll.js", defer="defer")


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
    every page (Lighthouse: total blocking time) and drew nothing the fonts do not. The
    script, its source map and licence file (3.3 MB, 40% of the site) are not shipped.
    """
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = _FONTAWESOME_JS.sub("", text)
        if new != text:
            page.write_text(new, encoding="utf-8")
    for unused in (Path(app.outdir) / "_static" / "scripts").glob("fontawesome.js*"):
        unused.unlink()


# --- One stylesheet per page, and no blocking script -----------------------------------------
# Every page links seven stylesheets (the theme's two, then pygments, sphinx-book-theme,
# MyST-NB, sphinx-copybutton and ours) and loads documentation_options.js synchronously: eight
# requests the browser must finish before it paints anything. On Lighthouse's mobile profile
# (slow 4G, 150 ms round trips) that was most of a 2.1 s first paint. After the build they
# become one stylesheet, named by a hash of its content (so no stale copy is ever served),
# and the 400-byte script is inlined. The cascade is unchanged: same rules, same order.
_STYLESHEET_LINK = re.compile(r"<link\b[^>]*>\n?")
_ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
_SOURCE_MAP = re.compile(r"/\*# sourceMappingURL=[^*]*\*/")
_CHARSET = re.compile(r'@charset "[^"]*";')
_BUNDLE_PREFIX = "bundle."
_OPTIONS_SCRIPT = re.compile(
    r'<script src="[^"]*_static/documentation_options\.js(?:\?[^"]*)?"></script>'
)


def _local_stylesheet(page: Path, tag: str, static: Path) -> Path | None:
    """The file under _static/ that a <link rel="stylesheet"> tag loads for all media."""
    attrs = dict(_ATTRIBUTE.findall(tag))
    href = attrs.get("href", "")
    if attrs.get("rel") != "stylesheet" or attrs.get("media", "all") != "all":
        return None
    if not href or ":" in href or href.startswith(("/", "#")):
        return None
    file = (page.parent / href.split("?")[0].split("#")[0]).resolve()
    return file if file.is_file() and file.is_relative_to(static) else None


def _css_for_bundle(file: Path, bundle_dir: Path) -> str:
    """A stylesheet's text, with relative url()s pointing from the bundle's folder."""

    def rebase(match: re.Match) -> str:
        quote, ref = match.groups()
        if ref.startswith(("data:", "#", "/")) or ":" in ref.split("/")[0]:
            return match.group(0)
        target = os.path.relpath(file.parent / ref, bundle_dir)
        return f"url({quote}{Path(target).as_posix()}{quote})"

    text = _SOURCE_MAP.sub("", file.read_text(encoding="utf-8"))
    return _CSS_URL.sub(rebase, _CHARSET.sub("", text))


def _bundle(sheets: tuple[Path, ...], static: Path) -> Path:
    """Write (once) the stylesheet joining `sheets`; its second line lists them, in order."""
    bundle_dir = static / "styles"
    names = [f.relative_to(static).as_posix() for f in sheets]
    text = f'@charset "UTF-8";\n/* joins: {" ".join(names)} */\n' + "\n".join(
        f"/* {name} */\n{_css_for_bundle(f, bundle_dir)}"
        for name, f in zip(names, sheets, strict=True)
    )
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    bundle = bundle_dir / f"{_BUNDLE_PREFIX}{digest}.css"
    if not bundle.is_file():
        bundle.write_text(text, encoding="utf-8")
    return bundle


def _bundled_sheets(bundle: Path, static: Path) -> tuple[Path, ...]:
    """The stylesheets an earlier build joined into `bundle` (from its second line)."""
    listing = re.fullmatch(
        r"/\* joins: (.*) \*/", bundle.read_text(encoding="utf-8").splitlines()[1]
    )
    return tuple(static / name for name in listing.group(1).split())


def _bundle_stylesheets(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir).resolve()
    static = out / "_static"
    options = static / "documentation_options.js"
    options_js = options.read_text(encoding="utf-8").strip() if options.is_file() else None
    bundles: dict[tuple[Path, ...], Path] = {}
    for page in sorted(out.rglob("*.html")):
        if page.is_relative_to(static):
            continue
        html = page.read_text(encoding="utf-8")
        links = [
            (m, file)
            for m in _STYLESHEET_LINK.finditer(html, 0, max(html.find("</head>"), 0))
            if (file := _local_stylesheet(page, m.group(0), static))
        ]
        new = html
        if links:
            # A page an incremental build did not rewrite links an earlier bundle: rebuild
            # it from the current stylesheets, so an edited one is never served stale.
            sheets = tuple(
                s
                for _, f in links
                for s in (_bundled_sheets(f, static) if f.name.startswith(_BUNDLE_PREFIX) else (f,))
            )
            if sheets not in bundles:
                bundles[sheets] = _bundle(sheets, static)
            href = Path(os.path.relpath(bundles[sheets], page.parent)).as_posix()
            kept, last = [], 0
            for i, (m, _) in enumerate(links):
                kept.append(html[last : m.start()])
                if i == 0:
                    kept.append(f'<link rel="stylesheet" href="{href}" />\n')
                last = m.end()
            new = "".join(kept) + html[last:]
        if options_js is not None:
            new = _OPTIONS_SCRIPT.sub(lambda _: f"<script>{options_js}</script>", new)
        if new != html:
            page.write_text(new, encoding="utf-8")
    for old in (static / "styles").glob(f"{_BUNDLE_PREFIX}*.css"):
        if old not in bundles.values():  # an earlier build's, linked by no page now
            old.unlink()


# --- Icon fonts with only the icons the site shows ------------------------------------------
# The theme draws its icons (menu, search, theme switch, admonitions...) with Font Awesome's
# web fonts: 115 kB for the solid set, all ~1,400 icons, fetched by every page as it first
# paints. Cut down to the few dozen the site uses (some 5 kB), after every build, from the
# fonts Sphinx has just copied from the theme. "Used" is: an icon class (fa-bars) named in
# any page or shipped script, or an icon character written into the theme's own CSS (the
# admonition and link icons). `nox -s browser` checks every icon on every page is kept.
_ICON_RULE = re.compile(r"((?:\.fa-[\w-]+(?:::?before)?,?)+)\{--fa:\"([^\"]+)\"\}")
_ICON_CLASS = re.compile(r"\bfa-[a-z0-9-]+")
_ICON_FONT = re.compile(r"@font-face\{[^}]*font-family:[^;}]*Awesome[^}]*\}")
_FONT_URL = re.compile(r"url\(([^)\"']+)\)")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6}) ?|(.))")


def _css_character(text: str) -> str:
    """A CSS string's text with its escapes read: `\\f0c9` and `\\30 ` are characters, `\\!` is !."""
    return _CSS_ESCAPE.sub(lambda m: chr(int(m[1], 16)) if m[1] else m[2], text)


def _icon_classes_in_use(static: Path, pages: list[Path]) -> set[str]:
    """Every icon class (fa-bars) named in a page or a shipped script."""
    texts = [p.read_text(encoding="utf-8") for p in pages]
    texts += [
        js.read_text(encoding="utf-8", errors="replace")
        for js in static.rglob("*.js")
        if not js.name.startswith("fontawesome")  # names every icon; not shipped (above)
    ]
    return {n for t in texts for n in _ICON_CLASS.findall(t)}


def _icons_in_use(css: str, classes: set[str]) -> set[int]:
    """The code points of every icon the site can show (see above); `css` is the theme's."""
    named: dict[str, str] = {}
    for selector, character in _ICON_RULE.findall(css):
        for name in _ICON_CLASS.findall(selector):
            named[name] = _css_character(character)
    written = set(_PRIVATE_USE.findall(_ICON_RULE.sub("", css)))
    used = {named[n] for n in classes if n in named}
    return {ord(c) for text in used | written for c in text}


def _without_unused_icon_rules(css: str, classes: set[str]) -> str:
    """The theme's CSS without the ~1,400 `.fa-name{--fa:...}` rules of icons never shown
    (a quarter of the stylesheet every page waits for: 19 of 81 kB gzipped)."""

    def kept(rule: re.Match) -> str:
        return rule[0] if classes.intersection(_ICON_CLASS.findall(rule[1])) else ""

    return _ICON_RULE.sub(kept, css)


def _subset_icon_fonts(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from fontTools import subset

    out = Path(app.outdir)
    static = out / "_static"
    theme_css = static / "styles" / "pydata-sphinx-theme.css"
    if not theme_css.is_file():
        return
    css = theme_css.read_text(encoding="utf-8")
    pages = [p for p in out.rglob("*.html") if not p.is_relative_to(static)]
    classes = _icon_classes_in_use(static, pages)
    codepoints = _icons_in_use(css, classes)
    theme_css.write_text(_without_unused_icon_rules(css, classes), encoding="utf-8")
    for face in _ICON_FONT.findall(css):
        for url in _FONT_URL.findall(face):
            font_file = (theme_css.parent / url).resolve()
            if font_file.suffix != ".woff2" or not font_file.is_file():
                continue
            options = subset.Options(flavor="woff2", layout_features=["*"])
            font = subset.load_font(str(font_file), options)
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=codepoints)
            subsetter.subset(font)
            subset.save_font(font, str(font_file), options)


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
    _patch_mystnb_stream_merge()
    _execute_pages_over_ipc()
    app.add_html_math_renderer(
        "mathml",
        inline_renderers=(_visit_inline_math, None),
        block_renderers=(_visit_block_math, None),
    )
    app.connect("builder-inited", _create_execution_cache)
    app.connect("build-finished", _drop_fontawesome_js)
    app.connect("html-page-context", _defer_scripts, priority=900)
    app.connect("html-page-context", _search_messages_script)
    app.connect("html-page-context", _math_scroll_script)
    app.connect("build-finished", _inline_basic_css)
    app.connect("build-finished", _bundle_stylesheets, priority=600)  # after basic.css inlined
    app.connect("build-finished", _subset_icon_fonts)
    app.connect("html-page-context", _offer_notebook, priority=500)
    app.connect("html-page-context", _offer_notebook, priority=502)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
