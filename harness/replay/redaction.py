"""Redaction: credentials and key-like values are replaced before anything is written or hashed.

The same :class:`Redactor` serves three callers: the recorder (headers, URIs and bodies of each stored
interaction), the matcher (a live request is redacted before hashing, so a prompt that happens to hold
a key still matches its stored, redacted twin) and ``harness cassettes scan`` (which reports instead of
replacing).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


@dataclass(frozen=True)
class SecretMatch:
    kind: str  # e.g. "openai-style key", "authorization header"
    start: int
    end: int


@dataclass(frozen=True)
class Redactor:
    patterns: dict[str, re.Pattern[str]]
    header_globs: tuple[str, ...]
    query_params: frozenset[str]
    placeholder: str = "<redacted>"
    values: tuple[str, ...] = field(default=())  # exact secrets known at run time (the upstream key)

    def with_values(self, values: Iterable[str | None]) -> Redactor:
        """A redactor that also replaces these exact strings (short ones are ignored: too many false hits)."""
        extra = tuple(v for v in values if v and len(v) >= 8 and v not in self.values)
        if not extra:
            return self
        return Redactor(
            self.patterns, self.header_globs, self.query_params, self.placeholder, self.values + extra
        )

    def is_secret_header(self, name: str) -> bool:
        lowered = name.lower()
        return any(fnmatch.fnmatchcase(lowered, glob) for glob in self.header_globs)

    def header(self, name: str, value: str) -> str:
        return self.placeholder if self.is_secret_header(name) else self.text(value)

    def text(self, text: str) -> str:
        for value in self.values:
            text = text.replace(value, self.placeholder)
        if self._any_pattern is not None and self._any_pattern.search(text) is None:
            return text  # no pattern matches anywhere, so none would replace anything
        for pattern in self.patterns.values():
            text = pattern.sub(self.placeholder, text)
        return text

    @cached_property
    def _any_pattern(self) -> re.Pattern[str] | None:
        return any_of(self.patterns.values())

    def json(self, value: Any) -> Any:
        """Redact every string (keys included) in a decoded JSON value."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.json(item) for item in value]
        if isinstance(value, dict):
            return {self.text(key): self.json(item) for key, item in value.items()}
        return value

    def uri(self, uri: str) -> str:
        parts = urlsplit(uri)
        netloc = parts.netloc
        if "@" in netloc:  # user:password@host
            netloc = self.placeholder + "@" + netloc.rsplit("@", 1)[1]
        query = parts.query
        if query:
            pairs = parse_qsl(query, keep_blank_values=True)
            query = urlencode(
                [(k, self.placeholder if k.lower() in self.query_params else self.text(v)) for k, v in pairs],
                safe="<>",
            )
        return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))

    def find(self, text: str) -> Iterator[SecretMatch]:
        """Key-like values in ``text`` (for scanning; the placeholder itself never matches)."""
        for value in self.values:
            start = text.find(value)
            while start != -1:
                yield SecretMatch("known secret value", start, start + len(value))
                start = text.find(value, start + 1)
        for kind, pattern in self.patterns.items():
            for match in pattern.finditer(text):
                yield SecretMatch(kind, match.start(), match.end())


def compile_patterns(patterns: dict[str, str]) -> dict[str, re.Pattern[str]]:
    return {kind: re.compile(source) for kind, source in patterns.items()}


def any_of(patterns: Iterable[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One pattern that matches where any of ``patterns`` does (one scan of a text instead of one per
    pattern), or None when they cannot be joined without changing their meaning: groups (a numbered
    backreference would point elsewhere), flags, or a join that does not compile."""
    patterns = list(patterns)
    if not patterns or any(p.groups or p.flags & ~re.UNICODE for p in patterns):
        return None
    try:
        return re.compile("|".join(f"(?:{p.pattern})" for p in patterns))
    except re.error:
        return None
