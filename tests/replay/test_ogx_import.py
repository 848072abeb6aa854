"""The importer, on real recordings from OGX's own tests: 30 of the 321 files the committed cassettes were
imported from, picked to cover every shape (tests/data/PROVENANCE.md, tests/data/refresh_ogx_recordings.py)."""

import json
import shutil
from pathlib import Path

import pytest

from harness.core.errors import CassetteError
from harness.replay import CassetteLibrary, import_ogx_recordings

OGX_RECORDINGS = Path(__file__).resolve().parents[1] / "data" / "ogx-recordings"
REPO_CASSETTES = Path(__file__).resolve().parents[2] / "cassettes" / "ogx"
PLANET = {
    "model": "gpt-4o",
    "stream": True,
    "messages": [{"role": "user", "content": "Which planet do humans live on?"}],
    "stream_options": {"include_usage": True},
}  # exactly what OGX 1.5.0 sends upstream


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    dest = tmp_path_factory.mktemp("cassettes") / "ogx"
    return dest, import_ogx_recordings(OGX_RECORDINGS, dest)


def answer_text(entry):
    text = ""
    for event in entry.interaction.events():
        payload = event.decode().strip().removeprefix("data: ")
        if payload != "[DONE]":
            text += "".join(
                (c.get("delta") or {}).get("content") or "" for c in json.loads(payload)["choices"]
            )
    return text


def test_every_recording_is_read_and_identical_requests_share_one_entry(imported, rules):
    dest, report = imported
    assert report.files_read == 30
    library = CassetteLibrary.load(dest, rules)
    assert len(library) == report.entries_added == 30 - report.duplicates == 16  # service_tier: two requests
    assert (report.duplicates, report.conflicting) == (14, 6)
    assert sorted(p.relative_to(dest).as_posix() for p in library.files()) == [
        "responses/test_basic_responses.yaml",
        "responses/test_tool_responses.yaml",
    ]


def test_paths_are_normalised_and_streams_converted(imported, rules):
    dest, _ = imported
    for entry in CassetteLibrary.load(dest, rules).entries():
        interaction = entry.interaction
        assert interaction.path == "/v1/chat/completions"
        assert "/v1/v1/" not in interaction.uri
        events = interaction.events()
        assert events[-1] == b"data: [DONE]\n\n"
        assert all(e.startswith(b"data: {") and e.endswith(b"}\n\n") for e in events[:-1])
        assert "test_id" not in interaction.request_body


def test_the_kept_answer_is_the_one_a_recorded_follow_up_continues(imported, rules):
    dest, _ = imported
    library = CassetteLibrary.load(dest, rules)
    first = library.lookup(rules.canonical("POST", "/v1/chat/completions", json.dumps(PLANET)))
    assert answer_text(first) == "Humans live on Earth."
    follow_up = {
        **PLANET,
        "messages": PLANET["messages"]
        + [
            {"role": "assistant", "content": "Humans live on Earth."},
            {"role": "user", "content": "Repeat your previous response in all caps."},
        ],
    }
    second = library.lookup(rules.canonical("POST", "/v1/chat/completions", json.dumps(follow_up)))
    assert answer_text(second) == "HUMANS LIVE ON EARTH."


def test_reimport_is_idempotent(imported):
    dest, _ = imported
    before = {p: p.read_bytes() for p in dest.rglob("*.yaml")}
    again = import_ogx_recordings(OGX_RECORDINGS, dest)
    assert again.entries_added == 0 and again.cassettes == []
    assert {p: p.read_bytes() for p in dest.rglob("*.yaml")} == before


def test_the_committed_cassettes_are_what_the_importer_makes(imported, rules):
    """Each entry imported from the subset is the committed entry for that request, in the same file (the
    subset keeps, for every request it holds, the recording the import of all 321 files kept)."""
    dest, _ = imported
    committed = CassetteLibrary.load(REPO_CASSETTES, rules)
    for made in CassetteLibrary.load(dest, rules).entries():
        twin = committed.lookup(made.canonical)
        assert twin is not None, (
            f"{made.interaction.origin} is not in {REPO_CASSETTES}: re-run `harness cassettes import-ogx`"
        )
        assert twin.file.relative_to(REPO_CASSETTES) == made.file.relative_to(dest)
        assert twin.interaction == made.interaction, (
            f"{twin.ref} differs from a fresh import of {made.interaction.origin}"
        )


def test_a_file_that_is_not_an_ogx_recording_is_listed_and_the_rest_imported(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(OGX_RECORDINGS / "responses", src, ignore=lambda d, names: names[5:])
    (src / "zz-broken.json").write_text('{"test_id": "x", "request": {}}')
    (src / "zz-truncated.json").write_text('{"test_id": "x", "request": {"url": "https://api.openai')
    report = import_ogx_recordings(src, tmp_path / "out")
    assert report.files_read == 7 and len(report.corpus.recordings) == 5
    assert {(u.source.name, u.reason) for u in report.corpus.unreplayable} == {
        ("zz-broken.json", "not an OGX recording (no request and response objects)"),
        ("zz-truncated.json", "not valid JSON"),
    }
    assert "2 not replayable" not in report.render() and "1 not replayable: not valid JSON" in report.render()
    assert list((tmp_path / "out").rglob("*.yaml"))


def test_a_missing_source_directory_is_named(tmp_path):
    with pytest.raises(CassetteError, match="does not exist"):
        import_ogx_recordings(tmp_path / "absent", tmp_path / "out")


def test_served_in_place_a_body_is_rendered_when_first_read_and_is_the_text_the_importer_renders(rules):
    import dataclasses

    from harness.replay.ogx_recordings import RenderedOnRead, read_recording
    from harness.replay.redaction import Redactor

    nothing_to_redact = dataclasses.replace(rules, redactor=Redactor({}, (), frozenset()))
    files = sorted(OGX_RECORDINGS.rglob("*.json"))
    served = [read_recording(f, rules, redact=False) for f in files]
    imported = [read_recording(f, nothing_to_redact, redact=True) for f in files]
    pairs = [(a, b) for a, b in zip(served, imported, strict=True) if hasattr(a, "interaction")]
    assert len(pairs) > 20
    for lazy, eager in pairs:
        assert isinstance(lazy.interaction, RenderedOnRead)
        assert lazy.interaction._render is not None  # reading it did not render the body
        assert lazy.interaction.response_body == eager.interaction.response_body
        assert lazy.interaction._render is None  # rendered once, then kept
        assert lazy.interaction.events() == eager.interaction.events()


def test_served_in_place_the_endpoint_indexes_what_the_importer_keeps(tmp_path, rules):
    from harness.replay import ReplayEndpoint

    import_ogx_recordings(OGX_RECORDINGS, tmp_path / "cassettes")
    imported = {e.key: e.interaction for e in CassetteLibrary.load(tmp_path / "cassettes", rules).entries()}
    with ReplayEndpoint(tmp_path / "none", ogx_recordings=(OGX_RECORDINGS,)) as endpoint:
        served = {e.key: e.interaction for e in endpoint.library.entries()}
    assert served.keys() == imported.keys()
    for key, interaction in served.items():
        assert interaction.status == imported[key].status
        assert interaction.response_body == imported[key].response_body  # no secrets in these files
