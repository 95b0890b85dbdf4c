"""The shape explorer's Python side: what the page shows for the text in its form.

The explorer page (docs/tools/03-explorer.md) runs this module in the reader's browser, in
Pyodide, from the package's own wheel. `explore` takes the form's two fields and returns
what the page shows: the text `rnnshape trace` prints (it runs the command's own `main`),
or its error line, the fix for the classic mistake, and the stack as SVG.

>>> result = explore("2,5,3", "LSTM(4)\\nLSTM(8)")
>>> result["error"]  # doctest: +ELLIPSIS
'rnnshape: error: layer 2, LSTM(8): a recurrent layer needs 3-D input ...'
>>> result["fix"]["layers"]
['LSTM(4, return_sequences=True)', 'LSTM(8)']
>>> fragment("1,7,3", ["LSTM(4, return_sequences=True)", "Dense(1)"])
'input=1,7,3&layer=LSTM(4%2C%20return_sequences%3DTrue)&layer=Dense(1)'
>>> from_fragment("input=1,7,3&layer=LSTM(4%2C%20return_sequences%3DTrue)&layer=Dense(1)")
('1,7,3', ['LSTM(4, return_sequences=True)', 'Dense(1)'])
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import re
from collections.abc import Sequence

from rnnshape_docs import cli
from rnnshape_docs.shapes import ShapeError, trace
from rnnshape_docs.specs import RETURNS_SEQUENCES, SpecError, parse

#: What the explorer shows first: the weather model of the course this book grew from.
WEATHER = ("None,None,1", ("SimpleRNN(40, return_sequences=True)", "SimpleRNN(40)", "Dense(1)"))

MAX_LAYERS = 200  # a form longer than this is not a stack anyone means
# What the tracer's message says when it applies, and which layer (counted from 1) it names.
_FIX_HINT = re.compile(r"set return_sequences=True on (?:the \w+ inside )?layer (\d+)")


def layer_lines(text: str) -> list[str]:
    """The layers in the form's textarea: one per line, blank lines skipped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def explore(
    input_text: str, layers_text: str, width: float | None = None, *, figure: bool = True
) -> dict:
    """What the page shows for the form's input shape and layers (one per line).

    ``width``: the CSS px the figure may take (a phone gets the narrow figure); with
    ``figure=False`` there is no figure (the page draws it after the table, see `figure`).

    Keys: ``table`` (the text `rnnshape trace` prints, or None), ``error`` (the line it
    prints on stderr, or None), ``fix`` (None, or the fixed ``layers`` with the ``index``
    of the layer it changes and a ``label`` for its button), ``svg`` (the stack drawn, or
    None), ``layers`` (the layers as read), and for a trace ``columns``, ``rows`` (its
    cells as text, for the page's table: a card per row on a phone) and ``totals`` (the
    parameters line).
    """
    layers = layer_lines(layers_text)
    result: dict = {"table": None, "error": None, "fix": None, "svg": None, "layers": layers}
    if not layers:
        result["error"] = f"{cli.PROG}: error: no layers: write one layer per line, e.g. LSTM(4)"
        return result
    if len(layers) > MAX_LAYERS:
        result["error"] = (
            f"{cli.PROG}: error: {len(layers)} layers is more than the explorer traces "
            f"({MAX_LAYERS}); trace the stack in parts"
        )
        return result
    status, out, err = run_command(["trace", f"--input={input_text}", "--", *layers])
    if status != cli.EXIT_OK:
        result["error"] = err.strip() or f"{cli.PROG}: exit status {status}"
        result["fix"] = suggest_fix(input_text, layers)
        return result
    result["table"] = out.rstrip("\n")
    traced = trace(layers, input_text)
    table = traced.table()
    result.update(columns=list(table.columns), rows=[list(r) for r in table.rows])
    result["totals"] = table.footer
    if figure:
        result["svg"] = _stack_svg(traced, width)
    return result


def explore_json(
    input_text: str, layers_text: str, width: float | None = None, figure: bool = True
) -> str:
    """`explore` as one JSON string: what the page's script reads."""
    return json.dumps(explore(input_text, layers_text, width, figure=figure))


