"""Needs profile pages: the list (with "compute a new profile"), a profile's overview, an
area's page (ICB, place or neighbourhood) with htmx breakdowns, and the risk page.

Thin doors: reads through profile.queries (access-scoped; partners get
disclosure-controlled figures), the one write through actions.start_needs_profile.
Objects out of scope answer 404.
"""

from __future__ import annotations

from contextlib import suppress
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from commissioning import access
from commissioning.access import Permission
from commissioning.models import PopulationSnapshot, SegmentationModel, SnapshotStatus
from needs_assessment.actions import default_segmentation_model, start_needs_profile
from needs_assessment.models import ProfileStatus
from needs_assessment.profile import measures as m
from needs_assessment.profile import pages, queries
from needs_assessment.profile.forms import NewProfileForm

LIST_CRUMBS = [("Needs assessment", "needs_assessment:landing")]


def _may_read_profiles(user) -> bool:
    return access.is_icb_staff(user) or access.is_partner(user) or access.is_administrator(user)


def _may_compute(user) -> bool:
    return (
        _may_read_profiles(user)
        and not access.is_partner(user)
        and access.has_permission(user, Permission.RUN_ANALYSES)
    )


def _new_profile_form(user, data=None) -> NewProfileForm:
    form = NewProfileForm(data, user=user)
    if data is None:
        snapshot = form.fields["snapshot"].queryset.filter(status=SnapshotStatus.CURRENT).first()
        if snapshot is not None:
            form.initial["snapshot"] = snapshot.pk
            with suppress(SegmentationModel.DoesNotExist):  # no default: the user chooses
                form.initial["segmentation_model"] = default_segmentation_model(snapshot.icb).pk
    return form


@login_required
def profile_list(request: HttpRequest, form: NewProfileForm | None = None, status: int = 200):
    """The profiles the user may see and, for ICB staff who run analyses, the form that
    computes a new one (shown again with its errors when a POST was wrong)."""
    user = request.user
    if not _may_read_profiles(user):
        raise PermissionDenied("Needs profiles are shown to ICB staff and to partners.")
    may_compute = _may_compute(user)
    context = {
        "profiles": queries.profiles_for(user)[:50],
        "form": form or (_new_profile_form(user) if may_compute else None),
        "may_compute": may_compute,
        "breadcrumbs": LIST_CRUMBS,
    }
    return render(request, "needs_assessment/profile_list.html", context, status=status)


@login_required
@require_POST
def profile_create(request: HttpRequest) -> HttpResponse:
    """Start computing a profile of the chosen snapshot with the chosen segmentation
    model (or, if one is already being computed, go to it) and show its page."""
    user = request.user
    if not _may_compute(user):
        raise PermissionDenied("Your role cannot run analyses.")
    form = _new_profile_form(user, request.POST)
    if not form.is_valid():
        return profile_list(request, form=form, status=400)
    snapshot = form.cleaned_data["snapshot"]
    model = form.cleaned_data["segmentation_model"]
    with transaction.atomic():
        # Lock the snapshot so that a double click cannot start two runs side by side.
        PopulationSnapshot.objects.select_for_update().filter(pk=snapshot.pk).first()
        profile = queries.unfinished_profile(snapshot, model)
        if profile is None:
            profile = start_needs_profile(snapshot=snapshot, by=user, segmentation_model=model)
    return redirect("needs_assessment:profile-detail", pk=profile.pk)


@login_required
def profile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    profile = queries.profile_for(user, pk)
    context = {
        "profile": profile,
        "breadcrumbs": [*LIST_CRUMBS, ("Needs profiles", "needs_assessment:profile-list")],
        "is_icb_staff": not access.needs_disclosure_control(user),
    }
    if profile.status == ProfileStatus.READY:
        context.update(pages.overview(profile, disclosure=access.needs_disclosure_control(user)))
    return render(request, "needs_assessment/profile_detail.html", context)


@login_required
def profile_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress block of an unfinished profile, for htmx to poll; once the profile is
    ready or failed it asks the browser to reload the page."""
    profile = queries.profile_for(request.user, pk)
    if profile.status in (ProfileStatus.READY, ProfileStatus.FAILED):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "needs_assessment/profile_status_partial.html", {"profile": profile})


def _area_crumbs(profile, area) -> list:
    crumbs = [
        *LIST_CRUMBS,
        ("Needs profiles", "needs_assessment:profile-list"),
        (
            pages.profile_title(profile),
            reverse("needs_assessment:profile-detail", args=[profile.pk]),
        ),
    ]
    for ancestor in area.ancestors():
        if ancestor.level in queries.PROFILE_LEVELS:
            url = reverse("needs_assessment:profile-area", args=[profile.pk, ancestor.pk])
            crumbs.append((ancestor.name, url))
    return crumbs


class ProfileNotReady(Exception):
    """The profile has no figures yet; its page says why."""


def _ready_profile(user, pk: int):
    profile = queries.profile_for(user, pk)
    if profile.status != ProfileStatus.READY:
        raise ProfileNotReady
    return profile


def _when_ready(view):
    """Send a reader asking for a figure page of an unfinished profile to its overview."""

    @wraps(view)
    def wrapped(request, pk, *args, **kwargs):
        try:
            return view(request, pk, *args, **kwargs)
        except ProfileNotReady:
            return redirect("needs_assessment:profile-detail", pk=pk)

    return wrapped


@login_required
@_when_ready
def profile_area(request: HttpRequest, pk: int, area_pk: int) -> HttpResponse:
    user = request.user
    profile = _ready_profile(user, pk)
    area = queries.profile_area(profile, area_pk)
    disclosure = access.needs_disclosure_control(user)
    context = pages.area_page(profile, area, disclosure=disclosure)
    breakdown = request.GET.get("by", m.AGE_BAND)
    context.update(
        profile=profile,
        area=area,
        disclosure=disclosure,
        breakdown=pages.breakdown_context(context["figures"], breakdown),
        breadcrumbs=_area_crumbs(profile, area),
    )
    return render(request, "needs_assessment/profile_area.html", context)


@login_required
@_when_ready
def profile_area_breakdown(request: HttpRequest, pk: int, area_pk: int) -> HttpResponse:
    """The breakdown table alone (htmx swaps it in when the reader picks a breakdown)."""
    user = request.user
    profile = _ready_profile(user, pk)
    area = queries.profile_area(profile, area_pk)
    figures = pages.area_figures(profile, area, disclosure=access.needs_disclosure_control(user))
    context = {
        "profile": profile,
        "area": area,
        "breakdown": pages.breakdown_context(figures, request.GET.get("by", m.AGE_BAND)),
    }
    return render(request, "needs_assessment/profile_breakdown_partial.html", context)


@login_required
@_when_ready
def profile_risk(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    profile = _ready_profile(user, pk)
    disclosure = access.needs_disclosure_control(user)
    context = pages.risk_page(profile, disclosure=disclosure, show=request.GET.get("show", ""))
    context.update(
        profile=profile,
        disclosure=disclosure,
        breadcrumbs=[
            *LIST_CRUMBS,
            ("Needs profiles", "needs_assessment:profile-list"),
            (pages.profile_title(profile), reverse("needs_assessment:profile-detail", args=[pk])),
        ],
    )
    template = "needs_assessment/profile_risk.html"
    if request.headers.get("HX-Request") and "show" in request.GET:
        template = "needs_assessment/profile_matrix_partial.html"
    return render(request, template, context)
