"""Dose units (comprimé, gélule, tablet, puff…) and their canonical singular names."""

from __future__ import annotations

import re

# canonical unit -> regex of spellings, on simplified text (lower case, no accents)
DOSE_UNITS: dict[str, str] = {
    "comprimé": r"comprimes?|cpr?s?\.?|cpes?|comp\.?",
    "gélule": r"gelules?|gel\.?",
    "sachet": r"sachets?(?:-doses?)?",
    "bouffée": r"bouffees?",
    "inhalation": r"inhalations?",
    "pulvérisation": r"pulverisations?",
    "application": r"applications?",
    "injection": r"injections?",
    "ampoule": r"ampoules?",
    "lyophilisat": r"lyophilisats?",
    "goutte": r"gouttes?|gttes?",
    "suppositoire": r"suppositoires?|suppos?",
    "cuillère-mesure": r"cuillere?s?[- ]mesures?",
    "cuillère à café": r"cuilleres? a cafe|c\. ?a ?c\.?",
    "cuillère à soupe": r"cuilleres? a soupe|c\. ?a ?s\.?",
    "dose": r"doses?",
    "patch": r"patchs?|patches",
    "ovule": r"ovules?",
    "unité": r"unites?",
    "tablet": r"tablets?|tabs?\.?",
    "capsule": r"capsules?|caps?\.?",
    "puff": r"puffs?",
    "drop": r"drops?",
    "spray": r"sprays?",
    "teaspoon": r"teaspoons?|tsp",
    "vial": r"vials?",
    "pipette": r"pipettes?",
}
MASS_UNITS: dict[str, str] = {
    "mg": r"mg",
    "g": r"g|grammes?",
    "µg": r"µg|mcg|ug|microgrammes?",
    "mL": r"ml",
    "UI": r"ui|iu|u\.i\.",
}

_ALL = {**DOSE_UNITS, **MASS_UNITS}
UNIT = "(?:" + "|".join(f"(?:{pattern})" for pattern in _ALL.values()) + r")(?![a-z])"
DOSE_UNIT = "(?:" + "|".join(f"(?:{pattern})" for pattern in DOSE_UNITS.values()) + r")(?![a-z])"
_COMPILED = [(name, re.compile(f"^(?:{pattern})$")) for name, pattern in _ALL.items()]


def canonical_unit(text: str) -> str | None:
    """The canonical name of a dose or mass unit (``cp`` -> ``comprimé``), None if unknown."""
    token = text.strip().lower().rstrip(".").strip()
    for name, pattern in _COMPILED:
        if pattern.match(token) or pattern.match(token + "."):
            return name
    return None
