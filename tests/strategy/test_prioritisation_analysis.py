"""The prioritisation arithmetic against hand-worked examples (no database).

The running example: two criteria, "need" and "gap", two panel members (10 and 11) and
three priorities (1, 2, 3). Points on the 0-100 scale are (mean − 1) ÷ 4 × 100.

    priority  need scores  need mean  need points  gap scores  gap mean  gap points
    1         5, 3         4          75           2, 2        2         25
    2         3, 3         3          50           5, 5        5         100
    3         2, 2         2          25           4, 4        4         75

With weights need 2, gap 1 (Σ = 3):
    P1 = (2 × 75 + 1 × 25) / 3 = 175 / 3 = 58.333…
    P2 = (2 × 50 + 1 × 100) / 3 = 200 / 3 = 66.667…
    P3 = (2 × 25 + 1 × 75) / 3 = 125 / 3 = 41.667…   → order P2, P1, P3.
With weights need 4, gap 1 (Σ = 5):
    P1 = (300 + 25) / 5 = 65;  P2 = (200 + 100) / 5 = 60;  P3 = (100 + 75) / 5 = 35
    → order P1, P2, P3: P1 overtakes P2.
P1 − P2 ∝ 25 w_need − 75 w_gap, so they tie exactly when w_need = 3 w_gap:
    need 3, gap 1 (Σ = 4): P1 = (225 + 25) / 4 = 62.5 = P2 = (150 + 100) / 4 = 62.5.
"""

import numpy as np
import pandas as pd
import pytest

from strategy.prioritisation import analysis

COLUMNS = ["priority", "criterion", "member", "score"]


def example_scores() -> pd.DataFrame:
    rows = []
    table = {1: ((5, 3), (2, 2)), 2: ((3, 3), (5, 5)), 3: ((2, 2), (4, 4))}
    for priority, (need, gap) in table.items():
        for member, score in zip((10, 11), need, strict=True):
            rows.append((priority, "need", member, score))
        for member, score in zip((10, 11), gap, strict=True):
            rows.append((priority, "gap", member, score))
    return pd.DataFrame(rows, columns=COLUMNS)


def weights(need, gap) -> pd.Series:
    return pd.Series({"need": float(need), "gap": float(gap)})


def test_to_points_maps_the_1_to_5_scale_onto_0_to_100():
    assert list(analysis.to_points([1, 2, 3, 4, 5])) == [0, 25, 50, 75, 100]
    assert analysis.to_points(4.5) == pytest.approx(87.5)


def test_criterion_means_are_means_of_the_scores_given():
    means = analysis.criterion_means(example_scores(), [1, 2, 3], ["need", "gap"])
    assert means.loc[1].tolist() == [4.0, 2.0]
    assert means.loc[2].tolist() == [3.0, 5.0]
    assert means.loc[3].tolist() == [2.0, 4.0]


def test_weighted_totals_match_the_hand_worked_example():
    means = analysis.criterion_means(example_scores(), [1, 2, 3], ["need", "gap"])
    totals = analysis.weighted_totals(means, weights(2, 1))
    assert totals.loc[1, "total"] == pytest.approx(175 / 3)
    assert totals.loc[2, "total"] == pytest.approx(200 / 3)
    assert totals.loc[3, "total"] == pytest.approx(125 / 3)
    # Contributions: P1 need 2 × 75 / 3 = 50, gap 1 × 25 / 3 = 8.333…; they add to the total.
    assert totals.loc[1, "contribution:need"] == pytest.approx(50)
    assert totals.loc[1, "contribution:gap"] == pytest.approx(25 / 3)
    parts = totals[["contribution:need", "contribution:gap"]].sum(axis=1)
    assert np.allclose(parts, totals["total"])
    assert totals["weight_scored"].tolist() == [1.0, 1.0, 1.0]


def test_all_fives_score_100_and_all_ones_score_0():
    scores = pd.DataFrame(
        [(1, "need", 10, 5), (1, "gap", 10, 5), (2, "need", 10, 1), (2, "gap", 10, 1)],
        columns=COLUMNS,
    )
    table = analysis.ranking_table(scores, [1, 2], weights(7, 3), members=1)
    assert table.loc[1, "total"] == 100
    assert table.loc[2, "total"] == 0


