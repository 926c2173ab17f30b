"""Faults, proven with the real services: Celery worker processes, Redis and PostgreSQL.

1. A worker killed (SIGKILL) in the middle of a run: the run is done again by the next
   worker process and completes once; its side effect happens once.
2. The same task delivered twice at once: the work is done once.
3. A task is queued only when the transaction that started the run commits.
4. The database connection lost during a run: the run fails with a clear message, soon;
   starting it again works.
5. The beat sweep fails a run whose worker stopped reporting.

The workers run `tests.faults.worker_app`, which loads the test-only handler of
`tests.faults.handlers`. docs/decisions/0004-fault-tolerance.md explains the mechanisms.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.utils import timezone

from commissioning.celery import app
from commissioning.models import Run, RunStatus
from commissioning.runs import STALE_AFTER, start_run
from commissioning.tasks import execute_run, fail_abandoned_runs
from tests import factories as f
from tests.conftest import _database_url, wait_for_run
from tests.faults.handlers import KIND, SIDE_EFFECT_TABLE

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------- helpers


def _start_worker(queue: str, log: Path, *, concurrency: int = 1, visibility: int | None = None):
    """A real worker process of our own on `queue`, answering pings when this returns."""
    name = f"{queue}-{uuid.uuid4().hex[:4]}@localhost"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(connection.settings_dict),
        "REDIS_URL": django_settings.REDIS_URL,
        "CELERY_QUEUE": queue,
        "DJANGO_DEBUG": "true",
    }
    if visibility:
        env["FAULTS_VISIBILITY_TIMEOUT"] = str(visibility)
        env["FAULTS_UNACKED_KEY"] = f"unacked-{queue}"
    celery = str(Path(sys.executable).parent / "celery")
    command = [celery, "-A", "tests.faults.worker_app", "worker", "--loglevel", "INFO"]
    command += ["--concurrency", str(concurrency), "--queues", queue, "--hostname", name]
    command += ["--without-mingle", "--without-gossip"]
    with open(log, "ab") as out:
        process = subprocess.Popen(
            command,
            env=env,
            cwd=BASE_DIR,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while not app.control.ping(destination=[name], timeout=0.5):
        if process.poll() is not None or time.monotonic() > deadline:
            _stop(process)
            raise RuntimeError(f"worker did not start:\n{log.read_text()[-3000:]}")
    return SimpleNamespace(name=name, process=process, log=log, queue=queue)


def _stop(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _forget_queue(queue: str) -> None:
    """Remove what a queue of ours left in Redis: messages, bindings, unacked bookkeeping."""
    keys = [queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"]
    keys += [f"unacked-{queue}", f"unacked-{queue}_index", f"unacked-{queue}_mutex"]
    redis.Redis.from_url(django_settings.REDIS_URL).delete(*keys)


def _wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {seconds} s waiting for {what}")


def _side_effects(run=None) -> list[tuple[int, int]]:
    """(run id, attempt) of every committed side effect of the test handler."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT run_id, attempt FROM {SIDE_EFFECT_TABLE} ORDER BY id")  # noqa: S608
        rows = [tuple(row) for row in cursor.fetchall()]
    return [row for row in rows if run is None or row[0] == run.pk]


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def fault_worker(django_db_setup, tmp_path_factory):
    """One worker process (two pool processes) on a queue of this module's own."""
    queue = f"test-faults-{uuid.uuid4().hex[:8]}"
    worker = _start_worker(queue, tmp_path_factory.mktemp("faults") / "worker.log", concurrency=2)
    yield worker
    _stop(worker.process)
    _forget_queue(queue)


@pytest.fixture
def side_effect_table(db):
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {SIDE_EFFECT_TABLE} "
            "(id bigserial PRIMARY KEY, run_id bigint NOT NULL, attempt int NOT NULL, pid int)"
        )
        cursor.execute(f"TRUNCATE {SIDE_EFFECT_TABLE}")
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SIDE_EFFECT_TABLE}")


@pytest.fixture
def on_fault_worker(fault_worker, settings, side_effect_table):
    """Runs started by the test go to the module's worker."""
    settings.CELERY_TASK_DEFAULT_QUEUE = fault_worker.queue
    return fault_worker


