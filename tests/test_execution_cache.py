"""The execution cache's key changes whenever a page's outputs could: helper or libraries."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
import execution_cache


@pytest.fixture
def checkout(tmp_path):
    """A copy of the helper package, so a test can edit it."""
    shutil.copytree(ROOT / "rnnshape_docs", tmp_path / "rnnshape_docs")
    return tmp_path


@pytest.mark.parametrize("package", ["keras", "tensorflow", "numpy", "matplotlib"])
def test_upgrading_a_library_changes_the_key(checkout, monkeypatch, package):
    before = execution_cache.cache_key(checkout)
    installed = metadata.version

    def upgraded(name):
        return "999.0" if name == package else installed(name)

    monkeypatch.setattr(execution_cache.metadata, "version", upgraded)
    assert execution_cache.cache_key(checkout) != before


def test_the_key_is_the_same_for_the_same_sources_and_versions(checkout):
    assert execution_cache.cache_key(checkout) == execution_cache.cache_key(checkout)
    assert execution_cache.cache_key(checkout) == execution_cache.cache_key(ROOT)


def test_editing_the_helper_changes_the_key(checkout):
    before = execution_cache.cache_key(checkout)
    with (checkout / "rnnshape_docs" / "shapes.py").open("a") as f:
        f.write("\n# an edit\n")
    assert execution_cache.cache_key(checkout) != before


def test_the_book_re_executes_after_an_upgrade(tmp_path):
    # docs/conf.py as Sphinx reads it, once as installed and once with Keras "upgraded":
    # the execution cache it names differs, so every page executes again
    script = (
        "import runpy, sys\n"
        "from importlib import metadata\n"
        "installed = metadata.version\n"
        "if sys.argv[1] == 'upgraded':\n"
        "    metadata.version = lambda n: '999.0' if n == 'keras' else installed(n)\n"
        "print(runpy.run_path(sys.argv[2])['nb_execution_cache_path'])\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "RNNSHAPE_CACHE_KEY"}
    env["RNNSHAPE_BUILD_DIR"] = str(tmp_path)  # conf.py removes caches of other keys there
    paths = {
        kind: subprocess.run(
            [sys.executable, "-c", script, kind, str(ROOT / "docs" / "conf.py")],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for kind in ("installed", "upgraded")
    }
    assert Path(paths["installed"]).parent == tmp_path / "jupyter_cache"
    assert Path(paths["upgraded"]).parent == tmp_path / "jupyter_cache"
    assert paths["installed"] != paths["upgraded"]
