"""Age standardisation: the 2013 European Standard Population, DSRs and ISRs.

Directly standardised rates follow PHEindicatormethods ``calculate_dsr`` (formerly
``phe_dsr``); indirectly standardised ratios follow ``calculate_ISRatio`` (formerly
``phe_smr`` / ``phe_isr``). Age bands are matched by the caller: the frames and vectors
passed in must describe the same bands.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from commissioning.stats.intervals import (
    BYARS_MINIMUM_COUNT,
    ArrayLike,
    Interval,
    as_float_array,
    count_interval,
    unwrap,
)

#: The 19 five-year bands of ESP2013, labelled as in population_summary.AGE_LABELS.
ESP2013_BANDS: tuple[str, ...] = (*(f"{lo}-{lo + 4}" for lo in range(0, 90, 5)), "90+")
ESP2013_WEIGHTS: tuple[int, ...] = (
    5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000,
    7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000,
)  # fmt: skip

DSR_COLUMNS = ("count", "population", "standard_population")


def european_standard_population_2013() -> pd.Series:
    """The 2013 European Standard Population: 19 bands, 0-4 to 90+, totalling 100,000.

    Returns a Series named ``standard_population`` indexed by band label ("0-4", ...,
    "85-89", "90+"; index name ``age_band``).

    Reference: Eurostat (2013) Revision of the European Standard Population, Report of
    Eurostat's task force; PHEindicatormethods ``esp2013``.
    """
    index = pd.Index(ESP2013_BANDS, name="age_band")
    return pd.Series(ESP2013_WEIGHTS, index=index, name="standard_population")


def age_band_esp2013(ages: ArrayLike) -> Any:
    """The ESP2013 band label for ages in completed years (0-4, 5-9, ..., 85-89, 90+).

    A scalar age gives a label (None for a missing age); array-likes give an ordered
    categorical Series (keeping a Series' index). Fractional ages are floored; negative
    ages raise ValueError.
    """
    scalar = np.ndim(ages) == 0
    values = as_float_array(ages, "age")
    bins = [*range(0, 95, 5), math.inf]
    bands = pd.cut(np.atleast_1d(values), bins=bins, right=False, labels=list(ESP2013_BANDS))
    if scalar:
        label = bands[0]
        return None if pd.isna(label) else str(label)
    index = ages.index if isinstance(ages, pd.Series) else None
    return pd.Series(bands, index=index, name="age_band")


@dataclass(frozen=True)
class StandardisedRate:
    """A directly standardised rate with its Dobson confidence limits.

    ``publishable`` is False when the total count is under 10: the value and limits are
    still computed (with exact limits on the total count) so that analysts can see them,
    but they must not be shown or published. PHEindicatormethods returns NA instead.
    """

    value: float
    lower: float
    upper: float
    total_count: float
    total_population: float
    publishable: bool
    method: str

    def as_dict(self) -> dict:
        return asdict(self)


def _dsr_inputs(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    missing = [c for c in DSR_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"a DSR needs columns {', '.join(DSR_COLUMNS)}; missing {missing}")
    if frame.empty:
        raise ValueError("a DSR needs at least one age band")
    for column in ("population", "standard_population"):
        if frame[column].isna().any():
            raise ValueError(f"{column} must not be missing in any age band")
    # PHEindicatormethods treats a missing count as no events.
    counts = as_float_array(frame["count"].fillna(0), "count")
    population = as_float_array(frame["population"], "population")
    weights = as_float_array(frame["standard_population"], "standard_population")
    return counts, population, weights


def directly_standardised_rate(
    frame: pd.DataFrame, per: float = 100_000, confidence: float = 0.95
) -> StandardisedRate:
    """A directly standardised rate (DSR) with Dobson confidence limits.

    In: one row per age band with columns ``count`` (events; missing = 0),
    ``population`` and ``standard_population`` (e.g. ESP2013 weights, joined on band).
    With x_i events, n_i people and weight w_i in band i, W = Σw_i and O = Σx_i:

        DSR = Σ(w_i x_i / n_i) / W × per
        var = Σ(x_i (w_i / n_i)²) / W²
        limit = DSR + √(var / O) × (O_limit − O) × per

    where O_lower/O_upper are Byar's limits on the total count O (exact limits below 10;
    the result is then flagged ``publishable=False``). A band with zero population makes
    the rate NaN, as does a total count of zero for the limits (the value is then 0).

    Reference: Dobson A et al (1991) Stat Med 10:457-462; Breslow & Day (1987);
    Fingertips Public Health Technical Guidance, "DSRs"; PHEindicatormethods
    ``calculate_dsr``. Publication threshold: Morris JK et al (2018) Popul Health Metr
    16:9 ("DSRs should not be given when the total observed number of events is less
    than 10").
    """
    counts, population, weights = _dsr_inputs(frame)
    total = float(counts.sum())
    total_weight = float(weights.sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        band_weight = np.where(population == 0, np.nan, weights / population)
        value = float(np.sum(counts * band_weight) / total_weight * per)
        variance = float(np.sum(counts * band_weight**2) / total_weight**2)
        limits = count_interval(total, confidence)
        spread = math.sqrt(variance / total) if total > 0 else math.nan
    return StandardisedRate(
        value=value,
        lower=value + spread * (limits.lower - total) * per,
        upper=value + spread * (limits.upper - total) * per,
        total_count=total,
        total_population=float(population.sum()),
        publishable=total >= BYARS_MINIMUM_COUNT and not math.isnan(value),
        method=f"Dobson ({limits.method})",
    )


def directly_standardised_rates(
    frame: pd.DataFrame, by: str | list[str], per: float = 100_000, confidence: float = 0.95
) -> pd.DataFrame:
    """One DSR per group (e.g. per place or per year); see ``directly_standardised_rate``.

    In: the DSR columns plus the ``by`` column(s). Out: one row per group with the ``by``
    columns and value, lower, upper, total_count, total_population, publishable, method.
    """
    keys = [by] if isinstance(by, str) else list(by)
    rows = []
    for key, group in frame.groupby(keys, sort=True, dropna=False):
        result = directly_standardised_rate(group, per=per, confidence=confidence)
        rows.append({**dict(zip(keys, key, strict=True)), **result.as_dict()})
    return pd.DataFrame(rows)


def expected_count(population: ArrayLike, reference_rate: ArrayLike, per: float = 1) -> float:
    """Expected events if the reference rates applied: Σ population_i × rate_i / per.

    ``reference_rate`` is events per ``per`` people in each age band of the reference
    population (e.g. England's rate per 100,000 with per=100_000, or reference count /
    reference population with per=1). Two Series are matched on their index and must
    cover the same bands; anything else is matched by position. Missing values count as
    zero, as in PHEindicatormethods.

    Reference: Fingertips Public Health Technical Guidance, "ISRs"; PHEindicatormethods
    ``calculate_ISRatio`` (exp_x = x_ref / n_ref × n).
    """
    if isinstance(population, pd.Series) and isinstance(reference_rate, pd.Series):
        unmatched = population.index.symmetric_difference(reference_rate.index)
        if len(unmatched):
            raise ValueError(f"population and reference rates differ in bands {list(unmatched)}")
        reference_rate = reference_rate.reindex(population.index)
    people = as_float_array(population, "population")
    rates = as_float_array(reference_rate, "reference_rate")
    if people.shape != rates.shape:
        raise ValueError("population and reference rates must have one value per age band")
    return float(np.nansum(people * rates) / per)


def indirectly_standardised_ratio(
    observed: ArrayLike, expected: ArrayLike, confidence: float = 0.95, per: float = 100
) -> Interval:
    """An indirectly standardised ratio (ISR, or SMR for deaths) with its limits.

    value = O / E × per; limits = O_lower / E × per and O_upper / E × per, with the
    limits on the observed count O from ``count_interval`` (exact below 10, Byar's from
    10). ``per`` = 100 gives the conventional SMR scale (100 = as expected); use per=1
    for PHEindicatormethods' default ``refvalue``. E = 0 gives NaN. Vectorised.

    Reference: Breslow & Day (1987); Armitage & Berry (2002); Fingertips Public Health
    Technical Guidance, "ISRs"; PHEindicatormethods ``calculate_ISRatio``.
    """
    limits = count_interval(observed, confidence)
    e = as_float_array(expected, "expected")
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = per / np.where(e == 0, np.nan, e)
        value = np.asarray(limits.value) * scale
        lower = np.asarray(limits.lower) * scale
        upper = np.asarray(limits.upper) * scale
    return Interval(unwrap(value), unwrap(lower), unwrap(upper), limits.method)
