from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.contract import ApiSpec, load_api_spec
from harness.core.exchange import Exchange, Request, Response

SPECS = Path(__file__).resolve().parents[1] / "data" / "specs"  # see tests/data/PROVENANCE.md
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def live_spec() -> ApiSpec:
    return load_api_spec(SPECS / "ogx-1.5.0-live-openapi.json")


@pytest.fixture(scope="session")
def committed_spec() -> ApiSpec:
    return load_api_spec(SPECS / "ogx-2026-05-committed.yaml")


def _exchange(raw: dict) -> Exchange:
    req, res = raw["request"], raw["response"]
    return Exchange(
        Request(req["method"], req["url"], req["headers"], req["body"].encode()),
        Response(res["status"], res["headers"], res["body"].encode()),
    )


@pytest.fixture(scope="session")
def ogx_exchanges() -> dict[str, Exchange]:
    """Real OGX 1.5.0 traffic (see fixtures/capture_ogx.py), by name."""
    data = json.loads((FIXTURES / "ogx-1.5.0-exchanges.json").read_text())
    return {raw["name"]: _exchange(raw) for raw in data["exchanges"]}
