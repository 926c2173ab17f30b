"""The findings of an INA as readers see them: each with its evidence, the profile
figure each piece of evidence points at (exact or controlled) and a link to the area's
page of the needs profile."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Q
from django.urls import NoReverseMatch, reverse

from commissioning import access
from commissioning.models import Area, Finding
from needs_assessment.documents.figures import (
    COUNT_FAMILIES,
    breakdown_label,
    category_label,
    control,
    figure_from_row,
    measure_label,
)
from needs_assessment.models import NeedsAssessment, NeedsAssessmentFinding, ProfileAggregate

COUNT_MEASURES = sorted(COUNT_FAMILIES)
EVIDENCE_FIELDS = [
    "area_id",
    "measure",
    "breakdown",
    "category",
    "numerator",
    "denominator",
    "value",
    "lower95",
    "upper95",
    "lower998",
    "upper998",
    "unit",
    "method",
    "comparison95",
    "comparison998",
    "publishable",
]


@dataclass
class EvidenceView:
    label: str
    figure: str
    url: str | None = None  # the area's page of the needs profile, where there is one


@dataclass
class FindingView:
    link: NeedsAssessmentFinding
    finding: Finding
    evidence: list[EvidenceView] = field(default_factory=list)


def finding_views(user, assessment: NeedsAssessment, *, controlled: bool) -> list[FindingView]:
    """The assessment's findings with each piece of evidence and its figure."""
    links = list(
        access.visible_to(user, NeedsAssessmentFinding)
        .filter(assessment=assessment)
        .select_related("finding")
        .order_by("pk")
    )
    wanted = [e for link in links for e in link.evidence if isinstance(e, dict)]
    figures, areas = _evidence_figures(user, assessment, wanted, controlled=controlled)
    views = []
    for link in links:
        evidence = []
        for entry in link.evidence:
            key = (entry.get("area"), entry.get("measure"), entry.get("breakdown", ""))
            key += (entry.get("category", ""),)
            label = f"{measure_label(entry.get('measure', ''))}, {areas.get(key[0], 'area')}"
            if entry.get("breakdown"):
                label += (
                    f" ({breakdown_label(entry['breakdown'])}: "
                    f"{category_label(entry['breakdown'], entry.get('category', ''))})"
                )
            figure = figures.get(key)
            text = str(figure) if figure else "not in this profile"
            url = _profile_area_url(assessment.profile_id, key[0]) if figure else None
            evidence.append(EvidenceView(label, text, url))
        views.append(FindingView(link=link, finding=link.finding, evidence=evidence))
    return views


def _profile_area_url(profile_id: int, area_id: int) -> str | None:
    try:
        return reverse("needs_assessment:profile-area", args=[profile_id, area_id])
    except NoReverseMatch:  # the profile pages are another part of the stage
        return None


def _evidence_figures(user, assessment, entries, *, controlled):
    if not entries:
        return {}, {}
    conditions = [
        Q(
            area_id=e.get("area"),
            measure=e.get("measure"),
            breakdown=e.get("breakdown", ""),
            category=e.get("category", ""),
        )
        for e in entries
    ]
    # The count rows of the same groups come too: control needs each group's size.
    groups = [
        Q(
            area_id=e.get("area"),
            breakdown=e.get("breakdown", ""),
            category=e.get("category", ""),
            measure__in=COUNT_MEASURES,
        )
        for e in entries
    ]
    rows = list(
        access.visible_to(user, ProfileAggregate)
        .filter(profile_id=assessment.profile_id)
        .filter(reduce(or_, conditions + groups))
        .values(*EVIDENCE_FIELDS)
    )
    if controlled:
        rows = control(rows)
    figures = {
        (r["area_id"], r["measure"], r["breakdown"], r["category"]): figure_from_row(
            r, controlled=controlled
        )
        for r in rows
    }
    area_ids = {e.get("area") for e in entries}
    areas = dict(access.visible_to(user, Area).filter(pk__in=area_ids).values_list("id", "name"))
    return figures, areas
