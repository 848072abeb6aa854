"""Contract checks on every exchange a test makes through the harness's clients.

Exchanges are collected per test (setup and call together, teardown on its own) and checked when the
phase ends. A replay miss fails the test first (it is the cause of whatever followed); then findings at
error severity that no deviation declares fail it; expected failures and warnings are kept for the
report and shown in the test's output."""

from __future__ import annotations

import pytest

from harness.core.failure import CheckFailures, Severity

from .state import state_of

OPT_OUT = "no_contract_checks"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item):
    run = state_of(item.config).contract
    if run is not None:
        run.begin(item.nodeid)
    try:
        return (yield)
    except BaseException as error:
        # a fixture that failed because the app could not be served (e.g. a vector store whose files'
        # embeddings were not recorded) fails with the miss, not with the fixture's own assertion
        if isinstance(error, Exception) and not isinstance(error, pytest.skip.Exception):
            _conclude(item, error, phase="setup")
        raise


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    state = state_of(item.config)
    run = state.contract  # may appear during the first test's setup
    if run is not None:
        run.begin(item.nodeid)
    endpoint = state.endpoint
    if endpoint is not None:
        endpoint.set_current_test(item.nodeid)
    try:
        result = yield
    except BaseException as error:
        _conclude(item, error)
        raise
    _conclude(item, None)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    result = yield
    _conclude(item, None, phase="teardown")
    return result


def _conclude(item: pytest.Item, error: BaseException | None, phase: str = "call") -> None:
    state = state_of(item.config)
    run = state.contract
    endpoint = state.endpoint
    # everything since the last test ended: this test's setup (the endpoint may have started in it) and call
    misses = endpoint.take_misses() if endpoint is not None else []
    misses += state.blocked_connections()
    failures = (
        run.check(item.nodeid, enabled=item.get_closest_marker(OPT_OUT) is None) if run is not None else []
    )
    blocking = [f for f in failures if f.severity is Severity.ERROR and not f.expected_reason]
    noted = [f for f in failures if f not in blocking]
    if noted:
        item.add_report_section(
            phase, "contract findings (expected or warnings)", CheckFailures(noted).render()
        )
    if misses:
        if blocking:
            item.add_report_section(phase, "contract findings", CheckFailures(blocking).render())
        text = "\n\n".join(miss.render() for miss in misses)
        if error is not None:
            item.add_report_section(phase, "what the test saw", f"{type(error).__name__}: {error}")
        _fail_instead(f"the app's outbound traffic could not be served:\n{text}")
    if blocking:
        if error is not None:
            item.add_report_section(phase, "contract findings", CheckFailures(blocking).render())
            return
        pytest.fail(CheckFailures(blocking).render(), pytrace=False)


def _fail_instead(message: str) -> None:
    """Fail with ``message`` alone: the test's own error (a consequence) is not chained under it."""
    try:
        pytest.fail(message, pytrace=False)
    except pytest.fail.Exception as failed:
        raise failed from None
