"""How fast the book builds and how heavy the site is (`nox -s bench`).

Prints the numbers and writes them to build/bench/bench.json. Nothing here asserts a
time: the targets are printed next to the measurements.

The builds run on a copy of docs/ and rnnshape_docs/ (build/bench/src) so that the edits
the benchmark makes never touch the checkout:

1. cold build, empty execution cache; its floor is the sum, over the pages executed, of
   jupyter-cache's recorded execution time (kernel start, `import keras`, every cell),
   divided by the cores the build could use;
2. Sphinx's no-op rebuild (nothing changed);
3. rebuild after a prose-only edit of one page (nothing should re-execute);
4. rebuild after an edit to rnnshape_docs (every page re-executes: the cache is keyed on
   the helpers' hash);
5. `rnnshape trace` latency next to `python -c "import keras"`;
   `rnnshape trace FILE` of a generated 200-layer functional model (JSON and .keras), in a
   subprocess and in-process, and the heavy modules that command imports (none);
6. the built site: total size, the heaviest page with everything it loads, the largest
   figure; Lighthouse performance and accessibility (mobile and desktop) of every page;
7. the shape explorer (tools/03-explorer.html): time from navigation to the first trace
   shown, with a cold and a warm browser cache, on a desktop profile and on a mobile one
   (Lighthouse's: 4x CPU slowdown, slow 4G); and the time one keystroke's trace takes;
   on the desktop profile also the code mode: one keystroke in a 100-line program (what
   `rnnshape check` finds, shown again), and the first result of a link to that program
   (warm cache); and that no page but the explorer loads any of its files.
"""

from __future__ import annotations

import argparse
import base64
import functools
import gzip
import http.server
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "build" / "bench"
CHROMIUM = os.environ.get("CHROME_PATH") or os.environ.get("RNNSHAPE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking"
    " --disable-component-update --no-first-run"
)
TARGETS = {
    "cold_over_floor_per_core": 1.25,
    "warm_prose_over_noop": 1.5,
    "rnnshape_trace_s": 0.3,
    "model_file_trace_s": 0.3,
    "program_check_s": 0.2,
    "lighthouse_performance": 0.95,
    "lighthouse_accessibility": 1.0,
    "explorer_first_trace_desktop_warm_s": 2.0,
    "explorer_keystroke_ms": 50,
    "explorer_code_keystroke_ms": 50,
}
EXPLORER = "tools/03-explorer.html"


def log(msg: str) -> None:
    print(f"bench: {msg}", flush=True)


# --- builds ---------------------------------------------------------------------------------


class Book:
    def __init__(self, sphinx_args: list[str]) -> None:
        self.src = WORK / "src"
        self.build = WORK / "b"
        self.html = self.build / "html"
        self.sphinx_args = [a.replace("{build}", str(self.build)) for a in sphinx_args]
        # The parallelism `nox -s docs` uses (sphinx-build -j N or -j auto), or serial.
        self.jobs = sphinx_args[sphinx_args.index("-j") + 1] if "-j" in sphinx_args else None

    def fresh_copy(self) -> None:
        shutil.rmtree(self.src, ignore_errors=True)
        shutil.rmtree(self.build, ignore_errors=True)
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
        shutil.copytree(ROOT / "docs", self.src / "docs", ignore=ignore)
        shutil.copytree(ROOT / "rnnshape_docs", self.src / "rnnshape_docs", ignore=ignore)
        for name in ("pyproject.toml", "README.md"):  # the explorer builds the package's wheel
            shutil.copy2(ROOT / name, self.src / name)

    def run(self, label: str) -> dict:
        cmd = ["sphinx-build", *self.sphinx_args, str(self.src / "docs"), str(self.html)]
        env = {**os.environ, "RNNSHAPE_BUILD_DIR": str(self.build)}
        env["RNNSHAPE_DOWNLOADS"] = str(ROOT / "build" / "downloads")  # Pyodide, fetched once
        env.pop("RNNSHAPE_CACHE_KEY", None)  # the cache must follow the helpers' hash here
        start = time.perf_counter()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
        out = proc.stdout + proc.stderr
        if proc.returncode:
            sys.stderr.write(out[-4000:])
            raise SystemExit(f"bench: the {label} build failed (exit {proc.returncode})")
        executed = [float(t) for t in re.findall(r"Executed notebook in ([\d.]+) seconds", out)]
        result = {
            "seconds": round(seconds, 2),
            "pages_executed": len(executed),
            "pages_from_cache": len(re.findall(r"Using cached notebook", out)),
        }
        log(f"{label}: {result}")
        return result

    def cache_records(self) -> list[dict]:
        from jupyter_cache import get_cache

        caches = [p for p in (self.build / "jupyter_cache").iterdir() if p.is_dir()]
        assert len(caches) == 1, caches
        return [
            {"uri": r.uri, "seconds": (r.data or {}).get("execution_seconds", 0.0)}
            for r in get_cache(caches[0]).list_cache_records()
        ]