def test_weights_are_relative():
    means = analysis.criterion_means(example_scores(), [1, 2, 3], ["need", "gap"])
    once = analysis.weighted_totals(means, weights(2, 1))["total"]
    tenfold = analysis.weighted_totals(means, weights(20, 10))["total"]
    assert np.allclose(once, tenfold)


def test_ranking_follows_the_totals():
    table = analysis.ranking_table(example_scores(), [1, 2, 3], weights(2, 1), members=2)
    assert list(table.index) == [2, 1, 3]
    assert table["rank"].tolist() == [1, 2, 3]
    assert table["position"].tolist() == [1, 2, 3]
    assert not table["tied"].any()


def test_raising_a_weight_changes_the_ranking_as_the_arithmetic_says():
    # need 4, gap 1: P1 = 65, P2 = 60, P3 = 35, so P1 overtakes P2.
    table = analysis.ranking_table(example_scores(), [1, 2, 3], weights(4, 1), members=2)
    assert list(table.index) == [1, 2, 3]
    assert table.loc[1, "total"] == pytest.approx(65)
    assert table.loc[2, "total"] == pytest.approx(60)
    assert table.loc[3, "total"] == pytest.approx(35)
    # Just below the crossover (need 2.9 < 3 × gap) P2 is still ahead:
    # P1 = (2.9 × 75 + 25) / 3.9 = 242.5 / 3.9 = 62.18; P2 = (145 + 100) / 3.9 = 62.82.
    below = analysis.ranking_table(example_scores(), [1, 2, 3], weights(2.9, 1), members=2)
    assert list(below.index) == [2, 1, 3]
    assert below.loc[1, "total"] == pytest.approx(242.5 / 3.9)


def test_equal_totals_share_a_rank_and_keep_the_order_raised():
    # need 3, gap 1: P1 = P2 = 62.5 exactly; P3 = (75 + 75) / 4 = 37.5.
    table = analysis.ranking_table(example_scores(), [1, 2, 3], weights(3, 1), members=2)
    assert table.loc[1, "total"] == pytest.approx(62.5)
    assert table.loc[2, "total"] == pytest.approx(62.5)
    assert table.loc[[1, 2], "rank"].tolist() == [1, 1]
    assert table.loc[3, "rank"] == 3  # competition ranking: 1, 1, 3
    assert list(table.index) == [1, 2, 3]  # the tie keeps the order given
    assert table.loc[[1, 2], "tied"].all() and not table.loc[3, "tied"]
    # Given in the other order, the other one comes first.
    swapped = analysis.ranking_table(example_scores(), [2, 1, 3], weights(3, 1), members=2)
    assert list(swapped.index) == [2, 1, 3]


def test_rank_priorities_with_ties_gaps_and_unscored():
    totals = pd.Series([50.0, 70.0, 50.0, np.nan, 70.0], index=["a", "b", "c", "d", "e"])
    ranks = analysis.rank_priorities(totals)
    assert ranks["rank"].tolist()[:3] == [3, 1, 3]
    assert np.isnan(ranks.loc["d", "rank"])
    assert ranks.loc["e", "rank"] == 1
    assert ranks["position"].tolist() == [3, 1, 4, 5, 2]
    assert ranks["tied"].tolist() == [True, True, True, False, True]


def test_float_noise_does_not_split_a_tie():
    ranks = analysis.rank_priorities(pd.Series([0.1 + 0.2, 0.3]))
    assert ranks["rank"].tolist() == [1, 1]


