"""The plugin's state for one pytest session, in one typed object behind one stash key.

Made at configure time from the validated settings (``PluginState.configure``); the fixtures fill in what
they start (the replay endpoint, the contract run, the property run, the stack's description), the hooks
read it. Nothing else of the session is kept on the config. The types of what is filled in later are named
for the type checker only: importing their modules here would load them at configure time, and hypothesis
draws constants from every local module loaded, so a seeded property run would generate differently."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

from .outcomes import Outcomes
from .property_based.settings import PropertySettings
from .settings import Settings
from .stack_session import StackSession

if TYPE_CHECKING:
    from harness.replay import OutboundBlocked, OutboundGuard, ReplayEndpoint

    from .contract_run import ContractRun
    from .property_based.runner import PropertyRun
    from .timelines import Timelines


@dataclass
class StackDeath:
    """The stack under test died mid-run (``stack_death.py`` finds it and fails the tests)."""

    headline: str  # "the stack under test died during t.py::test_x: the ogx server (pid 7) was killed by …"
    full: str  # the headline with the stack-config value, the fix and the last lines of the app's log
    reported: bool = False  # the full message went out with a test's failure

    def short(self) -> str:
        return f"router harness: not run: {self.headline} (that test's failure shows the app's log)"


@dataclass
class PluginState:
    settings: Settings
    stack: StackSession
    property_settings: PropertySettings
    outcomes: Outcomes
    started_clock: float = field(default_factory=time.monotonic)
    started: datetime.datetime = field(default_factory=lambda: datetime.datetime.now(datetime.UTC))
    deselected: int = 0  # tests deselected by -k, -m or a plugin (a run that cannot tell unused entries)
    endpoint: ReplayEndpoint | None = None  # the record/replay endpoint (None in url mode, or not started)
    guard: OutboundGuard | None = None  # library mode: refuses the app's connections off loopback
    contract: ContractRun | None = None  # this process's contract run, once a test asked for a client
    merged: ContractRun | None = None  # the pytest-xdist controller's run, merged from the workers' parts
    property_run: PropertyRun | None = None
    stack_description: str | None = None  # set once a stack ran (here or on an xdist worker)
    dropped_connections: list[str] = field(default_factory=list)  # the running stack's, filled as it goes
    from_workers: dict[str, list[Any]] = field(default_factory=dict)  # the xdist controller: parts by key
    usage_note: str | None = None  # a replay run: whether it wrote the usage file for `cassettes prune`
    death: StackDeath | None = None  # the stack died mid-run: the later tests fail without running
    _timelines: Timelines | None = None

    @classmethod
    def configure(cls, settings: Settings, property_settings: PropertySettings) -> PluginState:
        stack = StackSession(settings.selection, settings.profile, startup_timeout=settings.startup_timeout)
        return cls(settings, stack, property_settings, Outcomes(settings.selection.mode))

    @property
    def mode(self) -> str:
        return self.settings.selection.mode

    @property
    def timelines(self) -> Timelines:
        """The run's SSE timelines (made on first use)."""
        if self._timelines is None:
            from .timelines import Timelines

            self._timelines = Timelines()
        return self._timelines

    @property
    def run(self) -> ContractRun | None:
        """The run to report on: the merged one on an xdist controller, else this process's."""
        return self.merged or self.contract

    def remember_stack(self, describe: str, dropped: list[str] | None = None) -> None:
        self.stack_description = describe
        if dropped is not None:
            self.dropped_connections = dropped  # the running stack's own list, filled as the run goes

    def blocked_connections(self) -> list[OutboundBlocked]:
        """Outbound connections the guard refused since the last call (library mode)."""
        return self.guard.take_violations() if self.guard is not None else []


STATE = pytest.StashKey[PluginState]()


def state_of(config: pytest.Config) -> PluginState:
    """The session's state (the plugin is active: configured, not stepped aside)."""
    return config.stash[STATE]


def active_state(config: pytest.Config) -> PluginState | None:
    """The session's state, or None when the plugin stepped aside or never configured."""
    return config.stash.get(STATE, None)
