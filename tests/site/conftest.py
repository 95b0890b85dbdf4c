"""The built site in a real browser: Playwright driving Chromium against a local server.

These tests need a built site and a browser, so they run only when RNNSHAPE_SITE names the
built HTML directory (`nox -s browser` builds the book and sets it). Without a site every
one of them is skipped with the reason (`pytest -ra` lists it); given a site but no
browser, the ones that need the browser are skipped locally and fail the run in CI (the
CI environment variable set, as CI services do). Settings:

- RNNSHAPE_SITE: the built site (build/html).
- RNNSHAPE_CHROMIUM: the browser binary (/usr/bin/chromium, Debian's `chromium` package).
- RNNSHAPE_AXE_JS: axe-core's axe.min.js (default: the copy axe-playwright-python ships).
- RNNSHAPE_SITE_REPORT: where screenshots and the findings file go (build/site-report).

`nox -s browser` runs them on one worker per core (pytest-xdist, ``--dist loadfile``), one
Chromium each: a page's load waits for the network to be idle and axe runs on one core, so
two pages at a time use both. A module's tests stay on one worker (several share one
explorer page, or write one report file), and each worker's accessibility findings come
back to the process that writes the report.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from _site import CHROMIUM_ARGS, SITE, report_dir, site_dir

CHROMIUM = os.environ.get("RNNSHAPE_CHROMIUM", "/usr/bin/chromium")
HERE = Path(__file__).resolve().parent


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def pytest_collection_modifyitems(config, items):
    """Skip, with the reason, what cannot run here; in CI a missing browser fails the run."""
    ours = [item for item in items if HERE in item.path.resolve().parents]
    if not SITE:
        reason = (
            "no built site: RNNSHAPE_SITE is not set (`nox -s browser` builds the book and "
            "runs these in Chromium)"
        )
        needs = ours
    elif not Path(CHROMIUM).exists():
        reason = f"no browser at {CHROMIUM}: `apt-get install -y chromium` or set RNNSHAPE_CHROMIUM"
        needs = [item for item in ours if "browser" in item.fixturenames]
        if needs and _in_ci():
            raise pytest.UsageError(f"CI: the site tests must run here, but there is {reason}")
    else:
        return
    for item in needs:
        item.add_marker(pytest.mark.skip(reason=f"site test: {reason}"), append=False)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    """The built site served on 127.0.0.1 (a free port), for the whole session."""
    root = site_dir()
    assert (root / "index.html").is_file(), f"no built site at {root}"
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_js() -> str:
    path = os.environ.get("RNNSHAPE_AXE_JS")
    if not path:
        import axe_playwright_python

        path = str(Path(axe_playwright_python.__file__).with_name("axe.min.js"))
    return Path(path).read_text(encoding="utf-8")


_FINDINGS: list[dict] = []


@pytest.fixture(scope="session")
def findings() -> list[dict]:
    """Accessibility findings below the failing level, reported at the end of the run."""
    return _FINDINGS


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """An xdist worker is done: its findings join the controller's."""
    _FINDINGS.extend(json.loads(getattr(node, "workeroutput", {}).get("a11y_findings", "[]")))


def pytest_sessionfinish(session, exitstatus):
    if not SITE:
        return
    if (sent := getattr(session.config, "workeroutput", None)) is not None:  # a worker
        sent["a11y_findings"] = json.dumps(_FINDINGS)
        return
    out = report_dir() / "a11y-findings.json"
    out.write_text(json.dumps(_FINDINGS, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def pytest_terminal_summary(terminalreporter):
    if not SITE:
        return
    tr = terminalreporter
    tr.section("site report")
    tr.write_line(f"screenshots and findings: {report_dir()}")
    if not _FINDINGS:
        tr.write_line("no minor accessibility findings")
    for f in _FINDINGS:
        tr.write_line(
            f"{f['impact']:<8} {f['mode']:<5} {f['page']}: {f['id']} ({f['nodes']} node(s)): "
            f"{f['help']} {f['targets']}"
        )