def figure(input_text: str, layers_text: str, width: float | None = None) -> str | None:
    """The stack as SVG, or None (a stack the tracer refuses, or no SVG writer).

    The page asks for it after showing the table, so a keystroke waits only for the trace.
    """
    try:
        result = trace(layer_lines(layers_text)[:MAX_LAYERS], input_text)
    except ShapeError:
        return None
    return _stack_svg(result, width) if result.steps else None


def capabilities_json() -> str:
    """What this copy of the package can do beyond stacks: ``{"model_files": bool}``."""
    return json.dumps({"model_files": _model_files() is not None})


def explore_file(data: bytes, filename: str, assume_text: str = "") -> dict:
    """What the page shows for a dropped or chosen model file (read, never run).

    ``assume_text`` states the output shape of a layer rnnshape cannot know, as for
    `check_code` (``scale=None,12,8``, separated by spaces or semicolons: ``--assume``).
    Besides `explore`'s keys: ``assumable`` (the layer where the trace stopped, whose output
    shape the reader could state) and ``command`` (the same trace in a terminal).
    """
    result: dict = {"table": None, "error": None, "fix": None, "svg": None, "layers": []}
    stated = assume_text.replace(";", " ").split()
    result["assumable"] = []
    result["command"] = " ".join(
        [cli.PROG, "trace", _shell_word(filename), *(f"--assume {_shell_word(a)}" for a in stated)]
    )
    model_files = _model_files()
    if model_files is None:
        result["error"] = f"{cli.PROG}: error: this copy of rnnshape does not read model files"
        return result
    try:
        assume = cli.assumed(stated)
        result["table"] = str(model_files.trace_bytes(data, filename, assume=assume))
    except (ShapeError, cli.UsageError) as exc:
        result["error"] = f"{cli.PROG}: error: {cli._one_line(exc)}"
        result["assumable"] = _assumable(result["error"])
    return result


def explore_file_json(path: str, filename: str, assume_text: str = "") -> str:
    """`explore_file` on the file the page wrote to ``path`` (Pyodide's memory file system)."""
    with open(path, "rb") as file:
        return json.dumps(explore_file(file.read(), filename, assume_text))


def _shell_word(text: str) -> str:
    """``text`` as one word of a POSIX shell's command line (quoted unless it is plain)."""
    return text if re.fullmatch(r"[\w.,=/:+-]+", text) else "'" + text.replace("'", "'\\''") + "'"


def _model_files():
    try:
        from rnnshape_docs import model_files
    except ImportError:  # a package from before model files: the page offers no file input
        return None
    return model_files if hasattr(model_files, "trace_bytes") else None


# --------------------------------------------------------------------------- code and errors

MAX_CODE = 200_000  # characters: a pasted program, not a data file


