"""Upload pages: the list of an ICB's uploads, the upload form, and an upload's page with
its progress and validation report.

Thin doors: reads through needs_assessment.ingest.queries (access-scoped), the one write
through actions.receive_upload. The file is stored and checked by a worker; the request
never parses it. ICB staff see the pages; anyone else gets 403 for the list and the form
and 404 for an upload.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods, require_POST

from commissioning import access
from commissioning import queries as core_queries
from commissioning.access import Permission
from needs_assessment.ingest.actions import (
    MAX_UPLOAD_BYTES,
    may_upload,
    receive_upload,
    retry_upload,
)
from needs_assessment.ingest.forms import UploadForm
from needs_assessment.ingest.queries import profile_of, report_rows, uploads_for
from needs_assessment.models import DataUpload

PAGE_SIZE = 25


def _crumbs(*extra) -> list:
    return [("Home", "home"), ("Needs assessment", "needs_assessment:landing"), *extra]


def _require_icb_data(user) -> None:
    if not access.has_permission(user, Permission.VIEW_ICB_DATA):
        raise PermissionDenied("Uploads are shown to ICB staff only.")


@login_required
def upload_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_icb_data(user)
    icb = core_queries.home_icb(user)
    page = Paginator(uploads_for(user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "can_upload": may_upload(user, icb),
        "icb": icb,
        "breadcrumbs": _crumbs(),
    }
    return render(request, "needs_assessment/upload_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def upload_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    icb = core_queries.home_icb(user)
    if not may_upload(user, icb):
        raise PermissionDenied("Only your ICB's analysts and commissioners can upload data.")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            upload = receive_upload(icb=icb, by=user, **data)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            return redirect("needs_assessment:upload-detail", pk=upload.pk)
    context = {
        "form": form,
        "icb": icb,
        "max_gb": MAX_UPLOAD_BYTES // 1024**3,
        "breadcrumbs": _crumbs(("Uploads", "needs_assessment:upload-list")),
    }
    status = 400 if form.errors else 200
    return render(request, "needs_assessment/upload_form.html", context, status=status)


def _detail_context(user, upload: DataUpload) -> dict:
    profile = profile_of(user, upload)
    profile_url = None
    if profile is not None:
        try:
            profile_url = reverse("needs_assessment:profile-detail", args=[profile.pk])
        except NoReverseMatch:
            profile_url = reverse("run-detail", args=[profile.run_id]) if profile.run_id else None
    return {
        "upload": upload,
        "can_retry": upload.current_status == "failed"
        and bool(upload.file)
        and may_upload(user, upload.icb),
        "status": upload.current_status,
        "problems": report_rows(upload.report or {}),
        "notes": (upload.report or {}).get("notes", []),
        "profile": profile,
        "profile_url": profile_url,
    }


@login_required
def upload_detail(request: HttpRequest, pk: int) -> HttpResponse:
    upload = access.get_visible_or_404(request.user, uploads_for(request.user), pk=pk)
    context = _detail_context(request.user, upload)
    context["breadcrumbs"] = _crumbs(("Uploads", "needs_assessment:upload-list"))
    return render(request, "needs_assessment/upload_detail.html", context)


@login_required
def upload_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The status and report block alone, for htmx to poll until the upload is finished."""
    upload = access.get_visible_or_404(request.user, uploads_for(request.user), pk=pk)
    return render(
        request, "needs_assessment/upload_status.html", _detail_context(request.user, upload)
    )


@login_required
@require_POST
def upload_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Check and load a failed upload again from its stored file."""
    upload = access.get_visible_or_404(request.user, uploads_for(request.user), pk=pk)
    try:
        retry_upload(upload=upload, by=request.user)
    except PermissionError as error:
        raise PermissionDenied(str(error)) from None
    except ValueError:
        pass  # already retried (a double click): the page shows where it has got to
    return redirect("needs_assessment:upload-detail", pk=upload.pk)
