"""The deviations file: clear errors for a malformed one; matching marks failures as expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.contract import Deviations
from harness.core.bundled import DEVIATIONS
from harness.core.errors import UsageError
from harness.core.failure import CheckFailure, ExpectedFailure

REPO = Path(__file__).resolve().parents[2]


def _failure(
    check="status_code_declared", operation="GET /v1/responses/{response_id}", status=404
) -> CheckFailure:
    return CheckFailure(
        check=check, title=f"status {status} is not declared", operation=operation, status=status
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("check: x\n", "must be a YAML list"),
        ("- just a string\n", "entry 1: an entry must be a mapping"),
        (
            "- {check: status_code_declared, operation: '*', reason: r, why: x}\n",
            "entry 1: unknown key(s) 'why'",
        ),
        ("- {check: status_code_declared, reason: r}\n", "entry 1: missing key(s) operation"),
        (
            "- {check: status_code_declared, operation: '*', reason: r}\n- {check: nope, operation: '*', reason: r}\n",
            "entry 2: unknown check 'nope'",
        ),
        (
            "- {check: status_code_declared, operation: /v1/x, reason: r}\n",
            "must be 'METHOD /path/template' or '*'",
        ),
        ("- {check: status_code_declared, operation: '*', reason: 3}\n", "'reason' must be a string"),
        ("- [unclosed\n", "is not valid YAML"),
        (
            "- {check: status_code_declared, operation: '*', reason: r, status: '40'}\n",
            "status '40' is not an HTTP",
        ),
        (
            "- {check: status_code_declared, operation: '*', reason: r, status: '404, 6xx'}\n",
            "status '6xx' is not",
        ),
    ],
)
def test_malformed_files_name_the_file_the_entry_and_the_allowed_keys(tmp_path, text, message):
    path = tmp_path / "deviations.yaml"
    path.write_text(text)
    with pytest.raises(UsageError) as info:
        Deviations.load(path)
    rendered = str(info.value)
    assert message in rendered and str(path) in rendered and "fix:" in rendered
    if "entry" in message and "unknown check" not in message:
        assert "check, operation, reason, target" in rendered


def test_missing_file(tmp_path):
    with pytest.raises(UsageError, match="cannot read the deviations file"):
        Deviations.load(tmp_path / "nope.yaml")


def test_an_empty_file_declares_nothing(tmp_path):
    (tmp_path / "d.yaml").write_text("# nothing yet\n")
    assert len(Deviations.load(tmp_path / "d.yaml")) == 0


def test_matching_by_check_operation_pattern_and_target():
    deviations = Deviations.from_list(
        [
            {
                "check": "status_code_declared",
                "operation": "GET /v1/responses/*",
                "reason": "r1",
                "target": "ogx-1.5.*",
            },
            {"check": "error_format_consistent", "operation": "*", "reason": "r2"},
        ]
    )
    assert deviations.match(_failure(), target="ogx-1.5.0").reason == "r1"
    assert deviations.match(_failure(), target="llama-stack-0.7.3") is None
    assert deviations.match(_failure(), target=None) is None  # a target-bound entry needs the run's target
    assert (
        deviations.match(_failure(operation="DELETE /v1/responses/{response_id}"), target="ogx-1.5.0") is None
    )
    assert deviations.match(_failure("error_format_consistent", None)).reason == "r2"
    both = Deviations.from_list(
        [
            {
                "check": "get_after_delete",
                "operation": "*",
                "reason": "r3",
                "target": "ogx-1.5.*, llama-stack-0.7.3",
            }
        ]
    )
    assert both.match(_failure("get_after_delete"), target="llama-stack-0.7.3").reason == "r3"
    assert both.match(_failure("get_after_delete"), target="ogx-1.5.0").reason == "r3"
    assert both.match(_failure("get_after_delete"), target="ogx-1.6.0") is None


def test_a_status_narrows_an_entry_to_the_responses_it_names():
    """An entry for an undeclared 404 does not also excuse an undeclared 409 on the same operation."""
    deviations = Deviations.from_list(
        [
            {
                "check": "status_code_declared",
                "operation": "GET /v1/responses/*",
                "reason": "gone",
                "status": "404",
            },
            {
                "check": "status_code_declared",
                "operation": "POST /v1/files",
                "reason": "limits",
                "status": "413, 5xx",
            },
            {"check": "status_code_declared", "operation": "PUT /v1/x", "reason": "yaml int", "status": 409},
        ]
    )
    assert deviations.match(_failure()).reason == "gone"
    assert deviations.match(_failure(status=409)) is None
    assert deviations.match(_failure(status=None)) is None  # a finding about no response
    assert deviations.match(_failure(operation="POST /v1/files", status=413)).reason == "limits"
    assert deviations.match(_failure(operation="POST /v1/files", status=503)).reason == "limits"
    assert deviations.match(_failure(operation="POST /v1/files", status=404)) is None
    assert deviations.match(_failure(operation="PUT /v1/x", status=409)).reason == "yaml int"


def test_apply_marks_but_never_drops_and_tracks_unused():
    deviations = Deviations.from_list(
        [
            {"check": "status_code_declared", "operation": "*", "reason": "known"},
            {"check": "sse_event_field", "operation": "*", "reason": "unused"},
        ]
    )
    raised = [_failure(), _failure("not_a_server_error")]
    failures = deviations.apply(raised)
    assert [f.expected_reason for f in failures] == ["known", None]
    assert "expected failure (declared deviation): known" in failures[0].render()
    # the declared one is wrapped, the one raised is left as it was; the other is passed through
    assert isinstance(failures[0], ExpectedFailure) and failures[0].failure == raised[0]
    assert raised[0].expected_reason is None and failures[1] is raised[1]
    assert [d.reason for d in deviations.unused()] == ["unused"]


def test_the_repository_deviations_file_loads():
    deviations = Deviations.load(DEVIATIONS)
    targets = {t.strip() for d in deviations for t in (d.target or "").split(",")}
    assert targets <= {"ogx-1.5.0", "llama-stack-0.7.3"}, targets  # every entry names the app it is about
    assert sum(d.target == "ogx-1.5.0" for d in deviations) >= 5
    # every undeclared-status entry says which status it excuses
    assert all(d.status for d in deviations if d.check == "status_code_declared")


def test_error_formats_seen_only_on_different_workers_are_compared():
    """pytest-xdist: each worker's error_format_consistent sees only its own errors; the controller
    reports each shape no worker's finding mentions, against the run's first shape."""
    from harness.contract import ErrorSample, mixed_across_parts

    detail = ErrorSample('{"detail": …}', 404, "GET /v1/x/{id}", '{"detail":"no"}', "curl a", "t::a")
    error = ErrorSample('{"error": {…}}', 400, "POST /v1/x", '{"error":{}}', "curl b", "t::b")
    problem = ErrorSample("RFC 7807", 409, "PUT /v1/x", "{}", "curl c", "t::c")
    assert mixed_across_parts([[detail], [detail]], set()) == []  # one format everywhere
    [found] = mixed_across_parts([[detail], [error]], set())
    assert found.check == "error_format_consistent" and (found.status, found.operation) == (400, "POST /v1/x")
    assert '400 from POST /v1/x answered {"error": {…}}, but 404 from GET /v1/x/{id}' in found.title
    assert "t::a and t::b" in found.render()
    # a worker already reported detail vs error; only the third format, seen elsewhere, is new
    [third] = mixed_across_parts([[detail, error], [problem]], {frozenset({detail.shape, error.shape})})
    assert third.status == 409


OWN = """
- include: bundled
- check: status_code_declared
  operation: GET /v1/own
  reason: the project's own
