"""Progress of an ingest run is written on its own connection, so the polling page sees
it while the load's transaction is still open."""

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from commissioning.models import Run, RunStatus
from needs_assessment.ingest.progress import RunProgress
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def _seen_from_outside(run_id: int):
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT progress, message FROM commissioning_run WHERE id = %s", [run_id]
            )
            return cursor.fetchone()
    finally:
        other.close()


def test_progress_visible_while_load_transaction_open():
    run = f.RunFactory(kind="ingest", status=RunStatus.RUNNING)
    progress = RunProgress(run)
    try:
        with transaction.atomic():
            f.AreaFactory()  # the load's transaction has written something
            progress(42, "Checked 1,000 rows", force=True)
            assert _seen_from_outside(run.pk) == (42, "Checked 1,000 rows")
    finally:
        progress.close()


def test_progress_throttled_and_only_while_running():
    run = f.RunFactory(kind="ingest", status=RunStatus.RUNNING)
    progress = RunProgress(run)
    try:
        progress(10, "first", force=True)
        progress(20, "too soon")  # within half a second of the last write: skipped
        assert _seen_from_outside(run.pk) == (10, "first")
        Run.objects.filter(pk=run.pk).update(status=RunStatus.SUCCEEDED)
        progress(30, "after the end", force=True)
        assert _seen_from_outside(run.pk) == (10, "first")
    finally:
        progress.close()
