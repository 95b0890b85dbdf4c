"""Run every ``>>>`` example in the book's pages with Sybil.

Only fenced ```` ```python ```` blocks (and ``{doctest}`` directives) are collected; the
``{code-cell}`` cells are executed by MyST-NB when the book is built, not here. Each page
gets its own namespace, and the examples in one page share it, top to bottom.
"""

from __future__ import annotations

from doctest import ELLIPSIS, NORMALIZE_WHITESPACE

from sybil import Sybil
from sybil.parsers.myst import DocTestDirectiveParser, PythonCodeBlockParser, SkipParser

OPTIONS = ELLIPSIS | NORMALIZE_WHITESPACE

# `pytest --doctest-modules docs` would import Sphinx's conf.py, which sets environment
# variables and prunes execution caches, and the site extension in _ext/: they are the
# build's configuration, not modules to test.
collect_ignore = ["conf.py", "_ext"]

pytest_collect_file = Sybil(
    parsers=[
        PythonCodeBlockParser(doctest_optionflags=OPTIONS),
        DocTestDirectiveParser(optionflags=OPTIONS),
        SkipParser(),
    ],
    # Path.match matches from the right, and on Python 3.11 "**/*.md" misses top-level
    # pages (index.md): "*.md" alone takes every page at any depth.
    patterns=["*.md", "**/*.md"],
    excludes=["_build/**", "build/**"],
).pytest()
