"""Run handlers of the tracking part (registered with commissioning.runs.run_handler)."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.dispatch import receiver

from commissioning.runs import RunContext, run_handler
from evaluation.tracking.actions import (
    DERIVE_RUN_KIND,
    derive_indicator_values,
    queue_derive_indicator_values,
)
from needs_assessment.models import NeedsProfile
from needs_assessment.signals import profile_ready

logger = logging.getLogger(__name__)


@run_handler(DERIVE_RUN_KIND, label="Indicator values from a needs profile")
def run_derive_indicator_values(context: RunContext) -> dict:
    """Write the library-indicator values of the profile named by `profile_id`."""
    profile = NeedsProfile.objects.get(pk=context.parameters["profile_id"])
    context.progress(10, "Reading the profile's aggregates")
    saved = derive_indicator_values(profile=profile, by=context.run.started_by)
    context.progress(100, f"Saved {saved:,} indicator values")
    return {"profile_id": profile.pk, "saved": saved}


@receiver(profile_ready, dispatch_uid="evaluation.tracking.derive_on_profile_ready")
def derive_when_profile_ready(sender, profile, run, **kwargs) -> None:
    """Queue the indicator values of a profile that has just finished, as the person who
    started the profile (a profile started by the system, or by someone who may not load
    data, is left for an analyst's button on the indicator data page)."""
    if run.started_by is None:
        return
    try:
        queue_derive_indicator_values(profile=profile, by=run.started_by)
    except (PermissionDenied, ValidationError) as refused:
        logger.info("indicator values of profile %s not derived: %s", profile.pk, refused)
