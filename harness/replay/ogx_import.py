"""Import OGX's own recordings (``tests/integration/*/recordings/*.json``) into harness cassettes.

OGX keys a recording on the test's node id and stores one file per call; the same request made by
several tests or parametrisations is stored many times, sometimes with different answers (e.g. the same
``gpt-4o`` prompt recorded against OpenAI and against Azure). Here each distinct canonical request becomes
one entry. Among duplicates the kept answer is, in order: one that a recorded follow-up request
continues (so multi-turn conversations still replay end to end), one recorded against api.openai.com,
then the first by file name.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from harness.core.errors import CassetteError

from .interaction import Interaction
from .library import CassetteLibrary, display_path
from .rules import MatchRules
from .sources import redacted_body, stored_request_body

PREFERRED_HOST = "api.openai.com"


@dataclass
class ImportReport:
    files_read: int = 0
    entries_added: int = 0
    already_present: int = 0  # same request already in the destination
    duplicates: int = 0  # recordings folded into another one with the same canonical request
    conflicting: int = 0  # of those, how many had a different answer than the one kept
    cassettes: list[Path] = field(default_factory=list)

    def render(self) -> str:
        lines = [
            f"read {self.files_read} OGX recordings",
            f"added {self.entries_added} entries ({self.already_present} already present)",
            f"folded {self.duplicates} duplicate requests into one entry each ({self.conflicting} had a different answer; one was kept)",
        ]
        lines += [f"wrote {display_path(p)}" for p in self.cassettes]
        return "\n".join(lines)


@dataclass
class _Recording:
    source: Path
    test_id: str
    host: str
    interaction: Interaction
    answer: str  # the assistant text and tool-call arguments, to find recorded follow-ups


def import_ogx_recordings(src_dir: Path | str, dest_dir: Path | str, *, rules: MatchRules | None = None) -> ImportReport:
    src_dir, dest_dir = Path(src_dir), Path(dest_dir)
    if not src_dir.is_dir():
        raise CassetteError(
            f"the OGX recordings directory {src_dir} does not exist",
            value=str(src_dir),
            fix="pass the directory holding OGX's recordings/*.json files (in OGX's repository: tests/integration/responses/recordings)",
        )
    rules = rules or MatchRules.load()
    library = CassetteLibrary.load(dest_dir, rules)
    report = ImportReport()
    recordings = [_read(path, src_dir, rules) for path in sorted(src_dir.rglob("*.json"))]
    report.files_read = len(recordings)
    continued = _assistant_turns(recordings)
    groups: dict[str, list[_Recording]] = {}
    for recording in recordings:
        groups.setdefault(library.key_of(recording.interaction), []).append(recording)
    winners = []
    for key, group in groups.items():
        group.sort(key=lambda r: (r.answer not in continued, r.host != PREFERRED_HOST, r.source.name))
        winner = group[0]
        report.duplicates += len(group) - 1
        report.conflicting += sum(1 for r in group[1:] if r.answer != winner.answer)
        if library.lookup(library.canonical_of(winner.interaction)) is not None:
            report.already_present += 1
            continue
        winners.append(winner)
    for winner in sorted(winners, key=lambda r: (r.test_id, r.source.name)):
        library.add(winner.interaction, target=dest_dir / _cassette_name(winner.test_id))
        report.entries_added += 1
    report.cassettes = library.flush()
    return report


def _read(path: Path, src_dir: Path, rules: MatchRules) -> _Recording:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        request, response = data["request"], data["response"]
        body = dict(request["body"])
        body.update(body.pop("extra_body", None) or {})  # the SDK sends extra_body's fields at the top level
        parts = urlsplit(request["url"])
        endpoint = request.get("endpoint") or parts.path
        chunks = response["body"]
        streaming = isinstance(chunks, list)
        payloads = [c["__data__"] for c in chunks] if streaming else [chunks["__data__"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as problem:
        raise CassetteError(
            f"{path} is not an OGX recording: {type(problem).__name__}: {problem}",
            value=str(path),
            allowed="OGX's recording format: {test_id, request: {method, url, body, endpoint}, response: {body: [{__type__, __data__}]}}",
            fix="import only the recordings/ directories of OGX's integration tests",
        ) from None
    if streaming:
        text = "".join(f"data: {json.dumps(p, ensure_ascii=False)}\n\n" for p in payloads) + "data: [DONE]\n\n"
        content_type = "text/event-stream"
    else:
        text = json.dumps(payloads[0], indent=2, ensure_ascii=False) + "\n"
        content_type = "application/json"
    test_id = str(data.get("test_id") or "")
    interaction = Interaction(
        method=str(request.get("method", "POST")).upper(),
        uri=rules.redactor.uri(f"{parts.scheme}://{parts.netloc}{endpoint}"),
        request_body=stored_request_body(rules, json.dumps(body)),
        status=200,
        response_body=redacted_body(rules.redactor, content_type, text),
        request_headers={"content-type": ["application/json"]},
        response_headers={"content-type": [content_type]},
        origin=f"ogx-recordings/{path.relative_to(src_dir).as_posix()} ({test_id})" if test_id else f"ogx-recordings/{path.relative_to(src_dir).as_posix()}",
    )
    return _Recording(path, test_id, parts.hostname or "", interaction, _answer_of(payloads))


def _answer_of(payloads: list[dict[str, Any]]) -> str:
    text, arguments = [], []
    for payload in payloads:
        for choice in payload.get("choices") or []:
            delta = choice.get("delta") or choice.get("message") or {}
            text.append(delta.get("content") or "")
            for call in delta.get("tool_calls") or []:
                arguments.append((call.get("function") or {}).get("arguments") or "")
    return "".join(text) + "\x00" + "".join(arguments)


def _assistant_turns(recordings: list[_Recording]) -> set[str]:
    """Answers that some recorded request carries as an earlier assistant turn."""
    turns = set()
    for recording in recordings:
        body = recording.interaction.request_json() or {}
        for message in body.get("messages") or []:
            if isinstance(message, dict) and message.get("role") == "assistant":
                content = message.get("content") if isinstance(message.get("content"), str) else ""
                arguments = "".join((c.get("function") or {}).get("arguments") or "" for c in message.get("tool_calls") or [])
                turns.add(content + "\x00" + arguments)
    return turns


def _cassette_name(test_id: str) -> Path:
    """``tests/integration/responses/test_basic_responses.py::...`` → ``responses/test_basic_responses.yaml``."""
    module = test_id.split("::", 1)[0]
    if not module:
        return Path("unattributed.yaml")
    parts = Path(module).with_suffix(".yaml").parts
    if parts[:2] == ("tests", "integration"):
        parts = parts[2:]
    return Path(*parts)
