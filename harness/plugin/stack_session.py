"""The stack under test for one pytest session: chosen at configure time, started on first use, always stopped."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from harness.targets.base import AppEnvironment, RunningStack
from harness.targets.library import LibraryTarget
from harness.targets.profiles import StackProfile
from harness.targets.server import ServerTarget
from harness.targets.stack_config import StackSelection
from harness.targets.tiktoken_cache import prepare_tiktoken_cache
from harness.targets.url import UrlTarget


class StackSession:
    def __init__(self, selection: StackSelection, profile: StackProfile, *, startup_timeout: float,
                 stacks_dir: Path) -> None:
        self.selection = selection
        self.stacks_dir = stacks_dir
        self.profile = profile
        self.startup_timeout = startup_timeout
        self.running: RunningStack | None = None
        self._stack = contextlib.ExitStack()

    def start(self, state_dir: Path, upstream_base_url: str | None, app_env: dict[str, str] | None = None) -> RunningStack:
        if self.running is None:
            try:
                self.running = self._stack.enter_context(self._target(state_dir, upstream_base_url, app_env or {}))
            except BaseException:
                self.close()
                raise
        return self.running

    def _target(self, state_dir: Path, upstream_base_url: str | None, app_env: dict[str, str]) -> Any:
        sel = self.selection
        if sel.mode == "url":
            return UrlTarget(sel.url or "", profile=self.profile.name)
        tiktoken_dir = prepare_tiktoken_cache(state_dir / "tiktoken")
        env = AppEnvironment(state_dir=state_dir, upstream_base_url=upstream_base_url,
                             extra={**app_env, "TIKTOKEN_CACHE_DIR": str(tiktoken_dir)})
        if sel.mode == "library":
            assert sel.config is not None
            return LibraryTarget(self.profile, sel.config, env, startup_timeout=self.startup_timeout)
        if sel.mode == "server":
            assert sel.config is not None
            return ServerTarget(self.profile, sel.config, env, port=sel.port,
                                startup_timeout=self.startup_timeout, option_value=sel.raw)
        return self._docker_target(state_dir, upstream_base_url, app_env)

    def _docker_target(self, state_dir: Path, upstream_base_url: str | None, app_env: dict[str, str]) -> Any:
        from harness.targets.docker import DockerTarget, parse_docker_spec, resolve_image
        from harness.targets.stack_config import resolve_config

        spec = parse_docker_spec(self.selection.raw)
        config = resolve_config(spec.config or "replay", self.stacks_dir, self.selection.raw)
        env = AppEnvironment(state_dir=state_dir, upstream_base_url=upstream_base_url, extra=app_env)  # image has tiktoken
        return DockerTarget(resolve_image(spec.image), config, env, port=spec.port, health_timeout=self.startup_timeout)

    def close(self) -> None:
        self.running = None
        self._stack.close()
