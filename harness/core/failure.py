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
    status: int | None = None  # the HTTP status of the response the finding is about, when there is one
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

    def to_dict(self) -> dict:
        """Plain data (for pytest-xdist's worker output, which carries only builtin types)."""
        return {
            "check": self.check,
            "title": self.title,
            "evidence": [[e.label, e.text] for e in self.evidence],
            "reproduce": self.reproduce,
            "severity": self.severity.value,
            "operation": self.operation,
            "status": None if self.status is None else int(self.status),
            "expected_reason": self.expected_reason,
        }

    @classmethod
    def from_dict(cls, data: dict) -> CheckFailure:
        return cls(
            check=data["check"],
            title=data["title"],
            evidence=tuple(Evidence(label, text) for label, text in data["evidence"]),
            reproduce=data["reproduce"],
            severity=Severity(data["severity"]),
            operation=data["operation"],
            status=data["status"],
            expected_reason=data["expected_reason"],
        )


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
