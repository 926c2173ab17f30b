"""Who may see and do what. The only way pages, the API and exports fetch scoped data.

Every model a user can reach has one scope function registered here (stage apps register
theirs with `@scope(Model)` in their own `access.py`, imported by their AppConfig). A model
with no scope function cannot be fetched through `visible_to` at all: it fails closed.
Objects out of scope are answered with 404, never 403, so their existence is not leaked.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from commissioning.models import (
    ApiToken,
    Area,
    CommissioningCycle,
    Contract,
    Finding,
    FindingStatus,
    Indicator,
    IndicatorValue,
    Organisation,
    PopulationSnapshot,
    Role,
    Run,
    Segment,
    SegmentationModel,
    User,
)


class Permission(enum.Enum):
    VIEW_ICB_DATA = "view_icb_data"  # exact aggregates, snapshots, runs of the ICB
    VIEW_CONTRACTS = "view_contracts"
    MANAGE_CONTRACTS = "manage_contracts"
    LOAD_DATA = "load_data"
    RUN_ANALYSES = "run_analyses"
    EDIT_STRATEGY = "edit_strategy"
    APPROVE = "approve"
    USE_API_TOKENS = "use_api_tokens"
    SUBMIT_FEEDBACK = "submit_feedback"
    VOTE_IN_COMMITTEE = "vote_in_committee"


P = Permission
ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.COMMISSIONER: frozenset(
        {
            P.VIEW_ICB_DATA,
            P.VIEW_CONTRACTS,
            P.MANAGE_CONTRACTS,
            P.LOAD_DATA,
            P.RUN_ANALYSES,
            P.EDIT_STRATEGY,
            P.APPROVE,
            P.USE_API_TOKENS,
        }
    ),
    Role.ANALYST: frozenset(
        {
            P.VIEW_ICB_DATA,
            P.VIEW_CONTRACTS,
            P.LOAD_DATA,
            P.RUN_ANALYSES,
            P.USE_API_TOKENS,
        }
    ),
    Role.PROVIDER: frozenset(
        {
            P.VIEW_CONTRACTS,
            P.SUBMIT_FEEDBACK,
            P.VOTE_IN_COMMITTEE,
            P.USE_API_TOKENS,
        }
    ),
    Role.PARTNER: frozenset({P.SUBMIT_FEEDBACK}),
    Role.ADMINISTRATOR: frozenset(Permission),
}


def is_signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_administrator(user) -> bool:
    return is_signed_in(user) and (user.is_superuser or user.role == Role.ADMINISTRATOR)


def is_icb_staff(user) -> bool:
    """Commissioners and analysts of an ICB: they see their ICB's exact aggregates."""
    return (
        is_signed_in(user)
        and user.role in (Role.COMMISSIONER, Role.ANALYST)
        and user.organisation_id is not None
        and user.icb is not None
    )


def is_provider(user) -> bool:
    return is_signed_in(user) and user.role == Role.PROVIDER and user.organisation_id is not None


def is_partner(user) -> bool:
    return is_signed_in(user) and user.role == Role.PARTNER and user.organisation_id is not None


def needs_disclosure_control(user) -> bool:
    """Providers and partners see small-number-controlled aggregates (DESIGN.md section 5)."""
    return not (is_icb_staff(user) or is_administrator(user))


def has_permission(user, permission: Permission, obj: Model | None = None) -> bool:
    """Whether `user`'s role grants `permission`, and, given `obj`, whether it is in scope."""
    if not is_signed_in(user):
        return False
    granted = permission in ROLE_PERMISSIONS.get(user.role, frozenset()) or user.is_superuser
    if not granted:
        return False
    if obj is None:
        return True
    return visible_to(user, type(obj)).filter(pk=obj.pk).exists()


# --------------------------------------------------------------------------- scopes

ScopeFunction = Callable[[User, QuerySet], QuerySet]
_SCOPES: dict[type[Model], ScopeFunction] = {}


def scope(model: type[Model]) -> Callable[[ScopeFunction], ScopeFunction]:
    """Register the function that narrows `model`'s queryset to what a user may see."""

    def register(function: ScopeFunction) -> ScopeFunction:
        if model in _SCOPES:
            raise RuntimeError(f"{model.__name__} already has a scope function")
        _SCOPES[model] = function
        return function

    return register


def visible_to(user, model_or_queryset: type[Model] | QuerySet) -> QuerySet:
    """The rows of a model (or of a queryset of it) that `user` may see."""
    queryset = (
        model_or_queryset
        if isinstance(model_or_queryset, QuerySet)
        else model_or_queryset._default_manager.all()
    )
    function = _SCOPES.get(queryset.model)
    if function is None:
        raise LookupError(f"{queryset.model.__name__} has no scope function in access.py")
    if not is_signed_in(user):
        return queryset.none()
    if is_administrator(user):
        return queryset
    return function(user, queryset)


