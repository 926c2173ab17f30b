"""Writes of stage 3 finance. Each is keyword-only, takes `by=user`, runs in one
transaction and writes AuditEvent rows holding the data before and after.

Optimistic locking: plans, budget lines and contract terms carry a version number. An
edit quotes the version it started from; if the row has moved on since, EditConflict is
raised (saying who changed it and when) and nothing is saved, so no one's work is
overwritten silently. Bad input raises ValidationError naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from commissioning.access import Permission, has_permission, is_icb_staff, visible_to
from commissioning.models import AuditEvent, Contract
from payor.models import (
    CareSetting,
    ContractKpi,
    ContractTerms,
    ContractVariation,
    ContractYearValue,
    FinancialPlan,
    PaymentStatement,
    ProgrammeBudget,
)
from payor.payment_models import PaymentModelError, payment_statement, read_terms, terms_to_json


class EditConflict(ValidationError):
    """Someone else saved a newer version since this edit started."""


# --------------------------------------------------------------------------- helpers


def _audit(by, verb: str, obj, before: Any = None, after: Any = None, **extra) -> None:
    data = {"before": before, "after": after} | extra
    AuditEvent.objects.create(
        actor=by, verb=verb, object_type=obj._meta.label_lower, object_id=str(obj.pk), data=data
    )


def _require_manager(by, obj=None) -> None:
    if not (is_icb_staff(by) and has_permission(by, Permission.MANAGE_CONTRACTS)):
        raise PermissionDenied("Only the ICB's commissioners may change finance and contracts.")
    if obj is not None and not visible_to(by, type(obj)).filter(pk=obj.pk).exists():
        raise PermissionDenied("That is not one of your ICB's records.")


def money(value: Any, field: str, *, allow_negative: bool = False) -> Decimal:
    """Pounds as a Decimal with at most two decimal places, or ValidationError on `field`."""
    try:
        amount = Decimal(str(value).replace(",", "").replace("£", "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(
            {field: f"Give an amount in pounds, such as 1250000.00 (not {value!r})."}
        ) from None
    if not amount.is_finite() or amount.as_tuple().exponent < -2:
        raise ValidationError({field: "Give pounds and pence: at most two decimal places."})
    if amount < 0 and not allow_negative:
        raise ValidationError({field: "The amount cannot be negative."})
    return amount.quantize(Decimal("0.01"))


def rate(value: Any, field: str) -> Decimal:
    """A yearly growth share such as 0.03 (3%), between -0.5 and 1."""
    try:
        share = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(
            {field: f"Give growth as a share, such as 0.03 for 3% (not {value!r})."}
        ) from None
    if not share.is_finite() or not Decimal("-0.5") <= share <= 1:
        raise ValidationError({field: "Growth is a share between -0.5 and 1: write 3% as 0.03."})
    if share.as_tuple().exponent < -4:
        raise ValidationError({field: "Give growth to at most four decimal places (0.0325)."})
    return share


def _check_version(obj, expected_version: int, noun: str) -> None:
    if int(expected_version) == obj.version:
        return
    last = (
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
    who = (
        f" by {last.actor.get_full_name() or last.actor.username} at {last.at:%d %b %Y %H:%M}"
        if last and last.actor
        else ""
    )
    raise EditConflict(
        f"Someone else changed this {noun}{who} after you opened it (you started from "
        f"version {expected_version}; it is now version {obj.version}). Your changes were not "
        "saved. The page now shows their version: make your changes again if still needed."
    )


def _plan_data(plan: FinancialPlan) -> dict:
    return {
        "title": plan.title,
        "first_year": plan.first_year,
        "years": plan.years,
        "allocation": str(plan.allocation),
        "allocation_growth": str(plan.allocation_growth),
        "version": plan.version,
    }


def _budget_data(line: ProgrammeBudget) -> dict:
    return {
        "setting": line.setting,
        "cohort": line.cohort,
        "budget": str(line.budget),
        "growth": str(line.growth),
        "version": line.version,
    }


# --------------------------------------------------------------------------- plans


@transaction.atomic
def create_plan(
    *, by, title: str, first_year: int, allocation, allocation_growth, years: int = 5
) -> FinancialPlan:
    """A new five-year plan for the user's ICB."""
    _require_manager(by)
    if not str(title).strip():
        raise ValidationError({"title": "Give the plan a title."})
    if not 2000 <= int(first_year) <= 2100:
        raise ValidationError({"first_year": "Give the first financial year, such as 2026."})
    if not 1 <= int(years) <= 10:
        raise ValidationError({"years": "A plan covers 1 to 10 years."})
    plan = FinancialPlan.objects.create(
        icb=by.icb,
        title=title.strip(),
        first_year=int(first_year),
        years=int(years),
        allocation=money(allocation, "allocation"),
        allocation_growth=rate(allocation_growth, "allocation_growth"),
        created_by=by,
    )
    _audit(by, "finance_plan_created", plan, after=_plan_data(plan))
    return plan


