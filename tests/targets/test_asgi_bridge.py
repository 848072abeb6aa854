"""The in-process bridge streams chunk by chunk, runs the lifespan once, and reports disconnects."""

from __future__ import annotations

import asyncio
import threading

import httpx
import httpx2
import pytest

from harness.targets.asgi_bridge import InProcessApp, sync_transport
from harness.targets.base import RunningStack
from harness.targets.clients import http_client, observing_transport


class StreamingApp:
    """Sends "first", then waits until the test has read it before sending "second"."""

    def __init__(self) -> None:
        self.first_read = threading.Event()
        self.lifespan_events: list[str] = []
        self.disconnected = threading.Event()

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                self.lifespan_events.append(message["type"])
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        await receive()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/event-stream")],
            }
        )
        await send({"type": "http.response.body", "body": b"data: first\n\n", "more_body": True})
        if scope["path"] == "/hang-up":
            message = await receive()
            if message["type"] == "http.disconnect":
                self.disconnected.set()
            return
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self.first_read.wait, 10)
        await send({"type": "http.response.body", "body": b"data: second\n\n", "more_body": False})


@pytest.fixture
def app():
    asgi = StreamingApp()
    running = InProcessApp(asgi, startup_timeout=10, read_timeout=10)
    running.start()
    yield asgi, running
    running.stop()
    assert asgi.lifespan_events == ["lifespan.startup", "lifespan.shutdown"]


@pytest.mark.parametrize("http", [httpx, httpx2], ids=["httpx", "httpx2"])
def test_chunks_arrive_before_the_stream_ends(app, http):
    asgi, running = app
    with http.Client(transport=sync_transport(running, http), base_url="http://app") as client:
        with client.stream("GET", "/events") as response:
            chunks = response.iter_raw()
            assert next(chunks) == b"data: first\n\n"  # would time out if the bridge buffered the body
            asgi.first_read.set()
            assert next(chunks) == b"data: second\n\n"


def test_closing_early_reaches_the_app_as_a_disconnect(app):
    asgi, running = app
    with httpx.Client(transport=sync_transport(running, httpx), base_url="http://app") as client:
        with client.stream("GET", "/hang-up") as response:
            assert next(response.iter_raw()) == b"data: first\n\n"
    assert asgi.disconnected.wait(5)


def test_observed_exchange_holds_the_raw_stream(app):
    asgi, running = app
    asgi.first_read.set()
    seen = []
    stack = RunningStack(base_url="http://app", mode="library", profile="test", asgi_app=running)
    with http_client(stack, on_exchange=seen.append) as client:
        assert client.post("/events", json={"q": 1}).text == "data: first\n\ndata: second\n\n"
    (exchange,) = seen
    assert exchange.request.method == "POST" and exchange.request.json() == {"q": 1}
    assert exchange.response.body == b"data: first\n\ndata: second\n\n"
    assert exchange.response.content_type == "text/event-stream"


def test_observing_transport_reports_each_exchange_once():
    seen = []
    inner = httpx.MockTransport(lambda request: httpx.Response(204))
    with httpx.Client(transport=observing_transport(inner, httpx, seen.append)) as client:
        client.get("http://x/a")
        client.get("http://x/b")
    assert [e.request.url for e in seen] == ["http://x/a", "http://x/b"]


def test_a_loop_that_stops_fails_the_request_at_once_and_says_why():
    """Something stops the app's event loop mid-stream: the read fails at once (not after the read
    timeout), the bridge says why the loop thread ended, and a new request is refused naming it."""
    asgi = StreamingApp()
    running = InProcessApp(asgi, startup_timeout=10, read_timeout=10)
    running.start()
    loop = running._loop
    with httpx.Client(transport=sync_transport(running, httpx), base_url="http://app") as client:
        with client.stream("GET", "/stream") as response:
            chunks = response.iter_raw()
            assert next(chunks) == b"data: first\n\n"
            loop.call_soon_threadsafe(loop.stop)
            with pytest.raises(RuntimeError, match="event loop (is no longer running|was stopped under)"):
                next(chunks)
        asgi.first_read.set()  # the app's executor thread may end
        assert running.ended(settle=10) == (
            "its event loop thread ended: RuntimeError: Event loop stopped before Future completed."
        )
        with pytest.raises(RuntimeError, match="cannot answer: its event loop thread ended"):
            client.get("/stream")
    running.stop()


def test_a_stopped_app_has_not_ended(app):
    _, running = app
    assert running.ended() is None
    running.stop()
    assert running.ended() is None
