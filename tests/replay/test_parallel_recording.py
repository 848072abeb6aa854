"""Two pytest-xdist workers recording into the same cassette at once: every entry survives (merge, not
clobber), and the file stays valid throughout."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from harness.replay import MatchRules
from harness.replay.cassette import load

HERE = Path(__file__).resolve().parent
TESTS = 24

CONFTEST = f"""
import sys
sys.path.insert(0, {str(HERE)!r})
import pytest
from pathlib import Path
from replay_fakes import FakeUpstream
from harness.replay import ReplayEndpoint, Upstream

@pytest.fixture(scope="session")
def endpoint():
    with FakeUpstream() as fake:
        with ReplayEndpoint(Path("cassettes"), mode="record-if-missing", upstream=Upstream(fake.base_url)) as ep:
            yield ep

@pytest.fixture(autouse=True)
def per_test(endpoint, request):
    endpoint.set_current_test(request.node.nodeid)
    yield
    endpoint.flush()  # write after every test, so the two workers' writes interleave
"""

TEST_MODULE = """
import httpx, pytest

@pytest.mark.parametrize("n", range({tests}))
def test_records(endpoint, n):
    body = {{"model": "m", "stream": False, "messages": [{{"role": "user", "content": f"prompt {{n}}"}}]}}
    response = httpx.post(endpoint.base_url + "/chat/completions", json=body)
    assert response.json()["choices"][0]["message"]["content"] == f"you said prompt {{n}}"
"""


@pytest.mark.slow  # starts three pytest processes
def test_two_workers_recording_at_once_merge_into_one_valid_cassette(tmp_path):
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_rec.py").write_text(textwrap.dedent(TEST_MODULE.format(tests=TESTS)))
    # only xdist is loaded: the other installed plugins cost seconds of start-up in each worker
    env = {**os.environ, "PYTHONPATH": str(HERE.parents[1]), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "xdist",
            "-n",
            "2",
            "-q",
            "-p",
            "no:cacheprovider",
            str(tmp_path),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{TESTS} passed" in result.stdout
    cassette = tmp_path / "cassettes" / "test_rec.yaml"
    entries = load(cassette)
    prompts = sorted(e.request_json()["messages"][0]["content"] for e in entries)
    assert prompts == sorted(f"prompt {n}" for n in range(TESTS))
    rules = MatchRules.load()
    assert len({rules.canonical(e.method, e.path, e.request_body).key for e in entries}) == TESTS
    assert not [p for p in cassette.parent.iterdir() if p.name.endswith(".tmp")]
