"""Train the statistical intent model on the labelled NLU cases; estimate how it generalises.

    .venv/bin/python scripts/train_intent_model.py build  # bot/engine/data/intent_model.npz
    .venv/bin/python scripts/train_intent_model.py cv      # grouped cross-validation, printed

Training (deterministic: the same cases give the same bytes): features from
``bot.engine.intent_model.features`` (character 2-5-grams of the text as typed, word 1-2-grams of
the corrected, masked text), kept when seen in at least two cases, sublinear tf × idf, L2 rows;
multinomial logistic regression (scikit-learn, lbfgs). scikit-learn is needed here only; the bot
reads the artefact with numpy.

Cross-validation is grouped by the round a case came from (``round`` in bench/nlu_cases.json:
0 = the first development set, 3-16 = each held-out set, merged after it was measured), never
by case, since phrasings within a round share families:

1. leave one round out: the model trained on every other round, scored on the one left out;
2. rounds 9-16 as they happened: the model trained only on the rounds before round k, and the
   rules *as they were* when round k was written (``git archive`` of the commit that added that
   held-out set; their figures reproduce the ones published in bench/README.md), so neither part
   has seen round k. The combination policy (when the model overrides the rules) is chosen on
   the other rounds (nested), then scored on round k.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bench.nlu as bench_nlu  # noqa: E402
from bot.engine import intent_model, nlu  # noqa: E402

CASES = ROOT / "bench" / "nlu_cases.json"
C = 20.0
"""Inverse regularisation strength (chosen by leave-one-round-out accuracy)."""
MIN_DF = 2
HISTORY = {  # round -> commit that added its held-out set (the rules had never seen it)
    9: "28e53a1",
    10: "a78ef59",
    11: "35dcbb4",
    12: "3166d18",
    13: "2d9cbc7",
    14: "9d94c02",
    15: "08eb974",
    16: "fec3128",
}


def load() -> tuple[date, list[dict[str, Any]]]:
    data = json.loads(CASES.read_text("utf-8"))
    return date.fromisoformat(data["today"]), data["cases"]


MISSES = False
"""--misses: list the intent confusions left in part 3."""
PLAIN_ONLY = False
"""--plain-only: word n-grams of the text as typed instead of the corrected, masked text (a
check that the corrector's and lexicon's vocabulary, grown on each round's misses, is not what
makes the model generalise)."""


def featurise(texts: Sequence[str]) -> list[dict[str, float]]:
    if PLAIN_ONLY:
        return [intent_model.features(nlu.normalize(t), nlu.normalize(t)) for t in texts]
    return [intent_model.features(nlu.normalize(t), nlu.masked(t)) for t in texts]


class Trained:
    """A model fitted on some cases (vocabulary, idf, weights) with a predict method."""

    def __init__(self, rows: Sequence[dict[str, float]], labels: Sequence[str], c: float = C):
        df: Counter[str] = Counter()
        for row in rows:
            df.update(row.keys())
        self.vocabulary = sorted(g for g, n in df.items() if n >= MIN_DF)
        self.index = {g: i for i, g in enumerate(self.vocabulary)}
        n = len(rows)
        self.idf = np.asarray(
            [np.log((1 + n) / (1 + df[g])) + 1 for g in self.vocabulary], dtype=np.float32
        )
        self.classes = sorted(set(labels))
        matrix = self.matrix(rows)
        model = LogisticRegression(C=c, max_iter=500, tol=1e-4)
        model.fit(matrix, [self.classes.index(y) for y in labels])
        self.weights = model.coef_.T.astype(np.float32)  # (features, classes)
        self.bias = model.intercept_.astype(np.float32)

    def matrix(self, rows: Sequence[dict[str, float]]) -> csr_matrix:
        data: list[float] = []
        cols: list[int] = []
        ptr = [0]
        for row in rows:
            c, v = intent_model.vectorise(row, self.index, self.idf)
            cols.extend(c)
            data.extend(v.tolist())
            ptr.append(len(cols))
        return csr_matrix(
            (data, cols, ptr), shape=(len(rows), len(self.vocabulary)), dtype=np.float64
        )

    def probabilities(self, rows: Sequence[dict[str, float]]) -> np.ndarray:
        scores = self.matrix(rows) @ self.weights + self.bias
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)


POLICIES = [
    (top, keep, keep_default)
    for top in (0.0, 0.3, 0.5, 0.7, 0.9)
    for keep in (0.02, 0.05, 0.1, 0.2)
    for keep_default in (0.05, 0.1, 0.2, 0.3, 0.5)
    if keep_default >= keep
]
"""(top, keep, keep_default) of ``intent_model.decide``."""


def old_rules(
    rounds: dict[int, list[dict[str, Any]]], today: date
) -> dict[int, list[dict[str, str | None]]]:
    """What the rules of each round's commit read in that round (never tuned on it): intent
    name and slots (dates as ISO strings)."""
    runner = (
        "import json,sys\nfrom datetime import date\nfrom bot.engine.nlu import understand\n"
        "texts=json.load(open(sys.argv[1]))\nd=date.fromisoformat(sys.argv[2])\n"
        "print(json.dumps([{k: (v.isoformat() if hasattr(v, 'isoformat') else v) "
        "for k, v in vars(understand(t, d)).items()} for t in texts]))\n"
    )
    out: dict[int, list[dict[str, str | None]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for k, commit in HISTORY.items():
            src = Path(tmp) / commit
            src.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", commit, "bot", "extraction", "store"],
                check=True,
                capture_output=True,
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(src)], input=archive, check=True)
            texts = Path(tmp) / f"texts_{k}.json"
            texts.write_text(json.dumps([c["text"] for c in rounds[k]]), "utf-8")
            result = subprocess.run(
                [sys.executable, "-c", runner, str(texts), today.isoformat()],
                cwd=src,
                env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"},
                check=True,
                capture_output=True,
                text=True,
            )
            out[k] = json.loads(result.stdout)
    return out


def slots_right(case: dict[str, Any], got: dict[str, str | None]) -> tuple[int, int]:
    """Labelled slots of ``case`` read right in ``got`` (as the bench compares), and how many."""
    right = 0
    for name, expected in case["slots"].items():
        value = got.get(name)
        found = None if value is None else nlu.normalize(str(value))
        if found is not None and name in ("start", "end"):
            found = str(value)
        wanted = nlu.normalize(expected)
        right += found in (wanted, expected) or bench_nlu._same_drug(found, expected)
    return right, len(case["slots"])


def model_reading(
    name: str, text: str, today: date, rule: dict[str, str | None]
) -> dict[str, Any]:
    """The model's intent with its slots read by today's finders (as ``understand`` does), or
    the rules' reading when the intent's required slot is not found."""
    t = " ".join(nlu.correct(nlu.normalize(text).split()))
    names = nlu._all_names(())
    chosen = nlu._with_slots(name, t, names, today, nlu.find_period(t, today))
    needed = nlu.NEEDS.get(name)
    if needed is not None and getattr(chosen, needed) is None:
        return rule
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in vars(chosen).items()}


def cross_validate(c: float, parts: str) -> None:
    today, cases = load()
    started = time.perf_counter()
    rows = featurise([x["text"] for x in cases])
    print(f"{len(cases)} cases featurised in {time.perf_counter() - started:.1f} s")
    groups = sorted({x["round"] for x in cases})
    by_round = {g: [i for i, x in enumerate(cases) if x["round"] == g] for g in groups}
    labels = [x["intent"] for x in cases]

    print(f"\n1. leave one round out (model alone, C={c}):")
    right = total = 0
    for g in groups if "1" in parts else []:
        train = [i for i, x in enumerate(cases) if x["round"] != g]
        model = Trained([rows[i] for i in train], [labels[i] for i in train], c)
        probs = model.probabilities([rows[i] for i in by_round[g]])
        got = [model.classes[j] for j in probs.argmax(axis=1)]
        ok = sum(a == labels[i] for a, i in zip(got, by_round[g], strict=True))
        right, total = right + ok, total + len(by_round[g])
        print(f"  round {g:2}: {ok / len(by_round[g]):6.1%} of {len(by_round[g])}")
    if total:
        print(f"  all rounds: {right / total:.1%} of {total}")
    if "2" not in parts:
        return

    print("\n2. rounds 9-16 as they happened (model trained on earlier rounds only, rules of")
    print("   the commit that added each round; policy chosen on the other rounds):")
    rules = old_rules({k: [cases[i] for i in by_round[k]] for k in HISTORY}, today)
    model_probs: dict[int, list[dict[str, float]]] = {}
    for k in HISTORY:
        train = [i for i, x in enumerate(cases) if x["round"] < k]
        model = Trained([rows[i] for i in train], [labels[i] for i in train], c)
        matrix = model.probabilities([rows[i] for i in by_round[k]])
        model_probs[k] = [dict(zip(model.classes, map(float, p), strict=True)) for p in matrix]

    def accuracy(k: int, policy: tuple[float, float, float] | None) -> tuple[int, int]:
        truth = [labels[i] for i in by_round[k]]
        if policy is None:
            got = [max(p, key=lambda x: p[x]) for p in model_probs[k]]
        else:
            got = [
                intent_model.decide(str(r["name"]), p, *policy)
                for r, p in zip(rules[k], model_probs[k], strict=True)
            ]
        return sum(a == b for a, b in zip(got, truth, strict=True)), len(truth)

    totals = Counter[str]()
    print("  round  cases  rules  model  combined (policy top/keep/keep_default)")
    for k in HISTORY:
        others = [j for j in HISTORY if j != k]
        best = max(POLICIES, key=lambda p: sum(accuracy(j, p)[0] for j in others))
        n = len(by_round[k])
        r = sum(a["name"] == labels[i] for a, i in zip(rules[k], by_round[k], strict=True))
        m, _ = accuracy(k, None)
        b, _ = accuracy(k, best)
        totals.update({"n": n, "rules": r, "model": m, "combined": b})
        print(f"  {k:5}  {n:5}  {r / n:5.1%}  {m / n:5.1%}  {b / n:5.1%}  {best}")
    n = totals["n"]
    print(
        f"  all    {n:5}  {totals['rules'] / n:5.1%}  {totals['model'] / n:5.1%}  "
        f"{totals['combined'] / n:5.1%}"
    )
    for policy in POLICIES:
        ok = sum(accuracy(k, policy)[0] for k in HISTORY)
        print(f"    policy {policy}: {ok / n:.1%}")

    shipped = (intent_model.TOP, intent_model.KEEP, intent_model.KEEP_DEFAULT)
    print(f"\n3. the shipped policy {shipped} on rounds 9-16 as they happened, with slots (the")
    print("   model's intent gets its slots from today's finders, as understand does):")
    print("  round  intent rules / combined   slots rules / combined   overruled")
    sums = Counter[str]()
    misses = Counter[str]()
    for k in HISTORY:
        counts = Counter[str]()
        for rule, probs, i in zip(rules[k], model_probs[k], by_round[k], strict=True):
            case = cases[i]
            name = intent_model.decide(str(rule["name"]), probs, *shipped)
            reading = (
                rule if name == rule["name"] else model_reading(name, case["text"], today, rule)
            )
            counts["overruled"] += reading is not rule
            counts["n"] += 1
            counts["rules_intent"] += rule["name"] == case["intent"]
            counts["intent"] += reading["name"] == case["intent"]
            ok, total = slots_right(case, rule)
            counts["rules_slots"] += ok
            counts["slots"] += total
            counts["slots_ok"] += slots_right(case, reading)[0]
            if MISSES and reading["name"] != case["intent"]:
                misses[f"{case['intent']} != {reading['name']}"] += 1
        sums.update(counts)
        print(
            f"  {k:5}  {counts['rules_intent'] / counts['n']:6.1%} / "
            f"{counts['intent'] / counts['n']:6.1%}        "
            f"{counts['rules_slots'] / counts['slots']:6.1%} / "
            f"{counts['slots_ok'] / counts['slots']:6.1%}        {counts['overruled']}"
        )
    print(
        f"  all    {sums['rules_intent'] / sums['n']:6.1%} / {sums['intent'] / sums['n']:6.1%}"
        f"        {sums['rules_slots'] / sums['slots']:6.1%} / "
        f"{sums['slots_ok'] / sums['slots']:6.1%}        {sums['overruled']} of {sums['n']}"
    )
    for confusion, count in misses.most_common():
        print(f"    miss x{count}: expected {confusion}")


def build(c: float) -> None:
    _, cases = load()
    rows = featurise([x["text"] for x in cases])
    model = Trained(rows, [x["intent"] for x in cases], c)
    intent_model.pack(
        model.vocabulary,
        model.idf,
        model.weights,
        model.bias,
        model.classes,
        trained_on=intent_model.cases_digest((x["text"], x["intent"]) for x in cases),
    )
    size = intent_model.ARTEFACT.stat().st_size
    print(
        f"{intent_model.ARTEFACT}: {len(model.vocabulary)} features, {len(model.classes)} "
        f"intents, {size / 1024:.0f} KiB, trained on {len(cases)} cases"
    )


def main() -> int:
    parser = argparse.ArgumentParser(prog="train_intent_model")
    parser.add_argument("command", choices=("build", "cv"))
    parser.add_argument("--c", type=float, default=C)
    parser.add_argument("--parts", default="12", help="cv parts to run: 1, 2 or 12")
    parser.add_argument("--plain-only", action="store_true", help="see PLAIN_ONLY (cv only)")
    parser.add_argument("--misses", action="store_true", help="see MISSES (cv only)")
    args = parser.parse_args()
    global PLAIN_ONLY, MISSES
    PLAIN_ONLY = args.plain_only and args.command == "cv"
    MISSES = args.misses
    if args.command == "build":
        build(args.c)
    else:
        cross_validate(args.c, args.parts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
