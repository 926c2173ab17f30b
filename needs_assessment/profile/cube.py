"""Group the people once into a cube of small cells, then roll cells up to areas.

Three million person rows become a few hundred thousand cells (neighbourhood × age band ×
sex × IMD decile × ethnic group × number of long-term conditions), each holding the
number of people, of people with each condition, of each kind of activity and the cost.
Every aggregate of the profile is then a sum over cells: cheap, and the same numbers
whichever breakdown asks. Grouping uses one integer key per person and `np.bincount`,
which is several times faster than a multi-key pandas groupby.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from commissioning.models.population import ACTIVITY_COUNTS, ETHNICITY_GROUPS, LTC_FLAGS, SEX_CODES
from commissioning.stats import ESP2013_BANDS
from needs_assessment.profile import measures as m

LTC_GROUPS = ["0", "1", "2", "3", "4+"]
#: Cube keys and how many codes each has (IMD decile code 0 is "not known").
KEY_SIZES = {
    "age_band": len(ESP2013_BANDS),
    "sex": len(SEX_CODES),
    "imd_decile": 11,
    "ethnicity": len(ETHNICITY_GROUPS),
    "ltc_group": len(LTC_GROUPS),
}
SUM_COLUMNS = ["people", *LTC_FLAGS, m.MULTIPLE_LTC, *ACTIVITY_COUNTS, "cost"]
#: Columns a person frame needs for the cube.
PERSON_COLUMNS = ["age", "sex", "ethnicity", "neighbourhood_id", "imd_decile", *LTC_FLAGS]
PERSON_COLUMNS += [*ACTIVITY_COUNTS, "cost"]


@dataclass(frozen=True)
class AreaTree:
    """The ICB's places and neighbourhoods: `neighbourhoods` (area ids, in cube code
    order), `places` (the place id of each neighbourhood) and `icb` (the ICB's id)."""

    icb: int
    neighbourhoods: np.ndarray
    places: np.ndarray

    @classmethod
    def from_pairs(cls, icb: int, pairs: list[tuple[int, int]]) -> AreaTree:
        """From (neighbourhood id, place id) pairs."""
        ordered = sorted(pairs)
        return cls(
            icb=icb,
            neighbourhoods=np.array([n for n, _ in ordered], dtype=np.int64),
            places=np.array([p for _, p in ordered], dtype=np.int64),
        )

    def parents(self) -> dict[int, int]:
        """Each place's and neighbourhood's parent area id."""
        parents = {int(p): self.icb for p in self.places}
        parents.update(zip(self.neighbourhoods.tolist(), self.places.tolist(), strict=True))
        return parents

    def neighbourhood_codes(self, ids: pd.Series) -> np.ndarray:
        """Cube codes of neighbourhood ids; unknown ids raise ValueError."""
        codes = pd.Index(self.neighbourhoods).get_indexer(pd.to_numeric(ids).to_numpy())
        if (codes < 0).any():
            unknown = sorted(set(pd.Series(ids)[codes < 0].astype(str)))[:5]
            raise ValueError(f"people live in neighbourhoods outside the ICB: {unknown}")
        return codes


def person_codes(people: pd.DataFrame, tree: AreaTree) -> dict[str, np.ndarray]:
    """The cube key codes of each person.

    In: PERSON_COLUMNS (age in years; sex F/M/I/U; ethnicity one of ETHNICITY_GROUPS;
    neighbourhood_id; imd_decile 1-10 or missing; LTC flags 0/1). Out: one int array per
    key: neighbourhood (code in tree order), age_band (0-18, ESP2013), sex, imd_decile
    (0 = not known), ethnicity, ltc_group (0, 1, 2, 3, 4 or more conditions)."""
    missing = [c for c in PERSON_COLUMNS if c not in people.columns]
    if missing:
        raise ValueError(f"person frame is missing columns: {', '.join(missing)}")
    age = pd.to_numeric(people["age"]).to_numpy()
    if (age < 0).any():
        raise ValueError("ages must not be negative")
    imd = pd.to_numeric(people["imd_decile"]).to_numpy(dtype=np.float64, na_value=np.nan)
    ltc_count = ltc_counts(people)
    return {
        "neighbourhood": tree.neighbourhood_codes(people["neighbourhood_id"]),
        "age_band": np.minimum(age // 5, len(ESP2013_BANDS) - 1).astype(np.int64),
        "sex": _fixed_codes(people["sex"], SEX_CODES, "sex"),
        "imd_decile": np.nan_to_num(imd, nan=0.0).astype(np.int64),
        "ethnicity": _fixed_codes(people["ethnicity"], ETHNICITY_GROUPS, "ethnicity"),
        "ltc_group": np.minimum(ltc_count, len(LTC_GROUPS) - 1).astype(np.int64),
    }


def ltc_counts(people: pd.DataFrame) -> np.ndarray:
    """How many of the 16 long-term conditions each person has (uint8)."""
    total = np.zeros(len(people), dtype=np.uint8)
    for flag in LTC_FLAGS:
        total += people[flag].to_numpy(dtype=np.uint8)
    return total


def _fixed_codes(values: pd.Series, categories: list[str], name: str) -> np.ndarray:
    codes = pd.Categorical(values, categories=categories).codes
    if (codes < 0).any():
        raise ValueError(f"{name} must be one of {', '.join(categories)}")
    return codes.astype(np.int64)


def group_sums(keys: dict[str, np.ndarray], sizes: dict[str, int], values: dict) -> pd.DataFrame:
    """Sum `values` (name -> per-person array, or None to count people) over each
    combination of `keys` present. Arrays are passed as they are (uint8 flags, say):
    bincount converts one column at a time, so memory stays near one float column.

    Out: one row per combination with the key columns (int codes) and one float column
    per value."""
    key = np.zeros(len(next(iter(keys.values()))), dtype=np.int64)
    for name, codes in keys.items():
        key = key * sizes[name] + codes
    inverse, uniques = pd.factorize(key, sort=True)
    cells = {}
    remainder = uniques.astype(np.int64)
    for name in reversed(list(keys)):
        remainder, cells[name] = np.divmod(remainder, sizes[name])
    frame = pd.DataFrame({name: cells[name] for name in keys})
    for name, column in values.items():
        weights = None if column is None else np.asarray(column)
        frame[name] = np.bincount(inverse, weights=weights, minlength=len(uniques)).astype(
            np.float64
        )
    return frame


def build_cube(people: pd.DataFrame, tree: AreaTree, codes: dict | None = None) -> pd.DataFrame:
    """The cube: people summed by neighbourhood × age band × sex × IMD decile × ethnicity
    × number of conditions.

    In: PERSON_COLUMNS (see person_codes). Out: the key columns (codes) and SUM_COLUMNS:
    people, each LTC flag, multiple_ltc (2+ conditions), each activity count and cost (£)."""
    codes = codes or person_codes(people, tree)
    sizes = {"neighbourhood": len(tree.neighbourhoods), **KEY_SIZES}
    values = {"people": None}
    for flag in LTC_FLAGS:
        values[flag] = people[flag].to_numpy()
    values[m.MULTIPLE_LTC] = ltc_counts(people) >= 2
    for name in [*ACTIVITY_COUNTS, "cost"]:
        values[name] = pd.to_numeric(people[name]).to_numpy()
    return group_sums(codes, sizes, values)


def by_area(cells: pd.DataFrame, dims: list[str], columns: list[str], tree: AreaTree):
    """Sum `columns` of a cube (or any frame with a `neighbourhood` code column) by `dims`
    for every neighbourhood, every place and the ICB.

    Out: area (id), the dims, the summed columns; neighbourhoods, then places, then the ICB.
    """
    hoods = cells.groupby(["neighbourhood", *dims], sort=True)[columns].sum().reset_index()
    code = hoods.pop("neighbourhood").to_numpy()
    parts = [hoods.assign(area=tree.neighbourhoods[code])]
    places = hoods.assign(area=tree.places[code])
    parts.append(places.groupby(["area", *dims], sort=True)[columns].sum().reset_index())
    if dims:
        icb = hoods.groupby(dims, sort=True)[columns].sum().reset_index()
    else:
        icb = hoods[columns].sum().to_frame().T
    parts.append(icb.assign(area=tree.icb))
    table = pd.concat(parts, ignore_index=True)
    return table[["area", *dims, *columns]]


def category_labels(dim: str, codes: pd.Series) -> np.ndarray:
    """The stored category text of a cube key's codes (e.g. sex 0 -> "F", decile 0 ->
    "unknown")."""
    values = codes.to_numpy(dtype=np.int64)
    if dim == "age_band":
        return np.asarray(ESP2013_BANDS, dtype=object)[values]
    if dim == "sex":
        return np.asarray(SEX_CODES, dtype=object)[values]
    if dim == "ethnicity":
        return np.asarray(ETHNICITY_GROUPS, dtype=object)[values]
    if dim == "imd_decile":
        return np.where(values == 0, m.UNKNOWN_DECILE, values.astype(str)).astype(object)
    if dim == "core20":
        return np.asarray([m.CORE20_LABEL, m.REST_LABEL, m.UNKNOWN_DECILE], dtype=object)[values]
    if dim == "ltc_group":
        return np.asarray(LTC_GROUPS, dtype=object)[values]
    raise ValueError(f"no labels for {dim!r}")


def with_core20(cells: pd.DataFrame) -> pd.DataFrame:
    """The cube with a `core20` code: 0 Core20 (IMD deciles 1-2), 1 the rest (3-10),
    2 decile not known."""
    decile = cells["imd_decile"].to_numpy()
    return cells.assign(core20=np.where(decile == 0, 2, np.where(decile <= 2, 0, 1)))
