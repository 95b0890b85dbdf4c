"""Sphinx configuration for the rnnshape book."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
BUILD = Path(os.environ.get("RNNSHAPE_BUILD_DIR", ROOT / "build"))

# --- The kernels that execute the pages -------------------------------------------------
# Kernels are child processes of sphinx-build and inherit this environment, so these keep
# TensorFlow's C++ log lines and oneDNN notices out of the cell outputs.
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("PYTHONHASHSEED", "0")


def _source_date_epoch() -> str:
    """The last commit's time (a fixed date outside a git checkout).

    Sphinx (the copyright year) and matplotlib (the date in SVG/PDF metadata) read
    SOURCE_DATE_EPOCH, so two builds of one commit are byte-identical.
    """
    import subprocess

    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "log", "-1", "--format=%ct"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        out = ""
    return out if out.isdigit() else "1767225600"  # 2026-01-01T00:00:00Z


os.environ.setdefault("SOURCE_DATE_EPOCH", _source_date_epoch())
# Any figure a page draws with plain matplotlib gets a fixed SVG id salt too
# (rnnshape_docs.diagrams sets its own rcParams and strips the date metadata).
os.environ.setdefault("MATPLOTLIBRC", str(DOCS / "matplotlibrc"))
# The kernel imports rnnshape_docs from this checkout even if it is not installed.
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
)


# The execution cache's folder is named by a hash of rnnshape_docs/ and of the installed
# Keras, TensorFlow, NumPy and matplotlib (docs/_ext/execution_cache.py): MyST-NB's cache
# keys only on cell source, and because nb_execution_cache_path is an "env" config value,
# Sphinx re-reads (and so re-executes) every page when the key changes.
sys.path.insert(0, str(DOCS / "_ext"))  # this book's extensions and helpers
import moved_pages
from execution_cache import cache_key

_cache_root = BUILD / "jupyter_cache"
# RNNSHAPE_CACHE_KEY pins the key while several people edit the helpers at once.
_cache = _cache_root / os.environ.get("RNNSHAPE_CACHE_KEY", cache_key(ROOT))
if _cache_root.is_dir():  # caches of older keys are never read again
    for old in _cache_root.iterdir():
        if old != _cache:
            shutil.rmtree(old, ignore_errors=True)

# --- Project -----------------------------------------------------------------------------
project = "rnnshape"
author = "the rnnshape team"
copyright = "2026, the rnnshape team"

# rnnshape_site (docs/_ext): the hooks that fix and trim the built site, one per problem;
# rnnshape_figure_files: the figures served as files beside the pages, not inside them.
from rnnshape_site import write_paired_notebooks

extensions = [
    "myst_nb",
    "sphinx_copybutton",
    "rnnshape_site",
    "rnnshape_figure_files",
    "rnnshape_explorer",
    "sphinx_reredirects",
]
# No intersphinx: the build must need no network, and nothing links to other projects'
# inventories. If it ever does, store the objects.inv files under docs/_inventories/ and
# map them as (url, "_inventories/<name>.inv") so no inventory is fetched at build time.

exclude_patterns = ["_build", "build", "**.ipynb_checkpoints", "Thumbs.db", ".DS_Store"]
nitpicky = True

# Old addresses of moved and merged pages keep working (docs/_ext/moved_pages.py).
redirects = moved_pages.redirects()

# --- MyST and MyST-NB ----------------------------------------------------------------------
myst_enable_extensions = ["colon_fence", "dollarmath", "deflist"]
myst_heading_anchors = 3

nb_execution_mode = "cache"
nb_execution_cache_path = str(_cache)
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_timeout = 300
# Expected warnings are captured in the cells and printed on stdout; anything that still
# reaches stderr is a surprise (a TensorFlow log line, a new deprecation), and with -W it
# fails the build instead of showing up on a page or being silently dropped.
nb_output_stderr = "warn"
nb_merge_streams = True


# --- HTML ----------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "rnnshape: the shapes of Keras recurrent layers"
# The theme's layout.html starts every page with
#   document.documentElement.dataset.theme = localStorage.getItem("theme") || "{{ default_mode }}";
# and default_mode (an html_context value, not a theme option) is empty unless set, so a
# first visit logs "Got invalid theme mode: . Resetting to auto." as a console error.
# "auto" follows the reader's system setting.
html_context = {"default_mode": "auto"}
#
# "Open in Colab" needs the repository: set RNNSHAPE_REPO_URL (e.g.
# https://github.com/ORG/rnnshape) and optionally RNNSHAPE_REPO_BRANCH (default main).
# Without it there is no Colab or repository button (sphinx-book-theme 1.4 fails on launch
# buttons without a repository); the download menu still offers each page's executed
# notebook as .ipynb (rnnshape_site._offer_notebook).
_repo_url = os.environ.get("RNNSHAPE_REPO_URL", "").strip().rstrip("/")
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": True,
    "path_to_docs": "docs",
    "repository_branch": os.environ.get("RNNSHAPE_REPO_BRANCH", "main"),
}
if _repo_url:
    html_theme_options |= {
        "repository_url": _repo_url,
        "use_repository_button": True,
        "launch_buttons": {"colab_url": "https://colab.research.google.com"},
    }
templates_path = ["_templates"]  # layout.html: the search scripts deferred
html_static_path = ["_static"]
html_css_files = ["rnnshape.css", "explorer.css"]  # explorer.css: a few rules, bundled
# Browsers ask for /favicon.ico when a page names no icon: a failed request on every page.
html_favicon = "_static/favicon.svg"
html_last_updated_fmt = None
# Math as MathML at build time (rnnshape_site): no MathJax from a CDN, math works offline.
html_math_renderer = "mathml"

# --- Notebooks paired with the pages (for Colab) -------------------------------------------
# Colab opens .ipynb files from the repository: with a repository configured, write the
# paired notebook of every page (see rnnshape_site.write_paired_notebooks).
if _repo_url:
    write_paired_notebooks()
# An .ipynb beside a page of the same name is its pair, never a page of its own.
exclude_patterns += [
    p.relative_to(DOCS).as_posix() for p in DOCS.glob("*/*.ipynb") if p.with_suffix(".md").exists()
]
