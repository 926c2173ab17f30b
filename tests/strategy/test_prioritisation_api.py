"""The prioritisation API: priorities, criteria and weights, the panel, scores and the
ranking, for every persona (outsider and unshared provider see nothing, partner reads,
provider on the panel scores their own seat on a shared strategy)."""

import pytest
from rest_framework.test import APIClient

from strategy.models import Criterion, PanelMember, Priority, Score
from tests.strategy.test_prioritisation_world import (
    make_world,
    score,
    score_example,
    share_for_consultation,
)

API = "/api/v1/strategy"


@pytest.fixture
def world(universe):
    return make_world(universe)


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def detail_urls(world) -> list[str]:
    return [
        f"{API}/priorities/{world.p1.pk}/",
        f"{API}/criteria/{world.need.pk}/",
        f"{API}/panel-members/{world.community.pk}/",
        f"{API}/rankings/{world.strategy.pk}/",
    ]


LISTS = ["priorities", "criteria", "panel-members", "scores"]


def test_the_api_needs_a_sign_in(world):
    for url in [f"{API}/{name}/" for name in LISTS] + detail_urls(world):
        assert APIClient().get(url).status_code in (401, 403)


@pytest.mark.parametrize("persona", ["outsider", "provider_a_rep", "provider_b_rep", "partner"])
def test_a_draft_is_invisible_outside_the_icb(universe, world, persona):
    score_example(world)
    client = api_for(getattr(universe, persona))
    for name in LISTS:
        assert client.get(f"{API}/{name}/").json()["count"] == 0, name
    for url in detail_urls(world):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            f"{API}/criteria/weights/",
            {"strategy": world.strategy.pk, "weights": {"need": "5"}},
            format="json",
        ).status_code
        == 404
    )


def test_provider_b_sees_nothing_of_a_strategy_shared_with_provider_a(universe, world):
    share_for_consultation(world, universe.provider_a)
    client = api_for(universe.provider_b_rep)
    assert client.get(f"{API}/priorities/").json()["count"] == 0
    for url in detail_urls(world):
        assert client.get(url).status_code == 404
    response = client.post(
        f"{API}/scores/",
        {
            "member": world.provider_member.pk,
            "priority": world.p1.pk,
            "criterion": "need",
            "score": 5,
            "rationale": "Not mine to give.",
        },
        format="json",
    )
    assert response.status_code == 404


def test_commissioner_reads_priorities_with_their_evidence(universe, world):
    client = api_for(universe.commissioner)
    data = client.get(f"{API}/priorities/", {"strategy": world.strategy.pk}).json()
    assert data["count"] == 2
    first = data["results"][0]
    assert first["title"] == "Frailty in Riverside"
    assert first["findings"] == [
        {
            "id": world.frailty.pk,
            "title": world.frailty.title,
            "assessment": world.ina.pk,
            "section": "segments",
        }
    ]
    assert first["cohort_size"] == 241


def test_partner_sees_cohort_sizes_under_disclosure_control(universe, world):
    share_for_consultation(world, universe.council)
    client = api_for(universe.partner)
    sizes = {
        p["title"]: p["cohort_size"] for p in client.get(f"{API}/priorities/").json()["results"]
    }
    assert sizes == {"Frailty in Riverside": 240, "Core20 admissions": "*"}


