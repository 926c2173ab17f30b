"""Computing a needs profile through a real Celery worker, Redis and PostgreSQL, on a few
thousand people from the demo generator (two periods, so the risk model trains too)."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from commissioning.demo import DEMO_ICB_CODE
from commissioning.demo.generator import build_demo, write_demo
from commissioning.demo.loader import load_files
from commissioning.models import (
    Area,
    AreaLevel,
    IndicatorValue,
    PersonRecord,
    PopulationSnapshot,
    Run,
    RunStatus,
    Segment,
    SegmentationModel,
    User,
)
from commissioning.person_load import load_people
from commissioning.runs import execute
from needs_assessment.actions import start_needs_profile
from needs_assessment.models import ProfileAggregate, ProfileStatus
from needs_assessment.profile import store
from tests import factories as f
from tests.conftest import wait_for_run
from tests.people import make_people

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]
GM = "Greater Manchester population segmentation"
PEOPLE = 4000


@pytest.fixture
def demo(tmp_path):
    write_demo(build_demo(seed=11, people=PEOPLE), tmp_path)
    load_files(tmp_path, seed=11, password="not-used-in-tests", summarise=False)  # noqa: S106
    icb = Area.objects.get(code=DEMO_ICB_CODE)
    yield icb, PopulationSnapshot.objects.filter(icb=icb).order_by("period_end")
    PopulationSnapshot.objects.all().delete()  # drops the partitions too


def people_by_area(profile, level: str) -> dict[int, float]:
    rows = ProfileAggregate.objects.filter(
        profile=profile, measure="people", breakdown="", area__level=level
    )
    return {row.area_id: row.value for row in rows}


def test_profile_runs_in_worker_and_adds_up(celery_worker_process, demo):
    icb, snapshots = demo
    earlier, later = list(snapshots)
    model = SegmentationModel.objects.get(icb=None, name=GM)
    profile = start_needs_profile(
        snapshot=later, by=User.objects.get(username="analyst"), segmentation_model=model
    )
    assert profile.earlier_snapshot == earlier
    run = wait_for_run(profile.run, seconds=300)
    assert run.status == RunStatus.SUCCEEDED, run.error
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.READY and profile.computed_at
    assert profile.people == later.row_count == run.result["people"]
    assert profile.summary["aggregates"] == profile.aggregates.count() > 10_000

    # Areas add up: neighbourhoods to their place, places to the ICB.
    icb_people = people_by_area(profile, AreaLevel.ICB)[icb.pk]
    places = people_by_area(profile, AreaLevel.PLACE)
    hoods = people_by_area(profile, AreaLevel.NEIGHBOURHOOD)
    assert sum(places.values()) == icb_people == later.row_count
    for place in Area.objects.filter(icb=icb, level=AreaLevel.PLACE):
        children = place.children.values_list("pk", flat=True)
        assert sum(hoods[c] for c in children) == places[place.pk]

    # Segment people add up to people in every area, and tiers too.
    for measure, breakdown in (("segment_people", "segment"), ("tier_people", "tier")):
        sums = (
            profile.aggregates.filter(measure=measure, breakdown=breakdown)
            .values("area")
            .annotate(total=Sum("value"))
        )
        assert {s["area"]: s["total"] for s in sums} == {**places, **hoods, icb.pk: icb_people}
    codes = list(model.segments.order_by("priority").values_list("code", flat=True))
    assert [s["code"] for s in profile.summary["segments"]] == codes

    # The ICB's total cost is the sum of the people's, and the matrix adds up to it.
    cost = PersonRecord.objects.filter(snapshot=later).aggregate(total=Sum("cost"))["total"]
    total = profile.aggregates.get(area=icb, measure="cost", breakdown="").value
    assert Decimal(str(round(total, 2))) == cost
    matrix = profile.aggregates.filter(area=icb, measure="cost", breakdown="segment_tier")
    assert sum(row.value for row in matrix) == pytest.approx(float(cost))

    # The risk model was trained on the earlier period and judged on held-out people.
    metrics = profile.risk_metrics
    assert metrics["available"] and 0.5 < metrics["emergency"]["auc"]["value"] <= 1
    assert set(metrics["fairness"]) == {"sex", "imd_quintile", "ethnicity"}
    assert len(metrics["emergency"]["calibration_by_decile"]) == 10
    assert sum(metrics["tiers"]["people"].values()) == later.row_count
    assert metrics["linkage"]["linked"] > 0.8 * PEOPLE
    assert profile.aggregates.filter(measure__startswith="sii:", area=icb).exists()

    # Stage 4 hears the profile is ready and writes its library-indicator values.
    derive = Run.objects.get(kind="derive_indicator_values", parameters__profile_id=profile.pk)
    assert wait_for_run(derive, seconds=120).status == RunStatus.SUCCEEDED
    written = IndicatorValue.objects.filter(area=icb, period_end=later.period_end, breakdown="")
    assert {"HYP_PREV", "DM_PREV"} <= set(written.values_list("indicator__code", flat=True))


def test_a_model_that_leaves_people_out_fails_the_profile_cleanly(celery_worker_process, demo):
    icb, snapshots = demo
    model = SegmentationModel.objects.create(icb=icb, name="Only the frail")
    Segment.objects.create(
        model=model, priority=1, code="frail", name="Frail", rule={"flag": "palliative"}
    )
    profile = start_needs_profile(
        snapshot=snapshots.last(), by=User.objects.get(username="analyst"), segmentation_model=model
    )
    run = wait_for_run(profile.run, seconds=120)
    profile.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "leaves" in run.message and "in no segment" in run.message
    assert profile.status == ProfileStatus.FAILED
    assert not profile.aggregates.exists()


@pytest.fixture
def north_snapshot(universe):
    practice = f.OrganisationFactory(icb=universe.north, kind="gp_practice", sector="primary_care")
    snapshot = f.PopulationSnapshotFactory(icb=universe.north)
    people = make_people(300, lsoa_ids=[universe.lsoa.pk], practice_ids=[practice.pk])
    load_people(snapshot=snapshot, people=people, by=universe.analyst)
    yield snapshot
    PopulationSnapshot.objects.all().delete()


def test_a_failure_while_writing_leaves_no_aggregates(universe, north_snapshot, monkeypatch):
    """Done in this process (not the worker) so that the write can be made to fail after
    half of the aggregates are in: the transaction takes them all away again."""
    model = SegmentationModel.objects.get(icb=None, name=GM)
    profile = start_needs_profile(
        snapshot=north_snapshot, by=universe.analyst, segmentation_model=model
    )
    real_write = store.write_aggregates

    def write_half_then_fail(profile_id, rows):
        real_write(profile_id, rows.iloc[: len(rows) // 2])
        assert ProfileAggregate.objects.filter(profile_id=profile_id).exists()
        raise OSError("disk full")

    monkeypatch.setattr(store, "write_aggregates", write_half_then_fail)
    run = execute(profile.run_id)
    run.refresh_from_db()
    profile.refresh_from_db()
    assert run.status == RunStatus.FAILED and "disk full" in run.message
    assert profile.status == ProfileStatus.FAILED
    assert not ProfileAggregate.objects.exists()
    # Without an earlier period there is no risk model, and the profile says why.
    monkeypatch.setattr(store, "write_aggregates", real_write)
    again = start_needs_profile(
        snapshot=north_snapshot, by=universe.analyst, segmentation_model=model
    )
    execute(again.run_id)
    again.refresh_from_db()
    assert again.status == ProfileStatus.READY
    assert again.risk_metrics["available"] is False
    assert "no earlier period" in again.summary["risk_note"]
    assert not again.aggregates.filter(breakdown="tier").exists()


def test_an_earlier_period_without_rows_means_no_risk_model(universe, north_snapshot):
    from datetime import date

    from commissioning.models import SnapshotStatus

    emptied = f.PopulationSnapshotFactory(
        icb=universe.north,
        period_start=date(2024, 4, 1),
        period_end=date(2025, 3, 31),
        status=SnapshotStatus.CURRENT,
    )
    model = SegmentationModel.objects.get(icb=None, name=GM)
    profile = start_needs_profile(
        snapshot=north_snapshot, by=universe.analyst, segmentation_model=model
    )
    assert profile.earlier_snapshot == emptied
    execute(profile.run_id)
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.READY
    assert "could not be read" in profile.risk_metrics["reason"]
    assert profile.aggregates.filter(measure="segment_people").exists()
