"""What a check sees: the spec, the options, the run's session, the check's own name, and the exchange
(or stream, or deletion scenario) it judges; plus the helpers that turn a finding into a :class:`CheckFailure` with evidence
and a way to reproduce it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

from harness.core.exchange import Exchange, Request, Response
from harness.core.failure import CheckFailure, Evidence, Severity

from .options import CheckOptions
from .session import CheckSession
from .spec import ApiSpec, Operation, ResponseSpec
from .sse import SseEvent, SseEvents, parse_sse

if TYPE_CHECKING:
    from .reference import Reference, ReferenceMatch

EXCERPT = 800


def excerpt(data: bytes | str, width: int = EXCERPT) -> str:
    text = data.decode("utf-8", "replace") if isinstance(data, (bytes, bytearray)) else data
    return text if len(text) <= width else text[: width - 1] + f"… ({len(text)} characters in all)"


def request_evidence(request: Request) -> Evidence:
    text = f"{request.method.upper()} {request.url}"
    if request.body:
        text += "\n" + excerpt(request.body, 400)
    return Evidence("request", text)


def response_evidence(response: Response, width: int = EXCERPT) -> Evidence:
    text = f"{response.status} {response.content_type or '(no content-type)'}"
    if response.body:
        text += "\n" + excerpt(response.body, width)
    return Evidence("response", text)


def reproduce(*requests: Request, test: str | None = None, cassette: tuple[str, ...] = ()) -> str:
    lines = [r.curl() for r in requests]
    if test:
        lines.append(f"pytest {json.dumps(test)}")
    lines += [f"cassette entry: {entry}" for entry in cassette]
    return "\n".join(lines)


@dataclass
class CheckContext:
    spec: ApiSpec
    options: CheckOptions
    session: CheckSession
    exchange: Exchange | None = None
    operation: Operation | None = None
    reference: Reference | None = None  # the reference oracle, when one is on
    reference_match: ReferenceMatch | None = None  # its operation for this exchange, when it has the route
    check: str = ""  # the check being run (the runner gives each check its own context)

    @property
    def judged(self) -> Exchange:
        """The exchange being judged (an exchange's or a stream's check always has one)."""
        if self.exchange is None:
            raise ValueError(f"{self.check or 'this check'} judges an exchange, but the context has none")
        return self.exchange

    def for_check(self, name: str) -> CheckContext:
        return replace(self, check=name)

    def skip(self, reason: str) -> None:
        """Count that this check could not judge something, and why (the report lists it)."""
        self.session.skip(self.check, reason)

    @property
    def declared(self) -> ResponseSpec | None:
        if self.operation is None or self.exchange is None:
            return None
        return self.operation.response_for(self.exchange.response.status)

    @property
    def operation_key(self) -> str | None:
        if self.operation is not None:
            return self.operation.key
        return self.exchange.operation if self.exchange is not None else None

    def failure(
        self,
        title: str,
        *evidence: Evidence,
        severity: Severity = Severity.ERROR,
        with_response: bool = True,
        requests: tuple[Request, ...] | None = None,
        operation: str | None = None,
        status: int | None = None,
        reproduce_with: str | None = None,
    ) -> CheckFailure:
        """The failure of this check: ``title``, the exchange's request and response (unless
        ``with_response`` is off) then ``evidence``, and how to reproduce it (the requests' curl lines,
        the test, the cassette entries; or ``reproduce_with``)."""
        items = list(evidence)
        exchange = self.exchange
        if exchange is not None and with_response:
            items = [request_evidence(exchange.request), response_evidence(exchange.response), *items]
        if requests is None:
            requests = (exchange.request,) if exchange is not None else ()
        return CheckFailure(
            check=self.check,
            title=title,
            evidence=tuple(items),
            reproduce=reproduce_with
            or reproduce(
                *requests,
                test=exchange.test if exchange else None,
                cassette=exchange.cassette_entries if exchange else (),
            )
            or None,
            severity=severity,
            operation=operation or self.operation_key,
            status=int(status)
            if status is not None
            else int(exchange.response.status)
            if exchange is not None
            else None,
        )


@dataclass(frozen=True)
class Payload:
    event: SseEvent
    value: Any = None  # the parsed JSON, when it parsed
    error: str | None = None  # why it did not

    @property
    def type(self) -> str | None:
        return (
            self.value.get("type")
            if isinstance(self.value, dict) and isinstance(self.value.get("type"), str)
            else None
        )


@dataclass
class StreamView:
    """An SSE response body, parsed once for all stream checks."""

    events: SseEvents
    payloads: list[Payload] = field(default_factory=list)

    @classmethod
    def from_body(cls, body: bytes) -> StreamView:
        events = parse_sse(body)
        payloads = []
        for event in events:
            if event.is_done:
                continue
            try:
                payloads.append(Payload(event, json.loads(event.data)))
            except ValueError as error:
                payloads.append(Payload(event, None, str(error)))
        return cls(events, payloads)

    @cached_property
    def typed(self) -> list[tuple[SseEvent, dict[str, Any]]]:
        """Events whose data is a JSON object with a string ``type``."""
        return [(p.event, p.value) for p in self.payloads if p.type is not None]

    @cached_property
    def is_responses_stream(self) -> bool:
        return any(v["type"].startswith("response.") for _, v in self.typed)


def stream_excerpt(events: list[SseEvent], *, label: str = "stream excerpt", limit: int = 8) -> Evidence:
    shown = events[:limit]
    lines = [f"#{e.index} (line {e.line}): {e.excerpt()}" for e in shown]
    if len(events) > limit:
        lines.append(f"… and {len(events) - limit} more")
    return Evidence(label, "\n".join(lines))


SECRET_HEADERS = ("authorization", "cookie", "api-key", "apikey", "token", "secret", "provider-data")
REDACTED = "<redacted>"


def redact(headers: Any) -> dict[str, str]:
    """Headers safe to print in a report or a curl line: credentials (and OGX's provider-data header,
    which carries provider API keys) are replaced by ``<redacted>``."""
    return {
        k: REDACTED if any(s in k.lower() for s in SECRET_HEADERS) else v for k, v in dict(headers).items()
    }


def exchange_from_httpx(response: Any, *, operation: str | None = None, test: str | None = None) -> Exchange:
    """An :class:`Exchange` from an ``httpx`` (or ``httpx2``) response whose body has been read.
    Secret headers are redacted (see :func:`redact`)."""
    request = response.request
    return Exchange(
        request=Request(
            method=request.method,
            url=str(request.url),
            headers=redact(request.headers),
            body=bytes(request.content or b""),
        ),
        response=Response(
            status=response.status_code, headers=redact(response.headers), body=response.content
        ),
        operation=operation,
        test=test,
    )
