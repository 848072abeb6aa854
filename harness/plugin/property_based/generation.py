"""Request generation: schemathesis strategies per operation of the app's live spec, with the two things
a router app needs on top — a model the stack serves (a random ``model`` string only ever reaches the
"model not found" branch) and a list of the operations that call a model at all.

    generator = Generator.from_document(doc, models=ModelCatalogue.from_listing(listing))
    generator.operation("POST /v1/responses")            # schemathesis APIOperation
    generator.strategy(op, "positive")                  # hypothesis strategy of schemathesis Cases
    generator.inference_reason(op)                      # why it calls a model, or None
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from harness.contract.refs import Resolver

from .document import StandIn, generation_document

MODES = ("positive", "negative")
MODEL_FIELDS = {"model": "llm", "embedding_model": "embedding"}  # body property → the kind of model it names


@dataclass(frozen=True)
class ModelCatalogue:
    """The models the stack under test serves, by kind (``llm``, ``embedding``)."""

    by_kind: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_listing(cls, listing: Any) -> ModelCatalogue:
        """From the body of the stack's ``GET /v1/models`` (OpenAI shape; OGX adds ``custom_metadata.model_type``)."""
        kinds: dict[str, list[str]] = {}
        for model in (listing or {}).get("data") or []:
            if not isinstance(model, dict) or not isinstance(model.get("id"), str):
                continue
            meta = model.get("custom_metadata") or model.get("metadata") or {}
            kind = meta.get("model_type") if isinstance(meta, dict) else None
            kinds.setdefault(kind if kind in ("llm", "embedding") else "llm", []).append(model["id"])
        return cls({kind: tuple(ids) for kind, ids in kinds.items()})

    def for_field(self, name: str, path: str) -> tuple[str, ...]:
        kind = (
            "embedding"
            if name == "embedding_model" or path.endswith("/embeddings")
            else MODEL_FIELDS.get(name, "llm")
        )
        return self.by_kind.get(kind, ())


class Generator:
    def __init__(
        self, schema: Any, document: dict[str, Any], stand_ins: list[StandIn], models: ModelCatalogue
    ) -> None:
        self.schema = schema
        self.document = document
        self.stand_ins = stand_ins
        self.models = models
        self._resolver = Resolver(document)
        self._operations = {op.label: op for op in (r.ok() for r in schema.get_all_operations())}

    @classmethod
    def from_document(cls, document: dict[str, Any], *, models: ModelCatalogue | None = None) -> Generator:
        import schemathesis

        fixed, stand_ins = generation_document(document)
        return cls(schemathesis.openapi.from_dict(fixed), document, stand_ins, models or ModelCatalogue())

    @property
    def keys(self) -> list[str]:
        """Every operation schemathesis generates for, as ``METHOD /path`` (the spec's order)."""
        return list(self._operations)

    def operation(self, key: str) -> Any:
        return self._operations[key]

    def body_properties(self, operation: Any) -> set[str]:
        """Top-level properties of the operation's JSON (or form) request body schema."""
        raw = self.document["paths"][operation.path][operation.method.lower()]
        names: set[str] = set()
        for media in ((raw.get("requestBody") or {}).get("content") or {}).values():
            schema = self._resolver.deref((media or {}).get("schema") or {})[0]
            if isinstance(schema, dict):
                names.update((schema.get("properties") or {}).keys())
        return names

    def inference_reason(self, operation: Any) -> str | None:
        """Why a request to this operation reaches the model provider, or None when it does not."""
        fields = sorted(self.body_properties(operation) & MODEL_FIELDS.keys())
        if fields:
            return f"its request body names a model ({', '.join(fields)})"
        if operation.method.upper() == "POST" and "vector" in operation.path:
            return (
                "it stores or searches vector-store content, which the stack embeds with its embedding model"
            )
        return None

    def strategy(self, operation: Any, mode: str) -> Any:
        """Cases for ``operation``; positive cases name a served model about four times in five."""
        from hypothesis import strategies as st
        from schemathesis import GenerationMode

        cases = operation.as_strategy(generation_mode=GenerationMode(mode))
        if mode != "positive":
            return cases
        fields = {
            name: self.models.for_field(name, operation.path)
            for name in self.body_properties(operation) & MODEL_FIELDS.keys()
        }
        fields = {name: ids for name, ids in fields.items() if ids}
        if not fields:
            return cases
        choices = st.fixed_dictionaries(
            {name: st.sampled_from((*ids, *ids, *ids, *ids, None)) for name, ids in fields.items()}
        )
        return st.tuples(cases, choices).map(_with_models)


def _with_models(drawn: tuple[Any, dict[str, str | None]]) -> Any:
    case, models = drawn
    if isinstance(case.body, dict):
        chosen = {name: model for name, model in models.items() if model is not None}
        if chosen:
            case.body = {**case.body, **chosen}
    return case
