"""What every target (library, server, url, docker) shares: the environment it gives the app, and the
running stack it yields. Targets are the only code that knows how the app runs; everything above
talks HTTP to ``RunningStack.base_url`` (in library mode through a transport to ``RunningStack.asgi_app``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class AppEnvironment:
    """Environment variables the app under test runs with, in every mode."""

    state_dir: Path  # per-session temporary directory: sqlite files, file storage
    upstream_base_url: str | None = None  # the record/replay endpoint the inference providers point at
    extra: dict[str, str] = field(default_factory=dict)

    def variables(self) -> dict[str, str]:
        env = {
            "OTEL_SDK_DISABLED": "true",
            "STACK_STATE_DIR": str(self.state_dir),
            "OGX_DISABLE_VERSION_CHECK": "1",
        }
        if self.upstream_base_url:
            env["UPSTREAM_BASE_URL"] = self.upstream_base_url
        env.update(self.extra)
        return env


@dataclass
class RunningStack:
    """A stack that answers HTTP. ``asgi_app`` is set in library mode (the app, run in-process)."""

    base_url: str
    mode: str  # "library" | "server" | "url" | "docker"
    profile: str  # "ogx" | "llama-stack" | "unknown" (url mode cannot tell)
    config: Path | None = None
    log_tail: Callable[[int], str] = lambda n: ""
    asgi_app: Any = None  # the ASGI app in library mode (for httpx2 / other clients)
    describe: str = ""  # one line for reports: "OGX 1.5.0, library mode, suites/stacks/replay.yaml"
    # requests sent again because the app closed a kept-alive connection under them (clients.py)
    dropped_connections: list[str] = field(default_factory=list)
    # who sees the exchanges that reach the app through its socket without the harness's clients
    # (library mode's loopback listener; in other modes the app's own socket is not observed)
    socket_observers: list[Callable[[Any], None]] = field(default_factory=list)
    # Why the app is no longer there (its process exited, its container stopped, its event loop thread
    # ended, its URL stopped answering), or None while it is. Cheap: asked before every test. ``settle``
    # (seconds) is asked after a failed test: an app that no longer accepts connections gets that long to
    # finish dying, so the answer names its exit status rather than only the refused connection.
    gone: Callable[[float], str | None] = lambda settle: None

    def socket_url(self) -> str:
        """A URL any HTTP client can open: the app's own socket, or in library mode a loopback listener
        started on first use whose exchanges go to ``socket_observers``."""
        if self.asgi_app is not None:
            return str(self.asgi_app.listen_on_loopback(self.socket_observers))
        return self.base_url
