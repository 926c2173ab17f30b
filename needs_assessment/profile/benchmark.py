"""Benchmarking: each area against its parent, at 95% and 99.8%, aware of polarity.

The method is Fingertips': an area is significantly higher (lower) than its comparator
when its whole confidence interval lies above (below) the comparator's value. A measure
with a polarity (from the indicator library, measures.polarity) turns higher and lower
into worse and better; one without says higher, lower or similar. Places are compared
with the ICB and neighbourhoods with their place, for the same measure, breakdown and
category. Some measures have a fixed comparator instead of the parent: a ratio of use to
need with 100 (as expected), an SII or a Core20 gap with 0 (no gap), an RII with 1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from needs_assessment.profile import measures as m
from needs_assessment.profile.rows import NOT_COMPARED

FIXED_COMPARATORS = {"isr": 100.0, "sii": 0.0, "core20_gap": 0.0, "rii": 1.0}
KEYS = ["measure", "breakdown", "category"]


def classify(lower, upper, comparator, polarity) -> np.ndarray:
    """Comparison labels for intervals [lower, upper] against comparator values.

    `polarity` is one polarity for all, or one per interval. Out: "higher"/"lower"/
    "similar" for a neutral polarity, "better"/"worse"/"similar" where higher ("higher")
    or lower ("lower") is better, and "not_compared" where a limit or the comparator is
    missing."""
    lower, upper, comparator = (np.asarray(x, dtype=np.float64) for x in (lower, upper, comparator))
    polarity = np.broadcast_to(np.asarray(polarity, dtype=object), lower.shape)
    above = lower > comparator
    below = upper < comparator
    missing = np.isnan(lower) | np.isnan(upper) | np.isnan(comparator)
    high = np.select(
        [polarity == m.HIGHER_IS_BETTER, polarity == m.LOWER_IS_BETTER],
        ["better", "worse"],
        "higher",
    )
    low = np.select(
        [polarity == m.HIGHER_IS_BETTER, polarity == m.LOWER_IS_BETTER],
        ["worse", "better"],
        "lower",
    )
    labels = np.where(above, high, np.where(below, low, "similar")).astype(object)
    labels[missing] = NOT_COMPARED
    return labels


def comparator_values(rows: pd.DataFrame, parents: dict[int, int]) -> np.ndarray:
    """The value each row is compared with: its parent area's value for the same measure,
    breakdown and category (NaN where there is none, e.g. for the ICB), or the fixed
    comparator of ratio, SII and gap measures."""
    parent = rows["area"].map(parents)
    lookup = rows.set_index(["area", *KEYS])["value"]
    lookup = lookup[~lookup.index.duplicated()]
    keys = pd.MultiIndex.from_arrays([parent.fillna(-1).astype(np.int64), *(rows[k] for k in KEYS)])
    values = lookup.reindex(keys).to_numpy(dtype=np.float64)
    kind = rows["measure"].str.partition(":")[0]
    for prefix, fixed in FIXED_COMPARATORS.items():
        values = np.where(kind == prefix, fixed, values)
    return values


def benchmark(rows: pd.DataFrame, parents: dict[int, int]) -> pd.DataFrame:
    """Fill comparison95 and comparison998 of aggregate rows.

    In: aggregate rows (rows.py) and each place's and neighbourhood's parent id. Rows
    without limits, unpublishable rows and rows with no comparator stay "not_compared".
    Out: a copy with the two columns filled."""
    out = rows.copy()
    comparator = comparator_values(out, parents)
    publishable = out["publishable"].to_numpy(dtype=bool)
    codes = out["measure"]
    direction = codes.map({code: m.polarity(code) for code in codes.unique()}).to_numpy(object)
    comparison95 = classify(out["lower95"], out["upper95"], comparator, direction)
    comparison998 = classify(out["lower998"], out["upper998"], comparator, direction)
    comparison95[~publishable] = NOT_COMPARED
    comparison998[~publishable] = NOT_COMPARED
    out["comparison95"] = comparison95
    out["comparison998"] = comparison998
    return out
