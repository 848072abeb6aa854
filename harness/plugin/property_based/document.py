"""The copy of the app's OpenAPI document that schemathesis generates from.

OGX 1.5.0's live spec refers to ``#/components/responses/BadRequest400`` (and three more) and to schemas
it never defines; schemathesis refuses such a document ("Unresolvable reference"). The generator gets
a deep copy in which every dangling reference points at a permissive stand-in (a response that
declares no content, a schema that accepts anything). Responses are still checked against the app's own
document by the contract checks, which report the dangling references once per run
(``spec_refs_resolve``); the stand-ins only make generation possible.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from harness.contract.refs import dangling_refs, tokens, walk_refs

# What a stand-in is, per components section: the most permissive thing that section can hold.
STAND_INS: dict[str, Any] = {
    "schemas": {},
    "responses": {"description": "stand-in: the app's spec refers to this response but does not define it"},
    "requestBodies": {"content": {"application/json": {"schema": {}}}},
    "headers": {"schema": {}},
    "examples": {},
    "links": {},
}


@dataclass(frozen=True)
class StandIn:
    ref: str  # the dangling reference, e.g. #/components/responses/BadRequest400
    how: str  # "added as a permissive component" or "inlined as an empty schema at <where>"
    used_at: tuple[str, ...]


def generation_document(doc: dict[str, Any]) -> tuple[dict[str, Any], list[StandIn]]:
    """A deep copy of ``doc`` with every dangling reference resolved to a permissive stand-in."""
    dangling = dangling_refs(doc)
    if not dangling:
        return doc, []
    fixed = copy.deepcopy(doc)
    stand_ins, inline = [], set()
    for ref, where in dangling.items():
        section, name = _component(ref)
        if section in STAND_INS:
            fixed.setdefault("components", {}).setdefault(section, {})[name] = copy.deepcopy(
                STAND_INS[section]
            )
            stand_ins.append(StandIn(ref, "added as a permissive component", where))
        else:
            inline.add(ref)
            stand_ins.append(StandIn(ref, "inlined as an empty (accept-anything) schema", where))
    if inline:
        for ref, path in list(walk_refs(fixed)):
            if ref in inline:
                holder = _at(fixed, path)
                holder.pop("$ref", None)
    return fixed, stand_ins


def _component(ref: str) -> tuple[str | None, str | None]:
    try:
        parts = tokens(ref)
    except ValueError:
        return None, None
    if len(parts) == 3 and parts[0] == "components":
        return parts[1], parts[2]
    return None, None


def _at(doc: Any, path: tuple[str | int, ...]) -> Any:
    node = doc
    for part in path:
        node = node[part]
    return node
