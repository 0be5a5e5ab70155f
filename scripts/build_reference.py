"""Build extraction/reference/data/ from the BDPM files and the hand-written lab/vaccine tables.

Usage: ``python scripts/build_reference.py /path/to/bdpm [--out extraction/reference/data]``

Writes ``drugs.json.gz`` (brands, substances, ATC codes, forms, strengths), ``labtests.json`` and
``vaccines.json``. The product reads only these generated files, never the BDPM directory.
BDPM files are TAB-separated UTF-8 with CRLF line ends (one file LF), no header row.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

ATTRIBUTION = (
    "Source : Base de données publique des médicaments (ANSM/HAS/UNCAM), fichiers du 26–28/01/2026"
)

SALT_PREFIX = re.compile(
    r"^(?:CHLORHYDRATE|DICHLORHYDRATE|FUMARATE|HEMIFUMARATE|MALEATE|SUCCINATE|TARTRATE|"
    r"BESILATE|BESYLATE|MESILATE|MESYLATE|SULFATE|PHOSPHATE|ACETATE|LYSINATE|BROMHYDRATE|"
    r"CITRATE|LACTATE|GLUCONATE|NITRATE|OXALATE|PAMOATE|TOSILATE|VALERATE|PROPIONATE|"
    r"DIPROPIONATE|FUROATE|BUTYRATE|HYCLATE|SODIQUE|POTASSIQUE|CALCIQUE|MAGNESIQUE)\s+(?:DE\s+|D')"
)
SALT_SUFFIX = re.compile(
    r"\s+(?:SODIQUE|POTASSIQUE|CALCIQUE|MAGNESIQUE|TRIHYDRATEE?|DIHYDRATEE?|MONOHYDRATEE?|"
    r"HEMIHYDRATEE?|SESQUIHYDRATEE?|HYDRATEE?|ANHYDRE|BASE|AMORPHE|MICRONISEE?)\b.*$"
)
PARENS = re.compile(r"\s*\([^)]*\)")
STRENGTH = re.compile(
    r"\d+(?:[,.]\d+)?\s*(?:mg|g|µg|microgrammes?|milligrammes?|UI|U\.I\.|%|ml|mL)"
    r"(?:\s*/\s*\d*(?:[,.]\d+)?\s*(?:mg|g|µg|ml|mL|dose|24\s*heures|h))?",
    re.IGNORECASE,
)


def fold(text: str) -> str:
    """Upper case without accents, single spaces: the key every lookup uses."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", plain.upper().replace("’", "'")).strip()


def substance_key(name: str) -> str:
    """Normalise a BDPM substance name to its active moiety (salts and hydrates removed)."""
    key = fold(name)
    key = PARENS.sub("", key).strip()
    stripped = SALT_PREFIX.sub("", key)
    stripped = SALT_SUFFIX.sub("", stripped).strip()
    return stripped or key


def brand_of(denomination: str) -> str:
    """The brand part of a dénomination: the words before the strength or the form."""
    head = denomination.split(",")[0]
    words: list[str] = []
    for word in head.split():
        if re.match(r"^[\d(]", word):
            break
        words.append(word)
    return fold(" ".join(words)) or fold(head)


def read_rows(path: Path) -> list[list[str]]:
    """TAB-separated rows, CR stripped."""
    text = path.read_text(encoding="utf-8")
    return [line.rstrip("\r").split("\t") for line in text.split("\n") if line.strip()]


