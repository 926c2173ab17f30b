"""Prioritisation actions: raising priorities from INA findings, the method, the panel and
scoring rights, with their validation messages; and the ranking from the database."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from commissioning.models import AuditEvent
from strategy.models import Criterion, PanelMember, Priority, Score, StrategyStatus
from strategy.prioritisation import actions, queries
from tests.strategy.test_prioritisation_world import (
    make_world,
    score,
    score_example,
    set_status,
    share_for_consultation,
)


@pytest.fixture
def world(universe):
    return make_world(universe)


def raise_(world, by, **changes):
    fields = {
        "strategy": world.strategy,
        "title": "Diabetes in Core20",
        "description": "Close the gap in diabetes care.",
        "findings": [world.admissions],
        "segment": None,
        "area": None,
        "group": "Core20",
        "by": by,
    }
    fields.update(changes)
    return actions.raise_priority(**fields)


# --------------------------------------------------------------------------- priorities


def test_raise_priority_links_findings_and_takes_the_cohort_size(universe, world):
    priority = raise_(world, universe.commissioner)
    assert list(priority.findings.all()) == [world.admissions]
    assert priority.group == "Core20"
    assert priority.cohort_size == 903  # the Core20 denominator of the profile
    event = AuditEvent.objects.get(verb="strategy.priority.raise")
    assert event.actor == universe.commissioner
    assert event.data["findings"] == [world.admissions.pk]


@pytest.mark.parametrize(
    ("cohort", "size"),
    [
        ({"segment": "frail", "area": None, "group": ""}, 241),
        ({"segment": "frail", "area": "place", "group": ""}, 5),
        ({"segment": None, "area": "place", "group": ""}, 1210),
        ({"segment": None, "area": "north", "group": ""}, 1603),
        ({"segment": "frail", "area": None, "group": "Core20"}, None),
        ({"segment": None, "area": "neighbourhood", "group": ""}, None),
    ],
)
def test_cohort_size_comes_from_the_needs_profile(universe, world, cohort, size):
    segment = world.profile.frail if cohort["segment"] else None
    area = getattr(universe, cohort["area"]) if cohort["area"] else None
    priority = raise_(
        world, universe.commissioner, segment=segment, area=area, group=cohort["group"]
    )
    assert priority.cohort_size == size


@pytest.mark.parametrize(
    ("finding", "message"),
    [
        ("south", "is not one of North ICB's"),
        ("draft", "is draft, not approved"),
        ("withdrawn", "is withdrawn, not approved"),
        ("evaluation", "is a finding of the evaluation stage"),
    ],
)
def test_raise_priority_refuses_findings_that_are_not_approved_ina_findings_of_the_icb(
    universe, world, finding, message
):
    with pytest.raises(ValidationError) as caught:
        raise_(world, universe.commissioner, findings=[world.admissions, getattr(world, finding)])
    text = " ".join(caught.value.message_dict["findings"])
    assert "approved needs assessment findings of North ICB only" in text
    assert message in text
    assert not Priority.objects.filter(title="Diabetes in Core20").exists()


def test_a_foreign_finding_is_named_by_id_not_title(universe, world):
    with pytest.raises(ValidationError) as caught:
        raise_(world, universe.commissioner, findings=[world.south])
    text = caught.value.message_dict["findings"][0]
    assert f"finding {world.south.pk}" in text and "South's own finding" not in text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"findings": []}, "findings", "Choose at least one needs assessment finding"),
        ({"title": "  "}, "title", "Enter a title."),
        ({"title": "x" * 201}, "title", "201 characters; 200 at most"),
        ({"group": ""}, "segment", "Say who the priority is for"),
    ],
)
def test_raise_priority_validation_messages(universe, world, changes, field, message):
    with pytest.raises(ValidationError) as caught:
        raise_(world, universe.commissioner, **changes)
    assert message in " ".join(caught.value.message_dict[field])


def test_raise_priority_refuses_an_area_of_another_icb_or_an_lsoa(universe, world):
    for area in (universe.south, universe.lsoa):
        with pytest.raises(ValidationError) as caught:
            raise_(world, universe.commissioner, area=area)
        assert "Choose North ICB, one of its places" in caught.value.message_dict["area"][0]


@pytest.mark.parametrize("persona", ["analyst", "provider_a_rep", "partner", "outsider"])
def test_only_commissioners_raise_priorities(universe, world, persona):
    share_for_consultation(world, universe.provider_a, universe.council)
    with pytest.raises(PermissionDenied):
        raise_(world, getattr(universe, persona))


@pytest.mark.parametrize("status", [StrategyStatus.APPROVED, StrategyStatus.PUBLISHED])
def test_an_approved_strategy_is_read_only(universe, world, status):
    set_status(world, status)
    with pytest.raises(ValidationError, match="read-only"):
        raise_(world, universe.commissioner)
    with pytest.raises(ValidationError, match="read-only"):
        actions.set_weights(strategy=world.strategy, weights={"need": 3}, by=universe.commissioner)


def test_update_priority_replaces_evidence_and_cohort(universe, world):
    actions.update_priority(
        priority=world.p2,
        title="Core20 emergency admissions",
        description="",
        findings=[world.admissions, world.frailty],
        segment=None,
        area=universe.place,
        group="",
        by=universe.commissioner,
    )
    world.p2.refresh_from_db()
    assert world.p2.title == "Core20 emergency admissions"
    assert world.p2.cohort_size == 1210
    assert set(world.p2.findings.all()) == {world.admissions, world.frailty}


# --------------------------------------------------------------------------- weights


def test_set_weights_changes_the_ranking_as_the_arithmetic_says(universe, world):
    score_example(world)
    before = queries.ranking(universe.commissioner, world.strategy)
    # need 2, gap 1: P2 = 200 / 3 = 66.67 first, P1 = 175 / 3 = 58.33 second.
    assert [r.priority for r in before.rows] == [world.p2, world.p1]
    assert before.rows[0].total == pytest.approx(200 / 3)
    actions.set_weights(
        strategy=world.strategy, weights={"need": Decimal("4")}, by=universe.commissioner
    )
    after = queries.ranking(universe.commissioner, world.strategy)
    # need 4, gap 1: P1 = (300 + 25) / 5 = 65 first, P2 = (200 + 100) / 5 = 60 second.
    assert [r.priority for r in after.rows] == [world.p1, world.p2]
    assert [r.total for r in after.rows] == pytest.approx([65, 60])
    event = AuditEvent.objects.get(verb="strategy.criteria.weights")
    assert event.data["changed"] == {"need": ["2.000", "4"]}


@pytest.mark.parametrize(
    ("weights", "key", "message"),
    [
        ({"need": "-1"}, "need", "cannot be negative"),
        ({"need": "lots"}, "need", "as a number"),
        ({"need": "1.2345"}, "need", "at most 3 decimal places"),
        ({"need": "1000"}, "need", "999.999 at most"),
        ({"nonsense": "1"}, "nonsense", "no criterion “nonsense”"),
    ],
)
def test_set_weights_validation_messages(universe, world, weights, key, message):
    with pytest.raises(ValidationError) as caught:
        actions.set_weights(strategy=world.strategy, weights=weights, by=universe.commissioner)
    assert message in caught.value.message_dict[key][0]
    assert Criterion.objects.get(pk=world.need.pk).weight == 2


def test_set_weights_needs_one_weight_above_zero(universe, world):
    with pytest.raises(ValidationError, match="At least one criterion needs a weight above zero"):
        actions.set_weights(
            strategy=world.strategy, weights={"need": 0, "gap": "0"}, by=universe.commissioner
        )
    actions.set_weights(strategy=world.strategy, weights={"gap": "0"}, by=universe.commissioner)
    assert Criterion.objects.get(pk=world.gap.pk).weight == 0


def test_add_and_remove_criteria(universe, world):
    criterion = actions.add_criterion(
        strategy=world.strategy,
        code="Feasibility",
        name="Feasibility",
        weight="1.5",
        description="Can we deliver it?",
        by=universe.commissioner,
    )
    assert (criterion.code, criterion.order, criterion.weight) == ("feasibility", 3, Decimal("1.5"))
    with pytest.raises(ValidationError, match="already has a criterion"):
        actions.add_criterion(
            strategy=world.strategy, code="need", name="Need", weight=1, by=universe.commissioner
        )
    with pytest.raises(ValidationError, match="letters, digits and hyphens"):
        actions.add_criterion(
            strategy=world.strategy, code="a b", name="AB", weight=1, by=universe.commissioner
        )
    score(world.icb_member, world.p1, criterion, 4)
    actions.remove_criterion(criterion=criterion, by=universe.commissioner)
    assert not Score.objects.filter(criterion_id=criterion.pk).exists()
    assert AuditEvent.objects.get(verb="strategy.criterion.remove").data["scores_removed"] == 1


def test_remove_criterion_refuses_to_leave_only_zero_weights(universe, world):
    actions.set_weights(strategy=world.strategy, weights={"gap": 0}, by=universe.commissioner)
    with pytest.raises(ValidationError, match="no criterion with a weight above zero"):
        actions.remove_criterion(criterion=world.need, by=universe.commissioner)


def test_default_criteria_are_added_once(universe, world):
    added = actions.add_default_criteria(strategy=world.strategy, by=universe.commissioner)
    assert len(added) == 6
    assert actions.add_default_criteria(strategy=world.strategy, by=universe.commissioner) == []


# --------------------------------------------------------------------------- panel


def test_add_panel_member_with_an_account_takes_their_organisation(universe, world):
    member = actions.add_panel_member(
        strategy=world.strategy,
        name="",
        kind="provider",
        user=universe.provider_b_rep,
        by=universe.commissioner,
    )
    assert member.organisation == universe.provider_b
    assert member.name == "provider-b"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"user": "outsider"}, "user", "not in an organisation of North ICB or one it commissions"),
        ({"user": "provider_a_rep"}, "user", "already has a seat"),
        (
            {"user": "partner", "organisation": "provider_a"},
            "organisation",
            "works for North Council",
        ),
        ({"kind": "martian"}, "kind", "Choose ICB, provider"),
        ({"name": ""}, "name", "Enter the member's name"),
    ],
)
def test_add_panel_member_validation_messages(universe, world, changes, field, message):
    fields = {
        "strategy": world.strategy,
        "name": "Someone",
        "kind": "community",
        "by": universe.commissioner,
    }
    for key, value in changes.items():
        fields[key] = getattr(universe, value) if key in ("user", "organisation") else value
    with pytest.raises(ValidationError) as caught:
        actions.add_panel_member(**fields)
    assert message in caught.value.message_dict[field][0]


def test_remove_panel_member_removes_their_scores(universe, world):
    score(world.community, world.p1, world.need, 3)
    actions.remove_panel_member(member=world.community, by=universe.commissioner)
    assert not PanelMember.objects.filter(pk=world.community.pk).exists()
    assert not Score.objects.filter(member_id=world.community.pk).exists()


# --------------------------------------------------------------------------- scoring


def record(world, member, by, value=4, rationale="Clear need in the INA.", criterion=None):
    return actions.record_score(
        member=member,
        priority=world.p1,
        criterion=criterion or world.need,
        score=value,
        rationale=rationale,
        by=by,
    )


def test_a_member_scores_for_themselves_and_scoring_again_replaces(universe, world):
    record(world, world.icb_member, universe.commissioner, 4)
    saved = record(world, world.icb_member, universe.commissioner, 2, "Changed my mind.")
    assert (saved.score, saved.rationale) == (2, "Changed my mind.")
    assert Score.objects.filter(member=world.icb_member).count() == 1
    events = AuditEvent.objects.filter(verb="strategy.score.record").order_by("pk")
    assert [e.data["before"] for e in events] == [None, 4]


def test_provider_on_the_panel_scores_their_own_seat_on_a_shared_strategy(universe, world):
    share_for_consultation(world, universe.provider_a)
    saved = record(world, world.provider_member, universe.provider_a_rep, 5)
    assert saved.member == world.provider_member


def test_a_partner_with_a_seat_scores_like_any_member(universe, world):
    share_for_consultation(world, universe.council)
    seat = actions.add_panel_member(
        strategy=world.strategy,
        name="Director of Public Health",
        kind="local_authority",
        user=universe.partner,
        by=universe.commissioner,
    )
    assert record(world, seat, universe.partner, 4).member == seat


def test_provider_cannot_score_before_the_strategy_is_shared(universe, world):
    with pytest.raises(PermissionDenied, match="cannot score priorities of this strategy"):
        record(world, world.provider_member, universe.provider_a_rep)


@pytest.mark.parametrize(
    ("member", "persona", "message"),
    [
        ("icb_member", "provider_a_rep", "only score for your own seat"),
        ("provider_member", "commissioner", "scores for themselves; ICB staff record scores only"),
        ("provider_member", "provider_b_rep", "cannot score priorities of this strategy"),
        ("community", "provider_a_rep", "Only ICB commissioners can record scores on behalf"),
        ("community", "analyst", "Only ICB commissioners can record scores on behalf"),
        ("icb_member", "outsider", "cannot score priorities of this strategy"),
    ],
)
def test_nobody_scores_for_someone_else(universe, world, member, persona, message):
    share_for_consultation(world, universe.provider_a)
    with pytest.raises(PermissionDenied, match=message):
        record(world, getattr(world, member), getattr(universe, persona))
    assert not Score.objects.exists()


def test_commissioner_records_scores_for_an_offline_member(universe, world):
    saved = record(world, world.community, universe.commissioner, 3, "From the forum's paper form.")
    assert saved.member == world.community
    assert AuditEvent.objects.get(verb="strategy.score.record").data["on_behalf"] is True


@pytest.mark.parametrize(
    ("value", "rationale", "field", "message"),
    [
        (0, "Why", "score", "from 1 to 5, not 0"),
        (6, "Why", "score", "from 1 to 5, not 6"),
        ("three", "Why", "score", "whole number score"),
        (3, "   ", "rationale", "Give the reason for this score"),
        (3, "x" * 2001, "rationale", "2,001 characters"),
    ],
)
def test_score_validation_messages(universe, world, value, rationale, field, message):
    with pytest.raises(ValidationError) as caught:
        record(world, world.icb_member, universe.commissioner, value, rationale)
    assert message in caught.value.message_dict[field][0]


def test_scores_are_refused_once_the_strategy_is_approved(universe, world):
    share_for_consultation(world, universe.provider_a)
    set_status(world, StrategyStatus.APPROVED)
    with pytest.raises(ValidationError, match="read-only"):
        record(world, world.provider_member, universe.provider_a_rep)


def test_scores_of_another_strategy_are_refused(universe, world):
    from tests.strategy import factories as sf

    other = sf.CriterionFactory(strategy=sf.StrategyFactory(icb=universe.north))
    with pytest.raises(ValidationError, match="not in the member's strategy"):
        record(world, world.icb_member, universe.commissioner, criterion=other)


def test_record_priority_scores_saves_all_or_nothing(universe, world):
    entries = {"need": ("4", "Large need."), "gap": ("", "I forgot the score")}
    with pytest.raises(ValidationError) as caught:
        actions.record_priority_scores(
            member=world.icb_member, priority=world.p1, entries=entries, by=universe.commissioner
        )
    assert caught.value.message_dict["gap"] == ["Inequality gap: choose a score from 1 to 5."]
    assert not Score.objects.exists()
    entries = {"need": ("4", "Large need."), "gap": (None, "")}
    saved = actions.record_priority_scores(
        member=world.icb_member, priority=world.p1, entries=entries, by=universe.commissioner
    )
    assert [(s.criterion.code, s.score) for s in saved] == [("need", 4)]


# --------------------------------------------------------------------------- ranking


def test_ranking_counts_completeness_and_sensitivity(universe, world):
    score_example(world)
    result = queries.ranking(universe.commissioner, world.strategy)
    # 3 members × 2 criteria = 6 expected per priority; 4 given (the provider has not scored).
    assert [(r.scores_given, r.scores_expected) for r in result.rows] == [(4, 6), (4, 6)]
    assert result.scores_given == 8 and result.scores_expected == 12
    # Weights 2:1 ±20% never reach the 3:1 crossover, so P2 is first in every draw.
    first = result.rows[0]
    assert first.priority == world.p2 and first.rank == 1
    settings = queries.RankingSettings(top_n=1)
    strict = queries.ranking(universe.commissioner, world.strategy, settings)
    assert [r.top_share for r in strict.rows] == [1.0, 0.0]


def test_ranking_with_no_positive_weight_says_so(universe, world):
    Criterion.objects.filter(strategy=world.strategy).update(weight=0)
    result = queries.ranking(universe.commissioner, world.strategy)
    assert "no criteria with a weight above zero" in result.problem
