"""The shape explorer (docs/tools/03-explorer.md) as a reader uses it, in Chromium.

The page runs the package's own wheel in Pyodide; every table and error line it shows is
compared with what the `rnnshape` command prints for the same stack, run here as a
subprocess. Stacks come from the test suite's own cases (tests/test_shapes.py).
"""

from __future__ import annotations

import html.parser
import io
import json
import posixpath
import subprocess
import sys
from urllib.parse import quote, urlsplit

import pytest
from _site import ROOT, report_dir, site_dir

from rnnshape_docs.explorer import WEATHER, fragment, from_fragment

PAGE = "tools/03-explorer.html"
READY = "#explorer[data-state='ready']"
# Starting Pyodide takes a few seconds on a loaded two-core machine.
START_TIMEOUT = 60_000


def _suite_cases() -> list[tuple[str, list[str]]]:
    """(input, layers) of the shape rules' own test cases, valid and invalid."""
    test_shapes = _test_module("test_shapes")

    def cases(test) -> list:
        (mark,) = [m for m in test.pytestmark if m.name == "parametrize"]
        return list(mark.args[1])

    def shape_text(shape) -> str:
        return ",".join("None" if s is None else str(s) for s in shape)

    stacks = [(shape_text(s), layers) for layers, s, _ in cases(test_shapes.test_layer_rules)]
    stacks += [
        (shape_text(s), layers)
        for layers, s, _ in cases(test_shapes.test_errors_name_the_layer_and_the_fix)
    ]
    stacks += [
        ("2,7,3", [layer]) for layer, _ in cases(test_shapes.test_recurrent_outputs_in_keras_order)
    ]
    stacks += [
        ("2,7,3", ["LSTM(4)", "LSTM(8)", "Dense(1)"]),
        ("2,7,3", ["Bidirectional(GRU(4))", "GRU(8)"]),
        ("None,None,1", list(WEATHER[1])),
    ]
    return stacks


def command(input_text: str, layers: list[str]) -> str:
    """What `rnnshape trace` prints for the stack: its table, or its one error line."""
    done = subprocess.run(
        [sys.executable, "-m", "rnnshape_docs", "trace", f"--input={input_text}", "--", *layers],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode in (0, 2), done.stderr
    return done.stdout.rstrip("\n") if done.returncode == 0 else done.stderr.strip()


class Explorer:
    """The explorer page in one browser context, with what went wrong while it was open."""

    def __init__(self, browser, base_url: str, *, mode: str = "light", **context_args):
        self.local = urlsplit(base_url).netloc
        self.base_url = base_url
        self.problems: dict[str, list[str]] = {"console": [], "external": [], "failed": []}
        self.requests: list = []
        self.offline = False  # with the network cut, the browser's own fetches (favicon) fail
        self.context = browser.new_context(
            color_scheme=mode,
            viewport=context_args.pop("viewport", {"width": 1280, "height": 900}),
            service_workers="block",
            **context_args,
        )
        self.context.add_init_script(
            f"localStorage.setItem('mode', '{mode}'); localStorage.setItem('theme', '{mode}');"
        )
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.problems["console"].append(f"uncaught: {e}"))
        self.page.on("request", lambda r: self.requests.append(r))
        self.page.on("requestfailed", self._failed)

    def _route(self, route):
        if urlsplit(route.request.url).netloc == self.local:
            route.continue_()
        else:
            self.problems["external"].append(route.request.url)
            route.abort()

    def _failed(self, request):
        if not self.offline:
            self.problems["failed"].append(f"{request.url}: {request.failure}")

    def _console(self, message):
        if message.type == "error" and not (
            self.offline and "ERR_INTERNET_DISCONNECTED" in message.text
        ):
            self.problems["console"].append(f"{message.text} ({message.location.get('url')})")

    def open(self, hash_: str = "") -> Explorer:
        self.page.goto(f"{self.base_url}{PAGE}{'#' + hash_ if hash_ else ''}")
        self.page.wait_for_selector(READY, timeout=START_TIMEOUT)
        self.first_view = (self.page.input_value("#explorer-input"), self.shown())
        return self

    def enter(self, input_text: str, layers: list[str]) -> str:
        """Fill the form as a reader would; return what the result region shows."""
        self.page.fill("#explorer-input", input_text)
        self.page.fill("#explorer-layers", "\n".join(layers))
        self.page.wait_for_function(
            "expected => location.hash === expected", arg="#" + fragment(input_text, layers)
        )
        return self.shown()

    def shown(self) -> str:
        """What the result region shows, once it shows the form's text (it is traced in a
        worker: the region is aria-busy until then)."""
        self.page.wait_for_selector("#explorer-result:not([aria-busy])", state="attached")
        result = self.page.locator("#explorer-result")
        table = result.locator("pre.explorer-table")
        if table.count():
            return table.text_content()
        return result.locator(".explorer-error-line").text_content()

    def close(self) -> None:
        self.context.close()
        assert not self.problems["console"], f"console errors: {self.problems['console']}"
        assert not self.problems["external"], (
            f"requests to other hosts: {self.problems['external']}"
        )
        assert not self.problems["failed"], f"failed requests: {self.problems['failed']}"


