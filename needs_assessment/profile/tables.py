"""The tables of the profile pages, built from an area's aggregate rows (plain dicts, as
profile.queries returns them, already disclosure-controlled where needed)."""

from __future__ import annotations

from dataclasses import dataclass, field

from commissioning.models.population import ETHNICITY_GROUPS, SEX_CODES
from commissioning.stats import ESP2013_BANDS
from needs_assessment.profile import measures as m
from needs_assessment.profile.formatting import Figure, figure, is_number, number

CATEGORY_ORDER = {
    m.AGE_BAND: list(ESP2013_BANDS),
    m.SEX: list(SEX_CODES),
    m.IMD_DECILE: [*(str(d) for d in range(1, 11)), m.UNKNOWN_DECILE],
    m.ETHNICITY: list(ETHNICITY_GROUPS),
}
KEY_PREVALENCES = ["hypertension", "diabetes", "depression", m.MULTIPLE_LTC]
SEGMENT_ACTIVITY = ["emergency_admissions", "ae_attendances", "gp_contacts"]
BREAKDOWN_ACTIVITY = [
    "emergency_admissions",
    "ae_attendances",
    "elective_admissions",
    "outpatient_appointments",
    "gp_contacts",
]


class AreaFigures:
    """An area's rows, looked up by (measure, breakdown, category)."""

    def __init__(self, rows: list[dict]):
        self.rows = rows
        self._index = {(r["measure"], r["breakdown"], r["category"]): r for r in rows}

    def row(self, measure: str, breakdown: str = "", category: str = "") -> dict | None:
        return self._index.get((measure, breakdown, category))

    def fig(self, measure: str, breakdown: str = "", category: str = "", label: str = ""):
        return figure(self.row(measure, breakdown, category), label)

    def categories(self, breakdown: str, measure: str = "people") -> list[str]:
        present = {c for (mm, b, c) in self._index if b == breakdown and mm == measure}
        order = CATEGORY_ORDER.get(breakdown, sorted(present))
        return [c for c in order if c in present]


@dataclass
class Table:
    """A table of figures: `columns` headings, `rows` of (label, [Figure or None])."""

    caption: str
    columns: list[str]
    rows: list[tuple[str, list[Figure | None]]] = field(default_factory=list)
    first_column: str = ""


def key_figures(figures: AreaFigures) -> list[Figure | None]:
    """People, cost per head, emergency admissions (DSR) and people with 2+ conditions."""
    return [
        figures.fig("people", label="Registered people"),
        figures.fig("cost_per_head", label="Cost of care per head"),
        figures.fig("dsr:emergency_admissions", label="Emergency admissions per 100,000"),
        figures.fig(
            f"prevalence:{m.MULTIPLE_LTC}", label="People with 2+ long-term conditions (%)"
        ),
    ]


def pyramid(figures: AreaFigures) -> list[dict]:
    """Rows for commissioning.charts.population_pyramid and the pyramid table."""
    out = []
    for row in figures.rows:
        if row["measure"] == "people" and row["breakdown"] == m.AGE_SEX:
            band, _, sex = row["category"].partition("|")
            value = row["value"]
            out.append({"age_band": band, "sex": sex, "people": _count(value)})
    order = {band: i for i, band in enumerate(ESP2013_BANDS)}
    return sorted(out, key=lambda r: (order.get(r["age_band"], 99), r["sex"]))


def _count(value):
    return int(round(value)) if is_number(value) else value


def segment_table(figures: AreaFigures, segments: list[dict]) -> list[dict]:
    """One entry per segment (priority order): name, colour, description and figures
    people, share, cost per head and activity per 1,000."""
    out = []
    for segment in segments:
        code = segment["code"]
        out.append(
            {
                **segment,
                "people": figures.fig("segment_people", m.SEGMENT, code),
                "share": figures.fig("segment_share", m.SEGMENT, code),
                "cost_per_head": figures.fig("cost_per_head", m.SEGMENT, code),
                "rates": [figures.fig(f"rate:{a}", m.SEGMENT, code) for a in SEGMENT_ACTIVITY],
            }
        )
    return out


def measure_list(figures: AreaFigures, measures: list[str]) -> list[Figure]:
    """The whole-area figure of each measure present."""
    return [f for f in (figures.fig(code) for code in measures) if f is not None]


def prevalence_list(figures: AreaFigures) -> list[Figure]:
    """Each condition's prevalence, labelled with the condition's name."""
    found = (
        figures.fig(f"prevalence:{c}", label=m.CONDITION_LABELS[c]) for c in m.PREVALENCE_CONDITIONS
    )
    return [f for f in found if f is not None]


