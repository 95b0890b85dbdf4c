"""The shape explorer in the book: its page, its runtime, and the links that open it.

- ``{explorer}`` (a directive, on docs/tools/03-explorer.md) writes the explorer's form.
  Its menu holds the course model and every stack an ``{explore}`` role names.
- ``{explore}`1,7,3 | LSTM(4) | LSTM(4)``` (a role: input shape, then the layers, split by
  ``|``) is an "Open in the explorer" link whose URL fragment holds that stack.
- At build time the package's own wheel is built from the checkout (hatchling, the project's
  build backend, no network), compiled for Pyodide's Python (pyodide_bytecode.py) and shipped
  with the pinned Pyodide files (pyodide_dist.py; its standard library with the modules the
  explorer imports compiled too) under _static/explorer/; the page's script loads both from
  the site itself. The plain wheel is also shipped as _static/<its file name>, the readers'
  download (docs/index.md, "Run the examples yourself").

Nothing of this is loaded by any other page: the explorer's script is added to its page only.
"""

from __future__ import annotations

import html
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive
from explorer_csp import with_policy
from pyodide_bytecode import STDLIB, precompiled
from pyodide_dist import FILES, unpack
from pyodide_dist import VERSION as PYODIDE_VERSION

ROOT = Path(__file__).resolve().parents[2]
EXPLORER_DOC = "tools/03-explorer"
# Where the runtime lives in the built site (the version in the path: cached for good).
STATIC_DIR = "explorer"
PYODIDE_DIR = f"pyodide-{PYODIDE_VERSION}"
WHEEL_NAME = "rnnshape_docs.whl"
SCRIPT = f"{STATIC_DIR}/explorer.js"


# --- The links: {explore}`input | layer | layer` ---------------------------------------------
class explore_link(nodes.Inline, nodes.Element):
    """An "Open in the explorer" link, resolved once the page's URL is known."""


def _read_stack(text: str) -> tuple[str, list[str]]:
    from rnnshape_docs.specs import parse

    input_text, *layers = (part.strip() for part in text.split("|"))
    if not layers:
        raise ValueError("write the input shape, then each layer, split by '|'")
    for layer in layers:
        parse(layer)  # a misspelt layer is a build error, not a broken link
    return input_text, layers


