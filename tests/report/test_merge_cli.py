"""``harness report merge``: bad input gets one message naming the file (value, what is allowed, fix) and
exit 2; jobs from different harness versions merge with a visible warning."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from harness.cli import main

# harness.report is imported inside the tests, not at collection: hypothesis draws constants from every
# local module loaded, and an early import changes what the seeded property-runner tests generate.

DATA = Path(__file__).resolve().parents[1] / "data"
RECORDED = DATA / "replay" / "results-library.json"


def recorded() -> dict:
    return json.loads(RECORDED.read_text())


def test_the_recorded_results_file_is_valid_under_the_shipped_schema():
    from harness.report import results

    assert results.validation_problems(recorded()) == []
    assert results.load(RECORDED)["version"] == results.VERSION


def test_the_schema_leaves_an_optional_reference_distance_field():
    from harness.report import results

    properties = results.schema()["properties"]
    assert "reference_distance" in properties and "reference_distance" not in results.schema()["required"]


def _merge(capsys, *paths: Path, output: Path) -> tuple[int, str, str]:
    code = main(["report", "merge", *map(str, paths), "-o", str(output)])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_results_file_of_another_version(tmp_path, capsys):
    document = recorded()
    document["version"] = 2
    document["harness_version"] = "9.9.0"
    bad = tmp_path / "job" / "results-server.json"
    bad.parent.mkdir()
    bad.write_text(json.dumps(document))
    code, out, err = _merge(capsys, tmp_path, output=tmp_path / "report.html")
    assert code == 2 and out == ""
    assert f"results file {bad} has version 2, written by router-harness 9.9.0" in err
    assert "value:   2" in err and "allowed: version 1" in err and "router-harness==9.9.0" in err
    assert not (tmp_path / "report.html").exists()


def test_a_truncated_results_file(tmp_path, capsys):
    text = RECORDED.read_text()
    bad = tmp_path / "results-library.json"
    bad.write_text(text[: len(text) // 2])
    code, _, err = _merge(capsys, bad, output=tmp_path / "report.html")
    assert code == 2
    assert f"results file {bad} is not complete JSON (it ends mid-document: truncated)" in err
    assert f"value:   {str(bad)!r}" in err and "allowed: a results-<mode>.json file" in err
    assert "fix:     the job that wrote it was probably cut off" in err


def test_a_file_that_breaks_the_schema(tmp_path, capsys):
    document = recorded()
    document["tests"][0]["passed"] = -1
    bad = tmp_path / "results-library.json"
    bad.write_text(json.dumps(document))
    code, _, err = _merge(capsys, bad, output=tmp_path / "report.html")
    assert code == 2
    assert (
        f"results file {bad} does not match the results schema at tests/0/passed: -1 is less than the minimum of 0"
        in err
    )


def test_a_directory_with_no_results(tmp_path, capsys):
    empty = tmp_path / "artifacts"
    empty.mkdir()
    (empty / "junit-library.xml").write_text("<testsuites/>")
    code, _, err = _merge(capsys, empty, output=tmp_path / "report.html")
    assert code == 2
    assert f"harness report: no results file under {empty}" in err
    assert (
        "allowed: directories holding results-*.json" in err and "fix:     run the suites there first" in err
    )


def test_a_json_file_that_is_not_a_results_file(tmp_path, capsys):
    other = tmp_path / "results-x.json"
    other.write_text('{"version": 1, "known": []}')
    code, _, err = _merge(capsys, other, output=tmp_path / "report.html")
    assert code == 2 and f"{other} is not a router-harness results file (format None)" in err


def test_different_harness_versions_merge_with_a_visible_warning(tmp_path, capsys):
    for name, version in (("a", "0.1.0"), ("b", "0.2.0")):
        document = recorded()
        document["harness_version"] = version
        (tmp_path / name).mkdir()
        (tmp_path / name / "results-library.json").write_text(json.dumps(document))
    code, out, err = _merge(capsys, tmp_path / "a", tmp_path / "b", output=tmp_path / "report.html")
    assert code == 0, err
    assert (
        "warning: These jobs ran different router-harness versions" in err
        and "0.1.0: " in err
        and "0.2.0: " in err
    )
    page = (tmp_path / "report.html").read_text()
    assert 'class="warning" role="alert"' in page and "different router-harness versions" in page
    assert "2 jobs (" in out


def test_the_same_version_merges_without_a_warning(tmp_path, capsys):
    shutil.copy(RECORDED, tmp_path / "results-library.json")
    code, _, err = _merge(capsys, tmp_path, output=tmp_path / "report.html")
    assert code == 0 and "warning" not in err
    assert 'role="alert"' not in (tmp_path / "report.html").read_text()


def test_the_markdown_view_renders_every_finding_of_the_results(tmp_path):
    from harness.report import markdown

    document = recorded()
    text = markdown.render(document)
    for finding in document["contract"]["findings"]:
        assert f"#### {finding['check']}: {finding['title']}" in text
    for row in document["tests"]:
        assert f"| {row['suite']} | {row['mode']} | {row['passed']} | {row['failed']} |" in text


@pytest.mark.parametrize("present", [True, False], ids=["with-reference", "without"])
def test_reference_distance_is_shown_only_when_results_carry_it(tmp_path, capsys, present):
    from harness.report import markdown

    document = recorded()
    if present:
        document["reference_distance"] = [
            {
                "route": "POST /v1/responses",
                "distance": 0.25,
                "compared": 8,
                "differing": 2,
                "reference": "openai",
            }
        ]
    path = tmp_path / "results-library.json"
    path.write_text(json.dumps(document))
    code, _, err = _merge(capsys, path, output=tmp_path / "report.html")
    assert code == 0, err
    page = (tmp_path / "report.html").read_text()
    assert ("Distance from the reference, per route" in page) is present
    assert ('id="reference"' in page) is present
    assert ("## Distance from the reference, per route" in markdown.render(document)) is present
