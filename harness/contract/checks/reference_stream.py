"""A stream on a route the reference defines, judged by the reference: each event's data against the one
schema its ``type`` names in the reference's event union (``[DONE]`` apart), the ``event:`` name, and
the rules Open Responses writes in prose: the event name equals the type; ``added`` → ``delta`` →
``done`` for each item and content part; an ``error`` event is followed by ``response.failed``; the
stream ends (a terminal event, then ``[DONE]`` where the reference requires it)."""

from __future__ import annotations

from typing import Any

from harness.core.failure import CheckSkipped, Evidence

from .. import refs
from ..context import CheckContext, Payload, StreamView, stream_excerpt
from ..kinds import stream_check
from ..reference import ReferenceMatch
from ..sse import SseEvent
from ._reference import reference_failure, reference_of
from .responses_stream import Typed

Problem = tuple[SseEvent | None, str]  # the event (None: the end of the stream) and what is wrong


def _stream_pointer(match: ReferenceMatch) -> str:
    return refs.pointer(
        "paths",
        match.operation.path,
        match.operation.method.lower(),
        "responses",
        "200",
        "content",
        "text/event-stream",
        "schema",
    )


@stream_check
def reference_event_schema(ctx: CheckContext, stream: StreamView) -> None:
    """Every JSON event is valid against the reference's schema for its ``type`` (unknown types fail)."""
    reference, match = reference_of(ctx)
    variants = reference.event_schemas(match.operation)
    if not variants:
        raise CheckSkipped("the reference declares no event union for this operation")
    bad: list[tuple[Payload, str, str, tuple[str, ...]]] = []
    for payload in stream.payloads:
        if payload.error is not None:
            continue  # sse_json_payload reports it
        pointer = variants.get(payload.type) if payload.type else None
        if pointer is None:
            why = (
                f"type {payload.type!r} is not one of its {len(variants)} event types"
                if payload.type
                else "no type"
            )
            bad.append((payload, why, _stream_pointer(match), ()))
            continue
        errors = reference.spec.validate(pointer, payload.value)
        if errors:
            why = errors[0].render() + (f" (+{len(errors) - 1} more)" if len(errors) > 1 else "")
            bad.append((payload, why, errors[0].schema_location, errors[0].details))
    if not bad:
        return
    first, why, pointer, _ = bad[0]
    lines = []
    for p, w, _, details in bad[:8]:
        lines.append(f"#{p.event.index} {p.type or '?'}: {w}")
        lines.extend(f"    {d}" for d in details[:6])
    if len(bad) > 8:
        lines.append(f"… {len(bad)} events in all")
    more = f" ({len(bad)} events fail)" if len(bad) > 1 else ""
    raise reference_failure(
        ctx,
        f"event #{first.event.index} ({first.type or 'untyped'}): {why}{more}",
        pointer,
        Evidence("events against the reference's schema for their type", "\n".join(lines)),
        with_response=False,
    )


@stream_check
def reference_event_name(ctx: CheckContext, stream: StreamView) -> None:
    """Every typed event carries an ``event:`` line equal to its ``type`` (``[DONE]`` needs none)."""
    _, match = reference_of(ctx)
    typed = stream.typed
    if not typed:
        raise CheckSkipped("no typed events")
    wrong = [(e, v) for e, v in typed if e.event_field != v["type"]]
    if not wrong:
        return
    missing = [e for e, _ in wrong if e.event_field is None]
    event, value = wrong[0]
    if event.event_field is None:
        title = (
            f"{len(missing)} of {len(typed)} events have no `event:` line; the reference names each "
            f"event after its type (first: #{event.index}, {value['type']})"
        )
    else:
        title = f"event #{event.index}: `event: {event.event_field}` but its type is {value['type']!r}"
    raise reference_failure(
        ctx,
        title,
        _stream_pointer(match),
        stream_excerpt([e for e, _ in wrong], limit=3),
        with_response=False,
    )


@stream_check
def reference_stream_order(ctx: CheckContext, stream: StreamView) -> None:
    """Items and parts go added → delta → done; an error is followed by response.failed; the stream ends."""
    reference, match = reference_of(ctx)
    typed = stream.typed
    if not typed or not stream.is_responses_stream:
        raise CheckSkipped("not a Responses stream")
    problems = _order_problems(typed) + _ending_problems(ctx, stream, reference.profile.done_required)
    if problems:
        event, why = problems[0]
        more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
        lines = [f"#{e.index if e else 'end'}: {w}" for e, w in problems[:8]]
        raise reference_failure(
            ctx,
            f"{why}{more}",
            _stream_pointer(match),
            Evidence("order problems", "\n".join(lines)),
            with_response=False,
        )


def _order_problems(typed: Typed) -> list[Problem]:
    problems: list[Problem] = []
    open_items: set[Any] = set()
    done_items: set[Any] = set()
    open_parts: set[tuple[Any, Any]] = set()
    done_parts: set[tuple[Any, Any]] = set()
    for i, (event, value) in enumerate(typed):
        kind = value["type"]
        item = value.get("output_index")
        part = (item, value.get("content_index"))
        if kind == "response.output_item.added":
            open_items.add(item)
        elif kind == "response.content_part.added":
            if item not in open_items:
                problems.append((event, f"{kind} for output {item} before its response.output_item.added"))
            open_parts.add(part)
        elif kind == "response.content_part.done":
            done_parts.add(part)
        elif kind == "response.output_item.done":
            done_items.add(item)
        elif kind == "error":
            following = typed[i + 1][1]["type"] if i + 1 < len(typed) else None
            if following != "response.failed":
                problems.append(
                    (
                        event,
                        f"an error event followed by {following or 'the end of the stream'}, "
                        "not response.failed",
                    )
                )
        elif item is not None and kind.startswith("response.") and kind.endswith((".delta", ".done")):
            if item not in open_items:
                problems.append((event, f"{kind} for output {item} before its response.output_item.added"))
            elif item in done_items:
                problems.append((event, f"{kind} for output {item} after its response.output_item.done"))
            elif part[1] is not None and kind.endswith(".delta") and part in done_parts:
                problems.append(
                    (event, f"{kind} for output {item} part {part[1]} after its content_part.done")
                )
    return problems


def _ending_problems(ctx: CheckContext, stream: StreamView, done_required: bool) -> list[Problem]:
    typed = stream.typed
    last_event, last = typed[-1]
    problems: list[Problem] = []
    if last["type"] not in ctx.options.terminal_events:
        problems.append(
            (
                last_event,
                f"the stream ends with {last['type']}, not a terminal event "
                f"({', '.join(ctx.options.terminal_events)})",
            )
        )
    if done_required and not (stream.events and stream.events[-1].is_done):
        problems.append((None, "the stream does not end with data: [DONE]"))
    return problems