def explore_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    try:
        input_text, layers = _read_stack(text)
    except ValueError as exc:
        msg = inliner.reporter.error(f"{{explore}}`{text}`: {exc}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    env = inliner.document.settings.env
    examples = env.__dict__.setdefault("rnnshape_explorer_examples", [])
    examples.append({"doc": env.docname, "input": input_text, "layers": layers})
    return [explore_link(rawtext, input=input_text, layers=layers)], []


def _resolve_links(app, doctree, docname) -> None:
    from rnnshape_docs.explorer import fragment

    target = app.builder.get_relative_uri(docname, EXPLORER_DOC)
    for node in doctree.findall(explore_link):
        link = nodes.reference(
            "",
            "Open in the explorer",
            refuri=f"{target}#{fragment(node['input'], node['layers'])}",
            internal=True,
            classes=["explorer-link"],
        )
        node.replace_self(link)


def _purge(app, env, docname) -> None:
    examples = getattr(env, "rnnshape_explorer_examples", [])
    env.rnnshape_explorer_examples = [e for e in examples if e["doc"] != docname]


def _merge(app, env, docnames, other) -> None:
    env.__dict__.setdefault("rnnshape_explorer_examples", []).extend(
        e for e in getattr(other, "rnnshape_explorer_examples", []) if e["doc"] in docnames
    )


def _explorer_always_read(app, env, added, changed, removed) -> list[str]:
    # Its menu lists every page's {explore} stacks: rewrite it whenever any page is read.
    return [EXPLORER_DOC] if EXPLORER_DOC in env.found_docs else []


# --- The form: {explorer} ---------------------------------------------------------------------
class explorer_form(nodes.General, nodes.Element):
    """Where the explorer's form goes; written once all pages (and their stacks) are read."""


class ExplorerDirective(Directive):
    has_content = False

    def run(self):
        return [explorer_form()]


def _examples(env) -> list[dict]:
    from rnnshape_docs import ShapeError, trace
    from rnnshape_docs.explorer import WEATHER
    from rnnshape_docs.shapes import parse_shape

    menu = [
        {
            "label": "The course model (two SimpleRNNs, any length)",
            "input": WEATHER[0],
            "layers": list(WEATHER[1]),
        }
    ]
    listed = {(WEATHER[0], tuple(WEATHER[1]))}
    for example in sorted(
        env.__dict__.get("rnnshape_explorer_examples", []), key=lambda e: e["doc"]
    ):
        stack = (example["input"], tuple(example["layers"]))
        if stack in listed:  # several pages link the same stack: the menu lists it once
            continue
        listed.add(stack)
        title = (
            env.titles[example["doc"]].astext() if example["doc"] in env.titles else example["doc"]
        )
        label = f"{title}: {' → '.join(example['layers'])}"
        if example["doc"] == env.config.root_doc:  # the front page's triage, not its title
            label = f"Stuck on an error? {' → '.join(example['layers'])}"
        try:
            trace(example["layers"], parse_shape(example["input"]))
        except ShapeError:  # a stack the page shows failing, on purpose
            label += " (the error)"
        menu.append(
            {
                "label": label,
                **{k: example[k] for k in ("input", "layers")},
            }
        )
    return menu


def _form_html(examples: list[dict]) -> str:
    from rnnshape_docs.explorer import WEATHER

    esc = html.escape
    options = "".join(
        f'<option value="{i}">{esc(e["label"])}</option>' for i, e in enumerate(examples)
    )
    data = esc(json.dumps(examples, ensure_ascii=False))
    return f"""
<div id="explorer" class="rnnshape-explorer" data-state="loading" data-examples="{data}"
     data-pyodide="{PYODIDE_DIR}/" data-wheel="{WHEEL_NAME}">
<form id="explorer-form" class="explorer-form" autocomplete="off">
  <fieldset class="explorer-modes">
    <legend>What do you have?</legend>
    <label><input type="radio" name="explorer-mode" value="stack" checked>
      A stack of layers</label>
    <label><input type="radio" name="explorer-mode" value="code"> A program</label>
    <label><input type="radio" name="explorer-mode" value="error"> An error message</label>
  </fieldset>
  <div id="explorer-stack-mode" class="explorer-mode">
  <div class="explorer-field">
    <label for="explorer-example">Start from an example of the book</label>
    <select id="explorer-example"><option value="">Choose an example…</option>{options}</select>
  </div>
  <div class="explorer-field">
    <label for="explorer-input">Input shape</label>
    <input id="explorer-input" name="input" type="text" value="{esc(WEATHER[0])}"
           spellcheck="false" autocapitalize="off" aria-describedby="explorer-input-help">
    <p id="explorer-input-help" class="explorer-help">The full shape, batch first, comma-separated;
       <code>None</code> for an unknown size: <code>2,5,3</code> or <code>None,None,1</code>.</p>
  </div>
  <div class="explorer-field">
    <label for="explorer-layers">Layers, one per line</label>
    <textarea id="explorer-layers" name="layers" rows="6" spellcheck="false" autocapitalize="off"
              aria-describedby="explorer-layers-help">{esc(chr(10).join(WEATHER[1]))}</textarea>
    <p id="explorer-layers-help" class="explorer-help">Keras constructor syntax, as in your code:
       <code>LSTM(4, return_sequences=True)</code>. The text is read, never run.</p>
  </div>
  <div class="explorer-field explorer-file" id="explorer-file-field" hidden>
    <label for="explorer-file">Or trace a saved model (<code>.keras</code> or <code>.json</code>)</label>
    <input id="explorer-file" type="file" accept=".keras,.json" aria-describedby="explorer-file-help">
    <p id="explorer-file-help" class="explorer-help">Choose the file or drop it on the explorer:
       it is read in this page and never uploaded.</p>
  </div>
  </div>
  <div id="explorer-code-mode" class="explorer-mode" hidden>
  <div class="explorer-field">
    <label for="explorer-code">Your program</label>
    <textarea id="explorer-code" name="code" rows="14" spellcheck="false" autocapitalize="off"
              wrap="off" aria-describedby="explorer-code-help"></textarea>
    <p id="explorer-code-help" class="explorer-help">Paste the code that fails (or drop a
       <code>.py</code> or <code>.ipynb</code> file on the explorer). It is read as
       <code>rnnshape check</code> reads it: never run, and it never leaves this page.</p>
  </div>
  <div class="explorer-field">
    <label for="explorer-shapes">Sizes the code cannot show (optional)</label>
    <input id="explorer-shapes" name="shapes" type="text" spellcheck="false"
           autocapitalize="off" aria-describedby="explorer-shapes-help">
    <p id="explorer-shapes-help" class="explorer-help">For arrays read from files:
       <code>X=1000,24,3 y=1000</code>.</p>
  </div>
  </div>
  <div id="explorer-error-mode" class="explorer-mode" hidden>
  <div class="explorer-field">
    <label for="explorer-message">The error Keras printed</label>
    <textarea id="explorer-message" name="message" rows="6" spellcheck="false"
              autocapitalize="off" aria-describedby="explorer-message-help"></textarea>
    <p id="explorer-message-help" class="explorer-help">The message, or the whole traceback:
       what it means, the fix, and the section of the error gallery that shows it.</p>
  </div>
  <div class="explorer-field">
    <label for="explorer-error-code">The code that raised it (optional)</label>
    <textarea id="explorer-error-code" name="error-code" rows="6" spellcheck="false"
              autocapitalize="off" wrap="off" aria-describedby="explorer-error-code-help"></textarea>
    <p id="explorer-error-code-help" class="explorer-help">With the program too, a button
       opens it in the program mode: its models traced layer by layer, and what
       <code>rnnshape check</code> finds.</p>
  </div>
  </div>
</form>
<p id="explorer-status" class="explorer-status" role="status">Loading the tracer
   (Python in your browser: a few megabytes the first time, kept by your browser after)…
   You can type meanwhile.</p>
<div id="explorer-result" class="explorer-result" role="region" aria-live="polite"
     aria-atomic="true" aria-label="Trace"></div>
<figure id="explorer-figure" class="explorer-figure" hidden>
  <div class="explorer-svg"></div>
  <figcaption>The stack, each arrow labelled with the shape it carries.</figcaption>
</figure>
<noscript><p>The explorer runs the tracer in your browser and needs JavaScript. Without it,
  <code>rnnshape trace</code> answers the same questions in a terminal.</p></noscript>
</div>
"""


def _write_form(app, doctree, docname) -> None:
    if docname != EXPLORER_DOC:
        for node in doctree.findall(explorer_form):  # only the explorer page has one
            node.replace_self([])
        return
    for node in doctree.findall(explorer_form):
        node.replace_self(nodes.raw("", _form_html(_examples(app.env)), format="html"))


def _add_script(app, pagename, templatename, context, doctree) -> None:
    if pagename == EXPLORER_DOC:
        app.add_js_file(SCRIPT, type="module")


# --- The runtime: the package's wheel and Pyodide ------------------------------------------
def build_wheel(out: Path) -> Path:
    """The package's wheel, built into ``out`` from the checkout by its build backend."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, hatchling.build as b; print(b.build_wheel(sys.argv[1]))",
            str(out),
        ],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"building the rnnshape_docs wheel failed: {done.stderr.strip()}")
    return out / done.stdout.strip().splitlines()[-1]


def _ship_runtime(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static" / STATIC_DIR
    pyodide = static / PYODIDE_DIR
    unpack(pyodide, tuple(name for name in FILES if name != STDLIB))
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(app.doctreedir).parent / "explorer-python"  # beside doctrees, in the build
        built = build_wheel(Path(tmp))
        # The same wheel, under its proper name, is the reader's download: the install line
        # on the front page and on the trace page (pip needs the name-version-tags filename).
        _write_if_changed(Path(app.outdir) / "_static" / built.name, built.read_bytes())
        wheel, stdlib = precompiled(built, cache)
    # The standard library where Pyodide looks for it, with the explorer's modules compiled.
    for target, data in ((static / WHEEL_NAME, wheel), (pyodide / STDLIB, stdlib)):
        _write_if_changed(target, data)


def _write_if_changed(target: Path, data: bytes) -> None:
    if not target.is_file() or target.read_bytes() != data:
        target.write_bytes(data)


def _add_policy(app, exception) -> None:
    """The explorer page's Content-Security-Policy (explorer_csp.py), over the page as written."""
    if exception is not None or app.builder.format != "html":
        return
    page = Path(app.outdir) / f"{EXPLORER_DOC}.html"
    if page.is_file():
        text = page.read_text(encoding="utf-8")
        if (new := with_policy(text)) != text:
            page.write_text(new, encoding="utf-8")


def setup(app):
    app.add_node(explore_link)
    app.add_node(explorer_form)
    app.add_role("explore", explore_role)
    app.add_directive("explorer", ExplorerDirective)
    app.connect("doctree-resolved", _resolve_links)
    app.connect("doctree-resolved", _write_form)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-outdated", _explorer_always_read)
    app.connect("html-page-context", _add_script)
    app.connect("build-finished", _ship_runtime)
    # Last: after every hook that rewrites pages (rnnshape_site's run at 500 and 600).
    app.connect("build-finished", _add_policy, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
