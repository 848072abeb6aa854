"""The HTML page from recorded results files (tests/data/README.md says how they were made), opened in a
real headless chromium over the DevTools protocol: the grid has the cells the results imply, a real
mouse click on a cell shows its finding with the evidence and the reproduce line, and the page makes no
network request. A screenshot goes to reports/report-page.png for a person to look at."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main

from .browser import browser

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
JOBS = (DATA / "replay", DATA / "contract")
pytestmark = pytest.mark.slow  # starts a browser


def expected_cells() -> dict[str, str]:
    """Each (operation|check) cell's state, worked out from the results files alone: a column for each
    check that held or broke somewhere; a cell where it only ever did not apply is "na"."""
    rank = ["finding", "warning", "expected", "pass", "na"]
    state_of = {"unexpected": "finding", "warning": "warning", "info": "warning", "expected": "expected"}
    cells: dict[str, list[str]] = {}
    for job in JOBS:
        document = json.loads((job / "results-library.json").read_text())
        for row in document["contract"]["coverage"]:
            state = "pass" if row["passed"] or row["failed"] else "na"
            cells.setdefault(f"{row['operation'] or '(the spec document)'}|{row['check']}", []).append(state)
        for finding in document["contract"]["findings"]:
            operation = finding["operation"] or "(the spec document)"
            cells.setdefault(f"{operation}|{finding['check']}", []).append(state_of[finding["kind"]])
    states = {key: min(found, key=rank.index) for key, found in cells.items()}
    columns = {key.split("|")[1] for key, state in states.items() if state != "na"}
    return {key: state for key, state in states.items() if key.split("|")[1] in columns}


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("page") / "report.html"
    assert main(["report", "merge", *map(str, JOBS), "-o", str(output)]) == 0
    return output


def test_the_page_in_a_real_browser(page_file):
    expected = expected_cells()
    findings = {key: state for key, state in expected.items() if state == "finding"}
    assert findings, "the recorded results should hold unexpected findings to click on"
    with browser() as page:
        page.send("Page.navigate", url=page_file.as_uri())
        page.wait_for("Page.loadEventFired")

        shown = page.evaluate("""Object.fromEntries([...document.querySelectorAll('#grid button.cell')]
            .map(b => [b.dataset.key, [...b.classList].filter(c => c !== 'cell').join(' ')]))""")
        assert shown == expected

        key = sorted(findings)[0]
        assert page.evaluate("document.querySelector('#detail details') === null")
        page.click(f'#grid button.cell[data-key="{key}"]')
        detail = page.evaluate("""(() => { const d = document.getElementById('detail');
            return {text: d.innerText, heading: d.querySelector('h3').textContent,
                    ids: [...d.querySelectorAll('[data-finding]')].map(e => e.dataset.finding),
                    hash: location.hash}; })()""")
        operation, check = key.split("|")
        assert detail["heading"] == f"{operation} · {check}"
        assert detail["hash"] == "#cell=" + page.evaluate(f"encodeURIComponent({json.dumps(key)})")
        finding = _first_finding(operation, check)
        assert finding["title"] in detail["text"]
        assert finding["evidence"][0]["text"].splitlines()[0].strip() in detail["text"]
        assert (
            "REPRODUCE WITH" in detail["text"].upper()
            and finding["reproduce"].splitlines()[0] in detail["text"]
        )
        assert len(detail["ids"]) >= 1

        broken = page.evaluate("document.querySelectorAll('table.events tr.broken').length")
        assert broken >= 1, "a stream whose rule broke has its event highlighted"
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(REPO / "reports" / "report-page.png")
        requests = page.requests()
        problems = [
            e["params"]["entry"]["text"]
            for e in page.events
            if e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"
        ]
        exceptions = [e for e in page.events if e["method"] == "Runtime.exceptionThrown"]
    assert requests == [page_file.as_uri()], f"the page asked for more than itself: {requests}"
    assert problems == [] and exceptions == [], (problems, exceptions)


def test_the_content_security_policy_forbids_any_fetch(page_file):
    """Belt and braces: even a script that tried would be refused (and the refusal is seen)."""
    import html as markup

    text = markup.unescape(page_file.read_text())
    assert "default-src 'none'" in text and "unsafe-inline" not in text
    with browser() as page:
        page.send("Page.navigate", url=page_file.as_uri())
        page.wait_for("Page.loadEventFired")
        page.evaluate(
            "(() => { const i = new Image(); i.src = 'http://127.0.0.1:9/probe.png'; "
            "document.body.appendChild(i); })()"
        )
        page.evaluate("new Promise(r => setTimeout(r, 300))")
        blocked = [
            e
            for e in page.events
            if e["method"] == "Network.loadingFailed" and e["params"].get("blockedReason") == "csp"
        ]
        assert blocked, [e["method"] for e in page.events][-20:]


def _first_finding(operation: str, check: str) -> dict:
    for job in JOBS:
        for finding in json.loads((job / "results-library.json").read_text())["contract"]["findings"]:
            if (
                (finding["operation"] or "(the spec document)") == operation
                and finding["check"] == check
                and finding["kind"] == "unexpected"
            ):
                return finding
    raise AssertionError(f"no unexpected finding for {operation} {check}")


def test_the_page_is_small():
    """The property suite's run (tests/data/contract) renders to well under 1 MB."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "report.html"
        assert main(["report", "merge", str(DATA / "contract"), "-o", str(output)]) == 0
        assert output.stat().st_size < 1_000_000
