"""One recorded request and its answer, in vcrpy's cassette layout.

vcrpy reads ``request`` and ``response`` of each interaction and ignores other keys, so what only the
harness needs (the time offset of each stream event, where an imported entry came from) lives under a
third key, ``harness``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from .sse import is_event_stream, split_events


@dataclass
class Interaction:
    method: str
    uri: str
    request_body: str
    status: int
    response_body: str
    request_headers: dict[str, list[str]] = field(default_factory=dict)
    response_headers: dict[str, list[str]] = field(default_factory=dict)
    reason: str = ""
    offsets_ms: list[int] | None = None  # one per stream event, milliseconds since the request was sent
    origin: str | None = None  # provenance of an imported entry

    def __post_init__(self) -> None:
        if not self.reason:
            try:
                self.reason = HTTPStatus(self.status).phrase
            except ValueError:
                self.reason = ""

    @property
    def path(self) -> str:
        return urlsplit(self.uri).path or "/"

    @property
    def content_type(self) -> str:
        for name, values in self.response_headers.items():
            if name.lower() == "content-type" and values:
                return values[0]
        return ""

    @property
    def is_stream(self) -> bool:
        return is_event_stream(self.content_type)

    def events(self) -> list[bytes]:
        return split_events(self.response_body.encode("utf-8"))

    def to_vcr(self) -> dict[str, Any]:
        """The interaction as a cassette entry, keys in a fixed order."""
        entry: dict[str, Any] = {
            "request": {
                "method": self.method,
                "uri": self.uri,
                "headers": {k: list(v) for k, v in sorted(self.request_headers.items())},
                "body": self.request_body,
            },
            "response": {
                "status": {"code": self.status, "message": self.reason},
                "headers": {k: list(v) for k, v in sorted(self.response_headers.items())},
                "body": {"string": self.response_body},
            },
        }
        extra: dict[str, Any] = {}
        if self.offsets_ms is not None:
            extra["offsets_ms"] = list(self.offsets_ms)
        if self.origin:
            extra["origin"] = self.origin
        if extra:
            entry["harness"] = extra
        return entry

    @classmethod
    def from_vcr(cls, entry: Any) -> Interaction:
        """Read a cassette entry; raises ``ValueError("<where>: <what>")`` on a malformed one."""
        request = _mapping(entry, "request")
        response = _mapping(entry, "response")
        status = _mapping(response, "status", where="response.")
        code = status.get("code")
        if not isinstance(code, int) or not 100 <= code <= 599:
            raise ValueError(f"response.status.code must be an HTTP status (100-599), got {code!r}")
        body = _mapping(response, "body", where="response.")
        extra = entry.get("harness") or {}
        if not isinstance(extra, dict):
            raise ValueError(f"harness must be a mapping, got {type(extra).__name__}")
        interaction = cls(
            method=_string(request, "method", "request."),
            uri=_string(request, "uri", "request."),
            request_body=_body_text(request.get("body"), "request.body"),
            status=code,
            reason=str(status.get("message") or ""),
            response_body=_body_text(body.get("string"), "response.body.string"),
            request_headers=_headers(request.get("headers"), "request.headers"),
            response_headers=_headers(response.get("headers"), "response.headers"),
            offsets_ms=_offsets(extra.get("offsets_ms")),
            origin=extra.get("origin"),
        )
        if interaction.offsets_ms is not None and interaction.is_stream:
            events = len(interaction.events())
            if events != len(interaction.offsets_ms):
                raise ValueError(
                    f"harness.offsets_ms has {len(interaction.offsets_ms)} offsets but the stream has {events} events"
                )
        return interaction

    def request_json(self) -> Any:
        try:
            return json.loads(self.request_body) if self.request_body.strip() else None
        except ValueError:
            return None


def _mapping(parent: dict[str, Any], name: str, where: str = "") -> dict[str, Any]:
    if not isinstance(parent, dict):
        raise ValueError(f"the interaction must be a mapping, got {type(parent).__name__}")
    value = parent.get(name)
    if not isinstance(value, dict):
        raise ValueError(
            f"{where}{name} must be a mapping, got {type(value).__name__ if value is not None else 'nothing'}"
        )
    return value


def _string(parent: dict[str, Any], name: str, where: str) -> str:
    value = parent.get(name)
    if not isinstance(value, str) or not value:
        raise ValueError(f"{where}{name} must be a non-empty string, got {value!r}")
    return value


def _body_text(value: Any, where: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if not isinstance(value, str):
        raise ValueError(f"{where} must be a string, got {type(value).__name__}")
    return value


def _headers(value: Any, where: str) -> dict[str, list[str]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{where} must map header names to lists of values, got {type(value).__name__}")
    headers = {}
    for name, values in value.items():
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ValueError(f"{where}[{name!r}] must be a list of strings, got {values!r}")
        headers[str(name)] = values
    return headers


def _offsets(value: Any) -> list[int] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, int) and v >= 0 for v in value):
        raise ValueError(f"harness.offsets_ms must be a list of non-negative integers, got {value!r}")
    return list(value)
