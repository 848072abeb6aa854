"""Regenerate a shipped reference spec (harness/contract/references/*.json) from an upstream copy.

Drops what validation never reads: prose (``description``, ``summary``), examples (``example``,
``examples``), ``externalDocs`` and the vendors' documentation extensions (``x-oai*``, ``x-stainless*``).
Names are never dropped: a property called ``description`` stays. The output is deterministic (same
input, same bytes; key order kept), and stripping a stripped file changes nothing.

    python scripts/strip_reference.py <upstream copy of openai/openapi.json> \\
        harness/contract/references/openai.json
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path
from typing import Any

DROPPED = frozenset({"description", "summary", "example", "examples", "externalDocs"})
DROPPED_PREFIXES = ("x-oai", "x-stainless")
# maps whose keys are names (of properties, schemas, paths, statuses, media types…), not keywords
NAME_MAPS = frozenset(
    {
        "properties",
        "patternProperties",
        "$defs",
        "definitions",
        "schemas",
        "responses",
        "parameters",
        "paths",
        "webhooks",
        "content",
        "headers",
        "mapping",
        "securitySchemes",
        "requestBodies",
        "callbacks",
        "links",
        "encoding",
        "dependentSchemas",
        "variables",
    }
)
OPAQUE = frozenset({"default", "const", "enum"})  # values, not schemas: copied as they are


def _dropped(key: str) -> bool:
    return key in DROPPED or key.startswith(DROPPED_PREFIXES)


def strip(node: Any, *, names: bool = False) -> Any:
    """``node`` without documentation keywords; ``names`` says its keys are names to keep."""
    if isinstance(node, list):
        return [strip(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if not names and _dropped(key):
            continue
        if not names and key in OPAQUE:
            out[key] = value
            continue
        out[key] = strip(value, names=not names and key in NAME_MAPS)
    return out


def render(doc: Any) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


def read(path: Path) -> Any:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return json.loads(raw)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("upstream", type=Path, help="the upstream openapi.json (or .json.gz)")
    parser.add_argument("output", type=Path, help="the shipped file to write")
    args = parser.parse_args(argv)
    text = render(strip(read(args.upstream)))
    args.output.write_text(text, encoding="utf-8")
    print(
        f"{args.output}: {len(text):,} characters (upstream {args.upstream.stat().st_size:,} bytes)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
