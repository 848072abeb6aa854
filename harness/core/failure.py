"""Failures are data: a title, the evidence, and how to reproduce."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Evidence:
    label: str  # e.g. "request", "response", "stream excerpt", "schema location"
    text: str


@dataclass
class CheckFailure(AssertionError):
    """Raised by a check. Renders as title → evidence → how to reproduce."""

    check: str
    title: str
    evidence: tuple[Evidence, ...] = ()
    reproduce: str | None = None
    severity: Severity = Severity.ERROR
    operation: str | None = None
    expected_reason: str | None = field(default=None, compare=False)  # set when a deviation declares it

    def __post_init__(self) -> None:
        AssertionError.__init__(self, self.title)

    def render(self) -> str:
        head = f"[{self.severity.value}] {self.check}: {self.title}"
        if self.operation:
            head += f"  ({self.operation})"
        lines = [head]
        if self.expected_reason:
            lines.append(f"  expected failure (declared deviation): {self.expected_reason}")
        for item in self.evidence:
            lines.append(f"  {item.label}:")
            lines.extend("    " + line for line in item.text.rstrip().splitlines() or [""])
        if self.reproduce:
            lines.append("  Reproduce with:")
            lines.extend("    " + line for line in self.reproduce.rstrip().splitlines())
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


class CheckSkipped(Exception):
    """Raised by a check that does not apply to this exchange. Skipping is explicit."""


class CheckFailures(AssertionError):
    """Several failures from one exchange, raised together."""

    def __init__(self, failures: list[CheckFailure]) -> None:
        self.failures = failures
        super().__init__(self.render())

    def render(self) -> str:
        n = len(self.failures)
        head = f"{n} contract finding{'s' if n != 1 else ''}:"
        return "\n\n".join([head] + [f.render() for f in self.failures])
