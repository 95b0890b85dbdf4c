"""One small table type for every table the book prints.

A `Table` is aligned plain text when printed (a terminal, a doctest) and an HTML table when
it is the last expression of a notebook cell. The trace, the experiment and the cheat sheet
all render through it, so every table in the book looks and behaves the same.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    """Rows of cells under column headings, with an optional caption.

    ``code`` names the columns whose cells are code (layers, shapes): they are set in
    ``<code>`` and never wrap. ``None`` means every column.

    >>> print(Table(("batch", "output"), [(1, (1, 4)), (32, (32, 4))]))
    batch  output
    -----  -------
    1      (1, 4)
    32     (32, 4)
    """

    columns: Sequence[str]
    rows: Sequence[Sequence[object]]
    caption: str = ""
    code: Collection[int] | None = None

    def _text_rows(self) -> list[list[str]]:
        return [[str(c) for c in self.columns], *([str(c) for c in row] for row in self.rows)]

    def __str__(self) -> str:
        table = self._text_rows()
        widths = [max(len(row[i]) for row in table) for i in range(len(self.columns))]
        lines = [
            "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            for row in table
        ]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join([self.caption, *lines] if self.caption else lines)

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # IPython's text/plain
        printer.text(str(self))

    def _cell(self, index: int, text: str) -> str:
        text = html.escape(text)
        if self.code is None or index in self.code:
            return f"<td><code>{text}</code></td>"
        return f"<td>{text}</td>"

    def _repr_html_(self) -> str:
        head, *body = self._text_rows()
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        ths = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in head)
        trs = "".join(
            "<tr>" + "".join(self._cell(i, c) for i, c in enumerate(row)) + "</tr>" for row in body
        )
        return (
            f'<table class="rnnshape-table table">{caption}'
            f"<thead><tr>{ths}</tr></thead><tbody>{trs}</tbody></table>"
        )
