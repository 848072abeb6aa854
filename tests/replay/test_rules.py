import json

import pytest

from harness.core.errors import UsageError
from harness.replay import MatchRules

OGX_150_BODY = {  # what OGX 1.5.0 sent upstream for a non-streaming Responses request (seen end to end)
    "model": "gpt-4o",
    "stream": True,
    "messages": [{"role": "user", "content": "Which planet do humans live on?"}],
    "stream_options": {"include_usage": True},
}


def key(rules, body, method="POST", path="/v1/chat/completions"):
    return rules.canonical(method, path, json.dumps(body)).key


def test_fields_that_do_not_change_the_answer_are_ignored(rules):
    older = {k: v for k, v in OGX_150_BODY.items() if k != "stream_options"}
    noisy = {**OGX_150_BODY, "user": "u-123", "metadata": {"run": "42"}, "store": False}
    assert key(rules, OGX_150_BODY) == key(rules, older) == key(rules, noisy)


def test_key_order_and_number_spelling_do_not_matter(rules):
    reordered = dict(reversed(list(OGX_150_BODY.items())))
    assert key(rules, reordered) == key(rules, OGX_150_BODY)
    assert key(rules, {**OGX_150_BODY, "temperature": 1}) == key(rules, {**OGX_150_BODY, "temperature": 1.0})


def test_defaults_are_dropped_only_when_equal(rules):
    assert key(rules, {**OGX_150_BODY, "parallel_tool_calls": True}) == key(rules, OGX_150_BODY)
    assert key(rules, {**OGX_150_BODY, "parallel_tool_calls": False}) != key(rules, OGX_150_BODY)


@pytest.mark.parametrize(
    "change",
    [
        {"model": "gpt-4o-mini"},
        {"stream": False},
        {"temperature": 0.2},
        {"tools": [{"type": "function", "function": {"name": "f"}}]},
        {"messages": [{"role": "user", "content": "Which planet do dolphins live on?"}]},
    ],
)
def test_fields_that_change_the_answer_change_the_key(rules, change):
    assert key(rules, {**OGX_150_BODY, **change}) != key(rules, OGX_150_BODY)


def test_method_and_path_are_part_of_the_key(rules):
    assert key(rules, OGX_150_BODY, path="/v1/completions") != key(rules, OGX_150_BODY)
    assert key(rules, OGX_150_BODY, method="PUT") != key(rules, OGX_150_BODY)


def tool_turn(call_id, result_id=None):
    return {
        "model": "gpt-4o",
        "messages": [
            {"role": "user", "content": "weather?"},
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {
                        "index": 0,
                        "id": call_id,
                        "type": "function",
                        "function": {"name": "w", "arguments": "{}"},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": result_id or call_id, "content": "rain"},
        ],
    }


def test_tool_call_ids_are_renumbered_but_their_links_kept(rules):
    assert key(rules, tool_turn("call_AAA")) == key(rules, tool_turn("call_BBB"))
    assert key(rules, tool_turn("call_AAA", result_id="call_OTHER")) != key(rules, tool_turn("call_AAA"))


def test_secrets_are_redacted_before_hashing(rules):
    with_key = {
        **OGX_150_BODY,
        "messages": [{"role": "user", "content": "my key is sk-abcdefghijklmnopqrstuvwx"}],
    }
    redacted = {**OGX_150_BODY, "messages": [{"role": "user", "content": "my key is <redacted>"}]}
    canonical = rules.canonical("POST", "/v1/chat/completions", json.dumps(with_key))
    assert "sk-abc" not in canonical.body
    assert canonical.key == key(rules, redacted)


def test_non_json_bodies_are_compared_as_text(rules):
    a = rules.canonical("POST", "/v1/x", b"plain text")
    assert a.key == rules.canonical("POST", "/v1/x", b"plain text").key
    assert a.key != rules.canonical("POST", "/v1/x", b"other text").key
    assert rules.canonical("GET", "/v1/models", b"").body == ""


def test_model_is_extracted_for_nearest_search(rules):
    assert rules.canonical("POST", "/v1/chat/completions", json.dumps(OGX_150_BODY)).model == "gpt-4o"


def test_the_rule_file_has_a_digest_and_version(rules):
    assert rules.version == 1
    assert len(rules.digest) == 64
    assert MatchRules.load(rules.source).digest == rules.digest


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version: 1\nbody: [unclosed\n", "not valid YAML at line"),
        ("version: 2\n", "unsupported version"),
        ("version: 1\nmatch: {}\n", "unknown top-level key"),
        ("version: 1\nredact:\n  patterns:\n    broken: '(['\n", "not a valid regular expression"),
        ("version: 1\nbody:\n  renumber: ['messages..id']\n", "not a field path"),
        ("- a list\n", "top level must be a mapping"),
    ],
)
def test_a_bad_rule_file_is_a_usage_error_naming_the_file(tmp_path, text, expected):
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    with pytest.raises(UsageError) as caught:
        MatchRules.load(path)
    assert expected in caught.value.message
    assert str(path) in caught.value.message
    assert caught.value.fix


def test_a_missing_rule_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="cannot read the matching rule file"):
        MatchRules.load(tmp_path / "absent.yaml")
