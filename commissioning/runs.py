"""Background runs: start one, claim it exactly once, report progress, finish or fail.

A request calls `start_run`, which records the run and queues its task only after the
transaction commits. The task (one generic task, `commissioning.tasks.execute_run`) claims
the run with a conditional UPDATE, so a duplicate delivery finds nothing to claim and
does nothing. Stage apps register what each kind of run does with `@run_handler(kind)`.

While a worker does a run it holds a PostgreSQL session advisory lock on it. PostgreSQL
drops the lock when the worker's connection ends, so a redelivered task (after the worker
was killed) can tell a dead attempt, which it takes over, from a live one, which it leaves
alone. docs/decisions/0004-fault-tolerance.md gives the faults and the tests that prove it.
"""

from __future__ import annotations

import contextlib
import logging
import time
import traceback
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pghistory
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from commissioning.models import AuditEvent, Run, RunStatus

logger = logging.getLogger(__name__)

# A running run whose worker has not reported for this long is taken to be abandoned.
STALE_AFTER = timedelta(minutes=10)
# The advisory lock a worker holds on a run while it does it: (namespace, run id). The
# two-key form never collides with the one-key locks elsewhere (needs_assessment.ingest).
_LOCK_NAMESPACE = 0x52554E  # "RUN"
# How long a delivery waits for a running run's lock to be let go (a killed worker's
# database session may take a moment to end) before taking it that someone is at work.
LOCK_WAIT = timedelta(seconds=2)
# Writing a run's outcome is retried for this long when the database connection is lost
# (a restart), so that the run ends failed rather than running for ever.
OUTCOME_RETRY_FOR = timedelta(seconds=20)
# Runs whose lock this process holds (a session's advisory locks are re-entrant, so the
# process itself must remember not to claim a run twice).
_HELD: set[int] = set()

Handler = Callable[["RunContext"], dict[str, Any]]
_HANDLERS: dict[str, Handler] = {}
_LABELS: dict[str, str] = {}
_SUBJECTS: dict[str, tuple[str, str, str]] = {}


def run_handler(
    kind: str, label: str | None = None, subject: tuple[str, str, str] | None = None
) -> Callable[[Handler], Handler]:
    """Register the function that does the work of runs of `kind`; it returns the result.
    `label` is how pages name such runs ("Needs profile"). `subject` says what the run
    works on, for a link from its page: (parameter holding the id, URL name of the
    thing's page, link text), e.g. ("scenario_id", "payor:scenario-detail", "See the
    scenario"); the page it links to checks access as always."""

    def register(function: Handler) -> Handler:
        if kind in _HANDLERS:
            raise RuntimeError(f"run kind {kind!r} is already registered")
        _HANDLERS[kind] = function
        if label:
            _LABELS[kind] = label
        if subject:
            _SUBJECTS[kind] = subject
        return function

    return register


def subject_link(run: Run) -> tuple[str, str] | None:
    """(link text, URL) of the thing a run works on, when its kind registered one."""
    from django.urls import NoReverseMatch, reverse

    if run.kind not in _SUBJECTS:
        return None
    key, url_name, text = _SUBJECTS[run.kind]
    value = (run.parameters or {}).get(key)
    if not isinstance(value, int):
        return None
    try:
        return text, reverse(url_name, args=[value])
    except NoReverseMatch:
        return None


def kind_label(kind: str) -> str:
    """A run kind as a person reads it ("population_summary" -> "Population summary")."""
    return _LABELS.get(kind) or kind.replace("_", " ").capitalize()


def registered_kinds() -> list[str]:
    return sorted(_HANDLERS)


class RunContext:
    """What a handler gets: the run, its parameters and a way to report progress."""

    def __init__(self, run: Run):
        self.run = run
        self.parameters = run.parameters

    def progress(self, percent: int, message: str = "") -> None:
        """Record progress (0-100) where the polling page can read it, at once."""
        percent = max(0, min(100, int(percent)))
        Run.objects.filter(pk=self.run.pk, status=RunStatus.RUNNING).update(
            progress=percent, message=message[:500], heartbeat_at=timezone.now()
        )


@transaction.atomic
def start_run(*, kind: str, by, icb=None, parameters: dict | None = None) -> Run:
    """Record a queued run and send its task once this transaction commits."""
    if kind not in _HANDLERS:
        raise ValueError(f"unknown run kind {kind!r}")
    run = Run.objects.create(
        kind=kind,
        parameters=parameters or {},
        icb=icb,
        started_by=by,
        message="Waiting for a worker",
    )
    AuditEvent.objects.create(
        actor=by, verb="run.start", object_type="run", object_id=str(run.pk), data={"kind": kind}
    )
    transaction.on_commit(lambda: _send(run.pk))
    return run


def _send(run_id: int) -> None:
    from commissioning.tasks import execute_run

    # The queue is read at send time so that tests can point runs at their own worker.
    execute_run.apply_async((run_id,), queue=settings.CELERY_TASK_DEFAULT_QUEUE)


def _try_lock(run_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_NAMESPACE, run_id])
        return bool(cursor.fetchone()[0])


def _unlock(run_id: int) -> None:
    _HELD.discard(run_id)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK_NAMESPACE, run_id])
    except DatabaseError:  # the session is gone, and its locks with it
        logger.warning("could not release the lock of run %s (connection lost)", run_id)


