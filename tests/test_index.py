"""The front page lists every page of the book, each with one line of what a reader can do.

The toctrees in docs/index.md are hidden globs (the sidebar), so a new page lands in its part
by its file name alone; the list a reader sees is written by hand, one `{ref}` to each page's
top label and a line after it. This test names a page the list forgets. Static: no build.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
INDEX = DOCS / "index.md"
PAGES = sorted(
    p for p in DOCS.rglob("*.md") if p != INDEX and not p.relative_to(DOCS).parts[0].startswith("_")
)
# A list item: the page's label, a colon, then what the reader will be able to do.
ENTRY = re.compile(r"^- \{ref\}`([^`<>]+)`: (\S.{20,})$", re.MULTILINE)


def top_label(page: Path) -> str | None:
    """The `(label)=` just before the page's title, if it has one."""
    match = re.search(r"^\(([^)\s]+)\)=\n# ", page.read_text(), re.MULTILINE)
    return match.group(1) if match else None


def listed() -> dict[str, str]:
    return dict(ENTRY.findall(INDEX.read_text()))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_every_page_is_in_the_front_page_list(page: Path) -> None:
    label = top_label(page)
    where = page.relative_to(DOCS)
    assert label, f"{where}: give its title a label, `(my-label)=` on the line above `# Title`"
    assert label in listed(), (
        f"{where} is missing from the list in docs/index.md: add, under its part, "
        f"'- {{ref}}`{label}`: what the reader will be able to do'"
    )


def test_the_list_names_no_missing_page() -> None:
    labels = {top_label(page) for page in PAGES}
    assert set(listed()) <= labels, set(listed()) - labels


def test_the_list_check_finds_a_forgotten_page(tmp_path) -> None:
    page = tmp_path / "new.md"
    page.write_text("(new-tool)=\n# A new tool\n")
    assert top_label(page) == "new-tool"
    assert "new-tool" not in listed()
