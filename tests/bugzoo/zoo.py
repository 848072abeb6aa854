"""What every zoo app shares: the seeded-bug description, and the in-process driver (httpx.AsyncClient
over httpx.ASGITransport) that sends a scenario and runs the contract checks on every response."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from harness.contract import ApiSpec, CheckOptions, CheckSession, check_exchange, exchange_from_httpx
from harness.core.failure import CheckFailure

BASE_URL = "http://zoo.test"


@dataclass(frozen=True)
class SeededBug:
    """One contract bug and how it must be caught: a failure of ``check`` whose rendered text holds
    ``fragment``; no check outside ``check`` and ``also`` may fire (precise messages, no noise)."""

    check: str
    fragment: str
    also: frozenset[str] = frozenset()


class Driver:
    """Sends requests to an ASGI app in-process and checks every response against the spec."""

    def __init__(self, client: httpx.AsyncClient, spec: ApiSpec, options: CheckOptions | None = None) -> None:
        self.client = client
        self.spec = spec
        self.options = options
        self.session = CheckSession()
        self.failures: list[CheckFailure] = []

    async def send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        response = await self.client.request(method, path, **kwargs)
        await response.aread()
        self.failures += check_exchange(
            self.spec, exchange_from_httpx(response), session=self.session, options=self.options
        )
        return response


Exercise = Callable[[Driver], Awaitable[None]]


def run(
    app: Any, spec: ApiSpec, exercise: Exercise, options: CheckOptions | None = None
) -> list[CheckFailure]:
    """Drive ``app`` through ``exercise``; every finding of every check (``options``: e.g. a reference)."""

    async def go() -> list[CheckFailure]:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            driver = Driver(client, spec, options)
            await exercise(driver)
            return driver.failures

    return asyncio.run(go())
