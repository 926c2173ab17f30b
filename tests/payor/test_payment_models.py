"""Payment model calculators against hand-worked examples (no database).

Each worked example shows its arithmetic in a comment; the same examples are in
docs/payment-models.md. Where a rate comes from published NHS payment rules the source is
named beside it. Property tests (hypothesis) check what must hold for any valid terms.
"""

import json
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commissioning.models import PaymentModel
from payor.payment_models import (
    CALCULATORS,
    AlignedTerms,
    BlockTerms,
    CapitatedTerms,
    GainLossTerms,
    MeasurementError,
    Outcome,
    OutcomeTerms,
    PaymentModelError,
    StatementLine,
    TermsError,
    UnknownPaymentModelError,
    earned_fraction,
    outcome_maxima,
    payment_statement,
    read_terms,
    terms_to_json,
)

D = Decimal


def amounts(statement):
    return [line.amount for line in statement.lines]


# ------------------------------------------------------------------------ statement lines


@pytest.mark.parametrize(
    ("quantity", "rate", "amount"),
    [
        ("0.5", "0.01", "0.01"),  # £0.005 is a half: rounds up to a penny
        ("-0.5", "0.01", "-0.01"),  # and a negative half rounds away from zero
        ("0.4", "0.01", "0.00"),  # £0.004 rounds down
        ("1", "83333.333333", "83333.33"),
        ("3", "246.914", "740.74"),  # 3 × £246.914 = £740.742
    ],
)
def test_statement_line_amount_is_quantity_times_rate_rounded_half_up(quantity, rate, amount):
    line = StatementLine("x", D(quantity), D(rate), "why")
    assert line.amount == D(amount)
    assert line.amount.as_tuple().exponent == -2


def test_statement_to_dict_is_json_with_money_as_strings():
    statement = payment_statement(
        "activity", {"prices": [{"code": "OPFA", "unit_price": "160"}]}, {"activity": {"OPFA": 3}}
    )
    data = json.loads(json.dumps(statement.to_dict()))
    assert data["total"] == "480.00"
    assert data["lines"][0] == {
        "description": "OPFA",
        "quantity": "3",
        "rate": "160",
        "amount": "480.00",
        "explanation": "3 delivered × £160.00 unit price.",
    }


# --------------------------------------------------------------------------------- block


def test_block_instalments_carry_pennies_so_the_year_adds_up():
    # £1,000,000.00 a year in 12 instalments. Paid to date after k instalments is
    # £1,000,000 × k ÷ 12 rounded to the penny; each instalment is the difference.
    #   k=1: 83,333.333… -> 83,333.33            instalment 1 = 83,333.33
    #   k=2: 166,666.666… -> 166,666.67          instalment 2 = 166,666.67 - 83,333.33 = 83,333.34
    #   k=3: 250,000.00                          instalment 3 = 250,000.00 - 166,666.67 = 83,333.33
    # Over the year: eight of £83,333.33 and four of £83,333.34 = £1,000,000.00 exactly.
    terms = {"annual_value": "1000000.00", "instalments": 12}
    year = payment_statement("block", terms, {})
    assert amounts(year)[:3] == [D("83333.33"), D("83333.34"), D("83333.33")]
    assert amounts(year).count(D("83333.34")) == 4
    assert year.total == D("1000000.00")
    second = payment_statement("block", terms, {"instalment": 2})
    assert second.total == D("83333.34")
    assert "166,666.67" in second.lines[0].explanation


def test_block_with_one_instalment_pays_the_annual_value():
    statement = payment_statement("block", {"annual_value": "250000", "instalments": 1}, {})
    assert amounts(statement) == [D("250000.00")]


@pytest.mark.parametrize("instalment", [0, 13, "two"])
def test_block_instalment_outside_the_year_is_refused(instalment):
    with pytest.raises(MeasurementError, match="instalment"):
        payment_statement("block", {"annual_value": "1200"}, {"instalment": instalment})


@given(
    annual=st.decimals(min_value=0, max_value=D("1e10"), places=2),
    instalments=st.integers(min_value=1, max_value=366),
)
def test_block_year_adds_up_to_the_annual_value_for_any_terms(annual, instalments):
    terms = BlockTerms(annual_value=annual, instalments=instalments)
    year = CALCULATORS["block"].calculate(terms, {})
    assert year.total == annual
    share = annual / instalments
    for amount in amounts(year):
        assert amount >= 0
        assert abs(amount - share) < D("0.01")


# ------------------------------------------------------------------------------ activity


def test_activity_pays_volume_times_unit_price():
    # 1,250 first outpatient attendances × £160.00  = £200,000.00
    #   310 day cases                    × £1,125.50 = £348,905.00
    # total                                           = £548,905.00
    terms = {
        "prices": [
            {"code": "OPFA", "unit_price": "160.00", "description": "First outpatient"},
            {"code": "DC", "unit_price": "1125.50", "description": "Day case"},
        ]
    }
    statement = payment_statement("activity", terms, {"activity": {"OPFA": 1250, "DC": 310}})
    assert amounts(statement) == [D("200000.00"), D("348905.00")]
    assert statement.total == D("548905.00")
    assert [line.description for line in statement.lines] == ["First outpatient", "Day case"]


