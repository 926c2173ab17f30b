"""The database side of computing a profile: read a snapshot's people with COPY, read the
area tree, and write the aggregates with COPY in the same transaction as the profile.

Person rows are read straight into pandas (commissioning.frames.read_frame) and never go
through the ORM; they stay inside the worker.
"""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
from django.db import connection
from psycopg import sql as pgsql

from commissioning.frames import read_frame
from commissioning.models import Area, AreaLevel, PopulationSnapshot
from commissioning.models.population import ACTIVITY_COUNTS, LTC_FLAGS, OTHER_FLAGS
from needs_assessment.models import ProfileAggregate
from needs_assessment.profile.cube import AreaTree
from needs_assessment.profile.rows import AGGREGATE_COLUMNS

TEXT_COLUMNS = ["measure", "breakdown", "category", "unit", "method"]

FLAGS = [*LTC_FLAGS, *OTHER_FLAGS]
# The 20 flags travel packed into one integer (bit i = FLAGS[i]): the CSV is a third
# smaller and reading it about twice as fast as with one 0/1 column per flag.
_PACKED = " | ".join(f"(p.{name}::int << {bit})" for bit, name in enumerate(FLAGS))
_COUNTS = ", ".join(f"p.{name}" for name in ACTIVITY_COUNTS)
PEOPLE_QUERY = f"""
    SELECT p.pseudo_id, p.age, p.sex, p.ethnicity, lsoa.parent_id AS neighbourhood_id,
           lsoa.imd_decile, p.frailty, ({_PACKED}) AS flags, {_COUNTS}, p.cost
    FROM person_record p
    JOIN commissioning_area lsoa ON lsoa.id = p.lsoa_id
    WHERE p.snapshot_id = %(snapshot_id)s
"""  # noqa: S608 - only column names are formatted in, from constants


def read_people(snapshot: PopulationSnapshot) -> pd.DataFrame:
    """A snapshot's people, one row per person, in compact types.

    Out: pseudo_id (str), age (int16), sex and ethnicity (categorical),
    neighbourhood_id (int64), imd_decile (float32, NaN when the LSOA has none), frailty
    (int8, 0-3), the LTC and other flags (uint8), the activity counts (int32) and cost
    (float64, £)."""
    people = read_frame(PEOPLE_QUERY, {"snapshot_id": snapshot.pk})
    if people.empty:
        raise ValueError(f"snapshot {snapshot.pk} has no person rows to profile")
    return shrink(unpack_flags(people))


def unpack_flags(people: pd.DataFrame) -> pd.DataFrame:
    """Replace the packed `flags` column with one uint8 column per flag."""
    packed = people.pop("flags").to_numpy(dtype=np.int64)
    for bit, name in enumerate(FLAGS):
        people[name] = ((packed >> bit) & 1).astype(np.uint8)
    return people


def shrink(people: pd.DataFrame) -> pd.DataFrame:
    """The person frame in compact types (see read_people), a quarter of the int64 size."""
    types = {"age": np.int16, "frailty": np.int8, "neighbourhood_id": np.int64}
    types |= dict.fromkeys(ACTIVITY_COUNTS, np.int32)
    types |= {"imd_decile": np.float32, "cost": np.float64, "sex": "category"}
    types["ethnicity"] = "category"
    return people.astype(types)


def area_tree(icb: Area) -> AreaTree:
    """The ICB's neighbourhoods and the place each is in."""
    pairs = Area.objects.filter(icb=icb, level=AreaLevel.NEIGHBOURHOOD).values_list(
        "pk", "parent_id"
    )
    return AreaTree.from_pairs(icb.pk, list(pairs))


def write_aggregates(profile_id: int, rows: pd.DataFrame) -> int:
    """COPY aggregate rows into the aggregates table for `profile_id` (call inside the
    transaction that marks the profile ready). Infinite figures are stored as null.
    Returns the number of rows written."""
    table = ProfileAggregate._meta.db_table
    columns = ["profile_id", "area_id", *AGGREGATE_COLUMNS[1:]]
    frame = rows[AGGREGATE_COLUMNS].copy()
    numeric = frame.select_dtypes("number").columns
    frame[numeric] = frame[numeric].replace([np.inf, -np.inf], np.nan)
    frame.insert(0, "profile_id", profile_id)
    buffer = io.StringIO()
    frame.to_csv(buffer, header=False, index=False, na_rep="", float_format="%.12g")
    # A missing figure is an empty field, read as NULL; FORCE_NOT_NULL reads an empty
    # text field (the whole population's breakdown "") as an empty string instead.
    statement = pgsql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL ({}))").format(
        pgsql.Identifier(table),
        pgsql.SQL(", ").join(map(pgsql.Identifier, columns)),
        pgsql.SQL(", ").join(map(pgsql.Identifier, TEXT_COLUMNS)),
    )
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(statement) as copy,
    ):
        copy.write(buffer.getvalue())
    return len(frame)


def plain(value):
    """A number as JSON can hold it: NaN and infinities become None."""
    if isinstance(value, float | np.floating):
        return None if not math.isfinite(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value
