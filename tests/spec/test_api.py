import harness.spectools as spectools


def test_public_api_is_one_list():
    public = {
        name for name in dir(spectools) if not name.startswith(("_", "@"))
    }  # "@py_*": pytest rewrote the module
    assert public == set(spectools.__all__)
    for name in ("load_spec", "lint", "diff", "drift", "Finding", "Change"):
        assert name in spectools.__all__


def test_serialisable_data_classes():
    import json

    finding = spectools.Finding("r", spectools.Impact.BREAKING.severity, "/p", "m", "h", ("e",), {"x": 1})
    assert json.loads(json.dumps(finding.to_dict()))["example"] == {"x": 1}
    change = spectools.Change(
        "r", spectools.Impact.WARNING, "/p", "m", "h", "response", "/old", ["GET /x"], {"k": [1]}
    )
    assert json.loads(json.dumps(change.to_dict())) == {
        "rule": "r",
        "severity": "warning",
        "pointer": "/p",
        "message": "m",
        "hint": "h",
        "direction": "response",
        "old_pointer": "/old",
        "operations": ["GET /x"],
        "details": {"k": [1]},
    }
