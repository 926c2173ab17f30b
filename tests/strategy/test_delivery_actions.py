"""Outcome, baseline and intervention actions, and the plan check they feed."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from commissioning.models import AuditEvent, Segment, SegmentationModel
from strategy.delivery import actions, queries
from strategy.models import Intervention, Outcome, StrategyStatus
from tests import factories as f
from tests.strategy import factories as sf
from tests.strategy.test_delivery_world import set_status, world  # noqa: F401

pytestmark = pytest.mark.django_db


def outcome_of(world, **overrides) -> Outcome:  # noqa: F811
    fields = {
        "priority": world.priority,
        "indicator": world.indicators["EMADM_DSR"],
        "domain": "system",
        "area": world.u.north,
        "target_value": 850,
        "profile": "linear",
        "step_year": None,
        "owner": "Director of Urgent Care",
        "by": world.u.commissioner,
    }
    return actions.set_outcome(**(fields | overrides))


def frozen(world, **overrides) -> Outcome:  # noqa: F811
    outcome = outcome_of(world, **overrides)
    return actions.freeze_baseline(
        outcome=outcome, aggregate=world.figures.dsr, by=world.u.commissioner
    )


def intervention(world, outcome, **overrides) -> Intervention:  # noqa: F811
    fields = {
        "name": "Anticipatory care",
        "outcome": outcome,
        "segment": None,
        "area": None,
        "cohort_size": 20_000,
        "evidence_strength": "moderate",
        "expected_effect": -0.25,
        "cost_per_year": "150000",
        "start_year": 1,
    }
    return actions.add_intervention(
        priority=world.priority, by=world.u.commissioner, **(fields | overrides)
    )


# ------------------------------------------------------------------------------ outcomes


def test_set_outcome_saves_and_audits(world):  # noqa: F811
    outcome = outcome_of(world, profile="step", step_year=3)
    assert outcome.step_year == 3 and outcome.baseline_frozen_at is None
    event = AuditEvent.objects.get(verb="strategy.outcome.set", object_id=str(outcome.pk))
    assert event.actor == world.u.commissioner
    assert event.data["measure"] == "dsr:emergency_admissions"


def test_set_outcome_drops_step_year_of_other_profiles(world):  # noqa: F811
    assert outcome_of(world, profile="front_loaded", step_year=2).step_year is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"domain": "wellbeing"}, "domain", "Choose a domain"),
        ({"profile": "step"}, "step_year", "plan year from 1 to 5"),
        ({"profile": "step", "step_year": 6}, "step_year", "from 1 to 5"),
        ({"profile": "zigzag"}, "profile", "Choose a time profile"),
        ({"target_value": "lots"}, "target_value", "as a number"),
        ({"target_value": -5}, "target_value", "cannot be negative"),
        ({"owner": " "}, "owner", "owns this outcome"),
        ({"domain": "equity"}, "equity_measure", "Core20 gap or the SII"),
        ({"equity_measure": "gap"}, "equity_measure", "Only equity outcomes"),
    ],
)
def test_set_outcome_refuses_bad_input(world, overrides, field, message):  # noqa: F811
    with pytest.raises(ValidationError) as error:
        outcome_of(world, **overrides)
    assert message in " ".join(error.value.message_dict[field])
    assert not Outcome.objects.exists()


def test_set_outcome_refuses_percentages_over_100(world):  # noqa: F811
    with pytest.raises(ValidationError, match="from 0 to 100"):
        outcome_of(
            world, indicator=world.indicators["DM_PREV"], domain="clinical", target_value=120
        )


def test_set_outcome_refuses_an_indicator_without_a_profile_figure(world):  # noqa: F811
    with pytest.raises(ValidationError, match="no figure for"):
        outcome_of(world, indicator=f.IndicatorFactory(name="Smoking quits"))
    with pytest.raises(ValidationError, match="of that kind"):
        outcome_of(
            world, indicator=world.indicators["HYP_PREV"], domain="equity", equity_measure="sii"
        )


def test_set_outcome_refuses_areas_outside_the_strategy(world):  # noqa: F811
    with pytest.raises(ValidationError, match="places or one of its neighbourhoods|its places"):
        outcome_of(world, area=world.u.south)
    with pytest.raises(ValidationError, match="ICB, one of its places"):
        outcome_of(world, area=world.u.lsoa)


def test_sii_indicator_is_an_equity_outcome(world):  # noqa: F811
    with pytest.raises(ValidationError, match="choose the equity domain"):
        outcome_of(world, indicator=world.indicators["SII_EMADM"])
    outcome = outcome_of(
        world, indicator=world.indicators["SII_EMADM"], domain="equity", target_value=-250
    )
    assert outcome.equity_measure == "sii"


def test_outcome_actions_refused_for_other_roles(world):  # noqa: F811
    for user in (world.u.analyst, world.u.provider_a_rep, world.u.partner, world.u.outsider):
        with pytest.raises(PermissionDenied):
            outcome_of(world, by=user)
    assert not Outcome.objects.exists()


@pytest.mark.parametrize("status", [StrategyStatus.APPROVED, StrategyStatus.PUBLISHED])
def test_outcome_actions_refused_on_approved_and_published(world, status):  # noqa: F811
    outcome = outcome_of(world)
    set_status(world.strategy, status)
    with pytest.raises(ValidationError, match="read-only"):
        outcome_of(world)
    with pytest.raises(ValidationError, match="read-only"):
        actions.update_outcome(
            outcome=outcome, target_value=800, profile="linear", owner="X", by=world.u.commissioner
        )
    with pytest.raises(ValidationError, match="read-only"):
        actions.freeze_baseline(
            outcome=outcome, aggregate=world.figures.dsr, by=world.u.commissioner
        )
    with pytest.raises(ValidationError, match="read-only"):
        actions.delete_outcome(outcome=outcome, by=world.u.commissioner)
    assert Outcome.objects.get().baseline_frozen_at is None


def test_outcome_editable_in_consultation(world):  # noqa: F811
    set_status(world.strategy, StrategyStatus.CONSULTATION)
    outcome = outcome_of(world)
    updated = actions.update_outcome(
        outcome=outcome, target_value=800, profile="back_loaded", owner="Y", by=world.u.commissioner
    )
    assert (updated.target_value, updated.profile, updated.owner) == (800, "back_loaded", "Y")


def test_delete_outcome_keeps_its_interventions_unlinked(world):  # noqa: F811
    outcome = frozen(world)
    item = intervention(world, outcome)
    actions.delete_outcome(outcome=outcome, by=world.u.commissioner)
    item.refresh_from_db()
    assert item.outcome is None


# ----------------------------------------------------------------------------- baselines


def test_freeze_baseline_copies_value_interval_period_and_source(world):  # noqa: F811
    outcome = frozen(world)
    assert (outcome.baseline_value, outcome.baseline_lower, outcome.baseline_upper) == (
        1000.0,
        980.0,
        1020.0,
    )
    assert outcome.baseline_period_start == date(2024, 4, 1)
    assert outcome.baseline_period_end == date(2025, 3, 31)
    source = outcome.baseline_source
    assert source["profile"] == world.profile.pk
    assert source["needs_assessment"] == world.assessment.pk
    assert source["measure"] == "dsr:emergency_admissions"
    assert (source["breakdown"], source["category"]) == ("", "")
    assert source["population"] == 100_000
    assert outcome.baseline_frozen_at is not None
    assert AuditEvent.objects.filter(verb="strategy.outcome.freeze_baseline").count() == 1


def test_frozen_baseline_unchanged_after_the_aggregate_changes(world):  # noqa: F811
    outcome = frozen(world)
    world.figures.dsr.value, world.figures.dsr.lower95 = 1500.0, 1400.0
    world.figures.dsr.save()
    world.profile.aggregates.all().delete()  # the profile recomputed from scratch
    outcome.refresh_from_db()
    assert (outcome.baseline_value, outcome.baseline_lower) == (1000.0, 980.0)
    plan = queries.plan_for(world.u.commissioner, outcome)
    assert float(plan.trajectory["value"].iloc[0]) == 1000.0


def test_freeze_baseline_twice_refused(world):  # noqa: F811
    outcome = frozen(world)
    with pytest.raises(ValidationError, match="never changes"):
        actions.freeze_baseline(
            outcome=outcome, aggregate=world.figures.dsr_place, by=world.u.commissioner
        )


def test_freeze_baseline_refuses_another_icbs_profile(world):  # noqa: F811
    outcome = outcome_of(world)
    with pytest.raises(ValidationError) as error:
        actions.freeze_baseline(outcome=outcome, aggregate=world.south_dsr, by=world.u.commissioner)
    assert error.value.message_dict["aggregate"] == [
        "This figure belongs to another ICB's needs profile."
    ]
    outcome.refresh_from_db()
    assert outcome.baseline_value is None and outcome.baseline_frozen_at is None


@pytest.mark.parametrize(
    ("figure", "message"),
    [
        ("diabetes", "needs dsr:emergency_admissions"),
        ("dsr_place", "is for Riverside"),
        ("unpublished", "Riverside East"),
    ],
)
def test_freeze_baseline_refuses_the_wrong_figure(world, figure, message):  # noqa: F811
    outcome = outcome_of(world)
    with pytest.raises(ValidationError, match=message):
        actions.freeze_baseline(
            outcome=outcome, aggregate=getattr(world.figures, figure), by=world.u.commissioner
        )


def test_freeze_baseline_refuses_an_unpublished_figure(world):  # noqa: F811
    outcome = outcome_of(world, area=world.u.neighbourhood)
    with pytest.raises(ValidationError, match="not published"):
        actions.freeze_baseline(
            outcome=outcome, aggregate=world.figures.unpublished, by=world.u.commissioner
        )


def test_freeze_baseline_refuses_a_figure_from_another_profile_of_the_icb(world):  # noqa: F811
    from tests.strategy.test_delivery_world import figure, needs_profile

    other = needs_profile(world.u.north, world.model)
    stray = figure(other, world.u.north, "dsr:emergency_admissions", 990.0)
    with pytest.raises(ValidationError, match="another needs profile"):
        actions.freeze_baseline(outcome=outcome_of(world), aggregate=stray, by=world.u.commissioner)


def test_freeze_baseline_needs_the_strategys_ina(world):  # noqa: F811
    outcome = outcome_of(world)
    world.strategy.needs_assessment = None
    world.strategy.save()
    outcome.refresh_from_db()
    with pytest.raises(ValidationError, match="not linked to a needs assessment"):
        actions.freeze_baseline(
            outcome=outcome, aggregate=world.figures.dsr, by=world.u.commissioner
        )


def test_freeze_baseline_of_a_group_keeps_the_groups_population(world):  # noqa: F811
    outcome = outcome_of(world, target_value=1200)
    outcome = actions.freeze_baseline(
        outcome=outcome, aggregate=world.figures.dsr_core20, by=world.u.commissioner
    )
    assert outcome.baseline_value == 1400.0
    assert outcome.baseline_source["category"] == "Core20"
    assert outcome.baseline_source["population"] == 20_000


@pytest.mark.parametrize(
    ("indicator", "equity", "figure", "value"),
    [("SII_EMADM", "", "sii", -400.0), ("EMADM_DSR", "gap", "gap", 300.0)],
)
def test_equity_outcomes_freeze_the_sii_or_the_gap(world, indicator, equity, figure, value):  # noqa: F811
    outcome = outcome_of(
        world,
        indicator=world.indicators[indicator],
        domain="equity",
        equity_measure=equity,
        target_value=-200 if figure == "sii" else 150,
    )
    outcome = actions.freeze_baseline(
        outcome=outcome, aggregate=getattr(world.figures, figure), by=world.u.commissioner
    )
    assert outcome.baseline_value == value
    assert outcome.baseline_source["population"] == 100_000
    plan = queries.plan_for(world.u.commissioner, outcome)
    assert plan.trajectory is not None and plan.check is None
    assert "gap or slope index" in plan.note


# ------------------------------------------------------------------------- interventions


def test_intervention_cohort_from_the_profile(world):  # noqa: F811
    outcome = frozen(world)
    frail = intervention(world, outcome, cohort_size=None, segment=world.frailty)
    assert frail.cohort_size == 5_000
    riverside = intervention(world, outcome, cohort_size=None, area=world.u.place)
    assert riverside.cohort_size == 40_000
    assert AuditEvent.objects.filter(verb="strategy.intervention.add").count() == 2


def test_intervention_cohort_needed_when_the_profile_cannot_give_it(world):  # noqa: F811
    outcome = frozen(world)
    with pytest.raises(ValidationError, match="or a segment or area"):
        intervention(world, outcome, cohort_size=None)
    with pytest.raises(ValidationError, match="no count of"):
        intervention(world, outcome, cohort_size=None, area=world.u.neighbourhood)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"expected_effect": -15}, "expected_effect"),
        ({"expected_effect": 1.5}, "expected_effect"),
        ({"cost_per_year": "-1"}, "cost_per_year"),
        ({"cost_per_year": "a lot"}, "cost_per_year"),
        ({"start_year": 6}, "start_year"),
        ({"start_year": 0}, "start_year"),
        ({"evidence_strength": "anecdote"}, "evidence_strength"),
        ({"cohort_size": 0}, "cohort_size"),
        ({"cohort_size": 150_000}, "cohort_size"),
    ],
)
def test_intervention_refuses_bad_input(world, overrides, field):  # noqa: F811
    outcome = frozen(world)
    with pytest.raises(ValidationError) as error:
        intervention(world, outcome, **overrides)
    assert field in error.value.message_dict
    assert not Intervention.objects.exists()


def test_intervention_refuses_another_priority_s_outcome_and_strange_cohorts(world):  # noqa: F811
    other = sf.PriorityFactory(strategy=world.strategy, title="Diabetes")
    outcome = frozen(world, priority=other)
    with pytest.raises(ValidationError, match="this priority's outcomes"):
        intervention(world, outcome)
    own = frozen(world)
    library = SegmentationModel.objects.create(name="Library model")
    stray = Segment.objects.create(model=library, priority=1, code="x", name="X", rule={})
    with pytest.raises(ValidationError, match="segmentation the needs assessment uses"):
        intervention(world, own, segment=stray)
    with pytest.raises(ValidationError, match="ICB, one of its places"):
        intervention(world, own, area=world.u.south)


def test_intervention_area_must_lie_in_the_outcomes_area(world):  # noqa: F811
    outcome = outcome_of(world, area=world.u.place, target_value=1100)
    with pytest.raises(ValidationError, match="outside Riverside"):
        intervention(world, outcome, area=world.u.north, cohort_size=100)


def test_update_and_delete_intervention(world):  # noqa: F811
    outcome = frozen(world)
    item = intervention(world, outcome)
    fields = {name: getattr(item, name) for name in actions.INTERVENTION_FIELDS}
    updated = actions.update_intervention(
        intervention=item, by=world.u.commissioner, **(fields | {"expected_effect": -0.3})
    )
    assert updated.expected_effect == -0.3
    actions.delete_intervention(intervention=updated, by=world.u.commissioner)
    assert not Intervention.objects.exists()
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"strategy.intervention.update", "strategy.intervention.delete"} <= verbs


# ------------------------------------------------------------------------ the plan check


def test_plan_falls_short_by_hand(world):  # noqa: F811
    outcome = frozen(world)  # 1,000 → 850, linear; 100,000 people
    intervention(world, outcome, cohort_size=20_000, expected_effect=-0.25, start_year=1)
    intervention(
        world, outcome, name="Falls service", cohort_size=50_000, expected_effect=-0.2, start_year=3
    )
    plan = queries.plan_for(world.u.commissioner, outcome)
    assert list(plan.check["expected"]) == pytest.approx([950, 950, 855, 855, 855])
    assert plan.verdict["adds_up"] is False
    assert [row["contribution"] for row in plan.interventions] == pytest.approx([-50, -100])
    assert queries.verdict_text(plan) == (
        "Falls short: 855 expected in 2030/31 against a target of 850, a shortfall of 5 "
        "(3% of the change needed)."
    )


def test_plan_adds_up_by_hand(world):  # noqa: F811
    outcome = frozen(world)
    intervention(world, outcome, cohort_size=20_000, expected_effect=-0.25, start_year=1)
    intervention(
        world,
        outcome,
        name="Falls service",
        cohort_size=50_000,
        expected_effect=-0.25,
        start_year=3,
    )
    plan = queries.plan_for(world.u.commissioner, outcome)
    assert plan.check["expected"].iloc[-1] == pytest.approx(831.25)
    assert plan.verdict["adds_up"] is True
    assert queries.verdict_text(plan).startswith("Adds up: 831 expected in 2030/31")


def test_plan_weights_a_segment_by_its_rate(world):  # noqa: F811
    outcome = frozen(world)
    intervention(world, outcome, cohort_size=None, segment=world.frailty, expected_effect=-0.5)
    plan = queries.plan_for(world.u.commissioner, outcome)
    row = plan.interventions[0]
    # 5,000 of 100,000 people admitted 380 / 95 = 4 times as often: 20% of admissions
    assert row["rate_ratio"] == pytest.approx(4.0)
    assert row["weight"] == pytest.approx(0.2)
    assert plan.check["expected"].iloc[0] == pytest.approx(900)


def test_plan_weights_a_place_by_its_dsr(world):  # noqa: F811
    outcome = frozen(world)
    intervention(world, outcome, cohort_size=None, area=world.u.place, expected_effect=-0.1)
    row = queries.plan_for(world.u.commissioner, outcome).interventions[0]
    assert row["rate_ratio"] == pytest.approx(1.2)  # 1,200 against 1,000
    assert row["weight"] == pytest.approx(0.48)  # 40% of people × 1.2
    assert row["contribution"] == pytest.approx(-48)


def test_plan_for_partner_uses_controlled_cohorts(world):  # noqa: F811
    outcome = frozen(world)
    intervention(world, outcome, cohort_size=20_003)
    intervention(world, outcome, name="Tiny pilot", cohort_size=5)
    set_status(world.strategy, StrategyStatus.PUBLISHED)
    plan = queries.plan_for(world.u.partner, outcome)
    assert [row["cohort_size"] for row in plan.interventions] == [20_005, "*"]
    assert plan.baseline.value == 1000.0  # a DSR of 9,500 events is released as stored
    assert plan.check["expected"].iloc[0] == pytest.approx(1000 * (1 - 0.20005 * 0.25))


def test_plan_without_baseline_has_no_trajectory(world):  # noqa: F811
    plan = queries.plan_for(world.u.commissioner, outcome_of(world))
    assert plan.trajectory is None and plan.check is None
    assert "not been frozen" in plan.note
