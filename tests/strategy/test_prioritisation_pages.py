"""Prioritisation pages: who sees what (outsider and unshared provider 404, partner
read-only, provider on the panel scores on a shared strategy), and the forms end to end."""

import pytest
from django.urls import reverse

from strategy.models import PanelMember, Priority, Score, StrategyStatus
from tests.strategy.test_prioritisation_world import (
    make_world,
    score_example,
    set_status,
    share_for_consultation,
)


@pytest.fixture
def world(universe):
    return make_world(universe)


def page_urls(world) -> dict[str, str]:
    pk = world.strategy.pk
    return {
        "priorities": reverse("strategy:priorities", kwargs={"pk": pk}),
        "method": reverse("strategy:method", kwargs={"pk": pk}),
        "panel": reverse("strategy:panel", kwargs={"pk": pk}),
        "ranking": reverse("strategy:ranking", kwargs={"pk": pk}),
    }


def write_urls(world) -> list[str]:
    pk = world.strategy.pk
    return [
        reverse("strategy:priority-raise", args=[pk]),
        reverse("strategy:priority-edit", args=[pk, world.p1.pk]),
        reverse("strategy:criterion-add", args=[pk]),
        reverse("strategy:criteria-defaults", args=[pk]),
        reverse("strategy:criterion-remove", args=[pk, world.gap.pk]),
        reverse("strategy:panel-remove", args=[pk, world.community.pk]),
    ]


# --------------------------------------------------------------------------- access


@pytest.mark.parametrize("persona", ["commissioner", "analyst"])
def test_icb_staff_see_every_page(universe, world, client_for, persona):
    client = client_for(getattr(universe, persona))
    for name, url in page_urls(world).items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert b"North PHIP" in response.content


@pytest.mark.parametrize("persona", ["outsider", "provider_a_rep", "provider_b_rep", "partner"])
def test_a_draft_is_hidden_from_everyone_outside_the_icb(universe, world, client_for, persona):
    client = client_for(getattr(universe, persona))
    for url in [*page_urls(world).values(), *write_urls(world)]:
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url).status_code == 404, url
    scoring = reverse("strategy:scoring", args=[world.strategy.pk, world.provider_member.pk])
    assert client.get(scoring).status_code == 404


def test_anonymous_users_are_sent_to_sign_in(world, client):
    for url in page_urls(world).values():
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_provider_b_cannot_see_a_strategy_shared_only_with_provider_a(universe, world, client_for):
    share_for_consultation(world, universe.provider_a)
    client = client_for(universe.provider_b_rep)
    for url in page_urls(world).values():
        assert client.get(url).status_code == 404


def test_provider_on_the_panel_sees_method_results_and_only_their_own_scores(
    universe, world, client_for
):
    share_for_consultation(world, universe.provider_a)
    score_example(world)
    client = client_for(universe.provider_a_rep)
    pages = {name: client.get(url) for name, url in page_urls(world).items()}
    assert all(r.status_code == 200 for r in pages.values())
    assert b"Scale of need" in pages["method"].content  # the method and weights
    assert b"Stays in the top 3" in pages["ranking"].content  # the combined results
    assert b"Raise a priority" not in pages["priorities"].content
    # The cohort of 5 people is suppressed for a provider.
    assert "Fewer than 8 people" in pages["priorities"].content.decode()
    own = reverse("strategy:scoring", args=[world.strategy.pk, world.provider_member.pk])
    assert client.get(reverse("strategy:my-scores", args=[world.strategy.pk]))["Location"] == own
    assert client.get(own).status_code == 200
    for member in (world.icb_member, world.community):
        other = reverse("strategy:scoring", args=[world.strategy.pk, member.pk])
        assert client.get(other).status_code == 404
    # No other member's rationale reaches the provider's pages.
    for response in pages.values():
        assert b"Because." not in response.content


def test_provider_saves_scores_for_a_priority_with_htmx(universe, world, client_for):
    share_for_consultation(world, universe.provider_a)
    client = client_for(universe.provider_a_rep)
    url = reverse(
        "strategy:score-priority", args=[world.strategy.pk, world.provider_member.pk, world.p1.pk]
    )
    data = {
        "score-need": "4",
        "rationale-need": "Large and growing need.",
        "score-gap": "2",
        "rationale-gap": "Spread evenly.",
    }
    response = client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Saved" in body and 'id="priority-' in body and "<html" not in body
    assert {(s.criterion.code, s.score) for s in Score.objects.all()} == {("need", 4), ("gap", 2)}


def test_a_score_without_a_rationale_comes_back_with_the_error_and_saves_nothing(
    universe, world, client_for
):
    client = client_for(universe.commissioner)
    url = reverse(
        "strategy:score-priority", args=[world.strategy.pk, world.icb_member.pk, world.p1.pk]
    )
    data = {"score-need": "4", "rationale-need": "", "score-gap": "2", "rationale-gap": "Even."}
    response = client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Scale of need: give the reason for this score." in response.content.decode()
    assert not Score.objects.exists()
    # Without JavaScript: a page of its own, 400.
    assert client.post(url, data).status_code == 400


def test_provider_cannot_post_scores_for_another_seat(universe, world, client_for):
    share_for_consultation(world, universe.provider_a)
    client = client_for(universe.provider_a_rep)
    for member in (world.icb_member, world.community):
        url = reverse("strategy:score-priority", args=[world.strategy.pk, member.pk, world.p1.pk])
        response = client.post(url, {"score-need": "5", "rationale-need": "Mine."})
        assert response.status_code == 404
    assert not Score.objects.exists()


