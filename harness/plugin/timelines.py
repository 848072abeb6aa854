"""SSE timelines for the report: for streamed exchanges, the events in order with their type,
``sequence_number``, the time the client received each (ms after the request was sent), the deltas adding
up to the final text, and the first rule the stream broke.

The tee transport (``harness.targets.clients``) hands the contract run each finished exchange with its raw
body, but not when each byte arrived. :class:`StreamClock` adds that from above, through httpx's event
hooks (a public API of ``httpx`` and ``httpx2`` clients): the request hook stamps the send time, the
response hook wraps the body stream so each chunk is timed as the client reads it. The tee reports the
exchange from inside the last read, so the clock knows which timed stream the exchange belongs to.
Kept small: at most :data:`MAX_TIMELINES` timelines (streams that broke a rule first) of at most
:data:`MAX_EVENTS` events each."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from harness.core.exchange import Exchange, Request
from harness.core.failure import CheckFailure

MAX_TIMELINES = 24
MAX_EVENTS = 80
MAX_PER_TEST = 2
SENT_AT = "router_harness.sent_at"
SSE = "text/event-stream"


class _TimedStream:
    def __init__(self, inner: Any, sent_at: float, clock: StreamClock) -> None:
        self._inner, self._sent_at, self._clock = inner, sent_at, clock
        self.chunks: list[tuple[float, int]] = []  # (seconds after the request was sent, chunk length)

    def __iter__(self) -> Any:
        iterator = iter(self._inner)
        while True:
            with self._clock.reading(self):
                try:
                    chunk = next(iterator)
                except StopIteration:
                    return
            self.chunks.append((time.monotonic() - self._sent_at, len(chunk)))
            yield chunk

    def close(self) -> None:
        with self._clock.reading(self):
            self._inner.close()

    def __getattr__(self, name: str) -> Any:  # anything else the client asks of the stream
        return getattr(self._inner, name)


_CLASSES: dict[type, type] = {}


def _timed_class(stream_type: type) -> type:
    """A timed stream that is also the client's own ``SyncByteStream`` (httpx checks the type on close)."""
    base = next((c for c in stream_type.__mro__ if c.__name__ == "SyncByteStream"), None)
    if base is None:
        return _TimedStream
    if base not in _CLASSES:
        _CLASSES[base] = type("TimedStream", (_TimedStream, base), {})
    return _CLASSES[base]


class StreamClock:
    """Times response bodies chunk by chunk: pass ``event_hooks=clock.hooks()`` to the client."""

    def __init__(self) -> None:
        self._local = threading.local()

    def hooks(self, existing: dict[str, list[Any]] | None = None) -> dict[str, list[Any]]:
        hooks = {key: list(value) for key, value in (existing or {}).items()}
        hooks.setdefault("request", []).append(self._on_request)
        hooks.setdefault("response", []).append(self._on_response)
        return hooks

    def _on_request(self, request: Any) -> None:
        request.extensions = {**request.extensions, SENT_AT: time.monotonic()}

    def _on_response(self, response: Any) -> None:
        sent_at = response.request.extensions.get(SENT_AT, time.monotonic())
        response.stream = _timed_class(type(response.stream))(response.stream, sent_at, self)

    def reading(self, stream: _TimedStream) -> _Reading:
        return _Reading(self._local, stream)

    def current(self) -> list[tuple[float, int]] | None:
        """The chunk times of the body being read on this thread (called from the tee's report)."""
        stream = getattr(self._local, "stream", None)
        return list(stream.chunks) if stream is not None else None


@dataclass
class _Reading:
    local: Any
    stream: _TimedStream

    def __enter__(self) -> None:
        self.previous = getattr(self.local, "stream", None)
        self.local.stream = self.stream

    def __exit__(self, *exc_info: Any) -> None:
        self.local.stream = self.previous


@dataclass
class Timelines:
    """Collects timelines as the contract run sees (``observed``) and then checks (``checked``) exchanges."""

    clock: StreamClock = field(default_factory=StreamClock)
    spec: Any = None  # the run's ApiSpec, to name each stream's operation
    seen: int = 0
    items: list[dict[str, Any]] = field(default_factory=list)
    _times: dict[int, tuple[Any, list[tuple[float, int]] | None]] = field(default_factory=dict)

    def observed(self, exchange: Exchange) -> None:
        if exchange.response.content_type == SSE:
            self._times[id(exchange.response)] = (exchange.response, self.clock.current())

    def checked(self, exchange: Exchange, failures: list[CheckFailure]) -> None:
        kept = self._times.pop(id(exchange.response), None)
        if exchange.response.content_type != SSE:
            return
        self.seen += 1
        broken = _first_broken(failures)
        if sum(1 for item in self.items if item["test"] == exchange.test) >= MAX_PER_TEST and broken is None:
            return
        if len(self.items) >= MAX_TIMELINES:
            clean = next((i for i, item in enumerate(self.items) if item["first_broken"] is None), None)
            if broken is None or clean is None:
                return
            del self.items[clean]  # a stream that broke a rule says more than one that did not
        operation = exchange.operation
        if operation is None and self.spec is not None:
            found = self.spec.find_operation(exchange.request.method, exchange.request.url)
            operation = found.key if found is not None else None
        self.items.append(timeline(exchange, kept[1] if kept else None, failures, broken, operation))

    def export(self) -> dict[str, Any]:
        return {
            "seen": self.seen,
            "kept": len(self.items),
            "max_kept": MAX_TIMELINES,
            "max_events": MAX_EVENTS,
            "items": list(self.items),
        }


