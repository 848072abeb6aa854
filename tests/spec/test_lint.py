import pytest

from harness.core.errors import UsageError
from harness.core.failure import CheckFailure
from harness.core.registry import checks
from harness.spectools import RULES, lint, lint_report, load_suppressions

from .helpers import COMMITTED, make_spec, ref, tagged

DOC = make_spec(
    {
        "A": tagged("a"),
        "Alias": ref("A"),
        "U": {"oneOf": [ref("A"), ref("Alias")]},
        "V": {"oneOf": [ref("A"), ref("A")]},
        "E": {"enum": ["x"]},
    }
)


def test_findings_carry_rule_severity_pointer_message_hint():
    findings = lint(DOC)
    assert {f.rule for f in findings} >= {"union-duplicate-variant", "enum-single-member"}
    for f in findings:
        d = f.to_dict()
        assert set(d) >= {"rule", "severity", "pointer", "message", "hint"}
        assert d["pointer"].startswith("/") and d["hint"]
    assert findings == sorted(findings, key=lambda f: f.sort_key())


def test_suppressions_by_pointer_glob_and_rule(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(
        "suppressions:\n"
        "  - pointer: /components/schemas/U\n    rule: union-duplicate-variant\n    reason: reviewed\n"
        "  - pointer: /components/schemas/E*\n    reason: fixed later\n"
        "  - pointer: /components/schemas/Nothing\n    reason: stale\n"
    )
    report = lint_report(DOC, path)
    remaining = {(f.rule, f.pointer) for f in report.findings}
    assert ("union-duplicate-variant", "/components/schemas/U") not in remaining
    assert ("union-duplicate-variant", "/components/schemas/V") in remaining
    assert not any(f.pointer.startswith("/components/schemas/E") for f in report.findings)
    assert [s.reason for _, s in report.suppressed] == ["reviewed", "fixed later"]
    assert [s.pointer for s in report.unused] == ["/components/schemas/Nothing"]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"suppressions": [{"pointer": "/x"}]}, "has no reason"),
        ({"suppressions": [{"reason": "r"}]}, "has no JSON pointer"),
        ({"suppressions": {"pointer": "/x"}}, "expected a list of suppressions, found a mapping"),
        (
            {"version": 2, "providers": {}},
            r"no top-level `suppressions:` key \(its keys: version, providers\)",
        ),
        ({"suppressions": [{"pointer": "/x", "reason": "r", "rule": 3}]}, "non-text rule"),
    ],
)
def test_bad_suppressions_are_usage_errors(data, message):
    with pytest.raises(UsageError, match=message):
        load_suppressions(data)


def test_an_empty_suppressions_key_suppresses_nothing():
    assert load_suppressions({"suppressions": None}).entries == []


def test_rule_selection_and_unknown_rules():
    assert {f.rule for f in lint(DOC, rules=["enum-single-member"])} == {"enum-single-member"}
    with pytest.raises(UsageError) as caught:
        lint(DOC, rules=["no-such-rule"])
    assert "union-overlap" in caught.value.render()  # the error lists the allowed ids


def test_lint_is_deterministic_on_a_real_spec():
    first = [f.to_dict() for f in lint(COMMITTED)]
    second = [f.to_dict() for f in lint(COMMITTED)]
    assert first == second and first


def test_rules_are_in_the_one_check_registry():
    names = checks.names("spec-lint")
    assert names == sorted(f"spec-lint.{r}" for r in RULES)
    check = checks.get("spec-lint.union-duplicate-variant")
    with pytest.raises(CheckFailure) as caught:
        check.func(None, DOC)
    assert "union-duplicate-variant" in caught.value.render()
    checks.get("spec-lint.ref-unresolvable").func(None, DOC)  # nothing to report: returns quietly
