"""Posology phrasings, French and English: each case is annotated with what it must mean."""

from __future__ import annotations

import pytest

from extraction.parse import parse_posology
from extraction.parse.posology import read_posology
from store.records import PeriodUnit, TimeOfDay

MORN, NOON, EVE, HS = TimeOfDay.MORNING, TimeOfDay.NOON, TimeOfDay.EVENING, TimeOfDay.BEDTIME

# (written, expected fields); intakes = intakes per day; duration/supply in days.
CASES: list[tuple[str, dict[str, object]]] = [
    # "matin et soir" is two intakes a day, not one
    ("1 cp matin et soir", {"dose": 1, "unit": "comprimé", "intakes": 2, "when": [MORN, EVE]}),
    # half a tablet: the fraction is the dose, not a frequency
    ("1/2 cp le soir", {"dose": 0.5, "unit": "comprimé", "intakes": 1, "when": [EVE]}),
    ("½ comprimé le matin", {"dose": 0.5, "intakes": 1, "when": [MORN]}),
    ("1/4 cp le soir au coucher", {"dose": 0.25, "intakes": 1, "when": [HS]}),
    ("1 cp matin, midi et soir", {"intakes": 3, "when": [MORN, NOON, EVE]}),
    ("1 gél midi et soir", {"unit": "gélule", "intakes": 2, "when": [NOON, EVE]}),
    # compact notations
    ("1 cp x3/j", {"dose": 1, "intakes": 3, "when": []}),
    ("1 cp x 2/jour", {"intakes": 2}),
    ("2 cp 3x/j", {"dose": 2, "intakes": 3}),
    ("1-0-1", {"intakes": 2, "when": [MORN, EVE]}),
    ("3 fois par jour", {"intakes": 3, "dose": None}),
    ("1 sachet par jour", {"dose": 1, "unit": "sachet", "intakes": 1}),
    ("1 cp 1 jour sur 2", {"intakes": 0.5}),
    ("1 ampoule par mois pendant 3 mois", {"intakes": 1 / 30, "duration": 90}),
    # interval: every 8 hours is 3 a day
    ("1 gél toutes les 8h", {"interval": 8, "intakes": 3}),
    ("1 cp toutes les 6 heures si douleur", {"interval": 6, "as_needed": True}),
    # duration versus supply: "pendant 1 mois" is 30 days of treatment, QSP is a quantity
    ("1 cp par jour pendant 1 mois", {"duration": 30, "supply": None}),
    ("1 cp par jour QSP 3 mois", {"duration": None, "supply": 90}),
    ("1 cp le matin qsp 28 jours", {"supply": 28}),
    ("1 cp x3/j pendant 7 jours", {"intakes": 3, "duration": 7}),
    ("1 cp durant 2 semaines", {"duration": 14}),
    ("1 cp par jour, 1 mois", {"duration": 30}),
    # as needed, maximum per day
    ("1 cp si douleur, max 3 g/jour", {"as_needed": True, "max": 3, "max_unit": "g"}),
    (
        "2 cp si fièvre, sans dépasser 4 par jour",
        {"as_needed": True, "max": 4, "max_unit": "comprimé"},
    ),
    (
        "1 sachet après les repas si besoin, maximum 3 par jour",
        {"as_needed": True, "max": 3, "intakes": None},
    ),
    ("1 cp si besoin", {"as_needed": True, "intakes": None}),
    # renewals
    ("1 cp le soir. À renouveler 2 fois", {"renewals": 2}),
    ("1 cp le soir AR 2 fois", {"renewals": 2}),
    ("Renouvelable 3 fois", {"renewals": 3}),
    ("Non renouvelable", {"renewals": 0}),
    # route where written
    ("1 cp par jour par voie orale", {"route": "oral"}),
    (
        "1 injection sous-cutanée par jour pendant 10 jours",
        {"route": "subcutaneous", "unit": "injection", "duration": 10},
    ),
    ("2 pulvérisations dans chaque narine matin et soir", {"route": "nasal", "intakes": 2}),
    # days of the week: twice a week on Monday and Thursday
    ("1 comprimé le lundi et le jeudi", {"intakes": 2 / 7}),
    ("1 cp par semaine le dimanche", {"intakes": 1 / 7}),
    # English
    (
        "1 tablet twice daily for 10 days",
        {"dose": 1, "unit": "tablet", "intakes": 2, "duration": 10},
    ),
    ("Take two tablets once daily", {"dose": 2, "intakes": 1}),
    ("1 capsule three times a day x 7 days", {"unit": "capsule", "intakes": 3, "duration": 7}),
    ("1 tablet TID", {"intakes": 3}),
    ("1 tablet BID", {"intakes": 2}),
    ("2 puffs PRN", {"dose": 2, "unit": "puff", "as_needed": True}),
    ("1 tablet every 6 hours as needed", {"interval": 6, "as_needed": True}),
    (
        "Take 1 capsule every 4 hours when required for pain, max 4 in 24 hours",
        {"interval": 4, "as_needed": True, "max": 4},
    ),
    ("1 tablet at bedtime", {"when": [HS], "intakes": 1}),
    ("1 tablet at night", {"when": [HS]}),
    ("1 tablet in the morning", {"when": [MORN]}),
    (
        "1 tablet daily, 30 days supply. Refills: 2",
        {"supply": 30, "renewals": 2, "duration": None},
    ),
    ("Refills: 0", {"renewals": 0}),
    ("Refills: O", {"renewals": 0}),  # zero read as the letter O
    ("Supply: 28 days Refilis: 3", {"renewals": 3, "supply": 28}),  # OCR spelling
]


