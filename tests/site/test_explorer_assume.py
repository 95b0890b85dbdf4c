"""The explorer's field for stating a custom layer's output shape (code mode, --assume).

Where `rnnshape check` stops at a layer it cannot know, the result offers a field for its
output shape; stating it traces on, the row says the shape was stated, and the fragment
carries it as ``&assume=NAME%3DSHAPE``.
"""

from __future__ import annotations

from urllib.parse import quote

from test_explorer_modes import _command, _open

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
