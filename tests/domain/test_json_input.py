"""JSON as the API reads it: finite numbers, bounded depth, storable text, whole ints."""

import pytest
from pydantic import TypeAdapter, ValidationError

from agents.domain import json_input
from agents.domain.exceptions import InvalidInput


def test_a_document_is_read_as_plain_data():
    assert json_input.loads(b'{"a": [1, 2.5, "x"]}') == {"a": [1, 2.5, "x"]}


@pytest.mark.parametrize(
    "raw", [b"{", b'{"a": NaN}', b'{"a": Infinity}', b"\xff", b"[" * 200 + b"]" * 200]
)
def test_what_cannot_be_read_is_malformed(raw):
    with pytest.raises(json_input.MalformedJSON):
        json_input.loads(raw)


def test_text_that_cannot_be_stored_is_refused_by_path():
    with pytest.raises(InvalidInput) as refused:
        json_input.loads('{"a": {"b": ["ok", "nul\\u0000"]}, "c": "\\ud800"}')
    assert [p["path"] for p in refused.value.errors] == ["a.b[1]", "c"]
    assert json_input.unusable("fine") is None


def test_line_endings_become_unix_everywhere_in_a_document():
    assert json_input.unix_newlines("a\r\nb\rc") == "a\nb\nc"
    assert json_input.cleaned({"t": ["x\r\ny"]}) == {"t": ["x\ny"]}


def test_whole_ints_take_2_or_2_point_0_and_refuse_fractions_and_bounds():
    adapter = TypeAdapter(json_input.whole_int(ge=1, le=9))
    assert adapter.validate_python(2) == 2
    assert adapter.validate_python(2.0) == 2
    for bad in (2.5, 10, 0, 2.0**60):
        with pytest.raises(ValidationError):
            adapter.validate_python(bad)
