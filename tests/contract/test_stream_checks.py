"""The Responses stream grammar and SSE checks, on real OGX 1.5.0 streams and on mutations of them."""

from __future__ import annotations

import copy
import json

import pytest

from harness.contract import CheckOptions, CheckSession, check_exchange
from harness.core.exchange import Exchange, Request, Response
from harness.core.failure import Severity

QUIET = CheckOptions(missing_event_field="off")  # OGX sends no `event:` lines; tested on its own below


def _payloads(exchange: Exchange) -> list[dict]:
    return [
        json.loads(line[6:])
        for line in exchange.response.body.decode().split("\n")
        if line.startswith("data: ")
    ]


def _stream(payloads: list[dict], *, event_lines: bool = False, tail: bytes = b"") -> Exchange:
    body = b""
    for p in payloads:
        if event_lines:
            body += f"event: {p['type']}\n".encode()
        body += f"data: {json.dumps(p)}\n\n".encode()
    request = Request(
        "POST",
        "http://ogx.test/v1/responses",
        {"content-type": "application/json"},
        b'{"model": "openai/gpt-4o", "input": "Which planet do humans live on?", "stream": true}',
    )
    return Exchange(request, Response(200, {"content-type": "text/event-stream; charset=utf-8"}, body + tail))


def _checks(spec, exchange, options=QUIET) -> dict[str, list]:
    found: dict[str, list] = {}
    for failure in check_exchange(spec, exchange, options=options, session=CheckSession()):
        found.setdefault(failure.check, []).append(failure)
    return found


@pytest.fixture
def text(ogx_exchanges) -> list[dict]:
    return _payloads(ogx_exchanges["responses stream text"])


@pytest.fixture
def call(ogx_exchanges) -> list[dict]:
    return _payloads(ogx_exchanges["responses stream function call"])


@pytest.mark.parametrize("name", ["responses stream text", "responses stream function call"])
def test_real_ogx_streams_pass_the_grammar_and_the_committed_stream_schema(
    committed_spec, ogx_exchanges, name
):
    assert _checks(committed_spec, ogx_exchanges[name]) == {}


def test_missing_event_lines_are_a_warning_by_default(committed_spec, ogx_exchanges):
    exchange = ogx_exchanges["responses stream text"]
    [warning] = _checks(committed_spec, exchange, CheckOptions())["sse_event_field"]
    assert warning.severity is Severity.WARNING and "13 of 13 events have no `event:` line" in warning.title
    [error] = _checks(committed_spec, exchange, CheckOptions(missing_event_field="error"))["sse_event_field"]
    assert error.severity is Severity.ERROR


def test_event_lines_matching_the_type_pass(committed_spec, text):
    assert _checks(committed_spec, _stream(text, event_lines=True), CheckOptions()) == {}


def _only(found: dict, check: str) -> str:
    assert list(found) == [check], {k: [f.title for f in v] for k, v in found.items()}
    return found[check][0].title


def test_first_event_not_created(committed_spec, text):
    title = _only(_checks(committed_spec, _stream(text[1:])), "responses_stream_created_first")
    assert "the first event is 'response.in_progress'" in title


def test_terminal_missing_twice_and_followed(committed_spec, text):
    assert "without a terminal event" in _only(
        _checks(committed_spec, _stream(text[:-1])), "responses_stream_terminal_event"
    )
    twice = text + [dict(text[-1], sequence_number=len(text))]
    assert "2 terminal events" in _only(
        _checks(committed_spec, _stream(twice)), "responses_stream_terminal_event"
    )
    late = text + [dict(text[4], sequence_number=len(text))]
    found = _checks(committed_spec, _stream(late))
    assert "1 event(s) after the terminal event" in found["responses_stream_terminal_event"][0].title


def test_stream_ending_in_an_error_event(committed_spec, text):
    error = {
        "type": "error",
        "message": "Internal server error",
        "code": "server_error",
        "sequence_number": 5,
    }
    found = _checks(committed_spec, _stream(text[:5] + [error]))
    assert "ended with an 'error' event" in found["responses_stream_terminal_event"][0].title


def test_sequence_numbers_must_increase(committed_spec, text):
    text[6]["sequence_number"] = 5
    title = _only(_checks(committed_spec, _stream(text)), "responses_stream_sequence_numbers")
    assert "goes from 5 (#5 response.output_text.delta) to 5 (#6" in title


def test_one_response_id(committed_spec, text):
    text[2]["response_id"] = "resp_other"
    assert "response_id='resp_other'" in _only(
        _checks(committed_spec, _stream(text)), "responses_stream_response_id"
    )


