"""The record/replay endpoint the stack's inference provider talks to, and the test it is serving."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from harness.core.errors import HarnessError


def endpoint_of(config: pytest.Config) -> Any:
    return config.stash.get(_ENDPOINT, None)


_ENDPOINT = pytest.StashKey["Any"]()
_GUARD = pytest.StashKey["Any"]()


def blocked_connections(config: pytest.Config) -> list[Any]:
    """Outbound connections the guard refused since the last call (library mode)."""
    guard = config.stash.get(_GUARD, None)
    return guard.take_violations() if guard is not None else []


@pytest.fixture(scope="session")
def inference_endpoint(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The loopback record/replay endpoint (``None`` in url mode: that stack talks to its own provider)."""
    from harness.replay import ReplayEndpoint, Upstream

    from . import SETTINGS
    from .fixtures import fail_session

    settings = request.config.stash[SETTINGS]
    if settings.selection.mode == "url":
        yield None
        return
    try:
        endpoint = ReplayEndpoint(settings.cassette_dir, mode=settings.inference_mode,
                                  upstream=Upstream.from_env(), speed=settings.replay_speed)
        endpoint.__enter__()
    except HarnessError as error:
        fail_session(error)
    request.config.stash[_ENDPOINT] = endpoint
    guard = None
    if settings.selection.mode == "library":
        # The app runs in this process: refuse any connection it makes that is not to loopback (the
        # endpoint) or, when recording, to the upstream provider.
        from harness.replay import DEFAULT_ALLOWED_HOSTS, outbound_guard

        guard = outbound_guard((*DEFAULT_ALLOWED_HOSTS, *endpoint.outbound_hosts))
        request.config.stash[_GUARD] = guard.__enter__()
    try:
        yield endpoint
    finally:
        if guard is not None:
            guard.__exit__(None, None, None)
        endpoint.close()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    endpoint = endpoint_of(item.config)
    if endpoint is not None:
        endpoint.set_current_test(item.nodeid)


def pytest_runtest_teardown(item: pytest.Item) -> None:
    endpoint = endpoint_of(item.config)
    if endpoint is not None:
        endpoint.set_current_test(item.nodeid)
