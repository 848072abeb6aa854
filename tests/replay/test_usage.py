import json

import pytest
from replay_fakes import chat, recorded, write_cassette

from harness.core.errors import UsageError
from harness.replay import CassetteLibrary, MatchRules, prune, usage_path, write_usage
from harness.replay.cassette import load


def library_with(tmp_path, rules, prompts, name="a.yaml"):
    write_cassette(tmp_path / name, [recorded(chat(p), p) for p in prompts])
    return CassetteLibrary.load(tmp_path, rules)


def key_for(rules, prompt):
    return rules.canonical("POST", "/v1/chat/completions", json.dumps(chat(prompt))).key


def test_prune_refuses_without_a_usage_file(tmp_path, rules):
    library_with(tmp_path, rules, ["a"])
    with pytest.raises(UsageError) as caught:
        prune(tmp_path, rules=rules)
    text = caught.value.render()
    assert "no usage file" in text and ".usage.json" in text and "replay mode" in text
    assert len(load(tmp_path / "a.yaml")) == 1


def test_prune_removes_known_unused_entries_and_keeps_used_and_newer_ones(tmp_path, rules):
    library = library_with(tmp_path, rules, ["used", "unused", "also unused"])
    write_usage(tmp_path, rules, known=library.keys(), used={key_for(rules, "used")})
    write_cassette(tmp_path / "later.yaml", [recorded(chat("recorded after the run"))])
    dry = prune(tmp_path, rules=rules, dry_run=True)
    assert len(dry.removed) == 2 and len(load(tmp_path / "a.yaml")) == 3  # dry run changes nothing
    result = prune(tmp_path, rules=rules)
    assert [index for _, index, _ in result.removed] == [1, 2]
    assert ["used" in i.request_body for i in load(tmp_path / "a.yaml")] == [True]
    assert len(load(tmp_path / "later.yaml")) == 1
    assert result.kept == 2


def test_prune_deletes_a_cassette_left_empty(tmp_path, rules):
    library = library_with(tmp_path, rules, ["gone"])
    write_usage(tmp_path, rules, known=library.keys(), used=set())
    prune(tmp_path, rules=rules)
    assert not (tmp_path / "a.yaml").exists()


def test_prune_refuses_a_usage_file_from_other_rules(tmp_path, rules):
    library = library_with(tmp_path, rules, ["a"])
    other_rules_file = tmp_path / "rules.yaml"
    other_rules_file.write_text(rules.source.read_text().replace("- user ", "- userx "))
    write_usage(tmp_path, MatchRules.load(other_rules_file), known=library.keys(), used=set())
    with pytest.raises(UsageError, match="different matching rules"):
        prune(tmp_path, rules=rules)


def test_workers_of_one_run_merge_their_usage(tmp_path, rules):
    write_usage(tmp_path, rules, known={"k1", "k2"}, used={"k1"}, run_id="run-1")
    write_usage(tmp_path, rules, known={"k1", "k2"}, used={"k2"}, run_id="run-1")
    assert json.loads(usage_path(tmp_path).read_text())["used"] == ["k1", "k2"]
    write_usage(tmp_path, rules, known={"k1", "k2"}, used=set(), run_id="run-2")
    assert json.loads(usage_path(tmp_path).read_text())["used"] == []


def test_a_corrupt_usage_file_is_a_usage_error(tmp_path, rules):
    usage_path(tmp_path).write_text("{not json")
    with pytest.raises(UsageError, match="unreadable"):
        prune(tmp_path, rules=rules)
