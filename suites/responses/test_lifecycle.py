"""Stored responses: retrieve, list, input items, and deletion that leaves nothing behind."""

from __future__ import annotations

import openai
import pytest

EARTH = "Which planet do humans live on?"


@pytest.fixture
def stored(openai_client, model):
    return openai_client.responses.create(model=model, input=EARTH)


def test_retrieve_returns_the_stored_response(openai_client, stored):
    fetched = openai_client.responses.retrieve(stored.id)
    assert (fetched.id, fetched.status, fetched.output_text) == (
        stored.id,
        "completed",
        "Humans live on Earth.",
    )
    assert fetched.model == stored.model


def test_list_holds_the_new_response_newest_first(http_client, stored):
    listed = http_client.get("/v1/responses", params={"limit": 100, "order": "desc"})
    assert listed.status_code == 200
    page = listed.json()
    assert page["object"] == "list"
    assert stored.id in [item["id"] for item in page["data"]]
    created = [item["created_at"] for item in page["data"]]
    assert created == sorted(created, reverse=True)


def test_list_input_items(openai_client, stored):
    items = openai_client.responses.input_items.list(stored.id)
    assert [(item.type, item.role) for item in items.data] == [("message", "user")]
    assert items.data[0].content[0].text == EARTH


def test_delete_and_verify_deletion(http_client, stored, verify_deleted):
    deleted = http_client.delete(f"/v1/responses/{stored.id}")
    assert deleted.status_code == 200, deleted.text
    assert deleted.json() == {"id": stored.id, "object": "response", "deleted": True}
    verify_deleted("/v1/responses", stored.id, delete_response=deleted)


def test_sdk_sees_a_deleted_response_as_not_found(openai_client, stored):
    openai_client.responses.delete(stored.id)
    with pytest.raises(openai.NotFoundError):
        openai_client.responses.retrieve(stored.id)
