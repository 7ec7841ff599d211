"""Which hosts are inside a network rather than on the public internet: one rule for
the editor's tool-URL warnings and the webhooks' refusals (SSRF)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

INTERNAL_NAMES = ("localhost", ".localhost", ".local", ".internal", ".lan", ".home.arpa")


def private_address(address: str) -> str | None:
    """Why an IP address is not on the public internet (None when it is)."""
    try:
        ip = ipaddress.ip_address(address.strip("[]").split("%")[0])
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for kind in ("unspecified", "loopback", "link_local", "private", "reserved", "multicast"):
        if getattr(ip, f"is_{kind}"):
            return f"a {kind.replace('_', '-')} address"
    if not ip.is_global:
        return "not a public address"
    return None


def internal_host(host: str) -> str | None:
    """Why a URL's host (a name or an address) is internal, as written; None for a
    public address or a name that has to be resolved to tell."""
    host = host.rstrip(".").lower()
    try:
        ipaddress.ip_address(host.strip("[]").split("%")[0])
    except ValueError:
        if host == "localhost" or host.endswith(INTERNAL_NAMES):
            return "an internal name"
        return None
    return private_address(host)


def first_private(addresses: Iterable[str]) -> tuple[str, str] | None:
    """The first of a name's addresses that is not public, and why."""
    for address in addresses:
        if reason := private_address(address):
            return address, reason
    return None
