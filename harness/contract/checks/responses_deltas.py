"""Responses stream deltas: text deltas add up to the ``done`` text, the closed part and item, and the
final response's text; function-call argument deltas add up to the ``done`` arguments and to valid JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from harness.core.failure import CheckSkipped, Evidence

from ..context import CheckContext, StreamView, excerpt, stream_excerpt
from ..kinds import stream_check
from ..sse import SseEvent
from .responses_stream import Typed, _final_response, _typed

# (delta event, done event, field in the done event and in the content part, content part type)
TEXT_KINDS = (
    ("response.output_text.delta", "response.output_text.done", "text", "output_text"),
    ("response.refusal.delta", "response.refusal.done", "refusal", "refusal"),
    ("response.reasoning_text.delta", "response.reasoning_text.done", "text", "reasoning_text"),
)
ARGUMENT_KINDS = (
    ("response.function_call_arguments.delta", "response.function_call_arguments.done"),
    ("response.mcp_call.arguments.delta", "response.mcp_call.arguments.done"),
)


@dataclass
class _Sums:
    """Per key (item, or item and content part): the deltas in order, and every "done" value to match."""

    deltas: dict[Any, list[tuple[SseEvent, str]]] = field(default_factory=dict)
    finals: dict[Any, list[tuple[str, str, SseEvent | None]]] = field(
        default_factory=dict
    )  # (source, text, event)

    def delta(self, key: Any, event: SseEvent, text: str) -> None:
        self.deltas.setdefault(key, []).append((event, text))

    def final(self, key: Any, source: str, text: str, event: SseEvent | None) -> None:
        self.finals.setdefault(key, []).append((source, text, event))

    def keys(self) -> list[Any]:
        return sorted(set(self.deltas) | set(self.finals), key=str)

    def joined(self, key: Any) -> str:
        return "".join(text for _, text in self.deltas.get(key, []))

    def mismatch(self, key: Any) -> tuple[str, str, SseEvent | None] | None:
        joined = self.joined(key)
        return next((f for f in self.finals.get(key, []) if f[1] != joined), None)


def _final_items(ctx: CheckContext, typed: Typed) -> dict[Any, dict[str, Any]]:
    final = _final_response(ctx, typed) or {}
    return {i.get("id"): i for i in final.get("output", []) if isinstance(i, dict)}


def _content_text(item: Any, index: Any, part_type: str, field_name: str) -> str | None:
    if not isinstance(item, dict) or not isinstance(item.get("content"), list) or not isinstance(index, int):
        return None
    content = item["content"]
    if 0 <= index < len(content) and isinstance(content[index], dict):
        part = content[index]
        text = part.get(field_name)
        if part.get("type") == part_type and isinstance(text, str):
            return text
    return None


def _first_difference(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def _text_sums(ctx: CheckContext, typed: Typed, kind: tuple[str, str, str, str]) -> _Sums:
    delta_type, done_type, field_name, part_type = kind
    sums = _Sums()
    for event, value in typed:
        key = (value.get("item_id"), value.get("content_index"))
        if value["type"] == delta_type and isinstance(value.get("delta"), str):
            sums.delta(key, event, value["delta"])
        elif value["type"] == done_type and isinstance(value.get(field_name), str):
            sums.final(key, done_type, value[field_name], event)
        elif value["type"] == "response.content_part.done" and isinstance(value.get("part"), dict):
            text = _content_text({"content": [value["part"]]}, 0, part_type, field_name)
            if text is not None:
                sums.final(key, "content_part.done", text, event)
        elif value["type"] == "response.output_item.done" and isinstance(value.get("item"), dict):
            item = value["item"]
            for index in range(len(item.get("content") or [])):
                text = _content_text(item, index, part_type, field_name)
                if text is not None:
                    sums.final((item.get("id"), index), "output_item.done", text, event)
    final_items = _final_items(ctx, typed)
    for key in sums.keys():  # noqa: SIM118 - _Sums has keys() but is not iterable
        text = _content_text(final_items.get(key[0]), key[1], part_type, field_name)
        if text is not None:
            sums.final(key, "the final response's output", text, None)
    return sums


@stream_check
def responses_stream_text_deltas(ctx: CheckContext, stream: StreamView) -> None:
    """Text deltas add up to the ``done`` text, the closed part and item, and the final response's text."""
    typed = _typed(ctx, stream)
    for kind in TEXT_KINDS:
        sums = _text_sums(ctx, typed, kind)
        for key in sums.keys():  # noqa: SIM118 - _Sums has keys() but is not iterable
            found = sums.mismatch(key)
            if found is None:
                continue
            source, text, event = found
            joined, pieces = sums.joined(key), sums.deltas.get(key, [])
            raise ctx.failure(
                f"the {len(pieces)} {kind[0]} deltas of item {key[0]} part {key[1]} add up to "
                f"{excerpt(joined, 80)!r}, but {source} says {excerpt(text, 80)!r} "
                f"(they differ at character {_first_difference(joined, text)})",
                stream_excerpt(
                    [e for e, _ in pieces] + ([event] if event else []), label="deltas and the done event"
                ),
                Evidence("compared", f"deltas joined: {excerpt(joined)!r}\n{source}: {excerpt(text)!r}"),
                with_response=False,
            )


