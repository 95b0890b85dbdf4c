"""Read a saved model file as data: a ``.keras`` archive or a JSON config, never run.

A ``.keras`` file is a zip holding ``config.json`` (the model's structure), ``metadata.json``
and the weights. Only ``config.json`` is read, with `zipfile` and `json`: no TensorFlow, no
h5py, no unpickling, nothing written to disk, and no name from the archive used as a path.
Sizes are bounded before anything is decompressed or parsed, so a zip bomb or a deeply nested
JSON is refused in well under a second. Every refusal is a `ShapeError` with one line that
says what is wrong with the file and what rnnshape needs instead.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from pathlib import PurePosixPath
from typing import Any

from rnnshape_docs.graph import ModelTrace, ShapeError, model_config_of, trace_config

MAX_CONFIG_BYTES = 8 * 2**20  # a 1,000-layer model's config is about 2 MB
MAX_DEPTH = 64  # a nested model wrapped in Bidirectional(...) stays well under 30
MAX_ENTRIES = 10_000
MODEL_SUFFIXES = (".keras", ".json")


def trace_model(
    model_or_path: Any, *, batch: int | None = None, assume: dict[str, Any] | None = None
) -> ModelTrace:
    """Trace a saved model file (a path) or a built Keras model (through ``get_config()``).

    Nothing is run: a file is read as data, and a Keras model as its config, which also
    works before its first call. ``assume`` states the output shape of a layer the rules
    cannot know (a custom class, a Lambda), by its name: ``assume={"scale": (None, 8)}``, or
    a list of shapes for a layer with several outputs; its row says the shape was stated.
    """
    if isinstance(model_or_path, str | os.PathLike):
        return trace_file(model_or_path, batch=batch, assume=assume)
    return trace_config(model_config_of(model_or_path), batch=batch, assume=assume)


def is_model_file(argument: str) -> bool:
    """Whether a command-line argument names a model file rather than a layer."""
    return argument.lower().endswith(MODEL_SUFFIXES) or os.path.isfile(argument)


def trace_file(
    path: str | os.PathLike, *, batch: int | None = None, assume: dict[str, Any] | None = None
) -> ModelTrace:
    """Trace the model saved at ``path`` (``.keras`` archive or JSON config)."""
    name = os.fspath(path)
    try:
        size = os.path.getsize(name)
        with open(name, "rb") as f:
            head = f.read(4)
            if head.startswith(b"PK"):
                return trace_bytes(f, name, batch=batch, assume=assume)
            if size > MAX_CONFIG_BYTES:
                raise ShapeError(
                    f"{name}: {size / 2**20:.1f} MB of JSON is more than a model config "
                    f"({MAX_CONFIG_BYTES // 2**20} MB at most); give model.to_json() or config.json"
                )
            return trace_bytes(head + f.read(), name, batch=batch, assume=assume)
    except OSError as exc:
        raise ShapeError(f"{name}: cannot read the file ({exc.strerror or exc})") from None


def trace_bytes(
    data: bytes | Any,
    filename: str,
    *,
    batch: int | None = None,
    assume: dict[str, Any] | None = None,
) -> ModelTrace:
    """Trace a model file's content (bytes, or a binary file object for an archive)."""
    config = read_config(data, filename)
    try:
        return trace_config(config, batch=batch, assume=assume)
    except ShapeError as exc:
        raise ShapeError(f"{filename}: {exc}", layer=exc.layer, text=exc.text) from None


def read_config(data: bytes | Any, filename: str) -> Any:
    """The model config (parsed JSON) of a ``.keras`` archive or a JSON file's content."""
    if isinstance(data, bytes):
        if not data.strip():
            raise ShapeError(
                f"{filename}: the file is empty; give a .keras file or model.to_json()"
            )
        if data.startswith(b"PK"):
            data = io.BytesIO(data)
        else:
            if data.startswith(b"\x89HDF"):
                raise ShapeError(
                    f"{filename}: an HDF5 (.h5) file; rnnshape reads .keras files and JSON "
                    "configs: save the model with model.save('model.keras')"
                )
            return _json(data, filename)
    return _json(_config_from_archive(data, filename), f"{filename}: config.json")


def _config_from_archive(file: Any, filename: str) -> bytes:
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ShapeError(f"{filename}: not a .keras archive (a zip file): {exc}") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise ShapeError(f"{filename}: {len(entries)} entries; not a .keras archive")
        for entry in entries:
            parts = PurePosixPath(entry.filename.replace("\\", "/")).parts
            if entry.filename.startswith(("/", "\\")) or ".." in parts or ":" in entry.filename:
                raise ShapeError(
                    f"{filename}: the archive has an entry named {entry.filename!r}, which no "
                    ".keras file has; refusing it"
                )
        try:
            entry = archive.getinfo("config.json")
        except KeyError:
            raise ShapeError(
                f"{filename}: no config.json in the archive; a .keras file saved by Keras 3 "
                "has one (Keras 2's .h5 and SavedModel formats are not read)"
            ) from None
        if entry.file_size > MAX_CONFIG_BYTES:
            raise ShapeError(_too_big(filename, entry.file_size))
        try:
            with archive.open(entry) as f:
                # The size in the header can lie: read at most one byte past the bound.
                content = f.read(MAX_CONFIG_BYTES + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
            raise ShapeError(f"{filename}: config.json cannot be read: {exc}") from None
        except RuntimeError as exc:  # an encrypted entry
            raise ShapeError(f"{filename}: config.json cannot be read: {exc}") from None
        if len(content) > MAX_CONFIG_BYTES:
            raise ShapeError(_too_big(filename, len(content)))
        return content


def _too_big(filename: str, size: int) -> str:
    return (
        f"{filename}: config.json is {size / 2**20:.0f} MB or more uncompressed, more than a "
        f"model config ({MAX_CONFIG_BYTES // 2**20} MB at most); refusing it"
    )


def _json(data: bytes, where: str) -> Any:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ShapeError(f"{where}: not text (UTF-8 JSON) nor a .keras archive") from None
    depth = _depth(text)
    if depth > MAX_DEPTH:
        raise ShapeError(f"{where}: JSON nested {depth} levels deep; a model config is not")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ShapeError(f"{where}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:  # not reached after _depth, but json must never raise through
        raise ShapeError(f"{where}: JSON nested too deep") from None


def _depth(text: str) -> int:
    """The deepest nesting of brackets outside strings, found without parsing (linear time)."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub("", text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKETS = re.compile(r"[\[\]{}]")
