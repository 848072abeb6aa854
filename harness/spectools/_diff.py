"""The breaking-change diff: operations matched by method and path template, then parameters, request
bodies (direction ``request``) and responses (direction ``response``) compared through SchemaDiff."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from harness.core.errors import SpecError

from . import _pointer
from ._diff_schema import SchemaDiff
from ._load import Spec, load_spec
from ._model import Change, Impact
from ._refs import Resolver
from ._walk import METHODS

B, W, I = Impact.BREAKING, Impact.WARNING, Impact.INFO  # noqa: E741 - initials, so rule tables read as columns
_PARAM = re.compile(r"\{([^}]*)\}")


def diff(old: Spec | dict | str | Path, new: Spec | dict | str | Path) -> list[Change]:
    """Every change from ``old`` to ``new``, most severe first; each names the operations it affects."""
    return _Walker(load_spec(old), load_spec(new)).run()


class _Walker:
    def __init__(self, old: Spec, new: Spec) -> None:
        self.old, self.new = old, new
        self.ro, self.rn = Resolver(old.doc), Resolver(new.doc)
        self.schemas = SchemaDiff(old, new)
        self.found: dict[tuple, Change] = {}

    def run(self) -> list[Change]:
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 20_000))  # the schema walk recurses once per nesting level
        try:
            return self._run()
        except RecursionError:
            raise SpecError(
                "the schemas nest too deeply to compare",
                value=f"{self.old.source} → {self.new.source}",
                fix="report this spec pair; it nests deeper than 20,000 levels",
            ) from None
        finally:
            sys.setrecursionlimit(limit)

    def _run(self) -> list[Change]:
        ops_old, ops_new = _operations(self.old.doc), _operations(self.new.doc)
        for key in sorted(ops_old.keys() | ops_new.keys()):
            method, _ = key
            if key not in ops_new:
                path = ops_old[key][0]
                self._add(
                    [
                        Change(
                            "operation-removed",
                            B,
                            _pointer.join("/paths", path, method.lower()),
                            f"{method} {path} was removed",
                            "keep the operation (deprecate it first), or version the API",
                        )
                    ],
                    f"{method} {path}",
                )
            elif key not in ops_old:
                path = ops_new[key][0]
                self._add(
                    [
                        Change(
                            "operation-added",
                            I,
                            _pointer.join("/paths", path, method.lower()),
                            f"{method} {path} was added",
                            "",
                        )
                    ],
                    f"{method} {path}",
                )
            else:
                self._operation(method, ops_old[key], ops_new[key])
        return sorted(self.found.values(), key=Change.sort_key)

    def _add(self, changes: list[Change], operation: str) -> None:
        for change in changes:
            existing = self.found.get(change.key())
            if existing is None:
                existing = self.found[change.key()] = change
            if operation not in existing.operations:
                existing.operations.append(operation)

    def _operation(self, method: str, old: tuple, new: tuple) -> None:
        o_path, o_op, o_item = old
        n_path, n_op, n_item = new
        label = f"{method} {n_path}"
        o_base = _pointer.join("/paths", o_path, method.lower())
        n_base = _pointer.join("/paths", n_path, method.lower())
        out: list[Change] = []
        if o_path != n_path:
            out.append(
                Change(
                    "path-parameter-renamed",
                    I,
                    n_base,
                    f"{method} {o_path} is now written {n_path}",
                    "",
                    None,
                    o_base,
                )
            )
        if (
            o_op.get("operationId") != n_op.get("operationId")
            and o_op.get("operationId")
            and n_op.get("operationId")
        ):
            out.append(
                Change(
                    "operation-id-changed",
                    W,
                    n_base,
                    f"{label}: operationId changed from `{o_op.get('operationId')}` to `{n_op.get('operationId')}`",
                    "SDK method names generated from operationId change with it; keep the old id unless renaming is intended",
                    None,
                    o_base,
                )
            )
        if n_op.get("deprecated") and not o_op.get("deprecated"):
            out.append(
                Change("operation-deprecated", I, n_base, f"{label} is now deprecated", "", None, o_base)
            )
        out += self._parameters(label, o_path, o_op, o_item, o_base, n_path, n_op, n_item, n_base)
        out += self._request_body(label, o_op, o_base, n_op, n_base)
        out += self._responses(label, o_op, o_base, n_op, n_base)
        self._add(out, label)

    # -- parameters --------------------------------------------------------------------------------
    def _parameters(self, label, o_path, o_op, o_item, o_base, n_path, n_op, n_item, n_base) -> list[Change]:
        olds = _params(o_item, o_op, o_base, self.ro, o_path)
        news = _params(n_item, n_op, n_base, self.rn, n_path)
        renames = dict(zip(_PARAM.findall(o_path), _PARAM.findall(n_path), strict=False))
        olds = {
            (loc, renames.get(name, name) if loc == "path" else name): v for (loc, name), v in olds.items()
        }
        out: list[Change] = []
        for key in sorted(olds.keys() | news.keys()):
            loc, name = key
            if key not in news:
                obj, at = olds[key]
                out.append(
                    Change(
                        "request-parameter-removed",
                        W,
                        at,
                        f"{label}: {loc} parameter `{name}` was removed",
                        "clients still send it; check the server ignores it rather than rejecting it",
                        "request",
                    )
                )
                continue
            n_obj, n_at = news[key]
            if key not in olds:
                req = bool(n_obj.get("required"))
                out.append(
                    Change(
                        "request-parameter-added-required" if req else "request-parameter-added",
                        B if req else I,
                        n_at,
                        f"{label}: new {'required ' if req else ''}{loc} parameter `{name}`",
                        "make it optional with a default" if req else "",
                        "request",
                    )
                )
                continue
            o_obj, o_at = olds[key]
            if n_obj.get("required") and not o_obj.get("required"):
                out.append(
                    Change(
                        "request-parameter-became-required",
                        B,
                        n_at,
                        f"{label}: {loc} parameter `{name}` became required",
                        "keep it optional with a default",
                        "request",
                        o_at,
                    )
                )
            elif o_obj.get("required") and not n_obj.get("required"):
                out.append(
                    Change(
                        "request-parameter-became-optional",
                        I,
                        n_at,
                        f"{label}: {loc} parameter `{name}` became optional",
                        "",
                        "request",
                        o_at,
                    )
                )
            if isinstance(o_obj.get("schema"), dict) and isinstance(n_obj.get("schema"), dict):
                out += self.schemas.compare(
                    o_obj["schema"],
                    _pointer.join(o_at, "schema"),
                    n_obj["schema"],
                    _pointer.join(n_at, "schema"),
                    "request",
                )
        return out

    # -- request body ------------------------------------------------------------------------------
    def _request_body(self, label, o_op, o_base, n_op, n_base) -> list[Change]:
        o_body, o_at = _deref(self.ro, o_op.get("requestBody"), _pointer.join(o_base, "requestBody"))
        n_body, n_at = _deref(self.rn, n_op.get("requestBody"), _pointer.join(n_base, "requestBody"))
        if o_body is None and n_body is None:
            return []
        if o_body is None:
            req = bool(n_body.get("required"))
            return [
                Change(
                    "request-body-added-required" if req else "request-body-added",
                    B if req else I,
                    n_at,
                    f"{label} now takes a {'required ' if req else ''}request body",
                    "make the body optional" if req else "",
                    "request",
                )
            ]
        if n_body is None:
            return [
                Change(
                    "request-body-removed",
                    W,
                    n_at,
                    f"{label} no longer takes a request body",
                    "clients still send one; check the server ignores it",
                    "request",
                    o_at,
                )
            ]
        out: list[Change] = []
        if n_body.get("required") and not o_body.get("required"):
            out.append(
                Change(
                    "request-body-became-required",
                    B,
                    n_at,
                    f"{label}: the request body became required",
                    "keep it optional",
                    "request",
                    o_at,
                )
            )
        out += self._content(label, o_body, o_at, n_body, n_at, "request")
        return out

    # -- responses ---------------------------------------------------------------------------------
    def _responses(self, label, o_op, o_base, n_op, n_base) -> list[Change]:
        o_all = o_op.get("responses") if isinstance(o_op.get("responses"), dict) else {}
        n_all = n_op.get("responses") if isinstance(n_op.get("responses"), dict) else {}
        out: list[Change] = []
        for status in sorted(o_all.keys() | n_all.keys()):
            success = status.startswith("2")
            o_at = _pointer.join(o_base, "responses", status)
            n_at = _pointer.join(n_base, "responses", status)
            if status not in n_all:
                out.append(
                    Change(
                        "response-success-status-removed" if success else "response-status-removed",
                        B if success else I,
                        n_at,
                        f"{label} no longer declares response {status}",
                        "clients expecting this status break; keep it or version the API" if success else "",
                        "response",
                        o_at,
                    )
                )
                continue
            if status not in o_all:
                out.append(
                    Change(
                        "response-success-status-added" if success else "response-status-added",
                        W if success else I,
                        n_at,
                        f"{label} now declares response {status}",
                        "clients may not expect this success status" if success else "",
                        "response",
                    )
                )
                continue
            o_resp, o_res_at = _deref(self.ro, o_all[status], o_at)
            n_resp, n_res_at = _deref(self.rn, n_all[status], n_at)
            if o_resp is None or n_resp is None:
                out += _broken_response(
                    label, status, o_all[status], n_all[status], o_resp, n_resp, n_res_at, o_res_at
                )
                continue
            out += self._content(label, o_resp, o_res_at, n_resp, n_res_at, "response", status)
        return out

    def _content(self, label, o_obj, o_at, n_obj, n_at, direction, status: str | None = None) -> list[Change]:
        oc = o_obj.get("content") if isinstance(o_obj.get("content"), dict) else {}
        nc = n_obj.get("content") if isinstance(n_obj.get("content"), dict) else {}
        what = f"response {status}" if status else "request body"
        out: list[Change] = []
        for media in sorted(oc.keys() | nc.keys()):
            if media not in nc:
                out.append(
                    Change(
                        f"{direction}-media-type-removed",
                        B,
                        _pointer.join(n_at, "content", media),
                        f"{label}: {what} no longer offers {media}",
                        "keep the media type, or version the API",
                        direction,
                        _pointer.join(o_at, "content", media),
                    )
                )
            elif media not in oc:
                out.append(
                    Change(
                        f"{direction}-media-type-added",
                        I,
                        _pointer.join(n_at, "content", media),
                        f"{label}: {what} now offers {media}",
                        "",
                        direction,
                    )
                )
            else:
                o_schema, n_schema = (oc[media] or {}).get("schema"), (nc[media] or {}).get("schema")
                if isinstance(o_schema, dict) and isinstance(n_schema, dict):
                    out += self.schemas.compare(
                        o_schema,
                        _pointer.join(o_at, "content", media, "schema"),
                        n_schema,
                        _pointer.join(n_at, "content", media, "schema"),
                        direction,
                    )
        return out


def _operations(doc: dict) -> dict[tuple[str, str], tuple[str, dict, dict]]:
    out = {}
    paths = doc.get("paths") or {}
    resolver = Resolver(doc)
    for path, item in paths.items():
        item, _ = _deref(resolver, item, _pointer.join("/paths", path))  # 3.1 path items may be $refs
        if not isinstance(item, dict):
            continue
        template = _PARAM.sub("{}", path)
        for method in METHODS:
            if isinstance(item.get(method), dict):
                out[(method.upper(), template)] = (path, item[method], item)
    return out


def _params(
    item: dict, op: dict, base: str, resolver: Resolver, path: str
) -> dict[tuple[str, str], tuple[dict, str]]:
    found: dict[tuple[str, str], tuple[dict, str]] = {}
    item_base = _pointer.join("/paths", path)
    for owner, where in ((item, item_base), (op, base)):
        for i, raw in enumerate(owner.get("parameters") or []):
            param, at = _deref(resolver, raw, _pointer.join(where, "parameters", i))
            if isinstance(param, dict) and isinstance(param.get("name"), str):
                found[(str(param.get("in")), param["name"])] = (param, at)
    return found


def _deref(resolver: Resolver, node: Any, pointer: str) -> tuple[Any, str]:
    if not isinstance(node, dict):
        return None, pointer
    return resolver.deref(node, pointer)


def _broken_response(label, status, o_raw, n_raw, o_resp, n_resp, n_at, o_at) -> list[Change]:
    """One change per broken reference (not per operation): the pointers are the response components."""
    o_ref = o_raw.get("$ref") if isinstance(o_raw, dict) else None
    n_ref = n_raw.get("$ref") if isinstance(n_raw, dict) else None
    if (
        (o_resp is None and n_resp is None)
        or (n_resp is None and not isinstance(n_ref, str))
        or (o_resp is None and not isinstance(o_ref, str))
    ):
        return []  # nothing comparable (lint reports dangling refs and malformed responses)
    if n_resp is None:
        target = _pointer.from_ref(n_ref) if isinstance(n_ref, str) else None
        return [
            Change(
                "response-unresolvable",
                W,
                target or n_at,
                f"`{n_ref}` does not resolve in the new spec (it did in the old one): response {status} of these operations cannot be compared",
                "define the referenced response component again",
                "response",
                o_at,
            )
        ]
    return [
        Change(
            "response-now-resolvable",
            I,
            n_at,
            f"`{o_ref}` did not resolve in the old spec and resolves now: response {status} of these operations was not compared",
            "",
            "response",
            None,
        )
    ]
