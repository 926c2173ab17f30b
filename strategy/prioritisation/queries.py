"""Reads of the prioritisation, every one scoped through `commissioning.access`.

`ranking` builds the frames the pure arithmetic (analysis.py) needs from the database
and returns what a page or the API shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from django.db.models import Count, Prefetch, QuerySet

from commissioning import access
from commissioning.models import Area, AreaLevel, Finding, FindingStage, FindingStatus, Segment
from needs_assessment.models import INAStatus, NeedsAssessment, NeedsProfile, ProfileAggregate
from strategy.models import Criterion, PanelMember, Priority, Score, Strategy
from strategy.prioritisation import analysis

COHORT_LEVELS = (AreaLevel.ICB, AreaLevel.PLACE, AreaLevel.NEIGHBOURHOOD)
CORE20 = "Core20"


def strategy_or_404(user, pk: int) -> Strategy:
    """A strategy the user may see, or 404."""
    return access.get_visible_or_404(
        user, Strategy.objects.select_related("icb", "cycle", "area", "needs_assessment"), pk=pk
    )


def priorities_of(user, strategy: Strategy) -> QuerySet:
    """The strategy's priorities in the order raised, with their findings and cohort."""
    findings = Finding.objects.select_related("ina_link__assessment").order_by("pk")
    return (
        access.visible_to(user, Priority)
        .filter(strategy=strategy)
        .select_related("segment", "area")
        .prefetch_related(Prefetch("findings", queryset=findings))
        .order_by("pk")
    )


def priority_or_404(user, strategy: Strategy, pk: int) -> Priority:
    return access.get_visible_or_404(user, priorities_of(user, strategy), pk=pk)


def criteria_of(strategy: Strategy) -> list[Criterion]:
    return list(Criterion.objects.filter(strategy=strategy).order_by("order", "pk"))


def panel_of(strategy: Strategy) -> list[PanelMember]:
    """The panel with how many scores each member has given."""
    return list(
        PanelMember.objects.filter(strategy=strategy)
        .select_related("user", "organisation")
        .annotate(scores_given=Count("scores"))
        .order_by("name", "pk")
    )


def seat_of(user, strategy: Strategy) -> PanelMember | None:
    """The user's own seat on the strategy's panel, if they have one."""
    if not user.is_authenticated:
        return None
    return PanelMember.objects.filter(strategy=strategy, user=user).first()


def member_or_404(user, strategy: Strategy, pk: int) -> PanelMember:
    members = PanelMember.objects.filter(strategy=strategy).select_related(
        "user", "organisation", "strategy"
    )
    return access.get_visible_or_404(user, members, pk=pk)


def member_scores(member: PanelMember) -> dict[tuple[int, int], Score]:
    """A member's scores by (priority id, criterion id)."""
    return {(s.priority_id, s.criterion_id): s for s in Score.objects.filter(member=member)}


def visible_scores(user, strategy: Strategy | None = None) -> QuerySet:
    """Scores with their rationales (of one strategy, or of every strategy the user can
    see): ICB staff see every member's; anyone else (a provider or partner on the panel)
    only the scores of their own seat."""
    scores = access.visible_to(user, Score)
    if strategy is not None:
        scores = scores.filter(priority__strategy=strategy)
    if access.is_icb_staff(user) or access.is_administrator(user):
        return scores
    return scores.filter(member__user=user)


def approved_findings(user, strategy: Strategy) -> QuerySet:
    """Approved needs assessment findings of the strategy's ICB: what priorities rest on.
    Those of the strategy's own INA come first, then the newest."""
    return (
        access.visible_to(user, Finding)
        .filter(
            stage=FindingStage.NEEDS_ASSESSMENT,
            status=FindingStatus.APPROVED,
            cycle__icb_id=strategy.icb_id,
        )
        .select_related("cycle", "ina_link__assessment")
        .order_by("-cycle__financial_year", "ina_link__section", "pk")
    )


def readable_assessments(user) -> set[int]:
    """Ids of the INA versions the user may open (to link a finding to its section)."""
    return set(access.visible_to(user, NeedsAssessment).values_list("pk", flat=True))


def cohort_areas(strategy: Strategy) -> QuerySet:
    return Area.objects.filter(icb_id=strategy.icb_id, level__in=COHORT_LEVELS).order_by(
        "level", "name"
    )


def cohort_segments(user, strategy: Strategy) -> QuerySet:
    """Segments to choose a cohort from: the needs profile's segmentation model's, or
    every model the user can see when the strategy has no profile yet."""
    segments = access.visible_to(user, Segment).select_related("model")
    profile = profile_of(strategy)
    if profile is not None:
        segments = segments.filter(model_id=profile.segmentation_model_id)
    return segments.order_by("model__name", "priority")


def profile_of(strategy: Strategy) -> NeedsProfile | None:
    """The needs profile behind the strategy: its INA's, or its cycle's approved INA's."""
    if strategy.needs_assessment_id:
        return strategy.needs_assessment.profile
    approved = (
        NeedsAssessment.objects.filter(cycle_id=strategy.cycle_id, status=INAStatus.APPROVED)
        .select_related("profile")
        .first()
    )
    return approved.profile if approved else None