"""


def test_a_project_file_adds_its_entries_to_the_bundled_ones(tmp_path):
    (tmp_path / "mine.yaml").write_text(OWN)
    bundled = Deviations.load(DEVIATIONS)
    mine = Deviations.load(tmp_path / "mine.yaml")
    assert len(mine) == len(bundled) + 1
    assert [e.reason for e in list(mine)[: len(bundled)]] == [e.reason for e in bundled]
    assert list(mine)[-1].operation == "GET /v1/own"


def test_an_include_is_relative_to_the_including_file(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "base.yaml").write_text(
        "- check: status_code_declared\n  operation: '*'\n  reason: r\n"
    )
    (tmp_path / "mine.yaml").write_text("- include: sub/base.yaml\n")
    assert len(Deviations.load(tmp_path / "mine.yaml")) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- include: nope.yaml\n", "include: 'nope.yaml' names no deviations file"),
        ("- include: mine.yaml\n", "includes a file that is already being read (a cycle)"),
    ],
)
def test_a_bad_include_is_named(tmp_path, text, message):
    (tmp_path / "mine.yaml").write_text(text)
    with pytest.raises(UsageError) as raised:
        Deviations.load(tmp_path / "mine.yaml")
    assert message in raised.value.message and "mine.yaml, entry 1" in raised.value.message
