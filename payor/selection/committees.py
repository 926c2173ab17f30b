"""Writes for committees with a formal provider role: committees, members, meetings,
papers, decision items, declarations of interest, votes and the recorded decision.
Keyword-only, `by=user`, atomic, audited (see payor.selection.actions)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from commissioning.access import Permission, has_permission, visible_to
from commissioning.models import Contract, Organisation
from payor.models import (
    Committee,
    CommitteeMeeting,
    CommitteeMember,
    CommitteePaper,
    CommitteeVote,
    DecisionItem,
    InterestDeclaration,
    PsrDecision,
    VoteChoice,
)
from payor.selection.actions import audit, require_manager


def _require_own(by, committee: Committee) -> None:
    """Refuse a change to a committee outside the user's scope (another ICB's)."""
    if not visible_to(by, Committee).filter(pk=committee.pk).exists():
        raise PermissionDenied("That committee is not one of your ICB's.")


def _required(**values) -> None:
    missing = {k: [f"Enter the {k.replace('_', ' ')}."] for k, v in values.items() if not v}
    if missing:
        raise ValidationError(missing)


MEETING_YEARS = (2000, 2100)


def _check_held_at(held_at) -> None:
    """Refuse a meeting date outside MEETING_YEARS (a typo such as the year 100 would
    otherwise be stored and shown with a pre-1900 local-time offset)."""
    try:
        when = parse_datetime(held_at) if isinstance(held_at, str) else held_at
    except ValueError:  # well formed but not a date (the model field reports it)
        return
    first, last = MEETING_YEARS
    if isinstance(when, dt.date) and not first <= when.year <= last:
        raise ValidationError(
            {"held_at": [f"Enter a meeting date (held at) in the years {first} to {last}."]}
        )


@transaction.atomic
def create_committee(*, by, name: str, purpose: str = "") -> Committee:
    """Create a committee of the user's ICB."""
    require_manager(by)
    _required(name=name.strip())
    if Committee.objects.filter(icb=by.icb, name=name.strip()).exists():
        raise ValidationError({"name": [f"There is already a committee called {name}."]})
    committee = Committee.objects.create(icb=by.icb, name=name.strip(), purpose=purpose)
    audit(by, "committee_created", committee, name=committee.name)
    return committee


@transaction.atomic
def add_member(
    *, by, committee: Committee, organisation: Organisation, user=None,
    role: str = "Member", voting: bool = True,
) -> CommitteeMember:  # fmt: skip
    """Add an ICB or provider organisation (optionally a named user of it) as a member."""
    require_manager(by)
    _require_own(by, committee)
    _required(role=(role or "").strip())
    if user is not None and user.organisation_id != organisation.pk:
        raise ValidationError({"user": [f"{user.username} does not work for {organisation.name}."]})
    if organisation.kind != "icb" and not organisation.is_provider:
        raise ValidationError({"organisation": ["Members are the ICB or provider organisations."]})
    if CommitteeMember.objects.filter(committee=committee, organisation=organisation, user=user):
        raise ValidationError({"user": ["That member is already on the committee."]})
    member = CommitteeMember.objects.create(
        committee=committee,
        organisation=organisation,
        user=user,
        role=role.strip(),
        voting=voting,
    )
    audit(by, "committee_member_added", member, committee=committee.pk, org=organisation.ods_code)
    return member


@transaction.atomic
def schedule_meeting(
    *, by, committee: Committee, title: str, held_at: dt.datetime, location: str = ""
) -> CommitteeMeeting:
    """Schedule a meeting of a committee."""
    require_manager(by)
    _require_own(by, committee)
    _required(title=title.strip(), held_at=held_at)
    _check_held_at(held_at)
    meeting = CommitteeMeeting.objects.create(
        committee=committee, title=title.strip(), held_at=held_at, location=location
    )
    audit(by, "committee_meeting_scheduled", meeting, committee=committee.pk)
    return meeting


@transaction.atomic
def add_paper(
    *, by, meeting: CommitteeMeeting, title: str, summary: str = "", link: str = ""
) -> CommitteePaper:
    """Add a paper to a meeting (members of the committee can read it)."""
    require_manager(by)
    _require_own(by, meeting.committee)
    _required(title=title.strip())
    paper = CommitteePaper.objects.create(
        meeting=meeting, title=title.strip(), summary=summary, link=link
    )
    audit(by, "committee_paper_added", paper, meeting=meeting.pk)
    return paper


