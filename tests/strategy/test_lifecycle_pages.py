"""The strategy pages for every persona: scope (404), refusals (403), the status flow with
its confirmation step, sharing, comments, the published page and the workbook."""

import pytest
from django.urls import reverse

from strategy.lifecycle import actions
from strategy.models import Strategy, StrategyComment, StrategyShare, StrategyStatus
from tests.strategy import factories as sf

pytestmark = pytest.mark.django_db
S = StrategyStatus
ALL = ["commissioner", "analyst", "provider_a_rep", "provider_b_rep", "partner", "outsider"]


@pytest.fixture
def shared(universe):
    """North's strategy in consultation with two versions, shared with provider A and the
    council; provider B is not shared with."""
    strategy = sf.StrategyFactory(icb=universe.north, title="North PHIP")
    sf.CriterionFactory(strategy=strategy, code="scale_of_need", name="Scale of need")
    sf.PriorityFactory(strategy=strategy, title="Frailty", cohort_size=1203)
    who = universe.commissioner
    actions.take_version(strategy=strategy, note="First", by=who)
    sf.PriorityFactory(strategy=strategy, title="Diabetes", cohort_size=5)
    actions.move_to(strategy=strategy, status=S.CONSULTATION, by=who)  # version 2
    for organisation in (universe.provider_a, universe.council):
        actions.share(strategy=strategy, organisation=organisation, by=who)
    strategy.refresh_from_db()
    return strategy


def url(name, strategy, *args):
    return reverse(f"strategy:{name}", args=[strategy.pk, *args])


READABLE = {
    "commissioner": 200,
    "analyst": 200,
    "provider_a_rep": 200,
    "provider_b_rep": 404,
    "partner": 200,
    "outsider": 404,
}


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("strategy-detail", []),
        ("strategy-published", []),
        ("strategy-export", []),
        ("strategy-version", [1]),
        ("strategy-compare", []),
    ],
)
@pytest.mark.parametrize("persona", ALL)
def test_reading_pages_are_scoped(universe, client_for, shared, name, args, persona):
    response = client_for(getattr(universe, persona)).get(url(name, shared, *args))
    assert response.status_code == READABLE[persona]


CHANGING = {
    "commissioner": 200,
    "analyst": 403,
    "provider_a_rep": 403,
    "provider_b_rep": 404,
    "partner": 403,
    "outsider": 404,
}


@pytest.mark.parametrize(("name", "args"), [("strategy-edit", []), ("strategy-move", ["approved"])])
@pytest.mark.parametrize("persona", ALL)
def test_changing_pages_are_for_commissioners(universe, client_for, shared, name, args, persona):
    response = client_for(getattr(universe, persona)).get(url(name, shared, *args))
    assert response.status_code == CHANGING[persona]