def test_activity_missing_count_is_refused_naming_the_currency():
    terms = {"prices": [{"code": "OPFA", "unit_price": "160"}, {"code": "DC", "unit_price": "1"}]}
    with pytest.raises(MeasurementError, match="'DC'") as caught:
        payment_statement("activity", terms, {"activity": {"OPFA": 10}})
    assert caught.value.field == "activity['DC']"


def test_activity_count_for_an_unpriced_currency_is_refused():
    terms = {"prices": [{"code": "OPFA", "unit_price": "160"}]}
    with pytest.raises(MeasurementError, match="'XYZ'"):
        payment_statement("activity", terms, {"activity": {"OPFA": 10, "XYZ": 1}})


def test_activity_negative_price_is_refused_naming_the_term():
    with pytest.raises(
        TermsError, match=r"prices\['OPFA'\]\.unit_price must not be negative"
    ) as caught:
        read_terms("activity", {"prices": [{"code": "OPFA", "unit_price": "-160"}]})
    assert caught.value.field == "prices['OPFA'].unit_price"


def test_activity_negative_volume_is_refused():
    terms = {"prices": [{"code": "OPFA", "unit_price": "160"}]}
    with pytest.raises(MeasurementError, match="must not be below 0"):
        payment_statement("activity", terms, {"activity": {"OPFA": -1}})


def test_activity_duplicate_currency_is_refused():
    prices = [{"code": "DC", "unit_price": "1"}, {"code": "DC", "unit_price": "2"}]
    with pytest.raises(TermsError, match="more than once"):
        read_terms("activity", {"prices": prices})


# ----------------------------------------------------------------------- aligned payment

# NHS England's 2019/20 blended payment for emergency care: a fixed payment on planned
# activity and 20% of the price paid, or refunded, for each unit above or below plan.
EMERGENCY_2019 = {
    "currencies": [
        {
            "code": "NEL",
            "unit_price": "1800.00",
            "planned_activity": 10000,
            "description": "Non-elective spells",
        }
    ],
    "variable_share_above": "0.2",
}


def test_aligned_above_plan_pays_twenty_percent_of_unit_price():
    # fixed: 10,000 planned × £1,800 = £18,000,000.00
    # variable: (10,400 - 10,000) = 400 above plan × 20% × £1,800 = 400 × £360 = £144,000.00
    # total £18,144,000.00
    statement = payment_statement("aligned", EMERGENCY_2019, {"activity": {"NEL": 10400}})
    assert amounts(statement) == [D("18000000.00"), D("144000.00")]
    assert statement.total == D("18144000.00")
    assert statement.lines[1].description == "Variable element: Non-elective spells above plan"


def test_aligned_below_plan_refunds_twenty_percent_of_unit_price():
    # variable: (9,700 - 10,000) = -300 × 20% × £1,800 = -300 × £360 = -£108,000.00
    # total £18,000,000.00 - £108,000.00 = £17,892,000.00
    statement = payment_statement("aligned", EMERGENCY_2019, {"activity": {"NEL": 9700}})
    assert amounts(statement) == [D("18000000.00"), D("-108000.00")]
    assert statement.total == D("17892000.00")


def test_aligned_exactly_on_plan_pays_the_fixed_element_only():
    statement = payment_statement("aligned", EMERGENCY_2019, {"activity": {"NEL": 10000}})
    assert amounts(statement) == [D("18000000.00"), D("0.00")]
    assert "exactly the plan" in statement.lines[1].explanation


# The 2022/23 API default for elective activity: 75% of unit price above the agreed
# baseline, 50% deducted below it (HFMA, January 2022). The fixed element is agreed.
ELECTIVE_2022 = {
    "fixed_element": "6000000.00",
    "currencies": [{"code": "EL", "unit_price": "3000", "planned_activity": 2000}],
    "variable_share_above": "0.75",
    "variable_share_below": "0.5",
}


@pytest.mark.parametrize(
    ("delivered", "variable", "total"),
    [
        (2100, "225000.00", "6225000.00"),  # +100 × 75% × £3,000 = +100 × £2,250
        (1900, "-150000.00", "5850000.00"),  # -100 × 50% × £3,000 = -100 × £1,500
    ],
)
def test_aligned_asymmetric_shares_above_and_below_plan(delivered, variable, total):
    statement = payment_statement("aligned", ELECTIVE_2022, {"activity": {"EL": delivered}})
    assert statement.lines[0].description == "Fixed element"
    assert amounts(statement) == [D("6000000.00"), D(variable)]
    assert statement.total == D(total)


def test_aligned_rounds_only_the_line_not_the_rate():
    # 20% of £1,234.57 = £246.914 a unit (not rounded); 3 above plan × £246.914 = £740.742
    # -> £740.74. Rounding the rate first would give 3 × £246.91 = £740.73.
    terms = {
        "currencies": [{"code": "X", "unit_price": "1234.57", "planned_activity": 10}],
        "variable_share_above": "0.2",
    }
    statement = payment_statement("aligned", terms, {"activity": {"X": 13}})
    assert statement.lines[1].rate == D("246.914")
    assert statement.lines[1].amount == D("740.74")


