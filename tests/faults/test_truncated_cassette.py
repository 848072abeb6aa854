"""A cassette cut short (an interrupted copy, a bad merge, a full disk) must not load as a smaller,
valid one. Cut a real committed cassette at every entry boundary, where the rest is still valid YAML,
and inside entries: every cut is an error naming the file and saying how to get it back."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from harness.core.errors import CassetteError
from harness.replay import ReplayEndpoint, cassette

REPO = Path(__file__).resolve().parents[2]
REAL = REPO / "cassettes" / "ogx" / "responses" / "test_tool_responses.yaml"
TEXT = REAL.read_text()
BOUNDARIES = [m.start() for m in re.finditer(r"^- request:", TEXT, flags=re.M)][1:]  # after entry 0, 1, ...
COUNT = int(re.search(r"\nentries: (\d+)\n", TEXT)[1])  # what the file says it holds, written last


def cut(tmp_path, at: int) -> Path:
    path = tmp_path / "responses" / REAL.name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(TEXT[:at])
    return path


def test_the_whole_file_loads():
    assert len(cassette.load(REAL)) == len(BOUNDARIES) + 1 == COUNT


@pytest.mark.parametrize("entries_left", [1, 2, 20, COUNT - 1])
def test_a_cut_at_an_entry_boundary_is_named_as_incomplete(tmp_path, entries_left):
    path = cut(tmp_path, BOUNDARIES[entries_left - 1])
    assert isinstance(
        cassette._parse(path.read_text(), path)[0], dict
    )  # still valid YAML: only the count tells
    with pytest.raises(CassetteError) as caught:
        cassette.load(path)
    message = caught.value.render()
    assert f"cassette {path} is incomplete: it ends without its 'entries: N' line" in message
    assert f"git checkout -- {path}" in message and "--inference-mode=record-if-missing" in message


def test_every_cut_anywhere_is_an_error(tmp_path):
    """Every cut point from the last entry's start to the end (inside its body, its block literal, the
    count line itself) fails, as a YAML error or as incomplete; none loads."""
    start = BOUNDARIES[-1]
    loaded = []
    for at in list(range(start, len(TEXT) - len("...\n"), 97)) + list(
        range(len(TEXT) - 40, len(TEXT) - len("...\n"))
    ):
        if TEXT[:at].rstrip() == TEXT.rstrip().removesuffix("...").rstrip():
            continue  # only the end-of-document marker is gone: the file is whole
        try:
            cassette.loads(TEXT[:at], Path("cut.yaml"))
            loaded.append(at)
        except CassetteError as error:
            assert "cut.yaml" in error.message
    assert loaded == []


@pytest.mark.parametrize(
    "at",
    [0, len("version: 2\n"), len("version: 2\ninteractions:\n"), BOUNDARIES[0] // 2],
    ids=["empty", "version only", "no entry", "inside the first entry"],
)
def test_a_file_cut_before_its_first_entry_ends_is_incomplete(at):
    with pytest.raises(CassetteError) as caught:
        cassette.loads(TEXT[:at], Path("cut.yaml"))
    assert "cassette cut.yaml is incomplete" in caught.value.message
    assert "git checkout -- cut.yaml" in caught.value.render()


def test_a_count_that_disagrees_is_named(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text(TEXT.replace(f"\nentries: {COUNT}\n", f"\nentries: {COUNT - 1}\n"))
    with pytest.raises(CassetteError, match=rf"'entries: {COUNT - 1}' but {COUNT} interactions remain"):
        cassette.load(path)


def test_the_replay_endpoint_refuses_a_cut_cassette_at_start(tmp_path):
    path = cut(tmp_path, BOUNDARIES[9])
    shutil.copy(REAL.with_name("test_basic_responses.yaml"), path.with_name("test_basic_responses.yaml"))
    with pytest.raises(CassetteError, match=re.escape(f"cassette {path} is incomplete")):
        ReplayEndpoint(tmp_path)


def test_a_version_1_file_is_read_as_the_documented_exception(tmp_path):
    """Version 1 (vcrpy's files, cassettes written before the count) carries nothing to check: it is read
    as it is, and rewritten as version 2 by the next write."""
    path = tmp_path / "old.yaml"
    path.write_text(TEXT.replace("version: 2\n", "version: 1\n", 1).replace(f"\nentries: {COUNT}\n", "\n"))
    interactions = cassette.load(path)
    assert len(interactions) == COUNT
    cassette.save(path, interactions)
    assert path.read_text() == TEXT
