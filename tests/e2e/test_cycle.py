"""The commissioning cycle in a real browser, as a commissioner on a fresh demo ICB.

Each test is self-contained (its own fresh demo ICB); the worker is a real Celery process.
"""

import re
from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]

RUN_SECONDS = 240


def test_commissioner_runs_the_cycle(celery_worker_process, demo_icb, journey):
    """Stage 1: upload the person-level file, the worker loads it and computes the needs
    profile (segmentation and risk), and the commissioner reads it."""
    j = journey()
    j.login("commissioner")
    j.step("home")

    page = j.go("/needs-assessment/")
    j.step("needs assessment landing")
    page = j.go("/needs-assessment/uploads/new/")
    j.step("upload form")
    page.get_by_label("Person-level linked dataset").check()
    page.get_by_label("First day of the period").fill("2025-04-01")
    page.get_by_label("Last day of the period").fill(demo_icb.period_end)
    page.get_by_label("Where the data came from").fill("End-to-end test extract")
    page.set_input_files("input[type=file][name=file]", str(demo_icb.upload_file))
    page.get_by_role("button", name="Upload and check the file").click()
    page.wait_for_url(re.compile(r"/needs-assessment/uploads/\d+/$"))
    page.wait_for_selector('[data-upload-status="loaded"]', timeout=RUN_SECONDS * 1000)
    j.step("upload loaded")

    page.get_by_role("link", name="Follow the needs profile").click()
    page.wait_for_selector("#profile-status", state="detached", timeout=RUN_SECONDS * 1000)
    expect(page.get_by_role("link", name="Risk stratification")).to_be_visible()
    j.step("needs profile ready")
    page.get_by_role("link", name="Risk stratification").click()
    j.step("risk stratification")

    # The needs assessment: start it on this profile, record a finding, approve it.
    page = j.go("/needs-assessment/assessments/")
    j.step("needs assessments")
    page.get_by_label("Title").fill("Needs assessment 2025/26 (e2e)")
    page.get_by_role("button", name="Start the needs assessment").click()
    page.wait_for_url(re.compile(r"/needs-assessment/assessments/\d+/$"))
    j.step("needs assessment draft")
    page.locator("a[href*='/findings/add/']").first.click()
    page.get_by_label("Finding", exact=True).fill("Frailty drives emergency admissions")
    page.get_by_label("What was found").fill("People living with frailty use most bed days.")
    page.get_by_role("button", name="Add the finding").click()
    expect(page.get_by_text("Frailty drives emergency admissions").first).to_be_visible()
    j.step("finding added")
    page.get_by_role("link", name="Approve version 1").click()
    j.step("approve needs assessment")
    page.get_by_label(re.compile("approve it on behalf of")).check()
    page.get_by_role("button", name="Approve version 1").click()
    page.wait_for_url(re.compile(r"/needs-assessment/assessments/\d+/$"))
    expect(page.get_by_text("Approved").first).to_be_visible()
    j.step("needs assessment approved")

    # Stages 2 and 3 as the demo seeds them (strategy, outcomes, contract terms, KPIs,
    # indicator series), through the same commands `make run` uses: see docs/e2e.md.
    call_command("seed_demo_payor", verbosity=0)
    call_command("seed_demo_evaluation", verbosity=0)

    # An evaluation finding: record it, approve it, close the cycle and open the next.
    page = j.go("/evaluation/loop/")
    j.step("cycles")
    page.get_by_role("link", name=re.compile("^Findings of the")).click()
    j.step("cycle findings")
    page.get_by_role("link", name="Record a finding").click()
    page.get_by_label("Title").fill("Frailty pathway cut bed days")
    page.get_by_label("What was found").fill("Bed days for frail people fell after the pathway.")
    page.get_by_role("button", name="Record the finding").click()
    page.wait_for_url(re.compile(r"/evaluation/loop/findings/\d+/$"))
    j.step("evaluation finding draft")
    page.get_by_role("button", name="Approve the finding").click()
    page.wait_for_load_state("load")
    expect(page.get_by_text("Approved").first).to_be_visible()
    j.step("evaluation finding approved")
    page = j.go("/evaluation/loop/")
    page.get_by_role("link", name=re.compile("^Close ")).first.click()
    j.step("close cycle")
    page.get_by_role("button", name=re.compile("^Close .* and open ")).click()
    page.wait_for_load_state("load")
    j.step("cycle closed")

    # The next cycle's needs assessment starts from the approved finding.
    page = j.go("/needs-assessment/assessments/")
    page.get_by_label("Title").fill("Needs assessment, next cycle (e2e)")
    page.get_by_role("button", name="Start the needs assessment").click()
    page.wait_for_url(re.compile(r"/needs-assessment/assessments/\d+/$"))
    expect(page.get_by_role("link", name="Frailty pathway cut bed days")).to_be_visible()
    j.step("next cycle needs assessment shows the finding")


def test_commissioner_loads_indicators_and_reads_spc(
    celery_worker_process, payor_demo, journey, tmp_path
):
    """Stage 4 on the seeded demo: load a CSV of indicator values through the upload form
    (checked by the worker), then read the SPC summary, one SPC chart and the "is it
    working" dashboard. (Kept apart from the person-level upload: see docs/e2e.md.)"""
    call_command("seed_demo_evaluation", verbosity=0)
    months = [date(2019, 1, 1) + relativedelta(months=n) for n in range(15)]
    rows = [
        f"HYP_PREV,{payor_demo.icb.code},{start},{start + relativedelta(months=1, days=-1)},"
        f"{14 + (n % 3) / 10}"
        for n, start in enumerate(months)
    ]
    csv = tmp_path / "indicator_values.csv"
    header = "indicator_code,area_code,period_start,period_end,value"
    csv.write_text("\n".join([header, *rows]) + "\n")

    j = journey()
    j.login("commissioner")
    page = j.go("/needs-assessment/uploads/new/")
    page.get_by_label("Indicator values").check()
    page.get_by_label("Where the data came from").fill("QOF extract (e2e)")
    page.set_input_files("input[type=file][name=file]", str(csv))
    page.get_by_role("button", name="Upload and check the file").click()
    page.wait_for_selector('[data-upload-status="loaded"]', timeout=RUN_SECONDS * 1000)
    j.step("indicator values loaded")
    page = j.go("/evaluation/indicator-data/")
    j.step("indicator data")
    page = j.go("/evaluation/")
    j.step("evaluation landing")
    page = j.go("/evaluation/spc/")
    j.step("SPC summary")
    page.locator(f"a[href='/evaluation/spc/HYP_PREV/area/{payor_demo.icb.pk}/']").first.click()
    page.wait_for_url(re.compile(r"/evaluation/spc/HYP_PREV/area/\d+/$"))
    page.wait_for_selector(".app-chart--drawn")
    j.step("SPC chart")
    page = j.go("/evaluation/is-it-working/")
    j.step("is it working dashboard")
