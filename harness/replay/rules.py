"""The matching rules: a versioned, declarative YAML file (``rules/v1.yaml``) turned into the canonical
form of a request. Two requests match when their canonical forms are equal; the SHA-256 of that form is
the index key, so lookup is one dict access and identical requests share one cassette entry."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from harness.core.errors import UsageError

from .redaction import Redactor, compile_patterns

DEFAULT_RULES = Path(__file__).with_name("rules") / "v1.yaml"
_TOP_KEYS = {"version", "body", "record", "redact"}


@dataclass(frozen=True)
class CanonicalRequest:
    method: str
    path: str
    body: str  # canonical body: sorted keys, compact separators (or redacted text for non-JSON bodies)
    model: str | None

    @cached_property
    def key(self) -> str:
        digest = hashlib.sha256(f"{self.method} {self.path}\n{self.body}".encode())
        return digest.hexdigest()

    def pretty(self) -> str:
        """The canonical request as a person reads it (used for the nearest-recording diff)."""
        return "\n".join(self.lines) + "\n"

    @cached_property
    def lines(self) -> tuple[str, ...]:
        head = f"{self.method} {self.path}"
        try:
            body = json.dumps(json.loads(self.body), indent=2, sort_keys=True, ensure_ascii=False)
        except ValueError:
            body = self.body
        return (head, *body.splitlines())


@dataclass(frozen=True)
class MatchRules:
    version: int
    drop: frozenset[str]
    drop_if_equal: dict[str, Any]
    renumber: tuple[tuple[tuple[str, bool], ...], ...]  # parsed paths: (field, is_list) per segment
    request_headers: frozenset[str]
    response_headers: frozenset[str]
    redactor: Redactor
    source: Path
    digest: str  # SHA-256 of the rule file: keys are only comparable under the same rules
    text_content: tuple[tuple[tuple[str, bool], ...], ...] = ()  # fields where one text part == the text

    @classmethod
    def load(cls, path: str | Path | None = None) -> MatchRules:
        source = Path(path) if path is not None else DEFAULT_RULES
        try:
            raw_text = source.read_text(encoding="utf-8")
        except OSError as error:
            raise UsageError(
                f"cannot read the matching rule file {source}: {error.strerror}",
                value=str(source),
                fix=f"pass an existing rule file, or omit it to use the built-in {DEFAULT_RULES.name}",
            ) from None
        try:
            raw = yaml.safe_load(raw_text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            raise UsageError(
                f"the matching rule file {source} is not valid YAML{where}: {getattr(error, 'problem', error)}",
                value=str(source),
                fix="fix the YAML syntax (compare with harness/replay/rules/v1.yaml)",
            ) from None
        return cls._from_mapping(raw, source, hashlib.sha256(raw_text.encode()).hexdigest())

    @classmethod
    def _from_mapping(cls, raw: Any, source: Path, digest: str) -> MatchRules:
        def bad(what: str, value: Any, allowed: str) -> UsageError:
            return UsageError(
                f"the matching rule file {source} is invalid: {what}",
                value=value,
                allowed=allowed,
                fix="correct the entry (compare with harness/replay/rules/v1.yaml)",
            )

        if not isinstance(raw, dict):
            raise bad(
                "the top level must be a mapping",
                type(raw).__name__,
                "a mapping with " + ", ".join(sorted(_TOP_KEYS)),
            )
        unknown = set(raw) - _TOP_KEYS
        if unknown:
            raise bad(
                f"unknown top-level key(s) {sorted(unknown)}", sorted(unknown), ", ".join(sorted(_TOP_KEYS))
            )
        version = raw.get("version")
        if version != 1:
            raise bad("unsupported version", version, "1")
        body = raw.get("body") or {}
        record = raw.get("record") or {}
        redact = raw.get("redact") or {}
        drop = body.get("drop") or []
        drop_if_equal = body.get("drop_if_equal") or {}
        renumber = body.get("renumber") or []
        text_content = body.get("text_content") or []
        if not all(isinstance(x, str) for x in drop):
            raise bad("body.drop must be a list of field names", drop, "a list of strings")
        if not isinstance(drop_if_equal, dict):
            raise bad("body.drop_if_equal must map field names to default values", drop_if_equal, "a mapping")
        paths = tuple(_parse_path(p, bad) for p in renumber)
        text_paths = tuple(_parse_path(p, bad) for p in text_content)
        try:
            patterns = compile_patterns(dict(redact.get("patterns") or {}))
        except re.error as error:
            raise bad(
                f"a redact.patterns entry is not a valid regular expression ({error})",
                error.pattern,
                "Python regular expressions",
            ) from None
        redactor = Redactor(
            patterns=patterns,
            header_globs=tuple(h.lower() for h in redact.get("headers") or []),
            query_params=frozenset(q.lower() for q in redact.get("query_params") or []),
            placeholder=str(redact.get("placeholder") or "<redacted>"),
        )
        return cls(
            version=version,
            drop=frozenset(drop),
            drop_if_equal=dict(drop_if_equal),
            renumber=paths,
            text_content=text_paths,
            request_headers=frozenset(h.lower() for h in record.get("request_headers") or []),
            response_headers=frozenset(h.lower() for h in record.get("response_headers") or []),
            redactor=redactor,
            source=source,
            digest=digest,
        )

    def with_secrets(self, values: list[str | None]) -> MatchRules:
        """These rules, also redacting exact secret values known at run time (e.g. the upstream key)."""
        redactor = self.redactor.with_values(values)
        if redactor is self.redactor:
            return self
        return MatchRules(**{**self.__dict__, "redactor": redactor})

    def stored_body(self, body: Any) -> Any:
        """The JSON body as it is written to a cassette: volatile fields dropped, secrets redacted."""
        if not isinstance(body, dict):
            return self.redactor.json(body)
        kept = {
            k: v
            for k, v in body.items()
            if k not in self.drop and not (k in self.drop_if_equal and v == self.drop_if_equal[k])
        }
        return self.redactor.json(kept)

    def canonical(self, method: str, path: str, body: bytes | str) -> CanonicalRequest:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        model = None
        if text.strip():
            try:
                decoded = json.loads(text)
            except ValueError:
                canonical_body = self.redactor.text(text)
            else:
                normal = _normalise_numbers(self._texts_joined(self._renumbered(self.stored_body(decoded))))
                canonical_body = json.dumps(normal, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
                if isinstance(decoded, dict) and isinstance(decoded.get("model"), str):
                    model = decoded["model"]
        else:
            canonical_body = ""
        return CanonicalRequest(method.upper(), path, canonical_body, model)

    def _texts_joined(self, body: Any) -> Any:
        """A content list holding a single text part is the same request as that text (OpenAI's chat API
        takes both; OGX 1.5.0 sends the list where older versions sent the string)."""
        if not isinstance(body, dict):
            return body
        for path in self.text_content:
            for container, name in _slots(body, path):
                value = container[name]
                if (
                    isinstance(value, list)
                    and len(value) == 1
                    and isinstance(value[0], dict)
                    and value[0].get("type") == "text"
                    and isinstance(value[0].get("text"), str)
                    and set(value[0]) <= {"type", "text"}
                ):
                    container[name] = value[0]["text"]
        return body

    def _renumbered(self, body: Any) -> Any:
        # ``body`` is a fresh copy (``stored_body`` rebuilds every container), so it is edited in place.
        if not self.renumber or not isinstance(body, dict):
            return body
        numbers: dict[Any, str] = {}
        for path in self.renumber:
            for container, name in _slots(body, path):
                value = container[name]
                if isinstance(value, str):
                    container[name] = numbers.setdefault(value, f"#{len(numbers) + 1}")
        return body


def _parse_path(text: Any, bad: Callable[..., Exception]) -> tuple[tuple[str, bool], ...]:
    if not isinstance(text, str) or not re.fullmatch(
        r"[A-Za-z_][\w-]*(\[\])?(\.[A-Za-z_][\w-]*(\[\])?)*", text
    ):
        raise bad(
            "a body.renumber entry is not a field path",
            text,
            "dotted field names, '[]' after a list field, e.g. messages[].tool_call_id",
        )
    return tuple((seg.removesuffix("[]"), seg.endswith("[]")) for seg in text.split("."))


def _slots(node: Any, path: tuple[tuple[str, bool], ...]) -> Iterator[tuple[dict[str, Any], str]]:
    """(container, field) pairs that ``path`` reaches in ``node``, in document order."""
    (name, is_list), rest = path[0], path[1:]
    if not isinstance(node, dict) or name not in node:
        return
    if not rest:
        if not is_list:
            yield node, name
        return
    child = node[name]
    for item in child if is_list and isinstance(child, list) else [child] if not is_list else []:
        yield from _slots(item, rest)


def _normalise_numbers(value: Any) -> Any:
    # 1 and 1.0 are the same temperature; JSON serialisers disagree on which one they write.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_normalise_numbers(v) for v in value]
    if isinstance(value, dict):
        return {k: _normalise_numbers(v) for k, v in value.items()}
    return value
