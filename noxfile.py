"""Every way to build and check rnnshape, one session each (`nox -l` lists them)."""

from __future__ import annotations

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

# sphinx-build: warnings are errors (-W) but all of them are reported (--keep-going),
# every cross-reference must resolve (-n), and the output lives outside docs/.
SPHINX_ARGS = ["-W", "--keep-going", "-n", "-b", "html", "-d", str(BUILD / "doctrees")]


def _install(session: nox.Session, *groups: str) -> None:
    # Editable, so the kernels executing the pages always see the current helper code.
    session.install(*nox.project.dependency_groups(PYPROJECT, *groups), "-e", ".[keras]")


@nox.session(default=True)
def tests(session: nox.Session) -> None:
    """Unit tests and the agreement suite (rules against real Keras)."""
    _install(session, "test")
    session.run("pytest", *session.posargs)


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
    session.run("sphinx-build", *SPHINX_ARGS, "docs", str(HTML), *session.posargs)
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
