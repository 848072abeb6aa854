"""JSON pointers (RFC 6901) as the findings and changes report them: ``/components/schemas/Foo``."""

from __future__ import annotations

from urllib.parse import unquote


def escape(token: object) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join(pointer: str, *tokens: object) -> str:
    return pointer + "".join("/" + escape(t) for t in tokens)


def split(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [unescape(t) for t in pointer.lstrip("/").split("/")]


def from_ref(ref: str) -> str | None:
    """``#/components/schemas/A%20B`` → ``/components/schemas/A B``-style pointer; None for external refs."""
    if not ref.startswith("#"):
        return None
    return unquote(ref[1:])


def last(pointer: str) -> str:
    parts = split(pointer)
    return parts[-1] if parts else ""


def component_name(pointer: str) -> str | None:
    """The component a pointer lies in (``/components/schemas/Foo/properties/x`` → ``Foo``)."""
    parts = split(pointer)
    if len(parts) >= 3 and parts[0] == "components":
        return parts[2]
    return None
