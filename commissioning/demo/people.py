"""The demo ICB's people and how they change from one year to the next (numpy/pandas only).

A cohort is a frame of person attributes (some hidden: the latent health z and a frailty
noise term that persist between years) and an n x 16 array of condition flags. `observe`
turns a cohort into a period's rows in the documented format.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from commissioning.demo.activity import (
    ACTIVITY_COUNTS,
    OTHER_FLAGS,
    activity_counts,
    annual_cost,
    other_flags,
)
from commissioning.demo.geography import PLACES
from commissioning.demo.health import (
    ETHNICITY_GROUPS,
    FRAILTY_CATEGORIES,
    LTC_FLAGS,
    MAX_AGE,
    draw_conditions,
    frailty_category,
)

# fmt: off
# England, Census 2021: residents (thousands) and the female share in 5-year bands 0-4 … 90+.
ENGLAND_BANDS = np.array([3232, 3524, 3595, 3394, 3602, 3858, 3999, 3826, 3592, 3735, 4034,
                          3898, 3365, 2878, 2925, 2119, 1447, 838, 527], dtype=float)
FEMALE_SHARE = np.array([0.488, 0.488, 0.487, 0.487, 0.496, 0.505, 0.508, 0.509, 0.507, 0.508,
                         0.507, 0.506, 0.51, 0.515, 0.525, 0.54, 0.565, 0.61, 0.69])
# People moving into an area, by the same bands: mostly young adults and their children.
MIGRANT_BANDS = np.array([5, 4, 3, 5, 16, 18, 14, 9, 6, 4, 3, 3, 2, 2, 2, 1.5, 1, 0.7, 0.5])
# fmt: on
SEX_CODES = ["F", "M", "I", "U"]
SEX_NOT_KNOWN, SEX_INDETERMINATE = 0.002, 0.0003
OUTPUT_COLUMNS = (
    ["pseudo_id", "period_end", "age", "sex", "ethnicity", "lsoa_code", "practice_code"]
    + LTC_FLAGS
    + OTHER_FLAGS
    + ["frailty"]
    + ACTIVITY_COUNTS
    + ["cost"]
)


@dataclass
class Geography:
    """LSOAs (geography.build_lsoas) and GP practices (geography.build_practices)."""

    lsoas: pd.DataFrame
    practices: pd.DataFrame


@dataclass
class Cohort:
    """People alive and registered at a period end. `people` columns: pid (uint64), age,
    sex (index in SEX_CODES), female, male, ethnicity (index in ETHNICITY_GROUPS), lsoa
    and practice (row numbers in Geography), place, neighbourhood, imd_decile, z,
    frailty_noise. `conditions`: n x 16 bool, LTC_FLAGS order."""

    people: pd.DataFrame
    conditions: np.ndarray


class PseudoIds:
    """Issues pseudonymous ids: a keyed 64-bit bijection (the splitmix64 finaliser) of a
    running counter, so ids look random, never repeat within a demo, and need no check."""

    def __init__(self, rng: np.random.Generator):
        self.key = rng.integers(0, 2**63, dtype=np.uint64)
        self.issued = 0

    def take(self, n: int) -> np.ndarray:
        x = np.arange(self.issued, self.issued + n, dtype=np.uint64) ^ self.key
        self.issued += n
        for shift, multiplier in ((30, 0xBF58476D1CE4E5B9), (27, 0x94D049BB133111EB)):
            x ^= x >> np.uint64(shift)
            x *= np.uint64(multiplier)
        return x ^ (x >> np.uint64(31))


def format_ids(ids: np.ndarray) -> np.ndarray:
    """Ids as 'P' and 16 hexadecimal digits (a letter first, so that no spreadsheet reads
    them as numbers)."""
    digits = np.frombuffer(ids.astype(">u8").tobytes().hex().encode(), dtype="S16")
    return np.char.add(b"P", digits).astype(str)


def draw_ages(rng: np.random.Generator, place: np.ndarray, bands: np.ndarray) -> np.ndarray:
    """Ages in years for people in `place`s, from band weights tilted by each place's
    age_tilt (older places weigh older bands more). 90+ tails off geometrically."""
    mids = np.arange(19) * 5 + 2.5
    ages = np.empty(len(place), dtype=np.int16)
    for p, profile in enumerate(PLACES):
        members = np.flatnonzero(place == p)
        weights = bands * np.exp(profile.age_tilt * (mids - 40) / 40)
        band = rng.choice(19, size=len(members), p=weights / weights.sum())
        age = band * 5 + rng.integers(0, 5, size=len(members))
        tail = np.minimum(rng.geometric(0.25, size=len(members)) - 1, MAX_AGE - 90)
        ages[members] = np.where(band == 18, 90 + tail, age)
    return ages


def draw_sex(rng: np.random.Generator, age: np.ndarray) -> np.ndarray:
    """Index in SEX_CODES: F or M by England's female share at each age, a few U and I."""
    female = rng.random(len(age)) < FEMALE_SHARE[np.minimum(age // 5, 18)]
    sex = np.where(female, 0, 1).astype(np.int8)
    unknown = rng.random(len(age))
    sex[unknown < SEX_NOT_KNOWN] = 3
    sex[unknown < SEX_INDETERMINATE] = 2
    return sex


def draw_ethnicity(rng: np.random.Generator, place: np.ndarray, age: np.ndarray) -> np.ndarray:
    """Index in ETHNICITY_GROUPS, from the place's mix; older people are more often white
    and children less often, as in the Census."""
    out = np.empty(len(place), dtype=np.int8)
    age_group = np.digitize(age, [18, 65])
    for p, profile in enumerate(PLACES):
        for g, minority_factor in enumerate((1.3, 1.0, 0.4)):
            members = np.flatnonzero((place == p) & (age_group == g))
            mix = np.array(profile.ethnicity)
            mix[1:5] *= minority_factor
            out[members] = rng.choice(6, size=len(members), p=mix / mix.sum())
    return out


def register_practices(rng: np.random.Generator, geo: Geography, lsoa: np.ndarray):
    """A practice for each person: 92% in their own neighbourhood, the rest anywhere in
    their place, in proportion to practice size."""
    practices = geo.practices
    hood = geo.lsoas["neighbourhood"].to_numpy()[lsoa]
    place = geo.lsoas["place"].to_numpy()[lsoa]
    local = rng.random(len(lsoa)) < 0.92
    chosen = np.empty(len(lsoa), dtype=np.int32)
    hood_weight = geo.lsoas.groupby("neighbourhood")["weight"].sum()
    for key, column, mask in (("neighbourhood", hood, local), ("place", place, ~local)):
        for value in np.unique(column):
            members = np.flatnonzero((column == value) & mask)
            candidates = np.flatnonzero(practices[key].to_numpy() == value)
            weight = practices["weight"].to_numpy()[candidates]
            weight = weight * hood_weight[practices["neighbourhood"].to_numpy()[candidates]].values
            chosen[members] = rng.choice(candidates, size=len(members), p=weight / weight.sum())
    return chosen


def new_people(
    rng: np.random.Generator,
    geo: Geography,
    ids: np.ndarray,
    bands: np.ndarray,
    newborn: bool = False,
    mothers: np.ndarray | None = None,
) -> Cohort:
    """New people with the given `ids`, ages from `bands` (all 0 if `newborn`) and
    conditions drawn at their age, living in LSOAs in proportion to their weight or, given
    `mothers` (an LSOA row number for each possible mother), where a random mother lives."""
    lsoas, n = geo.lsoas, len(ids)
    if mothers is not None and len(mothers):
        lsoa = mothers[rng.integers(0, len(mothers), size=n)]
    else:
        lsoa = rng.choice(len(lsoas), size=n, p=lsoas["weight"].to_numpy())
    place = lsoas["place"].to_numpy()[lsoa]
    age = np.zeros(n, dtype=np.int16) if newborn else draw_ages(rng, place, bands)
    sex = draw_sex(rng, age)
    people = pd.DataFrame(
        {
            "pid": ids,
            "age": age,
            "sex": sex,
            "female": sex == 0,
            "male": sex == 1,
            "ethnicity": draw_ethnicity(rng, place, age),
            "lsoa": lsoa,
            "practice": register_practices(rng, geo, lsoa),
            "place": place,
            "neighbourhood": lsoas["neighbourhood"].to_numpy()[lsoa],
            "imd_decile": lsoas["imd_decile"].to_numpy()[lsoa],
            "z": rng.standard_normal(n),
            "frailty_noise": rng.normal(0, 0.7, n),
        }
    )
    return Cohort(people, draw_conditions(rng, people))


def observe(rng, geo: Geography, cohort: Cohort, period_end: str, prices: float = 1.0):
    """A period's rows in the documented format (OUTPUT_COLUMNS): frailty, other flags,
    activity and cost (at price level `prices`) drawn for the year from the cohort."""
    people, conditions = cohort.people, cohort.conditions
    frailty = frailty_category(people, conditions)
    others = other_flags(rng, people, conditions, frailty)
    counts = activity_counts(rng, people, conditions, frailty, others)
    columns = {
        "pseudo_id": format_ids(people["pid"].to_numpy()),
        "period_end": period_end,
        "age": people["age"].to_numpy(),
        "sex": pd.Categorical.from_codes(people["sex"], SEX_CODES),
        "ethnicity": pd.Categorical.from_codes(people["ethnicity"], ETHNICITY_GROUPS),
        "lsoa_code": pd.Categorical.from_codes(people["lsoa"], geo.lsoas["code"]),
        "practice_code": pd.Categorical.from_codes(people["practice"], geo.practices["ods_code"]),
    }
    columns.update({name: conditions[:, i].astype(np.int8) for i, name in enumerate(LTC_FLAGS)})
    columns.update({name: others[:, i].astype(np.int8) for i, name in enumerate(OTHER_FLAGS)})
    columns["frailty"] = pd.Categorical.from_codes(frailty, FRAILTY_CATEGORIES)
    columns.update({name: counts[:, i] for i, name in enumerate(ACTIVITY_COUNTS)})
    columns["cost"] = annual_cost(rng, counts, conditions, others, prices)
    return pd.DataFrame(columns, columns=OUTPUT_COLUMNS)
