"""The suite's guards fail when they must: skipped Keras tests, vanished site tests.

Each case runs pytest in a fresh process, as a user would, on a small suite that uses the
real conftest files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


def pytest_run(*args: str, cwd: Path, env: dict[str, str] | None = None):
    environ = {k: v for k, v in os.environ.items() if k not in ("CI", "RNNSHAPE_SITE")}
    environ.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-ra", *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def suite(tmp_path):
    """A tiny project with the real tests/conftest.py and the keras marker."""
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    keras: builds Keras models\n")
    tests = tmp_path / "tests"
    tests.mkdir()
    shutil.copy(TESTS / "conftest.py", tests / "conftest.py")
    (tests / "test_plain.py").write_text("def test_plain():\n    pass\n")
    return tests


def test_a_skipped_keras_test_fails_the_run(suite):
    (suite / "test_k.py").write_text(
        "import pytest\n\n"
        "@pytest.mark.keras\n"
        "def test_k():\n"
        "    pytest.importorskip('no_such_keras')\n"
    )
    done = pytest_run(cwd=suite.parent)
    assert done.returncode == 1, done.stdout
    assert "skipped tests that must run" in done.stdout
    assert "could not import 'no_such_keras'" in done.stdout
    # deselected on purpose: fine
    done = pytest_run("-m", "not keras", cwd=suite.parent)
    assert done.returncode == 0, done.stdout


def test_a_module_skipped_whole_fails_the_run(suite):
    (suite / "test_m.py").write_text(
        "import pytest\n\nkeras = pytest.importorskip('no_such_keras')\n\n"
        "pytestmark = pytest.mark.keras\n\n"
        "def test_m():\n    pass\n"
    )
    done = pytest_run(cwd=suite.parent)
    assert done.returncode == 1, done.stdout
    assert "tests/test_m.py (the whole module)" in done.stdout


def test_keras_tests_that_ran_pass(suite):
    (suite / "test_k.py").write_text(
        "import pytest\n\n@pytest.mark.keras\ndef test_k():\n    pass\n"
    )
    done = pytest_run(cwd=suite.parent)
    assert done.returncode == 0, done.stdout
    assert "must run" not in done.stdout


def test_site_tests_without_a_site_are_skipped_with_the_reason():
    done = pytest_run("tests/site", cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "passed" not in done.stdout.splitlines()[-1]
    assert "SKIPPED" in done.stdout
    assert "RNNSHAPE_SITE is not set" in done.stdout


def test_site_tests_without_a_browser_fail_in_ci(tmp_path):
    (tmp_path / "index.html").write_text("<!doctype html><title>book</title>\n")
    env = {"RNNSHAPE_SITE": str(tmp_path), "RNNSHAPE_CHROMIUM": str(tmp_path / "no-chromium")}
    # Without a browser, what still runs reads the built book's files: not this stand-in's.
    built_files = (
        "internal_links or figures_to_measure or figure_shapes or served_figures "
        "or wheel_ships or stdlib_ships or printed_install_line"
    )
    done = pytest_run("tests/site", "-k", f"not ({built_files})", cwd=ROOT, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"no browser at {tmp_path / 'no-chromium'}" in done.stdout
    done = pytest_run("tests/site", cwd=ROOT, env={**env, "CI": "true"})
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout + done.stderr
    assert "CI: the site tests must run here" in done.stderr
