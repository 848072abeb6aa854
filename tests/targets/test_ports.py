"""Loopback ports: whether something accepts connections on one."""

from __future__ import annotations

import socket

from harness.targets.ports import accepts_connections, free_port


def test_a_listening_port_accepts_connections_and_a_closed_one_does_not() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert accepts_connections("127.0.0.1", port)
    assert not accepts_connections("127.0.0.1", port)
    assert not accepts_connections("127.0.0.1", free_port())
