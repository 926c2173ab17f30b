"""End-to-end browser tests: Playwright (Python) driving Debian's Chromium against
pytest-django's live server, with a real Celery worker process on the test database.

These tests run only under `make e2e` (E2E=1); `make test` does not collect them. Every
step saves a screenshot under tests/e2e/artifacts/<run>/ (kept, pass or fail), and every
main page is checked with axe-core: a violation of impact "serious" or "critical" fails
the test with a table of what was found. See docs/e2e.md.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import time
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(
    os.environ.get("E2E_ARTIFACTS", ROOT / "tests" / "e2e" / "artifacts")
) / datetime.now().strftime("%Y%m%d-%H%M%S")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BLOCKING = {"serious", "critical"}
ERROR_TITLE = re.compile(r"problem with the service|not found|forbidden", re.I)
# Violations that come from the NHS.UK design system's own components, not from our
# markup; each is listed in docs/e2e.md. (rule, CSS target)
KNOWN = {
    # nhsuk-frontend 10's enhanced file upload hides the native <input type=file>
    # (aria-hidden) behind its own labelled button; axe still compares the hidden
    # input's native "Choose file" text with its label.
    ("label-content-name-mismatch", "#id_file"),
}
PASSWORD = "e2e-demo-password-not-secret"
PEOPLE = 3000

if os.environ.get("E2E") != "1":
    collect_ignore_glob = ["test_*.py"]
else:
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests
    # make between browser steps are ordinary blocking calls, so Django's async guard is
    # lifted (only in an e2e run, never in `make test`).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE_RESULTS: list[tuple[str, int, int, str]] = []  # (page, serious/critical, other, url)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make e2e`, which installs it")
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Journey:
    """One browser session: numbered screenshots of each step and axe on each page."""

    def __init__(self, context, base_url: str, name: str):
        self.context = context
        self.page = context.new_page()
        self.page.set_default_timeout(20_000)
        self.base_url = base_url
        self.folder = ARTIFACTS / name
        self.folder.mkdir(parents=True, exist_ok=True)
        self.step_number = 0

    def go(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        return self.page

    def shot(self, label: str) -> Path:
        self.step_number += 1
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        path = self.folder / f"{self.step_number:02d}-{slug}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def step(self, label: str, *, axe: bool = True) -> None:
        """Screenshot the page as it is now and, for a main page, run axe on it."""
        self.page.wait_for_load_state("load")
        self.shot(label)
        title = self.page.title()
        assert not ERROR_TITLE.search(title), f"{label}: {title} at {self.page.url}"
        if axe:
            check_accessibility(self.page, label)

    def login(self, username: str) -> None:
        page = self.go("/login/")
        if self.step_number == 0:
            self.step("sign in")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()
        page.wait_for_url(re.compile(r"^(?!.*/login/).*$"))

    def wait_for_text(self, text: str, *, seconds: float = 180, reload: bool = True) -> None:
        """Wait for a background run to show `text` (reloading, whatever htmx polls)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.page.get_by_text(text, exact=False).count():
                return
            time.sleep(1)
            if reload:
                self.page.reload()
        self.shot(f"timed-out-waiting-for-{text}")
        raise AssertionError(f"{text!r} did not appear on {self.page.url} in {seconds} s")


def check_accessibility(page, label: str) -> None:
    """Run axe-core on the page; fail on serious or critical violations, with a table."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
                all: v.nodes.map(n => n.target.join(' ')),
                count: v.nodes.length,
            }));
        }"""
    )
    for v in result:
        v["nodes"] = [t for t in v["nodes"] if (v["id"], t) not in KNOWN]
        v["count"] -= sum(1 for t in v["all"] if (v["id"], t) in KNOWN)
    result = [v for v in result if v["count"] > 0]
    blocking = [v for v in result if v["impact"] in BLOCKING]
    AXE_RESULTS.append((label, len(blocking), len(result) - len(blocking), page.url))
    if blocking:
        rows = [f"{'impact':<9} {'rule':<28} {'nodes':>5}  example / help"]
        for v in blocking:
            rows.append(f"{v['impact']:<9} {v['id']:<28} {v['count']:>5}  {v['help']}")
            rows.extend(f"{'':<45}{target}" for target in v["nodes"])
        heading = f"axe: serious/critical violations on {label} ({page.url}):"
        pytest.fail("\n".join([heading, *rows]))
    if result:
        with (ARTIFACTS / "axe-minor.jsonl").open("a") as minor:
            minor.write(json.dumps([label, result]) + "\n")


