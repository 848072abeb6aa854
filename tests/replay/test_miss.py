import json

from replay_fakes import chat, recorded, write_cassette

from harness.core.errors import RecordingMissing
from harness.replay import CassetteLibrary
from harness.replay.miss import MAX_DIFF_LINES, recording_missing


def canonical(rules, body):
    return rules.canonical("POST", "/v1/chat/completions", json.dumps(body))


def test_a_miss_with_nothing_recorded_on_that_route_says_so(tmp_path, rules):
    miss = recording_missing(canonical(rules, chat("x")), None, nodeid=None, cassette_dir=tmp_path)
    assert isinstance(miss, RecordingMissing)
    text = miss.render()
    assert "nearest recording: none" in text
    assert "pytest <the failing test> --inference-mode=record-if-missing" in text


def test_the_diff_shows_only_what_differs_and_is_bounded(tmp_path, rules):
    long_prompt = "\n".join(f"line {i}" for i in range(10))
    write_cassette(tmp_path / "a.yaml", [recorded(chat(long_prompt, temperature=0.2))])
    library = CassetteLibrary.load(tmp_path, rules)
    request = canonical(rules, chat(long_prompt, temperature=0.7))
    miss = recording_missing(
        request, library.nearest(request), nodeid="t.py::test_it[a b]", cassette_dir=tmp_path
    )
    text = miss.render()
    assert '-  "temperature": 0.2' in text and '+  "temperature": 0.7' in text
    assert "line 3" not in text  # unchanged message content stays out of the diff
    assert "pytest 't.py::test_it[a b]' --inference-mode=record-if-missing" in text  # quoted for the shell
    assert miss.nodeid == "t.py::test_it[a b]" and miss.request is request


def test_a_huge_diff_is_cut(tmp_path, rules):
    write_cassette(
        tmp_path / "a.yaml",
        [recorded({"model": "m", "messages": [{"role": "user", "content": str(i)} for i in range(200)]})],
    )
    library = CassetteLibrary.load(tmp_path, rules)
    request = canonical(
        rules, {"model": "m", "messages": [{"role": "user", "content": str(i + 1000)} for i in range(200)]}
    )
    text = recording_missing(request, library.nearest(request), nodeid=None, cassette_dir=tmp_path).render()
    assert "more diff lines)" in text
    assert text.count("\n    ") <= MAX_DIFF_LINES + 5
