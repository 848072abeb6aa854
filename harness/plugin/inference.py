"""The record/replay endpoint the stack's inference provider talks to, and the test it is serving."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from harness.core.errors import HarnessError


def endpoint_of(config: pytest.Config) -> Any:
    return config.stash.get(_ENDPOINT, None)


_ENDPOINT = pytest.StashKey["Any"]()


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
    endpoint.set_current_test(request.node.nodeid if hasattr(request, "node") else None)
    try:
        yield endpoint
    finally:
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