@given(
    price=st.decimals(min_value=0, max_value=10000, places=2),
    planned=st.integers(min_value=0, max_value=50000),
    delivered=st.integers(min_value=0, max_value=50000),
)
def test_aligned_at_full_unit_price_equals_activity_payment(price, planned, delivered):
    # The 2023/25 NHS Payment Scheme paid elective activity at 100% of unit prices: with a
    # fixed element of plan × price and a 100% share both ways, aligned = activity-based.
    terms = {
        "currencies": [{"code": "EL", "unit_price": price, "planned_activity": planned}],
        "variable_share_above": 1,
    }
    aligned = payment_statement("aligned", terms, {"activity": {"EL": delivered}})
    activity = payment_statement(
        "activity",
        {"prices": [{"code": "EL", "unit_price": price}]},
        {"activity": {"EL": delivered}},
    )
    assert aligned.total == activity.total


@given(
    planned=st.integers(min_value=0, max_value=5000),
    delivered=st.integers(min_value=0, max_value=5000),
    more=st.integers(min_value=0, max_value=500),
    above=st.decimals(min_value=0, max_value=1, places=2),
    below=st.decimals(min_value=0, max_value=1, places=2),
)
def test_aligned_payment_never_falls_when_more_is_delivered(planned, delivered, more, above, below):
    terms = {
        "currencies": [{"code": "X", "unit_price": "987.65", "planned_activity": planned}],
        "variable_share_above": above,
        "variable_share_below": below,
    }
    fewer = payment_statement("aligned", terms, {"activity": {"X": delivered}})
    extra = payment_statement("aligned", terms, {"activity": {"X": delivered + more}})
    assert extra.total >= fewer.total


@pytest.mark.parametrize("bad", ["1.2", "-0.1", "20"])
def test_aligned_share_outside_zero_to_one_is_refused(bad):
    with pytest.raises(TermsError, match="variable_share_above must be a share between 0 and 1"):
        read_terms("aligned", {**EMERGENCY_2019, "variable_share_above": bad})


# ----------------------------------------------------------------------------- capitated


def segments(weights, reference=None):
    codes = ["good_health", "single_ltc", "multiple_ltc", "frailty"]
    result = [{"code": code, "weight": weight} for code, weight in zip(codes, weights, strict=True)]
    if reference:
        for segment, count in zip(result, reference, strict=True):
            segment["reference_count"] = count
    return result


ICB_MIX = {"good_health": 5000, "single_ltc": 3000, "multiple_ltc": 1500, "frailty": 500}
OLDER_LIST = {"good_health": 800, "single_ltc": 600, "multiple_ltc": 400, "frailty": 200}


def test_capitated_normalised_over_its_population_redistributes_the_same_total():
    # £100.00 per head; weights 0.5, 1.5, 2, 5 for 5,000, 3,000, 1,500 and 500 people.
    # Σ people × weight = 2,500 + 4,500 + 3,000 + 2,500 = 12,500; ÷ 10,000 people = 1.25.
    # Normalised weights 0.4, 1.2, 1.6, 4 -> £40, £120, £160, £400 per head:
    #   5,000 × £40 = £200,000; 3,000 × £120 = £360,000; 1,500 × £160 = £240,000;
    #   500 × £400 = £200,000; total £1,000,000.00 = £100 × 10,000.
    terms = {"per_head_rate": "100.00", "segments": segments(["0.5", "1.5", "2", "5"])}
    statement = payment_statement("capitated", terms, {"population": ICB_MIX})
    assert [line.rate for line in statement.lines] == [D(40), D(120), D(160), D(400)]
    assert amounts(statement) == [D("200000.00"), D("360000.00"), D("240000.00"), D("200000.00")]
    assert statement.total == D("1000000.00")


def test_capitated_normalised_over_a_reference_pays_a_sicker_list_more():
    # Weights normalised over the ICB mix above (average 1.25), applied to a practice list
    # of 2,000 that is older than the ICB:
    #   800 × £40 = £32,000; 600 × £120 = £72,000; 400 × £160 = £64,000; 200 × £400 = £80,000
    #   total £248,000.00, against £200,000.00 (2,000 × £100) unadjusted.
    terms = {
        "per_head_rate": "100.00",
        "segments": segments(["0.5", "1.5", "2", "5"], reference=list(ICB_MIX.values())),
        "normalisation": "reference",
    }
    statement = payment_statement("capitated", terms, {"population": OLDER_LIST})
    assert amounts(statement) == [D("32000.00"), D("72000.00"), D("64000.00"), D("80000.00")]
    assert statement.total == D("248000.00")


def test_capitated_weights_used_as_given_without_normalisation():
    # 800 × £50 + 600 × £150 + 400 × £200 + 200 × £500
    # = 40,000 + 90,000 + 80,000 + 100,000 = £310,000.00
    terms = {
        "per_head_rate": "100.00",
        "segments": segments(["0.5", "1.5", "2", "5"]),
        "normalisation": "none",
    }
    statement = payment_statement("capitated", terms, {"population": OLDER_LIST})
    assert statement.total == D("310000.00")


