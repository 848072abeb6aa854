"""Conversations with create / get / list (paginated with ``after``) / delete and an ``items``
sub-resource, the way OGX lays them out. Deletion is a soft delete flag, so each bug is one place
that forgets to look at it."""

from __future__ import annotations

from functools import cache
from typing import Literal

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

from harness.contract import ApiSpec, CheckOptions, averify_deletion

from ..zoo import Driver, SeededBug
from ._errors import ERRORS, install_error_handlers

NAME = "conversations"
PAGE_SIZE = 2

BUGS = {
    "get_after_delete_200": SeededBug("get_after_delete", "answered 200 (expected 404)"),
    "deleted_item_still_listed": SeededBug(
        "list_after_delete", "list page 2 of GET /v1/conversations still lists"
    ),
}


class Conversation(BaseModel):
    id: str
    object: Literal["conversation"] = "conversation"
    created_at: int
    metadata: dict[str, str] = {}


class ConversationList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Conversation]
    first_id: str | None = None
    last_id: str | None = None
    has_more: bool


class ConversationDeleted(BaseModel):
    id: str
    object: Literal["conversation.deleted"] = "conversation.deleted"
    deleted: bool


class Item(BaseModel):
    id: str
    type: Literal["message"] = "message"
    role: str
    content: str


class ItemList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Item]
    has_more: bool


class CreateConversation(BaseModel):
    metadata: dict[str, str] = {}


def make_app(bug: str | None = None) -> FastAPI:
    if bug is not None and bug not in BUGS:
        raise ValueError(f"unknown bug {bug!r}; known: {', '.join(BUGS)}")
    app = FastAPI(title=f"zoo {NAME} ({bug or 'clean'})")
    install_error_handlers(app)
    store: dict[str, dict] = {}

    def live(conversation_id: str) -> dict:
        row = store.get(conversation_id)
        if row is None or row["deleted"]:
            raise HTTPException(404, f"Conversation {conversation_id} not found")
        return row

    @app.post("/v1/conversations", response_model=Conversation, responses=ERRORS)
    def create(body: CreateConversation) -> Conversation:
        conversation = Conversation(
            id=f"conv_{len(store) + 1:03d}", created_at=1767225600 + len(store), metadata=body.metadata
        )
        store[conversation.id] = {
            "conversation": conversation,
            "deleted": False,
            "items": [Item(id=f"item_{conversation.id}", role="user", content="hello")],
        }
        return conversation

    @app.get("/v1/conversations", response_model=ConversationList, responses=ERRORS)
    def list_conversations(after: str | None = None, limit: int = PAGE_SIZE) -> ConversationList:
        rows = [r for r in store.values() if not r["deleted"] or bug == "deleted_item_still_listed"]
        ids = [r["conversation"].id for r in rows]
        start = ids.index(after) + 1 if after in ids else 0
        page = [r["conversation"] for r in rows[start : start + limit]]
        return ConversationList(
            data=page,
            first_id=page[0].id if page else None,
            last_id=page[-1].id if page else None,
            has_more=start + limit < len(rows),
        )

    @app.get("/v1/conversations/{conversation_id}", response_model=Conversation, responses=ERRORS)
    def get(conversation_id: str) -> Conversation:
        if bug == "get_after_delete_200" and conversation_id in store:
            return store[conversation_id]["conversation"]
        return live(conversation_id)["conversation"]

    @app.delete("/v1/conversations/{conversation_id}", response_model=ConversationDeleted, responses=ERRORS)
    def delete(conversation_id: str) -> ConversationDeleted:
        live(conversation_id)["deleted"] = True
        return ConversationDeleted(id=conversation_id, deleted=True)

    @app.get("/v1/conversations/{conversation_id}/items", response_model=ItemList, responses=ERRORS)
    def items(conversation_id: str) -> ItemList:
        return ItemList(data=live(conversation_id)["items"], has_more=False)

    return app


@cache
def spec() -> ApiSpec:
    return ApiSpec.from_dict(make_app().openapi(), source=f"FastAPI-generated spec of zoo {NAME}")


async def exercise(driver: Driver) -> None:
    ids = []
    for n in range(5):
        created = await driver.send("POST", "/v1/conversations", json={"metadata": {"n": str(n)}})
        ids.append(created.json()["id"])
    await driver.send("GET", "/v1/conversations")
    await driver.send("GET", f"/v1/conversations/{ids[3]}/items")
    # the 4th conversation sits on page 2 of the list: the check has to follow the pagination
    deleted = await driver.send("DELETE", f"/v1/conversations/{ids[3]}")
    driver.failures += await averify_deletion(
        driver.client,
        driver.spec,
        collection_path="/v1/conversations",
        item_id=ids[3],
        delete_response=deleted,
        options=CheckOptions(),
        session=driver.session,
    )
