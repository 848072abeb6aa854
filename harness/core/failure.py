"""Failures are data: a title, the evidence, and how to reproduce."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass, fields
from enum import Enum
from typing import Any


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Evidence:
    label: str  # e.g. "request", "response", "stream excerpt", "schema location"
    text: str


@dataclass(unsafe_hash=True)
class CheckFailure(AssertionError):
    """Raised by a check. Renders as title → evidence → how to reproduce.

    Immutable once made: a deviation that declares it makes an :class:`ExpectedFailure` of it (see
    :meth:`expected`), and a report that adds a hint makes a new one (``dataclasses.replace``). Only the
    dataclass fields are frozen; what Python sets on any exception (``__traceback__``, ``__notes__``)
    stays settable, so it can still be raised, chained and annotated."""

    check: str
    title: str
    evidence: tuple[Evidence, ...] = ()
    reproduce: str | None = None
    severity: Severity = Severity.ERROR
    operation: str | None = None
    status: int | None = None  # the HTTP status of the response the finding is about, when there is one

    def __post_init__(self) -> None:
        AssertionError.__init__(self, self.title)

    def __setattr__(self, name: str, value: object) -> None:
        if name in self.__dataclass_fields__ and name in self.__dict__:
            raise FrozenInstanceError(
                f"cannot assign to field {name!r}: a CheckFailure is immutable once made "
                "(make a new one with dataclasses.replace, or .expected(reason) for a declared one)"
            )
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        if name in self.__dataclass_fields__:
            raise FrozenInstanceError(f"cannot delete field {name!r}: a CheckFailure is immutable")
        super().__delattr__(name)

    @property
    def expected_reason(self) -> str | None:
        """Why the failure is expected, when a deviation declares it (see :class:`ExpectedFailure`)."""
        return None

    def expected(self, reason: str) -> ExpectedFailure:
        """This failure as an expected one, declared for ``reason``; this one is left as it is."""
        return ExpectedFailure(**{f.name: getattr(self, f.name) for f in fields(CheckFailure)}, reason=reason)

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

    def to_dict(self) -> dict[str, Any]:
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
    def from_dict(cls, data: dict[str, Any]) -> CheckFailure:
        failure = CheckFailure(
            check=data["check"],
            title=data["title"],
            evidence=tuple(Evidence(label, text) for label, text in data["evidence"]),
            reproduce=data["reproduce"],
            severity=Severity(data["severity"]),
            operation=data["operation"],
            status=data["status"],
        )
        return failure.expected(data["expected_reason"]) if data["expected_reason"] else failure


@dataclass(unsafe_hash=True)
class ExpectedFailure(CheckFailure):
    """A failure a deviation declares: the failure as the check raised it, with the deviation's reason.
    Reported as an expected failure (xfail), never dropped."""

    reason: str = ""

    @property
    def expected_reason(self) -> str | None:
        return self.reason

    @property
    def failure(self) -> CheckFailure:
        """The failure as it was raised, without the declaration."""
        return CheckFailure(**{f.name: getattr(self, f.name) for f in fields(CheckFailure)})


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
