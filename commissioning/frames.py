"""Read query results into pandas through PostgreSQL COPY (fast for millions of rows)."""

from __future__ import annotations

import io

import pandas as pd
from django.db import connection
from psycopg import sql as pgsql


def read_frame(query: pgsql.Composable | str, params: dict | None = None) -> pd.DataFrame:
    """Run `query` (a psycopg `sql` object; values only as %(name)s params, never pasted
    in) through `COPY (...) TO STDOUT` and return it as a DataFrame."""
    connection.ensure_connection()
    raw = connection.connection  # the psycopg connection under Django's wrapper
    if isinstance(query, str):
        query = pgsql.SQL(query)
    with raw.cursor() as cursor, connection.wrap_database_errors:
        bound = pgsql.SQL(cursor.mogrify(query, params or {}))
        statement = pgsql.SQL("COPY ({}) TO STDOUT WITH (FORMAT csv, HEADER true)").format(bound)
        buffer = io.BytesIO()
        with cursor.copy(statement) as copy:
            for block in copy:
                buffer.write(block)
    buffer.seek(0)
    if buffer.getbuffer().nbytes == 0:
        return pd.DataFrame()
    return pd.read_csv(buffer, engine="pyarrow")