def build_timings(book: Book) -> dict:
    book.fresh_copy()
    cold = book.run("cold build (empty cache)")
    records = book.cache_records()
    floor = sum(r["seconds"] for r in records)
    cores = os.cpu_count() or 1
    workers = {None: 1, "auto": cores}.get(book.jobs) or int(book.jobs)
    used = min(workers, len(records))
    noop = book.run("no-op rebuild")

    page = min((book.src / "docs" / "chapters").glob("*.md"))
    page.write_text(
        page.read_text(encoding="utf-8") + "\n\nA sentence the benchmark added.\n",
        encoding="utf-8",
    )
    prose = book.run(f"rebuild after a prose edit of {page.name}")

    helper = book.src / "rnnshape_docs" / "__init__.py"
    helper.write_text(helper.read_text(encoding="utf-8") + "\n# edited by the benchmark\n")
    helpers = book.run("rebuild after an edit to rnnshape_docs")

    return {
        "cold": cold,
        "floor": {
            "sum_execution_seconds": round(floor, 2),
            "pages": len(records),
            "per_page": {r["uri"].split("/docs/")[-1]: round(r["seconds"], 2) for r in records},
            "cores_available": cores,
            "cores_used": used,
            "floor_per_core_seconds": round(floor / used, 2),
        },
        "cold_over_floor_per_core": round(cold["seconds"] / (floor / used), 2) if floor else None,
        "noop": noop,
        "prose_edit": prose,
        "warm_prose_over_noop": round(prose["seconds"] / noop["seconds"], 2),
        "helper_edit": helpers,
    }


# --- the CLI ---------------------------------------------------------------------------------


