"""Lab results: latest or at a date, out-of-range ones, a trend chart with the reference band."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from bot.engine.answers.common import Facts, bullet, cite, lab_key
from bot.engine.charts import trend_png
from bot.engine.replies import Image, Reply, Text
from bot.i18n import Translator
from store.records import Interpretation, LabResult


def test_name(key: str, results: list[LabResult], tr: Translator) -> str:
    """Display name of a canonical test key in the user's language."""
    if tr.has(f"lab.{key}"):
        return tr(f"lab.{key}")
    return results[0].name if results else key


def capital(text: str) -> str:
    """The text with its first letter in upper case (``glycémie`` -> ``Glycémie``)."""
    return text[:1].upper() + text[1:]


def is_out(result: LabResult) -> bool:
    """Whether a value is outside its reference range (flag or range)."""
    if result.interpretation in (Interpretation.HIGH, Interpretation.LOW, Interpretation.ABNORMAL):
        return True
    rng = result.reference_range
    if result.value is None or rng is None:
        return False
    return (rng.low is not None and result.value < rng.low) or (
        rng.high is not None and result.value > rng.high
    )


def value_words(result: LabResult, tr: Translator) -> str:
    """``1,32 g/L (normes 0,70–1,10) ↑``."""
    text = tr.number(result.value) if result.value is not None else result.value_text or "?"
    if result.unit:
        text += f" {result.unit}"
    rng = result.reference_range
    if rng is not None and (rng.low is not None or rng.high is not None):
        if rng.low is not None and rng.high is not None:
            bounds = f"{tr.number(rng.low)}–{tr.number(rng.high)}"
        elif rng.high is not None:
            bounds = f"< {tr.number(rng.high)}"
        else:
            bounds = f"> {tr.number(rng.low or 0)}"
        text += " " + tr("labs.range", range=bounds)
    elif rng is not None and rng.text:
        text += " " + tr("labs.range", range=rng.text)
    if is_out(result):
        high = result.interpretation is Interpretation.HIGH or (
            rng is not None and rng.high is not None and (result.value or 0) > rng.high
        )
        text += " " + tr("labs.high" if high else "labs.low")
    return text


def _of(facts: Facts, test: str) -> list[LabResult]:
    return sorted(facts.labs_for(test), key=lambda r: r.effective_date or date.min)


def value(
    facts: Facts, tr: Translator, test: str | None, start: date | None, end: date | None
) -> list[Reply]:
    """The latest value of a test, or the one(s) in a period / at a date."""
    if not test:
        return listing(facts, tr)
    results = _of(facts, test)
    name = test_name(test, results, tr)
    if not results:
        return [Text(text=tr("labs.none_for", name=name))]
    if start and end:
        within = [r for r in results if r.effective_date and start <= r.effective_date <= end]
        if not within:
            dated = [r for r in results if r.effective_date]
            if not dated:
                return [Text(text=tr("labs.none_at", name=name, date=tr.date(start)))]
            nearest = min(dated, key=lambda r: abs((r.effective_date - start).days))  # type: ignore[operator]
            return [
                Text(
                    text=tr("labs.none_at", name=name, date=tr.date(start))
                    + "\n"
                    + tr(
                        "labs.nearest",
                        value=value_words(nearest, tr),
                        date=tr.date(nearest.effective_date),
                        source=cite(nearest, facts, tr),
                    )
                )
            ]
        lines = [
            bullet(
                tr(
                    "labs.dated",
                    date=tr.date(r.effective_date),
                    value=value_words(r, tr),
                    source=cite(r, facts, tr),
                )
            )
            for r in reversed(within)  # newest first: a long list is cut in pages
        ]
        return [Text(text=tr("labs.values_header", name=name) + "\n" + "\n".join(lines))]
    latest = results[-1]
    text = tr(
        "labs.latest",
        name=name,
        value=value_words(latest, tr),
        date=tr.date(latest.effective_date),
        source=cite(latest, facts, tr),
    )
    if len(results) > 1:
        text += "\n" + tr("labs.trend_hint", n=len(results))
    return [Text(text=text)]


def _latest_per_test(results: Iterable[LabResult]) -> dict[str, LabResult]:
    """The most recent result of each test, keyed by test."""
    latest: dict[str, LabResult] = {}
    for result in sorted(results, key=lambda r: r.effective_date or date.min):
        latest[lab_key(result)] = result
    return latest


def _line(key: str, result: LabResult, facts: Facts, tr: Translator) -> str:
    """One bulleted line: test, value, date and the document it comes from."""
    return bullet(
        tr(
            "labs.line",
            name=capital(test_name(key, [result], tr)),
            value=value_words(result, tr),
            date=tr.date(result.effective_date),
            source=cite(result, facts, tr),
        )
    )


def out_of_range(
    facts: Facts, tr: Translator, start: date | None, end: date | None
) -> list[Reply]:
    """The latest value of each test when it is outside its range (or all in a period)."""
    if start and end:
        every = facts.labs
        in_period = [r for r in every if r.effective_date and start <= r.effective_date <= end]
    else:  # the latest of each name holds the latest of each test
        every = in_period = facts.latest_labs()
    latest = _latest_per_test(in_period)
    out = [(k, r) for k, r in latest.items() if is_out(r)]
    if not every:
        return [Text(text=tr("labs.none"))]
    if not out:
        return [Text(text=tr("labs.all_in_range", n=len(latest)))]
    lines = [_line(k, r, facts, tr) for k, r in sorted(out, key=lambda item: item[0])]
    return [
        Text(
            text=tr("labs.out_header")
            + "\n"
            + "\n".join(lines)
            + "\n"
            + tr("labs.ask_professional")
        )
    ]


def listing(facts: Facts, tr: Translator) -> list[Reply]:
    """The latest value of each test."""
    if not facts.labs:
        return [Text(text=tr("labs.none"))]
    latest = _latest_per_test(facts.labs)
    lines = [_line(k, r, facts, tr) for k, r in sorted(latest.items())]
    return [Text(text=tr("labs.list_header", n=len(latest)) + "\n" + "\n".join(lines))]


def trend(
    facts: Facts, tr: Translator, test: str | None, start: date | None, end: date | None
) -> list[Reply]:
    """A chart of one test over time, with its reference band, and the values it shows."""
    if not test:
        return [Text(text=tr("labs.which_test"))]
    results = [r for r in _of(facts, test) if r.value is not None and r.effective_date]
    if start and end:
        results = [r for r in results if start <= r.effective_date <= end]  # type: ignore[operator]
    name = test_name(test, results, tr)
    if not results:
        return [Text(text=tr("labs.none_for", name=name))]
    rng = results[-1].reference_range
    png = trend_png(
        name,
        [(r.effective_date, r.value) for r in results],  # type: ignore[misc]
        results[-1].unit,
        rng.low if rng else None,
        rng.high if rng else None,
        tr("labs.band"),
    )
    first, last = results[0], results[-1]
    caption = tr(
        "labs.trend_caption",
        name=name,
        n=len(results),
        start=tr.date(first.effective_date),
        end=tr.date(last.effective_date),
        value=value_words(last, tr),
    )
    sources = sorted({cite(r, facts, tr) for r in results})
    text = tr("labs.sources", sources="; ".join(sources[:6]) + ("…" if len(sources) > 6 else ""))
    return [Image(data=png, filename=f"{test}.png", caption=caption), Text(text=text)]
