"""Stands in for OGX's ``tests/integration/conftest.py`` and ``fixtures/common.py``: the same fixture names,
parametrisation and skips, on the harness's stack (library, server, url or docker mode alike).

What differs from OGX's own, on purpose:
- every client is the harness's, on the harness's stack, so every exchange is contract-checked and the
  app's outbound inference is replayed by content from OGX's recordings;
- ``openai_client`` and the OpenAI half of ``compat_client`` work in library mode too (OGX skips them);
- ``require_server`` is satisfied in every mode: the harness always serves HTTP.
The model-id parametrisation (``text_model_id`` …, ids such as ``txt=openai/gpt-4o``) is OGX's, so node ids
match OGX's own runs."""

from __future__ import annotations

import inspect
import itertools
import os
from collections.abc import Iterator
from typing import Any

import pytest

from harness.targets.base import RunningStack

# fixture name → (option, id prefix), as in OGX's conftest
MODEL_FIXTURES = {
    "text_model_id": ("--text-model", "txt"),
    "vision_model_id": ("--vision-model", "vis"),
    "embedding_model_id": ("--embedding-model", "emb"),
    "shield_id": ("--safety-shield", "shield"),
    "judge_model_id": ("--judge-model", "judge"),
    "embedding_dimension": ("--embedding-dimension", "dim"),
    "rerank_model_id": ("--rerank-model", "rerank"),
}
MODEL_SHORT_IDS = {
    "meta-llama/Llama-3.2-3B-Instruct": "3B",
    "meta-llama/Llama-3.1-8B-Instruct": "8B",
    "meta-llama/Llama-3.1-70B-Instruct": "70B",
    "meta-llama/Llama-3.1-405B-Instruct": "405B",
    "meta-llama/Llama-3.2-11B-Vision-Instruct": "11B",
    "meta-llama/Llama-3.2-90B-Vision-Instruct": "90B",
    "meta-llama/Llama-3.3-70B-Instruct": "70B",
    "meta-llama/Llama-Guard-3-1B": "Guard1B",
    "meta-llama/Llama-Guard-3-8B": "Guard8B",
    "nomic-ai/nomic-embed-text-v1.5": "Nomic-v1.5",
}
VECTOR_IO_PROVIDERS = ["faiss", "sqlite-vec"]  # OGX's replay-mode list


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "vector_io_provider_id" in metafunc.fixturenames:
        metafunc.parametrize(
            "vector_io_provider_id", VECTOR_IO_PROVIDERS, ids=[f"vector_io={p}" for p in VECTOR_IO_PROVIDERS]
        )
    params = [name for name in MODEL_FIXTURES if name in metafunc.fixturenames]
    if not params:
        return
    values = {}
    for name in params:
        val = getattr(metafunc.config.option, MODEL_FIXTURES[name][0].lstrip("-").replace("-", "_"), None)
        values[name] = [v.strip() for v in str(val).split(",")] if val else [None]
    combinations = list(itertools.product(*(values[p] for p in params)))
    signature = set(inspect.signature(metafunc.function).parameters)
    ids = []
    if any(values[p][0] is not None for p in params):
        for combo in combinations:
            parts = [
                f"{MODEL_FIXTURES[p][1]}={MODEL_SHORT_IDS.get(v, v)}"
                for p, v in zip(params, combo, strict=True)
                if p in signature and v
            ]
            if parts:
                ids.append(":".join(parts))
    metafunc.parametrize(params, combinations, scope="session", ids=ids or None)


@pytest.fixture(scope="session")
def stack_socket_url(stack: RunningStack, contract_run: Any) -> str:
    """A URL OGX's tests can hand to clients of their own (LangChain, a bare httpx call): the app's socket,
    in library mode a loopback listener whose exchanges are contract-checked too."""
    if contract_run.observe not in stack.socket_observers:
        stack.socket_observers.append(contract_run.observe)
    return stack.socket_url()


@pytest.fixture(scope="session")
def openai_client(stack: RunningStack, contract_run: Any, stack_socket_url: str) -> Iterator[Any]:
    """The openai SDK on the stack (library mode included), showing the socket URL as its base URL."""
    from harness.targets.clients import openai_client as make

    client = make(stack, on_exchange=contract_run.observe, base_url=stack_socket_url)
    yield client
    client.close()


