"""Redaction and scanning of the text a stream's reader reassembles (harness/replay/deltas.py)."""

import json

from harness.replay import MatchRules
from harness.replay.deltas import find_split, payloads, redact_stream

KEY = "sk-live-0123456789abcdefghij"
REDACTOR = MatchRules.load().redactor


def stream(*events: dict, prefix: str = "") -> str:
    return "".join(f"{prefix}data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"


def pieces(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def test_tool_call_arguments_are_joined_per_call():
    args = json.dumps({"token": KEY})
    events = [
        {"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"arguments": p}}]}}]}
        for p in pieces(args, 5)
    ]
    redacted = redact_stream(stream(*events), REDACTOR)
    joined = "".join(
        e["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"] for e in payloads(redacted)[:-1]
    )
    assert json.loads(joined) == {"token": "<redacted>"}


def test_responses_api_delta_events_keep_their_event_lines():
    events = [
        {
            "type": "response.output_text.delta",
            "item_id": "msg_1",
            "output_index": 0,
            "content_index": 0,
            "delta": p,
        }
        for p in pieces(f"your key is {KEY}.", 4)
    ]
    text = "".join(f"event: response.output_text.delta\ndata: {json.dumps(e)}\n\n" for e in events)
    redacted = redact_stream(text, REDACTOR)
    assert redacted.count("event: response.output_text.delta\ndata: {") == len(events)
    assert "".join(p["delta"] for p in payloads(redacted)) == "your key is <redacted>."


def test_two_choices_are_two_channels_and_a_secret_in_one_piece_is_still_redacted():
    events = [
        {
            "choices": [
                {"index": 0, "delta": {"content": "sk-live-0123"}},
                {"index": 1, "delta": {"content": KEY}},
            ]
        },
        {
            "choices": [
                {"index": 0, "delta": {"content": "456789abcdefghij"}},
                {"index": 1, "delta": {"content": " ok"}},
            ]
        },
    ]
    redacted = payloads(redact_stream(stream(*events), REDACTOR))
    assert [c["delta"]["content"] for c in redacted[0]["choices"]] == ["<redacted>", "<redacted>"]
    assert [c["delta"]["content"] for c in redacted[1]["choices"]] == ["", " ok"]
    [split] = find_split(payloads(stream(*events)), REDACTOR)
    assert split.events == (0, 1) and split.text == KEY


def test_a_stream_without_secrets_is_unchanged_and_non_json_events_are_kept():
    text = 'data: {"choices": [{"index": 0, "delta": {"content": "hi"}}]}\r\n\r\n: keep-alive\n\ndata: not json\n\n'
    assert redact_stream(text, REDACTOR) == text
