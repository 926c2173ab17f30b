"""Builders for the prioritisation tests, with rows made directly (stage 1's computation is
not needed): North's needs profile with a few aggregates, an approved INA of North's 2026
cycle with findings (and a draft, a withdrawn and a South finding that must be refused),
a draft strategy with two criteria (need, weight 2; gap, weight 1), a panel of three (the
commissioner, provider A's representative and an offline community member) and two
priorities.

Imported by the test_prioritisation_* modules; it has no tests itself.
"""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from commissioning.models import (
    FindingStage,
    FindingStatus,
    Segment,
    SegmentationModel,
    SnapshotStatus,
)
from needs_assessment.models import (
    INAStatus,
    NeedsAssessment,
    NeedsAssessmentFinding,
    NeedsProfile,
    ProfileAggregate,
    ProfileStatus,
)
from strategy.models import Score, StrategyShare, StrategyStatus
from tests import factories as f
from tests.strategy import factories as sf


def _aggregate(profile, area, measure, **fields) -> None:
    ProfileAggregate.objects.create(profile=profile, area=area, measure=measure, **fields)


def make_profile(universe) -> NeedsProfile:
    snapshot = f.PopulationSnapshotFactory(
        icb=universe.north, status=SnapshotStatus.CURRENT, row_count=1603
    )
    model = SegmentationModel.objects.create(icb=universe.north, name="North segments")
    frail = Segment.objects.create(
        model=model, priority=1, code="frail", name="Frailty", rule={"flag": "palliative"}
    )
    Segment.objects.create(model=model, priority=2, code="well", name="Good health", rule={})
    profile = NeedsProfile.objects.create(
        snapshot=snapshot,
        segmentation_model=model,
        status=ProfileStatus.READY,
        people=1603,
        computed_at=timezone.now(),
    )
    north, place = universe.north, universe.place
    _aggregate(profile, north, "people", value=1603)
    _aggregate(profile, place, "people", value=1210)
    _aggregate(profile, north, "segment_people", breakdown="segment", category="frail", value=241)
    _aggregate(profile, place, "segment_people", breakdown="segment", category="frail", value=5)
    _aggregate(
        profile,
        north,
        "prevalence:diabetes",
        breakdown="core20",
        category="Core20",
        numerator=90,
        denominator=903,
        value=9.97,
    )
    profile.frail = frail
    return profile


def _finding(cycle, title, *, status=FindingStatus.APPROVED, stage=FindingStage.NEEDS_ASSESSMENT):
    return f.FindingFactory(
        cycle=cycle,
        stage=stage,
        status=status,
        title=title,
        approved_at=timezone.now() if status == FindingStatus.APPROVED else None,
    )


def make_ina(universe, profile):
    """North's 2026 cycle with an approved INA and its findings, and findings to refuse."""
    cycle = f.CycleFactory(icb=universe.north, financial_year=2026)
    ina = NeedsAssessment.objects.create(
        icb=universe.north,
        cycle=cycle,
        profile=profile,
        title="North INA",
        status=INAStatus.APPROVED,
        approved_at=timezone.now(),
    )
    admissions = _finding(cycle, "Emergency admissions twice as high in Core20")
    frailty = _finding(cycle, "Frailty is rising fastest in Riverside")
    draft = _finding(cycle, "An unapproved note", status=FindingStatus.DRAFT)
    withdrawn = _finding(cycle, "A withdrawn finding", status=FindingStatus.WITHDRAWN)
    evaluation = _finding(cycle, "An evaluation finding", stage=FindingStage.EVALUATION)
    for finding, section in ((admissions, "inequalities"), (frailty, "segments")):
        NeedsAssessmentFinding.objects.create(assessment=ina, section=section, finding=finding)
    south_cycle = f.CycleFactory(icb=universe.south, financial_year=2026)
    south = _finding(south_cycle, "South's own finding")
    return SimpleNamespace(
        cycle=cycle,
        ina=ina,
        admissions=admissions,
        frailty=frailty,
        draft=draft,
        withdrawn=withdrawn,
        evaluation=evaluation,
        south=south,
    )


def make_world(universe) -> SimpleNamespace:
    profile = make_profile(universe)
    ina = make_ina(universe, profile)
    strategy = sf.StrategyFactory(
        icb=universe.north,
        cycle=ina.cycle,
        needs_assessment=ina.ina,
        title="North PHIP",
        created_by=universe.commissioner,
    )
    need = sf.CriterionFactory(
        strategy=strategy, code="need", name="Scale of need", weight=Decimal("2"), order=1
    )
    gap = sf.CriterionFactory(
        strategy=strategy, code="gap", name="Inequality gap", weight=Decimal("1"), order=2
    )
    icb_member = sf.PanelMemberFactory(
        strategy=strategy,
        name="Chris Commissioner",
        kind="icb",
        user=universe.commissioner,
        organisation=universe.north_org,
    )
    provider_member = sf.PanelMemberFactory(
        strategy=strategy,
        name="Pat Provider",
        kind="provider",
        user=universe.provider_a_rep,
        organisation=universe.provider_a,
    )
    community = sf.PanelMemberFactory(strategy=strategy, name="Riverside Forum", kind="community")
    p1 = sf.PriorityFactory(strategy=strategy, title="Frailty in Riverside", cohort_size=241)
    p1.findings.set([ina.frailty])
    p2 = sf.PriorityFactory(strategy=strategy, title="Core20 admissions", cohort_size=5)
    p2.findings.set([ina.admissions])
    return SimpleNamespace(
        profile=profile,
        strategy=strategy,
        need=need,
        gap=gap,
        icb_member=icb_member,
        provider_member=provider_member,
        community=community,
        p1=p1,
        p2=p2,
        **vars(ina),
    )


def share_for_consultation(world, *organisations) -> None:
    """Put the strategy in consultation and share it with the organisations."""
    world.strategy.status = StrategyStatus.CONSULTATION
    world.strategy.save(update_fields=["status"])
    for organisation in organisations:
        StrategyShare.objects.create(strategy=world.strategy, organisation=organisation)


def set_status(world, status) -> None:
    world.strategy.status = status
    world.strategy.save(update_fields=["status"])


def score(member, priority, criterion, value, rationale="Because.") -> Score:
    return Score.objects.create(
        member=member, priority=priority, criterion=criterion, score=value, rationale=rationale
    )


def score_example(world) -> None:
    """The hand-worked example of test_prioritisation_analysis, on two members:
    P1 need 5, 3 (mean 4, 75 points) and gap 2, 2 (25 points);
    P2 need 3, 3 (50 points) and gap 5, 5 (100 points).
    Weights need 2, gap 1: P1 = (150 + 25) / 3 = 58.33; P2 = (100 + 100) / 3 = 66.67."""
    a, b = world.icb_member, world.community
    for member, need1, gap1, need2, gap2 in ((a, 5, 2, 3, 5), (b, 3, 2, 3, 5)):
        score(member, world.p1, world.need, need1)
        score(member, world.p1, world.gap, gap1)
        score(member, world.p2, world.need, need2)
        score(member, world.p2, world.gap, gap2)
