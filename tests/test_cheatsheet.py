"""The cheat sheet: generated from the rules, rendered as text and HTML, checked by Keras."""

from __future__ import annotations

import doctest
from dataclasses import replace

import pytest

from rnnshape_docs import cheatsheet
from rnnshape_docs.cheatsheet import (
    CheatSheetMismatch,
    cheat_sheet,
    check_against_keras,
    check_patterns_against_keras,
    patterns,
)


@pytest.fixture(scope="module")
def sheet():
    return cheat_sheet(units=4, input_shape=(2, 7, 3))


def test_module_docstring_examples():
    failures, tried = doctest.testmod(cheatsheet, optionflags=doctest.ELLIPSIS)
    assert tried > 0
    assert failures == 0


def test_every_combination_once(sheet):
    # 3 layers x 4 flag pairs, plain and wrapped in Bidirectional with 5 merge modes
    assert len(sheet.rows) == 3 * 4 + 3 * 4 * 5
    assert len({r.layer for r in sheet.rows}) == len(sheet.rows)
    assert not sheet.checked


@pytest.mark.parametrize(
    ("recurrent", "seq", "state", "expected"),
    [
        ("SimpleRNN", False, False, ((2, 4),)),
        ("GRU", True, False, ((2, 7, 4),)),
        ("GRU", True, True, ((2, 7, 4), (2, 4))),
        ("LSTM", False, True, ((2, 4), (2, 4), (2, 4))),
    ],
)
def test_plain_rows(sheet, recurrent, seq, state, expected):
    assert sheet.find(recurrent, return_sequences=seq, return_state=state).outputs == expected


@pytest.mark.parametrize(
    ("merge_mode", "expected"),
    [
        ("concat", ((2, 7, 8),)),
        ("sum", ((2, 7, 4),)),
        ("ave", ((2, 7, 4),)),
        (None, ((2, 7, 4), (2, 7, 4))),
    ],
)
def test_bidirectional_merge_modes(sheet, merge_mode, expected):
    row = sheet.find("LSTM", return_sequences=True, bidirectional=True, merge_mode=merge_mode)
    assert row.outputs == expected
    assert row.layer == f"Bidirectional(LSTM(4, return_sequences=True), merge_mode={merge_mode!r})"


def test_bidirectional_lstm_state_is_five_tensors(sheet):
    row = sheet.find("LSTM", return_state=True, bidirectional=True)
    assert row.outputs == ((2, 8), (2, 4), (2, 4), (2, 4), (2, 4))


def test_unknown_sizes_stay_unknown():
    row = cheat_sheet(units=3, input_shape=(None, None, 5)).find("GRU", return_sequences=True)
    assert row.outputs == ((None, None, 3),)


def test_select(sheet):
    wrapped = sheet.select(bidirectional=True, recurrent="GRU")
    assert len(wrapped.rows) == 4 * 5
    assert {r.recurrent for r in wrapped.rows} == {"GRU"}
    assert sheet.select(bidirectional=False).input_shape == sheet.input_shape


def test_an_empty_selection_is_an_error(sheet):
    with pytest.raises(ValueError, match="recurrent='Lstm'"):
        sheet.select(recurrent="Lstm")
    assert not replace(sheet, rows=()).checked  # nothing in it was compared with Keras


def test_text_and_html(sheet):
    text = str(sheet)
    assert text.splitlines()[0].startswith("Input (2, 7, 3), 4 units")
    assert "(2, 7, 4), (2, 4), (2, 4)" in text
    page = sheet._repr_html_()
    assert page.startswith("<table")
    assert page.endswith("</table>")
    assert page.count("<tr") == len(sheet.rows) + 1
    assert "&#x27;sum&#x27;" in page  # merge modes shown as Python literals, escaped
    assert '<th scope="col">merge_<wbr>mode</th>' in page
    shapes = ", ".join(
        f'<span class="rnnshape-shape">{s}</span>' for s in ("(2, 7, 4)", "(2, 4)", "(2, 4)")
    )
    assert f'<td data-label="output shapes"><code>{shapes}</code></td>' in page


def test_plain_table_has_no_merge_mode_column(sheet):
    plain = sheet.select(bidirectional=False)
    assert "merge_mode" not in str(plain)
    assert ">merge_<wbr>mode</th>" not in plain._repr_html_()
    assert "Bidirectional(GRU)" in str(sheet.select(bidirectional=True))


@pytest.mark.keras
def test_every_row_agrees_with_keras(sheet):
    checked = check_against_keras(sheet)
    assert checked.checked
    assert all(r.measured == r.outputs for r in checked.rows)
    assert "every row checked against Keras" in str(checked)


