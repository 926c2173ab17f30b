"""One figure of the needs profile as a reader may see it, and how it is written.

A `ProfileAggregate` row becomes a `Figure`: exact for ICB staff on screen, and
disclosure-controlled for providers, partners and in every export, whoever makes it.
Control itself is the profile's (`needs_assessment.profile.controlled.control_rows`), so
the INA shows a partner exactly what the profile pages show them; this module only
labels and writes figures. Measure and category names come from
`needs_assessment.profile.measures`.
"""

from __future__ import annotations

from dataclasses import dataclass

from commissioning.disclosure import SUPPRESSED, controlled_count, controlled_rate
from needs_assessment.profile import measures as profile_measures
from needs_assessment.profile.controlled import control_rows

COUNT_FAMILIES = {"people", "segment_people", "tier_people"}
NOT_AVAILABLE = "–"
FAMILY_PREFIX = {
    "sii": "Slope index of inequality",
    "rii": "Relative index of inequality",
    "core20_gap": "Core20 gap",
}
BREAKDOWNS = {**profile_measures.BREAKDOWN_LABELS, "": "Everyone"}


def family(measure: str) -> str:
    """The measure family: "prevalence" for "prevalence:diabetes", "people" for "people"."""
    return measure.split(":", 1)[0]


def subject(measure: str) -> str:
    """What the measure is about: "diabetes" for "prevalence:diabetes"."""
    return measure.split(":", 1)[1] if ":" in measure else measure


def measure_label(measure: str) -> str:
    """A measure code as a person reads it: "dsr:emergency_admissions" gives "Emergency
    admissions"; "sii:dsr:emergency_admissions" gives "Slope index of inequality:
    emergency admissions"."""
    fam = family(measure)
    if fam in FAMILY_PREFIX and ":" in measure:
        return f"{FAMILY_PREFIX[fam]}: {lower_first(measure_label(subject(measure)))}"
    label = profile_measures.measure_label(measure)
    # A code the profile has no name for yet reads as words, not as a code.
    return label.replace("_", " ").capitalize() if "_" in label else label


def lower_first(text: str) -> str:
    """ "Diabetes prevalence" -> "diabetes prevalence"; "COPD prevalence" stays as it is."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def subject_label(measure: str) -> str:
    """What a prevalence or rate is of: "Diabetes" for "prevalence:diabetes"."""
    name = subject(measure)
    return (
        profile_measures.CONDITION_LABELS.get(name)
        or profile_measures.ACTIVITY_LABELS.get(name)
        or measure_label(measure)
    )


def breakdown_label(breakdown: str) -> str:
    return BREAKDOWNS.get(breakdown, breakdown.replace("_", " ").capitalize())


def category_label(breakdown: str, category: str, segments: dict[str, str] | None = None) -> str:
    """A category as a person reads it (segment codes through `segments`, code -> name;
    a segment x tier category "frail|Top 0.5%" as "Frailty, Top 0.5%")."""
    if breakdown == "segment" and segments:
        return segments.get(category, category)
    if breakdown == "segment_tier":
        segment, _, tier = category.partition("|")
        return f"{(segments or {}).get(segment, segment)}, {tier}"
    if breakdown == "age_sex":
        band, _, sex = category.partition("|")
        return f"{band}, {profile_measures.SEX_LABELS.get(sex, sex)}"
    return profile_measures.category_label(breakdown, category) or "Everyone"


def category_sort_key(breakdown: str, category: str):
    """Age bands and deciles in numeric order, risk tiers highest first, the rest as given."""
    if breakdown in ("age_band", "imd_decile"):
        digits = "".join(ch for ch in category.split("-")[0] if ch.isdigit())
        return (0, int(digits)) if digits else (1, 0)
    if breakdown == "tier":
        first = category.split(" ")[0].lower()
        share = "".join(ch for ch in category if ch.isdigit() or ch == ".")
        rank = {"top": 0, "next": 1, "remaining": 2}.get(first, 3)
        try:
            return (rank, float(share))
        except ValueError:
            return (rank, 0.0)
    return (0, 0)


@dataclass(frozen=True)
class Figure:
    """A figure with its interval, parts and comparison, as released to one reader.
    `value`, `lower`, `upper`, `numerator` and `denominator` are numbers, "*" where
    suppressed or withheld, or None where not computed."""

    value: float | int | str | None
    lower: float | str | None = None
    upper: float | str | None = None
    numerator: float | int | str | None = None
    denominator: float | int | str | None = None
    unit: str = ""
    decimals: int = 1
    comparison: str = ""
    controlled: bool = False

    @property
    def suppressed(self) -> bool:
        return self.value == SUPPRESSED

    @property
    def number(self) -> str:
        return format_number(self.value, self.decimals)

    @property
    def interval(self) -> str:
        """ "10.1 to 14.9", or "" where there is no interval to show."""
        if not _is_number(self.lower) or not _is_number(self.upper) or self.suppressed:
            return ""
        return (
            f"{format_number(self.lower, self.decimals)} to "
            f"{format_number(self.upper, self.decimals)}"
        )

    def __str__(self) -> str:
        """ "12.3 (10.1 to 14.9)", or the value alone."""
        interval = self.interval
        return f"{self.number} ({interval})" if interval else self.number


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def format_number(value, decimals: int = 1) -> str:
    """Thousands separators and a fixed number of decimals; "*" and "–" as they are."""
    if value is None:
        return NOT_AVAILABLE
    if not _is_number(value):
        return str(value)
    return f"{value:,.{decimals}f}"


def decimals_for(measure: str, unit: str) -> int:
    fam = family(measure)
    unit = unit.strip().lower()
    if fam in COUNT_FAMILIES or unit in ("people", "count") or fam.endswith("cost_per_head"):
        return 0
    if fam == "rii" or unit == "ratio" or unit == "index":
        return 2
    return 1


def count_figure(count, *, controlled: bool) -> int | str | None:
    """A count of people as released: exact, or controlled."""
    if count is None or isinstance(count, str):
        return count
    if controlled:
        try:
            return controlled_count(count)
        except ValueError:
            return SUPPRESSED
    return int(round(count))


def share_figure(part, whole, *, controlled: bool) -> float | str | None:
    """A percentage of people: exact, or from the rounded parts."""
    if part is None or not whole:
        return None
    if SUPPRESSED in (part, whole):
        return SUPPRESSED
    if controlled:
        return controlled_rate(part, whole)
    return part / whole * 100


def figure_from_row(row: dict, *, controlled: bool = False) -> Figure:
    """The Figure of one ProfileAggregate row (a dict of its fields). Pass rows that are
    already controlled (`control`) with controlled=True: the figures are taken as they are."""
    measure, unit = row["measure"], row.get("unit") or ""
    return Figure(
        value=row.get("value"),
        lower=row.get("lower95"),
        upper=row.get("upper95"),
        numerator=row.get("numerator"),
        denominator=row.get("denominator"),
        unit=unit,
        decimals=decimals_for(measure, unit),
        comparison=row.get("comparison95") or "",
        controlled=controlled,
    )


def control(rows: list[dict]) -> list[dict]:
    """Rows as a provider, a partner or an export may see them (the profile's rules; group
    sizes come from the count rows among `rows`, so pass those too)."""
    return control_rows(rows)
