"""Every way to build and check rnnshape, one session each (`nox -l` lists them)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
BUILD = ROOT / "build"
HTML = BUILD / "html"


def _sphinx_args(build: Path, builder: str = "html") -> list[str]:
    # sphinx-build: warnings are errors (-W) but all of them are reported (--keep-going),
    # every cross-reference must resolve (-n), and the output lives outside docs/. Pages are
    # read, and so executed, in parallel, one per core (-j auto); their kernels talk over
    # IPC, not TCP ports, so they cannot collide (docs/_ext/rnnshape_site.py).
    return [
        "-W",
        "--keep-going",
        "-n",
        "-j",
        "auto",
        "-b",
        builder,
        "-d",
        str(build / f"doctrees-{builder}") if builder != "html" else str(build / "doctrees"),
    ]


SPHINX_ARGS = _sphinx_args(BUILD)


def _install(session: nox.Session, *groups: str) -> None:
    # Editable, so the kernels executing the pages always see the current helper code.
    session.install(*nox.project.dependency_groups(PYPROJECT, *groups), "-e", ".[keras]")
    if "docs" in groups:
        # The explorer's Pyodide (npm, pinned, integrity checked) fetched with the other
        # packages, into build/downloads: the build itself then needs no network.
        session.run("python", "docs/_ext/pyodide_dist.py")


def _build_book(
    session: nox.Session,
    build: Path = BUILD,
    *args: str,
    builder: str = "html",
    source: Path = ROOT / "docs",
    **kwargs,
) -> Path:
    """Build the book into build/<builder> with the one set of sphinx-build arguments.

    `build` is the build directory (doctrees, execution cache, output); anything but the
    standard one is passed to docs/conf.py as RNNSHAPE_BUILD_DIR. `source` is the docs
    folder (a copy of the checkout's, for the benchmark's edits).
    """
    out = build / builder
    env = dict(kwargs.pop("env", None) or {})
    if build != BUILD:
        env.setdefault("RNNSHAPE_BUILD_DIR", str(build))
    session.run(
        "sphinx-build",
        *_sphinx_args(build, builder),
        str(source),
        str(out),
        *args,
        env=env,
        **kwargs,
    )
    return out


@nox.session(default=True)
def tests(session: nox.Session) -> None:
    """Unit tests, the agreement suite (rules against real Keras), the book's upstream patches."""
    _install(session, "test", "docs")  # docs: the patched MyST-NB, jupyter-cache and Sphinx
    # One worker per core (pytest-xdist); `nox -s tests -- -n 0 ...` runs in one process.
    session.run("pytest", "-n", "auto", *session.posargs)


@nox.session(name="agreement-jax", default=False)
def agreement_jax(session: nox.Session) -> None:
    """The agreement suite (the keras-marked tests) on Keras's JAX backend, jax from PyPI.

    The same tests as in `nox -s tests`, which runs them on TensorFlow; posargs go to pytest.
    """
    _install(session, "test", "jax")
    suites = sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob("tests/test_agreement*.py"))
    env = {"KERAS_BACKEND": "jax"}
    # Make sure Keras really runs on JAX, or this would quietly repeat the TensorFlow run.
    session.run(
        "python",
        "-c",
        "import keras; b = keras.backend.backend(); assert b == 'jax', b; print('Keras on', b)",
        env=env,
    )
    session.run("pytest", "-n", "auto", "-m", "keras", *suites, *session.posargs, env=env)


@nox.session(default=True)
def doctest(session: nox.Session) -> None:
    """Doctests in the package's docstrings and every >>> example in the book's pages."""
    _install(session, "test")
    session.run(
        "pytest",
        "-p",
        "no:cacheprovider",
        "--doctest-modules",
        "rnnshape_docs",
        "docs",
        *session.posargs,
    )


@nox.session(default=True)
def docs(session: nox.Session) -> None:
    """Build the book (pages execute, cached) and print where index.html is."""
    _install(session, "docs")
    _build_book(session, BUILD, *session.posargs)
    session.log(f"The book is at {HTML / 'index.html'}")
    print(HTML / "index.html")


@nox.session(name="docs-live", default=False)
def docs_live(session: nox.Session) -> None:
    """Rebuild the book on every change and serve it with live reload."""
    _install(session, "docs")
    session.install("sphinx-autobuild>=2024.4")
    session.run(
        "sphinx-autobuild",
        *SPHINX_ARGS,
        "--watch",
        "rnnshape_docs",
        "docs",
        str(HTML),
        *session.posargs,
    )


