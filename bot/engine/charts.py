"""Lab trend charts: a PNG line of values over time with the reference band (matplotlib Agg).

matplotlib is imported on the first chart (or at ``warm_up``, which the services run in the CPU
executor), not with the engine: ``carnet run`` and ``carnet chat`` start without paying for it.
"""

from __future__ import annotations

import gc
import io
import math
from datetime import date
from functools import lru_cache

MAX_POINTS = 200
"""Beyond this many values the chart shows an even sample (and always the latest one)."""


def warm_up(today: date) -> None:
    """Draw one throw-away chart: loads fonts and glyph caches (the first draw's extra cost)."""
    _render("0123456789 warm-up", ((today, 1.0), (today, 2.0)), "g/L", 0.5, 1.5, "-")
    _render.cache_clear()


def trend_png(
    title: str,
    points: list[tuple[date, float]],
    unit: str | None,
    low: float | None,
    high: float | None,
    band_label: str,
) -> bytes:
    """A small PNG chart of ``points`` with the reference band shaded (thread-safe, no pyplot).

    Rendering takes about a third of matplotlib's automatic layout (fixed layout, see
    ``_render``); the same chart asked again comes from a small in-process cache keyed by its
    content (so it cannot mix users: equal inputs draw equal pictures).
    """
    # matplotlib allocates many small objects: with a 10-year record in memory each automatic
    # collection it triggers scans every cached record. Collect after drawing instead.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _render(title, tuple(points), unit, low, high, band_label)
    finally:
        if paused:
            gc.enable()


@lru_cache(maxsize=64)
def _render(
    title: str,
    points: tuple[tuple[date, float], ...],
    unit: str | None,
    low: float | None,
    high: float | None,
    band_label: str,
) -> bytes:
    # Cheap on purpose: fixed tick positions and labels, a fixed legend place and the title as
    # figure text. matplotlib's automatic layout (date locators, autofmt_xdate, legend "best",
    # title placement) measured text dozens of times and cost most of the 100-300 ms.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 3.6), dpi=90)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.11, 0.14, 0.86, 0.75))
    if len(points) > MAX_POINTS:
        step = len(points) / MAX_POINTS
        points = (*(points[int(i * step)] for i in range(MAX_POINTS)), points[-1])
    xs = [float(p[0].toordinal()) for p in points]
    ys = [p[1] for p in points]
    if low is not None or high is not None:
        bottom = low if low is not None else min([*ys, 0.0])
        top = high if high is not None else max(ys) * 1.2
        axes.axhspan(bottom, top, color="#2e7d32", alpha=0.12, label=band_label)
    axes.plot(xs, ys, marker="o", color="#1565c0", linewidth=1.8, markersize=4)
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
            markersize=5,
        )
    # Axis ticks are one grid line and plain texts in data coordinates: matplotlib's Tick objects
    # and per-line blended transforms were the costly part.
    axes.xaxis.set_visible(False)
    axes.yaxis.set_visible(False)
    span = (xs[-1] - xs[0]) or 1.0
    left, right = xs[0] - span * 0.03 - 1, xs[-1] + span * 0.03 + 1
    axes.set_xlim(left, right)
    values = _value_ticks([*ys, *(v for v in (low, high) if v is not None)])
    bottom, top = values[0], values[-1]
    axes.set_ylim(bottom, top)
    ticks, labels = _date_ticks(points[0][0], points[-1][0])
    grid_x: list[float] = []
    grid_y: list[float] = []
    for value in values:
        grid_x += [left, right, math.nan]
        grid_y += [value, value, math.nan]
    for tick in ticks:
        grid_x += [tick, tick, math.nan]
        grid_y += [bottom, top, math.nan]
    axes.plot(grid_x, grid_y, color="#d6d6d6", linewidth=0.6, zorder=0)
    pad_x, pad_y = (right - left) * 0.01, (top - bottom) * 0.03
    for value in values:
        axes.text(left - pad_x, value, f"{value:g}", ha="right", va="center", fontsize=8,
                  clip_on=False)  # fmt: skip
    for tick, label in zip(ticks, labels, strict=True):
        axes.text(tick, bottom - pad_y, label, ha="center", va="top", fontsize=8,
                  clip_on=False)  # fmt: skip
    figure.text(0.11, 0.945, title, ha="left", va="center", fontsize=11)
    if unit:
        figure.text(0.015, 0.53, unit, rotation=90, ha="left", va="center", fontsize=9)
    if low is not None or high is not None:
        axes.legend(
            loc="lower right",
            bbox_to_anchor=(1.0, 1.0),
            fontsize=8,
            frameon=False,
            borderaxespad=0.2,
        )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def _date_ticks(first: date, last: date) -> tuple[list[float], list[str]]:
    """At most 6 dates: 1 January of spread years over long spans, else evenly spread days."""
    days = (last - first).days
    if days > 3 * 365:
        years = list(range(first.year + 1, last.year + 1))
        step = math.ceil(len(years) / 6)
        chosen = [date(year, 1, 1) for year in years[::step]]
        return [float(d.toordinal()) for d in chosen], [str(d.year) for d in chosen]
    count = 1 if days == 0 else min(6, days + 1)
    chosen = [
        date.fromordinal(first.toordinal() + round(i * days / max(count - 1, 1)))
        for i in range(count)
    ]
    return [float(d.toordinal()) for d in chosen], [d.strftime("%d/%m/%y") for d in chosen]


def _value_ticks(values: list[float]) -> list[float]:
    """About 5 round values covering ``values``."""
    low, high = min(values), max(values)
    if high == low:
        return [low]
    raw = (high - low) / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    return [round(start + i * step, 10) for i in range(int((high - start) / step) + 2)]
