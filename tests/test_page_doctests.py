"""The ``>>>`` examples in the book's pages are real tests: a wrong expectation fails.

Each test writes a small page into a temporary folder next to a copy of docs/conftest.py
(the same Sybil configuration the book uses) and runs pytest on it in a subprocess.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

PAGE = """\
# A page

Some prose, then a check-yourself block:

```python
>>> from rnnshape_docs import trace
>>> trace(["LSTM(4)"], (1, 7, 3)).outputs
{expected}
```

```{{code-cell}} ipython3
this cell is executed by MyST-NB, never by the doctests (it would fail here)
```
"""


def run_pages(tmp_path: Path, **pages: str) -> subprocess.CompletedProcess[str]:
    shutil.copy(DOCS / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    for name, text in pages.items():
        (tmp_path / f"{name}.md").write_text(text)
    pythonpath = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    env = {**os.environ, "PYTHONPATH": pythonpath}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-v", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_every_chapter_has_collected_examples():
    pages = sorted(p.relative_to(ROOT).as_posix() for p in (DOCS / "chapters").glob("*.md"))
    assert pages, "no chapters to collect"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--collect-only", "-q", "docs"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    collected = result.stdout.splitlines()
    for page in pages:
        assert any(line.startswith(f"{page}::line:") for line in collected), page


def test_a_right_expected_shape_passes(tmp_path):
    result = run_pages(tmp_path, right=PAGE.format(expected="((1, 4),)"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "right.md::line:7,column:1 PASSED" in result.stdout
    assert "2 passed" in result.stdout  # the import and the trace


def test_a_wrong_expected_shape_fails(tmp_path):
    result = run_pages(tmp_path, wrong=PAGE.format(expected="((1, 7, 4),)"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "wrong.md::line:7,column:1 FAILED" in result.stdout
    assert "Expected:" in result.stdout
    assert "((1, 7, 4),)" in result.stdout
    assert "Got:" in result.stdout
    assert "((1, 4),)" in result.stdout


@pytest.mark.parametrize("expected", ["((1, 4),)", "((1, 7, 4),)"])
def test_one_wrong_page_among_right_ones_is_reported(tmp_path, expected):
    result = run_pages(
        tmp_path,
        a=PAGE.format(expected="((1, 4),)"),
        b=PAGE.format(expected=expected),
    )
    wrong = expected != "((1, 4),)"
    assert result.returncode == (1 if wrong else 0), result.stdout + result.stderr
    assert ("1 failed, 3 passed" if wrong else "4 passed") in result.stdout
