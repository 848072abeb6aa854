"""The one registry of checks. A check is a small function that raises :class:`CheckFailure` on a
violation and :class:`CheckSkipped` when it does not apply, never a truthy return; its name is the
function's name.

Each check has a kind: what it judges (one exchange, an SSE stream, a multi-request scenario, the
document). A kind is declared once, typed by the context and the subject its checks take, and
registering through it is the decorator::

    exchange_check: Kind[CheckContext, Exchange] = checks.kind("response", "each exchange")

    @exchange_check
    def not_a_server_error(ctx: CheckContext, exchange: Exchange) -> None: ...

A check that remembers something across the subjects of one run says so in its type: it takes a third
argument, the state it keeps for the run (``@exchange_check.remembering(ErrorFormats)``), made fresh for
each run (:class:`RunStates`) and handed to every call in it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .errors import UsageError
from .failure import CheckFailure, CheckSkipped

# C: the context a kind's checks are given; S: the subject they judge; T: what a remembering check keeps
type CheckFunc[C, S] = Callable[[C, S], None]
type RememberingFunc[C, S, T] = Callable[[C, S, T], None]


@dataclass(frozen=True)
class Check:
    name: str
    func: Callable[..., None]
    kind: str
    description: str
    state: Callable[[], Any] | None = None  # for a remembering check: makes its state for one run


class RunStates:
    """What the remembering checks keep for one run: one state per check, made on first use."""

    def __init__(self) -> None:
        self._states: dict[str, Any] = {}

    def of(self, check: Check) -> Any:
        if check.state is None:
            raise ValueError(f"check {check.name!r} keeps no state")
        if check.name not in self._states:
            self._states[check.name] = check.state()
        return self._states[check.name]

    def get(self, name: str) -> Any:
        """The state of the check ``name`` in this run, or None when it has not run."""
        return self._states.get(name)


@dataclass(frozen=True)
class Kind[C, S]:
    """One kind of check: the decorator that registers a function as a check of this kind."""

    name: str
    judges: str  # what its checks are given, in words: "each exchange", "the OpenAPI document"
    registry: Registry = field(repr=False, compare=False)

    def __call__(self, func: CheckFunc[C, S]) -> CheckFunc[C, S]:
        self.registry.add(func, kind=self.name)
        return func

    def remembering[T](
        self, state: Callable[[], T]
    ) -> Callable[[RememberingFunc[C, S, T]], RememberingFunc[C, S, T]]:
        """Register a check that keeps ``state()`` across the subjects of one run (a third argument)."""

        def decorate(func: RememberingFunc[C, S, T]) -> RememberingFunc[C, S, T]:
            self.registry.add(func, kind=self.name, state=state)
            return func

        return decorate


class Registry:
    def __init__(self) -> None:
        self._checks: dict[str, Check] = {}
        self._kinds: dict[str, str] = {}  # name → what its checks judge

    def kind(self, name: str, judges: str) -> Kind[Any, Any]:
        """Declare a kind of check (once); annotate the result with its context and subject types."""
        if name in self._kinds:
            raise ValueError(f"check kind {name!r} declared twice")
        self._kinds[name] = judges
        return Kind(name, judges, self)

    def kinds(self) -> list[str]:
        return sorted(self._kinds)

    def add(
        self,
        func: Callable[..., None],
        *,
        kind: str,
        name: str | None = None,
        state: Callable[[], Any] | None = None,
    ) -> Check:
        """Register ``func`` as a check of ``kind``, named ``name`` (by default, the function's name).

        Kinds are declared with :meth:`kind` first; an unknown kind is refused here, naming the kinds
        there are. Prefer a :class:`Kind`'s decorator: it types the check's arguments."""
        name = name or func.__name__
        if kind not in self._kinds:
            raise UsageError(
                f"check {name!r} has an unknown kind {kind!r}",
                value=kind,
                allowed=", ".join(self.kinds()) or "none declared yet",
                fix="register it through a declared kind (e.g. @exchange_check), or declare the kind "
                "first with checks.kind(name, judges)",
            )
        if name in self._checks:
            raise ValueError(f"check {name!r} registered twice")
        doc = (func.__doc__ or "").strip().splitlines()
        check = Check(name, func, kind, doc[0] if doc else "", state)
        self._checks[name] = check
        return check

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

    def __iter__(self) -> Iterator[Check]:
        return iter(self._checks.values())

    def run[C, S](
        self,
        kind: Kind[C, S] | str,
        subject: S,
        context: Callable[[str], C],
        *,
        states: RunStates | None = None,
        skip: Iterable[str] = (),
        on_crash: Callable[[str, Exception], CheckFailure] | None = None,
        on_outcome: Callable[[str, str], None] | None = None,
        on_skip: Callable[[str, CheckSkipped], None] | None = None,
    ) -> list[CheckFailure]:
        """Run every check of ``kind`` not in ``skip``; collect failures instead of stopping at the first.

        ``context(name)`` is what the check ``name`` is given; ``states`` what the remembering checks
        keep for this run (without it, each call starts afresh). A check that raises anything else is a
        bug in the check: with ``on_crash`` it becomes the failure that callback returns (so it cannot
        hide the other findings); without, it propagates. ``on_outcome(name, outcome)`` hears each
        check that ran: ``passed``, ``failed`` or ``skipped``; ``on_skip`` hears why one was skipped."""
        kind_name = kind if isinstance(kind, str) else kind.name
        run_states = states if states is not None else RunStates()
        skipped = set(skip)
        failures: list[CheckFailure] = []
        for check in self._checks.values():
            if check.kind != kind_name or check.name in skipped:
                continue
            outcome = "passed"
            try:
                if check.state is None:
                    check.func(context(check.name), subject)
                else:
                    check.func(context(check.name), subject, run_states.of(check))
            except CheckSkipped as why:
                outcome = "skipped"
                if on_skip is not None:
                    on_skip(check.name, why)
            except CheckFailure as failure:
                failures.append(failure)
                outcome = "failed"
            except Exception as error:
                if on_crash is None:
                    raise
                failures.append(on_crash(check.name, error))
                outcome = "failed"
            if on_outcome is not None:
                on_outcome(check.name, outcome)
        return failures


checks = Registry()
