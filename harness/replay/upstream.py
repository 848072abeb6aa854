"""The real OpenAI-compatible provider that record and live modes forward to."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from harness.core.errors import UsageError

BASE_URL_VAR = "HARNESS_UPSTREAM_BASE_URL"
API_KEY_VAR = "HARNESS_UPSTREAM_API_KEY"


@dataclass(frozen=True)
class Upstream:
    base_url: str  # e.g. https://api.openai.com/v1 (what an OpenAI client takes as base_url)
    api_key: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(
                f"the upstream base URL {self.base_url!r} is not an http(s) URL",
                value=self.base_url,
                allowed="an OpenAI-compatible base URL such as https://api.openai.com/v1 or http://127.0.0.1:11434/v1",
                fix=f"set {BASE_URL_VAR} to the provider's base URL",
            )
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Upstream | None:
        env = os.environ if environ is None else environ
        base_url = env.get(BASE_URL_VAR, "").strip()
        if not base_url:
            return None
        return cls(base_url, env.get(API_KEY_VAR, "").strip() or None)

    def url_for(self, path: str) -> str:
        """``/v1/chat/completions`` (as the endpoint receives it) → ``{base_url}/chat/completions``."""
        relative = path[3:] if path == "/v1" or path.startswith("/v1/") else path
        return self.base_url + relative

    def headers(self, incoming: Mapping[str, str]) -> dict[str, str]:
        """Headers sent upstream: the request's content negotiation, and our key (never the app's)."""
        headers = {k: v for k, v in incoming.items() if k.lower() in ("content-type", "accept")}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return headers


def require_upstream(upstream: Upstream | None, mode_name: str) -> Upstream:
    if upstream is None:
        raise UsageError(
            f"inference mode {mode_name!r} forwards requests to a real provider, and none is configured",
            value=mode_name,
            allowed="replay (needs no provider), or a record/live mode with a provider",
            fix=(
                f"set {BASE_URL_VAR} (an OpenAI-compatible base URL, e.g. https://api.openai.com/v1) "
                f"and {API_KEY_VAR}, or run with --inference-mode=replay"
            ),
        )
    return upstream
