"""What the engine knows about a drug name: its substances and ATC code, and allergy classes.

Uses the extraction reference (``extraction.parse.lookup_drug`` / ``drug_class_of``) when it is
available, and a small built-in table of common French products otherwise, so safety checks work
for the usual cases (penicillins, cephalosporins, NSAIDs, sulfonamides, paracetamol).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.engine.nlu import normalize

# substance (normalised) -> ATC code
SUBSTANCES: dict[str, str] = {
    "amoxicilline": "J01CA04",
    "amoxicillin": "J01CA04",
    "ampicilline": "J01CA01",
    "penicilline": "J01CE01",
    "penicillin": "J01CE01",
    "benzylpenicilline": "J01CE01",
    "phenoxymethylpenicilline": "J01CE02",
    "cloxacilline": "J01CF02",
    "pivmecillinam": "J01CA08",
    "acide clavulanique": "J01CR02",
    "cefalexine": "J01DB01",
    "cefadroxil": "J01DB05",
    "cefuroxime": "J01DC02",
    "cefaclor": "J01DC04",
    "cefpodoxime": "J01DD13",
    "cefixime": "J01DD08",
    "ceftriaxone": "J01DD04",
    "sulfamethoxazole": "J01EE01",
    "trimethoprime": "J01EA01",
    "sulfadiazine": "J01EC02",
    "ibuprofene": "M01AE01",
    "ibuprofen": "M01AE01",
    "ketoprofene": "M01AE03",
    "naproxene": "M01AE02",
    "naproxen": "M01AE02",
    "diclofenac": "M01AB05",
    "celecoxib": "M01AH01",
    "piroxicam": "M01AC01",
    "meloxicam": "M01AC06",
    "acide acetylsalicylique": "N02BA01",
    "aspirine": "N02BA01",
    "aspirin": "N02BA01",
    "paracetamol": "N02BE01",
    "acetaminophen": "N02BE01",
    "codeine": "R05DA04",
    "tramadol": "N02AX02",
    "morphine": "N02AA01",
    "levothyroxine": "H03AA01",
    "metformine": "A10BA02",
    "metformin": "A10BA02",
    "atorvastatine": "C10AA05",
    "rosuvastatine": "C10AA07",
    "simvastatine": "C10AA01",
    "amlodipine": "C08CA01",
    "ramipril": "C09AA05",
    "bisoprolol": "C07AB07",
    "omeprazole": "A02BC01",
    "esomeprazole": "A02BC05",
    "pantoprazole": "A02BC02",
    "azithromycine": "J01FA10",
    "clarithromycine": "J01FA09",
    "prednisolone": "H02AB06",
    "prednisone": "H02AB07",
    "cetirizine": "R06AE07",
    "desloratadine": "R06AX27",
    "apixaban": "B01AF02",
    "rivaroxaban": "B01AF01",
    "warfarine": "B01AA03",
    "furosemide": "C03CA01",
    "salbutamol": "R03AC02",
    "alprazolam": "N05BA12",
    "zolpidem": "N05CF02",
    "sertraline": "N06AB06",
}

# product (normalised brand or name) -> substances
PRODUCTS: dict[str, tuple[str, ...]] = {
    "doliprane": ("paracetamol",),
    "dafalgan": ("paracetamol",),
    "efferalgan": ("paracetamol",),
    "tylenol": ("paracetamol",),
    "advil": ("ibuprofene",),
    "nurofen": ("ibuprofene",),
    "motrin": ("ibuprofene",),
    "spedifen": ("ibuprofene",),
    "profenid": ("ketoprofene",),
    "voltarene": ("diclofenac",),
    "kardegic": ("acide acetylsalicylique",),
    "aspegic": ("acide acetylsalicylique",),
    "clamoxyl": ("amoxicilline",),
    "augmentin": ("amoxicilline", "acide clavulanique"),
    "orelox": ("cefpodoxime",),
    "oroken": ("cefixime",),
    "bactrim": ("sulfamethoxazole", "trimethoprime"),
    "cotrimoxazole": ("sulfamethoxazole", "trimethoprime"),
    "levothyrox": ("levothyroxine",),
    "synthroid": ("levothyroxine",),
    "glucophage": ("metformine",),
    "tahor": ("atorvastatine",),
    "lipitor": ("atorvastatine",),
    "crestor": ("rosuvastatine",),
    "inexium": ("esomeprazole",),
    "mopral": ("omeprazole",),
    "solupred": ("prednisolone",),
    "cortancyl": ("prednisone",),
    "zyrtec": ("cetirizine",),
    "aerius": ("desloratadine",),
    "eliquis": ("apixaban",),
    "xarelto": ("rivaroxaban",),
    "ventoline": ("salbutamol",),
    "ventolin": ("salbutamol",),
    "xanax": ("alprazolam",),
    "stilnox": ("zolpidem",),
    "zoloft": ("sertraline",),
    "lasilix": ("furosemide",),
    "lamaline": ("paracetamol", "opium", "cafeine"),
    "izalgi": ("paracetamol", "opium"),
    "fervex": ("paracetamol", "pheniramine", "acide ascorbique"),
}

# allergy words (normalised) -> ATC class prefix
CLASS_WORDS: dict[str, str] = {
    "penicilline": "J01C",
    "penicillines": "J01C",
    "penicillin": "J01C",
    "penicillins": "J01C",
    "betalactamines": "J01C",
    "cephalosporine": "J01D",
    "cephalosporines": "J01D",
    "cephalosporins": "J01D",
    "ains": "M01A",
    "anti inflammatoires": "M01A",
    "anti inflammatoire": "M01A",
    "nsaids": "M01A",
    "nsaid": "M01A",
    "sulfamides": "J01E",
    "sulfamide": "J01E",
    "sulfa": "J01E",
    "sulfonamides": "J01E",
    "macrolides": "J01F",
}

CLASS_KEYS: dict[str, str] = {
    "J01C": "penicillins",
    "J01D": "cephalosporins",
    "M01A": "nsaids",
    "J01E": "sulfonamides",
    "J01F": "macrolides",
    "N02BA": "salicylates",
}
"""ATC prefix -> i18n key suffix (``class.penicillins``)."""


@dataclass(frozen=True)
class DrugInfo:
    """Substances and their ATC codes for a product name."""

    name: str
    substances: tuple[str, ...]
    atc: tuple[str, ...]


def _external_lookup(name: str) -> DrugInfo | None:
    try:
        from extraction.parse import lookup_drug  # type: ignore[attr-defined]
    except ImportError:
        return None
    try:
        found = lookup_drug(name)
    except Exception:
        return None
    if not found:
        return None
    substances = tuple(normalize(s) for s in getattr(found, "substances", ()) or ())
    atc_value = getattr(found, "atc", None)
    atc = (
        tuple(atc_value)
        if isinstance(atc_value, list | tuple)
        else ((atc_value,) if isinstance(atc_value, str) and atc_value else ())
    )
    if not substances and not atc:
        return None
    return DrugInfo(name=normalize(name), substances=substances, atc=atc)


@lru_cache(maxsize=4096)
def lookup(name: str) -> DrugInfo:
    """What is known of a product or substance name (possibly nothing)."""
    key = normalize(name)
    words = key.split()
    for candidate in (key, " ".join(words[:2]), words[0] if words else ""):
        if candidate in PRODUCTS:
            subs = PRODUCTS[candidate]
            return DrugInfo(key, subs, tuple(SUBSTANCES[s] for s in subs if s in SUBSTANCES))
        if candidate in SUBSTANCES:
            return DrugInfo(key, (candidate,), (SUBSTANCES[candidate],))
    external = _external_lookup(name)
    if external is not None:
        return external
    if words:
        pool = (*PRODUCTS, *SUBSTANCES)
        best = process.extractOne(words[0], pool, scorer=fuzz.ratio, score_cutoff=85)
        if best:
            return lookup(best[0])
    return DrugInfo(key, (), ())


def allergy_class(substance: str) -> str | None:
    """The ATC class prefix an allergy word stands for (``pénicilline`` -> ``J01C``)."""
    key = normalize(substance)
    if key in CLASS_WORDS:
        return CLASS_WORDS[key]
    info = lookup(substance)
    for code in info.atc:
        for prefix in CLASS_KEYS:
            if code.startswith(prefix):
                return prefix
    return None


def class_key(prefix: str) -> str | None:
    """The i18n suffix of an ATC class prefix."""
    return CLASS_KEYS.get(prefix)
