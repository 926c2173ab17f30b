"""Read query results into pandas through PostgreSQL COPY (fast for millions of rows)."""

from __future__ import annotations

import io

import pandas as pd
from django.db import connection
from psycopg import errors, generators, pq
from psycopg import sql as pgsql
from psycopg.waiting import Wait


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
        with cursor.copy(statement):
            results = raw.wait(_copy_out(raw.pgconn, buffer))
        for result in results:
            if result.status != pq.ExecStatus.COMMAND_OK:
                raise errors.error_from_result(result, encoding=raw.info.encoding)
    buffer.seek(0)
    if buffer.getbuffer().nbytes == 0:
        return pd.DataFrame()
    return pd.read_csv(buffer, engine="pyarrow")


def _copy_out(pgconn: pq.abc.PGconn, buffer: io.BytesIO):
    """A generator for psycopg's Connection.wait: every row of the COPY in progress into
    `buffer`, then the statement's results.

    psycopg's own Copy iteration goes once through its wait loop for each row (about
    twice the CPU of this loop, which takes every row libpq holds before waiting for the
    socket); the protocol is the same, so the Copy block's exit finds the copy over."""
    while True:
        size, data = pgconn.get_copy_data(1)
        if size > 0:
            buffer.write(data)
        elif size == 0:  # nothing buffered: wait for the socket
            while not (yield Wait.R):
                pass
            pgconn.consume_input()
        else:  # -1: the copy is over (-2: an error, which the results carry)
            return (yield from generators.fetch_many(pgconn))
