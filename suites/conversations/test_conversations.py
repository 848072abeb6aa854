"""The eight routes of the Conversations router, with pagination and delete semantics."""

from __future__ import annotations

import contextlib
import uuid

import openai
import pytest


def message(role: str, text: str) -> dict:
    kind = "output_text" if role == "assistant" else "input_text"
    return {"type": "message", "role": role, "content": [{"type": kind, "text": text}]}


LLAMA_STACK_ITEM_PAGES = (
    "llama-stack 0.7.3 does not paginate conversation items: core/conversations/conversations.py list_items "
    "ignores `after`, cuts the list at `limit` and always answers has_more: false, so the rest cannot be reached"
)


def xfail_item_pages_on_llama_stack(stack, request) -> None:
    if stack.profile == "llama-stack":
        request.applymarker(pytest.mark.xfail(strict=True, reason=LLAMA_STACK_ITEM_PAGES))


@pytest.fixture
def conversation(openai_client):
    created = openai_client.conversations.create(metadata={"suite": "conversations"})
    yield created
    with contextlib.suppress(openai.NotFoundError):  # the test deleted it itself
        openai_client.conversations.delete(created.id)


def test_create_with_items_and_retrieve(openai_client):
    created = openai_client.conversations.create(
        metadata={"topic": "planets"}, items=[message("user", "Which planet do humans live on?")]
    )
    assert created.id.startswith("conv_")
    assert created.object == "conversation"
    fetched = openai_client.conversations.retrieve(created.id)
    assert (fetched.id, fetched.metadata) == (created.id, {"topic": "planets"})
    items = openai_client.conversations.items.list(created.id)
    assert [item.content[0].text for item in items.data] == ["Which planet do humans live on?"]
    openai_client.conversations.delete(created.id)


def test_update_replaces_metadata(openai_client, conversation):
    updated = openai_client.conversations.update(
        conversation.id, metadata={"suite": "conversations", "n": "2"}
    )
    assert updated.metadata == {"suite": "conversations", "n": "2"}
    assert openai_client.conversations.retrieve(conversation.id).metadata == {
        "suite": "conversations",
        "n": "2",
    }


def test_add_items_keeps_their_order_and_content(openai_client, conversation):
    texts = ["first question", "first answer", "second question"]
    roles = ["user", "assistant", "user"]
    added = openai_client.conversations.items.create(
        conversation.id, items=[message(role, text) for role, text in zip(roles, texts, strict=False)]
    )
    assert [item.content[0].text for item in added.data] == texts
    listed = openai_client.conversations.items.list(conversation.id, order="asc")
    assert [(item.role, item.content[0].text) for item in listed.data] == list(
        zip(roles, texts, strict=False)
    )
    newest_first = openai_client.conversations.items.list(conversation.id, order="desc")
    assert [item.content[0].text for item in newest_first.data] == texts[::-1]


def test_retrieve_one_item(openai_client, conversation):
    added = openai_client.conversations.items.create(conversation.id, items=[message("user", "only item")])
    item_id = added.data[0].id
    item = openai_client.conversations.items.retrieve(item_id, conversation_id=conversation.id)
    assert (item.id, item.type, item.role, item.content[0].text) == (item_id, "message", "user", "only item")


def test_items_pagination_visits_every_item_once(openai_client, conversation, stack, request):
    xfail_item_pages_on_llama_stack(stack, request)
    texts = [f"item {i}" for i in range(7)]
    openai_client.conversations.items.create(conversation.id, items=[message("user", t) for t in texts])
    first = openai_client.conversations.items.list(conversation.id, order="asc", limit=3)
    assert len(first.data) == 3 and first.has_more
    seen = [
        item.content[0].text
        for item in openai_client.conversations.items.list(conversation.id, order="asc", limit=3)
    ]
    assert seen == texts  # the SDK's auto-pagination follows `after` cursors to the end


