"""Rules about enums."""

from __future__ import annotations

import json
from collections.abc import Iterator

from ._model import Finding
from ._rules import family, finding


@family("enum-single-member")
def check_enums(ctx) -> Iterator[Finding]:
    for pointer, node in ctx.schemas:
        enum = node.get("enum")
        if isinstance(enum, list) and len(enum) == 1:
            value = json.dumps(enum[0])
            hint = (
                f"OpenAPI 3.0 has no `const`; a one-member enum is how it fixes {value} — keep it if that is the intent"
                if ctx.spec.is_30
                else f"write `const: {value}` if the value is fixed on purpose (e.g. a discriminator value), or add the missing members"
            )
            yield finding(
                "enum-single-member", pointer + "/enum", f"enum with the single member {value}", hint
            )