def get_visible_or_404(user, model_or_queryset: type[Model] | QuerySet, **lookup) -> Model:
    """One object `user` may see, or 404 (whether it does not exist or is out of scope)."""
    try:
        return visible_to(user, model_or_queryset).get(**lookup)
    except (
        model_or_queryset if isinstance(model_or_queryset, type) else model_or_queryset.model
    ).DoesNotExist as exc:
        raise Http404("Not found") from exc


def home_icb_id(user) -> int | None:
    """The id of the ICB the user's organisation is based in (any role), or None."""
    return user.organisation.icb_id if user.organisation_id else None


@scope(Area)
def _areas(user, qs: QuerySet) -> QuerySet:
    """Everyone with an organisation sees the geography of their own ICB."""
    icb_id = home_icb_id(user)
    return qs.filter(icb_id=icb_id) if icb_id else qs.none()


@scope(Organisation)
def _organisations(user, qs: QuerySet) -> QuerySet:
    """ICB staff and partners see organisations based in their ICB or contracted by it;
    a provider representative sees their own organisation and the ICBs that commission it."""
    if is_provider(user):
        commissioners = Contract.objects.filter(provider_id=user.organisation_id).values(
            "commissioner_id"
        )
        return qs.filter(Q(pk=user.organisation_id) | Q(pk__in=commissioners))
    icb_id = home_icb_id(user)
    if not icb_id:
        return qs.none()
    contracted = Contract.objects.filter(commissioner__icb_id=icb_id).values("provider_id")
    return qs.filter(Q(icb_id=icb_id) | Q(pk__in=contracted))


@scope(Contract)
def _contracts(user, qs: QuerySet) -> QuerySet:
    """ICB staff see their ICB's contracts; a provider its own; partners none (commercial)."""
    if is_icb_staff(user):
        return qs.filter(commissioner__icb_id=user.icb.pk)
    if is_provider(user):
        return qs.filter(provider_id=user.organisation_id)
    return qs.none()


@scope(PopulationSnapshot)
def _snapshots(user, qs: QuerySet) -> QuerySet:
    return qs.filter(icb_id=user.icb.pk) if is_icb_staff(user) else qs.none()


@scope(SegmentationModel)
def _segmentation_models(user, qs: QuerySet) -> QuerySet:
    """Library models (no ICB) for everyone; the ICB's own models for its staff and
    partners (providers have no part in how the ICB segments its population)."""
    if is_provider(user):
        return qs.filter(icb__isnull=True)
    icb_id = home_icb_id(user)
    return qs.filter(Q(icb__isnull=True) | Q(icb_id=icb_id))


@scope(Segment)
def _segments(user, qs: QuerySet) -> QuerySet:
    return qs.filter(model__in=visible_to(user, SegmentationModel))


@scope(Indicator)
def _indicators(user, qs: QuerySet) -> QuerySet:
    """The indicator library is shared reference data."""
    return qs


@scope(IndicatorValue)
def _indicator_values(user, qs: QuerySet) -> QuerySet:
    """ICB staff: values for their areas and for providers they contract with. Providers:
    their own organisation's values. Partners: area values of their ICB."""
    if is_icb_staff(user):
        contracted = Contract.objects.filter(commissioner__icb_id=user.icb.pk).values("provider_id")
        return qs.filter(Q(area__icb_id=user.icb.pk) | Q(provider_id__in=contracted))
    if is_provider(user):
        return qs.filter(provider_id=user.organisation_id)
    if is_partner(user):
        return qs.filter(area__icb_id=home_icb_id(user))
    return qs.none()


@scope(CommissioningCycle)
def _cycles(user, qs: QuerySet) -> QuerySet:
    icb_id = home_icb_id(user)
    return qs.filter(icb_id=icb_id) if icb_id else qs.none()


@scope(Finding)
def _findings(user, qs: QuerySet) -> QuerySet:
    """ICB staff see every finding of their ICB; others only approved ones."""
    qs = qs.filter(cycle__in=visible_to(user, CommissioningCycle))
    return qs if is_icb_staff(user) else qs.filter(status=FindingStatus.APPROVED)


@scope(Run)
def _runs(user, qs: QuerySet) -> QuerySet:
    """ICB staff see their ICB's runs; anyone else only the runs they started."""
    if is_icb_staff(user):
        return qs.filter(Q(icb_id=user.icb.pk) | Q(started_by=user))
    return qs.filter(started_by=user)


@scope(ApiToken)
def _tokens(user, qs: QuerySet) -> QuerySet:
    return qs.filter(user=user)


@scope(User)
def _users(user, qs: QuerySet) -> QuerySet:
    return qs.filter(pk=user.pk)
