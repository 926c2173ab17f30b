"""The INA sections on inequality: gaps across deprivation (slope and relative index of
inequality, Core20 against the rest) and underserved groups (observed against expected
use of primary and community care). No database access here."""

from __future__ import annotations

from needs_assessment.documents import charts
from needs_assessment.documents.figures import (
    SUPPRESSED,
    breakdown_label,
    category_label,
    family,
    measure_label,
)
from needs_assessment.documents.profile_data import ProfileData
from needs_assessment.documents.profile_sections import COMPARED, NO_PROFILE, _title
from needs_assessment.documents.tables import Chart, Column, SectionContent, Table
from needs_assessment.models import INASection

GAP_FAMILIES = ("sii:", "rii:", "core20_gap:")
CHART_LIMIT = 12
FLAGGED_LIMIT = 200


def inequalities(data: ProfileData) -> SectionContent:
    """The gap summaries across IMD deciles, and prevalence and rates by decile."""
    section = SectionContent(INASection.INEQUALITIES, _title(INASection.INEQUALITIES))
    gaps = Table(
        "inequality-gaps",
        f"Inequality across deprivation in {data.icb.name}",
        [
            Column("Measure"),
            Column("Slope index of inequality (95% interval)", "figure"),
            Column("Relative index of inequality (95% interval)", "figure"),
            Column("Core20 minus the rest (95% interval)", "figure"),
        ],
        note="The slope index is the modelled gap from the most to the least deprived end "
        "of the population, in the measure's unit: negative when the most deprived have "
        "more. The relative index is the same gap as a ratio (1 means no gap). Core20 is "
        "the most deprived 20% of areas nationally (IMD deciles 1 and 2).",
    )
    subjects = sorted({m.partition(":")[2] for p in GAP_FAMILIES for m in data.measures(p)})
    for measure in subjects:
        figures = [data.figure(data.get(data.icb.id, f"{p}{measure}")) for p in GAP_FAMILIES]
        gaps.rows.append([_with_unit(measure), *figures])
    deciles = Table(
        "inequality-deciles",
        "Prevalence and age-standardised rates by deprivation (Core20 and IMD decile)",
        [Column("Measure"), Column("Group"), Column("Value", "figure"), COMPARED],
        long=True,
    )
    for prefix in ("dsr:", "prevalence:"):
        for breakdown in ("core20", "imd_decile"):
            for measure in data.measures(prefix, breakdown=breakdown):
                for row in data.categories(data.icb.id, measure, breakdown):
                    figure = data.figure(row)
                    label = category_label(breakdown, row["category"])
                    deciles.rows.append([_with_unit(measure), label, figure, figure.comparison])
    section.tables = [t for t in (gaps, deciles) if t.rows]
    measure = "dsr:emergency_admissions"
    rows = data.categories(data.icb.id, measure, "imd_decile")
    if rows:
        section.charts.append(
            Chart(
                "chart-inequality",
                "Emergency admissions per 100,000 people, age-standardised, by IMD decile",
                "Bar chart of the age-standardised emergency admission rate in each IMD "
                "decile, 1 the most deprived, with 95% intervals",
                charts.interval_bars(
                    [category_label("imd_decile", r["category"]) for r in rows],
                    [data.figure(r) for r in rows],
                    axis_title="Rate per 100,000 (age-standardised, ESP2013)",
                    category_title="IMD decile (1 = most deprived)",
                ),
            )
        )
    section.empty_message = NO_PROFILE
    return section


def _with_unit(measure: str) -> str:
    unit = {"dsr": "per 100,000, age-standardised", "prevalence": "%"}.get(family(measure), "")
    return f"{measure_label(measure)} ({unit})" if unit else measure_label(measure)


def underserved(data: ProfileData) -> SectionContent:
    """Indirectly standardised ratios of observed to expected contacts (given age, sex and
    conditions; 100 = as expected): the ICB and each place, and every group or area whose
    whole 95% interval is below what was expected (the underserved), lowest first."""
    section = SectionContent(INASection.UNDERSERVED, _title(INASection.UNDERSERVED))
    columns = [
        Column("Service"),
        Column("Area"),
        Column("Group"),
        Column("Observed contacts", "count"),
        Column("Observed as % of expected (95% interval)", "figure"),
    ]
    overview = Table(
        "underserved-places",
        "Use of primary and community care against need, by place (100 = as expected)",
        list(columns),
    )
    flagged = Table(
        "underserved",
        "Groups and areas using services less than their need predicts",
        list(columns),
        long=True,
    )
    checked = 0
    for measure in data.all_measures("isr:"):
        for area in [data.icb, *data.places, *data.neighbourhoods]:
            for breakdown in ["", *data.breakdowns(measure, area.id)]:
                for row in data.categories(area.id, measure, breakdown):
                    checked += 1
                    cells = _need_row(data, measure, area, breakdown, row)
                    if not breakdown and area.level != "neighbourhood":
                        overview.rows.append(cells)
                    if _below(cells[4], _expected_level(cells[4].unit)) == "Yes":
                        flagged.rows.append(cells)
    flagged.rows.sort(key=lambda r: _sort_value(r[4]))
    shown = len(flagged.rows)
    flagged.rows = flagged.rows[:FLAGGED_LIMIT]
    flagged.note = (
        f"{shown:,} of the {checked:,} groups and areas checked used services less than "
        "expected (the whole 95% interval below what their need predicts)"
        + (f"; the {FLAGGED_LIMIT} lowest are listed." if shown > FLAGGED_LIMIT else ".")
    )
    section.tables = [t for t in (overview, flagged) if t.rows]
    for service in sorted({r[0] for r in flagged.rows}):
        rows = [r for r in flagged.rows if r[0] == service][:CHART_LIMIT]
        section.charts.append(
            Chart(
                f"chart-underserved-{len(section.charts) + 1}",
                f"{service}: groups using them less than their need predicts",
                f"Bar chart of observed {service.lower()} as a percentage of expected for "
                "the groups furthest below what their need predicts, lowest first, with 95% "
                "intervals and a line at what was expected",
                charts.interval_bars(
                    [f"{r[1]}: {r[2]}" if r[2] != "Everyone" else r[1] for r in rows],
                    [r[4] for r in rows],
                    axis_title=f"Observed {service.lower()} as % of expected",
                    reference=_expected_level(rows[0][4].unit),
                ),
            )
        )
    section.empty_message = NO_PROFILE
    return section


def _need_row(data: ProfileData, measure: str, area, breakdown: str, row: dict) -> list:
    figure = data.figure(row)
    group = "Everyone"
    if breakdown:
        label = category_label(breakdown, row["category"], data.segments)
        group = f"{breakdown_label(breakdown)}: {label}"
    return [measure_label(measure), area.name, group, figure.numerator, figure]


def _expected_level(unit: str) -> float:
    """What "as expected" is in the ratio's unit: 100 ("ratio, 100 = as expected") or 1."""
    return 100.0 if "100" in (unit or "") else 1.0


def _below(figure, expected: float) -> str:
    upper = figure.upper
    if figure.suppressed or upper in (None, SUPPRESSED):
        return ""
    return "Yes" if upper < expected else "No"


def _sort_value(figure) -> float:
    value = figure.value
    return value if isinstance(value, int | float) else float("inf")
