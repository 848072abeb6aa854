"""``harness matrix``: suite × setup × mode as GitHub Actions matrix JSON."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from harness.cli import matrix
from harness.core.errors import UsageError

ROOT = Path(__file__).resolve().parents[2]


def _tree(tmp_path: Path) -> Path:
    suites = tmp_path / "suites"
    for name, files in {
        "responses": ["test_create.py", "helpers.py"],
        "conversations": ["nested/test_items.py"],
        "notes": ["README.md"],  # no tests: not a suite
        "stacks": ["test_looks_like_a_test.py", "replay.yaml"],  # configuration, never a suite
        "setups": ["openai-gpt-4o.yaml", "local-llama.yaml", "draft.txt"],
    }.items():
        for file in files:
            path = suites / name / file
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("")
    return suites


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict:
    parser = argparse.ArgumentParser(prog="harness")
    matrix.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["matrix", *argv])
    assert args.func(args) == 0
    return json.loads(capsys.readouterr().out)


def test_every_suite_setup_and_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = _run(["--suites-dir", str(_tree(tmp_path))], capsys)
    assert list(result) == ["include"]
    combos = [(row["suite"], row["setup"], row["mode"]) for row in result["include"]]
    assert len(combos) == 2 * 2 * 3 == len(set(combos))
    assert {suite for suite, _, _ in combos} == {"conversations", "responses"}
    assert {setup for _, setup, _ in combos} == {"local-llama", "openai-gpt-4o"}
    assert {mode for _, _, mode in combos} == {"library", "server", "docker"}


def test_filters_narrow_each_axis(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "--suites-dir",
        str(_tree(tmp_path)),
        "--suite",
        "responses",
        "--mode",
        "docker",
        "--mode",
        "server",
    ]
    result = _run([*argv, "--setup", "openai-gpt-4o"], capsys)
    assert result == {
        "include": [
            {"suite": "responses", "setup": "openai-gpt-4o", "mode": "server"},
            {"suite": "responses", "setup": "openai-gpt-4o", "mode": "docker"},
        ]
    }


@pytest.mark.parametrize(
    ("flag", "value", "allowed"),
    [
        ("--suite", "respones", "conversations, responses"),
        ("--setup", "gpt-5", "local-llama, openai-gpt-4o"),
        ("--mode", "kubernetes", "library, server, docker"),
    ],
)
def test_an_unknown_filter_value_names_what_is_allowed(
    tmp_path: Path, flag: str, value: str, allowed: str
) -> None:
    with pytest.raises(UsageError) as caught:
        matrix.build_matrix(_tree(tmp_path), **{flag[2:] + "s": [value]})
    rendered = caught.value.render()
    assert f"{flag} {value!r} is not known" in rendered
    assert f"allowed: {allowed}" in rendered


def test_without_setups_of_its_own_a_project_gets_the_bundled_ones(tmp_path: Path) -> None:
    suites = _tree(tmp_path)
    for setup in (suites / "setups").glob("*.yaml"):
        setup.unlink()
    assert {row["setup"] for row in matrix.build_matrix(suites)["include"]} == {"openai-gpt-4o"}


def test_filters_that_leave_nothing_are_an_error_not_an_empty_matrix(tmp_path: Path) -> None:
    suites = _tree(tmp_path)
    with pytest.raises(UsageError):
        matrix.build_matrix(suites, setups=["no-such-setup"])


def test_a_missing_suites_directory_says_how_to_fix_it(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="run from the repository root or pass --suites-dir"):
        matrix.build_matrix(tmp_path / "nowhere")


def test_the_repositorys_own_matrix_is_valid_and_has_the_bundled_setup() -> None:
    result = matrix.build_matrix(ROOT / "suites")
    assert json.loads(json.dumps(result)) == result
    assert {row["setup"] for row in result["include"]} >= {"openai-gpt-4o"}
    assert all(set(row) == {"suite", "setup", "mode"} for row in result["include"])