def _median_run(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return round(statistics.median(times), 3)


def cli_latency(runs: int) -> dict:
    script = shutil.which("rnnshape", path=str(Path(sys.executable).parent)) or shutil.which(
        "rnnshape"
    )
    command = [script] if script else [sys.executable, "-m", "rnnshape_docs"]
    trace = [*command, "trace", "--input", "2,5,3", "LSTM(4, return_sequences=True)", "LSTM(8)"]
    result = {
        "command": " ".join([Path(command[0]).name, *command[1:], *trace[len(command) :]])
        + " Dense(1)",
        "rnnshape_trace_s": _median_run([*trace, "Dense(1)"], runs),
        "python_startup_s": _median_run([sys.executable, "-c", "pass"], runs),
        "import_keras_s": _median_run([sys.executable, "-c", "import keras"], max(1, runs // 2)),
        "runs": runs,
    }
    log(f"CLI: {result}")
    return result


def _best_run(cmd: list[str], runs: int) -> tuple[float, float]:
    """Best of ``runs``: wall-clock seconds, and the CPU seconds the child used (user + system).

    The CPU time stays meaningful on a loaded machine, where the wall clock does not.
    """
    import resource

    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return round(min(walls), 3), round(min(cpus), 3)


# Packages a model file's trace must never import (TensorFlow above all: seconds to import).
HEAVY = ("tensorflow", "keras", "tf_keras", "jax", "torch", "h5py", "numpy", "matplotlib")


def model_file_latency(runs: int, n_layers: int = 200) -> dict:
    """`rnnshape trace FILE` of a generated functional model: subprocess, in-process, imports."""
    import zipfile

    from generated_model import functional_config

    from rnnshape_docs.model_files import trace_file

    config = functional_config(n_layers)
    files = {"json": WORK / f"model-{n_layers}.json", "keras": WORK / f"model-{n_layers}.keras"}
    text = json.dumps(config)
    files["json"].write_text(text, encoding="utf-8")
    with zipfile.ZipFile(files["keras"], "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("metadata.json", json.dumps({"keras_version": "3.15.1"}))
        archive.writestr("config.json", text)
    command = [sys.executable, "-m", "rnnshape_docs", "trace"]
    result: dict = {
        "layers": n_layers,
        "calls": len(trace_file(files["json"]).steps),
        "json_bytes": len(text.encode()),
        "runs": runs,
    }
    result["python_startup_s"], result["python_startup_cpu_s"] = _best_run(
        [sys.executable, "-c", "pass"], runs
    )
    for kind, path in files.items():
        wall, cpu = _best_run([*command, str(path)], runs)
        result[f"{kind}_subprocess_s"], result[f"{kind}_subprocess_cpu_s"] = wall, cpu
        in_process = []
        for _ in range(runs):
            start = time.perf_counter()
            trace_file(path)
            in_process.append(time.perf_counter() - start)
        result[f"{kind}_in_process_s"] = round(min(in_process), 4)
    # Every module the command imports, from the interpreter's own record (-X importtime).
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", *command[1:], str(files["keras"])],
        check=True,
        capture_output=True,
        text=True,
    )
    modules = [line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if "|" in line]
    modules = [m for m in modules if m != "imported package"]
    result["modules_imported"] = len(modules)
    result["heavy_modules_imported"] = sorted({m.split(".")[0] for m in modules} & set(HEAVY))
    log(f"model file: {result}")
    return result


def program_check_latency(runs: int, n_lines: int = 300) -> dict:
    """`rnnshape check FILE` of a generated training script: in-process, subprocess, imports."""
    from generated_program import program

    from rnnshape_docs.program import check_program

    text = program(n_lines)
    path = WORK / f"program-{n_lines}.py"
    path.write_text(text, encoding="utf-8")
    checked = check_program(text)
    assert not checked.errors, checked.text(200)  # the script is right: every model traced
    result: dict = {
        "lines": text.count("\n"),
        "models": sum(m.trace is not None for m in checked.models),
        "runs": runs,
    }
    in_process = []
    for _ in range(runs):
        start = time.perf_counter()
        check_program(text)
        in_process.append(time.perf_counter() - start)
    result["in_process_s"] = round(min(in_process), 4)
    command = [sys.executable, "-m", "rnnshape_docs", "check", str(path)]
    result["subprocess_s"], result["subprocess_cpu_s"] = _best_run(command, runs)
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", *command[1:]],
        check=True,
        capture_output=True,
        text=True,
    )
    modules = [line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if "|" in line]
    result["heavy_modules_imported"] = sorted({m.split(".")[0] for m in modules} & set(HEAVY))
    log(f"program check: {result}")
    return result


# --- the site --------------------------------------------------------------------------------


class _Host(http.server.SimpleHTTPRequestHandler):
    """A static host as the book would have (GitHub Pages, Read the Docs): text is gzipped."""

    COMPRESSIBLE = (
        *(".html", ".css", ".js", ".mjs", ".svg", ".json", ".txt", ".ipynb", ".map", ".inv"),
        ".wasm",  # Pyodide's runtime, on the explorer page
    )
    _gzipped: ClassVar[dict[str, bytes]] = {}

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants_gzip and path.is_file() and path.suffix in self.COMPRESSIBLE):
            return super().do_GET()
        key = str(path)
        if key not in self._gzipped:
            self._gzipped[key] = gzip.compress(path.read_bytes(), mtime=0)
        body = self._gzipped[key]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        self.wfile.write(body)


def serve(root: Path):
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Host, directory=str(root))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def pages_of(html: Path) -> list[str]:
    skip = ("_static/", "_sources/", "_images/", "_downloads/")
    return sorted(
        p.relative_to(html).as_posix()
        for p in html.rglob("*.html")
        if not p.relative_to(html).as_posix().startswith(skip)
    )


