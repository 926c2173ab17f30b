"""The delivery tests' world: North's strategy linked to an approved INA whose needs
profile holds a few hand-made figures (rows made directly, not computed), and a South
profile with figures of its own.

North ICB (100,000 people; Riverside place 40,000): emergency admissions DSR 1,000
(980 to 1,020) per 100,000; Riverside 1,200. Frailty segment 5,000 people with a crude
admission rate of 380 per 1,000 against 95 for everyone (a ratio of 4). Diabetes
prevalence 7.5%. SII of the admission DSR −400; Core20 gap 300.
"""

from datetime import date
from types import SimpleNamespace

import pytest
from django.utils import timezone

from commissioning.models import Indicator, Segment, SegmentationModel
from commissioning.reference_data import INDICATORS
from needs_assessment.models import INAStatus, NeedsAssessment, NeedsProfile, ProfileAggregate
from strategy.models import StrategyShare, StrategyStatus
from tests import factories as f
from tests.strategy import factories as sf


def library() -> dict[str, Indicator]:
    """The indicator library (loaded by migration; made here if the test DB lacks it)."""
    out = {}
    for code, name, definition, unit, polarity, source in INDICATORS:
        out[code], _ = Indicator.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "definition": definition,
                "unit": unit,
                "polarity": polarity,
                "source": source,
            },
        )
    return out


def figure(profile, area, measure, value, *, breakdown="", category="", **extra):
    return ProfileAggregate.objects.create(
        profile=profile,
        area=area,
        measure=measure,
        breakdown=breakdown,
        category=category,
        value=value,
        **extra,
    )


def needs_profile(icb, model):
    snapshot = f.PopulationSnapshotFactory(
        icb=icb, period_start=date(2024, 4, 1), period_end=date(2025, 3, 31)
    )
    return NeedsProfile.objects.create(
        snapshot=snapshot,
        segmentation_model=model,
        status="ready",
        people=100_000,
        computed_at=timezone.now(),
    )


def north_figures(profile, universe) -> SimpleNamespace:
    north, place = universe.north, universe.place
    per100k = {"unit": "per 100,000", "method": "Dobson (Byars)", "publishable": True}
    return SimpleNamespace(
        people=figure(profile, north, "people", 100_000, numerator=100_000, denominator=100_000),
        place_people=figure(profile, place, "people", 40_000, denominator=100_000),
        dsr=figure(
            profile,
            north,
            "dsr:emergency_admissions",
            1000.0,
            lower95=980.0,
            upper95=1020.0,
            numerator=9_500,
            denominator=100_000,
            lower998=960.0,
            upper998=1040.0,
            **per100k,
        ),  # fmt: skip
        dsr_core20=figure(
            profile,
            north,
            "dsr:emergency_admissions",
            1400.0,
            breakdown="core20",
            category="Core20",
            lower95=1350.0,
            upper95=1450.0,
            numerator=2_800,
            denominator=20_000,
            **per100k,
        ),  # fmt: skip
        dsr_place=figure(
            profile,
            place,
            "dsr:emergency_admissions",
            1200.0,
            lower95=1160.0,
            upper95=1240.0,
            numerator=4_600,
            denominator=40_000,
            **per100k,
        ),  # fmt: skip
        frailty=figure(
            profile, north, "segment_people", 5_000, breakdown="segment", category="frailty"
        ),
        rate_all=figure(profile, north, "rate:emergency_admissions", 95.0, unit="per 1,000"),
        rate_frailty=figure(
            profile,
            north,
            "rate:emergency_admissions",
            380.0,
            breakdown="segment",
            category="frailty",
            unit="per 1,000",
        ),  # fmt: skip
        diabetes=figure(
            profile,
            north,
            "prevalence:diabetes",
            7.5,
            lower95=7.3,
            upper95=7.7,
            numerator=6_000,
            denominator=80_000,
            unit="%",
            method="Wilson",
        ),  # fmt: skip
        sii=figure(
            profile,
            north,
            "sii:dsr:emergency_admissions",
            -400.0,
            lower95=-520.0,
            upper95=-280.0,
            unit="per 100,000",
        ),  # fmt: skip
        gap=figure(
            profile,
            north,
            "core20_gap:dsr:emergency_admissions",
            300.0,
            lower95=240.0,
            upper95=360.0,
            unit="per 100,000",
        ),  # fmt: skip
        unpublished=figure(
            profile,
            universe.neighbourhood,
            "dsr:emergency_admissions",
            900.0,
            numerator=6,
            denominator=1_600,
            publishable=False,
            unit="per 100,000",
        ),  # fmt: skip
    )


@pytest.fixture
def world(universe):
    indicators = library()
    model = SegmentationModel.objects.create(icb=universe.north, name="North segments")
    frailty = Segment.objects.create(
        model=model, priority=1, code="frailty", name="Frailty", rule={"flag": "palliative"}
    )
    Segment.objects.create(model=model, priority=2, code="rest", name="Everyone else", rule={})
    profile = needs_profile(universe.north, model)
    strategy = sf.StrategyFactory(icb=universe.north, title="North PHIP")
    assessment = NeedsAssessment.objects.create(
        icb=universe.north,
        cycle=strategy.cycle,
        profile=profile,
        title="North INA 2025",
        status=INAStatus.APPROVED,
    )
    strategy.needs_assessment = assessment
    strategy.save()
    south_model = SegmentationModel.objects.create(icb=universe.south, name="South segments")
    south_profile = needs_profile(universe.south, south_model)
    south_dsr = figure(
        south_profile, universe.south, "dsr:emergency_admissions", 800.0, lower95=780.0,
        upper95=820.0, numerator=8_000, denominator=100_000, unit="per 100,000",
    )  # fmt: skip
    priority = sf.PriorityFactory(strategy=strategy, title="Fewer emergency admissions")
    return SimpleNamespace(
        u=universe,
        indicators=indicators,
        model=model,
        frailty=frailty,
        profile=profile,
        figures=north_figures(profile, universe),
        strategy=strategy,
        assessment=assessment,
        priority=priority,
        south_profile=south_profile,
        south_dsr=south_dsr,
    )


def set_status(strategy, status: str) -> None:
    strategy.status = status
    strategy.save(update_fields=["status"])


def share_with(strategy, organisation) -> None:
    StrategyShare.objects.create(strategy=strategy, organisation=organisation)


# ---------------------------------------------------------------------- the world itself


@pytest.mark.django_db
def test_world_north_profile_is_the_strategys_ina_profile(world):
    assert world.strategy.needs_assessment.profile_id == world.profile.pk
    assert world.strategy.status == StrategyStatus.DRAFT
    assert world.figures.dsr.area_id == world.u.north.pk
    assert world.south_dsr.area.icb_id == world.u.south.pk
