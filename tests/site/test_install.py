"""The install line the book prints works as written, in a fresh virtual environment.

The front page and *Trace your own model* each link the package's wheel (shipped in the built
site by docs/_ext/rnnshape_explorer.py) and print a `pip install` line for it (with the
`[keras]` extra); *Trace your own model* also prints the line without the extra, for a reader
who keeps their own TensorFlow. Both pages must print the same `[keras]` line for the same
file; this test copies that wheel from the built site into an empty folder and, for each
line printed, makes a virtual environment and runs the line there, exactly as printed; then
the command and `check_model` must work from that environment. To stay offline and fast, the new
environment sees the test environment's packages (Keras, TensorFlow, ...) through a `.pth`
path (a venv made from a venv would otherwise see only the base Python's), and pip may not
use an index (PIP_NO_INDEX): a requirement the wheel adds that is not already satisfied
fails the test instead of being downloaded. The package itself must come from the wheel.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sysconfig
import venv
from html import unescape
from pathlib import Path

import pytest
from _site import SITE, site_dir

PAGES = ["index.html", "tools/01-trace-your-own-model.html"]
PRE = re.compile(r"<pre[^>]*>(.*?)</pre>", re.DOTALL)
WHEEL_LINK = re.compile(r'<a [^>]*href="([^"]+\.whl)"')


def install_instructions(html: str) -> tuple[str, list[str]]:
    """(the wheel's link, the pip lines) as the page prints them."""
    links = set(WHEEL_LINK.findall(html))
    assert len(links) == 1, f"expected one link to a wheel, found {sorted(links)}"
    lines = [
        line.strip()
        for block in PRE.findall(html)
        for line in unescape(re.sub(r"<[^>]+>", "", block)).splitlines()
        if line.strip().startswith("pip install") and ".whl" in line
    ]
    assert lines, "no `pip install` line for the wheel"
    return links.pop(), lines


def test_install_instructions_are_read_from_the_page():
    html = (
        '<p><a class="x" href="_static/p-1.0-py3-none-any.whl" download>p</a></p>'
        '<pre><span class="go">pip install &quot;p-1.0-py3-none-any.whl[keras]&quot;</span></pre>'
    )
    assert install_instructions(html) == (
        "_static/p-1.0-py3-none-any.whl",
        ['pip install "p-1.0-py3-none-any.whl[keras]"'],
    )


def make_environment(where: Path) -> Path:
    """An empty virtual environment that sees the test environment's packages."""
    venv.EnvBuilder(with_pip=True).create(where)
    inside = subprocess.run(
        [
            where / "bin" / "python",
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(inside) / "_tests_env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return where


def _printed_lines() -> list[tuple[Path, str]]:
    """(wheel, line) for every distinct install line of the two pages; both must print the
    same `[keras]` line for the same file."""
    found, with_keras = set(), {}
    for page in PAGES:
        link, lines = install_instructions((site_dir() / page).read_text(encoding="utf-8"))
        wheel = ((site_dir() / page).parent / link).resolve()
        assert wheel.is_file(), f"{page} links {link}, which the built site does not have"
        with_keras[page] = (wheel, [line for line in lines if "[keras]" in line])
        found |= {(wheel, line) for line in lines}
    assert len({(w, tuple(ls)) for w, ls in with_keras.values()}) == 1, (
        f"the pages disagree on the [keras] line: {with_keras}"
    )
    assert len(with_keras[PAGES[0]][1]) == 1, f"one [keras] line expected: {with_keras}"
    return sorted(found, key=lambda found: "[keras]" not in found[1])


@pytest.mark.skipif(not SITE, reason="no built site: RNNSHAPE_SITE is not set")
@pytest.mark.parametrize("index", [0, 1], ids=["with-keras", "without-extra"])
def test_the_printed_install_line_works(tmp_path, index):
    lines = _printed_lines()
    if index >= len(lines):
        pytest.skip("the pages print one install line")
    wheel, line = lines[index]
    downloads = tmp_path / "downloads"  # the reader's download folder
    downloads.mkdir()
    shutil.copy(wheel, downloads / wheel.name)
    environment = make_environment(tmp_path / "venv")
    bin_dir = environment / "bin"
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": str(environment),
        "PIP_NO_INDEX": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    env.pop("PYTHONPATH", None)

    def run(command: list[str]) -> str:
        done = subprocess.run(
            command, cwd=downloads, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"{shlex.join(command)}: {done.stderr.strip()[-2000:]}"
        return done.stdout

    run(shlex.split(line))  # as printed: `pip` is the environment's, found on PATH
    assert shutil.which("rnnshape", path=str(bin_dir)), "the wheel installed no `rnnshape`"
    traced = run(["rnnshape", "trace", "--input", "2,5,3", "LSTM(4)", "Dense(1)"])
    assert "(2, 4)" in traced, traced
    assert "(2, 1)" in traced, traced
    where = run(
        [
            "python",
            "-c",
            (
                "import rnnshape_docs; from rnnshape_docs import check_model; "
                "print(rnnshape_docs.__file__)"
            ),
        ]
    )
    assert Path(where.strip()).is_relative_to(environment), (
        f"rnnshape_docs came from {where.strip()}, not from the installed wheel"
    )
