"""What one generated run (an operation in one mode, or one resource family) found: how many requests,
which statuses, every distinct finding with how often it occurred and one exchange that shows it, and
the minimal examples hypothesis shrank the blocking ones to, each with the command that replays it."""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field

from harness.core.exchange import Exchange
from harness.core.failure import CheckFailure, Severity


def kind_of(failure: CheckFailure) -> str:
    if failure.expected_reason:
        return "expected"
    return "unexpected" if failure.severity is Severity.ERROR else failure.severity.value


def blocking(failures: list[CheckFailure]) -> list[CheckFailure]:
    return [f for f in failures if f.severity is Severity.ERROR and not f.expected_reason]


@dataclass
class Tally:
    failure: CheckFailure  # the first occurrence (the minimal example's, for a shrunk blocking finding)
    exchange: Exchange | None
    count: int = 0


@dataclass(frozen=True)
class Minimal:
    """A blocking finding at the example hypothesis shrank it to."""

    failures: tuple[CheckFailure, ...]
    falsifying: str  # hypothesis's "Falsifying example: ..." line(s)
    command: str  # the pytest command that replays exactly this example


@dataclass
class Outcome:
    label: str  # "positive GET /v1/models", "stateful conversations"
    sent: int = 0
    unsendable: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    findings: dict[tuple[str, str | None, str, str], Tally] = field(default_factory=dict)
    minimal: list[Minimal] = field(default_factory=list)
    skipped: str | None = None  # why nothing was generated
    error: str | None = None  # generation itself failed (a harness or spec problem, reported as such)
    notes: list[str] = field(default_factory=list)  # e.g. stateful: resources created, creates that failed
    seconds: float = 0.0
    refusals: list[Exchange] = field(
        default_factory=list
    )  # the first few 4xx/5xx exchanges (for skip reasons)
    created: int = 0  # stateful: resources the app created (each then fetched and looked up in the list)
    deleted: int = 0  # stateful: resources deleted, with what the app says afterwards verified

    def swap_failures(self, old: list[CheckFailure], new: list[CheckFailure]) -> None:
        """Put each failure of ``new`` where its counterpart in ``old`` is (failures are immutable: a
        hint added for the report makes a new one)."""
        by_id = {id(o): n for o, n in zip(old, new, strict=True)}
        for tally in self.findings.values():
            tally.failure = by_id.get(id(tally.failure), tally.failure)
        self.minimal = [
            dataclasses.replace(m, failures=tuple(by_id.get(id(f), f) for f in m.failures))
            for m in self.minimal
        ]

    def record(self, exchange: Exchange, failures: list[CheckFailure]) -> None:
        self.sent += 1
        self.statuses[exchange.response.status] += 1
        if exchange.response.status >= 400 and len(self.refusals) < 3:
            self.refusals.append(exchange)
        self.note(failures, exchange)

    def note(self, failures: list[CheckFailure], exchange: Exchange | None) -> None:
        for failure in failures:
            key = (
                failure.check,
                failure.operation,
                kind_of(failure),
                _status_class(exchange, failure.status),
            )
            tally = self.findings.setdefault(key, Tally(failure, exchange))
            tally.count += 1

    def declared(self) -> list[tuple[tuple[str, str | None, str, str], Tally]]:
        """The findings at error severity that a deviation declares (without it they would fail the run),
        as (check, operation, kind, status class) → tally, in report order."""
        return [
            (key, tally)
            for key, tally in sorted(self.findings.items(), key=_order)
            if tally.failure.expected_reason and tally.failure.severity is Severity.ERROR
        ]

    @property
    def failed(self) -> bool:
        return (
            bool(self.minimal)
            or self.error is not None
            or any(kind_of(t.failure) == "unexpected" for t in self.findings.values())
        )

    def summary(self) -> str:
        statuses = ", ".join(f"{s}×{n}" for s, n in sorted(self.statuses.items())) or "none"
        line = f"{self.label}: {self.sent} requests in {self.seconds:.1f} s (statuses {statuses})"
        if self.unsendable:
            line += f", {self.unsendable} generated cases no HTTP client can send"
        if self.skipped:
            return f"{self.label}: skipped: {self.skipped}"
        if self.error:
            line += f"; generation failed: {self.error.splitlines()[0]}"
        for (check, operation, kind, status), tally in sorted(self.findings.items(), key=_order):
            line += f"\n    {kind}: {check} ×{tally.count} ({status}, {operation}): {tally.failure.title}"
        if self.created:
            line += (
                f"\n    created {self.created} resources (each then fetched and looked up in the list), "
                f"deleted {self.deleted} and checked what the app said after"
            )
        for note in self.notes:
            line += f"\n    note: {note}"
        return line


def _order(item: tuple[tuple[str, str | None, str, str], Tally]) -> tuple[str, ...]:
    check, operation, kind, status = item[0]
    return (kind, check, operation or "", status)


def _status_class(exchange: Exchange | None, status: int | None = None) -> str:
    """The class of the status the finding is about (a scenario's offending step, else the exchange's)."""
    if status is None and exchange is not None:
        status = exchange.response.status
    return "scenario" if status is None else f"{status // 100}xx"
