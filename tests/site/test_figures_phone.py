"""The book's figures on a phone: every label legible at a 390 CSS px wide viewport.

For each figure the browser shows, the smallest label's size in CSS px is computed from the
SVG it actually displays (the narrow variant on a phone): its smallest font size, times the
image's rendered width over the SVG's viewBox width. Every page is measured, and the sizes
are written to build/site-report/figure-labels-390.json. On a desktop the wide figures show,
as they were.
"""

from __future__ import annotations

import json

import pytest
from _site import book_pages, report_dir, site_dir

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
MIN_LABEL_PX = 9.0

# Each figure: the SVG the browser chose (data: URI or file), its smallest font size and
# viewBox width read from that SVG's text, and the width the image is rendered at.
MEASURE = """async () => {
    const out = [];
    for (const img of document.querySelectorAll('figure.rnnshape-figure img')) {
        img.loading = 'eager';
        await img.decode().catch(() => null);
        const src = img.currentSrc || img.src;
        const svg = await (await fetch(src)).text();
        const sizes = [...svg.matchAll(/font-size[:=]\\s*"?([\\d.]+)/g)].map(m => +m[1]);
        const box = svg.match(/viewBox="([\\d.\\s-]+)"/)[1].trim().split(/\\s+/).map(Number);
        const rendered = img.getBoundingClientRect().width;
        out.push({
            alt: img.alt.slice(0, 60),
            narrow: src !== img.src,
            smallest_font: Math.min(...sizes),
            viewbox_width: box[2],
            rendered_width: rendered,
            smallest_label_px: Math.min(...sizes) * rendered / box[2],
            page_scroll_width: document.documentElement.scrollWidth,
        });
    }
    return out;
}"""

_MEASURED: dict[str, list[dict]] = {}


def _figures(browser, base_url: str, page_path: str, viewport: dict) -> list[dict]:
    context = browser.new_context(viewport=viewport, service_workers="block")
    try:
        page = context.new_page()
        page.goto(base_url + page_path, wait_until="networkidle")
        return page.evaluate(MEASURE)
    finally:
        context.close()


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    out = report_dir() / "figure-labels-390.json"
    out.write_text(json.dumps(_MEASURED, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _pages_with_figures() -> list[str]:
    root = site_dir()
    return [p for p in book_pages() if "rnnshape-figure" in (root / p).read_text("utf-8")]


def test_the_book_has_figures_to_measure():
    assert len(_pages_with_figures()) >= 5


@pytest.mark.parametrize("page_path", book_pages())
def test_every_label_is_legible_on_a_phone(browser, base_url, page_path):
    figures = _figures(browser, base_url, page_path, PHONE)
    _MEASURED[page_path] = figures
    has_figures = page_path in _pages_with_figures()
    assert bool(figures) == has_figures, "every figure of the page is measured"
    small = [f for f in figures if f["smallest_label_px"] < MIN_LABEL_PX]
    assert not small, "\n".join(
        f"{f['smallest_label_px']:.1f} CSS px ({f['smallest_font']} in a viewBox "
        f"{f['viewbox_width']} wide, shown {f['rendered_width']:.0f} px): {f['alt']}"
        for f in small
    )


@pytest.mark.parametrize("page_path", _pages_with_figures() if book_pages() else [])
def test_the_wide_figures_show_on_a_desktop(browser, base_url, page_path):
    figures = _figures(browser, base_url, page_path, DESKTOP)
    assert figures
    assert not [f["alt"] for f in figures if f["narrow"]], "a narrow variant on a desktop"
