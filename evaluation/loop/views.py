"""Pages of the loop part: cycles, evaluation findings (list, record, edit, approve,
withdraw) and closing a cycle. Thin doors onto `actions` and `queries`; ICB staff only
(anyone else gets 404), writes refused with 403 when the role may not make them.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from commissioning.models import FindingStatus
from evaluation.loop import actions, queries
from evaluation.loop.forms import CONCERN_FIELDS, FindingForm, WithdrawForm, links_text

HOME = [("Home", "home"), ("Evaluation", "evaluation:landing")]
CYCLES = ("Cycles and findings", "evaluation:loop-cycles")


def _apply(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _findings_crumb(cycle) -> tuple[str, str]:
    url = reverse("evaluation:loop-findings", args=[cycle.pk])
    return (f"Evaluation findings {cycle.label}", url)


@login_required
def cycles(request: HttpRequest) -> HttpResponse:
    user = request.user
    queries.require_staff(user)
    rows = []
    for cycle in queries.cycles_for(user).order_by("-financial_year"):
        counts = dict.fromkeys(FindingStatus.values, 0)
        for finding in queries.findings_for(user, cycle):
            counts[finding.status] += 1
        rows.append({"cycle": cycle, "counts": counts})
    context = {
        "rows": rows,
        "current": queries.current_cycle(user),
        "can_close": actions.can_approve(user),
        "breadcrumbs": HOME,
    }
    return render(request, "evaluation/loop_cycles.html", context)


@login_required
def findings(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    cycle = queries.cycle_or_404(user, pk)
    status = request.GET.get("status", "")
    status = status if status in FindingStatus.values else ""
    context = {
        "cycle": cycle,
        "status": status,
        "statuses": FindingStatus.choices,
        "findings": [
            queries.finding_view(user, f) for f in queries.findings_for(user, cycle, status)
        ],
        "can_record": actions.can_record(user, cycle) and cycle.status != "closed",
        "breadcrumbs": [*HOME, CYCLES],
    }
    return render(request, "evaluation/loop_findings.html", context)


def _form_page(request, form, cycle, finding=None, status=200) -> HttpResponse:
    context = {
        "form": form,
        "cycle": cycle,
        "finding": finding,
        "concern_fields": [form[name] for name in CONCERN_FIELDS],
        "text_fields": [form[name] for name in ("title", "summary", "evidence", "links")],
        "breadcrumbs": [*HOME, CYCLES, _findings_crumb(cycle)],
    }
    return render(request, "evaluation/loop_finding_form.html", context, status=status)


def _write(request, form, write) -> object | None:
    """Run `write(data)` for a valid form; None (errors on the form) when it fails."""
    if not form.is_valid():
        return None
    data = dict(form.cleaned_data)
    try:
        return write(data)
    except ValidationError as error:
        _apply(form, error)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def finding_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    cycle = queries.cycle_or_404(user, pk)
    if not actions.can_record(user, cycle):
        raise PermissionDenied("Only staff of this ICB can record findings.")
    choices = queries.concern_choices(user, cycle.icb_id)
    form = FindingForm(request.POST or None, choices=choices)
    if request.method == "POST":
        finding = _write(
            request, form, lambda data: actions.record_finding(cycle=cycle, by=user, **data)
        )
        if finding is not None:
            messages.success(request, f"Finding “{finding.title}” recorded as a draft.")
            return redirect("evaluation:loop-finding", pk=finding.pk)
        return _form_page(request, form, cycle, status=400)
    return _form_page(request, form, cycle)


@login_required
@require_http_methods(["GET", "POST"])
def finding_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    finding = queries.finding_or_404(user, pk)
    if not actions.can_record(user, finding.cycle) or finding.status != FindingStatus.DRAFT:
        raise PermissionDenied("Only a draft finding can be changed, by staff of this ICB.")
    detail = queries.detail_of(finding)
    initial = {"title": finding.title, "summary": finding.summary}
    if detail is not None:
        initial["evidence"] = detail.evidence
        initial["links"] = links_text(detail.links.all())
        for name in CONCERN_FIELDS:
            initial[name] = list(getattr(detail, name).values_list("pk", flat=True))
    choices = queries.concern_choices(user, finding.cycle.icb_id)
    form = FindingForm(request.POST or None, initial=initial, choices=choices)
    if request.method == "POST":
        saved = _write(
            request, form, lambda data: actions.edit_finding(finding=finding, by=user, **data)
        )
        if saved is not None:
            messages.success(request, "Finding saved.")
            return redirect("evaluation:loop-finding", pk=finding.pk)
        return _form_page(request, form, finding.cycle, finding, status=400)
    return _form_page(request, form, finding.cycle, finding)


@login_required
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    finding = queries.finding_or_404(user, pk)
    draft = finding.status == FindingStatus.DRAFT
    context = {
        **queries.finding_view(user, finding),
        "can_edit": draft and actions.can_record(user, finding.cycle),
        "can_approve": draft and actions.can_approve(user, finding.cycle),
        "can_withdraw": finding.status != FindingStatus.WITHDRAWN
        and actions.can_approve(user, finding.cycle),
        "withdraw_form": WithdrawForm(),
        "breadcrumbs": [*HOME, CYCLES, _findings_crumb(finding.cycle)],
    }
    return render(request, "evaluation/loop_finding.html", context)


@login_required
@require_POST
def finding_approve(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    finding = queries.finding_or_404(user, pk)
    try:
        actions.approve_finding(finding=finding, by=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, "Finding approved: it is part of the next cycle's starting point."
        )
    return redirect("evaluation:loop-finding", pk=finding.pk)


@login_required
@require_POST
def finding_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    finding = queries.finding_or_404(user, pk)
    form = WithdrawForm(request.POST)
    form.is_valid()
    try:
        actions.withdraw_finding(
            finding=finding, reason=form.cleaned_data.get("reason", ""), by=user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Finding withdrawn.")
    return redirect("evaluation:loop-finding", pk=finding.pk)


@login_required
@require_http_methods(["GET", "POST"])
def cycle_close(request: HttpRequest, pk: int) -> HttpResponse:
    """What closing the cycle carries forward, and the button that closes it."""
    user = request.user
    cycle = queries.cycle_or_404(user, pk)
    if not actions.can_approve(user, cycle):
        raise PermissionDenied("Only a commissioner of this ICB can close a cycle.")
    errors: list[str] = []
    if request.method == "POST":
        carry = request.POST.getlist("carry")
        try:
            closure = actions.close_cycle(cycle=cycle, carry=carry, by=user)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request,
                f"The {cycle.label} cycle is closed and {closure.next_cycle.label} is open.",
            )
            return redirect("evaluation:loop-findings", pk=closure.next_cycle.pk)
    preview = queries.closure_preview(user, cycle)
    context = {
        **preview,
        "errors": errors,
        "carry_checked": set(request.POST.getlist("carry")) if request.method == "POST" else None,
        "breadcrumbs": [*HOME, CYCLES],
    }
    return render(request, "evaluation/loop_close.html", context, status=400 if errors else 200)
