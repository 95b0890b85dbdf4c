"""A reader who copies a page's visible cells, in order, into a notebook can run them.

Cells tagged ``remove-cell`` or ``remove-input`` are executed at build time but their code
is not shown, so a visible cell must never use a name that only such a cell defines (a
variable, or an import), and must show no build machinery (MyST-NB's ``glue``, Keras's
private ``keras.src``, the book's test helpers). The checks are static (Python's ``ast``), so
they need no Keras.
"""

from __future__ import annotations

import ast
import builtins
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if not p.relative_to(DOCS).parts[0].startswith("_"))

CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)
HIDDEN = {"remove-cell", "remove-input"}


def cells(text: str) -> list[tuple[set[str], str]]:
    """(tags, source) of every code cell of a MyST page, in order."""
    found = []
    for body in CELL.findall(text):
        tags: set[str] = set()
        if match := re.match(r":tags:\s*\[(.*?)\]\n", body):
            tags = {t.strip() for t in match.group(1).split(",")}
            body = body[match.end() :]
        elif body.startswith("---\n"):
            head, body = body[4:].split("---\n", 1)
            for listed in re.findall(r"tags:\s*\[(.*?)\]", head):
                tags |= {t.strip() for t in listed.split(",")}
        found.append((tags, body))
    return found


def bound_names(tree: ast.AST) -> set[str]:
    """Every name a cell binds anywhere (assignment, import, def, argument, except ... as)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def undefined_in_visible_cells(text: str) -> list[tuple[int, list[str]]]:
    """(cell number, names) for each visible cell that uses names no earlier visible cell binds."""
    known = set(dir(builtins))
    problems = []
    for number, (tags, source) in enumerate(cells(text)):
        if tags & HIDDEN:
            continue
        tree = ast.parse(source)
        bound = bound_names(tree)
        used = {
            node.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
        }
        if missing := sorted(used - known - bound):
            problems.append((number, missing))
        known |= bound
    return problems


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_visible_cells_run_in_order(page: Path) -> None:
    assert undefined_in_visible_cells(page.read_text()) == []


def test_a_name_from_a_hidden_cell_is_caught() -> None:
    page = """
```{code-cell} ipython3
:tags: [remove-cell]
from helpers import check
value = 3
```

```{code-cell} ipython3
import numpy as np

print(np.ones(value))
```

```{code-cell} ipython3
---
mystnb:
  image:
    alt: a figure
---
check(np)
```
"""
    assert undefined_in_visible_cells(page) == [(1, ["value"]), (2, ["check"])]


def test_every_page_has_cells_to_check() -> None:
    assert sum(bool(cells(page.read_text())) for page in PAGES) >= 15


# What only the build needs, never in front of a reader: MyST-NB's glue (how the text quotes a
# result), Keras's private modules, the book's own test helpers, and private names.
MACHINERY_MODULES = ("myst_nb", "keras.src", "tensorflow.python", "tests", "conftest", "pytest")


def machinery_in_visible_cells(text: str) -> list[tuple[int, str]]:
    """(cell number, import) for each import of build machinery in a visible cell."""
    found = []
    for number, (tags, source) in enumerate(cells(text)):
        if tags & HIDDEN:
            continue
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
                names: list[str] = []
            elif isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
                names = [alias.name for alias in node.names]
            else:
                continue
            for module in modules:
                if any(module == m or module.startswith(m + ".") for m in MACHINERY_MODULES):
                    found.append((number, module))
            found += [(number, f"{modules[0]}.{name}") for name in names if name.startswith("_")]
    return found


def test_machinery_check_finds_what_it_must():
    page = (
        "```{code-cell} ipython3\nfrom myst_nb import glue\nimport keras.src.ops\n```\n"
        "```{code-cell} ipython3\n:tags: [remove-cell]\nfrom myst_nb import glue\n```\n"
        "```{code-cell} ipython3\nfrom rnnshape_docs.shapes import _private, trace\n```\n"
    )
    assert machinery_in_visible_cells(page) == [
        (0, "myst_nb"),
        (0, "keras.src.ops"),
        (2, "rnnshape_docs.shapes._private"),
    ]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_no_build_machinery_in_visible_cells(page: Path) -> None:
    text = page.read_text()
    assert machinery_in_visible_cells(text) == [], "move it into a hidden cell (remove-cell)"
