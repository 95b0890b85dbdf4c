"""The book's patches of private upstream functions still patch something that needs it.

docs/_ext/rnnshape_site.py wraps MyST-NB's stream merge, jupyter-cache's reference to
nbclient's execute(), and builds Sphinx's _JavaScript objects. Each would silently become
a no-op if upstream moved or renamed what it patches, and each should go once upstream no
longer needs it: these tests fail in both cases.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "docs" / "_ext"))
import rnnshape_site


def _stream(text: str, name: str = "stdout"):
    return nbformat.v4.new_output("stream", name=name, text=text)


# --------------------------------------------------------------------------- MyST-NB


def test_mystnb_still_breaks_a_line_split_across_stream_chunks():
    from myst_nb.core import utils

    chunks = [_stream("after the Dense:"), _stream(" (53, 1)\n")]
    merged = utils.coalesce_streams(chunks)
    # upstream's merge strips each chunk and adds a newline: the patch is still needed
    assert merged[0]["text"] != "after the Dense: (53, 1)\n", "MyST-NB fixed it: drop the patch"


def test_the_stream_merge_patch_is_what_mystnb_renders_with(monkeypatch):
    from myst_nb.core import render, utils

    monkeypatch.setattr(render, "coalesce_streams", utils.coalesce_streams)
    rnnshape_site._patch_mystnb_stream_merge()
    # the renderer looks the merge up in its module when it renders a cell's outputs
    assert "coalesce_streams" in render.MditRenderMixin._get_nb_code_cell_outputs.__code__.co_names
    assert getattr(render.coalesce_streams, "_joins_chunks", False), "the patch did not apply"
    merged = render.coalesce_streams([_stream("after the Dense:"), _stream(" (53, 1)\n")])
    assert [o["text"] for o in merged] == ["after the Dense: (53, 1)\n"]


# --------------------------------------------------------------------------- jupyter-cache


def test_jupyter_cache_executes_through_the_reference_the_patch_wraps(monkeypatch):
    from jupyter_cache.executors import utils

    calls = []
    monkeypatch.setattr(utils, "executenb", lambda nb, **kwargs: calls.append(kwargs))
    rnnshape_site._execute_pages_over_ipc()
    assert "executenb" in utils.single_nb_execution.__code__.co_names
    utils.single_nb_execution(nbformat.v4.new_notebook(), cwd=None, timeout=5, allow_errors=False)
    assert len(calls) == 1, "jupyter-cache no longer calls utils.executenb: the patch is a no-op"
    manager = calls[0].get("kernel_manager_class")
    assert manager is not None
    assert manager().transport == "ipc"


def test_kernels_still_need_the_ipc_patch():
    from jupyter_client.manager import AsyncKernelManager
    from myst_nb.core.execute.cache import NotebookClientCache

    # jupyter_client still starts kernels over TCP by default, and MyST-NB still passes no
    # kernel manager to jupyter-cache: without the patch, parallel pages race for ports
    assert AsyncKernelManager().transport == "tcp", "kernels use IPC already: drop the patch"
    assert "kernel_manager" not in inspect.getsource(NotebookClientCache), (
        "MyST-NB passes a kernel manager now: configure it instead of patching"
    )


# --------------------------------------------------------------------------- Sphinx


def test_sphinx_scripts_are_still_javascript_objects_without_defer(tmp_path):
    from sphinx.application import Sphinx
    from sphinx.builders.html._assets import _JavaScript

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text("")
    (src / "index.rst").write_text("Book\n====\n\nText.\n")
    seen = {}

    def record(app, pagename, templatename, context, doctree):
        if pagename == "index":
            seen["before"] = list(context["script_files"])
            rnnshape_site._defer_scripts(app, pagename, templatename, context, doctree)
            seen["after"] = list(context["script_files"])

    app = Sphinx(
        str(src), str(src), str(tmp_path / "out"), str(tmp_path / "doctrees"), "html",
        status=None, warning=None, freshenv=True,
    )  # fmt: skip
    app.connect("html-page-context", record)
    app.build()

    def deferred(scripts):
        return {Path(str(js.filename)).name: "defer" in js.attributes for js in scripts}

    before, after = deferred(seen["before"]), deferred(seen["after"])
    assert all(isinstance(js, _JavaScript) for js in seen["before"])
    assert before["doctools.js"] is False, "Sphinx defers its scripts itself: drop the patch"
    assert after["doctools.js"] is True
    assert after["documentation_options.js"] is False  # inline scripts use it right away
    assert set(after) == set(before)
