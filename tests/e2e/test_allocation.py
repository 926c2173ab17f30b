"""Stage 3 in a real browser, as a commissioner on a fresh demo ICB (its contracts come with
the demo; nothing is seeded): a five-year plan brought into balance, a resource-shift
scenario computed by the real worker with its provider impact, outcome-based payment
terms on a contract and a payment statement, and a PSR decision whose award is refused
during the standstill and goes through after it.

Self-contained: its own demo ICB; the worker is a real Celery process.
"""

import json
import re
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]

RUN_SECONDS = 240
SCENARIO = "Five per cent of emergency spend to community over 3 years (e2e)"
OUTCOME_TERMS = {
    "contract_value": "1000000.00",
    "share_at_risk": "0.1",
    "outcomes": [
        {"code": "EA65", "weight": 60, "floor": 60, "target": 50, "polarity": "lower",
         "description": "Emergency admissions per 1,000 aged 65+"},
        {"code": "HTN", "weight": 40, "floor": "0.6", "target": "0.8", "polarity": "higher",
         "description": "Hypertension treated to target"},
    ],
}  # fmt: skip
# EA65 met in full (50 or fewer); HTN halfway from floor to target.
MEASURED = {"achievement": {"EA65": 50, "HTN": "0.7"}}


def test_commissioner_plans_shifts_pays_and_selects(celery_worker_process, demo_icb, journey):
    from commissioning.models import Contract, Organisation
    from payor.models import PsrDecision
    from payor.scenarios.queries import default_base_spend

    j = journey()
    j.login("commissioner")
    page = j.go("/resource-allocation/")
    j.step("resource allocation landing")

    # A five-year plan: start it, add two budget lines (it does not balance), then bring
    # the acute line down in the budget table until every year balances.
    page = j.go("/resource-allocation/finance/plans/")
    j.step("financial plans")
    page.get_by_label("Title").fill("Five-year plan 2026/27 to 2030/31 (e2e)")
    page.get_by_label("First financial year").fill("2026")
    page.get_by_label("First-year allocation (£)").fill("1000000")
    page.get_by_label("Allocation growth a year").fill("0.035")
    page.get_by_role("button", name="Start the plan").click()
    page.wait_for_url(re.compile(r"/finance/plans/\d+/$"))
    j.step("plan without budget lines")
    for setting, budget, growth in [("acute", "800000", "0.02"), ("community", "300000", "0.025")]:
        page.get_by_text("Add a budget line").click()
        page.locator("#setting").select_option(setting)
        page.locator("#budget").fill(budget)
        page.locator("#growth").fill(growth)
        page.get_by_role("button", name="Add the line").click()
        page.wait_for_load_state("load")
    expect(page.get_by_text("The plan does not balance")).to_be_visible()
    j.step("plan does not balance")
    page.get_by_label("First-year budget of Acute (£)").fill("600000")
    page.get_by_role("button", name="Save budget changes").click()
    page.wait_for_load_state("load")
    balanced = "Every year balances: spending is within the allocation."
    expect(page.get_by_text(balanced)).to_be_visible()
    expect(page.get_by_text(re.compile("^Deficit"))).to_have_count(0)
    j.step("plan balances")

    # A resource-shift scenario: 5% of emergency spend into community care over 3 years,
    # computed by the worker; its provider impact lines.
    page = j.go("/resource-allocation/scenarios/")
    j.step("scenarios")
    page = j.go("/resource-allocation/scenarios/new/")
    j.step("new scenario")
    page.locator("#id_name").fill(SCENARIO)
    # Emergency spend as the demo takes it: 35% of the acute contracts' value, at about
    # £3,500 an admission (the base-year spend by setting is left to the contracts).
    emergency = int(default_base_spend(demo_icb.icb)["acute"] * Decimal("0.35"))
    page.get_by_label("Acute emergency spend in the base year (£)").fill(str(emergency))
    page.get_by_label("Emergency admissions in the base year").fill(str(emergency // 3500))
    page.get_by_label("Share of emergency spend to move (%)").fill("5")
    page.get_by_label("Over how many years").fill("3")
    page.get_by_label("Time profile").select_option("linear")
    page.get_by_label("Share of moved money to community (%)").fill("100")
    page.get_by_label("Number of draws").fill("500")
    page.get_by_role("button", name="Save the scenario").click()
    page.wait_for_url(re.compile(r"/scenarios/\d+/$"))
    scenario_url = page.url.removeprefix(j.base_url)
    j.step("scenario saved")
    page.get_by_role("button", name="Compute the scenario").click()
    page.wait_for_url(re.compile(r"/runs/\d+/$"))
    page.wait_for_selector(
        '[data-run-status="succeeded"], [data-run-status="failed"]', timeout=RUN_SECONDS * 1000
    )
    expect(page.locator('[data-run-status="succeeded"]')).to_be_visible()
    expect(page.get_by_text("The scenario is being computed.")).to_be_visible()
    j.step("scenario run finished")
    page = j.go(scenario_url)
    expect(page.get_by_text("The scenario is being computed.")).to_have_count(0)
    impact = page.locator("table", has_text="Provider income change by year")
    expect(impact).to_be_visible()
    lines = impact.locator("tbody tr")
    assert lines.count() >= 2, "the shift should move income between at least two providers"
    expect(impact.get_by_text("Community", exact=True).first).to_be_visible()
    expect(impact.get_by_text("Acute", exact=True).first).to_be_visible()
    j.step("scenario result and provider impact")

    # Outcome-based payment terms on a contract, then a payment statement for the year.
    contract = Contract.objects.filter(payment_model="outcome").order_by("pk").first()
    assert contract is not None, "the demo should hold an outcome-based contract"
    page = j.go("/resource-allocation/finance/contracts/")
    j.step("contract register")
    page.locator(f"a[href='/resource-allocation/finance/contracts/{contract.pk}/']").click()
    page.wait_for_url(re.compile(rf"/finance/contracts/{contract.pk}/$"))
    j.step("contract")
    page.get_by_text("Set the terms").click()
    page.get_by_label(re.compile("^Terms as JSON")).fill(json.dumps(OUTCOME_TERMS, indent=2))
    page.get_by_role("button", name="Save the terms").click()
    page.wait_for_url(re.compile(rf"/finance/contracts/{contract.pk}/$"))
    expect(page.get_by_text("Saved.")).to_be_visible()
    j.step("outcome-based terms saved")
    page.get_by_text("Work out a payment statement").click()
    page.get_by_label("Period").fill("2026/27")
    page.get_by_label("Measured inputs as JSON").fill(json.dumps(MEASURED))
    page.get_by_role("button", name="Work out the statement").click()
    page.wait_for_url(re.compile(r"/finance/statements/\d+/$"))
    statement = contract.payment_statements.get(period="2026/27")
    # At risk £100,000: EA65 (60%) earned in full, HTN (40%) half: £80,000 of it.
    assert statement.total == pytest.approx(980_000, abs=0.01), statement.total
    expect(page.get_by_text("980,000").first).to_be_visible()
    j.step("payment statement")

    # A PSR decision by the most suitable provider process: notice, then the award.
    provider = Organisation.objects.get(ods_code="R9D")
    page = j.go("/resource-allocation/provider-selection/")
    j.step("provider selection decisions")
    page.get_by_role("link", name="Record a decision").click()
    page.wait_for_url(re.compile(r"/provider-selection/new/$"))
    j.step("record a PSR decision")
    page.get_by_label("Reference", exact=True).fill("E2E-PSR-001")
    page.get_by_label("Title", exact=True).fill("Continuation: adult community nursing (e2e)")
    page.get_by_label("Service", exact=True).fill("Adult community nursing and therapies")
    page.get_by_label("Route", exact=True).select_option("most_suitable")
    page.get_by_label("Provider", exact=True).select_option(str(provider.pk))
    page.get_by_label("Estimated lifetime value (£)").fill("4500000")
    page.get_by_label("Decision maker", exact=True).fill("ICB Board")
    page.get_by_label("Decided on", exact=True).fill(timezone.localdate().isoformat())
    for field in page.locator("input[name$='_assessment']").all():
        field.fill("Good")
    for field in page.locator("textarea[name$='_rationale']").all():
        field.fill("Assessed by the panel against the published criteria.")
    page.get_by_role("button", name="Record decision").click()
    page.wait_for_url(re.compile(r"/provider-selection/\d+/$"))
    expect(page.get_by_text("Decision E2E-PSR-001 recorded.")).to_be_visible()
    j.step("PSR decision recorded")
    page.get_by_role("button", name="Publish notice").click()
    page.wait_for_load_state("load")
    expect(page.get_by_text("Notice of intention published.")).to_be_visible()
    j.step("notice of intention published")

    page.get_by_role("button", name="Award", exact=True).click()
    page.wait_for_load_state("load")
    refused = page.get_by_text(re.compile("^Award refused: the standstill period ends at midnight"))
    expect(refused.first).to_be_visible()
    j.step("award refused during the standstill")

    decision = PsrDecision.objects.get(reference="E2E-PSR-001")
    after = (decision.standstill_ends_at + timedelta(hours=1)).astimezone(ZoneInfo("Europe/London"))
    page.get_by_label("Date and time (UK time)").fill(after.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Award", exact=True).click()
    page.wait_for_load_state("load")
    expect(page.get_by_text("Contract awarded.")).to_be_visible()
    j.step("contract awarded after the standstill")
    decision.refresh_from_db()
    assert decision.status == "awarded" and decision.awarded_at >= decision.standstill_ends_at
