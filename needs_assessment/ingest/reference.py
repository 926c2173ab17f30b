"""Reference files of an ICB: its areas (places, neighbourhoods, LSOAs with IMD decile and
population) and its organisations. Checked whole, then upserted in one transaction.

Only the upload's own ICB is touched: rows about another ICB's areas or organisations are
problems, not silent skips. Areas and organisations not in the file are kept (people,
contracts and indicator values point at them).
"""

from __future__ import annotations

import pandas as pd
from django.db import transaction

from commissioning.models import Area, AreaLevel, Organisation, OrganisationKind, ProviderSector
from commissioning.models.geography import PARENT_LEVEL
from needs_assessment.ingest.report import ValidationReport
from needs_assessment.ingest.tables import (
    duplicates,
    parse_dates,
    parse_numbers,
    record,
    require,
)

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
TREE = [AreaLevel.PLACE, AreaLevel.NEIGHBOURHOOD, AreaLevel.LSOA]  # what a file may add


# --------------------------------------------------------------------------- areas


def check_areas(frame: pd.DataFrame, icb: Area, report: ValidationReport) -> pd.DataFrame:
    """Check areas.csv rows for `icb`. Returns the place, neighbourhood and LSOA rows to
    upsert, with `imd` and `people` parsed (the footprint and ICB rows are only checked).

    In: AREA_COLUMNS as text. Out: code, name, level, parent_code, imd, people."""
    require(frame, ["code", "name", "level"], report)
    duplicates(frame, ["code"], report, "code")
    levels = frame["level"].str.lower()
    record(report, "bad_level", "level", ~levels.isin(AreaLevel.values) & (levels != ""), levels)
    own = {AreaLevel.ICB: icb.code, AreaLevel.FOOTPRINT: icb.parent.code if icb.parent else ""}
    for level, code in own.items():
        record(
            report, "other_icb", "code", (levels == level) & (frame["code"] != code), frame["code"]
        )
    existing = pd.DataFrame(
        Area.objects.filter(code__in=list(frame["code"]) + list(frame["parent_code"])).values(
            "code", "level", "icb_id"
        ),
        columns=["code", "level", "icb_id"],
    ).set_index("code")
    tree = levels.isin(TREE)
    theirs = frame["code"].map(existing["icb_id"])
    record(report, "other_icb", "code", tree & theirs.notna() & (theirs != icb.pk), frame["code"])
    was = frame["code"].map(existing["level"])
    moved = tree & was.notna() & (was != levels) & (theirs == icb.pk)
    record(report, "bad_level", "level", moved, levels)
    _check_parents(frame, levels, existing, icb, report)
    lsoa = levels == AreaLevel.LSOA
    text = frame["imd_decile"]
    imd = pd.to_numeric(text.where(text != ""), errors="coerce")
    decile = imd.between(1, 10) & (imd % 1 == 0)
    record(report, "bad_imd", "imd_decile", (lsoa & ~decile) | (~lsoa & (text != "")), text)
    people = parse_numbers(frame, "population", report, whole=True, minimum=0)
    imd = pd.Series(
        [int(n) if ok else None for n, ok in zip(imd, decile, strict=True)], dtype=object
    )
    rows = frame.assign(level=levels, imd=imd, people=people)[tree]
    return rows[["code", "name", "level", "parent_code", "imd", "people"]]


def _check_parents(frame, levels, existing, icb: Area, report: ValidationReport) -> None:
    in_file = pd.Series(levels.to_numpy(), index=frame["code"].to_numpy())
    in_file = in_file[~in_file.index.duplicated()]
    ours = existing[existing["icb_id"] == icb.pk]["level"]
    parent_level = frame["parent_code"].map(in_file).fillna(frame["parent_code"].map(ours))
    expected = levels.map(PARENT_LEVEL)
    tree = levels.isin(TREE)
    unknown = tree & parent_level.isna()
    record(report, "unknown_parent", "parent_code", unknown, frame["parent_code"])
    wrong = tree & parent_level.notna() & (parent_level != expected)
    not_ours = tree & (levels == AreaLevel.PLACE) & (frame["parent_code"] != icb.code)
    record(report, "wrong_parent_level", "parent_code", wrong | (not_ours & ~unknown))


