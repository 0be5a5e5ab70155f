"""Lab reports (French and English): tables with units, ranges, flags and previous results."""

from __future__ import annotations

import random
from datetime import timedelta

from tests.synthetic import catalog as cat
from tests.synthetic.catalog import LabTest
from tests.synthetic.layout import Run, Writer
from tests.synthetic.truth import Draft, ExpectedLab

LAB_NAMES = [
    "Laboratoire de Biologie Médicale Bioaxis",
    "Laboratoire Cerballiance Synthèse",
    "Biogroupe Laboratoire des Tilleuls",
    "LBM Eurofins Biomnis Démo",
    "Laboratoire Synlab Exemple",
]


def _value(rng: random.Random, test: LabTest) -> float:
    low, high = test.low, test.high
    normal = rng.random() < 0.7
    if low is not None and high is not None:
        if normal:
            value = rng.uniform(low + (high - low) * 0.05, high - (high - low) * 0.05)
        elif rng.random() < 0.5:
            value = high * rng.uniform(1.08, 1.6)
        else:
            value = low * rng.uniform(0.6, 0.92)
    elif high is not None:
        value = high * (rng.uniform(0.2, 0.92) if normal else rng.uniform(1.1, 2.5))
    else:
        assert low is not None
        value = low * (rng.uniform(1.1, 1.8) if normal else rng.uniform(0.5, 0.9))
    return round(value, test.places)


def _num(value: float, places: int, french: bool) -> str:
    return cat.decimal(value, places, french)


def _range_text(rng: random.Random, test: LabTest, french: bool, style: int) -> str:
    places = test.places
    low = None if test.low is None else _num(test.low, places, french)
    high = None if test.high is None else _num(test.high, places, french)
    if low is not None and high is not None:
        joint = [f"{low} - {high}", f"{low} - {high}", f"({low} - {high})", f"{low} à {high}"]
        if not french:
            joint[3] = f"{low} - {high}"
        return joint[style % 4]
    if high is not None:
        return f"< {high}"
    return f"> {low}"


def _flag(test: LabTest, value: float) -> str:
    if test.high is not None and value > test.high:
        return "H"
    if test.low is not None and value < test.low:
        return "L"
    return "N"


