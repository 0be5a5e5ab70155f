"""Each rule of the French prevention calendar: who it applies to, when, and what satisfies it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.reminders.calendar import DueStatus, available_editions, due_preventions, load_calendar
from store.records import Condition, Sex, UserProfile, Vaccination

TODAY = date(2026, 11, 28)


def person(birth_year: int, sex: Sex = Sex.MALE) -> UserProfile:
    return UserProfile(birth_year=birth_year, sex=sex)


def items(profile, vaccinations=(), conditions=(), today=TODAY, **kw):
    return {i.rule_id: i for i in due_preventions(profile, vaccinations, conditions, today, **kw)}


def shot(product: str, when: date, *diseases: str) -> Vaccination:
    return Vaccination(product=product, date=when, diseases=list(diseases))


def test_calendar_is_data_with_edition_sources_and_flags():
    calendar = load_calendar()
    assert calendar.edition == 2025 and 2025 in available_editions()
    for rule in calendar.all_rules:
        assert rule.sources, rule.id
        assert all(s in calendar.sources for s in rule.sources), rule.id
        # Rules from general knowledge ([know] in the reference) are flagged and not "verified".
        if rule.needs_check and rule.verified_on is not None:
            assert rule.note or rule.check_fields, rule.id
    flagged = {r.id for r in calendar.all_rules if r.needs_check}
    assert {
        "infant_rotavirus",
        "covid_autumn",
        "pertussis_catchup_adult",
        "dental_mtdents",
    } <= flagged
    item = items(person(1960))["covid_autumn"]
    assert item.needs_check and item.edition == 2025 and item.sources


def test_nothing_without_a_birth_year():
    assert due_preventions(UserProfile(), [], [], TODAY) == []


# -- dTP boosters at 25, 45, 65, then every 10 years ------------------------------------------


@pytest.mark.parametrize(
    ("birth_year", "milestone"), [(2001, 25), (1981, 45), (1961, 65), (1951, 75), (1941, 85)]
)
def test_dtp_due_in_the_year_of_each_milestone(birth_year: int, milestone: int):
    item = items(person(birth_year))["dtp_adult"]
    assert item.status == DueStatus.DUE
    assert item.due_from == date(birth_year + milestone, 1, 1)
    assert f"milestone age {milestone}" in item.reason


def test_dtp_done_at_the_milestone_points_to_the_next_one_only_when_close():
    # 45 in 2026, booster done this year: nothing due; the next (65) is 19 years away.
    assert "dtp_adult" not in items(person(1981), [shot("Revaxis", date(2026, 3, 1), "tetanus")])
    # 44 in 2026, booster done at 25: the 45-year booster is upcoming (within 6 months).
    upcoming = items(person(1982), [shot("Repevax", date(2007, 4, 1))])["dtp_adult"]
    assert upcoming.status == DueStatus.UPCOMING and upcoming.due_from == date(2027, 1, 1)


def test_dtp_missed_milestone_is_overdue_until_done():
    item = items(person(1978))["dtp_adult"]  # 48: the 45-year booster (2023) was missed
    assert item.status == DueStatus.OVERDUE and item.due_from == date(2023, 1, 1)
    assert "dtp_adult" not in items(person(1978), [shot("Revaxis", date(2025, 5, 1), "tétanos")])


def test_dtp_booster_shortly_before_the_milestone_counts():
    # Catch-up at 42 (2020), 3 years before 45: not asked again at 45 (minimum 5-year gap rule).
    assert "dtp_adult" not in items(person(1978), [shot("Repevax", date(2020, 6, 1))])
    # A booster 15 years before the milestone does not count.
    assert items(person(1978), [shot("dTP", date(2008, 6, 1))])["dtp_adult"].status == "overdue"


# -- influenza and COVID-19: yearly, from 65 and for risk groups -------------------------------


def test_influenza_from_65_each_campaign():
    item = items(person(1960))["influenza_65"]
    assert item.status == DueStatus.DUE
    assert (item.due_from, item.due_until) == (date(2026, 10, 15), date(2027, 2, 28))
    assert "influenza_65" not in items(person(1963))  # 63
    # Turning 65 during the campaign: from 1 January.
    assert items(person(1962))["influenza_65"].due_from == date(2027, 1, 1)
    # This season's dose satisfies it; last season's does not.
    assert "influenza_65" not in items(person(1960), [shot("Efluelda", date(2026, 10, 20))])
    assert "influenza_65" in items(person(1960), [shot("Efluelda", date(2025, 10, 20))])


def test_influenza_upcoming_before_the_campaign_and_nothing_in_summer():
    item = items(person(1960), today=date(2026, 9, 20))["influenza_65"]
    assert item.status == DueStatus.UPCOMING and item.due_from == date(2026, 10, 15)
    summer = items(person(1960), today=date(2026, 6, 1), horizon=timedelta(days=30))
    assert "influenza_65" not in summer


@pytest.mark.parametrize(
    "condition", ["Diabète de type 2", "BPCO", "Insuffisance cardiaque", "Grossesse"]
)
def test_influenza_and_covid_for_risk_groups_under_65(condition: str):
    found = items(person(1980, Sex.FEMALE), conditions=[Condition(name=condition)])
    assert found["influenza_risk"].status == DueStatus.DUE
    assert "risk" in found["influenza_risk"].reason
    assert found["covid_autumn"].status == DueStatus.DUE
    assert "influenza_risk" not in items(person(1980, Sex.FEMALE))
    # A resolved condition no longer counts.
    gone = Condition(name=condition, resolved=date(2024, 1, 1))
    assert "influenza_risk" not in items(person(1980, Sex.FEMALE), conditions=[gone])


def test_covid_autumn_respects_the_minimum_gap_after_the_last_dose():
    # A dose on 1 July: the next one six months later, on 1 January (still in the campaign).
    found = items(person(1955), [shot("Comirnaty", date(2026, 7, 1), "covid-19")])
    assert found["covid_autumn"].status == DueStatus.UPCOMING
    assert found["covid_autumn"].due_from == date(2027, 1, 1)
    # A dose on 1 September: six months later the campaign is over.
    assert "covid_autumn" not in items(person(1955), [shot("Spikevax", date(2026, 9, 1))])


# -- shingles, pneumococcus, RSV ----------------------------------------------------------------


def test_shingles_two_doses_from_65():
    assert items(person(1960))["shingles_65"].dose == 1
    assert "shingles_65" not in items(person(1963))
    assert items(person(1962))["shingles_65"].status == DueStatus.UPCOMING  # 65 on 2027-01-01
    second = items(person(1960), [shot("Shingrix", date(2026, 10, 1))])["shingles_65"]
    assert second.dose == 2 and second.status == DueStatus.UPCOMING
    assert second.due_from == date(2026, 12, 1)
    late = items(person(1960), [shot("Shingrix", date(2026, 1, 5))])["shingles_65"]
    assert late.status == DueStatus.OVERDUE
    done = [shot("Shingrix", date(2026, 1, 5)), shot("Shingrix", date(2026, 3, 5))]
    assert "shingles_65" not in items(person(1960), done)


def test_shingles_for_immunocompromised_adults():
    found = items(person(1990), conditions=[Condition(name="Greffe rénale", risk_groups=[])])
    assert found["shingles_immunocompromised"].dose == 1


def test_pneumococcal_once_from_65_or_at_risk():
    assert items(person(1960))["pneumococcal_65"].status == DueStatus.DUE
    assert "pneumococcal_65" not in items(person(1960), [shot("Prevenar 20", date(2026, 2, 1))])
    assert "pneumococcal_risk" not in items(person(1990))
    risk = items(person(1990), conditions=[Condition(name="Diabète")])
    assert risk["pneumococcal_risk"].status == DueStatus.DUE


def test_rsv_from_75_and_65_74_with_copd_or_heart_failure():
    assert items(person(1950))["rsv_75"].due_until == date(2027, 1, 31)
    assert "rsv_75" not in items(person(1955)) and "rsv_65_risk" not in items(person(1955))
    assert "rsv_65_risk" in items(person(1955), conditions=[Condition(name="BPCO stade 2")])
    assert "rsv_65_risk" not in items(person(1955), conditions=[Condition(name="Diabète")])
    assert "rsv_75" not in items(person(1950), [shot("Arexvy", date(2025, 10, 1))])
    # Outside the season (September → January): offered for the next season.
    spring = items(person(1950), today=date(2026, 4, 1))["rsv_75"]
    assert spring.status == DueStatus.UPCOMING and spring.due_from == date(2026, 9, 1)


# -- HPV, meningococcus, MMR, pregnancy -----------------------------------------------------


def test_hpv_routine_and_catch_up_to_26():
    assert items(person(2013))["hpv_11_14"].dose == 1
    catch = items(person(2002, Sex.FEMALE))["hpv_catchup"]
    assert catch.dose == 1 and catch.due_until == date(2028, 12, 31)
    assert "hpv_catchup" not in items(person(1998))  # 28
    two = [shot("Gardasil 9", date(2026, 1, 10)), shot("Gardasil 9", date(2026, 3, 10))]
    third = items(person(2002), two)["hpv_catchup"]
    assert third.dose == 3 and third.due_from == date(2026, 7, 10)
    # Fully vaccinated at 12-13 with two doses: no catch-up.
    young = [shot("Gardasil 9", date(2014, 5, 1)), shot("Gardasil 9", date(2014, 11, 1))]
    assert "hpv_catchup" not in items(person(2002), young)


def test_menacwy_adolescents_and_catch_up():
    assert "menacwy_11_14" in items(person(2013))
    assert "menacwy_catchup" in items(person(2005))
    assert "menacwy_catchup" not in items(person(2005), [shot("Nimenrix", date(2020, 1, 1))])


def test_mmr_two_doses_for_people_born_since_1980():
    assert items(person(1990))["mmr_adult"].dose == 1
    assert "mmr_adult" not in items(person(1975))
    two = [shot("Priorix", date(1991, 6, 1)), shot("ROR", date(1996, 6, 1), "rougeole")]
    assert "mmr_adult" not in items(person(1990), two)


def test_pregnancy_pertussis_from_20_weeks_each_pregnancy():
    pregnant = Condition(name="Grossesse", onset=date(2026, 8, 1))
    found = items(person(1994, Sex.FEMALE), conditions=[pregnant])
    assert found["pertussis_pregnancy"].due_from == date(2026, 12, 19)
    assert found["pertussis_pregnancy"].status == DueStatus.UPCOMING
    # A dose from a previous pregnancy does not count; one during this pregnancy does.
    old = shot("Repevax", date(2023, 1, 1), "coqueluche")
    assert "pertussis_pregnancy" in items(person(1994, Sex.FEMALE), [old], [pregnant])
    now_dose = shot("Repevax", date(2026, 12, 20), "coqueluche")
    later = date(2027, 1, 5)
    assert "pertussis_pregnancy" not in items(
        person(1994, Sex.FEMALE), [now_dose], [pregnant], today=later
    )
    assert "pertussis_pregnancy" not in items(person(1994, Sex.MALE), conditions=[pregnant])


def test_rsv_in_pregnancy_between_32_and_36_weeks_in_season():
    pregnant = Condition(name="enceinte", onset=date(2026, 4, 20))
    found = items(person(1994, Sex.FEMALE), conditions=[pregnant])
    item = found["rsv_pregnancy"]
    assert item.due_from == date(2026, 11, 30) and item.due_until == date(2026, 12, 28)


def test_infant_schedule_from_the_birth_date():
    baby = UserProfile(birth_year=2026)
    found = items(baby, birth_date=date(2026, 9, 15))
    assert found["infant_hexavalent"].due_from == date(2026, 11, 15)
    assert found["infant_hexavalent"].status == DueStatus.DUE
    assert found["infant_menb"].due_from == date(2026, 12, 15)
    after_one = [shot("Hexyon", date(2026, 11, 16), "diphtheria")]
    second = items(baby, after_one, birth_date=date(2026, 9, 15))["infant_hexavalent"]
    assert second.dose == 2 and second.due_from == date(2027, 1, 15)


# -- organised screenings and prevention check-ups ---------------------------------------------


def test_breast_screening_women_50_74_every_two_years():
    assert "breast" not in items(person(1970, Sex.MALE))
    assert "breast" not in items(person(1980, Sex.FEMALE))  # 46
    first = items(person(1970, Sex.FEMALE))["breast"]
    assert first.status == DueStatus.DUE and "no recorded test" in first.reason
    done = items(person(1970, Sex.FEMALE), screenings={"breast": date(2025, 3, 1)})["breast"]
    assert done.status == DueStatus.UPCOMING and done.due_from == date(2027, 3, 1)
    assert "breast" not in items(person(1970, Sex.FEMALE), screenings={"breast": date(2026, 1, 1)})
    late = items(person(1970, Sex.FEMALE), screenings={"breast": date(2024, 1, 1)})["breast"]
    assert late.status == DueStatus.OVERDUE
    assert "breast" not in items(person(1950, Sex.FEMALE))  # 76


def test_colorectal_screening_50_74_every_two_years_both_sexes():
    assert items(person(1975, Sex.MALE))["colorectal"].status == DueStatus.DUE
    assert "colorectal" not in items(person(1978, Sex.MALE))  # 50 in 2028: too far ahead
    assert items(person(1977, Sex.MALE))["colorectal"].status == DueStatus.UPCOMING
    recent = {"colorectal": date(2026, 1, 1)}
    assert "colorectal" not in items(person(1975), screenings=recent)


def test_cervical_cytology_25_29_then_hpv_test_30_65():
    assert "cervical_cytology" in items(person(1999, Sex.FEMALE))  # 27
    assert "cervical_hpv" not in items(person(1999, Sex.FEMALE))
    assert "cervical_cytology" not in items(
        person(1999, Sex.FEMALE), screenings={"cervical_cytology": date(2025, 3, 1)}
    )
    nxt = items(person(1999, Sex.FEMALE), screenings={"cervical_cytology": date(2023, 12, 1)})
    assert nxt["cervical_cytology"].due_from == date(2026, 12, 1)
    # At 30 without a previous test: HPV test at once; after a cytology: 3 years later.
    assert items(person(1996, Sex.FEMALE))["cervical_hpv"].status == DueStatus.DUE
    after = items(person(1996, Sex.FEMALE), screenings={"cervical_cytology": date(2024, 3, 1)})
    assert after["cervical_hpv"].due_from == date(2027, 3, 1)
    hpv = items(person(1970, Sex.FEMALE), screenings={"cervical_hpv": date(2022, 1, 1)})
    assert hpv["cervical_hpv"].due_from == date(2027, 1, 1)
    assert "cervical_hpv" not in items(
        person(1970, Sex.FEMALE), screenings={"cervical_hpv": date(2024, 1, 1)}
    )
    assert "cervical_hpv" not in items(person(1960, Sex.FEMALE))  # 66
    assert "cervical_hpv" not in items(person(1970, Sex.MALE))


@pytest.mark.parametrize(
    ("birth_year", "rule"),
    [
        (2004, "checkup_18_25"),
        (1979, "checkup_45_50"),
        (1963, "checkup_60_65"),
        (1953, "checkup_70_75"),
    ],
)
def test_prevention_checkups_once_per_age_window(birth_year: int, rule: str):
    found = items(person(birth_year))
    assert found[rule].status == DueStatus.DUE
    assert rule not in items(person(birth_year), screenings={rule: date(2026, 2, 1)})


def test_no_checkup_between_windows():
    found = items(person(1971))  # 55
    assert not [r for r in found if r.startswith("checkup")]


def test_extraction_disease_slugs_are_recognised():
    flu = Vaccination(product="Vaxigrip Tetra", diseases=["influenza"], date=date(2026, 10, 30))
    covid = Vaccination(product="X", diseases=["covid19"], date=date(2026, 10, 30))
    found = items(person(1950), [flu, covid])
    assert "influenza_65" not in found and "covid_autumn" not in found
    acwy = Vaccination(product="Y", diseases=["meningococcus_acwy"], date=date(2022, 1, 1))
    assert "menacwy_catchup" not in items(person(2005), [acwy])


def test_due_vaccinations_is_the_vaccination_part_with_engine_slugs():
    from bot.reminders.calendar import due_vaccinations

    found = due_vaccinations(person(1960, Sex.FEMALE), [], TODAY)
    assert found and all(i.kind == "vaccination" for i in found)
    keys = {i.key for i in found}
    assert {"tetanus", "influenza", "covid19", "shingles", "pneumococcal"} <= keys
    dtp = next(i for i in found if i.key == "tetanus")
    assert dtp.overdue and dtp.due_date == date(2025, 1, 1)


# Rules not covered above: (rule, birth year or date, sex, conditions, today, expected due_from
# and dose without a record, a dose that satisfies it).
MORE_RULES = [
    (
        "pertussis_catchup_adult",
        1994,
        None,
        [],
        TODAY,
        TODAY,
        1,
        shot("Repevax", date(2019, 6, 1)),
    ),
    (
        "influenza_child",
        2018,
        None,
        [],
        TODAY,
        date(2026, 10, 15),
        None,
        shot("Fluenz", date(2026, 10, 20)),
    ),
    (
        "covid_spring",
        1940,
        None,
        [],
        date(2027, 3, 20),
        date(2027, 4, 1),
        None,
        shot("Comirnaty", date(2027, 4, 2), "covid19"),
    ),
    ("shingles_immunocompromised", 1990, None, ["VIH"], TODAY, TODAY, 1, None),
    ("hpv_11_14", 2014, None, [], TODAY, TODAY, 1, None),
    ("menacwy_11_14", 2013, None, [], TODAY, TODAY, 1, shot("Nimenrix", date(2025, 1, 1))),
    (
        "rsv_pregnancy",
        1994,
        Sex.FEMALE,
        ["grossesse"],
        TODAY,
        TODAY,
        None,
        shot("Abrysvo", date(2026, 11, 1)),
    ),
    (
        "infant_pcv",
        date(2026, 9, 15),
        None,
        [],
        TODAY,
        date(2026, 11, 15),
        1,
        shot("Prevenar 13", date(2026, 11, 16)),
    ),
    (
        "infant_rotavirus",
        date(2026, 9, 15),
        None,
        [],
        TODAY,
        date(2026, 11, 15),
        1,
        shot("Rotarix", date(2026, 11, 16)),
    ),
    (
        "infant_menb",
        date(2026, 9, 15),
        None,
        [],
        TODAY,
        date(2026, 12, 15),
        1,
        shot("Bexsero", date(2026, 12, 16)),
    ),
    (
        "infant_menacwy",
        date(2026, 5, 10),
        None,
        [],
        TODAY,
        date(2026, 11, 10),
        1,
        shot("Nimenrix", date(2026, 11, 11)),
    ),
    (
        "infant_mmr",
        date(2025, 11, 1),
        None,
        [],
        TODAY,
        date(2026, 11, 1),
        1,
        shot("Priorix", date(2026, 11, 2)),
    ),
    ("child_dtcap_6", 2020, None, [], TODAY, TODAY, 1, shot("Tetravac", date(2026, 6, 1))),
    ("teen_dtcap_11", 2015, None, [], TODAY, TODAY, 1, shot("Repevax", date(2026, 6, 1))),
    ("dental_mtdents", 2010, None, [], TODAY, TODAY, None, None),
]


@pytest.mark.parametrize(
    ("rule", "born", "sex", "conditions", "today", "due_from", "dose", "dose_given"),
    MORE_RULES,
    ids=[r[0] for r in MORE_RULES],
)
def test_each_remaining_rule_with_and_without_a_record(
    rule, born, sex, conditions, today, due_from, dose, dose_given
):
    kw = {"birth_date": born} if isinstance(born, date) else {}
    profile = UserProfile(birth_year=born.year if isinstance(born, date) else born, sex=sex)
    found = items(profile, [], [Condition(name=c) for c in conditions], today=today, **kw)
    assert found[rule].due_from == due_from
    assert found[rule].dose == dose
    if dose_given is not None:
        later = max(today, dose_given.date) + timedelta(days=1)
        after = items(
            profile, [dose_given], [Condition(name=c) for c in conditions], today=later, **kw
        )
        assert rule not in after or after[rule].dose != dose
