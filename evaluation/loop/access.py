"""Scopes of the loop part's models (registered with commissioning.access.scope).

A finding's detail and evidence links follow the core Finding's scope but are ICB staff's
only (they name contracts and priorities); a cycle's closure follows its cycle, for ICB
staff only.
"""

from django.db.models import QuerySet

from commissioning.access import is_icb_staff, scope, visible_to
from commissioning.models import CommissioningCycle, Finding
from evaluation.models import CycleClosure, LoopEvidenceLink, LoopFindingDetail


@scope(LoopFindingDetail)
def _details(user, qs: QuerySet) -> QuerySet:
    if not is_icb_staff(user):
        return qs.none()
    return qs.filter(finding__in=visible_to(user, Finding))


@scope(LoopEvidenceLink)
def _links(user, qs: QuerySet) -> QuerySet:
    return qs.filter(detail__in=visible_to(user, LoopFindingDetail))


@scope(CycleClosure)
def _closures(user, qs: QuerySet) -> QuerySet:
    if not is_icb_staff(user):
        return qs.none()
    return qs.filter(cycle__in=visible_to(user, CommissioningCycle))
