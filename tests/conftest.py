"""Suite-wide checks: tests that could not run are never mistaken for tests that passed.

The book's "checked against Keras" rests on the ``keras``-marked tests, so a run in which
one of them was skipped (Keras missing, TensorFlow failing to load) fails, and so does a
run in which a whole test module was skipped at collection (its tests would vanish
without a line). Deselecting the Keras tests on purpose (``-m "not keras"``) is fine.
"""

from __future__ import annotations

import pytest


class _MustRun:
    """Collects the skips that fail the run, and fails it."""

    def __init__(self) -> None:
        self.skipped: list[str] = []

    @staticmethod
    def _reason(report) -> str:
        longrepr = report.longrepr
        if isinstance(longrepr, tuple) and len(longrepr) == 3:  # (path, line, "Skipped: why")
            return str(longrepr[2]).removeprefix("Skipped: ")
        return str(longrepr)

    def pytest_collectreport(self, report):
        if report.skipped and report.nodeid:
            self.skipped.append(f"{report.nodeid} (the whole module): {self._reason(report)}")

    def pytest_runtest_logreport(self, report):
        if report.skipped and "keras" in report.keywords:
            self.skipped.append(f"{report.nodeid}: {self._reason(report)}")

    def pytest_sessionfinish(self, session, exitstatus):
        if self.skipped and exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter):
        if not self.skipped:
            return
        tr = terminalreporter
        tr.section("skipped tests that must run", red=True)
        tr.write_line(
            f"{len(self.skipped)} Keras test(s) or test module(s) were skipped, so the run "
            "fails: install the package with its keras extra (nox does), or deselect the "
            'Keras tests on purpose with -m "not keras".',
            red=True,
        )
        for line in self.skipped[:10]:
            tr.write_line(f"  {line}")


def pytest_configure(config):
    config.pluginmanager.register(_MustRun(), "rnnshape-must-run")
