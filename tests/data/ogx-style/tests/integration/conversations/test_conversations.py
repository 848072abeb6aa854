"""OGX-style Conversations test (OGX skips these in library mode; require_server)."""


def test_create_retrieve_delete(openai_client, require_server):
    conversation = openai_client.conversations.create(metadata={"topic": "planets"})
    assert openai_client.conversations.retrieve(conversation.id).metadata == {"topic": "planets"}
    assert openai_client.conversations.delete(conversation.id).deleted is True
