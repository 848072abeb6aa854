"""Resource families derived from the spec: a collection path, an item path below it with DELETE, and
whichever of create / get / list the spec also has (OGX: responses, conversations, conversation items,
files, vector stores, vector store files, prompts, ...)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .paths import PathTemplate
from .spec import ApiSpec, Operation

_VERSION = re.compile(r"^v\d+[a-z0-9]*$")


@dataclass(frozen=True)
class ResourceFamily:
    name: str  # e.g. "conversations", "conversations.items"
    collection: str  # path template of the collection, e.g. /v1/conversations/{conversation_id}/items
    item: str  # path template of one resource, e.g. /v1/conversations/{conversation_id}/items/{item_id}
    id_param: str  # e.g. item_id
    delete: Operation
    create: Operation | None = None  # POST collection
    get: Operation | None = None  # GET item
    list: Operation | None = None  # GET collection
    subresources: tuple[Operation, ...] = ()  # GETs below the item that need no other parameter

    @property
    def parent_params(self) -> tuple[str, ...]:
        return PathTemplate.parse(self.collection).params

    @property
    def complete(self) -> bool:
        """Has all of create, get, list and delete."""
        return None not in (self.create, self.get, self.list)

    def operation(self, role: Literal["create", "get", "list"]) -> Operation:
        """The family's ``role`` operation, for a caller that knows the family has it."""
        found: Operation | None = getattr(self, role)
        if found is None:
            raise LookupError(f"the {self.name} family has no {role} operation")
        return found

    def collection_path(self, **parents: str) -> str:
        """``family.collection_path(conversation_id="conv_1")`` → ``/v1/conversations/conv_1/items``."""
        return PathTemplate.parse(self.collection).fill(**parents)

    def item_path(self, item_id: str, **parents: str) -> str:
        return PathTemplate.parse(self.item).fill(**parents, **{self.id_param: item_id})


def _name(collection: PathTemplate) -> str:
    words = [s.text for s in collection.segments if s.literal]
    if words and _VERSION.match(words[0]):
        words = words[1:]
    return ".".join(words) or collection.template


def resource_families(spec: ApiSpec) -> list[ResourceFamily]:
    """Every family the spec has: an item path ending in ``/{param}`` with DELETE, and its collection."""
    families = []
    for op in spec.operations.values():
        segments = op.template.segments
        if op.method != "DELETE" or not segments or not segments[-1].whole_param:
            continue
        collection = op.path[: op.path.rstrip("/").rfind("/")] or "/"
        item_params = set(op.template.params)
        subresources = tuple(
            sub for sub in spec.operations_under(op, "GET") if set(sub.template.params) <= item_params
        )
        families.append(
            ResourceFamily(
                name=_name(PathTemplate.parse(collection)),
                collection=collection,
                item=op.path,
                id_param=segments[-1].params[0],
                delete=op,
                create=spec.operation(f"POST {collection}"),
                get=spec.operation(f"GET {op.path}"),
                list=spec.operation(f"GET {collection}"),
                subresources=subresources,
            )
        )
    return sorted(families, key=lambda f: f.item)
