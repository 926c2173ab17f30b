"""Background-run handlers of stage 1 profile (registered with @run_handler).

`needs_profile` computes a NeedsProfile in a worker: read the snapshot's people (and the
earlier period's, for the risk model) with COPY, segment everyone, train and score the
risk model and put everyone in a tier, compute every aggregate (profile.analysis), and
write the profile and all its aggregates in one transaction. A failure leaves no
aggregates and marks the profile failed; the run records the error.
"""

from __future__ import annotations

import logging
import resource
import time

from django.db import transaction
from django.utils import timezone

from commissioning.runs import RunContext, run_handler
from commissioning.segmentation_rules import assign_segments
from needs_assessment.actions import PROFILE_RUN_KIND
from needs_assessment.models import NeedsProfile, ProfileAggregate, ProfileStatus
from needs_assessment.profile import partitioned, risk_wiring, store
from needs_assessment.profile.analysis import profile_aggregates
from needs_assessment.signals import profile_ready

logger = logging.getLogger(__name__)

# Share of the progress bar reached at the start of each part of the work.
ANALYSIS_STEPS = {
    "codes": 55,
    "cube": 58,
    "population": 62,
    "prevalence": 65,
    "crude rates": 68,
    "age-standardised rates": 71,
    "use against need": 74,
    "segment cube": 77,
    "segments": 79,
    "tiers": 81,
    "SII": 83,
    "Core20 gap": 85,
    "benchmarking": 86,
}


@run_handler(
    PROFILE_RUN_KIND,
    label="Needs profile",
    subject=("profile_id", "needs_assessment:profile-detail", "See the needs profile"),
)
def run_needs_profile(context: RunContext) -> dict:
    """Compute the profile named by the run's `profile_id`; mark it failed on any error."""
    profile = NeedsProfile.objects.select_related(
        "snapshot__icb", "earlier_snapshot", "segmentation_model"
    ).get(pk=context.parameters["profile_id"])
    NeedsProfile.objects.filter(pk=profile.pk).update(status=ProfileStatus.COMPUTING)
    try:
        if context.parameters.get("partitioned"):
            return compute_profile_partitioned(profile, context)
        return compute_profile(profile, context)
    except Exception:
        NeedsProfile.objects.filter(pk=profile.pk).update(status=ProfileStatus.FAILED)
        raise


def compute_profile(profile: NeedsProfile, context: RunContext) -> dict:
    """Do the work of a profile run (see the module docstring) and return the run result."""
    started = time.perf_counter()
    seconds: dict[str, float] = {}
    snapshot = profile.snapshot
    context.progress(2, f"Reading {snapshot.row_count:,} people")
    people = _timed(seconds, "read people", store.read_people, snapshot)
    tree = store.area_tree(snapshot.icb)
    context.progress(15, "Assigning population segments")
    segments = list(profile.segmentation_model.segments.order_by("priority"))
    people["segment"] = _timed(seconds, "assign segments", segment_people, segments, people)
    risk = risk_wiring.stratify(profile, people, context)
    seconds.update(risk.seconds)
    people = risk.people
    context.progress(55, "Computing the profile's aggregates")
    rows, steps = profile_aggregates(
        people,
        tree,
        segments=[s.code for s in segments],
        tiers=risk.tiers,
        progress=lambda step: context.progress(ANALYSIS_STEPS.get(step, 55), f"Computing {step}"),
    )
    seconds.update(steps)
    context.progress(88, f"Saving {len(rows):,} figures")
    summary = _summary(profile, people, tree, segments, risk)
    written = _timed(seconds, "write", _save, profile, rows, risk.metrics, summary, seconds)
    total = round(time.perf_counter() - started, 3)
    NeedsProfile.objects.filter(pk=profile.pk).update(
        summary={**summary, "seconds": seconds, "total_seconds": total, "aggregates": written}
    )
    profile_ready.send(sender=NeedsProfile, profile=profile, run=context.run)
    return {
        "profile_id": profile.pk,
        "people": len(people),
        "aggregates": written,
        "risk_model": risk.tiers is not None,
        "seconds": total,
    }


