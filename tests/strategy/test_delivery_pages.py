"""Delivery pages: who sees what (every page), the commissioner's journey through the
forms, bad input, and read-only views for providers and partners."""

from datetime import date

import pytest
from django.urls import reverse

from commissioning.models import AuditEvent
from strategy.delivery import actions
from strategy.models import CarePathway, EngagementActivity, Intervention, Outcome, StrategyStatus
from tests.strategy.test_delivery_world import set_status, share_with, world  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(world):  # noqa: F811
    """The world with one of everything: an outcome with a frozen baseline, an
    intervention, a pathway with a stage and an engagement activity."""
    by = world.u.commissioner
    outcome = actions.set_outcome(
        priority=world.priority, indicator=world.indicators["EMADM_DSR"], domain="system",
        area=world.u.north, target_value=850, profile="linear", owner="Urgent care lead", by=by,
    )  # fmt: skip
    actions.freeze_baseline(outcome=outcome, aggregate=world.figures.dsr, by=by)
    item = actions.add_intervention(
        priority=world.priority, name="Frailty hubs", outcome=outcome, segment=world.frailty,
        cohort_size=None, evidence_strength="moderate", expected_effect=-0.5,
        cost_per_year="400000", start_year=2, by=by,
    )  # fmt: skip
    care = actions.add_pathway(strategy=world.strategy, name="Frailty pathway", by=by)
    stage = actions.set_pathway_stage(
        pathway=care, stage="crisis", providers=[world.u.provider_a], by=by
    )
    record = actions.add_engagement(
        strategy=world.strategy, title="Carers' forum", date=date(2026, 2, 3), method="Forum",
        participant_groups=["carers"], participants=5, what_they_said="Respite is scarce.",
        by=by,
    )  # fmt: skip
    world.outcome, world.item, world.care, world.stage, world.record = (
        outcome, item, care, stage, record,
    )  # fmt: skip
    return world


def urls(w) -> dict[str, tuple[str, str]]:
    """Every delivery page: name → (url, method)."""
    pk = w.strategy.pk
    named = {
        "outcomes": ("strategy:outcomes", [pk], "get"),
        "outcome-detail": ("strategy:outcome-detail", [pk, w.outcome.pk], "get"),
        "outcome-create": ("strategy:outcome-create", [pk], "get"),
        "outcome-edit": ("strategy:outcome-edit", [pk, w.outcome.pk], "get"),
        "outcome-baseline": ("strategy:outcome-baseline", [pk, w.outcome.pk], "post"),
        "outcome-delete": ("strategy:outcome-delete", [pk, w.outcome.pk], "post"),
        "interventions": ("strategy:interventions", [pk], "get"),
        "intervention-create": ("strategy:intervention-create", [pk], "get"),
        "intervention-edit": ("strategy:intervention-edit", [pk, w.item.pk], "get"),
        "intervention-delete": ("strategy:intervention-delete", [pk, w.item.pk], "post"),
        "pathways": ("strategy:pathways", [pk], "get"),
        "pathway-detail": ("strategy:pathway-detail", [pk, w.care.pk], "get"),
        "pathway-create": ("strategy:pathway-create", [pk], "get"),
        "pathway-edit": ("strategy:pathway-edit", [pk, w.care.pk], "get"),
        "pathway-delete": ("strategy:pathway-delete", [pk, w.care.pk], "post"),
        "pathway-stage-remove": (
            "strategy:pathway-stage-remove",
            [pk, w.care.pk, w.stage.pk],
            "post",
        ),  # fmt: skip
        "engagement": ("strategy:engagement", [pk], "get"),
        "engagement-create": ("strategy:engagement-create", [pk], "get"),
        "engagement-edit": ("strategy:engagement-edit", [pk, w.record.pk], "get"),
        "engagement-delete": ("strategy:engagement-delete", [pk, w.record.pk], "post"),
    }
    return {key: (reverse(name, args=args), method) for key, (name, args, method) in named.items()}


READ_PAGES = ["outcomes", "outcome-detail", "interventions", "pathways", "pathway-detail",
              "engagement"]  # fmt: skip
FORM_PAGES = ["outcome-create", "outcome-edit", "intervention-create", "intervention-edit",
              "pathway-create", "pathway-edit", "engagement-create", "engagement-edit"]  # fmt: skip
POSTS = ["outcome-baseline", "outcome-delete", "intervention-delete", "pathway-delete",
         "pathway-stage-remove", "engagement-delete"]  # fmt: skip


def fetch(client, url_method):
    url, method = url_method
    return client.post(url) if method == "post" else client.get(url)


def test_every_page_needs_signing_in(filled, client):
    for key, target in urls(filled).items():
        response = fetch(client, target)
        assert response.status_code == 302 and "/login/" in response["Location"], key


@pytest.mark.parametrize("persona", ["outsider", "provider_a_rep", "provider_b_rep", "partner"])
def test_unshared_draft_is_404_for_everyone_outside_the_icb(filled, client_for, persona):
    client = client_for(getattr(filled.u, persona))
    for key, target in urls(filled).items():
        assert fetch(client, target).status_code == 404, key


