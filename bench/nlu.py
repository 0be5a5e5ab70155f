"""Language understanding accuracy, and the engine's answer latency for a 10-year user.

1. Accuracy on ``bench/nlu_cases.json``, the development set (French and English questions and
   statements, with typos and colloquial forms, each labelled with its intent and slots: product,
   test, vaccine, condition, document kind, start/end dates resolved against the file's fixed
   "today"; targets: intent >= 95 %, slots >= 90 %), and on ``bench/nlu_holdout.json``: phrasings
   written after the rules and never used to tune them (the honest figure). Reference run in the
   same process: the same rules without typo correction (the ratio shows what correction buys).
   Held-out history (each set measured once, then merged into the development set and replaced
   by a new one): round 2: intent 78.7 %, slots 74.5 % (61 cases); round 3: 86.5 % / 90.5 %
   (52); round 4: 79.7 % / 85.1 % (59); round 5: 89.5 % / 87.0 % (57); round 6: 89.2 % /
   97.0 % (74; written and committed before that round's rule changes, measured once);
   round 7 (72 cases, written after the round-6 fixes, measured once):
   88.9 % / 87.3 %. Rules fixed on one round's misses gain ~0-1 point on the next fresh round:
   the rules reach ~89 % intent on unseen phrasings, short of the 95 % target. Round 8
   (70 cases, written after round 7 was merged into the development set and before
   the nearest-phrasing fallback was measured on anything), measured once: 94.3 % / 98.3 %.
   Round 9 (2026-11-28; round 8 merged into the development set, its misses fixed by general
   rules): 237 fresh phrasings, measured once: 88.6 % / 92.1 %. Round 10: 255, 92.9 % / 95.9 %.
   Round 11: 264, 94.7 % / 92.5 %. Round 12, the current file: 331 fresh phrasings written
   after round 11 was merged (1,798 development cases) and its misses fixed, before the NLU was
   run on them (phrasings within 90 % similarity of a development phrasing dropped), measured
   once: 86.4 % / 90.4 %. Every round's figures are in bench/README.md.
   Since the round-17 preparation, ``understand`` also asks a statistical intent model trained
   on the development set (``scripts/train_intent_model.py``); the rules alone (model off) and
   the CPU per message with and without it are printed in the same process.
2. Latency of ``Engine.handle`` (message in, replies out; no OCR, no Telegram) for one user holding
   10 years of history (the store benchmark's generator: 2,000 medications, 20,000 lab results,
   500 documents) on an encrypted SQLite store, over the questions of the NLU set. Target:
   median <= 100 ms, p99 <= 300 ms. Reference run: a user with an empty record.

    .venv/bin/python -m bench nlu [--runs 3] [--scale 1.0] [--failures]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import secrets
import statistics
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bot.engine import intent_model, lexicon, nlu, nlu_fallback
from bot.engine.nlu import Intent, normalize, understand

CASES = Path(__file__).with_name("nlu_cases.json")
HOLDOUT = Path(__file__).with_name("nlu_holdout.json")
SLOTS = ("product", "test", "vaccine", "condition", "kind", "start", "end")


def load_cases(path: Path = CASES) -> tuple[date, list[dict[str, Any]]]:
    """The labelled cases and the date they are resolved against."""
    data = json.loads(path.read_text("utf-8"))
    return date.fromisoformat(data["today"]), data["cases"]


def _slot(intent: Intent, name: str) -> str | None:
    value = getattr(intent, name)
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else normalize(str(value))


def _same_drug(found: str | None, expected: str) -> bool:
    """One lexicon drug in its French or English spelling ("metformine" / "metformin"): the
    lexicon lists both, and which one the user typed is not an understanding error."""
    wanted = normalize(expected)
    return (
        found is not None
        and found in lexicon.DRUGS
        and wanted in lexicon.DRUGS
        and found.removesuffix("e") == wanted.removesuffix("e")
    )


def score(cases: list[dict[str, Any]], today: date) -> dict[str, Any]:
    """Intent accuracy, slot accuracy (labelled slots found exactly), per language and per
    expected intent, and the failures."""
    intents_ok = slots_total = slots_ok = 0
    failures: list[str] = []
    # counters keyed by language and by expected intent: cases, intents right, slots, slots right
    groups: dict[str, Counter[str]] = {}
    for case in cases:
        got = understand(case["text"], today)
        keys = (f"lang:{case['lang']}", f"intent:{case['intent']}")
        for key in keys:
            groups.setdefault(key, Counter())["cases"] += 1
        if got.name == case["intent"]:
            intents_ok += 1
            for key in keys:
                groups[key]["intent_ok"] += 1
        else:
            failures.append(f"intent {case['intent']} != {got.name}: {case['text']}")
        for name, expected in case["slots"].items():
            slots_total += 1
            for key in keys:
                groups[key]["slots"] += 1
            found = _slot(got, name)
            if found == normalize(expected) or found == expected or _same_drug(found, expected):
                slots_ok += 1
                for key in keys:
                    groups[key]["slots_ok"] += 1
            else:
                failures.append(f"slot {name}={expected} != {found}: {case['text']}")

    def figures(prefix: str) -> dict[str, dict[str, float]]:
        return {
            key.removeprefix(prefix): {
                "cases": c["cases"],
                "intent": c["intent_ok"] / c["cases"],
                "slots": c["slots"],
                "slot": c["slots_ok"] / c["slots"] if c["slots"] else 1.0,
            }
            for key, c in sorted(groups.items())
            if key.startswith(prefix)
        }

    by_language = figures("lang:")
    return {
        "cases": len(cases),
        "intent_accuracy": intents_ok / len(cases),
        "slot_accuracy": slots_ok / slots_total if slots_total else 1.0,
        "slots": slots_total,
        "by_language": {k: v["intent"] for k, v in by_language.items()},
        "languages": by_language,
        "intents": figures("intent:"),
        "failures": failures,
    }


def report(title: str, result: dict[str, Any], reference: dict[str, Any]) -> None:
    """Print one set's figures: overall, per language, per expected intent, and the reference
    run (the same rules without typo correction)."""
    print(f"{title}: {result['cases']} cases, {result['slots']} labelled slots")
    print(
        f"  intent accuracy: {result['intent_accuracy']:.1%}  (target >= 95%)   "
        f"slot accuracy: {result['slot_accuracy']:.1%}  (target >= 90%)"
    )
    for lang, f in result["languages"].items():
        print(
            f"    {lang}: intent {f['intent']:.1%} of {f['cases']:.0f}, "
            f"slots {f['slot']:.1%} of {f['slots']:.0f}"
        )
    print(
        f"  reference (no typo correction): intent {reference['intent_accuracy']:.1%}, "
        f"slots {reference['slot_accuracy']:.1%}; ratio intent "
        f"{result['intent_accuracy'] / max(reference['intent_accuracy'], 1e-9):.3f}x, "
        f"slots {result['slot_accuracy'] / max(reference['slot_accuracy'], 1e-9):.3f}x"
    )
    print("  per intent (cases, intent accuracy, slot accuracy):")
    for name, f in result["intents"].items():
        slot = f"{f['slot']:.0%} of {f['slots']:.0f}" if f["slots"] else "-"
        print(f"    {name:22} {f['cases']:4.0f}  {f['intent']:6.1%}  {slot}")


def _without_correction(cases: list[dict[str, Any]], today: date) -> dict[str, Any]:
    original = nlu.correct
    nlu.correct = lambda tokens, extra=(): list(tokens)  # type: ignore[assignment]
    try:
        return score(cases, today)
    finally:
        nlu.correct = original  # type: ignore[assignment]


def _rules_only(cases: list[dict[str, Any]], today: date) -> dict[str, Any]:
    """The same cases with the intent model switched off (the rules and their fallback alone)."""
    original = intent_model.shipped
    intent_model.shipped = lambda: None  # type: ignore[assignment]
    try:
        return score(cases, today)
    finally:
        intent_model.shipped = original  # type: ignore[assignment]


def _ms_per_message(cases: list[dict[str, Any]], today: date) -> float:
    """CPU milliseconds per message of ``understand`` (process time: less noisy under load)."""
    started = time.process_time()
    for case in cases:
        understand(case["text"], today)
    return (time.process_time() - started) * 1000 / len(cases)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


class _Clock:
    def __init__(self, now: datetime) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now


def _seed(store: Any, user_id: int, now: datetime, scale: float) -> int:
    from store.records import Allergy, Consent, Language, RecordStatus, Vaccination

    with store.vault(user_id) as vault:
        profile = vault.get_profile()
        vault.save_profile(
            profile.model_copy(
                update={
                    "consent": Consent(given=True, at=now),
                    "onboarded": True,
                    "birth_year": 1960,
                    "language": Language.FR,
                    "language_chosen": True,
                }
            )
        )
        if scale <= 0:
            return 0
        from bench.store import _history

        medications, labs, documents, _ = _history(random.Random(11), scale)
        for document in documents:
            vault.add_document(document)
        vault.save_all(medications)
        vault.save_all(labs)
        shots = [
            Vaccination(
                product="Vaxigrip Tetra",
                diseases=["influenza"],
                date=date(year, 10, 20),
                status=RecordStatus.CONFIRMED,
                recorded_at=now,
            )
            for year in range(2016, 2026)
        ]
        vault.save_all(shots)
        vault.save(
            Allergy(substance="pénicilline", status=RecordStatus.CONFIRMED, recorded_at=now)
        )
        return len(medications) + len(labs) + len(documents) + len(shots) + 1


def latency(questions: list[str], scale: float, runs: int) -> dict[str, Any]:
    """Median and p99 of Engine.handle over ``questions`` for a 10-year user and an empty one."""
    from bot.engine.engine import Engine
    from bot.engine.events import TextIn, UserRef
    from store import open_store

    now = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)

    def fail(files: object, options: object) -> Any:
        raise AssertionError("no OCR in this benchmark")

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{tmp}/bench.db", secrets.token_bytes(32))
        try:
            engine = Engine(store=store, clock=_Clock(now), extract=fail)
            engine.warm_up()
            started = time.perf_counter()
            records = _seed(store, 1, now, scale)
            seeded = time.perf_counter() - started
            _seed(store, 2, now, 0)

            async def measure(user_id: int) -> list[float]:
                user = UserRef(user_id=user_id, chat_id=user_id, language_code="fr")
                await engine.handle(user, TextIn(text="quels sont mes traitements ?"))  # warm-up
                times: list[float] = []
                for _ in range(runs):
                    for question in questions:
                        begin = time.perf_counter()
                        await engine.handle(user, TextIn(text=question))
                        times.append((time.perf_counter() - begin) * 1000)
                return times

            history = asyncio.run(measure(1))
            empty = asyncio.run(measure(2))
        finally:
            store.close()
    for name, times in (("history", history), ("empty", empty)):
        results[name] = {
            "median_ms": statistics.median(times),
            "p99_ms": _percentile(times, 0.99),
            "n": len(times),
        }
    results["records"] = records
    results["seed_seconds"] = seeded
    return results


def _reference_chart(points: list[tuple[date, float]], low: float, high: float) -> bytes:
    """The chart as first written: matplotlib's automatic layout (the reference run)."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import date2num
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 3.6), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    xs = [float(date2num(p[0])) for p in points]
    ys = [p[1] for p in points]
    axes.axhspan(low, high, color="#2e7d32", alpha=0.12, label="band")
    axes.plot(xs, ys, marker="o", color="#1565c0", linewidth=1.8)
    axes.set_title("reference")
    axes.set_ylabel("g/L")
    axes.grid(True, alpha=0.3)
    axes.legend(loc="best", fontsize=8)
    axes.xaxis_date()
    figure.autofmt_xdate()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def chart_draws(scale: float, draws: int = 12) -> dict[str, float]:
    """Median ms of a first (uncached) chart draw with a 10-year record held in memory."""
    from bot.engine import charts
    from store import open_store
    from store.records import LabResult

    now = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    rng = random.Random(5)
    points = [(date(2016, 1, 1) + (date(2016, 2, 1) - date(2016, 1, 1)) * i, 1 + rng.random())
              for i in range(120)]  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{tmp}/charts.db", secrets.token_bytes(32))
        try:
            _seed(store, 1, now, scale)
            with store.vault(1) as vault:
                held = vault.records(LabResult)  # the heap an engine answering this user has
            charts.warm_up(now.date())
            _reference_chart(points[:2], 0.7, 1.1)
            current: list[float] = []
            reference: list[float] = []
            for n in range(draws):
                begin = time.perf_counter()
                charts.trend_png(f"chart {n}", points, "g/L", 0.7, 1.1, "band")
                current.append((time.perf_counter() - begin) * 1000)
                begin = time.perf_counter()
                _reference_chart(points, 0.7, 1.1)
                reference.append((time.perf_counter() - begin) * 1000)
        finally:
            store.close()
    return {
        "median_ms": statistics.median(current),
        "reference_ms": statistics.median(reference),
        "held": float(len(held)),
    }


