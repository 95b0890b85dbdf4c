"""The explorer's code and error modes print what the command prints (issue 23, item 4).

One page, driven as a reader drives it (the program or the message typed into its field),
for every program of the test corpus (tests/programs) and every Keras message the book
shows (the error outputs of its executed pages, so real Keras wrote them) with the
recorded tf.keras 2 texts. The command is the package's own `main`, run in this process:
pure Python, no Keras, so 200 comparisons cost seconds. The same page, after all of them,
checks its Content-Security-Policy (docs/_ext/explorer_csp.py): no violation, and nothing
sent to another origin from the page or its worker.
"""

from __future__ import annotations

import html
import json
import re

import pytest
from _site import ROOT, site_dir
from test_explorer_modes import _SEND, _VIOLATIONS
from test_explorer_page import Explorer

from rnnshape_docs.explorer import run_command

# Every third program of the corpus (46 of 136, bug and fixed versions mixed): each costs a
# quarter of a second in the page, and the site tests' share of CI is kept small.
PROGRAMS = sorted((ROOT / "tests" / "programs").glob("*.py"))[::3]
_OUTPUT = re.compile(
    r'<div class="cell_output docutils container">(.*?)</div>\s*</div>\s*</div>', re.DOTALL
)
_RAISED = re.compile(r"^\w+(?:Error|Exception): ", re.MULTILINE)


def _book_messages() -> list[str]:
    """Every error output of the book's executed pages: what Keras printed at build time."""
    found = []
    for page in sorted(site_dir().rglob("*.html")):
        for output in _OUTPUT.findall(page.read_text(encoding="utf-8")):
            text = html.unescape(re.sub(r"<[^>]+>", "", output)).strip()
            if _RAISED.search(text):
                found.append(text)
    return found


def _recorded_messages() -> list[str]:
    from test_explorer_page import _test_module

    return list(_test_module("test_agreement_explain").RECORDED)


@pytest.fixture(scope="module")
def explorer(browser, base_url):
    visit = Explorer(browser, base_url)
    visit.context.add_init_script(_VIOLATIONS)
    visit.open()  # the stack mode, with its figure (a data: image)
    yield visit
    visit.close()  # no console error, no request to another host, none failed


@pytest.fixture(scope="module")
def page(explorer):
    return explorer.page


def _enter(page, mode: str, field: str, text: str) -> None:
    if not page.is_checked(f"input[name='explorer-mode'][value='{mode}']"):
        page.check(f"input[name='explorer-mode'][value='{mode}']")
    page.fill(field, text)  # the input event marks the result region busy until it is shown
    page.wait_for_selector("#explorer-result:not([aria-busy])", state="attached")


_FINDINGS = """() => [...document.querySelectorAll('#explorer-result .explorer-finding')].map(
  (li) => [Number(li.dataset.line), li.dataset.severity,
           li.querySelector('strong').textContent,
           li.querySelector('.explorer-message').textContent,
           li.querySelector('.explorer-fix-text code')?.textContent ?? null])"""


def test_code_mode_shows_what_rnnshape_check_prints(page, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    assert len(PROGRAMS) >= 40
    differ, with_findings = [], 0
    for path in PROGRAMS:
        code = path.read_text(encoding="utf-8")
        _enter(page, "code", "#explorer-code", code)
        status, printed, err = run_command(["check", str(path)])
        if status == 2:  # unreadable: the one line the command prints
            shown = page.text_content("#explorer-result .explorer-error-line")
            if shown != err.strip():
                differ.append((path.name, shown, err))
            continue
        findings = json.loads(run_command(["check", str(path), "--json"])[1])["findings"]
        expected = [
            [
                f["line"],
                f["severity"],
                f"{f['severity']} {f['code']}: ",
                f["message"],
                f["fix"] or None,
            ]
            for f in findings
        ]
        with_findings += bool(findings)
        models = page.locator("#explorer-result pre.explorer-table")
        if page.evaluate(_FINDINGS) != expected or not (
            models.count() and printed.startswith(models.text_content())
        ):
            differ.append((path.name, page.evaluate(_FINDINGS), expected))
    assert not differ, differ
    assert with_findings >= 20, "want programs with findings"


def test_error_mode_shows_what_rnnshape_explain_prints(page):
    messages = list(dict.fromkeys(_book_messages() + _recorded_messages()))
    assert len(messages) >= 30, len(messages)
    differ, known = [], 0
    for message in messages:
        _enter(page, "error", "#explorer-message", message)
        status, printed, err = run_command(["explain", message])
        if status == 0:
            known += 1
            shown = page.text_content("#explorer-result pre.explorer-explanation")
            page_link = json.loads(run_command(["explain", message, "--json"])[1])["page"]
            link = page.get_attribute("#explorer-result a.explorer-gallery-link", "href")
            if (shown, link) != (printed.rstrip("\n"), f"../{page_link}"):
                differ.append((message[:80], shown, printed))
        else:  # not a message it knows: the page says so too, and links the gallery
            shown = page.text_content("#explorer-result .explorer-error-line")
            if status != 1 or "not a message rnnshape knows" not in shown:
                differ.append((message[:80], shown, err))
    assert not differ, differ
    assert known >= 30, known


def test_the_page_works_under_its_policy_and_nothing_leaves_it(explorer, base_url):
    """Some 100 programs and messages later, not one Content-Security-Policy violation;
    the theme's own inline code runs; and no text can be sent to another origin."""
    page = explorer.page
    policy = page.get_attribute("meta[http-equiv='Content-Security-Policy']", "content")
    assert "'unsafe-inline'" not in policy
    for directive in ("connect-src 'self'", "default-src 'none'", "'wasm-unsafe-eval'"):
        assert directive in policy
    page.click(".theme-switch-button")  # the theme's own scripts, and its inline handlers
    page.keyboard.press("Escape")
    page.click("button.btn-fullscreen-button")
    assert page.evaluate("window.__violations") == []
    # The same server under another name: another origin, which the test's router would see.
    other = base_url.replace("127.0.0.1", "localhost") + "collect"
    try:
        # Neither the page nor its worker (where the pasted text goes) can send it anywhere.
        assert page.evaluate(_SEND, other) == "refused"
        (worker,) = page.workers
        assert worker.evaluate(_SEND, other) == "refused"
        assert page.evaluate("window.__violations") == [f"connect-src {other}"]
        assert not explorer.problems["external"], "the policy let a request reach the network"
        # The site's own origin stays open (the control: the refusals are the policy's).
        assert page.evaluate("url => fetch(url).then((r) => r.ok)", base_url + "index.html")
    finally:
        # The browser reports each refusal on the console: expected here, and only those.
        explorer.problems["console"] = [p for p in explorer.problems["console"] if other not in p]
