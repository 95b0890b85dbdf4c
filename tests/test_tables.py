"""Plain-text tables fitted to a width: code cells stay whole, prose wraps, nothing is lost."""

from __future__ import annotations

import ast
import re
from html import escape

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnnshape_docs import trace
from rnnshape_docs.cheatsheet import cheat_sheet
from rnnshape_docs.rules.base import SHAPE_TEXT
from rnnshape_docs.shapes import format_shape
from rnnshape_docs.tables import DEFAULT_WIDTH, Table

STACKS = {
    "lecture": (
        ["SimpleRNN(40, return_sequences=True)", "SimpleRNN(40)", "Dense(1)"],
        (None, None, 1),
    ),
    "weather": (["LSTM(4, return_sequences=True)", "LSTM(4)", "Dense(1)"], (2, 7, 3)),
    "one layer": (["LSTM(4)"], (2, 5, 3)),
    "bidirectional states": (
        ["Bidirectional(GRU(8, return_state=True), merge_mode=None)"],
        (None, None, 3),
    ),
}


def _code_width(table: Table) -> int:
    """The widest line the code columns alone need, side by side."""
    cells = [table.columns, *table.rows]
    return sum(max(len(str(row[i])) for row in cells) + 2 for i in table.code) - 2


@pytest.mark.parametrize("name", STACKS)
@pytest.mark.parametrize("width", [40, 60, 72, 80, 100, 120, 160])
def test_no_line_wider_than_the_width_when_the_shapes_fit(name, width):
    layers, shape = STACKS[name]
    table = trace(layers, shape).table()
    lines = table.text(width).splitlines()
    if _code_width(table) <= width:
        assert max(map(len, lines)) <= width
    else:  # the shapes alone are too wide: only they may stick out
        assert max(map(len, lines)) <= _code_width(table)


@pytest.mark.parametrize("name", STACKS)
@pytest.mark.parametrize("width", [40, 80, 120])
def test_every_cell_is_shown_and_code_is_never_split(name, width):
    layers, shape = STACKS[name]
    result = trace(layers, shape)
    lines = result.table().text(width).splitlines()
    text = " ".join(" ".join(lines).split())
    for layer, shape_in, shape_out, params, why in result.rows():
        # each layer's row starts a line with its code cells, in order, whole
        row = [line for line in lines if line.startswith(layer + "  ")]
        assert len(row) == 1
        assert shape_in in row[0]
        assert shape_out in row[0]
        assert row[0].split(shape_out, 1)[1].split()[0] == params
        assert text.count(" ".join(why.split())) == 1


def test_fits_in_one_line_per_row_when_wide_enough():
    result = trace(*STACKS["lecture"])
    lines = result.table().text(None).splitlines()
    assert result.table().text(max(map(len, lines))).splitlines() == lines
    assert len(lines) == 2 + len(result.steps) + 1  # the heading, its rule, the rows, the totals
    assert lines[-1].startswith("parameters: ")


def test_str_is_the_default_width():
    table = trace(*STACKS["lecture"]).table()
    assert str(table) == table.text(DEFAULT_WIDTH)
    assert str(trace(*STACKS["lecture"])) == str(table)
    assert max(map(len, str(table).splitlines())) <= DEFAULT_WIDTH


def test_a_table_of_code_only_is_never_wrapped():
    sheet = cheat_sheet().select(bidirectional=False)
    table = Table(sheet.table().columns, sheet.table().rows, code=None)
    assert table.text(20) == table.text(None)


def test_caption_wraps_to_the_width():
    sheet = cheat_sheet()
    caption = sheet.table().caption
    lines = sheet.table().text(40).splitlines()
    caption_lines = lines[: len(lines) - len(sheet.rows) - 2]
    assert max(map(len, caption_lines)) <= 40
    assert " ".join(caption_lines) == caption


def test_html_cells_carry_their_column_heading():
    table = trace(*STACKS["weather"]).table()
    html = table._repr_html_()
    assert html.count('data-label="why"') == 3
    assert '<td data-label="layer"><code>LSTM(<wbr>4)</code></td>' in html
    assert f'style="--rnnshape-label: {len("output")}ch"' in html  # the longest heading


def test_html_breaks_names_but_never_a_shape():
    result = trace(*STACKS["bidirectional states"])
    html = result.table()._repr_html_()
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html)
    # the text is the trace's, word for word, once the markup is taken out
    assert [re.sub(r"<[^>]+>", "", c) for c in cells] == [
        escape(c) for row in result.rows() for c in row
    ]
    shapes = re.findall(r'<span class="rnnshape-shape">(.*?)</span>', html)
    step = result.steps[0]
    assert shapes == [format_shape(s) for s in (step.input, *step.outputs)]
    assert "Bidirectional(<wbr>GRU(<wbr>8, return_<wbr>state=True), merge_<wbr>mode=None)" in html


@given(st.lists(st.one_of(st.none(), st.integers(1, 10**6)), max_size=5))
def test_every_shape_the_one_formatter_writes_is_found_as_a_shape(shape):
    """Tables mark shapes, and the site test reads figure labels, with SHAPE_TEXT: it must
    match exactly what format_shape writes (tables, figures and the cheat sheet alike), and
    NumPy's integer sizes print as plain numbers."""
    text = format_shape(shape)
    assert SHAPE_TEXT.fullmatch(text)
    assert format_shape([None if d is None else np.int64(d) for d in shape]) == text
    assert ast.literal_eval(text) == tuple(shape)