def build_drugs(bdpm: Path) -> dict[str, object]:
    """Brands, substances and ATC codes from the BDPM files."""
    specs = {}
    for row in read_rows(bdpm / "CIS_bdpm.txt"):
        if len(row) < 7 or "homéo" in row[5].lower():
            continue
        specs[row[0]] = {
            "denomination": row[1].strip(),
            "form": row[2].strip(),
            "routes": [r.strip() for r in row[3].split(";") if r.strip()],
            "marketed": row[6].strip() == "Commercialisée",
        }
    # one substance per liaison: prefer the FT (active moiety) row over the SA (salt)
    liaisons: dict[tuple[str, str], tuple[str, str]] = {}
    display: dict[str, str] = {}
    for row in read_rows(bdpm / "CIS_COMPO_bdpm.txt"):
        if len(row) < 8 or row[0] not in specs:
            continue
        cis, name, nature, link = row[0], row[3].strip(), row[6].strip(), row[7].strip()
        slot = (cis, link)
        if nature == "FT" or slot not in liaisons:
            liaisons[slot] = (substance_key(name), nature)
        plain = PARENS.sub("", name).strip()
        if fold(plain) == substance_key(name):
            display.setdefault(fold(plain), plain.lower())
    cis_substances: dict[str, set[str]] = defaultdict(set)
    for (cis, _), (key, _) in liaisons.items():
        cis_substances[cis].add(key)

    atc_of: dict[str, str] = {}
    for row in read_rows(bdpm / "CIS_MITM.txt"):
        if len(row) >= 2 and row[1].strip():
            atc_of[row[0]] = row[1].strip()
    by_set: dict[frozenset[str], Counter[str]] = defaultdict(Counter)
    for cis, atc in atc_of.items():
        if cis in cis_substances:
            by_set[frozenset(cis_substances[cis])][atc] += 1
    groups: dict[str, list[str]] = defaultdict(list)
    for row in read_rows(bdpm / "CIS_GENER_bdpm.txt"):
        if len(row) >= 3:
            groups[row[0]].append(row[2].strip())
    for members in groups.values():
        known = Counter(atc_of[c] for c in members if c in atc_of)
        if known:
            best = known.most_common(1)[0][0]
            for cis in members:
                atc_of.setdefault(cis, best)
    for cis, subs in cis_substances.items():
        if cis not in atc_of and frozenset(subs) in by_set:
            atc_of[cis] = by_set[frozenset(subs)].most_common(1)[0][0]

    substance_atc: dict[str, Counter[str]] = defaultdict(Counter)
    for cis, subs in cis_substances.items():
        if len(subs) == 1 and cis in atc_of:
            substance_atc[next(iter(subs))][atc_of[cis]] += 1
    substances: dict[str, dict[str, object]] = {}
    for key in {k for subs in cis_substances.values() for k in subs}:
        atc = substance_atc[key].most_common(1)[0][0] if substance_atc.get(key) else None
        atc = atc or ATC_HAND.get(key)
        substances[key] = {"name": display.get(key, key.lower()), "atc": atc}
    for key, atc in ATC_HAND.items():
        substances.setdefault(key, {"name": key.lower(), "atc": atc})

    for cis, subs in cis_substances.items():
        if cis not in atc_of and len(subs) == 1:
            atc = substances[next(iter(subs))]["atc"]
            if isinstance(atc, str):
                atc_of[cis] = atc

    brands: dict[str, dict[str, object]] = {}
    brand_sets: dict[str, Counter[tuple[str, ...]]] = defaultdict(Counter)
    brand_atc: dict[str, Counter[str]] = defaultdict(Counter)
    brand_forms: dict[str, Counter[str]] = defaultdict(Counter)
    brand_routes: dict[str, Counter[str]] = defaultdict(Counter)
    brand_strengths: dict[str, Counter[str]] = defaultdict(Counter)
    for cis, spec in specs.items():
        subs = cis_substances.get(cis)
        if not subs:
            continue
        brand = brand_of(str(spec["denomination"]))
        if not brand or len(brand) < 3:
            continue
        weight = 3 if spec["marketed"] else 1
        brand_sets[brand][tuple(sorted(subs))] += weight
        if cis in atc_of:
            brand_atc[brand][atc_of[cis]] += weight
        brand_forms[brand][str(spec["form"])] += weight
        for route in spec["routes"]:  # type: ignore[attr-defined]
            brand_routes[brand][route] += weight
        head = str(spec["denomination"]).split(",")[0]
        for match in STRENGTH.finditer(head):
            brand_strengths[brand][re.sub(r"\s+", " ", match.group(0))] += 1
    for brand, sets in brand_sets.items():
        brands[brand] = {
            "s": list(sets.most_common(1)[0][0]),
            "atc": brand_atc[brand].most_common(1)[0][0] if brand_atc[brand] else None,
            "f": [f for f, _ in brand_forms[brand].most_common(3)],
            "r": [r for r, _ in brand_routes[brand].most_common(2)],
            "st": [s for s, _ in brand_strengths[brand].most_common(6)],
        }
    # first word of multi-word brands, when unambiguous (DOLIPRANE LIQUIZ -> DOLIPRANE)
    first_words: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for brand, entry in brands.items():
        first = brand.split()[0]
        if first != brand and len(first) >= 4:
            first_words[first].add(tuple(entry["s"]))  # type: ignore[arg-type]
    for first, sets_seen in first_words.items():
        if first not in brands and first not in substances and len(sets_seen) == 1:
            source = next(b for b in brands if b.split()[0] == first and b != first)
            brands[first] = dict(brands[source])
    set_atc: dict[frozenset[str], Counter[str]] = defaultdict(Counter)
    for entry in brands.values():
        if entry["atc"]:
            set_atc[frozenset(entry["s"])][str(entry["atc"])] += 1  # type: ignore[arg-type]
    for name, subs_list in ENGLISH_BRANDS.items():
        keys = [fold(s) for s in subs_list]
        atc = substances.get(keys[0], {}).get("atc") if len(keys) == 1 else None
        if len(keys) > 1 and set_atc.get(frozenset(keys)):
            atc = set_atc[frozenset(keys)].most_common(1)[0][0]
        brands.setdefault(fold(name), {"s": keys, "atc": atc, "f": [], "r": [], "st": []})

    aliases: dict[str, str] = {}
    for key in substances:
        if " " in key or len(key) < 6:
            continue
        if key.endswith(("INE", "ENE")):
            aliases.setdefault(key[:-1], key)
    for english, french in ENGLISH_SUBSTANCES.items():
        aliases[fold(english)] = fold(french)
    aliases = {k: v for k, v in aliases.items() if k not in substances and k not in brands}
    return {
        "attribution": ATTRIBUTION,
        "substances": dict(sorted(substances.items())),
        "brands": dict(sorted(brands.items())),
        "aliases": dict(sorted(aliases.items())),
        "stats": {
            "specialities": len(specs),
            "with_atc": sum(1 for c in specs if c in atc_of),
            "marketed": sum(1 for s in specs.values() if s["marketed"]),
            "marketed_with_atc": sum(1 for c, s in specs.items() if s["marketed"] and c in atc_of),
        },
    }


