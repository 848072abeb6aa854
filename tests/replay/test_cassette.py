import json
import os
import re
from pathlib import Path

import httpx
import pytest
import vcr
from replay_fakes import chat, recorded, write_cassette

from harness.core.errors import CassetteError
from harness.replay import ReplayEndpoint, cassette


def test_round_trip_keeps_every_field(tmp_path):
    original = recorded(chat("hi"), "hello", offsets=[12, 30])
    original.origin = "somewhere"
    path = write_cassette(tmp_path / "c.yaml", [original])
    assert cassette.load(path) == [original]


def test_output_is_stable_and_reviewable(tmp_path):
    interactions = [recorded(chat("one"), "first answer", offsets=[1, 2]), recorded(chat("two"), "second")]
    text = cassette.dumps(interactions)
    assert cassette.dumps(cassette.loads(text, tmp_path / "c.yaml")) == text  # no churn on rewrite
    assert text.startswith("version: 2\ninteractions:\n- request:\n    method: POST\n    uri:")
    assert text.index("\nentries: 2\n") > text.rindex(
        "data: [DONE]"
    )  # written last: a file cut anywhere loses it
    # each stream event and each request-body line is a line of its own in a diff
    assert '\n        data: {"choices": [{"index": 0, "delta": {"content": "first answer"}}]}\n' in text
    assert '\n        "model": "fake-model",\n' in text
    assert "offsets_ms: [1, 2]" in text


@pytest.mark.parametrize("serializer", ["yaml", "json"])
def test_vcrpy_can_replay_our_cassettes(tmp_path, serializer):
    interaction = recorded(chat("hi"), "hello from the cassette")
    if serializer == "yaml":
        path = write_cassette(tmp_path / "ours.yaml", [interaction])
    else:  # the same document in vcrpy's JSON serializer format, which we also read
        path = tmp_path / "ours.json"
        path.write_text(json.dumps({"version": 1, "interactions": [interaction.to_vcr()]}, indent=4))
        assert cassette.load(path) == [interaction]
    with vcr.use_cassette(str(path), serializer=serializer, record_mode="none"):
        response = httpx.post(interaction.uri, content=interaction.request_body)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/event-stream"
    assert response.text == interaction.response_body


def test_invalid_yaml_names_file_line_and_fix(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("version: 1\ninteractions:\n- request: {method: POST\n")
    with pytest.raises(CassetteError) as caught:
        cassette.load(path)
    message = caught.value.render()
    assert str(path) in message and "invalid YAML at line" in message
    assert "git checkout -- " in message and "record-if-missing" in message


def test_invalid_json_names_line(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"version": 1,\n "interactions": [}\n')
    with pytest.raises(CassetteError, match=r"invalid JSON at line 2"):
        cassette.load(path)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda d: d["interactions"][1]["response"]["status"].update(code="ok"),
            "interaction 1 (0-based, line 5): response.status.code",
        ),
        (
            lambda d: d["interactions"][0].pop("request"),
            "interaction 0 (0-based, line 4): request must be a mapping",
        ),
        (
            lambda d: d["interactions"][1]["request"].update(uri=""),
            "interaction 1 (0-based, line 5): request.uri",
        ),
        (lambda d: d["interactions"][0]["harness"].update(offsets_ms=[1]), "2 events"),
        (lambda d: d["interactions"][0]["request"].update(headers={"a": [1]}), "request.headers"),
        (lambda d: d.update(version=3), "unsupported cassette version 3"),
        (lambda d: d.pop("interactions"), "'interactions' list"),
    ],
)
def test_hand_edited_entries_are_named_by_index_and_line(tmp_path, edit, expected):
    data = json.loads(
        json.dumps(
            {
                "version": 2,
                "interactions": [recorded(chat("a"), offsets=[1, 2]).to_vcr(), recorded(chat("b")).to_vcr()],
                "entries": 2,
            }
        )
    )
    edit(data)
    path = tmp_path / "edited.yaml"
    path.write_text(
        "{\n"
        + ",\n".join(
            f"{json.dumps(k)}: {json.dumps(v)}"
            if k != "interactions"
            else '"interactions": [\n' + ",\n".join(json.dumps(i) for i in v) + "]"
            for k, v in data.items()
        )
        + "}\n"
    )  # JSON is valid YAML; one entry per line
    with pytest.raises(CassetteError) as caught:
        cassette.load(path)
    assert expected in caught.value.message
    assert str(path) in caught.value.message