@transaction.atomic
def update_plan(
    *, by, plan: FinancialPlan, expected_version: int, allocation, allocation_growth, title=None
) -> FinancialPlan:
    """Change a plan's allocation and growth (and title), if nobody has since."""
    _require_manager(by, plan)
    plan = FinancialPlan.objects.select_for_update().get(pk=plan.pk)
    _check_version(plan, expected_version, "plan")
    before = _plan_data(plan)
    plan.allocation = money(allocation, "allocation")
    plan.allocation_growth = rate(allocation_growth, "allocation_growth")
    if title is not None and str(title).strip():
        plan.title = str(title).strip()
    plan.version += 1
    plan.save()
    _audit(by, "finance_plan_updated", plan, before=before, after=_plan_data(plan))
    return plan


@transaction.atomic
def add_budget(
    *, by, plan: FinancialPlan, setting: str, budget, growth, cohort: str = ""
) -> ProgrammeBudget:
    """A new budget line of a plan for a care setting (and optional cohort)."""
    _require_manager(by, plan)
    if setting not in CareSetting.values:
        raise ValidationError({"setting": f"Choose a care setting (not {setting!r})."})
    cohort = (cohort or "").strip()
    if plan.budgets.filter(setting=setting, cohort=cohort).exists():
        raise ValidationError(
            {"setting": "The plan already has a line for this setting and cohort: change that one."}
        )
    line = ProgrammeBudget.objects.create(
        plan=plan,
        setting=setting,
        cohort=cohort,
        budget=money(budget, "budget"),
        growth=rate(growth, "growth"),
    )
    _audit(by, "finance_budget_created", line, after=_budget_data(line), plan=plan.pk)
    return line


@transaction.atomic
def update_budgets(
    *, by, plan: FinancialPlan, changes: Sequence[Mapping[str, Any]]
) -> list[ProgrammeBudget]:
    """Change many budget lines at once, all or nothing. Each change is a mapping with
    `id`, `version` (the version the editor started from), `budget` and `growth`. Lines
    whose figures are unchanged are left alone; each changed line gets an AuditEvent."""
    _require_manager(by, plan)
    ids = [int(change["id"]) for change in changes]
    lines = {
        line.pk: line
        for line in ProgrammeBudget.objects.select_for_update().filter(plan=plan, pk__in=ids)
    }
    changed = []
    for number, change in enumerate(changes, start=1):
        line = lines.get(int(change["id"]))
        if line is None:
            raise ValidationError(
                {"id": f"Line {number}: no budget line {change['id']} in this plan."}
            )
        try:
            budget = money(change["budget"], "budget")
            growth = rate(change["growth"], "growth")
        except ValidationError as error:
            raise ValidationError(
                {f"{key} ({line})": msgs for key, msgs in error.message_dict.items()}
            ) from None
        if budget == line.budget and growth == line.growth:
            continue
        _check_version(line, change["version"], f"budget line ({line})")
        before = _budget_data(line)
        line.budget, line.growth, line.version = budget, growth, line.version + 1
        line.save()
        _audit(
            by,
            "finance_budget_updated",
            line,
            before=before,
            after=_budget_data(line),
            plan=plan.pk,
            bulk=len(changes) > 1,
        )
        changed.append(line)
    return changed


# --------------------------------------------------------------------------- contracts


def _contract_for_manager(by, contract: Contract) -> Contract:
    _require_manager(by)
    if not visible_to(by, Contract).filter(pk=contract.pk).exists():
        raise PermissionDenied("That is not one of your ICB's contracts.")
    return contract


def _checked_terms(contract: Contract, terms: Any) -> dict:
    if isinstance(terms, str):
        import json

        try:
            terms = json.loads(terms)
        except ValueError as error:
            raise ValidationError({"terms": f"The terms are not valid JSON: {error}."}) from None
    try:
        return terms_to_json(read_terms(contract.payment_model, terms))
    except PaymentModelError as error:
        raise ValidationError(
            {"terms": f"{contract.get_payment_model_display()} terms: {error}"}
        ) from None


@transaction.atomic
def set_contract_terms(
    *, by, contract: Contract, terms: Any, expected_version: int | None
) -> ContractTerms:
    """Store (or change) a contract's payment terms, checked against its payment model.
    `expected_version` is None when the contract has no terms yet."""
    _contract_for_manager(by, contract)
    checked = _checked_terms(contract, terms)
    current = ContractTerms.objects.select_for_update().filter(contract=contract).first()
    if current is None:
        if expected_version not in (None, 0, "0", ""):
            raise EditConflict("The terms you were editing no longer exist. Nothing was saved.")
        current = ContractTerms(contract=contract, terms=checked, updated_by=by)
        current.save()
        _audit(
            by,
            "contract_terms_set",
            current,
            after={"terms": checked, "version": 1},
            contract=contract.pk,
        )
        return current
    if expected_version in (None, "", 0, "0"):
        raise EditConflict(
            "Someone else set this contract's terms after you opened it. Nothing was saved."
        )
    _check_version(current, expected_version, "contract's terms")
    before = {"terms": current.terms, "version": current.version}
    current.terms, current.version, current.updated_by = checked, current.version + 1, by
    current.save()
    _audit(
        by,
        "contract_terms_set",
        current,
        before=before,
        after={"terms": checked, "version": current.version},
        contract=contract.pk,
    )
    return current


