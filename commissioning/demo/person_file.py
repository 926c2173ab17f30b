"""Read and check a person-level file in the documented input format (pandas only).

docs/data-format.md describes the format. `read_people` reads a (gzipped) CSV with the
right types; `person_frame` checks it and turns codes into database ids, giving the
frame that `commissioning.person_load.load_people` stores.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from commissioning.demo.activity import ACTIVITY_COUNTS, OTHER_FLAGS
from commissioning.demo.health import ETHNICITY_GROUPS, FRAILTY_CATEGORIES, LTC_FLAGS, MAX_AGE
from commissioning.demo.people import OUTPUT_COLUMNS, SEX_CODES

PERSON_COLUMNS = OUTPUT_COLUMNS
# Direct identifiers that must never reach the system, whatever else is in the file.
FORBIDDEN_COLUMNS = {
    "nhs_number",
    "name",
    "forename",
    "surname",
    "address",
    "postcode",
    "date_of_birth",
    "dob",
}
TEXT_COLUMNS = ["pseudo_id", "period_end", "sex", "ethnicity", "lsoa_code", "practice_code"]


class PersonFileError(ValueError):
    """The file is not in the documented format; the message says what is wrong."""


def read_people(path: Path) -> pd.DataFrame:
    """Read a person-level CSV (gzipped or not) with codes kept as text.

    Out: the file's columns as they are (see PERSON_COLUMNS)."""
    return pd.read_csv(
        path, engine="pyarrow", dtype=dict.fromkeys(TEXT_COLUMNS + ["frailty"], "string")
    )


def person_frame(
    people: pd.DataFrame, *, period_end: str, lsoa_ids: dict[str, int], practice_ids: dict[str, int]
) -> pd.DataFrame:
    """Check a person-level frame and map it to stored form.

    In: PERSON_COLUMNS (codes as text, flags 0/1, frailty as a category name).
    Out, in this order (person_load.STORED_COLUMNS): pseudo_id, age, sex, ethnicity,
    lsoa_id, practice_id, the 16 LTC flags (bool), frailty 0-3, the 4 other flags (bool),
    the 8 activity counts and cost; one row per person.
    Raises PersonFileError naming the first problem found."""
    forbidden = FORBIDDEN_COLUMNS.intersection(c.lower() for c in people.columns)
    if forbidden:
        raise PersonFileError(
            f"direct identifiers are not accepted: {', '.join(sorted(forbidden))}"
        )
    missing = [c for c in PERSON_COLUMNS if c not in people.columns]
    if missing:
        raise PersonFileError(f"missing columns: {', '.join(missing)}")
    _check_values(people, period_end)
    frame = people[["pseudo_id", "age", "sex", "ethnicity"]].copy()
    frame["lsoa_id"] = _map_codes(people["lsoa_code"], lsoa_ids, "LSOA")
    frame["practice_id"] = _map_codes(people["practice_code"], practice_ids, "practice")
    for column in LTC_FLAGS:
        frame[column] = people[column].astype(bool)
    frame["frailty"] = people["frailty"].map({c: i for i, c in enumerate(FRAILTY_CATEGORIES)})
    for column in OTHER_FLAGS:
        frame[column] = people[column].astype(bool)
    for column in ACTIVITY_COUNTS + ["cost"]:
        frame[column] = people[column]
    return frame


def _check_values(people: pd.DataFrame, period_end: str) -> None:
    allowed = {
        "sex": SEX_CODES,
        "ethnicity": ETHNICITY_GROUPS,
        "frailty": FRAILTY_CATEGORIES,
        "period_end": [period_end],
    }
    for column, values in allowed.items():
        wrong = ~people[column].isin(values)
        if wrong.any():
            raise PersonFileError(
                f"{column} has values outside {', '.join(values)}: "
                f"{', '.join(map(str, people.loc[wrong, column].unique()[:5]))}"
            )
    for column in LTC_FLAGS + OTHER_FLAGS:
        if not people[column].isin([0, 1]).all():
            raise PersonFileError(f"{column} must be 0 or 1")
    for column in ACTIVITY_COUNTS + ["cost"]:
        if people[column].isna().any() or (people[column] < 0).any():
            raise PersonFileError(f"{column} must be a number, 0 or more")
    if people["age"].isna().any() or not people["age"].between(0, MAX_AGE).all():
        raise PersonFileError(f"age must be a whole number of years from 0 to {MAX_AGE}")
    if people["pseudo_id"].isna().any() or people["pseudo_id"].duplicated().any():
        raise PersonFileError("pseudo_id must be present and unique")


def _map_codes(codes: pd.Series, ids: dict[str, int], what: str) -> pd.Series:
    mapped = codes.map(ids)
    unknown = codes[mapped.isna()].unique()
    if len(unknown):
        raise PersonFileError(f"unknown {what} codes: {', '.join(map(str, unknown[:5]))}")
    return mapped.astype("int64")
