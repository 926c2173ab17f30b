"""Loading person rows: COPY into a partition, made current in one transaction."""

import pytest
from django.db import DatabaseError, connection

from commissioning.models import PersonRecord, PopulationSnapshot, SnapshotStatus
from commissioning.person_load import frame_checksum, load_people
from tests import factories as f
from tests.people import make_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(universe):
    practice = f.OrganisationFactory(icb=universe.north, kind="gp_practice", sector="primary_care")
    return universe, [universe.lsoa.pk], [practice.pk]


def _partition_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [name])
        return cursor.fetchone()[0] is not None


def test_load_people_makes_snapshot_current_with_rows_and_checksum(place):
    universe, lsoas, practices = place
    people = make_people(500, lsoa_ids=lsoas, practice_ids=practices)
    snapshot = f.PopulationSnapshotFactory(icb=universe.north)
    load_people(snapshot=snapshot, people=people, by=universe.analyst)
    snapshot.refresh_from_db()
    assert snapshot.status == SnapshotStatus.CURRENT
    assert snapshot.row_count == 500
    assert snapshot.checksum == frame_checksum(people)
    assert PersonRecord.objects.filter(snapshot=snapshot).count() == 500
    assert _partition_exists(snapshot.partition_name)


def test_load_people_supersedes_previous_snapshot_of_same_period(place):
    universe, lsoas, practices = place
    first = f.PopulationSnapshotFactory(icb=universe.north)
    load_people(
        snapshot=first,
        people=make_people(50, lsoa_ids=lsoas, practice_ids=practices),
        by=universe.analyst,
    )
    second = f.PopulationSnapshotFactory(icb=universe.north)
    load_people(
        snapshot=second,
        people=make_people(60, lsoa_ids=lsoas, practice_ids=practices, seed=2),
        by=universe.analyst,
    )
    first.refresh_from_db()
    assert first.status == SnapshotStatus.SUPERSEDED
    assert PopulationSnapshot.objects.get(status=SnapshotStatus.CURRENT) == second


def test_load_people_failure_leaves_previous_current_and_no_partition(place):
    universe, lsoas, practices = place
    good = f.PopulationSnapshotFactory(icb=universe.north)
    load_people(
        snapshot=good,
        people=make_people(50, lsoa_ids=lsoas, practice_ids=practices),
        by=universe.analyst,
    )
    bad_people = make_people(50, lsoa_ids=lsoas, practice_ids=practices, seed=3)
    bad_people.loc[40, "age"] = 130  # breaks the table's CHECK after most rows are copied
    bad = f.PopulationSnapshotFactory(icb=universe.north)
    with pytest.raises(DatabaseError):
        load_people(snapshot=bad, people=bad_people, by=universe.analyst)
    good.refresh_from_db()
    assert good.status == SnapshotStatus.CURRENT
    assert not _partition_exists(bad.partition_name)
    assert PersonRecord.objects.count() == 50


def test_load_people_missing_column_is_refused_by_name(place):
    universe, lsoas, practices = place
    people = make_people(5, lsoa_ids=lsoas, practice_ids=practices).drop(columns=["cost"])
    with pytest.raises(ValueError, match="cost"):
        load_people(
            snapshot=f.PopulationSnapshotFactory(icb=universe.north),
            people=people,
            by=universe.analyst,
        )
