"""Findings (lint) and changes (diff, drift) are data: rule id, severity, JSON pointer, message, fix hint."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from harness.core.failure import Severity


class Impact(str, Enum):
    """How a change affects clients. ``breaking`` is the error level: it fails CI."""

    BREAKING = "breaking"
    WARNING = "warning"
    INFO = "info"

    @property
    def severity(self) -> Severity:
        return {"breaking": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO}[self.value]


SEVERITY_ORDER = {"error": 0, "breaking": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Finding:
    """One lint finding. ``example`` is the generated instance that shows an overlap, when there is one."""

    rule: str
    severity: Severity
    pointer: str
    message: str
    hint: str
    evidence: tuple[str, ...] = ()
    example: Any = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity.value,
            "pointer": self.pointer,
            "message": self.message,
            "hint": self.hint,
        }
        if self.evidence:
            out["evidence"] = list(self.evidence)
        if self.example is not None:
            out["example"] = self.example
        return out

    def sort_key(self) -> tuple:
        return (SEVERITY_ORDER[self.severity.value], self.rule, self.pointer)


@dataclass
class Change:
    """One difference between two specs, judged by direction (what a client sends vs what it receives)."""

    rule: str
    impact: Impact
    pointer: str  # where the change is, in the new document (in the old one when the thing was removed)
    message: str
    hint: str
    direction: str | None = None  # "request", "response" or None (operation level)
    old_pointer: str | None = None
    operations: list[str] = field(default_factory=list)  # "GET /v1/..." that reach this change
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def severity(self) -> Severity:
        return self.impact.severity

    def key(self) -> tuple:
        """Identity across the operations that reach the same schema: two changes of one rule at one
        pointer (``minimum`` and ``maximum`` both added) differ in their message."""
        return (self.rule, self.pointer, self.old_pointer, self.direction, self.message)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.impact.value,
            "pointer": self.pointer,
            "message": self.message,
            "hint": self.hint,
        }
        if self.direction:
            out["direction"] = self.direction
        if self.old_pointer and self.old_pointer != self.pointer:
            out["old_pointer"] = self.old_pointer
        if self.operations:
            out["operations"] = sorted(self.operations)
        if self.details:
            out["details"] = self.details
        return out

    def sort_key(self) -> tuple:
        return (SEVERITY_ORDER[self.impact.value], self.rule, self.pointer)
