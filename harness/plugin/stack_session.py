"""The stack under test for one pytest session: chosen at configure time, started on first use, always stopped."""

from __future__ import annotations

import contextlib
from pathlib import Path

from harness.targets.base import AppEnvironment, RunningStack
from harness.targets.profiles import StackProfile
from harness.targets.registry import OpenContext, open_stack
from harness.targets.stack_config import StackSelection


class StackSession:
    def __init__(self, selection: StackSelection, profile: StackProfile, *, startup_timeout: float) -> None:
        self.selection = selection
        self.profile = profile
        self.startup_timeout = startup_timeout
        self.running: RunningStack | None = None
        self._stack = contextlib.ExitStack()

    def start(
        self, state_dir: Path, upstream_base_url: str | None, app_env: dict[str, str] | None = None
    ) -> RunningStack:
        if self.running is None:
            env = AppEnvironment(
                state_dir=state_dir, upstream_base_url=upstream_base_url, extra=dict(app_env or {})
            )
            context = OpenContext(profile=self.profile, env=env, startup_timeout=self.startup_timeout)
            try:
                self.running = self._stack.enter_context(open_stack(self.selection, context))
            except BaseException:
                self.close()
                raise
        return self.running

    def close(self) -> None:
        self.running = None
        self._stack.close()
