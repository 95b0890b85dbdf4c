"""Every kind of finding `check` reports, one small class each, with a stable code.

A finding names the line, says what clashes with what (the names and shapes as the code
has them) and gives the fix as an edit of a line of the reader's own code. The code
(``RS103``) is stable, so the book and the docs can link to what a kind means.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

ERROR, WARNING, NOTE = "error", "warning", "note"
_ORDER = {ERROR: 0, WARNING: 1, NOTE: 2}


@dataclass(frozen=True)
class Edit:
    """The fix as a change of the program's text: the span from (line, col) to (end_line,
    end_col) becomes ``text`` (columns as Python's ``ast`` counts them: UTF-8 bytes)."""

    line: int
    col: int
    end_line: int
    end_col: int
    text: str

    def to_json(self) -> dict:
        return {
            "line": self.line,
            "col": self.col,
            "end_line": self.end_line,
            "end_col": self.end_col,
            "text": self.text,
        }


def apply_edits(text: str, edits: list[Edit]) -> str:
    """``text`` with ``edits`` made, last first; an edit overlapping one already made is skipped."""
    lines = text.splitlines(keepends=True)

    def offset(line: int, col: int) -> int:
        if line > len(lines):
            return len(text)
        before = sum(len(x) for x in lines[: line - 1])
        return before + len(lines[line - 1].encode("utf-8")[:col].decode("utf-8", "ignore"))

    done: list[tuple[int, int]] = []
    out = text
    spans = sorted(
        ((offset(e.line, e.col), offset(e.end_line, e.end_col), e.text) for e in edits),
        reverse=True,
    )
    for start, end, new in spans:
        if any((start < b and a < end) or start == a for a, b in done):
            continue
        out = out[:start] + new + out[end:]
        done.append((start, max(end, start)))
    return out


@dataclass(frozen=True)
class Finding:
    """One finding: where, how bad, what, and the edit that fixes it."""

    code: str
    severity: str
    line: int
    message: str
    fix: str = ""
    fix_line: int = 0  # the line the fix edits, when it is not ``line``
    edit: Edit | None = None  # the fix as a change of the text, when it is one

    def to_json(self, where=None) -> dict:
        entry = {
            "line": self.line,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "fix": self.fix,
        }
        if self.fix_line and self.fix_line != self.line:
            entry["fix_line"] = self.fix_line
        if self.edit is not None:
            entry["edit"] = self.edit.to_json()
        if where is not None and where(self.line) != str(self.line):
            entry["where"] = where(self.line)
        return entry


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then notes; by line within each; duplicates dropped."""
    seen, out = set(), []
    for f in sorted(findings, key=lambda f: (_ORDER[f.severity], f.line, f.code)):
        key = (f.code, f.line, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


class Kind:
    """A kind of finding: its code, its severity and what it is about (for the docs)."""

    code: ClassVar[str]
    severity: ClassVar[str]
    about: ClassVar[str]

    @classmethod
    def at(
        cls, line: int, message: str, fix: str = "", fix_line: int = 0, edit: Edit | None = None
    ) -> Finding:
        if edit is not None and not fix_line and edit.line != line:
            fix_line = edit.line
        return Finding(cls.code, cls.severity, line, message, fix, fix_line, edit)


class LayerRefused(Kind):
    code, severity = "RS101", ERROR
    about = "a layer cannot take what the layers before it (or the data) give it"


class DataRank(Kind):
    code, severity = "RS102", ERROR
    about = "the data has another number of axes than the model's input"


class DeclaredInput(Kind):
    code, severity = "RS103", ERROR
    about = "the input shape the model declares is not the shape of the data it is given"


class DataSize(Kind):
    code, severity = "RS104", ERROR
    about = "an axis of the data has another size than the model's input"


class Cardinality(Kind):
    code, severity = "RS105", ERROR
    about = "inputs and targets have different numbers of samples"


class LengthNotChecked(Kind):
    code, severity = "RS106", WARNING
    about = "a Sequential model gets another sequence length than it declares: Keras does not check"


class TargetShape(Kind):
    code, severity = "RS110", ERROR
    about = "the target cannot be compared with the model's output under the loss"


class TargetBroadcasts(Kind):
    code, severity = "RS111", ERROR
    about = "the target broadcasts against the output: it trains, on the wrong loss"


class IdsUnderOneHotLoss(Kind):
    code, severity = "RS112", ERROR
    about = "integer class ids given to a loss that reads one-hot rows (or the reverse)"


class OutputActivation(Kind):
    code, severity = "RS113", WARNING
    about = "the output layer's activation cannot give what the loss compares"


class StatefulBatch(Kind):
    code, severity = "RS120", ERROR
    about = "a stateful model's fixed batch size against batch_size or the number of samples"


class PredictSample(Kind):
    code, severity = "RS130", ERROR
    about = "predict given one sample without its batch axis"


class PredictLength(Kind):
    code, severity = "RS131", ERROR
    about = "predict given sequences of a length the model does not take"


class EmbeddingIds(Kind):
    code, severity = "RS140", ERROR
    about = "an Embedding's input_dim against the ids it reads, or its weights"


class Keras2Name(Kind):
    code, severity = "RS150", WARNING
    about = "a Keras 1/2 spelling that Keras 3 refuses: read as meant, with the Keras 3 one"


class Assumption(Kind):
    code, severity = "RS190", NOTE
    about = "a check that depends on a size the code does not fix"


class NotRead(Kind):
    code, severity = "RS191", NOTE
    about = "a part of the program rnnshape could not follow (the rest is still checked)"


KINDS: tuple[type[Kind], ...] = tuple(Kind.__subclasses__())