def upsert_areas(rows: pd.DataFrame, icb: Area) -> dict[str, int]:
    """Create or update the checked rows, level by level from the top. Counts by action."""
    counts = {"created": 0, "updated": 0}
    with transaction.atomic():
        known = {a.code: a for a in Area.objects.filter(icb=icb)}
        for level in TREE:
            new, changed = [], []
            for row in rows[rows["level"] == level].itertuples():
                values = {
                    "name": row.name,
                    "parent": known[row.parent_code],
                    "imd_decile": None if row.imd is None else int(row.imd),
                    "population": None if row.people is None else int(row.people),
                }
                area = known.get(row.code)
                if area is None:
                    new.append(Area(code=row.code, level=level, icb=icb, **values))
                elif any(getattr(area, k) != v for k, v in values.items()):
                    for key, value in values.items():
                        setattr(area, key, value)
                    changed.append(area)
            for area in Area.objects.bulk_create(new):
                known[area.code] = area
            Area.objects.bulk_update(changed, ["name", "parent", "imd_decile", "population"])
            counts["created"] += len(new)
            counts["updated"] += len(changed)
    return counts


# --------------------------------------------------------------------------- organisations


def check_organisations(frame: pd.DataFrame, icb: Area, report: ValidationReport):
    """Check organisations.csv rows for `icb`. Returns the rows with parsed dates, in an
    order where every parent comes before its children.

    In: ORGANISATION_COLUMNS as text. Out: the same with opened/closed as dates."""
    require(frame, ["ods_code", "name", "kind", "icb_code"], report)
    duplicates(frame, ["ods_code"], report, "ods_code")
    kind, sector = frame["kind"].str.lower(), frame["sector"].str.lower()
    bad_kind = (kind != "") & ~kind.isin(OrganisationKind.values)
    record(report, "bad_kind", "kind", bad_kind, kind)
    bad_sector = (sector != "") & ~sector.isin(ProviderSector.values)
    record(report, "bad_kind", "sector", bad_sector, sector)
    other = (frame["icb_code"] != icb.code) & (frame["icb_code"] != "")
    record(report, "other_icb", "icb_code", other, frame["icb_code"])
    codes = list(frame["ods_code"]) + list(frame["parent_code"])
    existing = dict(
        Organisation.objects.filter(ods_code__in=codes).values_list("ods_code", "icb_id")
    )
    theirs = frame["ods_code"].map(existing)
    record(report, "other_icb", "ods_code", theirs.notna() & (theirs != icb.pk), frame["ods_code"])
    ours = {code for code, icb_id in existing.items() if icb_id == icb.pk} | set(frame["ods_code"])
    parent = frame["parent_code"]
    unknown = (parent != "") & (~parent.isin(ours) | (parent == frame["ods_code"]))
    record(report, "unknown_parent", "parent_code", unknown, parent)
    areas = set(Area.objects.filter(icb=icb).values_list("code", flat=True))
    area = frame["area_code"]
    record(report, "unknown_area", "area_code", (area != "") & ~area.isin(areas), area)
    opened = parse_dates(frame, "opened", report, blank_ok=True)
    closed = parse_dates(frame, "closed", report, blank_ok=True)
    order = [bool(o and c and c < o) for o, c in zip(opened, closed, strict=True)]
    record(report, "date_order", "closed", order)
    rows = frame.assign(kind=kind, sector=sector, opened=opened, closed=closed)
    return _parents_first(rows, report) if not report.has_errors else rows


def _parents_first(rows: pd.DataFrame, report: ValidationReport) -> pd.DataFrame:
    placed: set[str] = set()
    in_file = set(rows["ods_code"])
    order, pending = [], rows
    while len(pending):
        ready = pending["parent_code"].isin(placed) | ~pending["parent_code"].isin(in_file)
        if not ready.any():  # a loop of parents
            record(
                report, "unknown_parent", "parent_code", rows["ods_code"].isin(pending["ods_code"])
            )
            return rows
        order.append(pending[ready])
        placed |= set(pending[ready]["ods_code"])
        pending = pending[~ready]
    return pd.concat(order)


def upsert_organisations(rows: pd.DataFrame, icb: Area) -> dict[str, int]:
    """Create or update the checked rows (parents first). Counts by action."""
    counts = {"created": 0, "updated": 0}
    fields = ["name", "kind", "sector", "parent", "area", "opened", "closed"]
    with transaction.atomic():
        known = {o.ods_code: o for o in Organisation.objects.filter(icb=icb)}
        areas = {a.code: a for a in Area.objects.filter(icb=icb)}
        for row in rows.itertuples():
            values = {
                "name": row.name,
                "kind": row.kind,
                "sector": row.sector,
                "parent": known[row.parent_code] if row.parent_code else None,
                "area": areas[row.area_code] if row.area_code else None,
                "opened": row.opened,
                "closed": row.closed,
            }
            organisation = known.get(row.ods_code)
            if organisation is None:
                organisation = Organisation.objects.create(ods_code=row.ods_code, icb=icb, **values)
                known[row.ods_code] = organisation
                counts["created"] += 1
            elif any(getattr(organisation, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(organisation, key, value)
                organisation.save(update_fields=fields)
                counts["updated"] += 1
    return counts