def site_weight(html: Path, base: str) -> dict:
    from playwright.sync_api import sync_playwright

    total = sum(p.stat().st_size for p in html.rglob("*") if p.is_file())
    pages = {}
    figures = []
    explorer_files: list[str] = []  # any of the explorer's files loaded by another page
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        for path in pages_of(html):
            page = browser.new_context().new_page()  # a fresh cache for every page
            sizes: dict[str, int] = {}
            page.on(
                "requestfinished",
                lambda r, s=sizes: s.__setitem__(r.url, r.sizes()["responseBodySize"]),
            )
            page.goto(base + path, wait_until="networkidle")
            pages[path] = {"bytes": sum(sizes.values()), "requests": len(sizes)}
            if path != EXPLORER:
                explorer_files += [u for u in sizes if f"/_static/{_EXPLORER_STATIC}/" in u]
            for img in page.evaluate(
                "() => [...document.images].map(i => ({src: i.getAttribute('src'), alt: i.alt}))"
            ):
                src = img["src"] or ""
                if src.startswith("data:"):
                    size = (
                        len(base64.b64decode(src.split(",", 1)[1]))
                        if ";base64," in src
                        else len(src)
                    )
                    where = "inline data URI"
                else:
                    file = (html / Path(path).parent / src.split("?")[0]).resolve()
                    size = file.stat().st_size if file.is_file() else 0
                    where = src
                figures.append(
                    {"page": path, "bytes": size, "src": where[:80], "alt": img["alt"][:80]}
                )
            page.context.close()
        browser.close()
    heaviest = max(pages.items(), key=lambda kv: kv[1]["bytes"])
    result = {
        "total_bytes": total,
        "pages": len(pages),
        "heaviest_page": {"page": heaviest[0], **heaviest[1]},
        "largest_figure": max(figures, key=lambda f: f["bytes"]) if figures else None,
        "per_page": pages,
        "explorer_files_on_other_pages": explorer_files,
    }
    log(
        f"site: {total / 1e6:.2f} MB in all; heaviest page {heaviest[0]} "
        f"{heaviest[1]['bytes'] / 1e3:.0f} kB in {heaviest[1]['requests']} requests"
    )
    return result


def _lighthouse_run(binary: Path, url: str, report: Path, flags: list[str]) -> tuple[dict, Path]:
    """One Lighthouse run: its scores, and the report it wrote (beside ``report``)."""
    out = report.with_name(f"{report.stem}.{os.urandom(4).hex()}.json")
    subprocess.run(
        [
            str(binary),
            url,
            "--only-categories=performance,accessibility",
            "--output=json",
            f"--output-path={out}",
            f"--chrome-flags={CHROMIUM_FLAGS}",
            "--quiet",
            *flags,
        ],
        check=True,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
    )
    data = json.loads(out.read_text(encoding="utf-8"))
    return {
        **{k: v["score"] for k, v in data["categories"].items()},
        "first_contentful_paint_s": round(
            data["audits"]["first-contentful-paint"]["numericValue"] / 1000, 2
        ),
        "largest_contentful_paint_s": round(
            data["audits"]["largest-contentful-paint"]["numericValue"] / 1000, 2
        ),
    }, out


# Lighthouse and every package it pulls in, at the exact versions and integrity hashes of
# benchmarks/lighthouse/package-lock.json (written without registry URLs).
LIGHTHOUSE = ROOT / "benchmarks" / "lighthouse"


def _install_lighthouse(npm: str) -> Path:
    """`npm ci` of benchmarks/lighthouse into build/bench/node, again whenever the lock
    changed; returns the lighthouse command."""
    prefix = WORK / "node"
    binary = prefix / "node_modules" / ".bin" / "lighthouse"
    lock = (LIGHTHOUSE / "package-lock.json").read_bytes()
    installed = prefix / "package-lock.json"
    if binary.exists() and installed.is_file() and installed.read_bytes() == lock:
        return binary
    shutil.rmtree(prefix, ignore_errors=True)
    prefix.mkdir(parents=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(LIGHTHOUSE / name, prefix / name)
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        check=False,
        cwd=prefix,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"bench: npm ci of benchmarks/lighthouse failed: {done.stderr.strip()}")
    return binary


