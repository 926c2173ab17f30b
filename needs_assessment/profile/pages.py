"""What each profile page shows, assembled from queries, tables and charts (no HTTP here:
views call these and render)."""

from __future__ import annotations

from collections import defaultdict

from commissioning.models import AreaLevel
from needs_assessment.models import NeedsProfile
from needs_assessment.profile import charts, controlled, queries, tables
from needs_assessment.profile import measures as m

OVERVIEW_MEASURES = [
    "people",
    "cost_per_head",
    "dsr:emergency_admissions",
    f"prevalence:{m.MULTIPLE_LTC}",
    "isr:gp_contacts",
]
BREAKDOWN_CHOICES = [(b, m.BREAKDOWN_LABELS[b]) for b in m.BREAKDOWNS]
GROUP_LABELS = {"sex": m.SEX_LABELS, "ethnicity": m.ETHNICITY_LABELS}
MATRIX_CHOICES = [
    ("tier_people", "People"),
    ("cost_per_head", "Cost per head"),
    ("rate:emergency_admissions", "Emergency admissions per 1,000"),
    ("rate:ae_attendances", "A&E attendances per 1,000"),
    ("rate:bed_days", "Bed days per 1,000"),
    ("rate:gp_contacts", "GP contacts per 1,000"),
]


def profile_title(profile: NeedsProfile) -> str:
    snapshot = profile.snapshot
    return f"{snapshot.period_start:%B %Y} to {snapshot.period_end:%B %Y}"


def _by_area(profile, disclosure: bool, measures: list[str], area_ids=None) -> dict:
    filters = {"measure__in": measures, "breakdown": m.WHOLE}
    if area_ids is not None:
        filters["area_id__in"] = list(area_ids)
    grouped = defaultdict(list)
    for row in queries.aggregate_rows(profile, disclosure=disclosure, **filters):
        grouped[row["area_id"]].append(row)
    return {area: tables.AreaFigures(rows) for area, rows in grouped.items()}


def overview(profile: NeedsProfile, *, disclosure: bool) -> dict:
    """The ICB's key figures and a row of headline figures for every place and
    neighbourhood (places first, each followed by its neighbourhoods)."""
    areas = queries.profile_areas(profile)
    figures = _by_area(profile, disclosure, OVERVIEW_MEASURES)
    icb = next(a for a in areas if a.level == AreaLevel.ICB)
    rows = []
    places = [a for a in areas if a.level == AreaLevel.PLACE]
    for place in places:
        rows.append(_overview_row(place, figures))
        for hood in (a for a in areas if a.parent_id == place.pk):
            rows.append(_overview_row(hood, figures))
    empty = tables.AreaFigures([])
    return {
        "icb": icb,
        "key_figures": tables.key_figures(figures.get(icb.pk, empty)),
        "area_rows": rows,
        "summary": profile.summary,
        "risk_available": bool(profile.risk_metrics.get("available")),
    }


def _overview_row(area, figures: dict) -> dict:
    found = figures.get(area.pk, tables.AreaFigures([]))
    return {
        "area": area,
        "is_place": area.level == AreaLevel.PLACE,
        "cells": [found.fig(measure) for measure in OVERVIEW_MEASURES],
        "underserved": tables.is_flagged(found.fig("isr:gp_contacts")),
    }


def area_figures(profile, area, *, disclosure: bool) -> tables.AreaFigures:
    return tables.AreaFigures(
        queries.aggregate_rows(profile, disclosure=disclosure, area_id=area.pk)
    )


def area_page(profile: NeedsProfile, area, *, disclosure: bool) -> dict:
    """Everything on an area's page: key figures, pyramid, segments, prevalence, DSRs with
    the comparison chart, inequality, use against need and risk tiers."""
    figures = area_figures(profile, area, disclosure=disclosure)
    summary = profile.summary or {}
    segments = tables.segment_table(figures, summary.get("segments", []))
    pyramid = tables.pyramid(figures)
    parent = area.parent if area.level != AreaLevel.ICB else None
    gradient = tables.decile_series(figures, "dsr:emergency_admissions")
    return {
        "figures": figures,
        "parent": parent,
        "key_figures": tables.key_figures(figures),
        "pyramid": pyramid,
        "pyramid_chart": charts.population_pyramid(pyramid) if pyramid else None,
        "segments": segments,
        "segment_chart": charts.segment_bars(segments) if segments else None,
        "prevalence": tables.prevalence_list(figures),
        "dsrs": tables.dsr_list(figures),
        "dsr_chart": _dsr_chart(profile, area, figures, disclosure),
        "inequality": tables.inequality(figures),
        "gradient_chart": charts.by_decile(gradient, "Emergency admissions per 100,000")
        if gradient
        else None,
        "underserved": tables.underserved(figures),
        "child_underserved": _child_underserved(profile, area, disclosure),
        "tiers": tables.tier_table(figures, summary.get("tiers", [])),
        "breakdown_choices": BREAKDOWN_CHOICES,
    }


