"""Property-based contract tests generated from the app's live spec (the suite is ``suites/contract``).

    pytest suites/contract --stack-config=replay --inference-mode=synthetic [--property-examples=10]
           [--property-seed=0|random] [--property-operations='POST /v1/conversations,GET /v1/files*']

Fixture ``generated`` (function scope) runs generated requests for the test that uses it:

    generated.operations()        the selected operations of the live spec ("METHOD /path")
    generated.positive(key)       schema-valid requests; every response through the contract checks
    generated.negative(key)       schema-violating requests: a 4xx in the declared format, never a 5xx
    generated.families()          resource families (resource_families(spec)) to chain
    generated.lifecycle(family)   create → get → list → delete → get, as a hypothesis state machine

Each call fails (or skips, saying why) the current test or subtest; a failure shows each blocking finding
at the minimal example hypothesis found, with the pytest command that replays exactly that example. A
run whose only error-severity findings are declared deviations is an expected failure (xfail) naming
each with its reason; hypothesis is never asked to shrink a declared finding.
Each distinct finding (at its minimal example) goes to the plugin's contract run, so the run's
report holds every finding. Registered from ``harness.plugin`` (``pytest_plugins``); heavy imports
(schemathesis, hypothesis) happen only when a test asks for ``generated``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from harness.core.errors import HarnessError

from . import checks as _checks  # noqa: F401 - registers the generated-request checks before deviations load
from .settings import add_options, resolve_settings

_SETTINGS = pytest.StashKey["Any"]()
_RUN = pytest.StashKey["Any"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    try:
        config.stash[_SETTINGS] = resolve_settings(config)
    except HarnessError as error:
        raise pytest.UsageError(error.render()) from None


def check_session_of(config: pytest.Config) -> Any:
    """The property run's own check session (how each check ended per operation), if one ran."""
    run = config.stash.get(_RUN, None)
    return run.session if run is not None else None


@pytest.fixture(scope="session")
def property_settings(request: pytest.FixtureRequest) -> Any:
    """The property run's options (examples, seed, operations, reproduce), validated at configure time."""
    return request.config.stash[_SETTINGS]


@pytest.fixture(scope="session")
def property_run(
    request: pytest.FixtureRequest, stack: Any, contract_run: Any, property_settings: Any
) -> Iterator[Any]:
    """The session's generator, sender and checks (see :class:`runner.PropertyRun`)."""
    from harness.replay import InferenceMode

    from .. import SETTINGS
    from ..fixtures import fail_session
    from .generation import Generator, ModelCatalogue
    from .runner import PropertyRun, pytest_command
    from .sending import Sender

    plugin_settings = request.config.stash[SETTINGS]
    sender = Sender(stack)
    try:
        listing = sender.client.get("/v1/models")
        models = ModelCatalogue.from_listing(listing.json() if listing.status_code == 200 else None)
        generator = Generator.from_document(contract_run.spec.doc, models=models)
    except HarnessError as error:
        sender.close()
        fail_session(error)
    base = [
        f"--stack-config={plugin_settings.selection.raw}",
        f"--inference-mode={plugin_settings.inference_mode.value}",
    ]
    run = PropertyRun(
        settings=property_settings,
        generator=generator,
        sender=sender,
        spec=contract_run.spec,
        deviations=contract_run.deviations,
        options=contract_run.options,
        synthetic=plugin_settings.inference_mode is InferenceMode.SYNTHETIC and stack.mode != "url",
        command=lambda nodeid: pytest_command(nodeid, base),
    )
    if stack.mode == "url":
        run.synthetic_hint = (
            "A stack at a URL talks to its own provider, so the synthetic mode cannot answer for "
            "it; run the stack with --stack-config=<config> or server:<config> and "
            "--inference-mode=synthetic"
        )
    run.started = time.monotonic()
    request.config.stash[_RUN] = run
    yield run
    sender.close()


@pytest.fixture(scope="session")
def property_families(property_run: Any) -> Any:
    from .stateful import Families

    return Families(property_run)


@pytest.fixture
def generated(
    request: pytest.FixtureRequest, property_run: Any, property_families: Any, contract_run: Any
) -> Any:
    """Generated requests for the current test (see the module docstring)."""
    from .verdict import Generated

    return Generated(property_run, property_families, contract_run, request.node.nodeid)


# pytest-xdist: each worker runs its share of the generated tests; the controller prints one summary.
@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    from .. import workers

    run = session.config.stash.get(_RUN, None)
    if workers.is_worker(session.config) and run is not None and run.outcomes:
        from .report import digest

        workers.send(session.config, "property", digest(run))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    from .. import workers
    from .report import digest, merge, render_summary

    if workers.is_worker(config):
        return  # the controller reports on the whole run
    parts = list(workers.received(config, "property"))
    run = config.stash.get(_RUN, None)
    if not parts and run is not None and run.outcomes:
        parts = [digest(run)]
    if not parts:
        return
    terminalreporter.section("property-based contract run")
    for line in render_summary(merge(parts)):
        terminalreporter.line(line)