def test_delta_before_its_item_and_item_never_closed(committed_spec, text):
    early = [text[0], text[1], text[4], text[2], text[3], *text[5:]]
    found = _checks(committed_spec, _stream(early))
    assert "comes before its output_item.added" in found["responses_stream_item_lifecycle"][0].title
    unclosed = [p for p in text if p["type"] != "response.output_item.done"]
    found = _checks(committed_spec, _stream(unclosed))
    assert "is never closed" in found["responses_stream_item_lifecycle"][0].title


def test_delta_after_its_part_is_done(committed_spec, text):
    done = next(i for i, p in enumerate(text) if p["type"] == "response.content_part.done")
    moved = text[:4] + text[5 : done + 1] + [text[4]] + text[done + 1 :]
    found = _checks(committed_spec, _stream(moved))
    assert "comes after its content_part.done" in found["responses_stream_item_lifecycle"][0].title


def test_deltas_against_the_part_the_item_and_the_final_response(committed_spec, text):
    final = copy.deepcopy(text)
    final[-1]["response"]["output"][0]["content"][0]["text"] = "Humans live on Mars."
    title = _only(_checks(committed_spec, _stream(final)), "responses_stream_text_deltas")
    assert "the final response's output says 'Humans live on Mars.'" in title and "character 15" in title
    part = copy.deepcopy(text)
    next(p for p in part if p["type"] == "response.content_part.done")["part"]["text"] = "Humans."
    assert "content_part.done says 'Humans.'" in _only(
        _checks(committed_spec, _stream(part)), "responses_stream_text_deltas"
    )


def test_argument_deltas(committed_spec, call):
    deltas = [p for p in call if p["type"] == "response.function_call_arguments.delta"]
    deltas[-1]["delta"] = deltas[-1]["delta"].rstrip("}")
    found = _checks(committed_spec, _stream(call))
    title = found["responses_stream_function_arguments"][0].title
    assert "add up to" in title or "not valid JSON" in title


def test_argument_deltas_that_agree_but_are_not_json(committed_spec, call):
    for p in call:
        if p["type"] == "response.function_call_arguments.delta":
            p["delta"] = p["delta"].replace('"', "'")
        for holder in (p, p.get("item") or {}):
            if isinstance(holder.get("arguments"), str):
                holder["arguments"] = holder["arguments"].replace('"', "'")
        for item in (p.get("response") or {}).get("output", []):
            item["arguments"] = item["arguments"].replace('"', "'")
    title = _only(_checks(committed_spec, _stream(call)), "responses_stream_function_arguments")
    assert "are not valid JSON" in title


def test_unknown_event_type_fails_the_stream_schema(committed_spec, text):
    text[4]["type"] = "response.output_text.delto"
    found = _checks(committed_spec, _stream(text))
    title = found["sse_event_schema"][0].title
    assert "unknown discriminator tag" in title and "did you mean 'response.output_text.delta'" in title


def test_wrong_payload_for_its_tag_names_the_branch(committed_spec, text):
    text[4]["logprobs"] = "none"
    title = _only(_checks(committed_spec, _stream(text)), "sse_event_schema")
    assert "/logprobs" in title and "OpenAIResponseObjectStreamResponseOutputTextDelta" in title


def test_event_field_differs_from_type(committed_spec, text):
    exchange = _stream(text, event_lines=True)
    body = exchange.response.body.replace(b"event: response.in_progress", b"event: response.created", 1)
    exchange = Exchange(exchange.request, Response(200, exchange.response.headers, body))
    title = _only(_checks(committed_spec, exchange, CheckOptions()), "sse_event_field")
    assert "`event: response.created` but the payload's type is 'response.in_progress'" in title


def test_wire_problems_json_and_done_sentinel(committed_spec, text):
    found = _checks(committed_spec, _stream(text, tail=b"data: [DONE]\n\ndata: {not json}\n\ndata: cut"))
    assert "ended inside an event" in found["sse_wire_format"][0].title
    assert "not JSON" in found["sse_json_payload"][0].title
    assert "after the [DONE] sentinel" in found["sse_done_sentinel"][0].title
    assert _checks(committed_spec, _stream(text, tail=b"data: [DONE]\n\n")) == {}


def test_against_the_live_spec_the_stream_schema_is_skipped_and_says_why(live_spec, ogx_exchanges):
    session = CheckSession()
    failures = check_exchange(
        live_spec, ogx_exchanges["responses stream text"], options=QUIET, session=session
    )
    assert failures == []
    assert any(
        "OpenAIResponseObjectStream is a dangling reference" in line for line in session.skipped_report()
    )
