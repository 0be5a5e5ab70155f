"""French and English prescriptions in several layouts, laid out with their ground truth."""

from __future__ import annotations

import random

from tests.synthetic import catalog as cat
from tests.synthetic.drugs import (
    ENGLISH_PRODUCTS,
    FRENCH_PRODUCTS,
    Posology,
    Product,
    posology_en,
    posology_fr,
)
from tests.synthetic.layout import Writer
from tests.synthetic.truth import Draft, ExpectedAllergy, ExpectedMedication

ALLERGENS_FR = ["pénicilline", "amoxicilline", "aspirine", "sulfamides", "codéine", "iode"]
ALLERGENS_EN = ["penicillin", "aspirin", "sulfonamides", "codeine"]


def _expected(
    product: Product, line: str, pos: Posology, renewals: int | None
) -> ExpectedMedication:
    return ExpectedMedication(
        name=product.name,
        line=line,
        posology=pos.text,
        strength=product.strength,
        form=product.form,
        dose=pos.dose,
        dose_unit=pos.dose_unit,
        intakes_per_day=pos.intakes_per_day,
        when=pos.when,
        interval_hours=pos.interval_hours,
        duration_days=pos.duration_days,
        supply_days=pos.supply_days,
        as_needed=pos.as_needed,
        max_per_day=pos.max_per_day,
        renewals=renewals,
    )


def _pick(rng: random.Random, products: tuple[Product, ...], n: int) -> list[Product]:
    names: set[str] = set()
    chosen: list[Product] = []
    for product in rng.sample(products, len(products)):
        if product.name not in names:
            names.add(product.name)
            chosen.append(product)
        if len(chosen) == n:
            break
    return chosen


def _header_fr(w: Writer, rng: random.Random, doctor: str) -> str:
    first, last = doctor.split(" ", 1)
    street, town = cat.address(rng)
    w.line(
        f"Docteur {first} {last}" if rng.random() < 0.5 else f"Dr {doctor}",
        bold=True,
        size=w.size + 2,
    )
    w.line(rng.choice(cat.SPECIALTIES_FR))
    w.line(street)
    w.line(town)
    w.line(f"Tél. : {cat.phone(rng)}")
    w.line(f"RPPS : {cat.rpps(rng)}" if rng.random() < 0.6 else f"N° RPPS {cat.rpps(rng)}")
    if rng.random() < 0.5:
        w.line(f"N° AM : {rng.randint(10, 99)} 1 {rng.randint(10000, 99999)} {rng.randint(0, 9)}")
    w.skip(w.size)
    return town.split(" ", 1)[1]


def _patient_fr(w: Writer, rng: random.Random, when_text: str, city: str) -> None:
    first, last = cat.person(rng)
    title = rng.choice(["M.", "Mme", "Monsieur", "Madame"])
    w.line(
        f"{city}, le {when_text}" if rng.random() < 0.5 else f"Le {when_text}",
        w.right,
        align="right",
    )
    w.skip(w.size * 0.5)
    w.line(f"{title} {first} {last.upper()}", w.right - 170, bold=True)
    if rng.random() < 0.5:
        born = cat.some_date(rng, cat.date(1940, 1, 1), 20000)
        w.line(f"Né(e) le {born.day:02d}/{born.month:02d}/{born.year}", w.right - 170)
    if rng.random() < 0.4:
        w.line(f"Poids : {rng.randint(45, 110)} kg", w.right - 170)
    w.skip(w.size * 1.5)


