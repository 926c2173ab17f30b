"""The demo's own writes, for what no stage action covers: keyword-only, by=user, atomic,
audited (verbs `evaluation.demo.*`). Only ICB staff of the demo ICB may run them.

- `load_series`: upsert the monthly indicator series (series.generate) of an ICB.
- `record_findings`: approved needs assessment findings a demo strategy's priorities
  rest on, for when the demo has no approved needs assessment (which needs a computed
  needs profile, made by the worker after `make run` starts).
- `set_baseline_from_series`: an outcome's baseline from the seeded series (its
  2024/25 figure), for when no needs profile figure can be frozen.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from commissioning import access
from commissioning.models import (
    Area,
    AreaLevel,
    AuditEvent,
    CommissioningCycle,
    Finding,
    FindingStage,
    FindingStatus,
    Indicator,
    IndicatorValue,
    Organisation,
)
from commissioning.stats.intervals import byars_interval, wilson_interval
from evaluation.demo import series
from strategy.lifecycle import rules
from strategy.models import Outcome

BASELINE_START = dt.date(2024, 4, 1)  # financial year 2024/25, the year before plan year 1
BASELINE_END = dt.date(2025, 3, 31)
KEY_FIELDS = ("indicator_id", "area_id", "provider_id", "period_start", "period_end")
VALUE_FIELDS = ("value", "numerator", "denominator")


def _audit(by, verb: str, object_type: str, object_id, **data) -> None:
    AuditEvent.objects.create(
        actor=by,
        verb=f"evaluation.demo.{verb}",
        object_type=object_type,
        object_id=str(object_id),
        data=data,
    )


def _require_icb_staff(by, icb: Area) -> None:
    if not (access.is_icb_staff(by) and access.home_icb_id(by) == icb.pk):
        raise PermissionDenied("Only ICB staff of this ICB can seed its demo data.")


def series_frame(icb: Area, today: dt.date):
    """The generated series of `icb` with area and provider keys as pks (see series.py)."""
    places = Area.objects.filter(icb=icb, level=AreaLevel.PLACE).order_by("name")
    organisations = {
        o.ods_code: o.pk
        for o in Organisation.objects.filter(ods_code__in=list(series.DEMO_PROVIDERS))
    }
    providers = [
        series.Provider(organisations[code], catchment, indicators, name=code)
        for code, (catchment, indicators) in series.DEMO_PROVIDERS.items()
        if code in organisations
    ]
    return series.generate(
        icb_key=icb.pk,
        places=series.demo_places([(p.pk, p.name) for p in places]),
        providers=providers,
        today=today,
    )


def _wanted(frame, indicators: dict[str, int]) -> dict[tuple, tuple]:
    """{(indicator_id, area_id, provider_id, period_start, period_end): (value, numerator,
    denominator)} from a generated series frame."""
    return {
        (indicators[r.indicator], r.area, r.provider, r.period_start, r.period_end): (
            float(r.value),
            float(r.numerator),
            float(r.denominator),
        )
        for r in frame.itertuples(index=False)
    }


@transaction.atomic
def load_series(*, icb: Area, by, today: dt.date | None = None) -> dict:
    """Upsert the demo series of `icb` (whole population, no breakdown). Returns counts
    {"created": n, "updated": n, "unchanged": n}. Running it again changes nothing."""
    _require_icb_staff(by, icb)
    frame = series_frame(icb, today or timezone.localdate())
    indicators = dict(Indicator.objects.values_list("code", "pk"))
    missing = sorted(set(frame["indicator"]) - set(indicators))
    if missing:
        raise ValidationError(f"The indicator library has no {', '.join(missing)}.")
    wanted = _wanted(frame, indicators)
    existing = {
        tuple(getattr(v, f) for f in KEY_FIELDS): v
        for v in IndicatorValue.objects.filter(
            Q(area_id__in={k[1] for k in wanted} - {None})
            | Q(provider_id__in={k[2] for k in wanted} - {None}),
            indicator_id__in=indicators.values(),
            breakdown="",
            category="",
            period_start__gte=series.FIRST_MONTH,
        )
    }
    new, changed = [], []
    for key, values in wanted.items():
        fields = dict(zip(VALUE_FIELDS, values, strict=True))
        row = existing.get(key)
        if row is None:
            new.append(IndicatorValue(**dict(zip(KEY_FIELDS, key, strict=True)), **fields))
        elif any(getattr(row, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(row, name, value)
            changed.append(row)
    IndicatorValue.objects.bulk_create(new, batch_size=1000)
    IndicatorValue.objects.bulk_update(changed, VALUE_FIELDS, batch_size=1000)
    counts = {
        "created": len(new),
        "updated": len(changed),
        "unchanged": len(wanted) - len(new) - len(changed),
    }
    if new or changed:
        _audit(by, "series_loaded", "commissioning.area", icb.pk, **counts)
    return counts


@transaction.atomic
def record_findings(*, cycle: CommissioningCycle, findings: list[tuple[str, str]], by) -> list:
    """Approved needs assessment findings (title, summary) of `cycle`, each made once
    (matched by title). Returns the Finding rows in the order given."""
    _require_icb_staff(by, cycle.icb)
    if not access.has_permission(by, access.Permission.APPROVE):
        raise PermissionDenied("Only an ICB commissioner can record approved findings.")
    out = []
    for title, summary in findings:
        finding = Finding.objects.filter(
            cycle=cycle, stage=FindingStage.NEEDS_ASSESSMENT, title=title
        ).first()
        if finding is None:
            finding = Finding.objects.create(
                cycle=cycle,
                stage=FindingStage.NEEDS_ASSESSMENT,
                title=title,
                summary=summary,
                status=FindingStatus.APPROVED,
                created_by=by,
                approved_by=by,
                approved_at=timezone.now(),
            )
            _audit(by, "finding_recorded", "commissioning.finding", finding.pk, cycle=cycle.pk)
        out.append(finding)
    return out


def series_baseline(indicator: Indicator, area: Area) -> dict | None:
    """The 2024/25 figure of an indicator for an area from its monthly series: a rate is
    the year's events over the mean people (annual rate per 100,000, Byar's interval); a
    prevalence the mean of the months (Wilson interval on the mean register). None when
    the series has no full year."""
    rows = list(
        IndicatorValue.objects.filter(
            indicator=indicator, area=area, breakdown="", category="",
            period_start__gte=BASELINE_START, period_end__lte=BASELINE_END,
        ).values_list("numerator", "denominator")
    )  # fmt: skip
    if len(rows) != 12 or any(n is None or not d for n, d in rows):
        return None
    events = sum(n for n, _ in rows)
    people = sum(d for _, d in rows) / 12
    if indicator.unit.strip() == "%":
        register = events / 12
        interval = wilson_interval(register, people, per=100)
        numerator, value = register, register / people * 100
    else:
        interval = byars_interval(events)
        numerator, value = events, events / people * 100_000
        interval = type(interval)(value, interval.lower / people * 100_000,
                                  interval.upper / people * 100_000)  # fmt: skip
    return {
        "value": round(float(value), 2),
        "lower": round(float(interval.lower), 2),
        "upper": round(float(interval.upper), 2),
        "numerator": float(numerator),
        "denominator": float(people),
    }


@transaction.atomic
def set_baseline_from_series(*, outcome: Outcome, by) -> Outcome:
    """Freeze an outcome's baseline from the seeded series (its area's 2024/25 figure),
    marking the source as the demo series. The strategy must still be editable and the
    baseline not frozen yet; `by` must be able to edit the strategy."""
    rules.require_editable(strategy=outcome.priority.strategy, by=by)
    outcome = (
        Outcome.objects.select_for_update().select_related("indicator", "area").get(pk=outcome.pk)
    )
    if outcome.baseline_frozen_at is not None:
        raise ValidationError({"baseline": "The baseline is frozen already and never changes."})
    figure = series_baseline(outcome.indicator, outcome.area)
    if figure is None:
        raise ValidationError(
            {"baseline": f"The series of {outcome.indicator.code} for {outcome.area.name} has "
             "no full 2024/25 year: load the demo series first."}
        )  # fmt: skip
    outcome.baseline_value = figure["value"]
    outcome.baseline_lower = figure["lower"]
    outcome.baseline_upper = figure["upper"]
    outcome.baseline_period_start = BASELINE_START
    outcome.baseline_period_end = BASELINE_END
    outcome.baseline_source = {
        "source": "demo indicator series",
        "indicator": outcome.indicator.code,
        "area": outcome.area_id,
        "measure": "monthly series, 2024/25",
        "unit": outcome.indicator.unit,
        "numerator": figure["numerator"],
        "denominator": figure["denominator"],
        "population": round(figure["denominator"]),
        "publishable": True,
    }
    outcome.baseline_frozen_at = timezone.now()
    outcome.save()
    _audit(by, "baseline_from_series", "strategy.outcome", outcome.pk, **figure)
    return outcome
