"""One small table type for every table the book prints.

A `Table` is aligned plain text when printed (a terminal, a doctest) and an HTML table when
it is the last expression of a notebook cell. The trace, the experiment and the cheat sheet
all render through it, so every table in the book looks and behaves the same.

Plain text fits a width (80 columns unless told otherwise, see `Table.text`): the cells
that are code never wrap, the prose cells (a trace's ``why``) wrap at spaces, and when
their column would be too narrow to read, the last one moves under its row instead.
"""

from __future__ import annotations

import re
import shutil
import textwrap
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from rnnshape_docs.rules.base import SHAPE_TEXT

# The width of a terminal that does not say (a pipe, a file, a notebook's stdout), as
# shutil.get_terminal_size falls back to; also what str() of a table fits.
DEFAULT_WIDTH = 80
GAP = "  "  # between columns
INDENT = "    "  # a prose column moved under its row
_CALL = re.compile(r"(?<=\w)\(")  # the parenthesis of LSTM(...), not of a shape


def terminal_width() -> int:
    """Columns to print in: $COLUMNS, else the terminal's width, else `DEFAULT_WIDTH`."""
    return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns


def _wrap(text: str, width: int, *, break_words: bool = False) -> list[str]:
    # Never at a hyphen ("40-wide" stays whole); a word longer than the column is broken
    # only where nothing else can keep the line within the width.
    lines = textwrap.wrap(text, max(width, 1), break_long_words=break_words, break_on_hyphens=False)
    return lines or [""]


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
    footer: str = ""  # a line under the rows (a trace's parameter totals)

    def _text_rows(self) -> list[list[str]]:
        return [[str(c) for c in self.columns], *([str(c) for c in row] for row in self.rows)]

    def _prose(self) -> list[int]:
        """The columns whose text may wrap: every one that is not code."""
        if self.code is None:
            return []
        return [i for i in range(len(self.columns)) if i not in self.code]

    def text(self, width: int | None = DEFAULT_WIDTH) -> str:
        """The table as aligned text, no line wider than ``width`` where the code fits.

        ``None`` puts every row on one line, however long. Otherwise the table keeps one
        line per row if that fits; else the prose columns wrap in place, or the last one
        moves under its row, whichever takes fewer lines (``rnnshape trace`` at 80
        columns, for a long layer):

        >>> why = "one output for each time step"
        >>> print(Table(("layer", "why"), [("LSTM(4)", why)], code=(0,)).text(30))
        layer    why
        -------  -------------------
        LSTM(4)  one output for each
                 time step
        >>> long = Table(("layer", "why"), [("LSTM(4, return_sequences=True)", why)], code=(0,))
        >>> print(long.text(40))
        layer
            why
        ------------------------------
        LSTM(4, return_sequences=True)
            one output for each time step
        """
        table = self._text_rows()
        natural = [max(len(row[i]) for row in table) for i in range(len(self.columns))]
        layouts = [self._side_by_side(table, natural)]
        if width is not None and _widest(layouts[0]) > width and self._prose():
            layouts = [
                lines
                for lines in (self._wrapped(table, natural, width), self._stacked(table, width))
                if lines is not None
            ] or layouts
        lines = min(layouts, key=len)  # the first of the shortest: side by side on a tie
        caption = _wrap(self.caption, width or len(self.caption)) if self.caption else []
        footer = _wrap(self.footer, width or len(self.footer)) if self.footer else []
        return "\n".join([*caption, *lines, *footer])

    def _side_by_side(self, table: list[list[str]], widths: Sequence[int]) -> list[str]:
        """One line per row, each column padded to its width."""
        return self._lines(widths, [[[cell] for cell in row] for row in table])

    def _wrapped(self, table: list[list[str]], natural: list[int], width: int):
        """The prose columns wrapped to share what the code columns leave; None if a word
        would not fit."""
        prose = self._prose()
        room = (
            width
            - len(GAP) * (len(natural) - 1)
            - sum(w for i, w in enumerate(natural) if i not in prose)
        )
        widths = list(natural)
        for i in prose:  # start from each column's longest word
            widths[i] = max((len(w) for row in table for w in row[i].split()), default=0)
        spare = room - sum(widths[i] for i in prose)
        if spare < 0:
            return None
        growing = [i for i in prose if widths[i] < natural[i]]
        while spare > 0 and growing:  # share the rest out evenly, up to each natural width
            share = max(spare // len(growing), 1)
            for i in growing[:spare]:
                grow = min(share, natural[i] - widths[i], spare)
                widths[i] += grow
                spare -= grow
            growing = [i for i in growing if widths[i] < natural[i]]
        cells = [
            [_wrap(cell, widths[i]) if i in prose else [cell] for i, cell in enumerate(row)]
            for row in table
        ]
        widths = [max(len(line) for row in cells for line in row[i]) for i in range(len(widths))]
        return self._lines(widths, cells)

    def _stacked(self, table: list[list[str]], width: int):
        """The last column under each row, indented; None if it is code."""
        if len(self.columns) < 2 or len(self.columns) - 1 not in self._prose():
            return None
        front = [row[:-1] for row in table]
        widths = [max(len(row[i]) for row in front) for i in range(len(self.columns) - 1)]
        lines = self._side_by_side(front, widths)
        under = [
            [INDENT + line for line in _wrap(row[-1], width - len(INDENT), break_words=True)]
            for row in table
        ]
        out = [lines[0], *under[0], lines[1]]
        for line, text in zip(lines[2:], under[1:], strict=True):
            out += [line, *text]
        return out

    @staticmethod
    def _lines(widths: Sequence[int], cells) -> list[str]:
        """Rows of cells (each cell a list of lines) set in columns; a rule under the
        heading (the first row)."""
        lines = []
        for number, row in enumerate(cells):
            for k in range(max(len(cell) for cell in row)):
                parts = (
                    (cell[k] if k < len(cell) else "").ljust(w)
                    for cell, w in zip(row, widths, strict=True)
                )
                lines.append(GAP.join(parts).rstrip())
            if number == 0:
                lines.append(GAP.join("-" * w for w in widths))
        return lines

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer, cycle: bool) -> None:  # IPython's text/plain
        printer.text(str(self))

    def _cell(self, index: int, text: str) -> str:
        import html  # here, not at the top: the explorer (Pyodide) prints text tables only

        label = html.escape(str(self.columns[index]))
        text = html.escape(text)
        if self.code is None or index in self.code:
            # A shape never breaks across lines, a list of shapes only between them.
            text = SHAPE_TEXT.sub(r'<span class="rnnshape-shape">\g<0></span>', text)
            text = f"<code>{_CALL.sub('(<wbr>', _breakable(text))}</code>"
        else:
            text = _breakable(text)
        # data-label: the column's heading, shown beside the cell when a narrow screen
        # sets each row as a card (docs/_static/rnnshape.css).
        return f'<td data-label="{label}">{text}</td>'

    def _repr_html_(self) -> str:
        import html

        head, *body = self._text_rows()
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        ths = "".join(f'<th scope="col">{_breakable(html.escape(c))}</th>' for c in head)
        trs = "".join(
            "<tr>" + "".join(self._cell(i, c) for i, c in enumerate(row)) + "</tr>" for row in body
        )
        # On a narrow screen each cell sits beside its heading: that column is as wide as
        # the longest heading (docs/_static/rnnshape.css).
        label = max((len(c) for c in head), default=0)
        footer = (
            f'<p class="rnnshape-table-footer">{html.escape(self.footer)}</p>'
            if self.footer
            else ""
        )
        return (
            f'<table class="rnnshape-table table" style="--rnnshape-label: {label}ch">{caption}'
            f"<thead><tr>{ths}</tr></thead><tbody>{trs}</tbody></table>{footer}"
        )


def _breakable(markup: str) -> str:
    """Let a long name break after an underscore (return_<wbr>sequences=True), so that
    its column is not held wider than the page by one word (code also breaks after a
    parenthesis: Bidirectional(<wbr>SimpleRNN))."""
    return markup.replace("_", "_<wbr>")


def _widest(lines: Sequence[str]) -> int:
    return max((len(line) for line in lines), default=0)
