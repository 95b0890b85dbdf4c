"""The cheat sheet fits: its rules on about one screen at 1280 px and three at 390 px.

Measured in Chromium as the page's height down to the folded tables ("Every combination,
checked"), in viewport heights; the folded tables are closed and still on the page.
"""

from __future__ import annotations

import pytest

PAGE = "tools/05-cheat-sheet.html"
SCREENS = [
    ({"viewport": {"width": 1280, "height": 900}}, 1.25),
    ({"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}, 3.25),
]

_MEASURE = """() => {
    const folds = document.getElementById('every-combination-checked');
    const tables = [...folds.querySelectorAll('details')];
    return {
        screens: (folds.getBoundingClientRect().top + scrollY) / innerHeight,
        folded: tables.length,
        open: tables.filter(d => d.open).length,
        rows: tables.map(d => d.querySelectorAll('table.rnnshape-table > tbody > tr').length),
        opens_with: document.querySelector('.bd-article h1').nextElementSibling.className,
    };
}"""


@pytest.mark.parametrize(("screen", "most"), SCREENS, ids=["1280px", "390px"])
def test_cheat_sheet_rules_fit(browser, base_url, screen, most):
    context = browser.new_context(color_scheme="light", **screen)
    page = context.new_page()
    try:
        page.goto(base_url + PAGE, wait_until="load")
        got = page.evaluate(_MEASURE)
    finally:
        context.close()
    print(f"cheat sheet at {screen['viewport']['width']} px: {got['screens']:.2f} screens")
    assert got["screens"] <= most, got
    # The three long tables are there, generated, and folded away.
    assert got["folded"] == 3, got
    assert got["open"] == 0, got
    assert all(n > 0 for n in got["rows"]), got
    assert "cell" not in got["opens_with"].split(), got  # prose first, not a code cell
