"""Small builders shared by the contract tests."""

from __future__ import annotations

import json

from harness.core.exchange import Exchange, Request, Response


def make_exchange(
    method: str,
    url: str,
    status: int,
    body: bytes | str | dict | list = b"",
    content_type: str | None = "application/json",
    request_body: bytes = b"",
) -> Exchange:
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
    if isinstance(body, str):
        body = body.encode()
    headers = {"content-type": content_type} if content_type else {}
    return Exchange(Request(method, url, {}, request_body), Response(status, headers, body))
