"""Request ids: the caller's when plain, else a new one."""

from agents.domain.request_ids import request_id


def test_a_plain_id_is_kept_and_anything_else_replaced():
    assert request_id("abc-1.2_3") == "abc-1.2_3"
    for hostile in ("", "a b", "x" * 65, "<script>", "id\r\nX-Evil: 1"):
        fresh = request_id(hostile)
        assert fresh != hostile
        assert len(fresh) == 32
    assert request_id("") != request_id("")
