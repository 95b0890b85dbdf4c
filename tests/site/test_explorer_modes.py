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
from _site import ROOT, report_dir, site_dir
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
def test_code_and_error_modes_on_a_phone_fit_and_axe_finds_nothing(browser, base_url, axe_js, mode):
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
        page.evaluate(axe_js)
        # A line longer than the phone is wide: it scrolls inside the listing, not the page.
        long_line = "x = " + "+".join(f"value_{k}" for k in range(30)) + "\n"
        page.fill("#explorer-code", SWAPPED + long_line)
        page.wait_for_selector("#explorer-result:not([aria-busy])", state="attached")
        listing = page.locator("#explorer-result .explorer-listing")
        assert listing.evaluate("e => e.scrollWidth > e.clientWidth")
        assert listing.evaluate("e => getComputedStyle(e).overflowX") == "auto"
        for what in ("code", "error"):
            if what == "error":  # the error mode, with the program beside the message
                page.check("input[name='explorer-mode'][value='error']")
                page.fill("#explorer-message", NDIM)
                page.fill("#explorer-error-code", SWAPPED)
                page.wait_for_selector("#explorer-trace-code")
            width = page.evaluate("document.scrollingElement.scrollWidth")
            assert width <= 390, (what, width)
            for box in page.locator("#explorer-result > *").all():
                right = box.evaluate("e => e.getBoundingClientRect().right")
                assert right <= 390, (what, box.evaluate("e => e.outerHTML.slice(0, 80)"))
            found = page.evaluate(
                "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)"
            )
            serious = [
                (what, v["id"], [n["target"] for n in v["nodes"]][:3])
                for v in found
                if v["impact"] in ("moderate", "serious", "critical")
            ]
            assert not serious, serious
            shot = report_dir() / "screenshots" / f"explorer-{what}-phone-{mode}.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot), full_page=True)
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


# --- Item 6: nothing leaves the page, nothing runs ------------------------------------------
# Every violation of the page's Content-Security-Policy, as the page sees it.
_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""
_SEND = "url => fetch(url, {method: 'POST', body: 'pasted'}).then(() => 'sent', () => 'refused')"


def _settled(page) -> None:
    page.wait_for_selector("#explorer-result:not([aria-busy])", state="attached")


def _drop(page, name: str, data: bytes) -> None:
    """Drop a file on the explorer, as a reader drags one from their desktop."""
    transfer = page.evaluate_handle(
        "([name, bytes]) => { const t = new DataTransfer();"
        " t.items.add(new File([new Uint8Array(bytes)], name)); return t; }",
        [name, list(data)],
    )
    page.dispatch_event("#explorer", "drop", {"dataTransfer": transfer})


_HOSTILE_NAME = "<img src=x onerror='window.__pwned = 4'>"
_HOSTILE_MESSAGE = NDIM.replace("lstm_1", "<script>window.__pwned = 5</script>") + (
    "\n<img src=x onerror='window.__pwned = 6'>"
)


def test_hostile_input_in_every_field_is_only_text_and_the_page_keeps_answering(browser, base_url):
    visit = Explorer(browser, base_url)
    visit.context.add_init_script(_VIOLATIONS)
    try:
        page = visit.open().page
        before = len(visit.requests)
        # A layer name in the stack mode: traced, and shown as text.
        page.fill("#explorer-layers", f'LSTM(4, name="{_HOSTILE_NAME}")\nDense(1)')
        _settled(page)
        # A message, and the program beside it, in the error mode.
        page.check("input[name='explorer-mode'][value='error']")
        page.fill("#explorer-message", _HOSTILE_MESSAGE)
        page.fill("#explorer-error-code", HOSTILE)
        _settled(page)
        assert page.locator("#explorer-trace-code").is_visible()
        # A 1 MB program: refused in one line, at once; then a binary file dropped as a program.
        page.check("input[name='explorer-mode'][value='code']")
        # (pasted: set at once, one input event; Playwright's fill types it far slower)
        page.evaluate(
            "text => { const f = document.getElementById('explorer-code'); f.value = text;"
            " f.dispatchEvent(new Event('input')); }",
            HOSTILE * (1_000_000 // len(HOSTILE)),
        )
        _settled(page)
        assert "more than a program" in page.text_content("#explorer-result .explorer-error-line")
        _drop(page, "train.py", bytes(range(256)) * 64)
        page.wait_for_function(
            "() => document.getElementById('explorer-code').value.length < 20000"
        )
        _settled(page)
        # ... and a binary file as a model.
        page.set_input_files(
            "#explorer-file",
            files=[
                {
                    "name": "model.keras",
                    "mimeType": "application/octet-stream",
                    "buffer": bytes(range(256)) * 256,
                }
            ],
        )
        page.wait_for_selector("#explorer-result .explorer-error-line")
        # Still answering: a program typed now is checked.
        page.fill("#explorer-code", SWAPPED)
        page.check("input[name='explorer-mode'][value='code']")
        page.wait_for_selector("#explorer-result .explorer-finding[data-line='11']")
        assert page.evaluate("window.__pwned") is None
        assert page.evaluate("window.__violations") == []
        assert page.locator("#explorer-result script, #explorer-result img").count() == 0
        # (the browser fetches the tab's icon again whenever the fragment changes: its own)
        made = [
            r.url
            for r in visit.requests[before:]
            if not r.url.startswith("data:") and not r.url.endswith("/_static/favicon.svg")
        ]
        assert not made, f"requests made while reading hostile input: {made}"
    finally:
        visit.close()  # no console error, no request to another host, none failed


# --- Item 3: the message and the program that raised it ----------------------------------------
def test_the_program_beside_a_message_opens_in_the_code_mode(program):
    page = program.page
    page.evaluate("link => { location.hash = link; }", f"error={quote(NDIM)}&code={quote(SWAPPED)}")
    page.wait_for_selector("#explorer-trace-code")
    _settled(page)
    assert page.is_checked("input[name='explorer-mode'][value='error']")
    assert page.input_value("#explorer-error-code") == SWAPPED
    assert page.text_content("#explorer-result pre.explorer-table") == _command("explain", NDIM)
    # The link the page writes carries both, and opens the same.
    assert page.evaluate("location.hash") == f"#error={quote(NDIM, safe=_JS_SAFE)}&code=" + quote(
        SWAPPED, safe=_JS_SAFE
    )
    page.click("#explorer-trace-code")
    page.wait_for_selector("#explorer-result .explorer-finding[data-line='11']")
    assert page.is_checked("input[name='explorer-mode'][value='code']")
    assert page.input_value("#explorer-code") == SWAPPED
    assert _command("check", "-", stdin=SWAPPED).startswith(
        page.text_content("#explorer-result pre.explorer-table")
    )
    page.wait_for_function("() => location.hash.startsWith('#code=')")
    # Without a program, no button.
    page.check("input[name='explorer-mode'][value='error']")
    page.fill("#explorer-error-code", "")
    page.fill("#explorer-message", NDIM)
    _settled(page)
    assert page.locator("#explorer-trace-code").count() == 0


_JS_SAFE = "-_.!~*'()"  # what encodeURIComponent leaves as it is
