"""Smoke suite: what every stack must do without calling a model."""

from __future__ import annotations

import re
import uuid

import pytest

# Paths the app serves that are documentation, not API routes, so /v1/inspect/routes does not list them.
NOT_API_ROUTES = {"/openapi.json", "/docs", "/redoc", "/docs/oauth2-redirect"}


def test_health(http_client):
    response = http_client.get("/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "OK"}


def test_version_is_the_installed_app(http_client, stack):
    response = http_client.get("/v1/version")
    assert response.status_code == 200
    version = response.json()["version"]
    if stack.mode in {"library", "server"}:
        from harness.targets.profiles import get_profile

        assert version == get_profile(stack.profile).installed_version()
    else:
        assert isinstance(version, str) and version


def test_models_list_has_the_setups_model(openai_client, stack, model):
    listed = {m.id for m in openai_client.models.list()}
    assert listed, "the stack lists no models"
    if stack.mode != "url":  # a stack someone else started registers what it likes
        assert model in listed, f"{model} (from --setup) is not among {sorted(listed)}"


# Starlette path converters ("{model_id:path}") are how the router spells a parameter, not another route.
CONVERTER = re.compile(r"\{(\w+):\w+\}")


def _inspected_routes(http_client) -> set[tuple[str, str]]:
    response = http_client.get("/v1/inspect/routes")
    assert response.status_code == 200, response.text
    return {(route["method"].upper(), route["route"]) for route in response.json()["data"]}


def _spec_routes(openapi_document) -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, item in openapi_document["paths"].items()
        if path not in NOT_API_ROUTES
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_every_spec_route_is_listed_by_inspect_routes(http_client, openapi_document, stack, request):
    if stack.profile == "ogx":
        request.applymarker(
            pytest.mark.xfail(
                strict=True,
                reason="OGX 1.5.0 leaves POST /v1alpha/file-processors/process (the file_processors API, which the "
                "replay stack enables as OGX's ci-tests stack does) out of /v1/inspect/routes while its spec has it",
            )
        )
    listed = {(method, CONVERTER.sub(r"{\1}", route)) for method, route in _inspected_routes(http_client)}
    missing = sorted(_spec_routes(openapi_document) - listed)
    assert not missing, f"{len(missing)} spec routes are not listed by /v1/inspect/routes: {missing}"


def test_inspect_routes_spell_paths_as_the_spec_does(http_client, openapi_document, stack, request):
    if stack.profile == "ogx":
        request.applymarker(
            pytest.mark.xfail(
                strict=True,
                reason="OGX 1.5.0 lists GET /v1/models/{model_id:path}: the Starlette converter leaks into "
                "/v1/inspect/routes while the spec says /v1/models/{model_id}",
            )
        )
    elif stack.profile == "llama-stack":
        request.applymarker(
            pytest.mark.xfail(
                strict=True,
                reason="llama-stack 0.7.3 lists GET /v1/models/{model_id:path} in /v1/inspect/routes (the Starlette "
                "converter leaks, as in OGX 1.5.0) while its /openapi.json says /v1/models/{model_id}",
            )
        )
    listed = _inspected_routes(http_client)
    spelled_differently = sorted(r for r in _spec_routes(openapi_document) - listed)
    assert not spelled_differently, f"spec routes listed under another spelling: {spelled_differently}"


def test_conversation_create_get_update_delete(http_client):
    marker = uuid.uuid4().hex
    created = http_client.post("/v1/conversations", json={"metadata": {"suite": "smoke", "marker": marker}})
    assert created.status_code == 200, created.text
    conversation = created.json()
    assert conversation["object"] == "conversation"
    assert conversation["metadata"] == {"suite": "smoke", "marker": marker}
    conv_id = conversation["id"]

    fetched = http_client.get(f"/v1/conversations/{conv_id}")
    assert fetched.status_code == 200
    assert fetched.json()["id"] == conv_id

    updated = http_client.post(
        f"/v1/conversations/{conv_id}", json={"metadata": {"suite": "smoke", "step": "updated"}}
    )
    assert updated.status_code == 200, updated.text
    assert http_client.get(f"/v1/conversations/{conv_id}").json()["metadata"] == {
        "suite": "smoke",
        "step": "updated",
    }

    deleted = http_client.delete(f"/v1/conversations/{conv_id}")
    assert deleted.status_code == 200
    assert deleted.json() == {"id": conv_id, "object": "conversation.deleted", "deleted": True}
    assert http_client.get(f"/v1/conversations/{conv_id}").status_code == 404
    assert http_client.delete(f"/v1/conversations/{conv_id}").status_code == 404
