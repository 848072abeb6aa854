"""OGX-style Responses tests: OGX's fixture names, as OGX's test_basic_responses.py uses them."""

import httpx


def test_planet(responses_client, text_model_id):
    response = responses_client.responses.create(model=text_model_id, input="Which planet do humans live on?",
                                                 stream=True)
    events = list(response)
    assert events[-1].type == "response.completed"
    assert "earth" in events[-1].response.output_text.lower()


def test_unrecorded_prompt(openai_client, text_model_id):
    openai_client.responses.create(model=text_model_id, input="A question nobody recorded an answer to")


def test_own_client_on_the_base_url(openai_client, client_with_models):
    """A test that opens its own connection to the client's base URL (as OGX's LangChain tests do)."""
    models = httpx.get(f"{openai_client.base_url}models", timeout=30)
    assert models.status_code == 200
    assert any(m["id"] == "openai/gpt-4o" for m in models.json()["data"])
