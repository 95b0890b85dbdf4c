"""Every page of the built book, in light and in dark mode, as a reader's browser gets it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from _site import book_pages, report_dir

MODES = ["light", "dark"]
# Every axe-core violation but "minor" fails (the last moderate one, "region", is fixed in
# docs/_templates/navbar-logo.html); minor ones are listed in the site report.
FAILING_IMPACTS = {"moderate", "serious", "critical"}
# Alt text that says nothing about the figure.
EMPTY_ALTS = {"", "image", "img", "figure", "fig", "picture", "diagram", "plot", "svg", "png"}


# Output <pre> blocks whose text is wider than their box (hidden behind a scrollbar).
_CUT_OUTPUTS = """() => [...document.querySelectorAll('div.cell_output pre')]
    .filter(pre => pre.scrollWidth > pre.clientWidth + 1)
    .map(pre => `${pre.scrollWidth} px of text in a ${pre.clientWidth} px box: ` +
                pre.textContent.trim().split('\\n')[0].slice(0, 60))"""

# The book's own tables (rnnshape_docs.tables.Table) wider than the column they sit in.
_WIDE_BOOK_TABLES = """() => [...document.querySelectorAll('table.rnnshape-table')]
    .filter(t => t.getBoundingClientRect().width > t.parentElement.clientWidth + 1)
    .map(t => `${Math.round(t.getBoundingClientRect().width)} px table in a ` +
              `${t.parentElement.clientWidth} px column: ` +
              [...t.querySelectorAll('th')].map(th => th.textContent).join(', '))"""


def _cancelled_figure(url: str, failure: str | None) -> bool:
    """A figure request the browser itself cancelled (net::ERR_ABORTED), not a failure of the
    site: a <picture> drops an in-flight variant when the viewport changes (the full-page
    screenshot resizes it) or when the lazy images are made eager. Seen in CI on 2 workers;
    a figure that really fails still fails the test: `broken` (an image with no pixels), a
    4xx response, and test_served_figures (every file a page points at exists)."""
    return failure == "net::ERR_ABORTED" and "/_figures/" in url


def _open(browser, base_url: str, page_path: str, mode: str, **screen):
    """Load one page in the given colour mode; return the page and what went wrong.

    ``screen``: browser-context options for another screen (viewport, is_mobile)."""
    screen = {"viewport": {"width": 1280, "height": 900}} | screen
    context = browser.new_context(color_scheme=mode, service_workers="block", **screen)
    # The theme keeps the reader's choice in localStorage; set it before any script runs.
    context.add_init_script(
        f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');"
    )
    problems: dict[str, list[str]] = {"console": [], "failed": [], "external": []}
    local = urlsplit(base_url).netloc

    def route(route):
        if urlsplit(route.request.url).netloc == local:
            route.continue_()
        else:
            problems["external"].append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on(
        "console",
        lambda m: (
            problems["console"].append(f"{m.type}: {m.text} ({m.location.get('url')})")
            if m.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda e: problems["console"].append(f"uncaught: {e}"))
    page.on(
        "requestfailed",
        lambda r: (
            problems["failed"].append(f"{r.url}: {r.failure}")
            if urlsplit(r.url).netloc == local and not _cancelled_figure(r.url, r.failure)
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            problems["failed"].append(f"{r.url}: HTTP {r.status}") if r.status >= 400 else None
        ),
    )
    page.goto(base_url + page_path, wait_until="load")
    if page.locator("#explorer").count():  # the shape explorer starts Python after loading
        page.wait_for_selector("#explorer[data-state='ready']", timeout=120_000)
    page.wait_for_load_state("networkidle")
    # Lazy images load only when scrolled to: load them all, then wait for them.
    page.evaluate(
        """async () => {
            const imgs = [...document.images];
            imgs.forEach(img => { img.loading = 'eager'; });
            await Promise.all(imgs.map(img => img.decode().catch(() => null)));
        }"""
    )
    page.wait_for_load_state("networkidle")
    return context, page, problems


def _images(page) -> list[dict]:
    return page.evaluate(
        """() => [...document.images].map(img => ({
            src: img.getAttribute('src'),
            alt: img.getAttribute('alt'),
            width: img.naturalWidth,
        }))"""
    )


def _meaningless_alt(alt: str | None, src: str) -> bool:
    if alt is None:
        return True
    text = alt.strip().lower()
    name = src.rsplit("/", 1)[-1].lower()
    return (
        text in EMPTY_ALTS
        or text == name
        or text == name.rsplit(".", 1)[0]
        or bool(re.fullmatch(r"[\w.-]+\.(svg|png|jpe?g|gif|webp)", text))
        or len(text.split()) < 3
    )


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("page_path", book_pages())
def test_page(browser, base_url, axe_js, findings, page_path, mode):
    context, page, problems = _open(browser, base_url, page_path, mode)
    try:
        assert page.evaluate("document.documentElement.dataset.theme") == mode
        shot = report_dir() / "screenshots" / f"{page_path.removesuffix('.html')}-{mode}.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)

        images = _images(page)
        broken = [i["src"] for i in images if not i["width"]]
        no_alt = [
            f"{i['src']} (alt={i['alt']!r})" for i in images if _meaningless_alt(i["alt"], i["src"])
        ]

        page.evaluate(axe_js)
        result = page.evaluate(
            "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)"
        )
        failing = []
        for v in result:
            targets = [" ".join(map(str, n["target"])) for n in v["nodes"]][:5]
            entry = {
                "page": page_path,
                "mode": mode,
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "nodes": len(v["nodes"]),
                "targets": targets,
            }
            if v["impact"] in FAILING_IMPACTS:
                summary = [n.get("failureSummary", "").replace("\n", " ") for n in v["nodes"]][:3]
                failing.append({**entry, "why": summary})
            else:
                findings.append(entry)

        assert not problems["console"], f"console errors: {problems['console']}"
        assert not problems["failed"], f"failed requests: {problems['failed']}"
        assert not problems["external"], f"requests to other hosts: {problems['external']}"
        assert not broken, f"images that did not load: {broken}"
        assert not no_alt, f"images without meaningful alt text: {no_alt}"
        assert not failing, "serious or critical accessibility violations:\n" + "\n".join(
            map(str, failing)
        )
        # On the desktop (test_fit checks the phone): each output shows its whole text, and
        # the book's tables fit their column.
        assert not (cut := page.evaluate(_CUT_OUTPUTS)), f"outputs cut off: {cut}"
        assert not (wide := page.evaluate(_WIDE_BOOK_TABLES)), f"tables too wide: {wide}"
    finally:
        context.close()
