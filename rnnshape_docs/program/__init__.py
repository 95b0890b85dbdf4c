"""`rnnshape check`: read a reader's program (never run it) and name the line to change.

The room is split along what reading a program takes: `source` (the text, bounded, a
notebook's cells), `reader` (the abstract interpreter), `calls` with `numpy_calls` and
`keras_calls` (what each call makes), `losses`, `findings` (every kind, a code each) and
`check` (tracing the models on their data through the one walk, and the checks).
"""

from rnnshape_docs.program.check import CheckedModel, ProgramCheck, check_program
from rnnshape_docs.program.live import check_fit
from rnnshape_docs.program.source import ProgramError

__all__ = ["CheckedModel", "ProgramCheck", "ProgramError", "check_fit", "check_program"]
