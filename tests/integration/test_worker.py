"""End to end through a real Celery worker process, real Redis and real PostgreSQL."""

import pytest

from commissioning.models import PopulationSnapshot, Run, RunStatus
from commissioning.person_load import load_people
from commissioning.population_summary import start_population_summary
from commissioning.tasks import execute_run
from tests import factories as f
from tests.conftest import wait_for_run
from tests.people import make_people

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def loaded_snapshot(universe):
    practice = f.OrganisationFactory(icb=universe.north, kind="gp_practice", sector="primary_care")
    second_lsoa = f.LsoaFactory(parent=universe.neighbourhood)
    snapshot = f.PopulationSnapshotFactory(icb=universe.north)
    people = make_people(
        240, lsoa_ids=[universe.lsoa.pk, second_lsoa.pk], practice_ids=[practice.pk]
    )
    load_people(snapshot=snapshot, people=people, by=universe.analyst)
    yield snapshot, people
    PopulationSnapshot.objects.all().delete()  # drops the partitions too


def test_population_summary_runs_in_worker(celery_worker_process, universe, loaded_snapshot):
    snapshot, people = loaded_snapshot
    run = start_population_summary(snapshot=snapshot, by=universe.analyst)
    wait_for_run(run)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.progress == 100
    assert run.attempts == 1
    assert run.result["people"] == 240
    assert run.result["cost"] == pytest.approx(float(people["cost"].sum()), abs=0.01)
    [place] = run.result["by_place"]
    assert place["place"] == universe.place.name and place["people"] == 240
    assert sum(row["people"] for row in run.result["pyramid"]) == 240


def test_duplicate_delivery_does_the_work_once(celery_worker_process, universe, loaded_snapshot):
    snapshot, _ = loaded_snapshot
    run = start_population_summary(snapshot=snapshot, by=universe.analyst)
    # A second delivery of the same run, as a broker redelivery would make.
    from django.conf import settings

    execute_run.apply_async((run.pk,), queue=settings.CELERY_TASK_DEFAULT_QUEUE)
    wait_for_run(run)
    # Give the duplicate time to be consumed too, then check it changed nothing.
    from celery import current_app

    inspector = current_app.control.inspect(destination=[celery_worker_process.name])
    for _ in range(50):
        if not (inspector.active() or {}).get(celery_worker_process.name):
            break
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
    assert run.attempts == 1
    assert Run.objects.filter(kind=run.kind).count() == 1
