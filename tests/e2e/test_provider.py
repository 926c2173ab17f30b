"""A provider representative in a real browser: votes on a committee item and reads their
payment statement from the portal home. The committee and statements are the demo's,
made by `seed_demo_payor` (the same command `make run` uses)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_provider_votes_on_committee_item_and_reads_statement(payor_demo, journey):
    j = journey()
    j.login("provider-a")
    j.step("provider portal home")

    page = j.go("/resource-allocation/committees/")
    j.step("committees (provider)")
    page.locator("a[href*='/resource-allocation/committees/']").first.click()
    page.wait_for_url(re.compile(r"/committees/\d+/$"))
    j.step("committee (provider)")
    page.get_by_text("Vote on this item").first.click()
    form = page.locator("form[action*='/vote']").first
    form.get_by_label("Your vote").select_option(index=0)
    form.get_by_label("Recommendation (optional)").fill("Support: it moves care closer to home.")
    form.get_by_role("button", name="Cast vote").click()
    page.wait_for_load_state("load")
    expect(page.get_by_text("Support: it moves care closer to home.")).to_be_visible()
    j.step("vote cast")

    page = j.go("/")
    statement = page.locator("a[href*='/finance/statements/']").first
    expect(statement).to_be_visible()
    statement.click()
    page.wait_for_url(re.compile(r"/finance/statements/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    j.step("payment statement (provider)")
