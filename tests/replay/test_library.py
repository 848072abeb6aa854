import json

from replay_fakes import chat, recorded, write_cassette

from harness.replay import CassetteLibrary
from harness.replay.cassette import load


def test_lookup_is_by_canonical_key(tmp_path, rules):
    write_cassette(tmp_path / "a.yaml", [recorded(chat("one"), "1"), recorded(chat("two"), "2")])
    library = CassetteLibrary.load(tmp_path, rules)
    noisy = json.dumps({**chat("two"), "stream_options": {"include_usage": True}, "user": "x"})
    entry = library.lookup(rules.canonical("POST", "/v1/chat/completions", noisy))
    assert entry is not None and '"2"' in entry.interaction.response_body
    assert entry.ref.endswith("a.yaml#1")
    assert library.lookup(rules.canonical("POST", "/v1/chat/completions", json.dumps(chat("three")))) is None


def test_files_are_found_recursively_and_hidden_files_skipped(tmp_path, rules):
    write_cassette(tmp_path / "x" / "y" / "deep.yaml", [recorded(chat("deep"))])
    write_cassette(tmp_path / ".hidden.yaml", [recorded(chat("hidden"))])
    (tmp_path / "notes.txt").write_text("not a cassette")
    library = CassetteLibrary.load(tmp_path, rules)
    assert [p.name for p in library.files()] == ["deep.yaml"]
    assert len(library) == 1


def test_identical_requests_share_one_entry(tmp_path, rules):
    library = CassetteLibrary(tmp_path, rules)
    target = tmp_path / "t.yaml"
    library.add(recorded(chat("same"), "first"), target=target)
    library.add(
        recorded({**chat("same"), "stream_options": {"include_usage": True}}, "second"), target=target
    )
    library.flush()
    stored = load(target)
    assert len(stored) == 1 and "first" in stored[0].response_body


def test_replace_updates_the_entry_where_it_lives(tmp_path, rules):
    write_cassette(tmp_path / "home.yaml", [recorded(chat("q"), "old answer"), recorded(chat("other"))])
    library = CassetteLibrary.load(tmp_path, rules)
    library.add(recorded(chat("q"), "new answer"), target=tmp_path / "elsewhere.yaml", replace=True)
    assert library.flush() == [tmp_path / "home.yaml"]
    stored = load(tmp_path / "home.yaml")
    assert "new answer" in stored[0].response_body and len(stored) == 2
    assert not (tmp_path / "elsewhere.yaml").exists()


def test_flush_merges_with_what_another_writer_wrote_meanwhile(tmp_path, rules):
    target = tmp_path / "shared.yaml"
    first, second = CassetteLibrary.load(tmp_path, rules), CassetteLibrary.load(tmp_path, rules)
    first.add(recorded(chat("from worker 1")), target=target)
    second.add(recorded(chat("from worker 2")), target=target)
    first.flush()
    second.flush()
    bodies = [i.request_body for i in load(target)]
    assert len(bodies) == 2 and "from worker 1" in bodies[0] and "from worker 2" in bodies[1]


def test_new_recordings_go_to_one_cassette_per_test_module(tmp_path, rules):
    library = CassetteLibrary(tmp_path, rules)
    assert (
        library.target_for("suites/responses/test_basic.py::test_x[a-b]")
        == tmp_path / "suites/responses/test_basic.yaml"
    )
    assert library.target_for(None) == tmp_path / "unattributed.yaml"
    assert library.target_for("../../etc/passwd.py::t") == tmp_path / "etc/passwd.yaml"


def test_nearest_prefers_same_route_and_model_and_closest_body(tmp_path, rules):
    write_cassette(
        tmp_path / "a.yaml",
        [
            recorded(chat("Which planet do humans live on?"), "Earth"),
            recorded(chat("Which planet has rings?"), "Saturn"),
            recorded(chat("Which planet do humans live on?", model="other-model"), "x"),
        ],
    )
    library = CassetteLibrary.load(tmp_path, rules)
    request = rules.canonical(
        "POST", "/v1/chat/completions", json.dumps(chat("Which planet do dolphins live on?"))
    )
    nearest = library.nearest(request)
    assert nearest.ref.endswith("a.yaml#0")
    assert library.nearest(rules.canonical("POST", "/v1/embeddings", "{}")) is None


def test_models_lists_recorded_models(tmp_path, rules):
    write_cassette(
        tmp_path / "a.yaml",
        [recorded(chat("a", model="m2")), recorded(chat("b", model="m1")), recorded(chat("c", model="m1"))],
    )
    assert CassetteLibrary.load(tmp_path, rules).models() == ["m1", "m2"]
