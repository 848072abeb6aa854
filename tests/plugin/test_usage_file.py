"""The usage file `harness cassettes prune` trusts: written only by a full, green replay run of the project
the cassettes belong to; under pytest-xdist by the controller, from every worker's part, and only when
the whole run passed. Otherwise prune would delete entries the suites still need."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]

EARTH = """
def test_earth(openai_client):
    assert openai_client.responses.create(model="openai/gpt-4o", input="Which planet do humans live on?").output_text
"""
SATURN = """
def test_saturn(openai_client):
    events = list(openai_client.responses.create(
        model="openai/gpt-4o", input="Which planet has rings around it with a name starting with letter S?", stream=True))
    assert events[-1].type == "response.completed"
"""
FAILING = """
def test_fails(http_client):
    assert http_client.get("/v1/health").status_code == 500
"""


def _project(pytester: pytest.Pytester, *tests: str, cassettes: Path | None = None) -> Path:
    """A project with one suite of the given tests and a copy of the repository's cassettes (inside it
    unless ``cassettes`` says where)."""
    pytester.mkdir("suites")
    pytester.mkdir("suites/demo")
    for i, source in enumerate(tests):
        (pytester.path / f"suites/demo/test_{i}.py").write_text(source)
    target = cassettes or pytester.path / "cassettes"
    shutil.copytree(
        REPO / "cassettes", target, ignore=shutil.ignore_patterns(".usage.json*", "..usage.json*")
    )
    return target


def _run(pytester: pytest.Pytester, cassettes: Path, *extra: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess(
        "suites/demo",
        f"--cassette-dir={cassettes}",
        "-p",
        "no:cacheprovider",
        f"--deviations={REPO / 'harness' / 'bundled' / 'deviations.yaml'}",
        *extra,
        timeout=300,
    )


def test_a_green_full_run_records_what_it_used(pytester):
    cassettes = _project(pytester, EARTH)
    result = _run(pytester, cassettes)
    result.assert_outcomes(passed=1)
    usage = json.loads((cassettes / ".usage.json").read_text())
    assert len(usage["used"]) == 1 and len(usage["known"]) > 1


def test_a_project_pointed_at_cassettes_outside_it_does_not_speak_for_them(pytester, tmp_path_factory):
    """`./dev test` ran scratch projects against this repository's cassettes; each counted as a full run
    and wrote `used: []` into cassettes/.usage.json, so a following prune removed every entry."""
    cassettes = _project(pytester, EARTH, cassettes=tmp_path_factory.mktemp("elsewhere") / "cassettes")
    result = _run(pytester, cassettes)
    result.assert_outcomes(passed=1)
    assert not (cassettes / ".usage.json").exists()


def test_under_xdist_a_failing_test_on_another_worker_means_no_usage_file(pytester):
    """Each worker used to write its part when its own tests passed: the passing worker's part alone
    then said the failing test's entries were unused."""
    cassettes = _project(pytester, EARTH, FAILING)
    result = _run(pytester, cassettes, "-n", "2")
    result.assert_outcomes(passed=1, failed=1)
    assert not (cassettes / ".usage.json").exists()


def test_under_xdist_a_green_run_records_every_workers_entries(pytester):
    cassettes = _project(pytester, EARTH, SATURN)
    result = _run(pytester, cassettes, "-n", "2")
    result.assert_outcomes(passed=2)
    usage = json.loads((cassettes / ".usage.json").read_text())
    assert len(usage["used"]) == 2, usage["used"]  # one entry from each worker
    assert usage["run_id"] is None


def _own_project(pytester: pytest.Pytester) -> Path:
    """A project of its own: tests at the top, no suites/ folder."""
    pytester.makepyfile(test_earth=EARTH, test_saturn=SATURN)
    target = pytester.path / "cassettes"
    shutil.copytree(
        REPO / "cassettes", target, ignore=shutil.ignore_patterns(".usage.json*", "..usage.json*")
    )
    return target


def _run_own(pytester: pytest.Pytester, *paths: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess(
        *paths,
        "-p",
        "no:cacheprovider",
        f"--deviations={REPO / 'harness' / 'bundled' / 'deviations.yaml'}",
        timeout=300,
    )


def test_a_project_without_suites_records_a_green_run_of_the_whole_project(pytester):
    cassettes = _own_project(pytester)
    result = _run_own(pytester)
    result.assert_outcomes(passed=2)
    usage = json.loads((cassettes / ".usage.json").read_text())
    assert len(usage["used"]) == 2
    result.stdout.fnmatch_lines([f"cassette usage (harness cassettes prune): written to {cassettes}*"])


def test_a_run_of_one_file_of_a_project_says_why_it_records_nothing(pytester):
    cassettes = _own_project(pytester)
    result = _run_own(pytester, "test_earth.py")
    result.assert_outcomes(passed=1)
    assert not (cassettes / ".usage.json").exists()
    result.stdout.fnmatch_lines(
        [
            "cassette usage (harness cassettes prune): not written: the command line named test_earth.py: "
            "only a run of the whole project (no paths) tells which entries are unused"
        ]
    )
