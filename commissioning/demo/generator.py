"""Generate the demo ICB from a seed and a size: reference CSVs and two years of people.

Pure numpy and pandas (no Django), so it runs anywhere and fast: one million people take
a few seconds. The same seed and size always give byte-identical files. The format is
documented in docs/data-format.md; `commissioning.demo.loader` loads it.

    demo = build_demo(seed=42, people=200_000)
    write_demo(demo, Path(".data/demo"))
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from commissioning.demo import PERIOD_ENDS
from commissioning.demo.activity import PRICE_UPLIFT
from commissioning.demo.geography import (
    areas_frame,
    build_lsoas,
    build_practices,
    organisations_frame,
)
from commissioning.demo.health import (
    AGE_GROUPS,
    LTC_FLAGS,
    MAX_AGE,
    develop_conditions,
    frailty_category,
)
from commissioning.demo.people import (
    ENGLAND_BANDS,
    MIGRANT_BANDS,
    Cohort,
    Geography,
    PseudoIds,
    new_people,
    observe,
    register_practices,
)

BIRTH_RATE = 0.0105  # live births per resident per year, England 2023
OUT_MIGRATION = {"young_adult": 0.07, "other": 0.025}  # leaving the ICB's registers a year
IN_MIGRATION_FACTOR = 1.1  # in-migrants per out-migrant: a slowly growing population
MOVE_RATE = 0.08  # stayers who change LSOA in a year
GZIP_LEVEL = 1  # fast: the files are rewritten at every fresh load


@dataclass
class Demo:
    """Everything the generator makes: areas.csv and organisations.csv rows, and one
    people frame per period end (ISO date string, in PERIOD_ENDS order)."""

    seed: int
    size: int
    areas: pd.DataFrame
    organisations: pd.DataFrame
    people: dict[str, pd.DataFrame]


def build_demo(*, seed: int, people: int) -> Demo:
    """The whole demo ICB for `people` residents in the first period."""
    if people < 100:
        raise ValueError("the demo needs at least 100 people")
    rng = np.random.default_rng(seed)
    lsoas = build_lsoas(rng, people)
    geo = Geography(lsoas, build_practices(rng, lsoas, people))
    ids = PseudoIds(rng)
    first = new_people(rng, geo, ids.take(people), ENGLAND_BANDS)
    frames = {PERIOD_ENDS[0]: observe(rng, geo, first, PERIOD_ENDS[0])}
    palliative = frames[PERIOD_ENDS[0]]["palliative"].to_numpy().astype(bool)
    second = next_year(rng, geo, first, palliative, ids)
    frames[PERIOD_ENDS[1]] = observe(rng, geo, second, PERIOD_ENDS[1], 1 + PRICE_UPLIFT)
    population = np.bincount(second.people["lsoa"], minlength=len(lsoas))
    return Demo(
        seed, people, areas_frame(lsoas, population), organisations_frame(geo.practices), frames
    )


def death_probability(cohort: Cohort, frailty: np.ndarray, palliative: np.ndarray):
    """The chance of dying in the coming year: a Gompertz curve by age (about 1% of all
    people a year), raised by frailty, serious conditions and deprivation; at least half
    of the people on the palliative care register die."""
    people, has = cohort.people, dict(zip(LTC_FLAGS, cohort.conditions.T, strict=True))
    age = people["age"].to_numpy(dtype=float)
    base = np.where(age == 0, 0.004, np.exp(-11.6 + 0.095 * age))
    risk = base * np.array([1.0, 1.3, 2.0, 3.5])[frailty]
    risk *= 1 + 0.5 * has["heart_failure"] + 0.5 * has["copd"] + 0.8 * has["dementia"]
    risk *= 1 + 0.6 * has["cancer"] * (age >= 50)
    risk *= 1.6 ** ((10 - people["imd_decile"].to_numpy()) / 9 - 0.5)
    risk = np.where(palliative, 1 - (1 - np.minimum(risk, 1)) * 0.5, risk)
    return np.minimum(risk, 0.95)


def next_year(rng, geo: Geography, cohort: Cohort, palliative, ids: PseudoIds) -> Cohort:
    """The cohort a year on: some die (more often the old, frail, seriously ill and
    palliative), some leave, the rest age a year, develop new conditions and sometimes
    move LSOA; births (where women aged 20-44 live) and in-migrants join with new ids.
    `palliative` is this year's palliative flag, in cohort order."""
    people = cohort.people
    frailty = frailty_category(people, cohort.conditions)
    dies = rng.random(len(people)) < death_probability(cohort, frailty, palliative)
    young_adult = (people["age"] >= 18) & (people["age"] < 35)
    leave_rate = np.where(young_adult, OUT_MIGRATION["young_adult"], OUT_MIGRATION["other"])
    leaves = ~dies & (rng.random(len(people)) < leave_rate)
    stay = ~dies & ~leaves
    conditions = develop_conditions(rng, people, cohort.conditions, stay)[stay]
    stayers = offset_survivor_selection(people, stay)
    stayers["age"] = np.minimum(stayers["age"] + 1, MAX_AGE).astype(np.int16)
    move(rng, geo, stayers)
    mothers = stayers["lsoa"].to_numpy()[
        (stayers["female"] & stayers["age"].between(20, 44)).to_numpy()
    ]
    born = ids.take(rng.poisson(BIRTH_RATE * len(people)))
    births = new_people(rng, geo, born, ENGLAND_BANDS, newborn=True, mothers=mothers)
    arrived = ids.take(rng.poisson(IN_MIGRATION_FACTOR * int(leaves.sum())))
    migrants = new_people(rng, geo, arrived, MIGRANT_BANDS)
    return Cohort(
        pd.concat([stayers, births.people, migrants.people], ignore_index=True),
        np.concatenate([conditions, births.conditions, migrants.conditions]),
    )


