"""The seed notebook's experiment on Keras 3 (rnnshape_docs.experiment)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from rnnshape_docs import experiment


def test_seed_shapes_are_the_notebooks_ten():
    assert len(experiment.SEED_SHAPES) == 10
    assert len(set(experiment.SEED_SHAPES)) == 10
    assert all(len(s) == 3 for s in experiment.SEED_SHAPES)


def test_importing_the_module_does_not_import_keras():
    code = "import sys, rnnshape_docs.experiment; print('keras' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_text_formats_without_keras():
    result = experiment.OutputShapes((1, 3, 1), 4, (1, 4), (1, 3, 4))
    assert str(result) == (
        "Input shape: (1, 3, 1)\n  Without sequences: (1, 4)\n  With sequences: (1, 3, 4)"
    )
    html = result._repr_html_()
    assert html.startswith("<table")
    assert '<code><span class="rnnshape-shape">(1, 3, 4)</span></code>' in html
    table = experiment.Experiment(4, (result,))
    assert str(table).splitlines()[3].split() == ["(1,", "3,", "1)", "(1,", "4)", "(1,", "3,", "4)"]
    assert table._repr_html_().count("<tr>") == 2  # header + one row


@pytest.mark.keras
@pytest.mark.parametrize("units", [1, 4, 7])
def test_all_seed_shapes_follow_the_rule(units):
    table = experiment.run_experiment(units=units)
    assert [r.input for r in table.results] == list(experiment.SEED_SHAPES)
    for (samples, steps, _features), r in zip(experiment.SEED_SHAPES, table.results, strict=True):
        assert r.without_sequences == (samples, units)
        assert r.with_sequences == (samples, steps, units)


@pytest.mark.keras
def test_make_model_leaves_the_batch_out():
    model = experiment.make_model((5, 7, 3), units=2, return_sequences=True)
    assert tuple(model.input_shape) == (None, 7, 3)
    assert tuple(model.output_shape) == (None, 7, 2)
