"""Changing a committee after the fact, in the browser and the API: a member's role and
vote, removing a member, moving a meeting, withdrawing an item; what has been voted on
stays on the record; other ICBs and providers get 404 or 403; every change is audited."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from commissioning.models import AuditEvent
from payor.models import CommitteeMeeting, CommitteeMember, DecisionItem
from payor.selection import committees

pytestmark = pytest.mark.django_db
BASE = "/resource-allocation/committees"
API = "/api/v1/payor"


@pytest.fixture
def board(universe):
    by = universe.commissioner
    committee = committees.create_committee(by=by, name="Joint committee")
    seat = committees.add_member(
        by=by, committee=committee, organisation=universe.provider_a, user=universe.provider_a_rep,
        role="Provider",
    )  # fmt: skip
    other = committees.add_member(
        by=by, committee=committee, organisation=universe.provider_b, role="Provider"
    )
    when = timezone.make_aware(dt.datetime(2026, 12, 3, 10))
    meeting = committees.schedule_meeting(by=by, committee=committee, title="Dec", held_at=when)
    item = committees.add_item(by=by, meeting=meeting, title="Renew A")
    return committee, seat, other, meeting, item


def test_commissioner_changes_member_and_moves_meeting_in_the_browser(universe, client_for, board):
    committee, seat, _, meeting, _ = board
    client = client_for(universe.commissioner)
    page = client.get(f"{BASE}/{committee.pk}/").content.decode()
    assert f"{BASE}/change/member/{seat.pk}/" in page
    assert f"{BASE}/change/meeting/{meeting.pk}/" in page
    form = client.get(f"{BASE}/change/member/{seat.pk}/")
    assert form.status_code == 200 and 'value="Provider"' in form.content.decode()
    blank = client.post(f"{BASE}/change/member/{seat.pk}/", {"role": "", "voting": "no"})
    assert blank.status_code == 400
    done = client.post(f"{BASE}/change/member/{seat.pk}/", {"role": "Adviser", "voting": "no"})
    assert done.status_code == 302
    seat.refresh_from_db()
    assert (seat.role, seat.voting) == ("Adviser", False)
    event = AuditEvent.objects.get(verb="committee_member_changed")
    assert event.data["before"] == {"role": "Provider", "voting": True}
    moved = client.post(
        f"{BASE}/change/meeting/{meeting.pk}/",
        {"title": "December board", "held_at": "2026-12-10T14:00", "location": "Room 1"},
    )
    assert moved.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "December board" and meeting.held_at.day == 10


def test_a_member_who_voted_stays_and_a_voted_item_cannot_be_withdrawn(universe, client_for, board):
    committee, seat, other, _, item = board
    committees.cast_vote(by=universe.provider_a_rep, item=item, choice="for")
    client = client_for(universe.commissioner)
    refused = client.post(f"{BASE}/change/remove-member/{seat.pk}/")
    assert refused.status_code == 400 and "non-voting" in refused.content.decode()
    assert CommitteeMember.objects.filter(pk=seat.pk).exists()
    kept = client.post(f"{BASE}/change/withdraw-item/{item.pk}/")
    assert kept.status_code == 400 and DecisionItem.objects.filter(pk=item.pk).exists()
    assert client.post(f"{BASE}/change/remove-member/{other.pk}/").status_code == 302
    assert not CommitteeMember.objects.filter(pk=other.pk).exists()
    assert AuditEvent.objects.filter(verb="committee_member_removed").count() == 1


@pytest.mark.parametrize("persona", ["outsider", "provider_b_rep", "partner"])
def test_others_cannot_change_the_committee(universe, client_for, board, persona):
    _, seat, _, meeting, item = board
    client = client_for(getattr(universe, persona))
    for url in (
        f"{BASE}/change/member/{seat.pk}/",
        f"{BASE}/change/meeting/{meeting.pk}/",
        f"{BASE}/change/withdraw-item/{item.pk}/",
    ):
        assert client.post(url, {"role": "X", "voting": "yes"}).status_code in (403, 404)
    assert client.patch(f"{API}/committee-members/{seat.pk}/", "{}",
                        content_type="application/json").status_code in (403, 404)  # fmt: skip
    seat.refresh_from_db()
    assert seat.role == "Provider"


def test_provider_member_can_read_but_not_change(universe, client_for, board):
    _, seat, _, meeting, item = board
    rep = client_for(universe.provider_a_rep)
    assert rep.get(f"{API}/committee-members/{seat.pk}/").status_code == 200
    assert rep.post(f"{BASE}/change/withdraw-item/{item.pk}/").status_code == 403
    change = {"role": "Chair", "voting": True}
    refused = rep.patch(f"{API}/committee-members/{seat.pk}/", json.dumps(change),
                        content_type="application/json")  # fmt: skip
    assert refused.status_code == 403


def test_api_changes_members_meetings_and_withdraws_items(universe, client_for, board):
    _, seat, other, meeting, item = board
    client = client_for(universe.commissioner)
    changed = client.patch(f"{API}/committee-members/{seat.pk}/",
                           json.dumps({"role": "Chair", "voting": True}),
                           content_type="application/json")  # fmt: skip
    assert changed.status_code == 200 and changed.json()["role"] == "Chair"
    moved = client.patch(f"{API}/committee-meetings/{meeting.pk}/",
                         json.dumps({"title": "Moved", "held_at": "2026-12-11T09:00:00Z"}),
                         content_type="application/json")  # fmt: skip
    assert moved.status_code == 200 and moved.json()["title"] == "Moved"
    assert client.post(f"{API}/committee-items/{item.pk}/withdraw/").status_code == 204
    assert not DecisionItem.objects.filter(pk=item.pk).exists()
    assert client.delete(f"{API}/committee-members/{other.pk}/").status_code == 204
    assert not CommitteeMeeting.objects.filter(pk=meeting.pk, title="Dec").exists()
    outsider = client_for(universe.outsider)
    assert outsider.get(f"{API}/committee-members/{seat.pk}/").status_code == 404
    assert outsider.get(f"{API}/committee-meetings/").json()["results"] == []
