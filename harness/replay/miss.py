"""A request with no recording: the error that fails the test, showing the nearest recording as a diff
of canonical requests and the command that records the missing answer."""

from __future__ import annotations

import difflib
import json
import shlex
from pathlib import Path
from typing import Any

from harness.core.errors import RecordingMissing

from .library import Entry, display_path
from .mode import ENV_VAR, OPTION
from .rules import CanonicalRequest
from .upstream import API_KEY_VAR, BASE_URL_VAR

MAX_DIFF_LINES = 80
MAX_FIELDS = 4


def record_command(nodeid: str | None) -> str:
    target = shlex.quote(nodeid) if nodeid else "<the failing test>"
    return f"pytest {target} {OPTION}=record-if-missing"


def recording_missing(
    request: CanonicalRequest, nearest: Entry | None, *, nodeid: str | None, cassette_dir: Path
) -> RecordingMissing:
    model = f" (model {request.model})" if request.model else ""
    lines = [f"no recording matches {request.method} {request.path}{model} in {display_path(cassette_dir)}"]
    if nodeid:
        lines.append(f"  made by test: {nodeid}")
    lines.append(f"  request key:  {request.key[:16]}")
    if nearest is None:
        lines.append("  nearest recording: none (no recorded request with this method and path)")
    else:
        fields = differing_fields(nearest.canonical, request)
        if fields:
            lines.append(
                f"  differs in: {', '.join(fields[:MAX_FIELDS])}" + (" …" if len(fields) > MAX_FIELDS else "")
            )
        lines.append(
            f"  nearest recording: {nearest.ref} (key {nearest.key[:16]}); diff recorded → this request:"
        )
        lines.extend("    " + line for line in diff(nearest.canonical, request, nearest.ref))
    return RecordingMissing(
        "\n".join(lines),
        request=request,
        nearest=nearest,
        nodeid=nodeid,
        fix=(
            f"if the change is intended, record the answer: {record_command(nodeid)} "
            f"(with {BASE_URL_VAR} and {API_KEY_VAR} set; or {ENV_VAR}=record-if-missing); "
            "otherwise make the test send the recorded request again"
        ),
    )


def diff(recorded: CanonicalRequest, current: CanonicalRequest, label: str) -> list[str]:
    lines = list(
        difflib.unified_diff(
            recorded.pretty().splitlines(),
            current.pretty().splitlines(),
            fromfile=f"recorded {label}",
            tofile="this request",
            lineterm="",
            n=2,
        )
    )
    if len(lines) > MAX_DIFF_LINES:
        hidden = len(lines) - MAX_DIFF_LINES
        lines = lines[:MAX_DIFF_LINES] + [f"... ({hidden} more diff lines)"]
    return lines


def differing_fields(recorded: CanonicalRequest, current: CanonicalRequest) -> list[str]:
    """The JSON paths where the two canonical bodies differ (``messages[1].content``), shallowest first."""
    try:
        a, b = json.loads(recorded.body or "null"), json.loads(current.body or "null")
    except ValueError:
        return ["(body)"] if recorded.body != current.body else []
    found: list[str] = []
    _walk(a, b, "", found)
    return found


def _walk(a: Any, b: Any, path: str, found: list[str]) -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            _walk(a.get(key, _ABSENT), b.get(key, _ABSENT), f"{path}.{key}" if path else key, found)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            _walk(x, y, f"{path}[{index}]", found)
    elif a != b:
        found.append(path or "(body)")


_ABSENT = object()
