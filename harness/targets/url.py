"""URL mode: a stack someone else started."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from harness.core.errors import TargetError

from .base import RunningStack
from .health import wait_healthy
from .ports import accepts_connections
from .profiles import get_profile
from .registry import register
from .stack_config import StackSelection, bad_value


class UrlTarget:
    def __init__(self, url: str, *, profile: str, deadline_s: float = 10) -> None:
        self.url = url
        self.profile = profile
        self.deadline_s = deadline_s

    def __enter__(self) -> RunningStack:
        problem = wait_healthy(self.url, deadline_s=self.deadline_s)
        if problem:
            raise TargetError(
                f"the stack at {self.url} is not reachable or not healthy: {problem}",
                value=self.url,
                allowed="the base URL of a running stack that answers GET /v1/health with 200",
                fix=f"start the stack first (e.g. `{get_profile(self.profile).server_hint('CONFIG')}`) and pass its "
                "base URL, or let the harness start one: --stack-config=server:<config>",
            )
        return RunningStack(
            base_url=self.url,
            mode="url",
            profile=self.profile,
            describe=f"{self.profile} at {self.url}",
            gone=self.gone,
        )

    def gone(self, settle: float = 0) -> str | None:
        """Whether the stack still accepts connections (all a URL tells); see ``RunningStack.gone``."""
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if accepts_connections(host, port):
            return None
        return f"the stack at {self.url} stopped answering: nothing accepts connections on {host}:{port}"

    def __exit__(self, *exc: object) -> None:
        return None


class _Url:
    """``http(s)://host:port``: a stack someone else started."""

    mode = "url"

    def claims(self, value: str) -> bool:
        return value.startswith(("http://", "https://"))

    def parse(self, value: str, finder: Any) -> StackSelection:
        parts = urlsplit(value.strip())
        try:
            port = parts.port
        except ValueError:
            port = -1
        if not parts.hostname or port == -1 or parts.path not in {"", "/"} or parts.query:
            raise bad_value(
                value,
                "not a usable base URL of a running stack",
                "give scheme, host and optional port only, e.g. --stack-config=http://127.0.0.1:8321",
            )
        return StackSelection(mode=self.mode, raw=value, url=f"{parts.scheme}://{parts.netloc}", target=self)

    def open(self, selection: StackSelection, context: Any) -> UrlTarget:
        return UrlTarget(selection.url or "", profile=context.profile.name)


TARGET = register(_Url())
