"""The outbound guard. No test here sends a packet off the machine: the functions the guard wraps are
replaced first by recorders, so an allowed call is recorded instead of made, and a refused one never is."""

import asyncio
import socket

import httpx
import pytest

from harness.core.errors import ReplayError, UsageError
from harness.replay import OutboundBlocked, ReplayEndpoint, outbound_guard


@pytest.fixture
def attempts(monkeypatch):
    made = []

    def fake_connect(sock, address):
        made.append(("connect", address))

    def fake_getaddrinfo(host, port, *args, **kwargs):
        made.append(("resolve", host))
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("198.51.100.7", port or 0))]

    monkeypatch.setattr(socket.socket, "connect", fake_connect)
    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    return made


def test_a_connection_to_another_host_is_refused_and_remembered(attempts):
    with outbound_guard() as guard, socket.socket() as sock, pytest.raises(OutboundBlocked) as caught:
        sock.connect(("203.0.113.9", 443))
    assert attempts == []
    error = caught.value
    assert isinstance(error, ReplayError) and isinstance(error, OSError)  # the app sees "network down"
    assert "203.0.113.9:443" in error.render() and "127.0.0.1" in error.render()
    assert guard.take_violations() == [error]
    assert guard.take_violations() == []


def test_a_name_lookup_for_another_host_is_refused_before_dns(attempts):
    with outbound_guard() as guard, pytest.raises(OutboundBlocked, match="api.openai.com"):
        socket.getaddrinfo("api.openai.com", 443)
    assert attempts == []
    assert len(guard.violations) == 1


def fetch_an_encoding():
    """Stands for a library that downloads a resource (tiktoken fetches its encodings this way)."""
    socket.getaddrinfo("openaipublic.blob.core.windows.net", 443)


def test_a_refusal_names_the_code_that_reached_for_the_network(attempts):
    with outbound_guard(), pytest.raises(OutboundBlocked) as caught:
        fetch_an_encoding()
    rendered = caught.value.render()
    assert "called from: " in rendered and "test_guard.py" in rendered and "(fetch_an_encoding)" in rendered
    innermost = rendered.split("called from: ")[1].split(" <- ")[0]
    assert innermost.endswith("(fetch_an_encoding)") and "harness/replay" not in innermost  # not the guard
    assert "tiktoken encoding), make it available offline" in rendered


def test_loopback_and_allowed_hosts_pass(attempts):
    with outbound_guard(allowed_hosts=("127.0.0.1", "localhost", "::1", "upstream.example")):
        with socket.socket() as sock:
            sock.connect(("127.0.0.1", 9))
        with socket.socket(socket.AF_INET6) as sock:
            sock.connect(("::1", 9, 0, 0))
        socket.getaddrinfo("upstream.example", 443)
        with socket.socket() as sock:
            sock.connect(("198.51.100.7", 443))  # what the allowed name resolved to
    assert [a[0] for a in attempts] == ["connect", "connect", "resolve", "connect"]


def test_the_patches_are_removed_on_exit(attempts):
    with outbound_guard():
        pass
    with socket.socket() as sock:
        sock.connect(("203.0.113.9", 443))
    assert attempts == [("connect", ("203.0.113.9", 443))]


def test_guards_do_not_nest():
    with outbound_guard(), pytest.raises(UsageError, match="already active"), outbound_guard():
        pass


def test_in_process_asgi_traffic_and_the_replay_endpoint_pass(tmp_path, monkeypatch):
    real_connect, leaked = socket.socket.connect, []

    def loopback_only(sock, address):  # safety net under the guard: nothing but loopback is ever dialled
        if address[0] in ("127.0.0.1", "::1"):
            return real_connect(sock, address)
        leaked.append(address)
        raise ConnectionRefusedError("test safety net")

    monkeypatch.setattr(socket.socket, "connect", loopback_only)

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"in-process"})

    async def call_asgi():
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app), base_url="http://testserver"
        ) as client:
            return (await client.get("/")).text

    with ReplayEndpoint(tmp_path) as endpoint, outbound_guard() as guard:
        assert asyncio.run(call_asgi()) == "in-process"
        assert httpx.get(endpoint.base_url + "/models").status_code == 200
        with pytest.raises(httpx.ConnectError, match="blocked an outbound connection to 192.0.2.1:81"):
            httpx.get("http://192.0.2.1:81/")
    assert leaked == []
    assert len(guard.violations) == 1
