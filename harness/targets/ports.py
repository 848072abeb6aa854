"""Loopback ports."""

from __future__ import annotations

import socket

from harness.core.errors import UsageError


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_free(port: int, option_value: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            raise UsageError(
                f"--stack-config: port {port} on 127.0.0.1 is already in use",
                value=option_value,
                allowed="a free port, or no port (the harness then picks a free one)",
                fix=f"stop whatever listens on {port} (e.g. `ss -ltnp 'sport = :{port}'`), "
                "or drop the port: --stack-config=server:<config>",
            ) from None


def accepts_connections(host: str, port: int, *, timeout: float = 2.0) -> bool:
    """Whether something accepts a TCP connection on ``host:port`` (nothing is sent on it)."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False
