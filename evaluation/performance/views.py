"""Contract performance pages: the list of contracts and one contract's KPIs and payment.
Thin doors onto evaluation.performance.queries and actions; every fetch goes through
commissioning.access, so another provider's contract answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from commissioning import access
from commissioning.models import Contract
from evaluation.performance import actions, measures, queries
from payor.payment_models.statement import plain

BREADCRUMBS = [("Home", "home"), ("Evaluation", "evaluation:landing")]


def can_record(user) -> bool:
    """ICB commissioners who may manage contracts may record statements."""
    return access.is_icb_staff(user) and access.has_permission(
        user, access.Permission.MANAGE_CONTRACTS
    )


@login_required
def performance_list(request: HttpRequest) -> HttpResponse:
    rows = queries.icb_performance(request.user)
    context = {
        "rows": rows,
        "is_provider": access.is_provider(request.user),
        "breadcrumbs": BREADCRUMBS,
    }
    return render(request, "evaluation/performance_list.html", context)


def _period(request) -> tuple[str | None, list[str]]:
    """The financial year asked for (None for the latest), or an error message."""
    period = (request.POST.get("period") or request.GET.get("period") or "").strip() or None
    if period is None:
        return None, []
    try:
        measures.financial_year(period)
    except ValueError as error:
        return None, [f"Period: the {error}."]
    return period, []


@login_required
def performance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    contract = access.get_visible_or_404(
        user, Contract.objects.select_related("provider", "commissioner"), pk=pk
    )
    period, errors = _period(request)
    if request.method == "POST" and not errors:
        try:
            statement = actions.record_statement(by=user, contract=contract, period=period)
        except ValidationError as error:
            errors = [m for ms in error.message_dict.values() for m in ms]
        except PermissionDenied as refused:
            errors = [str(refused)]
        else:
            messages.success(request, f"Recorded the payment statement for {statement.period}.")
            return redirect("payor:finance-statement", statement.pk)
    performance = queries.contract_performance(user, contract, period)
    payment = performance.payment
    recorded = None
    if payment is not None:
        recorded = contract.payment_statements.filter(period=payment.period).first()
    lines = []
    if payment is not None and payment.statement is not None:
        lines = [
            {"line": line, "quantity": plain(line.quantity), "rate": plain(line.rate)}
            for line in payment.statement.lines
        ]
    context = {
        "lines": lines,
        "performance": performance,
        "contract": contract,
        "payment": payment,
        "recorded": recorded,
        "can_record": can_record(user),
        "errors": errors,
        "breadcrumbs": [*BREADCRUMBS, ("Contract performance", "evaluation:performance-list")],
    }
    return render(request, "evaluation/performance_detail.html", context)
