"""Stage 2 in a real browser, as a commissioner on a fresh demo ICB: from an approved
needs assessment (whose profile the real worker computed) to a strategy with a scored
priority, an outcome whose baseline is frozen from the needs profile, and an intervention.

Self-contained: its own demo ICB; the worker is a real Celery process.
"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]

FINDING = "Frailty drives emergency admissions"
PRIORITY = "Proactive care for people living with frailty"


def test_commissioner_builds_the_strategy(
    celery_worker_process, demo_icb, journey, approve_needs_assessment
):
    from commissioning.models import Indicator, User

    j = journey()
    j.login("commissioner")
    approve_needs_assessment(j, demo_icb, FINDING)

    # A strategy that builds on the approved needs assessment.
    page = j.go("/strategy/")
    j.step("strategy landing")
    page = j.go("/strategy/strategies/new/")
    j.step("start a strategy")
    page.get_by_label("Title").fill("Population health improvement plan (e2e)")
    page.get_by_label("Covers").select_option(str(demo_icb.icb.pk))
    page.get_by_label("Builds on the needs assessment").select_option(index=1)
    page.get_by_label("First year of the plan").fill("2026")
    page.get_by_label("Vision").fill("Care closer to home, and fewer people in crisis.")
    page.get_by_role("button", name="Start the strategy").click()
    page.wait_for_url(re.compile(r"/strategy/strategies/\d+/$"))
    strategy_pk = int(re.search(r"/strategies/(\d+)/$", page.url).group(1))
    expect(page.get_by_text("Needs assessment 2025/26 (e2e)").first).to_be_visible()
    j.step("strategy draft")
    base = f"/strategy/{strategy_pk}"

    # Raise a priority on the approved finding.
    page = j.go(f"{base}/priorities/")
    j.step("priorities (none yet)")
    page = j.go(f"{base}/priorities/new/")
    j.step("raise a priority")
    page.get_by_label("Title").fill(PRIORITY)
    page.get_by_label("Description").fill("Find frail people early and care for them at home.")
    page.get_by_label(re.compile(f"^{FINDING}")).check()
    segment = page.get_by_label("Population segment")
    frailty = segment.locator("option", has_text=re.compile("frail", re.I)).first
    segment.select_option(frailty.get_attribute("value"))
    page.get_by_role("button", name="Raise the priority").click()
    page.wait_for_url(re.compile(r"/priorities/$"))
    expect(page.get_by_text(PRIORITY).first).to_be_visible()
    j.step("priority raised")

    # Score it on the six default criteria: the commissioner joins the panel and scores.
    page = j.go(f"{base}/method/")
    j.step("prioritisation method")
    page = j.go(f"{base}/panel/")
    j.step("panel")
    commissioner = User.objects.get(username="commissioner")
    page.get_by_label("Represents").select_option("icb")
    page.get_by_role("combobox", name="Account").select_option(str(commissioner.pk))
    page.get_by_role("button", name="Add to the panel").click()
    page.wait_for_url(re.compile(r"/panel/$"))
    page.locator("a[href*='/scores/']").first.click()
    page.wait_for_url(re.compile(r"/panel/\d+/scores/$"))
    j.step("scoring grid")
    card = page.locator(".app-scoring-priority").filter(has_text=PRIORITY)
    criteria = card.locator("textarea[name^='rationale-']")
    assert criteria.count() == 6, "the strategy should start with six default criteria"
    for n in range(criteria.count()):
        code = criteria.nth(n).get_attribute("name").removeprefix("rationale-")
        card.locator(f"input[name='score-{code}'][value='{4 if n % 2 else 5}']").check()
        criteria.nth(n).fill(f"Scored in the end-to-end test ({code}).")
    card.get_by_role("button", name=re.compile("^Save the scores for this priority")).click()
    expect(page.get_by_text("6 of 6 criteria scored for this priority")).to_be_visible()
    j.step("scores saved")
    page = j.go(f"{base}/ranking/")
    expect(page.get_by_text(PRIORITY).first).to_be_visible()
    j.step("ranking")

    # An outcome on the priority, its baseline frozen from the needs profile's figure.
    page = j.go(f"{base}/outcomes/new/")
    j.step("set an outcome")
    indicator = Indicator.objects.get(code="EMADM_DSR")
    page.get_by_label("Priority", exact=True).select_option(label=PRIORITY)
    page.get_by_label("Indicator").select_option(str(indicator.pk))
    page.get_by_label("Area it is measured for").select_option(str(demo_icb.icb.pk))
    page.get_by_label("Year-5 target").fill("11500")
    page.locator("input[name='profile']").first.check()
    page.get_by_label("Owner").fill("Director of Community Services")
    page.get_by_role("button", name="Set the outcome").click()
    page.wait_for_url(re.compile(r"/outcomes/\d+/$"))
    outcome_url = page.url
    expect(page.get_by_role("heading", name="Freeze the baseline")).to_be_visible()
    j.step("outcome without baseline")
    page.get_by_role("button", name="Freeze the baseline").click()
    page.wait_for_url(outcome_url)
    expect(page.get_by_text("Baseline frozen. It will not change again.")).to_be_visible()
    source = page.get_by_text("it does not change when the needs profile is recomputed")
    expect(source).to_contain_text("Needs assessment 2025/26 (e2e) (needs profile")
    j.step("baseline frozen")

    # An intervention that moves the outcome.
    page = j.go(f"{base}/interventions/new/")
    j.step("add an intervention")
    page.get_by_label("Priority", exact=True).select_option(label=PRIORITY)
    page.get_by_label("Name").fill("Frailty virtual ward")
    page.get_by_label("Outcome it moves").select_option(index=1)
    page.get_by_label("People reached (optional)").fill("120")
    page.get_by_label("Evidence source").fill("NICE NG56, multimorbidity")
    page.get_by_label("Expected effect among the people reached (%)").fill("-15")
    page.get_by_label("Cost per year (£)").fill("250000")
    page.get_by_role("button", name="Add the intervention").click()
    page.wait_for_url(re.compile(rf"{base}/interventions/$"))
    expect(page.get_by_text("Frailty virtual ward").first).to_be_visible()
    j.step("intervention added")
    page = j.go(outcome_url.removeprefix(j.base_url))
    j.step("outcome with its intervention")
    page = j.go(f"/strategy/strategies/{strategy_pk}/")
    j.step("strategy with its parts")
