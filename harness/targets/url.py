"""URL mode: a stack someone else started."""

from __future__ import annotations

from harness.core.errors import TargetError

from .base import RunningStack
from .health import wait_healthy
from .profiles import get_profile


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
        return RunningStack(base_url=self.url, mode="url", profile=self.profile, describe=f"{self.profile} at {self.url}")

    def __exit__(self, *exc: object) -> None:
        return None
