"""Inequality: the slope and relative index of inequality across IMD deciles, and the
gap between Core20 (IMD deciles 1-2) and everyone else.

Pure functions over aggregate rows already computed (rows.py): the DSRs and prevalences
by IMD decile and by Core20. commissioning.stats.slope_index_of_inequality does the SII
and RII (as PHEindicatormethods' phe_sii); the Core20 gap is a difference with MOVER
limits (Zou & Donner 2008; for two proportions with Wilson limits this is Newcombe's
method 10).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from commissioning.stats import slope_index_of_inequality
from needs_assessment.profile import measures as m
from needs_assessment.profile.rows import aggregate_rows, combine

#: Monte Carlo draws for the SII limits. phe_sii's default is 100,000; 10,000 keeps the
#: 95% limits within about 1% of theirs and makes each SII ~15 times faster.
SII_REPETITIONS = 10_000
SII_SEED = 2013
DECILES = [str(d) for d in range(1, 11)]


def sii_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """SII and RII of each INEQUALITY_MEASURES measure in each area that has people in
    all ten IMD deciles and a usable value in each.

    In: aggregate rows with the measures' breakdown "imd_decile" rows. Out: aggregate
    rows `sii:<measure>` (in the measure's unit; least minus most deprived end, so
    negative when the most deprived have more) and `rii:<measure>` (a ratio), each with
    95% and 99.8% limits. DSRs are simulated on the log scale and prevalences on the
    logit scale (value_type "rate" and "proportion"). Areas missing a decile, or with an
    unpublishable DSR or a prevalence of 0% or 100% in one, get no row."""
    wanted = rows[
        (rows["breakdown"] == m.IMD_DECILE)
        & rows["measure"].isin(m.INEQUALITY_MEASURES)
        & rows["category"].isin(DECILES)
    ]
    out = []
    for (area, measure), group in wanted.groupby(["area", "measure"], sort=True):
        result = _sii(group, measure)
        if result is not None:
            out.append(_sii_records(area, measure, group["unit"].iloc[0], *result))
    return combine(out)


def _sii(group: pd.DataFrame, measure: str):
    if len(group) != len(DECILES) or not group["publishable"].all():
        return None
    proportion = measure.startswith("prevalence:")
    scale = 100.0 if proportion else 1.0
    frame = pd.DataFrame(
        {
            "quantile": group["category"].astype(int).to_numpy(),
            "value": group["value"].to_numpy() / scale,
            "population": group["denominator"].to_numpy(),
            "lower": group["lower95"].to_numpy() / scale,
            "upper": group["upper95"].to_numpy() / scale,
        }
    )
    values = frame["value"]
    if (frame["population"] <= 0).any() or values.isna().any():
        return None
    if (values <= 0).any() or (proportion and (values >= 1).any()):
        return None
    value_type = "proportion" if proportion else "rate"
    results = [
        slope_index_of_inequality(
            frame,
            confidence=level,
            repetitions=SII_REPETITIONS,
            seed=SII_SEED,
            value_type=value_type,
        )
        for level in (0.95, 0.998)
    ]
    return results[0], results[1], scale


def _sii_records(area, measure: str, unit: str, r95, r998, scale: float) -> pd.DataFrame:
    table = pd.DataFrame({"area": [area, area]})
    method = f"SII/RII, Monte Carlo ({SII_REPETITIONS:,} draws)"
    sii = aggregate_rows(
        table.iloc[:1],
        measure=f"sii:{measure}",
        breakdown=m.WHOLE,
        dim=None,
        value=r95.sii * scale,
        limits95=(r95.sii_lower * scale, r95.sii_upper * scale),
        limits998=(r998.sii_lower * scale, r998.sii_upper * scale),
        unit=unit,
        method=method,
    )
    rii = aggregate_rows(
        table.iloc[:1],
        measure=f"rii:{measure}",
        breakdown=m.WHOLE,
        dim=None,
        value=r95.rii,
        limits95=(r95.rii_lower, r95.rii_upper),
        limits998=(r998.rii_lower, r998.rii_upper),
        unit=m.UNIT_INDEX,
        method=method,
    )
    return combine([sii, rii])


def mover_difference(p1, l1, u1, p2, l2, u2):
    """The difference p1 - p2 with MOVER limits from each estimate's own limits:
    lower = d - sqrt((p1 - l1)² + (u2 - p2)²), upper = d + sqrt((u1 - p1)² + (p2 - l2)²).
    Vectorised; NaN in gives NaN out."""
    p1, l1, u1, p2, l2, u2 = (np.asarray(x, dtype=np.float64) for x in (p1, l1, u1, p2, l2, u2))
    difference = p1 - p2
    lower = difference - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    upper = difference + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return difference, lower, upper


def core20_gap_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Core20 minus the rest, for each INEQUALITY_MEASURES measure in each area that has
    both groups (and, for DSRs, both publishable).

    In: aggregate rows with breakdown "core20" (categories Core20 and Rest). Out:
    aggregate rows `core20_gap:<measure>` in the measure's unit (positive when Core20 is
    higher) with MOVER 95% and 99.8% limits; numerator and denominator hold the Core20
    and the rest's values."""
    wanted = rows[(rows["breakdown"] == m.CORE20) & rows["measure"].isin(m.INEQUALITY_MEASURES)]
    wanted = wanted[wanted["publishable"] & wanted["value"].notna()]
    core = wanted[wanted["category"] == m.CORE20_LABEL].set_index(["area", "measure"])
    rest = wanted[wanted["category"] == m.REST_LABEL].set_index(["area", "measure"])
    both = core.merge(rest, left_index=True, right_index=True, suffixes=("_c", "_r"))
    if both.empty:
        return combine([])
    d95 = mover_difference(
        *(both[f"{c}_{s}"] for s in "cr" for c in ("value", "lower95", "upper95"))
    )
    d998 = mover_difference(
        *(both[f"{c}_{s}"] for s in "cr" for c in ("value", "lower998", "upper998"))
    )
    table = both.reset_index()
    parts = []
    for measure, index in table.groupby("measure").groups.items():
        part = table.loc[index]
        parts.append(
            aggregate_rows(
                part,
                measure=f"core20_gap:{measure}",
                breakdown=m.WHOLE,
                dim=None,
                value=d95[0][index],
                numerator=part["value_c"],
                denominator=part["value_r"],
                limits95=(d95[1][index], d95[2][index]),
                limits998=(d998[1][index], d998[2][index]),
                unit=part["unit_c"].iloc[0],
                method="Core20 minus the rest, MOVER limits",
            )
        )
    return combine(parts)
