"""Who sees what of stage 2 (registered with commissioning.access).

ICB staff see every strategy of their ICB. A provider representative or partner sees a
strategy in consultation only when it is shared with their organisation, and published
strategies of their ICB (partners) or of ICBs that share with them. Consultation
comments: the ICB sees all; an organisation sees only its own.
"""

from django.db.models import Q, QuerySet

from commissioning.access import is_icb_staff, scope, visible_to
from strategy.models import (
    CarePathway,
    Criterion,
    EngagementActivity,
    Intervention,
    Outcome,
    PanelMember,
    PathwayStage,
    Priority,
    Score,
    Strategy,
    StrategyApproval,
    StrategyComment,
    StrategyShare,
    StrategyStatus,
    StrategyVersion,
)


@scope(Strategy)
def _strategies(user, qs: QuerySet) -> QuerySet:
    if is_icb_staff(user):
        return qs.filter(icb_id=user.icb.pk)
    if not user.organisation_id:
        return qs.none()
    shared = Q(shares__organisation_id=user.organisation_id) & Q(
        status__in=[StrategyStatus.CONSULTATION, StrategyStatus.APPROVED]
    )
    published_home = Q(status=StrategyStatus.PUBLISHED) & (
        Q(icb_id=user.organisation.icb_id) | Q(shares__organisation_id=user.organisation_id)
    )
    return qs.filter(shared | published_home).distinct()


def _within_strategy(path: str):
    def narrow(user, qs: QuerySet) -> QuerySet:
        return qs.filter(**{f"{path}__in": visible_to(user, Strategy)})

    return narrow


for _model, _path in [
    (StrategyVersion, "strategy"),
    (StrategyApproval, "strategy"),
    (StrategyShare, "strategy"),
    (Priority, "strategy"),
    (Criterion, "strategy"),
    (PanelMember, "strategy"),
    (Score, "priority__strategy"),
    (Outcome, "priority__strategy"),
    (Intervention, "priority__strategy"),
    (CarePathway, "strategy"),
    (PathwayStage, "pathway__strategy"),
    (EngagementActivity, "strategy"),
]:
    scope(_model)(_within_strategy(_path))


@scope(StrategyComment)
def _comments(user, qs: QuerySet) -> QuerySet:
    qs = qs.filter(strategy__in=visible_to(user, Strategy))
    if is_icb_staff(user):
        return qs
    return qs.filter(organisation_id=user.organisation_id)