def test_capitated_line_rounding_can_leave_the_total_a_penny_short():
    # Weights 0.5, 1, 2.5, 5 for 6,000, 3,000, 800, 200 people: Σ = 3,000 + 3,000 + 2,000
    # + 1,000 = 9,000; average 0.9. Per head £55.55…, £111.11…, £277.77…, £555.55…:
    #   6,000 × £55.555… = £333,333.333… -> £333,333.33
    #   3,000 × £111.111… = £333,333.333… -> £333,333.33
    #     800 × £277.777… = £222,222.222… -> £222,222.22
    #     200 × £555.555… = £111,111.111… -> £111,111.11
    # total £999,999.99: each line is rounded, the total is their sum (documented rule).
    terms = {"per_head_rate": "100.00", "segments": segments(["0.5", "1", "2.5", "5"])}
    population = {"good_health": 6000, "single_ltc": 3000, "multiple_ltc": 800, "frailty": 200}
    statement = payment_statement("capitated", terms, {"population": population})
    assert statement.total == D("999999.99")


def test_capitated_zero_population_owes_nothing():
    terms = {"per_head_rate": "100.00", "segments": segments(["0.5", "1.5", "2", "5"])}
    population = dict.fromkeys(ICB_MIX, 0)
    statement = payment_statement("capitated", terms, {"population": population})
    assert statement.total == D("0.00")
    assert "No people counted" in statement.lines[0].explanation


def test_capitated_risk_tiers_are_named_as_tiers():
    terms = {
        "per_head_rate": "10.00",
        "basis": "tier",
        "segments": [
            {"code": "top", "weight": 20, "description": "Top 0.5%"},
            {"code": "rest", "weight": 1, "description": "Remaining 99.5%"},
        ],
    }
    statement = payment_statement("capitated", terms, {"population": {"top": 5, "rest": 995}})
    assert statement.lines[0].description == "Tier: Top 0.5%"
    # Σ = 5 × 20 + 995 × 1 = 1,095; average 1.095; 1,000 people × £10 = £10,000 redistributed:
    # 5 × £10 × 20 ÷ 1.095 = £913.24…; 995 × £10 ÷ 1.095 = £9,086.75…
    assert amounts(statement) == [D("913.24"), D("9086.76")]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"per_head_rate": "-1"}, "per_head_rate must not be negative"),
        ({"per_head_rate": "10.005"}, "pounds and pence"),
        ({"normalisation": "mean"}, "normalisation must be one of"),
        ({"normalisation": "reference"}, r"segments\['good_health'\]\.reference_count is needed"),
        (
            {"segments": segments(["0", "1", "1", "1"])},
            r"segments\['good_health'\]\.weight must be above 0",
        ),
    ],
)
def test_capitated_bad_terms_are_refused(change, message):
    terms = {"per_head_rate": "100.00", "segments": segments(["0.5", "1.5", "2", "5"]), **change}
    with pytest.raises(TermsError, match=message):
        read_terms("capitated", terms)


@given(
    rate=st.decimals(min_value=0, max_value=10000, places=2),
    counts=st.lists(st.integers(min_value=0, max_value=1_000_000), min_size=1, max_size=8),
    normalisation=st.sampled_from(["population", "reference", "none"]),
)
def test_capitated_total_is_rate_times_population_when_all_weights_are_one(
    rate, counts, normalisation
):
    codes = [f"s{index}" for index in range(len(counts))]
    terms = {
        "per_head_rate": rate,
        "normalisation": normalisation,
        "segments": [
            {
                "code": code,
                "weight": 1,
                "reference_count": 7 if normalisation == "reference" else None,
            }
            for code in codes
        ],
    }
    statement = payment_statement(
        "capitated", terms, {"population": dict(zip(codes, counts, strict=True))}
    )
    assert statement.total == rate * sum(counts)


# ------------------------------------------------------------------------------- bundled

HIP_AND_KNEE = {
    "pathways": [
        {
            "code": "HIP",
            "episode_price": "7000.00",
            "description": "Hip replacement (90-day pathway)",
            "trim_point_days": 10,
            "excess_day_price": "300.00",
        },
        {"code": "KNEE", "episode_price": "6500.00", "description": "Knee replacement"},
    ]
}


def test_bundled_pays_per_episode_with_excess_days_beyond_the_trim_point():
    # Hip: 120 episodes × £7,000 = £840,000.00; 35 days beyond the 10-day trim point ×
    # £300 = £10,500.00. Knee: 80 × £6,500 = £520,000.00. Total £1,370,500.00.
    measured = {"episodes": {"HIP": 120, "KNEE": 80}, "excess_days": {"HIP": 35}}
    statement = payment_statement("bundled", HIP_AND_KNEE, measured)
    assert amounts(statement) == [D("840000.00"), D("10500.00"), D("520000.00")]
    assert statement.total == D("1370500.00")


