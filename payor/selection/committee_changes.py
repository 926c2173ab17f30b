"""Changes to a committee after the fact: a member's role or vote, removing a member,
moving a meeting, withdrawing a decision item. Keyword-only, `by=user`, atomic, audited
with before and after; nothing that has been voted on or decided can be rewritten."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from payor.models import (
    CommitteeMeeting,
    CommitteeMember,
    CommitteeVote,
    DecisionItem,
    InterestDeclaration,
)
from payor.selection.actions import audit, require_manager
from payor.selection.committees import _check_held_at, _require_own, _required


def _locked_member(member: CommitteeMember) -> CommitteeMember:
    return CommitteeMember.objects.select_for_update().select_related("committee").get(pk=member.pk)


@transaction.atomic
def update_member(*, by, member: CommitteeMember, role: str, voting: bool) -> CommitteeMember:
    """Change a member's role on the committee and whether they vote."""
    require_manager(by)
    member = _locked_member(member)
    _require_own(by, member.committee)
    _required(role=(role or "").strip())
    before = {"role": member.role, "voting": member.voting}
    member.role, member.voting = role.strip(), bool(voting)
    member.save(update_fields=["role", "voting"])
    after = {"role": member.role, "voting": member.voting}
    audit(by, "committee_member_changed", member, before=before, after=after)
    return member


@transaction.atomic
def remove_member(*, by, member: CommitteeMember) -> None:
    """Take a member off the committee. A member who has voted or declared an interest
    stays on the record: make them non-voting instead."""
    require_manager(by)
    member = _locked_member(member)
    _require_own(by, member.committee)
    if (
        CommitteeVote.objects.filter(member=member).exists()
        or InterestDeclaration.objects.filter(member=member).exists()
    ):
        raise ValidationError(
            {"member": [f"{member} has voted or declared an interest, so stays on the "
                        "record. Make them non-voting instead."]}
        )  # fmt: skip
    audit(by, "committee_member_removed", member, committee=member.committee_id,
          role=member.role)  # fmt: skip
    member.delete()


@transaction.atomic
def move_meeting(
    *, by, meeting: CommitteeMeeting, title: str, held_at: dt.datetime, location: str = ""
) -> CommitteeMeeting:
    """Rename or reschedule a meeting whose items are not yet decided."""
    require_manager(by)
    meeting = CommitteeMeeting.objects.select_for_update().get(pk=meeting.pk)
    _require_own(by, meeting.committee)
    _required(title=(title or "").strip(), held_at=held_at)
    _check_held_at(held_at)
    if meeting.items.filter(decided_at__isnull=False).exists():
        raise ValidationError({"held_at": ["This meeting has decided items; it cannot be moved."]})
    before = {"title": meeting.title, "held_at": meeting.held_at.isoformat(),
              "location": meeting.location}  # fmt: skip
    meeting.title, meeting.held_at, meeting.location = title.strip(), held_at, location
    meeting.save(update_fields=["title", "held_at", "location"])
    after = {"title": meeting.title, "held_at": held_at.isoformat(), "location": location}
    audit(by, "committee_meeting_moved", meeting, before=before, after=after)
    return meeting


@transaction.atomic
def withdraw_item(*, by, item: DecisionItem) -> None:
    """Take an item off the agenda before anyone has voted and before it is decided."""
    require_manager(by)
    item = DecisionItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    _require_own(by, item.meeting.committee)
    if item.decided_at or item.votes.exists():
        raise ValidationError(
            {"item": ["Members have voted on this item or it is decided; it stays on the "
                      "record."]}
        )  # fmt: skip
    audit(by, "committee_item_withdrawn", item, meeting=item.meeting_id, title=item.title)
    item.delete()
