"""What `check_program` returns: the models it traced, the arrays it read, the findings, and
the ways to show them (the command's text, one JSON object, an HTML table in Jupyter)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

from rnnshape_docs.graph import ModelTrace
from rnnshape_docs.program import sizes
from rnnshape_docs.program.findings import Finding, apply_edits
from rnnshape_docs.program.source import Source
from rnnshape_docs.program.values import Array
from rnnshape_docs.tables import Table


@dataclass
class CheckedModel:
    """A model the program builds: where, its trace (if it could be traced), its layers' lines."""

    name: str
    line: int
    kind: str
    var: str
    trace: ModelTrace | None
    lines: dict[str, int]

    def to_json(self) -> dict:
        entry: dict[str, Any] = {"name": self.name, "var": self.var, "line": self.line}
        if self.trace is None:
            entry.update(inputs=None, layers=[], outputs=None)
            return entry
        data = self.trace.to_json()
        for layer in data["layers"]:
            layer["line"] = self.lines.get(layer["name"].split("/")[0], self.line)
        entry.update(data)
        return entry

    def table(self) -> Table | None:
        if self.trace is None:
            return None
        base = self.trace.table()
        if not self.line:  # a built model (check_fit): no program lines
            return base
        rows = [
            (self.lines.get(row[0].split("[")[0].split("/")[0], self.line), *row)
            for row in base.rows
        ]
        return Table(("line", *base.columns), rows, base.caption, code=(2, 3, 4))


@dataclass
class ProgramCheck:
    """What `check_program` found: the models, the named arrays, the findings."""

    source: Source
    models: list[CheckedModel]
    arrays: list[tuple[str, int, Array]]
    findings: list[Finding]
    unused_assume: tuple[str, ...] = ()  # stated (--assume) for no layer the program makes

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def exit_status(self) -> int:
        return 1 if self.errors else 0

    def where(self, line: int) -> str:
        return self.source.where(line)

    def fixed_text(self) -> str:
        """The program with the edit of every error and warning made (the fixes applied)."""
        edits = [f.edit for f in self.findings if f.edit is not None and f.severity != "note"]
        return apply_edits(self.source.text, edits)

    def to_json(self) -> dict:
        return {
            "models": [m.to_json() for m in self.models],
            "arrays": [
                {
                    "name": name,
                    "line": line,
                    "shape": None if a.shape is None else [sizes.to_json(s) for s in a.shape],
                    **({"dtype": a.dtype} if a.dtype else {}),
                    **({"labels": a.labels} if a.labels else {}),
                }
                for name, line, a in self.arrays
            ],
            "findings": [
                f.to_json(self.source.where if self.source.cells else None) for f in self.findings
            ],
        }

    def text(self, width: int | None = 80, *, wrap: bool = True, findings: bool = True) -> str:
        """The models' tables at ``width``, then the findings: wrapped for a reader, or with
        ``wrap=False`` one per line (`LINE: severity CODE: message; fix: edit`) for tools."""
        out = []
        for model in self.models:
            head = f"model {model.name!r}" + (
                f" ({model.var})" if model.var and model.var != model.name else ""
            )
            if model.line:
                where = self.where(model.line)  # "12", or "cell 3, line 2" in a notebook
                head += f", built at {where if where.startswith('cell') else 'line ' + where}"
            table = model.table()
            if table is None:
                out.append(head + ": not traced (a finding below says why)")
            else:
                out.append(head + ":")
                out.append(table.text(width))
            out.append("")
        if not findings:
            return "\n".join(out).rstrip("\n")
        if not self.findings:
            out.append(NO_FINDINGS)
        for f in self.findings:
            line = f"{self.where(f.line)}: " if f.line else ""
            line += f"{f.severity} {f.code}: {f.message}"
            if f.fix:
                target = (
                    f" (line {self.where(f.fix_line)})"
                    if f.fix_line and f.fix_line != f.line
                    else ""
                )
                line += f"; fix{target}: {f.fix}"
            # One finding per line for a pipe (width None); wrapped, indented, for a reader.
            out.append(wrap_finding(line, width) if width and wrap else line)
        return "\n".join(out)

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        import html

        parts = []
        for model in self.models:
            table = model.table()
            if table is not None:
                parts.append(
                    f"<p>model <code>{html.escape(model.name)}</code>, line {model.line}</p>"
                )
                parts.append(table._repr_html_())
        rows = "".join(
            f"<tr><td>{html.escape(self.where(f.line))}</td><td>{f.severity}</td><td><code>{f.code}</code></td>"
            f"<td>{html.escape(f.message)}</td><td><code>{html.escape(f.fix)}</code></td></tr>"
            for f in self.findings
        )
        parts.append(
            "<table><thead><tr><th>line</th><th>severity</th><th>code</th><th>finding</th>"
            f"<th>fix</th></tr></thead><tbody>{rows}</tbody></table>"
        )
        return "\n".join(parts)


def wrap_finding(text: str, width: int) -> str:
    """A finding wrapped for a reader: never inside a shape or a call's parentheses."""
    depth, kept = 0, []
    for char in text:
        depth += char in "([{"
        depth -= char in ")]}"
        kept.append("\u00a0" if char == " " and depth > 0 else char)  # textwrap keeps it whole
    wrapped = textwrap.fill("".join(kept), width, subsequent_indent="    ", break_long_words=False)
    return wrapped.replace("\u00a0", " ")


NO_FINDINGS = "no findings: the shapes in this program agree"
