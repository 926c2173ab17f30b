"""Secondary suppression wherever a breakdown is served with its total (docs/disclosure.md):
profile breakdowns against the area's whole row (pages and API), feedback breakdowns by
respondent group, the Likert level counts against a question's answers, population by
place against the ICB and the population pyramid. Each: for a partner (or provider),
a table whose rounded total would pin a suppressed cell hides a second cell, with every
figure derived from it; ICB staff still see exact figures."""

import pandas as pd
import pytest

from commissioning import queries as core_queries
from commissioning.disclosure import SUPPRESSED
from commissioning.models import Area, AreaLevel
from evaluation.feedback import actions, analysis
from evaluation.feedback import queries as feedback_queries
from needs_assessment.profile import queries as profile_queries
from tests.api import session_client, token_client
from tests.needs_assessment.test_documents_world import aggregate, make_profile
from tests.needs_assessment.test_profile_api import publish

pytestmark = pytest.mark.django_db
API = "/api/v1/needs-assessment"


@pytest.fixture
def pinned_profile(universe):
    """A profile whose neighbourhood has 17 people: ethnicity 8, 8 and 1. Alone that
    shows 10, 10, * and 15, which leaves the small group exactly 1."""
    profile = make_profile(universe)
    hood = universe.neighbourhood
    aggregate(profile, hood, "people", value=17, numerator=17, denominator=17, unit="people")
    for category, people in (("A", 8), ("B", 8), ("C", 1)):
        aggregate(profile, hood, "people", breakdown="ethnicity", category=category, value=people)
        aggregate(
            profile,
            hood,
            "prevalence:diabetes",
            breakdown="ethnicity",
            category=category,
            numerator=min(people, 4) if people > 1 else 0,
            denominator=people,
            value=50.0,
            unit="%",
        )
    return profile


def _by(rows, measure):
    return {r["category"]: r for r in rows if r["measure"] == measure}


def test_profile_breakdown_rows_hide_a_second_group_for_partners(universe, pinned_profile):
    """The rows pages are built from (queries.aggregate_rows)."""
    hood = universe.neighbourhood.pk
    rows = profile_queries.aggregate_rows(
        pinned_profile, disclosure=True, area_id=hood, breakdown="ethnicity"
    )
    people = _by(rows, "people")
    assert people["C"]["value"] == SUPPRESSED  # 1 person
    assert people["A"]["value"] == SUPPRESSED  # the smallest shown group, hidden too
    assert people["B"]["value"] == 10
    prevalence = _by(rows, "prevalence:diabetes")
    assert prevalence["A"]["value"] == prevalence["A"]["denominator"] == SUPPRESSED
    assert prevalence["A"]["suppressed"] and prevalence["B"]["denominator"] == 10
    exact = profile_queries.aggregate_rows(
        pinned_profile, disclosure=False, area_id=hood, breakdown="ethnicity"
    )
    assert {c: r["value"] for c, r in _by(exact, "people").items()} == {"A": 8, "B": 8, "C": 1}


def test_profile_api_hides_a_second_group_for_a_partner_not_for_staff(universe, pinned_profile):
    publish(universe, pinned_profile)
    url = (
        f"{API}/profile-aggregates/?profile={pinned_profile.pk}"
        f"&area={universe.neighbourhood.pk}&breakdown=ethnicity&page_size=100"
    )
    shown = session_client(universe.partner).get(url).json()["results"]
    people = _by(shown, "people")
    assert [people[c]["value"] for c in "ABC"] == [SUPPRESSED, 10, SUPPRESSED]
    assert _by(shown, "prevalence:diabetes")["A"]["value"] == SUPPRESSED
    staff = token_client(universe.analyst).get(url).json()["results"]
    assert [_by(staff, "people")[c]["value"] for c in "ABC"] == [8, 8, 1]
    assert _by(staff, "prevalence:diabetes")["A"]["value"] == 50.0


def test_profile_breakdown_without_a_pinning_total_is_only_rounded(universe, pinned_profile):
    rows = profile_queries.aggregate_rows(
        pinned_profile, disclosure=True, area_id=universe.north.pk, breakdown="sex"
    )
    assert {c: r["value"] for c, r in _by(rows, "people").items()} == {"F": 800, "M": 800}


QUESTIONS = actions.build_questions(["Staff listened to me"], [])


@pytest.fixture
def survey(universe):
    survey = actions.create_survey(
        by=universe.commissioner,
        title="Listening survey",
        audience="service_users",
        questions=QUESTIONS,
        provider=universe.provider_a,
    )
    for kind, n in (("staff", 8), ("carer", 8), ("other", 1)):
        for _ in range(n):
            actions.submit_response(
                by=universe.commissioner, survey=survey, answers={"q1": 4}, respondent_kind=kind
            )
    return survey


