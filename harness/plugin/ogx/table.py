"""The table a run of OGX's tests ends with: per test file, passed / failed / xfailed / skipped, and the
cause of every test that did not pass (declared causes from known_failures.yaml, replay misses with the
fields that differ, skip reasons, and the first line of any other failure)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

COLUMNS = ("passed", "failed", "xfailed", "skipped", "error")
_DECLARED = re.compile(
    r"^\[(?P<cause>[a-z-]+)\] (?P<reason>.*?)(?: \(known_failures\.yaml, entry \d+\))?$", re.S
)


class OgxTable:
    def __init__(self, integration: Path) -> None:
        self.integration = integration
        self.outcomes: dict[str, Counter[str]] = defaultdict(Counter)
        self.causes: dict[str, Counter[str]] = defaultdict(Counter)

    def _file(self, report: pytest.TestReport) -> str:
        path = report.nodeid.split("::", 1)[0]
        return path.split("tests/integration/", 1)[-1]  # whatever the rootdir, as OGX names its files

    @pytest.hookimpl(trylast=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        outcome, cause = _classify(report)
        if outcome is not None:
            self.outcomes[self._file(report)][outcome] += 1
            if cause:
                self.causes[self._file(report)][cause] += 1

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.outcomes:
            return
        terminalreporter.section("OGX's tests under the harness")
        width = max(len(name) for name in self.outcomes)
        terminalreporter.write_line(f"{'file':<{width}}  " + "  ".join(f"{c:>7}" for c in COLUMNS))
        for name in sorted(self.outcomes):
            counts = self.outcomes[name]
            terminalreporter.write_line(f"{name:<{width}}  " + "  ".join(f"{counts[c]:>7}" for c in COLUMNS))
        total = Counter[str]()
        for counts in self.outcomes.values():
            total.update(counts)
        terminalreporter.write_line(f"{'total':<{width}}  " + "  ".join(f"{total[c]:>7}" for c in COLUMNS))
        terminalreporter.write_line("")
        terminalreporter.write_line("why tests did not pass (count, file, cause):")
        for name in sorted(self.causes):
            for cause, count in self.causes[name].most_common():
                terminalreporter.write_line(f"  {count:>3}  {name}: {cause}")


def _classify(report: pytest.TestReport) -> tuple[str | None, str | None]:
    if report.when == "call" or (report.when == "setup" and not report.passed):
        if hasattr(report, "wasxfail"):
            if report.skipped:
                match = _DECLARED.match(report.wasxfail)
                cause = f"{match['cause']}: {match['reason']}" if match else report.wasxfail
                return "xfailed", cause
            return "failed", f"passed although declared as failing: {report.wasxfail}"
        if report.skipped:
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
            return "skipped", f"skipped: {reason.removeprefix('Skipped: ')}"
        if report.failed:
            return ("error" if report.when == "setup" else "failed"), _failure_cause(report)
        if report.when == "call":
            return "passed", None
    return None, None


def _failure_cause(report: pytest.TestReport) -> str:
    text = report.longreprtext
    if text.startswith("[XPASS(strict)]"):
        return "passed although known_failures.yaml says it fails (remove the entry): " + text[16:120]
    if "no recording matches" in text:
        fields = re.search(r"differs in: (.*)", text)
        return (
            f"replay-miss: differs in {fields[1].strip()}"
            if fields
            else "replay-miss: no recording with this route"
        )
    if "blocked a " in text and "a replay run must not reach the network" in text:
        target = re.search(r"blocked a [a-z ]+ to (\S+)", text)
        return f"blocked outbound connection to {target[1] if target else '?'}"
    finding = re.search(r"^\[error\] (\w+): (.*)$", text, re.M)
    if finding and re.search(r"\d+ contract findings?:", text):
        return f"contract finding ({finding[1]}): {finding[2][:140]}"
    lines = [line for line in text.splitlines() if line.startswith("E ")]
    first = lines[0][1:].strip() if lines else (text.strip().splitlines() or ["?"])[-1]
    return f"unclassified: {first[:160]}"
