"""The per-run context of the checks: what one run of them remembers across its exchanges. The state
of the checks that remember something (``error_format_consistent``'s error formats), the checks that
could not run, with why (skipping is never silent), how each check ended on each operation (for the
report's operation × check grid), and which routes the reference oracle covered.

Whoever runs the checks owns it (the plugin's contract run, the property run, a test) and passes it to
:func:`check_exchange` and :func:`verify_deletion`; without one, each call is judged alone."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from harness.core.registry import RunStates


@dataclass
class CheckSession:
    states: RunStates = field(default_factory=RunStates)  # what the remembering checks keep, per check
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
