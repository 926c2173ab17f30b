"""Write validated person-level rows into their own partition and make it current.

Two doors: `load_people` takes a pandas frame (the demo loader, tests); `load_people_stream`
takes validated chunks as they are read from an uploaded file, so that three million rows
load without ever being in memory at once.

All-or-nothing: the partition is filled with COPY and attached, and the snapshot made
current (superseding the previous one for the same ICB and period) in one transaction.
If anything fails, or the worker dies, the transaction rolls back and the previous
snapshot stays current; the caller marks the new snapshot failed (or, if it created the
snapshot in the same transaction, finds it was never there).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterable

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
from django.db import connection, transaction
from django.utils import timezone
from psycopg import sql as pgsql
from psycopg.copy import QueuedLibpqWriter

from commissioning.models import AuditEvent, PopulationSnapshot, SnapshotStatus
from commissioning.models.population import ACTIVITY_COUNTS, LTC_FLAGS, OTHER_FLAGS

# The stored columns, in table order (see the person_record migration).
STORED_COLUMNS = (
    ["pseudo_id", "age", "sex", "ethnicity", "lsoa_id", "practice_id"]
    + LTC_FLAGS
    + ["frailty"]
    + OTHER_FLAGS
    + ACTIVITY_COUNTS
    + ["cost"]
)
COPY_CHUNK_ROWS = 200_000


def frame_checksum(people: pd.DataFrame) -> str:
    """SHA-256 over the stored columns in pseudo_id order: the same people give the same sum."""
    ordered = people[STORED_COLUMNS].sort_values("pseudo_id", kind="stable")
    digest = hashlib.sha256()
    digest.update(pd.util.hash_pandas_object(ordered, index=False).values.tobytes())
    return digest.hexdigest()


@transaction.atomic
def load_people(
    *, snapshot: PopulationSnapshot, people: pd.DataFrame, by, progress=None
) -> PopulationSnapshot:
    """COPY `people` (columns STORED_COLUMNS, flags as 0/1 or bool, frailty 0-3) into a new
    partition for `snapshot`, attach it, and make the snapshot current."""
    missing = [c for c in STORED_COLUMNS if c not in people.columns]
    if missing:
        raise ValueError(f"person frame is missing columns: {', '.join(missing)}")
    frame = people[STORED_COLUMNS].copy()
    for column in LTC_FLAGS + OTHER_FLAGS:
        frame[column] = frame[column].astype(bool).map({True: "t", False: "f"})
    # The raw psycopg cursor is needed for COPY; wrap_database_errors turns its errors
    # into Django's (IntegrityError, DataError, …) like any other query.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        pg = cursor.cursor
        table = _create_partition(pg, snapshot)
        with pg.copy(_copy_statement(table)) as copy:
            for start in range(0, len(frame), COPY_CHUNK_ROWS):
                chunk = frame.iloc[start : start + COPY_CHUNK_ROWS]
                buffer = io.StringIO()
                chunk.insert(0, "snapshot_id", snapshot.pk)
                chunk.to_csv(buffer, header=False, index=False)
                copy.write(buffer.getvalue())
                if progress:
                    progress(min(start + COPY_CHUNK_ROWS, len(frame)), len(frame))
        _attach_partition(pg, snapshot, table)
    return _make_current(snapshot, rows=len(frame), checksum=frame_checksum(people), by=by)


@transaction.atomic
def load_people_stream(
    *,
    snapshot: PopulationSnapshot,
    chunks: Iterable[pa.RecordBatch],
    checksum: str,
    by,
    on_step: Callable[[str], None] | None = None,
) -> PopulationSnapshot:
    """COPY already-validated chunks into a new partition for `snapshot`, attach it and make
    the snapshot current, all in one transaction.

    Each chunk has the columns STORED_COLUMNS in that order, as text or numbers that
    PostgreSQL accepts as they are (flags 0/1, frailty 0-3, codes already mapped to ids),
    with no commas, quotes or line breaks in any value. The chunks may come from a
    generator that checks a file as it is read: if it raises, nothing is kept. Rows are
    streamed (the whole file is never in memory) and written by a second thread, so the
    next chunk is read and checked while PostgreSQL stores the last. `checksum` is
    recorded on the snapshot (for an uploaded file, its SHA-256). `on_step` hears
    "indexing" and "attaching" as the load moves on."""
    rows = 0
    with connection.cursor() as cursor, connection.wrap_database_errors:
        pg = cursor.cursor
        table = _create_partition(pg, snapshot, default_snapshot=True)
        # FREEZE: the table is new in this transaction, so its rows can be written frozen
        # (no later hint-bit or freeze pass over millions of rows).
        statement = _copy_statement(table, with_snapshot_id=False, freeze=True)
        with pg.copy(statement, writer=QueuedLibpqWriter(pg)) as copy:
            for chunk in chunks:
                sink = pa.BufferOutputStream()
                pacsv.write_csv(chunk, sink, CSV_OUT)
                copy.write(memoryview(sink.getvalue()))
                rows += chunk.num_rows
        if on_step:
            on_step("indexing")
        pg.execute(pgsql.SQL("ALTER TABLE {} ALTER COLUMN snapshot_id DROP DEFAULT").format(table))
        # Sort the primary key in memory (3 million keys need about 250 MB) unless the
        # server already allows more.
        pg.execute(
            "SELECT set_config('maintenance_work_mem', '512MB', true) FROM pg_settings "
            "WHERE name = 'maintenance_work_mem' AND setting::bigint < 512 * 1024"
        )
        pg.execute(
            pgsql.SQL("ALTER TABLE {} ADD PRIMARY KEY (snapshot_id, pseudo_id)").format(table)
        )
        if on_step:
            on_step("attaching")
        _attach_partition(pg, snapshot, table, statistics_target=FIRST_STATISTICS_TARGET)
    return _make_current(snapshot, rows=rows, checksum=checksum, by=by)


# A snapshot never changes once loaded, so its first ANALYZE is its only one; a small
# sample (3,000 rows rather than 30,000) takes a tenth of the time and is plenty for
# whole-snapshot reads. A larger sample can always be taken later with ANALYZE.
FIRST_STATISTICS_TARGET = 10


CSV_OUT = pacsv.WriteOptions(include_header=False, quoting_style="none")


def _create_partition(pg, snapshot: PopulationSnapshot, *, default_snapshot: bool = False):
    """A fresh table shaped like person_record, for this snapshot's rows only."""
    table = pgsql.Identifier(snapshot.partition_name)
    pg.execute(
        pgsql.SQL(
            "CREATE TABLE {} (LIKE person_record INCLUDING DEFAULTS INCLUDING CONSTRAINTS, "
            "CHECK (snapshot_id = {}))"
        ).format(table, pgsql.Literal(snapshot.pk))
    )
    if default_snapshot:
        pg.execute(
            pgsql.SQL("ALTER TABLE {} ALTER COLUMN snapshot_id SET DEFAULT {}").format(
                table, pgsql.Literal(snapshot.pk)
            )
        )
    return table