def build_lab_report(rng: random.Random, layout: str, french: bool, pages: int) -> Draft:
    """A lab report of ``pages`` pages (1 or more): header, sampling date, sections of tests."""
    family = rng.choice(["sans", "serif", "mono"])
    w = Writer(family, rng.choice([8.5, 9.0, 9.5, 10.0]) if pages == 1 else 10.0, margin=40)
    lab = rng.choice(LAB_NAMES)
    street, town = cat.address(rng)
    sampled = cat.some_date(rng)
    previous = sampled - timedelta(days=rng.randint(60, 500))
    first, last = cat.person(rng)
    doctor = " ".join(cat.person(rng))
    born = cat.some_date(rng, cat.date(1940, 1, 1), 20000)
    tests = [t for t in cat.LAB_TESTS if rng.random() < 0.55]
    count = rng.randint(10, 16) if pages == 1 else rng.randint(18, 25)
    if len(tests) < count:
        tests += [t for t in cat.LAB_TESTS if t not in tests]
    chosen = set(rng.sample(tests, count))
    tests = [t for t in cat.LAB_TESTS if t in chosen]
    sections = cat.SECTIONS_FR if french else cat.SECTIONS_EN
    range_style = rng.randrange(4)
    flag_style = rng.choice(["column", "column", "star"]) if layout != "leaders" else "star"
    with_previous = layout != "leaders" or rng.random() < 0.5
    date_text = (
        f"{sampled.day:02d}/{sampled.month:02d}/{sampled.year}"
        if french
        else cat.date_en(rng, sampled)
    )
    prev_text = f"{previous.day:02d}/{previous.month:02d}/{previous.year % 100:02d}"
    x_value, x_flag, x_unit, x_range, x_prev = 290.0, 296.0, 316.0, 408.0, w.right

    header_seed = rng.random()

    def header(page_no: int) -> None:
        hr = random.Random(header_seed)  # the same header on every page
        w.line(lab, bold=True, size=w.size + 3)
        w.line(f"{street} - {town}", size=w.size - 0.5)
        w.line(
            f"Biologiste responsable : Dr {' '.join(cat.person(rng))}"
            if french
            else f"Laboratory director: Dr {' '.join(cat.person(rng))}",
            size=w.size - 0.5,
        )
        w.skip(w.size * 0.6)
        w.put(f"Page {page_no}/§", w.right, align="right")
        patient = f"{first} {last.upper()}" if french else f"{first} {last}"
        w.line(f"Patient : {patient}" if french else f"Patient: {patient}", bold=True)
        w.line(
            f"Né(e) le {born.day:02d}/{born.month:02d}/{born.year}"
            if french
            else f"Date of birth: {born.day} {cat.MONTHS_EN[born.month - 1][:3]} {born.year}"
        )
        w.line(f"Prescripteur : Dr {doctor}" if french else f"Requested by: Dr {doctor}")
        if french:
            hour = f"{hr.randint(7, 11)}h{hr.choice(['05', '30', '45'])}"
            if hr.random() < 0.5:
                w.line(f"Prélèvement du {date_text} à {hour}")
            else:
                w.line(f"Prélevé le {date_text}")
            edited = sampled + timedelta(days=hr.randint(0, 1))
            w.line(f"Édité le {edited.day:02d}/{edited.month:02d}/{edited.year}")
        else:
            w.line(f"Collected: {date_text} {hr.randint(7, 11)}:{hr.choice(['05', '30', '45'])}")
        w.skip(w.size * 0.6)
        if layout == "leaders":
            w.rule()
            w.skip(w.size * 0.6)
            return
        size = w.size - 0.5
        w.put("Analyse" if french else "Test", size=size, bold=True)
        w.put("Résultat" if french else "Result", x_value, size=size, bold=True, align="right")
        w.put("Unités" if french else "Units", x_unit, size=size, bold=True)
        w.put("Références" if french else "Reference range", x_range, size=size, bold=True)
        if with_previous:
            w.put(
                "Antériorités" if french else "Previous",
                x_prev,
                size=size,
                bold=True,
                align="right",
            )
            w.skip(w.size * 1.3)
            w.put(prev_text, x_prev, size=size - 0.5, align="right")
        w.skip(w.size * 1.3)
        w.rule()
        w.skip(w.size * 0.5)

    header(1)
    results: list[ExpectedLab] = []
    current = ""
    split_at = len(tests) // 2 if pages > 1 else -1
    for index, test in enumerate(tests):
        if index == split_at or not w.room(3):
            w.new_page()
            header(len(w.pages))
            current = ""
        if test.section != current:
            current = test.section
            w.skip(w.size * 0.4)
            w.line(sections[current], bold=True, size=w.size - 0.5)
        value = _value(rng, test)
        flag = _flag(test, value)
        value_text = _num(value, test.places, french)
        range_text = _range_text(rng, test, french, range_style)
        old = round(value * rng.uniform(0.8, 1.2), test.places)
        if old == value:
            old = round(value + 10**-test.places, test.places)
        old_text = _num(old, test.places, french)
        name = test.fr if french else test.en
        if layout == "leaders":
            star = " *" if flag != "N" else ""
            shown = f"{value_text}{star}"
            room = x_value - w.width(shown) - 8 - w.margin - w.width(f"{name} ")
            w.put(f"{name} " + "." * max(3, int(room / w.width("."))))
            w.put(shown, x_value, align="right")
            w.put(test.unit, x_unit)
            w.put(range_text, x_range)
            if with_previous:
                w.put(old_text, x_prev, align="right")
        else:
            w.put(name)
            mark = ""
            if flag != "N" and flag_style == "star":
                mark = " *"
            w.put(f"{value_text}{mark}", x_value, align="right", bold=flag != "N")
            if flag != "N" and flag_style == "column":
                w.put(flag, x_flag, bold=True)
            w.put(test.unit, x_unit)
            w.put(range_text, x_range)
            if with_previous:
                w.put(old_text, x_prev, align="right")
        w.skip(w.size * 1.45)
        results.append(
            ExpectedLab(
                name=name,
                canonical=test.fr,
                loinc=test.loinc,
                value=value,
                value_text=value_text,
                unit=test.unit,
                low=test.low,
                high=test.high,
                range_text=range_text,
                flag=flag,
                previous_value=old if with_previous else None,
                page=len(w.pages),
            )
        )
    w.skip(w.size * 1.5)
    w.line(
        "Résultats validés par le biologiste." if french else "Results validated.", size=w.size - 1
    )
    total = str(len(w.pages))
    for page in w.pages:
        page.runs[:] = [
            Run(r.x, r.y, r.text.replace("§", total), r.size, r.family, r.bold) for r in page.runs
        ]
    return Draft(writer=w, date=sampled, prescriber=doctor, lab_results=results)
