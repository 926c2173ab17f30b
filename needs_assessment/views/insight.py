"""Insight record pages: search and filter, add, read and edit (ICB staff only).

Insight records are the ICB staff's (see needs_assessment.access): anyone else gets 403
from the list and the forms and 404 for a record. The INA's insight section shows them.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from commissioning import access
from commissioning import queries as core_queries
from needs_assessment.documents import insight
from needs_assessment.documents.forms import InsightForm, InsightSearchForm
from needs_assessment.models import InsightRecord
from needs_assessment.views.documents import apply_errors

PAGE_SIZE = 25


def _crumbs(extra: list | None = None) -> list:
    return [
        ("Home", "home"),
        ("Needs assessment", "needs_assessment:landing"),
        *(extra or []),
    ]


def _require_staff(user) -> None:
    if not (access.is_icb_staff(user) or access.is_administrator(user)):
        raise PermissionDenied("Insight records are shown to ICB staff only.")


@login_required
def insight_list(request: HttpRequest) -> HttpResponse:
    """Insight records with search (text) and filters (source, theme, segment, area,
    dates); the form is a GET so a search can be bookmarked and shared."""
    user = request.user
    _require_staff(user)
    icb = core_queries.home_icb(user)
    form = InsightSearchForm(
        request.GET or None,
        themes=insight.all_themes(user),
        segments=insight.linkable_segments(user),
        areas=insight.linkable_areas(user, icb) if icb else [],
    )
    filtered = bool(request.GET) and form.is_valid() and any(form.filters().values())
    records = insight.search_insight(user, **(form.filters() if filtered else {}))
    page = Paginator(records.prefetch_related("segments", "areas"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "filtered": filtered,
        "query": query.urlencode(),
        "can_write": insight.can_write_insight(user),
        "breadcrumbs": _crumbs(),
    }
    return render(request, "needs_assessment/insight_list.html", context)


def _form(user, data=None, initial=None) -> InsightForm:
    icb = core_queries.home_icb(user)
    return InsightForm(
        data,
        initial=initial,
        segments=insight.linkable_segments(user),
        areas=insight.linkable_areas(user, icb) if icb else [],
    )


def _values(form: InsightForm) -> dict:
    data = dict(form.cleaned_data)
    data["segments"] = list(data["segments"])
    data["areas"] = list(data["areas"])
    return data


@login_required
@require_http_methods(["GET", "POST"])
def insight_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not insight.can_write_insight(user):
        raise PermissionDenied("Only ICB staff can add insight records.")
    form = _form(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = insight.create_insight(by=user, **_values(form))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Insight record added.")
            return redirect("needs_assessment:insight-detail", pk=record.pk)
    context = {
        "form": form,
        "record": None,
        "breadcrumbs": _crumbs([("Insight", "needs_assessment:insight-list")]),
    }
    return render(
        request, "needs_assessment/insight_form.html", context, status=400 if form.errors else 200
    )


@login_required
def insight_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    record = access.get_visible_or_404(
        user, InsightRecord.objects.select_related("created_by", "updated_by"), pk=pk
    )
    context = {
        "record": record,
        "can_write": insight.can_write_insight(user),
        "breadcrumbs": _crumbs([("Insight", "needs_assessment:insight-list")]),
    }
    return render(request, "needs_assessment/insight_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def insight_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    record = access.get_visible_or_404(user, InsightRecord, pk=pk)
    if not insight.can_write_insight(user):
        raise PermissionDenied("Only ICB staff can change insight records.")
    initial = {
        "source": record.source,
        "date": record.date,
        "group": record.group,
        "themes": ", ".join(record.themes),
        "summary": record.summary,
        "quote": record.quote,
        "segments": list(record.segments.all()),
        "areas": list(record.areas.all()),
    }
    form = _form(user, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            insight.update_insight(record=record, by=user, **_values(form))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Insight record saved.")
            return redirect("needs_assessment:insight-detail", pk=record.pk)
    context = {
        "form": form,
        "record": record,
        "breadcrumbs": _crumbs([("Insight", "needs_assessment:insight-list")]),
    }
    return render(
        request, "needs_assessment/insight_form.html", context, status=400 if form.errors else 200
    )
