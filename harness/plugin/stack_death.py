"""A stack that died mid-run: found before a test starts or when one fails, reported once with its cause
(exit status or signal, container state, the URL that stopped answering) and the end of its log; every
later test of the session then fails at once, without running, pointing at the first.

Asking is cheap (``RunningStack.gone``: a ``poll()``, one ``docker inspect``, one TCP connect). Under
pytest-xdist each worker has its own stack and watches it; the reports carry what the controller's
summary needs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator
from typing import Any

import pytest

from harness.core.errors import TargetError
from harness.targets.base import RunningStack

from .state import StackDeath, active_state, state_of

# After a failed test, an app that no longer accepts connections gets this long to finish dying, so the
# message can name its exit status (a graceful shutdown or a big process takes a moment to exit).
SETTLE_S = 5.0
LOG_LINES = 20
LOG_LINE_CHARS = 300  # OGX logs its whole stack config as one JSON line


def died(config: pytest.Config) -> bool:
    """Whether this process's stack died during the session."""
    state = active_state(config)
    return state is not None and state.death is not None


def _running(config: pytest.Config) -> tuple[RunningStack, str] | None:
    session = state_of(config).stack
    if session.running is None:
        return None
    return session.running, session.selection.raw


def _probe(config: pytest.Config, nodeid: str, *, before: bool, settle: float) -> StackDeath | None:
    """The stack's death, recorded once: asked of the running stack until it has died."""
    state = state_of(config)
    if state.death is not None:
        return state.death
    found = _running(config)
    if found is None:
        return None
    running, value = found
    cause = running.gone(settle)
    if cause is None:
        return None
    where = f"before {nodeid} started" if before else f"during {nodeid}"
    headline = f"the stack under test died {where}: {cause}"
    try:
        tail = running.log_tail(LOG_LINES)
    except Exception as unreadable:  # the message must still go out
        tail = f"(the app's log could not be read: {unreadable})"
    error = TargetError(
        headline,
        value=value,
        fix="find why in the log below (out of memory, a crash, something that stopped it), then run again; "
        "the later tests of this session fail without running",
        log_tail=_shortened(tail) or "(none: the app wrote none, or none the harness can see)",
    )
    death = StackDeath(headline, f"router harness: {error.render()}")
    state.death = death
    return death


def _shortened(tail: str) -> str:
    return "\n".join(
        line if len(line) <= LOG_LINE_CHARS else f"{line[:LOG_LINE_CHARS]}… ({len(line)} characters)"
        for line in tail.splitlines()
    )


def _failure(item: pytest.Item, message: str) -> Any:
    """A test failure showing ``message`` alone, as ``pytest.fail(message, pytrace=False)`` shows it."""
    try:
        pytest.fail(message, pytrace=False)
    except pytest.fail.Exception:
        excinfo = pytest.ExceptionInfo.from_current()
    return item.repr_failure(excinfo)


def _message_for(death: StackDeath, own_error: str | None = None) -> str:
    if death.reported:
        return death.short()
    death.reported = True
    return death.full + (f"\n  the test's own error: {own_error}" if own_error else "")


def _mark(report: pytest.TestReport, death: StackDeath, *, not_run: bool) -> None:
    report.harness_stack_died = death.headline  # type: ignore[attr-defined]
    report.harness_not_run = not_run  # type: ignore[attr-defined]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> bool | None:
    death = _probe(item.config, item.nodeid, before=True, settle=0)
    if death is None:
        return None  # pytest runs the test
    item.ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
    message = _message_for(death)
    call = pytest.CallInfo.from_call(lambda: pytest.fail(message, pytrace=False), when="call")
    # made here, not through pytest_runtest_makereport: an xfail mark must not turn it into an expected failure
    report = pytest.TestReport.from_item_and_call(item, call)
    _mark(report, death, not_run=True)
    item.ihook.pytest_runtest_logreport(report=report)
    item.ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
    return True


def _caused_by_test(call: pytest.CallInfo[None]) -> bool:
    """The phase raised, and not to skip or to expect a failure on purpose."""
    return call.excinfo is not None and not call.excinfo.errisinstance(
        (pytest.skip.Exception, pytest.xfail.Exception)
    )


@pytest.hookimpl(wrapper=True, tryfirst=True)  # outermost: also after an xfail mark turned it into a skip
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    death = _probe(item.config, item.nodeid, before=False, settle=SETTLE_S) if _caused_by_test(call) else None
    report = yield
    if death is not None and call.excinfo is not None:
        own_error = f"{call.excinfo.typename}: {call.excinfo.value}".splitlines()[0]
        report.outcome = "failed"
        report.longrepr = _failure(item, _message_for(death, own_error))
        if hasattr(report, "wasxfail"):
            del report.wasxfail
        _mark(report, death, not_run=False)
    return report


class _Summary:
    """Counts, per death, the tests failed without running (a controller counts its workers' reports too)."""

    def __init__(self) -> None:
        self.not_run: Counter[str] = Counter()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        headline = getattr(report, "harness_stack_died", None)
        if headline is not None:
            self.not_run[headline] += bool(getattr(report, "harness_not_run", False))

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        for headline, count in self.not_run.items():
            terminalreporter.write_line(
                f"router harness: {headline}; {count} test(s) failed without running", red=True
            )


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(_Summary(), "harness.stack-death.summary")
