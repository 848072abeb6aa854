"""One HTTP request and its response, as the checks and reports see them."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    def curl(self) -> str:
        parts = ["curl", "-sS", "-X", self.method.upper()]
        for name, value in self.headers.items():
            if name.lower() in {"content-length", "host", "accept-encoding", "connection", "user-agent"}:
                continue
            parts += ["-H", f"{name}: {value}"]
        if self.body:
            parts += ["--data-raw", self.body.decode("utf-8", "replace")]
        parts.append(self.url)
        return " ".join(shlex.quote(p) for p in parts)


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def content_type(self) -> str:
        for name, value in self.headers.items():
            if name.lower() == "content-type":
                return value.split(";")[0].strip().lower()
        return ""

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Exchange:
    """A request, its response, and what the harness knows about where it came from."""

    request: Request
    response: Response
    operation: str | None = None  # e.g. "POST /v1/responses" (the spec's path template)
    test: str | None = None  # pytest node id that made it, when known
    cassette_entries: tuple[str, ...] = ()  # replay entries served while it ran
