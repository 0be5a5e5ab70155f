"""Safety checks from the record: allergy conflicts (by substance or ATC class) and duplicates.

Pure functions: they cite the records they used and never give a medical verdict; the reply
always advises to check with a doctor or pharmacist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.engine import drugs
from bot.engine.nlu import normalize
from store.records import Allergy, Medication

RELATED: dict[str, tuple[str, ...]] = {
    "M01A": ("M01A", "N02BA"),
    "N02BA": ("N02BA", "M01A"),
}
"""An allergy to one class also concerns these (aspirin and NSAIDs cross-react)."""


@dataclass(frozen=True)
class Conflict:
    """A product concerned by an allergy of the record."""

    product: str
    allergy: Allergy
    class_prefix: str | None


@dataclass(frozen=True)
class Duplicate:
    """A product that contains a substance already taken in a current treatment."""

    product: str
    substance: str
    existing: Medication


@dataclass(frozen=True)
class Assessment:
    """Everything the record says about taking ``product``."""

    product: str
    substances: tuple[str, ...]
    conflicts: list[Conflict]
    duplicates: list[Duplicate]


def _profile(
    name: str, substances: Sequence[str], codings: Sequence[str]
) -> tuple[set[str], set[str]]:
    info = drugs.lookup(name)
    subs = {normalize(s) for s in substances} or set(info.substances)
    subs |= set(info.substances)
    codes = {c for c in codings if c} | set(info.atc)
    for sub in list(subs):
        codes |= set(drugs.lookup(sub).atc)
    return subs, codes


def _allergy_prefix(allergy: Allergy) -> str | None:
    return allergy.drug_class or drugs.allergy_class(
        allergy.normalized_substance or allergy.substance
    )


def conflicts_for(
    name: str, substances: Sequence[str], codes: Sequence[str], allergies: Sequence[Allergy]
) -> list[Conflict]:
    """Allergies of the record that concern a product (same substance or same class)."""
    subs, atc = _profile(name, substances, codes)
    found: list[Conflict] = []
    for allergy in allergies:
        said = normalize(allergy.normalized_substance or allergy.substance)
        same = said in subs or said == normalize(name) or said in normalize(name).split()
        prefix = _allergy_prefix(allergy)
        related = RELATED.get(prefix or "", (prefix,) if prefix else ())
        by_class = any(code.startswith(p) for code in atc for p in related if p)
        if same or by_class:
            found.append(Conflict(product=name, allergy=allergy, class_prefix=prefix))
    return found


def duplicates_for(
    name: str,
    substances: Sequence[str],
    codes: Sequence[str],
    current: Sequence[Medication],
    exclude_ids: frozenset[str] = frozenset(),
) -> list[Duplicate]:
    """Current treatments that already contain one of the product's substances."""
    subs, _ = _profile(name, substances, codes)
    found: list[Duplicate] = []
    for med in current:
        if med.id in exclude_ids:
            continue
        other, _ = _profile(med.name, med.substances, [c.code for c in med.codings])
        common = sorted(subs & other)
        if common:
            found.append(Duplicate(product=name, substance=common[0], existing=med))
    return found


def check_new(
    new: Sequence[Medication], allergies: Sequence[Allergy], current: Sequence[Medication]
) -> list[Conflict | Duplicate]:
    """Warnings for medications about to be added (a prescription, a statement)."""
    ids = frozenset(m.id for m in new)
    warnings: list[Conflict | Duplicate] = []
    for med in new:
        codes = [c.code for c in med.codings]
        warnings.extend(conflicts_for(med.name, med.substances, codes, allergies))
        warnings.extend(duplicates_for(med.name, med.substances, codes, current, ids))
    return warnings


def assess(
    product: str, allergies: Sequence[Allergy], current: Sequence[Medication]
) -> Assessment:
    """What the record says about taking ``product`` (for "puis-je prendre X ?")."""
    info = drugs.lookup(product)
    return Assessment(
        product=product,
        substances=info.substances,
        conflicts=conflicts_for(product, info.substances, info.atc, allergies),
        duplicates=duplicates_for(product, info.substances, info.atc, current),
    )