def compute_profile_partitioned(profile: NeedsProfile, context: RunContext) -> dict:
    """compute_profile's work split by place across workers (profile.partitioned); the
    same figures, saved the same way, all or nothing."""
    model = profile.segmentation_model
    segments = list(model.segments.order_by("priority"))
    tree = store.area_tree(profile.snapshot.icb)

    def save(rows, metrics, parts, seconds) -> int:
        summary = _summary_of(profile, tree, segments, parts)
        return _save(profile, rows, metrics, summary, seconds)

    outcome = partitioned.compute_partitioned(profile, context, save)
    summary = _summary_of(profile, tree, segments, outcome["summary"])
    NeedsProfile.objects.filter(pk=profile.pk).update(
        summary={
            **summary,
            "seconds": outcome["seconds"],
            "total_seconds": outcome["total"],
            "aggregates": outcome["written"],
            "partitioned": True,
        }
    )
    profile_ready.send(sender=NeedsProfile, profile=profile, run=context.run)
    return {
        "profile_id": profile.pk,
        "people": outcome["summary"]["people"],
        "aggregates": outcome["written"],
        "risk_model": bool(outcome["summary"]["tiers"]),
        "seconds": outcome["total"],
        "partitioned": True,
    }


def _summary_of(profile, tree, segments, parts: dict) -> dict:
    """_summary's fields from the merged counts of a partitioned profile."""
    return _summary_from(
        profile,
        tree,
        segments,
        people=parts["people"],
        cost=parts["cost"],
        counts=parts["segment_people"],
        tiers=parts["tiers"],
        note=parts["risk_note"],
    )


def segment_people(segments, people):
    """Each person's segment code (commissioning.segmentation_rules), as a categorical in
    priority order. A model whose rules leave someone out is refused, naming how many."""
    assigned = assign_segments([(s.code, s.rule) for s in segments], people)
    missing = int(assigned.isna().sum())
    if missing:
        raise ValueError(
            f"the segmentation model leaves {missing:,} people in no segment; its last "
            'segment should match everyone (rule {"all": []})'
        )
    return assigned.astype("category").cat.set_categories([s.code for s in segments])


def _timed(seconds: dict, name: str, function, *args):
    begun = time.perf_counter()
    result = function(*args)
    seconds[name] = round(time.perf_counter() - begun, 3)
    return result


@transaction.atomic
def _save(profile, rows, risk_metrics: dict, summary: dict, seconds: dict) -> int:
    """Replace the profile's aggregates and mark it ready, all or nothing."""
    NeedsProfile.objects.select_for_update().filter(pk=profile.pk).first()
    ProfileAggregate.objects.filter(profile=profile).delete()
    written = store.write_aggregates(profile.pk, rows)
    NeedsProfile.objects.filter(pk=profile.pk).update(
        status=ProfileStatus.READY,
        people=summary["people"],
        risk_metrics=risk_metrics,
        summary={**summary, "seconds": seconds, "aggregates": written},
        computed_at=timezone.now(),
    )
    return written


def _summary(profile, people, tree, segments, risk) -> dict:
    counts = people["segment"].value_counts()
    return _summary_from(
        profile,
        tree,
        segments,
        people=len(people),
        cost=round(float(people["cost"].sum()), 2),
        counts={s.code: int(counts.get(s.code, 0)) for s in segments},
        tiers=risk.tiers or [],
        note=risk.note,
    )


def _summary_from(profile, tree, segments, *, people, cost, counts, tiers, note) -> dict:
    snapshot = profile.snapshot
    model = profile.segmentation_model
    return {
        "people": people,
        "cost": cost,
        "snapshot": snapshot.pk,
        "period_start": snapshot.period_start.isoformat(),
        "period_end": snapshot.period_end.isoformat(),
        "earlier_snapshot": profile.earlier_snapshot_id,
        "segmentation_model": {"id": model.pk, "name": model.name, "version": model.version},
        "segments": [
            {
                "code": s.code,
                "name": s.name,
                "description": s.description,
                "colour": s.colour,
                "people": int(counts.get(s.code, 0)),
            }
            for s in segments
        ],
        "tiers": tiers,
        "risk_note": note,
        "places": len(set(tree.places.tolist())),
        "neighbourhoods": len(tree.neighbourhoods),
        "worker_peak_memory_mb": peak_memory_mb(),
    }


def peak_memory_mb() -> float:
    """The worker process's peak resident memory so far (VmHWM; ru_maxrss elsewhere)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
