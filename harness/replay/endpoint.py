"""The record/replay endpoint: an OpenAI-compatible HTTP server on loopback that the stack's inference
provider points at (``base_url``), so library, server and docker modes share one set of cassettes.

    with ReplayEndpoint(Path("cassettes")) as endpoint:        # replay mode by default
        env["UPSTREAM_BASE_URL"] = endpoint.base_url          # http://127.0.0.1:PORT/v1
        endpoint.set_current_test(nodeid)
        ...                                                  # run the test against the stack
        for miss in endpoint.take_misses(nodeid): ...          # fail the test with miss.render()
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from harness.core.errors import RecordingMissing, ReplayError, UsageError

from .library import CassetteLibrary, Entry, display_path
from .mode import InferenceMode
from .rules import MatchRules
from .server import LoopbackServer
from .sources import AnswerSource, Call, CassetteSource, RecordingSource, UpstreamSource
from .synthetic import SyntheticSource
from .upstream import Upstream, require_upstream
from .usage import write_usage

Speed = Literal["instant", "recorded"]
SPEEDS = ("instant", "recorded")
MODEL_PATHS = ("/v1/models", "/models")
MISS_STATUS = 404  # a 4xx: OpenAI-compatible clients do not retry it (they retry 5xx, 408, 409, 429)


@dataclass(frozen=True)
class _Miss:
    """A problem the endpoint had with one test's request: the error, left as it was made, and whose it is."""

    error: ReplayError
    nodeid: str | None
    key: str  # the request's key (prefixed "error:" for an upstream failure): one report per test and key

    @property
    def identity(self) -> tuple[str | None, str]:
        return (self.nodeid, self.key)


