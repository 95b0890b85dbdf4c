"""Every page fits the screen it is read on: a phone (390 x 844 CSS px) and a desktop.

On a phone nothing scrolls sideways (a wide table scrolls inside its own box) and the
book's tables fit the column; on both, a cell's output shows its whole text (its long
lines wrap instead of hiding behind a scrollbar): on the desktop, test_pages.test_page
checks that on the page it has loaded anyway. On a phone, in light and dark mode, the
same axe-core audit as on the desktop; a 390 px screenshot of every page goes to
build/site-report/screenshots/<page>-phone-<mode>.png, beside the desktop ones.
"""

from __future__ import annotations

import pytest
from _site import book_pages, report_dir
from test_pages import _CUT_OUTPUTS, _WIDE_BOOK_TABLES, FAILING_IMPACTS, MODES, _open

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

# The innermost elements that stick out of the page's width, not inside a box that scrolls
# (or clips) sideways and not fixed to the screen (an off-canvas sidebar): what makes the
# page itself scroll sideways.
_STICKING_OUT = """() => {
    const width = document.documentElement.clientWidth;
    const contained = el => {
        for (let p = el; p && p !== document.body; p = p.parentElement) {
            const style = getComputedStyle(p);
            if (style.position === 'fixed' || style.visibility === 'hidden') return true;
            if (p !== el && ['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX))
                return true;
        }
        return false;
    };
    const out = [...document.body.querySelectorAll('*')].filter(el => {
        const box = el.getBoundingClientRect();
        return box.width > 0 && box.right > width + 0.5 && !contained(el);
    });
    return out
        .filter(el => !out.some(other => other !== el && el.contains(other)))
        .slice(0, 5)
        .map(el => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ` +
                   `(right edge ${Math.round(el.getBoundingClientRect().right)} px): ` +
                   el.textContent.trim().slice(0, 60));
}"""


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("page_path", book_pages())
def test_phone(browser, base_url, axe_js, page_path, mode):
    context, page, _ = _open(browser, base_url, page_path, mode, **PHONE)
    try:
        name = f"{page_path.removesuffix('.html')}-phone-{mode}.png"
        shot = report_dir() / "screenshots" / name
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
        width, scroll_width = page.evaluate(
            "[document.documentElement.clientWidth, document.documentElement.scrollWidth]"
        )
        assert width == PHONE["viewport"]["width"]
        assert scroll_width <= width, (
            f"the page scrolls sideways ({scroll_width} px wide at {width} px): "
            f"{page.evaluate(_STICKING_OUT)}"
        )
        assert not (cut := page.evaluate(_CUT_OUTPUTS)), f"outputs cut off: {cut}"
        assert not (wide := page.evaluate(_WIDE_BOOK_TABLES)), f"tables too wide: {wide}"
        # The phone layout (cards, wrapped headings) passes the same audit as the desktop's.
        page.evaluate(axe_js)
        violations = page.evaluate(
            "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)"
        )
        failing = [
            (v["id"], v["impact"], [" ".join(map(str, n["target"])) for n in v["nodes"]][:3])
            for v in violations
            if v["impact"] in FAILING_IMPACTS
        ]
        assert not failing, f"accessibility violations on a phone: {failing}"
    finally:
        context.close()