@pytest.fixture(scope="module")
def explorer(browser, base_url):
    """One explorer page for the tests that only use its form (Pyodide starts once)."""
    opened = Explorer(browser, base_url).open()
    yield opened
    opened.close()


def test_first_view_is_the_weather_model_as_the_command_prints_it(explorer):
    assert explorer.first_view == (WEATHER[0], command(WEATHER[0], list(WEATHER[1])))
    assert explorer.page.locator("#explorer-result").get_attribute("aria-live") == "polite"


def test_typing_a_stack_shows_its_table(explorer):
    page = explorer.page
    page.fill("#explorer-input", "")
    page.locator("#explorer-input").press_sequentially("2,5,3")
    page.fill("#explorer-layers", "")
    page.locator("#explorer-layers").press_sequentially(
        "LSTM(4, return_sequences=True)\nLSTM(8)\nDense(1)"
    )
    assert explorer.shown() == command(
        "2,5,3", ["LSTM(4, return_sequences=True)", "LSTM(8)", "Dense(1)"]
    )
    assert page.evaluate("location.hash") == "#" + fragment(
        "2,5,3", ["LSTM(4, return_sequences=True)", "LSTM(8)", "Dense(1)"]
    )


def test_the_page_prints_what_the_command_prints(explorer):
    stacks = _suite_cases()
    assert len(stacks) >= 20
    differ, errors = [], 0
    for input_text, layers in stacks:
        expected = command(input_text, layers)
        errors += expected.startswith("rnnshape: error:")
        shown = explorer.enter(input_text, layers)
        if shown != expected:
            differ.append((input_text, layers, shown, expected))
    assert not differ, differ
    assert 10 <= errors <= len(stacks) - 10, "want both valid and invalid stacks"


def test_an_invalid_stack_shows_the_error_and_a_fix_that_fixes_it(explorer):
    page = explorer.page
    shown = explorer.enter("2,5,3", ["LSTM(4)", "LSTM(8)", "Dense(1)"])
    assert shown == command("2,5,3", ["LSTM(4)", "LSTM(8)", "Dense(1)"])
    fix = page.locator("#explorer-fix")
    assert fix.is_visible()
    assert "return_sequences=True" in fix.text_content()
    fix.focus()  # with the keyboard alone
    page.keyboard.press("Enter")
    fixed = ["LSTM(4, return_sequences=True)", "LSTM(8)", "Dense(1)"]
    assert page.input_value("#explorer-layers") == "\n".join(fixed)
    assert explorer.shown() == command("2,5,3", fixed)
    assert page.locator("#explorer-fix").count() == 0


def test_the_fix_reaches_inside_bidirectional(explorer):
    explorer.enter("2,7,3", ["Bidirectional(GRU(4))", "GRU(8)"])
    explorer.page.click("#explorer-fix")
    fixed = ["Bidirectional(GRU(4, return_sequences=True))", "GRU(8)"]
    assert explorer.shown() == command("2,7,3", fixed)


