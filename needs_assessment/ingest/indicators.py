"""Indicator values (service quality and performance) for an ICB's areas and providers,
checked whole and upserted into commissioning's IndicatorValue in one transaction.

A row is about an area (area_code: the ICB, a place, a neighbourhood or an LSOA) or a
provider (ods_code: an organisation based in the ICB or contracted by it), never both.
A row with the same indicator, area or provider, period, breakdown and category as a
stored value replaces it.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from django.db import transaction
from django.db.models import Q

from commissioning.models import Area, Contract, Indicator, IndicatorValue, Organisation
from needs_assessment.ingest.report import ValidationReport
from needs_assessment.ingest.tables import (
    duplicates,
    parse_dates,
    parse_numbers,
    record,
    require,
)

REQUIRED = ["indicator_code", "period_start", "period_end", "value"]
OPTIONAL = [
    "area_code",
    "ods_code",
    "breakdown",
    "category",
    "lower_ci",
    "upper_ci",
    "numerator",
    "denominator",
    "confidence",
]
COLUMNS = REQUIRED + OPTIONAL
KEY = ["indicator_code", "area_code", "ods_code", "period_start", "period_end"]
KEY += ["breakdown", "category"]
FIGURES = ["value", "lower_ci", "upper_ci", "numerator", "denominator", "confidence"]


def icb_organisations(icb: Area):
    """Organisations an ICB's values may be about: based in it or contracted by it."""
    contracted = Contract.objects.filter(commissioner__icb=icb).values("provider_id")
    return Organisation.objects.filter(Q(icb=icb) | Q(pk__in=contracted))


def check_indicator_header(columns: list[str], report: ValidationReport) -> bool:
    """Like tables.check_header, and at least one of area_code and ods_code is needed."""
    from needs_assessment.ingest.tables import check_header

    ok = check_header(columns, REQUIRED, report, OPTIONAL)
    if "area_code" not in columns and "ods_code" not in columns:
        report.add("missing_columns", columns=["area_code or ods_code"])
        return False
    return ok


def check_indicator_values(
    frame: pd.DataFrame,
    icb: Area,
    report: ValidationReport,
    *,
    period_start: date | None = None,
    period_end: date | None = None,
) -> pd.DataFrame:
    """Check the rows; returns them with ids and numbers parsed.

    In: COLUMNS as text. Out: indicator_id, area_id, provider_id, period_start,
    period_end, breakdown, category and FIGURES (floats or None)."""
    require(frame, ["indicator_code", "period_start", "period_end"], report)
    duplicates(frame, KEY, report, "indicator_code")
    indicators = dict(Indicator.objects.values_list("code", "id"))
    code = frame["indicator_code"]
    record(
        report, "unknown_indicator", "indicator_code", (code != "") & ~code.isin(indicators), code
    )
    area, ods = frame["area_code"], frame["ods_code"]
    record(report, "area_or_organisation", "area_code", (area == "") == (ods == ""))
    areas = dict(Area.objects.filter(icb=icb).values_list("code", "id"))
    record(report, "unknown_area", "area_code", (area != "") & ~area.isin(areas), area)
    providers = dict(icb_organisations(icb).values_list("ods_code", "id"))
    record(report, "unknown_organisation", "ods_code", (ods != "") & ~ods.isin(providers), ods)
    start = parse_dates(frame, "period_start", report, blank_ok=True)
    end = parse_dates(frame, "period_end", report, blank_ok=True)
    backwards = [bool(s and e and e < s) for s, e in zip(start, end, strict=True)]
    record(report, "date_order", "period_end", backwards)
    if period_start and period_end:
        outside = [
            bool(s and e and (s < period_start or e > period_end))
            for s, e in zip(start, end, strict=True)
        ]
        record(report, "outside_period", "period_end", outside)
    figures = {name: _figure(frame, name, report) for name in FIGURES}
    _check_interval(figures, report)
    return pd.DataFrame(
        {
            "indicator_id": code.map(indicators),
            "area_id": area.map(areas),
            "provider_id": ods.map(providers),
            "period_start": start,
            "period_end": end,
            "breakdown": frame["breakdown"],
            "category": frame["category"],
            **figures,
        }
    )


def _figure(frame: pd.DataFrame, name: str, report: ValidationReport) -> pd.Series:
    minimum = 0 if name in ("numerator", "denominator", "confidence") else None
    return parse_numbers(frame, name, report, minimum=minimum)


def _check_interval(figures: dict[str, pd.Series], report: ValidationReport) -> None:
    value = pd.to_numeric(figures["value"], errors="coerce")
    lower = pd.to_numeric(figures["lower_ci"], errors="coerce")
    upper = pd.to_numeric(figures["upper_ci"], errors="coerce")
    record(report, "bad_interval", "lower_ci", (lower > value).fillna(False))
    record(report, "bad_interval", "upper_ci", (upper < value).fillna(False))
    confidence = pd.to_numeric(figures["confidence"], errors="coerce")
    record(report, "bad_interval", "confidence", (confidence >= 1).fillna(False))


def upsert_indicator_values(rows: pd.DataFrame) -> int:
    """Insert the checked rows, replacing stored values with the same key. Returns rows."""
    values = [
        IndicatorValue(
            indicator_id=int(row.indicator_id),
            area_id=None if pd.isna(row.area_id) else int(row.area_id),
            provider_id=None if pd.isna(row.provider_id) else int(row.provider_id),
            period_start=row.period_start,
            period_end=row.period_end,
            breakdown=row.breakdown,
            category=row.category,
            value=row.value,
            lower_ci=row.lower_ci,
            upper_ci=row.upper_ci,
            numerator=row.numerator,
            denominator=row.denominator,
            confidence=0.95 if row.confidence is None else row.confidence,
        )
        for row in rows.itertuples()
    ]
    with transaction.atomic():
        IndicatorValue.objects.bulk_create(
            values,
            batch_size=2000,
            update_conflicts=True,
            unique_fields=[
                "indicator",
                "area",
                "provider",
                "period_start",
                "period_end",
                "breakdown",
                "category",
            ],
            update_fields=[
                "value",
                "lower_ci",
                "upper_ci",
                "numerator",
                "denominator",
                "confidence",
            ],
        )
    return len(values)
