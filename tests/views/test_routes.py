"""Pages declared on their views: a word in the address wins over a value in the same
place, and the fixed-word segments take only their words."""

import pytest
from django.urls import NoReverseMatch, resolve, reverse

from agents.views import routes


def test_words_are_tried_before_values_whatever_the_declaration_order():
    group = routes.Pages()
    group("<str:public_id>/", name="one")(lambda request, public_id: None)
    group("new/", name="new")(lambda request: None)
    group("<str:public_id>/runs/", name="runs")(lambda request, public_id: None)
    assert [p.name for p in group.patterns()] == ["new", "one", "runs"]


def test_every_console_page_resolves_to_the_view_that_declares_it():
    assert resolve("/prompts/new/").url_name == "prompt-create"
    assert resolve("/agents/new/").url_name == "create"
    assert resolve("/agents/ag_aaaaaaaaaa/evals/runs/er_1/").url_name == "eval-run"
    match = resolve("/agents/ag_aaaaaaaaaa/compare/v2...xss-lbl/")
    assert (match.url_name, match.kwargs["a"], match.kwargs["b"]) == ("compare", "v2", "xss-lbl")


def test_a_fixed_word_segment_takes_only_its_words():
    url = reverse("agents:review-request", args=["rr_aaaaaaaaaa", "approve"])
    assert resolve(url).kwargs["verdict"] == "approve"
    with pytest.raises(NoReverseMatch):
        reverse("agents:review-request", args=["rr_aaaaaaaaaa", "ignore"])
    with pytest.raises(NoReverseMatch):
        reverse("agents:steer-rollout", args=["ro_aaaaaaaaaa", "explode"])
