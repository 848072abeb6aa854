import json
import subprocess

import pytest

from harness.core.errors import SpecError
from harness.spectools import Spec, load_spec

from .helpers import BEFORE, LIVE


def test_reads_yaml_and_json_real_specs():
    before = load_spec(BEFORE)
    live = load_spec(LIVE)
    assert before.openapi == "3.1.0" and live.openapi == "3.1.0"
    assert "/v1/conversations/{conversation_id}/items/{item_id}" in before.doc["paths"]
    assert live.source == str(LIVE)


def test_yaml_integer_status_keys_become_strings(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        200:\n          description: ok\n"
    )
    spec = load_spec(path)
    assert list(spec.doc["paths"]["/x"]["get"]["responses"]) == ["200"]
    assert spec.is_30


def test_dict_and_spec_pass_through():
    doc = {"openapi": "3.1.0", "paths": {}}
    spec = load_spec(doc)
    assert spec.source == "<dict>" and load_spec(spec) is spec


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a: [b\n", "neither JSON nor YAML at line 2"),
        ("- 1\n- 2\n", "top level is a list"),
        ("", "bad.yaml is empty"),
        ("# only a comment\n", "bad.yaml is empty"),
        ("just text\n", "top level is a string"),
        ("title: x\n", "no top-level `openapi` key"),
        ("swagger: '2.0'\n", "Swagger 2.0, not OpenAPI 3"),
        ("openapi: 2.5.0\n", "declares openapi '2.5.0'"),
        ("openapi: 3.1.0\npaths: [1]\n", "`paths` is a list"),
    ],
)
def test_bad_documents_name_the_file_and_the_fix(tmp_path, text, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(SpecError) as caught:
        load_spec(path)
    rendered = caught.value.render()
    assert expected in rendered
    assert str(path) in rendered
    assert "fix:" in rendered


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(SpecError, match="spec file not found"):
        load_spec(tmp_path / "nope.yaml")
    with pytest.raises(SpecError, match="is a directory"):
        load_spec(tmp_path)


def test_json_document_with_yaml_fallback(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"openapi": "3.1.0", "paths": {}}))
    assert load_spec(path).doc["paths"] == {}


def _git(repo, *args):
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def test_git_revision(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "spec.yaml").write_text("openapi: 3.1.0\ninfo: {title: old, version: '1'}\npaths: {}\n")
    _git(repo, "add", "spec.yaml")
    _git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "one")
    (repo / "spec.yaml").write_text("openapi: 3.1.0\ninfo: {title: new, version: '2'}\npaths: {}\n")
    monkeypatch.chdir(repo)
    assert load_spec("git:HEAD:spec.yaml").doc["info"]["title"] == "old"
    with pytest.raises(SpecError, match="git could not read"):
        load_spec("git:no-such-rev:spec.yaml")
    with pytest.raises(SpecError, match="malformed git spec reference"):
        load_spec("git:HEAD")


def test_other_types_are_rejected():
    with pytest.raises(SpecError, match="cannot load a spec from a int"):
        load_spec(3)  # type: ignore[arg-type]
    assert isinstance(load_spec({"openapi": "3.0.0"}), Spec)
