"""Who sees what of stage 3 scenarios (scope functions registered with commissioning.access).

ICB staff see all their ICB's scenarios. A provider representative sees a scenario only
when it is shared with their organisation, and then only their own provider line (the
line filter is in payor.scenarios.queries.result_for). Partners see none.
"""

from django.db.models import QuerySet

from commissioning.access import is_icb_staff, is_provider, scope
from payor.models import ResourceShiftScenario


@scope(ResourceShiftScenario)
def _scenarios(user, qs: QuerySet) -> QuerySet:
    if is_icb_staff(user):
        return qs.filter(icb_id=user.icb.pk)
    if is_provider(user):
        return qs.filter(shared_with=user.organisation_id).distinct()
    return qs.none()