def test_raise_a_priority_through_the_api(universe, world):
    client = api_for(universe.commissioner)
    body = {
        "strategy": world.strategy.pk,
        "title": "Core20 diabetes",
        "findings": [world.admissions.pk],
        "group": "Core20",
    }
    response = client.post(f"{API}/priorities/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["cohort_size"] == 903
    refused = client.post(
        f"{API}/priorities/", {**body, "findings": [world.draft.pk]}, format="json"
    )
    assert refused.status_code == 400
    assert "approved needs assessment findings" in refused.json()["findings"][0]
    foreign = client.post(
        f"{API}/priorities/", {**body, "findings": [world.south.pk]}, format="json"
    )
    assert foreign.status_code == 400
    assert foreign.json() == {"findings": [f"No such finding: {world.south.pk}."]}


def test_patch_a_priority(universe, world):
    client = api_for(universe.commissioner)
    response = client.patch(
        f"{API}/priorities/{world.p1.pk}/", {"area": universe.place.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["area"]["code"] == universe.place.code
    assert response.json()["cohort_size"] == 1210
    assert client.put(f"{API}/priorities/{world.p1.pk}/", {}, format="json").status_code == 405


@pytest.mark.parametrize("persona", ["analyst", "provider_a_rep", "partner"])
def test_readers_cannot_write(universe, world, persona):
    share_for_consultation(world, universe.provider_a, universe.council)
    client = api_for(getattr(universe, persona))
    assert client.get(f"{API}/criteria/{world.need.pk}/").status_code == 200
    writes = [
        client.post(
            f"{API}/priorities/",
            {
                "strategy": world.strategy.pk,
                "title": "X",
                "findings": [world.admissions.pk],
                "group": "Core20",
            },
            format="json",
        ),
        client.post(
            f"{API}/criteria/weights/",
            {"strategy": world.strategy.pk, "weights": {"need": "5"}},
            format="json",
        ),
        client.post(
            f"{API}/criteria/",
            {"strategy": world.strategy.pk, "code": "x", "name": "X", "weight": "1"},
            format="json",
        ),
        client.delete(f"{API}/criteria/{world.gap.pk}/"),
        client.post(
            f"{API}/panel-members/",
            {"strategy": world.strategy.pk, "name": "Y", "kind": "community"},
            format="json",
        ),
        client.delete(f"{API}/panel-members/{world.community.pk}/"),
    ]
    assert [r.status_code for r in writes] == [403] * len(writes)
    assert Criterion.objects.get(pk=world.need.pk).weight == 2


def test_set_weights_and_the_ranking_follows(universe, world):
    score_example(world)
    client = api_for(universe.commissioner)
    before = client.get(f"{API}/rankings/{world.strategy.pk}/").json()
    assert [p["id"] for p in before["priorities"]] == [world.p2.pk, world.p1.pk]
    assert before["priorities"][0]["total"] == pytest.approx(200 / 3)
    assert before["priorities"][0]["contributions"] == {
        "need": pytest.approx(100 / 3),  # 2 × 50 / 3
        "gap": pytest.approx(100 / 3),  # 1 × 100 / 3
    }
    response = client.post(
        f"{API}/criteria/weights/",
        {"strategy": world.strategy.pk, "weights": {"need": "4"}},
        format="json",
    )
    assert response.status_code == 200
    assert [c["weight"] for c in response.json()] == ["4.000", "1.000"]
    after = client.get(f"{API}/rankings/{world.strategy.pk}/", {"top": 1}).json()
    # need 4, gap 1: P1 = 65, P2 = 60.
    assert [(p["id"], p["total"]) for p in after["priorities"]] == [
        (world.p1.pk, pytest.approx(65)),
        (world.p2.pk, pytest.approx(60)),
    ]
    assert after["settings"]["top_n"] == 1
    # P1 stays first unless 4 f_need < 3 f_gap, i.e. f_need < 0.75 f_gap with both factors
    # uniform on [0.8, 1.2]: that needs f_gap > 16/15, and has probability
    # ∫ (0.75 y − 0.8) / 0.4 dy / 0.4 over y from 16/15 to 1.2 = (0.1² / 2 / 0.75) / 0.16 = 1/24.
    # So P1 is first in 23/24 = 95.8% of draws.
    assert after["priorities"][0]["sensitivity"]["top_share"] == pytest.approx(23 / 24, abs=0.01)
    bad = client.post(
        f"{API}/criteria/weights/",
        {"strategy": world.strategy.pk, "weights": {"need": "-1"}},
        format="json",
    )
    assert bad.status_code == 400
    assert "cannot be negative" in bad.json()["weights"]["need"][0]


def test_ranking_settings_are_checked(universe, world):
    client = api_for(universe.commissioner)
    response = client.get(f"{API}/rankings/{world.strategy.pk}/", {"variation": "150"})
    assert response.status_code == 400
    assert "variation" in response.json()


def test_provider_scores_their_own_seat_and_sees_only_their_scores(universe, world):
    share_for_consultation(world, universe.provider_a)
    score_example(world)
    client = api_for(universe.provider_a_rep)
    body = {
        "member": world.provider_member.pk,
        "priority": world.p1.pk,
        "criterion": "need",
        "score": 5,
        "rationale": "Frailty is our biggest pressure.",
    }
    created = client.post(f"{API}/scores/", body, format="json")
    assert created.status_code == 201, created.json()
    replaced = client.post(f"{API}/scores/", {**body, "score": 4}, format="json")
    assert replaced.status_code == 200 and replaced.json()["score"] == 4
    listed = client.get(f"{API}/scores/").json()
    assert listed["count"] == 1 and listed["results"][0]["member"] == world.provider_member.pk
    # The commissioner sees every member's scores.
    assert api_for(universe.commissioner).get(f"{API}/scores/").json()["count"] == 9
    # Someone else's seat is refused.
    other = client.post(f"{API}/scores/", {**body, "member": world.icb_member.pk}, format="json")
    assert other.status_code == 403
    offline = client.post(f"{API}/scores/", {**body, "member": world.community.pk}, format="json")
    assert offline.status_code == 403
    # The combined ranking is readable; no rationale of anyone else's is in it.
    ranking = client.get(f"{API}/rankings/{world.strategy.pk}/")
    assert ranking.status_code == 200
    assert "Because." not in ranking.content.decode()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"score": 6}, "score", "from 1 to 5, not 6"),
        ({"rationale": ""}, "rationale", "Give the reason"),
        ({"criterion": "nope"}, "criterion", "No criterion with this code"),
    ],
)
def test_score_validation_through_the_api(universe, world, change, field, message):
    client = api_for(universe.commissioner)
    body = {
        "member": world.icb_member.pk,
        "priority": world.p1.pk,
        "criterion": "need",
        "score": 3,
        "rationale": "Because.",
    }
    response = client.post(f"{API}/scores/", {**body, **change}, format="json")
    assert response.status_code == 400
    assert message in response.json()[field][0]
    assert not Score.objects.exists()


