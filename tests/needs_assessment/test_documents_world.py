"""Builders for the INA tests: a ready needs profile of North with aggregate rows made
directly (so the tests do not depend on the profile computation), cycles with a previous
cycle's evaluation findings, and INA versions made through the actions.

Imported by the test_documents_* and test_insight_* modules; it has no tests itself.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from django.utils import timezone

from commissioning.models import (
    FindingStage,
    FindingStatus,
    Segment,
    SegmentationModel,
    SnapshotStatus,
)
from needs_assessment.documents import actions
from needs_assessment.models import NeedsProfile, ProfileAggregate, ProfileStatus
from tests import factories as f


def aggregate(profile, area, measure, **fields) -> ProfileAggregate:
    return ProfileAggregate.objects.create(profile=profile, area=area, measure=measure, **fields)


def make_profile(universe, *, status=ProfileStatus.READY, model=None) -> NeedsProfile:
    """A needs profile of North with a few figures of every kind."""
    snapshot = f.PopulationSnapshotFactory(
        icb=universe.north, status=SnapshotStatus.CURRENT, row_count=1603
    )
    if model is None:
        model = SegmentationModel.objects.create(icb=universe.north, name="North segments")
        Segment.objects.create(
            model=model, priority=1, code="frail", name="Frailty", rule={"flag": "palliative"}
        )
        Segment.objects.create(
            model=model, priority=2, code="well", name="Good health", rule={"all": []}
        )
    profile = NeedsProfile.objects.create(
        snapshot=snapshot,
        segmentation_model=model,
        status=status,
        people=1603,
        computed_at=timezone.now(),
        risk_metrics={
            "emergency": {"auc": {"value": 0.781, "lower": 0.75, "upper": 0.81}},
            "cost": {"r_squared": 0.41, "top_5_percent_cost_share": 0.38},
        },
    )
    north, place, hood = universe.north, universe.place, universe.neighbourhood
    aggregate(profile, north, "people", value=1603, unit="people")
    aggregate(profile, place, "people", value=1603, unit="people")
    aggregate(profile, north, "people", breakdown="age_band", category="0-4", value=3)
    aggregate(profile, north, "people", breakdown="age_band", category="5-9", value=1600)
    aggregate(profile, north, "people", breakdown="sex", category="F", value=802)
    aggregate(profile, north, "people", breakdown="sex", category="M", value=801)
    aggregate(profile, north, "segment_people", breakdown="segment", category="frail", value=5)
    aggregate(profile, north, "segment_people", breakdown="segment", category="well", value=1598)
    aggregate(
        profile,
        north,
        "cost_per_head",
        breakdown="segment",
        category="well",
        numerator=1_200_000,
        denominator=1598,
        value=750.94,
        unit="£",
    )
    aggregate(profile, north, "tier_people", breakdown="tier", category="Top 0.5%", value=8)
    aggregate(profile, north, "tier_people", breakdown="tier", category="Remaining 80%", value=1282)
    for area, comparison in ((north, "not_compared"), (place, "similar")):
        aggregate(
            profile,
            area,
            "prevalence:diabetes",
            numerator=120,
            denominator=1603,
            value=7.486,
            lower95=6.29,
            upper95=8.89,
            unit="%",
            method="Wilson",
            comparison95=comparison,
        )
    aggregate(
        profile,
        north,
        "prevalence:copd",
        numerator=5,
        denominator=1603,
        value=0.312,
        lower95=0.13,
        upper95=0.73,
        unit="%",
    )
    aggregate(
        profile,
        north,
        "dsr:emergency_admissions",
        numerator=150,
        denominator=1603,
        value=9375.2,
        lower95=7900.1,
        upper95=11012.3,
        unit="per 100,000",
    )
    aggregate(
        profile,
        north,
        "dsr:elective_admissions",
        numerator=9,
        denominator=1603,
        value=560.0,
        lower95=250.0,
        upper95=1060.0,
        unit="per 100,000",
        publishable=False,
    )
    aggregate(
        profile,
        north,
        "dsr:emergency_admissions",
        breakdown="imd_decile",
        category="1",
        numerator=150,
        denominator=1603,
        value=9375.2,
        lower95=7900.1,
        upper95=11012.3,
        unit="per 100,000",
    )
    aggregate(
        profile,
        north,
        "sii:dsr:emergency_admissions",
        value=4100.0,
        lower95=2500.0,
        upper95=5700.0,
        unit="per 100,000",
    )
    aggregate(
        profile,
        hood,
        "isr:gp_contacts",
        numerator=900,
        denominator=1100.0,
        value=81.8,
        lower95=76.6,
        upper95=87.3,
        unit="ratio, 100 = as expected",
    )
    return profile


def make_cycles(universe) -> SimpleNamespace:
    """Last year's cycle (with evaluation findings) and this year's, which follows it."""
    previous = f.CycleFactory(icb=universe.north, financial_year=2025, status="closed")
    current = f.CycleFactory(icb=universe.north, financial_year=2026, previous=previous)
    approved = f.FindingFactory(
        cycle=previous,
        stage=FindingStage.EVALUATION,
        status=FindingStatus.APPROVED,
        title="Frailty hubs cut admissions",
        summary="Emergency admissions of frail people fell 12% where hubs opened.",
        approved_at=timezone.now(),
    )
    draft = f.FindingFactory(
        cycle=previous,
        stage=FindingStage.EVALUATION,
        status=FindingStatus.DRAFT,
        title="Unapproved evaluation note",
    )
    other_stage = f.FindingFactory(
        cycle=previous,
        stage=FindingStage.NEEDS_ASSESSMENT,
        status=FindingStatus.APPROVED,
        title="Last year's needs finding",
    )
    return SimpleNamespace(
        previous=previous,
        current=current,
        approved_evaluation=approved,
        draft_evaluation=draft,
        other_stage=other_stage,
    )


def make_world(universe) -> SimpleNamespace:
    """A profile, cycles and version 1 of the INA (a draft with one finding)."""
    profile = make_profile(universe)
    cycles = make_cycles(universe)
    v1 = actions.create_assessment(
        cycle=cycles.current, profile=profile, title="North INA", by=universe.commissioner
    )
    actions.update_section(
        assessment=v1,
        key="prevalence",
        commentary="Diabetes is common.",
        by=universe.commissioner,
    )
    link = actions.add_finding(
        assessment=v1,
        section="prevalence",
        title="Diabetes prevalence is high",
        summary="One in thirteen registered people has diabetes.",
        evidence=[{"measure": "prevalence:diabetes"}],
        by=universe.commissioner,
    )
    return SimpleNamespace(profile=profile, cycles=cycles, v1=v1, link=link)


def insight_record(universe, **fields):
    """An insight record of North made through the action."""
    from needs_assessment.documents.insight import create_insight

    data = {
        "source": "healthwatch",
        "date": date(2026, 3, 14),
        "group": "Carers of people with dementia",
        "themes": "respite, transport",
        "summary": "Carers cannot get to day centres without a car.",
        "quote": "",
        "segments": [],
        "areas": [],
    }
    data.update(fields)
    return create_insight(by=universe.commissioner, **data)
