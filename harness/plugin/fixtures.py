"""The fixtures a suite uses: ``stack``, ``http_client``, ``openai_client``, ``openapi_document``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from harness.core.errors import HarnessError, UsageError
from harness.targets.base import RunningStack

# Exit codes for a session that cannot go on: the user's input is wrong, or the stack never came up.
EXIT_USAGE = int(pytest.ExitCode.USAGE_ERROR)
EXIT_TARGET = 3


def _fail_session(error: HarnessError) -> None:
    code = EXIT_USAGE if isinstance(error, UsageError) else EXIT_TARGET
    pytest.exit(f"router harness: {error.render()}", returncode=code)


@pytest.fixture(scope="session")
def stack(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """The running stack under test (base URL, mode, profile), started once per session."""
    from . import STASH_SESSION

    session = request.config.stash[STASH_SESSION]
    state_dir = tmp_path_factory.mktemp("stack-state")
    try:
        running = session.start(state_dir, upstream_base_url="http://127.0.0.1:9/v1")
    except HarnessError as error:
        _fail_session(error)
    yield running
    session.close()


@pytest.fixture(scope="session")
def http_client(stack: RunningStack) -> Iterator[Any]:
    """An ``httpx.Client`` whose base URL is the stack."""
    from harness.targets.clients import http_client as make

    with make(stack) as client:
        yield client


@pytest.fixture(scope="session")
def openai_client(stack: RunningStack) -> Iterator[Any]:
    """The official ``openai`` SDK client pointed at the stack (in library mode too)."""
    from harness.targets.clients import openai_client as make

    client = make(stack)
    yield client
    client.close()


@pytest.fixture(scope="session")
def openapi_document(request: pytest.FixtureRequest, http_client: Any) -> dict[str, Any]:
    """The app's OpenAPI document: ``--spec PATH`` if given, else the stack's ``/openapi.json``."""
    from . import _SPEC_PATH

    path = request.config.stash[_SPEC_PATH]
    if path is not None:
        import yaml

        text = path.read_text()
        return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    response = http_client.get("/openapi.json")
    if response.status_code != 200:
        pytest.fail(f"GET /openapi.json answered {response.status_code}; pass --spec PATH to use a spec file instead")
    return response.json()
