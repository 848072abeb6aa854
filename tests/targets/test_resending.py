"""A request the app's closed keep-alive connection cut off is sent once more, if HTTP allows it, and
counted for the report."""

from __future__ import annotations

import httpx
import pytest

from harness.targets.clients import resending_transport


class DropsFirst(httpx.BaseTransport):
    """Stands for a server that closed the kept-alive connection the first request went out on."""

    def __init__(self) -> None:
        self.calls = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.calls == 1:
            raise httpx.ReadError("[Errno 104] Connection reset by peer", request=request)
        return httpx.Response(404, json={"detail": "gone"})


@pytest.mark.parametrize("method", ["GET", "DELETE", "PUT"])
def test_an_idempotent_request_is_sent_again_and_counted(method):
    inner, dropped = DropsFirst(), []
    with httpx.Client(
        transport=resending_transport(lambda: inner, httpx, dropped), base_url="http://127.0.0.1:1"
    ) as client:
        assert client.request(method, "/v1/things/x").status_code == 404
    assert inner.calls == 2
    assert dropped == [f"{method} /v1/things/x: ReadError: [Errno 104] Connection reset by peer"]


def test_a_post_is_never_sent_twice():
    inner, dropped = DropsFirst(), []
    with (
        httpx.Client(
            transport=resending_transport(lambda: inner, httpx, dropped), base_url="http://127.0.0.1:1"
        ) as client,
        pytest.raises(httpx.ReadError),
    ):
        client.post("/v1/things", json={})
    assert inner.calls == 1 and dropped == []


def test_after_an_error_answer_the_next_request_goes_out_on_a_fresh_connection():
    made = []

    class Answers(httpx.BaseTransport):
        def __init__(self) -> None:
            made.append(self)
            self.closed = False

        def handle_request(self, request):
            return httpx.Response(400 if request.url.path == "/missing" else 200, json={})

        def close(self):
            self.closed = True

    with httpx.Client(
        transport=resending_transport(Answers, httpx, []), base_url="http://127.0.0.1:1"
    ) as client:
        client.get("/ok")
        client.get("/ok")
        assert len(made) == 1  # kept alive while the app answers 2xx
        client.get("/missing")
        client.post("/ok", json={})  # not resendable, so it must not go out on the connection the app drops
    assert len(made) == 2 and made[0].closed
