"""An app that matches its own spec, where its own spec is the broken part (as OGX 1.5.0's is): each bug
is allowed by the app's spec but breaks OpenAI's API, so only the reference oracle catches it. Run with
``--reference=openai``; :data:`OPTIONS` says so, and ``tests/bugzoo/test_reference_zoo.py`` shows that
without the reference none of the bugs is caught."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

from harness.contract import ApiSpec, CheckOptions

from ..zoo import Driver, SeededBug

NAME = "reference_breaks"
OPTIONS = CheckOptions(reference="openai")
OWN = {"also": frozenset({"sse_event_field"})}  # the own-spec warning about a missing `event:` line

BUGS = {
    "detail_error_body": SeededBug(
        "reference_error_schema",
        "differs from OpenAI's API: the 400 error body "
        '(ErrorResponse) does not match its schema: (root): "error" is a required property',
    ),
    "null_created_at": SeededBug("reference_response_schema", '/created_at: null is not of type "integer"'),
    "delta_without_logprobs": SeededBug(
        "reference_event_schema", 'response.output_text.delta): (root): "logprobs" is a required property'
    ),
    "no_event_names": SeededBug("reference_event_name", "have no `event:` line", **OWN),
}

_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["message", "type"],
            "properties": {
                "message": {"type": "string"},
                "type": {"type": "string"},
                "param": {"type": ["string", "null"]},
                "code": {"type": ["string", "null"]},
            },
        }
    },
}
# the app's own spec: loose where the bugs are (any error body, a nullable created_at, any event)
OWN_SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "zoo: its own spec allows what OpenAI does not", "version": "1"},
    "paths": {
        "/v1/conversations/{conversation_id}": {
            "get": {
                "parameters": [
                    {"name": "conversation_id", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Conversation"}}
                        },
                    },
                    "400": {
                        "description": "bad id",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "anyOf": [
                                        {"$ref": "#/components/schemas/Error"},
                                        {"$ref": "#/components/schemas/Detail"},
                                    ]
                                }
                            }
                        },
                    },
                },
            }
        },
        "/v1/responses": {
            "post": {
                "responses": {
                    "200": {
                        "description": "a stream",
                        "content": {"text/event-stream": {"schema": {"$ref": "#/components/schemas/Event"}}},
                    }
                }
            }
        },
    },
    "components": {
        "schemas": {
            "Conversation": {
                "type": "object",
                "required": ["id", "object"],
                "properties": {
                    "id": {"type": "string"},
                    "object": {"const": "conversation"},
                    "metadata": {"type": "object"},
                    "created_at": {"type": ["integer", "null"]},
                },
            },
            "Error": _ERROR,
            "Detail": {
                "type": "object",
                "required": ["detail"],
                "properties": {"detail": {"type": "string"}},
            },
            "Event": {"type": "object", "required": ["type"], "properties": {"type": {"type": "string"}}},
        }
    },
}


@cache
def spec() -> ApiSpec:
    return ApiSpec.from_dict(OWN_SPEC, source="zoo reference_breaks (its own spec)")


def _response(status: str, output: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": "resp_zoo_ref",
        "object": "response",
        "created_at": 1767225600,
        "model": "gpt-4o",
        "status": status,
        "output": output,
        "parallel_tool_calls": True,
        "tools": [],
        "tool_choice": "auto",
        "temperature": 1.0,
        "top_p": 1.0,
        "metadata": {},
        "error": None,
        "incomplete_details": None,
        "instructions": None,
    }


def _events(bug: str | None) -> list[dict[str, Any]]:
    part = {"type": "output_text", "text": "Earth.", "annotations": [], "logprobs": []}
    item = {
        "type": "message",
        "id": "msg_zoo_ref",
        "role": "assistant",
        "status": "completed",
        "content": [part],
    }
    where = {"item_id": "msg_zoo_ref", "output_index": 0, "content_index": 0}
    delta = {"type": "response.output_text.delta", **where, "delta": "Earth.", "logprobs": []}
    if bug == "delta_without_logprobs":
        del delta["logprobs"]
    return [
        {"type": "response.created", "response": _response("in_progress", [])},
        {"type": "response.in_progress", "response": _response("in_progress", [])},
        {
            "type": "response.output_item.added",
            "output_index": 0,
            "item": {**item, "status": "in_progress", "content": []},
        },
        {"type": "response.content_part.added", **where, "part": {**part, "text": ""}},
        delta,
        {"type": "response.output_text.done", **where, "text": "Earth.", "logprobs": []},
        {"type": "response.content_part.done", **where, "part": part},
        {"type": "response.output_item.done", "output_index": 0, "item": item},
        {"type": "response.completed", "response": _response("completed", [item])},
    ]


def make_app(bug: str | None = None) -> FastAPI:
    if bug is not None and bug not in BUGS:
        raise ValueError(f"unknown bug {bug!r}; known: {', '.join(BUGS)}")
    app = FastAPI(title=f"zoo {NAME} ({bug or 'clean'})")

    @app.get("/v1/conversations/{conversation_id}")
    async def get_conversation(conversation_id: str) -> JSONResponse:
        if not conversation_id.startswith("conv_"):
            message = f"Invalid value for conversation_id: {conversation_id!r}"
            if bug == "detail_error_body":
                return JSONResponse({"detail": message}, status_code=400)
            return JSONResponse(
                {
                    "error": {
                        "message": message,
                        "type": "invalid_request_error",
                        "param": "conversation_id",
                        "code": None,
                    }
                },
                status_code=400,
            )
        created = None if bug == "null_created_at" else 1767225600
        return JSONResponse(
            {"id": conversation_id, "object": "conversation", "metadata": {}, "created_at": created}
        )

    @app.post("/v1/responses")
    async def create_response(request: Request) -> StreamingResponse:
        await request.body()
        frames = []
        for number, event in enumerate(_events(bug)):
            data = json.dumps({**event, "sequence_number": number})
            name = "" if bug == "no_event_names" else f"event: {event['type']}\n"
            frames.append(f"{name}data: {data}\n\n".encode())

        async def stream():
            for frame in frames:
                yield frame

        return StreamingResponse(stream(), media_type="text/event-stream")

    return app


async def exercise(driver: Driver) -> None:
    await driver.send("GET", "/v1/conversations/conv_zoo_1")
    await driver.send("GET", "/v1/conversations/not-a-conversation-id")
    await driver.send(
        "POST", "/v1/responses", json={"model": "gpt-4o", "input": "Which planet?", "stream": True}
    )
