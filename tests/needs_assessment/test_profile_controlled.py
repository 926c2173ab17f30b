"""Disclosure control of profile figures for partners (pure: no database)."""

import pytest

from commissioning.disclosure import SUPPRESSED
from commissioning.stats import crude_rate, wilson_interval
from needs_assessment.profile.controlled import (
    control_risk_metrics,
    control_row,
    control_rows,
    control_summary,
)
from tests.needs_assessment.test_profile_helpers import RISK_METRICS


def row(measure, value, *, numerator=None, denominator=None, breakdown="", category="", **more):
    base = {
        "area_id": 1,
        "measure": measure,
        "breakdown": breakdown,
        "category": category,
        "numerator": numerator,
        "denominator": denominator,
        "value": value,
        "lower95": more.get("lower95"),
        "upper95": more.get("upper95"),
        "lower998": None,
        "upper998": None,
        "unit": more.get("unit", ""),
        "method": "",
        "comparison95": "higher",
        "comparison998": "higher",
        "publishable": more.get("publishable", True),
    }
    return base


def test_counts_of_people_are_rounded_or_suppressed():
    assert control_row(row("people", 1603, numerator=1603, denominator=1603), {})["value"] == 1605
    small = control_row(row("people", 5, numerator=5, denominator=1603), {})
    assert small["value"] == SUPPRESSED and small["suppressed"]
    assert small["comparison95"] == "not_compared"


def test_prevalence_is_recomputed_from_rounded_parts_with_its_interval():
    shown = control_row(row("prevalence:diabetes", 9.98, numerator=23, denominator=1603), {})
    assert shown["numerator"] == 25 and shown["denominator"] == 1605
    assert shown["value"] == pytest.approx(25 / 1605 * 100)
    expected = wilson_interval(25, 1605, 0.95, per=100)
    assert (shown["lower95"], shown["upper95"]) == pytest.approx((expected.lower, expected.upper))


def test_prevalence_of_few_people_is_suppressed_whole():
    shown = control_row(row("prevalence:smi", 0.3, numerator=5, denominator=1603), {})
    assert shown["value"] == shown["lower95"] == shown["numerator"] == SUPPRESSED


def test_rows_about_a_group_of_fewer_than_eight_are_suppressed():
    rows = [
        row("people", 6, numerator=6, denominator=900, breakdown="ethnicity", category="other"),
        row(
            "isr:gp_contacts",
            80.0,
            numerator=20,
            denominator=25,
            breakdown="ethnicity",
            category="other",
            lower95=50.0,
            upper95=120.0,
        ),  # fmt: skip
    ]
    shown = control_rows(rows)
    assert all(r["value"] == SUPPRESSED for r in shown)


def test_crude_rate_recomputed_from_rounded_events_and_people():
    shown = control_row(row("rate:gp_contacts", 0, numerator=4012, denominator=1603), {})
    assert shown["value"] == pytest.approx(4010 / 1605 * 1000)
    expected = crude_rate(4010, 1605, per=1000)
    assert shown["upper95"] == pytest.approx(expected.upper)


def test_unpublished_dsr_is_withheld_and_published_one_kept():
    hidden = control_row(
        row("dsr:emergency_admissions", 12.0, numerator=6, denominator=900, publishable=False),
        {},
    )
    assert hidden["value"] == SUPPRESSED
    shown = control_row(
        row("dsr:emergency_admissions", 1234.5, numerator=123, denominator=9001, lower95=1000.0),
        {},
    )
    assert shown["value"] == 1234.5 and shown["lower95"] == 1000.0
    assert shown["numerator"] == 125 and shown["denominator"] == 9000


def test_cost_per_head_without_total_and_totals_withheld():
    mean = control_row(row("cost_per_head", 500.0, numerator=4500.0, denominator=9), {})
    assert mean["value"] == 500.0 and mean["numerator"] is None and mean["denominator"] == 10
    assert control_row(row("cost_per_head", 500.0, numerator=3500.0, denominator=7), {})[
        "suppressed"
    ]
    assert control_row(row("cost", 4500.0), {})["value"] == SUPPRESSED


def test_inequality_indices_are_released_as_stored():
    shown = control_row(row("sii:dsr:emergency_admissions", -812.5, lower95=-900.0), {})
    assert shown["value"] == -812.5 and shown["comparison95"] == "higher"


def test_risk_metrics_for_partners():
    shown = control_risk_metrics(RISK_METRICS)
    decile = shown["emergency"]["calibration_by_decile"][9]
    assert decile["people"] == 10 and decile["observed_admitted"] == SUPPRESSED
    assert decile["observed_rate"] == SUPPRESSED
    female, indeterminate = shown["fairness"]["sex"]
    assert female["people"] == 95 and female["observed_admitted"] == 10
    assert female["observed_rate"] == pytest.approx(10 / 95)
    assert female["observed_to_predicted"] == pytest.approx(10 / 11.0)
    assert indeterminate["group"] == "I" and indeterminate["auc"] == SUPPRESSED
    assert shown["emergency"]["auc"]["value"] == 0.71
    assert shown["tiers"]["people"]["Top 0.5%"] == SUPPRESSED


def test_summary_for_partners():
    shown = control_summary({"people": 1603, "cost": 12.5, "segments": [{"people": 3}]})
    assert shown == {"people": 1605, "segments": [{"people": SUPPRESSED}]}