def _copy_statement(table, *, with_snapshot_id: bool = True, freeze: bool = False):
    columns = ["snapshot_id", *STORED_COLUMNS] if with_snapshot_id else STORED_COLUMNS
    options = "FORMAT csv, FREEZE true" if freeze else "FORMAT csv"
    return pgsql.SQL("COPY {} ({}) FROM STDIN WITH ({})").format(
        table, pgsql.SQL(", ").join(map(pgsql.Identifier, columns)), pgsql.SQL(options)
    )


def _attach_partition(
    pg, snapshot: PopulationSnapshot, table, *, statistics_target: int | None = None
) -> None:
    """Attach the filled table (its CHECK spares PostgreSQL a scan) and analyse it."""
    pg.execute(
        pgsql.SQL("ALTER TABLE person_record ATTACH PARTITION {} FOR VALUES IN ({})").format(
            table, pgsql.Literal(snapshot.pk)
        )
    )
    if statistics_target:
        pg.execute(
            "SELECT set_config('default_statistics_target', %s, true)", [str(statistics_target)]
        )
    pg.execute(pgsql.SQL("ANALYZE {}").format(table))
    if statistics_target:
        pg.execute("RESET default_statistics_target")


def _make_current(snapshot: PopulationSnapshot, *, rows: int, checksum: str, by):
    """Supersede the ICB's current snapshot of the same period and make this one current."""
    PopulationSnapshot.objects.filter(
        icb=snapshot.icb, period_end=snapshot.period_end, status=SnapshotStatus.CURRENT
    ).exclude(pk=snapshot.pk).update(status=SnapshotStatus.SUPERSEDED)
    snapshot.status = SnapshotStatus.CURRENT
    snapshot.row_count = rows
    snapshot.checksum = checksum
    snapshot.loaded_by = by
    snapshot.loaded_at = timezone.now()
    snapshot.save()
    AuditEvent.objects.create(
        actor=by,
        verb="snapshot.load",
        object_type="population_snapshot",
        object_id=str(snapshot.pk),
        data={"rows": rows, "checksum": checksum},
    )
    return snapshot


@transaction.atomic
def drop_snapshot_rows(snapshot: PopulationSnapshot) -> None:
    """Remove a snapshot's person rows (a dropped partition, not a mass delete)."""
    with connection.cursor() as cursor:
        cursor.execute(
            pgsql.SQL("DROP TABLE IF EXISTS {}")
            .format(pgsql.Identifier(snapshot.partition_name))
            .as_string(cursor.cursor)
        )
