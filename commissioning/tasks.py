"""Celery tasks of the core: thin doors onto `commissioning.runs`."""

from celery import shared_task

from commissioning import runs


@shared_task(name="commissioning.tasks.execute_run")
def execute_run(run_id: int) -> None:
    """Claim and do one background run (a duplicate delivery does nothing)."""
    runs.execute(run_id)


@shared_task(name="commissioning.tasks.fail_abandoned_runs")
def fail_abandoned_runs() -> int:
    return runs.fail_abandoned_runs()