def test_an_interrupted_write_leaves_the_old_cassette_intact(tmp_path, monkeypatch):
    path = write_cassette(tmp_path / "c.yaml", [recorded(chat("old"))])
    before = path.read_bytes()

    def crash(*args):
        raise KeyboardInterrupt  # e.g. Ctrl-C between writing the temp file and renaming it

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        cassette.save(path, [recorded(chat("new"))])
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.yaml"]  # no temp file left behind


def test_writes_keep_the_file_mode(tmp_path):
    path = write_cassette(tmp_path / "c.yaml", [recorded(chat("a"))])
    assert path.stat().st_mode & 0o777 == 0o644 & ~_umask()
    path.chmod(0o664)
    cassette.save(path, [recorded(chat("b"))])
    assert path.stat().st_mode & 0o777 == 0o664


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


REPO_CASSETTE = (
    Path(__file__).resolve().parents[2] / "cassettes" / "ogx" / "responses" / "test_basic_responses.yaml"
)


def _corrupt_entry(tmp_path, index, old, new):
    """A copy of a real committed cassette with one string replaced inside entry ``index``."""
    text = REPO_CASSETTE.read_text()
    starts = [m.start() for m in re.finditer(r"^- request:", text, flags=re.M)] + [len(text)]
    entry = text[starts[index] : starts[index + 1]]
    assert old in entry
    path = tmp_path / "responses" / REPO_CASSETTE.name
    path.parent.mkdir()
    path.write_text(text[: starts[index]] + entry.replace(old, new, 1) + text[starts[index + 1] :])
    return path, text[: starts[index]].count("\n") + 1


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        ('"model": "gpt-4o",', '"model": "gpt-4o"', "request.body is not valid JSON (application/json)"),
        (
            'data: {"id": "rec-',
            'data: {"id" "rec-',
            "response.body.string, stream event 0 (0-based) is not valid JSON (a JSON event or [DONE])",
        ),
    ],
    ids=["request body", "stream event"],
)
def test_an_entry_whose_body_is_not_json_is_named_by_file_entry_and_line(tmp_path, old, new, where):
    path, line = _corrupt_entry(tmp_path, 5, old, new)
    with pytest.raises(CassetteError) as caught:
        cassette.load(path)
    message = caught.value.render()
    assert f"cassette {path} is unusable: interaction 5 (0-based, line {line}): {where}" in message
    assert path.read_text().splitlines()[line - 1] == "- request:"
    assert "git checkout -- " in message and "record-if-missing" in message


def test_a_json_response_that_does_not_parse_is_named(tmp_path):
    interaction = recorded(chat("hi"))
    interaction.response_headers = {"content-type": ["application/json; charset=utf-8"]}
    interaction.response_body = '{"id": "cmpl-1", "choices": [{"message": {"content": "cut'
    path = tmp_path / "c.yaml"
    path.write_text(cassette.dumps([recorded(chat("first")), interaction]))
    with pytest.raises(
        CassetteError,
        match=r"interaction 1 \(0-based, line \d+\): response.body.string is not valid JSON \(application/json; charset=utf-8\)",
    ):
        cassette.load(path)


def test_bodies_that_do_not_claim_to_be_json_are_not_parsed(tmp_path):
    interaction = recorded(chat("hi"))
    interaction.request_headers = {"content-type": ["text/plain"]}
    interaction.request_body = "{not json, and not claimed to be"
    interaction.response_headers = {"content-type": ["text/plain"]}
    interaction.response_body = "plain {"
    path = write_cassette(tmp_path / "c.yaml", [interaction])
    assert cassette.load(path) == [interaction]


def test_the_replay_endpoint_refuses_a_corrupt_entry_before_any_request(tmp_path):
    path, line = _corrupt_entry(tmp_path, 2, 'data: {"id": "rec-', 'data: {"id": "rec-"broken')
    with pytest.raises(CassetteError) as caught:
        ReplayEndpoint(tmp_path)
    assert f"{path} is unusable: interaction 2 (0-based, line {line})" in caught.value.message
