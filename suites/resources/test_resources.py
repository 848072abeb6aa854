"""Stored objects the app keeps without calling a model: files, vector stores and prompts. Each is
created, read back, listed, and deleted; then gone must mean gone (``verify_deleted``: the deletion
object, GET, sub-resources, every page of the list, a second DELETE)."""

from __future__ import annotations

import contextlib
import uuid

import openai
import pytest

NOTES = b"Mercury is the smallest planet.\nNeptune is the farthest from the Sun.\n"


@pytest.fixture
def uploaded(openai_client):
    created = openai_client.files.create(file=("planets.txt", NOTES, "text/plain"), purpose="assistants")
    yield created
    with contextlib.suppress(openai.NotFoundError):  # the test deleted it itself
        openai_client.files.delete(created.id)


def test_a_file_reads_back_byte_for_byte_and_is_listed(openai_client, uploaded):
    assert uploaded.id.startswith("file-") and uploaded.filename == "planets.txt"
    assert uploaded.bytes == len(NOTES) and uploaded.purpose == "assistants"
    assert openai_client.files.retrieve(uploaded.id).filename == "planets.txt"
    assert openai_client.files.content(uploaded.id).content == NOTES
    listed = openai_client.files.list(purpose="assistants")
    assert uploaded.id in [f.id for f in listed.data]


def test_a_deleted_file_is_gone(http_client, uploaded, verify_deleted):
    deleted = http_client.delete(f"/v1/files/{uploaded.id}")
    assert deleted.status_code == 200 and deleted.json()["deleted"] is True
    verify_deleted("/v1/files", uploaded.id, delete_response=deleted)


def test_a_vector_store_keeps_its_name_and_metadata_through_an_update(openai_client):
    name = f"planets-{uuid.uuid4().hex[:8]}"
    store = openai_client.vector_stores.create(name=name, metadata={"suite": "resources"})
    try:
        assert store.id.startswith("vs_") and store.name == name and store.file_counts.total == 0
        updated = openai_client.vector_stores.update(store.id, name=name + "-renamed", metadata={"n": "2"})
        assert (updated.name, updated.metadata) == (name + "-renamed", {"n": "2"})
        fetched = openai_client.vector_stores.retrieve(store.id)
        assert (fetched.name, fetched.metadata) == (name + "-renamed", {"n": "2"})
        assert store.id in [s.id for s in openai_client.vector_stores.list(limit=100).data]
    finally:
        openai_client.vector_stores.delete(store.id)


def test_a_deleted_vector_store_is_gone(openai_client, http_client, verify_deleted):
    store = openai_client.vector_stores.create(name="to-delete")
    deleted = http_client.delete(f"/v1/vector_stores/{store.id}")
    assert deleted.status_code == 200 and deleted.json() == {
        "id": store.id,
        "object": "vector_store.deleted",
        "deleted": True,
    }
    verify_deleted("/v1/vector_stores", store.id, delete_response=deleted)


def test_a_prompt_keeps_its_versions(http_client):
    created = http_client.post(
        "/v1/prompts", json={"prompt": "Name a planet near {{ star }}.", "variables": ["star"]}
    )
    assert created.status_code == 200, created.text
    prompt = created.json()
    assert prompt["prompt_id"].startswith("pmpt_") and prompt["version"] == 1
    updated = http_client.put(
        f"/v1/prompts/{prompt['prompt_id']}",
        json={
            "prompt": "Name two planets near {{ star }}.",
            "variables": ["star"],
            "version": 1,
            "set_as_default": True,
        },
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["version"] == 2
    versions = http_client.get(f"/v1/prompts/{prompt['prompt_id']}/versions").json()["data"]
    assert sorted(v["version"] for v in versions) == [1, 2]
    current = http_client.get(f"/v1/prompts/{prompt['prompt_id']}").json()
    assert (current["version"], current["prompt"]) == (2, "Name two planets near {{ star }}.")
    first = http_client.get(f"/v1/prompts/{prompt['prompt_id']}", params={"version": 1}).json()
    assert first["prompt"] == "Name a planet near {{ star }}."
    http_client.delete(f"/v1/prompts/{prompt['prompt_id']}")


def test_a_deleted_prompt_is_gone(http_client, verify_deleted):
    prompt = http_client.post(
        "/v1/prompts", json={"prompt": "Hello {{ name }}", "variables": ["name"]}
    ).json()
    deleted = http_client.delete(f"/v1/prompts/{prompt['prompt_id']}")
    assert deleted.status_code == 200
    verify_deleted("/v1/prompts", prompt["prompt_id"], delete_response=deleted)
