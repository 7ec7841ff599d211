"""Chart geometry: bars and lines inside the frame, shares per series, gaps kept."""

from datetime import date, timedelta

from agents.views import charts


def test_a_histogram_shows_each_series_share_per_bucket():
    chart = charts.histogram(
        [
            charts.Series("v1", "bar-a", [(1, 30), (2, 10)]),
            charts.Series("v2", "bar-b", [(2, 5), (3, 5)]),
        ],
        [1, 2, 3],
        lambda k: f"{k} s",
    )
    assert len(chart["bars"]) == 6
    titles = [bar["title"] for bar in chart["bars"]]
    assert titles[:2] == ["v1: 75% from 1 s", "v2: 0% from 1 s"]
    tallest = max(chart["bars"], key=lambda bar: bar["height"])
    assert tallest["title"] == "v1: 75% from 1 s"
    assert all(charts.TOP <= bar["y"] <= chart["base"] for bar in chart["bars"])
    assert [tick.label for tick in chart["ticks"]] == ["0%", "38%", "75%"]


def test_lines_leave_out_days_without_a_value():
    days = [date(2026, 11, 1) + timedelta(days=i) for i in range(3)]
    chart = charts.lines(
        [charts.Series("v1", "bar-a", [(days[0], 100.0), (days[1], None), (days[2], 200.0)])],
        days,
        lambda v: f"{v:.0f} ms",
    )
    (line,) = chart["lines"]
    assert len(line["dots"]) == 2
    assert line["dots"][0][0] == charts.LEFT
    assert line["dots"][1][1] < line["dots"][0][1]  # higher value, higher on the page
    assert chart["x_labels"][0]["label"] == "Nov 01"


def test_a_rates_axis_stops_at_its_ceiling():
    days = [date(2026, 11, 1), date(2026, 11, 2)]
    rates = [charts.Series("v1", "bar-a", [(days[0], 0.95), (days[1], 0.97)])]
    chart = charts.lines(rates, days, lambda v: f"{v:.0%}", ceiling=1.0)
    assert [tick.label for tick in chart["ticks"]] == ["0%", "50%", "100%"]
    last = chart["x_labels"][-1]["x"]
    assert last == chart["right"]
    assert chart["right"] + 20 <= chart["width"]