@pytest.mark.parametrize("persona", ALL)
def test_landing_and_list_show_each_persona_only_what_they_may_see(
    universe, client_for, shared, persona
):
    client = client_for(getattr(universe, persona))
    for name in ("strategy:landing", "strategy:strategy-list"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert ("North PHIP" in response.content.decode()) == (READABLE[persona] == 200)


def test_anonymous_visitors_are_sent_to_sign_in(client, shared):
    for target in (reverse("strategy:landing"), url("strategy-detail", shared)):
        response = client.get(target)
        assert response.status_code == 302 and "/login" in response["Location"]


def test_the_hub_shows_status_parts_versions_sharing_and_next_action(universe, client_for, shared):
    page = client_for(universe.commissioner).get(url("strategy-detail", shared)).content.decode()
    assert "In consultation" in page and "Version 2" in page
    assert "Provider A Hospitals" in page and "North Council" in page
    assert url("strategy-move", shared, "approved") in page
    assert url("strategy-move", shared, "draft") in page
    assert "Priorities" in page and "Engagement" in page
    provider = client_for(universe.provider_a_rep).get(url("strategy-detail", shared))
    text = provider.content.decode()
    assert "Add a comment" in text and "strategy-share" not in text
    assert url("strategy-move", shared, "approved") not in text and "Stop sharing" not in text


def test_the_status_flow_needs_the_box_ticked(universe, client_for, shared):
    client = client_for(universe.commissioner)
    target = url("strategy-move", shared, "approved")
    refused = client.post(target, {"note": "Board 12 March"})
    assert refused.status_code == 400 and "Tick the box" in refused.content.decode()
    shared.refresh_from_db()
    assert shared.status == S.CONSULTATION
    done = client.post(target, {"note": "Board 12 March", "confirm": "yes"})
    assert done.status_code == 302
    shared.refresh_from_db()
    assert shared.status == S.APPROVED
    approval = shared.approvals.get(to_status=S.APPROVED)
    assert approval.by == universe.commissioner and approval.note == "Board 12 March"
    wrong = client.get(url("strategy-move", shared, "draft"))
    assert wrong.status_code == 400 and "Start a revision" in wrong.content.decode()


def test_a_partner_cannot_edit_and_nothing_changes(universe, client_for, shared):
    response = client_for(universe.partner).post(
        url("strategy-edit", shared), {"title": "Hijacked", "vision": ""}
    )
    assert response.status_code == 403
    shared.refresh_from_db()
    assert shared.title == "North PHIP"


def test_comments_through_the_pages(universe, client_for, shared):
    response = client_for(universe.provider_a_rep).post(
        url("strategy-comment", shared), {"text": "More community beds."}
    )
    assert response.status_code == 302
    comment = StrategyComment.objects.get()
    assert comment.organisation == universe.provider_a
    empty = client_for(universe.provider_a_rep).post(url("strategy-comment", shared), {"text": ""})
    assert empty.status_code == 400 and "Enter your comment" in empty.content.decode()
    assert (
        client_for(universe.provider_b_rep)
        .post(url("strategy-comment", shared), {"text": "Me too"})
        .status_code
        == 404
    )
    council_page = client_for(universe.partner).get(url("strategy-detail", shared))
    assert "More community beds." not in council_page.content.decode()
    respond = url("strategy-comment-respond", shared, comment.pk)
    assert client_for(universe.provider_a_rep).get(respond).status_code == 403
    assert client_for(universe.partner).get(respond).status_code == 404
    answer = client_for(universe.commissioner).post(respond, {"response": "Agreed: ten more."})
    assert answer.status_code == 302
    page = client_for(universe.provider_a_rep).get(url("strategy-detail", shared))
    assert "Agreed: ten more." in page.content.decode()


def test_sharing_through_the_pages(universe, client_for, shared):
    client = client_for(universe.commissioner)
    response = client.post(url("strategy-share", shared), {"organisation": universe.provider_b.pk})
    assert response.status_code == 302
    assert (
        client_for(universe.provider_b_rep).get(url("strategy-detail", shared)).status_code == 200
    )
    missing = client.post(url("strategy-share", shared), {"organisation": ""})
    assert missing.status_code == 400 and "Choose an organisation" in missing.content.decode()
    removed = client.post(url("strategy-unshare", shared, universe.provider_b.pk))
    assert removed.status_code == 302
    assert not StrategyShare.objects.filter(organisation=universe.provider_b).exists()
    assert (
        client_for(universe.partner)
        .post(url("strategy-share", shared), {"organisation": universe.provider_b.pk})
        .status_code
        == 403
    )


def test_a_partner_reads_the_published_page_plain_and_controlled(universe, client_for, shared):
    who = universe.commissioner
    actions.move_to(strategy=shared, status=S.APPROVED, by=who)
    actions.move_to(strategy=shared, status=S.PUBLISHED, by=who)
    StrategyShare.objects.all().delete()  # a published strategy needs no share
    response = client_for(universe.partner).get(url("strategy-published", shared))
    assert response.status_code == 200
    page = response.content.decode()
    assert "North PHIP" in page and "Frailty" in page
    assert "1,205 people" in page and "1203" not in page and "1,203" not in page
    assert "Published by" in page and "<form" not in page and "nhsuk-header" not in page
    assert (
        client_for(universe.provider_b_rep).get(url("strategy-published", shared)).status_code
        == 200
    )
    assert client_for(universe.outsider).get(url("strategy-published", shared)).status_code == 404


def test_create_page_starts_a_draft_with_default_criteria(universe, client_for):
    client = client_for(universe.commissioner)
    assert client.get(reverse("strategy:strategy-create")).status_code == 200
    cycle = sf.StrategyFactory(icb=universe.north).cycle
    response = client.post(
        reverse("strategy:strategy-create"),
        {
            "title": "Riverside plan",
            "cycle": cycle.pk,
            "area": universe.place.pk,
            "first_year": 2026,
            "vision": "",
        },
    )
    assert response.status_code == 302
    strategy = Strategy.objects.get(title="Riverside plan")
    assert strategy.level == "place" and strategy.criteria.count() == 6
    bad = client.post(reverse("strategy:strategy-create"), {"title": "", "cycle": cycle.pk})
    assert bad.status_code == 400 and "Enter a title" in bad.content.decode()
    for user in (universe.analyst, universe.provider_a_rep, universe.partner):
        assert client_for(user).get(reverse("strategy:strategy-create")).status_code == 403
