"""rnnshape_docs.explorer: what the explorer page shows for its form (the page itself, in
the browser, is tests/site/test_explorer_page.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rnnshape_docs.explorer import (
    WEATHER,
    explore,
    explore_json,
    fragment,
    from_fragment,
    suggest_fix,
    with_return_sequences,
)
from rnnshape_docs.shapes import trace


def command(input_text: str, layers: list[str]) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "rnnshape_docs", "trace", f"--input={input_text}", "--", *layers],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize(
    ("input_text", "layers"),
    [
        (WEATHER[0], list(WEATHER[1])),
        ("2,5,3", ["LSTM(4)", "LSTM(8)", "Dense(1)"]),
        ("2,x,3", ["LSTM(4)"]),
        ("2,5,3", ["Conv2D(4, 3)"]),
    ],
)
def test_the_page_text_is_what_the_command_prints(input_text, layers):
    shown = explore(input_text, "\n".join(layers))
    status, out, err = command(input_text, layers)
    if status == 0:
        assert shown["table"] == out.rstrip("\n")
        assert shown["error"] is None
    else:
        assert shown["error"] == err.strip()
        assert shown["table"] is None


def test_blank_lines_and_surrounding_spaces_are_not_layers():
    shown = explore(" 2,5,3 ", "\n  LSTM(4)  \n\n\nDense(1)\n")
    assert shown["layers"] == ["LSTM(4)", "Dense(1)"]
    assert shown["table"] == explore("2,5,3", "LSTM(4)\nDense(1)")["table"]


def test_no_layers_is_one_line_saying_what_to_write():
    shown = explore("2,5,3", "\n \n")
    assert shown["table"] is None
    assert shown["error"].startswith("rnnshape: error: no layers")


def test_a_line_that_looks_like_an_option_is_a_layer_not_an_option():
    shown = explore("2,5,3", "--json")
    assert "is not a layer call" in shown["error"]


@pytest.mark.parametrize(
    ("layers", "index", "fixed"),
    [
        (["LSTM(4)", "LSTM(8)", "Dense(1)"], 0, "LSTM(4, return_sequences=True)"),
        (["GRU(4, return_sequences=False)", "GRU(2)"], 0, "GRU(4, return_sequences=True)"),
        (
            ["LSTM(4, return_sequences=True)", "keras.layers.LSTM(4)", "LSTM(2)"],
            1,
            "LSTM(4, return_sequences=True)",
        ),
        (
            ["Bidirectional(GRU(4), merge_mode='sum')", "GRU(8)"],
            0,
            "Bidirectional(GRU(4, return_sequences=True), merge_mode='sum')",
        ),
        # the recurrent layer two back dropped the time axis (the Dense acts on each step)
        (["LSTM(4)", "Dense(2)", "GRU(3)"], 0, "LSTM(4, return_sequences=True)"),
        # a ConvLSTM's last output is one grid, without the time axis the next one reads
        (["ConvLSTM2D(4, 3)", "ConvLSTM2D(2, 3)"], 0, "ConvLSTM2D(4, 3, return_sequences=True)"),
    ],
)
def test_the_fix_sets_return_sequences_on_the_layer_the_message_names(layers, index, fixed):
    shape = "2,7,3" if "ConvLSTM2D" not in layers[0] else "2,7,9,9,3"
    fix = suggest_fix(shape, layers)
    assert fix["index"] == index
    assert fix["layers"][index] == fixed
    assert f"layer {index + 1}" in fix["label"]
    assert "set return_sequences=True" in str(explore(shape, "\n".join(layers))["error"])
    trace(fix["layers"], shape)  # the fixed stack traces


@pytest.mark.parametrize(
    "layers",
    [
        ["LSTM(4)"],  # fine as it is
        ["Flatten()", "LSTM(2)"],  # 2-D into an RNN, but no RNN before it to fix
        ["LSTM(4, return_state=True)", "Dense(1)"],  # a different mistake
        ["LSTM(4)", "Conv2D(3)"],
    ],
)
def test_no_fix_where_return_sequences_is_not_it(layers):
    assert suggest_fix("2,7,3", layers) is None


def test_with_return_sequences_keeps_the_other_arguments():
    assert (
        with_return_sequences("LSTM(4, dropout=0.1, return_state=True)")
        == "LSTM(4, dropout=0.1, return_state=True, return_sequences=True)"
    )


@pytest.mark.parametrize(
    "layers",
    [
        ["LSTM(4, return_sequences=True)", "Dense(1)"],
        ["Bidirectional(LSTM(4), merge_mode='sum')", "Dropout(0.5)"],
        ["Dense(1, name='a&b=c #d%20')", "Masking(mask_value=-1.0)"],
        ["Dense(1, name='naïve → ok')"],
    ],
)
def test_a_fragment_gives_back_its_stack(layers):
    text = fragment("None,7,3", layers)
    assert "#" not in text
    assert " " not in text
    assert text.count("&") == len(layers)
    assert from_fragment(text) == ("None,7,3", layers)
    assert from_fragment("#" + text) == ("None,7,3", layers)


def test_explore_json_is_explore():
    assert json.loads(explore_json("2,5,3", "LSTM(4)")) == explore("2,5,3", "LSTM(4)")


def test_the_explorer_imports_nothing_pyodide_lacks():
    """Pyodide's core has no matplotlib, numpy or Keras: the explorer must not need them."""
    probe = (
        "import sys\n"
        "from rnnshape_docs.explorer import explore\n"
        "explore('2,5,3', 'LSTM(4)\\nLSTM(8)'); explore('None,None,1', 'GRU(3)')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('matplotlib', 'numpy', 'keras', 'tensorflow')))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_pyodide_tarball_that_is_not_the_pinned_one_is_refused(tmp_path, monkeypatch):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "docs" / "_ext"))
    try:
        import pyodide_dist
    finally:
        sys.path.pop(0)
    fake = tmp_path / pyodide_dist.TARBALL.name
    fake.write_bytes(b"not pyodide")
    monkeypatch.setattr(pyodide_dist, "TARBALL", fake)
    with pytest.raises(pyodide_dist.PyodideUnavailable, match="is not the pinned"):
        pyodide_dist.tarball()
    assert not fake.exists()  # removed, so the next build fetches it again


def _explorer_csp():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "docs" / "_ext"))
    try:
        import explorer_csp
    finally:
        sys.path.pop(0)
    return explorer_csp


_PAGE = (
    '<html><head>\n<meta charset="utf-8" />\n<script>var a = 1;</script>'
    "<style>p { color: red }</style></head><body>"
    '<script src="x.js"></script><button onclick="window.print()">p</button>'
    "<script type=module>go()</script></body></html>"
)


def test_the_explorer_policy_allows_the_pages_own_inline_code_by_hash_and_nothing_else():
    import base64
    import hashlib

    csp = _explorer_csp()

    def sha(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    policy = dict(d.split(" ", 1) for d in csp.policy(_PAGE).split("; "))
    assert policy["default-src"] == "'none'"
    assert policy["connect-src"] == "'self'"
    script = policy["script-src"].split()
    assert script[:2] == ["'self'", "'wasm-unsafe-eval'"]
    assert {sha("var a = 1;"), sha("go()"), sha("window.print()")} <= set(script)
    assert "'unsafe-inline'" not in policy["script-src"] + policy["style-src"]
    assert policy["style-src"] == f"'self' {sha('p { color: red }')}"
    # First in <head>, right after the charset; written twice, it is there once.
    once = csp.with_policy(_PAGE)
    assert csp.with_policy(once) == once
    assert once.index("Content-Security-Policy") < once.index("<script>")
