"""Fixtures the service tests share: an eval suite of two cases, a webhook on the
test receiver."""

import pytest

from agents.services import evals, webhooks


@pytest.fixture
def suite(agent, user):
    return evals.create_eval_suite(
        agent=agent,
        name="Booking",
        user=user,
        cases=[
            {
                "name": "mentions the booking tool",
                "messages": [{"role": "user", "content": "Can I book Tuesday?"}],
                "checks": [
                    {"type": "contains", "value": "tuesday"},
                    {"type": "contains", "value": "tools available: book"},
                    {"type": "latency_ms", "value": 5000},
                ],
            },
            {
                "name": "never promises refunds",
                "messages": [{"role": "user", "content": "Hello"}],
                "checks": [{"type": "not_contains", "value": "refund"}],
            },
        ],
    )


@pytest.fixture
def hook(receiver, user):
    return webhooks.create_webhook(
        url=receiver.url,
        events=["version.saved", "release", "label.moved", "draft.updated"],
        user=user,
    )
