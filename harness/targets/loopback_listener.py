"""Library mode's socket: the in-process app also served on a loopback port, on the app's own event loop.

The harness's clients reach the in-process app through the bridge (``asgi_bridge.py``). Code that opens
its own connection to a client's ``base_url`` (LangChain's ``ChatOpenAI``, a bare ``httpx.post``) needs a
real socket; uvicorn serves the same app (lifespan already running) on 127.0.0.1, and every exchange
through it is handed to the observers, so it is contract-checked like the rest. It starts on first use."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from harness.core.exchange import Exchange, Request, Response

from .ports import free_port

Observer = Callable[[Exchange], None]


def observing_app(app: Any, observers: list[Observer]) -> Any:
    """An ASGI app that passes everything to ``app`` and reports each finished HTTP exchange."""

    async def observed(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not observers:
            await app(scope, receive, send)
            return
        request_body: list[bytes] = []
        status: list[int] = []
        headers: list[Any] = []
        body: list[bytes] = []

        async def tee_receive() -> dict[str, Any]:
            message = await receive()
            if message["type"] == "http.request":
                request_body.append(message.get("body", b""))
            return message

        async def tee_send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
                headers.extend(message.get("headers", []))
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))
            await send(message)

        try:
            await app(scope, tee_receive, tee_send)
        finally:
            if status:
                exchange = _exchange(scope, b"".join(request_body), status[0], headers, b"".join(body))
                for observer in list(observers):
                    observer(exchange)

    return observed


def _exchange(
    scope: dict[str, Any], request_body: bytes, status: int, headers: list[Any], body: bytes
) -> Exchange:
    host, port = scope.get("server") or ("127.0.0.1", 80)
    query = scope.get("query_string", b"").decode("latin-1")
    url = f"http://{host}:{port}{scope['path']}" + (f"?{query}" if query else "")
    request_headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}
    response_headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in headers}
    return Exchange(
        request=Request(scope["method"], url, request_headers, request_body),
        response=Response(status, response_headers, body),
    )


class LoopbackListener:
    def __init__(self, app: Any, loop: asyncio.AbstractEventLoop, observers: list[Observer]) -> None:
        self._app, self._loop, self._observers = app, loop, observers
        self._server: Any = None
        self._serving: Any = None  # concurrent.futures.Future of the server's serve() on the app's loop
        self.url: str | None = None

    def start(self, timeout: float = 30) -> str:
        import uvicorn

        port = free_port()
        config = uvicorn.Config(
            observing_app(self._app, self._observers),
            host="127.0.0.1",
            port=port,
            lifespan="off",
            log_level="warning",
            access_log=False,
        )
        self._server = uvicorn.Server(config)
        self._serving = asyncio.run_coroutine_threadsafe(self._server.serve(), self._loop)
        started = asyncio.run_coroutine_threadsafe(self._wait_started(timeout), self._loop)
        started.result(timeout + 5)
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def _wait_started(self, timeout: float) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while not self._server.started:
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError("the loopback listener did not start")
            await asyncio.sleep(0.01)

    def stop(self, timeout: float = 10) -> None:
        """Ask uvicorn to finish and wait until it has (else the loop closes under a pending task)."""
        if self._server is not None:
            self._server.should_exit = True
            with contextlib.suppress(Exception):
                self._serving.result(timeout)
            self._server = self._serving = None
