"""Clients on a running stack whose every exchange is observed (for the contract checks).

An observing transport wraps the real one (in-process bridge or loopback socket) and tees each response
body; when the body is fully read or closed, ``on_exchange`` receives the whole :class:`Exchange`, raw
SSE bytes included. Works for ``httpx`` and ``httpx2`` (the openai SDK's client) alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

from harness.core.exchange import Exchange, Request, Response

from .asgi_bridge import sync_transport
from .base import RunningStack

OnExchange = Callable[[Exchange], None]


def _exchange(request: Any, status: int, headers: Any, body: bytes) -> Exchange:
    return Exchange(
        request=Request(request.method, str(request.url), dict(request.headers), request.content or b""),
        response=Response(status, dict(headers), body),
    )


def observing_transport(inner: Any, http: ModuleType, on_exchange: OnExchange) -> Any:
    class _Tee(http.SyncByteStream):  # type: ignore[name-defined]  # http is httpx or httpx2, passed in
        def __init__(self, stream: Any, request: Any, status: int, headers: Any) -> None:
            self._stream, self._request, self._status, self._headers = stream, request, status, headers
            self._parts: list[bytes] = []
            self._reported = False

        def __iter__(self) -> Iterator[bytes]:
            for chunk in self._stream:
                self._parts.append(chunk)
                yield chunk
            self._report()

        def close(self) -> None:
            try:
                self._stream.close()
            finally:
                self._report()

        def _report(self) -> None:
            if not self._reported:
                self._reported = True
                on_exchange(_exchange(self._request, self._status, self._headers, b"".join(self._parts)))

    class ObservingTransport(http.BaseTransport):  # type: ignore[name-defined]  # http is httpx or httpx2, passed in
        def handle_request(self, request: Any) -> Any:
            request.read()  # a streamed body (a multipart upload) is kept for the exchange, then sent as is
            response = inner.handle_request(request)
            return http.Response(
                response.status_code,
                headers=response.headers,
                stream=_Tee(response.stream, request, response.status_code, response.headers),
                extensions=response.extensions,
            )

        def close(self) -> None:
            inner.close()

    return ObservingTransport()


# Methods HTTP lets a client send again when the connection closed before an answer (RFC 9110 9.2.2).
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


def resending_transport(make_inner: Callable[[], Any], http: ModuleType, dropped: list[str]) -> Any:
    """A transport for an app on a socket that copes with the app closing kept-alive connections.

    OGX 1.5.0 and llama-stack 0.7.3, as servers, close the connection after answering a request whose
    handler raised (a 400 "not found" raised as ValueError, for one): uvicorn logs "Exception in ASGI
    application" and drops the socket, so the next request sent on it races the close and can meet a
    reset. So after an error answer the next request goes out on a fresh connection, and an idempotent
    request cut off anyway is sent once more (RFC 9110 9.2.2; urllib3 and the openai SDK do the same).
    Each resend is recorded in ``dropped`` for the run's report: counted, not hidden."""

    class ResendingTransport(http.BaseTransport):  # type: ignore[name-defined]  # http is httpx or httpx2, passed in
        def __init__(self) -> None:
            self._inner = make_inner()
            self._fresh_next = False

        def handle_request(self, request: Any) -> Any:
            if self._fresh_next:
                self._inner.close()
                self._inner, self._fresh_next = make_inner(), False
            try:
                response = self._inner.handle_request(request)
            except (http.ReadError, http.RemoteProtocolError, http.WriteError) as error:
                if request.method.upper() not in IDEMPOTENT:
                    raise
                dropped.append(f"{request.method} {request.url.path}: {type(error).__name__}: {error}")
                response = self._inner.handle_request(request)
            self._fresh_next = response.status_code >= 400
            return response

        def close(self) -> None:
            self._inner.close()

    return ResendingTransport()


def base_transport(stack: RunningStack, http: ModuleType) -> Any:
    if stack.asgi_app is not None:
        return sync_transport(stack.asgi_app, http)
    return resending_transport(http.HTTPTransport, http, stack.dropped_connections)


# The harness reads bodies raw to check them; ask the app not to compress them.
HEADERS = {"accept-encoding": "identity"}


def http_client(stack: RunningStack, on_exchange: OnExchange | None = None, **kwargs: Any) -> Any:
    import httpx

    transport = base_transport(stack, httpx)
    if on_exchange is not None:
        transport = observing_transport(transport, httpx, on_exchange)
    kwargs.setdefault("timeout", 120)
    return httpx.Client(
        base_url=stack.base_url, transport=transport, trust_env=False, headers=HEADERS, **kwargs
    )


def openai_client(
    stack: RunningStack,
    on_exchange: OnExchange | None = None,
    *,
    base_url: str | None = None,
    event_hooks: dict[str, list[Any]] | None = None,
) -> Any:
    """``base_url`` (default: the stack's) is only the URL the client shows and builds requests on; the
    transport still reaches the stack (in library mode: in-process). ``event_hooks`` go to the SDK's HTTP
    client (``httpx2``), as ``httpx.Client(event_hooks=…)``."""
    import httpx2
    import openai

    transport = base_transport(stack, httpx2)
    if on_exchange is not None:
        transport = observing_transport(transport, httpx2, on_exchange)
    http = httpx2.Client(
        transport=transport, trust_env=False, timeout=120, headers=HEADERS, event_hooks=event_hooks
    )
    return openai.OpenAI(
        base_url=f"{base_url or stack.base_url}/v1", api_key="harness-no-key", http_client=http, max_retries=0
    )
