"""Sending a generated case through the harness's observing client and getting the :class:`Exchange`.

The case is serialised exactly as schemathesis's own transport serialises it (its ``requests``
keyword arguments, prepared by ``requests``: the same query encoding, multipart boundaries, JSON
bytes), then sent as raw bytes through the ``httpx`` client of :mod:`harness.targets.clients`, so
library mode goes through the in-process streaming bridge and every body is teed raw (SSE included)."""

from __future__ import annotations

import dataclasses
from typing import Any

from harness.core.exchange import Exchange

PREPARED = ("method", "url", "headers", "params", "cookies", "json", "data", "files", "auth")
NOT_SENT = {"x-schemathesis-testcaseid"}  # schemathesis's bookkeeping; noise in a reproduction


@dataclasses.dataclass(frozen=True)
class Sent:
    exchange: Exchange
    prepared: Any  # the requests.PreparedRequest it was serialised as (schemathesis's checks read it)


class Unsendable(Exception):
    """The generated case cannot be put on the wire by an HTTP client (e.g. a newline in a header)."""


class Sender:
    def __init__(self, stack: Any) -> None:
        from harness.targets.clients import http_client

        self.stack = stack
        self.base_url = stack.base_url
        self._seen: list[Exchange] = []
        self.client = http_client(stack, on_exchange=self._seen.append)
        self.sent = 0

    def send(self, case: Any, operation: str | None = None) -> Sent:
        """Send ``case``; the exchange is attributed to ``operation`` (the generating operation's key)."""
        import httpx
        import requests

        kwargs = case.as_transport_kwargs(base_url=self.base_url)
        try:
            prepared = requests.Request(**{k: v for k, v in kwargs.items() if k in PREPARED}).prepare()
        except (ValueError, requests.RequestException) as error:
            raise Unsendable(f"{type(error).__name__}: {error}") from None
        body = prepared.body.encode("utf-8") if isinstance(prepared.body, str) else prepared.body
        try:
            headers = {k: v for k, v in prepared.headers.items() if k.lower() not in NOT_SENT}
            # requests types what a PreparedRequest may hold; prepared from a case, these are str and bytes
            exchange = self.send_raw(
                prepared.method,  # type: ignore[arg-type]
                prepared.url,  # type: ignore[arg-type]
                headers,  # type: ignore[arg-type]
                body or b"",  # type: ignore[arg-type]
                operation,
            )
        except (httpx.InvalidURL, httpx.LocalProtocolError, UnicodeEncodeError) as error:
            raise Unsendable(f"{type(error).__name__}: {error}") from None
        return Sent(exchange, prepared)

    def send_raw(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        body: bytes,
        operation: str | None = None,
        params: dict[str, str] | None = None,
    ) -> Exchange:
        self._seen.clear()
        response = self.client.request(method, url, headers=headers, content=body, params=params)
        response.close()
        self.sent += 1
        exchange = self._seen[-1]
        return dataclasses.replace(exchange, operation=operation) if operation else exchange

    def observed(self) -> list[Exchange]:
        """A list that fills with every exchange the client makes from now on (until the next :meth:`send`)."""
        self._seen.clear()
        return self._seen

    def close(self) -> None:
        self.client.close()
