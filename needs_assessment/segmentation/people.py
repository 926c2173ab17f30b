"""Reading a snapshot's people for segmentation, inside the worker only.

Only the columns the rules name (and, for sizes, cost and activity) are read, through
PostgreSQL COPY (`commissioning.frames.read_frame`). Flags are read as 0/1 integers (COPY
writes booleans as t/f) and the IMD decile comes from the person's LSOA.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from psycopg import sql

from commissioning.frames import read_frame
from commissioning.models.population import ACTIVITY_COUNTS, LTC_FLAGS, OTHER_FLAGS
from commissioning.segmentation_rules import FIELDS, FLAGS

BOOLEAN_COLUMNS = set(LTC_FLAGS) | set(OTHER_FLAGS)


def rule_columns(rule: Any) -> set[str]:
    """The person attributes a (valid) rule reads."""
    if not isinstance(rule, dict):
        return set()
    if "all" in rule or "any" in rule:
        parts = rule.get("all", rule.get("any")) or []
        return set().union(*(rule_columns(part) for part in parts)) if parts else set()
    if "not" in rule:
        return rule_columns(rule["not"])
    if "flag" in rule:
        return {rule["flag"]}
    if "field" in rule:
        return {rule["field"]}
    if "count" in rule:
        return set(LTC_FLAGS if rule["count"] == "ltc" else rule["count"])
    return set()


def columns_for(segment_lists: list[list[dict]], *, with_measures: bool) -> list[str]:
    """Every column the segments' rules read, plus cost and activity if asked, sorted."""
    needed: set[str] = set()
    for segments in segment_lists:
        for segment in segments:
            needed |= rule_columns(segment["rule"])
    if with_measures:
        needed |= {"cost", *ACTIVITY_COUNTS}
    unknown = needed - FLAGS - FIELDS
    if unknown:  # validation makes this impossible; never paste an unknown name into SQL
        raise ValueError(f"unknown person attributes {sorted(unknown)}")
    return sorted(needed)


def people_query(columns: list[str]) -> sql.Composed:
    """SELECT the given columns of one snapshot's people (%(snapshot_id)s)."""
    selected = []
    join = sql.SQL("")
    for column in columns:
        if column == "imd_decile":
            selected.append(sql.SQL("lsoa.imd_decile"))
            join = sql.SQL(" LEFT JOIN commissioning_area lsoa ON lsoa.id = p.lsoa_id")
        elif column in BOOLEAN_COLUMNS:
            selected.append(
                sql.SQL("p.{}::int AS {}").format(sql.Identifier(column), sql.Identifier(column))
            )
        else:
            selected.append(sql.SQL("p.{}").format(sql.Identifier(column)))
    return sql.SQL("SELECT {} FROM person_record p{} WHERE p.snapshot_id = %(snapshot_id)s").format(
        sql.SQL(", ").join(selected), join
    )


def read_people(snapshot_id: int, columns: list[str]) -> pd.DataFrame:
    """One snapshot's people with the given columns, read with COPY (age is always read,
    so that a model whose only rule is "everyone" still counts its people)."""
    columns = sorted(set(columns) | {"age"})
    people = read_frame(people_query(columns), {"snapshot_id": snapshot_id})
    if people.empty:
        return pd.DataFrame(columns=columns)
    return people
