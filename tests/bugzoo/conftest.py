"""The bug zoo's ledger and its line in the terminal summary:

bug zoo: caught X of Y seeded bugs; clean apps raised N findings
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest


@dataclass
class ZooLedger:
    caught: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    clean_findings: dict[str, int] = field(default_factory=dict)

    @property
    def ran(self) -> bool:
        return bool(self.caught or self.missed or self.clean_findings)


_LEDGER = pytest.StashKey[ZooLedger]()


@pytest.fixture
def zoo_ledger(request: pytest.FixtureRequest) -> ZooLedger:
    stash = request.config.stash
    if _LEDGER not in stash:
        stash[_LEDGER] = ZooLedger()
    return stash[_LEDGER]


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    ledger = config.stash.get(_LEDGER, None)
    if ledger is None or not ledger.ran:
        return
    seeded = len(ledger.caught) + len(ledger.missed)
    findings = sum(ledger.clean_findings.values())
    terminalreporter.section("bug zoo")
    terminalreporter.write_line(
        f"bug zoo: caught {len(ledger.caught)} of {seeded} seeded bugs; clean apps raised {findings} findings"
    )
    for name in ledger.missed:
        terminalreporter.write_line(f"  missed: {name}")
    for name, count in ledger.clean_findings.items():
        if count:
            terminalreporter.write_line(f"  false positives on clean app {name}: {count}")
