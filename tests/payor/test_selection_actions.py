"""PSR award against the standstill, representations, committee votes and conflicts."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from commissioning.models import AuditEvent
from payor.models import PsrStatus, RepresentationStatus
from payor.selection import actions, committees
from payor.selection.standstill import LONDON

pytestmark = pytest.mark.django_db
CRITERIA = {
    code: ("Strong", f"Evidence for {code}.")
    for code in ("quality", "value", "integration", "access", "social_value")
}


def at(y, m, d, hh=0, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=LONDON)


def decision_for(u, route="most_suitable", reference="PSR-1"):
    return actions.record_psr_decision(
        by=u.commissioner, reference=reference, title="Community MSK", service="MSK",
        route=route, provider=u.provider_b, decision_maker="ICB Board",
        decided_on=dt.date(2025, 12, 10), criteria=CRITERIA,
        conflicts_declared="Board member is a governor of Provider B",
        conflicts_managed="Left the room for the item",
    )  # fmt: skip


def test_record_decision_needs_every_criterion(universe):
    with pytest.raises(ValidationError) as error:
        actions.record_psr_decision(
            by=universe.commissioner, reference="X", title="T", service="S",
            route="competitive", provider=universe.provider_a, decision_maker="Board",
            decided_on=dt.date(2025, 1, 1), criteria={"quality": ("Good", "Because")},
        )  # fmt: skip
    assert "Social value" in str(error.value.message_dict["criteria"])
    assert not AuditEvent.objects.filter(verb="psr_decision_recorded").exists()


def test_award_refused_the_minute_before_and_allowed_after(universe):
    decision = decision_for(universe)
    decision = actions.publish_notice_of_intention(
        by=universe.commissioner, decision=decision, published_at=at(2025, 12, 19, 15)
    )
    assert decision.standstill_ends_at == at(2026, 1, 6)
    with pytest.raises(ValidationError) as error:
        actions.award(by=universe.commissioner, decision=decision, at=at(2026, 1, 5, 23, 59))
    message = error.value.messages[0]
    assert "Monday 5 January 2026" in message and "00:00 on Tuesday 6 January 2026" in message
    awarded = actions.award(by=universe.commissioner, decision=decision, at=at(2026, 1, 6, 0, 0))
    assert awarded.status == PsrStatus.AWARDED
    published = actions.publish_award(by=universe.commissioner, decision=awarded)
    assert published.status == PsrStatus.PUBLISHED
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"psr_notice_published", "psr_awarded", "psr_award_published"} <= verbs


def test_award_refused_with_an_open_representation(universe):
    decision = actions.publish_notice_of_intention(
        by=universe.commissioner, decision=decision_for(universe), published_at=at(2026, 3, 4)
    )
    rep = actions.record_representation(
        by=universe.commissioner, decision=decision, made_by="Provider A Hospitals",
        summary="Criteria misapplied", received_at=at(2026, 3, 10, 11),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="representation from Provider A Hospitals"):
        actions.award(by=universe.commissioner, decision=decision, at=at(2026, 3, 20))
    # Decided Fri 20 Mar 2026; 5 working days: Mon 23 .. Fri 27: award from 00:00 Sat 28.
    actions.resolve_representation(
        by=universe.commissioner, representation=rep, status=RepresentationStatus.CONTINUE,
        outcome="Reviewed; decision stands", resolved_at=at(2026, 3, 20, 10),
    )  # fmt: skip
    decision.refresh_from_db()
    assert decision.standstill_ends_at == at(2026, 3, 28)
    with pytest.raises(ValidationError, match="Friday 27 March 2026"):
        actions.award(by=universe.commissioner, decision=decision, at=at(2026, 3, 27, 12))
    actions.award(by=universe.commissioner, decision=decision, at=at(2026, 3, 28, 0, 1))


def test_award_needs_notice_first_but_not_for_direct_award_a(universe):
    with pytest.raises(ValidationError, match="Publish the notice of intention"):
        actions.award(by=universe.commissioner, decision=decision_for(universe))
    direct = decision_for(universe, route="direct_a", reference="PSR-2")
    assert actions.award(by=universe.commissioner, decision=direct).status == PsrStatus.AWARDED


def test_provider_cannot_record_psr(universe):
    with pytest.raises(PermissionDenied):
        decision_for(SimpleUniverse(universe))


class SimpleUniverse:
    def __init__(self, u):
        self.__dict__.update(vars(u))
        self.commissioner = u.provider_a_rep


@pytest.fixture
def board(universe):
    u, by = universe, universe.commissioner
    committee = committees.create_committee(by=by, name="Joint committee", purpose="Joint")
    icb_seat = committees.add_member(by=by, committee=committee, organisation=u.north_org, user=by)
    a_seat = committees.add_member(
        by=by, committee=committee, organisation=u.provider_a, user=u.provider_a_rep
    )
    meeting = committees.schedule_meeting(
        by=by, committee=committee, title="January", held_at=at(2026, 1, 14, 10)
    )
    item = committees.add_item(by=by, meeting=meeting, title="Renew A", contract=u.contract_a)
    return committee, icb_seat, a_seat, meeting, item


def test_conflicted_member_cannot_vote(universe, board):
    committee, icb_seat, a_seat, meeting, item = board
    committees.declare_interest(
        by=universe.provider_a_rep, item=item, interest="We hold the contract"
    )
    with pytest.raises(ValidationError, match="declared a conflict of interest on “Renew A”"):
        committees.cast_vote(by=universe.provider_a_rep, item=item, choice="for")
    vote = committees.cast_vote(by=universe.commissioner, item=item, choice="for")
    assert vote.member == icb_seat
    committees.record_decision(by=universe.commissioner, item=item, decision="Renewed")
    with pytest.raises(ValidationError, match="already recorded"):
        committees.cast_vote(by=universe.commissioner, item=item, choice="against", member=a_seat)


def test_non_member_provider_cannot_vote(universe, board):
    item = board[4]
    with pytest.raises(PermissionDenied, match="not a member"):
        committees.cast_vote(by=universe.provider_b_rep, item=item, choice="for")
    with pytest.raises(PermissionDenied):
        committees.cast_vote(by=universe.partner, item=item, choice="for")


def test_provider_votes_for_own_seat_only(universe, board):
    committee, icb_seat, a_seat, meeting, item = board
    with pytest.raises(PermissionDenied, match="own seat"):
        committees.cast_vote(by=universe.provider_a_rep, item=item, choice="for", member=icb_seat)
    vote = committees.cast_vote(by=universe.provider_a_rep, item=item, choice="against")
    assert vote.member == a_seat
