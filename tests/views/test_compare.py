"""Compare pages and the diffs shown where decisions are made; hostile input stays inert."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from agents.services import labels, releases
from agents.services import versions as versions_services
from tests.helpers import edit

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    '"><svg onload=alert(3)>',
    "</textarea><script>alert(4)</script>",
    "javascript:alert(5)",
    "{{ 7*7 }} {% debug %}",
    "' onmouseover='alert(6)",
]


@pytest.fixture
def client_in(client, user):
    client.force_login(user)
    return client


def compare_url(agent, a, b):
    return reverse("agents:compare", args=[agent.public_id, a, b])


@pytest.fixture
def versions(agent, make_version, user):
    v1 = make_version(
        agent, {"llm": {"temperature": 0.2}, "prompt": {"system_prompt": "Hi.\nBye."}}
    )
    v2 = make_version(
        agent,
        {
            "llm": {"temperature": 0.9},
            "prompt": {"system_prompt": "Hi there.\nBye."},
            "tools": [{"name": "lookup_order", "url": "https://a.example/o"}],
        },
    )
    releases.release_version(version=v1, user=user)
    edit(agent, {"voice": {"tts_voice": "bella"}}, user=user)
    return v1, v2


def test_the_compare_page_shows_changes_by_section(client_in, agent, versions):
    html = client_in.get(compare_url(agent, "1", "2")).content.decode()
    assert "<html" in html
    assert "Compare v1 → v2" in html
    assert "llm.temperature" in html
    assert "tools[lookup_order]" in html
    assert "<ins>there</ins>" in html or "<ins> there</ins>" in html
    assert 'Voice <span class="muted small">unchanged</span>' in html


def test_any_pair_of_draft_released_and_versions(client_in, agent, versions):
    for a, b in [("released", "draft"), ("draft", "2"), ("v1", "v2"), ("2", "released")]:
        response = client_in.get(compare_url(agent, a, b))
        assert response.status_code == 200, (a, b)
    html = client_in.get(compare_url(agent, "released", "draft")).content.decode()
    assert "Released (v1)" in html
    assert "voice.tts_voice" in html


def test_equal_sides_say_no_differences(client_in, agent, versions):
    html = client_in.get(compare_url(agent, "1", "released")).content.decode()
    assert "No differences" in html


def test_htmx_gets_just_the_fragment(client_in, agent, versions):
    html = client_in.get(compare_url(agent, "1", "2"), **HTMX).content.decode()
    assert html.lstrip().startswith('<section id="compare-view"')
    assert "<html" not in html


def test_unknown_sides_are_404_with_a_reason(client_in, agent, versions, make_agent):
    assert client_in.get(compare_url(agent, "9", "draft")).status_code == 404
    fresh = make_agent("Fresh")
    assert client_in.get(compare_url(fresh, "released", "draft")).status_code == 404
    html = client_in.get(compare_url(fresh, "released", "draft"), **HTMX).content.decode()
    assert "Nothing of “Fresh” is released yet." in html


def test_the_picker_redirects_to_the_readable_url(client_in, agent, versions):
    response = client_in.get(
        reverse("agents:compare-pick", args=[agent.public_id]), {"from": "v1", "to": "draft"}
    )
    assert response["Location"] == compare_url(agent, "1", "draft")


def test_compare_costs_a_fixed_number_of_queries(
    client_in, agent, versions, make_version, django_assert_max_num_queries
):
    # Session, user, agent, the two sides, the pickers (released and the labels,
    # branches, versions, revisions), …: the same however long the history is.
    with django_assert_max_num_queries(13):
        client_in.get(compare_url(agent, "1", "2"))
    for _ in range(12):
        make_version(agent)
    with django_assert_max_num_queries(13):
        client_in.get(compare_url(agent, "1", "2"))


def test_the_pickers_name_versions_labels_and_revisions(client_in, agent, versions):
    html = client_in.get(compare_url(agent, "1", "draft")).content.decode()
    assert '<option value="1" selected>v1 · ' in html
    assert '<option value="draft" selected>Draft</option>' in html
    assert '<optgroup label="Draft revisions">' in html
    assert '<option value="r1">r1 · ' in html
    assert 'name="swap"' in html


def test_swap_exchanges_the_sides(client_in, agent, versions):
    response = client_in.get(
        reverse("agents:compare-pick", args=[agent.public_id]),
        {"from": "1", "to": "draft", "swap": "1"},
    )
    assert response["Location"] == compare_url(agent, "draft", "1")


def test_links_in_no_particular_order_put_the_older_side_left(client_in, agent, versions):
    response = client_in.get(
        reverse("agents:compare-pick", args=[agent.public_id]),
        {"from": "2", "to": "1", "order": "older"},
    )
    assert response["Location"] == compare_url(agent, "1", "2")
    panel = client_in.get(
        reverse("agents:compare-pick", args=[agent.public_id]),
        {"from": "draft", "to": "1", "order": "older"},
        **HTMX,
    )
    assert panel["HX-Push-Url"] == compare_url(agent, "1", "draft")


def test_comparing_in_the_agent_page_panel_puts_the_pair_in_the_address(client_in, agent, versions):
    response = client_in.get(compare_url(agent, "1", "draft"), **HTMX)
    assert response["HX-Push-Url"] == compare_url(agent, "1", "draft")


def test_every_history_row_has_a_compare_button(client_in, agent, versions):
    html = client_in.get(reverse("agents:history", args=[agent.public_id]), **HTMX).content.decode()
    assert html.count(">Compare</a>") == 2
    assert f'hx-get="{compare_url(agent, "2", "draft")}"' in html


def test_decision_dialogs_show_the_diff(client_in, agent, versions, user):
    _v1, _v2 = versions
    release = client_in.get(
        reverse("agents:release", args=[agent.public_id, 2]), **HTMX
    ).content.decode()
    assert "What changes in production" in release
    assert "tools[lookup_order]" in release
    save = client_in.get(
        reverse("agents:save-version", args=[agent.public_id]), **HTMX
    ).content.decode()
    assert "Changes since v2" in save
    assert "voice.tts_voice" in save
    restore = client_in.get(
        reverse("agents:restore", args=[agent.public_id, 1]), **HTMX
    ).content.decode()
    assert "What the draft will lose" in restore
    assert "voice.tts_voice" in restore


class _LiveMarkup(HTMLParser):
    """Collects every tag and event-handler attribute the browser would build."""

    def __init__(self):
        super().__init__()
        self.tags: set[str] = set()
        self.handlers: list[tuple[str, str]] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append((tag, name))
            if name in {"href", "src", "action"} and value and value.startswith("javascript:"):
                self.urls.append(value)


def assert_inert(html):
    parser = _LiveMarkup()
    parser.feed(html)
    assert "svg" not in parser.tags
    assert "img" not in parser.tags
    assert parser.handlers == []
    assert parser.urls == []
    scripts = html.count("<script")
    assert scripts == html.count('<script src="/static/')  # only our vendored files


def test_hostile_input_is_inert_in_every_diff_view(client_in, make_agent, user):
    text = "\n".join(HOSTILE)
    agent = make_agent(
        HOSTILE[2], description=HOSTILE[0], config={"prompt": {"system_prompt": "safe\n"}}
    )
    versions_services.save_version(agent=agent, name=HOSTILE[1], description=HOSTILE[3], user=user)
    edit(
        agent,
        {
            "prompt": {"system_prompt": text, "welcome_message": HOSTILE[2]},
            "llm": {"model": HOSTILE[1][:100]},
            "tools": [
                {
                    "name": "evil",
                    "description": text,
                    "url": "https://x.example/?q=<script>",
                    "parameters": {
                        "type": "object",
                        "description": HOSTILE[0],
                        "properties": {HOSTILE[2]: {"type": "string"}},
                    },
                }
            ],
            "call_analysis": {"fields": [{"name": "f", "type": "enum", "choices": HOSTILE}]},
            "workflow": {HOSTILE[0]: HOSTILE[1], "steps": HOSTILE},
        },
        user=user,
    )
    v2 = versions_services.save_version(agent=agent, name=HOSTILE[0], user=user)
    releases.release_version(version=v2, user=user)
    versions_services.restore_version(version=agent.versions.get(number=1), user=user)
    urls = [
        compare_url(agent, "1", "2"),
        compare_url(agent, "2", "draft"),
        compare_url(agent, "released", "draft"),
        reverse("agents:release", args=[agent.public_id, 1]),
        reverse("agents:restore", args=[agent.public_id, 2]),
        reverse("agents:save-version", args=[agent.public_id]),
        reverse("agents:detail", args=[agent.public_id]),
        reverse("agents:list"),
    ]
    for url in urls:
        for headers in ({}, HTMX):
            response = client_in.get(url, **headers)
            assert response.status_code == 200, url
            assert_inert(response.content.decode())
    shown = client_in.get(compare_url(agent, "1", "2")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert "{{ 7*7 }}" in shown


@pytest.mark.parametrize("ref", ["r-1", "xss-lbl", "v-1", "a-"])
def test_a_dashed_reference_is_compared_or_named_unknown_never_a_crash(client_in, agent, ref):
    response = client_in.get(reverse("agents:compare-pick", args=[agent.public_id]), {"from": ref})
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert client_in.get(response["Location"]).status_code == 404


def test_a_label_with_dashes_is_compared_by_its_address(client_in, agent, versions, user):
    labels.move_label(agent=agent, name="xss-lbl", version=versions[0], user=user)
    response = client_in.get(compare_url(agent, "xss-lbl", "draft"))
    assert response.status_code == 200
    assert "xss-lbl (v1)" in response.content.decode()


def test_a_short_one_line_change_marks_the_words_that_changed(client_in, agent, make_version):
    make_version(agent, {"prompt": {"welcome_message": "Please move the call."}})
    make_version(agent, {"prompt": {"welcome_message": "Please reschedule the call."}})
    html = client_in.get(compare_url(agent, "1", "2")).content.decode()
    assert '<pre>"Please <del>move</del> the call."</pre>' in html
    assert '<pre>"Please <ins>reschedule</ins> the call."</pre>' in html


def test_a_branch_is_a_side(client_in, agent, versions, user):
    from agents.services import branches

    branches.create_branch(agent=agent, name="tone", user=user)
    html = client_in.get(compare_url(agent, "draft", "draft:tone")).content.decode()
    assert '<option value="draft:tone" selected>Branch draft:tone</option>' in html
