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


# -- one scan for "does any pattern match?" before the replacements ----------------------------------

TEXTS = (
    "",
    "role",
    "nothing to see here",
    f"Authorization: Bearer {SECRET}",
    f"two {SECRET} and AKIAABCDEFGHIJKLMNOP then ghp_{'a' * 36}",
    "Bearer 123456789012abc= and -----BEGIN RSA PRIVATE KEY-----",
    f"xoxb-1234567890-abcdef hf_{'B' * 34} AIza{'C' * 35}",
    "sk-short",
)


def _one_pattern_at_a_time(r, text):
    for pattern in r.patterns.values():
        text = pattern.sub(r.placeholder, text)
    return text


def test_the_joined_prefilter_redacts_exactly_what_the_patterns_one_by_one_do():
    r = redactor()
    assert r._any_pattern is not None
    for text in TEXTS:
        assert r.text(text) == _one_pattern_at_a_time(r, text), text


def test_patterns_that_cannot_be_joined_safely_are_applied_one_by_one():
    import re

    from harness.replay.redaction import Redactor, any_of

    grouped = {"pair": re.compile(r"(ab)\1"), "plain": re.compile(r"zz+")}
    flagged = {"loud": re.compile(r"(?i)secret-[a-z]+")}
    assert any_of(grouped.values()) is None and any_of(flagged.values()) is None
    assert Redactor(grouped, (), frozenset()).text("abab zzz") == "<redacted> <redacted>"
    assert Redactor(flagged, (), frozenset()).text("SECRET-Key") == "<redacted>"