def test_feedback_breakdown_hides_a_second_group_for_a_provider(universe, survey):
    shown = feedback_queries.survey_summary(universe.provider_a_rep, survey)
    assert shown["responses"] == 15
    ns = sorted(str(row["n"]) for row in shown["breakdown"])
    assert ns == ["*", "*", "10"]  # 8, 8 and 1: one of the eights hidden too
    exact = feedback_queries.survey_summary(universe.commissioner, survey)
    # 8 and 8 exact; the group of 1 is suppressed for everyone.
    assert sorted(str(r["n"]) for r in exact["breakdown"]) == ["*", "8", "8"]
    eights = {r["group"] for r in exact["breakdown"] if r["n"] == 8}
    hidden = [r for r in shown["breakdown"] if r["group"] in eights and r["n"] == SUPPRESSED]
    assert len(hidden) == 1 and hidden[0]["suppressed"]
    assert hidden[0]["pct_agree"] == hidden[0]["count_4"] == hidden[0]["mean"] == SUPPRESSED
    export = feedback_queries.survey_summary(universe.commissioner, survey, export=True)
    assert sorted(str(r["n"]) for r in export["breakdown"]) == ["*", "*", "10"]


def test_likert_level_counts_get_secondary_suppression():
    """Levels 8, 8 and 1 answers (n 17, shown 15): 10, 10 and * would pin the 1."""
    scores = [4] * 8 + [5] * 8 + [1]
    summary = analysis.likert_summary(pd.DataFrame({"question": "q1", "score": scores}))
    row = analysis.control_frame(summary).to_dict("records")[0]
    assert row["count_1"] == row["count_4"] == SUPPRESSED and row["count_5"] == 10
    assert (
        analysis.likert_summary(pd.DataFrame({"question": "q1", "score": scores})).loc[0, "count_4"]
        == 8
    )


def _places(universe, sizes):
    """Three places of North with LSOAs of the given residents (Core20 all)."""
    names = []
    for i, residents in enumerate(sizes):
        place = Area.objects.create(
            icb=universe.north,
            parent=universe.north,
            level=AreaLevel.PLACE,
            code=f"P{i}X",
            name=f"Pinned place {i}",
        )
        Area.objects.create(
            icb=universe.north,
            parent=Area.objects.create(
                icb=universe.north,
                parent=place,
                level=AreaLevel.NEIGHBOURHOOD,
                code=f"N{i}X",
                name=f"Pinned hood {i}",
            ),
            level=AreaLevel.LSOA,
            code=f"L{i}X",
            name=f"Pinned LSOA {i}",
            population=residents,
            imd_decile=1,
        )
        names.append(place.name)
    return names


def test_population_by_place_hides_a_second_place_for_a_partner(universe):
    Area.objects.filter(icb=universe.north, level=AreaLevel.LSOA).update(population=0)
    names = _places(universe, [8, 8, 1])
    by_place = [{"place": n, "people": p} for n, p in zip(names, [8, 8, 1], strict=True)]
    summary = {"people": 17, "by_place": by_place}
    shown = core_queries.population_by_place(universe.partner, universe.north, summary)
    rows = {row.name: row for row in shown.rows}
    first, second, small = (rows[n] for n in names)
    assert small.resident_population == SUPPRESSED == small.core20_share
    assert sorted(str(r.resident_population) for r in (first, second)) == ["*", "10"]
    hidden = first if first.resident_population == SUPPRESSED else second
    shown_one = second if hidden is first else first
    assert hidden.core20_share == SUPPRESSED  # derived from the hidden count
    assert shown_one.core20_share == 100.0
    assert sorted(str(r.registered_people) for r in (first, second, small)) == ["*", "*", "10"]
    assert shown.total.resident_population == 15
    exact = core_queries.population_by_place(universe.commissioner, universe.north, summary)
    assert [{r.name: r for r in exact.rows}[n].resident_population for n in names] == [8, 8, 1]


def test_pyramid_hides_a_second_band_for_a_partner(universe):
    summary = {
        "people": 17,
        "pyramid": [
            {"age_band": "0-4", "sex": "F", "people": 8},
            {"age_band": "0-4", "sex": "M", "people": 8},
            {"age_band": "5-9", "sex": "F", "people": 1},
        ],
    }
    shown = core_queries.controlled_pyramid(universe.partner, summary)
    assert [row["people"] for row in shown] == [SUPPRESSED, 10, SUPPRESSED]
    exact = core_queries.controlled_pyramid(universe.commissioner, summary)
    assert [row["people"] for row in exact] == [8, 8, 1]


def _row(category, value, *, measure="people", breakdown="ethnicity", **fields):
    return {
        "area_id": 1,
        "measure": measure,
        "breakdown": breakdown if category else "",
        "category": category,
        "numerator": fields.get("numerator"),
        "denominator": fields.get("denominator", value),
        "value": value,
        "lower95": None,
        "upper95": None,
        "lower998": None,
        "upper998": None,
        "unit": "",
        "method": "",
        "comparison95": "similar",
        "comparison998": "similar",
        "publishable": True,
    }


def test_export_rows_get_it_only_where_the_categories_make_up_the_area():
    """control_rows (INA exports): 8, 8, 1 of 17 hides a second group; the same cells
    against 40 people (others in no shown category) cannot be backed out: rounded only."""
    from needs_assessment.profile.controlled import control_rows

    cells = [_row("A", 8), _row("B", 8), _row("C", 1)]
    shown = control_rows([_row("", 17), *cells])
    assert [r["value"] for r in shown] == [15, SUPPRESSED, 10, SUPPRESSED]
    partial = control_rows([_row("", 40), *cells])
    assert [r["value"] for r in partial] == [40, 10, 10, SUPPRESSED]
