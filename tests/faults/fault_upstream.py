"""A small OpenAI-compatible provider on 127.0.0.1 (a free port) for the fault tests, built on the
standard library's HTTP server so that it shares no code with the harness it is testing.

``POST /v1/chat/completions`` streams SSE chat-completion chunks (or answers one JSON object when
``stream`` is false); what it streams depends on the last user message:

- ``"echo my key"``: the request's Authorization value (``Bearer <key>``), in deltas of ``piece``
  characters — an upstream that leaks the caller's key back, never in one piece (``"echo my bare
  key"``: the key alone, without ``Bearer``);
- ``"hold"``: one chunk, then nothing until :meth:`release` (or 60 s): a request in flight;
- anything else: ``"you said <prompt>"``, one word per chunk.

``GET /v1/models`` lists one model. Every chat call is kept in :attr:`calls`; :attr:`holding` is set
when a ``"hold"`` request has sent its first chunk.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FaultUpstream:
    def __init__(self, piece: int = 4) -> None:
        self.piece = piece
        self.calls: list[dict[str, Any]] = []
        self.holding = threading.Event()
        self._release = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fault-upstream", daemon=True)

    def __enter__(self) -> FaultUpstream:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def release(self) -> None:
        self._release.set()

    def answer(self, prompt: str, headers: dict[str, str]) -> list[str]:
        if prompt in ("echo my key", "echo my bare key"):
            text = headers.get("authorization", "")
            text = text.removeprefix("Bearer ") if prompt == "echo my bare key" else text
            return [text[i : i + self.piece] for i in range(0, len(text), self.piece)]
        words = f"you said {prompt}".split(" ")
        return [w if i == 0 else " " + w for i, w in enumerate(words)]


def chunk(model: str, content: str, finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fault",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": finish}],
    }


def _handler(upstream: FaultUpstream) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = (
            "HTTP/1.0"  # the body ends when the connection closes: no chunked encoding to write
        )

        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            if self.path.rstrip("/") == "/v1/models":
                self._json(
                    {
                        "object": "list",
                        "data": [{"id": "fault-model", "object": "model", "created": 0, "owned_by": "fault"}],
                    }
                )
            else:
                self.send_error(404)

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
            headers = {k.lower(): v for k, v in self.headers.items()}
            upstream.calls.append({"path": self.path, "headers": headers, "body": body})
            prompt = body["messages"][-1]["content"]
            model = body.get("model", "fault-model")
            if not body.get("stream"):
                text = "".join(upstream.answer(prompt, headers))
                self._json(
                    {
                        "id": "chatcmpl-fault",
                        "object": "chat.completion",
                        "created": 0,
                        "model": model,
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": text},
                                "finish_reason": "stop",
                            }
                        ],
                    }
                )
                return
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.end_headers()
            if prompt == "hold":
                self._event(chunk(model, "held"))
                upstream.holding.set()
                upstream._release.wait(60)
            else:
                for piece in upstream.answer(prompt, headers):
                    self._event(chunk(model, piece))
            self._event(chunk(model, "", "stop"))
            self.wfile.write(b"data: [DONE]\n\n")

        def _event(self, payload: dict[str, Any]) -> None:
            self.wfile.write(f"data: {json.dumps(payload)}\n\n".encode())
            self.wfile.flush()

        def _json(self, payload: Any) -> None:
            data = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler
