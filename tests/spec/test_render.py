import json

from harness.spectools import (
    changes_json,
    changes_text,
    diff,
    lint_json,
    lint_report,
    lint_text,
    load_suppressions,
    partition,
)

from .helpers import get_op, make_spec, obj, ref, tagged

DOC = make_spec(
    {"A": tagged("a"), "U": {"oneOf": [ref("A"), ref("A")]}, "E1": {"enum": ["x"]}, "E2": {"enum": ["y"]}}
)


def test_lint_json_is_parseable_and_stable():
    report = lint_report(DOC)
    data = json.loads(lint_json(report))
    assert list(data) == ["spec", "openapi", "summary", "findings", "suppressed", "unused_suppressions"]
    assert data["summary"]["error"] == sum(1 for f in data["findings"] if f["severity"] == "error") >= 1
    assert lint_json(report) == lint_json(lint_report(DOC))


def test_lint_text_shows_errors_in_full_and_collapses_info():
    text = lint_text(lint_report(DOC))
    assert "error   union-duplicate-variant  /components/schemas/U" in text
    assert "  fix: " in text and "  evidence:" in text
    assert "enum-single-member ×2 (info)" in text
    assert "/components/schemas/E1/enum" in lint_text(lint_report(DOC), show_all=True)


def test_change_renderings():
    old = make_spec({"S": obj(["a"], a={"type": "string"})}, get_op(ref("S")))
    new = make_spec({"S": obj(a={"type": "string"})}, get_op(ref("S")))
    split = partition(diff(old, new), load_suppressions(None))
    data = json.loads(changes_json("old.yaml", "new.yaml", split))
    assert data["summary"] == {"breaking": 1, "warning": 0, "info": 0, "suppressed": 0}
    assert data["changes"][0]["operations"] == ["POST /v1/things"]
    text = changes_text("old.yaml", "new.yaml", split)
    assert "breaking response-property-became-optional  /components/schemas/S/properties/a" in text
    assert "affects: POST /v1/things" in text
    assert text.endswith("old.yaml → new.yaml: 1 breaking change, 0 warnings, 0 info changes, 0 suppressed")
