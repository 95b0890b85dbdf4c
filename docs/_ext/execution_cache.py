"""The key of the execution cache: what the pages' outputs depend on besides their cells.

MyST-NB's cache matches a page on its cells' source only. The outputs also depend on the
helper package the cells call and on the libraries that compute and draw them, so the
cache folder is named by a hash of both: editing rnnshape_docs/ or upgrading Keras,
TensorFlow, NumPy or matplotlib gives a new folder, and so re-executes every page.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path

#: The distributions whose version changes what a page prints or draws.
EXECUTION_PACKAGES = ("keras", "tensorflow", "numpy", "matplotlib")


def installed_versions() -> dict[str, str]:
    """Each package's installed version, read from its metadata (nothing is imported)."""
    versions = {}
    for name in EXECUTION_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def cache_key(root: Path) -> str:
    """A hash of the helper's sources under ``root``/rnnshape_docs and of the versions."""
    digest = hashlib.sha256()
    for path in sorted((root / "rnnshape_docs").rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    for name, version in installed_versions().items():
        digest.update(f"{name}=={version}\n".encode())
    return digest.hexdigest()[:16]
