"""Figures as a reader sees them: thousands separators, units, intervals written
"12.3 (10.1 to 14.9)", "*" for a suppressed figure, and comparison markers."""

from __future__ import annotations

import math
from dataclasses import dataclass

from commissioning.disclosure import SUPPRESSED
from needs_assessment.profile import measures as m

NOT_AVAILABLE = "–"
DECIMALS = {
    m.UNIT_PERCENT: 1,
    m.UNIT_PER_100K: 0,
    m.UNIT_PER_1000: 1,
    m.UNIT_RATIO: 1,
    m.UNIT_POUNDS_PER_HEAD: 0,
    m.UNIT_POUNDS: 0,
    m.UNIT_INDEX: 2,
    m.UNIT_PEOPLE: 0,
}
COMPARISON_TAGS = {
    "better": ("Better", "nhsuk-tag--green"),
    "worse": ("Worse", "nhsuk-tag--red"),
    "similar": ("Similar", "nhsuk-tag--grey"),
    "higher": ("Higher", "nhsuk-tag--blue"),
    "lower": ("Lower", "nhsuk-tag--purple"),
}


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def number(value, decimals: int = 0, *, prefix: str = "") -> str:
    """A number with thousands separators ("12,345.6"), "*" kept, missing as "–"."""
    if value == SUPPRESSED:
        return SUPPRESSED
    if not is_number(value):
        return NOT_AVAILABLE
    sign = "-" if value < 0 else ""
    return f"{sign}{prefix}{abs(value):,.{decimals}f}"


MAX_DECIMALS = 3


def decimals_for(unit: str, value=None, lower=None, upper=None) -> int:
    """The unit's usual number of decimal places, none for rates per 1,000 of 1,000 or
    more, and more (up to 3) where the interval would otherwise read "0.4 to 0.4"."""
    places = DECIMALS.get(unit, 1)
    if unit == m.UNIT_PER_1000 and is_number(value) and abs(value) >= 1000:
        places = 0
    if is_number(lower) and is_number(upper) and upper > lower:
        while places < MAX_DECIMALS and round(lower, places) == round(upper, places):
            places += 1
    return places


def in_unit(value, unit: str, places: int | None = None) -> str:
    """A figure in its unit's usual precision; money with a pound sign."""
    prefix = "£" if unit in (m.UNIT_POUNDS, m.UNIT_POUNDS_PER_HEAD) else ""
    places = decimals_for(unit, value) if places is None else places
    return number(value, places, prefix=prefix)


def interval(lower, upper, unit: str, places: int | None = None) -> str:
    """The interval as "10.1 to 14.9", or "" when a limit is missing."""
    if SUPPRESSED in (lower, upper):
        return SUPPRESSED
    if not (is_number(lower) and is_number(upper)):
        return ""
    places = decimals_for(unit, None, lower, upper) if places is None else places
    return f"{in_unit(lower, unit, places)} to {in_unit(upper, unit, places)}"


def with_interval(value, lower, upper, unit: str) -> str:
    """The value and its interval as "12.3 (10.1 to 14.9)", or just the value."""
    places = decimals_for(unit, value, lower, upper)
    limits = interval(lower, upper, unit, places)
    shown = in_unit(value, unit, places)
    if not limits or shown in (SUPPRESSED, NOT_AVAILABLE) or limits == SUPPRESSED:
        return shown
    return f"{shown} ({limits})"


@dataclass(frozen=True)
class Figure:
    """One aggregate row ready for a template."""

    measure: str
    label: str
    category: str
    value: object
    text: str  # the value with its 95% interval
    value_text: str
    interval95: str
    interval998: str
    numerator: str
    denominator: str
    comparison95: str
    comparison998: str
    publishable: bool
    suppressed: bool
    unit: str

    @property
    def tag95(self):
        return COMPARISON_TAGS.get(self.comparison95)

    @property
    def tag998(self):
        return COMPARISON_TAGS.get(self.comparison998)

    @property
    def shown(self) -> bool:
        return self.publishable and not self.suppressed


def figure(row: dict | None, label: str = "") -> Figure | None:
    """A Figure from an aggregate row dict (None stays None)."""
    if row is None:
        return None
    unit = row["unit"]
    count_unit = m.UNIT_POUNDS if row["measure"].endswith("cost_per_head") else m.UNIT_PEOPLE
    places = decimals_for(unit, row["value"], row["lower95"], row["upper95"])
    return Figure(
        measure=row["measure"],
        label=label or m.measure_label(row["measure"]),
        category=m.category_label(row["breakdown"], row["category"]),
        value=row["value"],
        text=with_interval(row["value"], row["lower95"], row["upper95"], unit),
        value_text=in_unit(row["value"], unit, places),
        interval95=interval(row["lower95"], row["upper95"], unit, places),
        interval998=interval(row["lower998"], row["upper998"], unit, places),
        numerator=in_unit(row["numerator"], count_unit),
        denominator=in_unit(row["denominator"], m.UNIT_PEOPLE),
        comparison95=row["comparison95"],
        comparison998=row["comparison998"],
        publishable=bool(row["publishable"]),
        suppressed=bool(row.get("suppressed")),
        unit=unit,
    )
