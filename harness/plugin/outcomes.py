"""Test outcomes per suite and mode, and each suite's test time: what the summary, the results file and
the Markdown report count. The counters are registered per config (a report carries no config)."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

COLUMNS = ("passed", "failed", "xfailed", "xpassed", "skipped", "error")


def suite_of(nodeid: str) -> str:
    """``suites/responses/test_tools.py::test_x`` → ``suites/responses``; other paths → their directory."""
    path = nodeid.split("::")[0]
    parts = path.split("/")
    if parts[0] == "suites" and len(parts) > 2:
        return "/".join(parts[:2])
    return "/".join(parts[:-1]) or path


def outcome_of(report: pytest.TestReport) -> str | None:
    """The column a report counts in (None: it does not count, e.g. a passed setup)."""
    if hasattr(report, "wasxfail"):
        return "xfailed" if report.skipped else ("xpassed" if report.passed else None)
    if report.when == "call":
        return report.outcome
    if report.failed:
        return "error"
    if report.skipped and report.when == "setup":
        return "skipped"
    return None


class Outcomes:
    """(suite, mode) → outcome → count, and suite → seconds of its tests."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.counts: defaultdict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        self.seconds: defaultdict[str, float] = defaultdict(float)

    @pytest.hookimpl(trylast=True)  # after pytest's subtests support fails a parent with failed subtests
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        outcome = outcome_of(report)
        if outcome is not None:
            self.counts[(suite_of(report.nodeid), self.mode)][outcome] += 1
        if type(report).__name__.lower() != "subtestreport":  # a subtest's time is inside its test's
            self.seconds[suite_of(report.nodeid)] += report.duration