# --- hand-written tables ---------------------------------------------------------------------

# ATC codes for common substances that neither CIS_MITM nor propagation reach.
ATC_HAND: dict[str, str] = {
    "PARACETAMOL": "N02BE01",
    "IBUPROFENE": "M01AE01",
    "KETOPROFENE": "M01AE03",
    "NAPROXENE": "M01AE02",
    "DICLOFENAC": "M01AB05",
    "ACIDE ACETYLSALICYLIQUE": "N02BA01",
    "AMOXICILLINE": "J01CA04",
    "PHENOXYMETHYLPENICILLINE": "J01CE02",
    "CEFALEXINE": "J01DB01",
    "CEFUROXIME": "J01DC02",
    "CEFPODOXIME": "J01DD13",
    "CEFIXIME": "J01DD08",
    "CEFTRIAXONE": "J01DD04",
    "AZITHROMYCINE": "J01FA10",
    "CLARITHROMYCINE": "J01FA09",
    "DOXYCYCLINE": "J01AA02",
    "SULFAMETHOXAZOLE": "J01EC01",
    "CIPROFLOXACINE": "J01MA02",
    "OFLOXACINE": "J01MA01",
    "LEVOFLOXACINE": "J01MA12",
    "NITROFURANTOINE": "J01XE01",
    "FOSFOMYCINE": "J01XX01",
    "METFORMINE": "A10BA02",
    "LEVOTHYROXINE": "H03AA01",
    "ATORVASTATINE": "C10AA05",
    "ROSUVASTATINE": "C10AA07",
    "SIMVASTATINE": "C10AA01",
    "PRAVASTATINE": "C10AA03",
    "AMLODIPINE": "C08CA01",
    "RAMIPRIL": "C09AA05",
    "PERINDOPRIL": "C09AA04",
    "ENALAPRIL": "C09AA02",
    "LISINOPRIL": "C09AA03",
    "LOSARTAN": "C09CA01",
    "VALSARTAN": "C09CA03",
    "IRBESARTAN": "C09CA04",
    "CANDESARTAN": "C09CA06",
    "BISOPROLOL": "C07AB07",
    "NEBIVOLOL": "C07AB12",
    "ATENOLOL": "C07AB03",
    "FUROSEMIDE": "C03CA01",
    "HYDROCHLOROTHIAZIDE": "C03AA03",
    "OMEPRAZOLE": "A02BC01",
    "ESOMEPRAZOLE": "A02BC05",
    "PANTOPRAZOLE": "A02BC02",
    "LANSOPRAZOLE": "A02BC03",
    "APIXABAN": "B01AF02",
    "RIVAROXABAN": "B01AF01",
    "WARFARINE": "B01AA03",
    "FLUINDIONE": "B01AA12",
    "CLOPIDOGREL": "B01AC04",
    "SALBUTAMOL": "R03AC02",
    "PREDNISOLONE": "H02AB06",
    "PREDNISONE": "H02AB07",
    "SERTRALINE": "N06AB06",
    "ESCITALOPRAM": "N06AB10",
    "FLUOXETINE": "N06AB03",
    "PAROXETINE": "N06AB05",
    "ZOLPIDEM": "N05CF02",
    "ALPRAZOLAM": "N05BA12",
    "BROMAZEPAM": "N05BA08",
    "OXAZEPAM": "N05BA04",
    "LORAZEPAM": "N05BA06",
    "DIAZEPAM": "N05BA01",
    "TRAMADOL": "N02AX02",
    "CODEINE": "R05DA04",
    "MORPHINE": "N02AA01",
    "COLECALCIFEROL": "A11CC05",
    "CETIRIZINE": "R06AE07",
    "DESLORATADINE": "R06AX27",
    "LORATADINE": "R06AX13",
    "ALLOPURINOL": "M04AA01",
    "TAMSULOSINE": "G04CA02",
    "PHLOROGLUCINOL": "A03AX12",
    "METOCLOPRAMIDE": "A03FA01",
    "DOMPERIDONE": "A03FA03",
    "LOPERAMIDE": "A07DA03",
    "MACROGOL 4000": "A06AD15",
    "INSULINE GLARGINE": "A10AE04",
    "EMPAGLIFLOZINE": "A10BK03",
    "DAPAGLIFLOZINE": "A10BK01",
    "SITAGLIPTINE": "A10BH01",
    "GLICLAZIDE": "A10BB09",
    "SPIRONOLACTONE": "C03DA01",
    "PREGABALINE": "N03AX16",
    "GABAPENTINE": "N03AX12",
    "LEVETIRACETAM": "N03AX14",
    "MONTELUKAST": "R03DC03",
}

