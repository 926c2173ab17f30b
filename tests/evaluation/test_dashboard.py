"""The "is the strategy working?" dashboard: the verdict rules, the money moved out of
hospital from the financial plan (hand-worked), and who may see it."""

from decimal import Decimal as D

import pytest

from evaluation.dashboard import queries
from evaluation.dashboard.verdict import improving_effect, verdict
from payor.finance import actions as finance
from tests.evaluation.test_tracking_pages import world  # noqa: F401 - fixture


@pytest.mark.parametrize(
    ("statuses", "concerns", "improving", "expected"),
    [
        ([], 0, 0, "too_early"),
        (["no_data", "no_data"], 0, 1, "too_early"),
        (["off_track", "no_data"], 0, 1, "not_yet"),
        (["on_track"], 1, 1, "not_yet"),
        (["on_track", "target_met"], 0, 1, "working"),
        (["on_track", "target_met"], 0, 0, "some_signs"),
        (["on_track", "off_track"], 0, 2, "some_signs"),
    ],
)
def test_verdict_rules(statuses, concerns, improving, expected):
    assert verdict(statuses, concerns, improving).code == expected


def test_an_improving_effect_must_exclude_no_change_in_the_right_direction():
    assert improving_effect(-12.0, -19.0, -5.2, "lower")
    assert not improving_effect(-12.0, -19.0, 0.5, "lower")
    assert not improving_effect(-12.0, -19.0, -5.2, "higher")
    assert improving_effect(3.0, 0.4, 5.6, "higher")
    assert not improving_effect(3.0, 0.4, 5.6, "neutral")


@pytest.mark.django_db
def test_money_moved_out_of_hospital_hand_worked(universe, world):  # noqa: F811
    """Plan 2025/26 on: acute £600 growing 0%, community £300 growing 10%, prevention
    £100 growing 10%. 2026/27: acute 600, community 330, prevention 110, total 1,040.
    Out-of-hospital share 400/1,000 = 40.0% then 440/1,040 = 42.3%; moved =
    (440/1,040 − 0.4) × 1,040 = 440 − 416 = £24."""
    strategy, _ = world
    by = universe.commissioner
    plan = finance.create_plan(by=by, title="Plan", first_year=2025, allocation="1100.00",
                               allocation_growth="0.05")  # fmt: skip
    for setting, budget, growth in (("acute", "600", "0"), ("community", "300", "0.1"),
                                    ("prevention", "100", "0.1")):  # fmt: skip
        finance.add_budget(by=by, plan=plan, setting=setting, budget=budget, growth=growth)
    money = queries.money_shift(by, strategy, today_year=2026)
    assert money.first_percent == "40.0%" and money.now_percent == "42.3%"
    assert money.shifted == D("24") and money.change_points == D("2.3")
    assert money.now_label == "2026/27"


@pytest.mark.django_db
def test_dashboard_page_answers_per_priority(universe, client_for, world):  # noqa: F811
    strategy, outcome = world
    page = client_for(universe.commissioner).get(f"/evaluation/is-it-working/{strategy.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Fewer emergency admissions" in text and "Virtual wards" in text
    assert "no evaluation plan yet" in text and "Some signs of progress" in text
    assert "no financial plan yet" in text
    default = client_for(universe.commissioner).get("/evaluation/is-it-working/")
    assert "Fewer emergency admissions" in default.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["outsider", "provider_a_rep", "partner"])
def test_others_get_404(universe, client_for, world, persona):  # noqa: F811
    strategy, _ = world
    client = client_for(getattr(universe, persona))
    assert client.get(f"/evaluation/is-it-working/{strategy.pk}/").status_code == 404
    default = client.get("/evaluation/is-it-working/")
    if persona == "outsider":  # ICB staff of another ICB: their own (empty) dashboard
        assert "Fewer emergency admissions" not in default.content.decode()
    else:
        assert default.status_code == 404
