"""Real French and English medicinal products, and posology phrasings with their truth."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Product:
    """A product as printed: name, strength, form, dosing unit, usage category."""

    name: str
    strength: str | None
    form: str
    unit: str
    category: str


# (name, strength, form, dosing unit, category): brands and generics sold in France (BDPM).
FRENCH_PRODUCTS: tuple[Product, ...] = tuple(
    Product(*row)
    for row in [
        ("Doliprane", "1000 mg", "comprimé", "comprimé", "pain"),
        ("Doliprane", "500 mg", "gélule", "gélule", "pain"),
        ("Dafalgan", "1 g", "comprimé pelliculé", "comprimé", "pain"),
        ("Efferalgan", "500 mg", "comprimé effervescent", "comprimé", "pain"),
        ("Paracétamol", "1 g", "comprimé", "comprimé", "pain"),
        ("Ibuprofène", "400 mg", "comprimé pelliculé", "comprimé", "pain"),
        ("Advil", "200 mg", "comprimé enrobé", "comprimé", "pain"),
        ("Nurofen", "400 mg", "comprimé enrobé", "comprimé", "pain"),
        ("Spasfon", "80 mg", "comprimé enrobé", "comprimé", "pain"),
        ("Tramadol", "50 mg", "gélule", "gélule", "pain"),
        ("Ixprim", "37,5 mg/325 mg", "comprimé pelliculé", "comprimé", "pain"),
        ("Voltarène", "50 mg", "comprimé gastro-résistant", "comprimé", "pain"),
        ("Profénid", "100 mg", "comprimé", "comprimé", "pain"),
        ("Amoxicilline", "1 g", "comprimé dispersible", "comprimé", "antibiotic"),
        ("Amoxicilline", "500 mg", "gélule", "gélule", "antibiotic"),
        (
            "Augmentin",
            "1 g/125 mg",
            "poudre pour suspension buvable en sachet",
            "sachet",
            "antibiotic",
        ),
        ("Clamoxyl", "1 g", "comprimé dispersible", "comprimé", "antibiotic"),
        ("Azithromycine", "250 mg", "comprimé pelliculé", "comprimé", "antibiotic"),
        ("Orelox", "100 mg", "comprimé pelliculé", "comprimé", "antibiotic"),
        ("Ciflox", "500 mg", "comprimé pelliculé", "comprimé", "antibiotic"),
        ("Ofloxacine", "200 mg", "comprimé pelliculé", "comprimé", "antibiotic"),
        ("Pyostacine", "500 mg", "comprimé pelliculé", "comprimé", "antibiotic"),
        ("Aciclovir", "200 mg", "comprimé", "comprimé", "antibiotic"),
        ("Zelitrex", "500 mg", "comprimé pelliculé", "comprimé", "antibiotic"),
        ("Levothyrox", "75 µg", "comprimé sécable", "comprimé", "chronic"),
        ("Levothyrox", "100 µg", "comprimé sécable", "comprimé", "chronic"),
        ("Kardegic", "75 mg", "poudre pour solution buvable en sachet", "sachet", "chronic"),
        ("Metformine", "850 mg", "comprimé pelliculé", "comprimé", "chronic"),
        ("Glucophage", "1000 mg", "comprimé pelliculé", "comprimé", "chronic"),
        ("Diamicron", "30 mg", "comprimé à libération modifiée", "comprimé", "chronic"),
        ("Januvia", "100 mg", "comprimé pelliculé", "comprimé", "chronic"),
        ("Tahor", "20 mg", "comprimé pelliculé", "comprimé", "chronic"),
        ("Atorvastatine", "40 mg", "comprimé pelliculé", "comprimé", "chronic"),
        ("Crestor", "10 mg", "comprimé pelliculé", "comprimé", "chronic"),
        ("Simvastatine", "20 mg", "comprimé pelliculé", "comprimé", "chronic"),
        ("Amlodipine", "5 mg", "gélule", "gélule", "chronic"),
        ("Ramipril", "5 mg", "comprimé sécable", "comprimé", "chronic"),
        ("Coversyl", "5 mg", "comprimé pelliculé", "comprimé", "chronic"),
        ("Bisoprolol", "2,5 mg", "comprimé sécable", "comprimé", "chronic"),
        ("Lasilix", "40 mg", "comprimé sécable", "comprimé", "chronic"),
        ("Eliquis", "5 mg", "comprimé pelliculé", "comprimé", "chronic"),
        ("Xarelto", "20 mg", "comprimé pelliculé", "comprimé", "chronic"),
        ("Plavix", "75 mg", "comprimé pelliculé", "comprimé", "chronic"),
        ("Inexium", "20 mg", "comprimé gastro-résistant", "comprimé", "chronic"),
        ("Oméprazole", "20 mg", "gélule gastro-résistante", "gélule", "chronic"),
        ("Pantoprazole", "40 mg", "comprimé gastro-résistant", "comprimé", "chronic"),
        ("Mopral", "20 mg", "gélule gastro-résistante", "gélule", "chronic"),
        ("Seroplex", "10 mg", "comprimé pelliculé sécable", "comprimé", "chronic"),
        ("Sertraline", "50 mg", "gélule", "gélule", "chronic"),
        ("Deroxat", "20 mg", "comprimé pelliculé sécable", "comprimé", "chronic"),
        ("Tardyferon", "80 mg", "comprimé pelliculé", "comprimé", "chronic"),
        ("Speciafoldine", "0,4 mg", "comprimé", "comprimé", "chronic"),
        ("Daflon", "500 mg", "comprimé pelliculé", "comprimé", "chronic"),
        ("Tamsulosine", "0,4 mg", "gélule à libération prolongée", "gélule", "chronic"),
        ("Allopurinol", "100 mg", "comprimé", "comprimé", "chronic"),
        ("Cortancyl", "5 mg", "comprimé", "comprimé", "chronic"),
        ("Lexomil", "6 mg", "comprimé quadrisécable", "comprimé", "night"),
        ("Xanax", "0,25 mg", "comprimé sécable", "comprimé", "night"),
        ("Stilnox", "10 mg", "comprimé pelliculé sécable", "comprimé", "night"),
        ("Smecta", "3 g", "poudre pour suspension buvable en sachet", "sachet", "digestive"),
        ("Gaviscon", None, "suspension buvable en sachet", "sachet", "digestive"),
        ("Motilium", "10 mg", "comprimé pelliculé", "comprimé", "digestive"),
        ("Vogalène Lyoc", "7,5 mg", "lyophilisat oral", "lyophilisat", "digestive"),
        ("Imodium", "2 mg", "gélule", "gélule", "digestive"),
        ("Forlax", "10 g", "poudre pour solution buvable en sachet", "sachet", "digestive"),
        ("Cétirizine", "10 mg", "comprimé pelliculé sécable", "comprimé", "allergy"),
        ("Aerius", "5 mg", "comprimé pelliculé", "comprimé", "allergy"),
        ("Xyzall", "5 mg", "comprimé pelliculé", "comprimé", "allergy"),
        ("Solupred", "20 mg", "comprimé orodispersible", "comprimé", "antibiotic"),
        ("Ventoline", "100 µg/dose", "suspension pour inhalation", "bouffée", "inhaler"),
        (
            "Symbicort Turbuhaler",
            "200/6 µg/dose",
            "poudre pour inhalation",
            "inhalation",
            "inhaler",
        ),
        (
            "Nasonex",
            "50 µg/dose",
            "suspension pour pulvérisation nasale",
            "pulvérisation",
            "inhaler",
        ),
        ("Fucidine", "2 %", "crème", "application", "topical"),
        ("Diprosone", "0,05 %", "crème", "application", "topical"),
        (
            "Lovenox",
            "4000 UI/0,4 mL",
            "solution injectable en seringue préremplie",
            "injection",
            "injection",
        ),
        ("Zymad", "50 000 UI", "solution buvable en ampoule", "ampoule", "monthly"),
    ]
)

ENGLISH_PRODUCTS: tuple[Product, ...] = tuple(
    Product(*row)
    for row in [
        ("Amoxicillin", "500 mg", "capsules", "capsule", "antibiotic"),
        ("Doxycycline", "100 mg", "capsules", "capsule", "antibiotic"),
        ("Azithromycin", "250 mg", "tablets", "tablet", "antibiotic"),
        ("Clarithromycin", "500 mg", "tablets", "tablet", "antibiotic"),
        ("Nitrofurantoin", "100 mg", "modified-release capsules", "capsule", "antibiotic"),
        ("Ibuprofen", "400 mg", "tablets", "tablet", "pain"),
        ("Paracetamol", "500 mg", "tablets", "tablet", "pain"),
        ("Naproxen", "500 mg", "tablets", "tablet", "pain"),
        ("Co-codamol", "30/500 mg", "tablets", "tablet", "pain"),
        ("Omeprazole", "20 mg", "gastro-resistant capsules", "capsule", "chronic"),
        ("Lansoprazole", "30 mg", "capsules", "capsule", "chronic"),
        ("Atorvastatin", "20 mg", "tablets", "tablet", "chronic"),
        ("Simvastatin", "40 mg", "tablets", "tablet", "chronic"),
        ("Metformin", "500 mg", "tablets", "tablet", "chronic"),
        ("Levothyroxine", "50 µg", "tablets", "tablet", "chronic"),
        ("Amlodipine", "5 mg", "tablets", "tablet", "chronic"),
        ("Lisinopril", "10 mg", "tablets", "tablet", "chronic"),
        ("Ramipril", "5 mg", "capsules", "capsule", "chronic"),
        ("Bisoprolol", "5 mg", "tablets", "tablet", "chronic"),
        ("Sertraline", "50 mg", "tablets", "tablet", "chronic"),
        ("Fluoxetine", "20 mg", "capsules", "capsule", "chronic"),
        ("Cetirizine", "10 mg", "tablets", "tablet", "allergy"),
        ("Prednisolone", "5 mg", "tablets", "tablet", "antibiotic"),
        ("Salbutamol", "100 µg/dose", "inhaler", "puff", "inhaler"),
    ]
)


@dataclass
class Posology:
    """A posology as written and its structured truth."""

    text: str
    dose: float | None
    dose_unit: str | None
    intakes_per_day: float | None = None
    when: list[str] = field(default_factory=list)
    interval_hours: float | None = None
    duration_days: float | None = None
    supply_days: float | None = None
    as_needed: bool = False
    max_per_day: float | None = None


_PLURALS = {
    "comprimé": "comprimés",
    "gélule": "gélules",
    "sachet": "sachets",
    "bouffée": "bouffées",
    "inhalation": "inhalations",
    "pulvérisation": "pulvérisations",
    "application": "applications",
    "injection": "injections",
    "ampoule": "ampoules",
    "lyophilisat": "lyophilisats",
}
_SHORT = {"comprimé": ["cp", "cp", "cpr", "comprimé"], "gélule": ["gél", "gélule"]}


def _unit_fr(rng: random.Random, unit: str, dose: float) -> str:
    if unit in _SHORT and rng.random() < 0.45:
        return rng.choice(_SHORT[unit])
    return _PLURALS.get(unit, unit) if dose >= 2 else unit


def _dose_fr(dose: float) -> str:
    return {0.5: "1/2", 0.25: "1/4"}.get(dose, f"{dose:g}")


_SCHEDULES_FR: dict[str, list[tuple[str, float | None, list[str], float | None]]] = {
    # text, intakes per day, when, interval hours
    "regular": [
        ("matin et soir", 2, ["MORN", "EVE"], None),
        ("le matin", 1, ["MORN"], None),
        ("le soir", 1, ["EVE"], None),
        ("matin, midi et soir", 3, ["MORN", "NOON", "EVE"], None),
        ("3 fois par jour", 3, [], None),
        ("2 fois par jour", 2, [], None),
        ("x3/j", 3, [], None),
        ("x 2/jour", 2, [], None),
        ("par jour", 1, [], None),
        ("toutes les 8 heures", 3, [], 8),
        ("toutes les 12 h", 2, [], 12),
        ("midi et soir", 2, ["NOON", "EVE"], None),
        ("le matin à jeun", 1, ["MORN"], None),
    ],
    "night": [("au coucher", 1, ["HS"], None), ("le soir au coucher", 1, ["HS"], None)],
}


def posology_fr(rng: random.Random, product: Product) -> Posology:
    """A French posology fitting the product's category, with its truth."""
    cat, unit = product.category, product.unit
    dose = 1.0
    if unit == "comprimé" and "sécable" in product.form and rng.random() < 0.35:
        dose = 0.5 if "quadri" not in product.form else rng.choice([0.25, 0.5])
    elif unit in {"bouffée", "pulvérisation"} or (unit == "gélule" and cat != "chronic"):
        dose = 2.0 if rng.random() < 0.4 else 1.0
    written = f"{_dose_fr(dose)} {_unit_fr(rng, unit, dose)}"
    pos = Posology(text="", dose=dose, dose_unit=unit)
    if cat == "pain":
        choice = rng.randrange(4)
        if choice == 0:
            pos.as_needed, pos.max_per_day = True, float(rng.choice([3, 4]))
            cond = rng.choice(["si douleur", "si besoin", "si fièvre ou douleur"])
            cap = rng.choice(["maximum {m} par jour", "sans dépasser {m} par jour", "max {m}/j"])
            pos.text = f"{written} {cond}, {cap.format(m=int(pos.max_per_day))}"
        elif choice == 1:
            hours = rng.choice([6, 8])
            pos.as_needed, pos.interval_hours, pos.intakes_per_day = True, hours, 24 / hours
            pos.text = f"{written} toutes les {hours} heures si douleur"
        elif choice == 2:
            pos.as_needed = True
            pos.text = f"{written} {rng.choice(['si douleur', 'si besoin', 'en cas de douleur'])}"
        else:
            sched = rng.choice(_SCHEDULES_FR["regular"][:8])
            pos.text = f"{written} {sched[0]}"
            pos.intakes_per_day, pos.when, pos.interval_hours = sched[1], sched[2], sched[3]
            days = rng.choice([3, 5, 7])
            pos.duration_days = days
            pos.text += f" pendant {days} jours"
    elif cat == "antibiotic":
        sched = rng.choice(
            [s for s in _SCHEDULES_FR["regular"] if s[1] and s[1] >= 2]
            + [_SCHEDULES_FR["regular"][8]]
        )
        pos.text = f"{written} {sched[0]}"
        pos.intakes_per_day, pos.when, pos.interval_hours = sched[1], list(sched[2]), sched[3]
        days, text = rng.choice(
            [(5, "5 jours"), (6, "6 jours"), (7, "7 jours"), (10, "10 jours"), (14, "2 semaines")]
        )
        pos.duration_days = days
        pos.text += f" {rng.choice(['pendant', 'pendant', 'durant'])} {text}"
    elif cat in {"chronic", "night"}:
        sched = rng.choice(
            _SCHEDULES_FR["night"] if cat == "night" else _SCHEDULES_FR["regular"][:9]
        )
        pos.text = f"{written} {sched[0]}"
        pos.intakes_per_day, pos.when, pos.interval_hours = sched[1], list(sched[2]), sched[3]
        roll = rng.random()
        if roll < 0.35:
            days, text = rng.choice([(30, "1 mois"), (90, "3 mois"), (28, "28 jours")])
            pos.supply_days = days
            pos.text += f" {rng.choice(['QSP', 'qsp', 'QSP'])} {text}"
        elif roll < 0.7:
            days, text = rng.choice(
                [(30, "1 mois"), (60, "2 mois"), (90, "3 mois"), (21, "3 semaines")]
            )
            pos.duration_days = days
            pos.text += f" pendant {text}"
    elif cat == "digestive":
        if rng.random() < 0.5:
            pos.as_needed, pos.max_per_day = True, 3.0
            cond = rng.choice(["si besoin", "après les repas si besoin"])
            pos.text = f"{written} {cond}, maximum 3 par jour"
        else:
            sched = rng.choice(_SCHEDULES_FR["regular"][:5])
            pos.text = f"{written} {sched[0]}"
            pos.intakes_per_day, pos.when = sched[1], list(sched[2])
            pos.duration_days = 5
            pos.text += " pendant 5 jours"
    elif cat == "allergy":
        pos.intakes_per_day = 1
        if rng.random() < 0.5:
            pos.when = ["EVE"]
            pos.text = f"{written} le soir"
        else:
            pos.text = f"{written} par jour"
        pos.duration_days, text = rng.choice([(30, "1 mois"), (15, "15 jours")])
        pos.text += f" pendant {text}"
    elif cat == "inhaler":
        if rng.random() < 0.5:
            pos.as_needed = True
            pos.text = f"{written} si besoin"
            if rng.random() < 0.5:
                pos.text += " (crise d'asthme)"
        else:
            pos.intakes_per_day, pos.when = 2, ["MORN", "EVE"]
            pos.text = f"{written} matin et soir"
            if unit == "pulvérisation":
                pos.text = f"{written} dans chaque narine matin et soir"
            pos.duration_days = 30
            pos.text += " pendant 1 mois"
    elif cat == "topical":
        pos.intakes_per_day, pos.when = 2, ["MORN", "EVE"]
        pos.duration_days = rng.choice([7, 10])
        pos.text = f"{written} matin et soir sur les lésions pendant {pos.duration_days:g} jours"
    elif cat == "injection":
        pos.intakes_per_day = 1
        pos.duration_days = rng.choice([10, 14])
        pos.text = f"1 injection sous-cutanée par jour pendant {pos.duration_days:g} jours"
    elif cat == "monthly":
        pos.intakes_per_day = round(1 / 30, 6)
        pos.duration_days = 90
        pos.text = "1 ampoule par mois pendant 3 mois"
    return pos