def lighthouse(
    html: Path,
    base: str,
    limit: int | None,
    only: list[str] | None = None,
    runs: int = 1,
    only_presets: list[str] | None = None,
) -> dict:
    npm = shutil.which("npm")
    if not npm:
        log("no npm: Lighthouse skipped")
        return {"skipped": "npm not found"}
    binary = _install_lighthouse(npm)
    # Every page of the book (the chapters and the pages around them), not Sphinx's own
    # genindex and search pages.
    book = [p for p in pages_of(html) if p not in ("genindex.html", "search.html")][:limit]
    if only:
        if unknown := sorted(set(only) - set(book)):
            raise SystemExit(f"bench: no such page of the book: {', '.join(unknown)}")
        book = [p for p in book if p in only]
    presets = {"mobile": [], "desktop": ["--preset=desktop"]}
    presets = {name: flags for name, flags in presets.items() if name in (only_presets or presets)}
    scores: dict = {name: {} for name in presets}
    for path in book:
        for name, flags in presets.items():
            report = WORK / "lighthouse" / f"{path.replace('/', '_')}.{name}.json"
            report.parent.mkdir(parents=True, exist_ok=True)
            # Lighthouse's scores move by a few hundredths from run to run on a busy machine
            # (it simulates the throttling from the timings it observes): with several runs,
            # the one with the median performance is kept, and every run's score is listed.
            found = [_lighthouse_run(binary, base + path, report, flags) for _ in range(runs)]
            found.sort(key=lambda run: run[0]["performance"])
            kept, kept_report = found[len(found) // 2]
            kept_report.replace(report)
            for _, other in found:
                other.unlink(missing_ok=True)
            scores[name][path] = kept
            if runs > 1:
                kept["performance_runs"] = [run["performance"] for run, _ in found]
            log(f"Lighthouse {name} {path}: {scores[name][path]}")
    return {
        "note": "mobile is Lighthouse's default (simulated slow 4G, 4x CPU slowdown)",
        "scores": scores,
        **{
            f"min_{cat}_{name}": min((s[cat] for s in scores[name].values()), default=None)
            for name in presets
            for cat in ("performance", "accessibility")
        },
    }


# --- the shape explorer -------------------------------------------------------------------
# Lighthouse's mobile profile, applied through the DevTools protocol: slow 4G and a 4x
# slower CPU. The desktop profile is the machine as it is. Chromium slows only the page's
# own thread ("Emulation.setCPUThrottlingRate": "Operation is only supported for pages, not
# workers"), and the explorer's Python runs in a worker: on the mobile profile that part runs
# at the machine's speed, so its times undercount a phone's.
_MOBILE_CPU_NOTE = "4x CPU slowdown on the page's thread only: Chromium cannot slow a worker"
_MOBILE_NETWORK = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6 * 1024 * 1024 / 8,
    "uploadThroughput": 750 * 1024 / 8,
}


