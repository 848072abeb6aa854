"""A Responses API that streams (``POST /v1/responses``, ``stream: true``), described by OGX's own
committed spec: the events must be valid ``OpenAIResponseObjectStream`` variants. The clean app
streams the way OpenAI does (``event:`` and ``data:`` lines, ``sequence_number`` from 0); each bug
breaks one rule of the stream grammar."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse

from harness.contract import ApiSpec, load_api_spec

from ..zoo import Driver, SeededBug

NAME = "responses_stream"
COMMITTED_SPEC = Path(__file__).resolve().parents[2] / "data" / "specs" / "ogx-2026-05-committed.yaml"
TEXT_DELTAS = ["Humans", " live", " on", " Earth", "."]
ARGUMENT_DELTAS = ['{"city"', ': "Pa', 'ris"}']

BUGS = {
    "missing_terminal_event": SeededBug("responses_stream_terminal_event", "without a terminal event"),
    "two_terminal_events": SeededBug("responses_stream_terminal_event", "2 terminal events"),
    "sequence_out_of_order": SeededBug("responses_stream_sequence_numbers", "sequence_number goes from 7"),
    "deltas_do_not_add_up": SeededBug("responses_stream_text_deltas", "'Humans live Earth.'"),
    "arguments_not_json": SeededBug("responses_stream_function_arguments", "not valid JSON"),
    "event_field_differs_from_type": SeededBug(
        "sse_event_field",
        "`event: response.output_text.delta` but the payload's type is 'response.output_text.done'",
    ),
}


@cache
def spec() -> ApiSpec:
    committed = load_api_spec(COMMITTED_SPEC).doc
    doc = {
        "openapi": committed["openapi"],
        "info": {"title": "zoo: responses stream", "version": "1"},
        "paths": {"/v1/responses": {"post": committed["paths"]["/v1/responses"]["post"]}},
        "components": committed["components"],
    }
    return ApiSpec.from_dict(doc, source=f"{COMMITTED_SPEC} (POST /v1/responses only)")


def _response(response_id: str, status: str, output: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": response_id,
        "object": "response",
        "created_at": 1767225600,
        "model": "gpt-4o",
        "status": status,
        "store": True,
        "output": output,
        "parallel_tool_calls": True,
        "text": {"format": {"type": "text"}},
    }


def _text_events(response_id: str, bug: str | None) -> list[dict[str, Any]]:
    item_id = "msg_zoo_1"
    deltas = list(TEXT_DELTAS)
    text = "".join(deltas)
    if bug == "deltas_do_not_add_up":
        del deltas[2]  # " on" never reaches the client, but the done events carry the full text
    part = {"type": "output_text", "text": text, "annotations": [], "logprobs": []}
    item = {"type": "message", "id": item_id, "role": "assistant", "status": "completed", "content": [part]}
    common = {"response_id": response_id, "output_index": 0}
    events = [
        {"type": "response.created", "response": _response(response_id, "in_progress", [])},
        {"type": "response.in_progress", "response": _response(response_id, "in_progress", [])},
        {
            "type": "response.output_item.added",
            **common,
            "item": {**item, "status": "in_progress", "content": []},
        },
        {
            "type": "response.content_part.added",
            **common,
            "item_id": item_id,
            "content_index": 0,
            "part": {**part, "text": ""},
        },
        *[
            {
                "type": "response.output_text.delta",
                "item_id": item_id,
                "output_index": 0,
                "content_index": 0,
                "delta": d,
                "logprobs": [],
            }
            for d in deltas
        ],
        {
            "type": "response.output_text.done",
            "item_id": item_id,
            "output_index": 0,
            "content_index": 0,
            "text": text,
        },
        {
            "type": "response.content_part.done",
            **common,
            "item_id": item_id,
            "content_index": 0,
            "part": part,
        },
        {"type": "response.output_item.done", **common, "item": item},
        {"type": "response.completed", "response": _response(response_id, "completed", [item])},
    ]
    if bug == "missing_terminal_event":
        events.pop()
    if bug == "two_terminal_events":
        events.append(dict(events[-1]))
    return events


def _function_call_events(response_id: str, bug: str | None) -> list[dict[str, Any]]:
    item_id = "fc_zoo_1"
    deltas = list(ARGUMENT_DELTAS)
    if bug == "arguments_not_json":
        deltas[-1] = 'ris"'  # the closing brace is lost
    arguments = "".join(deltas)
    item = {
        "type": "function_call",
        "id": item_id,
        "call_id": "call_zoo_1",
        "name": "get_weather",
        "arguments": arguments,
        "status": "completed",
    }
    common = {"response_id": response_id, "output_index": 0}
    return [
        {"type": "response.created", "response": _response(response_id, "in_progress", [])},
        {"type": "response.in_progress", "response": _response(response_id, "in_progress", [])},
        {
            "type": "response.output_item.added",
            **common,
            "item": {**item, "arguments": "", "status": "in_progress"},
        },
        *[
            {
                "type": "response.function_call_arguments.delta",
                "item_id": item_id,
                "output_index": 0,
                "delta": d,
            }
            for d in deltas
        ],
        {
            "type": "response.function_call_arguments.done",
            "item_id": item_id,
            "output_index": 0,
            "arguments": arguments,
        },
        {"type": "response.output_item.done", **common, "item": item},
        {"type": "response.completed", "response": _response(response_id, "completed", [item])},
    ]


def _frame(events: list[dict[str, Any]], bug: str | None) -> list[bytes]:
    frames = []
    for number, event in enumerate(events):
        event = {**event, "sequence_number": number}
        if bug == "sequence_out_of_order" and number in (6, 7):
            event["sequence_number"] = 13 - number  # 6 ↔ 7
        name = event["type"]
        if bug == "event_field_differs_from_type" and name == "response.output_text.done":
            name = "response.output_text.delta"
        frames.append(f"event: {name}\ndata: {json.dumps(event)}\n\n".encode())
    return frames


def make_app(bug: str | None = None) -> FastAPI:
    if bug is not None and bug not in BUGS:
        raise ValueError(f"unknown bug {bug!r}; known: {', '.join(BUGS)}")
    app = FastAPI(title=f"zoo {NAME} ({bug or 'clean'})")

    @app.post("/v1/responses")
    async def create_response(request: Request) -> StreamingResponse:
        body = await request.json()
        response_id = "resp_zoo_tools" if body.get("tools") else "resp_zoo_text"
        events = (
            _function_call_events(response_id, bug) if body.get("tools") else _text_events(response_id, bug)
        )

        async def stream():
            for frame in _frame(events, bug):
                yield frame

        return StreamingResponse(stream(), media_type="text/event-stream")

    return app


async def exercise(driver: Driver) -> None:
    await driver.send(
        "POST",
        "/v1/responses",
        json={"model": "gpt-4o", "input": "Which planet do humans live on?", "stream": True},
    )
    await driver.send(
        "POST",
        "/v1/responses",
        json={
            "model": "gpt-4o",
            "input": "What is the weather in Paris?",
            "stream": True,
            "tools": [
                {
                    "type": "function",
                    "name": "get_weather",
                    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
                }
            ],
        },
    )
