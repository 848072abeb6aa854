"""The fixtures a suite uses: ``stack``, ``http_client``, ``openai_client``, ``openapi_document``,
``api_spec``. Clients report every exchange to the contract run, which checks it at the end of the test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from harness.core.errors import HarnessError, UsageError
from harness.targets.base import RunningStack

from .contract_run import ContractRun
from .exits import fail_session
from .state import active_state, state_of


@pytest.fixture(scope="session")
def stack(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, inference_endpoint: Any
) -> Iterator[RunningStack]:
    """The running stack under test (base URL, mode, profile), started once per session, its inference
    provider pointed at the record/replay endpoint."""
    state = state_of(request.config)
    state_dir = tmp_path_factory.mktemp("stack-state")
    upstream = inference_endpoint.base_url if inference_endpoint is not None else None
    try:
        running = state.stack.start(
            state_dir, upstream_base_url=upstream, app_env=state.settings.setup.app_env()
        )
    except HarnessError as error:
        fail_session(error)
    state.remember_stack(running.describe, running.dropped_connections)
    yield running
    state.stack.close()


@pytest.fixture(scope="session")
def setup(request: pytest.FixtureRequest) -> Any:
    """The setup (provider and model) the run replays or records (``--setup``)."""
    return state_of(request.config).settings.setup


@pytest.fixture(scope="session")
def model(setup: Any) -> str:
    """The model id to send to the router, e.g. ``openai/gpt-4o``."""
    return setup.model_id


@pytest.fixture(scope="session")
def openapi_document(request: pytest.FixtureRequest, stack: RunningStack) -> dict[str, Any]:
    """The app's OpenAPI document: ``--spec PATH`` if given, else the stack's ``/openapi.json``."""
    from harness.targets.clients import http_client as make

    path = state_of(request.config).settings.spec_path
    if path is not None:
        from harness.core.documents import read_document

        try:
            return read_document(
                path,
                what="the --spec document",
                error=UsageError,
                allowed="an OpenAPI JSON (.json) or YAML file",
                fix="check the file, or drop --spec to use the stack's own /openapi.json",
            )
        except UsageError as error:
            fail_session(
                UsageError(
                    f"--spec: {path} cannot be read as an OpenAPI document: {error.message}",
                    value=error.value,
                    allowed=error.allowed,
                    fix=error.fix,
                )
            )
    with make(stack) as client:
        response = client.get("/openapi.json")
    if response.status_code != 200:
        fail_session(
            UsageError(
                f"GET /openapi.json answered {response.status_code}",
                value=stack.base_url,
                fix="pass --spec PATH to check against a spec file instead",
            )
        )
    return response.json()


@pytest.fixture(scope="session")
def contract_run(
    request: pytest.FixtureRequest, stack: RunningStack, openapi_document: dict[str, Any]
) -> ContractRun:
    """The contract checks of this session: the spec, the deviations, and every finding so far."""
    state = state_of(request.config)
    try:
        run = ContractRun.create(state.settings, stack, openapi_document)
    except HarnessError as error:  # an unusable spec or deviations file
        fail_session(error)
    state.contract = run
    timelines = state.timelines  # SSE timelines for the results file
    timelines.spec = run.spec
    run.listeners.append(timelines)
    return run


@pytest.fixture(scope="session")
def api_spec(contract_run: ContractRun) -> Any:
    """The indexed OpenAPI document (``harness.contract.ApiSpec``) the responses are checked against."""
    return contract_run.spec


@pytest.fixture(scope="session")
def http_client(
    request: pytest.FixtureRequest, stack: RunningStack, contract_run: ContractRun
) -> Iterator[Any]:
    """An ``httpx.Client`` whose base URL is the stack; every response is checked against the spec."""
    from harness.targets.clients import http_client as make

    hooks = state_of(request.config).timelines.clock.hooks()  # times SSE bodies chunk by chunk
    with make(stack, on_exchange=contract_run.observe, event_hooks=hooks) as client:
        yield client


@pytest.fixture(scope="session")
def openai_client(
    request: pytest.FixtureRequest, stack: RunningStack, contract_run: ContractRun
) -> Iterator[Any]:
    """The official ``openai`` SDK client pointed at the stack (in library mode too); checked likewise."""
    from harness.targets.clients import openai_client as make

    hooks = state_of(request.config).timelines.clock.hooks()  # times SSE bodies chunk by chunk
    client = make(stack, on_exchange=contract_run.observe, event_hooks=hooks)
    yield client
    client.close()


@pytest.fixture
def verify_deleted(request: pytest.FixtureRequest, http_client: Any, contract_run: ContractRun) -> Any:
    """``verify_deleted(collection_path, item_id, delete_response=None)``: delete (unless the test already
    did and passes its response) and check that the resource is gone everywhere: deletion object, GET,
    sub-resources, every page of the list, a second DELETE. Fails the test on an undeclared finding."""
    from harness.core.failure import CheckFailures, Severity

    def verify(collection_path: str, item_id: str, delete_response: Any = None) -> list[Any]:
        failures = contract_run.verify_deletion(
            http_client,
            request.node.nodeid,
            collection_path=collection_path,
            item_id=item_id,
            delete_response=delete_response,
        )
        blocking = [f for f in failures if f.severity is Severity.ERROR and not f.expected_reason]
        if blocking:
            pytest.fail(CheckFailures(blocking).render(), pytrace=False)
        return failures

    return verify


# -- a failing test in server or docker mode shows the end of the app's log (library mode: pytest's own
# captured log already holds it) ---------------------------------------------------------------------

LOG_LINES = 40


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    state = active_state(item.config)
    # a dead stack's own message carries the log already
    if report.failed and state is not None and state.death is None:
        running = state.stack.running
        if running is not None and running.mode in {"server", "docker"}:
            try:
                tail = running.log_tail(LOG_LINES)
            except Exception as error:
                tail = f"(the app's log could not be read: {error})"
            if tail:
                report.sections.append((f"the app's log ({running.mode} mode, last {LOG_LINES} lines)", tail))
    return report
