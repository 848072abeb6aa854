"""The shipped reference specs are exactly what scripts/strip_reference.py makes from the upstream copies
kept in tests/data/reference-upstream/ (gzipped, as published), and stripping keeps every name."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "harness" / "contract" / "references"
UPSTREAM = REPO / "tests" / "data" / "reference-upstream"
PAIRS = {  # shipped file → upstream copy, and the upstream's sha256 as PROVENANCE.md records it
    "openai.json": (
        "openai-openapi.json.gz",
        "bbfd19abcde0e7412da99378deb2a959ccdd3a812f97c9e35901921e8e973f9a",
    ),
    "openresponses.json": (
        "openresponses-openapi.json.gz",
        "693f26090d206230ed22b336681f547a2882cf5b131e86743966cf71bbdeedab",
    ),
}


def _script():
    spec = importlib.util.spec_from_file_location("strip_reference", REPO / "scripts" / "strip_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("shipped", sorted(PAIRS))
def test_the_shipped_file_is_what_the_script_makes_from_upstream(shipped, tmp_path):
    upstream, sha = PAIRS[shipped]
    import gzip

    assert hashlib.sha256(gzip.decompress((UPSTREAM / upstream).read_bytes())).hexdigest() == sha
    assert sha in (SHIPPED / "PROVENANCE.md").read_text()
    out = tmp_path / shipped
    assert _script().main([str(UPSTREAM / upstream), str(out)]) == 0
    assert out.read_bytes() == (SHIPPED / shipped).read_bytes(), (
        f"regenerate: python scripts/strip_reference.py …/{upstream} harness/contract/references/{shipped}"
    )


def test_stripping_drops_prose_and_examples_but_never_a_name():
    strip = _script().strip
    doc = {
        "info": {"title": "t", "description": "prose"},
        "x-oaiMeta": {"groups": []},
        "components": {
            "schemas": {
                "description": {
                    "type": "object",
                    "description": "prose",
                    "example": {},
                    "properties": {
                        "description": {"type": "string", "description": "prose"},
                        "examples": {"type": "array"},
                    },
                    "required": ["description"],
                    "x-stainless-const": True,
                    "default": {"description": "kept: a value"},
                }
            }
        },
    }
    assert strip(doc) == {
        "info": {"title": "t"},
        "components": {
            "schemas": {
                "description": {
                    "type": "object",
                    "properties": {"description": {"type": "string"}, "examples": {"type": "array"}},
                    "required": ["description"],
                    "default": {"description": "kept: a value"},
                }
            }
        },
    }
    assert strip(strip(doc)) == strip(doc)


def test_the_licence_and_provenance_ship_with_the_package():
    assert "MIT License" in (SHIPPED / "LICENSE-openai.md").read_text()
    provenance = (SHIPPED / "PROVENANCE.md").read_text()
    assert "f85dbe223d40e1a31cba812ab2d755c7e98a92a3" in provenance and "CC-BY-4.0" in provenance
