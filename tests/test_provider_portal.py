"""The provider portal: a provider representative's home shows its own contracts,
payment statements, the scenario lines shared with it, committee items waiting for its
vote and consultations to comment on; never another provider's anything."""

import datetime as dt

import pytest
from django.utils import timezone

from commissioning import portal
from commissioning.models import PaymentModel
from evaluation.feedback.actions import create_survey
from payor.finance import actions as finance
from payor.selection import committees
from strategy.models import StrategyStatus
from tests.factories import IndicatorFactory
from tests.payor.test_scenarios_pages import computed  # noqa: F401 - fixture
from tests.strategy.factories import StrategyFactory, StrategyShareFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider_a_world(universe, computed):  # noqa: F811
    by = universe.commissioner
    contract = universe.contract_a
    contract.payment_model = PaymentModel.BLOCK
    contract.save()
    finance.set_contract_terms(by=by, contract=contract, terms={"annual_value": "1200.00"},
                               expected_version=None)  # fmt: skip
    statement = finance.compute_statement(by=by, contract=contract, period="2026/27",
                                          measured={})  # fmt: skip
    committee = committees.create_committee(by=by, name="Joint committee")
    committees.add_member(by=by, committee=committee, organisation=universe.provider_a,
                          user=universe.provider_a_rep, role="Provider")  # fmt: skip
    when = timezone.make_aware(dt.datetime(2026, 12, 3, 10))
    meeting = committees.schedule_meeting(by=by, committee=committee, title="Dec", held_at=when)
    item = committees.add_item(by=by, meeting=meeting, title="Renew the A contract")
    strategy = StrategyFactory(icb=universe.north, status=StrategyStatus.CONSULTATION,
                               title="North PHIP")  # fmt: skip
    StrategyShareFactory(strategy=strategy, organisation=universe.provider_a)
    indicator = IndicatorFactory(code="ADM_K", name="Admissions KPI", polarity="lower")
    finance.add_kpi(by=by, contract=contract, indicator=indicator, target="100")
    create_survey(by=by, title="Patient experience of the A ward", audience="service_users",
                  questions=[{"key": "q1", "kind": "likert", "text": "I was listened to"}],
                  provider=universe.provider_a)  # fmt: skip
    return statement, computed, item, strategy


def test_provider_a_sees_its_sections_with_what_is_waiting(universe, client_for, provider_a_world):
    statement, scenario, item, strategy = provider_a_world
    sections = {s.title: s for s in portal.sections_for(universe.provider_a_rep)}
    assert set(sections) == {
        "Your payment statements",
        "Your KPI performance",
        "Resource-shift scenarios shared with you",
        "Committee items",
        "Consultations",
        "Surveys to collect responses for",
    }
    assert sections["Committee items"].to_do == 1 and sections["Consultations"].to_do == 1
    assert sections["Surveys to collect responses for"].to_do == 1
    assert [p.contract for p in sections["Your KPI performance"].rows] == [universe.contract_a]
    page = client_for(universe.provider_a_rep).get("/").content.decode()
    for text in (statement.period, scenario.name, item.title, strategy.title,
                 "Waiting for your vote", "Waiting for your comments"):  # fmt: skip
        assert text in page
    assert "Provider B" not in page.split("Resource-shift scenarios shared with you")[1]


def test_voting_clears_the_to_do(universe, provider_a_world):
    _, _, item, _ = provider_a_world
    committees.cast_vote(by=universe.provider_a_rep, item=item, choice="for")
    sections = {s.title: s for s in portal.sections_for(universe.provider_a_rep)}
    assert sections["Committee items"].to_do == 0
    assert sections["Committee items"].rows[0]["voted"]


def test_provider_b_sees_nothing_of_provider_a(universe, client_for, provider_a_world):
    statement, scenario, item, strategy = provider_a_world
    sections = portal.sections_for(universe.provider_b_rep)
    assert [s.title for s in sections] == ["Your payment statements"]
    assert sections[0].rows == []
    page = client_for(universe.provider_b_rep).get("/").content.decode()
    for text in (scenario.name, item.title, strategy.title, "Renew the A contract",
                 "Patient experience of the A ward", "Admissions KPI"):  # fmt: skip
        assert text not in page


@pytest.mark.parametrize("persona", ["commissioner", "analyst", "partner", "outsider"])
def test_the_portal_is_for_provider_representatives_only(universe, provider_a_world, persona):
    assert portal.sections_for(getattr(universe, persona)) == []