def _lock_for_claim(run_id: int, wait: timedelta) -> bool:
    deadline = time.monotonic() + wait.total_seconds()
    while True:
        if _try_lock(run_id):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)


def claim_run(run_id: int) -> Run | None:
    """Mark a queued (or abandoned) run as running and return it; None if another delivery
    already has it or it has finished.

    A running run is abandoned, and taken over, when nobody holds its advisory lock: the
    worker that had it died, so its database session ended. A live worker's run is left
    alone however long it goes without reporting. The caller holds the run's lock until
    `release_run`."""
    if run_id in _HELD:
        return None
    status = Run.objects.filter(pk=run_id).values_list("status", flat=True).first()
    if status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        return None
    wait = LOCK_WAIT if status == RunStatus.RUNNING else timedelta(0)
    if not _lock_for_claim(run_id, wait):
        return None  # another worker is doing it now
    now = timezone.now()
    try:
        with transaction.atomic():
            run = (
                Run.objects.select_for_update(skip_locked=True)
                .filter(pk=run_id, status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
                .first()
            )
            if run is None:
                _unlock(run_id)
                return None
            if run.status == RunStatus.RUNNING:
                logger.warning("run %s: taking over from an attempt whose worker died", run_id)
            run.status = RunStatus.RUNNING
            run.started_at = run.started_at or now
            run.heartbeat_at = now
            run.attempts += 1
            run.message = (
                "Started" if run.attempts == 1 else f"Started again (attempt {run.attempts})"
            )
            run.save(update_fields=["status", "started_at", "heartbeat_at", "attempts", "message"])
    except BaseException:
        _unlock(run_id)
        raise
    _HELD.add(run_id)
    return run


def release_run(run_id: int) -> None:
    """Let go of a run claimed by `claim_run` (execute does this when the run ends)."""
    _unlock(run_id)


def _connection_lost(exc: BaseException) -> bool:
    """Whether a handler's error came from losing the database connection (as opposed to,
    say, a cancelled statement, which leaves the connection usable)."""
    if not isinstance(exc, DatabaseError):
        return False
    return connection.connection is None or not connection.is_usable()


def _write_outcome(write: Callable[[], None], run_id: int) -> None:
    """Write a run's outcome; if the database connection was lost (a restart, a killed
    backend), reconnect and try again for up to OUTCOME_RETRY_FOR."""
    deadline = time.monotonic() + OUTCOME_RETRY_FOR.total_seconds()
    delay = 0.2
    while True:
        try:
            write()
            return
        except (OperationalError, InterfaceError):
            if time.monotonic() >= deadline:
                raise
            logger.warning("run %s: database unreachable, retrying its outcome", run_id)
            connection.close()
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


def execute(run_id: int) -> Run | None:
    """Claim and do one run. Errors mark the run failed with a message; nothing is retried
    automatically (a person can start it again)."""
    run = claim_run(run_id)
    if run is None:
        logger.info("run %s not claimable (duplicate delivery or finished)", run_id)
        return None
    try:
        return _do(run)
    finally:
        release_run(run.pk)


def _do(run: Run) -> Run:
    handler = _HANDLERS.get(run.kind)
    try:
        if handler is None:
            raise LookupError(f"no handler for run kind {run.kind!r}")
        # Every change the handler makes is attributed, in the audit history, to the
        # person who started the run.
        with pghistory.context(user=run.started_by_id, run=run.pk):
            result = handler(RunContext(run))
    except Exception as exc:  # noqa: BLE001 - any failure must end the run cleanly
        logger.exception("run %s failed", run.pk)
        if _connection_lost(exc):
            message = (
                "The database connection was lost during the run (the database may have "
                f"restarted); start the run again. ({type(exc).__name__})"
            )
        else:
            message = f"{type(exc).__name__}: {exc}"
        detail = traceback.format_exc()
        _write_outcome(lambda: fail_run(run, message=message, detail=detail), run.pk)
        with contextlib.suppress(DatabaseError):  # the caller sees the failure recorded
            run.refresh_from_db()
        return run

    def finish() -> None:
        now = timezone.now()
        # Only the attempt that holds the run may finish it (a later attempt that took
        # over, with a higher `attempts`, wins).
        Run.objects.filter(pk=run.pk, status=RunStatus.RUNNING, attempts=run.attempts).update(
            status=RunStatus.SUCCEEDED,
            progress=100,
            message="Finished",
            result=result or {},
            finished_at=now,
            heartbeat_at=now,
        )
        run.refresh_from_db()

    _write_outcome(finish, run.pk)
    return run


def fail_run(run: Run, *, message: str, detail: str = "") -> None:
    # Only the attempt that holds the run may fail it (see `finish` in `_do`).
    Run.objects.filter(pk=run.pk, attempts=run.attempts).exclude(status=RunStatus.SUCCEEDED).update(
        status=RunStatus.FAILED,
        message=message[:500],
        error=detail or message,
        finished_at=timezone.now(),
    )


def fail_abandoned_runs(now=None) -> int:
    """Fail runs whose worker stopped reporting (killed, or the machine lost), so that
    nobody waits for them for ever. Returns how many were failed."""
    now = now or timezone.now()
    return Run.objects.filter(status=RunStatus.RUNNING, heartbeat_at__lt=now - STALE_AFTER).update(
        status=RunStatus.FAILED,
        finished_at=now,
        message="The worker stopped reporting; start the run again.",
    )
