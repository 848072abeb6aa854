"""Waiting for a stack to answer ``GET /v1/health``, with a deadline."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx


def wait_healthy(
    base_url: str,
    *,
    deadline_s: float,
    still_starting: Callable[[], str | None] = lambda: None,
    transport: httpx.BaseTransport | None = None,
) -> str | None:
    """Poll until healthy. Returns None when healthy, or the reason it gave up.

    ``still_starting`` returns a reason to stop waiting early (e.g. "the process exited with code 1").
    """
    deadline = time.monotonic() + deadline_s
    last = "no answer yet"
    with httpx.Client(base_url=base_url, transport=transport, trust_env=False, timeout=5) as client:
        while True:
            gone = still_starting()
            if gone:
                return gone
            try:
                response = client.get("/v1/health")
                if response.status_code == 200:
                    return None
                last = f"GET /v1/health answered {response.status_code}: {response.text[:200]}"
            except httpx.HTTPError as error:
                last = f"GET /v1/health failed: {type(error).__name__}: {error}"
            if time.monotonic() >= deadline:
                return f"not healthy after {deadline_s:.0f} s ({last})"
            time.sleep(0.2)
