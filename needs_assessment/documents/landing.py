"""Where the ICB stands in stage 1, and the next step a commissioner should take.

Read for the stage 1 home page: the current cycle, the latest population snapshots and
uploads, the latest needs profile and its status, the INA versions, and one next step.
Every read is scoped; a reader sees only what their role may (a partner: approved INAs).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

from commissioning import access
from commissioning import queries as core_queries
from commissioning.models import Area, CommissioningCycle, PopulationSnapshot, SnapshotStatus
from needs_assessment.documents import queries
from needs_assessment.models import (
    DataUpload,
    INAStatus,
    InsightRecord,
    NeedsProfile,
    ProfileStatus,
    UploadStatus,
)

UPLOAD_PAGES = ("needs_assessment:upload-list", "needs_assessment:uploads")
PROFILE_PAGES = ("needs_assessment:profile-list", "needs_assessment:profiles")


def url_or_none(names, *args) -> str | None:
    """The first of `names` that resolves (other parts of the stage name their pages)."""
    for name in (names,) if isinstance(names, str) else names:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return None


def profile_url(profile: NeedsProfile) -> str | None:
    return url_or_none(("needs_assessment:profile-detail",), profile.pk) or (
        reverse("run-detail", args=[profile.run_id]) if profile.run_id else None
    )


@dataclass(frozen=True)
class NextStep:
    title: str
    text: str
    url: str | None = None
    action: str = ""


@dataclass
class LandingState:
    icb: Area | None
    cycle: CommissioningCycle | None
    is_staff: bool
    snapshots: list = field(default_factory=list)
    current_snapshot: PopulationSnapshot | None = None
    uploads: list = field(default_factory=list)
    profile: NeedsProfile | None = None
    profile_link: str | None = None
    assessments: list = field(default_factory=list)
    cycle_draft: object = None
    cycle_approved: object = None
    insight_count: int = 0
    next_step: NextStep | None = None
    upload_url: str | None = None
    profiles_url: str | None = None
    segmentation_url: str | None = None


def landing_state(user) -> LandingState:
    """Everything the stage 1 home page shows the user, and their next step."""
    icb = core_queries.home_icb(user)
    staff = access.is_icb_staff(user) or (access.is_administrator(user) and icb is not None)
    state = LandingState(icb=icb, cycle=core_queries.current_cycle(user), is_staff=staff)
    if icb is None:
        return state
    state.assessments = list(queries.assessments_for(user, icb)[:8])
    if state.cycle is not None:
        versions = [a for a in state.assessments if a.cycle_id == state.cycle.pk]
        state.cycle_draft = next((a for a in versions if a.status == INAStatus.DRAFT), None)
        state.cycle_approved = next((a for a in versions if a.status == INAStatus.APPROVED), None)
    if not staff:
        state.next_step = _partner_step(state)
        return state
    state.snapshots = list(core_queries.snapshots_for(user, icb)[:3])
    state.current_snapshot = (
        core_queries.snapshots_for(user, icb).filter(status=SnapshotStatus.CURRENT).first()
    )
    state.uploads = list(
        access.visible_to(user, DataUpload)
        .filter(icb=icb)
        .select_related("uploaded_by")
        .order_by("-created_at")[:5]
    )
    state.profile = (
        access.visible_to(user, NeedsProfile)
        .filter(snapshot__icb=icb)
        .select_related("snapshot", "segmentation_model", "run")
        .order_by("-snapshot__period_end", "-created_at")  # the newest period's newest
        .first()
    )
    state.profile_link = profile_url(state.profile) if state.profile else None
    state.insight_count = access.visible_to(user, InsightRecord).filter(icb=icb).count()
    state.upload_url = url_or_none(UPLOAD_PAGES)
    state.profiles_url = url_or_none(PROFILE_PAGES)
    state.segmentation_url = url_or_none("needs_assessment:segmentation-list")
    state.next_step = _staff_step(user, state)
    return state


def _partner_step(state: LandingState) -> NextStep:
    approved = next((a for a in state.assessments if a.status == INAStatus.APPROVED), None)
    if approved is None:
        return NextStep(
            "The needs assessment is not published yet",
            "You will be able to read the ICB's needs assessment here once it is approved.",
        )
    return NextStep(
        f"Read the {approved.cycle.label} needs assessment",
        f"Version {approved.version} was approved on {approved.approved_at:%-d %B %Y}.",
        reverse("needs_assessment:ina-detail", args=[approved.pk]),
        "Read the needs assessment",
    )


def _staff_step(user, state: LandingState) -> NextStep:
    if state.cycle is None:
        return NextStep(
            "Set up the commissioning cycle",
            "No commissioning cycle has been recorded for your ICB. Ask an administrator to "
            "add the current financial year's cycle.",
        )
    current = state.current_snapshot
    if current is None:
        return _load_step(state)
    profile = state.profile
    if profile is None or profile.snapshot_id != current.pk:
        return NextStep(
            "Compute the needs profile",
            f"The population data for {core_queries.period_label(current)} is loaded. "
            "Compute its needs profile: segmentation, risk tiers and every figure of the "
            "needs assessment.",
            state.profiles_url or reverse("snapshot-detail", args=[current.pk]),
            "Go to needs profiles",
        )
    if profile.status in (ProfileStatus.QUEUED, ProfileStatus.COMPUTING):
        return NextStep(
            "Wait for the needs profile",
            "A worker is computing the needs profile. This page shows it once it is ready.",
            state.profile_link,
            "Follow its progress",
        )
    if profile.status == ProfileStatus.FAILED:
        return NextStep(
            "The needs profile failed",
            "Computing the needs profile failed. See what went wrong, then start it again.",
            state.profile_link,
            "See what went wrong",
        )
    return _document_step(state, profile)


def _load_step(state: LandingState) -> NextStep:
    latest = state.uploads[0] if state.uploads else None
    if latest is not None and latest.status in (UploadStatus.RECEIVED, UploadStatus.VALIDATING):
        return NextStep(
            "Wait for the upload to be checked",
            f"“{latest.original_name}” is being checked and loaded by a worker.",
            reverse("run-detail", args=[latest.run_id]) if latest.run_id else state.upload_url,
            "Follow its progress",
        )
    if latest is not None and latest.status == UploadStatus.REJECTED:
        return NextStep(
            "Fix the file and upload it again",
            f"“{latest.original_name}” was rejected; its report says what to fix.",
            state.upload_url,
            "See the report",
        )
    return NextStep(
        "Load a person-level dataset",
        "Upload the linked, pseudonymised person-level dataset for the last 12 months "
        "(CSV or Parquet). A worker checks it and loads it.",
        state.upload_url,
        "Upload data",
    )


def _document_step(state: LandingState, profile: NeedsProfile) -> NextStep:
    draft, approved = state.cycle_draft, state.cycle_approved
    if draft is not None:
        newer = (
            " A newer needs profile is ready: start a new version on it."
            if (draft.profile_id != profile.pk)
            else ""
        )
        return NextStep(
            f"Finish version {draft.version} of the needs assessment",
            "Write each section's key findings and record the findings the strategy will "
            f"build on, then approve it.{newer}",
            reverse("needs_assessment:ina-detail", args=[draft.pk]),
            f"Go to version {draft.version}",
        )
    if approved is None:
        return NextStep(
            f"Start the {state.cycle.label} needs assessment",
            "The needs profile is ready. Start the needs assessment on it, write the key "
            "findings and approve it.",
            reverse("needs_assessment:ina-list"),
            "Start the needs assessment",
        )
    if approved.profile_id != profile.pk:
        return NextStep(
            "Update the needs assessment with the new figures",
            f"A newer needs profile is ready than the one behind approved version "
            f"{approved.version}. Start a new version on it.",
            reverse("needs_assessment:ina-detail", args=[approved.pk]) + "#versions",
            "Start a new version",
        )
    return NextStep(
        "Raise strategy priorities from the findings",
        f"Version {approved.version} of the {state.cycle.label} needs assessment is approved. "
        "Its findings are ready for the strategy.",
        reverse("strategy:landing"),
        "Go to stage 2: strategy",
    )
