"""Sphinx configuration for the rnnshape book."""

from __future__ import annotations

import hashlib
import os
import shutil
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
# The kernel imports rnnshape_docs from this checkout even if it is not installed.
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p
)


def _helper_fingerprint() -> str:
    """Hash of the helper package's sources.

    MyST-NB's cache keys only on cell source, so a change to rnnshape_docs would leave
    stale outputs. Keying the cache folder on this hash gives every helper version its own
    cache, and because nb_execution_cache_path is an "env" config value, Sphinx re-reads
    (and so re-executes) every page when it changes.
    """
    digest = hashlib.sha256()
    for path in sorted((ROOT / "rnnshape_docs").rglob("*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


_cache_root = BUILD / "jupyter_cache"
# RNNSHAPE_CACHE_KEY pins the key while several people edit the helpers at once.
_cache = _cache_root / os.environ.get("RNNSHAPE_CACHE_KEY", _helper_fingerprint())
if _cache_root.is_dir():  # caches of older helper versions are never read again
    for old in _cache_root.iterdir():
        if old != _cache:
            shutil.rmtree(old, ignore_errors=True)

# --- Project -----------------------------------------------------------------------------
project = "rnnshape"
author = "the rnnshape team"
copyright = "2026, the rnnshape team"

extensions = ["myst_nb"]

exclude_patterns = ["_build", "build", "**.ipynb_checkpoints", "Thumbs.db", ".DS_Store"]
nitpicky = True

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
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": True,
}
html_last_updated_fmt = None