def _comparison_areas(area):
    """The areas the DSR chart compares: an ICB's places, a place's neighbourhoods, or a
    neighbourhood with its sibling neighbourhoods."""
    if area.level == AreaLevel.NEIGHBOURHOOD:
        return list(area.parent.children.order_by("name")), area.parent
    return list(area.children.order_by("name")), area


def _dsr_chart(profile, area, figures, disclosure: bool):
    measure = "dsr:emergency_admissions"
    areas, reference_area = _comparison_areas(area)
    if not areas:
        return None
    found = _by_area(profile, disclosure, [measure], [a.pk for a in areas] + [reference_area.pk])
    entries = []
    for other in areas:
        row = found.get(other.pk, tables.AreaFigures([])).row(measure)
        shown = row is not None and row["publishable"] and not row.get("suppressed")
        entries.append(
            {
                "name": other.name,
                "value": row["value"] if shown else None,
                "lower": row["lower95"] if shown else None,
                "upper": row["upper95"] if shown else None,
                "highlight": other.pk == area.pk,
            }
        )
    reference = found.get(reference_area.pk, tables.AreaFigures([])).row(measure)
    line = (reference["value"], reference_area.name) if reference else None
    return charts.areas_with_intervals(
        entries, "Emergency admissions per 100,000 (age-standardised)", line
    )


def _child_underserved(profile, area, disclosure: bool) -> list[dict]:
    """Each child area's use of GP and community care against need (ICB and place pages)."""
    if area.level == AreaLevel.NEIGHBOURHOOD:
        return []
    children = list(area.children.order_by("name"))
    measures = [f"isr:{a}" for a in m.ISR_ACTIVITY]
    found = _by_area(profile, disclosure, measures, [c.pk for c in children])
    out = []
    for child in children:
        figures = found.get(child.pk, tables.AreaFigures([]))
        cells = [figures.fig(measure) for measure in measures]
        out.append({"area": child, "cells": [(c, tables.is_flagged(c)) for c in cells]})
    return out


def breakdown_context(figures: tables.AreaFigures, breakdown: str) -> dict:
    """The chosen breakdown (an unknown choice falls back to age band) and its table."""
    if breakdown not in m.BREAKDOWNS:
        breakdown = m.AGE_BAND
    return {
        "by": breakdown,
        "choices": BREAKDOWN_CHOICES,
        "tables": tables.breakdown_tables(figures, breakdown),
    }


def risk_page(profile: NeedsProfile, *, disclosure: bool, show: str = "") -> dict:
    """The risk model's discrimination and calibration (overall and by group), the tiers
    and the segment × tier matrix of the ICB."""
    metrics = profile.risk_metrics or {}
    if disclosure:
        metrics = controlled.control_risk_metrics(metrics)
    summary = profile.summary or {}
    context = {"metrics": metrics, "available": bool(metrics.get("available"))}
    if not context["available"]:
        return context
    icb_figures = area_figures(profile, profile.snapshot.icb, disclosure=disclosure)
    tiers = summary.get("tiers", [])
    segments = summary.get("segments", [])
    choices = dict(MATRIX_CHOICES)
    show = show if show in choices else "tier_people"
    emergency = metrics.get("emergency", {})
    fairness = metrics.get("fairness", {})
    context.update(
        risk_summary=tables.risk_summary(metrics),
        calibration=tables.calibration_rows(emergency.get("calibration_by_decile", []), "decile"),
        calibration_chart=charts.calibration(
            emergency.get("calibration_by_decile", []), "decile", "Decile of predicted risk"
        ),
        cost_chart=charts.cost_calibration(
            metrics.get("cost", {}).get("calibration_by_decile", [])
        ),
        fairness=[
            {
                "name": name,
                "label": label,
                "title": f"Predicted and observed emergency admission by {m.in_sentence(label)}",
                "caption": f"Calibration by {m.in_sentence(label)}",
                "rows": tables.calibration_rows(
                    fairness.get(name, []), "group", GROUP_LABELS.get(name)
                ),
                "chart": charts.calibration(
                    _relabelled(fairness.get(name, []), GROUP_LABELS.get(name, {})), "group", label
                ),
            }
            for name, label in (
                ("sex", "Sex"),
                ("imd_quintile", "IMD quintile"),
                ("ethnicity", "Ethnic group"),
            )
        ],
        tiers=tables.tier_table(icb_figures, tiers),
        matrix=tables.matrix(icb_figures, segments, tiers, show, choices[show]),
        matrix_choices=MATRIX_CHOICES,
        show=show,
        icb=profile.snapshot.icb,
    )
    return context


def _relabelled(rows: list[dict], labels: dict) -> list[dict]:
    return [row | {"group": labels.get(str(row.get("group")), row.get("group"))} for row in rows]
