"""The prioritisation arithmetic: weighted totals, ranking and sensitivity. Pure: numpy and
pandas in, numpy and pandas out, no ORM (queries.py builds the frames from the database).

The method, as the pages state it:

1. Each panel member scores each priority 1-5 on each criterion.
2. For each priority and criterion, the score used is the **mean of the scores given**:
   a member who has not scored that cell is left out, not counted as zero.
3. The mean is put on a 0-100 scale: 1 → 0, 2 → 25, 3 → 50, 4 → 75, 5 → 100.
4. The weighted total is the weighted mean of those points over the criteria,
   total = Σ w_c × points_c / Σ w_c, so it is also on the 0-100 scale (all 5s score 100,
   all 1s score 0). Weights are relative: doubling every weight changes nothing.
   If nobody has scored a priority on a criterion yet, that criterion is left out of the
   priority's total and the weights of the criteria that have scores fill its place;
   completeness (scores given ÷ members × criteria) says how much is missing.
5. Priorities are ranked by total, highest first. Equal totals (to 9 decimal places) share
   a rank ("1, 2, 2, 4"); for a strict order, ties keep the order given (the order the
   priorities were raised). A priority with no scores has no total and no rank.
6. Sensitivity: in each of many random draws (seeded, so the same figures come back every
   time), every weight is multiplied by its own factor drawn uniformly from
   [1 − v, 1 + v] (v = 20% by default); totals and ranks are recomputed, and each priority's
   share of draws in which its rank is N or better ("stays in the top N") is counted,
   with its best and worst rank over the draws.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

SCORE_MIN, SCORE_MAX = 1, 5
SCALE_MAX = 100.0
DEFAULT_VARIATION = 0.20
DEFAULT_DRAWS = 10_000
MAX_DRAWS = 100_000
DEFAULT_TOP_N = 3
DEFAULT_SEED = 20260401
#: Totals equal to this many decimal places are ties (float noise must not split them).
TIE_DECIMALS = 9


def to_points(mean_scores):
    """A mean score on the 1-5 scale as points on the 0-100 scale (1 → 0, 3 → 50, 5 → 100)."""
    return (np.asarray(mean_scores, dtype=float) - SCORE_MIN) / (SCORE_MAX - SCORE_MIN) * SCALE_MAX


def criterion_means(
    scores: pd.DataFrame, priorities: Sequence, criteria: Sequence[str]
) -> pd.DataFrame:
    """The mean score (1-5) of each priority on each criterion, over the members who scored.

    In: `scores` with columns priority, criterion, member, score (one row per score given;
    a cell a member has not scored has no row). `priorities` (ids) and `criteria` (codes)
    give the order of rows and columns; scores of anything else are ignored.
    Out: DataFrame indexed by priority with one column per criterion code: the mean of the
    scores given, NaN where nobody has scored yet.
    """
    empty = pd.DataFrame(np.nan, index=pd.Index(list(priorities)), columns=list(criteria))
    if scores.empty:
        return empty
    known = scores[scores["priority"].isin(empty.index) & scores["criterion"].isin(criteria)]
    means = known.groupby(["priority", "criterion"])["score"].mean().unstack("criterion")
    return means.reindex(index=empty.index, columns=empty.columns).astype(float)


def score_counts(scores: pd.DataFrame, priorities: Sequence, criteria: Sequence[str]):
    """How many scores each priority has on each criterion.

    In: `scores` as for criterion_means. Out: DataFrame of integers, indexed by priority,
    one column per criterion code (0 where nobody has scored)."""
    index = pd.Index(list(priorities))
    if scores.empty:
        return pd.DataFrame(0, index=index, columns=list(criteria))
    known = scores[scores["priority"].isin(index) & scores["criterion"].isin(criteria)]
    counts = known.groupby(["priority", "criterion"]).size().unstack("criterion")
    return counts.reindex(index=index, columns=list(criteria)).fillna(0).astype(int)


def _weight_vector(weights: pd.Series, codes: Sequence[str]) -> np.ndarray:
    missing = [code for code in codes if code not in weights.index]
    if missing:
        raise ValueError(f"no weight for criteria {', '.join(missing)}")
    vector = weights.reindex(list(codes)).to_numpy(dtype=float)
    if not np.isfinite(vector).all() or (vector < 0).any():
        raise ValueError("weights must be finite and not negative")
    if len(vector) and not (vector > 0).any():
        raise ValueError("at least one weight must be more than zero")
    return vector


def weighted_totals(means: pd.DataFrame, weights: pd.Series) -> pd.DataFrame:
    """Weighted totals on the 0-100 scale, and what each criterion contributes to them.

    In: `means` from criterion_means; `weights`, a Series criterion code → weight (not
    negative, at least one positive; relative, so they need not add up to anything).
    Out: DataFrame indexed as `means`: `total` (0-100; NaN when no criterion with weight
    has a score), `weight_scored` (share of the total weight carried by criteria that have
    scores, 0-1) and, per criterion, `contribution:<code>` (points it adds to the total:
    w_c × points_c / Σ w over scored criteria; NaN where unscored; they add up to `total`).
    """
    codes = list(means.columns)
    w = _weight_vector(weights, codes)
    points = to_points(means.to_numpy(dtype=float))
    scored = ~np.isnan(points)
    covered = scored.astype(float) @ w
    with np.errstate(invalid="ignore", divide="ignore"):
        contributions = np.where(scored, points * w, np.nan) / covered[:, None]
    contributions[covered == 0] = np.nan
    total = np.where(covered > 0, np.nansum(contributions, axis=1), np.nan)
    result = pd.DataFrame(
        {"total": total, "weight_scored": covered / w.sum() if w.sum() else np.nan},
        index=means.index,
    )
    for i, code in enumerate(codes):
        result[f"contribution:{code}"] = contributions[:, i]
    return result


def rank_priorities(totals: pd.Series) -> pd.DataFrame:
    """Ranks from weighted totals, highest first, with deterministic tie-breaking.

    In: Series of totals indexed by priority, in the order that breaks ties (the order the
    priorities were raised); NaN means not scored.
    Out: DataFrame with the same index: `rank` (1 = highest; equal totals to 9 decimal
    places share the best rank and the next rank is skipped, "1, 2, 2, 4"; NaN when not
    scored), `position` (1…n, a strict order: total descending, ties in the given order,
    unscored last in the given order) and `tied` (its total equals another priority's).
    """
    rounded = totals.astype(float).round(TIE_DECIMALS)
    rank = rounded.rank(method="min", ascending=False)
    key = np.where(rounded.isna(), np.inf, -rounded.to_numpy())
    order = np.argsort(key, kind="stable")
    position = np.empty(len(order), dtype=int)
    position[order] = np.arange(1, len(order) + 1)
    tied = rounded.notna() & rounded.duplicated(keep=False)
    return pd.DataFrame(
        {"rank": rank, "position": position, "tied": tied.to_numpy()}, index=totals.index
    )


def completeness(counts: pd.DataFrame, members: int) -> pd.DataFrame:
    """How complete the scoring of each priority is.

    In: `counts` from score_counts; `members`, the number of panel members.
    Out: DataFrame indexed as `counts`: `scores_given`, `scores_expected` (members ×
    criteria) and `completeness` (given ÷ expected, 0-1; NaN when nothing is expected)."""
    given = counts.sum(axis=1).astype(int)
    expected = int(members) * counts.shape[1]
    share = given / expected if expected else pd.Series(np.nan, index=counts.index)
    return pd.DataFrame(
        {"scores_given": given, "scores_expected": expected, "completeness": share},
        index=counts.index,
    )


def ranking_table(
    scores: pd.DataFrame, priorities: Sequence, weights: pd.Series, members: int
) -> pd.DataFrame:
    """The whole ranking: means, totals, contributions, ranks and completeness.

    In: `scores` (priority, criterion, member, score), `priorities` (ids in the order that
    breaks ties), `weights` (criterion code → weight, in the criteria's display order) and
    the number of panel `members`.
    Out: DataFrame indexed by priority, sorted by `position`, with columns `mean:<code>`,
    `total`, `weight_scored`, `contribution:<code>`, `rank`, `position`, `tied`,
    `scores_given`, `scores_expected` and `completeness`.
    """
    codes = list(weights.index)
    means = criterion_means(scores, priorities, codes)
    totals = weighted_totals(means, weights)
    ranks = rank_priorities(totals["total"])
    done = completeness(score_counts(scores, priorities, codes), members)
    table = pd.concat([means.add_prefix("mean:"), totals, ranks, done], axis=1)
    return table.sort_values("position", kind="stable")


def competition_ranks(totals: np.ndarray) -> np.ndarray:
    """Ranks within each row of a draws × priorities array, highest first, equal values
    sharing the best rank (1, 2, 2, 4). Vectorised: one sort per row, no Python loop."""
    order = np.argsort(-totals, axis=1, kind="stable")
    ordered = np.take_along_axis(totals, order, axis=1)
    positions = np.broadcast_to(np.arange(totals.shape[1]), totals.shape)
    starts = np.ones(totals.shape, dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    first = np.maximum.accumulate(np.where(starts, positions, 0), axis=1)
    ranks = np.empty(totals.shape, dtype=np.int64)
    np.put_along_axis(ranks, order, first + 1, axis=1)
    return ranks


def weight_draws(weights, *, variation: float, draws: int, seed: int) -> np.ndarray:
    """Random weights: draws × criteria, each weight times its own factor drawn uniformly
    from [1 − variation, 1 + variation]. The same seed gives the same draws."""
    weights = np.asarray(weights, dtype=float)
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1.0 - variation, 1.0 + variation, size=(draws, weights.size))
    return factors * weights


def _check_sensitivity(variation: float, draws: int, top_n: int) -> None:
    if not 0 <= variation < 1:
        raise ValueError("the variation of the weights must be at least 0% and under 100%")
    if not 1 <= draws <= MAX_DRAWS:
        raise ValueError(f"the number of draws must be between 1 and {MAX_DRAWS:,}")
    if top_n < 1:
        raise ValueError("the top N must be at least 1")


def sensitivity(
    means: pd.DataFrame,
    weights: pd.Series,
    *,
    variation: float = DEFAULT_VARIATION,
    draws: int = DEFAULT_DRAWS,
    top_n: int = DEFAULT_TOP_N,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """How stable the ranking is when the weights vary.

    In: `means` (criterion_means) and `weights` as for weighted_totals; `variation` (0.2 =
    each weight varies within ±20%), `draws`, `top_n` and `seed`.
    Out: DataFrame indexed by the priorities that have a total (in the order of `means`;
    unscored ones have nothing to rank and are left out): `base_rank` (with the weights as
    set), `top_share` (share of draws, 0-1, in which its rank is `top_n` or better; ties
    share a rank, as in rank_priorities), `best_rank`, `worst_rank` and `median_rank` over
    the draws.
    """
    _check_sensitivity(variation, draws, top_n)
    w = _weight_vector(weights, list(means.columns))
    points = to_points(means.to_numpy(dtype=float))
    scored = ~np.isnan(points)
    rankable = (scored.astype(float) @ w) > 0
    points, scored = points[rankable], scored[rankable]
    index = means.index[rankable]
    columns = ["base_rank", "top_share", "best_rank", "worst_rank", "median_rank"]
    if not len(index):
        return pd.DataFrame(columns=columns, index=index, dtype=float)
    filled = np.where(scored, points, 0.0).T
    mask = scored.astype(float).T

    def ranks_for(weight_rows: np.ndarray) -> np.ndarray:
        totals = np.round((weight_rows @ filled) / (weight_rows @ mask), TIE_DECIMALS)
        return competition_ranks(totals)

    base = ranks_for(w[None, :])[0]
    ranks = ranks_for(weight_draws(w, variation=variation, draws=draws, seed=seed))
    return pd.DataFrame(
        {
            "base_rank": base.astype(int),
            "top_share": (ranks <= top_n).mean(axis=0),
            "best_rank": ranks.min(axis=0).astype(int),
            "worst_rank": ranks.max(axis=0).astype(int),
            "median_rank": np.median(ranks, axis=0),
        },
        index=index,
    )
