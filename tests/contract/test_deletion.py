"""The delete-semantics scenario (sync and async drivers) and the resource families of the spec."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from bugzoo.apps import (
    conversations,  # tests/ is on sys.path (rootdir-relative packages)
)
from starlette.testclient import TestClient

from harness.contract import (
    ApiSpec,
    CheckOptions,
    CheckSession,
    averify_deletion,
    resource_families,
    verify_deletion,
)
from harness.core.errors import UsageError


def test_resource_families_of_ogx(live_spec):
    families = {f.name: f for f in resource_families(live_spec)}
    assert set(families) == {
        "conversations",
        "conversations.items",
        "files",
        "prompts",
        "responses",
        "vector_stores",
        "vector_stores.files",
    }
    responses = families["responses"]
    assert (responses.collection, responses.item, responses.id_param) == (
        "/v1/responses",
        "/v1/responses/{response_id}",
        "response_id",
    )
    assert responses.complete and [o.path for o in responses.subresources] == [
        "/v1/responses/{response_id}/input_items"
    ]
    items = families["conversations.items"]
    assert items.parent_params == ("conversation_id",)
    assert items.collection_path(conversation_id="conv_1") == "/v1/conversations/conv_1/items"
    assert items.item_path("msg 1", conversation_id="conv_1") == "/v1/conversations/conv_1/items/msg%201"
    assert not families["conversations"].complete  # OGX has no GET /v1/conversations


def _zoo(bug=None):
    client = TestClient(conversations.make_app(bug))
    ids = [client.post("/v1/conversations", json={}).json()["id"] for _ in range(5)]
    return client, ids[3]  # on page 2 of the list


def test_clean_app_passes_sync():
    client, victim = _zoo()
    assert (
        verify_deletion(client, conversations.spec(), collection_path="/v1/conversations", item_id=victim)
        == []
    )


@pytest.mark.parametrize(
    ("bug", "check"),
    [("get_after_delete_200", "get_after_delete"), ("deleted_item_still_listed", "list_after_delete")],
)
def test_bugs_caught_sync(bug, check):
    client, victim = _zoo(bug)
    failures = verify_deletion(
        client, conversations.spec(), collection_path="/v1/conversations", item_id=victim
    )
    assert [f.check for f in failures] == [check]
    assert failures[0].reproduce.splitlines()[0].startswith("curl -sS -X DELETE")


def test_async_driver_over_asgi_transport_gives_the_same_result():
    async def go():
        transport = httpx.ASGITransport(app=conversations.make_app("deleted_item_still_listed"))
        async with httpx.AsyncClient(transport=transport, base_url="http://zoo") as client:
            ids = [(await client.post("/v1/conversations", json={})).json()["id"] for _ in range(5)]
            return await averify_deletion(
                client, conversations.spec(), collection_path="/v1/conversations", item_id=ids[3]
            )

    assert [f.check for f in asyncio.run(go())] == ["list_after_delete"]


SPEC = ApiSpec.from_dict(
    {
        "openapi": "3.1.0",
        "paths": {
            "/v1/things/{thing_id}": {
                "delete": {
                    "responses": {
                        "200": {
                            "description": "",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "id": {"type": "string"},
                                            "deleted": {"type": "boolean"},
                                        },
                                    }
                                }
                            },
                        }
                    }
                },
                "get": {"responses": {"200": {"description": ""}}},
            }
        },
    }
)


def _client(delete_body: dict, status: int = 200, after: int = 404) -> httpx.Client:
    calls = {"DELETE": 0}

    def handle(request: httpx.Request) -> httpx.Response:
        if request.method == "DELETE":
            calls["DELETE"] += 1
            if calls["DELETE"] == 1:
                return httpx.Response(status, json=delete_body)
        return httpx.Response(after, json={"error": {"message": "gone"}})

    return httpx.Client(transport=httpx.MockTransport(handle), base_url="http://app")


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"id": "t1", "deleted": False}, 200, "deleted=False, not true"),
        ({"id": "t2", "deleted": True}, 200, "has id='t2', but 't1' was deleted"),
        ({"deleted": True}, 200, "names no id"),
        ({"id": "t1", "deleted": "yes"}, 200, "does not match"),
        ({"error": {"message": "nope"}}, 404, "answered 404, not a success"),
    ],
)
def test_deletion_object(body, status, message):
    failures = verify_deletion(_client(body, status), SPEC, collection_path="/v1/things", item_id="t1")
    assert [f.check for f in failures] == ["delete_returns_deletion_object"]
    assert message in failures[0].title and failures[0].operation == "DELETE /v1/things/{thing_id}"


def test_deleted_status_is_configurable():
    client = _client({"id": "t1", "deleted": True}, after=400)
    assert (
        verify_deletion(
            client, SPEC, collection_path="/v1/things", item_id="t1", options=CheckOptions(deleted_status=400)
        )
        == []
    )


def test_a_given_delete_response_is_used_instead_of_sending_one():
    client = _client({"id": "t1", "deleted": True})
    first = client.delete("/v1/things/t1")
    sent = []
    client.event_hooks["request"].append(lambda request: sent.append(request.method))
    assert (
        verify_deletion(client, SPEC, collection_path="/v1/things", item_id="t1", delete_response=first) == []
    )
    assert sent == ["GET", "DELETE"]


def test_pagination_without_an_after_parameter_is_reported_as_skipped():
    spec = ApiSpec.from_dict(
        {
            "openapi": "3.1.0",
            "paths": {
                "/v1/x": {"get": {"responses": {"200": {"description": ""}}}},
                "/v1/x/{id}": {"delete": {"responses": {"200": {"description": ""}}}},
            },
        }
    )

    def handle(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":  # always one more page, and no way to ask for it
            return httpx.Response(200, json={"data": [{"id": "a"}], "has_more": True, "last_id": "a"})
        return httpx.Response(200, json={"id": "b", "deleted": True})  # and DELETE never says 404

    client = httpx.Client(transport=httpx.MockTransport(handle), base_url="http://app")
    session = CheckSession()
    failures = verify_deletion(client, spec, collection_path="/v1/x", item_id="b", session=session)
    assert [f.check for f in failures] == ["delete_twice"]
    assert any("list_after_delete" in line and "has_more" in line for line in session.skipped_report())


def test_unknown_collection_is_a_usage_error(live_spec):
    with pytest.raises(UsageError) as info:
        verify_deletion(
            httpx.Client(base_url="http://x"), live_spec, collection_path="/v1/nothing", item_id="a"
        )
    assert "no DELETE operation" in str(info.value) and "/v1/conversations/{conversation_id}/items" in str(
        info.value
    )
    with pytest.raises(UsageError, match="needs the id"):
        verify_deletion(
            httpx.Client(base_url="http://x"), live_spec, collection_path="/v1/responses", item_id=""
        )