def check_code(code: str, shapes_text: str = "", assume_text: str = "") -> dict:
    """What the page shows for a program (code mode): the text `rnnshape check` prints, and
    each finding with its line and, when its fix is an edit, the program with it made.

    ``shapes_text``: sizes the code cannot show, ``X=1000,24,3``, separated by spaces,
    semicolons or new lines (the command's ``--shape``); ``assume_text`` likewise states
    the output shape of a layer rnnshape cannot know, ``scale=None,12,8`` (``--assume``).

    Keys: ``text`` (or None), ``error`` (one line, or None), ``findings`` (``line``,
    ``severity``, ``code``, ``message``, ``fix``, ``fix_line``, ``fixed``: the whole program
    with that fix made, or None), ``lines`` (the program's line count), ``assumable`` (the
    layers whose output shape the reader could state, where a trace stopped), ``unused`` (the
    layers ``assume_text`` names that the program does not make: checked without them).
    """
    from rnnshape_docs.program import ProgramError, check_program
    from rnnshape_docs.program.findings import apply_edits

    result: dict = {
        "text": None,
        "models": None,
        "summary": None,
        "error": None,
        "findings": [],
        "lines": code.count("\n") + 1,
        "assumable": [],
        "unused": [],
    }
    if not code.strip():
        result["error"] = f"{cli.PROG}: error: no program: paste or type the code that fails"
        return result
    if len(code) > MAX_CODE:
        result["error"] = (
            f"{cli.PROG}: error: {len(code):,} characters is more than a program; the explorer "
            f"reads up to {MAX_CODE:,} (rnnshape check reads files of any size in a terminal)"
        )
        return result
    try:
        shapes = cli._stated_shapes(shapes_text.replace(";", " ").split())
        assume = cli.assumed(assume_text.replace(";", " ").split())
        # A shape stated for a layer the edited code no longer makes is reported, not an error.
        checked = check_program(
            code, shapes=shapes, filename="program.py", assume=assume, unused_assume="ignore"
        )
    except (ProgramError, cli.UsageError, ShapeError) as exc:
        result["error"] = f"{cli.PROG}: error: {cli._one_line(exc)}"
        return result
    from rnnshape_docs.program.result import NO_FINDINGS

    result["text"] = checked.text(80)
    result["models"] = checked.text(80, findings=False)
    result["summary"] = NO_FINDINGS
    result["unused"] = list(checked.unused_assume)
    for finding in checked.findings:
        entry = finding.to_json()
        entry["fixed"] = apply_edits(code, [finding.edit]) if finding.edit is not None else None
        entry.pop("edit", None)
        result["findings"].append(entry)
        for name in _assumable(finding.message):
            if name not in result["assumable"]:
                result["assumable"].append(name)
    return result


# Where a trace stops at a layer rnnshape cannot know, the message says how to state it.
_ASSUMABLE = re.compile(r"--assume ([\w./-]+)=SHAPE")


def _assumable(message: str) -> list[str]:
    """The layers whose output shape ``message`` asks the reader to state (``--assume``)."""
    return _ASSUMABLE.findall(message)


def check_code_json(code: str, shapes_text: str = "", assume_text: str = "") -> str:
    """`check_code` as one JSON string."""
    return json.dumps(check_code(code, shapes_text, assume_text))


def explain_message(message: str) -> dict:
    """What the page shows for an error message (error mode): `rnnshape explain`'s text."""
    from rnnshape_docs.explain import ExplainError, explain

    result: dict = {"text": None, "error": None, "page": None}
    if not message.strip():
        result["error"] = f"{cli.PROG}: error: no message: paste the error Keras printed"
        return result
    try:
        found = explain(message)
    except ExplainError as exc:
        result["error"] = f"{cli.PROG}: error: {exc}"
        return result
    if found is None:
        result["error"] = (
            f"{cli.PROG}: not a message rnnshape knows; the book's error gallery lists the ones "
            "it explains"
        )
        result["page"] = "tools/02-error-gallery.html"
        return result
    result["text"] = str(found)
    result["page"] = found.page
    return result


def explain_json(message: str) -> str:
    """`explain_message` as one JSON string."""
    return json.dumps(explain_message(message))