@pytest.fixture(scope="session")
def ogx_client(stack: RunningStack, contract_run: Any, stack_socket_url: str) -> Iterator[Any]:
    """OGX's own SDK client (``llama_stack_client.LlamaStackClient``, as OGX's fixtures use) on the stack."""
    from harness.targets.clients import http_client

    client_class = _sdk_client_class()
    with http_client(stack, on_exchange=contract_run.observe) as http:
        yield client_class(
            base_url=stack_socket_url,
            http_client=http,
            provider_data=_provider_data(),
            timeout=float(os.environ.get("OGX_CLIENT_TIMEOUT", "30")),
            max_retries=0,
        )


def _sdk_client_class() -> Any:
    try:
        from llama_stack_client import LlamaStackClient

        return LlamaStackClient
    except ImportError:
        try:
            from ogx_client import OgxClient  # type: ignore[import-not-found,unused-ignore]  # newer OGX only; the ogx-tests extra installs it

            return OgxClient
        except ImportError:
            pytest.fail(
                "OGX's tests need OGX's SDK client: pip install 'router-harness[ogx-tests]' "
                "(llama-stack-client, which OGX's test files import)",
                pytrace=False,
            )


def _provider_data() -> dict[str, str]:
    keymap = {"OPENAI_API_KEY": "openai_api_key", "TAVILY_SEARCH_API_KEY": "tavily_search_api_key"}
    return {value: os.environ[key] for key, value in keymap.items() if os.environ.get(key)}


@pytest.fixture(scope="session")
def client_with_models(
    ogx_client: Any,
    text_model_id: Any,
    vision_model_id: Any,
    embedding_model_id: Any,
    judge_model_id: Any,
    rerank_model_id: Any,
) -> Any:
    providers = [p for p in ogx_client.providers.list() if p.api == "inference"]
    assert len(providers) > 0, "No inference providers found"
    model_ids = {m.id for m in ogx_client.models.list()}
    for kind, model in (
        ("text", text_model_id),
        ("vision", vision_model_id),
        ("judge", judge_model_id),
        ("embedding", embedding_model_id),
        ("rerank", rerank_model_id),
    ):
        if model and model not in model_ids:
            raise ValueError(f"{kind}_model_id {model} not found")
    return ogx_client


@pytest.fixture(scope="session")
def inference_provider_type(ogx_client: Any) -> str:
    providers = [p for p in ogx_client.providers.list() if p.api == "inference"]
    assert len(providers) > 0, "No inference providers found"
    return providers[0].provider_type


@pytest.fixture(scope="session")
def available_shields(ogx_client: Any) -> list[str]:
    return [shield.identifier for shield in ogx_client.shields.list()]


@pytest.fixture(scope="session")
def model_providers(ogx_client: Any) -> set[str]:
    return {x.provider_id for x in ogx_client.providers.list() if x.api == "inference"}


@pytest.fixture(autouse=True)
def skip_if_no_model(request: pytest.FixtureRequest) -> None:
    function = getattr(request.node, "function", None)
    if function is None:
        return
    parameters = inspect.signature(function).parameters
    for name in (
        "text_model_id",
        "vision_model_id",
        "embedding_model_id",
        "judge_model_id",
        "shield_id",
        "rerank_model_id",
    ):
        if name in parameters and name in request.fixturenames and not request.getfixturevalue(name):
            pytest.skip(f"{name} empty - skipping test")


@pytest.fixture(scope="session")
def require_server() -> None:
    """OGX skips server-only tests in library mode; the harness serves HTTP in every mode."""


@pytest.fixture(params=["openai_client", "client_with_models"])
def compat_client(request: pytest.FixtureRequest, client_with_models: Any) -> Any:
    return request.getfixturevalue(request.param)


@pytest.fixture
def vector_io_provider_id(request: pytest.FixtureRequest, client_with_models: Any) -> str:
    available = [p.provider_id for p in client_with_models.providers.list() if p.api == "vector_io"]
    if hasattr(request, "param"):
        if request.param not in available:
            pytest.skip(f"Provider '{request.param}' not available. Available: {available}")
        return str(request.param)
    if not available:
        pytest.skip("No vector_io providers available")
    return str(available[0])