def test_commissioner_records_an_offline_members_score_and_manages_the_panel(universe, world):
    client = api_for(universe.commissioner)
    body = {
        "member": world.community.pk,
        "priority": world.p2.pk,
        "criterion": "gap",
        "score": 5,
        "rationale": "From the forum's paper form.",
    }
    assert client.post(f"{API}/scores/", body, format="json").status_code == 201
    added = client.post(
        f"{API}/panel-members/",
        {"strategy": world.strategy.pk, "kind": "provider", "user": universe.provider_b_rep.pk},
        format="json",
    )
    assert added.status_code == 201, added.json()
    assert added.json()["organisation"]["name"] == universe.provider_b.name
    outsider = client.post(
        f"{API}/panel-members/",
        {"strategy": world.strategy.pk, "kind": "icb", "user": universe.outsider.pk},
        format="json",
    )
    assert outsider.status_code == 400
    assert client.delete(f"{API}/panel-members/{world.community.pk}/").status_code == 204
    assert not PanelMember.objects.filter(pk=world.community.pk).exists()


def test_add_and_remove_a_criterion_through_the_api(universe, world):
    client = api_for(universe.commissioner)
    response = client.post(
        f"{API}/criteria/",
        {
            "strategy": world.strategy.pk,
            "code": "value",
            "name": "Value for money",
            "weight": "1.5",
        },
        format="json",
    )
    assert response.status_code == 201 and response.json()["weight"] == "1.500"
    duplicate = client.post(
        f"{API}/criteria/",
        {"strategy": world.strategy.pk, "code": "value", "name": "Again", "weight": "1"},
        format="json",
    )
    assert duplicate.status_code == 400 and "already has" in duplicate.json()["code"][0]
    score(world.icb_member, world.p1, world.gap, 2)
    assert client.delete(f"{API}/criteria/{world.gap.pk}/").status_code == 204
    assert not Score.objects.filter(criterion_id=world.gap.pk).exists()
    assert Priority.objects.filter(strategy=world.strategy).count() == 2
