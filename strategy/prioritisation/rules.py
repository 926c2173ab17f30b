"""Who may change the prioritisation of a strategy, and the checks every write shares.

- Priorities, criteria, weights and the panel: users whose role may edit strategies
  (`Permission.EDIT_STRATEGY`: ICB commissioners, and administrators) on a strategy of
  their ICB, while it is a draft or in consultation (strategy.lifecycle.rules decides,
  as for every part of a strategy).
- Scores: a panel member who has an account scores for themselves and nobody else scores
  for them; for a member without an account (say a community representative who scored
  on paper), a user who may edit the strategy records the scores on their behalf.
- Once a strategy is approved (or published) all of it is read-only.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError

from commissioning import access
from commissioning.models import AuditEvent
from strategy.lifecycle import rules as lifecycle_rules
from strategy.models import PanelMember, Strategy

OPEN_STATUSES = lifecycle_rules.EDITABLE_STATUSES
MAX_WEIGHT = Decimal("999.999")
WEIGHT_PLACES = 3


def sees(user, strategy: Strategy) -> bool:
    return access.visible_to(user, Strategy).filter(pk=strategy.pk).exists()


def is_open(strategy: Strategy) -> bool:
    return strategy.status in OPEN_STATUSES


def can_edit(user, strategy: Strategy) -> bool:
    """May `user` change the priorities, criteria, weights and panel of `strategy`? (The
    same rule as the rest of the strategy: strategy.lifecycle.rules.can_edit.)"""
    return lifecycle_rules.can_edit(user, strategy)


def can_score(user, member: PanelMember) -> bool:
    """May `user` record scores for the panel member `member` (see the module docstring)?"""
    strategy = member.strategy
    if not is_open(strategy) or not sees(user, strategy):
        return False
    if member.user_id is not None:
        return member.user_id == user.pk
    return can_edit(user, strategy)


def frozen_message(strategy: Strategy) -> str:
    return lifecycle_rules.read_only_message(strategy)


def lock_for_edit(strategy: Strategy, by) -> Strategy:
    """Lock the strategy row and check that `by` may change its prioritisation (the
    lifecycle's own check, so a change of state and an edit never interleave)."""
    return lifecycle_rules.require_editable(strategy=strategy, by=by)


def lock_for_scoring(member: PanelMember, by) -> Strategy:
    """Lock the member's strategy and check that `by` may score for `member`."""
    locked = Strategy.objects.select_for_update().get(pk=member.strategy_id)
    if not sees(by, locked):
        raise PermissionDenied("You cannot score priorities of this strategy.")
    if not is_open(locked):
        raise ValidationError(frozen_message(locked))
    if member.user_id is not None and member.user_id != by.pk:
        if lifecycle_rules.can_edit(by, locked):
            raise PermissionDenied(
                f"{member.name} has an account and scores for themselves; ICB staff record "
                "scores only for panel members without an account."
            )
        raise PermissionDenied("You can only score for your own seat on the panel.")
    if member.user_id is None and not lifecycle_rules.can_edit(by, locked):
        raise PermissionDenied(
            f"Only ICB commissioners can record scores on behalf of {member.name}."
        )
    return locked


def clean_text(value, *, field: str, label: str, limit: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: f"Enter {label}."})
    if len(text) > limit:
        raise ValidationError(
            {field: f"The {field} is {len(text):,} characters; {limit:,} at most."}
        )
    return text


def clean_weight(value, *, field: str) -> Decimal:
    """A weight as stored: a decimal from 0 to 999.999 with at most three places."""
    try:
        weight = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: f"Enter the weight as a number, not “{value}”."}) from exc
    if not weight.is_finite():
        raise ValidationError({field: "Enter the weight as a number."})
    if weight < 0:
        raise ValidationError({field: "A weight cannot be negative; use 0 to leave it out."})
    if weight > MAX_WEIGHT:
        raise ValidationError({field: f"A weight can be {MAX_WEIGHT} at most."})
    if -weight.normalize().as_tuple().exponent > WEIGHT_PLACES:
        raise ValidationError({field: "Give the weight with at most 3 decimal places."})
    return weight


def audit(by, verb: str, obj, **data) -> None:
    """The audit row of a prioritisation write (inside the action's transaction)."""
    AuditEvent.objects.create(
        actor=by,
        verb=f"strategy.{verb}",
        object_type=type(obj).__name__.lower(),
        object_id=str(obj.pk),
        data=data,
    )
