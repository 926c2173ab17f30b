"""Pages of the tracking part: indicator data, outcomes against trajectory, the outcome
chart, and the button that derives indicator values from a needs profile. Thin doors onto
evaluation.tracking.queries and actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from commissioning import access
from commissioning.queries import home_icb
from evaluation.tracking import actions, queries
from evaluation.tracking.charts import outcome_figure
from evaluation.views import ASSURANCE_SHORT, ASSURANCE_TAGS, VARIATION_SHORT, VARIATION_TAGS
from needs_assessment.ingest.actions import may_upload
from needs_assessment.models import NeedsProfile, ProfileStatus
from strategy.models import Strategy

BREADCRUMBS = [("Home", "home"), ("Evaluation", "evaluation:landing")]
STATUS_TAGS = {
    "no_data": "nhsuk-tag--grey",
    "on_track": "nhsuk-tag--green",
    "off_track": "nhsuk-tag--red",
    "target_met": "nhsuk-tag--blue",
}


def for_display(track):
    """The track with its status tag colour and SPC icon tags, for templates."""
    track.tags = icon_tags(track)
    track.status_css = STATUS_TAGS[track.status]
    return track


def icon_tags(track) -> dict:
    """Tag text and colour of a track's SPC icons (None where there is none)."""
    variation = assurance = None
    if track.variation_icon:
        kind = track.variation_icon.split("_")[0]
        variation = {"short": VARIATION_SHORT[kind], "css": VARIATION_TAGS[kind]}
    if track.assurance_icon:
        assurance = {
            "short": ASSURANCE_SHORT[track.assurance_icon],
            "css": ASSURANCE_TAGS[track.assurance_icon],
        }
    return {"variation": variation, "assurance": assurance}


@login_required
def indicator_data(request: HttpRequest) -> HttpResponse:
    user = request.user
    icb = home_icb(user)
    can_load = may_upload(user, icb)
    profiles = []
    if can_load:
        profiles = (
            access.visible_to(user, NeedsProfile)
            .filter(status=ProfileStatus.READY)
            .select_related("snapshot")
            .order_by("-snapshot__period_end", "-created_at")[:10]
        )
    context = {
        "series": queries.indicator_series_rows(user),
        "can_load": can_load,
        "profiles": profiles,
        "breadcrumbs": BREADCRUMBS,
    }
    return render(request, "evaluation/tracking_indicator_data.html", context)


@login_required
@require_POST
def derive(request: HttpRequest, profile_id: int) -> HttpResponse:
    profile = access.visible_to(request.user, NeedsProfile).filter(pk=profile_id).first()
    if profile is None:
        raise Http404("Not found")
    try:
        run = actions.queue_derive_indicator_values(profile=profile, by=request.user)
    except PermissionDenied:
        raise
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("evaluation:tracking-indicator-data")
    return redirect("run-detail", run.pk)


@login_required
def strategies(request: HttpRequest) -> HttpResponse:
    user = request.user
    found = []
    if access.is_icb_staff(user) or access.is_administrator(user):
        found = access.visible_to(user, Strategy).order_by("-first_year", "title")
    context = {"strategies": found, "breadcrumbs": BREADCRUMBS}
    return render(request, "evaluation/tracking_strategies.html", context)


@login_required
def strategy_outcomes(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = queries.strategy_for_tracking(request.user, pk)
    priorities = queries.track_strategy(request.user, strategy)
    for priority in priorities:
        for track in priority.outcomes:
            for_display(track)
    context = {
        "strategy": strategy,
        "priorities": priorities,
        "breadcrumbs": [*BREADCRUMBS, ("Outcomes against trajectory", "evaluation:tracking")],
    }
    return render(request, "evaluation/tracking_strategy.html", context)


@login_required
def outcome_chart(request: HttpRequest, pk: int) -> HttpResponse:
    outcome = queries.outcome_for_tracking(request.user, pk)
    track = for_display(queries.track_outcome(request.user, outcome))
    starts = queries.outcome_intervention_starts(request.user, outcome)
    strategy = outcome.priority.strategy
    unit = (outcome.baseline_source or {}).get("unit") or outcome.indicator.unit
    context = {
        "track": track,
        "outcome": outcome,
        "strategy": strategy,
        "starts": starts,
        "unit": unit,
        "figure": outcome_figure(track, starts, unit),
        "breadcrumbs": [
            *BREADCRUMBS,
            ("Outcomes against trajectory", "evaluation:tracking"),
            (strategy.title, f"/evaluation/outcomes/{strategy.pk}/"),
        ],
    }
    return render(request, "evaluation/tracking_outcome.html", context)
