"""A small OpenAI-compatible provider on loopback, standing in for the real upstream in record and live
mode tests (no test ever contacts a real provider).

Answers ``POST /v1/chat/completions`` by echoing the last user message, streamed (SSE, one word per
chunk, ``gap`` seconds apart) or as one JSON object; ``GET /v1/models``. Special prompts:
``"die mid-stream"`` breaks the connection after two chunks, ``"fail 500"`` answers 500,
``"leak"`` answers with the key it was called with (to prove responses are redacted).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness.replay import Interaction, MatchRules
from harness.replay.cassette import save
from harness.replay.server import LoopbackServer
from harness.replay.sources import stored_request_body


@dataclass
class FakeUpstream:
    gap: float = 0.0
    calls: list[dict[str, Any]] = field(default_factory=list)

    def __enter__(self) -> FakeUpstream:
        self._server = LoopbackServer(self.app)
        self._server.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.port}/v1"

    def chat_calls(self) -> list[dict[str, Any]]:
        return [c for c in self.calls if c["path"].endswith("/chat/completions")]

    async def app(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                kind = "startup" if message["type"] == "lifespan.startup" else "shutdown"
                await send({"type": f"lifespan.{kind}.complete"})
                if kind == "shutdown":
                    return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        self.calls.append(
            {"method": scope["method"], "path": scope["path"], "headers": headers, "body": body}
        )
        if scope["path"] == "/v1/models":
            await _json(
                send,
                200,
                {
                    "object": "list",
                    "data": [{"id": "fake-model", "object": "model", "created": 0, "owned_by": "fake"}],
                },
            )
            return
        request = json.loads(body)
        prompt = request["messages"][-1]["content"]
        if prompt == "fail 500":
            await _json(send, 500, {"error": {"message": "upstream exploded"}})
            return
        text = f"you said {prompt}" if prompt != "leak" else f"your key is {headers.get('authorization', '')}"
        words = text.split(" ")
        if not request.get("stream"):
            await _json(
                send,
                200,
                {
                    "id": "cmpl-1",
                    "object": "chat.completion",
                    "created": 1,
                    "model": request["model"],
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": text},
                            "finish_reason": "stop",
                        }
                    ],
                },
            )
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/event-stream; charset=utf-8")],
            }
        )
        for index, word in enumerate(words):
            if prompt == "die mid-stream" and index == 2:
                raise RuntimeError("connection lost")  # uvicorn drops the connection mid-body
            chunk = {
                "id": "cmpl-1",
                "object": "chat.completion.chunk",
                "created": 1,
                "model": request["model"],
                "choices": [
                    {
                        "index": 0,
                        "delta": {"content": word if index == 0 else " " + word},
                        "finish_reason": None,
                    }
                ],
            }
            await send(
                {
                    "type": "http.response.body",
                    "body": f"data: {json.dumps(chunk)}\n\n".encode(),
                    "more_body": True,
                }
            )
            if self.gap:
                await asyncio.sleep(self.gap)
        await send({"type": "http.response.body", "body": b"data: [DONE]\n\n"})


async def _json(send: Any, status: int, body: Any) -> None:
    payload = json.dumps(body).encode()
    await send(
        {"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json")]}
    )
    await send({"type": "http.response.body", "body": payload})


def chat(prompt: str, *, model: str = "fake-model", stream: bool = True, **extra: Any) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": prompt}], "stream": stream, **extra}


def sse(*payloads: str) -> str:
    return "".join(f"data: {p}\n\n" for p in payloads) + "data: [DONE]\n\n"


def recorded(
    body: dict, answer: str = "hello", *, offsets: list[int] | None = None, rules: MatchRules | None = None
) -> Interaction:
    """A streamed chat-completions interaction answering ``answer`` in one chunk."""
    stream = sse(json.dumps({"choices": [{"index": 0, "delta": {"content": answer}}]}))
    return Interaction(
        method="POST",
        uri="https://api.example.test/v1/chat/completions",
        request_body=stored_request_body(rules or MatchRules.load(), json.dumps(body)),
        status=200,
        response_body=stream,
        request_headers={"content-type": ["application/json"]},
        response_headers={"content-type": ["text/event-stream"]},
        offsets_ms=offsets,
    )


def write_cassette(path: Path, interactions: list[Interaction]) -> Path:
    save(path, interactions)
    return path