@pytest.fixture
def user(db):
    return f.UserFactory(username=f"faults-{uuid.uuid4().hex[:6]}")


# --------------------------------------------------------------------------- 1. SIGKILL


def test_pool_process_killed_mid_run_is_redone_once(on_fault_worker, user, tmp_path):
    """The process doing the run is killed (as the OOM killer would): the worker hands the
    message back (acks late, reject on worker lost), a fresh pool process takes over the run,
    whose killed attempt's transaction PostgreSQL rolled back, and completes it once."""
    marker = tmp_path / "attempt"
    run = start_run(kind=KIND, by=user, parameters={"marker": str(marker), "hold_first": 60})
    first = Path(f"{marker}.1")
    _wait_for(first.exists, 30, "the first attempt to be under way")
    os.kill(int(first.read_text()), signal.SIGKILL)

    wait_for_run(run, 30)
    assert run.status == RunStatus.SUCCEEDED, run.message
    assert run.attempts == 2
    assert run.result["pid"] != int(first.read_text())
    assert _side_effects(run) == [(run.pk, 2)]  # the killed attempt's write was rolled back


def test_worker_killed_outright_then_new_worker_completes_run_once(
    settings, side_effect_table, user, tmp_path
):
    """The whole worker (main process and pool) is killed, as when its machine is lost. The
    message stays unacknowledged in Redis; the next worker to start gets it back once the
    visibility timeout has passed (3 s here, an hour in production), finds the run's lock
    free (the dead worker's database session has ended) and completes the run once."""
    queue = f"test-faults-kill-{uuid.uuid4().hex[:8]}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    log = tmp_path / "workers.log"
    marker = tmp_path / "attempt"
    first_worker = _start_worker(queue, log, visibility=3)
    try:
        run = start_run(kind=KIND, by=user, parameters={"marker": str(marker), "hold_first": 60})
        _wait_for(Path(f"{marker}.1").exists, 30, "the first attempt to be under way")
        os.killpg(first_worker.process.pid, signal.SIGKILL)
        first_worker.process.wait(timeout=10)
    finally:
        _stop(first_worker.process, signal.SIGKILL)
    run.refresh_from_db()
    assert (run.status, run.attempts) == (RunStatus.RUNNING, 1)  # orphaned, for now

    second_worker = _start_worker(queue, log, visibility=3)
    try:
        wait_for_run(run, 40)
    finally:
        _stop(second_worker.process)
        _forget_queue(queue)
    assert run.status == RunStatus.SUCCEEDED, run.message
    assert run.attempts == 2
    assert _side_effects(run) == [(run.pk, 2)]


# --------------------------------------------------------------------------- 2. duplicates


def test_duplicate_delivery_while_running_does_the_work_once(on_fault_worker, user):
    """Two deliveries of one run at once (two pool processes free): the second finds the
    run's lock held by the first and does nothing. (tests/integration covers a duplicate
    that arrives after the run finished.)"""
    run = start_run(kind=KIND, by=user, parameters={"hold": 4})
    execute_run.apply_async((run.pk,), queue=on_fault_worker.queue)

    def duplicate_refused():
        return f"run {run.pk} not claimable" in on_fault_worker.log.read_text()

    _wait_for(duplicate_refused, 20, "the duplicate delivery to be refused")
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING  # the duplicate gave up while the first worked
    wait_for_run(run, 30)
    assert run.status == RunStatus.SUCCEEDED, run.message
    assert run.attempts == 1
    assert _side_effects(run) == [(run.pk, 1)]


# --------------------------------------------------------------------------- 3. on commit


