"""Server-rendered SVG charts: the geometry, computed here, drawn by templates."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 560, 200, 68, 26, 14, 34


@dataclass(frozen=True)
class Series:
    label: str  # "v3"
    css: str  # "bar-a" | "bar-b"
    points: Sequence[tuple[object, float | None]]  # (x key, value)


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


def _ticks(top_value: float, fmt: Callable[[float], str]) -> list[Tick]:
    plot = HEIGHT - TOP - BOTTOM
    return [Tick(TOP + plot * (1 - share), fmt(top_value * share)) for share in (0.0, 0.5, 1.0)]


def histogram(series: Sequence[Series], keys: Sequence[int], label: Callable[[int], str]) -> dict:
    """Side-by-side bars: each series' share of its conversations in each bucket."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(keys))
    bar_w = max(1.0, (slot - 4) / max(1, len(series)))
    shares = []
    for s in series:
        total = sum(v or 0 for _, v in s.points) or 1
        shares.append({k: (v or 0) / total for k, v in s.points})
    top_value = max((v for share in shares for v in share.values()), default=0) or 1
    bars = []
    for i, key in enumerate(keys):
        for j, s in enumerate(series):
            share = shares[j].get(key, 0.0)
            height = plot_h * share / top_value
            bars.append(
                {
                    "x": round(LEFT + i * slot + 2 + j * bar_w, 1),
                    "y": round(TOP + plot_h - height, 1),
                    "width": round(bar_w, 1),
                    "height": round(height, 1),
                    "css": s.css,
                    "title": f"{s.label}: {share:.0%} from {label(key)}",
                }
            )
    every = max(1, len(keys) // 6)
    x_labels = [
        {"x": round(LEFT + i * slot + slot / 2, 1), "label": label(key)}
        for i, key in enumerate(keys)
        if i % every == 0
    ]
    return {
        **_frame(),
        "bars": bars,
        "ticks": _ticks(top_value, lambda v: f"{v:.0%}"),
        "x_labels": x_labels,
    }


def lines(
    series: Sequence[Series],
    days: Sequence[date],
    fmt: Callable[[float], str],
    ceiling: float | None = None,
) -> dict:
    """One polyline per series over `days` (gaps where a day has no value); the
    axis tops a tenth above the highest value, or at `ceiling` (a rate's 100%)."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    values = [v for s in series for _, v in s.points if v is not None]
    top_value = (max(values) if values else 1) * 1.1 or 1
    if ceiling is not None:
        top_value = min(top_value, ceiling)
    step = plot_w / max(1, len(days) - 1)
    index = {day: i for i, day in enumerate(days)}
    drawn = []
    for s in series:
        points = [
            (round(LEFT + index[day] * step, 1), round(TOP + plot_h * (1 - v / top_value), 1))
            for day, v in s.points
            if v is not None and day in index
        ]
        drawn.append(
            {
                "css": s.css,
                "label": s.label,
                "points": " ".join(f"{x},{y}" for x, y in points),
                "dots": points,
            }
        )
    every = max(1, len(days) // 5)
    x_labels = [
        {"x": round(LEFT + i * step, 1), "label": day.strftime("%b %d")}
        for i, day in enumerate(days)
        if i % every == 0
    ]
    return {
        **_frame(),
        "lines": drawn,
        "ticks": _ticks(top_value, fmt),
        "x_labels": x_labels,
    }


def _frame() -> dict:
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "base": HEIGHT - BOTTOM,
        "label_y": HEIGHT - BOTTOM + 16,
    }