def test_the_examples_menu_loads_an_example(explorer):
    page = explorer.page
    labels = page.locator("#explorer-example option").all_text_contents()
    assert len(labels) >= 9, labels  # the course model and one per Check yourself block
    page.select_option("#explorer-example", index=len(labels) - 1)
    shown = explorer.shown()
    input_text = page.input_value("#explorer-input")
    layers = page.input_value("#explorer-layers").splitlines()
    assert " → ".join(layers) in labels[-1]
    assert shown == command(input_text, layers)
    assert page.evaluate("location.hash") == "#" + fragment(input_text, layers)


class _Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "explorer-link" in (attrs.get("class") or "").split():
            self.hrefs.append(attrs["href"])


def _check_yourself_links() -> list[tuple[str, str]]:
    links = []
    for page in sorted(site_dir().rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        if "Check yourself" not in text:
            continue
        parser = _Links()
        parser.feed(text)
        links += [(page.relative_to(site_dir()).as_posix(), h) for h in parser.hrefs]
    return links


def test_a_shared_link_restores_the_stack(browser, base_url):
    layers = ["Bidirectional(LSTM(4, return_sequences=True), merge_mode='sum')", "Dense(2)"]
    visit = Explorer(browser, base_url)
    try:
        visit.open(fragment("None,7,3", layers))
        page = visit.page
        assert page.input_value("#explorer-input") == "None,7,3"
        assert page.input_value("#explorer-layers") == "\n".join(layers)
        assert visit.shown() == command("None,7,3", layers)
    finally:
        visit.close()


def test_what_is_typed_while_the_runtime_loads_is_traced_once_it_runs(browser, base_url):
    """The form answers from the start: the runtime loads in a worker, the page never waits."""
    visit = Explorer(browser, base_url)
    held = []  # the wheel's request, answered only once the reader has typed
    try:
        visit.context.route("**/rnnshape_docs.whl", lambda route: held.append(route))
        visit.page.goto(f"{base_url}{PAGE}")
        for _ in range(600):  # the worker asks for the wheel as it starts
            if held:
                break
            visit.page.wait_for_timeout(50)
        assert visit.page.get_attribute("#explorer", "data-state") == "loading"
        layers = ["GRU(8, return_sequences=True)", "Dense(2)"]
        visit.page.fill("#explorer-input", "1,7,3")
        visit.page.fill("#explorer-layers", "\n".join(layers))
        (wheel,) = held
        wheel.continue_()
        visit.page.wait_for_selector(READY, timeout=START_TIMEOUT)
        assert visit.shown() == command("1,7,3", layers)
    finally:
        visit.close()


def test_every_check_yourself_block_opens_its_stack(explorer):
    """Each chapter's "Open in the explorer" link shows its stack, as the command prints it.

    (The first link is followed from its chapter, a fresh start of the explorer; the others
    are opened on the running explorer, which follows a new fragment as a link would.)
    """
    links = _check_yourself_links()
    pages_with_block = {
        p.relative_to(site_dir()).as_posix()
        for p in site_dir().rglob("*.html")
        if 'id="check-yourself"' in p.read_text(encoding="utf-8")
    }
    assert pages_with_block
    assert {p for p, _ in links} == pages_with_block
    page = explorer.page
    for page_path, href in links:
        url = urlsplit(href)
        assert url.path.endswith(PAGE.rsplit("/", 1)[-1]), href
        page.goto(
            f"{explorer.base_url}{posixpath.normpath(posixpath.join(posixpath.dirname(page_path), href))}"
        )
        input_text, layers = from_fragment(url.fragment)
        page.wait_for_function(
            "layers => document.querySelector('#explorer-layers').value === layers",
            arg="\n".join(layers),
        )
        assert explorer.shown() == command(input_text, layers), href


def test_a_check_yourself_link_followed_from_its_chapter(browser, base_url):
    page_path, href = _check_yourself_links()[0]
    visit = Explorer(browser, base_url)
    try:
        visit.page.goto(base_url + page_path)
        # The chapter's own requests (the favicon comes after "load") finish first: leaving a
        # page aborts what it still loads, which a reader never sees and is no failure.
        visit.page.wait_for_load_state("networkidle")
        visit.page.click(f"a.explorer-link[href='{href}']")
        visit.page.wait_for_selector(READY, timeout=START_TIMEOUT)
        assert visit.shown() == command(*from_fragment(urlsplit(href).fragment))
    finally:
        visit.close()


def test_the_runtime_comes_from_the_site_and_runs_off_the_main_thread(browser, base_url):
    """Pyodide and the wheel are fetched by the explorer's worker, from the site itself.

    The requests a worker makes are seen here as the page's are (so the tests' rule "no
    request to another host" covers them), and while the runtime starts the page keeps
    answering: no task blocks its main thread for long.
    """
    visit = Explorer(browser, base_url)
    try:
        visit.page.add_init_script(_LONG_TASKS)
        visit.open()
        fetched = {posixpath.basename(urlsplit(r.url).path): r for r in visit.requests}
        for name in ("explorer-worker.js", "pyodide.asm.wasm", "python_stdlib.zip"):
            assert name in fetched, sorted(fetched)
            assert urlsplit(fetched[name].url).netloc == visit.local
        assert "rnnshape_docs.whl" in fetched
        longest = visit.page.evaluate("Math.max(0, ...window.__longTasks)")
        # Before the worker, starting Pyodide held the main thread for 2-8 s at a time.
        assert longest < 1000, f"the main thread was blocked for {longest:.0f} ms"
    finally:
        visit.close()


_LONG_TASKS = """
window.__longTasks = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__longTasks.push(entry.duration);
}).observe({ type: "longtask", buffered: true });
"""


def test_other_pages_load_nothing_of_the_explorer(browser, base_url):
    visit = Explorer(browser, base_url)
    try:
        visit.page.goto(base_url + "chapters/03-stacking.html", wait_until="networkidle")
        loaded = [r.url for r in visit.requests if "/explorer/" in r.url or "pyodide" in r.url]
        assert not loaded, loaded
    finally:
        visit.close()


def _set_mode(page, mode: str) -> None:
    """The theme's light/dark switch, as its button sets it."""
    page.emulate_media(color_scheme=mode)
    page.evaluate(
        "mode => { document.documentElement.dataset.theme = mode;"
        " document.documentElement.dataset.mode = mode; localStorage.setItem('mode', mode); }",
        mode,
    )
    # The theme's buttons fade to the new colours (Bootstrap: 0.15 s); axe, run in the middle
    # of a fade, measured a half-faded search button's contrast in a CI run. A fade that is
    # cancelled (restyled again) rejects `finished`: it is over too.
    page.evaluate(
        "() => Promise.all(document.getAnimations()"
        ".filter(a => a instanceof CSSTransition).map(a => a.finished.catch(() => null)))"
    )


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_axe_finds_nothing_in_either_colour_mode(explorer, axe_js, mode):
    page = explorer.page
    _set_mode(page, mode)
    violations = []
    for name, layers in (("table", list(WEATHER[1])), ("error", ["LSTM(4)", "LSTM(8)"])):
        explorer.enter("None,None,1", layers)
        page.evaluate(axe_js)
        found = page.evaluate(
            "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)"
        )
        violations += [
            (name, v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in found
            if v["impact"] in ("moderate", "serious", "critical")
        ]
        shot = report_dir() / "screenshots" / f"explorer-{name}-{mode}.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
    _set_mode(page, "light")
    assert not violations, violations


def test_axe_finds_nothing_before_the_runtime_starts(browser, base_url, axe_js):
    """The page as it is until the runtime runs (here it never does: its wheel is refused).

    The result region is empty then; an empty region must still be a valid one.
    """
    context = browser.new_context(service_workers="block")
    try:
        context.route("**/rnnshape_docs.whl", lambda route: route.abort())
        page = context.new_page()
        page.goto(f"{base_url}{PAGE}")
        page.wait_for_selector("#explorer[data-state='failed']", timeout=START_TIMEOUT)
        assert "could not start" in page.text_content("#explorer-status")
        assert "rnnshape trace" in page.text_content("#explorer-status")
        page.evaluate(axe_js)
        found = page.evaluate(
            "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)"
        )
        assert not [(v["id"], [n["target"] for n in v["nodes"]]) for v in found]
    finally:
        context.close()


def test_on_a_390_px_phone_nothing_overflows(explorer):
    page = explorer.page
    page.set_viewport_size({"width": 390, "height": 844})
    try:
        explorer.enter("2,5,3", ["LSTM(4)", "LSTM(8)"])
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        for field in ("#explorer-input", "#explorer-layers", "#explorer-fix"):
            box = page.locator(field).bounding_box()
            assert box["x"] >= 0, field
            assert box["x"] + box["width"] <= 390, field
        page.screenshot(
            path=str(report_dir() / "screenshots" / "explorer-phone.png"), full_page=True
        )
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_on_a_390_px_phone_the_result_is_a_table_of_cards(explorer, axe_js, mode):
    """Issue 27 item 6: every row's layer, input, output, params and why in view at 390 px,
    with no sideways scrolling, and axe clean in both colour modes."""
    page = explorer.page
    page.set_viewport_size({"width": 390, "height": 844})
    _set_mode(page, mode)
    try:
        layers = ["Embedding(1000, 16, mask_zero=True)", "Bidirectional(LSTM(32, return_sequences=True))", "GlobalAveragePooling1D()", "Dense(1)"]  # fmt: skip
        explorer.enter("32,None", layers)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        rows = page.locator("#explorer-result table.explorer-rows tbody tr")
        assert rows.count() == len(layers)
        for k in range(len(layers)):
            for column in ("layer", "input", "output", "params", "why"):
                cell = rows.nth(k).locator(f'td[data-label="{column}"]')
                box = cell.bounding_box()
                assert box["x"] >= 0, (k, column)
                assert box["x"] + box["width"] <= 390, (k, column)
                assert cell.evaluate("e => e.scrollWidth <= e.clientWidth"), (k, column)
        assert "mask: made here" in rows.nth(0).text_content()
        assert page.text_content("#explorer-result .explorer-totals").startswith("parameters: ")
        page.evaluate(axe_js)
        # The theme's back-to-top button shows while scrolled, mid-fade: not the explorer's
        found = page.evaluate(
            "axe.run({exclude: [['#pst-back-to-top']]}, {resultTypes: ['violations']})"
            ".then(r => r.violations)"
        )
        assert not [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in found]
        page.screenshot(
            path=str(report_dir() / "screenshots" / f"explorer-phone-table-{mode}.png"),
            full_page=True,
        )
    finally:
        _set_mode(page, "light")
        page.set_viewport_size({"width": 1280, "height": 900})


def test_the_figure_is_the_packages_own_drawing(explorer):
    """The stack figure is rnnshape_docs.svg's drawing for the room the page has."""
    svg = pytest.importorskip("rnnshape_docs.svg")
    from rnnshape_docs import trace

    layers = ["LSTM(4, return_sequences=True)", "LSTM(8)", "Dense(1)"]
    explorer.enter("2,5,3", layers)
    page = explorer.page
    width = page.evaluate("document.getElementById('explorer').clientWidth")
    expected = svg.stack_svg(trace(layers, "2,5,3"), width=width)
    src = "data:image/svg+xml;charset=utf-8," + quote(expected, safe="!~*'()")
    page.wait_for_function(
        "src => document.querySelector('#explorer-figure img')?.getAttribute('src') === src",
        arg=src,
    )  # drawn after the table, from the same code
    image = page.locator("#explorer-figure img")
    assert image.is_visible()
    assert len(image.get_attribute("alt").split()) >= 3
    explorer.enter("2,5,3", ["LSTM(4)", "LSTM(8)"])
    assert page.locator("#explorer-figure").is_hidden()  # no figure of a refused stack


def _test_module(name: str):
    """A module of the test suite (its cases and fixtures are used here too)."""
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        return __import__(name)
    finally:
        sys.path.remove(str(ROOT / "tests"))


@pytest.mark.parametrize("suffix", [".keras", ".json"])
def test_a_model_file_is_traced_in_the_page_and_never_uploaded(explorer, tmp_path, suffix):
    files = _test_module("test_model_files")  # configs written as Keras 3 writes them
    config = json.dumps(files.ENCODER_DECODER).encode()
    path = tmp_path / f"encoder-decoder{suffix}"
    path.write_bytes(files.archive({"config.json": config}) if suffix == ".keras" else config)
    expected = subprocess.run(
        [sys.executable, "-m", "rnnshape_docs", "trace", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.rstrip("\n")
    page = explorer.page
    explorer.enter("2,5,3", ["LSTM(4)"])  # something else on show first
    before = len(explorer.requests)
    page.set_input_files("#explorer-file", str(path))
    page.wait_for_function(
        "() => document.querySelector('#explorer-result pre')?.textContent.includes('encoder')"
    )
    assert explorer.shown() == expected
    sent = explorer.requests[before:]
    assert not sent, [f"{r.method} {r.url}" for r in sent]  # read in the page, nothing sent


def test_it_keeps_working_with_the_network_cut(explorer):
    explorer.offline = True
    explorer.context.set_offline(True)
    try:
        layers = ["GRU(8)", "Dense(2)"]
        assert explorer.enter("1,7,3", layers) == command("1,7,3", layers)
        explorer.page.click("#explorer-layers")
        explorer.page.keyboard.press("End")
        explorer.page.keyboard.type("\nLSTM(3)")
        assert explorer.shown() == command("1,7,3", [*layers, "LSTM(3)"])
    finally:
        explorer.context.set_offline(False)


def test_the_wheel_ships_every_module_compiled_for_pyodides_python():
    """docs/_ext/pyodide_bytecode.py: a pyc beside each module, for the Pyodide shipped.

    (The build itself imports the package from these pycs in that Pyodide with compiling
    from source forbidden; this checks that what the site serves is that wheel.)
    """
    import importlib.util
    import zipfile

    static = site_dir() / "_static" / "explorer"
    (lock,) = static.glob("pyodide-*/pyodide-lock.json")
    major, minor, *_ = json.loads(lock.read_text())["info"]["python"].split(".")
    with zipfile.ZipFile(static / "rnnshape_docs.whl") as wheel:
        names = set(wheel.namelist())
        sources = sorted(n for n in names if n.endswith(".py"))
        assert len(sources) > 20, sources
        for source in sources:
            folder, _, module = source.rpartition("/")
            pyc = f"{folder}/__pycache__/{module[:-3]}.cpython-{major}{minor}.pyc"
            assert pyc in names, f"{source} has no {pyc}"
            header = wheel.read(pyc)[:8]
            assert header[:4] != importlib.util.MAGIC_NUMBER  # not this Python's: Pyodide's
            assert int.from_bytes(header[4:8], "little") == 0b01, f"{pyc}: not unchecked-hash"


def test_pyodides_stdlib_ships_the_explorers_modules_compiled():
    """docs/_ext/pyodide_bytecode.py: the modules the page imports come as pycs, the rest as
    Pyodide ships them (compiling the standard library was most of the runtime's start)."""
    import importlib.util
    import tarfile
    import zipfile

    sys.path.insert(0, str(ROOT / "docs" / "_ext"))
    try:
        import pyodide_dist
    finally:
        sys.path.remove(str(ROOT / "docs" / "_ext"))
    with tarfile.open(pyodide_dist.tarball()) as archive:
        member = archive.extractfile("package/python_stdlib.zip")
        shipped_by_pyodide = zipfile.ZipFile(io.BytesIO(member.read()))
    (served,) = (site_dir() / "_static" / "explorer").glob("pyodide-*/python_stdlib.zip")
    served = zipfile.ZipFile(served)
    originals = {info.filename: info for info in shipped_by_pyodide.infolist()}
    compiled = []
    for info in served.infolist():
        if info.filename in originals:
            assert served.read(info) == shipped_by_pyodide.read(info.filename), info.filename
            continue
        source = info.filename[:-1]
        assert info.filename.endswith(".pyc"), info.filename
        assert source in originals, info.filename
        header = served.read(info)[:8]
        assert header[:4] != importlib.util.MAGIC_NUMBER  # not this Python's: Pyodide's
        assert int.from_bytes(header[4:8], "little") == 0b01, f"{info.filename}: not unchecked-hash"
        compiled.append(source)
    # Every module is still there, once; the page's own imports among the compiled ones.
    served_modules = sorted(n.removesuffix("c") for n in served.namelist())
    assert served_modules == sorted(originals)
    for module in ("argparse.py", "gettext.py", "json/__init__.py", "zipfile/__init__.py"):
        assert module in compiled, module
    assert len(compiled) < len(originals) / 2  # only what the page uses
