"""Who sees evaluation plans and results: the staff (commissioners and analysts) of the
ICB whose strategy the intervention belongs to. Nobody else, so providers, partners and
other ICBs get 404."""

from django.db.models import QuerySet

from commissioning.access import is_icb_staff, scope
from evaluation.models import EvaluationApproach, EvaluationPlan, EvaluationResult


@scope(EvaluationPlan)
def _plans(user, qs: QuerySet) -> QuerySet:
    if not is_icb_staff(user):
        return qs.none()
    return qs.filter(intervention__priority__strategy__icb_id=user.icb.pk)


@scope(EvaluationResult)
def _results(user, qs: QuerySet) -> QuerySet:
    if not is_icb_staff(user):
        return qs.none()
    return qs.filter(plan__intervention__priority__strategy__icb_id=user.icb.pk)


@scope(EvaluationApproach)
def _approaches(user, qs: QuerySet) -> QuerySet:
    if not is_icb_staff(user):
        return qs.none()
    return qs.filter(icb_id=user.icb.pk)
