"""The strategies API: strategies, versions, approvals, shares and comments, scoped for
every persona, with the same rules as the pages."""

import pytest

from strategy.lifecycle import actions
from strategy.models import Strategy, StrategyComment, StrategyShare, StrategyStatus
from tests.api import session_client, token_client
from tests.strategy import factories as sf

pytestmark = pytest.mark.django_db
BASE = "/api/v1/strategy"
S = StrategyStatus
ALL = ["commissioner", "analyst", "provider_a_rep", "provider_b_rep", "partner", "outsider"]
SEES = {"commissioner", "analyst", "provider_a_rep", "partner"}


def api(user):
    """A token client, or a browser session for roles that may not hold tokens (partners)."""
    return session_client(user) if user.role == "partner" else token_client(user)


@pytest.fixture
def shared(universe):
    strategy = sf.StrategyFactory(icb=universe.north, title="North PHIP")
    sf.CriterionFactory(strategy=strategy, code="scale_of_need", name="Scale of need")
    sf.PriorityFactory(strategy=strategy, title="Frailty", cohort_size=1203)
    actions.move_to(strategy=strategy, status=S.CONSULTATION, by=universe.commissioner)
    for organisation in (universe.provider_a, universe.council):
        actions.share(strategy=strategy, organisation=organisation, by=universe.commissioner)
    comment = actions.add_comment(strategy=strategy, text="Beds?", by=universe.provider_a_rep)
    actions.add_comment(strategy=strategy, text="Housing.", by=universe.partner)
    strategy.refresh_from_db()
    strategy.comment = comment
    return strategy


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("persona", ALL)
def test_every_endpoint_is_scoped(universe, shared, persona):
    client = api(getattr(universe, persona))
    sees = persona in SEES
    assert ids(client.get(f"{BASE}/strategies/")) == ({shared.pk} if sees else set())
    expected = 200 if sees else 404
    for path in ("", "content/", "export/", "compare/?from=1&to=1"):
        assert client.get(f"{BASE}/strategies/{shared.pk}/{path}").status_code == expected, path
    version = shared.versions.get()
    assert client.get(f"{BASE}/versions/{version.pk}/").status_code == expected
    assert ids(client.get(f"{BASE}/versions/")) == ({version.pk} if sees else set())
    assert len(ids(client.get(f"{BASE}/approvals/"))) == (1 if sees else 0)
    staff = persona in {"commissioner", "analyst"}
    assert len(ids(client.get(f"{BASE}/shares/"))) == (2 if staff else 0)


def test_comments_each_organisation_its_own(universe, shared):
    def texts(user):
        response = api(user).get(f"{BASE}/comments/?strategy={shared.pk}")
        assert response.status_code == 200
        return {row["text"] for row in response.json()["results"]}

    assert texts(universe.commissioner) == {"Beds?", "Housing."}
    assert texts(universe.provider_a_rep) == {"Beds?"}
    assert texts(universe.partner) == {"Housing."}
    assert texts(universe.provider_b_rep) == texts(universe.outsider) == set()
    other = api(universe.partner).get(f"{BASE}/comments/{shared.comment.pk}/")
    assert other.status_code == 404


