"""The explorer's code and error modes (design.md, "The explorer: code and error modes").

A program opened with ``#code=`` shows what `rnnshape check` prints for it, each finding an
element with ``data-line``, and a button that applies the fix; a message opened with
``#error=`` shows what `rnnshape explain` prints, with the link into the error gallery.
Every text is compared with the command's, run here as a subprocess.
"""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import quote

import pytest
from _site import ROOT, site_dir
from test_explorer_page import READY, START_TIMEOUT, Explorer, _set_mode

PROGRAMS = ROOT / "tests" / "programs"
SWAPPED = (PROGRAMS / "swapped_axes.bug.py").read_text()
NDIM = (
    'ValueError: Input 0 of layer "lstm_1" is incompatible with the layer: expected ndim=3, '
    "found ndim=2. Full shape received: (None, 4)"
)


def _command(*args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "rnnshape_docs", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        env={"COLUMNS": "80", "PATH": "/usr/bin:/bin"},
    )
    return done.stdout.rstrip("\n")


def _open(browser, base_url, fragment: str, **context) -> Explorer:
    visit = Explorer(browser, base_url, **context)
    visit.page.goto(f"{base_url}tools/03-explorer.html#{fragment}")
    visit.page.wait_for_selector(READY, timeout=START_TIMEOUT)
    visit.page.wait_for_selector("#explorer-result:not([aria-busy])", state="attached")
    return visit


@pytest.fixture(scope="module")
def program(browser, base_url):
    visit = _open(browser, base_url, f"code={quote(SWAPPED, safe='')}")
    yield visit
    visit.close()


def test_code_mode_shows_what_the_command_prints(program):
    page = program.page
    assert page.is_checked("input[name='explorer-mode'][value='code']")
    assert page.input_value("#explorer-code") == SWAPPED
    findings = page.locator("#explorer-result .explorer-finding")
    assert findings.count() == 1
    assert findings.first.get_attribute("data-line") == "11"
    assert "RS103" in findings.first.text_content()
    printed = _command("check", "-", stdin=SWAPPED)
    models = page.locator("#explorer-result pre.explorer-table").text_content()
    assert models in printed
    assert page.locator(".explorer-listing .explorer-marked").get_attribute("data-number") == "11"


def test_selecting_a_finding_selects_its_line(program):
    page = program.page
    page.click("#explorer-result .explorer-finding .explorer-goto")
    selected = page.evaluate(
        "() => { const f = document.getElementById('explorer-code');"
        " return f.value.slice(f.selectionStart, f.selectionEnd); }"
    )
    assert selected == SWAPPED.splitlines()[10]
    assert page.locator(".explorer-current").get_attribute("data-number") == "11"


def test_the_fix_button_applies_the_fix_and_nothing_is_left(program):
    page = program.page
    page.click("#explorer-result .explorer-finding .explorer-fix")
    page.wait_for_selector("#explorer-result .explorer-ok")
    assert "input_shape=(20, 1)" in page.input_value("#explorer-code")
    assert page.locator("#explorer-result .explorer-finding").count() == 0
    assert page.evaluate("location.hash").startswith("#code=")


def test_error_mode_explains_the_message_and_links_its_gallery_section(browser, base_url):
    visit = _open(browser, base_url, f"error={quote(NDIM, safe='')}")
    try:
        page = visit.page
        assert page.is_checked("input[name='explorer-mode'][value='error']")
        shown = page.locator("#explorer-result pre.explorer-table").text_content()
        assert shown == _command("explain", NDIM)
        link = page.locator("#explorer-result a.explorer-gallery-link")
        href = link.get_attribute("href")
        assert href == "../tools/02-error-gallery.html#beyond-errors-ndim"
        target = (site_dir() / "tools" / "02-error-gallery.html").read_text()
        assert 'id="beyond-errors-ndim"' in target
        page.fill("#explorer-message", "not a keras message")
        page.wait_for_selector("#explorer-result .explorer-error-line")
        assert "not a message rnnshape knows" in page.text_content("#explorer-result")
    finally:
        visit.close()


HOSTILE = (
    "# <script>window.__pwned = 1</script> <img src=x onerror='window.__pwned = 2'>\n"
    "import keras\n"
    "name = '<svg onload=window.__pwned=3>'\n"
    "model = keras.Sequential([keras.Input((5, 2)), keras.layers.LSTM(4, name=name), "
    "keras.layers.LSTM(2)])\n"
)


def test_hostile_code_is_only_ever_text(browser, base_url):
    visit = _open(browser, base_url, f"code={quote(HOSTILE, safe='')}")
    try:
        page = visit.page
        page.wait_for_selector("#explorer-result .explorer-finding")
        assert page.evaluate("window.__pwned") is None
        assert "<script>" in page.text_content("#explorer-result .explorer-listing")
        assert page.locator("#explorer-result script, #explorer-result img").count() == 0
    finally:
        visit.close()  # no console error, no request to another host, none failed


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_code_mode_on_a_phone_fits_and_axe_finds_nothing(browser, base_url, axe_js, mode):
    visit = _open(
        browser,
        base_url,
        f"code={quote(SWAPPED, safe='')}",
        viewport={"width": 390, "height": 844},
        mode=mode,
    )
    try:
        page = visit.page
        _set_mode(page, mode)
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= 390, width
        page.evaluate(axe_js)
        found = page.evaluate(
            "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)"
        )
        serious = [
            (v["id"], [n["target"] for n in v["nodes"]][:3])
            for v in found
            if v["impact"] in ("moderate", "serious", "critical")
        ]
        assert not serious, serious
    finally:
        visit.close()


def test_a_long_program_travels_compressed_both_ways(browser, base_url):
    from rnnshape_docs.explorer import code_fragment

    long_program = SWAPPED + "".join(f"note_{k} = {k}  # padding the program\n" for k in range(80))
    link = code_fragment(long_program)
    assert link.startswith("codez=")
    visit = _open(browser, base_url, link)
    try:
        page = visit.page
        assert page.input_value("#explorer-code") == long_program
        assert (
            page.locator("#explorer-result .explorer-finding").first.get_attribute("data-line")
            == "11"
        )
        page.fill("#explorer-code", long_program + "more = 1\n")
        page.wait_for_function("() => location.hash.startsWith('#codez=')")
        page.wait_for_selector("#explorer-result:not([aria-busy])", state="attached")
        written = page.evaluate("location.hash.slice(1)").removeprefix("codez=")
        import base64
        import zlib

        packed = base64.urlsafe_b64decode(written + "=" * (-len(written) % 4))
        assert zlib.decompress(packed, -15).decode() == long_program + "more = 1\n"
    finally:
        visit.close()
