"""Who sees what of stage 3 selection (scope functions registered with commissioning.access).

PSR decision records: ICB staff of the deciding ICB only (providers learn of decisions
through the published notices, partners not at all). Committees: ICB staff of the
committee's ICB see all of them; a provider representative sees the committees on which
their organisation sits, with those committees' meetings, papers, items, declarations
and votes; partners see none.
"""

from django.db.models import QuerySet

from commissioning.access import is_icb_staff, is_provider, scope
from payor.models import (
    Committee,
    CommitteeMeeting,
    CommitteeMember,
    CommitteePaper,
    CommitteeVote,
    DecisionItem,
    InterestDeclaration,
    PsrCriterion,
    PsrDecision,
    PsrRepresentation,
)


@scope(PsrDecision)
def _psr_decisions(user, qs: QuerySet) -> QuerySet:
    return qs.filter(icb_id=user.icb.pk) if is_icb_staff(user) else qs.none()


@scope(PsrCriterion)
def _psr_criteria(user, qs: QuerySet) -> QuerySet:
    return qs.filter(decision__in=_psr_decisions(user, PsrDecision.objects.all()))


@scope(PsrRepresentation)
def _psr_representations(user, qs: QuerySet) -> QuerySet:
    return qs.filter(decision__in=_psr_decisions(user, PsrDecision.objects.all()))


@scope(Committee)
def _committees(user, qs: QuerySet) -> QuerySet:
    if is_icb_staff(user):
        return qs.filter(icb_id=user.icb.pk)
    if is_provider(user):
        return qs.filter(members__organisation_id=user.organisation_id).distinct()
    return qs.none()


def _visible_committee_ids(user):
    return _committees(user, Committee.objects.all()).values("pk")


@scope(CommitteeMember)
def _members(user, qs: QuerySet) -> QuerySet:
    return qs.filter(committee_id__in=_visible_committee_ids(user))


@scope(CommitteeMeeting)
def _meetings(user, qs: QuerySet) -> QuerySet:
    return qs.filter(committee_id__in=_visible_committee_ids(user))


@scope(CommitteePaper)
def _papers(user, qs: QuerySet) -> QuerySet:
    return qs.filter(meeting__committee_id__in=_visible_committee_ids(user))


@scope(DecisionItem)
def _items(user, qs: QuerySet) -> QuerySet:
    return qs.filter(meeting__committee_id__in=_visible_committee_ids(user))


@scope(InterestDeclaration)
def _declarations(user, qs: QuerySet) -> QuerySet:
    return qs.filter(item__meeting__committee_id__in=_visible_committee_ids(user))


@scope(CommitteeVote)
def _votes(user, qs: QuerySet) -> QuerySet:
    return qs.filter(item__meeting__committee_id__in=_visible_committee_ids(user))
