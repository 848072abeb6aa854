"""Matching concrete request paths (``/v1/conversations/conv_1/items``) against the spec's path
templates (``/v1/conversations/{conversation_id}/items``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

_PARAM = re.compile(r"\{([^{}/]+)\}")


def split_path(url_or_path: str) -> list[str]:
    """Path segments of a URL or path, query and fragment dropped, trailing slash ignored."""
    path = (
        urlsplit(url_or_path).path if "://" in url_or_path else url_or_path.split("?", 1)[0].split("#", 1)[0]
    )
    return list(path.strip("/").split("/")) if path.strip("/") else []


@dataclass(frozen=True)
class _Segment:
    text: str
    params: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None

    @property
    def literal(self) -> bool:
        return not self.params

    @property
    def whole_param(self) -> bool:
        return self.pattern is None and len(self.params) == 1

    def match(self, raw: str) -> dict[str, str] | None:
        value = unquote(raw)
        if self.literal:
            return {} if value == self.text else None
        if self.whole_param:
            return {self.params[0]: value} if value else None
        assert self.pattern is not None
        found = self.pattern.fullmatch(value)
        return dict(zip(self.params, found.groups(), strict=True)) if found else None


def _segment(text: str) -> _Segment:
    params = tuple(_PARAM.findall(text))
    if not params:
        return _Segment(text)
    if _PARAM.fullmatch(text):
        return _Segment(text, params)
    regex = "".join("(.+?)" if i % 2 else re.escape(part) for i, part in enumerate(_PARAM.split(text)))
    return _Segment(text, params, re.compile(regex))


@dataclass(frozen=True)
class PathTemplate:
    template: str
    segments: tuple[_Segment, ...] = field(repr=False, default=())

    @classmethod
    def parse(cls, template: str) -> PathTemplate:
        return cls(template, tuple(_segment(s) for s in split_path(template)))

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(p for s in self.segments for p in s.params)

    def rank(self) -> tuple[int, ...]:
        """Higher is more specific: literal segments win over parameters, leftmost first."""
        return tuple(1 if s.literal else 0 for s in self.segments)

    def match(self, parts: list[str]) -> dict[str, str] | None:
        if len(parts) != len(self.segments):
            return self._match_greedy_tail(parts)
        params: dict[str, str] = {}
        for segment, raw in zip(self.segments, parts, strict=True):
            found = segment.match(raw)
            if found is None:
                return None
            params.update(found)
        return params

    def _match_greedy_tail(self, parts: list[str]) -> dict[str, str] | None:
        # ids that contain slashes (model ids such as "meta-llama/Llama-3.1-8B") in a final {param}
        if not self.segments or not self.segments[-1].whole_param or len(parts) <= len(self.segments):
            return None
        head = len(self.segments) - 1
        params = self.__class__(self.template, self.segments[:head]).match(parts[:head])
        if params is None:
            return None
        params[self.segments[-1].params[0]] = unquote("/".join(parts[head:]))
        return params

    def fill(self, **values: str) -> str:
        from urllib.parse import quote

        def sub(found: re.Match[str]) -> str:
            name = found.group(1)
            if name not in values:
                raise KeyError(name)
            return quote(str(values[name]), safe="")

        return _PARAM.sub(sub, self.template)

    def is_under(self, other: PathTemplate) -> bool:
        """``/a/{x}/b`` is under ``/a/{x}`` (same leading segments, at least one more)."""
        n = len(other.segments)
        return len(self.segments) > n and all(
            a.text == b.text or (a.whole_param and b.whole_param)
            for a, b in zip(self.segments, other.segments, strict=False)
        )