@pytest.fixture
def journey(browser, live_server, request):
    context = browser.new_context(
        bypass_csp=True,  # axe is injected as an inline script, which the app's CSP refuses
        viewport={"width": 1280, "height": 900},
        accept_downloads=False,
    )
    context.set_default_timeout(20_000)

    journeys: list[Journey] = []

    def make(name: str | None = None) -> Journey:
        journeys.append(Journey(context, live_server.url, name or request.node.name))
        return journeys[-1]

    yield make
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        for j in journeys:  # the page as it was when the test failed
            with contextlib.suppress(Exception):  # a closed page must not hide the failure
                j.shot("failed")
    context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def demo_icb(reference_data, tmp_path):
    """A fresh demo ICB of PEOPLE residents with both periods loaded (the loader takes
    both); the commissioner uploads the second period's file again as a new extract."""
    from commissioning.demo import DEMO_ICB_CODE, PERIOD_ENDS
    from commissioning.demo.generator import build_demo, people_filename, write_demo
    from commissioning.demo.loader import load_files
    from commissioning.models import Area, PopulationSnapshot
    from needs_assessment.models import DataUpload, NeedsAssessment

    folder = tmp_path / "demo"
    write_demo(build_demo(seed=8, people=PEOPLE), folder)
    later = tmp_path / people_filename(PERIOD_ENDS[1])
    shutil.copy(folder / people_filename(PERIOD_ENDS[1]), later)
    load_files(folder, seed=8, password=PASSWORD, summarise=False)
    yield SimpleNamespace(
        icb=Area.objects.get(code=DEMO_ICB_CODE),
        upload_file=later,
        period_start=PERIOD_ENDS[0],
        period_end=PERIOD_ENDS[1],
    )
    from strategy.models import Strategy

    for upload in DataUpload.objects.all():
        upload.file.delete(save=False)
    # A strategy protects the needs assessment it builds on (the seeded demo's builds on
    # none, and other stage 4 rows protect it: the database flush removes those).
    Strategy.objects.filter(needs_assessment__isnull=False).delete()
    NeedsAssessment.objects.all().delete()  # it protects its profile, hence the snapshot
    PopulationSnapshot.objects.all().delete()  # drops the partitions too


def pytest_terminal_summary(terminalreporter):
    if not AXE_RESULTS and not ARTIFACTS.exists():
        return
    write = terminalreporter.write_line
    write("")
    write("axe-core results (serious+critical / other violations):")
    for label, blocking, other, url in AXE_RESULTS:
        write(f"  {blocking:>2} / {other:>2}  {label}  {url}")
    write(f"screenshots: {ARTIFACTS}")


@pytest.fixture
def payor_demo(demo_icb):
    """The demo ICB with the demo's plan, contract terms, statements, scenario, PSR
    decision and committee, made by the same command `make run` uses."""
    from django.core.management import call_command

    call_command("seed_demo_payor", verbosity=0)
    return demo_icb


RUN_SECONDS = 240


@pytest.fixture
def approve_needs_assessment():
    """The stage 1 journey below, for tests that start from an approved assessment."""
    return _approve_needs_assessment


def _approve_needs_assessment(j: Journey, demo_icb, finding: str) -> None:
    """Stage 1 in the browser, as the commissioner signed in on `j`: upload the
    person-level file, follow the worker's load and needs profile (segmentation and
    risk), start the needs assessment on that profile, add `finding` and approve it."""
    from playwright.sync_api import expect

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

    page = j.go("/needs-assessment/assessments/")
    page.get_by_label("Title").fill("Needs assessment 2025/26 (e2e)")
    page.get_by_role("button", name="Start the needs assessment").click()
    page.wait_for_url(re.compile(r"/needs-assessment/assessments/\d+/$"))
    page.locator("a[href*='/findings/add/']").first.click()
    page.get_by_label("Finding", exact=True).fill(finding)
    page.get_by_label("What was found").fill("People living with frailty use most bed days.")
    page.get_by_role("button", name="Add the finding").click()
    expect(page.get_by_text(finding).first).to_be_visible()
    page.get_by_role("link", name="Approve version 1").click()
    page.get_by_label(re.compile("approve it on behalf of")).check()
    page.get_by_role("button", name="Approve version 1").click()
    page.wait_for_url(re.compile(r"/needs-assessment/assessments/\d+/$"))
    expect(page.get_by_text("Approved").first).to_be_visible()
    j.step("needs assessment approved")
