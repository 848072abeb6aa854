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
    class _Tee(http.SyncByteStream):
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

    class ObservingTransport(http.BaseTransport):
        def handle_request(self, request: Any) -> Any:
            response = inner.handle_request(request)
            return http.Response(response.status_code, headers=response.headers,
                                 stream=_Tee(response.stream, request, response.status_code, response.headers),
                                 extensions=response.extensions)

        def close(self) -> None:
            inner.close()

    return ObservingTransport()


def base_transport(stack: RunningStack, http: ModuleType) -> Any:
    if stack.asgi_app is not None:
        return sync_transport(stack.asgi_app, http)
    return http.HTTPTransport()


# The harness reads bodies raw to check them; ask the app not to compress them.
HEADERS = {"accept-encoding": "identity"}


def http_client(stack: RunningStack, on_exchange: OnExchange | None = None, **kwargs: Any) -> Any:
    import httpx

    transport = base_transport(stack, httpx)
    if on_exchange is not None:
        transport = observing_transport(transport, httpx, on_exchange)
    kwargs.setdefault("timeout", 120)
    return httpx.Client(base_url=stack.base_url, transport=transport, trust_env=False, headers=HEADERS, **kwargs)


def openai_client(stack: RunningStack, on_exchange: OnExchange | None = None) -> Any:
    import httpx2
    import openai

    transport = base_transport(stack, httpx2)
    if on_exchange is not None:
        transport = observing_transport(transport, httpx2, on_exchange)
    http = httpx2.Client(transport=transport, trust_env=False, timeout=120, headers=HEADERS)
    return openai.OpenAI(base_url=f"{stack.base_url}/v1", api_key="harness-no-key", http_client=http, max_retries=0)
