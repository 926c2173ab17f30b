"""Stage 3 finance pages: the five-year plan, the contract register and statements.
Thin doors onto payor.finance.actions and queries; every fetch goes through access."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from commissioning import access, financial_years
from commissioning.models import Contract, Indicator
from evaluation.loop import queries as loop_queries
from payor.finance import actions, queries
from payor.finance.actions import EditConflict
from payor.models import CareSetting, ContractTerms, FinancialPlan, PaymentStatement
from strategy.models import Outcome

HOME = ("Resource allocation", "payor:landing")


def _can_manage(user) -> bool:
    return access.is_icb_staff(user) and access.has_permission(
        user, access.Permission.MANAGE_CONTRACTS
    )


def _errors(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [f"{k.replace('_', ' ')}: {m}" for k, ms in error.message_dict.items() for m in ms]
    return error.messages


def _attempt(request, function, **kwargs):
    """Run an action; on bad input or a conflict, return the messages instead."""
    try:
        return function(by=request.user, **kwargs), []
    except EditConflict as conflict:
        return None, conflict.messages
    except ValidationError as error:
        return None, _errors(error)
    except PermissionDenied as refused:
        return None, [str(refused)]


@login_required
def plans(request: HttpRequest) -> HttpResponse:
    errors: list[str] = []
    if request.method == "POST":
        plan, errors = _attempt(
            request,
            actions.create_plan,
            title=request.POST.get("title", ""),
            first_year=request.POST.get("first_year") or 0,
            allocation=request.POST.get("allocation", ""),
            allocation_growth=request.POST.get("allocation_growth", ""),
        )
        if plan:
            messages.success(request, f"Plan “{plan.title}” created. Add its budget lines.")
            return redirect("payor:finance-plan", plan.pk)
    context = {
        "plans": access.visible_to(request.user, FinancialPlan),
        "can_manage": _can_manage(request.user),
        "errors": errors,
        "posted": request.POST,
        "breadcrumbs": [("Home", "home"), HOME],
    }
    return render(request, "payor/finance_plans.html", context)


def _plan_post(request, plan) -> list[str]:
    form = request.POST.get("form")
    if form == "plan":
        _, errors = _attempt(
            request,
            actions.update_plan,
            plan=plan,
            expected_version=request.POST.get("version") or 0,
            allocation=request.POST.get("allocation", ""),
            allocation_growth=request.POST.get("allocation_growth", ""),
            title=request.POST.get("title"),
        )
        return errors
    if form == "add_budget":
        _, errors = _attempt(
            request,
            actions.add_budget,
            plan=plan,
            setting=request.POST.get("setting", ""),
            cohort=request.POST.get("cohort", ""),
            budget=request.POST.get("budget", ""),
            growth=request.POST.get("growth", ""),
        )
        return errors
    if form == "budgets":
        ids = request.POST.getlist("line")
        changes = [
            {
                "id": pk,
                "version": request.POST.get(f"version-{pk}") or 0,
                "budget": request.POST.get(f"budget-{pk}", ""),
                "growth": request.POST.get(f"growth-{pk}", ""),
            }
            for pk in ids
            if pk.isdigit()
        ]
        _, errors = _attempt(request, actions.update_budgets, plan=plan, changes=changes)
        return errors
    return ["Unknown form."]


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.get_visible_or_404(request.user, FinancialPlan, pk=pk)
    errors: list[str] = []
    if request.method == "POST":
        errors = _plan_post(request, plan)
        if not errors:
            messages.success(request, "Saved.")
            return redirect("payor:finance-plan", plan.pk)
        plan.refresh_from_db()
    context = {
        "plan": plan,
        "view": queries.plan_view(plan),
        "history": queries.plan_history(plan),
        "settings": CareSetting.choices,
        "can_manage": _can_manage(request.user),
        "errors": errors,
        "breadcrumbs": [("Home", "home"), HOME, ("Financial plans", "payor:finance-plans")],
    }
    return render(request, "payor/finance_plan.html", context, status=400 if errors else 200)


@login_required
def contracts(request: HttpRequest) -> HttpResponse:
    context = {
        "rows": queries.contract_register(request.user),
        "breadcrumbs": [("Home", "home"), HOME],
    }
    return render(request, "payor/finance_contracts.html", context)


def _contract_post(request, contract) -> list[str]:
    form, post = request.POST.get("form"), request.POST
    if form == "terms":
        _, errors = _attempt(
            request,
            actions.set_contract_terms,
            contract=contract,
            terms=post.get("terms", ""),
            expected_version=post.get("version") or None,
        )
    elif form == "variation":
        _, errors = _attempt(
            request,
            actions.record_variation,
            contract=contract,
            description=post.get("description", ""),
            effective_from=post.get("effective_from") or None,
            terms=post.get("terms", ""),
            expected_version=post.get("version") or 0,
        )
    elif form == "kpi":
        user = request.user
        indicator = (
            access.visible_to(user, Indicator).filter(pk=_int(post.get("indicator"))).first()
        )
        outcome = access.visible_to(user, Outcome).filter(pk=_int(post.get("outcome"))).first()
        _, errors = _attempt(
            request,
            actions.add_kpi,
            contract=contract,
            indicator=indicator,
            outcome=outcome,
            target=post.get("target", ""),
            description=post.get("description", ""),
        )
    elif form == "year_values":
        _, errors = _attempt(
            request,
            actions.set_year_values,
            contract=contract,
            values={year: post[f"value_{year}"] for year in _contract_years(contract)
                    if post.get(f"value_{year}", "").strip()},
        )  # fmt: skip
    elif form == "statement":
        statement, errors = _attempt(
            request,
            actions.compute_statement,
            contract=contract,
            period=post.get("period", ""),
            measured=post.get("measured", ""),
        )
        if statement:
            request.statement = statement
    else:
        errors = ["Unknown form."]
    return errors


def _contract_years(contract) -> list[int]:
    """The financial years a contract runs in (2026 for 2026/27), at most ten."""
    return financial_years.years_spanned(contract.start_date, contract.end_date)[:10]


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


def _year_inputs(contract, posted) -> list[dict]:
    saved = {v.year: v.value for v in contract.year_values.all()}
    return [
        {
            "year": year,
            "label": financial_years.label(year),
            "value": posted.get(f"value_{year}", saved.get(year, "")),
        }
        for year in _contract_years(contract)
    ]


@login_required
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    contract = access.get_visible_or_404(
        user, Contract.objects.select_related("provider", "commissioner"), pk=pk
    )
    errors: list[str] = []
    if request.method == "POST":
        errors = _contract_post(request, contract)
        if not errors:
            statement = getattr(request, "statement", None)
            if statement:
                return redirect("payor:finance-statement", statement.pk)
            messages.success(request, "Saved.")
            return redirect("payor:finance-contract", contract.pk)
    terms = access.visible_to(user, ContractTerms).filter(contract=contract).first()
    can_manage = _can_manage(user)
    context = {
        "contract": contract,
        "terms": terms,
        "terms_json": json.dumps(terms.terms, indent=2) if terms else "",
        "posted": request.POST,
        "year_values": contract.year_values.all(),
        "year_inputs": _year_inputs(contract, request.POST),
        "kpis": contract.kpis.select_related("indicator", "outcome"),
        "variations": contract.variations.select_related("created_by"),
        "statements": contract.payment_statements.all(),
        "history": queries.contract_history(contract) if access.is_icb_staff(user) else [],
        "show_history": access.is_icb_staff(user),
        "can_manage": can_manage,
        "indicators": access.visible_to(user, Indicator).order_by("name") if can_manage else [],
        "outcomes": access.visible_to(user, Outcome).select_related("indicator")[:200]
        if can_manage
        else [],
        "errors": errors,
        "breadcrumbs": [("Home", "home"), HOME, ("Contract register", "payor:finance-contracts")],
        "evaluation_findings": loop_queries.findings_about_contract(user, contract),
    }
    return render(request, "payor/finance_contract.html", context, status=400 if errors else 200)


@login_required
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    statement = access.get_visible_or_404(
        request.user, PaymentStatement.objects.select_related("contract__provider"), pk=pk
    )
    context = {
        "statement": statement,
        "measured_json": json.dumps(statement.measured, indent=2),
        "breadcrumbs": [("Home", "home"), HOME, ("Contract register", "payor:finance-contracts")],
    }
    return render(request, "payor/finance_statement.html", context)