def test_commissioner_sees_a_members_scores_but_cannot_score_for_them(universe, world, client_for):
    client = client_for(universe.commissioner)
    pk = world.strategy.pk
    page = client.get(reverse("strategy:scoring", args=[pk, world.provider_member.pk]))
    assert page.status_code == 200
    assert b'name="score-need"' not in page.content
    url = reverse("strategy:score-priority", args=[pk, world.provider_member.pk, world.p1.pk])
    assert client.post(url, {"score-need": "5", "rationale-need": "x"}).status_code == 403
    offline = client.get(reverse("strategy:scoring", args=[pk, world.community.pk]))
    assert b'name="score-need"' in offline.content
    assert b"on behalf of Riverside Forum" in offline.content


def test_partner_with_a_share_reads_but_cannot_write(universe, world, client_for):
    share_for_consultation(world, universe.council)
    client = client_for(universe.partner)
    for url in page_urls(world).values():
        assert client.get(url).status_code == 200
    for url in write_urls(world):
        assert client.post(url).status_code == 403, url
    assert client.post(page_urls(world)["method"], {"weight-need": "9"}).status_code == 403
    assert client.post(page_urls(world)["panel"], {"kind": "icb"}).status_code == 403
    assert client.get(reverse("strategy:my-scores", args=[world.strategy.pk])).status_code == 404


def test_analyst_reads_but_cannot_change_the_method(universe, world, client_for):
    client = client_for(universe.analyst)
    response = client.get(page_urls(world)["method"])
    assert b"Save the weights" not in response.content
    assert client.post(page_urls(world)["method"], {"weight-need": "9"}).status_code == 403


def test_an_approved_strategy_shows_read_only_pages(universe, world, client_for):
    set_status(world, StrategyStatus.APPROVED)
    client = client_for(universe.commissioner)
    response = client.get(page_urls(world)["priorities"])
    assert b"read-only" in response.content and b"Raise a priority" not in response.content
    own = reverse("strategy:scoring", args=[world.strategy.pk, world.icb_member.pk])
    assert b'name="score-need"' not in client.get(own).content
    assert client.post(write_urls(world)[0]).status_code == 403


# --------------------------------------------------------------------------- forms


def test_raise_a_priority_in_the_browser(universe, world, client_for):
    client = client_for(universe.commissioner)
    url = reverse("strategy:priority-raise", args=[world.strategy.pk])
    form = client.get(url)
    assert world.admissions.title in form.content.decode()
    assert "An unapproved note" not in form.content.decode()
    assert "South's own finding" not in form.content.decode()
    response = client.post(
        url,
        {
            "title": "Frailty everywhere",
            "findings": [world.frailty.pk],
            "segment": world.profile.frail.pk,
        },
    )
    assert response.status_code == 302
    priority = Priority.objects.get(title="Frailty everywhere")
    assert priority.cohort_size == 241
    listing = client.get(response["Location"]).content.decode()
    assert "Frailty everywhere" in listing and "241 people" in listing
    assert "/needs-assessment/" in listing and "#findings-segments" in listing


def test_raise_a_priority_with_errors_says_what_is_wrong(universe, world, client_for):
    client = client_for(universe.commissioner)
    url = reverse("strategy:priority-raise", args=[world.strategy.pk])
    response = client.post(url, {"title": "", "findings": [world.south.pk]})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Select a valid choice" in body  # a South finding is not among the choices
    assert (
        not Priority.objects.filter(strategy=world.strategy)
        .exclude(pk__in=[world.p1.pk, world.p2.pk])
        .exists()
    )
    missing = client.post(url, {"title": "Who?", "findings": [world.frailty.pk]})
    assert "Say who the priority is for" in missing.content.decode()


def test_set_weights_in_the_browser(universe, world, client_for):
    client = client_for(universe.commissioner)
    url = page_urls(world)["method"]
    response = client.post(url, {"weight-need": "3", "weight-gap": "1.5"})
    assert response.status_code == 302
    world.need.refresh_from_db()
    assert world.need.weight == 3
    bad = client.post(url, {"weight-need": "-2", "weight-gap": "1"})
    assert bad.status_code == 400
    assert "A weight cannot be negative" in bad.content.decode()


def test_add_a_panel_member_in_the_browser(universe, world, client_for):
    client = client_for(universe.commissioner)
    url = page_urls(world)["panel"]
    response = client.post(
        url, {"name": "", "kind": "provider", "user": universe.provider_b_rep.pk}
    )
    assert response.status_code == 302
    assert PanelMember.objects.filter(user=universe.provider_b_rep).exists()
    page = client.get(url).content.decode()
    assert "Cannot see the strategy until it is in consultation" in page


def test_ranking_page_shows_totals_contributions_and_sensitivity(universe, world, client_for):
    score_example(world)
    client = client_for(universe.commissioner)
    response = client.get(page_urls(world)["ranking"], {"top": "1", "variation": "20"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "66.7" in body and "58.3" in body  # 200 / 3 and 175 / 3
    assert ">100.0%</td>" in body and ">0.0%</td>" in body
    assert "Stays in the top 1 (% of draws)" in body
    assert "67% complete" in body  # 8 of 12 scores
    assert 'data-plotly-figure="ranking-totals-figure"' in body
    assert "<script>" not in body  # no inline script: figures are JSON


def test_ranking_settings_with_errors_fall_back_to_the_defaults(universe, world, client_for):
    score_example(world)
    client = client_for(universe.commissioner)
    response = client.get(page_urls(world)["ranking"], {"top": "0", "draws": "5"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and "Stays in the top 3" in body
