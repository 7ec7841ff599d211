"""Webhook signatures, the retry schedule and URL checks."""

from agents.domain import webhooks


def test_a_receiver_verifies_the_signature_of_a_recent_body():
    header = webhooks.signature("whsec_x", 1_000, b'{"a":1}')
    assert header.startswith("t=1000,v1=")
    assert webhooks.verify("whsec_x", header, b'{"a":1}', now=1_010)
    assert not webhooks.verify("whsec_x", header, b'{"a":2}', now=1_010)  # body changed
    assert not webhooks.verify("other", header, b'{"a":1}', now=1_010)  # wrong secret
    assert not webhooks.verify("whsec_x", header, b'{"a":1}', now=1_000 + 3_600)  # replayed
    assert not webhooks.verify("whsec_x", "garbage", b'{"a":1}', now=1_010)


def test_retries_wait_four_times_longer_each_time():
    assert [webhooks.backoff_seconds(n, 30) for n in (1, 2, 3, 4)] == [30, 120, 480, 1_920]


def test_urls_are_checked_as_written():
    assert webhooks.url_problems("https://hooks.example.com/in", allow_private=False) == []
    assert webhooks.url_problems("", allow_private=False)
    assert webhooks.url_problems("ftp://example.com", allow_private=False)
    assert webhooks.url_problems("https://user:pw@example.com/", allow_private=False)
    assert webhooks.url_problems("http://127.0.0.1:9/", allow_private=False)
    assert webhooks.url_problems("http://127.0.0.1:9/", allow_private=True) == []
