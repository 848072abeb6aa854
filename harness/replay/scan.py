"""Scan cassette files for secrets that redaction should have removed (run in CI and before commits).

It reads raw text line by line, so it also works on files that do not parse, and reports file, line and
column. Two kinds of hit: a key-like value (the rule file's patterns) anywhere, and a credential header
(``Authorization``, ``api-key``, ``X-*-Provider-Data``...) whose value is not the redaction placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .cassette import SUFFIXES
from .library import display_path
from .redaction import Redactor

_HEADER_LINE = re.compile(r"""^\s*-?\s*["']?(?P<name>[A-Za-z][A-Za-z0-9_*-]*)["']?\s*:\s*(?P<value>.*?)\s*,?\s*$""")


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
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in SUFFIXES)
        else:
            found.append(path)
    return found


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
            findings.append(SecretFinding(path, number, match.start + 1, match.kind, _mask(line[match.start : match.end])))
        findings += _header_findings(path, lines, number, redactor)
    return _unique(findings)


def _header_findings(path: Path, lines: list[str], number: int, redactor: Redactor) -> Iterator[SecretFinding]:
    match = _HEADER_LINE.match(lines[number - 1])
    if not match or not redactor.is_secret_header(match["name"]):
        return
    raw, at = match["value"].strip(), number
    if raw in ("", "[") and number < len(lines):  # the value is on the next line (block or JSON list)
        at = number + 1
        raw = lines[number].strip()
    if raw.startswith(("{", "]")):  # a mapping (e.g. a JSON schema property named "authorization"), not a value
        return
    value = _strip(raw)
    if value and value != redactor.placeholder:
        column = lines[at - 1].find(value[:1]) + 1 if value else 1
        yield SecretFinding(path, at, max(column, 1), f"{match['name'].lower()} header not redacted", _mask(value))


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