def build_prescription_fr(rng: random.Random, layout: str) -> Draft:
    """A French prescription: header, patient, 1-6 products with posologies, renewals."""
    family = rng.choice(["sans", "serif", "mono"])
    w = Writer(family, rng.choice([9.5, 10.0, 11.0, 12.0]))
    day = cat.some_date(rng)
    doctor = " ".join(cat.person(rng))
    city = _header_fr(w, rng, doctor)
    _patient_fr(w, rng, cat.date_fr(rng, day), city)
    allergies: list[ExpectedAllergy] = []
    if rng.random() < 0.2:
        allergen = rng.choice(ALLERGENS_FR)
        w.line(f"Allergie : {allergen}", bold=True)
        allergies.append(ExpectedAllergy(substance=allergen))
        w.skip(w.size * 0.5)
    if layout == "ald":
        w.line(
            "Prescriptions relatives au traitement de l'affection de longue durée",
            w.right / 2 + w.margin / 2,
            size=w.size - 1,
            align="center",
            bold=True,
        )
        w.rule()
        w.skip(w.size)
    products = _pick(rng, FRENCH_PRODUCTS, rng.randint(1, 6))
    global_renewal = rng.random() < 0.25
    renewal_count = rng.choice([1, 2, 3, 5])
    meds: list[ExpectedMedication] = []
    for index, product in enumerate(products, 1):
        pos = posology_fr(rng, product)
        renewals: int | None = renewal_count if global_renewal else None
        line_renewal = ""
        if not global_renewal and rng.random() < 0.3:
            renewals = rng.choice([1, 2, 3, 5])
            line_renewal = rng.choice(
                ["À renouveler {n} fois", "à renouveler {n} fois", "Renouvelable {n} fois"]
            ).format(n=renewals)
        strength = f" {product.strength}" if product.strength else ""
        name_line = f"{product.name}{strength}"
        if rng.random() < 0.7:
            name_line += f", {product.form}" if layout == "numbered" else f" {product.form}"
        if layout == "numbered":
            prefix = rng.choice([f"{index}. ", f"{index}) ", "- "])
            text = f"{prefix}{name_line.upper() if rng.random() < 0.4 else name_line} : {pos.text}"
            if line_renewal:
                text += f". {line_renewal}"
            for part in w.wrap(text, w.right - w.margin):
                w.line(part)
            w.skip(w.size * 0.4)
        else:
            w.line(name_line, bold=True)
            w.line(pos.text, w.margin + 18)
            if line_renewal:
                w.line(line_renewal, w.margin + 18)
            w.skip(w.size * 0.6)
        if layout == "ald" and index == max(1, len(products) // 2) and len(products) > 1:
            w.skip(w.size * 0.5)
            w.line(
                "Prescriptions SANS RAPPORT avec l'affection de longue durée",
                w.right / 2 + w.margin / 2,
                size=w.size - 1,
                align="center",
                bold=True,
            )
            w.rule()
            w.skip(w.size)
        meds.append(_expected(product, name_line, pos, renewals))
    if global_renewal:
        w.skip(w.size)
        w.line(
            rng.choice(
                [
                    "Ordonnance à renouveler {n} fois",
                    "À renouveler {n} fois",
                    "Renouvellement : {n} fois",
                ]
            ).format(n=renewal_count),
            bold=True,
        )
    w.skip(w.size * 2)
    w.line(f"Dr {doctor}", w.right, align="right")
    w.line("Signature", w.right, align="right", size=w.size - 2)
    return Draft(writer=w, date=day, prescriber=doctor, medications=meds, allergies=allergies)


def build_prescription_en(rng: random.Random, layout: str) -> Draft:
    """An English prescription: clinic header, patient, 1-5 products with Sig/Refills lines."""
    family = rng.choice(["sans", "serif", "mono"])
    w = Writer(family, rng.choice([9.5, 10.0, 11.0, 12.0]))
    day = cat.some_date(rng)
    doctor = " ".join(cat.person(rng))
    street, town = cat.address(rng)
    w.line(f"Dr {doctor}, MD", bold=True, size=w.size + 2)
    w.line(rng.choice(cat.SPECIALTIES_EN))
    w.line(f"{rng.choice(['Riverside', 'Park Lane', 'Oakwood', 'Central'])} Medical Practice")
    w.line(f"{street}, {town}")
    w.line(f"Phone: +33 {cat.phone(rng)[1:]}")
    w.skip(w.size)
    first, last = cat.person(rng)
    w.line(f"Date: {cat.date_en(rng, day)}", w.right, align="right")
    w.line(f"Patient: {first} {last}")
    if rng.random() < 0.5:
        born = cat.some_date(rng, cat.date(1940, 1, 1), 20000)
        w.line(f"DOB: {born.day} {cat.MONTHS_EN[born.month - 1][:3]} {born.year}")
    allergies: list[ExpectedAllergy] = []
    if rng.random() < 0.2:
        allergen = rng.choice(ALLERGENS_EN)
        w.line(f"Allergies: {allergen}")
        allergies.append(ExpectedAllergy(substance=allergen))
    w.skip(w.size)
    w.line("Rx", size=w.size + 6, bold=True)
    w.skip(w.size * 0.5)
    meds: list[ExpectedMedication] = []
    for index, product in enumerate(_pick(rng, ENGLISH_PRODUCTS, rng.randint(1, 5)), 1):
        pos = posology_en(rng, product)
        renewals = rng.choice([None, 0, 1, 2, 3]) if rng.random() < 0.6 else None
        name_line = f"{product.name} {product.strength} {product.form}"
        if layout == "rx":
            w.line(f"{index}. {name_line}", bold=True)
            w.line(f"Sig: {pos.text}", w.margin + 18)
            extras = []
            if pos.supply_days:
                extras.append(f"Supply: {pos.supply_days:g} days")
            if renewals is not None:
                extras.append(f"Refills: {renewals}")
            if extras:
                w.line("    ".join(extras), w.margin + 18)
        else:
            text = f"{name_line} - {pos.text}"
            if pos.supply_days:
                text += f", {pos.supply_days:g} days supply"
            if renewals is not None:
                text += f". Refills: {renewals}"
            for part in w.wrap(text, w.right - w.margin):
                w.line(part)
        w.skip(w.size * 0.6)
        meds.append(_expected(product, name_line, pos, renewals))
    w.skip(w.size * 2)
    w.line(f"Signed: Dr {doctor}", w.right, align="right")
    return Draft(writer=w, date=day, prescriber=doctor, medications=meds, allergies=allergies)
