"""OGX's own recordings (``tests/integration/**/recordings/*.json``), read where they lie.

OGX's recorder (``ogx/testing/api_recorder.py``) stores one JSON file per outbound call, keyed by its own
request hash and the test's node id. The harness does not use those keys: each file becomes one
:class:`Interaction` and is matched by content under the harness's rules, so OGX's corpus replays in place
(no conversion step, nothing written into OGX's tree) and through ``harness cassettes import-ogx``.

The files are not all one shape, so each is read on its own and a file that cannot be replayed is
reported with its reason, never fatal:

- HTTP calls (``/v1/chat/completions``, ``/v1/embeddings``, ``/v1/models``, Ollama's ``/api/*``, Anthropic's
  ``/v1/messages``) from any provider: the response body is ``{"__type__", "__data__"}`` wrapped (an SDK
  object) or a plain dict; a list is a stream (chat chunks become SSE) or a model listing;
- a recorded provider error (``is_exception`` with ``status_code`` and ``body``) replays as that HTTP error;
- vertexai's native protocol (``vertexai:///generate_content…``) records the Google SDK's arguments, not an
  HTTP request: there is no wire request to match, so it is listed as not replayable;
- tool-runtime calls (``ogx_api.tools.ToolInvocationResult``) happen inside OGX, not over HTTP: listed too.

Written by hand because the format is OGX's own (no library reads it); json is all it needs.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .interaction import Interaction
from .rules import MatchRules
from .sources import redacted_body

RECORDINGS_DIR = "recordings"
PREFERRED_HOST = "api.openai.com"


@dataclass(frozen=True)
class Recording:
    """One replayable OGX recording."""

    source: Path
    test_id: str
    host: str
    interaction: Interaction
    answer: str  # the assistant text and tool-call arguments, to find recorded follow-ups
    has_usage: bool = False  # the answer reports token usage (recorded with stream_options.include_usage)


@dataclass(frozen=True)
class Unreplayable:
    source: Path
    reason: str


@dataclass
class Corpus:
    """Every recording found under some roots: the replayable ones and the others with their reason."""

    recordings: list[Recording] = field(default_factory=list)
    unreplayable: list[Unreplayable] = field(default_factory=list)

    @property
    def files_read(self) -> int:
        return len(self.recordings) + len(self.unreplayable)

    def reasons(self) -> Counter[str]:
        return Counter(item.reason for item in self.unreplayable)

    def render_unreplayable(self, limit: int = 5) -> list[str]:
        """One line per reason with its count and a few example files."""
        lines = []
        for reason, count in self.reasons().most_common():
            examples = [u.source.name for u in self.unreplayable if u.reason == reason][:limit]
            lines.append(f"{count} not replayable: {reason} (e.g. {', '.join(examples)})")
        return lines


def find_recording_files(root: Path) -> list[Path]:
    """JSON files inside any ``recordings/`` directory under ``root`` (OGX's layout); where there is none,
    every JSON file under ``root`` (a folder of recordings copied elsewhere)."""
    root = Path(root)
    inside, anywhere = [], []
    for directory, subdirs, names in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith(".") and d != "__pycache__")
        files = [Path(directory) / n for n in sorted(names) if n.endswith(".json")]
        anywhere += files
        if RECORDINGS_DIR in Path(directory).relative_to(root.parent).parts:
            inside += files
    return inside or anywhere


def read_corpus(roots: list[Path], rules: MatchRules, *, redact: bool = True) -> Corpus:
    """``redact=False`` when the recordings are only served (replay in place), never written: redaction is
    for what gets stored, and it is most of the reading time."""
    corpus = Corpus()
    for root in roots:
        for path in find_recording_files(root):
            item = read_recording(path, rules, base=root, redact=redact)
            (corpus.recordings if isinstance(item, Recording) else corpus.unreplayable).append(item)  # type: ignore[arg-type]  # the list matches the item's type
    return corpus


def read_recording(
    path: Path, rules: MatchRules, *, base: Path | None = None, redact: bool = True
) -> Recording | Unreplayable:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as problem:
        return Unreplayable(path, f"unreadable file ({type(problem).__name__})")
    except ValueError:
        return Unreplayable(path, "not valid JSON")
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("request"), dict)
        or not isinstance(data.get("response"), dict)
    ):
        return Unreplayable(path, "not an OGX recording (no request and response objects)")
    request, response = data["request"], data["response"]
    url = str(request.get("url") or "")
    if url.startswith("vertexai:"):
        return Unreplayable(
            path, "vertexai's native SDK protocol (recorded as SDK arguments, not an HTTP request)"
        )
    if "tool_name" in request:
        return Unreplayable(path, "a tool-runtime call inside OGX (not outbound HTTP)")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return Unreplayable(path, f"not an HTTP request (url {url!r})")
    try:
        interaction, payloads = _interaction(request, response, parts, rules, redact=redact)
    except _NotReplayable as why:
        return Unreplayable(path, str(why))
    test_id = str(data.get("test_id") or request.get("test_id") or "")
    shown = "ogx-recordings/" + (
        path.relative_to(base).as_posix() if base is not None and path.is_relative_to(base) else path.name
    )
    interaction.origin = f"{shown} ({test_id})" if test_id else shown
    has_usage = any(isinstance(p, dict) and p.get("usage") for p in payloads)
    return Recording(path, test_id, parts.hostname or "", interaction, _answer_of(payloads), has_usage)


class _NotReplayable(Exception):
    pass


def _interaction(
    request: dict[str, Any], response: dict[str, Any], parts: Any, rules: MatchRules, *, redact: bool
) -> tuple[Interaction, list[Any]]:
    endpoint = str(request.get("endpoint") or parts.path)
    body = request.get("body", request.get("payload"))
    body = dict(body) if isinstance(body, dict) else {}
    body.update(body.pop("extra_body", None) or {})  # the SDK sends extra_body's fields at the top level
    is_models = endpoint.rstrip("/").endswith("/models")
    method = "GET" if is_models else str(request.get("method") or "POST").upper()
    status, render, content_type, payloads = _answer(
        response, streaming=bool(body.get("stream")), is_models=is_models
    )
    fields: dict[str, Any] = {
        "method": method,
        "uri": rules.redactor.uri(f"{parts.scheme}://{parts.netloc}{endpoint}"),
        "request_body": ""
        if method == "GET"
        else _stored(rules, body)
        if redact
        else json.dumps(body, ensure_ascii=False),
        "status": status,
        "request_headers": {} if method == "GET" else {"content-type": ["application/json"]},
        "response_headers": {"content-type": [content_type]},
    }
    if redact:  # to be stored: the body is needed now
        return Interaction(
            response_body=redacted_body(rules.redactor, content_type, render()), **fields
        ), payloads
    return RenderedOnRead(render, **fields), payloads


class RenderedOnRead(Interaction):
    """An interaction whose response body is rendered from the recorded payloads when it is first read.
    Replaying in place reads every recording to index it, but serves only a few; rendering every
    stream's SSE text up front was most of the reading time."""

    def __init__(self, render: Callable[[], str], **fields: Any) -> None:
        super().__init__(response_body="", **fields)
        self._render: Callable[[], str] | None = render

    @property
    def response_body(self) -> str:
        if self._render is not None:
            self._body, self._render = self._render(), None
        return self._body

    @response_body.setter
    def response_body(self, value: str) -> None:
        self._body, self._render = value, None


def _stored(rules: MatchRules, body: dict[str, Any]) -> str:
    return json.dumps(rules.stored_body(body), indent=2, ensure_ascii=False)


def _answer(
    response: dict[str, Any], *, streaming: bool, is_models: bool
) -> tuple[int, Callable[[], str], str, list[Any]]:
    """(status, what renders the body, content type, the payloads)"""
    if response.get("is_exception"):
        error = response.get("exception_data") or {}
        status = error.get("status_code") if isinstance(error, dict) else None
        if not isinstance(status, int):
            raise _NotReplayable("a recorded exception without an HTTP status (a client-side error)")
        detail = error.get("body")
        detail = detail if isinstance(detail, dict) else {"message": str(error.get("message") or "")}
        return (
            status,
            (lambda: json.dumps({"error": detail}, ensure_ascii=False) + "\n"),
            "application/json",
            [],
        )
    body = response.get("body")
    if body is None:
        raise _NotReplayable("no response body recorded")
    recorded = response.get("status")
    status = recorded if isinstance(recorded, int) else 200
    if isinstance(body, list):
        payloads = [_unwrap(item) for item in body]
        if is_models:
            listing = {"object": "list", "data": payloads}
            return status, lambda: _pretty(listing), "application/json", []
        if not (streaming or response.get("is_streaming")):
            raise _NotReplayable("a list answer to a request that is neither a stream nor a model listing")
        return status, lambda: _event_stream(payloads), "text/event-stream", payloads
    payload = _unwrap(body)
    return status, lambda: _pretty(payload), "application/json", [payload]


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def _event_stream(payloads: list[Any]) -> str:
    return "".join(f"data: {json.dumps(p, ensure_ascii=False)}\n\n" for p in payloads) + "data: [DONE]\n\n"


def _unwrap(item: Any) -> Any:
    if isinstance(item, dict) and "__type__" in item and "__data__" in item:
        return item["__data__"]
    return item


def _answer_of(payloads: list[Any]) -> str:
    text, arguments = [], []
    for payload in payloads:
        if not isinstance(payload, dict):
            continue
        for choice in payload.get("choices") or []:
            delta = choice.get("delta") or choice.get("message") or {}
            text.append(delta.get("content") or "")
            for call in delta.get("tool_calls") or []:
                arguments.append((call.get("function") or {}).get("arguments") or "")
    return "".join(text) + "\x00" + "".join(arguments)


def _assistant_turns(recording: Recording) -> set[str]:
    """The earlier assistant answers a recorded request carries (text and tool-call arguments)."""
    body = recording.interaction.request_json() or {}
    turns = set()
    for message in (body.get("messages") or []) if isinstance(body, dict) else []:
        if isinstance(message, dict) and message.get("role") == "assistant":
            content: str = message["content"] if isinstance(message.get("content"), str) else ""
            arguments = "".join(
                (c.get("function") or {}).get("arguments") or "" for c in message.get("tool_calls") or []
            )
            turns.add(content + "\x00" + arguments)
    return turns


def continuation_depths(recordings: list[Recording]) -> dict[str, int]:
    """For each answer, how many recorded turns follow it (0: no recorded request continues it). When one
    request has several recorded answers, the one with the longest recorded conversation after it is the one
    whose follow-ups all replay."""
    continued_by: dict[str, list[str]] = {}
    for recording in recordings:
        for turn in _assistant_turns(recording):
            continued_by.setdefault(turn, []).append(recording.answer)
    depths: dict[str, int] = {}

    def depth(answer: str, seen: frozenset[str]) -> int:
        if answer in depths:
            return depths[answer]
        followers = [a for a in continued_by.get(answer, []) if a not in seen and a != answer]
        result = max(
            (1 + depth(a, seen | {answer}) for a in followers), default=1 if answer in continued_by else 0
        )
        depths[answer] = result
        return result

    for recording in recordings:
        depth(recording.answer, frozenset())
    return depths


def pick_answers(recordings: list[Recording], key_of: Any) -> tuple[list[Recording], int, int]:
    """One recording per canonical request. Among duplicates the kept answer is, in order: a success over a
    recorded error, the one with the
    longest recorded conversation after it (so multi-turn conversations replay end to end), one that reports
    token usage (OGX 1.5.0 always asks for it; the matching rules drop ``stream_options``, so a recording
    made without it would answer a request that asked), one recorded against api.openai.com, then the
    first by file name. Returns (kept, duplicates, conflicting)."""
    depths = continuation_depths(recordings)
    groups: dict[str, list[Recording]] = {}
    for recording in recordings:
        groups.setdefault(key_of(recording.interaction), []).append(recording)
    kept, duplicates, conflicting = [], 0, 0
    for group in groups.values():
        group.sort(
            key=lambda r: (
                r.interaction.status >= 400,
                -depths.get(r.answer, 0),
                not r.has_usage,
                r.host != PREFERRED_HOST,
                r.source.name,
            )
        )
        winner = group[0]
        duplicates += len(group) - 1
        conflicting += sum(1 for r in group[1:] if r.answer != winner.answer)
        kept.append(winner)
    return kept, duplicates, conflicting