def test_task_is_queued_only_when_the_transaction_commits(on_fault_worker, user, settings):
    """start_run inside a transaction that rolls back sends nothing; inside one that
    commits it sends the task at the commit, and the run is done. The queue is one that no
    worker reads until the end, so what is in Redis can be counted."""
    queue = f"test-faults-commit-{uuid.uuid4().hex[:8]}"
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    broker = redis.Redis.from_url(settings.REDIS_URL)
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            rolled_back = start_run(kind=KIND, by=user)
            assert broker.llen(queue) == 0
            raise RuntimeError("the request failed after starting the run")
        assert not Run.objects.filter(pk=rolled_back.pk).exists()
        assert broker.llen(queue) == 0

        with transaction.atomic():
            run = start_run(kind=KIND, by=user)
            assert broker.llen(queue) == 0  # not yet: the run is not committed
        assert broker.llen(queue) == 1

        app.control.add_consumer(queue, destination=[on_fault_worker.name], reply=True)
        wait_for_run(run, 30)
        assert run.status == RunStatus.SUCCEEDED, run.message
        assert _side_effects() == [(run.pk, 1)]  # the rolled-back run never executed
        assert broker.llen(queue) == 0
    finally:
        app.control.cancel_consumer(queue, destination=[on_fault_worker.name], reply=True)
        _forget_queue(queue)


# --------------------------------------------------------------------------- 4. database


def _backend_running(marker: str) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE %s",
            [f"%{marker}%"],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _allow_connections(allow: bool) -> None:
    """Let connections into the test database, or not (said from the maintenance database:
    PostgreSQL refuses it from inside the database itself)."""
    name = connection.ops.quote_name(connection.settings_dict["NAME"])
    params = {**connection.get_connection_params(), "dbname": "postgres", "autocommit": True}
    params.pop("cursor_factory", None)
    with psycopg.connect(**params) as admin:
        admin.execute(f"ALTER DATABASE {name} WITH ALLOW_CONNECTIONS {str(allow).lower()}")


def test_database_connection_lost_mid_run_fails_cleanly_and_retry_works(on_fault_worker, user):
    """What a PostgreSQL restart does to a worker, on the test database only: its backend
    is terminated in the middle of a query, and for a while no new connection is let in.
    (A real restart would break every other session on this shared server; see the
    decision record.) The run ends failed, with a message that says so, as soon as the
    database is back, and a new run succeeds."""
    run = start_run(kind=KIND, by=user, parameters={"sql_sleep": 60})
    pid = _wait_for(lambda: _backend_running("faults-sql-sleep"), 30, "the query to start")
    started = time.monotonic()
    _allow_connections(False)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])

        def retries() -> int:
            text = on_fault_worker.log.read_text()
            return text.count(f"run {run.pk}: database unreachable, retrying its outcome")

        # The dead connection fails the first write; reconnecting fails while the database
        # keeps its doors shut; the worker keeps trying (for up to 20 s) rather than give up.
        _wait_for(lambda: retries() >= 2, 10, "the worker to retry recording the failure")
        run.refresh_from_db()
        assert run.status == RunStatus.RUNNING  # nothing can be written while it is down
    finally:
        _allow_connections(True)

    wait_for_run(run, 20)
    assert time.monotonic() - started < 20
    assert run.status == RunStatus.FAILED
    assert run.message.startswith("The database connection was lost during the run")
    assert "start the run again" in run.message
    assert "terminating connection" in run.error

    again = start_run(kind=KIND, by=user)
    wait_for_run(again, 30)
    assert again.status == RunStatus.SUCCEEDED, again.message


# --------------------------------------------------------------------------- 5. the sweep


def test_beat_sweep_fails_run_whose_heartbeat_stopped(on_fault_worker):
    """The beat task, run by the worker, fails a run that stopped reporting and leaves a
    live one alone."""
    now = timezone.now()
    stale = f.RunFactory(
        kind=KIND, status=RunStatus.RUNNING, attempts=1, heartbeat_at=now - STALE_AFTER * 2
    )
    live = f.RunFactory(kind=KIND, status=RunStatus.RUNNING, attempts=1, heartbeat_at=now)
    fail_abandoned_runs.apply_async(queue=on_fault_worker.queue)
    wait_for_run(stale, 20)
    assert stale.status == RunStatus.FAILED
    assert stale.message == "The worker stopped reporting; start the run again."
    live.refresh_from_db()
    assert live.status == RunStatus.RUNNING
    assert live.heartbeat_at > now - timedelta(seconds=1)
