"""API token secrets: random, prefixed, and stored only as a hash."""

from agents.domain import tokens


def test_secrets_are_random_prefixed_and_hashed_the_same_way_every_time():
    first, second = tokens.new_secret(), tokens.new_secret()
    assert first.startswith("ac_")
    assert first != second
    assert len(first) > 40
    assert tokens.hash_secret(first) == tokens.hash_secret(first)
    assert tokens.hash_secret(first) != tokens.hash_secret(second)
    assert len(tokens.hash_secret(first)) == 64
    assert first not in tokens.hash_secret(first)