def test_missing_scores_use_the_mean_of_the_scores_given():
    # Member 11 has not scored P1 on need: the mean is member 10's 5 alone (100 points),
    # not (5 + 0) / 2. Gap as before: 25 points. Total = (2 × 100 + 25) / 3 = 75.
    scores = example_scores()
    scores = scores[
        ~((scores.priority == 1) & (scores.criterion == "need") & (scores.member == 11))
    ]
    table = analysis.ranking_table(scores, [1, 2, 3], weights(2, 1), members=2)
    assert table.loc[1, "mean:need"] == 5
    assert table.loc[1, "total"] == pytest.approx(75)
    # Completeness: 3 of 2 members × 2 criteria = 4 scores.
    assert table.loc[1, "scores_given"] == 3
    assert table.loc[1, "scores_expected"] == 4
    assert table.loc[1, "completeness"] == pytest.approx(0.75)
    assert table.loc[2, "completeness"] == 1


def test_a_criterion_nobody_scored_is_left_out_and_the_others_fill_its_weight():
    # P1 has need scores only (mean 4, 75 points) and no gap scores: its total is the need
    # points alone, 75, carried by 2 / 3 of the weight; gap contributes nothing (NaN).
    scores = example_scores()
    scores = scores[~((scores.priority == 1) & (scores.criterion == "gap"))]
    table = analysis.ranking_table(scores, [1, 2, 3], weights(2, 1), members=2)
    assert table.loc[1, "total"] == pytest.approx(75)
    assert table.loc[1, "weight_scored"] == pytest.approx(2 / 3)
    assert np.isnan(table.loc[1, "contribution:gap"])
    assert table.loc[1, "completeness"] == pytest.approx(0.5)


def test_a_priority_with_no_scores_has_no_total_and_no_rank():
    table = analysis.ranking_table(example_scores(), [1, 2, 3, 4], weights(2, 1), members=2)
    assert np.isnan(table.loc[4, "total"])
    assert np.isnan(table.loc[4, "rank"])
    assert table.loc[4, "position"] == 4
    assert table.loc[4, "completeness"] == 0


def test_no_scores_at_all():
    empty = pd.DataFrame(columns=COLUMNS)
    table = analysis.ranking_table(empty, [1, 2], weights(1, 1), members=3)
    assert table["total"].isna().all()
    assert table["scores_expected"].tolist() == [6, 6]


def test_a_zero_weight_criterion_counts_for_nothing():
    # gap weighs 0: totals are the need points alone: P1 75, P2 50, P3 25.
    table = analysis.ranking_table(example_scores(), [1, 2, 3], weights(1, 0), members=2)
    assert table["total"].tolist() == pytest.approx([75, 50, 25])
    # A priority scored only on the zero-weight criterion has nothing to rank.
    only_gap = example_scores()
    only_gap = only_gap[~((only_gap.priority == 3) & (only_gap.criterion == "need"))]
    table = analysis.ranking_table(only_gap, [1, 2, 3], weights(1, 0), members=2)
    assert np.isnan(table.loc[3, "total"])


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"need": -1.0, "gap": 1.0}, "not negative"),
        ({"need": 0.0, "gap": 0.0}, "at least one weight"),
        ({"need": 1.0}, "no weight for criteria gap"),
        ({"need": np.inf, "gap": 1.0}, "finite"),
    ],
)
def test_bad_weights_are_refused(given, message):
    means = analysis.criterion_means(example_scores(), [1, 2, 3], ["need", "gap"])
    with pytest.raises(ValueError, match=message):
        analysis.weighted_totals(means, pd.Series(given))


# --------------------------------------------------------------------------- sensitivity


def test_a_dominant_priority_stays_first_in_every_draw():
    # P9 scores 5 on everything (100 points): whatever the weights, it is first.
    scores = pd.concat(
        [
            example_scores(),
            pd.DataFrame(
                [(9, c, m, 5) for c in ("need", "gap") for m in (10, 11)], columns=COLUMNS
            ),
        ]
    )
    means = analysis.criterion_means(scores, [1, 2, 3, 9], ["need", "gap"])
    spread = analysis.sensitivity(means, weights(2, 1), top_n=1, draws=10_000)
    assert spread.loc[9, "top_share"] == 1.0
    assert spread.loc[9, "best_rank"] == spread.loc[9, "worst_rank"] == 1
    assert spread.loc[[1, 2, 3], "top_share"].tolist() == [0, 0, 0]
    # P3 is last whatever the weights (P3 < P1 needs 25 w_n + 75 w_g < 75 w_n + 25 w_g,
    # true while w_n > w_g, which ±20% around 2:1 always keeps).
    assert spread.loc[3, "worst_rank"] == spread.loc[3, "best_rank"] == 4