# English substance names -> BDPM substance keys.
ENGLISH_SUBSTANCES: dict[str, str] = {
    "acetaminophen": "PARACETAMOL",
    "aspirin": "ACIDE ACETYLSALICYLIQUE",
    "acetylsalicylic acid": "ACIDE ACETYLSALICYLIQUE",
    "ibuprofen": "IBUPROFENE",
    "naproxen": "NAPROXENE",
    "ketoprofen": "KETOPROFENE",
    "amoxicillin": "AMOXICILLINE",
    "penicillin v": "PHENOXYMETHYLPENICILLINE",
    "cephalexin": "CEFALEXINE",
    "cefalexin": "CEFALEXINE",
    "albuterol": "SALBUTAMOL",
    "levothyroxine": "LEVOTHYROXINE",
    "warfarin": "WARFARINE",
    "furosemide": "FUROSEMIDE",
    "vitamin d3": "COLECALCIFEROL",
    "cholecalciferol": "COLECALCIFEROL",
    "trimethoprim": "TRIMETHOPRIME",
    "sulfamethoxazole": "SULFAMETHOXAZOLE",
    "insulin glargine": "INSULINE GLARGINE",
    "tamsulosin": "TAMSULOSINE",
    "codeine": "CODEINE",
}

# Common English brand names -> substance keys (BDPM holds French brands only).
ENGLISH_BRANDS: dict[str, list[str]] = {
    "Tylenol": ["PARACETAMOL"],
    "Panadol": ["PARACETAMOL"],
    "Calpol": ["PARACETAMOL"],
    "Advil": ["IBUPROFENE"],
    "Motrin": ["IBUPROFENE"],
    "Nurofen": ["IBUPROFENE"],
    "Aleve": ["NAPROXENE"],
    "Amoxil": ["AMOXICILLINE"],
    "Keflex": ["CEFALEXINE"],
    "Zithromax": ["AZITHROMYCINE"],
    "Cipro": ["CIPROFLOXACINE"],
    "Bactrim": ["SULFAMETHOXAZOLE", "TRIMETHOPRIME"],
    "Lipitor": ["ATORVASTATINE"],
    "Zocor": ["SIMVASTATINE"],
    "Crestor": ["ROSUVASTATINE"],
    "Synthroid": ["LEVOTHYROXINE"],
    "Glucophage": ["METFORMINE"],
    "Norvasc": ["AMLODIPINE"],
    "Zestril": ["LISINOPRIL"],
    "Prinivil": ["LISINOPRIL"],
    "Cozaar": ["LOSARTAN"],
    "Lasix": ["FUROSEMIDE"],
    "Prilosec": ["OMEPRAZOLE"],
    "Nexium": ["ESOMEPRAZOLE"],
    "Protonix": ["PANTOPRAZOLE"],
    "Zoloft": ["SERTRALINE"],
    "Lexapro": ["ESCITALOPRAM"],
    "Prozac": ["FLUOXETINE"],
    "Xanax": ["ALPRAZOLAM"],
    "Ambien": ["ZOLPIDEM"],
    "Ventolin": ["SALBUTAMOL"],
    "ProAir": ["SALBUTAMOL"],
    "Eliquis": ["APIXABAN"],
    "Xarelto": ["RIVAROXABAN"],
    "Coumadin": ["WARFARINE"],
    "Plavix": ["CLOPIDOGREL"],
    "Zyrtec": ["CETIRIZINE"],
    "Claritin": ["LORATADINE"],
    "Singulair": ["MONTELUKAST"],
    "Flomax": ["TAMSULOSINE"],
    "Lyrica": ["PREGABALINE"],
    "Neurontin": ["GABAPENTINE"],
    "Ultram": ["TRAMADOL"],
    "Jardiance": ["EMPAGLIFLOZINE"],
    "Januvia": ["SITAGLIPTINE"],
    "Lantus": ["INSULINE GLARGINE"],
    "Co-codamol": ["CODEINE", "PARACETAMOL"],
    "Co-amoxiclav": ["AMOXICILLINE", "ACIDE CLAVULANIQUE"],
    "Co-trimoxazole": ["SULFAMETHOXAZOLE", "TRIMETHOPRIME"],
}


def _lab(
    key: str,
    fr: str,
    en: str,
    loinc: str,
    unit: str,
    aliases: list[str],
    low: float | None = None,
    high: float | None = None,
    ocr: list[str] | None = None,
) -> dict[str, object]:
    return {
        "key": key,
        "fr": fr,
        "en": en,
        "loinc": loinc,
        "unit": unit,
        "aliases": aliases,
        "low": low,
        "high": high,
        "ocr": ocr or [],
    }


