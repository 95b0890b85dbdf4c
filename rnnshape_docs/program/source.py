"""The program's text: a .py file, a notebook's code cells, or stdin; checked before parsing.

Nothing here runs the text. A notebook is JSON: only its code cells are read (outputs, however
large, are never decoded), IPython's ``%magic`` and ``!shell`` lines are blanked, and every
line keeps where it came from (cell k, line j) for the findings.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass

MAX_PROGRAM_BYTES = 2 * 2**20  # far beyond a training script; keeps the reading bounded
MAX_NOTEBOOK_BYTES = 64 * 2**20  # a notebook's outputs (images) can be large: not read
MAX_LINE = 10_000  # characters: a longer line is data or an attack, not code
MAX_NESTING = 100  # brackets deep; Python's own parser stops near 200 with a RecursionError


class ProgramError(ValueError):
    """The input cannot be read as a program (one line: what is wrong, where, what to do)."""


@dataclass(frozen=True)
class Source:
    """The code to read, and for a notebook where each of its lines came from."""

    text: str
    filename: str
    cells: tuple[tuple[int, int], ...] = ()  # per line (1-based index - 1): (cell, line)

    def where(self, line: int) -> str:
        """A line as the reader finds it: ``12`` or ``cell 3, line 2``."""
        if self.cells and 0 < line <= len(self.cells):
            cell, in_cell = self.cells[line - 1]
            return f"cell {cell}, line {in_cell}"
        return str(line)

    def cell(self, line: int) -> int | None:
        if self.cells and 0 < line <= len(self.cells):
            return self.cells[line - 1][0]
        return None


def read_source(data: bytes | str, filename: str = "<stdin>") -> Source:
    """The program in ``data``: Python text, or a notebook (by name or by content)."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    limit = MAX_NOTEBOOK_BYTES if filename.endswith(".ipynb") else MAX_PROGRAM_BYTES
    if len(data) > limit:
        raise ProgramError(
            f"{filename}: {len(data) / 2**20:.1f} MB is more than a program "
            f"({limit // 2**20} MB at most); give the script itself"
        )
    if b"\x00" in data:
        raise ProgramError(f"{filename}: binary data (a NUL byte), not Python source")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProgramError(
            f"{filename}: not UTF-8 text (byte {exc.start}); save the program as UTF-8"
        ) from None
    stripped = text.lstrip()
    if filename.endswith(".ipynb") or (stripped.startswith("{") and '"cells"' in text[:4096]):
        return _notebook(text, filename)
    if len(text.encode()) > MAX_PROGRAM_BYTES:
        raise ProgramError(f"{filename}: more than {MAX_PROGRAM_BYTES // 2**20} MB of code")
    _check_lines(text, filename, None)
    return Source(text, filename)


def _check_lines(text: str, filename: str, where) -> None:
    for number, line in enumerate(text.splitlines(), 1):
        if len(line) > MAX_LINE:
            place = where(number) if where else f"line {number}"
            raise ProgramError(
                f"{filename}: {place} is {len(line):,} characters long; rnnshape reads code "
                f"lines of up to {MAX_LINE:,} (put data in a file, not in the program)"
            )


_MAGIC = re.compile(r"^\s*[%!]")


def _notebook(text: str, filename: str) -> Source:
    try:
        book = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProgramError(
            f"{filename}: not a notebook (JSON: {exc.msg} at line {exc.lineno})"
        ) from None
    except RecursionError:
        raise ProgramError(f"{filename}: JSON nested too deep for a notebook") from None
    cells = book.get("cells") if isinstance(book, dict) else None
    if not isinstance(cells, list):
        raise ProgramError(f"{filename}: a notebook has a list of cells; this JSON has none")
    lines: list[str] = []
    origin: list[tuple[int, int]] = []
    code_cells = 0
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        code_cells += 1
        body = cell.get("source", "")
        if isinstance(body, list):
            body = "".join(part for part in body if isinstance(part, str))
        if not isinstance(body, str):
            continue
        if body.lstrip().startswith("%%"):  # a cell magic: the cell is not Python
            body = "\n" * body.count("\n")
        for k, line in enumerate(body.split("\n"), 1):
            lines.append("" if _MAGIC.match(line) else line)
            origin.append((code_cells, k))
    source = Source("\n".join(lines), filename, tuple(origin))
    if len(source.text.encode()) > MAX_PROGRAM_BYTES:
        raise ProgramError(f"{filename}: more than {MAX_PROGRAM_BYTES // 2**20} MB of code")
    _check_lines(source.text, filename, source.where)
    return source


def parse_source(source: Source) -> ast.Module:
    """The syntax tree; a syntax error is one line with where it is."""
    depth = _nesting(source.text)
    if depth > MAX_NESTING:
        raise ProgramError(
            f"{source.filename}: brackets nested {depth} deep; rnnshape reads up to {MAX_NESTING}"
        )
    try:
        return ast.parse(source.text, filename=source.filename)
    except SyntaxError as exc:
        line = exc.lineno or 0
        raise ProgramError(
            f"{source.filename}:{source.where(line) if line else '?'}: not valid Python "
            f"({exc.msg}); rnnshape reads a program without running it, but it must parse"
        ) from None
    except (RecursionError, MemoryError, ValueError) as exc:
        raise ProgramError(f"{source.filename}: cannot be parsed ({type(exc).__name__})") from None


_STRING = re.compile(r"""("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')""")


def _nesting(text: str) -> int:
    depth = deepest = 0
    for char in _STRING.sub("", text):
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth = max(depth - 1, 0)
    return deepest
