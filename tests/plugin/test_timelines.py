"""SSE timelines: each event gets the time of the chunk that completed it; the first broken rule is an
undeclared one before a declared one; the number kept is capped, streams that broke a rule first."""

from __future__ import annotations

import json

import pytest

from harness.core.exchange import Exchange, Request, Response
from harness.core.failure import CheckFailure, Evidence


@pytest.fixture(name="t")
def timelines_module():
    # imported when a test runs, not at collection: hypothesis draws constants from every local module
    # loaded, so importing it early would change what the seeded property-runner tests generate
    from harness.plugin import timelines

    return timelines


def _event(number: int, kind: str, **fields) -> bytes:
    return f"data: {json.dumps({'type': kind, 'sequence_number': number, **fields})}\n\n".encode()


EVENTS = [
    _event(0, "response.created"),
    _event(1, "response.output_text.delta", delta="Hum"),
    _event(2, "response.output_text.delta", delta="ans."),
    _event(
        3,
        "response.completed",
        response={"output": [{"content": [{"type": "output_text", "text": "Humans."}]}]},
    ),
]


def exchange(test: str = "t::a") -> Exchange:
    body = b"".join(EVENTS)
    return Exchange(
        Request("POST", "http://x/v1/responses", {"authorization": "Bearer sk-secret"}, b"{}"),
        Response(200, {"content-type": "text/event-stream"}, body),
        test=test,
    )


def test_events_take_the_time_of_the_chunk_that_completed_them(t):
    # chunk 1: event 0 and half of event 1; chunk 2: the rest of event 1 and event 2; chunk 3: event 3
    body = b"".join(EVENTS)
    cut1 = len(EVENTS[0]) + 10
    cut2 = len(EVENTS[0]) + len(EVENTS[1]) + len(EVENTS[2])
    chunks = [(0.010, cut1), (0.250, cut2 - cut1), (0.400, len(body) - cut2)]
    line = t.timeline(exchange(), chunks, [], None, "POST /v1/responses")
    assert [e["offset_ms"] for e in line["events"]] == [10.0, 250.0, 250.0, 400.0]
    assert [e["sequence_number"] for e in line["events"]] == [0, 1, 2, 3]
    assert line["deltas_text"] == "Humans." == line["final_text"] and line["timed"]
    assert "sk-secret" not in line["curl"] and "<redacted>" in line["curl"]


def test_without_chunk_times_offsets_are_unknown_not_made_up(t):
    line = t.timeline(exchange(), None, [], None)
    assert [e["offset_ms"] for e in line["events"]] == [None] * 4 and line["timed"] is False


def test_an_undeclared_break_comes_before_an_earlier_declared_one(t):
    declared = CheckFailure(
        "sse_event_field",
        "4 of 4 events have no `event:` line",
        (Evidence("stream excerpt", "#0 (line 1): data: …"),),
    ).expected("known")
    undeclared = CheckFailure(
        "responses_stream_sequence_numbers", "sequence_number goes from 2 (#2 x) to 2 (#3 y)"
    )
    assert t._first_broken([declared, undeclared]) == {
        "check": "responses_stream_sequence_numbers",
        "title": undeclared.title,
        "event_index": 2,
        "kind": "unexpected",
    }
    assert t._first_broken([declared])["event_index"] == 0


def test_the_kept_timelines_are_capped_broken_ones_first(t):
    collected = t.Timelines()
    broken = CheckFailure("responses_stream_terminal_event", "the stream ended without a terminal event; #3")
    for n in range(t.MAX_TIMELINES):
        collected.checked(exchange(f"t::clean{n}"), [])
    collected.checked(exchange("t::broken"), [broken])
    collected.checked(exchange("t::clean-late"), [])
    exported = collected.export()
    assert exported["seen"] == t.MAX_TIMELINES + 2 and exported["kept"] == t.MAX_TIMELINES
    assert "t::broken" in {item["test"] for item in exported["items"]}
    assert "t::clean-late" not in {item["test"] for item in exported["items"]}
