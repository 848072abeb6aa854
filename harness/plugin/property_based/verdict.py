"""The ``generated`` fixture's object: runs one operation (or family) for the current test, hands one
finding per distinct kind to the plugin's contract run (so the run's report holds every finding),
and turns the outcome into a failure that shows each blocking finding at its minimal example with the
command that replays it, a skip with its reason, an expected failure (xfail) naming each finding the
deviations file declares, or a pass."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from .outcome import Outcome
from .report import render_expected, render_failure


class Generated:
    def __init__(self, run: Any, families: Any, contract_run: Any, nodeid: str) -> None:
        self.run = run
        self._families = families
        self.contract_run = contract_run
        self.nodeid = nodeid

    def operations(self) -> list[str]:
        try:
            return self.run.selected()
        except Exception as error:  # UsageError: say what is wrong and how to fix it, no traceback
            render = getattr(error, "render", None)
            pytest.fail(render() if callable(render) else str(error), pytrace=False)

    def positive(self, key: str) -> Outcome:
        return self._verdict(lambda: self.run.run_operation(key, "positive", self.nodeid))

    def negative(self, key: str) -> Outcome:
        return self._verdict(lambda: self.run.run_operation(key, "negative", self.nodeid))

    def families(self) -> list[Any]:
        return self._families.selected()

    def lifecycle(self, family: Any) -> Outcome:
        return self._verdict(lambda: self._families.run_family(family, self.nodeid))

    def _verdict(self, run: Callable[[], Outcome]) -> Outcome:
        started = time.monotonic()
        outcome = run()
        outcome.seconds = time.monotonic() - started
        # each distinct finding once, at its minimal example; the report holds it, this test fails once
        found = [tally.failure for tally in outcome.findings.values()]
        outcome.swap_failures(found, self.contract_run.record(self.nodeid, found, checked=outcome.sent))
        if outcome.failed:
            pytest.fail(render_failure(outcome, self.run.settings), pytrace=False)
        if outcome.skipped:
            pytest.skip(outcome.skipped)
        if outcome.declared():  # it would fail but for the deviations file: say so, as an expected failure
            pytest.xfail(render_expected(outcome))
        return outcome
