"""pytest-xdist: what each worker hands the controller at the end of its session (plain data: execnet
carries only builtin types), and what the controller has collected, so it can report on the whole run."""

from __future__ import annotations

from typing import Any

import pytest

from .state import active_state, state_of

PREFIX = "router_harness."


def is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def send(config: pytest.Config, key: str, data: Any) -> None:
    """On a worker, hand ``data`` to the controller under ``key`` (call from ``pytest_sessionfinish``)."""
    output = getattr(config, "workeroutput", None)
    if output is not None:
        output[PREFIX + key] = data


def received(config: pytest.Config, key: str) -> list[Any]:
    """On the controller, what the workers sent under ``key`` (empty without xdist)."""
    state = active_state(config)
    return state.from_workers.get(PREFIX + key, []) if state is not None else []


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    collected = state_of(node.config).from_workers
    for key, value in (getattr(node, "workeroutput", None) or {}).items():
        if key.startswith(PREFIX):
            collected.setdefault(key, []).append(value)
