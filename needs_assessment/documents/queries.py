"""Reads behind the INA pages, the printable page, the workbook and the API.

Every read goes through `access.visible_to`, then narrows to the assessment's ICB (an
administrator sees every ICB). `controlled` says whether figures are exact (ICB staff on
screen) or disclosure-controlled (providers, partners, and every export).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.core.cache import cache
from django.db import connection
from django.db.models import Q, QuerySet

from commissioning import access
from commissioning.models import (
    Area,
    AreaLevel,
    CommissioningCycle,
    Contract,
    Finding,
    FindingStage,
    FindingStatus,
    IndicatorValue,
    Segment,
)
from needs_assessment.documents.figures import (
    COUNT_FAMILIES,
    control,
)
from needs_assessment.documents.findings import FindingView, finding_views
from needs_assessment.documents.profile_data import AreaRef, ProfileData
from needs_assessment.documents.sections import Sources, build_sections
from needs_assessment.documents.tables import SectionContent
from needs_assessment.models import (
    INASection,
    InsightRecord,
    NeedsAssessment,
    NeedsAssessmentFinding,
    NeedsProfile,
    ProfileAggregate,
    ProfileStatus,
)

COUNT_MEASURES = sorted(COUNT_FAMILIES)
AGGREGATE_FIELDS = [
    "area_id",
    "measure",
    "breakdown",
    "category",
    "numerator",
    "denominator",
    "value",
    "lower95",
    "upper95",
    "unit",
    "lower998",
    "upper998",
    "method",
    "comparison95",
    "comparison998",
    "publishable",
]


def assessments_for(user, icb: Area | None = None) -> QuerySet:
    """The INA versions the user may see (ICB staff: all; partners: approved), newest
    cycle and version first."""
    qs = access.visible_to(user, NeedsAssessment).select_related(
        "cycle", "profile__snapshot", "created_by", "approved_by", "based_on"
    )
    return qs.filter(icb=icb) if icb is not None else qs


def assessment_or_404(user, pk: int) -> NeedsAssessment:
    return access.get_visible_or_404(
        user,
        NeedsAssessment.objects.select_related(
            "icb", "cycle__previous", "profile__snapshot", "profile__segmentation_model"
        ),
        pk=pk,
    )


def cycle_versions(user, assessment: NeedsAssessment) -> QuerySet:
    """Every version of the assessment's cycle the user may see, newest first."""
    return assessments_for(user).filter(cycle=assessment.cycle_id).order_by("-version")


def profiles_for(user, icb: Area) -> QuerySet:
    """Needs profiles an INA can be built on (not failed): the newest period first, then
    the newest profile of it."""
    return (
        access.visible_to(user, NeedsProfile)
        .filter(snapshot__icb=icb)
        .exclude(status=ProfileStatus.FAILED)
        .select_related("snapshot", "segmentation_model")
        .order_by("-snapshot__period_end", "-created_at")
    )


def cycles_for(user, icb: Area) -> QuerySet:
    return access.visible_to(user, CommissioningCycle).filter(icb=icb).order_by("-financial_year")


def current_version_of(finding: Finding) -> Finding:
    """The newest copy of an INA finding: a later version of the INA carries its findings
    forward (and withdraws the old ones when it is approved)."""
    link = NeedsAssessmentFinding.objects.filter(finding=finding).first()
    while link is not None:
        newer = link.carried_to.select_related("finding").order_by("-pk").first()
        if newer is None:
            return link.finding
        link = newer
    return finding


# --------------------------------------------------------------------------- content


def _areas(user, icb_id: int, level: str) -> list[AreaRef]:
    rows = (
        access.visible_to(user, Area)
        .filter(icb_id=icb_id, level=level)
        .order_by("name")
        .values_list("id", "name")
    )
    return [AreaRef(pk, name, level) for pk, name in rows]


GROUP_MEASURES = [
    "segment_people",
    "segment_share",
    "tier_people",
    "tier_share",
    "cost_per_head",
    "predicted_cost_per_head",
    "rate:emergency_admissions",
]
GAP_PREFIXES = ("sii:", "rii:", "core20_gap:")


def _starts(*prefixes: str) -> Q:
    return reduce(or_, [Q(measure__startswith=p) for p in prefixes])


def shown_rows(icb_id: int, place_ids: list[int], hood_ids: list[int]) -> Q:
    """The aggregate rows the INA shows (and the people counts that control them): a
    small part of a profile, so a page reads and controls hundreds of rows, not tens of
    thousands."""
    icb = Q(area_id=icb_id) & (
        Q(measure="people")
        | Q(measure__in=GROUP_MEASURES, breakdown__in=["segment", "tier", "segment_tier"])
        | Q(measure="cost_per_head", breakdown="")
        | (_starts("prevalence:", "dsr:") & Q(breakdown__in=["", "imd_decile", "core20"]))
        | (_starts(*GAP_PREFIXES) & Q(breakdown=""))
    )
    places = Q(area_id__in=place_ids) & (
        (Q(measure__in=["people", "cost_per_head"]) | _starts("prevalence:", "dsr:"))
        & Q(breakdown="")
    )
    need = Q(area_id__in=[icb_id, *place_ids, *hood_ids]) & (
        _starts("isr:") | Q(measure="people", breakdown__in=["", "imd_decile", "ethnicity"])
    )
    return icb | places | need


CONTROLLED_CACHE_SECONDS = 24 * 3600


def _controlled_cache_key(profile: NeedsProfile, area_ids: list[int]) -> str | None:
    """A key for a profile's controlled INA rows: it changes whenever the profile is
    (re)computed, or the ICB's areas change. None (no caching) before it is computed."""
    if profile.computed_at is None:
        return None
    database = connection.settings_dict["NAME"]
    scope = f"{database}:{profile.pk}:{profile.computed_at.timestamp()}:{area_ids}"
    return f"ina-controlled-rows:v2:{hashlib.sha256(scope.encode()).hexdigest()}"


