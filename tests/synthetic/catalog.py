"""Fake people and places, lab tests with units and typical ranges, and vaccine brands."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

FIRST_NAMES = [
    "Jean",
    "Marie",
    "Pierre",
    "Sophie",
    "Luc",
    "Camille",
    "Antoine",
    "Claire",
    "Julien",
    "Léa",
    "Nicolas",
    "Inès",
    "Thomas",
    "Chloé",
    "François",
    "Hélène",
    "Mathieu",
    "Élodie",
    "Hugo",
    "Agnès",
    "Olivier",
    "Margaux",
    "Rémi",
    "Noémie",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Faure",
]
STREETS = [
    "rue des Lilas",
    "avenue Jean Jaurès",
    "boulevard Voltaire",
    "rue de la République",
    "place du Marché",
    "rue Victor Hugo",
    "chemin des Vignes",
    "allée des Tilleuls",
]
CITIES = [
    ("69003", "Lyon"),
    ("75011", "Paris"),
    ("13006", "Marseille"),
    ("33000", "Bordeaux"),
    ("31400", "Toulouse"),
    ("44000", "Nantes"),
    ("59800", "Lille"),
    ("67000", "Strasbourg"),
    ("35000", "Rennes"),
    ("34000", "Montpellier"),
]
SPECIALTIES_FR = [
    "Médecine générale",
    "Médecin généraliste",
    "Cardiologie",
    "Pédiatrie",
    "Médecine interne",
    "Endocrinologie",
]
SPECIALTIES_EN = ["General Practitioner", "Family Medicine", "Internal Medicine"]
MONTHS_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def person(rng: random.Random) -> tuple[str, str]:
    """A fake first and last name."""
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def address(rng: random.Random) -> tuple[str, str]:
    """A fake street line and postcode + city."""
    postcode, city = rng.choice(CITIES)
    return f"{rng.randint(1, 120)} {rng.choice(STREETS)}", f"{postcode} {city}"


def phone(rng: random.Random) -> str:
    """A fake French phone number."""
    return "0" + str(rng.randint(1, 5)) + "".join(f" {rng.randint(0, 99):02d}" for _ in range(4))


def rpps(rng: random.Random) -> str:
    """A fake 11-digit RPPS number."""
    return "10" + "".join(str(rng.randint(0, 9)) for _ in range(9))


def some_date(rng: random.Random, start: date = date(2024, 1, 1), days: int = 1000) -> date:
    """A date in a window."""
    return start + timedelta(days=rng.randrange(days))


def date_fr(rng: random.Random, day: date) -> str:
    """A date as French documents write it (several styles)."""
    style = rng.randrange(4)
    if style == 0:
        first = "1er" if day.day == 1 else str(day.day)
        return f"{first} {MONTHS_FR[day.month - 1]} {day.year}"
    if style == 1:
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    if style == 2:
        return f"{day.day:02d}/{day.month:02d}/{day.year % 100:02d}"
    return f"{day.day} {MONTHS_FR[day.month - 1]} {day.year}"


def date_en(rng: random.Random, day: date) -> str:
    """A date as English documents write it (unambiguous styles)."""
    style = rng.randrange(3)
    if style == 0:
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    if style == 1:
        return f"{MONTHS_EN[day.month - 1]} {day.day}, {day.year}"
    return f"{day.day} {MONTHS_EN[day.month - 1][:3]} {day.year}"


def decimal(value: float, places: int, french: bool) -> str:
    """A number with fixed decimals, with a decimal comma in French."""
    text = f"{value:.{places}f}"
    return text.replace(".", ",") if french else text


@dataclass(frozen=True)
class LabTest:
    """A lab test as French and English reports print it, with unit and typical range."""

    fr: str
    en: str
    loinc: str
    unit: str
    low: float | None
    high: float | None
    places: int
    section: str


LAB_TESTS: tuple[LabTest, ...] = tuple(
    LabTest(*row)
    for row in [
        ("Leucocytes", "White blood cells", "6690-2", "G/L", 4.0, 10.0, 2, "hemato"),
        ("Hématies", "Red blood cells", "789-8", "T/L", 4.5, 5.9, 2, "hemato"),
        ("Hémoglobine", "Haemoglobin", "718-7", "g/dL", 13.0, 17.0, 1, "hemato"),
        ("Hématocrite", "Haematocrit", "4544-3", "%", 40.0, 52.0, 1, "hemato"),
        ("VGM", "MCV", "30428-7", "fL", 80.0, 100.0, 1, "hemato"),
        ("TCMH", "MCH", "28539-5", "pg", 27.0, 32.0, 1, "hemato"),
        ("CCMH", "MCHC", "28540-3", "g/dL", 32.0, 36.0, 1, "hemato"),
        ("Plaquettes", "Platelets", "777-3", "G/L", 150.0, 400.0, 0, "hemato"),
        ("Polynucléaires neutrophiles", "Neutrophils", "26499-4", "G/L", 1.5, 7.0, 2, "hemato"),
        ("Lymphocytes", "Lymphocytes", "26474-7", "G/L", 1.0, 4.0, 2, "hemato"),
        ("Monocytes", "Monocytes", "26484-6", "G/L", 0.2, 1.0, 2, "hemato"),
        ("Protéine C réactive", "C-reactive protein", "1988-5", "mg/L", None, 5.0, 1, "bio"),
        ("Glycémie à jeun", "Fasting glucose", "1558-6", "g/L", 0.70, 1.10, 2, "bio"),
        ("Hémoglobine glyquée HbA1c", "HbA1c", "4548-4", "%", 4.0, 6.0, 1, "bio"),
        ("Créatinine", "Creatinine", "14682-9", "µmol/L", 60.0, 110.0, 0, "bio"),
        (
            "DFG estimé (CKD-EPI)",
            "eGFR (CKD-EPI)",
            "62238-1",
            "mL/min/1,73 m²",
            60.0,
            None,
            0,
            "bio",
        ),
        ("Urée", "Urea", "22664-7", "mmol/L", 2.5, 7.5, 1, "bio"),
        ("Acide urique", "Uric acid", "14933-6", "µmol/L", 210.0, 420.0, 0, "bio"),
        ("Sodium", "Sodium", "2951-2", "mmol/L", 135.0, 145.0, 0, "bio"),
        ("Potassium", "Potassium", "2823-3", "mmol/L", 3.5, 5.1, 1, "bio"),
        ("Chlore", "Chloride", "2075-0", "mmol/L", 98.0, 107.0, 0, "bio"),
        ("Calcium", "Calcium", "2000-8", "mmol/L", 2.20, 2.60, 2, "bio"),
        ("Cholestérol total", "Total cholesterol", "2093-3", "g/L", None, 2.0, 2, "lipid"),
        ("HDL-cholestérol", "HDL cholesterol", "2085-9", "g/L", 0.40, None, 2, "lipid"),
        ("LDL-cholestérol calculé", "LDL cholesterol", "13457-7", "g/L", None, 1.60, 2, "lipid"),
        ("Triglycérides", "Triglycerides", "2571-8", "g/L", None, 1.50, 2, "lipid"),
        ("ASAT (TGO)", "AST", "1920-8", "UI/L", None, 40.0, 0, "liver"),
        ("ALAT (TGP)", "ALT", "1742-6", "UI/L", None, 45.0, 0, "liver"),
        ("Gamma-GT", "Gamma-GT", "2324-2", "UI/L", None, 55.0, 0, "liver"),
        (
            "Phosphatases alcalines",
            "Alkaline phosphatase",
            "6768-6",
            "UI/L",
            40.0,
            130.0,
            0,
            "liver",
        ),
        ("Bilirubine totale", "Total bilirubin", "14631-6", "µmol/L", None, 21.0, 0, "liver"),
        ("TSH ultrasensible", "TSH", "3016-3", "mUI/L", 0.27, 4.20, 2, "hormone"),
        ("T4 libre", "Free T4", "14920-3", "pmol/L", 12.0, 22.0, 1, "hormone"),
        ("Ferritine", "Ferritin", "2276-4", "µg/L", 30.0, 400.0, 0, "hormone"),
        ("Vitamine D (25-OH)", "Vitamin D (25-OH)", "62292-8", "ng/mL", 30.0, 60.0, 1, "hormone"),
        ("Vitamine B12", "Vitamin B12", "2132-9", "pg/mL", 200.0, 900.0, 0, "hormone"),
        ("PSA total", "Total PSA", "2857-1", "ng/mL", None, 4.0, 2, "hormone"),
        ("INR", "INR", "6301-6", "", 0.8, 1.2, 2, "coag"),
        ("Taux de prothrombine", "Prothrombin time ratio", "5894-1", "%", 70.0, 100.0, 0, "coag"),
    ]
)

SECTIONS_FR = {
    "hemato": "HÉMATOLOGIE - NUMÉRATION FORMULE SANGUINE",
    "bio": "BIOCHIMIE SANGUINE",
    "lipid": "BILAN LIPIDIQUE",
    "liver": "BILAN HÉPATIQUE",
    "hormone": "HORMONOLOGIE - VITAMINES",
    "coag": "HÉMOSTASE",
}
SECTIONS_EN = {
    "hemato": "HAEMATOLOGY - FULL BLOOD COUNT",
    "bio": "CLINICAL CHEMISTRY",
    "lipid": "LIPID PROFILE",
    "liver": "LIVER FUNCTION TESTS",
    "hormone": "ENDOCRINOLOGY - VITAMINS",
    "coag": "COAGULATION",
}


@dataclass(frozen=True)
class Vaccine:
    """A vaccine brand and the diseases it covers (for certificates' wording)."""

    brand: str
    diseases: str
    adult: bool


VACCINES: tuple[Vaccine, ...] = tuple(
    Vaccine(*row)
    for row in [
        ("Infanrix Hexa", "DTCaP-Hib-HepB", False),
        ("Hexyon", "DTCaP-Hib-HepB", False),
        ("Vaxelis", "DTCaP-Hib-HepB", False),
        ("Prevenar 13", "pneumocoque", False),
        ("Priorix", "ROR", False),
        ("M-M-RvaxPro", "ROR", False),
        ("Neisvac", "méningocoque C", False),
        ("Nimenrix", "méningocoque ACWY", False),
        ("Bexsero", "méningocoque B", False),
        ("Tetravac", "DTCaP", False),
        ("Gardasil 9", "papillomavirus", False),
        ("Engerix B10", "hépatite B", False),
        ("Repevax", "dTcaP", True),
        ("Boostrix Tetra", "dTcaP", True),
        ("Revaxis", "dTP", True),
        ("Vaxigrip Tetra", "grippe", True),
        ("Influvac Tetra", "grippe", True),
        ("Efluelda", "grippe", True),
        ("Comirnaty", "COVID-19", True),
        ("Spikevax", "COVID-19", True),
        ("Shingrix", "zona", True),
        ("Prevenar 20", "pneumocoque", True),
        ("Pneumovax", "pneumocoque", True),
        ("Twinrix Adulte", "hépatites A et B", True),
        ("Avaxim 160", "hépatite A", True),
        ("Typhim Vi", "typhoïde", True),
        ("Stamaril", "fièvre jaune", True),
        ("Abrysvo", "VRS", True),
    ]
)

_LOT_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"


def lot_number(rng: random.Random) -> str:
    """A plausible vaccine lot number (letters and digits, no O/I to stay fair)."""
    pattern = rng.choice(["LLDDDD", "LDLDDL", "LLDDDDL", "DDLDDD", "LDDDDD", "LLLDDDD"])
    return "".join(
        rng.choice(_LOT_LETTERS) if ch == "L" else str(rng.randint(0, 9)) for ch in pattern
    )
