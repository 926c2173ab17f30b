"""Person-level features for risk stratification, from one period's rows.

Vectorised and memory-lean: flags stay one byte, numbers are float32 and text columns
become categoricals with fixed category lists, so that 3 million people take about
220 MB and the same code always means the same thing in every period.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from commissioning.models.population import (
    ACTIVITY_COUNTS,
    ETHNICITY_GROUPS,
    FRAILTY_CATEGORIES,
    LTC_FLAGS,
    OTHER_FLAGS,
    SEX_CODES,
)
from commissioning.stats import age_band_esp2013

#: Columns a period's person rows must have (other columns are ignored).
PERSON_COLUMNS = [
    "pseudo_id",
    "age",
    "sex",
    "ethnicity",
    "imd_decile",
    *LTC_FLAGS,
    "frailty",
    *OTHER_FLAGS,
    *ACTIVITY_COUNTS,
    "cost",
]

IMD_QUINTILES = ["1 (most deprived)", "2", "3", "4", "5 (least deprived)", "unknown"]

#: The features the models use, in matrix order. Age band, IMD quintile and untransformed
#: cost are left out: trees split on quantile bins, so a band of age or a log of cost adds
#: nothing the model does not already see, and only costs time.
MODEL_FEATURES = [
    "age",
    "sex",
    "ethnicity",
    "imd_decile",
    *LTC_FLAGS,
    "ltc_count",
    "frailty",
    *OTHER_FLAGS,
    *ACTIVITY_COUNTS,
    "log_cost",
]
CATEGORICAL_FEATURES = ["sex", "ethnicity"]


def require_columns(people: pd.DataFrame, columns: list[str], what: str) -> None:
    """Raise ValueError naming every column of `columns` that `people` lacks."""
    missing = [c for c in columns if c not in people.columns]
    if missing:
        raise ValueError(f"{what} is missing columns: {', '.join(missing)}")


def build_features(people: pd.DataFrame) -> pd.DataFrame:
    """The model features of one period's person rows, one row per person.

    In (PERSON_COLUMNS): pseudo_id; age (years); sex (F, M, I, U); ethnicity (white,
    mixed, asian, black, other, unknown); imd_decile (1-10 of the person's LSOA, 1 most
    deprived; missing allowed); the 16 LTC flags and 4 other flags (0/1 or bool); frailty
    (0-3 or fit, mild, moderate, severe); the 8 activity counts; cost (£, float or
    Decimal). Unknown sex, ethnicity or frailty codes raise ValueError.

    Out, on the same index: age (float32), age_band (ESP2013 band, ordered categorical),
    sex and ethnicity (categoricals with the fixed code lists), imd_decile (float32, NaN
    when unknown), imd_quintile (categorical IMD_QUINTILES), the flags (uint8), ltc_count
    (uint8), frailty (float32, 0-3), the activity counts (float32), cost and log_cost
    (float32, log_cost = ln(1 + cost)).
    """
    require_columns(people, PERSON_COLUMNS, "person frame")
    age = pd.to_numeric(people["age"]).to_numpy(dtype=np.float32)
    features = {
        "age": age,
        "age_band": age_band_esp2013(age.astype(np.float64)).array,
        "sex": _fixed_categorical(people["sex"], SEX_CODES, "sex"),
        "ethnicity": _fixed_categorical(people["ethnicity"], ETHNICITY_GROUPS, "ethnicity"),
    }
    imd = pd.to_numeric(people["imd_decile"]).to_numpy(dtype=np.float32, na_value=np.nan)
    features["imd_decile"] = imd
    features["imd_quintile"] = _imd_quintile(imd)
    flags = {name: _flag(people[name]) for name in LTC_FLAGS}
    features.update(flags)
    features["ltc_count"] = np.sum(list(flags.values()), axis=0, dtype=np.uint8)
    features["frailty"] = _frailty(people["frailty"])
    features.update({name: _flag(people[name]) for name in OTHER_FLAGS})
    for name in ACTIVITY_COUNTS:
        features[name] = pd.to_numeric(people[name]).to_numpy(dtype=np.float32)
    cost = pd.to_numeric(people["cost"]).to_numpy(dtype=np.float64)
    features["cost"] = cost.astype(np.float32)
    features["log_cost"] = np.log1p(np.maximum(cost, 0)).astype(np.float32)
    return pd.DataFrame(features, index=people.index)


def model_matrix(features: pd.DataFrame) -> np.ndarray:
    """MODEL_FEATURES as a float32 matrix; categoricals as their codes, NaN for missing.

    The category lists are fixed (see build_features), so a code means the same group in
    every period and the models can be told which columns are categorical."""
    matrix = np.empty((len(features), len(MODEL_FEATURES)), dtype=np.float32)
    for i, name in enumerate(MODEL_FEATURES):
        column = features[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            codes = column.cat.codes.to_numpy().astype(np.float32)
            codes[codes < 0] = np.nan
            matrix[:, i] = codes
        else:
            matrix[:, i] = column.to_numpy(dtype=np.float32, na_value=np.nan)
    return matrix


def categorical_mask() -> np.ndarray:
    """Which columns of model_matrix are categorical (for HistGradientBoosting)."""
    return np.array([name in CATEGORICAL_FEATURES for name in MODEL_FEATURES])


def _fixed_categorical(values: pd.Series, categories: list[str], name: str) -> pd.Categorical:
    unknown = ~(values.isin(categories) | values.isna())
    if unknown.any():
        examples = sorted({str(v) for v in values[unknown].unique()[:5]})
        raise ValueError(f"{name} has codes outside {', '.join(categories)}: {', '.join(examples)}")
    return pd.Categorical(values, categories=categories)


def _imd_quintile(decile: np.ndarray) -> pd.Categorical:
    if np.any((decile < 1) | (decile > 10)):
        raise ValueError("imd_decile must be from 1 to 10 (or missing)")
    codes = np.where(np.isnan(decile), 5, np.ceil(decile / 2) - 1).astype(np.int8)
    return pd.Categorical.from_codes(codes, categories=IMD_QUINTILES)


def _flag(values: pd.Series) -> np.ndarray:
    return values.to_numpy(dtype=np.uint8)


def _frailty(values: pd.Series) -> np.ndarray:
    """Frailty as 0-3, from the stored small integers or from the category names."""
    plain = pd.Series(np.asarray(values))
    if pd.api.types.is_numeric_dtype(plain):
        numbers = plain.to_numpy(dtype=np.float32)
    else:
        numbers = pd.Categorical(plain, categories=FRAILTY_CATEGORIES).codes.astype(np.float32)
        numbers[numbers < 0] = np.nan
    if np.any(~((numbers >= 0) & (numbers <= 3))):
        raise ValueError(f"frailty must be 0-3 or one of {', '.join(FRAILTY_CATEGORIES)}")
    return numbers
