"""Insight records: themes as typed, the create and update actions, search and filters,
and the records in the INA's insight section."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from commissioning.models import AuditEvent, Segment, SegmentationModel
from needs_assessment.documents import actions, queries
from needs_assessment.documents.insight import (
    create_insight,
    parse_themes,
    search_insight,
    update_insight,
)
from needs_assessment.documents.sections import build_section
from needs_assessment.models import InsightRecord
from tests import factories as f
from tests.needs_assessment.test_documents_world import insight_record, make_world

pytestmark = pytest.mark.django_db


def test_parse_themes_trims_and_drops_repeats():
    assert parse_themes(" Access,waiting  times, access ,, ") == ["Access", "waiting times"]
    assert parse_themes(["Transport", "transport", " "]) == ["Transport"]
    assert parse_themes("") == []


def test_parse_themes_refuses_a_long_theme():
    with pytest.raises(ValidationError, match="60 at most"):
        parse_themes("x" * 61)


@pytest.fixture
def segments(universe):
    model = SegmentationModel.objects.create(icb=universe.north, name="North model")
    frail = Segment.objects.create(
        model=model, priority=1, code="frail", name="Frailty", rule={"flag": "palliative"}
    )
    rest = Segment.objects.create(model=model, priority=2, code="rest", name="Rest", rule={})
    return frail, rest


@pytest.fixture
def records(universe, segments):
    frail, _ = segments
    carers = insight_record(
        universe,
        segments=[frail],
        areas=[universe.neighbourhood],
        quote="I had to give up work to care for Mum.",
    )
    survey = insight_record(
        universe,
        source="survey",
        date=date(2025, 11, 2),
        group="People with diabetes",
        themes="Access, Diabetes",
        summary="Waiting times for foot checks are long.",
        areas=[universe.place],
    )
    event = insight_record(
        universe,
        source="engagement",
        date=date(2026, 1, 20),
        group="Young people",
        themes=["mental health"],
        summary="Hard to find help at night.",
    )
    return carers, survey, event


def test_create_insight_stores_themes_as_an_array_and_links(universe, records, segments):
    carers = records[0]
    assert carers.themes == ["respite", "transport"]
    assert carers.icb == universe.north and carers.created_by == universe.commissioner
    assert list(carers.segments.all()) == [segments[0]]
    assert list(carers.areas.all()) == [universe.neighbourhood]
    assert AuditEvent.objects.filter(verb="insight.create").count() == 3


def test_create_insight_reports_every_problem_and_saves_nothing(universe):
    with pytest.raises(ValidationError) as error:
        create_insight(
            by=universe.analyst,
            source="rumour",
            date=timezone.localdate() + timedelta(days=1),
            group="",
            themes="ok",
            summary=" ",
            areas=[universe.south.pk],
            segments=[],
        )
    problems = error.value.message_dict
    assert set(problems) == {"source", "date", "group", "summary", "areas"}
    assert "in the past" in problems["date"][0]
    assert not InsightRecord.objects.exists()


@pytest.mark.parametrize("persona", ["partner", "provider_a_rep"])
def test_only_icb_staff_create_insight(universe, persona):
    with pytest.raises(PermissionDenied):
        create_insight(
            by=getattr(universe, persona),
            source="survey",
            date=date(2026, 1, 1),
            group="g",
            themes="",
            summary="s",
        )


def test_update_insight_replaces_fields(universe, records):
    survey = records[1]
    update_insight(
        record=survey,
        by=universe.analyst,
        source="survey",
        date=survey.date,
        group=survey.group,
        themes="foot care",
        summary="Changed.",
        quote="",
        segments=[],
        areas=[],
    )
    survey.refresh_from_db()
    assert survey.themes == ["foot care"] and survey.summary == "Changed."
    assert survey.updated_by == universe.analyst and not survey.areas.exists()


def test_outsider_cannot_update_ours(universe, records):
    from django.http import Http404

    with pytest.raises(Http404):
        update_insight(record=records[0], by=universe.outsider, summary="x")


def _ids(queryset):
    return {record.pk for record in queryset}


def test_search_by_text_matches_summary_quote_group_and_themes(universe, records):
    carers, survey, event = records
    user = universe.analyst
    assert _ids(search_insight(user, text="day centres")) == {carers.pk}
    assert _ids(search_insight(user, text="give up WORK")) == {carers.pk}
    assert _ids(search_insight(user, text="young")) == {event.pk}
    assert _ids(search_insight(user, text="diabetes")) == {survey.pk}
    assert _ids(search_insight(user, text="MENTAL")) == {event.pk}
    assert _ids(search_insight(user, text="nothing like this")) == set()


def test_search_filters(universe, records, segments):
    carers, survey, event = records
    user = universe.analyst
    assert _ids(search_insight(user, source="survey")) == {survey.pk}
    assert _ids(search_insight(user, theme="access")) == {survey.pk}
    assert _ids(search_insight(user, theme="mental health")) == {event.pk}
    assert _ids(search_insight(user, theme="mental")) == set()  # a whole theme, not a word
    assert _ids(search_insight(user, segment=segments[0].pk)) == {carers.pk}
    assert _ids(search_insight(user, area=universe.neighbourhood.pk)) == {carers.pk}
    # an area matches records linked to it or to areas inside it
    assert _ids(search_insight(user, area=universe.place.pk)) == {carers.pk, survey.pk}
    assert _ids(search_insight(user, date_from=date(2026, 1, 1))) == {carers.pk, event.pk}
    assert _ids(search_insight(user, date_to=date(2025, 12, 31))) == {survey.pk}
    assert _ids(search_insight(user, source="healthwatch", theme="respite")) == {carers.pk}


def test_search_is_scoped(universe, records):
    assert _ids(search_insight(universe.outsider)) == set()
    assert _ids(search_insight(universe.partner)) == set()
    assert _ids(search_insight(universe.provider_a_rep)) == set()
    assert len(_ids(search_insight(universe.commissioner))) == 3


def test_search_orders_newest_first(universe, records):
    carers, survey, event = records
    assert [r.pk for r in search_insight(universe.analyst)] == [carers.pk, event.pk, survey.pk]


def test_ina_insight_section_shows_records_and_themes(universe, records):
    world = make_world(universe)
    sources = queries.section_sources(universe.commissioner, world.v1, controlled=False)
    section = build_section(sources, "insight")
    themes, table = section.tables
    assert ["respite", 1] in themes.rows
    groups = [row[2] for row in table.rows]
    assert groups == ["Carers of people with dementia", "Young people", "People with diabetes"]
    assert "Frailty" in table.rows[0][5] and "Riverside East" in table.rows[0][5]


def test_approved_ina_shows_the_insight_it_was_approved_with(universe, records):
    world = make_world(universe)
    actions.approve(assessment=world.v1, by=universe.commissioner)
    world.v1.refresh_from_db()
    later = insight_record(universe, group="Added after approval")
    InsightRecord.objects.filter(pk=later.pk).update(
        created_at=world.v1.approved_at + timedelta(minutes=5)
    )
    insight, withheld = queries.insight_for(universe.commissioner, world.v1)
    assert "Added after approval" not in [r["group"] for r in insight] and not withheld


def test_partner_reading_the_ina_is_told_insight_is_withheld(universe, records):
    world = make_world(universe)
    actions.approve(assessment=world.v1, by=universe.commissioner)
    sources = queries.section_sources(universe.partner, world.v1, controlled=True)
    section = build_section(sources, "insight")
    assert section.tables == [] and "held by the ICB" in section.empty_message


def test_other_icbs_records_stay_out(universe, records):
    south_user = f.UserFactory(organisation=universe.south_org, role="analyst")
    other = create_insight(
        by=south_user,
        source="survey",
        date=date(2026, 1, 1),
        group="South people",
        themes="",
        summary="South.",
    )
    assert other.icb == universe.south
    assert other.pk not in _ids(search_insight(universe.analyst))
