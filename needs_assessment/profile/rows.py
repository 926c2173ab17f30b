"""The shape of aggregate rows, as the profile's pure functions return them.

Every function that computes aggregates returns a DataFrame with AGGREGATE_COLUMNS, one
row per ProfileAggregate the worker will write (area is the Area id).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from needs_assessment.profile import cube

NOT_COMPARED = "not_compared"
AGGREGATE_COLUMNS = [
    "area",
    "measure",
    "breakdown",
    "category",
    "numerator",
    "denominator",
    "value",
    "lower95",
    "upper95",
    "lower998",
    "upper998",
    "unit",
    "method",
    "comparison95",
    "comparison998",
    "publishable",
]
FLOAT_COLUMNS = ["numerator", "denominator", "value", "lower95", "upper95", "lower998", "upper998"]


def aggregate_rows(
    table: pd.DataFrame,
    *,
    measure: str,
    breakdown: str,
    dim: str | None,
    value,
    category=None,
    unit: str,
    method: str = "",
    numerator=None,
    denominator=None,
    limits95=(None, None),
    limits998=(None, None),
    publishable=True,
) -> pd.DataFrame:
    """Rows for each line of `table` (which has `area` and, unless `dim` is None, the
    breakdown's code column `dim`, whose codes become the category text, unless
    `category` gives the text). Array arguments align with `table`; None means no figure
    (stored as null)."""
    n = len(table)
    if category is not None:
        category = np.asarray(category, dtype=object)
    elif dim:
        category = cube.category_labels(dim, table[dim])
    else:
        category = np.full(n, "", dtype=object)
    columns = {
        "area": table["area"].to_numpy(dtype=np.int64),
        "measure": np.full(n, measure, dtype=object),
        "breakdown": np.full(n, breakdown, dtype=object),
        "category": category,
        "numerator": _floats(numerator, n),
        "denominator": _floats(denominator, n),
        "value": _floats(value, n),
        "lower95": _floats(limits95[0], n),
        "upper95": _floats(limits95[1], n),
        "lower998": _floats(limits998[0], n),
        "upper998": _floats(limits998[1], n),
        "unit": np.full(n, unit, dtype=object),
        "method": _texts(method, n),
        "comparison95": np.full(n, NOT_COMPARED, dtype=object),
        "comparison998": np.full(n, NOT_COMPARED, dtype=object),
        "publishable": np.broadcast_to(np.asarray(publishable, dtype=bool), (n,)).copy(),
    }
    return pd.DataFrame(columns)


def _floats(values, n: int) -> np.ndarray:
    if values is None:
        return np.full(n, np.nan)
    array = np.asarray(values, dtype=np.float64)
    return np.broadcast_to(array, (n,)).copy()


def _texts(values, n: int) -> np.ndarray:
    if isinstance(values, str):
        return np.full(n, values, dtype=object)
    return np.asarray(values, dtype=object)


def empty_rows() -> pd.DataFrame:
    """No rows, with the right columns."""
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in AGGREGATE_COLUMNS})
    return frame.astype(dict.fromkeys(FLOAT_COLUMNS, np.float64) | {"area": np.int64})


def combine(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate row frames (skipping empty ones)."""
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else empty_rows()
