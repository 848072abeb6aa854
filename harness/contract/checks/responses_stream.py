"""The event grammar of a Responses API stream (``POST /v1/responses`` with ``stream: true``).

``response.created`` first; exactly one terminal event and nothing after it; ``sequence_number``
strictly increasing; one response id throughout; each output item opened before its parts and deltas
and closed after them. Each rule is its own check; the deltas' sums are in ``responses_deltas``.
"""

from __future__ import annotations

from typing import Any

from harness.core.failure import CheckSkipped, Evidence

from ..context import CheckContext, StreamView, stream_excerpt
from ..kinds import stream_check
from ..sse import SseEvent

Typed = list[tuple[SseEvent, dict[str, Any]]]


def _typed(ctx: CheckContext, stream: StreamView) -> Typed:
    """The typed events of a Responses stream: one whose events say ``response.*``, or any stream from
    an operation on ``.../responses`` (an app that streams only an ``error`` is still judged)."""
    on_responses = ctx.operation is not None and ctx.operation.path.rstrip("/").endswith("/responses")
    if not (stream.typed and (stream.is_responses_stream or on_responses)):
        raise CheckSkipped("not a Responses stream")
    return stream.typed


def _label(event: SseEvent, value: dict[str, Any]) -> str:
    return f"#{event.index} {value['type']}"


def _final_response(ctx: CheckContext, typed: Typed) -> dict[str, Any] | None:
    for _, value in reversed(typed):
        response = value.get("response")
        if value["type"] in ctx.options.terminal_events and isinstance(response, dict):
            return response
    return None


@stream_check
def responses_stream_created_first(ctx: CheckContext, stream: StreamView) -> None:
    """A Responses stream starts with ``response.created``, sent once."""
    typed = _typed(ctx, stream)
    event, value = typed[0]
    if value["type"] != "response.created":
        raise ctx.failure(
            f"the first event is {value['type']!r} (#{event.index}), not 'response.created'",
            stream_excerpt([e for e, _ in typed[:3]]),
            with_response=False,
        )
    again = [e for e, v in typed[1:] if v["type"] == "response.created"]
    if again:
        raise ctx.failure(
            f"'response.created' is sent {len(again) + 1} times",
            stream_excerpt([event, *again]),
            with_response=False,
        )


@stream_check
def responses_stream_terminal_event(ctx: CheckContext, stream: StreamView) -> None:
    """Exactly one terminal event (completed/failed/incomplete), and nothing after it."""
    typed = _typed(ctx, stream)
    terminals = [(e, v) for e, v in typed if v["type"] in ctx.options.terminal_events]
    names = "/".join(t.rsplit(".", 1)[-1] for t in ctx.options.terminal_events)
    if not terminals:
        event, value = typed[-1]
        if value["type"] == "error":
            title = f"the stream ended with an 'error' event ({value.get('message')!r}) and no terminal event ({names})"
        else:
            title = f"the stream ended without a terminal event ({names}); the last event is {_label(event, value)}"
        raise ctx.failure(
            title,
            stream_excerpt([e for e, _ in typed[-3:]], label="last events"),
            with_response=False,
        )
    if len(terminals) > 1:
        raise ctx.failure(
            f"{len(terminals)} terminal events: " + ", ".join(_label(e, v) for e, v in terminals),
            stream_excerpt([e for e, _ in terminals]),
            with_response=False,
        )
    first = terminals[0][0]
    after = [e for e in stream.events if e.index > first.index and not e.is_done]
    if after:
        raise ctx.failure(
            f"{len(after)} event(s) after the terminal event {_label(*terminals[0])}",
            stream_excerpt([first, *after]),
            with_response=False,
        )


@stream_check
def responses_stream_sequence_numbers(ctx: CheckContext, stream: StreamView) -> None:
    """``sequence_number`` increases strictly from event to event."""
    typed = _typed(ctx, stream)
    previous: tuple[SseEvent, dict[str, Any]] | None = None
    wrong = []
    for event, value in typed:
        number = value.get("sequence_number")
        if not isinstance(number, int) or isinstance(number, bool):
            continue  # sse_event_schema reports a missing or mistyped one
        if previous is not None and number <= previous[1]["sequence_number"]:
            wrong.append((previous, (event, value)))
        previous = (event, value)
    if wrong:
        (e1, v1), (e2, v2) = wrong[0]
        raise ctx.failure(
            f"sequence_number goes from {v1['sequence_number']} ({_label(e1, v1)}) to {v2['sequence_number']} "
            f"({_label(e2, v2)})" + (f"; {len(wrong)} places in all" if len(wrong) > 1 else ""),
            stream_excerpt([e for pair in wrong[:4] for e, _ in pair]),
            with_response=False,
        )


