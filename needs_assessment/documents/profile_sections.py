"""The INA sections built from the needs profile: population, segments, risk,
prevalence, and activity and cost.

Each builder takes a `ProfileData` (whose rows are already disclosure-controlled where
the reader needs it) and returns a `SectionContent` of tables and charts. No database
access here.
"""

from __future__ import annotations

from commissioning import charts as core_charts
from needs_assessment.documents import charts
from needs_assessment.documents.figures import (
    breakdown_label,
    category_label,
    count_figure,
    measure_label,
    share_figure,
    subject_label,
)
from needs_assessment.documents.profile_data import ProfileData
from needs_assessment.documents.tables import Chart, Column, SectionContent, Table
from needs_assessment.models import INASection

LONG_TABLE = 25
PEOPLE = "people"
SHARE = Column("Share of the population (%)", "number", 1)
COMPARED = Column("Compared with the area above (95%)", "comparison")
NO_PROFILE = "The needs profile has no figures for this section yet."
EMERGENCY_RATE = "rate:emergency_admissions"


def _number(value) -> float:
    """A figure's value for sorting: suppressed or missing values sort last."""
    return float(value) if isinstance(value, int | float) else float("-inf")


def _title(key: str) -> str:
    return INASection(key).label


def _count(data: ProfileData, row: dict | None):
    if row is None:
        return None
    value = row["value"] if row.get("value") is not None else row.get("numerator")
    return count_figure(value, controlled=data.controlled)


def _total(data: ProfileData, area_id: int):
    row = data.get(area_id, PEOPLE)
    return None if row is None else row.get("value")


def population(data: ProfileData) -> SectionContent:
    """People by place (with each place's share) and by age band, sex, deprivation and
    ethnic group across the ICB; the population pyramid."""
    section = SectionContent(INASection.POPULATION, _title(INASection.POPULATION))
    whole = _total(data, data.icb.id)
    places = Table(
        "population-places",
        "Registered people by place",
        [Column("Area"), Column("People", "count"), SHARE],
    )
    for area in data.areas:
        row = data.get(area.id, PEOPLE)
        if row is not None:
            share = share_figure(row["value"], whole, controlled=data.controlled)
            places.rows.append([area.name, _count(data, row), share])
    groups = Table(
        "population-groups",
        f"Registered people in {data.icb.name} by age, sex, deprivation and ethnic group",
        [Column("Characteristic"), Column("Group"), Column("People", "count"), SHARE],
        long=True,
    )
    for breakdown in data.breakdowns(PEOPLE):
        if breakdown not in ("age_band", "sex", "imd_decile", "ethnicity"):
            continue
        for row in data.categories(data.icb.id, PEOPLE, breakdown):
            groups.rows.append(
                [
                    breakdown_label(breakdown),
                    category_label(breakdown, row["category"], data.segments),
                    _count(data, row),
                    share_figure(row["value"], whole, controlled=data.controlled),
                ]
            )
    section.tables = [t for t in (places, groups) if t.rows]
    pyramid = [
        {
            "age_band": row["category"].partition("|")[0],
            "sex": row["category"].partition("|")[2],
            "people": _count(data, row),
        }
        for row in data.categories(data.icb.id, PEOPLE, "age_sex")
    ]
    if pyramid:
        section.charts.append(
            Chart(
                "chart-population-pyramid",
                f"Registered people in {data.icb.name} by age and sex",
                "Population pyramid: registered people by five-year age band, males to the "
                "left and females to the right",
                core_charts.population_pyramid(pyramid),
            )
        )
    section.empty_message = NO_PROFILE
    return section


