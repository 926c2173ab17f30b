"""Writes of the prioritisation method: criteria, weights and the scoring panel
(re-exported by actions.py; the rules are in rules.py)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from commissioning import access
from commissioning.models import Organisation
from strategy.lifecycle.actions import DEFAULT_CRITERIA as LIFECYCLE_DEFAULTS
from strategy.models import Criterion, PanelMember, Strategy
from strategy.models.prioritisation import PanelMemberKind
from strategy.prioritisation import rules
from strategy.prioritisation.rules import audit as _audit

#: The issue's default criteria (code, name, description, weight): the same codes and equal
#: weights as a new strategy gets (strategy.lifecycle.actions.create_strategy).
DEFAULT_CRITERIA = [
    (code, name, description, Decimal("1")) for code, name, description in LIFECYCLE_DEFAULTS
]


# --------------------------------------------------------------------------- criteria


@transaction.atomic
def set_weights(*, strategy: Strategy, weights: dict[str, Decimal], by) -> list[Criterion]:
    """Set the weights of some or all criteria (code → weight, 0 to 999.999). Weights are
    relative; at least one criterion must keep a weight above zero."""
    strategy = rules.lock_for_edit(strategy, by)
    criteria = {c.code: c for c in Criterion.objects.filter(strategy=strategy)}
    errors = {}
    cleaned = {}
    for code, value in weights.items():
        if code not in criteria:
            errors[code] = f"This strategy has no criterion “{code}”."
            continue
        try:
            cleaned[code] = rules.clean_weight(value, field=code)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    after = {code: cleaned.get(code, c.weight) for code, c in criteria.items()}
    if not any(weight > 0 for weight in after.values()):
        raise ValidationError("At least one criterion needs a weight above zero.")
    changed = {}
    for code, weight in cleaned.items():
        criterion = criteria[code]
        if criterion.weight != weight:
            changed[code] = [str(criterion.weight), str(weight)]
            criterion.weight = weight
            criterion.save(update_fields=["weight"])
    _audit(by, "criteria.weights", strategy, changed=changed)
    return sorted(criteria.values(), key=lambda c: (c.order, c.pk))


@transaction.atomic
def add_criterion(
    *, strategy: Strategy, code: str, name: str, weight: Decimal, by, description: str = ""
) -> Criterion:
    """Add a criterion to the method (a short code, unique in the strategy, a name, what a
    score of 5 means, and a weight)."""
    strategy = rules.lock_for_edit(strategy, by)
    code = (code or "").strip().lower()
    if not code or len(code) > 40 or not all(ch.isalnum() or ch in "-_" for ch in code):
        raise ValidationError(
            {"code": "Give a short code of letters, digits and hyphens (40 at most)."}
        )
    if Criterion.objects.filter(strategy=strategy, code=code).exists():
        raise ValidationError({"code": f"This strategy already has a criterion “{code}”."})
    name = rules.clean_text(name, field="name", label="a name", limit=100)
    description = rules.clean_text(
        description, field="description", label="a description", limit=2000, required=False
    )
    weight = rules.clean_weight(weight, field="weight")
    last = Criterion.objects.filter(strategy=strategy).aggregate(m=Max("order"))["m"]
    criterion = Criterion.objects.create(
        strategy=strategy,
        code=code,
        name=name,
        description=description,
        weight=weight,
        order=(last or 0) + 1,
    )
    _audit(by, "criterion.add", criterion, strategy=strategy.pk, weight=str(weight))
    return criterion


@transaction.atomic
def add_default_criteria(*, strategy: Strategy, by) -> list[Criterion]:
    """Add the default criteria the strategy does not have yet (by code)."""
    strategy = rules.lock_for_edit(strategy, by)
    have = set(Criterion.objects.filter(strategy=strategy).values_list("code", flat=True))
    last = Criterion.objects.filter(strategy=strategy).aggregate(m=Max("order"))["m"] or 0
    added = []
    for offset, (code, name, description, weight) in enumerate(DEFAULT_CRITERIA, start=1):
        if code not in have:
            added.append(
                Criterion.objects.create(
                    strategy=strategy,
                    code=code,
                    name=name,
                    description=description,
                    weight=weight,
                    order=last + offset,
                )
            )
    _audit(by, "criteria.defaults", strategy, added=[c.code for c in added])
    return added


@transaction.atomic
def remove_criterion(*, criterion: Criterion, by) -> None:
    """Remove a criterion and every score given on it. Refused when the criteria left
    would all weigh zero."""
    strategy = rules.lock_for_edit(criterion.strategy, by)
    others = Criterion.objects.filter(strategy=strategy).exclude(pk=criterion.pk)
    if others.exists() and not others.filter(weight__gt=0).exists():
        raise ValidationError(
            f"Removing “{criterion.name}” would leave no criterion with a weight above zero."
        )
    scores = criterion.scores.count()
    _audit(
        by,
        "criterion.remove",
        criterion,
        strategy=strategy.pk,
        code=criterion.code,
        scores_removed=scores,
    )
    criterion.delete()


# --------------------------------------------------------------------------- panel


def _clean_member_user(strategy: Strategy, user, organisation, by):
    if user is None:
        return organisation
    if not user.is_active:
        raise ValidationError({"user": f"{user.get_username()}'s account is not active."})
    if PanelMember.objects.filter(strategy=strategy, user=user).exists():
        raise ValidationError({"user": f"{user.get_username()} already has a seat on the panel."})
    if organisation is not None and user.organisation_id != organisation.pk:
        raise ValidationError(
            {
                "organisation": f"{user.get_username()} works for "
                f"{user.organisation or 'no organisation'}, not {organisation}."
            }
        )
    home = user.organisation
    if home is None or not access.visible_to(by, Organisation).filter(pk=home.pk).exists():
        raise ValidationError(
            {
                "user": f"{user.get_username()} is not in an organisation of "
                f"{strategy.icb.name} or one it commissions."
            }
        )
    return home


@transaction.atomic
def add_panel_member(
    *, strategy: Strategy, name: str, kind: str, user=None, organisation=None, by
) -> PanelMember:
    """Give a named person a seat on the scoring panel: with an account (`user`: they then
    score for themselves, once the strategy is shared with their organisation) or without
    one (commissioners record their scores)."""
    strategy = rules.lock_for_edit(strategy, by)
    if kind not in PanelMemberKind.values:
        raise ValidationError({"kind": "Choose ICB, provider, local authority or community."})
    if not (name or "").strip() and user is not None:
        name = user.get_full_name() or user.get_username()
    name = rules.clean_text(name, field="name", label="the member's name", limit=200)
    if (
        organisation is not None
        and not access.visible_to(by, Organisation).filter(pk=organisation.pk).exists()
    ):
        raise ValidationError({"organisation": "Choose an organisation of your ICB."})
    organisation = _clean_member_user(strategy, user, organisation, by)
    member = PanelMember.objects.create(
        strategy=strategy, name=name, kind=kind, user=user, organisation=organisation
    )
    _audit(
        by,
        "panel.add",
        member,
        strategy=strategy.pk,
        kind=kind,
        user=user.pk if user else None,
        organisation=organisation.pk if organisation else None,
    )
    return member


@transaction.atomic
def remove_panel_member(*, member: PanelMember, by) -> None:
    """Take a member off the panel, with their scores."""
    strategy = rules.lock_for_edit(member.strategy, by)
    _audit(
        by,
        "panel.remove",
        member,
        strategy=strategy.pk,
        name=member.name,
        scores_removed=member.scores.count(),
    )
    member.delete()
