"""Bad requests get a 4xx that says what is wrong, never a 5xx."""

from __future__ import annotations


def test_missing_input_is_a_400_naming_the_field(http_client, model):
    response = http_client.post("/v1/responses", json={"model": model})
    assert response.status_code == 400, response.text
    assert "input" in response.text


def test_unknown_response_is_a_404(http_client):
    response = http_client.get("/v1/responses/resp_does_not_exist")
    assert response.status_code == 404
    assert "resp_does_not_exist" in response.text
