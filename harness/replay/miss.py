"""A request with no recording: the error that fails the test, showing the nearest recording as a diff
of canonical requests and the command that records the missing answer."""

from __future__ import annotations

import difflib
import shlex

from harness.core.errors import RecordingMissing

from .library import Entry, display_path
from .mode import ENV_VAR, OPTION
from .rules import CanonicalRequest
from .upstream import API_KEY_VAR, BASE_URL_VAR

MAX_DIFF_LINES = 80


def record_command(nodeid: str | None) -> str:
    target = shlex.quote(nodeid) if nodeid else "<the failing test>"
    return f"pytest {target} {OPTION}=record-if-missing"


def recording_missing(request: CanonicalRequest, nearest: Entry | None, *, nodeid: str | None, cassette_dir) -> RecordingMissing:
    model = f" (model {request.model})" if request.model else ""
    lines = [f"no recording matches {request.method} {request.path}{model} in {display_path(cassette_dir)}"]
    if nodeid:
        lines.append(f"  made by test: {nodeid}")
    lines.append(f"  request key:  {request.key[:16]}")
    if nearest is None:
        lines.append("  nearest recording: none (no recorded request with this method and path)")
    else:
        lines.append(f"  nearest recording: {nearest.ref} (key {nearest.key[:16]}); diff recorded → this request:")
        lines.extend("    " + line for line in diff(nearest.canonical, request, nearest.ref))
    error = RecordingMissing(
        "\n".join(lines),
        fix=(
            f"if the change is intended, record the answer: {record_command(nodeid)} "
            f"(with {BASE_URL_VAR} and {API_KEY_VAR} set; or {ENV_VAR}=record-if-missing); "
            "otherwise make the test send the recorded request again"
        ),
    )
    error.request = request
    error.nearest = nearest
    error.nodeid = nodeid
    return error


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