@pytest.mark.keras
def test_a_wrong_rule_is_caught():
    small = cheat_sheet(units=2, input_shape=(1, 3, 2))
    wrong = replace(small.rows[0], outputs=((1, 99),))
    with pytest.raises(CheatSheetMismatch, match=r"rules \(1, 99\), Keras \(1, 2\)"):
        check_against_keras(replace(small, rows=(wrong,)))


@pytest.mark.keras
def test_an_empty_sheet_is_not_checked():
    with pytest.raises(ValueError, match="no rows"):
        check_against_keras(replace(cheat_sheet(), rows=()))


@pytest.mark.keras
def test_unknown_sizes_are_compared_with_keras_size_for_size():
    small = cheat_sheet(units=2, input_shape=(None, None, 2))
    gru = small.select(recurrent="GRU", bidirectional=False)
    checked = check_against_keras(gru)
    assert [r.measured for r in checked.rows] == [r.outputs for r in gru.rows]
    assert checked.rows[0].measured == ((None, 2),)
    # a predicted None is no wildcard: Keras knows this size
    wrong = replace(gru.rows[0], outputs=((None, None),))
    with pytest.raises(CheatSheetMismatch, match=r"rules \(None, None\), Keras \(None, 2\)"):
        check_against_keras(replace(small, rows=(wrong,)))


# --------------------------------------------------------------------------- model patterns


def test_the_four_patterns_and_their_targets():
    sheet = patterns(units=8, classes=5, input_shape=(2, 7, 3), out_steps=5)
    assert {r.name for r in sheet.rows} == {
        "many-to-one",
        "many-to-one, classes",
        "many-to-many, same length",
        "one-to-many",
        "encoder-decoder",
    }
    assert sheet.find("many-to-one", "mse").targets == ((2, 1), (2,))
    assert sheet.find("many-to-one, classes", "categorical_crossentropy").targets == ((2, 5),)
    encoder_decoder = sheet.find("encoder-decoder", "mse")
    assert encoder_decoder.output == (2, 5, 1)  # 5 steps out of 7 in
    one_to_many = sheet.find("one-to-many", "mse")
    assert one_to_many.input_shape == (2, 3)
    assert one_to_many.output == (2, 7, 1)
    assert not sheet.checked


def test_pattern_table_text_and_html():
    sheet = patterns()
    text = str(sheet)
    assert sheet.table().caption == (
        "Input (2, 7, 3); one-to-many from (2, 3): from the shape rules, not yet fitted by Keras."
    )
    assert text.startswith("Input (2, 7, 3); one-to-many from (2, 3)")
    assert "(2, 7) or (2, 7, 1) (integer class ids)" in text
    page = sheet._repr_html_()
    assert page.count("<tr") == len(sheet.rows) + 1
    assert '<th scope="col">target shape</th>' in page


@pytest.mark.keras
def test_every_pattern_trains_on_its_targets():
    checked = check_patterns_against_keras(patterns(units=2, classes=3, input_shape=(2, 4, 2)))
    assert checked.checked
    assert "every row fitted by Keras" in str(checked)


@pytest.mark.keras
def test_a_target_keras_refuses_is_caught():
    sheet = patterns(units=2, classes=3, input_shape=(2, 4, 2))
    per_step = sheet.find("many-to-many, same length", "sparse_categorical_crossentropy")
    one_hot = replace(per_step, targets=((2, 4, 3),))  # one-hot rows for a sparse loss
    with pytest.raises(CheatSheetMismatch, match=r"target \(2, 4, 3\): Argument `output` must"):
        check_patterns_against_keras(replace(sheet, rows=(one_hot,)))


@pytest.mark.keras
def test_a_compiled_model_still_fails_on_targets_of_a_second_rank():
    # why check_patterns_against_keras compiles afresh for each target shape (Keras 3.15 with
    # TensorFlow); when this starts to pass, that recompile (and the gallery's section
    # "Cannot take the length of shape with unknown rank") can go
    import keras
    import numpy as np

    model = keras.Sequential(
        [
            keras.Input(shape=(4, 2)),
            keras.layers.LSTM(2, return_sequences=True),
            keras.layers.Dense(3),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", run_eagerly=False)
    x = np.zeros((2, 4, 2), dtype="float32")
    model.fit(x, np.zeros((2, 4, 1), dtype="int32"), epochs=1, verbose=0)
    with pytest.raises(ValueError, match="unknown rank"):
        model.fit(x, np.zeros((2, 4), dtype="int32"), epochs=1, verbose=0)
