"""Checks every delivery action makes before it writes: who may change a strategy, in
which states, and whether an area or a number is acceptable. Messages say what is wrong
and where, so pages and the API can show them beside the field."""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Model

from commissioning.models import Area, AreaLevel, AuditEvent
from strategy.lifecycle import rules
from strategy.models import Strategy

OUTCOME_LEVELS = (AreaLevel.ICB, AreaLevel.PLACE, AreaLevel.NEIGHBOURHOOD)


def can_edit(user, strategy: Strategy) -> bool:
    """Whether `user` may change this strategy's outcomes, interventions, pathways and
    engagement record now: an ICB commissioner of its ICB, while it is a draft or in
    consultation (strategy.lifecycle.rules, shared by every stage 2 part)."""
    return rules.can_edit(user, strategy)


def lock_editable(strategy: Strategy, by) -> Strategy:
    """The strategy row, locked for the rest of the transaction, after checking that `by`
    may edit it and that it is not approved or published. Raises PermissionDenied or
    ValidationError (strategy.lifecycle.rules.require_editable)."""
    return rules.require_editable(strategy=strategy, by=by)


def audit(by, verb: str, obj: Model, **data) -> None:
    AuditEvent.objects.create(
        actor=by,
        verb=f"strategy.{verb}",
        object_type=f"strategy.{obj._meta.model_name}",
        object_id=str(obj.pk),
        data=data,
    )


def area_error(strategy: Strategy, area: Area | None) -> str | None:
    """Why `area` cannot be used in this strategy (None when it can): it must be the
    strategy's own area or a place or neighbourhood inside it."""
    if area is None:
        return "Choose an area."
    if area.icb_id != strategy.icb_id or area.level not in OUTCOME_LEVELS:
        return "Choose the ICB, one of its places or one of its neighbourhoods."
    if area.pk != strategy.area_id and strategy.area_id not in {a.pk for a in area.ancestors()}:
        return f"{area.name} is outside {strategy.area.name}, which the strategy covers."
    return None


def finite(value) -> float | None:
    """A finite float, or None when `value` is not a number."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def pounds(value) -> Decimal | None:
    """Money as a Decimal in pounds with two places, or None when it is not money."""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return amount if amount.is_finite() else None


def plan_year_error(strategy: Strategy, year, what: str) -> str | None:
    if not isinstance(year, int) or isinstance(year, bool):
        return f"Give the {what} as a plan year from 1 to {strategy.horizon_years}."
    if not 1 <= year <= strategy.horizon_years:
        return f"The {what} must be a plan year from 1 to {strategy.horizon_years}."
    return None


def text(data: dict, field: str, errors: dict, *, required: str | None = None, limit=None) -> str:
    """A trimmed text field; records an error when it is required and missing or too long."""
    value = (
        " ".join(str(data.get(field) or "").split())
        if limit
        else str(data.get(field) or "").strip()
    )
    if required and not value:
        errors[field] = required
    elif limit and len(value) > limit:
        errors[field] = f"Must be {limit} characters or fewer ({len(value)} given)."
    return value


def raise_if(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)