def _argument_sums(ctx: CheckContext, typed: Typed, kind: tuple[str, str]) -> _Sums:
    delta_type, done_type = kind
    sums = _Sums()
    for event, value in typed:
        if value["type"] == delta_type and isinstance(value.get("delta"), str):
            sums.delta(value.get("item_id"), event, value["delta"])
        elif value["type"] == done_type and isinstance(value.get("arguments"), str):
            sums.final(value.get("item_id"), done_type, value["arguments"], event)
        elif value["type"] == "response.output_item.done" and isinstance(value.get("item"), dict):
            item = value["item"]
            if item.get("id") in sums.deltas and isinstance(item.get("arguments"), str):
                sums.final(item["id"], "output_item.done", item["arguments"], event)
    final_items = _final_items(ctx, typed)
    for item_id in list(sums.deltas):
        item = final_items.get(item_id)
        if isinstance(item, dict) and isinstance(item.get("arguments"), str):
            sums.final(item_id, "the final response's output", item["arguments"], None)
    return sums


@stream_check
def responses_stream_function_arguments(ctx: CheckContext, stream: StreamView) -> None:
    """Function-call argument deltas add up to the ``done`` arguments and the final item's, and to valid JSON."""
    typed = _typed(ctx, stream)
    sums_by_kind = [_argument_sums(ctx, typed, kind) for kind in ARGUMENT_KINDS]
    if not any(sums.keys() for sums in sums_by_kind):
        raise CheckSkipped("no function-call arguments in this stream")
    for sums in sums_by_kind:
        for item_id in sums.keys():  # noqa: SIM118 - _Sums has keys() but is not iterable
            pieces = sums.deltas.get(item_id, [])
            found = sums.mismatch(item_id) if pieces else None
            events = [e for e, _ in pieces] or [e for _, _, e in sums.finals[item_id] if e is not None]
            if found is not None:
                source, text, event = found
                raise ctx.failure(
                    f"the {len(pieces)} argument deltas of item {item_id} add up to "
                    f"{excerpt(sums.joined(item_id), 80)!r}, but {source} says {excerpt(text, 80)!r}",
                    stream_excerpt(events + ([event] if event else []), label="deltas and the done event"),
                    with_response=False,
                )
            arguments = sums.joined(item_id) if pieces else sums.finals[item_id][0][1]
            try:
                json.loads(arguments)
            except ValueError as error:
                raise ctx.failure(
                    f"the arguments of function call {item_id} are not valid JSON: {error} "
                    f"in {excerpt(arguments, 120)!r}",
                    stream_excerpt(events, label="argument events"),
                    with_response=False,
                ) from None
