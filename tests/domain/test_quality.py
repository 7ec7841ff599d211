"""Signals a runtime reports with an end: every problem found by path, nothing kept."""

from agents.domain.quality import check_signals


def test_good_signals_are_kept_as_numbers():
    signals, problems = check_signals(
        latency_ms=850,
        satisfaction=5,
        cost=0,
        scores={"polite": 1},
        turns=[{"role": "user", "content": "hi", "latency_ms": 3}],
    )
    assert problems == []
    assert (signals.latency_ms, signals.cost, signals.scores) == (850.0, 0.0, {"polite": 1.0})
    assert signals.turns == ({"role": "user", "content": "hi", "latency_ms": 3.0},)


def test_every_problem_by_path():
    _, problems = check_signals(
        latency_ms=float("nan"),
        satisfaction=True,
        cost=-1,
        scores={"ok": 2, "Bad": 0.5},
        turns=[{"role": "robot", "content": 5, "extra": 1}, "x"],
    )
    assert [p["path"] for p in problems] == [
        "latency_ms",
        "satisfaction",
        "cost",
        "scores.ok",
        "scores.Bad",
        "turns.0.extra",
        "turns.0.role",
        "turns.0.content",
        "turns.1",
    ]


def test_too_many_turns_or_scores():
    _, problems = check_signals(
        turns=[{"role": "user", "content": ""}] * 501, scores={f"s{i}": 0 for i in range(51)}
    )
    assert {p["path"] for p in problems} == {"turns", "scores"}
