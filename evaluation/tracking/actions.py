"""Writes of the tracking part: indicator values sent through the API, and values derived
from a completed needs profile. Both reuse stage 1's checks and upsert
(needs_assessment.ingest.indicators), so a row means the same whichever door it came in by.
"""

from __future__ import annotations

import pandas as pd
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from commissioning import access
from commissioning.access import Permission
from commissioning.models import Area, AreaLevel, AuditEvent, Indicator
from commissioning.runs import start_run
from needs_assessment.ingest import indicators as ingest
from needs_assessment.ingest.actions import may_upload
from needs_assessment.ingest.report import ValidationReport
from needs_assessment.models import NeedsProfile, ProfileAggregate, ProfileStatus
from needs_assessment.profile.measures import INDICATOR_MEASURES

DERIVE_RUN_KIND = "derive_indicator_values"
MAX_ROWS = 10_000


def _audit(by, verb: str, object_type: str, object_id, **data) -> None:
    AuditEvent.objects.create(
        actor=by, verb=verb, object_type=object_type, object_id=str(object_id), data=data
    )


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def report_errors(report: ValidationReport) -> list[dict]:
    """The report's problems as API errors: what is wrong, how to fix it, and the first
    rows (counting the list's items from 1) and columns where it occurs."""
    errors = []
    for problem in report.as_dict()["problems"]:
        cells = ", ".join(f"row {cell['row']} column {cell['column']}" for cell in problem["first"])
        where = f" ({cells})" if cells else ""
        columns = ", ".join(problem["columns"])
        errors.append(
            {
                "code": problem["code"],
                "message": f"{problem['title']}{where}. {problem['guidance']}",
                "count": problem["count"],
                "columns": columns,
                "cells": problem["first"],
                "examples": problem["examples"],
            }
        )
    return errors


@transaction.atomic
def save_indicator_rows(*, icb: Area, rows: list[dict], by) -> int:
    """Check a list of indicator-value rows (the CSV format of docs/data-format.md, one
    dict per row) whole with stage 1's checks and save them all, or none: raises
    ValidationError({"rows": [errors]}) naming row and column. Returns rows saved."""
    if not may_upload(by, icb):
        raise PermissionDenied("Only your ICB's analysts and commissioners can load data.")
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        raise ValidationError({"rows": ["Send a non-empty list of rows, each an object."]})
    if len(rows) > MAX_ROWS:
        raise ValidationError({"rows": [f"Send at most {MAX_ROWS:,} rows at a time."]})
    columns = list(dict.fromkeys(key for row in rows for key in row))
    report = ValidationReport(ingest.COLUMNS)
    report.rows = len(rows)
    if not ingest.check_indicator_header(columns, report):
        raise ValidationError({"rows": [e["message"] for e in report_errors(report)]})
    frame = pd.DataFrame(
        {name: [_text(row.get(name)) for row in rows] for name in ingest.COLUMNS}, dtype=object
    )
    checked = ingest.check_indicator_values(frame, icb, report)
    if report.has_errors:
        raise ValidationError({"rows": [e["message"] for e in report_errors(report)]})
    saved = ingest.upsert_indicator_values(checked)
    codes = sorted(set(frame["indicator_code"]))
    _audit(by, "indicator_values.api_load", "area", icb.pk, rows=saved, indicators=codes[:20])
    return saved


def _profile_for(by, profile: NeedsProfile) -> NeedsProfile:
    visible = access.visible_to(by, NeedsProfile).filter(pk=profile.pk).first()
    if visible is None or not access.has_permission(by, Permission.LOAD_DATA):
        raise PermissionDenied("Only the ICB's analysts and commissioners can derive values.")
    if visible.status != ProfileStatus.READY:
        raise ValidationError({"profile": ["The needs profile has not finished computing."]})
    return visible


@transaction.atomic
def queue_derive_indicator_values(*, profile: NeedsProfile, by):
    """Queue a run that writes the profile's library-indicator values (see
    `derive_indicator_values`). Returns the run."""
    profile = _profile_for(by, profile)
    icb = profile.snapshot.icb
    _audit(by, "indicator_values.derive_queued", "needs_profile", profile.pk)
    return start_run(kind=DERIVE_RUN_KIND, by=by, icb=icb, parameters={"profile_id": profile.pk})


def derived_rows(profile: NeedsProfile) -> pd.DataFrame:
    """The rows to write for a ready profile: for each library indicator that a profile
    measure shares (needs_assessment.profile.measures.INDICATOR_MEASURES), the ICB's and
    its places' whole-population value, interval and counts, for the snapshot's period.
    Aggregates held back by disclosure control (not publishable) are left out.

    Out: the columns `upsert_indicator_values` takes."""
    snapshot = profile.snapshot
    codes = dict(Indicator.objects.filter(code__in=INDICATOR_MEASURES).values_list("code", "id"))
    by_measure = {measure: codes[code] for code, measure in INDICATOR_MEASURES.items()
                  if code in codes}  # fmt: skip
    aggregates = ProfileAggregate.objects.filter(
        profile=profile,
        measure__in=by_measure,
        breakdown="",
        category="",
        area__level__in=[AreaLevel.ICB, AreaLevel.PLACE],
        value__isnull=False,
        publishable=True,
    ).values("area_id", "measure", "value", "lower95", "upper95", "numerator", "denominator")
    records = [
        {
            "indicator_id": by_measure[row["measure"]],
            "area_id": row["area_id"],
            "provider_id": None,
            "period_start": snapshot.period_start,
            "period_end": snapshot.period_end,
            "breakdown": "",
            "category": "",
            "value": row["value"],
            "lower_ci": row["lower95"],
            "upper_ci": row["upper95"],
            "numerator": row["numerator"],
            "denominator": row["denominator"],
            "confidence": 0.95,
        }
        for row in aggregates
    ]
    return pd.DataFrame(records, columns=RECORD_COLUMNS, dtype=object)


RECORD_COLUMNS = [
    "indicator_id",
    "area_id",
    "provider_id",
    "period_start",
    "period_end",
    "breakdown",
    "category",
    "value",
    "lower_ci",
    "upper_ci",
    "numerator",
    "denominator",
    "confidence",
]


@transaction.atomic
def derive_indicator_values(*, profile: NeedsProfile, by) -> int:
    """Write (insert or replace) the IndicatorValue rows of a ready needs profile (see
    `derived_rows`). Idempotent: running it twice leaves the same rows. Returns rows."""
    profile = NeedsProfile.objects.select_related("snapshot").get(pk=profile.pk)
    if profile.status != ProfileStatus.READY:
        raise ValidationError({"profile": ["The needs profile has not finished computing."]})
    rows = derived_rows(profile)
    saved = ingest.upsert_indicator_values(rows) if len(rows) else 0
    _audit(by, "indicator_values.derive", "needs_profile", profile.pk, rows=saved)
    return saved
