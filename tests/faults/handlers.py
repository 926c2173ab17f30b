"""TEST ONLY: the run handler the fault tests give to real Celery workers.

Never imported by production code: the fault tests import it, and their workers load it
through `tests.faults.worker_app`. Its side effect is a row in `faults_side_effect`, a table
the tests create in the test database, written in the same transaction as the work, as
DESIGN.md asks of every handler ("write results back in one transaction").
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.db import connection, transaction

from commissioning.runs import RunContext, run_handler

KIND = "faults_test_work"
SIDE_EFFECT_TABLE = "faults_side_effect"  # a constant: the only name put into SQL text


@run_handler(KIND, label="Fault test work (tests only)")
def work(context: RunContext) -> dict:
    """Parameters: `marker` (a path: the attempt writes `<marker>.<attempt>` holding its
    process id once its side effect is written but not yet committed), `hold_first` (seconds
    the first attempt waits inside its transaction), `hold` (seconds every attempt waits
    there) and `sql_sleep` (seconds of `pg_sleep` after the commit, in autocommit)."""
    parameters = context.parameters
    run = context.run
    with transaction.atomic():
        with connection.cursor() as cursor:
            table = SIDE_EFFECT_TABLE
            insert = f"INSERT INTO {table} (run_id, attempt, pid) VALUES (%s, %s, %s)"  # noqa: S608
            cursor.execute(insert, [run.pk, run.attempts, os.getpid()])
        if parameters.get("marker"):
            Path(f"{parameters['marker']}.{run.attempts}").write_text(str(os.getpid()))
        hold = float(parameters.get("hold", 0))
        if run.attempts == 1:
            hold += float(parameters.get("hold_first", 0))
        time.sleep(hold)
    if parameters.get("sql_sleep"):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(%s) /* faults-sql-sleep */", [parameters["sql_sleep"]])
    return {"attempt": run.attempts, "pid": os.getpid()}
