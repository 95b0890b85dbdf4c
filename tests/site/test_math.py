"""Display math, rendered as MathML, sits where a reader expects it in Chromium.

Two fixes in docs/_static/rnnshape.css keep it there; each test fails if its fix stops
working (or is removed while the theme still needs it):
- pydata-sphinx-theme's div.math is a reversed flex row meant for MathJax, which pushed a
  <math> element against the right margin;
- MathML Core ignores the columnalign attribute latex2mathml writes on {array} cells.
"""

from __future__ import annotations

PAGE = "chapters/01-one-rnn.html"  # the step equations: a single line and two arrays


def _open(browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url + PAGE, wait_until="load")
    return context, page


def test_display_math_is_centred_in_the_text_column(browser, base_url):
    context, page = _open(browser, base_url)
    offsets = page.eval_on_selector_all(
        "div.math > math",
        """blocks => blocks.map(math => {
            const box = math.parentElement.getBoundingClientRect();
            const row = math.firstElementChild.getBoundingClientRect();
            return Math.abs((row.left + row.right) / 2 - (box.left + box.right) / 2);
        })""",
    )
    context.close()
    assert len(offsets) >= 3, offsets
    assert max(offsets) < 8, offsets  # pixels off centre


def test_left_aligned_array_columns_share_their_left_edge(browser, base_url):
    context, page = _open(browser, base_url)
    spreads = page.eval_on_selector_all(
        "div.math > math mtable",
        """tables => tables.map(table => {
            const lefts = [...table.querySelectorAll('mtr')].map(row =>
                row.children[2].firstElementChild.getBoundingClientRect().left);
            return Math.max(...lefts) - Math.min(...lefts);
        })""",
    )
    context.close()
    assert len(spreads) >= 2, spreads
    assert max(spreads) < 1, spreads  # the third column of each array is left-aligned