def test_bundled_no_excess_days_is_a_zero_line_that_says_so():
    measured = {"episodes": {"HIP": 1, "KNEE": 0}, "excess_days": {"HIP": 0}}
    statement = payment_statement("bundled", HIP_AND_KNEE, measured)
    assert statement.lines[1].amount == D("0.00")
    assert "No episode lasted longer than the 10-day trim point" in statement.lines[1].explanation


def test_bundled_excess_days_must_be_measured_for_a_pathway_with_the_rule():
    with pytest.raises(MeasurementError, match="excess_days"):
        payment_statement("bundled", HIP_AND_KNEE, {"episodes": {"HIP": 1, "KNEE": 0}})


def test_bundled_half_an_excess_rule_is_refused():
    pathway = {"code": "HIP", "episode_price": "7000", "trim_point_days": 10}
    with pytest.raises(TermsError, match="both trim_point_days and excess_day_price"):
        read_terms("bundled", {"pathways": [pathway]})


def test_bundled_episode_counts_are_whole_numbers():
    with pytest.raises(MeasurementError, match="whole number"):
        payment_statement(
            "bundled",
            HIP_AND_KNEE,
            {"episodes": {"HIP": "1.5", "KNEE": 0}, "excess_days": {"HIP": 0}},
        )


# ------------------------------------------------------------------------------- outcome

COMMUNITY_OUTCOMES = {
    "contract_value": "2000000.00",
    "share_at_risk": "0.10",
    "outcomes": [
        {
            "code": "EA65",
            "description": "Emergency admissions per 1,000 aged 65+",
            "weight": 50,
            "floor": 60,
            "target": 50,
            "polarity": "lower",
        },
        {
            "code": "HTN",
            "description": "Hypertension treated to target",
            "weight": 30,
            "floor": "0.60",
            "target": "0.80",
        },
        {
            "code": "PAM",
            "description": "Supported to manage their condition",
            "weight": 20,
            "floor": "0.70",
            "target": "0.75",
        },
    ],
}


def test_outcome_worked_example_earns_part_of_the_value_at_risk():
    # Value at risk: 10% × £2,000,000 = £200,000; not at risk: £1,800,000.00.
    # Parts by weight 50:30:20 -> £100,000, £60,000, £40,000.
    # EA65 (lower is better): 54 -> (60 - 54) ÷ (60 - 50) = 0.6 × £100,000 = £60,000.00
    # HTN: 0.77 -> (0.77 - 0.60) ÷ (0.80 - 0.60) = 0.85 × £60,000 = £51,000.00
    # PAM: 0.68 is short of the 0.70 floor -> £0.00
    # Total £1,800,000 + £111,000 = £1,911,000.00
    measured = {"achievement": {"EA65": 54, "HTN": "0.77", "PAM": "0.68"}}
    statement = payment_statement("outcome", COMMUNITY_OUTCOMES, measured)
    assert amounts(statement) == [D("1800000.00"), D("60000.00"), D("51000.00"), D("0.00")]
    assert statement.total == D("1911000.00")
    assert "(60 - 54) ÷ (60 - 50) = 60%" in statement.lines[1].explanation


@pytest.mark.parametrize(
    ("achieved", "earned"),
    [
        ("60", "0.00"),  # exactly on the floor: nothing
        ("50", "100000.00"),  # exactly on the target: all of it
        ("45", "100000.00"),  # better than target: still all of it
        ("65", "0.00"),  # worse than the floor
        ("55", "50000.00"),  # half way
    ],
)
def test_outcome_lower_is_better_thresholds(achieved, earned):
    measured = {"achievement": {"EA65": achieved, "HTN": "0.5", "PAM": "0.5"}}
    statement = payment_statement("outcome", COMMUNITY_OUTCOMES, measured)
    assert statement.lines[1].amount == D(earned)


@pytest.mark.parametrize(
    ("achieved", "earned"),
    [("0.60", "0.00"), ("0.80", "60000.00"), ("0.70", "30000.00"), ("0.95", "60000.00")],
)
def test_outcome_higher_is_better_thresholds(achieved, earned):
    measured = {"achievement": {"EA65": 99, "HTN": achieved, "PAM": "0.5"}}
    statement = payment_statement("outcome", COMMUNITY_OUTCOMES, measured)
    assert statement.lines[2].amount == D(earned)


def test_outcome_measures_may_be_floats_from_an_analysis():
    # 0.77 as a float is read as Decimal("0.77"), so the answer is the same £51,000.00.
    measured = {"achievement": {"EA65": 54.0, "HTN": 0.77, "PAM": 0.68}}
    statement = payment_statement("outcome", COMMUNITY_OUTCOMES, measured)
    assert statement.lines[2].amount == D("51000.00")


def test_outcome_floor_equal_to_target_is_all_or_nothing():
    outcome = Outcome(code="X", weight=1, floor=D("0.9"), target=D("0.9"))
    assert earned_fraction(outcome, D("0.9")) == 1
    assert earned_fraction(outcome, D("0.8999")) == 0


