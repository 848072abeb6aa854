import pytest

from harness.core.documents import read_document
from harness.core.errors import SpecError, UsageError

KW = {"what": "the thing", "allowed": "a YAML mapping", "fix": "fix it"}


def test_reads_json_and_yaml(tmp_path):
    (tmp_path / "a.json").write_text('{"x": 1}')
    (tmp_path / "a.yaml").write_text("x: 1\n")
    assert read_document(tmp_path / "a.json", **KW) == read_document(tmp_path / "a.yaml", **KW) == {"x": 1}


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("bad.json", "{", "bad.json is not valid JSON"),
        ("bad.yaml", "x: [", "bad.yaml is not valid YAML"),
    ],
)
def test_syntax_errors_name_the_file_and_the_fix(tmp_path, name, text, message):
    (tmp_path / name).write_text(text)
    with pytest.raises(UsageError) as caught:
        read_document(tmp_path / name, error=UsageError, **KW)
    rendered = caught.value.render()
    assert message in rendered and "a YAML mapping" in rendered and "fix it" in rendered


def test_missing_file_names_what_it_is(tmp_path):
    with pytest.raises(SpecError, match="cannot read the thing .*nope.yaml"):
        read_document(tmp_path / "nope.yaml", error=SpecError, **KW)
