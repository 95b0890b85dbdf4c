"""Pages that moved, and where their old addresses now lead.

Readers keep links and bookmarks to the hosted book, so a page that moves or is merged
into another keeps its old address as a small page that sends the reader on (the
sphinx-reredirects extension writes them; docs/conf.py passes it this table). The site
tests read the table too: they skip these stubs as pages and check that each old address
lands on its new page and section.

Keys are the old document names; values are the new ones, with the section's anchor
where the page was merged into a longer one.
"""

from __future__ import annotations

import posixpath

MOVED = {
    "beyond/06-errors": "tools/02-error-gallery",
    "beyond/06-more-errors": "tools/02-error-gallery-more",
    "beyond/07-cheat-sheet": "tools/05-cheat-sheet",
    "chapters/06-experiment": "beyond/08-keras3-migration#ch-experiment",
    "chapters/07-icons": "chapters/03-stacking#ch-icons",
    "chapters/08-keras3-migration": "beyond/08-keras3-migration",
    "tools/02-gallery": "appendix/01-figure-gallery",
}


def redirects() -> dict[str, str]:
    """The table as sphinx-reredirects takes it: each target relative to the old page."""
    out = {}
    for old, new in MOVED.items():
        page, _, anchor = new.partition("#")
        target = posixpath.relpath(f"{page}.html", posixpath.dirname(old) or ".")
        out[old] = target + (f"#{anchor}" if anchor else "")
    return out