def _descendants_cpu_s() -> float | None:
    """CPU seconds used so far by this process's descendants (the browser), Linux only."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    parent, used = {}, {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parent[int(entry.name)] = int(fields[1])
        used[int(entry.name)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    me, total = os.getpid(), 0.0
    for pid, seconds in used.items():
        ancestor = parent.get(pid)
        while ancestor and ancestor != me:
            ancestor = parent.get(ancestor)
        total += seconds if ancestor == me else 0.0
    return total


def _first_trace_s(page, base: str, url: str | None = None) -> tuple[float, float | None]:
    """Seconds from navigation to the first trace shown, and the browser's CPU seconds.

    On a shared machine the wall time grows with the load; the CPU time much less so.
    """
    before = _descendants_cpu_s()
    page.goto(url or base + EXPLORER)
    page.wait_for_selector("#explorer[data-state='ready']", timeout=300_000)
    wall = round(page.evaluate("window.__explorerTimings.firstTrace") / 1000, 2)
    after = _descendants_cpu_s()
    return wall, None if before is None else round(after - before, 2)


_KEY_GAP_MS = 125
_EXPLORER_STATIC = "explorer"  # the explorer's script, worker and runtime: _static/explorer/


def _code_mode_timings(page, base: str, keystrokes: int = 20, lines: int = 100) -> dict:
    """The code mode on a generated program: one keystroke's check, and a link's first result.

    The keys go at the end of the program (a name typed, then erased: each text a valid
    program), at a fast typist's pace, as for the stack mode.
    """
    from generated_program import program

    from rnnshape_docs.explorer import code_fragment

    text = program(lines)
    link = base + EXPLORER + "#" + code_fragment(text)
    warm = [_first_trace_s(page, base, link)[0] for _ in range(3)]  # the cache is warm by now
    page.wait_for_selector("#explorer-result:not([aria-busy])", state="attached")
    field = page.locator("#explorer-code")
    field.click()
    page.keyboard.press("Control+End")
    before = page.evaluate("window.__explorerTimings.traces.length")
    for i in range(keystrokes):
        page.keyboard.press("Backspace" if i % 2 else "x")
        page.wait_for_timeout(_KEY_GAP_MS)
    page.wait_for_selector("#explorer-result:not([aria-busy])", state="attached")
    traces = page.evaluate("window.__explorerTimings.traces")[before:]
    return {
        "program_lines": text.count("\n"),
        "first_result_warm_s": statistics.median(warm),
        "keystroke_check_ms_median": round(statistics.median(traces), 1),
        "keystroke_check_ms_max": round(max(traces), 1),
        "keystrokes": len(traces),
    }


def explorer_timings(base: str, keystrokes: int = 30) -> dict:
    """First trace (cold and warm cache) per profile, and one keystroke's trace."""
    from playwright.sync_api import sync_playwright

    # Starting Pyodide is CPU work (compiling 9.6 MB of WebAssembly, starting CPython): on a
    # shared machine the wall times scale with the load, so it is recorded next to them.
    result: dict = {"page": EXPLORER, "load_average_1min_before": round(os.getloadavg()[0], 1)}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        for profile in ("desktop", "mobile"):
            mobile = profile == "mobile"
            context = browser.new_context(
                viewport={"width": 390, "height": 844}
                if mobile
                else {"width": 1280, "height": 900},
                is_mobile=mobile,
                has_touch=mobile,
            )
            page = context.new_page()
            if mobile:
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.send("Network.emulateNetworkConditions", _MOBILE_NETWORK)
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
            cold, cold_cpu = _first_trace_s(page, base)  # a new context: an empty cache
            warm_runs = [_first_trace_s(page, base) for _ in range(3)]
            warm = statistics.median(w for w, _ in warm_runs)
            warm_cpu = None if cold_cpu is None else statistics.median(c for _, c in warm_runs)
            field = page.locator("#explorer-layers")
            field.click()
            page.keyboard.press("End")
            before = page.evaluate("window.__explorerTimings.traces.length")
            # At a fast typist's pace (8 keys a second): the trace runs in a worker, and a
            # burst of synthetic keys faster than anyone types would time the queue of input
            # events ahead of the worker's answers, not the trace.
            for i in range(keystrokes):  # "Dense(1)" -> "Dense(1)4" -> "Dense(1)" -> ...
                page.keyboard.press("Backspace" if i % 2 else "4")
                page.wait_for_timeout(_KEY_GAP_MS)
            page.wait_for_timeout(500)  # the last figure, drawn after its table
            traces = page.evaluate("window.__explorerTimings.traces")[before:]
            # And a burst: the newest text of 10 keys pressed at once is traced once, soon.
            burst_from = len(traces) + before
            for i in range(10):
                page.keyboard.press("Backspace" if i % 2 else "4")
            page.wait_for_selector("#explorer-result:not([aria-busy])", state="attached")
            burst = page.evaluate("window.__explorerTimings.traces")[burst_from:]
            figures = page.evaluate("window.__explorerTimings.figures")
            result[profile] = {
                "first_trace_cold_s": cold,
                "first_trace_warm_s": warm,
                "browser_cpu_cold_s": cold_cpu,
                "browser_cpu_warm_s": warm_cpu,
                "keystroke_trace_ms_median": round(statistics.median(traces), 1),
                "keystroke_trace_ms_max": round(max(traces), 1),
                "keystrokes": len(traces),
                **({"note": _MOBILE_CPU_NOTE} if mobile else {}),
                **({} if mobile else {"code": _code_mode_timings(page, base)}),
                "burst_of_10_keys_traces": len(burst),
                "burst_last_trace_ms": round(burst[-1], 1) if burst else None,
                # drawn in a task after the table; the first one imports the SVG writer
                "figure_ms_median": round(statistics.median(figures[1:]), 1)
                if len(figures) > 1
                else None,
            }
            log(f"explorer {profile}: {result[profile]}")
            context.close()
        browser.close()
    return result


# --- main -------------------------------------------------------------------------------------


