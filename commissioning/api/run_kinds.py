"""The kinds of background run the API can start, with their parameters and starters.

Each starter looks its objects up through `access` (so a forged id answers 404), checks
that they are ready, and calls the same action the pages call. Stage apps add their kinds
here as they land.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rest_framework import serializers

from commissioning import access, population_summary
from commissioning.models import PopulationSnapshot, Run, SnapshotStatus

# Snapshots whose person rows are (or may still be) there to be read.
SUMMARISABLE = {SnapshotStatus.CURRENT, SnapshotStatus.SUPERSEDED}


class PopulationSummaryParameters(serializers.Serializer):
    snapshot_id = serializers.IntegerField(min_value=1, help_text="A loaded population snapshot.")


def start_population_summary(*, user, parameters: dict) -> Run:
    """Summarise a snapshot the user can see; 404 if they cannot, 400 if it is not loaded."""
    snapshot = access.get_visible_or_404(user, PopulationSnapshot, pk=parameters["snapshot_id"])
    if snapshot.status not in SUMMARISABLE:
        raise serializers.ValidationError(
            {
                "parameters": {
                    "snapshot_id": [
                        f"Snapshot {snapshot.pk} is {snapshot.get_status_display().lower()}; "
                        "only a loaded (current or superseded) snapshot can be summarised."
                    ]
                }
            }
        )
    return population_summary.start_population_summary(snapshot=snapshot, by=user)


@dataclass(frozen=True)
class RunKind:
    parameters: type[serializers.Serializer]
    start: Callable[..., Run]


RUN_KINDS: dict[str, RunKind] = {
    population_summary.RUN_KIND: RunKind(
        parameters=PopulationSummaryParameters, start=start_population_summary
    ),
}
