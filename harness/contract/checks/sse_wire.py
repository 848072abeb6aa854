"""SSE streams on the wire: framing problems, JSON payloads, the ``[DONE]`` sentinel, and the
``event:`` field against the payload's ``type``."""

from __future__ import annotations

from harness.core.failure import CheckSkipped, Evidence, Severity

from ..context import CheckContext, StreamView, stream_excerpt
from ..kinds import stream_check


@stream_check
def sse_wire_format(ctx: CheckContext, stream: StreamView) -> None:
    """The byte stream follows the SSE standard (UTF-8, events terminated by a blank line, known fields)."""
    problems = stream.events.problems
    if not problems:
        return
    errors = [p for p in problems if p.severity == "error"]
    shown = (errors or problems)[:8]
    lines = [
        f"line {p.line}: [{p.severity}] {p.message}" + (f"\n    {p.excerpt}" if p.excerpt else "")
        for p in shown
    ]
    if len(problems) > len(shown):
        lines.append(f"… {len(problems)} problems in all")
    raise ctx.failure(
        f"SSE wire format: {shown[0].message}"
        + (f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""),
        Evidence("wire problems", "\n".join(lines)),
        severity=Severity.ERROR if errors else Severity.WARNING,
        with_response=False,
    )


@stream_check
def sse_json_payload(ctx: CheckContext, stream: StreamView) -> None:
    """Every event's data (except the ``[DONE]`` sentinel) is one JSON value."""
    bad = [p for p in stream.payloads if p.error is not None]
    if bad:
        raise ctx.failure(
            f"{len(bad)} event(s) carry data that is not JSON; first, event #{bad[0].event.index}: {bad[0].error}",
            stream_excerpt([p.event for p in bad]),
            with_response=False,
        )


@stream_check
def sse_done_sentinel(ctx: CheckContext, stream: StreamView) -> None:
    """Nothing follows a ``data: [DONE]`` sentinel, and it is sent at most once."""
    done = [e for e in stream.events if e.is_done]
    if not done:
        raise CheckSkipped("no [DONE] sentinel")
    after = [e for e in stream.events if e.index > done[0].index]
    if after:
        raise ctx.failure(
            f"{len(after)} event(s) after the [DONE] sentinel (event #{done[0].index})",
            stream_excerpt([done[0], *after]),
            with_response=False,
        )


@stream_check
def sse_event_field(ctx: CheckContext, stream: StreamView) -> None:
    """An ``event:`` field equals the payload's ``type``; a missing one is reported per the options."""
    typed = stream.typed
    if not typed:
        raise CheckSkipped("no typed payloads")
    wrong = [(e, v) for e, v in typed if e.event_field is not None and e.event_field != v["type"]]
    if wrong:
        event, value = wrong[0]
        raise ctx.failure(
            f"event #{event.index}: `event: {event.event_field}` but the payload's type is {value['type']!r}"
            + (f" ({len(wrong)} events disagree)" if len(wrong) > 1 else ""),
            stream_excerpt([e for e, _ in wrong]),
            with_response=False,
        )
    missing = [e for e, _ in typed if e.event_field is None]
    level = ctx.options.missing_event_field
    if missing and level != "off":
        raise ctx.failure(
            f"{len(missing)} of {len(typed)} events have no `event:` line (clients that dispatch on the SSE "
            "event name, as OpenAI's stream does, will not see them)",
            stream_excerpt(missing, limit=3),
            severity=Severity.WARNING if level == "warning" else Severity.ERROR,
            with_response=False,
        )
