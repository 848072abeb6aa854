"""Create, stream and chain responses; the recorded answers come back through the router."""

from __future__ import annotations

import json

import pytest

EARTH = "Which planet do humans live on?"
SATURN = "Which planet has rings around it with a name starting with letter S?"


def test_create_non_streaming(openai_client, model):
    response = openai_client.responses.create(model=model, input=EARTH, stream=False)
    assert response.status == "completed"
    assert response.output_text == "Humans live on Earth."
    (message,) = response.output
    assert (message.type, message.role, message.status) == ("message", "assistant", "completed")


def test_create_streaming_deltas_add_up(openai_client, model):
    events = list(openai_client.responses.create(model=model, input=SATURN, stream=True))
    types = [event.type for event in events]
    assert types[0] == "response.created" and types[-1] == "response.completed"
    text = "".join(event.delta for event in events if event.type == "response.output_text.delta")
    assert "Saturn" in text
    assert events[-1].response.output_text == text
    assert types.index("response.output_item.added") < types.index("response.output_text.delta")
    assert (
        types.index("response.content_part.done") < types.index("response.output_item.done") < len(types) - 1
    )


def test_stream_closes_the_text_with_output_text_done(openai_client, model, stack, request):
    """OpenAI ends each text part with `response.output_text.done` carrying the whole text."""
    if stack.profile == "ogx":
        request.applymarker(
            pytest.mark.xfail(
                strict=True,
                reason=(
                    "OGX 1.5.0 never emits response.output_text.done: the event type exists in ogx_api "
                    "(OpenAIResponseObjectStreamResponseOutputTextDone) but the builtin responses provider's "
                    "streaming.py never yields it; content_part.done follows the last delta directly"
                ),
            )
        )
    elif stack.profile == "llama-stack":
        request.applymarker(
            pytest.mark.xfail(
                strict=True,
                reason=(
                    "llama-stack 0.7.3 never emits response.output_text.done: llama_stack_api declares "
                    "OpenAIResponseObjectStreamResponseOutputTextDone but providers/inline/responses/builtin/responses/"
                    "streaming.py never yields it; content_part.done follows the last delta directly"
                ),
            )
        )
    events = list(openai_client.responses.create(model=model, input=SATURN, stream=True))
    text = "".join(event.delta for event in events if event.type == "response.output_text.delta")
    done = [event for event in events if event.type == "response.output_text.done"]
    assert len(done) == 1, [event.type for event in events]
    assert done[0].text == text


def test_streaming_content_arrives_incrementally(http_client, model):
    """Read the raw SSE stream: the text arrives as several deltas, each an event of its own."""
    with http_client.stream(
        "POST", "/v1/responses", json={"model": model, "input": EARTH, "stream": True}
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        payloads = [
            json.loads(line[len("data: ") :]) for line in response.iter_lines() if line.startswith("data: ")
        ]
    deltas = [p["delta"] for p in payloads if p["type"] == "response.output_text.delta"]
    assert len(deltas) > 3, deltas
    assert all(deltas), "empty delta"
    assert [p["sequence_number"] for p in payloads] == list(range(len(payloads)))
    final = payloads[-1]["response"]
    assert final["output"][0]["content"][0]["text"] == "".join(deltas)


def test_multi_turn_with_previous_response_id(openai_client, model, stack, request):
    if stack.profile == "llama-stack":
        request.applymarker(
            pytest.mark.xfail(
                strict=True,
                reason=(
                    "llama-stack 0.7.3 answers from the chained history (the text is right) but returns "
                    "previous_response_id: null: StreamingResponseOrchestrator._snapshot_response "
                    "(providers/inline/responses/builtin/responses/streaming.py) never sets it on the response object"
                ),
            )
        )
    first = openai_client.responses.create(model=model, input=EARTH)
    assert first.output_text == "Humans live on Earth."
    second = openai_client.responses.create(
        model=model, input="Repeat your previous response in all caps.", previous_response_id=first.id
    )
    assert second.output_text == "HUMANS LIVE ON EARTH."
    assert second.previous_response_id == first.id


def test_streaming_follow_up_with_previous_response_id(openai_client, model):
    first = openai_client.responses.create(model=model, input=EARTH)
    stream = openai_client.responses.create(
        model=model,
        previous_response_id=first.id,
        stream=True,
        input="What is the name of the planet from your previous response?",
    )
    deltas = [event.delta for event in stream if event.type == "response.output_text.delta"]
    assert len(deltas) > 1
    assert "Earth" in "".join(deltas)
