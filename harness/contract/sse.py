"""A Server-Sent Events parser that follows the WHATWG standard ("9.2 Server-sent events"), on raw
bytes, usable incrementally.

    parser = SseParser()
    for chunk in response.iter_bytes():
        for event in parser.feed(chunk):
            ...
    parser.close()            # the last events, and an unterminated final event reported
    parser.problems           # wire-format problems (WireProblem), never exceptions

or in one go: ``events = parse_sse(chunks)``; ``events.problems`` holds the problems.

What the standard says and this does: UTF-8 (invalid bytes replaced, and reported); one leading BOM
dropped; lines end in CRLF, LF or CR (a CR at the end of one chunk and LF at the start of the next
are one line end); ``:`` starts a comment; ``field: value`` drops one space after the colon; a line
without a colon is a field with an empty value; ``data`` lines join with LF; ``event`` names the
type (default ``message``); ``id`` sets the last event id (ignored if it holds NUL); ``retry`` takes
ASCII digits only; unknown fields are ignored (and reported as a warning); a blank line dispatches;
an event without data is not dispatched; an event still open when the stream ends is discarded
(and reported: a client loses it). ``data: [DONE]`` (OpenAI's end-of-stream sentinel) is an ordinary
event here, marked by :attr:`SseEvent.is_done`.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

DONE = "[DONE]"
_FIELDS = ("event", "data", "id", "retry")


@dataclass(frozen=True)
class SseEvent:
    index: int  # 0-based, in dispatch order
    data: str
    event: str = "message"  # the dispatched type
    event_field: str | None = None  # the raw `event:` value, None when the event had no `event:` line
    id: str | None = None  # the last event id when it was dispatched
    retry: int | None = None
    line: int = 0  # 1-based line where the event started
    raw: str = ""  # the event's lines as sent, for reports

    @property
    def is_done(self) -> bool:
        return self.data == DONE

    def json(self) -> Any:
        return json.loads(self.data)

    def excerpt(self, width: int = 240) -> str:
        text = self.raw.rstrip("\n")
        return text if len(text) <= width else text[: width - 1] + "…"


@dataclass(frozen=True)
class WireProblem:
    severity: str  # "error" | "warning"
    message: str
    line: int
    excerpt: str = ""


class SseEvents(list[SseEvent]):
    """A list of :class:`SseEvent` with the wire-format problems found while parsing."""

    problems: list[WireProblem]
    comments: int

    def __init__(
        self, events: Iterable[SseEvent] = (), problems: Iterable[WireProblem] = (), comments: int = 0
    ):
        super().__init__(events)
        self.problems = list(problems)
        self.comments = comments


@dataclass
class _Pending:
    data: list[str] = field(default_factory=list)
    event: str | None = None
    retry: int | None = None
    line: int = 0
    raw: list[str] = field(default_factory=list)


class SseParser:
    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self._buffer = ""
        self._skip_lf = False
        self._started = False
        self._closed = False
        self._line_no = 0
        self._last_id: str | None = None
        self._pending = _Pending()
        self._count = 0
        self.problems: list[WireProblem] = []
        self.comments = 0

    def feed(self, chunk: bytes | str) -> list[SseEvent]:
        if self._closed:
            raise RuntimeError("SseParser.feed() after close()")
        text = chunk if isinstance(chunk, str) else self._decode(chunk)
        if not self._started and text:
            self._started = True
            if text.startswith("\ufeff"):
                text = text[1:]
        return self._lines(text)

    def close(self) -> list[SseEvent]:
        """End of stream: flush, and report an event left open."""
        if self._closed:
            return []
        self._closed = True
        events = self._lines(self._decode(b"", final=True))
        if self._buffer:
            events += self._lines("\n")  # the standard: a last line without an end is still a line
            self._report_unterminated()
        elif self._pending.data or self._pending.event is not None:
            self._report_unterminated()
        return events

    def _report_unterminated(self) -> None:
        pending = self._pending
        if pending.data:
            self.problems.append(
                WireProblem(
                    "error",
                    "the stream ended inside an event (no blank line after it): a client following the "
                    "standard discards that event",
                    pending.line,
                    "".join(pending.raw).rstrip("\n"),
                )
            )
        self._pending = _Pending()

    def _decode(self, chunk: bytes, final: bool = False) -> str:
        try:
            return self._decoder.decode(chunk, final)
        except UnicodeDecodeError as error:
            self.problems.append(
                WireProblem(
                    "error",
                    f"the stream is not valid UTF-8: {error.reason} (bytes replaced)",
                    self._line_no + 1,
                    repr(chunk[max(0, error.start - 20) : error.end + 20]),
                )
            )
            self._decoder = codecs.getincrementaldecoder("utf-8")("replace")
            return self._decoder.decode(chunk, final)

    def _lines(self, text: str) -> list[SseEvent]:
        events: list[SseEvent] = []
        if not text:
            return events  # an empty chunk must not forget a CR waiting for its LF
        if self._skip_lf and text.startswith("\n"):
            text = text[1:]
        self._skip_lf = False
        buffer = self._buffer + text
        start = 0
        length = len(buffer)
        while start < length:
            cr = buffer.find("\r", start)
            lf = buffer.find("\n", start)
            ends = [i for i in (cr, lf) if i != -1]
            if not ends:
                break
            end = min(ends)
            width = 1
            if buffer[end] == "\r":
                if end + 1 < length:
                    width = 2 if buffer[end + 1] == "\n" else 1
                else:
                    self._skip_lf = True  # a CRLF may be split across chunks
            line = buffer[start:end]
            terminator = buffer[end : end + width]
            start = end + width
            event = self._line(line, line + terminator)
            if event is not None:
                events.append(event)
        self._buffer = buffer[start:]
        return events

    def _line(self, line: str, raw: str) -> SseEvent | None:
        self._line_no += 1
        pending = self._pending
        if line == "":
            return self._dispatch(raw)
        if not pending.raw:
            pending.line = self._line_no
        pending.raw.append(raw)
        if line.startswith(":"):
            self.comments += 1
            return None
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            pending.data.append(value)
        elif name == "event":
            pending.event = value
        elif name == "id":
            if "\0" in value:
                self.problems.append(
                    WireProblem("warning", "an `id` field containing NUL is ignored", self._line_no, line)
                )
            else:
                self._last_id = value
        elif name == "retry":
            if value.isascii() and value.isdigit():
                pending.retry = int(value)
            else:
                self.problems.append(
                    WireProblem(
                        "warning", f"`retry` must be ASCII digits; {value!r} is ignored", self._line_no, line
                    )
                )
        else:
            hint = next((f" (did you mean {f!r}?)" for f in _FIELDS if f == name.strip().lower()), "")
            self.problems.append(
                WireProblem("warning", f"unknown field {name!r} is ignored{hint}", self._line_no, line[:120])
            )
        return None

    def _dispatch(self, raw: str) -> SseEvent | None:
        pending = self._pending
        self._pending = _Pending()
        if not pending.data:
            return None
        event = SseEvent(
            index=self._count,
            data="\n".join(pending.data),
            event=pending.event or "message",
            event_field=pending.event,
            id=self._last_id,
            retry=pending.retry,
            line=pending.line,
            raw="".join(pending.raw) + raw,
        )
        self._count += 1
        return event


def parse_sse(chunks: Iterable[bytes | str] | bytes | str) -> SseEvents:
    """Parse a whole stream (an iterable of chunks, or one bytes/str) → events, with ``.problems``."""
    parser = SseParser()
    if isinstance(chunks, (bytes, bytearray, str)):
        chunks = [bytes(chunks) if isinstance(chunks, bytearray) else chunks]
    events: list[SseEvent] = []
    for chunk in chunks:
        events += parser.feed(chunk)
    events += parser.close()
    return SseEvents(events, parser.problems, parser.comments)