# From /work/shared/reference/lab-tests.md (typical adult ranges; the printed range always wins).
LAB_TESTS: list[dict[str, object]] = [
    _lab(
        "wbc",
        "Leucocytes",
        "White blood cells",
        "6690-2",
        "G/L",
        ["GB", "globules blancs", "WBC", "leucocytes totaux", "white blood cell count"],
        4.0,
        10.0,
    ),
    _lab(
        "rbc",
        "Hématies",
        "Red blood cells",
        "789-8",
        "T/L",
        ["GR", "globules rouges", "érythrocytes", "RBC", "red blood cell count"],
        4.0,
        5.9,
    ),
    _lab(
        "hemoglobin",
        "Hémoglobine",
        "Hemoglobin",
        "718-7",
        "g/dL",
        ["Hb", "HGB", "haemoglobin"],
        12.0,
        17.0,
    ),
    _lab(
        "hematocrit",
        "Hématocrite",
        "Hematocrit",
        "4544-3",
        "%",
        ["Ht", "Hte", "HCT", "haematocrit"],
        37.0,
        52.0,
    ),
    _lab(
        "mcv",
        "VGM",
        "MCV",
        "30428-7",
        "fL",
        ["volume globulaire moyen", "mean corpuscular volume"],
        80.0,
        100.0,
    ),
    _lab(
        "mch",
        "TCMH",
        "MCH",
        "28539-5",
        "pg",
        ["teneur corpusculaire moyenne en hémoglobine", "mean corpuscular hemoglobin"],
        27.0,
        32.0,
    ),
    _lab(
        "mchc",
        "CCMH",
        "MCHC",
        "28540-3",
        "g/dL",
        ["concentration corpusculaire moyenne en hémoglobine"],
        32.0,
        36.0,
    ),
    _lab(
        "rdw",
        "IDR",
        "RDW",
        "788-0",
        "%",
        ["indice de distribution des globules rouges", "RDW-CV", "IDR-CV"],
        11.0,
        15.0,
    ),
    _lab(
        "platelets",
        "Plaquettes",
        "Platelets",
        "777-3",
        "G/L",
        ["PLT", "thrombocytes", "numération plaquettaire", "platelet count"],
        150.0,
        400.0,
    ),
    _lab(
        "mpv",
        "VMP",
        "MPV",
        "32623-1",
        "fL",
        ["volume moyen plaquettaire", "mean platelet volume"],
        7.0,
        11.0,
    ),
    _lab(
        "neutrophils",
        "Polynucléaires neutrophiles",
        "Neutrophils",
        "26499-4",
        "G/L",
        ["PNN", "neutrophiles", "neutrophils"],
        1.5,
        7.0,
    ),
    _lab("lymphocytes", "Lymphocytes", "Lymphocytes", "26474-7", "G/L", ["LYM"], 1.0, 4.0),
    _lab("monocytes", "Monocytes", "Monocytes", "26484-6", "G/L", ["MONO"], 0.2, 1.0),
    _lab(
        "eosinophils",
        "Polynucléaires éosinophiles",
        "Eosinophils",
        "26449-9",
        "G/L",
        ["PNE", "éosinophiles", "eosinophils"],
        None,
        0.5,
    ),
    _lab(
        "basophils",
        "Polynucléaires basophiles",
        "Basophils",
        "704-7",
        "G/L",
        ["PNB", "basophiles", "basophils"],
        None,
        0.1,
    ),
    _lab(
        "esr",
        "Vitesse de sédimentation",
        "Erythrocyte sedimentation rate",
        "4537-7",
        "mm",
        ["VS", "ESR", "vitesse de sédimentation 1re heure"],
        None,
        20.0,
    ),
    _lab(
        "crp",
        "Protéine C réactive",
        "C-reactive protein",
        "1988-5",
        "mg/L",
        ["CRP", "CRPus", "CRP us", "protéine C-réactive"],
        None,
        5.0,
    ),
    _lab(
        "glucose",
        "Glycémie à jeun",
        "Fasting glucose",
        "1558-6",
        "g/L",
        [
            "glycémie",
            "glucose",
            "glucose à jeun",
            "fasting blood glucose",
            "fasting glucose",
            "blood glucose",
        ],
        0.70,
        1.10,
    ),
    _lab(
        "hba1c",
        "Hémoglobine glyquée",
        "HbA1c",
        "4548-4",
        "%",
        [
            "HbA1c",
            "A1c",
            "Hb glyquée",
            "hémoglobine glycosylée",
            "hemoglobin A1c",
            "glycated hemoglobin",
        ],
        4.0,
        6.0,
        ["HbAlc", "HbAIc", "HbA1e", "HBAIC", "HbA lc"],
    ),
    _lab(
        "creatinine",
        "Créatinine",
        "Creatinine",
        "14682-9",
        "µmol/L",
        ["créatininémie", "créat", "creatinine", "créatinine sérique"],
        45.0,
        110.0,
    ),
    _lab(
        "egfr",
        "DFG estimé",
        "eGFR",
        "62238-1",
        "mL/min/1,73 m²",
        [
            "DFG",
            "eGFR",
            "CKD-EPI",
            "DFG (CKD-EPI)",
            "débit de filtration glomérulaire",
            "estimated GFR",
            "MDRD",
            "clairance de la créatinine",
        ],
        90.0,
        None,
    ),
    _lab("urea", "Urée", "Urea", "22664-7", "mmol/L", ["urémie", "urea", "BUN"], 2.5, 7.5),
    _lab(
        "uric_acid",
        "Acide urique",
        "Uric acid",
        "14933-6",
        "µmol/L",
        ["uricémie", "uric acid"],
        150.0,
        420.0,
    ),
    _lab(
        "sodium", "Sodium", "Sodium", "2951-2", "mmol/L", ["natrémie", "Na", "Na+"], 135.0, 145.0
    ),
    _lab(
        "potassium",
        "Potassium",
        "Potassium",
        "2823-3",
        "mmol/L",
        ["kaliémie", "K", "K+"],
        3.5,
        5.0,
    ),
    _lab(
        "chloride",
        "Chlore",
        "Chloride",
        "2075-0",
        "mmol/L",
        ["chlorémie", "Cl", "chlorures", "chloride"],
        98.0,
        107.0,
    ),
    _lab(
        "bicarbonate",
        "Bicarbonates",
        "Bicarbonate",
        "2028-9",
        "mmol/L",
        ["CO2 total", "réserve alcaline", "HCO3", "bicarbonate"],
        22.0,
        29.0,
    ),
    _lab("calcium", "Calcium", "Calcium", "2000-8", "mmol/L", ["calcémie", "Ca"], 2.20, 2.60),
    _lab(
        "total_protein",
        "Protéines totales",
        "Total protein",
        "2885-2",
        "g/L",
        ["protidémie", "protéines", "total protein"],
        64.0,
        83.0,
    ),
    _lab(
        "albumin", "Albumine", "Albumin", "1751-7", "g/L", ["albuminémie", "albumin"], 35.0, 50.0
    ),
    _lab(
        "cholesterol",
        "Cholestérol total",
        "Total cholesterol",
        "2093-3",
        "g/L",
        ["CT", "cholestérolémie", "cholestérol", "cholesterol", "total cholesterol"],
        None,
        2.0,
    ),
    _lab(
        "hdl",
        "HDL-cholestérol",
        "HDL cholesterol",
        "2085-9",
        "g/L",
        ["HDL", "HDL-c", "HDL cholestérol", "cholestérol HDL", "HDL-C"],
        0.40,
        None,
    ),
    _lab(
        "ldl",
        "LDL-cholestérol",
        "LDL cholesterol",
        "13457-7",
        "g/L",
        [
            "LDL",
            "LDL-c",
            "LDL calculé",
            "LDL direct",
            "LDL cholestérol",
            "cholestérol LDL",
            "LDL-C",
        ],
        None,
        1.60,
    ),
    _lab(
        "triglycerides",
        "Triglycérides",
        "Triglycerides",
        "2571-8",
        "g/L",
        ["TG", "triglycerides"],
        None,
        1.50,
    ),
    _lab(
        "ast",
        "ASAT",
        "AST",
        "1920-8",
        "UI/L",
        ["TGO", "AST", "SGOT", "ASAT (TGO)", "aspartate aminotransférase"],
        None,
        35.0,
    ),
    _lab(
        "alt",
        "ALAT",
        "ALT",
        "1742-6",
        "UI/L",
        ["TGP", "ALT", "SGPT", "ALAT (TGP)", "alanine aminotransférase"],
        None,
        45.0,
    ),
    _lab(
        "ggt",
        "Gamma-GT",
        "GGT",
        "2324-2",
        "UI/L",
        ["GGT", "γ-GT", "gamma glutamyl-transférase", "gamma-glutamyltransferase", "gamma GT"],
        None,
        55.0,
        ["V-GT", "Y-GT", "y-GT", "Gamma GT"],
    ),
    _lab(
        "alp",
        "Phosphatases alcalines",
        "Alkaline phosphatase",
        "6768-6",
        "UI/L",
        ["PAL", "ALP", "alkaline phosphatase"],
        40.0,
        130.0,
    ),
    _lab(
        "bilirubin",
        "Bilirubine totale",
        "Total bilirubin",
        "14631-6",
        "µmol/L",
        ["bili T", "bilirubine", "bilirubin", "total bilirubin"],
        None,
        21.0,
    ),
    _lab(
        "tsh",
        "TSH",
        "TSH",
        "3016-3",
        "mUI/L",
        [
            "TSH us",
            "TSH ultrasensible",
            "thyréostimuline",
            "thyréotropine",
            "thyroid stimulating hormone",
        ],
        0.27,
        4.20,
    ),
    _lab(
        "ft4",
        "T4 libre",
        "Free T4",
        "14920-3",
        "pmol/L",
        ["T4L", "FT4", "thyroxine libre", "free thyroxine"],
        12.0,
        22.0,
    ),
    _lab(
        "ferritin",
        "Ferritine",
        "Ferritin",
        "2276-4",
        "µg/L",
        ["ferritinémie", "ferritin"],
        15.0,
        400.0,
    ),
    _lab(
        "iron",
        "Fer sérique",
        "Serum iron",
        "14798-3",
        "µmol/L",
        ["sidérémie", "fer", "iron", "serum iron"],
        10.0,
        30.0,
    ),
    _lab(
        "transferrin_saturation",
        "Coefficient de saturation de la transferrine",
        "Transferrin saturation",
        "2502-3",
        "%",
        ["CST", "saturation de la transferrine", "transferrin saturation"],
        20.0,
        40.0,
    ),
    _lab(
        "vitamin_d",
        "Vitamine D",
        "Vitamin D",
        "62292-8",
        "ng/mL",
        [
            "25-OH vitamine D",
            "25(OH)D",
            "calcidiol",
            "vitamine D (D2+D3)",
            "25-OH vitamin D",
            "vitamin D 25-OH",
            "25-hydroxyvitamine D",
        ],
        30.0,
        60.0,
    ),
    _lab(
        "vitamin_b12",
        "Vitamine B12",
        "Vitamin B12",
        "2132-9",
        "pg/mL",
        ["cobalamine", "B12", "vitamin B12"],
        200.0,
        900.0,
    ),
    _lab(
        "folate",
        "Folates sériques",
        "Serum folate",
        "2284-8",
        "ng/mL",
        ["vitamine B9", "acide folique", "folates", "folate"],
        4.0,
        None,
    ),
    _lab(
        "psa",
        "PSA total",
        "Total PSA",
        "2857-1",
        "ng/mL",
        ["PSA", "antigène prostatique spécifique", "prostate specific antigen"],
        None,
        4.0,
    ),
    _lab("inr", "INR", "INR", "6301-6", "", ["international normalized ratio"], 0.8, 1.2),
    _lab(
        "prothrombin",
        "Taux de prothrombine",
        "Prothrombin ratio",
        "5894-1",
        "%",
        ["TP", "taux de Quick", "prothrombin time"],
        70.0,
        100.0,
    ),
    _lab(
        "uacr",
        "Rapport albumine/créatinine urinaire",
        "Urine albumin/creatinine ratio",
        "9318-7",
        "mg/mmol",
        ["RAC", "microalbuminurie", "albumin creatinine ratio", "UACR"],
        None,
        3.0,
    ),
    _lab(
        "neutrophils_pct",
        "Polynucléaires neutrophiles (%)",
        "Neutrophils (%)",
        "26511-6",
        "%",
        [],
        40.0,
        75.0,
    ),
    _lab("lymphocytes_pct", "Lymphocytes (%)", "Lymphocytes (%)", "26478-8", "%", [], 20.0, 40.0),
]


