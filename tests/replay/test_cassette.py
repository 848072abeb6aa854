import json
import os

import httpx
import pytest
import vcr
from replay_fakes import chat, recorded, write_cassette

from harness.core.errors import CassetteError
from harness.replay import cassette


def test_round_trip_keeps_every_field(tmp_path):
    original = recorded(chat("hi"), "hello", offsets=[12, 30])
    original.origin = "somewhere"
    path = write_cassette(tmp_path / "c.yaml", [original])
    assert cassette.load(path) == [original]


def test_output_is_stable_and_reviewable(tmp_path):
    interactions = [recorded(chat("one"), "first answer", offsets=[1, 2]), recorded(chat("two"), "second")]
    text = cassette.dumps(interactions)
    assert cassette.dumps(cassette.loads(text, tmp_path / "c.yaml")) == text  # no churn on rewrite
    assert text.startswith("version: 1\ninteractions:\n- request:\n    method: POST\n    uri:")
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
        (lambda d: d["interactions"][1]["response"]["status"].update(code="ok"), "interaction 1 (0-based): response.status.code"),
        (lambda d: d["interactions"][0].pop("request"), "interaction 0 (0-based): request must be a mapping"),
        (lambda d: d["interactions"][1]["request"].update(uri=""), "interaction 1 (0-based): request.uri"),
        (lambda d: d["interactions"][0]["harness"].update(offsets_ms=[1]), "2 events"),
        (lambda d: d["interactions"][0]["request"].update(headers={"a": [1]}), "request.headers"),
        (lambda d: d.update(version=2), "unsupported cassette version 2"),
        (lambda d: d.pop("interactions"), "'interactions' list"),
    ],
)
def test_hand_edited_entries_are_named_by_index(tmp_path, edit, expected):
    data = json.loads(json.dumps({"version": 1, "interactions": [recorded(chat("a"), offsets=[1, 2]).to_vcr(), recorded(chat("b")).to_vcr()]}))
    edit(data)
    path = tmp_path / "edited.yaml"
    path.write_text(json.dumps(data))  # JSON is valid YAML
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