def site_timings(html: Path, opts: argparse.Namespace) -> dict:
    """The built site's weight, the explorer's timings and Lighthouse, served from ``html``."""
    if not (html / "index.html").is_file():
        raise SystemExit(f"bench: no built book at {html} (run `nox -s docs` first)")
    results = {}
    server, base = serve(html)
    try:
        results["site"] = site_weight(html, base)
        if not opts.no_explorer:
            results["explorer"] = explorer_timings(base)
        if not opts.no_lighthouse:
            results["lighthouse"] = lighthouse(
                html, base, opts.lighthouse_pages, opts.page, opts.lighthouse_runs, opts.preset
            )
    finally:
        server.shutdown()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sphinx-args", required=True, help="JSON list; {build} is replaced")
    parser.add_argument("--skip-builds", action="store_true", help="reuse build/bench/b")
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument("--lighthouse-pages", type=int, default=None)
    parser.add_argument(
        "--lighthouse-runs",
        type=int,
        default=1,
        metavar="N",
        help="run Lighthouse N times a page and keep the median (its scores move run to run)",
    )
    parser.add_argument(
        "--preset",
        action="append",
        choices=["mobile", "desktop"],
        help="Lighthouse only this profile; repeat for both (the default)",
    )
    parser.add_argument(
        "--page",
        action="append",
        metavar="PATH",
        help="Lighthouse only this page (e.g. tools/03-explorer.html); repeat for more",
    )
    parser.add_argument("--no-explorer", action="store_true", help="skip the explorer timings")
    parser.add_argument("--runs", type=int, default=5, help="runs per CLI timing")
    parser.add_argument(
        "--only",
        choices=["trace", "site"],
        help="trace: only the CLI timings and the generated model file (no builds, no site); "
        "site: only the site's weight, the explorer and Lighthouse, on the book `nox -s docs` "
        "built (build/html); either updates those entries of bench.json",
    )
    opts = parser.parse_args()

    WORK.mkdir(parents=True, exist_ok=True)
    if opts.only == "trace":
        out = WORK / "bench.json"
        results = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
        results["targets"] = TARGETS
        results["cli"] = cli_latency(opts.runs)
        results["model_file"] = model_file_latency(opts.runs)
        results["program_check"] = program_check_latency(opts.runs)
        out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        keys = ("cli", "model_file", "program_check")
        print(summary({k: results[k] for k in keys}))
        log(f"written to {out}")
        return
    if opts.only == "site":
        out = WORK / "bench.json"
        results = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
        results["targets"] = TARGETS
        results.update(site_timings(ROOT / "build" / "html", opts))
        out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        print(summary({k: results[k] for k in ("site", "explorer", "lighthouse") if k in results}))
        log(f"written to {out}")
        return
    book = Book(json.loads(opts.sphinx_args))
    results: dict = {"sphinx_args": book.sphinx_args, "targets": TARGETS}
    if not opts.skip_builds:
        results["builds"] = build_timings(book)
    results["cli"] = cli_latency(opts.runs)
    results["model_file"] = model_file_latency(opts.runs)
    results["program_check"] = program_check_latency(opts.runs)
    results.update(site_timings(book.html, opts))

    out = WORK / "bench.json"
    out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(summary(results))
    log(f"written to {out}")