@transaction.atomic
def set_year_values(
    *, by, contract: Contract, values: Mapping[int, Any]
) -> list[ContractYearValue]:
    """Set the contract's value for each given financial year (replacing earlier figures)."""
    _contract_for_manager(by, contract)
    before = {str(v.year): str(v.value) for v in contract.year_values.all()}
    rows = []
    for year, value in sorted(values.items()):
        amount = money(value, f"value_{year}")
        row, _ = ContractYearValue.objects.update_or_create(
            contract=contract, year=int(year), defaults={"value": amount}
        )
        rows.append(row)
    after = {str(v.year): str(v.value) for v in contract.year_values.all()}
    AuditEvent.objects.create(
        actor=by, verb="contract_year_values_set", object_type="commissioning.contract",
        object_id=str(contract.pk), data={"before": before, "after": after},
    )  # fmt: skip
    return rows


@transaction.atomic
def add_kpi(
    *, by, contract: Contract, indicator, target=None, outcome=None, description: str = ""
) -> ContractKpi:
    """Link a library indicator (and optionally a strategy outcome) to a contract as a KPI."""
    _contract_for_manager(by, contract)
    if indicator is None:
        raise ValidationError({"indicator": "Choose the indicator the KPI is measured by."})
    if target not in (None, ""):
        try:
            target = Decimal(str(target))
        except InvalidOperation:
            raise ValidationError(
                {"target": f"Give the target as a number (not {target!r})."}
            ) from None
    else:
        target = None
    kpi = ContractKpi.objects.create(
        contract=contract,
        indicator=indicator,
        outcome=outcome,
        target=target,
        description=description.strip(),
    )
    _audit(
        by,
        "contract_kpi_added",
        kpi,
        after={
            "indicator": indicator.code if hasattr(indicator, "code") else indicator.pk,
            "target": None if target is None else str(target),
        },
        contract=contract.pk,
    )
    return kpi


@transaction.atomic
def record_variation(
    *, by, contract: Contract, description: str, effective_from, terms: Any, expected_version: int
) -> ContractVariation:
    """Vary a contract's payment terms: the new terms replace the old (version-checked)
    and the variation keeps both, numbered in order."""
    _contract_for_manager(by, contract)
    if not str(description).strip():
        raise ValidationError({"description": "Say what the variation changes and why."})
    if not effective_from:
        raise ValidationError({"effective_from": "Give the date the variation takes effect."})
    current = ContractTerms.objects.filter(contract=contract).first()
    if current is None:
        raise ValidationError({"terms": "Set the contract's terms before varying them."})
    before = {"terms": current.terms, "version": current.version}
    updated = set_contract_terms(
        by=by, contract=contract, terms=terms, expected_version=expected_version
    )
    number = (
        contract.variations.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    variation = ContractVariation.objects.create(
        contract=contract, number=number, description=str(description).strip(),
        effective_from=effective_from, before=before,
        after={"terms": updated.terms, "version": updated.version}, created_by=by,
    )  # fmt: skip
    _audit(
        by, "contract_varied", variation, before=before, after=variation.after, contract=contract.pk
    )
    return variation


@transaction.atomic
def compute_statement(*, by, contract: Contract, period: str, measured: Any) -> PaymentStatement:
    """Work out and store the payment statement for a contract and period from its stored
    terms and the measured inputs entered (a mapping, or JSON text)."""
    _contract_for_manager(by, contract)
    period = str(period or "").strip()
    if not period:
        raise ValidationError({"period": "Give the period, such as 2026/27 or 2026-05."})
    if isinstance(measured, str):
        import json

        try:
            measured = json.loads(measured or "{}")
        except ValueError as error:
            raise ValidationError(
                {"measured": f"The measured inputs are not valid JSON: {error}."}
            ) from None
    if not isinstance(measured, Mapping):
        raise ValidationError({"measured": "Give the measured inputs as a JSON object."})
    terms = ContractTerms.objects.filter(contract=contract).first()
    if terms is None:
        raise ValidationError({"terms": "Set the contract's payment terms first."})
    if contract.payment_statements.filter(period=period).exists():
        raise ValidationError({"period": f"There is already a statement for {period}."})
    try:
        statement = payment_statement(contract.payment_model, terms.terms, measured)
    except PaymentModelError as error:
        raise ValidationError({"measured": str(error)}) from None
    data = statement.to_dict()
    try:
        with transaction.atomic():
            stored = PaymentStatement.objects.create(
                contract=contract, period=period, payment_model=contract.payment_model,
                terms=terms.terms, measured=dict(measured), lines=data["lines"],
                summary=data["summary"], total=statement.total, created_by=by,
            )  # fmt: skip
    except IntegrityError:
        raise ValidationError({"period": f"There is already a statement for {period}."}) from None
    _audit(
        by,
        "payment_statement_computed",
        stored,
        after={"period": period, "total": str(statement.total)},
        contract=contract.pk,
    )
    return stored