def dsr_list(figures: AreaFigures) -> list[Figure]:
    """Each activity's age-standardised rate, labelled with the activity."""
    found = (figures.fig(f"dsr:{a}", label=m.ACTIVITY_LABELS[a]) for a in m.DSR_ACTIVITY)
    return [f for f in found if f is not None]


def breakdown_tables(figures: AreaFigures, breakdown: str) -> list[Table]:
    """Two tables for each category of a breakdown: people, cost per head and key
    prevalences; then use of services, as age-specific crude rates per 1,000 by age band
    and age-standardised rates per 100,000 otherwise."""
    by_age = breakdown == m.AGE_BAND
    label = m.BREAKDOWN_LABELS.get(breakdown, breakdown)
    people = Table(
        caption=f"People and long-term conditions by {m.in_sentence(label)}",
        columns=[
            "People",
            "Cost per head",
            *(f"{m.CONDITION_LABELS[c]} (%)" for c in KEY_PREVALENCES),
        ],
        first_column=label,
    )
    services = Table(
        caption=f"Use of services by {m.in_sentence(label)}: "
        + ("rates per 1,000 people" if by_age else "age-standardised rates per 100,000"),
        columns=[m.ACTIVITY_LABELS[a] for a in BREAKDOWN_ACTIVITY],
        first_column=label,
    )
    first = ["people", "cost_per_head", *(f"prevalence:{c}" for c in KEY_PREVALENCES)]
    second = [f"{'rate' if by_age else 'dsr'}:{a}" for a in BREAKDOWN_ACTIVITY]
    for category in figures.categories(breakdown):
        name = m.category_label(breakdown, category)
        people.rows.append((name, [figures.fig(x, breakdown, category) for x in first]))
        services.rows.append((name, [figures.fig(x, breakdown, category) for x in second]))
    return [people, services]


def inequality(figures: AreaFigures) -> list[dict]:
    """For each inequality measure with figures: the measure, its SII, RII and Core20 gap
    (with the Core20 and the rest's own values)."""
    out = []
    for measure in m.INEQUALITY_MEASURES:
        entry = {
            "label": m.measure_label(measure),
            "unit": figures.row(measure)["unit"] if figures.row(measure) else "",
            "sii": figures.fig(f"sii:{measure}"),
            "rii": figures.fig(f"rii:{measure}"),
            "gap": figures.fig(f"core20_gap:{measure}"),
            "core20": figures.fig(measure, m.CORE20, m.CORE20_LABEL),
            "rest": figures.fig(measure, m.CORE20, m.REST_LABEL),
        }
        if any(entry[k] for k in ("sii", "gap", "core20")):
            out.append(entry)
    return out


def decile_series(figures: AreaFigures, measure: str) -> list[dict]:
    """The measure by IMD decile 1-10, for the gradient chart."""
    out = []
    for decile in CATEGORY_ORDER[m.IMD_DECILE][:-1]:
        row = figures.row(measure, m.IMD_DECILE, decile)
        if row is not None:
            out.append(row | {"label": m.category_label(m.IMD_DECILE, decile)})
    return out


def underserved(figures: AreaFigures) -> list[dict]:
    """Use against need by group: for the area as a whole, each IMD decile and each
    ethnic group, the ratio for GP and community contacts and whether it is flagged
    (shown, and its 95% upper limit below 100)."""
    groups = [("", "", "Everyone in this area")]
    for breakdown in (m.IMD_DECILE, m.ETHNICITY):
        for category in figures.categories(breakdown, f"isr:{m.ISR_ACTIVITY[0]}"):
            groups.append(
                (
                    breakdown,
                    category,
                    f"{m.BREAKDOWN_LABELS[breakdown]}: {m.category_label(breakdown, category)}",
                )
            )
    out = []
    for breakdown, category, label in groups:
        cells = [figures.fig(f"isr:{a}", breakdown, category) for a in m.ISR_ACTIVITY]
        out.append({"label": label, "cells": [(c, is_flagged(c)) for c in cells]})
    return out


def is_flagged(cell: Figure | None) -> bool:
    """Underserved: use significantly below need (the 95% interval lies below 100)."""
    if cell is None or not cell.shown:
        return False
    return cell.comparison95 in ("lower", "worse")


