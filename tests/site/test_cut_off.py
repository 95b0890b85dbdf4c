"""Nothing is cut off on a phone: every page at 390 CSS px, where a box too narrow for its
content lets the reader scroll to the rest instead of hiding it.

- Every element whose content is wider than its box (scrollWidth > clientWidth) either lets
  it spill (then its parent holds the overflow and is checked in turn, and the page-width
  check catches what reaches the screen's edge) or scrolls it (overflow-x auto or scroll);
  one that hides or clips it fails, e.g. display math in the theme's div.math.
- Wide display math scrolls to both of its ends.
- A table of one to three columns fits the column (a longer table may scroll, with its fade
  cue): chapter 8's two-column table had its answer column off-screen.
- The page itself never scrolls sideways.

Light mode only (geometry does not change with the colours), one browser context for all
the pages: about a tenth of a second a page.
"""

from __future__ import annotations

import pytest
from _site import book_pages

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

# Elements that hide (overflow-x hidden or clip) content wider than their box. A box one
# pixel wide or tall is the screen-reader-only pattern (a table's heading row on a phone),
# hidden on purpose.
_CUT_OFF = """() => {
    const out = [];
    for (const el of document.body.querySelectorAll('*')) {
        if (el.clientWidth === 0 || el.scrollWidth <= el.clientWidth + 1) continue;
        const style = getComputedStyle(el);
        if (!['hidden', 'clip'].includes(style.overflowX) || style.visibility === 'hidden')
            continue;
        const box = el.getBoundingClientRect();
        if (box.width <= 1 || box.height <= 1) continue;
        out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join('.')} hides ` +
                 `${el.scrollWidth - el.clientWidth} px of its ${el.scrollWidth} px: ` +
                 el.textContent.trim().replace(/\\s+/g, ' ').slice(0, 50));
    }
    return out;
}"""

# Display math wider than its box: can the reader scroll to its first and its last column?
_MATH_ENDS = """() => [...document.querySelectorAll('div.math')]
    .filter(box => box.scrollWidth > box.clientWidth + 1)
    .map(box => {
        const ends = [];
        for (const to of [0, box.scrollWidth]) {
            box.scrollLeft = to;
            const outer = box.getBoundingClientRect();
            const inner = box.firstElementChild.getBoundingClientRect();
            ends.push(to === 0 ? inner.left >= outer.left - 1 : inner.right <= outer.right + 1);
        }
        box.scrollLeft = 0;
        return {text: box.textContent.trim().slice(0, 40), start: ends[0], end: ends[1]};
    })"""

# Tables of at most three columns wider than the column they sit in.
_WIDE_SHORT_TABLES = """() => [...document.querySelectorAll('.bd-article table')]
    .filter(t => t.rows.length && [...t.rows[0].cells].reduce((n, c) => n + c.colSpan, 0) <= 3)
    .filter(t => {
        const column = t.closest('.pst-scrollable-table-container') || t.parentElement;
        return t.getBoundingClientRect().width > column.clientWidth + 1;
    })
    .map(t => `${Math.round(t.getBoundingClientRect().width)} px: ` +
              [...t.rows[0].cells].map(c => c.textContent.trim()).join(' | '))"""


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(color_scheme="light", service_workers="block", **PHONE)
    context.add_init_script("localStorage.setItem('mode', 'light');")
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("page_path", book_pages())
def test_nothing_cut_off_on_a_phone(phone, base_url, page_path):
    phone.goto(base_url + page_path, wait_until="load")
    problems = {
        "hidden overflow": phone.evaluate(_CUT_OFF),
        "math that cannot be scrolled to its ends": [
            m for m in phone.evaluate(_MATH_ENDS) if not (m["start"] and m["end"])
        ],
        "short tables wider than the column": phone.evaluate(_WIDE_SHORT_TABLES),
    }
    width, scroll_width = phone.evaluate(
        "[document.documentElement.clientWidth, document.documentElement.scrollWidth]"
    )
    if scroll_width > width:
        problems["the page scrolls sideways"] = [f"{scroll_width} px wide at {width} px"]
    failing = {k: v for k, v in problems.items() if v}
    assert not failing, f"{page_path} at 390 px: {failing}"


def test_wide_math_scrolls_on_a_phone(phone, base_url):
    # The case that started this: chapter 1's LSTM equations are wider than a phone.
    phone.goto(base_url + "chapters/01-one-rnn.html", wait_until="load")
    wide = phone.evaluate(_MATH_ENDS)
    assert wide, "no display math wider than a phone on chapter 1: this test checks nothing"
    assert all(m["start"] and m["end"] for m in wide), wide


def test_search_icon_clear_of_the_query(phone, base_url):
    phone.goto(base_url + "search.html?q=return_sequences", wait_until="load")
    gaps = phone.evaluate(
        """() => [...document.querySelectorAll('.bd-search-container form.bd-search')]
            .map(form => {
                const icon = form.querySelector('.fa-magnifying-glass').getBoundingClientRect();
                const input = form.querySelector('input');
                const text = input.getBoundingClientRect().left +
                             parseFloat(getComputedStyle(input).paddingLeft);
                return text - icon.right;
            })"""
    )
    assert gaps, "no search form on the search page"
    assert min(gaps) >= 0, f"the magnifier overlaps the query by {-min(gaps):.0f} px"