def timeline(
    exchange: Exchange,
    chunks: list[tuple[float, int]] | None,
    failures: list[CheckFailure],
    broken: dict[str, Any] | None,
    operation: str | None = None,
) -> dict[str, Any]:
    from harness.contract.context import redact
    from harness.contract.sse import SseParser

    body = exchange.response.body
    parser = SseParser()
    timed: list[tuple[Any, float | None]] = []
    start = 0
    for seconds, length in (
        chunks if chunks and sum(n for _, n in chunks) == len(body) else [(None, len(body))]
    ):
        timed += [(event, seconds) for event in parser.feed(body[start : start + length])]
        start += length
    timed += [(event, timed[-1][1] if timed else None) for event in parser.close()]
    events: list[dict[str, Any]] = []
    deltas: list[Any] = []
    final = None
    for event, seconds in timed:
        value = _json(event.data)
        kind = value.get("type") if isinstance(value, dict) else None
        delta = (
            value.get("delta")
            if isinstance(kind, str) and kind.endswith(".delta") and isinstance(value.get("delta"), str)
            else None
        )
        if delta is not None and kind == "response.output_text.delta":
            deltas.append(delta)
        if isinstance(value, dict) and isinstance(value.get("response"), dict) and kind in TERMINAL:
            final = _output_text(value["response"])
        if len(events) < MAX_EVENTS:
            number = value.get("sequence_number") if isinstance(value, dict) else None
            events.append(
                {
                    "index": event.index,
                    "type": kind if isinstance(kind, str) else ("[DONE]" if event.is_done else None),
                    "sequence_number": number
                    if isinstance(number, int) and not isinstance(number, bool)
                    else None,
                    "offset_ms": None if seconds is None else round(seconds * 1000, 1),
                    "delta": delta,
                    "excerpt": event.excerpt(160),
                }
            )
    request = exchange.request
    safe = Request(request.method, request.url, redact(request.headers), request.body)
    return {
        "test": exchange.test,
        "operation": operation or exchange.operation or _operation_of(failures),
        "status": int(exchange.response.status),
        "curl": safe.curl()[:2000],
        "timed": chunks is not None,
        "events": events,
        "events_total": len(timed),
        "final_text": final,
        "deltas_text": "".join(deltas),
        "first_broken": broken,
        "findings": sorted({f"{f.check}: {f.title}" for f in failures})[:10],
    }


TERMINAL = ("response.completed", "response.failed", "response.incomplete")
_EVENT_REF = re.compile(r"#(\d+)\b")


def _first_broken(failures: list[CheckFailure]) -> dict[str, Any] | None:
    """The first broken rule: undeclared before declared, then the one naming the earliest event (the stream
    checks say ``#<index>``)."""
    candidates = []
    for failure in failures:
        if failure.severity.value == "info":
            continue
        texts = [
            failure.title,
            *(e.text for e in failure.evidence if "stream" in e.label or "event" in e.label),
        ]
        indexes = [int(m) for text in texts for m in _EVENT_REF.findall(text)]
        if indexes or failure.check.startswith(("sse_", "responses_stream", "responses_delta", "stream_")):
            kind = (
                "expected"
                if failure.expected_reason
                else ("unexpected" if failure.severity.value == "error" else "warning")
            )
            candidates.append((min(indexes) if indexes else 10**9, failure, kind))
    if not candidates:
        return None
    # an undeclared break first (what a maintainer came for), then the earliest event
    index, failure, kind = min(
        candidates, key=lambda c: (("unexpected", "warning", "expected").index(c[2]), c[0])
    )
    return {
        "check": failure.check,
        "title": failure.title,
        "event_index": None if index == 10**9 else index,
        "kind": kind,
    }


def _operation_of(failures: list[CheckFailure]) -> str | None:
    return next((f.operation for f in failures if f.operation), None)


def _output_text(response: dict[str, Any]) -> str | None:
    texts = [
        part.get("text")
        for item in response.get("output") or []
        if isinstance(item, dict)
        for part in item.get("content") or []
        if isinstance(part, dict) and part.get("type") == "output_text"
    ]
    found = [t for t in texts if isinstance(t, str)]
    return "".join(found) if found else None


def _json(data: str) -> Any:
    import json

    try:
        return json.loads(data)
    except ValueError:
        return None
