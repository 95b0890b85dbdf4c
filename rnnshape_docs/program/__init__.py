"""`rnnshape check`: read a reader's program (never run it) and name the line to change.

The room is split along what reading a program takes: `source` (the text, bounded, a
notebook's cells), `reader` (the abstract interpreter) over `sizes` and `values`, `calls`
with `numpy_calls` and `keras_calls` (what each call makes), `layers` (a layer as the rules
read it), `check` (what the program makes, and its models traced on their data through the
one walk), `checks` (data, targets, stateful batches, predict, validation, Embedding),
`losses`, `findings` (every kind, a code each), `edits` (each fix as an edit of the code),
`result` (what is returned and shown) and `live` (the same checks on a built model).
"""

from rnnshape_docs.program.check import check_program
from rnnshape_docs.program.live import check_fit
from rnnshape_docs.program.result import CheckedModel, ProgramCheck
from rnnshape_docs.program.source import ProgramError

__all__ = ["CheckedModel", "ProgramCheck", "ProgramError", "check_fit", "check_program"]