@nox.session(default=True)
def lint(session: nox.Session) -> None:
    """ruff: lint and format check."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(default=False)
def clean(session: nox.Session) -> None:
    """Remove the built book and the execution cache."""
    shutil.rmtree(BUILD, ignore_errors=True)


# --- The site as readers get it (issue 6) and the build's speed (issue 7) ------------------


def _site(session: nox.Session) -> Path:
    """The built site to check: $RNNSHAPE_SITE if set (already built), else build the book."""
    if given := os.environ.get("RNNSHAPE_SITE"):
        session.log(f"Checking the site already built at {given}")
        return Path(given).resolve()
    return _build_book(session)


@nox.session(default=False)
def browser(session: nox.Session) -> None:
    """Every page in Chromium: console, requests, images, axe (light and dark), screenshots.

    Needs Debian's Chromium (`apt-get install -y chromium`, or RNNSHAPE_CHROMIUM=<binary>).
    Builds the book first unless RNNSHAPE_SITE names a built site; posargs go to pytest.
    """
    _install(session, "docs", "browser")
    site = _site(session)
    session.run(
        "pytest",
        "-p",
        "no:cacheprovider",
        # One worker and one Chromium per core: a page's load is mostly waiting for the
        # network to go idle, and axe runs on one core. A module's tests stay on one worker
        # (some share one explorer page; tests/site/conftest.py); `-- -n 0`: one process.
        "-n",
        "auto",
        "--dist",
        "loadfile",
        "tests/site",
        *session.posargs,
        env={"RNNSHAPE_SITE": str(site), "RNNSHAPE_SITE_REPORT": str(BUILD / "site-report")},
    )
    session.log(f"Screenshots and accessibility findings: {BUILD / 'site-report'}")


@nox.session(default=False)
def linkcheck(session: nox.Session) -> None:
    """Check the book's external links (needs the network; internal ones: nox -s browser)."""
    _install(session, "docs")
    _build_book(session, BUILD, *session.posargs, builder="linkcheck")


@nox.session(default=False)
def offline(session: nox.Session) -> None:
    """Build the book from scratch inside a network namespace with no network (unshare -n).

    The environment is installed first (that needs the network); then a cold build, with
    every page executed, runs where no connection can be made. Linux only; needs root or
    unprivileged user namespaces, and `ip` (iproute2). Output in build/offline.
    """
    _install(session, "docs")
    build = BUILD / "offline"
    shutil.rmtree(build, ignore_errors=True)
    unshare = shutil.which("unshare")
    if not unshare:
        session.error("unshare (util-linux) is needed to cut the network")
    no_root = [] if os.geteuid() == 0 else ["--map-root-user"]
    # A new network namespace has only a loopback interface, and it is down: bring it up
    # (the kernels that execute the pages talk to sphinx-build over 127.0.0.1), nothing else.
    in_namespace = [unshare, "--net", *no_root, "sh", "-c", 'ip link set lo up && exec "$@"', "-"]
    probe = (
        "import socket\n"
        "server = socket.create_server(('127.0.0.1', 0))\n"
        "socket.create_connection(server.getsockname(), timeout=3).close()\n"
        "try:\n"
        "    socket.create_connection(('1.1.1.1', 443), timeout=3)\n"
        "except OSError as e:\n"
        "    print('loopback only, no network inside the namespace:', e)\n"
        "else:\n"
        "    raise SystemExit('the network is reachable: this is no offline check')\n"
    )
    session.run(*in_namespace, "python", "-c", probe, external=True)
    session.run(
        *in_namespace,
        "sphinx-build",
        *_sphinx_args(build),
        "docs",
        str(build / "html"),
        *session.posargs,
        env={"RNNSHAPE_BUILD_DIR": str(build)},
        external=True,
    )
    session.log(f"Built with no network: {build / 'html' / 'index.html'}")


# Pages whose content is the build itself (execution times and dates): not compared.
NOT_REPRODUCIBLE = {"appendix/execution-statistics.html"}


def _tree_digests(root: Path) -> dict[str, str]:
    import hashlib

    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@nox.session(default=False)
def reproducible(session: nox.Session) -> None:
    """Two clean builds (empty caches, every page executed) must be byte-identical.

    Compares every file of the two sites: HTML, SVG, the search index, the notebooks
    offered for download; only the execution-statistics page (its content is the build's
    own timings) is left out. Builds in build/repro-a and build/repro-b.
    """
    _install(session, "docs")
    sites = []
    for name in ("repro-a", "repro-b"):
        build = BUILD / name
        shutil.rmtree(build, ignore_errors=True)
        sites.append(_build_book(session, build, *session.posargs))
    a, b = (_tree_digests(site) for site in sites)
    differ = sorted(
        path
        for path in a.keys() | b.keys()
        if a.get(path) != b.get(path) and path not in NOT_REPRODUCIBLE
    )
    kinds = sorted({Path(p).suffix or p for p in a})
    session.log(f"Compared {len(a)} files ({', '.join(kinds)}); skipped {sorted(NOT_REPRODUCIBLE)}")
    if differ:
        session.error(f"{len(differ)} file(s) differ between two clean builds: {differ}")
    session.log("The two builds are byte-identical.")


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Time the build (cold, warm, after edits), the CLI, the site's weight and Lighthouse.

    Prints the numbers and writes them to build/bench/bench.json. Takes two cold builds
    (about as long as two `nox -s docs` from scratch) plus Lighthouse runs (npm lighthouse,
    CHROME_PATH=/usr/bin/chromium by default). posargs go to benchmarks/bench.py.
    """
    _install(session, "docs", "browser", "bench")
    session.run(
        "python",
        "benchmarks/bench.py",
        "--sphinx-args",
        json.dumps(_sphinx_args(Path("{build}"))),
        *session.posargs,
    )
