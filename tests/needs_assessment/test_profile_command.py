"""`manage.py profile_current_snapshots`: one needs profile per current snapshot, once."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from commissioning.models import SnapshotStatus
from needs_assessment.actions import default_segmentation_model
from needs_assessment.models import NeedsProfile
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_queues_a_profile_per_current_snapshot_once(universe, reference_data):
    earlier = f.PopulationSnapshotFactory(
        icb=universe.north,
        status=SnapshotStatus.CURRENT,
        period_start=date(2024, 4, 1),
        period_end=date(2025, 3, 31),
    )
    later = f.PopulationSnapshotFactory(icb=universe.north, status=SnapshotStatus.CURRENT)
    f.PopulationSnapshotFactory(icb=universe.north, status=SnapshotStatus.FAILED)
    out = StringIO()
    call_command("profile_current_snapshots", stdout=out)
    assert "queued: 2" in out.getvalue()
    assert set(NeedsProfile.objects.values_list("snapshot_id", flat=True)) == {earlier.pk, later.pk}
    assert NeedsProfile.objects.get(snapshot=later).earlier_snapshot == earlier
    call_command("profile_current_snapshots", stdout=StringIO())
    assert NeedsProfile.objects.count() == 2


def test_newest_period_profile_comes_first_whatever_the_order_computed(universe, reference_data):
    """An INA is built on, and the stage home shows, the newest period's profile even when
    an older period's profile was computed after it."""
    from needs_assessment.documents.queries import profiles_for as ina_profiles
    from needs_assessment.profile.queries import profiles_for

    later = f.PopulationSnapshotFactory(icb=universe.north, status=SnapshotStatus.CURRENT)
    earlier = f.PopulationSnapshotFactory(
        icb=universe.north,
        status=SnapshotStatus.CURRENT,
        period_start=date(2024, 4, 1),
        period_end=date(2025, 3, 31),
    )
    model = default_segmentation_model(later.icb)
    newest = NeedsProfile.objects.create(snapshot=later, segmentation_model=model)
    NeedsProfile.objects.create(snapshot=earlier, segmentation_model=model)  # computed last
    assert profiles_for(universe.commissioner).first() == newest
    assert ina_profiles(universe.commissioner, universe.north).first() == newest
