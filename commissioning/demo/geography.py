"""The demo ICB's places, neighbourhoods, LSOAs and organisations (pure numpy/pandas).

Three places with different characters: Riverton, an urban and ethnically diverse city
with the most deprived neighbourhoods; Marshfield, a mixed market town; Highdown, rural,
older and affluent. Each has four neighbourhoods, and each neighbourhood's LSOAs take IMD
deciles scattered around the neighbourhood's own level of deprivation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from commissioning.demo import DEMO_FOOTPRINT_CODE, DEMO_ICB_CODE, DEMO_ICB_ODS

AREA_COLUMNS = ["code", "name", "level", "parent_code", "imd_decile", "population"]
ORGANISATION_COLUMNS = [
    "ods_code",
    "name",
    "kind",
    "sector",
    "parent_code",
    "icb_code",
    "area_code",
    "opened",
    "closed",
]
PEOPLE_PER_LSOA = 1600
PEOPLE_PER_PRACTICE = 8000


@dataclass(frozen=True)
class PlaceProfile:
    """What makes a place itself: its neighbourhoods and their mean IMD deciles, its share
    of the ICB's people, how much older (+) or younger (-) than England it is, and its
    ethnicity mix (shares in ETHNICITY_GROUPS order)."""

    name: str
    neighbourhoods: tuple[str, str, str, str]
    mean_deciles: tuple[float, float, float, float]
    share: float
    age_tilt: float
    ethnicity: tuple[float, float, float, float, float, float]


PLACES = (
    PlaceProfile(
        "Riverton",
        ("Riverton Central", "Riverton Docks", "Riverton North", "Riverton Park"),
        (1.3, 2.0, 3.5, 5.5),
        0.42,
        -0.25,
        (0.58, 0.05, 0.21, 0.09, 0.04, 0.03),
    ),
    PlaceProfile(
        "Marshfield",
        ("Marshfield Town", "Marshfield East", "Marshfield West", "Marshfield Vale"),
        (3.0, 4.5, 6.0, 7.5),
        0.33,
        0.0,
        (0.83, 0.03, 0.07, 0.03, 0.02, 0.02),
    ),
    PlaceProfile(
        "Highdown",
        ("Highdown Market", "Highdown Villages", "Highdown Coast", "Highdown Hills"),
        (5.0, 7.0, 8.5, 9.5),
        0.25,
        0.3,
        (0.94, 0.015, 0.015, 0.005, 0.01, 0.015),
    ),
)

# (ods_code, name, kind, sector, index of the place it is based in, or None for ICB-wide)
PROVIDERS = [
    ("R9A", "Riverton University Hospitals NHS Foundation Trust", "nhs_trust", "acute", 0),
    ("R9B", "Marshfield and District Hospitals NHS Trust", "nhs_trust", "acute", 1),
    ("R9C", "South Vale Specialist Hospitals NHS Foundation Trust", "nhs_trust", "acute", 0),
    ("R9D", "Vale Community Health NHS Trust", "nhs_trust", "community", 1),
    ("R9E", "Riverton and Highdown Community Healthcare NHS Trust", "nhs_trust", "community", 2),
    ("R9F", "Vale and Downs Partnership NHS Foundation Trust", "nhs_trust", "mental_health", 1),
    ("R9G", "South Vale Ambulance Service NHS Foundation Trust", "nhs_trust", "ambulance", None),
    ("N9A", "Riverton Community Links", "vcse", "vcse", 0),
    ("N9B", "Vale Carers Trust", "vcse", "vcse", None),
    ("N9C", "St Aidan's Hospice", "vcse", "vcse", 2),
    ("N9D", "Age Well Vale and Downs", "vcse", "vcse", None),
    ("N9E", "Mind in the Vale", "vcse", "vcse", 1),
    ("N9F", "ClearView Eye Clinics Ltd", "independent", "independent", 1),
    ("N9G", "Downs Diagnostics Ltd", "independent", "independent", 2),
    ("N9H", "ActiveMSK Physiotherapy Ltd", "independent", "independent", 0),
    ("N9J", "SkinCare Partners LLP", "independent", "independent", 1),
    ("N9K", "Vale Independent Hospital", "independent", "independent", 2),
    ("N9L", "Homeward Care Services Ltd", "independent", "social_care", 0),
    ("N9M", "Vale GP Federation Ltd", "independent", "primary_care", None),
]
PARTNERS = [
    ("E06000991", "Riverton City Council", "local_authority", 0, "1998-04-01"),
    ("E10000991", "Vale and Downs County Council", "local_authority", None, "1974-04-01"),
    ("HW991", "Healthwatch Vale and Downs", "healthwatch", None, "2013-04-01"),
]
PRACTICE_WORDS = [
    "Abbey",
    "Beech",
    "Castle",
    "Church",
    "Elm",
    "Grove",
    "Harbour",
    "Kings",
    "Lime",
    "Market",
    "Mill",
    "Oak",
    "Park",
    "Priory",
    "Queens",
    "Riverside",
    "St Mary's",
    "Station",
    "Valley",
    "Willow",
    "Ash",
    "Bridge",
    "Cedar",
    "Hill",
    "Meadow",
    "Orchard",
]
PRACTICE_SUFFIXES = ["Surgery", "Medical Centre", "Health Centre", "Medical Practice"]


def place_code(index: int) -> str:
    return f"{DEMO_ICB_CODE}-PL{index + 1:02d}"


def neighbourhood_code(index: int) -> str:
    return f"{DEMO_ICB_CODE}-NH{index + 1:02d}"


def build_lsoas(rng: np.random.Generator, people: int) -> pd.DataFrame:
    """One row per LSOA, about PEOPLE_PER_LSOA residents each (at least two per
    neighbourhood). Columns out: code, name, neighbourhood (0-11), place (0-2),
    imd_decile (1-10), weight (the LSOA's share of the ICB's residents)."""
    hoods = [(p, h) for p in range(len(PLACES)) for h in range(4)]
    hood_share = np.array([PLACES[p].share / 4 for p, _ in hoods]) * rng.uniform(0.8, 1.2, 12)
    hood_share /= hood_share.sum()
    total_lsoas = max(24, round(people / PEOPLE_PER_LSOA))
    per_hood = np.maximum(2, np.round(hood_share * total_lsoas).astype(int))
    rows = []
    place_counter = [0] * len(PLACES)
    for hood_index, ((p, h), count) in enumerate(zip(hoods, per_hood, strict=True)):
        mean = PLACES[p].mean_deciles[h]
        # Spread evenly around the neighbourhood's mean (then shuffled), so that even a
        # small demo has LSOAs from the most and the least deprived deciles.
        spread = rng.permutation(np.linspace(-1.6, 1.6, count)) + rng.normal(0, 0.3, count)
        deciles = np.clip(np.round(mean + spread), 1, 10).astype(int)
        sizes = rng.uniform(0.85, 1.15, count)
        for decile, size in zip(deciles, sizes, strict=True):
            k = place_counter[p]
            place_counter[p] += 1
            name = f"{PLACES[p].name} {k // 4 + 1:03d}{'ABCD'[k % 4]}"
            rows.append((name, hood_index, p, decile, hood_share[hood_index] * size / count))
    lsoas = pd.DataFrame(rows, columns=["name", "neighbourhood", "place", "imd_decile", "weight"])
    lsoas["weight"] /= lsoas["weight"].sum()
    lsoas.insert(0, "code", [f"E0109{i + 1:04d}" for i in range(len(lsoas))])
    return lsoas


def build_practices(rng: np.random.Generator, lsoas: pd.DataFrame, people: int) -> pd.DataFrame:
    """GP practices, about PEOPLE_PER_PRACTICE patients each, in each neighbourhood.
    Columns out: ods_code, name, neighbourhood, place, weight (share of the
    neighbourhood's registrations)."""
    hood_weight = lsoas.groupby("neighbourhood")["weight"].sum()
    hood_place = lsoas.groupby("neighbourhood")["place"].first()
    rows = []
    names = rng.permutation(len(PRACTICE_WORDS) * len(PRACTICE_SUFFIXES))
    for hood, weight in hood_weight.items():
        count = int(np.clip(round(weight * people / PEOPLE_PER_PRACTICE), 1, 12))
        sizes = rng.lognormal(0, 0.35, count)
        for size in sizes / sizes.sum():
            pick = names[len(rows) % len(names)]
            word, suffix = divmod(int(pick), len(PRACTICE_SUFFIXES))
            name = f"{PRACTICE_WORDS[word]} {PRACTICE_SUFFIXES[suffix]}"
            if len(rows) >= len(names):
                name = f"{name} ({PLACES[hood_place[hood]].name})"
            rows.append((f"Y9{len(rows) + 1:04d}", name, hood, hood_place[hood], size))
    return pd.DataFrame(rows, columns=["ods_code", "name", "neighbourhood", "place", "weight"])


def areas_frame(lsoas: pd.DataFrame, lsoa_population: np.ndarray) -> pd.DataFrame:
    """The area tree as areas.csv rows (AREA_COLUMNS), top down. `lsoa_population` is the
    number of residents of each LSOA (in `lsoas` order)."""
    rows = [
        (DEMO_FOOTPRINT_CODE, "Vale and Downs multi-ICB footprint", "footprint", "", None, None),
        (DEMO_ICB_CODE, "NHS Vale and Downs ICB", "icb", DEMO_FOOTPRINT_CODE, None, None),
    ]
    for p, place in enumerate(PLACES):
        rows.append((place_code(p), place.name, "place", DEMO_ICB_CODE, None, None))
    for p, place in enumerate(PLACES):
        for h, hood_name in enumerate(place.neighbourhoods):
            rows.append(
                (
                    neighbourhood_code(p * 4 + h),
                    hood_name,
                    "neighbourhood",
                    place_code(p),
                    None,
                    None,
                )
            )
    for lsoa, population in zip(lsoas.itertuples(), lsoa_population, strict=True):
        rows.append(
            (
                lsoa.code,
                lsoa.name,
                "lsoa",
                neighbourhood_code(lsoa.neighbourhood),
                int(lsoa.imd_decile),
                int(population),
            )
        )
    areas = pd.DataFrame(rows, columns=AREA_COLUMNS)
    for column in ("imd_decile", "population"):
        areas[column] = areas[column].astype("Int64")
    return areas


def organisations_frame(practices: pd.DataFrame) -> pd.DataFrame:
    """Every organisation as organisations.csv rows (ORGANISATION_COLUMNS): the ICB,
    the providers, the councils and Healthwatch, one PCN per neighbourhood and its
    practices."""
    icb = DEMO_ICB_CODE
    rows = [
        (
            DEMO_ICB_ODS,
            "NHS Vale and Downs Integrated Care Board",
            "icb",
            "",
            "",
            icb,
            icb,
            "2022-07-01",
            "",
        )
    ]
    for code, name, kind, sector, place in PROVIDERS:
        area = icb if place is None else place_code(place)
        opened = "2016-04-01" if kind == "nhs_trust" else "2019-10-01"
        rows.append((code, name, kind, sector, "", icb, area, opened, ""))
    for code, name, kind, place, opened in PARTNERS:
        area = icb if place is None else place_code(place)
        rows.append((code, name, kind, "", "", icb, area, opened, ""))
    for hood in range(12):
        place = hood // 4
        hood_name = PLACES[place].neighbourhoods[hood % 4]
        rows.append(
            (
                pcn_code(hood),
                f"{hood_name} PCN",
                "pcn",
                "",
                "",
                icb,
                neighbourhood_code(hood),
                "2019-07-01",
                "",
            )
        )
    for practice in practices.itertuples():
        rows.append(
            (
                practice.ods_code,
                practice.name,
                "gp_practice",
                "primary_care",
                pcn_code(practice.neighbourhood),
                icb,
                neighbourhood_code(practice.neighbourhood),
                "1974-04-01",
                "",
            )
        )
    return pd.DataFrame(rows, columns=ORGANISATION_COLUMNS)


def pcn_code(neighbourhood: int) -> str:
    return f"U99{neighbourhood + 1:03d}"
