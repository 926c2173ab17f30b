"""Reads of stage 3 selection, always through commissioning.access scopes."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from commissioning.access import visible_to
from payor.models import (
    Committee,
    CommitteeMember,
    CommitteeVote,
    DecisionItem,
    InterestDeclaration,
    PsrDecision,
)


def psr_decisions(user) -> QuerySet:
    """The PSR decisions `user` may see, newest first, with provider and ICB."""
    return visible_to(user, PsrDecision).select_related("provider", "icb", "contract")


def own_seats(user) -> QuerySet:
    """The committee seats `user` sits in: named to them, or their organisation's seat
    with no one named."""
    return CommitteeMember.objects.filter(
        Q(user=user) | Q(user__isnull=True, organisation_id=user.organisation_id)
    )


def committees(user) -> QuerySet:
    """The committees `user` may see (a provider: those its organisation sits on)."""
    return visible_to(user, Committee).prefetch_related("members__organisation")


def committee_items(user, committee: Committee) -> list[dict]:
    """Each decision item of a committee with its votes and declarations, as dicts."""
    items = visible_to(user, DecisionItem).filter(meeting__committee=committee)
    votes = visible_to(user, CommitteeVote).filter(item__in=items).select_related("member")
    declared = visible_to(user, InterestDeclaration).filter(item__in=items)
    rows = []
    for item in items.select_related("meeting", "contract"):
        rows.append(
            {
                "item": item,
                "votes": [v for v in votes if v.item_id == item.pk],
                "declarations": [d for d in declared if d.item_id == item.pk],
            }
        )
    return rows
