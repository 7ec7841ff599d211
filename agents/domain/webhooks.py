"""Webhook signatures, retry timing and target checks (pure: no network here).

`X-Console-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>`:
the timestamp is signed with the body, so a receiver that also refuses old
timestamps is safe from replays (README, "Webhooks").
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
from urllib.parse import urlsplit

SIGNATURE_HEADER = "X-Console-Signature"
TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(
    secret: str, header: str, body: bytes, *, now: int, tolerance: int = TOLERANCE_SECONDS
) -> bool:
    """What a receiver does: the header's HMAC matches and its time is recent."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def backoff_seconds(tries: int, base: float) -> float:
    """The wait after the `tries`-th failed try: the base, then 4, 16, 64 times it
    (30 s, 2 min, 8 min, 32 min, 2 h 8 min with the default base)."""
    return base * 4 ** max(tries - 1, 0)


_INTERNAL_NAMES = ("localhost", ".localhost", ".local", ".internal", ".lan", ".home.arpa")


def private_address(address: str) -> str | None:
    """Why an IP address is not on the public internet (None when it is)."""
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
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


def url_problems(url: str, *, allow_private: bool) -> list[str]:
    """What is wrong with a webhook URL as written (before any name is resolved)."""
    if not isinstance(url, str) or not url.strip():
        return ["give the URL to deliver to"]
    if len(url) > 2_000:
        return ["at most 2000 characters"]
    if re.search(r"\s", url):
        return ["no spaces in a URL"]
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return [f"not a URL: {exc}"]
    if parts.scheme not in ("http", "https"):
        return ["only http:// and https:// URLs"]
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        return ["the URL needs a host"]
    if parts.username or parts.password:
        return ["no credentials in the URL: the signature authenticates deliveries"]
    if port == 0:
        return ["port 0 is not a port"]
    if allow_private:
        return []
    if host == "localhost" or host.endswith(_INTERNAL_NAMES):
        return [f"{host} is an internal name (set WEBHOOK_ALLOW_PRIVATE=1 to allow)"]
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return []  # a name: its addresses are checked when it is resolved
    if reason := private_address(host.strip("[]")):
        return [f"{host} is {reason} (set WEBHOOK_ALLOW_PRIVATE=1 to allow)"]
    return []
