"""Uploads end to end through a real Celery worker process, Redis and PostgreSQL: a good
file is loaded and its profile queued, a bad one is rejected, and a worker killed in the
middle of a load leaves the previous snapshot current and the run failed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from importlib import import_module
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.utils import timezone

from commissioning.models import PersonRecord, PopulationSnapshot, RunStatus
from commissioning.runs import STALE_AFTER, fail_abandoned_runs
from needs_assessment.models import DataUpload, NeedsProfile, UploadStatus
from tests.conftest import _database_url, wait_for_run
from tests.needs_assessment.test_ingest_fixtures import (
    PERIOD_END,
    demo_user,
    load_demo_reference,
    people_frame,
    upload_file,
    write_demo_files,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_icb(tmp_path):
    # A transactional test empties every table after it, reference data included: put the
    # shared segmentation models (which the needs profile needs) back.
    import_module("commissioning.migrations.0003_reference_data").load(django_apps, None)
    folder = write_demo_files(tmp_path / "demo")
    icb = load_demo_reference(folder)
    yield icb, demo_user(), folder
    for upload in DataUpload.objects.all():
        upload.file.delete(save=False)
    PopulationSnapshot.objects.all().delete()  # drops the partitions too


def _partitions() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND relname LIKE 'person_record_s%%'"
        )
        return {row[0] for row in cursor.fetchall()}


def test_upload_loaded_by_worker_and_profile_queued(celery_worker_process, demo_icb):
    icb, analyst, folder = demo_icb
    upload = upload_file(folder / f"people_{PERIOD_END}.csv.gz", icb=icb, by=analyst)
    run = wait_for_run(upload.run)
    assert run.status == RunStatus.SUCCEEDED, run.error
    upload.refresh_from_db()
    assert upload.status == UploadStatus.LOADED
    assert upload.snapshot.status == "current"
    assert PersonRecord.objects.filter(snapshot=upload.snapshot).count() == len(people_frame())
    assert run.result["rows"] == len(people_frame())
    profile = NeedsProfile.objects.get(snapshot=upload.snapshot)
    assert run.result["needs_profile_id"] == profile.pk
    wait_for_run(profile.run, 180)  # let the worker finish it before the tables are emptied


def test_bad_upload_rejected_by_worker(celery_worker_process, demo_icb, tmp_path):
    icb, analyst, _ = demo_icb
    frame = people_frame().astype({"sex": object})
    frame.loc[frame.index[9], "sex"] = "X"
    path = tmp_path / "bad.csv"
    frame.to_csv(path, index=False)
    upload = upload_file(path, icb=icb, by=analyst)
    run = wait_for_run(upload.run)
    upload.refresh_from_db()
    assert run.status == RunStatus.FAILED and "rejected" in run.message
    assert upload.status == UploadStatus.REJECTED
    [problem] = upload.report["problems"]
    assert (problem["code"], problem["first"]) == ("bad_sex", [{"row": 10, "column": "sex"}])
    assert not PopulationSnapshot.objects.exists()
    assert not _partitions()


def _big_people_file(path: Path, copies: int) -> Path:
    """The demo people repeated with fresh ids: enough rows for a load to take a while."""
    base = people_frame()
    frames = []
    for i in range(copies):
        frame = base.copy()
        frame["pseudo_id"] = frame["pseudo_id"] + f"-{i}"
        frames.append(frame)
    table = pa.Table.from_pandas(pd.concat(frames, ignore_index=True), preserve_index=False)
    pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="none"))
    return path


def _start_own_worker(queue: str, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(connection.settings_dict),
        "CELERY_QUEUE": queue,
        "DJANGO_DEBUG": "true",
    }
    celery = str(Path(sys.executable).parent / "celery")
    command = [celery, "-A", "commissioning", "worker", "--concurrency", "1", "--queues", queue]
    command += ["--without-mingle", "--without-gossip", "--hostname", f"{queue}@localhost"]
    with open(log, "wb") as out:
        return subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _wait_for_copy(process: subprocess.Popen, seconds: float = 120) -> None:
    """Until the worker's COPY into a new partition is under way."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "the worker stopped by itself"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state = 'active' AND query LIKE 'COPY \"person_record_s%%'"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.02)
    raise AssertionError("the load never started")


def test_worker_killed_mid_load_leaves_previous_snapshot(
    celery_worker_process, demo_icb, tmp_path, settings
):
    icb, analyst, folder = demo_icb
    first = upload_file(folder / f"people_{PERIOD_END}.csv.gz", icb=icb, by=analyst)
    assert wait_for_run(first.run).status == RunStatus.SUCCEEDED
    first.refresh_from_db()
    wait_for_run(NeedsProfile.objects.get(snapshot=first.snapshot).run, 180)

    queue = f"test-kill-{uuid.uuid4().hex[:8]}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue  # this upload goes to a worker of our own
    worker = _start_own_worker(queue, tmp_path / "worker.log")
    try:
        second = upload_file(_big_people_file(tmp_path / "big.csv", 600), icb=icb, by=analyst)
        _wait_for_copy(worker)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    time.sleep(0.5)  # PostgreSQL notices the lost connection and rolls its transaction back
    assert list(PopulationSnapshot.objects.all()) == [first.snapshot]
    first.snapshot.refresh_from_db()
    assert first.snapshot.status == "current"
    assert PersonRecord.objects.count() == first.snapshot.row_count
    assert _partitions() == {first.snapshot.partition_name}
    # The sweep for abandoned runs fails the run; the upload then shows as failed.
    assert fail_abandoned_runs(now=timezone.now() + STALE_AFTER + timedelta(minutes=1)) >= 1
    second.refresh_from_db()
    assert second.run.status == RunStatus.FAILED
    assert second.current_status == UploadStatus.FAILED


def test_analyst_uploads_through_api_and_polls_to_loaded(celery_worker_process, demo_icb):
    from tests.api import token_client

    icb, analyst, folder = demo_icb
    client = token_client(analyst)
    with open(folder / f"people_{PERIOD_END}.csv.gz", "rb") as raw:
        response = client.post(
            "/api/v1/needs-assessment/uploads/",
            {
                "kind": "person_level",
                "period_start": "2024-04-01",
                "period_end": PERIOD_END.isoformat(),
                "file": raw,
            },
            format="multipart",
        )
    assert response.status_code == 202, response.content
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        body = client.get(response["Location"]).json()
        if body["status"] in ("loaded", "rejected", "failed"):
            break
        time.sleep(0.2)
    assert body["status"] == "loaded", body
    assert body["rows"] == len(people_frame()) and body["report"]["valid"]
    snapshot = client.get(f"/api/v1/snapshots/{body['snapshot']}/").json()
    assert snapshot["status"] == "current" and snapshot["checksum"] == body["sha256"]
    wait_for_run(NeedsProfile.objects.get(snapshot_id=body["snapshot"]).run, 180)
