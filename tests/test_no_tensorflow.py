"""Tracing never imports TensorFlow or Keras (checked in a fresh interpreter)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import sys
{body}
heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras', 'tf_keras'))
print(','.join(heavy) or 'none')
"""


@pytest.mark.parametrize(
    "body",
    [
        "import rnnshape_docs",
        (
            "from rnnshape_docs import trace\n"
            "trace(['LSTM(4, return_sequences=True)', 'Bidirectional(GRU(3), merge_mode=None)'],"
            " (2, 5, 3))"
        ),
        (
            "from rnnshape_docs.cli import main\n"
            "main(['trace', '--input', '2,5,3', 'LSTM(4)', 'Dense(1)', '--json'])\n"
            "main(['trace', '--input', '2,5,3', 'LSTM(4)', 'LSTM(8)'])"
        ),
        (
            "from rnnshape_docs.cheatsheet import patterns\n"
            "from rnnshape_docs.targets import check_target\n"
            "for row in patterns().rows:\n"
            "    check_target(row.output, row.targets[0], row.loss)"
        ),
        (
            "from rnnshape_docs.cli import main\n"
            "main(['trace', '--input', 'None,None,1', 'Embedding(10, 4)', 'Conv1D(2, 3)',"
            " 'MaxPooling1D()', 'TimeDistributed(Dense(3))', 'Flatten()'])"
        ),
        (
            "import io, json, os, tempfile, zipfile\n"
            "from tests.test_model_files import ENCODER_DECODER\n"
            "from rnnshape_docs.cli import main\n"
            "path = os.path.join(tempfile.mkdtemp(), 'model.keras')\n"
            "with zipfile.ZipFile(path, 'w') as z:\n"
            "    z.writestr('config.json', json.dumps(ENCODER_DECODER))\n"
            "main(['trace', path, '--json'])"
        ),
    ],
    ids=["import", "trace", "cli", "patterns-and-targets", "cli-more-layers", "cli-model-file"],
)
def test_tracing_does_not_import_tensorflow(body):
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(body=body)],
        cwd=Path(__file__).parent.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip().splitlines()[-1] == "none"