def _may_read_profile(user, assessment: NeedsAssessment) -> bool:
    """A cached copy skips the aggregate query, so check the profile's scope here."""
    return access.visible_to(user, NeedsProfile).filter(pk=assessment.profile_id).exists()


def profile_data(user, assessment: NeedsAssessment, *, controlled: bool) -> ProfileData:
    """The profile's aggregates for the ICB and its places (and, for underserved groups,
    its neighbourhoods), read in one scoped query."""
    icb = AreaRef(assessment.icb_id, assessment.icb.name, AreaLevel.ICB)
    places = _areas(user, icb.id, AreaLevel.PLACE)
    hoods = _areas(user, icb.id, AreaLevel.NEIGHBOURHOOD)
    area_ids = [icb.id, *[p.id for p in places], *[h.id for h in hoods]]
    key = _controlled_cache_key(assessment.profile, area_ids) if controlled else None
    rows = cache.get(key) if key and _may_read_profile(user, assessment) else None
    if rows is None:
        rows = list(
            access.visible_to(user, ProfileAggregate)
            .filter(profile_id=assessment.profile_id)
            .filter(shown_rows(icb.id, [p.id for p in places], [h.id for h in hoods]))
            .order_by()
            .values(*AGGREGATE_FIELDS)
        )
        if key:
            # Control is the slow part for partners and exports (intervals recomputed
            # from rounded counts); a profile's aggregates never change once written.
            rows = control(rows)
            cache.set(key, rows, CONTROLLED_CACHE_SECONDS)
    segments = dict(
        access.visible_to(user, Segment)
        .filter(model_id=assessment.profile.segmentation_model_id)
        .order_by("priority")
        .values_list("code", "name")
    )
    return ProfileData(
        icb=icb,
        places=places,
        neighbourhoods=hoods,
        rows=rows,
        segments=segments,
        risk_metrics=assessment.profile.risk_metrics or {},
        controlled=controlled,
        rows_controlled=controlled,
    )


def previous_findings(user, cycle: CommissioningCycle) -> list[dict]:
    """The approved evaluation findings of the cycle before: this cycle's starting point."""
    if cycle.previous_id is None:
        return []
    return list(
        access.visible_to(user, Finding)
        .filter(
            cycle_id=cycle.previous_id,
            stage=FindingStage.EVALUATION,
            status=FindingStatus.APPROVED,
        )
        .order_by("approved_at", "pk")
        .values("id", "title", "summary", "approved_at")
    )


def indicator_values(user, icb_id: int) -> list[dict]:
    """The latest whole-population value of each indicator for each of the ICB's areas and
    each provider it contracts with."""
    contracted = Contract.objects.filter(commissioner__icb_id=icb_id).values("provider_id")
    values = (
        access.visible_to(user, IndicatorValue)
        .filter(Q(area__icb_id=icb_id) | Q(provider_id__in=contracted), breakdown="")
        .select_related("indicator", "area", "provider")
        .order_by("indicator__code", "area_id", "provider_id", "-period_end")
        .distinct("indicator__code", "area_id", "provider_id")
    )
    return [
        {
            "indicator": v.indicator.name,
            "unit": v.indicator.unit,
            "where": v.area.name if v.area_id else v.provider.name,
            "period_end": v.period_end,
            "value": v.value,
            "lower_ci": v.lower_ci,
            "upper_ci": v.upper_ci,
            "numerator": v.numerator,
            "denominator": v.denominator,
        }
        for v in values
    ]


def insight_for(user, assessment: NeedsAssessment) -> tuple[list[dict], bool]:
    """The ICB's insight records for the INA (those added by its approval, once approved),
    and whether they were withheld from this reader (insight records are ICB staff's)."""
    records = access.visible_to(user, InsightRecord).filter(icb_id=assessment.icb_id)
    withheld = not (access.is_icb_staff(user) or access.is_administrator(user))
    if assessment.approved_at is not None:
        records = records.filter(created_at__lte=assessment.approved_at)
    records = records.prefetch_related("segments", "areas")
    return [
        {
            "date": r.date,
            "source": r.get_source_display(),
            "group": r.group,
            "themes": list(r.themes),
            "summary": r.summary,
            "quote": r.quote,
            "segments": [s.name for s in r.segments.all()],
            "areas": [a.name for a in r.areas.all()],
        }
        for r in records
    ], withheld


def section_sources(user, assessment: NeedsAssessment, *, controlled: bool) -> Sources:
    insight, withheld = insight_for(user, assessment)
    previous = assessment.cycle.previous
    return Sources(
        profile=profile_data(user, assessment, controlled=controlled),
        previous_cycle=previous.label if previous else "",
        previous_findings=previous_findings(user, assessment.cycle),
        indicator_values=indicator_values(user, assessment.icb_id),
        insight=insight,
        insight_withheld=withheld,
    )


@dataclass
class SectionView:
    key: str
    title: str
    content: SectionContent
    commentary: str = ""
    findings: list[FindingView] = field(default_factory=list)


def document(user, assessment: NeedsAssessment, *, controlled: bool) -> list[SectionView]:
    """Every section of the INA: its tables and charts, commentary and findings."""
    contents = build_sections(section_sources(user, assessment, controlled=controlled))
    commentary = dict(assessment.sections.values_list("key", "commentary"))
    findings = finding_views(user, assessment, controlled=controlled)
    return [
        SectionView(
            key=content.key,
            title=INASection(content.key).label,
            content=content,
            commentary=commentary.get(content.key, ""),
            findings=[f for f in findings if f.link.section == content.key],
        )
        for content in contents
    ]
