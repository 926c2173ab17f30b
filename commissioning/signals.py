"""Keep the person-level partitions in step with their snapshots."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from commissioning.models import PopulationSnapshot
from commissioning.person_load import drop_snapshot_rows


@receiver(post_delete, sender=PopulationSnapshot)
def drop_partition_of_deleted_snapshot(sender, instance: PopulationSnapshot, **kwargs) -> None:
    drop_snapshot_rows(instance)