def _actual(text: str) -> dict[str, object]:
    pos = parse_posology(text)
    return {
        "dose": pos.dose.value if pos.dose else None,
        "unit": pos.dose.unit if pos.dose else None,
        "intakes": pos.intakes_per_day,
        "when": pos.when,
        "interval": pos.interval_hours,
        "duration": pos.duration.days if pos.duration else None,
        "supply": pos.supply_duration.days if pos.supply_duration else None,
        "as_needed": pos.as_needed,
        "max": pos.max_per_day.value if pos.max_per_day else None,
        "max_unit": pos.max_per_day.unit if pos.max_per_day else None,
        "renewals": pos.renewals,
        "route": pos.route,
    }


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_posology_phrasing(text: str, expected: dict[str, object]) -> None:
    actual = _actual(text)
    for key, value in expected.items():
        if key == "intakes" and isinstance(value, float):
            assert actual[key] == pytest.approx(value), key
        else:
            assert actual[key] == value, f"{key}: {actual[key]!r} != {value!r}"


def test_matin_et_soir_is_two_per_day_in_fhir_terms() -> None:
    pos = parse_posology("1 cp matin et soir")
    assert (pos.frequency, pos.period, pos.period_unit) == (2, 1.0, PeriodUnit.DAY)


def test_one_month_is_a_month_not_a_supply() -> None:
    treatment = parse_posology("1 cp par jour pendant 1 mois")
    supply = parse_posology("1 cp par jour QSP 3 mois")
    assert treatment.duration is not None
    assert treatment.duration.unit == PeriodUnit.MONTH
    assert treatment.duration.days == 30
    assert supply.duration is None
    assert supply.supply_duration is not None
    assert supply.supply_duration.days == 90


def test_days_of_week_are_fhir_codes() -> None:
    assert parse_posology("1 comprimé le lundi et le jeudi").days_of_week == ["mon", "thu"]
    assert parse_posology("1 tablet on Mondays").days_of_week == ["mon"]


def test_text_is_kept_as_written() -> None:
    assert parse_posology("  1 cp matin et soir ").text == "1 cp matin et soir"


def test_each_field_has_the_span_it_was_read_from() -> None:
    text = "1 cp matin et soir pendant 7 jours"
    reading = read_posology(text)
    start, end = reading.spans["duration"]
    assert text[start:end] == "pendant 7 jours"
    start, end = reading.spans["dose"]
    assert text[start:end] == "1 cp"


def test_accents_and_case_do_not_matter() -> None:
    assert _actual("1 CP MATIN ET SOIR PENDANT 7 JOURS") == _actual(
        "1 cp matin et soir pendant 7 jours"
    )
    assert parse_posology("1 comprime si fievre").as_needed


def test_nothing_medical_gives_an_empty_posology() -> None:
    pos = parse_posology("Bonjour, merci de votre visite.")
    assert pos.dose is None
    assert pos.frequency is None
    assert pos.intakes_per_day is None
    assert not pos.as_needed