def run_command(argv: Sequence[str]) -> tuple[int, str, str]:
    """Run the `rnnshape` command's own `main` on ``argv``: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(list(argv))
    return status, out.getvalue(), err.getvalue()


def suggest_fix(input_text: str, layers: Sequence[str]) -> dict | None:
    """The fix the tracer names for a stack it refuses, when it is return_sequences=True.

    The tracer's message asks for return_sequences=True on a recurrent layer before the one
    that failed (``ShapeError.index``), naming it; the fix rewrites that layer so.
    """
    try:
        trace(list(layers), input_text)
    except ShapeError as refused:
        named = _FIX_HINT.search(str(refused))
        if not refused.index or "set return_sequences=True on" not in str(refused):
            return None
        target = int(named.group(1)) - 1 if named else refused.index - 1  # else: "that one"
        if not 0 <= target < refused.index:
            return None
        try:
            fixed = with_return_sequences(layers[target])
        except SpecError:
            return None
        if fixed == parse(layers[target]).text:  # not a recurrent layer: the hint is general
            return None
        new = [*layers[:target], fixed, *layers[target + 1 :]]
        return {
            "index": target,
            "layers": new,
            "label": f"Set return_sequences=True on layer {target + 1}, {parse(layers[target])}",
        }
    return None


def with_return_sequences(layer: str) -> str:
    """The layer's text with return_sequences=True (inside a Bidirectional, on both sides).

    >>> with_return_sequences("Bidirectional(LSTM(4, return_sequences=False), merge_mode='sum')")
    "Bidirectional(LSTM(4, return_sequences=True), merge_mode='sum')"
    """
    call = ast.parse(parse(layer).text, mode="eval").body  # normalised: a checked layer call
    _set_return_sequences(call)
    return parse(ast.unparse(call)).text


def _set_return_sequences(call: ast.Call) -> None:
    name = call.func.id if isinstance(call.func, ast.Name) else ""
    if name in RETURNS_SEQUENCES:
        call.keywords = [k for k in call.keywords if k.arg != "return_sequences"]
        call.keywords.append(ast.keyword("return_sequences", ast.Constant(True)))
        return
    wrapped = [
        *call.args[:1],
        *(k.value for k in call.keywords if k.arg in ("layer", "backward_layer")),
    ]
    for inner in wrapped:
        if isinstance(inner, ast.Call):
            _set_return_sequences(inner)


def _stack_svg(result, width: float | None) -> str | None:
    """The stack as SVG, drawn by rnnshape_docs.svg (stdlib only, so it runs in Pyodide)."""
    try:
        from rnnshape_docs.svg import stack_svg
    except ImportError:  # a package without the SVG writer: the page shows no figure
        return None
    return stack_svg(result, width=width)


# --------------------------------------------------------------------------- the link

# encodeURIComponent's unreserved characters, so Python and the page write the same link;
# commas stay as they are in the input shape (design.md: #input=1,7,3&layer=...).
_LAYER_SAFE = "!~*'()"
_INPUT_SAFE = _LAYER_SAFE + ","


def fragment(input_text: str, layers: Sequence[str]) -> str:
    """The URL fragment (without ``#``) that opens the explorer on this stack."""
    # Imported here: the page's script reads and writes fragments itself, and importing
    # urllib.parse (with ipaddress) costs Pyodide about 0.2 s before the first trace.
    from urllib.parse import quote

    parts = [f"input={quote(input_text, safe=_INPUT_SAFE)}"]
    parts += [f"layer={quote(layer, safe=_LAYER_SAFE)}" for layer in layers]
    return "&".join(parts)


LONG_PROGRAM = 1500  # characters: longer programs go into a link compressed


def code_fragment(code: str, shapes: Sequence[str] = (), assume: Sequence[str] = ()) -> str:
    """The URL fragment (without ``#``) that opens the explorer's code mode on ``code``.

    A long program is compressed (``codez=``: raw deflate, base64url without padding), as the
    page writes it; ``shapes`` are ``NAME=SHAPE`` sizes the code cannot show, ``assume`` the
    ``NAME=SHAPE`` output shapes stated for layers rnnshape cannot know.

    >>> code_fragment("import keras\\nm = keras.Sequential()")
    'code=import%20keras%0Am%20%3D%20keras.Sequential()'
    >>> code_fragment("x = 1\\n" * 400).startswith("codez=")
    True
    """
    from urllib.parse import quote

    if len(code) > LONG_PROGRAM:
        import base64
        import zlib

        packer = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate, as CompressionStream
        packed = packer.compress(code.encode("utf-8")) + packer.flush()
        parts = ["codez=" + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")]
    else:
        parts = [f"code={quote(code, safe=_LAYER_SAFE)}"]
    parts += [f"shape={quote(shape, safe=_INPUT_SAFE)}" for shape in shapes]
    parts += [f"assume={quote(stated, safe=_INPUT_SAFE)}" for stated in assume]
    return "&".join(parts)


def from_fragment(text: str) -> tuple[str | None, list[str]]:
    """The input shape and layers a fragment holds (``input`` None when it has none)."""
    from urllib.parse import unquote

    input_text, layers = None, []
    for part in text.removeprefix("#").split("&"):
        key, _, value = part.partition("=")
        if key == "input":
            input_text = unquote(value)
        elif key == "layer":
            layers.append(unquote(value))
    return input_text, layers
