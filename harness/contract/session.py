"""What the checks remember across exchanges of one run: the error formats seen so far (to report an
app that mixes them), the checks that could not run, with why (skipping is never silent), and how each
check ended on each operation (for the report's operation × check grid)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ErrorSample:
    shape: str  # e.g. '{"detail": …}'
    status: int
    operation: str
    excerpt: str
    curl: str
    test: str | None = None  # the pytest node id that received it, when known


@dataclass
class CheckSession:
    error_shapes: dict[str, ErrorSample] = field(default_factory=dict)
    reported_shape_pairs: set[frozenset[str]] = field(default_factory=set)
    skipped: Counter[tuple[str, str]] = field(default_factory=Counter)  # (check, reason) → times
    # (route, the reference's operation key or "" when the reference lacks the route) → exchanges
    reference_routes: Counter[tuple[str, str]] = field(default_factory=Counter)
    outcomes: Counter[tuple[str | None, str, str]] = field(
        default_factory=Counter
    )  # (operation, check, outcome) → times

    def note_outcome(self, operation: str | None, check: str, outcome: str) -> None:
        """``outcome``: ``passed``, ``failed`` or ``skipped`` (the check does not apply to this exchange)."""
        self.outcomes[(operation, check, outcome)] += 1

    def skip(self, check: str, reason: str) -> None:
        self.skipped[(check, reason)] += 1

    def skipped_report(self) -> list[str]:
        """One line per (check, reason): what could not be checked, and how often."""
        return [f"{check}: skipped {n}x: {reason}" for (check, reason), n in sorted(self.skipped.items())]
