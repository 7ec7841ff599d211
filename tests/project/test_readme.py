"""The README's webhook verification snippet verifies what the console signs."""

import re
import time
from pathlib import Path

from agents.domain.webhooks import signature

README = Path(__file__).resolve().parent.parent.parent / "README.md"


def test_the_verification_snippet_accepts_a_delivery_and_refuses_a_forgery():
    text = README.read_text(encoding="utf-8")
    code = re.search(r"<!-- verify-snippet -->\n```python\n(.*?)```", text, re.S).group(1)
    assert len([line for line in code.splitlines() if line.strip()]) <= 10
    scope: dict = {}
    exec(code, scope)
    verify = scope["verify"]
    body = b'{"id":"ev_x","event":"ping","created_at":"2026-01-01T00:00:00Z","data":{}}'
    header = signature("whsec_test", int(time.time()), body)
    assert verify("whsec_test", header, body)
    assert not verify("whsec_other", header, body)
    assert not verify("whsec_test", header, body + b" ")
    assert not verify("whsec_test", signature("whsec_test", int(time.time()) - 3600, body), body)
    assert not verify("whsec_test", "garbage", body)
