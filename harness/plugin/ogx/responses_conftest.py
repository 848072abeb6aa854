"""Stands in for OGX's ``tests/integration/responses/conftest.py``: ``responses_client`` without OGX's skip
in library mode (the harness's clients speak HTTP to the app in every mode), and ``langchain_chat``."""

from __future__ import annotations

import importlib
from typing import Any

import pytest


@pytest.fixture
def responses_client(compat_client: Any) -> Any:
    return compat_client


@pytest.fixture
def langchain_chat(request: pytest.FixtureRequest, responses_client: Any, text_model_id: Any) -> Any:
    helpers = importlib.import_module(f"{request.module.__package__}.helpers")

    def create(use_previous_response_id: bool = False) -> Any:
        return helpers.langchain_chat(responses_client, text_model_id, use_previous_response_id)

    return create
