"""What an evaluation run reads, in the worker: the plan's indicator series (by period
start) and, for the snapshot design, prevalence cells aggregated in PostgreSQL from
person_record (person-level rows never leave the database)."""

from __future__ import annotations

import pandas as pd
from django.db.models import Q
from psycopg import sql as pgsql

from commissioning.frames import read_frame
from commissioning.models import Area, AreaLevel, IndicatorValue, PopulationSnapshot
from commissioning.models.population import SnapshotStatus
from evaluation.models import EvaluationPlan


def area_series(plan: EvaluationPlan, area_ids: list[int]) -> pd.DataFrame:
    """The plan's indicator for the given areas, whole population, by period start.
    Columns out: date, area_id, value."""
    rows = (
        IndicatorValue.objects.filter(
            indicator_id=plan.indicator_id,
            area_id__in=area_ids,
            breakdown="",
            value__isnull=False,
        )
        .filter(period_start__gte=plan.start_date, period_start__lte=plan.end_date)
        .order_by("period_start")
        .values_list("period_start", "area_id", "value")
    )
    return pd.DataFrame(list(rows), columns=["date", "area_id", "value"])


def its_frame(plan: EvaluationPlan) -> pd.DataFrame:
    """Columns out: date, value (the intervention area's series)."""
    return area_series(plan, [plan.area_id])[["date", "value"]]


def did_frame(plan: EvaluationPlan) -> pd.DataFrame:
    """Columns out: date, intervention, comparison (mean of the comparison areas' values
    in each period), comparison_areas (how many had a value)."""
    comparison_ids = list(plan.comparison_areas.values_list("pk", flat=True))
    frame = area_series(plan, [plan.area_id, *comparison_ids])
    mine = frame[frame["area_id"] == plan.area_id].set_index("date")["value"]
    others = frame[frame["area_id"] != plan.area_id].groupby("date")["value"].agg(["mean", "size"])
    joined = pd.DataFrame({"intervention": mine}).join(others, how="inner")
    joined = joined.rename(columns={"mean": "comparison", "size": "comparison_areas"})
    return joined.reset_index()


def lsoa_ids(area: Area) -> list[int]:
    """The LSOAs inside an area (the area itself when it is an LSOA)."""
    inside = Q(pk=area.pk) | Q(parent=area) | Q(parent__parent=area)
    inside |= Q(parent__parent__parent=area)
    return list(Area.objects.filter(inside, level=AreaLevel.LSOA).values_list("pk", flat=True))


def snapshots_around(plan: EvaluationPlan) -> tuple[PopulationSnapshot, PopulationSnapshot]:
    """The last snapshot ending before the intervention date and the latest starting on or
    after it, of the plan's ICB; ValueError when either is missing."""
    usable = PopulationSnapshot.objects.filter(icb_id=plan.area.icb_id).exclude(
        status__in=[SnapshotStatus.LOADING, SnapshotStatus.FAILED]
    )
    before = usable.filter(period_end__lt=plan.intervention_date).order_by("-period_end").first()
    after = usable.filter(period_start__gte=plan.intervention_date).order_by("-period_end").first()
    if before is None or after is None:
        raise ValueError(
            "The snapshot design needs a population snapshot ending before "
            f"{plan.intervention_date:%d %B %Y} and one starting on or after it."
        )
    return before, after


CELLS_QUERY = """
SELECT CASE WHEN lsoa_id = ANY(%(mine)s) THEN 'intervention' ELSE 'comparison' END AS "group",
       CASE WHEN snapshot_id = %(before)s THEN 'before' ELSE 'after' END AS period,
       count(*) AS people, count(*) FILTER (WHERE {flag}) AS cases
FROM person_record
WHERE snapshot_id IN (%(before)s, %(after)s) AND lsoa_id = ANY(%(everyone)s)
GROUP BY 1, 2
"""


def snapshot_cells(plan: EvaluationPlan) -> tuple[pd.DataFrame, dict]:
    """Prevalence cells of the plan's condition. Columns out: group, period, people, cases;
    and a dict describing the two snapshots used."""
    before, after = snapshots_around(plan)
    mine = lsoa_ids(plan.area)
    theirs = [pk for area in plan.comparison_areas.all() for pk in lsoa_ids(area)]
    theirs = [pk for pk in theirs if pk not in set(mine)]
    query = pgsql.SQL(CELLS_QUERY).format(flag=pgsql.Identifier(plan.condition))
    params = {"mine": mine, "before": before.pk, "after": after.pk, "everyone": mine + theirs}
    cells = read_frame(query, params)
    used = {"before_snapshot": before.pk, "after_snapshot": after.pk}
    used |= {"before_period_end": str(before.period_end), "after_period_end": str(after.period_end)}
    return cells, used
