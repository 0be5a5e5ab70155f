"""A statistical intent model: character and word n-grams, one linear layer, softmax.

The rules place the phrasings they were written for; fresh phrasings (new word orders, SMS
forms, typos) keep finding families they miss. This model is trained on every labelled case
(``bench/nlu_cases.json``) by ``scripts/train_intent_model.py`` and shipped as a compact artefact
(``data/intent_model.npz``: feature vocabulary, idf, int8 weights with one scale per class, bias).
Features: character 2-5-grams of the normalised text as typed (typo-tolerant by construction)
and word 1-2-grams of the corrected text with names, values and months masked (so "what is X
for" generalises over products). Inference is a sparse dot product: well under a millisecond.
"""

from __future__ import annotations

import hashlib
import io
import math
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

ARTEFACT = Path(__file__).with_name("data") / "intent_model.npz"
TOP = 0.5
"""Least probability of the model's best intent for it to overrule the rules..."""
KEEP = 0.05
"""...when it gives the rules' intent less than this (chosen by grouped cross-validation)..."""
KEEP_DEFAULT = 0.2
"""...or less than this when the rules' intent is one of their defaults (:data:`DEFAULTS`)."""
DEFAULTS = frozenset({"treatments.current", "labs.value"})
"""What the rules answer when they only see a product (current treatments) or a lab test (its
value) and no cue: their weakest readings, where the model gets more say."""
CHAR_RANGE = (2, 5)
"""Character n-gram lengths, taken over each word padded with one space on each side."""


def features(plain: str, masked: str) -> dict[str, float]:
    """Feature counts: ``plain`` is the normalised text as typed, ``masked`` the corrected text
    with names and values replaced by placeholders."""
    counts: dict[str, float] = {}
    low, high = CHAR_RANGE
    for word in plain.split():
        padded = f" {word} "
        for n in range(low, high + 1):
            for i in range(len(padded) - n + 1):
                gram = "c" + padded[i : i + n]
                counts[gram] = counts.get(gram, 0.0) + 1.0
    words = ["^", *masked.split(), "$"]
    for i, word in enumerate(words):
        if 0 < i < len(words) - 1:
            counts["w " + word] = counts.get("w " + word, 0.0) + 1.0
        if i:
            pair = "b " + words[i - 1] + " " + word
            counts[pair] = counts.get(pair, 0.0) + 1.0
    return counts


def vectorise(
    counts: dict[str, float], index: dict[str, int], idf: npt.NDArray[np.float32]
) -> tuple[list[int], npt.NDArray[np.float32]]:
    """Columns and values of one sublinear-tf × idf, L2-normalised row (unknown features out)."""
    columns: list[int] = []
    values: list[float] = []
    for gram, count in counts.items():
        column = index.get(gram)
        if column is not None:
            columns.append(column)
            values.append((1.0 + math.log(count)) * float(idf[column]))
    row = np.asarray(values, dtype=np.float32)
    norm = float(np.sqrt(np.dot(row, row))) if values else 0.0
    return columns, (row / norm if norm else row)


@dataclass(frozen=True)
class Model:
    """The artefact in memory."""

    index: dict[str, int]
    idf: npt.NDArray[np.float32]
    weights: npt.NDArray[np.float32]  # (features, classes)
    bias: npt.NDArray[np.float32]
    classes: tuple[str, ...]
    trained_on: str
    """SHA-256 of the labelled cases it was trained on (see :func:`cases_digest`)."""

    def probabilities(self, plain: str, masked: str) -> dict[str, float]:
        """The softmax over intents for one message."""
        columns, values = vectorise(features(plain, masked), self.index, self.idf)
        scores = self.bias.copy()
        if columns:
            scores += values @ self.weights[columns]
        scores -= scores.max()
        exp = np.exp(scores)
        exp /= exp.sum()
        return dict(zip(self.classes, (float(p) for p in exp), strict=True))


def cases_digest(cases: Iterable[tuple[str, str]]) -> str:
    """SHA-256 of (text, intent) pairs: tells whether an artefact was trained on these cases."""
    digest = hashlib.sha256()
    for text, intent in cases:
        digest.update(f"{text}\t{intent}\n".encode())
    return digest.hexdigest()


def pack(
    vocabulary: Iterable[str],
    idf: npt.NDArray[np.floating],
    weights: npt.NDArray[np.floating],
    bias: npt.NDArray[np.floating],
    classes: Iterable[str],
    path: Path = ARTEFACT,
    trained_on: str = "",
) -> None:
    """Write the artefact: weights as int8 with one scale per class (deterministic bytes)."""
    scale = np.abs(weights).max(axis=0) / 127.0
    scale[scale == 0] = 1.0
    quantised = np.round(weights / scale).astype(np.int8)
    arrays = {
        "vocabulary": np.asarray(list(vocabulary)),
        "idf": idf.astype(np.float16),
        "weights": quantised,
        "scale": scale.astype(np.float32),
        "bias": bias.astype(np.float32),
        "classes": np.asarray(list(classes)),
        "trained_on": np.asarray(trained_on),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, array, allow_pickle=False)
            entry = zipfile.ZipInfo(f"{name}.npy", date_time=(2026, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, buffer.getvalue())  # a fixed date: the same bytes each build


def unpack(path: Path) -> Model:
    """Read an artefact written by :func:`pack`."""
    with np.load(path, allow_pickle=False) as data:
        vocabulary = [str(v) for v in data["vocabulary"]]
        weights = data["weights"].astype(np.float32) * data["scale"][np.newaxis, :]
        return Model(
            index={gram: i for i, gram in enumerate(vocabulary)},
            idf=data["idf"].astype(np.float32),
            weights=np.ascontiguousarray(weights, dtype=np.float32),
            bias=data["bias"].astype(np.float32),
            classes=tuple(str(c) for c in data["classes"]),
            trained_on=str(data["trained_on"]) if "trained_on" in data else "",
        )


def decide(
    rule: str,
    probs: dict[str, float],
    top: float = TOP,
    keep: float = KEEP,
    keep_default: float = KEEP_DEFAULT,
) -> str:
    """The intent to act on: the model's when the rules found nothing ("unknown"), or when the
    model is sure of another intent (>= ``top``) and gives the rules' one little weight
    (< ``keep``, or < ``keep_default`` for a default reading of the rules); otherwise the
    rules'."""
    best = max(probs, key=lambda k: probs[k])
    if rule == "unknown" and best != "unknown":
        return best
    limit = keep_default if rule in DEFAULTS else keep
    if best != rule and probs[best] >= top and probs.get(rule, 0.0) < limit:
        return best
    return rule


@lru_cache(maxsize=1)
def shipped() -> Model | None:
    """The shipped model, or None when the artefact has not been built."""
    return unpack(ARTEFACT) if ARTEFACT.exists() else None
