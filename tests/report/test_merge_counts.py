"""Real runs of the suites in library and server mode (and the property suite, briefly), merged: the
page's counts are the sum of the runs' JUnit files, and each run's results file sits next to its JUnit
XML and Markdown report."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from harness.cli import main

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

RUNS = {
    "library": ["suites/smoke", "suites/responses", "--stack-config=replay"],
    "server": ["suites/smoke", "suites/responses", "--stack-config=server:replay"],
    "contract": [
        "suites/contract",
        "--stack-config=replay",
        "--inference-mode=synthetic",
        "--property-examples=2",
        "--property-seed=0",
        "--property-operations=GET /v1/models,POST /v1/conversations,GET /v1/files",
    ],
}


def junit_counts(path: Path) -> dict[str, int]:
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    return {
        key: sum(int(s.get(key, 0)) for s in suites) for key in ("tests", "failures", "errors", "skipped")
    }


class _Totals(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.totals: dict[str, int] = {}
        self.rows: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        data = dict(attrs)
        if data.get("id") == "totals":
            self.totals = {
                k.removeprefix("data-"): int(v or 0) for k, v in data.items() if k.startswith("data-")
            }
        if tag == "tr" and "data-suite" in data:
            self.rows.append({"suite": data["data-suite"], "mode": data["data-mode"]})


def test_merged_counts_are_the_sum_of_the_junit_files(tmp_path):
    env = {**os.environ, "CI": "true"}
    junits = []
    for name, args in RUNS.items():
        out = tmp_path / name
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                *args,
                "-p",
                "no:cacheprovider",
                "-q",
                f"--harness-report-dir={out}",
            ],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert done.returncode in (0, 1), (
            done.stdout[-3000:] + done.stderr[-3000:]
        )  # 1: findings, still a run
        mode = "server" if name == "server" else "library"
        for produced in (f"junit-{mode}.xml", f"harness-{mode}.md", f"results-{mode}.json"):
            assert (out / produced).is_file(), (
                f"{name}: no {produced} in {sorted(p.name for p in out.iterdir())}"
            )
        junits.append(out / f"junit-{mode}.xml")
    output = tmp_path / "report.html"
    assert main(["report", "merge", str(tmp_path), "-o", str(output)]) == 0
    parsed = _Totals()
    parsed.feed(output.read_text())
    page = parsed.totals
    expected = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for junit in junits:
        for key, value in junit_counts(junit).items():
            expected[key] += value
    assert (
        expected["tests"] > 20 and expected["skipped"] >= 3
    )  # the xfails (pytest's JUnit calls them skipped)
    assert {
        "tests": sum(page.values()),
        "failures": page["failed"],
        "errors": page["error"],
        "skipped": page["skipped"] + page["xfailed"],
    } == expected
    assert {(row["suite"], row["mode"]) for row in parsed.rows} == {
        ("suites/smoke", "library"),
        ("suites/responses", "library"),
        ("suites/smoke", "server"),
        ("suites/responses", "server"),
        ("suites/contract", "library"),
    }