def _group_table(
    data: ProfileData, key: str, title: str, breakdown: str, measure: str, label: str, *, long=False
) -> Table:
    """People, share, cost per head and emergency admissions per 1,000 for each category
    of a breakdown (segment, tier or segment x tier) across the ICB."""
    prefix = "tier" if breakdown in ("tier", "segment_tier") else "segment"
    icb = data.icb.id
    columns = [Column(label), Column("People", "count"), Column("Share (%)", "figure")]
    extra = [
        ("cost_per_head", Column("Cost per head (£)", "figure")),
        ("predicted_cost_per_head", Column("Predicted cost per head next year (£)", "figure")),
        (EMERGENCY_RATE, Column("Emergency admissions per 1,000", "figure")),
    ]
    extra = [(m, c) for m, c in extra if data.categories(icb, m, breakdown)]
    table = Table(key, title, [*columns, *[c for _, c in extra]], long=long)
    for row in data.categories(icb, measure, breakdown):
        category = row["category"]
        cells = [
            category_label(breakdown, category, data.segments),
            _count(data, row),
            data.figure(data.get(icb, f"{prefix}_share", breakdown, category)),
        ]
        cells += [data.figure(data.get(icb, m, breakdown, category)) for m, _ in extra]
        table.rows.append(cells)
    return table


def segments(data: ProfileData) -> SectionContent:
    """People in each population segment, their share, cost per head and emergency
    admissions per 1,000; a bar chart of people by segment."""
    section = SectionContent(INASection.SEGMENTS, _title(INASection.SEGMENTS))
    table = _group_table(
        data,
        "segments",
        "People, cost and emergency admissions by population segment",
        "segment",
        "segment_people",
        "Segment",
    )
    section.tables = [table] if table.rows else []
    if table.rows:
        section.charts.append(
            Chart(
                "chart-segments",
                "Registered people by population segment",
                "Bar chart of the number of people in each population segment",
                charts.count_bars(
                    [row[0] for row in table.rows],
                    [row[1] for row in table.rows],
                    axis_title="People",
                    category_title="",
                ),
            )
        )
    section.empty_message = NO_PROFILE
    return section


def risk(data: ProfileData) -> SectionContent:
    """People in each risk tier with cost now and predicted, the segment-by-tier matrix,
    and how well the risk model predicted people it was not trained on."""
    section = SectionContent(INASection.RISK, _title(INASection.RISK))
    tiers = _group_table(
        data,
        "risk-tiers",
        "People by risk tier (ranked by predicted next-year cost)",
        "tier",
        "tier_people",
        "Risk tier",
    )
    matrix = _group_table(
        data,
        "risk-matrix",
        "Population segments by risk tier",
        "segment_tier",
        "tier_people",
        "Segment and risk tier",
        long=True,
    )
    section.tables = [t for t in (tiers, matrix, _risk_model_table(data)) if t.rows]
    section.empty_message = NO_PROFILE
    return section


def _risk_model_table(data: ProfileData) -> Table:
    table = Table(
        "risk-model",
        "How well the risk model predicted people it was not trained on",
        [Column("Measure"), Column("Value", "text")],
    )
    metrics = data.risk_metrics or {}
    emergency, cost = metrics.get("emergency") or {}, metrics.get("cost") or {}
    auc = emergency.get("auc") or {}
    if isinstance(auc.get("value"), int | float):
        interval = ""
        if isinstance(auc.get("lower"), int | float) and isinstance(auc.get("upper"), int | float):
            interval = f" ({auc['lower']:.3f} to {auc['upper']:.3f})"
        table.rows.append(
            [
                "Emergency admission model: area under the ROC curve (95% interval)",
                f"{auc['value']:.3f}{interval}",
            ]
        )
    if isinstance(cost.get("r_squared"), int | float):
        table.rows.append(["Cost model: R²", f"{cost['r_squared']:.3f}"])
    if isinstance(cost.get("top_5_percent_cost_share"), int | float):
        share = cost["top_5_percent_cost_share"] * 100
        table.rows.append(["Share of next year's cost in the predicted top 5%", f"{share:.1f}%"])
    return table


def _measure_table(
    data: ProfileData, prefix: str, key: str, title: str, value_label: str, parts: tuple
) -> Table:
    """One row per measure at the ICB: its parts, the figure and the comparison."""
    columns = [Column("Measure"), *[Column(p, "count") for p in parts]]
    table = Table(key, title, [*columns, Column(value_label, "figure"), COMPARED])
    for measure in data.measures(prefix):
        figure = data.figure(data.get(data.icb.id, measure))
        numbers = [figure.numerator, figure.denominator][: len(parts)]
        numbers = [
            count_figure(n, controlled=False) if isinstance(n, float) else n for n in numbers
        ]
        table.rows.append([subject_label(measure), *numbers, figure, figure.comparison])
    return table


