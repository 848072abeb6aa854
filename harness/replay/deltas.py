"""The text a reader of a stream reassembles from its delta events, for redaction and scanning.

A streamed answer reaches its reader as fragments (``choices[].delta.content`` of chat-completion chunks,
tool-call ``arguments``, a Responses event's ``delta``); the reader joins them. A secret the upstream
echoes back four characters at a time is in no single event, so redacting or scanning each event alone
misses it. Here the fragments of each channel (one choice's content, one tool call's arguments, one
Responses output part) are joined, secrets are found in the joined text, and a match is mapped back to
the fragments it spans: the placeholder takes the place of its first character, the rest of its
characters are removed from every fragment they were in. Each event stays one valid JSON object (only
the events that change are re-serialised) and the joined text reads ``…<redacted>…``, as it would had
the secret come in one piece.

Our own code because no SSE or redaction library knows which JSON fields of an event are deltas.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .redaction import Redactor
from .sse import split_events

# chat-completion delta fields holding text (reasoning_content: DeepSeek/vLLM, reasoning: OpenRouter/Ollama)
_CHOICE_TEXT = ("content", "reasoning_content", "reasoning", "refusal")

Path_ = tuple[Any, ...]  # keys/indexes from the event's JSON root to a string


@dataclass(frozen=True)
class Fragment:
    event: int  # index of the event in the stream
    path: Path_
    text: str


@dataclass(frozen=True)
class SplitSecret:
    kind: str
    text: str  # the secret as the reader sees it
    fragments: tuple[Fragment, ...]  # the fragments the secret spans (more than one)

    @property
    def events(self) -> tuple[int, ...]:
        return tuple(sorted({f.event for f in self.fragments}))


def payloads(stream: str) -> list[Any]:
    """The JSON payload of each event (None for an event that is not one JSON ``data:`` payload)."""
    out: list[Any] = []
    for event in split_events(stream.encode("utf-8")):
        lines = [
            line[5:].removeprefix(" ")
            for line in event.decode("utf-8").splitlines()
            if line.startswith("data:")
        ]
        try:
            out.append(json.loads("\n".join(lines)) if lines else None)
        except ValueError:
            out.append(None)
    return out


def channels(events: list[Any]) -> dict[tuple[Any, ...], list[Fragment]]:
    """Fragments per channel, in stream order."""
    found: dict[tuple[Any, ...], list[Fragment]] = {}
    for index, payload in enumerate(events):
        for channel, path, text in _fragments(payload):
            found.setdefault(channel, []).append(Fragment(index, path, text))
    return found


def find_split(events: list[Any], redactor: Redactor) -> list[SplitSecret]:
    """Secrets in the reassembled text of each channel that span more than one fragment."""
    hits = []
    for fragments in channels(events).values():
        joined = "".join(f.text for f in fragments)
        for kind, start, end in _matches(fragments, redactor):
            spanned = tuple(
                f
                for f, (lo, hi) in zip(fragments, _bounds(fragments), strict=False)
                if lo < end and hi > start
            )
            if len(spanned) > 1:
                hits.append(SplitSecret(kind, joined[start:end], spanned))
    return hits


def redact_stream(stream: str, redactor: Redactor) -> str:
    """The stream with every secret of its reassembled text removed from the fragments, then each event
    redacted on its own as well."""
    events = split_events(stream.encode("utf-8"))
    decoded = payloads(stream)
    changed: dict[int, Any] = {}
    for fragments in channels(decoded).values():
        spans = _merge([(s, e) for _, s, e in _matches(fragments, redactor)])
        if not spans:
            continue
        for fragment, text in zip(fragments, _replace(fragments, spans, redactor.placeholder), strict=False):
            if text != fragment.text:
                payload = changed.setdefault(fragment.event, decoded[fragment.event])
                _set(payload, fragment.path, text)
    parts = [
        _with_data(raw.decode("utf-8"), changed[i]) if i in changed else raw.decode("utf-8")
        for i, raw in enumerate(events)
    ]
    return redactor.text("".join(parts))


def _with_data(event: str, payload: Any) -> str:
    """The event with its data replaced by ``payload`` (one ``data:`` line); other fields and the line
    endings kept."""
    body = event.rstrip("\r\n")
    ending, newline = event[len(body) :], "\r\n" if "\r\n" in event else "\n"
    lines, out, written = body.splitlines(), [], False
    for line in lines:
        if not line.startswith("data:"):
            out.append(line)
        elif not written:
            out.append("data: " + json.dumps(payload, ensure_ascii=False))
            written = True
    return newline.join(out) + ending


def _fragments(payload: Any) -> Iterator[tuple[tuple[Any, ...], Path_, str]]:
    if not isinstance(payload, dict):
        return
    if isinstance(payload.get("delta"), str):  # Responses API: response.output_text.delta and friends
        kind = str(payload.get("type", "")).removesuffix(".delta")
        yield (
            (
                "responses",
                kind,
                payload.get("item_id"),
                payload.get("output_index"),
                payload.get("content_index"),
            ),
            ("delta",),
            payload["delta"],
        )
    for position, choice in enumerate(payload.get("choices") or []):
        if not isinstance(choice, dict):
            continue
        number = choice.get("index", position)
        if isinstance(choice.get("text"), str):  # legacy completions
            yield ("text", number), ("choices", position, "text"), choice["text"]
        delta = choice.get("delta")
        if not isinstance(delta, dict):
            continue
        for name in _CHOICE_TEXT:
            if isinstance(delta.get(name), str):
                yield ("choice", number, name), ("choices", position, "delta", name), delta[name]
        for slot, call in enumerate(delta.get("tool_calls") or []):
            function = call.get("function") if isinstance(call, dict) else None
            if isinstance(function, dict) and isinstance(function.get("arguments"), str):
                yield (
                    ("tool", number, call.get("index", slot)),
                    ("choices", position, "delta", "tool_calls", slot, "function", "arguments"),
                    function["arguments"],
                )


def _bounds(fragments: list[Fragment]) -> list[tuple[int, int]]:
    bounds, offset = [], 0
    for fragment in fragments:
        bounds.append((offset, offset + len(fragment.text)))
        offset += len(fragment.text)
    return bounds


def _matches(fragments: list[Fragment], redactor: Redactor) -> list[tuple[str, int, int]]:
    joined = "".join(f.text for f in fragments)
    return [(m.kind, m.start, m.end) for m in redactor.find(joined) if m.end > m.start]


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def _replace(fragments: list[Fragment], spans: list[tuple[int, int]], placeholder: str) -> list[str]:
    """New fragment texts: each span's characters removed, the placeholder where the span began."""
    owners = [i for i, f in enumerate(fragments) for _ in f.text]
    joined = "".join(f.text for f in fragments)
    pieces = [""] * len(fragments)
    position, spans_left = 0, list(spans)
    while position < len(joined):
        if spans_left and position == spans_left[0][0]:
            start, end = spans_left.pop(0)
            pieces[owners[start]] += placeholder
            position = end
            continue
        pieces[owners[position]] += joined[position]
        position += 1
    return pieces


def _set(node: Any, path: Path_, value: str) -> None:
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
