"""The SSE wire parser against the WHATWG standard's rules, chunked every way, and on real OGX bytes."""

from __future__ import annotations

import json

from hypothesis import given, note, settings
from hypothesis import strategies as st

from harness.contract import SseParser, parse_sse


def test_fields_comments_and_defaults():
    events = parse_sse(
        b": a comment\nevent: ping\nid: 7\nretry: 1500\ndata: one\ndata:two\ndata\n\ndata: x\n\n"
    )
    first, second = events
    assert (first.event, first.event_field, first.id, first.retry) == ("ping", "ping", "7", 1500)
    assert first.data == "one\ntwo\n"  # a bare "data" line is an empty data line; one space is dropped
    assert (second.event, second.event_field, second.id) == ("message", None, "7")  # the id persists
    assert events.comments == 1 and events.problems == []


def test_only_one_leading_space_is_dropped():
    assert parse_sse(b"data:  two spaces\n\n")[0].data == " two spaces"


def test_line_endings_crlf_cr_lf_mixed():
    assert [e.data for e in parse_sse(b"data: a\r\n\r\ndata: b\r\rdata: c\n\n")] == ["a", "b", "c"]


def test_event_without_data_is_not_dispatched():
    events = parse_sse(b"event: lonely\n\nid: 3\n\ndata: real\n\n")
    assert [e.data for e in events] == ["real"] and events[0].event == "message" and events[0].id == "3"


def test_bom_dropped_once():
    events = parse_sse("\ufeffdata: a\n\n".encode())
    assert events[0].data == "a" and not events.problems


def test_done_sentinel_is_marked():
    events = parse_sse(b'data: {"x": 1}\n\ndata: [DONE]\n\n')
    assert [e.is_done for e in events] == [False, True]


def test_unterminated_final_event_is_discarded_and_reported():
    events = parse_sse(b"data: complete\n\ndata: cut off")
    assert [e.data for e in events] == ["complete"]
    assert [p.severity for p in events.problems] == ["error"]
    assert "ended inside an event" in events.problems[0].message and "cut off" in events.problems[0].excerpt


def test_invalid_utf8_is_reported_and_replaced():
    events = parse_sse(b"data: caf\xe9\n\n")
    assert events[0].data == "caf\ufffd"
    assert "not valid UTF-8" in events.problems[0].message


def test_unknown_field_and_bad_retry_are_warnings():
    events = parse_sse(b"Data: x\nretry: soon\ndata: y\n\n")
    assert [e.data for e in events] == ["y"]
    messages = [p.message for p in events.problems]
    assert any("unknown field 'Data'" in m and "did you mean 'data'" in m for m in messages)
    assert any("`retry` must be ASCII digits" in m for m in messages)
    assert {p.severity for p in events.problems} == {"warning"}


def test_crlf_split_across_chunks_is_one_line_end():
    parser = SseParser()
    assert parser.feed(b"data: a\r") == []
    assert [e.data for e in parser.feed(b"\n\r\n")] == ["a"]
    assert parser.close() == [] and parser.problems == []


def test_multibyte_character_split_across_chunks():
    raw = "data: Überall ☃\n\n".encode()
    parser = SseParser()
    events = []
    for i in range(len(raw)):
        events += parser.feed(raw[i : i + 1])
    events += parser.close()
    assert [e.data for e in events] == ["Überall ☃"] and not parser.problems


def test_feed_after_close_is_refused():
    parser = SseParser()
    parser.close()
    try:
        parser.feed(b"data: x\n\n")
    except RuntimeError as error:
        assert "after close" in str(error)
    else:
        raise AssertionError("feed() after close() was accepted")


_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n\x00"), max_size=20
)
_events = st.lists(
    st.tuples(
        st.one_of(st.none(), _text.filter(lambda s: s and s.strip() == s)),
        st.lists(_text, min_size=1, max_size=3),
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=150, deadline=None)
@given(_events, st.sampled_from(["\n", "\r\n", "\r"]), st.data())
def test_any_chunking_gives_the_same_events(events, newline, data):
    wire = ""
    for name, lines in events:
        if name is not None:
            wire += f"event: {name}{newline}"
        wire += "".join(f"data: {line}{newline}" for line in lines) + newline
    raw = wire.encode()
    cuts = sorted(data.draw(st.lists(st.integers(0, len(raw)), max_size=8)))
    chunks = [raw[a:b] for a, b in zip([0, *cuts], [*cuts, len(raw)], strict=True)]
    parsed = parse_sse(chunks)
    note(f"chunks={chunks!r}")
    assert [(e.event_field, e.data) for e in parsed] == [(n, "\n".join(ls)) for n, ls in events]
    assert parsed.problems == []


def test_real_ogx_stream(ogx_exchanges):
    events = parse_sse(ogx_exchanges["responses stream text"].response.body)
    payloads = [json.loads(e.data) for e in events]
    assert events.problems == []
    assert all(e.event_field is None for e in events)  # OGX sends data: lines only
    assert [p["sequence_number"] for p in payloads] == list(range(len(payloads)))  # from 0
    assert payloads[0]["type"] == "response.created" and payloads[-1]["type"] == "response.completed"


def test_crlf_split_by_an_empty_chunk():  # found by the property test above
    parsed = parse_sse([b"event: x\r", b"", b"\ndata: \r\n\r\n"])
    assert [(e.event_field, e.data) for e in parsed] == [("x", "")]