def write_examples(path: Path = nlu_fallback.EXAMPLES) -> int:
    """Write ``[intent, masked text]`` rows from the development set (never the held-out one)."""
    _, cases = load_cases()
    rows = sorted({(c["intent"], nlu.masked(c["text"])) for c in cases})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "[\n" + ",\n".join(json.dumps(list(r), ensure_ascii=False) for r in rows) + "\n]\n",
        "utf-8",
    )
    print(f"{len(rows)} examples written to {path}")
    return 0


def main() -> int:
    """Print accuracy and latency figures (and ratios against the reference runs)."""
    parser = argparse.ArgumentParser(prog="bench.nlu")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--failures", action="store_true", help="list every miss")
    parser.add_argument("--no-latency", action="store_true")
    parser.add_argument(
        "--holdout",
        type=Path,
        default=HOLDOUT,
        help="the held-out file to score (default bench/nlu_holdout.json)",
    )
    parser.add_argument(
        "--write-examples",
        action="store_true",
        help="write the dev set, masked, as the NLU's nearest-phrasing examples, then stop",
    )
    args = parser.parse_args()
    if args.write_examples:
        return write_examples()

    today, cases = load_cases()
    score(cases[:20], today)  # warm-up: compiled patterns, vocabulary, examples
    started = time.perf_counter()
    result = score(cases, today)
    per_case_ms = (time.perf_counter() - started) * 1000 / len(cases)
    report(
        f"NLU dev set (rules tuned on it, today={today})",
        result,
        _without_correction(cases, today),
    )
    print(f"  understanding: {per_case_ms:.2f} ms per message (wall)")
    rules = _rules_only(cases, today)
    print(
        f"  rules alone (intent model off): intent {rules['intent_accuracy']:.1%}, "
        f"slots {rules['slot_accuracy']:.1%}"
    )
    with_model = _ms_per_message(cases, today)
    original = intent_model.shipped
    intent_model.shipped = lambda: None  # type: ignore[assignment]
    try:
        without = _ms_per_message(cases, today)
    finally:
        intent_model.shipped = original  # type: ignore[assignment]
    print(
        f"  CPU per message: {with_model:.2f} ms with the intent model, {without:.2f} ms rules "
        f"alone (ratio {with_model / max(without, 1e-9):.2f}x, same process)"
    )
    holdout_today, holdout = load_cases(args.holdout)
    held = score(holdout, holdout_today)
    report(
        f"held-out set {args.holdout.name} (the honest figure only while it was never tuned on)",
        held,
        _without_correction(holdout, holdout_today),
    )
    rules_held = _rules_only(holdout, holdout_today)
    print(
        f"  rules alone (intent model off): intent {rules_held['intent_accuracy']:.1%}, "
        f"slots {rules_held['slot_accuracy']:.1%}"
    )
    if args.failures:
        for line in result["failures"] + held["failures"]:
            print("  miss:", line)
    else:
        print(
            f"misses: {len(result['failures'])} dev, {len(held['failures'])} held-out "
            "(--failures to list them)"
        )
    ok = result["intent_accuracy"] >= 0.95 and result["slot_accuracy"] >= 0.90
    if not args.no_latency:
        questions = [c["text"] for c in cases if c["intent"] in nlu.QUESTIONS]
        figures = latency(questions, args.scale, args.runs)
        hist, empty = figures["history"], figures["empty"]
        print(
            f"answer latency, 10-year user ({figures['records']} records, seeded in "
            f"{figures['seed_seconds']:.0f} s): median {hist['median_ms']:.1f} ms, "
            f"p99 {hist['p99_ms']:.1f} ms over {hist['n']} questions "
            f"(targets: median <= 100 ms, p99 <= 300 ms)"
        )
        draws = chart_draws(args.scale)
        print(
            f"first draw of a lab chart ({draws['held']:.0f} lab results in memory): median "
            f"{draws['median_ms']:.0f} ms; reference (matplotlib automatic layout) "
            f"{draws['reference_ms']:.0f} ms; "
            f"ratio {draws['median_ms'] / draws['reference_ms']:.2f}x"
        )
        print(
            f"reference, empty record: median {empty['median_ms']:.1f} ms, "
            f"p99 {empty['p99_ms']:.1f} ms; ratio median "
            f"{hist['median_ms'] / max(empty['median_ms'], 1e-9):.2f}x"
        )
        ok = ok and hist["median_ms"] <= 100
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