def _by_place_table(data: ProfileData, prefix: str, key: str, title: str, value_label: str):
    table = Table(
        key,
        title,
        [Column("Measure"), Column("Place"), Column(value_label, "figure"), COMPARED],
        long=True,
    )
    for measure in data.measures(prefix):
        for area in data.places:
            figure = data.figure(data.get(area.id, measure))
            if figure is not None:
                table.rows.append([subject_label(measure), area.name, figure, figure.comparison])
    return table


def prevalence(data: ProfileData) -> SectionContent:
    """Crude prevalence of each long-term condition (Wilson 95% intervals) across the ICB
    and by place, with each place compared with the ICB."""
    section = SectionContent(INASection.PREVALENCE, _title(INASection.PREVALENCE))
    icb = _measure_table(
        data,
        "prevalence:",
        "prevalence",
        f"Recorded prevalence of long-term conditions in {data.icb.name}",
        "Prevalence (%)",
        ("People with the condition", "People"),
    )
    icb.columns[0] = Column("Condition")
    by_place = _by_place_table(
        data, "prevalence:", "prevalence-places", "Prevalence by place", "Prevalence (%)"
    )
    section.tables = [t for t in (icb, by_place) if t.rows]
    if icb.rows:
        ranked = sorted(icb.rows, key=lambda r: -_number(r[3].value))
        section.charts.append(
            Chart(
                "chart-prevalence",
                f"Recorded prevalence in {data.icb.name}, % of registered people",
                "Bar chart of the prevalence of each long-term condition, most common first, "
                "with 95% intervals",
                charts.interval_bars(
                    [r[0] for r in ranked],
                    [r[3] for r in ranked],
                    axis_title="Prevalence (% of registered people)",
                ),
            )
        )
    section.empty_message = NO_PROFILE
    return section


def activity(data: ProfileData) -> SectionContent:
    """Age-standardised rates of use of services (DSR per 100,000, ESP2013), by place
    too, and cost per head by place."""
    section = SectionContent(INASection.ACTIVITY, _title(INASection.ACTIVITY))
    rates = _measure_table(
        data,
        "dsr:",
        "activity",
        f"Age-standardised rates of use of services in {data.icb.name}",
        "Rate per 100,000 (age-standardised)",
        ("Events",),
    )
    rates.columns[0] = Column("Service")
    by_place = _by_place_table(
        data, "dsr:", "activity-places", "Age-standardised rates by place", "Rate per 100,000"
    )
    cost = Table(
        "cost-per-head",
        "Cost of care per registered person",
        [Column("Area"), Column("People", "count"), Column("Cost per head (£)", "figure")],
    )
    for area in data.areas:
        figure = data.figure(data.get(area.id, "cost_per_head"))
        if figure is not None:
            cost.rows.append([area.name, _count(data, data.get(area.id, PEOPLE)), figure])
    section.tables = [t for t in (rates, cost, by_place) if t.rows]
    measure = "dsr:emergency_admissions"
    if measure not in data.measures("dsr:"):
        measure = next(iter(data.measures("dsr:")), None)
    points = [(a.name, data.figure(data.get(a.id, measure))) for a in data.areas] if measure else []
    points = [(name, fig) for name, fig in points if fig is not None]
    if points:
        section.charts.append(
            Chart(
                "chart-activity",
                f"{measure_label(measure)} per 100,000 people, age-standardised, by area",
                f"Bar chart of the age-standardised rate of {measure_label(measure).lower()} "
                "in the ICB and each place, with 95% intervals",
                charts.interval_bars(
                    [name for name, _ in points],
                    [fig for _, fig in points],
                    axis_title="Rate per 100,000 (age-standardised, ESP2013)",
                ),
            )
        )
    section.empty_message = NO_PROFILE
    return section
