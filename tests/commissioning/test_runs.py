"""Background runs: claiming, progress, failure and abandonment (in-process, no worker)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from commissioning import runs
from commissioning.models import AuditEvent, Run, RunStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def test_handlers():
    """Two kinds of run only these tests use."""

    @runs.run_handler("test_ok")
    def ok(context):
        context.progress(50, "halfway")
        return {"answer": 42}

    @runs.run_handler("test_boom")
    def boom(context):
        raise ValueError("the input has no rows")

    yield
    runs._HANDLERS.pop("test_ok")
    runs._HANDLERS.pop("test_boom")


def test_start_run_queues_task_only_on_commit(universe, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = runs.start_run(kind="test_ok", by=universe.analyst, icb=universe.north)
    assert run.status == RunStatus.QUEUED
    assert len(callbacks) == 1
    assert AuditEvent.objects.filter(verb="run.start", object_id=str(run.pk)).exists()


def test_start_run_unknown_kind_refused(universe):
    with pytest.raises(ValueError, match="unknown run kind"):
        runs.start_run(kind="nonsense", by=universe.analyst)


def test_claim_run_second_claim_gets_nothing(universe):
    run = f.RunFactory(kind="test_ok", started_by=universe.analyst)
    assert runs.claim_run(run.pk) is not None
    assert runs.claim_run(run.pk) is None


def test_execute_success_records_result(universe):
    run = f.RunFactory(kind="test_ok", started_by=universe.analyst)
    runs.execute(run.pk)
    run.refresh_from_db()
    assert (run.status, run.progress, run.result) == (RunStatus.SUCCEEDED, 100, {"answer": 42})
    assert run.finished_at is not None


def test_execute_twice_does_work_once(universe):
    run = f.RunFactory(kind="test_ok", started_by=universe.analyst)
    runs.execute(run.pk)
    assert runs.execute(run.pk) is None
    run.refresh_from_db()
    assert run.attempts == 1


def test_execute_failure_marks_run_failed_with_message(universe):
    run = f.RunFactory(kind="test_boom", started_by=universe.analyst)
    runs.execute(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.message == "ValueError: the input has no rows"
    assert "Traceback" in run.error


def test_abandoned_run_is_failed_and_can_be_reclaimed(universe):
    stale = timezone.now() - runs.STALE_AFTER - timedelta(seconds=1)
    run = f.RunFactory(kind="test_ok", status=RunStatus.RUNNING, heartbeat_at=stale)
    assert runs.claim_run(run.pk) is not None  # a redelivery may take over an abandoned run
    other = f.RunFactory(kind="test_ok", status=RunStatus.RUNNING, heartbeat_at=stale)
    assert runs.fail_abandoned_runs() == 1
    other.refresh_from_db()
    assert other.status == RunStatus.FAILED
    assert Run.objects.get(pk=run.pk).status == RunStatus.RUNNING
