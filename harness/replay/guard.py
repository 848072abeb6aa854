"""A guard for library mode: while it is active, any outbound connection to a host that is not allowed
fails, and is remembered so the test that caused it can be failed.

Why sockets and not vcrpy (which the issue suggested): vcrpy patches client *transports*. For traffic it
lets through (loopback, the in-process ASGI app) its httpx/httpx2 stubs still read the whole response
body before returning it, so every stream - the app's SSE answers and the replay endpoint's chunks - would
arrive in one piece, and "replay chunk by chunk" could not be observed in library mode. It also sees only
the clients it knows (not urllib, raw sockets or DNS lookups), and a blocked request raises vcrpy's
``CannotOverwriteExistingCassetteException``, which the app under test swallows into a 500. Guarding
``socket.connect`` and name resolution instead catches every client, never touches a byte of allowed
traffic, and in-process ASGI calls open no socket at all, so they pass untouched.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from harness.core.errors import ReplayError, UsageError

DEFAULT_ALLOWED_HOSTS = ("127.0.0.1", "localhost", "::1", "testserver")
_LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}
_active_lock = threading.Lock()
_active: OutboundGuard | None = None


class OutboundBlocked(ReplayError, ConnectionRefusedError):
    """A connection the guard refused. It is an ``OSError`` too, so the app sees what it would see with
    the network down, and a ``ReplayError`` for the report."""


@dataclass
class OutboundGuard:
    allowed_hosts: tuple[str, ...]
    violations: list[OutboundBlocked] = field(default_factory=list)
    _allowed_ips: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._names = {h.lower().strip("[]") for h in self.allowed_hosts}
        self._allow_loopback = bool(self._names & _LOOPBACK_NAMES)
        for host in self._names:
            if _is_ip(host):
                self._allowed_ips.add(str(ipaddress.ip_address(host)))

    def take_violations(self) -> list[OutboundBlocked]:
        with self._lock:
            taken, self.violations = self.violations, []
        return taken

    def _name_allowed(self, host: str) -> bool:
        return host.lower().rstrip(".") in self._names

    def _address_allowed(self, host: str) -> bool:
        try:
            ip = ipaddress.ip_address(host.split("%", 1)[0])
        except ValueError:
            return self._name_allowed(host)
        mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
        if mapped is not None:
            ip = mapped
        return (self._allow_loopback and ip.is_loopback) or str(ip) in self._allowed_ips

    def _block(self, host: str, port: Any, what: str) -> OutboundBlocked:
        callers = _callers()
        error = OutboundBlocked(
            f"blocked {what} to {host}{f':{port}' if port else ''}: a replay run must not reach the network"
            + (f"\n  called from: {callers}" if callers else ""),
            value=f"{host}:{port}" if port else host,
            allowed=", ".join(self.allowed_hosts),
            fix=(
                "if it is the app's inference provider, point its base_url at the replay endpoint; if a library "
                "fetches a resource (e.g. a tiktoken encoding), make it available offline; if this host is meant "
                "to be reached, add it to the guard's allowed hosts (record modes add the upstream's host)"
            ),
        )
        with self._lock:
            self.violations.append(error)
        return error


# Frames of the plumbing between the code that wanted the network and the socket: not worth showing.
_PLUMBING = (
    "/socket.py",
    "/ssl.py",
    "/http/client.py",
    "/urllib/request.py",
    "/asyncio/",
    "/concurrent/",
    "/threading.py",
    "/urllib3/",
    "/requests/",
    "/httpx/",
    "/httpcore/",
    "/anyio/",
    "/aiohttp/",
    "/harness/replay/guard.py",
)


def _callers(limit: int = 3) -> str:
    """The innermost frames outside networking plumbing: which code reached for the network."""
    import traceback

    shown = []
    for frame in reversed(traceback.extract_stack()):
        if any(part in frame.filename.replace("\\", "/") for part in _PLUMBING):
            continue
        shown.append(f"{_short(frame.filename)}:{frame.lineno} ({frame.name})")
        if len(shown) == limit:
            break
    return " <- ".join(shown)


def _short(filename: str) -> str:
    for marker in ("/site-packages/", "/lib/python3"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


@contextmanager
def outbound_guard(allowed_hosts: Iterable[str] = DEFAULT_ALLOWED_HOSTS) -> Iterator[OutboundGuard]:
    """Refuse outbound connections (TCP/UDP connect and DNS lookups) except to ``allowed_hosts``.

    Unix sockets (e.g. the docker engine) are always allowed. In-process ASGI traffic opens no socket.
    """
    global _active
    guard = OutboundGuard(tuple(allowed_hosts))
    with _active_lock:
        if _active is not None:
            raise UsageError(
                "outbound_guard is already active", fix="use one guard per process (nesting is not supported)"
            )
        _active = guard
    originals: dict[str, Any] = {
        "connect": socket.socket.connect,
        "connect_ex": socket.socket.connect_ex,
        "getaddrinfo": socket.getaddrinfo,
        "gethostbyname": socket.gethostbyname,
        "gethostbyname_ex": socket.gethostbyname_ex,
    }

    def check_address(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
            host, port = address[0], address[1]
            if not guard._address_allowed(host):
                raise guard._block(host, port, "an outbound connection")

    def connect(sock: socket.socket, address: Any) -> None:
        check_address(sock, address)
        originals["connect"](sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        check_address(sock, address)
        result: int = originals["connect_ex"](sock, address)
        return result

    def check_name(host: Any, port: Any = None) -> None:
        if host in (None, b"", ""):
            return
        name = host.decode() if isinstance(host, bytes) else str(host)
        if _is_ip(name) or guard._name_allowed(name):
            return
        raise guard._block(name, port, "a name lookup")

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        check_name(host, port)
        results = originals["getaddrinfo"](host, port, *args, **kwargs)
        name = host.decode() if isinstance(host, bytes) else host
        if isinstance(name, str) and guard._name_allowed(
            name
        ):  # connections to what it resolved to are allowed
            with guard._lock:
                guard._allowed_ips.update(str(r[4][0]).split("%", 1)[0] for r in results)
        return results

    def gethostbyname(host: str) -> str:
        check_name(host)
        address: str = originals["gethostbyname"](host)
        return address

    def gethostbyname_ex(host: str) -> Any:
        check_name(host)
        return originals["gethostbyname_ex"](host)

    # the guard patches the socket module in place: the stubs' signatures are wider than what it wraps
    socket.socket.connect = connect  # type: ignore[method-assign, assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign, assignment]
    socket.getaddrinfo = getaddrinfo
    socket.gethostbyname = gethostbyname
    socket.gethostbyname_ex = gethostbyname_ex
    try:
        yield guard
    finally:
        socket.socket.connect = originals["connect"]  # type: ignore[method-assign]  # restoring the patch
        socket.socket.connect_ex = originals["connect_ex"]  # type: ignore[method-assign]  # restoring the patch
        socket.getaddrinfo = originals["getaddrinfo"]
        socket.gethostbyname = originals["gethostbyname"]
        socket.gethostbyname_ex = originals["gethostbyname_ex"]
        with _active_lock:
            _active = None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True
