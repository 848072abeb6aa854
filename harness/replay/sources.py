"""Where the endpoint's answers come from. One small class per inference mode, behind one interface, so
new sources (e.g. a ``synthetic`` mode that derives a schema-valid completion from the request) plug in
without touching the HTTP side.

    AnswerSource.answer(call, canonical) -> Answer
      ├── CassetteSource   replay: the recorded answer, or RecordingMissing
      ├── UpstreamSource   live: forward, store nothing
      └── RecordingSource  record / record-if-missing: forward, write the answer to its cassette as soon
                           as it is complete (atomically, under the cassette's lock)
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Protocol

import httpx

from harness.core.errors import ReplayError

from .deltas import redact_stream
from .interaction import Interaction
from .library import CassetteLibrary, Entry
from .miss import recording_missing
from .redaction import Redactor
from .rules import CanonicalRequest, MatchRules
from .sse import EventSplitter, is_event_stream
from .upstream import Upstream

# (offset since the request was sent in seconds, or None to send at once; the event's bytes)
Events = AsyncIterator[tuple[float | None, bytes]]


@dataclass(frozen=True)
class Call:
    """A request as it reached the endpoint."""

    method: str
    path: str
    query: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    nodeid: str | None = None


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes = b""
    events: Events | None = None  # set for a stream: sent event by event
    entry: Entry | None = None  # the cassette entry that answered (replay) or will hold it (record)


class AnswerSource(Protocol):
    async def answer(self, call: Call, canonical: CanonicalRequest) -> Answer: ...

    async def aclose(self) -> None: ...


class CassetteSource:
    def __init__(self, library: CassetteLibrary) -> None:
        self.library = library

    async def answer(self, call: Call, canonical: CanonicalRequest) -> Answer:
        entry = self.library.lookup(canonical)
        if entry is None:
            raise recording_missing(
                canonical, self.library.nearest(canonical), nodeid=call.nodeid, cassette_dir=self.library.root
            )
        return replay_answer(entry)

    async def aclose(self) -> None:
        return None


def replay_answer(entry: Entry) -> Answer:
    interaction = entry.interaction
    headers = [(name, value) for name, values in interaction.response_headers.items() for value in values]
    if not interaction.is_stream:
        return Answer(interaction.status, headers, interaction.response_body.encode("utf-8"), entry=entry)
    offsets = interaction.offsets_ms

    async def events() -> Events:
        for index, event in enumerate(interaction.events()):
            yield (offsets[index] / 1000 if offsets else None), event

    return Answer(interaction.status, headers, events=events(), entry=entry)


class UpstreamSource:
    """Forwards to the real provider. ``on_complete`` sees each answer that arrived in full."""

    def __init__(
        self,
        upstream: Upstream,
        on_complete: Callable[[Call, httpx.Response, bytes, list[float] | None], Entry | None] | None = None,
    ) -> None:
        self.upstream = upstream
        self.on_complete = on_complete
        self._client: httpx.AsyncClient | None = None

    async def answer(self, call: Call, canonical: CanonicalRequest) -> Answer:
        if self._client is None:  # created lazily: it must live on the endpoint's event loop
            self._client = httpx.AsyncClient(timeout=httpx.Timeout(600.0, connect=30.0))
        url = self.upstream.url_for(call.path) + (f"?{call.query}" if call.query else "")
        request = self._client.build_request(
            call.method, url, headers=self.upstream.headers(call.headers), content=call.body
        )
        started = time.monotonic()
        try:
            response = await self._client.send(request, stream=True)
        except httpx.HTTPError as error:
            raise ReplayError(
                f"the upstream provider at {self.upstream.base_url} could not be reached: {type(error).__name__}: {error}",
                value=self.upstream.base_url,
                fix="check HARNESS_UPSTREAM_BASE_URL and the network, or replay with --inference-mode=replay",
            ) from None
        content_type = response.headers.get("content-type", "")
        headers = [("content-type", content_type)] if content_type else []
        if is_event_stream(content_type):
            return Answer(response.status_code, headers, events=self._relay(call, response, started))
        try:
            body = await response.aread()
        finally:
            await response.aclose()
        entry = self.on_complete(call, response, body, None) if self.on_complete else None
        return Answer(response.status_code, headers, body, entry=entry)

    async def _relay(self, call: Call, response: httpx.Response, started: float) -> Events:
        splitter, events, offsets = EventSplitter(), [], []
        complete = False
        try:
            async for chunk in response.aiter_bytes():
                for event in splitter.feed(chunk):
                    offsets.append(time.monotonic() - started)
                    events.append(event)
                    yield None, event
            for event in splitter.close():
                offsets.append(time.monotonic() - started)
                events.append(event)
                yield None, event
            complete = True
        finally:
            await response.aclose()
            if complete and self.on_complete:  # an interrupted stream is never stored
                self.on_complete(call, response, b"".join(events), offsets)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


class RecordingSource:
    """record (``only_missing=False``): forward every request and store the answer, replacing an old one.
    record-if-missing: answer from the cassettes when recorded, otherwise forward and store."""

    def __init__(self, library: CassetteLibrary, upstream: Upstream, *, only_missing: bool) -> None:
        self.library = library
        self.only_missing = only_missing
        self.rules: MatchRules = library.rules
        self.forward = UpstreamSource(upstream, on_complete=self._store)
        self.recorded: list[Entry] = []

    async def answer(self, call: Call, canonical: CanonicalRequest) -> Answer:
        if self.only_missing:
            entry = self.library.lookup(canonical)
            if entry is not None:
                return replay_answer(entry)
        return await self.forward.answer(call, canonical)

    def _store(
        self, call: Call, response: httpx.Response, body: bytes, offsets: list[float] | None
    ) -> Entry | None:
        if response.status_code == 429 or response.status_code >= 500:
            return None  # transient provider trouble is not an answer worth replaying
        interaction = stored_interaction(
            self.rules,
            self.forward.upstream,
            call,
            response.status_code,
            response.reason_phrase,
            response.headers.get("content-type", ""),
            body,
            offsets,
        )
        entry = self.library.add(
            interaction, target=self.library.target_for(call.nodeid), replace=not self.only_missing
        )
        # Written now, not at the end of the run: a run stopped by SIGTERM (a CI timeout, a cancelled job)
        # or SIGKILL, which runs no clean-up, loses at most the request in flight.
        self.library.flush()
        self.recorded.append(entry)
        return entry

    async def aclose(self) -> None:
        await self.forward.aclose()


def stored_interaction(
    rules: MatchRules,
    upstream: Upstream,
    call: Call,
    status: int,
    reason: str,
    content_type: str,
    body: bytes,
    offsets: list[float] | None,
) -> Interaction:
    """The interaction as written to a cassette: only the configured headers, volatile fields dropped,
    every secret redacted."""
    redact = rules.redactor
    request_headers = {
        n: [redact.header(n, v)] for n, v in call.headers.items() if n in rules.request_headers
    }
    response_headers = (
        {"content-type": [content_type]} if content_type and "content-type" in rules.response_headers else {}
    )
    return Interaction(
        method=call.method,
        uri=redact.uri(upstream.url_for(call.path) + (f"?{call.query}" if call.query else "")),
        request_body=stored_request_body(rules, call.body),
        status=status,
        reason=reason,
        response_body=redacted_body(redact, content_type, body.decode("utf-8", "replace")),
        request_headers=request_headers,
        response_headers=response_headers,
        offsets_ms=[round(o * 1000) for o in offsets] if offsets is not None else None,
    )


def redacted_body(redactor: Redactor, content_type: str, text: str) -> str:
    """A response body as stored: a stream is redacted as its reader reads it (the deltas joined) and
    event by event; any other body as text."""
    return redact_stream(text, redactor) if is_event_stream(content_type) else redactor.text(text)


def stored_request_body(rules: MatchRules, body: bytes | str) -> str:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        decoded = json.loads(text) if text.strip() else None
    except ValueError:
        return rules.redactor.text(text)
    if decoded is None:
        return ""
    return json.dumps(rules.stored_body(decoded), indent=2, ensure_ascii=False)