@pytest.mark.parametrize("persona", ["commissioner", "analyst"])
def test_icb_staff_read_every_page(filled, client_for, persona):
    client = client_for(getattr(filled.u, persona))
    for key in READ_PAGES:
        assert fetch(client, urls(filled)[key]).status_code == 200, key


def test_analyst_cannot_open_the_forms_or_post(filled, client_for):
    client = client_for(filled.u.analyst)
    for key in FORM_PAGES + POSTS:
        assert fetch(client, urls(filled)[key]).status_code == 403, key
    assert Outcome.objects.count() == 1 and Intervention.objects.count() == 1


def test_commissioner_opens_every_form(filled, client_for):
    client = client_for(filled.u.commissioner)
    for key in FORM_PAGES:
        assert fetch(client, urls(filled)[key]).status_code == 200, key


def test_provider_reads_a_shared_strategy_in_consultation_without_forms(filled, client_for):
    set_status(filled.strategy, StrategyStatus.CONSULTATION)
    share_with(filled.strategy, filled.u.provider_a)
    client = client_for(filled.u.provider_a_rep)
    for key in READ_PAGES:
        response = fetch(client, urls(filled)[key])
        assert response.status_code == 200, key
        assert b"Set an outcome" not in response.content
        assert b"Remove this" not in response.content
    for key in FORM_PAGES + POSTS:
        assert fetch(client, urls(filled)[key]).status_code == 403, key
    other = client_for(filled.u.provider_b_rep)
    for key in READ_PAGES:
        assert fetch(other, urls(filled)[key]).status_code == 404, key


def test_partner_reads_published_strategy_read_only(filled, client_for):
    set_status(filled.strategy, StrategyStatus.PUBLISHED)
    client = client_for(filled.u.partner)
    for key in READ_PAGES:
        assert fetch(client, urls(filled)[key]).status_code == 200, key
    for key in FORM_PAGES + POSTS:
        assert fetch(client, urls(filled)[key]).status_code == 403, key
    assert CarePathway.objects.count() == EngagementActivity.objects.count() == 1
    outsider = client_for(filled.u.outsider)
    for key in READ_PAGES:
        assert fetch(outsider, urls(filled)[key]).status_code == 404, key


def test_partner_sees_controlled_counts(filled, client_for):
    set_status(filled.strategy, StrategyStatus.PUBLISHED)
    partner = client_for(filled.u.partner)
    engagement = partner.get(urls(filled)["engagement"][0]).content.decode()
    assert "* people" in engagement  # 5 carers
    staff = client_for(filled.u.commissioner).get(urls(filled)["engagement"][0]).content.decode()
    assert "5 people" in staff


def test_published_strategy_read_only_for_its_commissioner(filled, client_for):
    set_status(filled.strategy, StrategyStatus.PUBLISHED)
    client = client_for(filled.u.commissioner)
    page = client.get(urls(filled)["outcomes"][0]).content.decode()
    assert "read-only" in page and "Set an outcome" not in page
    for key in FORM_PAGES + POSTS:
        assert fetch(client, urls(filled)[key]).status_code == 403, key


def test_outcome_page_shows_baseline_trajectory_and_verdict(filled, client_for):
    page = client_for(filled.u.commissioner).get(urls(filled)["outcome-detail"][0])
    html = page.content.decode()
    assert "1,000 (980 to 1,020)" in html
    assert "April 2024 to March 2025" in html
    assert "Baseline (2024/25)" in html and "2030/31" in html
    # frailty: 5,000 people at 4 times the rate, −50%, from year 2: 1,000 × 0.9 = 900
    assert "Adds up: 900 expected in 2030/31 against a target of 850." not in html
    assert "Falls short: 900 expected in 2030/31 against a target of 850" in html
    assert 'data-plotly-figure="trajectory-figure"' in html
    assert 'data-plotly-figure="impact-figure"' in html
    assert "<script>" not in html.replace('<script type="application/json"', "")


# --------------------------------------------------------------------- the journey


