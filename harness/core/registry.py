"""The one registry of checks. A check is a small function ``check(ctx, exchange) -> None`` that raises
:class:`CheckFailure` on a violation and :class:`CheckSkipped` when it does not apply."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .errors import UsageError
from .failure import CheckFailure, CheckSkipped

CheckFunc = Callable[[Any, Any], None]


@dataclass(frozen=True)
class Check:
    name: str
    func: CheckFunc
    kind: str  # "response" (every exchange), "stream" (SSE bodies), "scenario" (multi-request, e.g. delete)
    description: str


class Registry:
    def __init__(self) -> None:
        self._checks: dict[str, Check] = {}

    def register(self, name: str, *, kind: str = "response") -> Callable[[CheckFunc], CheckFunc]:
        def decorate(func: CheckFunc) -> CheckFunc:
            if name in self._checks:
                raise ValueError(f"check {name!r} registered twice")
            doc = (func.__doc__ or "").strip().splitlines()
            self._checks[name] = Check(name, func, kind, doc[0] if doc else "")
            return func

        return decorate

    def get(self, name: str) -> Check:
        try:
            return self._checks[name]
        except KeyError:
            raise UsageError(
                f"unknown check {name!r}",
                value=name,
                allowed=", ".join(sorted(self._checks)),
                fix="use one of the registered check names",
            ) from None

    def names(self, kind: str | None = None) -> list[str]:
        return sorted(n for n, c in self._checks.items() if kind is None or c.kind == kind)

    def __iter__(self):
        return iter(self._checks.values())

    def run(
        self,
        ctx: Any,
        subject: Any,
        *,
        kind: str = "response",
        skip: Iterable[str] = (),
        on_crash: Callable[[str, Exception], CheckFailure] | None = None,
        on_outcome: Callable[[str, str], None] | None = None,
    ) -> list[CheckFailure]:
        """Run every check of ``kind`` not in ``skip``; collect failures instead of stopping at the first.

        A check that raises anything else is a bug in the check: with ``on_crash`` it becomes the failure
        that callback returns (so it cannot hide the other findings); without, it propagates.
        ``on_outcome(name, outcome)`` hears each check that ran: ``passed``, ``failed`` or ``skipped``."""
        note = on_outcome or (lambda name, outcome: None)
        skipped = set(skip)
        failures: list[CheckFailure] = []
        for check in self._checks.values():
            if check.kind != kind or check.name in skipped:
                continue
            try:
                check.func(ctx, subject)
            except CheckSkipped:
                note(check.name, "skipped")
                continue
            except CheckFailure as failure:
                failures.append(failure)
            except Exception as error:
                if on_crash is None:
                    raise
                failures.append(on_crash(check.name, error))
            else:
                note(check.name, "passed")
                continue
            note(check.name, "failed")
        return failures


checks = Registry()