def summary(r: dict) -> str:
    lines = ["", "== rnnshape bench =="]
    if b := r.get("builds"):
        f = b["floor"]
        lines += [
            f"cold build             {b['cold']['seconds']:8.1f} s  ({b['cold']['pages_executed']} pages executed)",
            f"  floor                {f['sum_execution_seconds']:8.1f} s  (sum of per-page execution, {f['pages']} pages)",
            f"  floor / cores used   {f['floor_per_core_seconds']:8.1f} s  ({f['cores_used']} of {f['cores_available']} cores)",
            f"  cold / that          {b['cold_over_floor_per_core']:8.2f}    (target <= {TARGETS['cold_over_floor_per_core']})",
            f"no-op rebuild          {b['noop']['seconds']:8.1f} s",
            f"prose edit rebuild     {b['prose_edit']['seconds']:8.1f} s  ({b['prose_edit']['pages_executed']} pages executed)",
            f"  prose / no-op        {b['warm_prose_over_noop']:8.2f}    (target <= {TARGETS['warm_prose_over_noop']})",
            f"helpers edit rebuild   {b['helper_edit']['seconds']:8.1f} s  ({b['helper_edit']['pages_executed']} pages executed)",
        ]
    if c := r.get("cli"):
        lines += [
            f"rnnshape trace         {c['rnnshape_trace_s']:8.3f} s  (target < {TARGETS['rnnshape_trace_s']}; python startup {c['python_startup_s']:.3f} s)",
            f'python -c "import keras" {c["import_keras_s"]:6.3f} s',
        ]
    if m := r.get("model_file"):
        target = TARGETS["model_file_trace_s"]
        heavy = ", ".join(m["heavy_modules_imported"]) or "none"
        what = f"{m['layers']}-layer functional model's JSON, {m['json_bytes'] / 1e3:.0f} kB"
        keras_in_process = f"{m['keras_in_process_s']:.4f} s; {m['calls']} layer calls traced"
        lines += [
            f"rnnshape trace FILE    {m['json_subprocess_s']:8.3f} s  (best of {m['runs']}, a "
            + f"{what}; target < {target})",
            f"  CPU time             {m['json_subprocess_cpu_s']:8.3f} s  (.keras "
            + f"{m['keras_subprocess_cpu_s']:.3f} s; python startup {m['python_startup_cpu_s']:.3f} s)",
            f"  same, .keras archive {m['keras_subprocess_s']:8.3f} s",
            f"  in-process           {m['json_in_process_s']:8.4f} s  (JSON; .keras {keras_in_process})",
            f"  modules imported     {m['modules_imported']:8d}    (heavy ones: {heavy})",
        ]
    if p := r.get("program_check"):
        heavy = ", ".join(p["heavy_modules_imported"]) or "none"
        lines += [
            f"rnnshape check FILE    {p['in_process_s']:8.4f} s  (in-process, best of {p['runs']}: "
            + f"a generated {p['lines']}-line script, {p['models']} models traced; "
            + f"target < {TARGETS['program_check_s']})",
            f"  subprocess           {p['subprocess_s']:8.3f} s  (CPU {p['subprocess_cpu_s']:.3f} s;"
            + f" heavy modules imported: {heavy})",
        ]
    if "site" not in r:
        return "\n".join(lines)
    s = r["site"]
    h, fig = s["heaviest_page"], s["largest_figure"]
    lines += [
        f"site                   {s['total_bytes'] / 1e6:8.2f} MB  ({s['pages']} pages)",
        f"  heaviest page        {h['bytes'] / 1e3:8.0f} kB  {h['page']} ({h['requests']} requests)",
    ]
    if fig:
        lines.append(
            f"  largest figure       {fig['bytes'] / 1e3:8.0f} kB  {fig['page']} ({fig['src']})"
        )
    for profile, e in (r.get("explorer") or {}).items():
        if not isinstance(e, dict):
            continue
        lines.append(
            f"explorer {profile:<8} first trace cold {e['first_trace_cold_s']:.2f} s,"
            f" warm {e['first_trace_warm_s']:.2f} s"
            f" (browser CPU {e['browser_cpu_cold_s']} s, {e['browser_cpu_warm_s']} s)"
            f" (target desktop warm <= {TARGETS['explorer_first_trace_desktop_warm_s']} s);"
            f" keystroke {e['keystroke_trace_ms_median']:.1f} ms median,"
            f" {e['keystroke_trace_ms_max']:.1f} max (target < {TARGETS['explorer_keystroke_ms']} ms);"
            f" a burst of 10 keys: {e['burst_of_10_keys_traces']} traces,"
            f" the last {e['burst_last_trace_ms']} ms" + (f" ({e['note']})" if "note" in e else "")
        )
        if code := e.get("code"):
            lines.append(
                f"explorer {profile:<8} code mode, {code['program_lines']}-line program:"
                f" keystroke {code['keystroke_check_ms_median']:.1f} ms median,"
                f" {code['keystroke_check_ms_max']:.1f} max"
                f" (target < {TARGETS['explorer_code_keystroke_ms']} ms);"
                f" first result of its link, warm {code['first_result_warm_s']:.2f} s"
                f" (target <= {TARGETS['explorer_first_trace_desktop_warm_s']} s)"
            )
    if site := r.get("site"):
        others = site.get("explorer_files_on_other_pages", [])
        lines.append(
            f"  other pages loading the explorer's files: {len(others)} (target 0) {others[:3]}"
        )
    if explorer := r.get("explorer"):
        lines.append(f"  (machine load average before: {explorer['load_average_1min_before']})")
    if (lh := r.get("lighthouse")) and "scores" in lh:
        for name, pages in lh["scores"].items():
            for page, sc in pages.items():
                lines.append(
                    f"lighthouse {name:<7} {page:<38} performance {sc['performance']:.2f}"
                    f"  accessibility {sc['accessibility']:.2f}"
                    f"  FCP {sc['first_contentful_paint_s']:.1f} s"
                    f"  LCP {sc['largest_contentful_paint_s']:.1f} s"
                    + (
                        f"  (runs: {', '.join(f'{x:.2f}' for x in sc['performance_runs'])})"
                        if "performance_runs" in sc
                        else ""
                    )
                )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
