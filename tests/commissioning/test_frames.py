"""read_frame: query results through COPY into pandas, whole or not at all."""

import pytest
from django.db import DataError, ProgrammingError, connection, transaction

from commissioning.frames import read_frame

pytestmark = pytest.mark.django_db


def test_every_row_arrives_in_order_with_its_types():
    frame = read_frame(
        "SELECT g AS n, g * 0.5 AS half, 'row ' || g AS label "
        "FROM generate_series(1, %(rows)s) g ORDER BY g",
        {"rows": 200_000},
    )
    assert len(frame) == 200_000
    assert frame["n"].tolist() == list(range(1, 200_001))
    assert frame["half"].iloc[-1] == 100_000.0
    assert frame["label"].iloc[12_345] == "row 12346"


def test_no_rows_is_an_empty_frame():
    assert read_frame("SELECT 1 AS n WHERE false").empty


@pytest.mark.django_db(transaction=True)
def test_an_error_after_rows_were_sent_is_raised_and_the_connection_works_on():
    # 1/(g - 150000) fails at row 150,000, after many rows have been streamed.
    with pytest.raises(DataError, match="division by zero"):
        read_frame("SELECT 1 / (g - 150000) AS x FROM generate_series(1, 200000) g")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 42")
        assert cursor.fetchone() == (42,)
    assert read_frame("SELECT 7 AS n")["n"].tolist() == [7]


def test_a_bad_query_is_refused_before_any_row():
    with pytest.raises(ProgrammingError):
        read_frame("SELECT no_such_column FROM commissioning_area")


def test_inside_a_transaction_an_error_spoils_only_that_transaction():
    with pytest.raises(DataError), transaction.atomic():
        read_frame("SELECT 1 / (g - 3) AS x FROM generate_series(1, 10) g")
    assert read_frame("SELECT 1 AS n")["n"].tolist() == [1]
