"""The benchmark's generated model file is a model as Keras 3 writes it (nox -s bench)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from rnnshape_docs import trace_model
from rnnshape_docs.graph import trace_config

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "generated_model.py"
_SPEC = importlib.util.spec_from_file_location("generated_model", _PATH)
assert _SPEC is not None
assert _SPEC.loader is not None
generated_model = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(generated_model)


@pytest.mark.parametrize("n_layers", [11, 200])
def test_the_generated_model_has_the_layers_asked_for_and_traces(n_layers):
    config = generated_model.functional_config(n_layers)
    assert len(config["config"]["layers"]) == n_layers
    traced = trace_config(json.loads(json.dumps(config)))
    assert len(traced.steps) == n_layers - 1  # every layer but the input is one call
    assert traced.outputs == ((None, 1),)


@pytest.mark.keras
def test_keras_reads_the_generated_config_and_writes_it_back_unchanged():
    import keras

    config = generated_model.functional_config(30)
    model = keras.models.model_from_json(json.dumps(config))
    assert json.loads(model.to_json()) == config
    assert trace_model(model).steps == trace_config(config).steps