def test_two_close_priorities_share_the_top_place():
    # need 3, gap 1 is exactly the crossover: P1 is ahead when need's factor beats gap's
    # (f_need × 3 > f_gap × 3), which by symmetry is half the draws; P2 the other half.
    means = analysis.criterion_means(example_scores(), [1, 2, 3], ["need", "gap"])
    spread = analysis.sensitivity(means, weights(3, 1), top_n=1, draws=10_000)
    assert 0.45 < spread.loc[1, "top_share"] < 0.55
    assert spread.loc[1, "top_share"] + spread.loc[2, "top_share"] == pytest.approx(1.0)
    assert (spread.loc[1, "best_rank"], spread.loc[1, "worst_rank"]) == (1, 2)
    assert spread.loc[3, "top_share"] == 0
    # In the top 2 both always are.
    top2 = analysis.sensitivity(means, weights(3, 1), top_n=2, draws=10_000)
    assert top2.loc[[1, 2], "top_share"].tolist() == [1.0, 1.0]
    # With the weights as set they tie, sharing rank 1.
    assert spread.loc[[1, 2], "base_rank"].tolist() == [1, 1]


def test_no_variation_means_the_ranking_never_moves():
    means = analysis.criterion_means(example_scores(), [1, 2, 3], ["need", "gap"])
    spread = analysis.sensitivity(means, weights(2, 1), variation=0, top_n=1, draws=500)
    assert spread["top_share"].tolist() == [0, 1, 0]
    assert (spread["best_rank"] == spread["worst_rank"]).all()


def test_sensitivity_is_reproducible_by_seed():
    means = analysis.criterion_means(example_scores(), [1, 2, 3], ["need", "gap"])
    first = analysis.sensitivity(means, weights(3, 1), top_n=1, seed=7)
    again = analysis.sensitivity(means, weights(3, 1), top_n=1, seed=7)
    other = analysis.sensitivity(means, weights(3, 1), top_n=1, seed=8)
    pd.testing.assert_frame_equal(first, again)
    assert first.loc[1, "top_share"] != other.loc[1, "top_share"]


def test_weight_draws_stay_within_the_variation():
    draws = analysis.weight_draws([10.0, 5.0, 0.0], variation=0.2, draws=5_000, seed=1)
    assert draws.shape == (5_000, 3)
    assert draws[:, 0].min() >= 8 and draws[:, 0].max() <= 12
    assert draws[:, 1].min() >= 4 and draws[:, 1].max() <= 6
    assert (draws[:, 2] == 0).all()
    assert 9.9 < draws[:, 0].mean() < 10.1


def test_sensitivity_leaves_out_unscored_priorities():
    means = analysis.criterion_means(example_scores(), [1, 2, 3, 4], ["need", "gap"])
    spread = analysis.sensitivity(means, weights(2, 1), draws=100)
    assert list(spread.index) == [1, 2, 3]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"variation": 1.0}, "under 100%"),
        ({"variation": -0.1}, "at least 0%"),
        ({"draws": 0}, "number of draws"),
        ({"draws": 100_001}, "number of draws"),
        ({"top_n": 0}, "top N"),
    ],
)
def test_bad_sensitivity_settings_are_refused(options, message):
    means = analysis.criterion_means(example_scores(), [1, 2, 3], ["need", "gap"])
    with pytest.raises(ValueError, match=message):
        analysis.sensitivity(means, weights(2, 1), **options)


def test_competition_ranks_row_by_row():
    totals = np.array([[3.0, 1.0, 3.0, 2.0], [0.0, 0.0, 0.0, 5.0]])
    assert analysis.competition_ranks(totals).tolist() == [[1, 4, 1, 3], [2, 2, 2, 1]]
