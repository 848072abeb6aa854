"""Run an ASGI app in this process, on an event loop of its own, and reach it over HTTP semantics.

httpx's ``ASGITransport`` is async-only and buffers whole responses, so SSE would arrive in one piece.
This bridge keeps the app (with its lifespan, started once) on a background loop and gives sync
transports for both ``httpx`` and ``httpx2`` (the openai SDK's client) whose response bodies are
streamed chunk by chunk as the app sends them. Client disconnects reach the app as ``http.disconnect``.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from asgi_lifespan import LifespanManager

_END = object()


@dataclass
class _Call:
    status: int
    headers: list[tuple[bytes, bytes]]
    chunks: queue.Queue[Any]
    disconnect: asyncio.Event
    loop: asyncio.AbstractEventLoop
    read_timeout: float

    def iter_chunks(self) -> Iterator[bytes]:
        while True:
            item = _take(self.chunks, self.read_timeout, self.loop)
            if item is None:
                raise TimeoutError(f"the in-process app sent nothing for {self.read_timeout:.0f} s")
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed: the app is gone, nobody to tell
            self.loop.call_soon_threadsafe(self.disconnect.set)


def _take(box: queue.Queue[Any], timeout: float, loop: asyncio.AbstractEventLoop) -> Any:
    """The next item the app's loop puts in ``box``, or None after ``timeout``; a loop that stopped running
    puts nothing more, so that raises at once instead of waiting out the timeout."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return box.get(timeout=min(1.0, timeout))
        except queue.Empty:
            if not loop.is_running():
                raise RuntimeError("the in-process app's event loop is no longer running") from None
            if time.monotonic() >= deadline:
                return None


