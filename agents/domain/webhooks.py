"""Webhook signatures, retry timing and target checks (pure: no network here).

`X-Console-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>`:
the timestamp is signed with the body, so a receiver that also refuses old
timestamps is safe from replays (README, "Webhooks").
"""

from __future__ import annotations

import hashlib
import hmac
import re
from urllib.parse import urlsplit

from agents.domain.network import internal_host

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
    if not allow_private and (reason := internal_host(host)):
        return [
            f"{host} is {reason}: webhooks are sent to public addresses only "
            "(the installation's administrator can allow private ones)"
        ]
    return []  # a name's addresses are checked when it is resolved