def cohort_size(
    strategy: Strategy, *, segment: Segment | None, area: Area | None, group: str
) -> int | None:
    """People in a cohort, from the needs profile's aggregates, where the profile has the
    figure: `segment_people` for a segment in the area, `people` for the whole area, and
    the Core20 denominator for the Core20 group. None when it cannot say (no profile, a
    segment of another model, or a combination the profile does not break down)."""
    profile = profile_of(strategy)
    if profile is None:
        return None
    group = (group or "").strip()
    area = area or strategy.area
    rows = ProfileAggregate.objects.filter(profile=profile, area=area)
    if segment is not None and not group:
        row = rows.filter(measure="segment_people", breakdown="segment", category=segment.code)
        value = row.values_list("value", flat=True).first()
    elif segment is None and not group:
        value = rows.filter(measure="people", breakdown="").values_list("value", flat=True).first()
    elif segment is None and group.lower() == CORE20.lower():
        core20 = rows.filter(measure__startswith="prevalence:", breakdown="core20", category=CORE20)
        value = core20.values_list("denominator", flat=True).first()
    else:
        value = None
    return None if value is None else int(round(value))


@dataclass
class RankingSettings:
    top_n: int = analysis.DEFAULT_TOP_N
    variation: float = analysis.DEFAULT_VARIATION
    draws: int = analysis.DEFAULT_DRAWS
    seed: int = analysis.DEFAULT_SEED


@dataclass
class RankedPriority:
    priority: Priority
    total: float | None
    rank: int | None
    position: int
    tied: bool
    scores_given: int
    scores_expected: int
    completeness: float | None
    means: list[tuple[Criterion, float | None]]
    contributions: list[tuple[Criterion, float | None]]
    top_share: float | None = None
    best_rank: int | None = None
    worst_rank: int | None = None

    @property
    def top_share_percent(self) -> float | None:
        return None if self.top_share is None else self.top_share * 100

    @property
    def completeness_percent(self) -> float | None:
        return None if self.completeness is None else self.completeness * 100


@dataclass
class Ranking:
    strategy: Strategy
    criteria: list[Criterion]
    members: int
    settings: RankingSettings
    rows: list[RankedPriority] = field(default_factory=list)
    problem: str = ""

    @property
    def ranked(self) -> list[RankedPriority]:
        return [row for row in self.rows if row.rank is not None]

    @property
    def scores_given(self) -> int:
        return sum(row.scores_given for row in self.rows)

    @property
    def scores_expected(self) -> int:
        return self.members * len(self.criteria) * len(self.rows)

    @property
    def completeness_percent(self) -> float | None:
        expected = self.scores_expected
        return self.scores_given / expected * 100 if expected else None

    @property
    def total_weight(self):
        return sum(c.weight for c in self.criteria)


def scores_frame(strategy: Strategy) -> pd.DataFrame:
    """Every score of the strategy: columns priority (id), criterion (code), member (id),
    score (1-5)."""
    rows = Score.objects.filter(priority__strategy=strategy).values_list(
        "priority_id", "criterion__code", "member_id", "score"
    )
    return pd.DataFrame(list(rows), columns=["priority", "criterion", "member", "score"])


def _number(value) -> float | None:
    return None if pd.isna(value) else float(value)


def ranking(user, strategy: Strategy, settings: RankingSettings | None = None) -> Ranking:
    """The weighted totals, ranks, contributions, completeness and sensitivity of the
    strategy's priorities (for a page or the API; combined figures only, no member's
    individual scores)."""
    settings = settings or RankingSettings()
    criteria = criteria_of(strategy)
    priorities = list(priorities_of(user, strategy))
    members = PanelMember.objects.filter(strategy=strategy).count()
    result = Ranking(strategy, criteria, members, settings)
    if not priorities:
        return result
    if not criteria or not any(c.weight > 0 for c in criteria):
        result.problem = "The method has no criteria with a weight above zero yet."
        return result
    weights = pd.Series({c.code: float(c.weight) for c in criteria})
    scores = scores_frame(strategy)
    table = analysis.ranking_table(scores, [p.pk for p in priorities], weights, members)
    means = analysis.criterion_means(scores, [p.pk for p in priorities], list(weights.index))
    spread = analysis.sensitivity(
        means,
        weights,
        variation=settings.variation,
        draws=settings.draws,
        top_n=settings.top_n,
        seed=settings.seed,
    )
    by_id = {p.pk: p for p in priorities}
    for pk, row in table.iterrows():
        ranked = RankedPriority(
            priority=by_id[pk],
            total=_number(row["total"]),
            rank=None if pd.isna(row["rank"]) else int(row["rank"]),
            position=int(row["position"]),
            tied=bool(row["tied"]),
            scores_given=int(row["scores_given"]),
            scores_expected=int(row["scores_expected"]),
            completeness=_number(row["completeness"]),
            means=[(c, _number(row[f"mean:{c.code}"])) for c in criteria],
            contributions=[(c, _number(row[f"contribution:{c.code}"])) for c in criteria],
        )
        if pk in spread.index:
            ranked.top_share = float(spread.at[pk, "top_share"])
            ranked.best_rank = int(spread.at[pk, "best_rank"])
            ranked.worst_rank = int(spread.at[pk, "worst_rank"])
        result.rows.append(ranked)
    return result