def test_outcome_value_at_risk_split_to_the_penny_adds_up():
    # £100.00 at risk, three equal weights: £33.333… each. Rounded down to £33.33 each
    # leaves a penny, which goes to the first-listed outcome: £33.34 + £33.33 + £33.33.
    terms = OutcomeTerms(
        contract_value=D("100.00"),
        share_at_risk=D(1),
        outcomes=[{"code": c, "weight": 1, "floor": 0, "target": 1} for c in "ABC"],
    )
    assert outcome_maxima(terms) == {"A": D("33.34"), "B": D("33.33"), "C": D("33.33")}
    statement = payment_statement(
        "outcome", terms_to_json(terms), {"achievement": {"A": 1, "B": 1, "C": 1}}
    )
    assert statement.total == D("100.00")
    assert len(statement.lines) == 3  # all at risk: no "not at risk" line


def test_outcome_missing_measurement_is_refused_naming_the_outcome():
    with pytest.raises(MeasurementError, match="no measurement of outcome 'PAM'") as caught:
        payment_statement("outcome", COMMUNITY_OUTCOMES, {"achievement": {"EA65": 1, "HTN": 1}})
    assert caught.value.field == "achievement['PAM']"


@pytest.mark.parametrize(
    ("outcome", "message"),
    [
        ({"floor": "0.9", "target": "0.8"}, r"outcomes\['X'\]\.floor .* is above its target"),
        (
            {"floor": "40", "target": "50", "polarity": "lower"},
            r"outcomes\['X'\]\.floor .* is below",
        ),
        (
            {"floor": 0, "target": 1, "polarity": "neutral"},
            r"outcomes\['X'\]\.polarity must be one of",
        ),
        ({"floor": 0, "target": 1, "weight": -1}, r"outcomes\['X'\]\.weight must not be below 0"),
    ],
)
def test_outcome_bad_thresholds_are_refused(outcome, message):
    terms = {
        "contract_value": "1000",
        "share_at_risk": "0.1",
        "outcomes": [{"code": "X", "weight": 1, **outcome}],
    }
    with pytest.raises(TermsError, match=message):
        read_terms("outcome", terms)


def test_outcome_share_at_risk_above_one_is_refused():
    with pytest.raises(TermsError, match="share_at_risk must be a share between 0 and 1"):
        read_terms("outcome", {**COMMUNITY_OUTCOMES, "share_at_risk": "1.5"})


outcome_terms = st.builds(
    lambda value, risk, weights: OutcomeTerms(
        contract_value=value,
        share_at_risk=risk,
        outcomes=[
            {"code": f"O{i}", "weight": w, "floor": 0, "target": 100, "polarity": p}
            for i, (w, p) in enumerate(weights)
        ],
    ),
    st.decimals(min_value=0, max_value=D("1e9"), places=2),
    st.decimals(min_value=0, max_value=1, places=3),
    st.lists(
        st.tuples(st.integers(min_value=1, max_value=100), st.just("higher")),
        min_size=1,
        max_size=5,
    ),
)
percentages = st.decimals(min_value=-10, max_value=110, places=2)


@given(terms=outcome_terms, data=st.data())
def test_outcome_payments_lie_between_zero_and_the_value_at_risk(terms, data):
    achieved = {o.code: data.draw(percentages) for o in terms.outcomes}
    statement = payment_statement("outcome", terms_to_json(terms), {"achievement": achieved})
    earned = sum(line.amount for line in statement.lines if line.description.startswith("Outcome"))
    assert 0 <= earned <= terms.value_at_risk
    assert statement.total == terms.contract_value - terms.value_at_risk + earned


@given(
    terms=outcome_terms,
    first=percentages,
    second=percentages,
    polarity=st.sampled_from(["higher", "lower"]),
)
def test_outcome_payment_is_monotone_in_achievement(terms, first, second, polarity):
    low, high = sorted([first, second])
    outcomes = [
        {
            **terms_to_json(terms)["outcomes"][0],
            "polarity": polarity,
            "floor": 0 if polarity == "higher" else 100,
            "target": 100 if polarity == "higher" else 0,
        }
    ]
    stored = {**terms_to_json(terms), "outcomes": outcomes}
    code = outcomes[0]["code"]
    at_low = payment_statement("outcome", stored, {"achievement": {code: low}}).total
    at_high = payment_statement("outcome", stored, {"achievement": {code: high}}).total
    if polarity == "higher":
        assert at_low <= at_high
    else:
        assert at_low >= at_high


# ----------------------------------------------------------------------------- gain/loss

SHARED_SAVINGS = {
    "baseline": "10000000.00",
    "provider_gain_share": "0.5",
    "provider_loss_share": "0.5",
    "cap": "250000.00",
    "collar": "-200000.00",
}