def test_commissioner_sets_outcome_freezes_baseline_and_adds_intervention(world, client_for):  # noqa: F811
    client = client_for(world.u.commissioner)
    pk = world.strategy.pk
    response = client.post(
        reverse("strategy:outcome-create", args=[pk]),
        {
            "priority": world.priority.pk, "indicator": world.indicators["EMADM_DSR"].pk,
            "domain": "system", "equity_measure": "", "area": world.u.north.pk,
            "target_value": "850", "profile": "front_loaded", "step_year": "", "owner": "Lead",
        },
    )  # fmt: skip
    outcome = Outcome.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("strategy:outcome-detail", args=[pk, outcome.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Freeze the baseline" in page and "Whole population: 1,000 (980 to 1,020)" in page
    response = client.post(
        reverse("strategy:outcome-baseline", args=[pk, outcome.pk]),
        {"aggregate": world.figures.dsr.pk},
    )
    assert response.status_code == 302
    outcome.refresh_from_db()
    assert outcome.baseline_value == 1000.0
    response = client.post(
        reverse("strategy:intervention-create", args=[pk]),
        {
            "priority": world.priority.pk, "name": "Anticipatory care", "outcome": outcome.pk,
            "segment": "", "area": "", "cohort_size": "20000", "evidence_source": "NICE NG56",
            "evidence_strength": "strong", "expected_effect": "-25", "cost_per_year": "125000",
            "start_year": "1",
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert Intervention.objects.get().expected_effect == pytest.approx(-0.25)
    page = client.get(reverse("strategy:outcome-detail", args=[pk, outcome.pk])).content.decode()
    # front-loaded to 850: 946 in year 1; 1,000 × 0.95 = 950 expected
    assert "946" in page and "Falls short: 950 expected in 2030/31" in page
    interventions = client.get(reverse("strategy:interventions", args=[pk])).content.decode()
    assert "£125,000" in interventions and "20,000" in interventions and "-25%" in interventions


def test_outcome_form_bad_input_shows_errors_and_saves_nothing(world, client_for):  # noqa: F811
    client = client_for(world.u.commissioner)
    response = client.post(
        reverse("strategy:outcome-create", args=[world.strategy.pk]),
        {
            "priority": world.priority.pk, "indicator": world.indicators["EMADM_DSR"].pk,
            "domain": "system", "area": world.u.north.pk, "target_value": "-10",
            "profile": "step", "step_year": "", "owner": "Lead",
        },
    )  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "cannot be negative" in html and "step year as a plan year from 1 to 5" in html
    assert not Outcome.objects.exists()


def test_baseline_post_of_another_icbs_figure_is_refused(world, client_for):  # noqa: F811
    outcome = actions.set_outcome(
        priority=world.priority, indicator=world.indicators["EMADM_DSR"], domain="system",
        area=world.u.north, target_value=850, profile="linear", owner="Lead",
        by=world.u.commissioner,
    )  # fmt: skip
    response = client_for(world.u.commissioner).post(
        reverse("strategy:outcome-baseline", args=[world.strategy.pk, outcome.pk]),
        {"aggregate": world.south_dsr.pk},
    )
    assert response.status_code == 400
    # the other ICB's figure is not among the choices the form offers
    assert "Choose the figure to freeze as the baseline." in response.content.decode()
    outcome.refresh_from_db()
    assert outcome.baseline_frozen_at is None


def test_intervention_form_rejects_a_percentage_out_of_range(world, client_for):  # noqa: F811
    response = client_for(world.u.commissioner).post(
        reverse("strategy:intervention-create", args=[world.strategy.pk]),
        {
            "priority": world.priority.pk, "name": "X", "cohort_size": "10",
            "evidence_strength": "weak", "expected_effect": "-150", "cost_per_year": "0",
            "start_year": "1",
        },
    )  # fmt: skip
    assert response.status_code == 400
    assert "Ensure this value is greater than or equal to -100" in response.content.decode()
    assert not Intervention.objects.exists()


def test_pathway_journey(world, client_for):  # noqa: F811
    client = client_for(world.u.commissioner)
    pk = world.strategy.pk
    response = client.post(
        reverse("strategy:pathway-create", args=[pk]),
        {"name": "Frailty pathway", "segment": world.frailty.pk, "priority": world.priority.pk},
    )
    care = CarePathway.objects.get()
    assert response["Location"] == reverse("strategy:pathway-detail", args=[pk, care.pk])
    response = client.post(
        response["Location"],
        {
            "stage": "prevention",
            "description": "Strength and balance",
            "providers": [world.u.provider_b.pk],
        },  # noqa: E501
    )
    assert response.status_code == 302
    page = client.get(reverse("strategy:pathways", args=[pk])).content.decode()
    assert "Strength and balance" in page and "Provider B Community" in page
    assert "Not part of this pathway yet" in page
    response = client.post(
        reverse("strategy:pathway-detail", args=[pk, care.pk]),
        {"stage": "crisis", "providers": [world.u.south_org.pk]},
    )
    assert response.status_code == 400


def test_engagement_journey(world, client_for):  # noqa: F811
    client = client_for(world.u.commissioner)
    pk = world.strategy.pk
    response = client.post(
        reverse("strategy:engagement-create", args=[pk]),
        {
            "title": "Citizens' panel", "date": "2026-01-10", "method": "Panel",
            "participant_groups": ["communities", "lived_experience"], "participants": "40",
            "what_they_said": "Evening clinics would help.", "what_changed": "Added evening hubs.",
            "priorities": [world.priority.pk],
        },
    )  # fmt: skip
    assert response.status_code == 302
    page = client.get(reverse("strategy:engagement", args=[pk])).content.decode()
    assert "Citizens&#x27; panel" in page and "People with lived experience" in page
    assert "Added evening hubs." in page and world.priority.title in page
    response = client.post(
        reverse("strategy:engagement-create", args=[pk]),
        {"title": "", "date": "2099-01-01", "method": "Panel", "what_they_said": "x"},
    )
    assert response.status_code == 400
    assert EngagementActivity.objects.count() == 1
    assert AuditEvent.objects.filter(verb="strategy.engagement.add").count() == 1
