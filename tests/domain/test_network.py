"""Which addresses and hosts are not on the public internet, and why."""

import pytest

from agents.domain import network


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.1.2.3", "192.168.0.9", "169.254.169.254", "::1", "[fe80::1%eth0]"]
)
def test_private_addresses_say_why(address):
    assert network.private_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1::1"])
def test_public_addresses_pass(address):
    assert network.private_address(address) is None


def test_a_host_is_internal_by_its_name_or_its_address():
    assert network.internal_host("localhost.")
    assert network.internal_host("10.0.0.7")
    assert network.internal_host("example.com") is None  # resolved later to tell


def test_the_first_private_address_of_a_name_is_reported():
    assert network.first_private(["93.184.216.34", "10.0.0.7"])[0] == "10.0.0.7"
    assert network.first_private(["93.184.216.34"]) is None