def offset_survivor_selection(people: pd.DataFrame, survives: np.ndarray) -> pd.DataFrame:
    """The survivors, with their latent health z and frailty noise mapped, within each
    year of age (100 and over together), onto the distribution that age had before deaths
    (keeping everyone's rank). Deaths take the least healthy; without this each year's
    oldest would look healthier than the last year's, whereas a real population's
    cross-section at each age stays much the same from year to year."""
    band = np.minimum(people["age"].to_numpy(), AGE_GROUPS - 1)
    survivors = people[survives].reset_index(drop=True)
    kept_band = band[survives]
    for column in ("z", "frailty_noise"):
        values = people[column].to_numpy()
        kept = values[survives].copy()
        for b in np.unique(kept_band):
            members = np.flatnonzero(kept_band == b)
            before = np.sort(values[band == b])
            ranks = np.argsort(np.argsort(kept[members]))
            kept[members] = before[((2 * ranks + 1) * len(before)) // (2 * len(members))]
        survivors[column] = kept
    return survivors


def move(rng: np.random.Generator, geo: Geography, people: pd.DataFrame) -> None:
    """Move MOVE_RATE of `people` (in place): 60% to another LSOA in their neighbourhood,
    the rest anywhere in the ICB; those who change neighbourhood mostly re-register with
    a practice there."""
    lsoas = geo.lsoas
    movers = np.flatnonzero(rng.random(len(people)) < MOVE_RATE)
    lsoa = people["lsoa"].to_numpy().copy()
    hood_of = lsoas["neighbourhood"].to_numpy()
    local = rng.random(len(movers)) < 0.6
    anywhere = rng.choice(len(lsoas), size=len(movers), p=lsoas["weight"].to_numpy())
    nearby = np.empty(len(movers), dtype=np.int64)
    for hood in np.unique(hood_of[lsoa[movers]]):
        members = np.flatnonzero(hood_of[lsoa[movers]] == hood)
        nearby[members] = rng.choice(np.flatnonzero(hood_of == hood), size=len(members))
    lsoa[movers] = np.where(local, nearby, anywhere)
    changed_hood = hood_of[lsoa] != people["neighbourhood"].to_numpy()
    reregister = changed_hood & (rng.random(len(people)) < 0.8)
    practice = people["practice"].to_numpy().copy()
    practice[reregister] = register_practices(rng, geo, lsoa[reregister])
    people["lsoa"] = lsoa
    people["practice"] = practice
    people["neighbourhood"] = hood_of[lsoa]
    people["place"] = lsoas["place"].to_numpy()[lsoa]
    people["imd_decile"] = lsoas["imd_decile"].to_numpy()[lsoa]


def people_filename(period_end: str) -> str:
    return f"people_{period_end}.csv.gz"


def write_demo(demo: Demo, out_dir: Path) -> list[Path]:
    """Write areas.csv, organisations.csv and people_<period_end>.csv.gz into `out_dir`
    (made if missing) and return their paths. Byte-identical for the same demo."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / "areas.csv", out_dir / "organisations.csv"]
    demo.areas.to_csv(paths[0], index=False, lineterminator="\n")
    demo.organisations.to_csv(paths[1], index=False, lineterminator="\n")
    for period_end, frame in demo.people.items():
        path = out_dir / people_filename(period_end)
        write_people(frame, path)
        paths.append(path)
    return paths


def write_people(frame: pd.DataFrame, path: Path) -> None:
    """Write a people frame as gzipped CSV: cost with exactly two decimals, nothing quoted
    (no value has a comma or a quote), and no timestamp in the gzip header, so that the
    bytes are reproducible."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    cost = pc.cast(table["cost"], pa.decimal128(12, 2), safe=False)
    table = table.set_column(table.schema.get_field_index("cost"), "cost", cost)
    options = pacsv.WriteOptions(quoting_style="none", quoting_header="none")
    tmp = path.with_suffix(".tmp")
    with (
        open(tmp, "wb") as raw,
        gzip.GzipFile(
            filename="", mode="wb", fileobj=raw, compresslevel=GZIP_LEVEL, mtime=0
        ) as stream,
    ):
        pacsv.write_csv(table, stream, options)
    tmp.replace(path)
