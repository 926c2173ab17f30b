"""Queue a needs profile for every current snapshot that has none (idempotent).

`make run` calls it after loading the demo ICB, so the demo's needs profile is computed by
the worker in the background; uploads queue their own profile as they load.
"""

from django.core.management.base import BaseCommand

from commissioning.models import PopulationSnapshot, Role, SnapshotStatus, User
from needs_assessment.actions import start_needs_profile
from needs_assessment.models import NeedsProfile, ProfileStatus


class Command(BaseCommand):
    help = "Queue a needs profile for each current population snapshot without one."

    def handle(self, *args, **options) -> None:
        queued = 0
        current = PopulationSnapshot.objects.filter(status=SnapshotStatus.CURRENT)
        for snapshot in current.order_by("period_end"):  # oldest first, newest queued last
            has_profile = (
                NeedsProfile.objects.filter(snapshot=snapshot)
                .exclude(status=ProfileStatus.FAILED)
                .exists()
            )
            if has_profile:
                continue
            by = (
                User.objects.filter(
                    organisation__icb=snapshot.icb, role=Role.ANALYST, is_active=True
                )
                .order_by("pk")
                .first()
            )
            start_needs_profile(snapshot=snapshot, by=by)
            queued += 1
        self.stdout.write(f"Needs profiles queued: {queued}.")
