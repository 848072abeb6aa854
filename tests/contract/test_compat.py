"""The compatibility table: per route and reference check, findings over exchanges; routes the reference
lacks listed apart; the same text from a results file (``harness compat``)."""

from __future__ import annotations

import json

import pytest

from harness.cli import main
from harness.contract.compat import compat_data, read_compat, render_compat, write_compat
from harness.core.errors import UsageError
from harness.core.failure import CheckFailure

ROUTES = {
    ("GET /v1/conversations/{conversation_id}", "GET /conversations/{conversation_id}"): 4,
    ("GET /v1/prompts", ""): 2,
}
FINDINGS = [
    CheckFailure(
        "reference_error_schema",
        "differs from OpenAI's API: …",
        operation="GET /v1/conversations/{conversation_id}",
    ).expected("declared"),
    CheckFailure(
        "reference_error_schema",
        "differs from OpenAI's API: …",
        operation="GET /v1/conversations/{conversation_id}",
    ),
    CheckFailure(
        "response_schema", "differs from its own spec: …", operation="GET /v1/conversations/{conversation_id}"
    ),
]


def test_cells_count_findings_over_exchanges_and_routes_not_covered_are_apart():
    text = "\n".join(render_compat(compat_data("OpenAI's API", ROUTES, FINDINGS)))
    row = next(line for line in text.splitlines() if line.startswith("| `GET /v1/conversations"))
    assert row.split(" | ")[2:5] == ["4", "—", "—"] and "| 2/4 |" in row  # own-spec findings are not counted
    assert "Not covered by the reference (not findings): 1 routes, 2 exchanges: `GET /v1/prompts`" in text


def test_a_route_with_only_declared_deviations_is_marked():
    text = "\n".join(render_compat(compat_data("OpenAI's API", ROUTES, FINDINGS[:1])))
    assert "| 1/4* |" in text


def test_harness_compat_prints_the_same_table_from_the_results_file(tmp_path, capsys):
    data = compat_data("OpenAI's API", ROUTES, FINDINGS)
    path = write_compat(tmp_path / "compat-library.json", json.loads(json.dumps(data)))
    assert main(["compat", str(path)]) == 0
    assert capsys.readouterr().out.strip() == "\n".join(render_compat(data)).strip()


def test_a_missing_or_foreign_results_file_says_what_it_expected(tmp_path, capsys):
    with pytest.raises(UsageError, match="no such results file"):
        read_compat(tmp_path / "nope.json")
    other = tmp_path / "junit.json"
    other.write_text("{}")
    assert main(["compat", str(other)]) == 2
    assert "compat-<mode>.json" in capsys.readouterr().err