@stream_check
def responses_stream_response_id(ctx: CheckContext, stream: StreamView) -> None:
    """Every event names the same response id (``response.id`` and ``response_id``)."""
    typed = _typed(ctx, stream)
    seen: list[tuple[SseEvent, dict[str, Any], str, Any]] = []
    for event, value in typed:
        if isinstance(value.get("response"), dict) and "id" in value["response"]:
            seen.append((event, value, "response.id", value["response"]["id"]))
        if "response_id" in value:
            seen.append((event, value, "response_id", value["response_id"]))
    if not seen:
        raise CheckSkipped("no event names a response id")
    first = seen[0]
    other = [s for s in seen if s[3] != first[3]]
    if other:
        e, v, field, rid = other[0]
        raise ctx.failure(
            f"{_label(e, v)} has {field}={rid!r}, but {_label(first[0], first[1])} has {first[2]}={first[3]!r}",
            stream_excerpt([first[0], *[s[0] for s in other]]),
            with_response=False,
        )


class _Lifecycle:
    """Tracks output items and content parts through the stream; collects the order violations."""

    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}
        self.parts: dict[tuple[str, Any], dict[str, Any]] = {}
        self.problems: list[tuple[str, list[SseEvent]]] = []

    def feed(self, event: SseEvent, value: dict[str, Any]) -> None:
        kind = value["type"]
        if kind in ("response.output_item.added", "response.output_item.done"):
            self._item(event, value, kind.endswith("added"))
        elif isinstance(value.get("item_id"), str):
            self._member(event, value)

    def _item(self, event: SseEvent, value: dict[str, Any], added: bool) -> None:
        item: dict[str, Any] = value["item"] if isinstance(value.get("item"), dict) else {}
        item_id = item.get("id")
        if not isinstance(item_id, str):
            return
        state = self.items.get(item_id)
        if added:
            if state is not None:
                self.problems.append((f"item {item_id} is added twice", [state["added"], event]))
            else:
                self.items[item_id] = {
                    "added": event,
                    "done": None,
                    "output_index": value.get("output_index"),
                }
        elif state is None:
            self.problems.append(
                (f"{_label(event, value)} closes item {item_id}, which was never added", [event])
            )
        elif state["done"] is not None:
            self.problems.append((f"item {item_id} is closed twice", [state["done"], event]))
        else:
            state["done"] = event

    def _member(self, event: SseEvent, value: dict[str, Any]) -> None:
        item_id, kind = value["item_id"], value["type"]
        state = self.items.get(item_id)
        if state is None:
            self.problems.append(
                (f"{_label(event, value)} for item {item_id} comes before its output_item.added", [event])
            )
            return
        if state["done"] is not None:
            self.problems.append(
                (
                    f"{_label(event, value)} for item {item_id} comes after its output_item.done",
                    [state["done"], event],
                )
            )
            return
        index = value.get("output_index")
        if index is not None and state["output_index"] is not None and index != state["output_index"]:
            self.problems.append(
                (
                    f"{_label(event, value)} has output_index {index}, but item {item_id} was added "
                    f"at output_index {state['output_index']}",
                    [state["added"], event],
                )
            )
        if "content_index" in value:
            self._part(event, value, (item_id, value["content_index"]), kind)

    def _part(self, event: SseEvent, value: dict[str, Any], key: tuple[str, Any], kind: str) -> None:
        part = self.parts.get(key)
        where = f"content part {key[1]} of item {key[0]}"
        if kind == "response.content_part.added":
            if part is not None:
                self.problems.append((f"{where} is added twice", [part["added"], event]))
            else:
                self.parts[key] = {"added": event, "done": None}
        elif part is None:
            self.problems.append(
                (f"{_label(event, value)} for {where} comes before its content_part.added", [event])
            )
        elif part["done"] is not None:
            self.problems.append(
                (
                    f"{_label(event, value)} for {where} comes after its content_part.done",
                    [part["done"], event],
                )
            )
        elif kind == "response.content_part.done":
            part["done"] = event

    def unclosed(self) -> None:
        for item_id, state in self.items.items():
            if state["done"] is None:
                self.problems.append(
                    (f"item {item_id} is never closed (no output_item.done)", [state["added"]])
                )
        for (item_id, index), part in self.parts.items():
            if part["done"] is None and self.items.get(item_id, {}).get("done") is None:
                continue  # already reported with its item
            if part["done"] is None:
                self.problems.append(
                    (f"content part {index} of item {item_id} is never closed", [part["added"]])
                )


@stream_check
def responses_stream_item_lifecycle(ctx: CheckContext, stream: StreamView) -> None:
    """Each output item is opened before its parts and deltas and closed after them (all closed on completion)."""
    typed = _typed(ctx, stream)
    life = _Lifecycle()
    for event, value in typed:
        life.feed(event, value)
    if any(v["type"] == "response.completed" for _, v in typed):
        life.unclosed()
    if life.problems:
        message, events = life.problems[0]
        more = f" (+{len(life.problems) - 1} more)" if len(life.problems) > 1 else ""
        detail = "\n".join(m for m, _ in life.problems[:10])
        raise ctx.failure(
            message + more,
            stream_excerpt(events),
            Evidence("all lifecycle problems", detail),
            with_response=False,
        )
