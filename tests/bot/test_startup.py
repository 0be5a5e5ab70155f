"""Start-up stays light: matplotlib is only loaded when a chart is drawn (or at warm-up)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

from bot.engine import charts


def test_engine_and_chat_start_without_matplotlib():
    code = (
        "import sys, bot.cli, bot.bootstrap, bot.chat.terminal, bot.engine.engine;"
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_warm_up_and_charts_still_draw():
    charts.warm_up(date(2026, 3, 10))
    png = charts.trend_png(
        "Glycémie", [(date(2025, 1, 1), 1.0), (date(2026, 1, 1), 1.2)], "g/L", 0.7, 1.1, "normes"
    )
    assert png.startswith(b"\x89PNG")
