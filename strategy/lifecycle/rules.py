"""Who may do what to a strategy, and whether its content may still change.

A strategy's content (priorities, criteria, panel, scores, outcomes, interventions,
pathways, engagement) can change while it is a draft or in consultation (the ICB may
refine it in response to comments, and the panel scores while it is in consultation).
Approved and published strategies are read-only: to change one, a commissioner starts a
revision (`actions.start_revision`), which takes it back to draft as the next version
number; the approved or published version stays frozen in the version history.

Other stage 2 actions call `require_editable(strategy=..., by=...)` first (inside their
own transaction): it locks the strategy row, so a change of state and an edit never
interleave.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from commissioning import access
from commissioning.access import Permission
from strategy.models import Strategy, StrategyStatus

EDITABLE_STATUSES = (StrategyStatus.DRAFT, StrategyStatus.CONSULTATION)


def is_editable(strategy: Strategy) -> bool:
    """Whether the strategy's content may change (draft or in consultation)."""
    return strategy.status in EDITABLE_STATUSES


def is_icb_staff_of(user, strategy: Strategy) -> bool:
    """ICB staff (commissioner or analyst) of the strategy's ICB, or an administrator."""
    if access.is_administrator(user):
        return True
    return access.is_icb_staff(user) and user.icb.pk == strategy.icb_id


def can_edit(user, strategy: Strategy | None = None) -> bool:
    """Whether `user` may change strategies (of their ICB), and this one now if given."""
    if not (access.is_icb_staff(user) or access.is_administrator(user)):
        return False
    if not access.has_permission(user, Permission.EDIT_STRATEGY):
        return False
    if strategy is None:
        return True
    return is_icb_staff_of(user, strategy) and is_editable(strategy)


def can_approve(user, strategy: Strategy) -> bool:
    """Whether `user` holds the approval permission for this strategy's ICB."""
    return is_icb_staff_of(user, strategy) and access.has_permission(user, Permission.APPROVE)


def read_only_message(strategy: Strategy) -> str:
    return (
        f"Version {strategy.version} is {strategy.get_status_display().lower()}, so it is "
        "read-only. Start a revision to make changes: it becomes the next draft version."
    )


def require_editable(*, strategy: Strategy, by) -> Strategy:
    """Lock the strategy and check that `by` may change its content now. Returns the
    locked row. Raises PermissionDenied (role or ICB) or ValidationError (read-only)."""
    locked = Strategy.objects.select_for_update().get(pk=strategy.pk)
    if not can_edit(by):
        raise PermissionDenied("Only ICB commissioners can change a strategy.")
    if not is_icb_staff_of(by, locked):
        raise PermissionDenied("You cannot change this strategy.")
    if not is_editable(locked):
        raise ValidationError(read_only_message(locked))
    return locked
