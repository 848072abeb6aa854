"""The property run's pytest side: its options, the fixtures ``property_settings``, ``property_run``,
``property_families`` and ``generated``, and its summary (one, on the pytest-xdist controller). Registered
from ``harness.plugin`` (``pytest_plugins``); heavy imports (schemathesis, hypothesis) happen only when a
test asks for ``generated``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from harness.core.errors import HarnessError

from ..exits import fail_session
from . import checks as _checks  # noqa: F401 - registers the generated-request checks before deviations load
from .settings import PropertySettings, add_options

# ..state is imported when first needed: importing it loads the settings' modules, which a project that
# never uses the plugin need not pay for.


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


@pytest.fixture(scope="session")
def property_settings(request: pytest.FixtureRequest) -> PropertySettings:
    """The property run's options (examples, seed, operations, reproduce), validated at configure time."""
    from ..state import state_of

    return state_of(request.config).property_settings


@pytest.fixture(scope="session")
def property_run(
    request: pytest.FixtureRequest, stack: Any, contract_run: Any, property_settings: Any
) -> Iterator[Any]:
    """The session's generator, sender and checks (see :class:`runner.PropertyRun`)."""
    from harness.replay import InferenceMode

    from ..state import state_of
    from .generation import Generator, ModelCatalogue
    from .runner import PropertyRun, pytest_command
    from .sending import Sender

    plugin_settings = state_of(request.config).settings
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
    state_of(request.config).property_run = run
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
    from ..state import active_state

    state = active_state(session.config)
    run = state.property_run if state is not None else None
    if workers.is_worker(session.config) and run is not None and run.outcomes:
        from .report import digest

        workers.send(session.config, "property", digest(run))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    from .. import workers
    from .report import digest, merge, render_summary

    if workers.is_worker(config):
        return  # the controller reports on the whole run
    from ..state import active_state

    parts = list(workers.received(config, "property"))
    state = active_state(config)
    run = state.property_run if state is not None else None
    if not parts and run is not None and run.outcomes:
        parts = [digest(run)]
    if not parts:
        return
    terminalreporter.section("property-based contract run")
    for line in render_summary(merge(parts)):
        terminalreporter.line(line)
