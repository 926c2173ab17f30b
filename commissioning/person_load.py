"""Write a validated person-level frame into its own partition and make it current.

All-or-nothing: the partition is filled with COPY and attached, and the snapshot made
current (superseding the previous one for the same ICB and period) in one transaction.
If anything fails, or the worker dies, the transaction rolls back and the previous
snapshot stays current; the caller marks the new snapshot failed.
"""

from __future__ import annotations

import hashlib
import io

import pandas as pd
from django.db import connection, transaction
from django.utils import timezone
from psycopg import sql as pgsql

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
    table = pgsql.Identifier(snapshot.partition_name)
    frame = people[STORED_COLUMNS].copy()
    for column in LTC_FLAGS + OTHER_FLAGS:
        frame[column] = frame[column].astype(bool).map({True: "t", False: "f"})
    # The raw psycopg cursor is needed for COPY; wrap_database_errors turns its errors
    # into Django's (IntegrityError, DataError, …) like any other query.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        pg = cursor.cursor
        pg.execute(
            pgsql.SQL(
                "CREATE TABLE {} (LIKE person_record INCLUDING DEFAULTS INCLUDING CONSTRAINTS, "
                "CHECK (snapshot_id = {}))"
            ).format(table, pgsql.Literal(snapshot.pk))
        )
        copy_sql = pgsql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv)").format(
            table,
            pgsql.SQL(", ").join(map(pgsql.Identifier, ["snapshot_id", *STORED_COLUMNS])),
        )
        with pg.copy(copy_sql) as copy:
            for start in range(0, len(frame), COPY_CHUNK_ROWS):
                chunk = frame.iloc[start : start + COPY_CHUNK_ROWS]
                buffer = io.StringIO()
                chunk.insert(0, "snapshot_id", snapshot.pk)
                chunk.to_csv(buffer, header=False, index=False)
                copy.write(buffer.getvalue())
                if progress:
                    progress(min(start + COPY_CHUNK_ROWS, len(frame)), len(frame))
        pg.execute(
            pgsql.SQL("ALTER TABLE person_record ATTACH PARTITION {} FOR VALUES IN ({})").format(
                table, pgsql.Literal(snapshot.pk)
            )
        )
        pg.execute(pgsql.SQL("ANALYZE {}").format(table))
    PopulationSnapshot.objects.filter(
        icb=snapshot.icb, period_end=snapshot.period_end, status=SnapshotStatus.CURRENT
    ).exclude(pk=snapshot.pk).update(status=SnapshotStatus.SUPERSEDED)
    snapshot.status = SnapshotStatus.CURRENT
    snapshot.row_count = len(frame)
    snapshot.checksum = frame_checksum(people)
    snapshot.loaded_by = by
    snapshot.loaded_at = timezone.now()
    snapshot.save()
    AuditEvent.objects.create(
        actor=by,
        verb="snapshot.load",
        object_type="population_snapshot",
        object_id=str(snapshot.pk),
        data={"rows": len(frame), "checksum": snapshot.checksum},
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
