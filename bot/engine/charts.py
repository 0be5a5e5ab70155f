"""Lab trend charts: a PNG line of values over time with the reference band (matplotlib Agg)."""

from __future__ import annotations

import io
from datetime import date
from functools import lru_cache

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import date2num
from matplotlib.figure import Figure

MAX_POINTS = 200
"""Beyond this many values the chart shows an even sample (and always the latest one)."""


def trend_png(
    title: str,
    points: list[tuple[date, float]],
    unit: str | None,
    low: float | None,
    high: float | None,
    band_label: str,
) -> bytes:
    """A small PNG chart of ``points`` with the reference band shaded (thread-safe, no pyplot).

    Rendering takes 100-300 ms; the same chart asked again comes from a small in-process cache
    keyed by its content (so it cannot mix users: equal inputs draw equal pictures).
    """
    return _render(title, tuple(points), unit, low, high, band_label)


@lru_cache(maxsize=64)
def _render(
    title: str,
    points: tuple[tuple[date, float], ...],
    unit: str | None,
    low: float | None,
    high: float | None,
    band_label: str,
) -> bytes:
    figure = Figure(figsize=(6.4, 3.6), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    if len(points) > MAX_POINTS:
        step = len(points) / MAX_POINTS
        points = (*(points[int(i * step)] for i in range(MAX_POINTS)), points[-1])
    xs = [float(date2num(p[0])) for p in points]
    ys = [p[1] for p in points]
    if low is not None or high is not None:
        bottom = low if low is not None else min([*ys, 0.0])
        top = high if high is not None else max(ys) * 1.2
        axes.axhspan(bottom, top, color="#2e7d32", alpha=0.12, label=band_label)
    axes.plot(xs, ys, marker="o", color="#1565c0", linewidth=1.8)
    outside = [
        (x, y)
        for x, y in zip(xs, ys, strict=True)
        if (low is not None and y < low) or (high is not None and y > high)
    ]
    if outside:
        axes.plot(
            [p[0] for p in outside],
            [p[1] for p in outside],
            linestyle="none",
            marker="o",
            color="#c62828",
            markersize=6,
        )
    axes.set_title(title)
    if unit:
        axes.set_ylabel(unit)
    axes.grid(True, alpha=0.3)
    if low is not None or high is not None:
        axes.legend(loc="best", fontsize=8)
    axes.xaxis_date()
    figure.autofmt_xdate()
    figure.subplots_adjust(left=0.11, right=0.97, top=0.9, bottom=0.2)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})
    return buffer.getvalue()