def test_item_pages_link_by_cursor(http_client, openai_client, conversation, stack, request):
    xfail_item_pages_on_llama_stack(stack, request)
    openai_client.conversations.items.create(
        conversation.id, items=[message("user", f"m{i}") for i in range(5)]
    )
    page = http_client.get(
        f"/v1/conversations/{conversation.id}/items", params={"limit": 2, "order": "asc"}
    ).json()
    assert [i["content"][0]["text"] for i in page["data"]] == ["m0", "m1"]
    assert page["has_more"] is True and page["last_id"] == page["data"][-1]["id"]
    nxt = http_client.get(
        f"/v1/conversations/{conversation.id}/items",
        params={"limit": 2, "order": "asc", "after": page["last_id"]},
    ).json()
    assert [i["content"][0]["text"] for i in nxt["data"]] == ["m2", "m3"]


LLAMA_STACK_ITEM_DELETE = (
    "llama-stack 0.7.3 answers an item delete with the item's deletion object ({id: msg_…, object: "
    "conversation.item.deleted}); OpenAI (and OGX 1.5.0) answer with the parent conversation"
)


def test_delete_item_removes_it(http_client, openai_client, conversation, verify_deleted, stack, request):
    if stack.profile == "llama-stack":
        request.applymarker(pytest.mark.xfail(strict=True, reason=LLAMA_STACK_ITEM_DELETE))
    added = openai_client.conversations.items.create(
        conversation.id, items=[message("user", "keep"), message("user", "drop")]
    )
    keep, drop = (item.id for item in added.data)
    deleted = http_client.delete(f"/v1/conversations/{conversation.id}/items/{drop}")
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["id"] == conversation.id  # as OpenAI: the answer is the parent conversation
    remaining = [item.id for item in openai_client.conversations.items.list(conversation.id)]
    assert remaining == [keep]
    # GET → 404, absent from every page of the list, second DELETE → 404
    verify_deleted(f"/v1/conversations/{conversation.id}/items", drop, delete_response=deleted)


def test_delete_conversation_is_gone_everywhere(http_client, openai_client):
    created = openai_client.conversations.create(items=[message("user", "soon gone")])
    deleted = openai_client.conversations.delete(created.id)
    assert (deleted.id, deleted.deleted, deleted.object) == (created.id, True, "conversation.deleted")
    assert http_client.get(f"/v1/conversations/{created.id}").status_code == 404
    assert http_client.get(f"/v1/conversations/{created.id}/items").status_code == 404
    assert http_client.delete(f"/v1/conversations/{created.id}").status_code == 404


def test_unknown_conversation_is_404(http_client):
    missing = f"conv_{uuid.uuid4().hex}{uuid.uuid4().hex[:16]}"  # well-formed: conv_ + 48 hex characters
    assert http_client.get(f"/v1/conversations/{missing}").status_code == 404
    assert http_client.get(f"/v1/conversations/{missing}/items").status_code == 404


def test_malformed_conversation_id_is_400_naming_the_format(http_client):
    response = http_client.get("/v1/conversations/not-a-conversation-id")
    assert response.status_code == 400
    assert "not-a-conversation-id" in response.text


def test_the_eight_routes_are_listed_by_inspect_routes(http_client):
    listed = {(r["method"], r["route"]) for r in http_client.get("/v1/inspect/routes").json()["data"]}
    expected = {
        ("POST", "/v1/conversations"),
        ("GET", "/v1/conversations/{conversation_id}"),
        ("POST", "/v1/conversations/{conversation_id}"),
        ("DELETE", "/v1/conversations/{conversation_id}"),
        ("POST", "/v1/conversations/{conversation_id}/items"),
        ("GET", "/v1/conversations/{conversation_id}/items"),
        ("GET", "/v1/conversations/{conversation_id}/items/{item_id}"),
        ("DELETE", "/v1/conversations/{conversation_id}/items/{item_id}"),
    }
    assert expected <= listed, sorted(expected - listed)
