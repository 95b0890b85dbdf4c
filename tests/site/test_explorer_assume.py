"""The explorer's field for stating a custom layer's output shape (--assume).

Where `rnnshape check` stops at a layer it cannot know, the result offers a field for its
output shape; stating it traces on, the row says the shape was stated, and the fragment
carries it as ``&assume=NAME%3DSHAPE``. A model file dropped on the page offers the same
(kept in the page: a link cannot carry a file); a stated shape is listed with a button that
takes it back, and one whose layer the edited code no longer makes is marked unused.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from test_explorer_modes import _command, _open
from test_explorer_page import Explorer, _test_module

PROGRAM = """\
import keras
from keras import layers

class Scale(layers.Layer):
    def call(self, x):
        return x * 2

inp = keras.Input((12, 3))
x = layers.LSTM(8, return_sequences=True)(inp)
x = Scale()(x)
model = keras.Model(inp, layers.Dense(1)(x[:, -1]))
model.summary()
"""


def test_stating_a_custom_layer_traces_on_and_the_link_keeps_it(browser, base_url):
    visit = _open(browser, base_url, f"code={quote(PROGRAM, safe='')}")
    try:
        page = visit.page
        field = page.locator('#explorer-result .explorer-assume[data-layer="scale"]')
        assert field.count() == 1
        field.locator("input").fill("None,12,8")
        field.locator("button").click()
        page.wait_for_selector("#explorer-result .explorer-ok")
        models = page.locator("#explorer-result pre.explorer-table").text_content()
        assert "stated (--assume)" in models
        printed = _command("check", "-", "--assume", "scale=None,12,8", stdin=PROGRAM)
        assert models in printed
        assert "assume=scale%3DNone,12,8" in page.evaluate("() => location.hash")
        assert page.locator("#explorer-result .explorer-assume").count() == 0
    finally:
        visit.close()


# --- A model file (issue 24): the same field, and the trace goes on as trace --assume does ---
def _lambda_model_file(tmp_path, name: str):
    """A saved model whose layer 'out' is a Lambda (as Keras 3 writes it), as a .keras file."""
    files = _test_module("test_model_files")
    config = json.dumps(_test_module("test_ops_assume").lambda_model()).encode()
    path = tmp_path / name
    path.write_bytes(files.archive({"config.json": config}))
    return path


def test_a_model_file_stopped_at_a_lambda_traces_on_from_the_stated_shape(
    browser, base_url, axe_js, tmp_path
):
    # A long file name, on a phone: the note and its command wrap within the page.
    path = _lambda_model_file(tmp_path, "a model saved after a long afternoon of training.keras")
    visit = Explorer(browser, base_url, viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        page = visit.open().page
        before = len(visit.requests)
        page.set_input_files("#explorer-file", str(path))
        field = page.locator('#explorer-result .explorer-assume[data-layer="out"]')
        field.wait_for()
        assert "'out' is a Lambda" in page.text_content("#explorer-result .explorer-error-line")
        field.locator("input").fill("None,6,1")
        field.locator("button").click()
        page.wait_for_selector("#explorer-result pre.explorer-table")
        page.wait_for_selector("#explorer-result:not([aria-busy])", state="attached")
        table = page.text_content("#explorer-result pre.explorer-table")
        assert "stated (--assume)" in table
        assert table == _command("trace", str(path), "--assume", "out=None,6,1")
        command = page.text_content("#explorer-result .explorer-file-note code")
        assert command == f"rnnshape trace '{path.name}' --assume out=None,6,1"
        assert "A link cannot carry a file" in page.text_content(".explorer-file-note")
        assert page.locator("#explorer-result .explorer-assume").count() == 0
        stated = page.locator('#explorer-result .explorer-stated-layer[data-layer="out"]')
        assert "None,6,1" in stated.text_content()
        # Fits a phone, and axe finds nothing, with the stated shape and the note on show.
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
        for box in page.locator("#explorer-result > *").all():
            assert box.evaluate("e => e.getBoundingClientRect().right") <= 390
        page.evaluate(axe_js)
        found = page.evaluate(
            "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)"
        )
        serious = [v["id"] for v in found if v["impact"] in ("moderate", "serious", "critical")]
        assert not serious, serious
        # Taken back: the trace stops at the Lambda again, and offers the field.
        stated.locator("button").click()
        field.wait_for()
        assert page.locator("#explorer-result .explorer-stated").count() == 0
        assert page.text_content(".explorer-file-note code") == f"rnnshape trace '{path.name}'"
        sent = visit.requests[before:]
        assert not sent, [f"{r.method} {r.url}" for r in sent]  # read in the page, nothing sent
    finally:
        visit.close()


# --- Item 3: a stated shape whose layer the edited code no longer makes ----------------------
def test_a_shape_stated_for_a_layer_the_code_no_longer_makes_is_shown_unused_and_removable(
    browser, base_url
):
    visit = _open(browser, base_url, f"code={quote(PROGRAM, safe='')}&assume=scale%3DNone,12,8")
    try:
        page = visit.page
        page.wait_for_selector("#explorer-result .explorer-ok")
        stated = page.locator('#explorer-result .explorer-stated-layer[data-layer="scale"]')
        assert stated.get_attribute("data-unused") is None
        # The reader names the layer: the shape stated for 'scale' is for no layer now.
        page.fill("#explorer-code", PROGRAM.replace("Scale()(x)", "Scale(name='double')(x)"))
        page.wait_for_selector(
            '#explorer-result .explorer-stated-layer[data-layer="scale"][data-unused]'
        )
        assert "unused" in stated.text_content()
        assert page.locator("#explorer-result .explorer-error-line").count() == 0
        assert page.locator('.explorer-assume[data-layer="double"]').count() == 1
        assert "assume=scale%3DNone,12,8" in page.evaluate("() => location.hash")
        stated.locator("button").click()
        page.wait_for_function("() => !location.hash.includes('assume=')")
        page.wait_for_selector("#explorer-result:not([aria-busy])", state="attached")
        assert page.locator("#explorer-result .explorer-stated").count() == 0
        assert page.locator('.explorer-assume[data-layer="double"]').count() == 1
    finally:
        visit.close()