def tier_table(figures: AreaFigures, tiers: list[str]) -> list[dict]:
    """People, share, cost per head and predicted cost per head in each risk tier."""
    return [
        {
            "tier": tier,
            "people": figures.fig("tier_people", m.TIER, tier),
            "share": figures.fig("tier_share", m.TIER, tier),
            "cost_per_head": figures.fig("cost_per_head", m.TIER, tier),
            "predicted": figures.fig("predicted_cost_per_head", m.TIER, tier),
            "emergency": figures.fig("rate:emergency_admissions", m.TIER, tier),
        }
        for tier in tiers
    ]


def matrix(
    figures: AreaFigures, segments: list[dict], tiers: list[str], measure: str, label: str
) -> Table:
    """The segment × tier matrix of one measure (tier_people, cost_per_head or
    rate:<activity>): a row per segment, a column per tier, with the segment's figure
    for all tiers at the end of each row and a last row of each tier's figure. An
    empty cell of the people matrix is 0 people."""
    people = measure == "tier_people"
    table = Table(
        caption=f"{label} by segment and risk tier",
        columns=[*tiers, "All tiers"],
        first_column="Segment",
    )

    def cell(row_measure: str, breakdown: str, category: str = ""):
        found = figures.fig(row_measure, breakdown, category)
        return zero_people() if found is None and people else found

    for segment in segments:
        code = segment["code"]
        cells = [cell(measure, m.SEGMENT_TIER, f"{code}|{tier}") for tier in tiers]
        cells.append(cell("segment_people" if people else measure, m.SEGMENT, code))
        table.rows.append((segment["name"], cells))
    totals = [cell(measure, m.TIER, tier) for tier in tiers]
    totals.append(cell("people" if people else measure, m.WHOLE))
    table.rows.append(("All segments", totals))
    return table


def zero_people() -> Figure:
    """No people: a group that has no row because nobody is in it."""
    row = dict.fromkeys(["numerator", "denominator", "lower95", "upper95"], None)
    row |= dict.fromkeys(["lower998", "upper998"], None)
    row |= {"measure": "people", "breakdown": "", "category": "", "value": 0, "unit": m.UNIT_PEOPLE}
    row |= {"comparison95": "not_compared", "comparison998": "not_compared", "publishable": True}
    return figure(row)


def _percent(value, decimals: int = 1) -> str:
    return number(value * 100, decimals) if is_number(value) else number(value)


def calibration_rows(rows: list[dict], key: str, labels: dict | None = None) -> list[dict]:
    """Risk model calibration rows (decile or group) as text: people, predicted and
    observed percentage admitted (observed with its 95% interval), their ratio and the
    AUC within the group. `labels` renames group codes ("F" to "Female", say)."""
    labels = labels or {}
    out = []
    for row in rows:
        lower, upper = row.get("observed_lower"), row.get("observed_upper")
        observed = _percent(row.get("observed_rate"))
        if is_number(lower) and is_number(upper):
            observed = f"{observed} ({_percent(lower)} to {_percent(upper)})"
        out.append(
            {
                "label": labels.get(str(row.get(key)), str(row.get(key))),
                "people": number(row.get("people")),
                "predicted": _percent(row.get("predicted_rate")),
                "observed": observed,
                "ratio": number(row.get("observed_to_predicted"), 2),
                "auc": number(row.get("auc"), 3),
            }
        )
    return out


def risk_summary(metrics: dict) -> list[tuple[str, str]]:
    """The risk model's headline figures as (label, text) pairs."""
    emergency, cost = metrics.get("emergency", {}), metrics.get("cost", {})
    auc = emergency.get("auc", {})
    method = metrics.get("method", {})
    linkage = metrics.get("linkage", {})
    return [
        (
            "Emergency admission model: area under the ROC curve (AUC)",
            f"{number(auc.get('value'), 3)} (95% interval {number(auc.get('lower'), 3)} to "
            f"{number(auc.get('upper'), 3)}, DeLong's method). 0.5 is no better than chance; "
            "1 would rank everyone perfectly.",
        ),
        ("Brier score (lower is better)", number(emergency.get("brier_score"), 4)),
        ("Cost model: R²", number(cost.get("r_squared"), 3)),
        (
            "Share of next year's cost in the predicted top 5%",
            f"{_percent(cost.get('top_5_percent_cost_share'))}%",
        ),
        (
            "People",
            f"{number(metrics.get('training_people_used'))} trained on, "
            f"{number(metrics.get('held_out_people'))} held out to judge the models; "
            f"{number(linkage.get('linked'))} were in both years",
        ),
        (
            "Method",
            f"{method.get('emergency_model', '')} and {method.get('cost_model', '')}, "
            f"{method.get('library', '')}",
        ),
    ]