def test_a_strategy_through_the_api_from_draft_to_published(universe, shared):
    client = token_client(universe.commissioner)
    created = client.post(
        f"{BASE}/strategies/",
        {"cycle": shared.cycle_id, "title": "Riverside plan", "first_year": 2026,
         "area": universe.place.pk},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["level"] == "place" and body["status"] == "draft" and body["editable"] is True
    strategy = Strategy.objects.get(pk=body["id"])
    assert strategy.criteria.count() == 6
    refused = client.post(
        f"{BASE}/strategies/{strategy.pk}/move/", {"status": "approved"}, format="json"
    )
    assert refused.status_code == 400
    assert "send it to consultation first" in refused.json()["status"][0]
    sf.PriorityFactory(strategy=strategy)
    for status in ("consultation", "approved", "published"):
        moved = client.post(
            f"{BASE}/strategies/{strategy.pk}/move/", {"status": status}, format="json"
        )
        assert moved.status_code == 200 and moved.json()["status"] == status
    frozen = client.patch(f"{BASE}/strategies/{strategy.pk}/", {"title": "X"}, format="json")
    assert frozen.status_code == 400 and "read-only" in frozen.json()["non_field_errors"][0]
    approvals = client.get(f"{BASE}/approvals/?strategy={strategy.pk}").json()["results"]
    assert [a["to_status"] for a in approvals] == ["consultation", "approved", "published"]
    assert {a["by"] for a in approvals} == {"commissioner"} and approvals[0]["version"] == 1
    revised = client.post(f"{BASE}/strategies/{strategy.pk}/revise/", {}, format="json")
    assert revised.json()["status"] == "draft" and revised.json()["version"] == 2


def test_writes_refused_for_the_wrong_people(universe, shared):
    url = f"{BASE}/strategies/{shared.pk}/"
    assert api(universe.partner).patch(url, {"title": "X"}, format="json").status_code == 403
    assert (
        api(universe.provider_a_rep)
        .post(f"{url}move/", {"status": "approved"}, format="json")
        .status_code
        == 403
    )
    assert (
        token_client(universe.analyst)
        .post(f"{url}move/", {"status": "approved"}, format="json")
        .status_code
        == 403
    )
    assert (
        token_client(universe.outsider).patch(url, {"title": "X"}, format="json").status_code == 404
    )
    assert (
        token_client(universe.provider_b_rep)
        .post(f"{BASE}/comments/", {"strategy": shared.pk, "text": "Hi"}, format="json")
        .status_code
        == 404
    )
    assert api(universe.partner).post(
        f"{BASE}/shares/", {"strategy": shared.pk, "organisation": universe.provider_b.pk},
        format="json",
    ).status_code == 403  # fmt: skip
    shared.refresh_from_db()
    assert shared.title == "North PHIP" and shared.status == S.CONSULTATION


def test_sharing_commenting_and_responding_through_the_api(universe, shared):
    icb = token_client(universe.commissioner)
    made = icb.post(
        f"{BASE}/shares/", {"strategy": shared.pk, "organisation": universe.provider_b.pk},
        format="json",
    )  # fmt: skip
    assert made.status_code == 201
    again = icb.post(
        f"{BASE}/shares/", {"strategy": shared.pk, "organisation": universe.provider_b.pk},
        format="json",
    )  # fmt: skip
    assert again.status_code == 400 and "already shared" in again.json()["organisation"][0]
    provider_b = token_client(universe.provider_b_rep)
    posted = provider_b.post(
        f"{BASE}/comments/", {"strategy": shared.pk, "text": "Waiting lists."}, format="json"
    )
    assert posted.status_code == 201 and posted.json()["organisation"] == universe.provider_b.pk
    blank = provider_b.post(f"{BASE}/comments/", {"strategy": shared.pk, "text": ""}, format="json")
    assert blank.status_code == 400 and "text" in blank.json()
    comment = posted.json()["id"]
    assert (
        provider_b.post(
            f"{BASE}/comments/{comment}/respond/", {"response": "x"}, format="json"
        ).status_code
        == 403
    )
    answered = icb.post(
        f"{BASE}/comments/{comment}/respond/", {"response": "We will look."}, format="json"
    )
    assert answered.status_code == 200 and answered.json()["response"] == "We will look."
    share = StrategyShare.objects.get(organisation=universe.provider_b)
    assert icb.delete(f"{BASE}/shares/{share.pk}/").status_code == 204
    assert provider_b.get(f"{BASE}/strategies/{shared.pk}/").status_code == 404
    assert StrategyComment.objects.filter(organisation=universe.provider_b).exists()


def test_versions_content_compare_and_disclosure(universe, shared):
    client = token_client(universe.commissioner)
    priority = shared.priorities.get()
    priority.title = "Frailty and falls"
    priority.save()
    taken = client.post(
        f"{BASE}/strategies/{shared.pk}/take-version/", {"note": "After comments"}, format="json"
    )
    assert taken.status_code == 201 and taken.json()["number"] == 2
    diff = client.get(f"{BASE}/strategies/{shared.pk}/compare/?from=1&to=2").json()
    assert diff["has_changes"] and diff["from_version"] == 1
    items = {s["key"]: s["items"] for s in diff["sections"]}["priorities"]
    assert items[0]["kind"] == "renamed" and items[0]["renamed_from"] == "Frailty"
    version = shared.versions.get(number=2)
    exact = client.get(f"{BASE}/versions/{version.pk}/").json()
    assert exact["content"]["priorities"][0]["cohort_size"] == 1203
    controlled = api(universe.partner).get(f"{BASE}/versions/{version.pk}/").json()
    assert controlled["content"]["priorities"][0]["cohort_size"] == 1205
    content = api(universe.provider_a_rep).get(f"{BASE}/strategies/{shared.pk}/content/").json()
    assert content["priorities"][0]["cohort_size"] == 1205
    bad = client.get(f"{BASE}/strategies/{shared.pk}/compare/?from=x")
    assert bad.status_code == 400
    assert client.get(f"{BASE}/strategies/{shared.pk}/compare/?from=1&to=9").status_code == 404
