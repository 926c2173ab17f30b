"""Population, prevalence, crude and age-standardised rates, and use against need.

Pure functions over the cube (see cube.py): each returns aggregate rows (rows.py) for
every neighbourhood, place and the ICB, for the whole population and each breakdown.
Intervals come from commissioning.stats (Wilson, Byar's/exact, Dobson's DSR limits,
ISRs) at 95% and 99.8%.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from commissioning.stats import (
    BYARS_MINIMUM_COUNT,
    count_interval,
    crude_rate,
    european_standard_population_2013,
    indirectly_standardised_ratio,
    wilson_interval,
)
from needs_assessment.profile import measures as m
from needs_assessment.profile.cube import AreaTree, by_area, category_labels, with_core20
from needs_assessment.profile.rows import aggregate_rows, combine

LEVELS = (0.95, 0.998)
#: (breakdown, cube column) pairs; the whole population has no column.
WHOLE_AND_BREAKDOWNS = [(m.WHOLE, None)] + [(b, b) for b in m.BREAKDOWNS]
DSR_BREAKDOWNS = [(m.WHOLE, None), (m.SEX, "sex"), (m.IMD_DECILE, "imd_decile")]
DSR_BREAKDOWNS += [(m.ETHNICITY, "ethnicity"), (m.CORE20, "core20")]
PER_100K, PER_1000 = 100_000, 1_000
ISR_METHOD = "ISR (age band × sex × conditions 0-4+)"


def population_rows(cells: pd.DataFrame, tree: AreaTree) -> pd.DataFrame:
    """People and cost per head, for the whole area, each breakdown and the pyramid.

    In: the cube (people, cost). Out: aggregate rows of `people` (value = count;
    denominator = the area's people) for breakdowns "", age_band, sex, imd_decile,
    ethnicity and age_sex (category "<band>|<sex>"), and `cost` (total £) and
    `cost_per_head` (numerator = total £, denominator = people, value = mean £) for the
    first five."""
    parts = []
    totals = by_area(cells, [], ["people"], tree).set_index("area")["people"]
    for breakdown, dim in WHOLE_AND_BREAKDOWNS:
        table = by_area(cells, [dim] if dim else [], ["people", "cost"], tree)
        area_people = totals.reindex(table["area"]).to_numpy()
        parts.append(
            aggregate_rows(
                table,
                measure="people",
                breakdown=breakdown,
                dim=dim,
                value=table["people"],
                numerator=table["people"],
                denominator=area_people,
                unit=m.UNIT_PEOPLE,
            )
        )
        parts.append(
            aggregate_rows(
                table,
                measure="cost",
                breakdown=breakdown,
                dim=dim,
                value=table["cost"],
                unit=m.UNIT_POUNDS,
                method="total",
            )
        )
        parts.append(
            aggregate_rows(
                table,
                measure="cost_per_head",
                breakdown=breakdown,
                dim=dim,
                numerator=table["cost"],
                denominator=table["people"],
                value=table["cost"] / table["people"],
                unit=m.UNIT_POUNDS_PER_HEAD,
                method="mean",
            )
        )
    parts.append(_pyramid_rows(cells, tree, totals))
    return combine(parts)


def _pyramid_rows(cells: pd.DataFrame, tree: AreaTree, totals: pd.Series) -> pd.DataFrame:
    table = by_area(cells, ["age_band", "sex"], ["people"], tree)
    rows = aggregate_rows(
        table,
        measure="people",
        breakdown=m.AGE_SEX,
        dim="age_band",
        value=table["people"],
        numerator=table["people"],
        denominator=totals.reindex(table["area"]).to_numpy(),
        unit=m.UNIT_PEOPLE,
    )
    rows["category"] = rows["category"] + "|" + category_labels("sex", table["sex"])
    return rows


def prevalence_rows(cells: pd.DataFrame, tree: AreaTree) -> pd.DataFrame:
    """Crude prevalence of each condition (and of 2+ conditions) as a percentage of all
    people, with Wilson 95% and 99.8% intervals.

    In: the cube (people and one column per condition). Out: aggregate rows
    `prevalence:<condition>` for breakdowns "", age_band, sex, imd_decile, ethnicity and
    core20 (numerator = people with the condition, denominator = people)."""
    parts = []
    conditions = m.PREVALENCE_CONDITIONS
    for breakdown, dim in [*WHOLE_AND_BREAKDOWNS, (m.CORE20, "core20")]:
        source = with_core20(cells) if dim == "core20" else cells
        table = by_area(source, [dim] if dim else [], ["people", *conditions], tree)
        if dim == "core20":
            table = table[table["core20"] < 2]
        for condition in conditions:
            w95 = wilson_interval(table[condition], table["people"], 0.95, per=100)
            w998 = wilson_interval(table[condition], table["people"], 0.998, per=100)
            parts.append(
                aggregate_rows(
                    table,
                    measure=f"prevalence:{condition}",
                    breakdown=breakdown,
                    dim=dim,
                    numerator=table[condition],
                    denominator=table["people"],
                    value=w95.value,
                    limits95=(w95.lower, w95.upper),
                    limits998=(w998.lower, w998.upper),
                    unit=m.UNIT_PERCENT,
                    method="Wilson",
                )
            )
    return combine(parts)


def crude_rate_rows(cells: pd.DataFrame, tree: AreaTree) -> pd.DataFrame:
    """Crude rates of every kind of activity per 1,000 people, with Byar's limits (exact
    below 10 events), for the whole area and each breakdown (by age band these are the
    age-specific rates).

    Out: aggregate rows `rate:<activity>` (numerator = events, denominator = people)."""
    parts = []
    for breakdown, dim in WHOLE_AND_BREAKDOWNS:
        table = by_area(cells, [dim] if dim else [], ["people", *m.CRUDE_ACTIVITY], tree)
        for activity in m.CRUDE_ACTIVITY:
            r95 = crude_rate(table[activity], table["people"], per=PER_1000, confidence=0.95)
            r998 = crude_rate(table[activity], table["people"], per=PER_1000, confidence=0.998)
            parts.append(
                aggregate_rows(
                    table,
                    measure=f"rate:{activity}",
                    breakdown=breakdown,
                    dim=dim,
                    numerator=table[activity],
                    denominator=table["people"],
                    value=r95.value,
                    limits95=(r95.lower, r95.upper),
                    limits998=(r998.lower, r998.upper),
                    unit=m.UNIT_PER_1000,
                    method=r95.method,
                )
            )
    return combine(parts)


def dobson_dsr(counts: np.ndarray, population: np.ndarray, confidence: float, per=PER_100K):
    """Directly standardised rates of many groups at once (ESP2013, Dobson's limits).

    In: `counts` and `population`, arrays of shape (groups, 19) in ESP2013 band order.
    Out: value, lower, upper, total (events), publishable (arrays of length groups).
    The formula is commissioning.stats.directly_standardised_rate's, applied to all
    groups in one go (that function does one group per call, which for thousands of
    groups takes seconds); the limits on the total count come from
    stats.count_interval. A group with an empty age band has no rate (NaN), as there."""
    weights = european_standard_population_2013().to_numpy(dtype=np.float64)
    total_weight = weights.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        band_weight = np.where(population == 0, np.nan, weights / population)
        value = np.sum(counts * band_weight, axis=1) / total_weight * per
        variance = np.sum(counts * band_weight**2, axis=1) / total_weight**2
        total = counts.sum(axis=1)
        limits = count_interval(total, confidence)
        spread = np.where(total > 0, np.sqrt(variance / total), np.nan)
        lower = value + spread * (np.asarray(limits.lower) - total) * per
        upper = value + spread * (np.asarray(limits.upper) - total) * per
    publishable = (total >= BYARS_MINIMUM_COUNT) & ~np.isnan(value)
    return value, lower, upper, total, publishable


def dsr_rows(cells: pd.DataFrame, tree: AreaTree) -> pd.DataFrame:
    """Age-standardised rates per 100,000 (ESP2013, Dobson with Byar's limits) of the
    DSR activities, for the whole area and by sex, IMD decile, ethnicity and Core20.

    Out: aggregate rows `dsr:<activity>` (numerator = events, denominator = people).
    `publishable` is False below 10 events or where an age band has no people; the
    figures are kept for analysts but pages and the API do not show them."""
    parts = []
    source = with_core20(cells)
    for breakdown, dim in DSR_BREAKDOWNS:
        dims = [dim] if dim else []
        table = by_area(source, [*dims, "age_band"], ["people", *m.DSR_ACTIVITY], tree)
        if dim == "core20":
            table = table[table["core20"] < 2]
        groups, band_table = _band_matrix(table, dims)
        population = band_table("people")
        for activity in m.DSR_ACTIVITY:
            counts = band_table(activity)
            v, l95, u95, total, publishable = dobson_dsr(counts, population, 0.95)
            _, l998, u998, _, _ = dobson_dsr(counts, population, 0.998)
            method = np.where(total < BYARS_MINIMUM_COUNT, "Dobson (Exact)", "Dobson (Byars)")
            parts.append(
                aggregate_rows(
                    groups,
                    measure=f"dsr:{activity}",
                    breakdown=breakdown,
                    dim=dim,
                    numerator=total,
                    denominator=population.sum(axis=1),
                    value=v,
                    limits95=(l95, u95),
                    limits998=(l998, u998),
                    unit=m.UNIT_PER_100K,
                    method=method,
                    publishable=publishable,
                )
            )
    return combine(parts)


def _band_matrix(table: pd.DataFrame, dims: list[str]):
    """The groups (area and dims) of an age-band table, and a function giving a column
    as a (groups × 19) matrix with zeros for bands nobody is in."""
    keys = ["area", *dims]
    groups = table[keys].drop_duplicates().reset_index(drop=True)
    row = pd.MultiIndex.from_frame(groups).get_indexer(pd.MultiIndex.from_frame(table[keys]))
    band = table["age_band"].to_numpy(dtype=np.int64)

    def matrix(column: str) -> np.ndarray:
        out = np.zeros((len(groups), 19))
        out[row, band] = table[column].to_numpy(dtype=np.float64)
        return out

    return groups, matrix


def expected_contacts(cells: pd.DataFrame, activity: str) -> np.ndarray:
    """Each cell's expected `activity` if it used services at the ICB-wide rate of people
    of its age band, sex and number of long-term conditions (0, 1, 2, 3, 4+).

    In: the cube (age_band, sex, ltc_group, people, the activity). Out: an array aligned
    with the cube's rows (people × reference rate)."""
    keys = ["age_band", "sex", "ltc_group"]
    reference = cells.groupby(keys, sort=False)[["people", activity]].sum()
    rate = reference[activity] / reference["people"]
    lookup = pd.MultiIndex.from_frame(cells[keys])
    return cells["people"].to_numpy() * rate.reindex(lookup).to_numpy()


def isr_rows(cells: pd.DataFrame, tree: AreaTree) -> pd.DataFrame:
    """Use of primary (GP) and community care against need: indirectly standardised
    ratios of observed to expected contacts (100 = as expected), expected from ICB-wide
    rates by age band × sex × number of long-term conditions (expected_contacts).

    Out: aggregate rows `isr:<activity>` for the whole area and by IMD decile and
    ethnicity (numerator = observed contacts, denominator = expected), with limits on the
    observed count (exact below 10, Byar's from 10). At the ICB as a whole the ratio is
    100 by construction; its breakdowns are not."""
    columns = {f"expected:{a}": expected_contacts(cells, a) for a in m.ISR_ACTIVITY}
    source = cells.assign(**columns)
    parts = []
    # Not by sex or age: they are standardised for, so their ratios are 100 by design.
    breakdowns = [(m.WHOLE, None), (m.IMD_DECILE, "imd_decile"), (m.ETHNICITY, "ethnicity")]
    sums = [*m.ISR_ACTIVITY, *columns]
    for breakdown, dim in breakdowns:
        table = by_area(source, [dim] if dim else [], sums, tree)
        for activity in m.ISR_ACTIVITY:
            observed, expected = table[activity], table[f"expected:{activity}"]
            i95 = indirectly_standardised_ratio(observed, expected, 0.95, per=100)
            i998 = indirectly_standardised_ratio(observed, expected, 0.998, per=100)
            parts.append(
                aggregate_rows(
                    table,
                    measure=f"isr:{activity}",
                    breakdown=breakdown,
                    dim=dim,
                    numerator=observed,
                    denominator=expected,
                    value=i95.value,
                    limits95=(i95.lower, i95.upper),
                    limits998=(i998.lower, i998.upper),
                    unit=m.UNIT_RATIO,
                    method=ISR_METHOD,
                )
            )
    return combine(parts)
