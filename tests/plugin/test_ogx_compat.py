"""OGX's tests run unchanged: ``harness ogx run`` on an OGX-style tree (tests/data/ogx-style, written here)
whose recordings folder holds OGX's real recordings (tests/data/ogx-recordings). The real OGX app runs in
library mode (and in server mode, slow); the tree's own conftests fail if imported, so a pass proves the
layer replaced them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
TREE = DATA / "ogx-style"
RECORDINGS = DATA / "ogx-recordings" / "responses"
HARNESS = str(Path(sys.executable).with_name("harness"))


@pytest.fixture
def ogx_checkout(tmp_path: Path) -> Path:
    checkout = tmp_path / "ogx"
    shutil.copytree(TREE, checkout)
    shutil.copytree(RECORDINGS, checkout / "tests" / "integration" / "responses" / "recordings")
    return checkout


def _tree_files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def harness_ogx_run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CI": "true"}
    env.pop("HARNESS_STACK_CONFIG", None)
    return subprocess.run(
        [HARNESS, "ogx", "run", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.mark.slow
def test_ogx_style_tests_run_unchanged_in_library_mode(ogx_checkout: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    before = _tree_files(ogx_checkout)
    result = harness_ogx_run(work, str(ogx_checkout / "tests" / "integration"), "--stack-config=replay", "-q")
    out = result.stdout
    assert result.returncode == 1, out + result.stderr  # the one unrecorded prompt fails, as it should
    # both halves of compat_client (OGX skips the OpenAI half in library mode), conversations too
    assert "1 failed, 4 passed" in out, out
    assert "test_planet[openai_client-txt=openai/gpt-4o]" not in out.split("short test summary")[-1]
    # the table: per file, and the cause of the failure: the replay miss with the field that differs
    assert "OGX's tests under the harness" in out
    assert "\nresponses/test_planet.py " in out and "\nconversations/test_conversations.py " in out, out
    assert "replay-miss: differs in messages[0].content" in out, out
    # every exchange was contract-checked, the socket one included
    assert "contract:" in out and "exchanges checked" in out
    # OGX's tree is as it was: no cache, no bytecode, no report; the report is in the current directory
    assert _tree_files(ogx_checkout) == before
    assert (work / "reports" / "harness-library.md").is_file()


@pytest.mark.slow
def test_ogx_style_tests_in_server_mode(ogx_checkout: Path, tmp_path: Path) -> None:
    result = harness_ogx_run(
        tmp_path,
        str(ogx_checkout / "tests" / "integration" / "responses" / "test_planet.py"),
        "--stack-config=server:replay",
        "-q",
        "-k",
        "not unrecorded",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--report=out.md"], "--report (an option of OGX's harness) is not supported here"),
        (["--setup=vertexai"], "speaks vertexai's native SDK protocol, which the harness cannot replay"),
        (["--setup=nope"], "OGX has no setup named 'nope'"),
        (["--env=NOEQUALS"], "--env: expected KEY=value"),
    ],
)
def test_bad_ogx_options_are_named_at_configure(ogx_checkout: Path, extra: list[str], message: str) -> None:
    result = harness_ogx_run(ogx_checkout, "tests/integration", "--stack-config=replay", *extra)
    assert result.returncode == pytest.ExitCode.USAGE_ERROR, result.stdout + result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr, result.stderr


def test_a_directory_that_is_not_ogx_tests_is_named(tmp_path: Path) -> None:
    (tmp_path / "test_x.py").write_text("def test_x():\n    pass\n")
    result = harness_ogx_run(tmp_path, str(tmp_path))
    assert result.returncode == pytest.ExitCode.USAGE_ERROR
    assert f"harness ogx: {tmp_path} is not inside OGX's integration tests" in result.stderr
    assert "OGX's tests/integration directory (it holds conftest.py and suites.py)" in result.stderr


def test_no_path_is_named(tmp_path: Path) -> None:
    result = harness_ogx_run(tmp_path)
    assert result.returncode == 2 and "no test path given" in result.stderr


def test_a_missing_package_of_the_ogx_tests_extra_is_named_with_its_install_line() -> None:
    from harness.core.errors import UsageError
    from harness.plugin.ogx.requirements import EXTRA, check_installed

    check_installed()  # this environment has the extra
    with pytest.raises(UsageError) as raised:
        check_installed({"json": "json", "no_such_module_of_the_extra": "no-such-dist"})
    assert raised.value.value == "no-such-dist"
    assert raised.value.fix == f"pip install '{EXTRA}'"
    assert "not installed: no-such-dist" in raised.value.message
