"""Vaccination record pages (carnet tables) and vaccination certificates, French and English."""

from __future__ import annotations

import random
from datetime import date, timedelta

from tests.synthetic import catalog as cat
from tests.synthetic.layout import Rule, Writer
from tests.synthetic.truth import Draft, ExpectedVaccination


def _doses(rng: random.Random, count: int) -> list[ExpectedVaccination]:
    child = rng.random() < 0.5
    pool = [v for v in cat.VACCINES if v.adult != child]
    start = cat.some_date(rng, date(2012, 1, 1), 3000)
    doses = []
    day = start
    for _ in range(count):
        vaccine = rng.choice(pool)
        lot = cat.lot_number(rng) if rng.random() < 0.9 else None
        doses.append(ExpectedVaccination(vaccine=vaccine.brand, date=day, lot=lot))
        day = day + timedelta(days=rng.randint(30, 400))
    return doses


def build_vaccination_table(rng: random.Random, french: bool) -> Draft:
    """A page of a carnet de vaccination / immunisation record: vaccine, date, lot, signature."""
    w = Writer(rng.choice(["sans", "serif", "mono"]), rng.choice([10.0, 11.0, 12.0]), margin=48)
    first, last = cat.person(rng)
    w.line(
        "VACCINATIONS" if french else "IMMUNIZATION RECORD",
        w.right / 2 + w.margin / 2,
        size=w.size + 4,
        bold=True,
        align="center",
    )
    w.skip(w.size * 0.5)
    if french:
        w.line(f"Nom : {last.upper()}    Prénom : {first}")
    else:
        w.line(f"Name: {first} {last}")
    w.skip(w.size)
    columns = (
        ["Vaccin", "Date", "Lot", "Signature, cachet"]
        if french
        else ["Vaccine", "Date", "Lot number", "Administered by"]
    )
    xs = [w.margin + 4, 220.0, 310.0, 400.0]
    top = w.y
    w.rule()
    w.skip(4)
    for x, title in zip(xs, columns, strict=True):
        w.put(title, x, bold=True, size=w.size - 1)
    w.skip(w.size * 1.6)
    w.rule()
    doses = _doses(rng, rng.randint(2, 8))
    for dose in doses:
        w.skip(6)
        when = (
            f"{dose.date.day:02d}/{dose.date.month:02d}/{dose.date.year}"
            if french or rng.random() < 0.5
            else f"{dose.date.day} {cat.MONTHS_EN[dose.date.month - 1][:3]} {dose.date.year}"
        )
        w.put(dose.vaccine, xs[0])
        w.put(when, xs[1])
        if dose.lot:
            w.put(dose.lot, xs[2])
        w.put(f"Dr {rng.choice(cat.LAST_NAMES)}", xs[3], size=w.size - 1)
        w.skip(w.size * 2.2)
        w.rule()
    bottom = w.y
    for x in [w.margin, *(x - 4 for x in xs[1:]), w.right]:
        w.page.rules.append(Rule(x, top, x, bottom))
    return Draft(writer=w, date=None, vaccinations=doses)


def build_vaccination_certificate(rng: random.Random, french: bool) -> Draft:
    """A signed certificate stating one or two vaccine doses with date and lot."""
    w = Writer(rng.choice(["sans", "serif"]), rng.choice([10.0, 11.0, 12.0]))
    doctor = " ".join(cat.person(rng))
    street, town = cat.address(rng)
    first, last = cat.person(rng)
    w.line(f"Dr {doctor}", bold=True)
    w.line(street)
    w.line(town)
    w.line(f"RPPS : {cat.rpps(rng)}" if french else f"Licence no. {cat.rpps(rng)}")
    w.skip(w.size * 2)
    title = "CERTIFICAT DE VACCINATION" if french else "CERTIFICATE OF VACCINATION"
    w.line(title, w.right / 2 + w.margin / 2, size=w.size + 3, bold=True, align="center")
    w.skip(w.size * 1.5)
    doses = _doses(rng, rng.randint(1, 2))
    if french:
        w.line(f"Je soussigné(e), Dr {doctor}, certifie avoir vacciné")
        w.line(f"{rng.choice(['M.', 'Mme'])} {first} {last.upper()} :")
    else:
        w.line(f"I, the undersigned Dr {doctor}, certify that {first} {last}")
        w.line("has received:")
    w.skip(w.size)
    for dose in doses:
        if french:
            when = cat.date_fr(rng, dose.date)
            text = f"- {dose.vaccine}, le {when}"
            if dose.lot:
                text += f", lot n° {dose.lot}"
        else:
            text = f"- {dose.vaccine} on {cat.date_en(rng, dose.date)}"
            if dose.lot:
                text += f", batch {dose.lot}"
        w.line(text, w.margin + 12)
    w.skip(w.size * 2)
    signed = doses[-1].date
    when = cat.date_fr(rng, signed) if french else cat.date_en(rng, signed)
    w.line(
        f"Fait à {town.split(' ', 1)[1]}, le {when}" if french else f"Date: {when}",
        w.right,
        align="right",
    )
    w.line("Signature", w.right, align="right")
    return Draft(writer=w, date=signed, prescriber=doctor, vaccinations=doses)
