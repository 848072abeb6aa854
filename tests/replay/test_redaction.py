from harness.replay import MatchRules

SECRET = "sk-proj-ABCDEFGHIJKLMNOPQRSTUVWX0123"


def redactor():
    return MatchRules.load().redactor


def test_credential_headers_are_replaced_whatever_their_value():
    r = redactor()
    for name in (
        "Authorization",
        "api-key",
        "X-Api-Key",
        "X-LlamaStack-Provider-Data",
        "x-ogx-provider-data",
        "Cookie",
    ):
        assert r.header(name, "anything at all") == "<redacted>", name
    assert r.header("Content-Type", "application/json") == "application/json"


def test_key_like_values_are_replaced_in_text_and_json():
    r = redactor()
    assert SECRET not in r.text(f"Authorization: Bearer {SECRET}")
    body = {"messages": [{"content": f"use {SECRET}"}], SECRET: 1, "n": 3}
    out = r.json(body)
    assert SECRET not in str(out)
    assert out["n"] == 3
    assert r.text("AKIAABCDEFGHIJKLMNOP and ghp_" + "a" * 36) == "<redacted> and <redacted>"


def test_ordinary_text_is_left_alone():
    r = redactor()
    text = "Bearer bonds are certificates. The task-list has 12 items. skeleton-keys"
    assert r.text(text) == text


def test_uri_credentials_and_key_parameters_are_replaced():
    r = redactor()
    uri = r.uri("https://user:pw@example.test/v1/chat?api-version=2024&api-key=abc123&x=1")
    assert "pw" not in uri and "abc123" not in uri
    assert "api-version=2024" in uri and "x=1" in uri


def test_known_values_are_replaced_exactly():
    r = redactor().with_values(["my-upstream-token-1", None, "short"])
    assert r.text("token my-upstream-token-1 here") == "token <redacted> here"
    assert r.text("short") == "short"  # too short to redact safely


def test_find_reports_kind_and_position():
    found = list(redactor().find(f"xx {SECRET}"))
    assert [(f.kind, f.start) for f in found] == [("openai-style key", 3)]
