"""The events views send (HX-Trigger) and templates listen for: one list, camelCase
names, each given to every template as `events`."""

from django.test import RequestFactory

from agents.views import events


def test_every_event_is_camel_case_and_named_once():
    assert events.EVENTS["VERSION_SAVED"] == "versionSaved"
    values = list(events.EVENTS.values())
    assert len(set(values)) == len(values)
    assert all(value[0].islower() and value.isalnum() for value in values)


def test_templates_get_them_as_events():
    assert events.context(RequestFactory().get("/")) == {"events": events.EVENTS}