@transaction.atomic
def add_item(
    *, by, meeting: CommitteeMeeting, title: str, description: str = "",
    contract: Contract | None = None, psr_decision: PsrDecision | None = None,
    scenario_id: int | None = None,
) -> DecisionItem:  # fmt: skip
    """Put a decision item on a meeting's agenda, linked to a contract, a PSR decision or
    (by id) a resource-shift scenario."""
    require_manager(by)
    _require_own(by, meeting.committee)
    _required(title=title.strip())
    errors = {}
    if contract is not None and not visible_to(by, Contract).filter(pk=contract.pk).exists():
        errors["contract"] = ["That contract is not one of your ICB's."]
    if psr_decision is not None and not visible_to(by, PsrDecision).filter(pk=psr_decision.pk):
        errors["psr_decision"] = ["That provider selection decision is not one of your ICB's."]
    if scenario_id is not None and scenario_id < 1:
        errors["scenario_id"] = ["Enter a scenario number of 1 or more."]
    if errors:
        raise ValidationError(errors)
    item = DecisionItem.objects.create(
        meeting=meeting, title=title.strip(), description=description, contract=contract,
        psr_decision=psr_decision, scenario_id=scenario_id,
    )  # fmt: skip
    audit(by, "committee_item_added", item, meeting=meeting.pk)
    return item


def _acting_member(by, item: DecisionItem, member: CommitteeMember | None) -> CommitteeMember:
    """The member `by` acts for: their own seat, or (for an ICB commissioner clerking the
    meeting) any member of the committee."""
    seats = CommitteeMember.objects.filter(committee_id=item.meeting.committee_id)
    if member is None:
        own = (
            seats.filter(user=by).first()
            or seats.filter(user__isnull=True, organisation_id=by.organisation_id).first()
        )
        if own is None:
            raise PermissionDenied("You are not a member of this committee.")
        return own
    if member.committee_id != item.meeting.committee_id:
        raise ValidationError({"member": ["That member does not sit on this committee."]})
    own_seat = member.user_id == by.pk or (
        member.user_id is None and member.organisation_id == by.organisation_id
    )
    if not own_seat and not has_permission(by, Permission.APPROVE):
        raise PermissionDenied("You may vote only for your own seat.")
    return member


@transaction.atomic
def declare_interest(
    *, by, item: DecisionItem, interest: str, how_managed: str = "",
    member: CommitteeMember | None = None,
) -> InterestDeclaration:  # fmt: skip
    """Declare a member's conflict of interest on an item: they may not then vote on it."""
    member = _acting_member(by, item, member)
    _required(interest=interest.strip())
    if InterestDeclaration.objects.filter(item=item, member=member).exists():
        raise ValidationError({"interest": [f"{member} has already declared on this item."]})
    if CommitteeVote.objects.filter(item=item, member=member).exists():
        raise ValidationError({"interest": [f"{member} has voted; the vote must be withdrawn."]})
    declaration = InterestDeclaration.objects.create(
        item=item, member=member, interest=interest.strip(), how_managed=how_managed
    )
    audit(by, "interest_declared", declaration, item=item.pk, member=member.pk)
    return declaration


@transaction.atomic
def cast_vote(
    *, by, item: DecisionItem, choice: str, recommendation: str = "",
    member: CommitteeMember | None = None,
) -> CommitteeVote:  # fmt: skip
    """A member's vote (and recommendation) on an item. Refused for a member with a
    declared conflict on the item, a non-voting member, or a decided item."""
    if not (
        has_permission(by, Permission.VOTE_IN_COMMITTEE) or has_permission(by, Permission.APPROVE)
    ):
        raise PermissionDenied("Your role may not vote in committees.")
    item = DecisionItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    member = _acting_member(by, item, member)
    if item.decided_at is not None:
        raise ValidationError("The committee has already recorded its decision on this item.")
    if not member.voting:
        raise ValidationError({"member": [f"{member} is a non-voting member."]})
    declared = InterestDeclaration.objects.filter(item=item, member=member).first()
    if declared is not None:
        raise ValidationError(
            f"Vote refused: {member} declared a conflict of interest on “{item.title}” "
            f"({declared.interest}) and so cannot vote on it."
        )
    if choice not in VoteChoice.values:
        raise ValidationError({"choice": ["Choose for, against or abstain."]})
    if CommitteeVote.objects.filter(item=item, member=member).exists():
        raise ValidationError({"choice": [f"{member} has already voted on this item."]})
    vote = CommitteeVote.objects.create(
        item=item, member=member, choice=choice, recommendation=recommendation, cast_by=by
    )
    audit(by, "committee_vote_cast", vote, item=item.pk, member=member.pk, choice=choice)
    return vote


@transaction.atomic
def record_decision(*, by, item: DecisionItem, decision: str) -> DecisionItem:
    """Record the committee's decision on an item (closes voting on it)."""
    require_manager(by)
    item = DecisionItem.objects.select_for_update().get(pk=item.pk)
    _required(decision=decision.strip())
    if item.decided_at is not None:
        raise ValidationError("The decision on this item is already recorded.")
    item.decision, item.decided_at = decision.strip(), timezone.now()
    item.save(update_fields=["decision", "decided_at"])
    audit(by, "committee_decision_recorded", item)
    return item
