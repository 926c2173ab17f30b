"""The core pages: who sees what, who is refused, and how runs are started and polled."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from commissioning import charts, queries
from commissioning.models import Run, RunStatus, SnapshotStatus
from commissioning.population_summary import RUN_KIND
from tests import factories as f

pytestmark = pytest.mark.django_db

STAGE_LANDINGS = ["needs_assessment", "strategy", "payor", "evaluation"]


def _summary(people_in_riverside: int = 1234) -> dict:
    return {
        "people": people_in_riverside,
        "cost": 2345678.9,
        "by_place": [
            {
                "place": "Riverside",
                "people": people_in_riverside,
                "cost": 2345678.9,
                "emergency_admissions": 10,
                "ae_attendances": 20,
                "gp_contacts": 30,
            }
        ],
        "by_neighbourhood": [],
        "pyramid": [
            {"age_band": "0-4", "sex": "F", "people": 3},
            {"age_band": "0-4", "sex": "M", "people": 640},
            {"age_band": "5-9", "sex": "F", "people": 591},
        ],
        "snapshot_id": None,
        "period_end": "2026-03-31",
        "computed_at": "2026-04-02T10:00:00+00:00",
    }


@pytest.fixture
def snapshot(universe):
    return f.PopulationSnapshotFactory(
        icb=universe.north,
        status=SnapshotStatus.CURRENT,
        row_count=1234,
        checksum="ab" * 32,
        loaded_by=universe.analyst,
    )


def _finished_summary(universe, snapshot, **summary_args) -> Run:
    result = _summary(**summary_args) | {"snapshot_id": snapshot.pk}
    return f.RunFactory(
        kind=RUN_KIND,
        icb=universe.north,
        status=RunStatus.SUCCEEDED,
        progress=100,
        message="Finished",
        parameters={"snapshot_id": snapshot.pk},
        result=result,
        started_by=universe.analyst,
    )


def _text(response) -> str:
    return response.content.decode()


# --------------------------------------------------------------------------- signing in


@pytest.mark.parametrize(
    "url",
    [
        reverse("home"),
        reverse("contract-list"),
        reverse("contract-detail", args=[1]),
        reverse("snapshot-list"),
        reverse("snapshot-detail", args=[1]),
        reverse("run-detail", args=[1]),
        reverse("run-progress", args=[1]),
        *[reverse(f"{app}:landing") for app in STAGE_LANDINGS],
    ],
)
def test_pages_anonymous_redirected_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_login_page_renders_form_with_labels(client):
    response = client.get(reverse("login"))
    html = _text(response)
    assert response.status_code == 200
    assert '<label class="nhsuk-label" for="id_username">Username</label>' in html
    assert '<label class="nhsuk-label" for="id_password">Password</label>' in html
    assert '<html lang="en-GB">' in html


def test_login_wrong_password_shows_error_summary(client, universe):
    response = client.post(reverse("login"), {"username": "commissioner", "password": "wrong"})
    html = _text(response)
    assert response.status_code == 200
    assert "nhsuk-error-summary" in html and "There is a problem" in html
    assert "<title>Error: Sign in" in html


def test_login_empty_fields_are_named_in_error_summary(client, universe):
    html = _text(client.post(reverse("login"), {"username": "", "password": ""}))
    assert "Enter your username" in html and "Enter your password" in html


def test_login_then_home_then_sign_out(client, universe):
    response = client.post(
        reverse("login"), {"username": "commissioner", "password": f.PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "North ICB" in _text(response)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


# --------------------------------------------------------------------------- layout


def test_layout_has_skip_link_header_stages_account_and_footer(client_for, universe):
    html = _text(client_for(universe.commissioner).get(reverse("home")))
    assert 'href="#maincontent"' in html and 'id="maincontent"' in html
    assert "Strategic Commissioning" in html
    for app in STAGE_LANDINGS:
        assert f'href="{reverse(f"{app}:landing")}"' in html
    assert "commissioner" in html and "North ICB" in html
    assert re.search(r'<form[^>]*action="/logout/"[^>]*method="post"', html)
    assert "nhsuk-footer" in html
    assert html.count("<h1") == 1


def test_layout_has_no_inline_script(client_for, universe, snapshot):
    _finished_summary(universe, snapshot)
    html = _text(client_for(universe.commissioner).get(reverse("home")))
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag


@pytest.mark.parametrize("app", STAGE_LANDINGS)
@pytest.mark.parametrize("persona", ["commissioner", "provider_a_rep", "partner"])
def test_stage_landing_renders_with_steps_and_current_nav(client_for, universe, app, persona):
    response = client_for(getattr(universe, persona)).get(reverse(f"{app}:landing"))
    html = _text(response)
    assert response.status_code == 200
    assert f'href="{reverse(f"{app}:landing")}" aria-current="page"' in html
    assert html.count("<h1") == 1


def test_404_page_is_nhs_styled(client_for, universe):
    response = client_for(universe.commissioner).get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in _text(response)


# --------------------------------------------------------------------------- home


def test_home_commissioner_sees_places_figures_chart_and_runs(client_for, universe, snapshot):
    run = _finished_summary(universe, snapshot)
    html = _text(client_for(universe.commissioner).get(reverse("home")))
    assert "<h1>North ICB</h1>" in html
    assert "Riverside" in html and "1,600" in html  # resident population, exact
    assert "1,234" in html  # registered people, exact
    assert "100.0%" in html  # the only LSOA is Core20
    assert "£2.3m" in html and "£2,345,678.90" in html  # cost of care
    assert "£2.5m" in html and "£2,500,000.00" in html  # two contracts of £1,250,000
    assert 'data-plotly-figure="pyramid-figure"' in html
    assert 'id="pyramid-figure" type="application/json"' in html
    assert reverse("run-detail", args=[run.pk]) in html


def test_home_commissioner_sees_cycle(client_for, universe):
    f.CycleFactory(icb=universe.north, financial_year=2026)
    html = _text(client_for(universe.commissioner).get(reverse("home")))
    assert "Commissioning cycle 2026/27" in html


def test_home_summary_pending_says_being_computed_with_run_link(client_for, universe, snapshot):
    run = f.RunFactory(
        kind=RUN_KIND,
        icb=universe.north,
        status=RunStatus.RUNNING,
        parameters={"snapshot_id": snapshot.pk},
        started_by=universe.analyst,
    )
    html = _text(client_for(universe.commissioner).get(reverse("home")))
    assert "The population summary is being computed" in html
    assert reverse("run-detail", args=[run.pk]) in html
    assert "pyramid-figure" not in html


def test_home_without_data_says_so(client_for, universe):
    html = _text(client_for(universe.analyst).get(reverse("home")))
    assert "No population data has been loaded" in html


def test_home_provider_sees_own_organisation_and_contracts_only(client_for, universe, snapshot):
    _finished_summary(universe, snapshot)
    html = _text(client_for(universe.provider_a_rep).get(reverse("home")))
    assert "<h1>Provider A Hospitals</h1>" in html
    assert universe.contract_a.title in html
    assert universe.contract_b.title not in html
    assert "Provider B Community" not in html
    assert "Riverside" not in html  # no population figures for providers


def test_home_partner_sees_controlled_counts(client_for, universe, snapshot):
    universe.lsoa.population = 1603
    universe.lsoa.save()
    _finished_summary(universe, snapshot, people_in_riverside=3)
    html = _text(client_for(universe.partner).get(reverse("home")))
    assert "<h1>North ICB</h1>" in html
    assert "1,605" in html and "1,603" not in html  # rounded to the nearest 5
    row = re.search(r'scope="row">Riverside</th>(.*?)</tr>', html, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert cells[3].strip() == "*"  # 3 registered people are suppressed
    assert "£" not in html  # no costs or contract values for partners
    figure = re.search(r'id="pyramid-figure" type="application/json">(.*?)</script>', html, re.S)
    assert figure and '"customdata": ["suppressed"' in figure.group(1)


def test_home_outsider_sees_own_icb_not_ours(client_for, universe):
    html = _text(client_for(universe.outsider).get(reverse("home")))
    assert "<h1>South ICB</h1>" in html
    assert "Riverside" not in html


# --------------------------------------------------------------------------- contracts


def test_contract_list_commissioner_sees_icb_contracts_with_money(client_for, universe):
    html = _text(client_for(universe.commissioner).get(reverse("contract-list")))
    assert universe.contract_a.title in html and universe.contract_b.title in html
    assert universe.contract_south.title not in html
    assert "£1,250,000.00" in html and "£2,500,000.00" in html


def test_contract_list_provider_sees_only_its_own(client_for, universe):
    html = _text(client_for(universe.provider_b_rep).get(reverse("contract-list")))
    assert universe.contract_b.title in html
    assert universe.contract_a.title not in html


def test_contract_list_filter_by_provider(client_for, universe):
    client = client_for(universe.commissioner)
    html = _text(client.get(reverse("contract-list"), {"provider": universe.provider_b.pk}))
    assert universe.contract_b.title in html and universe.contract_a.title not in html
    assert "1</strong> contract matches the filter" in html


def test_contract_list_partner_refused(client_for, universe):
    assert client_for(universe.partner).get(reverse("contract-list")).status_code == 403


def test_contract_detail_shows_pounds_from_decimal(client_for, universe):
    universe.contract_a.annual_value = Decimal("12345678.05")
    universe.contract_a.save()
    url = reverse("contract-detail", args=[universe.contract_a.pk])
    html = _text(client_for(universe.provider_a_rep).get(url))
    assert "£12,345,678.05" in html
    assert universe.contract_a.title in html


@pytest.mark.parametrize("persona", ["provider_b_rep", "outsider", "partner"])
def test_contract_detail_out_of_scope_is_404(client_for, universe, persona):
    url = reverse("contract-detail", args=[universe.contract_a.pk])
    assert client_for(getattr(universe, persona)).get(url).status_code == 404


# --------------------------------------------------------------------------- snapshots


@pytest.mark.parametrize("persona", ["commissioner", "analyst"])
def test_snapshot_list_and_detail_for_icb_staff(client_for, universe, snapshot, persona):
    _finished_summary(universe, snapshot)
    client = client_for(getattr(universe, persona))
    html = _text(client.get(reverse("snapshot-list")))
    assert reverse("snapshot-detail", args=[snapshot.pk]) in html
    html = _text(client.get(reverse("snapshot-detail", args=[snapshot.pk])))
    assert "ab" * 32 in html and "Test data" in html and "1,234" in html
    assert "April 2025 to March 2026" in html
    assert "Riverside" in html  # the summary by place
    assert reverse("snapshot-summarise", args=[snapshot.pk]) in html


@pytest.mark.parametrize("persona", ["provider_a_rep", "partner"])
def test_snapshot_list_refused_outside_icb_staff(client_for, universe, persona):
    assert client_for(getattr(universe, persona)).get(reverse("snapshot-list")).status_code == 403


def test_snapshot_list_outsider_does_not_list_ours(client_for, universe, snapshot):
    html = _text(client_for(universe.outsider).get(reverse("snapshot-list")))
    assert reverse("snapshot-detail", args=[snapshot.pk]) not in html


@pytest.mark.parametrize("persona", ["outsider", "provider_a_rep", "partner"])
def test_snapshot_detail_out_of_scope_is_404(client_for, universe, snapshot, persona):
    url = reverse("snapshot-detail", args=[snapshot.pk])
    assert client_for(getattr(universe, persona)).get(url).status_code == 404


def test_summarise_post_starts_run_after_commit(
    client_for, universe, snapshot, django_capture_on_commit_callbacks
):
    url = reverse("snapshot-summarise", args=[snapshot.pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(universe.analyst).post(url)
    run = Run.objects.get(kind=RUN_KIND, parameters__snapshot_id=snapshot.pk)
    assert run.status == RunStatus.QUEUED and run.started_by == universe.analyst
    assert run.icb == universe.north
    assert response.status_code == 302 and response.url == reverse("run-detail", args=[run.pk])
    assert len(callbacks) == 1  # the task is queued only once the transaction commits


def test_summarise_while_running_reuses_the_run(
    client_for, universe, snapshot, django_capture_on_commit_callbacks
):
    url = reverse("snapshot-summarise", args=[snapshot.pk])
    client = client_for(universe.commissioner)
    with django_capture_on_commit_callbacks(execute=False):
        first = client.post(url)
        second = client.post(url)
    assert first.url == second.url
    assert Run.objects.filter(kind=RUN_KIND).count() == 1


def test_summarise_get_not_allowed(client_for, universe, snapshot):
    url = reverse("snapshot-summarise", args=[snapshot.pk])
    assert client_for(universe.commissioner).get(url).status_code == 405


@pytest.mark.parametrize("persona", ["provider_a_rep", "partner", "outsider"])
def test_summarise_refused_out_of_scope(client_for, universe, snapshot, persona):
    url = reverse("snapshot-summarise", args=[snapshot.pk])
    assert client_for(getattr(universe, persona)).post(url).status_code == 404
    assert not Run.objects.exists()


def test_summarise_refused_for_failed_snapshot(client_for, universe):
    failed = f.PopulationSnapshotFactory(icb=universe.north, status=SnapshotStatus.FAILED)
    url = reverse("snapshot-summarise", args=[failed.pk])
    assert client_for(universe.analyst).post(url).status_code == 403
    assert not Run.objects.exists()


# --------------------------------------------------------------------------- runs


def test_run_detail_unfinished_polls_progress(client_for, universe, snapshot):
    run = f.RunFactory(
        kind=RUN_KIND,
        icb=universe.north,
        status=RunStatus.RUNNING,
        progress=40,
        message="Summarising",
        parameters={"snapshot_id": snapshot.pk},
    )
    html = _text(client_for(universe.commissioner).get(reverse("run-detail", args=[run.pk])))
    assert "<h1>Population summary</h1>" in html
    assert f'hx-get="{reverse("run-progress", args=[run.pk])}"' in html
    assert 'hx-trigger="every 1s"' in html
    assert 'value="40"' in html and "Summarising" in html
    assert "April 2025 to March 2026" in html  # the snapshot it is about


def test_run_progress_partial_stops_polling_when_finished(client_for, universe, snapshot):
    run = f.RunFactory(kind=RUN_KIND, icb=universe.north, status=RunStatus.RUNNING, progress=70)
    client = client_for(universe.commissioner)
    url = reverse("run-progress", args=[run.pk])
    running = _text(client.get(url, headers={"HX-Request": "true"}))
    assert 'hx-trigger="every 1s"' in running and "<html" not in running
    run.status, run.progress, run.result = RunStatus.SUCCEEDED, 100, _summary()
    run.save()
    finished = _text(client.get(url, headers={"HX-Request": "true"}))
    assert "hx-trigger" not in finished and "hx-get" not in finished
    assert 'data-run-status="succeeded"' in finished
    assert "1,234" in finished  # the result's highlights


def test_run_detail_failed_shows_message(client_for, universe):
    run = f.RunFactory(
        kind=RUN_KIND,
        icb=universe.north,
        status=RunStatus.FAILED,
        message="ValueError: no people",
    )
    html = _text(client_for(universe.analyst).get(reverse("run-detail", args=[run.pk])))
    assert "The run failed" in html and "ValueError: no people" in html
    assert "hx-trigger" not in html


@pytest.mark.parametrize("persona", ["outsider", "provider_a_rep", "partner"])
def test_run_out_of_scope_is_404(client_for, universe, persona):
    run = f.RunFactory(kind=RUN_KIND, icb=universe.north, started_by=universe.analyst)
    client = client_for(getattr(universe, persona))
    assert client.get(reverse("run-detail", args=[run.pk])).status_code == 404
    assert client.get(reverse("run-progress", args=[run.pk])).status_code == 404


# --------------------------------------------------------------------------- charts


def test_pyramid_puts_males_left_and_suppressed_counts_as_gaps():
    figure = charts.population_pyramid(
        [
            {"age_band": "0-4", "sex": "M", "people": 640},
            {"age_band": "0-4", "sex": "F", "people": "*"},
        ]
    )
    males, females = figure["data"]
    assert males["x"][0] == -640 and males["customdata"][0] == 640
    assert females["x"][0] is None and females["customdata"][0] == "suppressed"
    assert len(males["y"]) == 19  # the ESP2013 bands, 0-4 to 90+


def test_charts_are_valid_plotly_figures():
    import plotly.graph_objects as go

    pyramid = charts.population_pyramid(_summary()["pyramid"])
    places = charts.population_by_place(
        [{"name": "Riverside", "resident_population": 1600, "registered_people": "*"}]
    )
    for figure in (pyramid, places):
        go.Figure(data=figure["data"], layout=figure["layout"])  # raises if invalid
    assert [trace["name"] for trace in places["data"]] == ["Resident population"]


@pytest.mark.parametrize(
    ("value", "shown"),
    [("0", "£0"), ("950.40", "£950"), ("420000", "£420k"), ("50325986.94", "£50.3m")],
)
def test_money_short_for_headline_figures(value, shown):
    assert queries.money_short(Decimal(value)) == shown


def test_snapshot_period_label_in_breadcrumbs_of_run(client_for, universe, snapshot):
    run = _finished_summary(universe, snapshot)
    html = _text(client_for(universe.analyst).get(reverse("run-detail", args=[run.pk])))
    assert 'aria-label="Breadcrumb"' in html
    assert reverse("snapshot-detail", args=[snapshot.pk]) in html
    assert snapshot.period_end == date(2026, 3, 31)


def test_run_page_links_to_what_the_run_works_on(client_for, universe):
    """A run of a kind that registered its subject links to it (the linked page checks
    access itself); a run without one, or with no id, shows no link."""
    from commissioning.models import Run

    by = universe.commissioner
    run = Run.objects.create(
        kind="resource_shift", icb=universe.north, started_by=by, parameters={"scenario_id": 7}
    )
    page = client_for(universe.commissioner).get(f"/runs/{run.pk}/").content.decode()
    assert 'href="/resource-allocation/scenarios/7/"' in page and "See the scenario" in page
    other = Run.objects.create(kind="population_summary", icb=universe.north,
                               started_by=universe.commissioner, parameters={})  # fmt: skip
    assert (
        "See the"
        not in client_for(universe.commissioner).get(f"/runs/{other.pk}/").content.decode()
    )