def _vaccine(
    diseases: list[str], atc: str | None = None, kind: str = "vaccine"
) -> dict[str, object]:
    return {"diseases": diseases, "atc": atc, "kind": kind}


DTP = ["diphtheria", "tetanus", "polio"]
DTCAP = ["diphtheria", "tetanus", "pertussis", "polio"]
HEXA = ["diphtheria", "tetanus", "pertussis", "polio", "hib", "hepatitis_b"]

# Vaccines used in France: brand -> diseases covered (stable slugs, translated by the bot).
VACCINES: dict[str, dict[str, object]] = {
    "Revaxis": _vaccine(DTP, "J07CA01"),
    "DTPolio": _vaccine(DTP, "J07CA01"),
    "Boostrixtetra": _vaccine(DTCAP, "J07CA02"),
    "Boostrix": _vaccine(["diphtheria", "tetanus", "pertussis"], "J07AJ52"),
    "Repevax": _vaccine(DTCAP, "J07CA02"),
    "Tetravac-Acellulaire": _vaccine(DTCAP, "J07CA02"),
    "Tetravac": _vaccine(DTCAP, "J07CA02"),
    "Infanrixtetra": _vaccine(DTCAP, "J07CA02"),
    "Pentavac": _vaccine(["diphtheria", "tetanus", "pertussis", "polio", "hib"], "J07CA06"),
    "Infanrix Quinta": _vaccine(["diphtheria", "tetanus", "pertussis", "polio", "hib"], "J07CA06"),
    "Infanrix Hexa": _vaccine(HEXA, "J07CA09"),
    "Hexyon": _vaccine(HEXA, "J07CA09"),
    "Vaxelis": _vaccine(HEXA, "J07CA09"),
    "Gardasil 9": _vaccine(["hpv"], "J07BM03"),
    "Gardasil": _vaccine(["hpv"], "J07BM01"),
    "Cervarix": _vaccine(["hpv"], "J07BM02"),
    "Prevenar 20": _vaccine(["pneumococcus"], "J07AL02"),
    "Prevenar 13": _vaccine(["pneumococcus"], "J07AL02"),
    "Vaxneuvance": _vaccine(["pneumococcus"], "J07AL02"),
    "Capvaxive": _vaccine(["pneumococcus"], "J07AL02"),
    "Pneumovax": _vaccine(["pneumococcus"], "J07AL01"),
    "Shingrix": _vaccine(["zoster"], "J07BK03"),
    "Zostavax": _vaccine(["zoster"], "J07BK02"),
    "Efluelda": _vaccine(["influenza"], "J07BB02"),
    "Vaxigrip Tetra": _vaccine(["influenza"], "J07BB02"),
    "Vaxigrip": _vaccine(["influenza"], "J07BB02"),
    "Influvac Tetra": _vaccine(["influenza"], "J07BB02"),
    "Influvac": _vaccine(["influenza"], "J07BB02"),
    "Fluarix Tetra": _vaccine(["influenza"], "J07BB02"),
    "Fluenz": _vaccine(["influenza"], "J07BB03"),
    "Comirnaty": _vaccine(["covid19"], "J07BN01"),
    "Spikevax": _vaccine(["covid19"], "J07BN01"),
    "Nuvaxovid": _vaccine(["covid19"], "J07BN04"),
    "Abrysvo": _vaccine(["rsv"], "J07BX05"),
    "Arexvy": _vaccine(["rsv"], "J07BX05"),
    "mResvia": _vaccine(["rsv"], "J07BX05"),
    "Beyfortus": _vaccine(["rsv"], "J06BD08", "antibody"),
    "Engerix B20": _vaccine(["hepatitis_b"], "J07BC01"),
    "Engerix B10": _vaccine(["hepatitis_b"], "J07BC01"),
    "Engerix": _vaccine(["hepatitis_b"], "J07BC01"),
    "HBVaxpro": _vaccine(["hepatitis_b"], "J07BC01"),
    "Twinrix": _vaccine(["hepatitis_a", "hepatitis_b"], "J07BC20"),
    "Havrix": _vaccine(["hepatitis_a"], "J07BC02"),
    "Avaxim": _vaccine(["hepatitis_a"], "J07BC02"),
    "Vaqta": _vaccine(["hepatitis_a"], "J07BC02"),
    "Priorix": _vaccine(["measles", "mumps", "rubella"], "J07BD52"),
    "M-M-RvaxPro": _vaccine(["measles", "mumps", "rubella"], "J07BD52"),
    "ProQuad": _vaccine(["measles", "mumps", "rubella", "varicella"], "J07BD54"),
    "Priorix-Tetra": _vaccine(["measles", "mumps", "rubella", "varicella"], "J07BD54"),
    "Varivax": _vaccine(["varicella"], "J07BK01"),
    "Varilrix": _vaccine(["varicella"], "J07BK01"),
    "Nimenrix": _vaccine(["meningococcus_acwy"], "J07AH08"),
    "Menquadfi": _vaccine(["meningococcus_acwy"], "J07AH08"),
    "Menveo": _vaccine(["meningococcus_acwy"], "J07AH08"),
    "Bexsero": _vaccine(["meningococcus_b"], "J07AH09"),
    "Trumenba": _vaccine(["meningococcus_b"], "J07AH09"),
    "Neisvac": _vaccine(["meningococcus_c"], "J07AH07"),
    "Menjugate": _vaccine(["meningococcus_c"], "J07AH07"),
    "BCG": _vaccine(["tuberculosis"], "J07AN01"),
    "Stamaril": _vaccine(["yellow_fever"], "J07BL01"),
    "Typhim Vi": _vaccine(["typhoid"], "J07AP03"),
    "Vivotif": _vaccine(["typhoid"], "J07AP01"),
    "Tyavax": _vaccine(["typhoid", "hepatitis_a"], "J07CA10"),
    "Ixiaro": _vaccine(["japanese_encephalitis"], "J07BA02"),
    "Encepur": _vaccine(["tick_borne_encephalitis"], "J07BA01"),
    "Ticovac": _vaccine(["tick_borne_encephalitis"], "J07BA01"),
    "Rabipur": _vaccine(["rabies"], "J07BG01"),
    "Verorab": _vaccine(["rabies"], "J07BG01"),
    "Rotarix": _vaccine(["rotavirus"], "J07BH01"),
    "RotaTeq": _vaccine(["rotavirus"], "J07BH02"),
    "Qdenga": _vaccine(["dengue"], "J07BX04"),
    "Imvanex": _vaccine(["mpox", "smallpox"], "J07BX01"),
    "Dukoral": _vaccine(["cholera"], "J07AE01"),
}


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, build and write the reference files."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("bdpm", type=Path, help="directory holding the BDPM .txt files")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent.parent / "extraction" / "reference" / "data",
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    drugs = build_drugs(args.bdpm)
    payload = json.dumps(drugs, ensure_ascii=False, separators=(",", ":")).encode()
    with gzip.GzipFile(args.out / "drugs.json.gz", "wb", mtime=0) as handle:
        handle.write(payload)
    (args.out / "labtests.json").write_text(
        json.dumps(LAB_TESTS, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    (args.out / "vaccines.json").write_text(
        json.dumps(VACCINES, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    stats = drugs["stats"]
    print(
        f"brands={len(drugs['brands'])} substances={len(drugs['substances'])} "  # type: ignore[arg-type]
        f"aliases={len(drugs['aliases'])} stats={stats} "  # type: ignore[arg-type]
        f"labtests={len(LAB_TESTS)} vaccines={len(VACCINES)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
