"""rnnshape_docs: the helper package behind the rnnshape book.

Importing it is cheap: the shape rules are pure Python, and everything that needs Keras
(and so TensorFlow) lives in `rnnshape_docs.keras_models`, imported only when used.
"""

from rnnshape_docs.graph import ModelTrace
from rnnshape_docs.model_files import trace_model
from rnnshape_docs.program import check_fit, check_program
from rnnshape_docs.shapes import Shape, ShapeError, Step, Trace, trace
from rnnshape_docs.tables import Table

__all__ = [
    "ModelTrace",
    "Shape",
    "ShapeError",
    "Step",
    "Table",
    "Trace",
    "check_fit",
    "check_program",
    "trace",
    "trace_model",
]


def __getattr__(name: str):
    # `from rnnshape_docs import check_model` works, but only that import pays for Keras
    # (and TensorFlow): `import rnnshape_docs` alone stays free of them.
    if name == "check_model":
        from rnnshape_docs.keras_models import check_model

        return check_model
    raise AttributeError(f"module 'rnnshape_docs' has no attribute {name!r}")
