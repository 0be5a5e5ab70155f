"""Lab trend charts: a PNG line of values over time with the reference band (matplotlib Agg)."""

from __future__ import annotations

import io
from datetime import date

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import date2num
from matplotlib.figure import Figure


def trend_png(
    title: str,
    points: list[tuple[date, float]],
    unit: str | None,
    low: float | None,
    high: float | None,
    band_label: str,
) -> bytes:
    """A small PNG chart of ``points`` with the reference band shaded (thread-safe, no pyplot)."""
    figure = Figure(figsize=(6.4, 3.6), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    xs = [float(date2num(p[0])) for p in points]
    ys = [p[1] for p in points]
    if low is not None or high is not None:
        bottom = low if low is not None else min([*ys, 0.0])
        top = high if high is not None else max(ys) * 1.2
        axes.axhspan(bottom, top, color="#2e7d32", alpha=0.12, label=band_label)
    axes.plot(xs, ys, marker="o", color="#1565c0", linewidth=1.8)
    for x, y in zip(xs, ys, strict=True):
        out = (low is not None and y < low) or (high is not None and y > high)
        if out:
            axes.plot([x], [y], marker="o", color="#c62828", markersize=8)
    axes.set_title(title)
    if unit:
        axes.set_ylabel(unit)
    axes.grid(True, alpha=0.3)
    if low is not None or high is not None:
        axes.legend(loc="best", fontsize=8)
    axes.xaxis_date()
    figure.autofmt_xdate()
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
