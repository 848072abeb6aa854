"""The record/replay endpoint the stack's inference provider talks to, and the test it is serving."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from harness.core.errors import HarnessError

from . import workers
from .exits import fail_session
from .state import PluginState, active_state, state_of


def _endpoint(config: pytest.Config) -> Any:
    state = active_state(config)
    return state.endpoint if state is not None else None


@pytest.fixture(scope="session")
def inference_endpoint(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The loopback record/replay endpoint (``None`` in url mode: that stack talks to its own provider)."""
    from harness.replay import ReplayEndpoint, Upstream

    state = state_of(request.config)
    settings = state.settings
    if settings.selection.mode == "url":
        yield None
        return
    try:
        configured = settings.setup.upstream_from_env()
        endpoint = ReplayEndpoint(
            settings.cassette_dir,
            mode=settings.inference_mode,
            upstream=Upstream(*configured) if configured else None,
            speed=settings.replay_speed,
            ogx_recordings=settings.ogx_recordings,
            rules=settings.match_rules,
            require_cassette_dir=settings.cassette_dir_required,
        )
        endpoint.__enter__()
    except HarnessError as error:
        fail_session(error)
    state.endpoint = endpoint
    guard = None
    if settings.selection.mode == "library":
        # The app runs in this process: refuse any connection it makes that is not to loopback (the
        # endpoint) or, when recording, to the upstream provider.
        from harness.replay import DEFAULT_ALLOWED_HOSTS, outbound_guard

        guard = outbound_guard((*DEFAULT_ALLOWED_HOSTS, *endpoint.outbound_hosts))
        state.guard = guard.__enter__()
    try:
        yield endpoint
    finally:
        if guard is not None:
            guard.__exit__(None, None, None)
        endpoint.close()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    endpoint = _endpoint(item.config)
    if endpoint is not None:
        endpoint.set_current_test(item.nodeid)


def pytest_runtest_teardown(item: pytest.Item) -> None:
    endpoint = _endpoint(item.config)
    if endpoint is not None:
        endpoint.set_current_test(item.nodeid)


# -- usage for `harness cassettes prune`: written only after a full, green replay run ----------------------

# Suites whose model calls are not replayed from cassettes (generated requests use the synthetic mode).
NOT_REPLAYED_SUITES = {"contract"}


def pytest_deselected(items: list[pytest.Item]) -> None:
    if items:
        state_of(items[0].config).deselected += len(items)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Write the usage file after a full, green replay run. Under pytest-xdist the workers only send
    what they used; the controller writes once, and only if the whole run passed (a worker whose own
    tests passed knows nothing of the entries another worker's failing tests needed)."""
    from pathlib import Path

    from harness.replay import InferenceMode, write_usage

    config = session.config
    state = state_of(config)
    endpoint = state.endpoint
    if endpoint is not None and endpoint.mode is not InferenceMode.REPLAY:
        endpoint = None  # only a replay run can tell which entries are unused
    if endpoint is not None and not Path(endpoint.cassette_dir).is_dir():
        endpoint = None  # a project without cassettes has nothing to prune, and gets no directory made
    if workers.is_worker(config):
        if endpoint is not None:
            workers.send(
                config,
                "usage",
                {
                    "problem": full_run_problem(session, state, exitstatus, endpoint.cassette_dir),
                    "cassette_dir": str(endpoint.cassette_dir),
                    "rules_digest": endpoint.rules.digest,
                    "known": sorted(endpoint.library.keys()),
                    "used": sorted(endpoint.used_entries),
                },
            )
        return
    parts = workers.received(config, "usage")
    if parts:  # the pytest-xdist controller
        if (
            int(exitstatus) == 0
            and not any(part["problem"] for part in parts)
            and len({(part["cassette_dir"], part["rules_digest"]) for part in parts}) == 1
        ):
            path = write_usage(
                Path(parts[0]["cassette_dir"]),
                parts[0]["rules_digest"],
                known={key for part in parts for key in part["known"]},
                used={key for part in parts for key in part["used"]},
            )
            state.usage_note = f"written to {path}"
        else:
            problems = sorted({part["problem"] for part in parts if part["problem"]})
            state.usage_note = "not written: " + ("; ".join(problems) or "the run did not pass")
        return
    if endpoint is not None:
        problem = full_run_problem(session, state, exitstatus, endpoint.cassette_dir)
        if problem is None:
            state.usage_note = f"written to {endpoint.write_usage()}"
        else:
            state.usage_note = f"not written: {problem}"


def _named_paths(config: pytest.Config) -> list[str]:
    """Paths the command line named, other than the project's root."""
    from pathlib import Path

    here = Path(config.invocation_params.dir)
    named = []
    for arg in config.invocation_params.args:
        path = here / str(arg).split("::")[0]
        if not str(arg).startswith("-") and path.exists() and path.resolve() != config.rootpath.resolve():
            named.append(str(arg))
    return named


def full_run_problem(
    session: pytest.Session, state: PluginState, exitstatus: int, cassette_dir: Any = None
) -> str | None:
    """Why this run cannot tell which cassette entries are unused (None: it can)."""
    from pathlib import Path

    config = session.config
    if int(exitstatus) != 0:
        return "the run did not pass"
    if config.option.keyword or config.option.markexpr or state.deselected:
        return "tests were deselected (-k, -m or deselection)"
    if cassette_dir is not None and not Path(cassette_dir).resolve().is_relative_to(
        config.rootpath.resolve()
    ):
        # e.g. a scratch project pointed at this repository's cassettes: its suites are not theirs
        return f"the cassette directory {cassette_dir} lies outside this run's project {config.rootpath}"
    suites_dir = config.rootpath / "suites"
    if not suites_dir.is_dir():  # a project of its own: the whole of it ran if no path was named
        named = _named_paths(config)
        if named:
            return (
                f"the command line named {', '.join(named)}: only a run of the whole project (no paths) "
                "tells which entries are unused"
            )
        return None
    expected = {
        p.name for p in suites_dir.iterdir() if p.is_dir() and any(p.glob("test_*.py"))
    } - NOT_REPLAYED_SUITES
    ran = {item.nodeid.split("/")[1] for item in session.items if item.nodeid.startswith("suites/")}
    missing = expected - ran
    return f"suites not run: {', '.join(sorted(missing))}" if missing else None
