from harness.spectools._pointer import component_name, escape, from_ref, join, split
from harness.spectools._refs import MISSING, Resolver

DOC = {
    "components": {
        "schemas": {
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"type": "string"},
            "a/b~c": {"type": "integer"},
            "With Space": {"type": "boolean"},
            "Loop1": {"$ref": "#/components/schemas/Loop2"},
            "Loop2": {"$ref": "#/components/schemas/Loop1"},
        }
    }
}


def test_pointer_escaping_round_trips():
    assert escape("a/b~c") == "a~1b~0c"
    assert split(join("/components/schemas", "a/b~c")) == ["components", "schemas", "a/b~c"]
    assert from_ref("#/components/schemas/With%20Space") == "/components/schemas/With Space"
    assert from_ref("other.yaml#/x") is None
    assert component_name("/components/schemas/Foo/properties/x") == "Foo"


def test_lookup_and_missing():
    r = Resolver(DOC)
    assert r.lookup("/components/schemas/a~1b~0c") == {"type": "integer"}
    assert r.lookup("/components/schemas/Nope") is MISSING
    assert r.exists("#/components/schemas/With%20Space")
    assert not r.exists("#/components/responses/BadRequest400")


def test_deref_follows_chains_and_stops_on_cycles_and_dangling():
    r = Resolver(DOC)
    assert r.deref({"$ref": "#/components/schemas/A"}, "/x") == ({"type": "string"}, "/components/schemas/B")
    assert r.deref({"$ref": "#/components/schemas/Loop1"}, "/x")[0] is None
    assert r.deref({"$ref": "#/components/schemas/Gone"}, "/x") == (None, "/x")
    assert r.deref({"$ref": "ext.yaml#/A"}, "/x") == (None, "/x")
    inline = {"type": "null"}
    assert r.deref(inline, "/here") == (inline, "/here")