class ReplayEndpoint:
    def __init__(
        self,
        cassette_dir: Path | str,
        *,
        mode: InferenceMode | str = InferenceMode.REPLAY,
        upstream: Upstream | None = None,
        speed: Speed = "instant",
        rules: Path | str | None = None,
        source: AnswerSource | None = None,
        host: str = "127.0.0.1",
        ogx_recordings: tuple[Path, ...] = (),
        require_cassette_dir: bool = True,
    ) -> None:
        self.mode = InferenceMode.parse(mode)
        if speed not in SPEEDS:
            raise UsageError(
                f"unknown replay speed {speed!r}",
                value=speed,
                allowed=", ".join(SPEEDS),
                fix="use 'instant' (default) or 'recorded' (replay stream events at their recorded time offsets)",
            )
        self.speed = speed
        self.cassette_dir = Path(cassette_dir)
        self.upstream = (
            require_upstream(upstream, self.mode.value)
            if self.mode.needs_upstream and source is None
            else upstream
        )
        self.rules = MatchRules.load(rules).with_secrets([upstream.api_key if upstream else None])
        self.library = self._load_library(bool(ogx_recordings) or not require_cassette_dir)
        self.ogx_corpus = self._index_ogx_recordings(ogx_recordings)
        self.source: AnswerSource = source or self._source_for_mode()
        self._models_source: AnswerSource | None = (
            UpstreamSource(self.upstream) if self.upstream and self.mode.needs_upstream else None
        )
        if self.mode is InferenceMode.SYNTHETIC:
            self._models_source = self.source  # its own deterministic listing
        self._server = LoopbackServer(self._app, host)
        self._current_test: str | None = None
        self._lock = threading.Lock()
        self._misses: list[_Miss] = []
        self._miss_keys: set[tuple[str | None, str]] = set()
        self._used: dict[str, Entry] = {}
        self._used_by_test: dict[str | None, list[str]] = defaultdict(list)
        self._missed: list[
            dict[str, Any]
        ] = []  # every miss of the run, kept for the report (take_misses empties _misses)

    def _load_library(self, has_other_recordings: bool = False) -> CassetteLibrary:
        if self.mode in (InferenceMode.LIVE, InferenceMode.SYNTHETIC):  # no cassettes read
            return CassetteLibrary(self.cassette_dir, self.rules)
        if not self.cassette_dir.is_dir() and has_other_recordings:
            return CassetteLibrary(self.cassette_dir, self.rules)
        if self.mode is InferenceMode.REPLAY and not self.cassette_dir.is_dir():
            raise UsageError(
                f"the cassette directory {self.cassette_dir} does not exist, so nothing can be replayed",
                value=str(self.cassette_dir),
                allowed="an existing directory of cassettes (--cassette-dir or HARNESS_CASSETTE_DIR; default cassettes/ under the rootdir)",
                fix="point the harness at the cassettes/ directory of the repository, or record with --inference-mode=record-if-missing",
            )
        return CassetteLibrary.load(self.cassette_dir, self.rules)

    def _index_ogx_recordings(self, roots: tuple[Path, ...]) -> Any:
        """OGX's own recordings, read in place and indexed by content (replay modes only)."""
        from .ogx_recordings import Corpus, pick_answers, read_corpus

        if not roots or self.mode in (InferenceMode.LIVE, InferenceMode.SYNTHETIC):
            return Corpus()
        corpus = read_corpus(list(roots), self.rules, redact=False)
        canonical = {id(r.interaction): self.library.canonical_of(r.interaction) for r in corpus.recordings}
        kept, _, _ = pick_answers(corpus.recordings, lambda interaction: canonical[id(interaction)].key)
        self.library.index_foreign(
            [(r.source, r.interaction) for r in kept], canonical_of=lambda i: canonical[id(i)]
        )
        return corpus

    def _source_for_mode(self) -> AnswerSource:
        if self.mode is InferenceMode.REPLAY:
            return CassetteSource(self.library)
        if self.mode is InferenceMode.SYNTHETIC:
            return SyntheticSource()
        assert self.upstream is not None  # require_upstream made sure, for the modes that forward
        if self.mode is InferenceMode.LIVE:
            return UpstreamSource(self.upstream)
        return RecordingSource(
            self.library, self.upstream, only_missing=self.mode is InferenceMode.RECORD_IF_MISSING
        )

    # -- lifecycle -----------------------------------------------------------------------------------

    def __enter__(self) -> ReplayEndpoint:
        self._server.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def close(self) -> None:
        self._server.stop()
        self.flush()

    def flush(self) -> list[Path]:
        """Write new recordings now (atomically, merged with what other workers wrote)."""
        if not self.mode.writes_cassettes:
            return []
        return self.library.flush()

    # -- what the plugin reads -----------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def base_url(self) -> str:
        host = f"[{self._server.host}]" if ":" in self._server.host else self._server.host
        return f"http://{host}:{self.port}/v1"

    @property
    def outbound_hosts(self) -> tuple[str, ...]:
        """Hosts this endpoint itself must reach (the upstream in record and live modes), for the guard."""
        return (self.upstream.host,) if self.upstream and self.mode.needs_upstream else ()

    def set_current_test(self, nodeid: str | None) -> None:
        self._current_test = nodeid

    def take_misses(self, nodeid: str | None = None) -> list[ReplayError]:
        """Problems since the last call (all tests, or only ``nodeid``'s): ``RecordingMissing`` for a
        request with no recording, ``ReplayError`` for an upstream that failed while recording."""
        with self._lock:
            taken = [m for m in self._misses if nodeid is None or m.nodeid == nodeid]
            self._misses = [m for m in self._misses if m not in taken]
            self._miss_keys.difference_update(m.identity for m in taken)  # a re-run reports it again
        return [m.error for m in taken]

    @property
    def used_entries(self) -> frozenset[str]:
        """Keys of the cassette entries that answered a request."""
        with self._lock:
            return frozenset(self._used)

    def entries_used_by(self, nodeid: str | None) -> list[str]:
        """References (``file#index``) of the entries that answered this test's requests."""
        with self._lock:
            return list(self._used_by_test.get(nodeid, []))

    @property
    def missed(self) -> list[dict[str, Any]]:
        """Every request the run could not serve, as plain data: the request, its test, key and the nearest
        recording (for the report's replay coverage)."""
        with self._lock:
            return [dict(miss) for miss in self._missed]

    def used_by_test(self) -> dict[str | None, list[str]]:
        """Entry references (``file#index``) per test that used them."""
        with self._lock:
            return {test: list(refs) for test, refs in self._used_by_test.items()}

    def write_usage(self, path: Path | None = None, *, run_id: str | None = None) -> Path:
        """Record which entries this (full) replay run used, for ``harness cassettes prune``."""
        return write_usage(
            self.cassette_dir,
            self.rules,
            known=self.library.keys(),
            used=self.used_entries,
            path=path,
            run_id=run_id,
        )

    # -- the ASGI app (runs on the server thread's loop) -----------------------------------------------

    async def _app(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        body = bytearray()
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        call = Call(
            method=scope["method"].upper(),
            path=scope["path"],
            query=scope.get("query_string", b"").decode("latin-1"),
            headers={k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]},
            body=bytes(body),
            nodeid=self._current_test,
        )
        if call.method == "GET" and call.path in MODEL_PATHS:
            await self._answer_models(call, send)
            return
        canonical = self.rules.canonical(call.method, call.path, call.body)
        try:
            answer = await self.source.answer(call, canonical)
        except RecordingMissing as miss:
            self._remember(miss, call.nodeid, canonical.key)
            await _send_error(send, MISS_STATUS, miss, "recording_missing")
            return
        except ReplayError as error:
            self._remember(error, call.nodeid, f"error:{canonical.key}")
            await _send_error(send, 502, error, "upstream_unavailable")
            return
        if answer.entry is not None and self.mode.reads_cassettes and answer.entry.index is not None:
            with self._lock:
                self._used[answer.entry.key] = answer.entry
                self._used_by_test[call.nodeid].append(answer.entry.ref)
        await send(
            {
                "type": "http.response.start",
                "status": answer.status,
                "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers],
            }
        )
        if answer.events is None:
            await send({"type": "http.response.body", "body": answer.body})
            return
        await self._stream(answer, send)

    async def _stream(self, answer: Any, send: Any) -> None:
        started = time.monotonic()
        events = answer.events
        try:
            async for offset, event in events:
                if self.speed == "recorded" and offset is not None:
                    delay = started + offset - time.monotonic()
                    if delay > 0:
                        await asyncio.sleep(delay)
                await send({"type": "http.response.body", "body": event, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        finally:
            await (
                events.aclose()
            )  # a client that went away also closes (and does not store) the upstream stream

    async def _answer_models(self, call: Call, send: Any) -> None:
        if self._models_source is not None:
            try:
                answer = await self._models_source.answer(
                    call, self.rules.canonical(call.method, call.path, b"")
                )
            except ReplayError:
                answer = None
            if answer is not None and answer.status == 200:
                await send(
                    {
                        "type": "http.response.start",
                        "status": 200,
                        "headers": [(b"content-type", b"application/json")],
                    }
                )
                await send({"type": "http.response.body", "body": answer.body})
                return
        listing = {
            "object": "list",
            "data": [
                {"id": m, "object": "model", "created": 0, "owned_by": "harness-replay"}
                for m in self.library.models()
            ],
        }
        await _send_json(send, 200, listing)

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                for source in (self.source, self._models_source):
                    if source is not None:
                        await source.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    def _remember(self, error: ReplayError, nodeid: str | None, key: str) -> None:
        miss = _Miss(error, nodeid, key)
        with self._lock:
            if miss.identity in self._miss_keys:
                return
            self._miss_keys.add(miss.identity)
            self._misses.append(miss)
            request, nearest = getattr(error, "request", None), getattr(error, "nearest", None)
            self._missed.append(
                {
                    "test": nodeid,
                    "key": key[:16],
                    "request": (
                        f"{request.method} {request.path}"
                        + (f" (model {request.model})" if request.model else "")
                    )
                    if request is not None
                    else error.message.splitlines()[0],
                    "nearest": nearest.ref if nearest is not None else None,
                }
            )

    def __repr__(self) -> str:
        return f"ReplayEndpoint({display_path(self.cassette_dir)!r}, mode={self.mode.value!r}, base_url={self.base_url!r})"


async def _send_error(send: Any, status: int, error: ReplayError, code: str) -> None:
    body = {"error": {"message": error.render(), "type": code, "code": code, "param": None}}
    await _send_json(send, status, body, extra=[(b"x-should-retry", b"false")])


async def _send_json(send: Any, status: int, body: Any, extra: Sequence[tuple[bytes, bytes]] = ()) -> None:
    payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
    ] + list(extra)
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