class InProcessApp:
    """An ASGI app with its lifespan running on a background event loop thread."""

    def __init__(self, app: Any, *, startup_timeout: float = 120.0, read_timeout: float = 300.0) -> None:
        self._app = app
        self._startup_timeout = startup_timeout
        self._read_timeout = read_timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._stopped: asyncio.Event | None = None
        self._startup_error: BaseException | None = None
        self._wrapped: Any = None
        self._listener: Any = None
        self._stopping = False
        self._loop_error: BaseException | None = None  # what ended the loop thread early

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run_loop, name="harness-app-loop", daemon=True)
        self._thread.start()
        if not self._ready.wait(self._startup_timeout + 5):
            raise TimeoutError(f"the app's lifespan did not start within {self._startup_timeout:.0f} s")
        if self._startup_error is not None:
            raise self._startup_error

    def listen_on_loopback(self, observers: list[Any]) -> str:
        """Serve the running app on a loopback port too (see loopback_listener.py); returns its URL."""
        from .loopback_listener import LoopbackListener

        assert self._loop is not None and self._wrapped is not None, "InProcessApp.start() first"
        if self._listener is None:
            listener = LoopbackListener(self._wrapped, self._loop, observers)
            listener.start()
            self._listener = listener
        return str(self._listener.url)

    def ended(self, settle: float = 0) -> str | None:
        """Why the app's event loop thread ended before ``stop()``, or None while it runs. A loop that no
        longer runs gets ``settle`` seconds for its thread to finish, so the answer can say why."""
        if self._thread is None or self._stopping or not self._ready.is_set():
            return None
        # a loop that failed runs once more to cancel what it left pending (_cancel_pending): wait for that too
        stopped = self._loop is not None and not self._loop.is_running()
        if settle and (stopped or self._loop_error is not None):
            self._thread.join(settle)
        if self._thread.is_alive():
            return None
        error = self._loop_error
        return "its event loop thread ended" + (f": {type(error).__name__}: {error}" if error else "")

    def stop(self) -> None:
        self._stopping = True
        if self._listener is not None:
            self._listener.stop()
            self._listener = None
        if self._loop is not None and self._stopped is not None and self._thread and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stopped.set)
            self._thread.join(timeout=30)

    def _run_loop(self) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._lifespan())
        except BaseException as error:  # kept for ended(): the tests are told why the app is gone
            self._loop_error = error
            self._cancel_pending()
        finally:
            self._loop.close()

    def _cancel_pending(self, grace_s: float = 5.0) -> None:
        """Cancel what a loop stopped under the app left pending (as ``asyncio.run`` does), for at most
        ``grace_s``: its tasks end here rather than as "Task was destroyed but it is pending!" later."""
        assert self._loop is not None
        pending = asyncio.all_tasks(self._loop)
        for task in pending:
            task.cancel()
        if pending:
            with contextlib.suppress(BaseException):
                self._loop.run_until_complete(asyncio.wait(pending, timeout=grace_s))

    async def _lifespan(self) -> None:
        self._stopped = asyncio.Event()
        try:
            async with LifespanManager(
                self._app, startup_timeout=self._startup_timeout, shutdown_timeout=30
            ) as manager:
                self._wrapped = manager.app
                self._ready.set()
                await self._stopped.wait()
        except BaseException as error:  # startup failures are re-raised in start()
            if not self._ready.is_set():
                self._startup_error = error
                self._ready.set()
            else:
                raise

    def call(
        self,
        method: str,
        raw_path: bytes,
        host: str,
        port: int | None,
        scheme: str,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
    ) -> _Call:
        assert self._loop is not None, "InProcessApp.start() first"
        chunks: queue.Queue[Any] = queue.Queue()
        started: queue.Queue[Any] = queue.Queue()
        path, _, query = raw_path.partition(b"?")
        from urllib.parse import unquote

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method.upper(),
            "scheme": scheme,
            "path": unquote(path.decode("ascii")),
            "raw_path": path,
            "query_string": query,
            "root_path": "",
            "headers": [(k.lower(), v) for k, v in headers],
            "client": ("127.0.0.1", 50000),
            "server": (host, port or (443 if scheme == "https" else 80)),
        }

        async def run() -> None:
            disconnect = asyncio.Event()
            body_sent = False
            response_started = False

            async def receive() -> dict[str, Any]:
                nonlocal body_sent
                if not body_sent:
                    body_sent = True
                    return {"type": "http.request", "body": body, "more_body": False}
                await disconnect.wait()
                return {"type": "http.disconnect"}

            async def send(message: dict[str, Any]) -> None:
                nonlocal response_started
                if message["type"] == "http.response.start":
                    response_started = True
                    call = _Call(
                        message["status"],
                        list(message.get("headers", [])),
                        chunks,
                        disconnect,
                        asyncio.get_running_loop(),
                        self._read_timeout,
                    )
                    started.put(call)
                elif message["type"] == "http.response.body":
                    if disconnect.is_set():
                        raise OSError("client disconnected")
                    data = message.get("body", b"")
                    if data:
                        chunks.put(data)
                    if not message.get("more_body", False):
                        chunks.put(_END)

            try:
                await self._wrapped(scope, receive, send)
            except BaseException as error:
                if isinstance(error, asyncio.CancelledError):  # only _cancel_pending cancels a request
                    error = RuntimeError("the in-process app's event loop was stopped under the request")
                if not response_started:
                    started.put(error)
                elif not disconnect.is_set():
                    chunks.put(error)
            finally:
                chunks.put(_END)

        if self._loop.is_closed():
            raise RuntimeError(
                f"the in-process app cannot answer: {self.ended() or 'its event loop is closed'}"
            )
        asyncio.run_coroutine_threadsafe(run(), self._loop)
        first = _take(started, self._read_timeout, self._loop)
        if first is None:
            raise TimeoutError(f"the in-process app did not start answering in {self._read_timeout:.0f} s")
        if isinstance(first, BaseException):
            raise first
        return first


def sync_transport(app: InProcessApp, http: ModuleType) -> Any:
    """A ``http.BaseTransport`` (``http`` is the httpx or httpx2 module) that sends requests to ``app``."""

    class _Stream(http.SyncByteStream):  # type: ignore[name-defined]  # http is httpx or httpx2, passed in
        def __init__(self, call: _Call) -> None:
            self._call = call

        def __iter__(self) -> Iterator[bytes]:
            try:
                yield from self._call.iter_chunks()
            except TimeoutError as error:
                raise http.ReadTimeout(str(error)) from None

        def close(self) -> None:
            self._call.close()

    class InProcessTransport(http.BaseTransport):  # type: ignore[name-defined]  # http is httpx or httpx2, passed in
        def handle_request(self, request: Any) -> Any:
            body = request.read()
            url = request.url
            call = app.call(
                request.method, url.raw_path, url.host, url.port, url.scheme, list(request.headers.raw), body
            )
            return http.Response(call.status, headers=call.headers, stream=_Stream(call))

    return InProcessTransport()
