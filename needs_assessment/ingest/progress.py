"""Progress of an ingest run, written on a connection of its own.

A person-level load happens inside one long transaction (so that readers see the old
snapshot or the new one, never half). Progress written through that transaction would
not be seen by the polling page until the end, so it goes over a second connection in
autocommit instead, at most every half second. It writes the same three columns as
`commissioning.runs.RunContext.progress` (progress, message, heartbeat) and, like it,
only while the run is running.
"""

from __future__ import annotations

import time

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from commissioning.models import Run, RunStatus

MIN_INTERVAL = 0.5  # seconds between writes


class RunProgress:
    """Call with (percent, message); `close()` when done."""

    def __init__(self, run: Run | None):
        self.run_id = run.pk if run else None
        self._connection = None
        self._last = 0.0
        self.percent = 0

    def __call__(self, percent: float, message: str, *, force: bool = False) -> None:
        self.percent = max(0, min(100, int(percent)))
        now = time.monotonic()
        if self.run_id is None or (not force and now - self._last < MIN_INTERVAL):
            return
        self._last = now
        if self._connection is None:
            self._connection = connections.create_connection(DEFAULT_DB_ALIAS)
        table = connections[DEFAULT_DB_ALIAS].ops.quote_name(Run._meta.db_table)
        with self._connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET progress = %s, message = %s, heartbeat_at = %s "  # noqa: S608 - table name from the model
                "WHERE id = %s AND status = %s",
                [self.percent, message[:500], timezone.now(), self.run_id, RunStatus.RUNNING],
            )

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
