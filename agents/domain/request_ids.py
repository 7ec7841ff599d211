"""A request's id: the caller's `X-Request-ID` when it is a plain token (so a trace
crosses the caller's logs and the console's), else a new one."""

from __future__ import annotations

import re
import uuid

PLAIN = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def request_id(given: str) -> str:
    return given if PLAIN.match(given) else uuid.uuid4().hex
