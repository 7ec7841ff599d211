"""The console's template helpers."""

from datetime import UTC, datetime

from django.template import Context, Template

from agents.templatetags import console


def test_filters_read_dotted_keys_configs_and_moments():
    assert console.get({"llm.temperature": "too hot"}, "llm.temperature") == "too hot"
    assert console.get(None, "x") == ""
    assert console.as_json({"b": 1, "a": "é"}) == '{\n  "a": "é",\n  "b": 1\n}'
    assert console.as_json("text") == "text"
    moment = datetime(2026, 12, 3, 10, 4, 5, 123456, tzinfo=UTC)
    assert console.iso(moment) == "2026-12-03T10:04:05.123+00:00"
    assert console.split_pairs("a:A,b:B,bad") == [("a", "A"), ("b", "B")]
    assert console.describe_check({"type": "contains", "value": "Hi"}) == "Reply contains “Hi”"


def test_the_tags_render_in_a_template():
    rendered = Template("{% load console %}{% when at %}|{{ d|get:'k.x' }}").render(
        Context({"at": datetime(2026, 12, 3, 10, 4, tzinfo=UTC), "d": {"k.x": "<b>"}})
    )
    assert rendered == "2026-12-03 10:04|&lt;b&gt;"
