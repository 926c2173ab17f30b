"""Background runs: start one, claim it exactly once, report progress, finish or fail.

A request calls `start_run`, which records the run and queues its task only after the
transaction commits. The task (one generic task, `commissioning.tasks.execute_run`) claims
the run with a conditional UPDATE, so a duplicate delivery finds nothing to claim and
does nothing. Stage apps register what each kind of run does with `@run_handler(kind)`.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from commissioning.models import AuditEvent, Run, RunStatus

logger = logging.getLogger(__name__)

# A running run whose worker has not reported for this long is taken to be abandoned.
STALE_AFTER = timedelta(minutes=10)

Handler = Callable[["RunContext"], dict[str, Any]]
_HANDLERS: dict[str, Handler] = {}
_LABELS: dict[str, str] = {}


def run_handler(kind: str, label: str | None = None) -> Callable[[Handler], Handler]:
    """Register the function that does the work of runs of `kind`; it returns the result.
    `label` is how pages name such runs ("Needs profile")."""

    def register(function: Handler) -> Handler:
        if kind in _HANDLERS:
            raise RuntimeError(f"run kind {kind!r} is already registered")
        _HANDLERS[kind] = function
        if label:
            _LABELS[kind] = label
        return function

    return register


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


def claim_run(run_id: int) -> Run | None:
    """Mark a queued (or abandoned) run as running and return it; None if another delivery
    already has it or it has finished."""
    now = timezone.now()
    claimable = Q(status=RunStatus.QUEUED) | Q(
        status=RunStatus.RUNNING, heartbeat_at__lt=now - STALE_AFTER
    )
    with transaction.atomic():
        run = Run.objects.select_for_update(skip_locked=True).filter(claimable, pk=run_id).first()
        if run is None:
            return None
        run.status = RunStatus.RUNNING
        run.started_at = run.started_at or now
        run.heartbeat_at = now
        run.attempts += 1
        run.message = "Started"
        run.save(update_fields=["status", "started_at", "heartbeat_at", "attempts", "message"])
    return run


def execute(run_id: int) -> Run | None:
    """Claim and do one run. Errors mark the run failed with a message; nothing is retried
    automatically (a person can start it again)."""
    run = claim_run(run_id)
    if run is None:
        logger.info("run %s not claimable (duplicate delivery or finished)", run_id)
        return None
    handler = _HANDLERS.get(run.kind)
    try:
        if handler is None:
            raise LookupError(f"no handler for run kind {run.kind!r}")
        result = handler(RunContext(run))
    except Exception as exc:  # noqa: BLE001 - any failure must end the run cleanly
        logger.exception("run %s failed", run_id)
        fail_run(run, message=f"{type(exc).__name__}: {exc}", detail=traceback.format_exc())
        return run
    Run.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
        status=RunStatus.SUCCEEDED,
        progress=100,
        message="Finished",
        result=result or {},
        finished_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )
    run.refresh_from_db()
    return run


def fail_run(run: Run, *, message: str, detail: str = "") -> None:
    Run.objects.filter(pk=run.pk).exclude(status=RunStatus.SUCCEEDED).update(
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
