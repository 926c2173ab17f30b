"""Commissioners build committees in the browser and the API: members, meetings, papers
and decision items; members then vote; others are refused and bad input saves nothing."""

import pytest

from payor.models import (
    Committee,
    CommitteeMeeting,
    CommitteeMember,
    CommitteePaper,
    CommitteeVote,
    DecisionItem,
)
from payor.selection import committees

pytestmark = pytest.mark.django_db
BASE = "/resource-allocation/committees"
API = "/api/v1/payor/committees"


@pytest.fixture
def committee(universe):
    return committees.create_committee(by=universe.commissioner, name="Joint committee")


def add(client, committee, what, data):
    return client.post(f"{BASE}/{committee.pk}/add/{what}/", data)


def test_commissioner_builds_committee_and_member_votes(universe, client_for, committee):
    u, client = universe, client_for(universe.commissioner)
    page = client.get(f"{BASE}/{committee.pk}/")
    assert b"Add a member" in page.content and b"Schedule a meeting" in page.content
    form = client.get(f"{BASE}/{committee.pk}/add/member/")
    assert form.status_code == 200 and u.provider_a.name.encode() in form.content
    member = {"organisation": u.provider_a.pk, "user": u.provider_a_rep.pk}
    assert (
        add(client, committee, "member", member | {"role": "Provider", "voting": "yes"}).status_code
        == 302
    )
    seat = CommitteeMember.objects.get(committee=committee)
    assert seat.user == u.provider_a_rep and seat.voting and seat.role == "Provider"
    made = add(client, committee, "meeting", {"title": "January", "held_at": "2026-01-14T10:00"})
    assert made.status_code == 302
    meeting = CommitteeMeeting.objects.get(committee=committee)
    paper = {"meeting": meeting.pk, "title": "Options", "link": "https://example.org/p.pdf"}
    assert add(client, committee, "paper", paper).status_code == 302
    item = {
        "meeting": meeting.pk,
        "title": "Renew A",
        "contract": u.contract_a.pk,
        "scenario_id": 3,
    }
    assert add(client, committee, "item", item).status_code == 302
    item = DecisionItem.objects.get(meeting=meeting)
    assert item.contract == u.contract_a and item.scenario_id == 3

    rep = client_for(u.provider_a_rep)
    shown = rep.get(f"{BASE}/{committee.pk}/").content.decode()
    assert "Renew A" in shown and "Options" in shown and "Vote on this item" in shown
    assert "Add a member" not in shown
    assert f'id="item-{item.pk}-vote-choice"' in shown
    voted = rep.post(f"/resource-allocation/committee-items/{item.pk}/vote/", {"choice": "for"})
    assert voted.status_code == 302
    assert CommitteeVote.objects.get(item=item).member == seat

    outsider = client_for(u.provider_b_rep)
    assert outsider.get(f"{BASE}/{committee.pk}/").status_code == 404
    vote = outsider.post(f"/resource-allocation/committee-items/{item.pk}/vote/", {"choice": "for"})
    assert vote.status_code == 404


def test_item_forms_have_unique_ids(universe, client_for, committee):
    by = universe.commissioner
    meeting = committees.schedule_meeting(
        by=by, committee=committee, title="M", held_at="2026-01-14T10:00Z"
    )
    one = committees.add_item(by=by, meeting=meeting, title="One")
    two = committees.add_item(by=by, meeting=meeting, title="Two")
    committees.add_member(by=by, committee=committee, organisation=universe.north_org, user=by)
    shown = client_for(by).get(f"{BASE}/{committee.pk}/").content.decode()
    for item in (one, two):
        for name in ("vote-choice", "declare-interest", "decision-decision"):
            assert shown.count(f'id="item-{item.pk}-{name}"') == 1


@pytest.mark.parametrize("persona", ["analyst", "partner", "provider_a_rep", "outsider"])
def test_others_cannot_add(universe, client_for, committee, persona):
    committees.add_member(
        by=universe.commissioner, committee=committee, organisation=universe.provider_a,
        user=universe.provider_a_rep,
    )  # fmt: skip
    client = client_for(getattr(universe, persona))
    expected = 403 if persona in ("analyst", "provider_a_rep") else 404
    meeting = {"title": "Sneaky", "held_at": "2026-01-14T10:00"}
    assert add(client, committee, "meeting", meeting).status_code == expected
    assert client.get(f"{BASE}/{committee.pk}/add/member/").status_code == expected
    assert client.post(f"{API}/{committee.pk}/meetings/", meeting).status_code == expected
    assert not CommitteeMeeting.objects.exists()


def test_invalid_input_shows_errors_and_saves_nothing(universe, client_for, committee):
    u, client = universe, client_for(universe.commissioner)
    bad = add(client, committee, "meeting", {"title": "", "held_at": "next Tuesday"})
    text = bad.content.decode()
    assert bad.status_code == 400 and "There is a problem" in text
    assert "Title: This field is required." in text and "Date and time (UK time)" in text
    # A user who does not work for the organisation: the action's error, on the field.
    wrong = add(client, committee, "member", {
        "organisation": u.provider_a.pk, "user": u.provider_b_rep.pk, "role": "M", "voting": "yes",
    })  # fmt: skip
    assert wrong.status_code == 400 and "does not work for" in wrong.content.decode()
    meeting = committees.schedule_meeting(
        by=u.commissioner, committee=committee, title="M", held_at="2026-01-14T10:00Z"
    )
    other = add(client, committee, "item", {"meeting": meeting.pk, "title": "X", "scenario_id": 0})
    assert other.status_code == 400 and "greater than or equal to 1" in other.content.decode()
    assert add(client, committee, "nonsense", {}).status_code == 404
    assert not CommitteeMember.objects.exists() and not DecisionItem.objects.exists()


def test_api_adds_member_meeting_paper_item(universe, client_for, committee):
    u, client = universe, client_for(universe.commissioner)
    member = client.post(
        f"{API}/{committee.pk}/members/",
        {"organisation": u.provider_a.pk, "user": u.provider_a_rep.pk, "voting": False},
        content_type="application/json",
    )
    assert member.status_code == 201 and member.json()["voting"] is False
    meeting = client.post(
        f"{API}/{committee.pk}/meetings/", {"title": "Feb", "held_at": "2026-02-11T10:00:00Z"}
    )
    assert meeting.status_code == 201
    meeting_id = meeting.json()["id"]
    paper = client.post(f"{API}/{committee.pk}/papers/", {"meeting": meeting_id, "title": "P"})
    assert paper.status_code == 201 and CommitteePaper.objects.count() == 1
    item = client.post(
        f"{API}/{committee.pk}/items/",
        {"meeting": meeting_id, "title": "Renew B", "contract": u.contract_b.pk},
    )
    assert item.status_code == 201 and item.json()["contract"] == u.contract_b.pk
    other_icb = client.post(
        f"{API}/{committee.pk}/items/",
        {"meeting": meeting_id, "title": "South", "contract": u.contract_south.pk},
    )
    assert other_icb.status_code == 400 and "contract" in other_icb.json()
    missing = client.post(f"{API}/{committee.pk}/meetings/", {"title": ""})
    assert missing.status_code == 400 and {"title", "held_at"} <= set(missing.json())
    assert DecisionItem.objects.count() == 1 and Committee.objects.count() == 1