@pytest.mark.parametrize(
    ("actual", "expected", "total"),
    [
        # £10,000,000 - £9,800,000 = £200,000 saved × 50% = £100,000 (under the cap)
        ("9800000.00", ["100000.00"], "100000.00"),
        # £600,000 saved × 50% = £300,000; the cap of £250,000 takes back £50,000
        ("9400000.00", ["300000.00", "-50000.00"], "250000.00"),
        # £500,000 saved × 50% = £250,000: exactly the cap, so no cap line
        ("9500000.00", ["250000.00"], "250000.00"),
        # £500,000 overspent × 50% = -£250,000; the collar of -£200,000 gives back £50,000
        ("10500000.00", ["-250000.00", "50000.00"], "-200000.00"),
        # £400,000 overspent × 50% = -£200,000: exactly the collar, so no collar line
        ("10400000.00", ["-200000.00"], "-200000.00"),
        # on baseline: nothing to share
        ("10000000.00", ["0.00"], "0.00"),
    ],
)
def test_gain_loss_shares_savings_within_cap_and_collar(actual, expected, total):
    statement = payment_statement("gain_loss", SHARED_SAVINGS, {"actual_spend": actual})
    assert amounts(statement) == [D(amount) for amount in expected]
    assert statement.total == D(total)


def test_gain_loss_explains_each_partys_share():
    statement = payment_statement("gain_loss", SHARED_SAVINGS, {"actual_spend": "9800000.00"})
    explanation = statement.lines[0].explanation
    assert "savings of £200,000.00" in explanation
    assert "the commissioner keeps 50% (£100,000.00)" in explanation


def test_gain_loss_asymmetric_shares():
    # gains 60% to the provider, losses 25% to the provider, no cap or collar:
    # £1,000 saved × 60% = £600.00; £1,000 overspent × 25% = -£250.00
    terms = {"baseline": "5000", "provider_gain_share": "0.6", "provider_loss_share": "0.25"}
    assert payment_statement("gain_loss", terms, {"actual_spend": "4000"}).total == D("600.00")
    assert payment_statement("gain_loss", terms, {"actual_spend": "6000"}).total == D("-250.00")


def test_gain_loss_half_pennies_round_away_from_zero():
    terms = {"baseline": "100.00", "provider_gain_share": "0.5", "provider_loss_share": "0.5"}
    # £0.01 saved × 50% = £0.005 -> £0.01; £0.01 overspent × 50% = -£0.005 -> -£0.01
    assert payment_statement("gain_loss", terms, {"actual_spend": "99.99"}).total == D("0.01")
    assert payment_statement("gain_loss", terms, {"actual_spend": "100.01"}).total == D("-0.01")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"cap": "-300000", "collar": "-200000"}, "cap", "cap .* is below collar"),
        ({"cap": "100", "collar": "200"}, "cap", "cap .* is below collar"),
        ({"cap": "-100", "collar": "-200"}, "cap", "cap must not be negative"),
        ({"collar": "200000"}, "collar", "collar must not be positive"),
        ({"provider_gain_share": "1.01"}, "provider_gain_share", "between 0 and 1"),
        ({"provider_loss_share": "-0.5"}, "provider_loss_share", "between 0 and 1"),
        ({"baseline": "-1"}, "baseline", "baseline must not be negative"),
    ],
)
def test_gain_loss_bad_terms_are_refused(change, field, message):
    with pytest.raises(TermsError, match=message) as caught:
        read_terms("gain_loss", {**SHARED_SAVINGS, **change})
    assert caught.value.field == field


def test_gain_loss_actual_spend_as_a_float_is_refused():
    with pytest.raises(MeasurementError, match="never a float"):
        payment_statement("gain_loss", SHARED_SAVINGS, {"actual_spend": 9400000.0})


@given(
    baseline=st.decimals(min_value=0, max_value=D("1e9"), places=2),
    actual=st.decimals(min_value=0, max_value=D("1e9"), places=2),
    gain=st.decimals(min_value=0, max_value=1, places=3),
    loss=st.decimals(min_value=0, max_value=1, places=3),
    cap=st.none() | st.decimals(min_value=0, max_value=D("1e8"), places=2),
    collar=st.none() | st.decimals(min_value=-D("1e8"), max_value=0, places=2),
)
def test_gain_loss_payment_is_bounded_by_cap_and_collar(baseline, actual, gain, loss, cap, collar):
    terms = GainLossTerms(
        baseline=baseline,
        provider_gain_share=gain,
        provider_loss_share=loss,
        cap=cap,
        collar=collar,
    )
    total = payment_statement("gain_loss", terms_to_json(terms), {"actual_spend": actual}).total
    if cap is not None:
        assert total <= cap
    if collar is not None:
        assert total >= collar
    savings = baseline - actual
    assert (total >= 0) if savings >= 0 else (total <= 0)


# ------------------------------------------------------------------------------ registry


def test_registry_covers_exactly_the_contract_payment_models():
    assert set(CALCULATORS) == set(PaymentModel.values)


def test_unknown_payment_model_is_refused():
    with pytest.raises(UnknownPaymentModelError, match="no payment model 'tariff'"):
        payment_statement("tariff", {}, {})


def test_unknown_term_is_refused_naming_it():
    with pytest.raises(TermsError, match="unknown term 'annual_valu'") as caught:
        read_terms("block", {"annual_valu": "1000"})
    assert caught.value.field == "terms.annual_valu"


