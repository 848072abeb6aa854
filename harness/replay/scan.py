"""Scan cassette files for secrets that redaction should have removed (run in CI and before commits).

It reads raw text line by line, so it also works on files that do not parse, and reports file, line and
column. Three kinds of hit: a key-like value (the rule file's patterns) anywhere, a credential header
(``Authorization``, ``api-key``, ``X-*-Provider-Data``...) whose value is not the redaction placeholder,
and a key-like value that only a reader of a stream sees: split across the delta events of a stream
(each ``data:`` line of a stored stream is parsed, the deltas joined as in ``deltas``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .cassette import SUFFIXES
from .deltas import find_split
from .library import display_path
from .redaction import Redactor

_HEADER_LINE = re.compile(
    r"""^\s*-?\s*["']?(?P<name>[A-Za-z][A-Za-z0-9_*-]*)["']?\s*:\s*(?P<value>.*?)\s*,?\s*$"""
)


@dataclass(frozen=True)
class SecretFinding:
    file: Path
    line: int  # 1-based
    column: int  # 1-based
    kind: str
    excerpt: str  # masked: never prints the secret itself

    def render(self) -> str:
        return f"{display_path(self.file)}:{self.line}:{self.column}: {self.kind}: {self.excerpt}"


def cassette_files(paths: Iterable[Path]) -> list[Path]:
    """The files to scan: each file named, and under each directory the files that look like cassettes
    (a report's JSON is not one, so a directory of reports counts as holding none)."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix in SUFFIXES and looks_like_cassette(p)
            )
        else:
            found.append(path)
    return found


def looks_like_cassette(path: Path) -> bool:
    """A cassette (``interactions:`` at the top level) or an OGX recording (``request`` and ``response``).
    A file that does not parse is scanned all the same: a damaged cassette may still hold a secret."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix != ".json":
        return _TOP_INTERACTIONS.search(text) is not None
    try:
        data = json.loads(text)
    except ValueError:
        return True
    if isinstance(data, dict):
        return {"request", "response"} <= data.keys() or "interactions" in data
    return False


_TOP_INTERACTIONS = re.compile(r"^interactions:", re.MULTILINE)


def scan_files(paths: Iterable[Path], redactor: Redactor) -> list[SecretFinding]:
    findings: list[SecretFinding] = []
    for path in cassette_files(paths):
        findings += scan_text(path, path.read_text(encoding="utf-8", errors="replace"), redactor)
    return findings


def scan_text(path: Path, text: str, redactor: Redactor) -> list[SecretFinding]:
    lines = text.splitlines()
    findings = []
    for number, line in enumerate(lines, start=1):
        for match in redactor.find(line):
            findings.append(
                SecretFinding(path, number, match.start + 1, match.kind, _mask(line[match.start : match.end]))
            )
        findings += _header_findings(path, lines, number, redactor)
    findings += _split_findings(path, _streams(path, text, lines), redactor)
    return _unique(findings)


def _streams(path: Path, text: str, lines: list[str]) -> list[list[tuple[int, int, object]]]:
    """Each stored stream as (line, column, payload) per ``data:`` event. In YAML (what the harness
    writes) an event is a line of a block literal; a JSON cassette holds each body as one string."""
    if path.suffix == ".json":
        return _json_streams(text, lines)
    return _data_runs([(n, line) for n, line in enumerate(lines, start=1)])


def _data_runs(numbered: list[tuple[int, str]]) -> list[list[tuple[int, int, object]]]:
    runs: list[list[tuple[int, int, object]]] = []
    current: list[tuple[int, int, object]] = []
    for number, line in numbered:
        stripped = line.strip()
        if stripped.startswith("data:"):
            try:
                payload = json.loads(stripped[5:])
            except ValueError:
                payload = None
            current.append((number, line.find("data:") + 1, payload))
        elif stripped:  # a line that is not part of a stream ends it
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _json_streams(text: str, lines: list[str]) -> list[list[tuple[int, int, object]]]:
    try:
        data = json.loads(text)
    except ValueError:
        return []
    runs = []
    for entry in data.get("interactions") or [] if isinstance(data, dict) else []:
        body = (
            ((entry.get("response") or {}).get("body") or {}).get("string")
            if isinstance(entry, dict)
            else None
        )
        if not isinstance(body, str):
            continue
        first = json.dumps(body[:40])[1:-1]
        at = next((n for n, line in enumerate(lines, start=1) if first in line), 1)
        runs += [
            [(at, 1, payload) for _, _, payload in run]
            for run in _data_runs(list(enumerate(body.splitlines(), start=1)))
        ]
    return runs


def _split_findings(
    path: Path, runs: list[list[tuple[int, int, object]]], redactor: Redactor
) -> Iterator[SecretFinding]:
    for run in runs:
        for hit in find_split([payload for _, _, payload in run], redactor):
            line, column, _ = run[hit.events[0]]
            secret = hit.text
            yield SecretFinding(
                path,
                line,
                column,
                f"{hit.kind} split across {len(hit.events)} stream events "
                f"(lines {run[hit.events[0]][0]}-{run[hit.events[-1]][0]})",
                _mask(secret),
            )


def _header_findings(
    path: Path, lines: list[str], number: int, redactor: Redactor
) -> Iterator[SecretFinding]:
    match = _HEADER_LINE.match(lines[number - 1])
    if not match or not redactor.is_secret_header(match["name"]):
        return
    raw, at = match["value"].strip(), number
    if raw in ("", "[") and number < len(lines):  # the value is on the next line (block or JSON list)
        at = number + 1
        raw = lines[number].strip()
    if raw.startswith(
        ("{", "]")
    ):  # a mapping (e.g. a JSON schema property named "authorization"), not a value
        return
    value = _strip(raw)
    if value and value != redactor.placeholder:
        column = lines[at - 1].find(value[:1]) + 1 if value else 1
        yield SecretFinding(
            path, at, max(column, 1), f"{match['name'].lower()} header not redacted", _mask(value)
        )


def _strip(value: str) -> str:
    return value.strip().strip("[],").strip().strip("'\"").strip().lstrip("- ").strip("'\"")


def _mask(secret: str) -> str:
    shown = secret[:4]
    return f"{shown}… ({len(secret)} characters)"


def _unique(findings: list[SecretFinding]) -> list[SecretFinding]:
    seen, unique = set(), []
    for finding in findings:
        if (finding.line, finding.column, finding.kind) not in seen:
            seen.add((finding.line, finding.column, finding.kind))
            unique.append(finding)
    return unique