_SCHEDULES_EN: list[tuple[str, float, list[str], float | None]] = [
    ("twice daily", 2, [], None),
    ("twice a day", 2, [], None),
    ("three times a day", 3, [], None),
    ("three times daily", 3, [], None),
    ("once daily", 1, [], None),
    ("once a day", 1, [], None),
    ("in the morning", 1, ["MORN"], None),
    ("at night", 1, ["HS"], None),
    ("every 8 hours", 3, [], 8),
    ("every 12 hours", 2, [], 12),
    ("BID", 2, [], None),
    ("TID", 3, [], None),
]


def posology_en(rng: random.Random, product: Product) -> Posology:
    """An English posology fitting the product's category, with its truth."""
    unit = product.unit
    dose = 2.0 if unit == "puff" or (product.category == "pain" and rng.random() < 0.4) else 1.0
    word = {1.0: rng.choice(["1", "one", "1"]), 2.0: rng.choice(["2", "two"])}[dose]
    written = f"{word} {unit}{'s' if dose >= 2 else ''}"
    if rng.random() < 0.4:
        written = f"Take {written}"
    pos = Posology(text="", dose=dose, dose_unit=unit)
    if product.category in {"pain", "inhaler"} and rng.random() < 0.6:
        pos.as_needed = True
        if product.category == "pain" and rng.random() < 0.6:
            hours = rng.choice([4, 6])
            pos.interval_hours, pos.intakes_per_day = hours, 24 / hours
            pos.max_per_day = float(8 if dose == 2 else 4)
            pos.text = (
                f"{written} every {hours} hours when required for pain, "
                f"max {pos.max_per_day:g} in 24 hours"
            )
        else:
            pos.text = f"{written} {rng.choice(['PRN', 'as needed', 'when required'])}"
        return pos
    sched = rng.choice(_SCHEDULES_EN)
    pos.text = f"{written} {sched[0]}"
    pos.intakes_per_day, pos.when, pos.interval_hours = sched[1], list(sched[2]), sched[3]
    if product.category in {"antibiotic", "pain"}:
        pos.duration_days = rng.choice([5, 7, 10, 14])
        pos.text += rng.choice([" for {d} days", " for {d} days", " x {d} days"]).format(
            d=int(pos.duration_days)
        )
    elif rng.random() < 0.4:
        pos.supply_days = rng.choice([28, 30, 90])
    return pos