def test_missing_term_is_refused_naming_it():
    with pytest.raises(TermsError, match="missing term 'annual_value'"):
        read_terms("block", {})


def test_money_as_a_float_is_refused_but_shares_may_be_floats():
    with pytest.raises(TermsError, match="annual_value is money"):
        read_terms("block", {"annual_value": 1000.5})
    terms = read_terms("aligned", {**EMERGENCY_2019, "variable_share_above": 0.2})
    assert terms.variable_share_above == D("0.2")  # read as "0.2", not 0.2000000000000000111


def test_unknown_measured_input_is_refused():
    with pytest.raises(MeasurementError, match="unknown measured input 'actvity'"):
        payment_statement("activity", {"prices": [{"code": "A", "unit_price": 1}]}, {"actvity": {}})


def test_every_error_is_a_value_error():
    for error in (TermsError, MeasurementError, UnknownPaymentModelError):
        assert issubclass(error, PaymentModelError)
        assert issubclass(error, ValueError)


# Terms and measurements for each model, for the properties that hold for all of them.
money = st.decimals(min_value=0, max_value=D("1e7"), places=2)
shares = st.decimals(min_value=0, max_value=1, places=3)
counts = st.integers(min_value=0, max_value=100_000)

CASES = {
    "block": st.tuples(
        st.fixed_dictionaries({"annual_value": money, "instalments": st.integers(1, 52)}),
        st.just({}),
    ),
    "activity": st.tuples(
        st.fixed_dictionaries({"prices": st.just([{"code": "A", "unit_price": "1"}])}),
        st.fixed_dictionaries({"activity": st.fixed_dictionaries({"A": counts})}),
    ),
    "aligned": st.tuples(
        st.fixed_dictionaries(
            {
                "currencies": st.tuples(money, counts).map(
                    lambda pc: [{"code": "A", "unit_price": pc[0], "planned_activity": pc[1]}]
                ),
                "variable_share_above": shares,
                "variable_share_below": shares,
            }
        ),
        st.fixed_dictionaries({"activity": st.fixed_dictionaries({"A": counts})}),
    ),
    "capitated": st.tuples(
        st.fixed_dictionaries(
            {
                "per_head_rate": money,
                "segments": st.tuples(shares, shares).map(
                    lambda w: [
                        {"code": "A", "weight": w[0] + D("0.001")},
                        {"code": "B", "weight": w[1] + D("0.001")},
                    ]
                ),
            }
        ),
        st.fixed_dictionaries({"population": st.fixed_dictionaries({"A": counts, "B": counts})}),
    ),
    "bundled": st.tuples(
        st.fixed_dictionaries(
            {
                "pathways": st.tuples(money, money).map(
                    lambda p: [
                        {
                            "code": "A",
                            "episode_price": p[0],
                            "trim_point_days": 5,
                            "excess_day_price": p[1],
                        }
                    ]
                )
            }
        ),
        st.fixed_dictionaries(
            {
                "episodes": st.fixed_dictionaries({"A": counts}),
                "excess_days": st.fixed_dictionaries({"A": counts}),
            }
        ),
    ),
    "outcome": st.tuples(
        outcome_terms.map(terms_to_json),
        st.just(None),
    ),
    "gain_loss": st.tuples(
        st.fixed_dictionaries(
            {
                "baseline": money,
                "provider_gain_share": shares,
                "provider_loss_share": shares,
            }
        ),
        st.fixed_dictionaries({"actual_spend": money}),
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
@given(data=st.data())
def test_statement_total_is_the_sum_of_its_rounded_lines(code, data):
    terms, measured = data.draw(CASES[code])
    if code == "outcome":
        measured = {"achievement": {o["code"]: data.draw(percentages) for o in terms["outcomes"]}}
    statement = payment_statement(code, terms, measured)
    for line in statement.lines:
        exact = line.quantity * line.rate
        assert line.amount == exact.quantize(D("0.01"), rounding=ROUND_HALF_UP)
    assert statement.total == sum(amounts(statement))
    assert D(statement.to_dict()["total"]) == statement.total


@pytest.mark.parametrize("code", sorted(CASES))
@given(data=st.data())
def test_terms_survive_a_round_trip_through_json(code, data):
    terms, _ = data.draw(CASES[code])
    read = read_terms(code, terms)
    stored = json.loads(json.dumps(terms_to_json(read)))
    assert read_terms(code, stored) == read


def test_terms_are_frozen():
    terms = read_terms("block", {"annual_value": "1"})
    with pytest.raises(AttributeError):
        terms.annual_value = D(2)


def test_aligned_terms_built_in_python_are_checked_too():
    with pytest.raises(TermsError, match="fixed_element must not be negative"):
        AlignedTerms(
            currencies=[{"code": "A", "unit_price": 1, "planned_activity": 1}],
            variable_share_above=D("0.2"),
            fixed_element=D("-5"),
        )


def test_capitated_terms_accept_item_objects_or_mappings():
    terms = CapitatedTerms(per_head_rate=D("1.00"), segments=[{"code": "A"}])
    assert terms.segments[0].weight == 1
