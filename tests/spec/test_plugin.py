"""The spec-lint pytest plugin, through real pytest sessions (pytester)."""

from importlib.metadata import entry_points

import pytest
import yaml

from harness.spectools import RULES

from .helpers import get_op, make_spec, obj, ref, tagged

CLEAN = make_spec(
    {
        "A": tagged("a"),
        "B": tagged("b"),
        "U": {
            "oneOf": [ref("A"), ref("B")],
            "discriminator": {
                "propertyName": "type",
                "mapping": {"a": "#/components/schemas/A", "b": "#/components/schemas/B"},
            },
        },
    },
    get_op(ref("U")),
)
BROKEN = make_spec(
    {
        "A": tagged("a"),
        "U": {"oneOf": [ref("A"), ref("A")]},
        "Loose": {"anyOf": [obj(["x"], x={"type": "string"}), obj(["y"], y={"type": "string"})]},
    },
    get_op(ref("U")),
)


def _plugin_args() -> list[str]:
    # the main harness plugin needs a stack; these sessions only lint
    loaded = any(ep.name == "harness_spec" for ep in entry_points(group="pytest11"))
    return ["-p", "no:harness", "-p", "no:cacheprovider"] + (
        [] if loaded else ["-p", "harness.plugin.spec_lint"]
    )


@pytest.fixture
def spec_file(pytester):
    def write(doc, name="openapi.yaml"):
        path = pytester.path / name
        path.write_text(yaml.safe_dump(doc))
        return path

    return write


def test_every_rule_is_an_item_and_a_clean_spec_passes(pytester, spec_file):
    path = spec_file(CLEAN)
    result = pytester.runpytest(*_plugin_args(), f"--spec-lint={path}", "-v")
    result.assert_outcomes(passed=len(RULES))
    result.stdout.fnmatch_lines(["*openapi.yaml::union-duplicate-variant PASSED*"])


def test_an_error_finding_fails_its_item_with_evidence_and_a_reproducer(pytester, spec_file):
    path = spec_file(BROKEN)
    result = pytester.runpytest(*_plugin_args(), f"--spec-lint={path}")
    result.assert_outcomes(failed=1, passed=len(RULES) - 1)
    result.stdout.fnmatch_lines(
        [
            "*[[]error[]] spec-lint.union-duplicate-variant: 1 finding(s) in openapi.yaml*",
            "*/components/schemas/U:*",
            "*Reproduce with:*",
            f"*harness spec lint {path} --rule union-duplicate-variant*",
            "*SpecLintWarning: union-no-discriminator at /components/schemas/Loose*",
        ]
    )


def test_suppressions_and_fail_on_warning(pytester, spec_file):
    path = spec_file(BROKEN)
    sup = pytester.path / "sup.yaml"
    sup.write_text("suppressions:\n  - pointer: /components/schemas/U\n    reason: accepted\n")
    relaxed = pytester.runpytest(*_plugin_args(), f"--spec-lint={path}", f"--spec-lint-suppressions={sup}")
    relaxed.assert_outcomes(passed=len(RULES))
    relaxed.stdout.fnmatch_lines(["*SpecLintWarning: union-overlap at /components/schemas/Loose*"])
    strict = pytester.runpytest(
        *_plugin_args(),
        f"--spec-lint={path}",
        f"--spec-lint-suppressions={sup}",
        "--spec-lint-fail-on=warning",
    )
    strict.assert_outcomes(failed=2, passed=len(RULES) - 2)


def test_keyword_selection_and_several_specs(pytester, spec_file):
    a, b = spec_file(CLEAN, "a.yaml"), spec_file(BROKEN, "b.yaml")
    result = pytester.runpytest(
        *_plugin_args(), f"--spec-lint={a}", f"--spec-lint={b}", "-k", "union-duplicate-variant"
    )
    result.stdout.fnmatch_lines(
        [f"collected {2 * len(RULES)} items / {2 * len(RULES) - 2} deselected / 2 selected"]
    )
    result.assert_outcomes(passed=1, failed=1)


def test_bad_spec_is_a_usage_error(pytester):
    result = pytester.runpytest(*_plugin_args(), "--spec-lint=nope.yaml")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--spec-lint: spec file not found: nope.yaml*", "*fix:*"])


def test_without_the_option_nothing_is_added(pytester):
    pytester.makepyfile("def test_plain(): pass")
    pytester.runpytest(*_plugin_args()).assert_outcomes(passed=1)
