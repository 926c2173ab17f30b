"""What the prioritisation pages show, built from queries (the views stay thin): the
breadcrumbs and tabs, priorities with their evidence and cohort, and the scoring grid."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

from commissioning import access
from commissioning.disclosure import SUPPRESSED, controlled_count
from strategy.models import Criterion, PanelMember, Priority, Strategy
from strategy.prioritisation import queries, rules

SCORE_LABELS = {1: "1 Very low", 2: "2 Low", 3: "3 Moderate", 4: "4 High", 5: "5 Very high"}


def strategy_url(strategy: Strategy) -> str:
    """The strategy's own page (the strategies part's), or its priorities until it exists."""
    for name in ("strategy:strategy-detail", "strategy:detail"):
        try:
            return reverse(name, args=[strategy.pk])
        except NoReverseMatch:
            continue
    return reverse("strategy:priorities", args=[strategy.pk])


def crumbs(strategy: Strategy, *more: tuple[str, str]) -> list[tuple[str, str]]:
    return [
        ("Home", "home"),
        ("Strategy", "strategy:landing"),
        (strategy.title, strategy_url(strategy)),
        *more,
    ]


def tabs(user, strategy: Strategy, current: str) -> list[dict]:
    """The prioritisation pages of a strategy, as NHS.UK tabs-style links."""
    seat = queries.seat_of(user, strategy)
    items = [
        ("priorities", "Priorities", reverse("strategy:priorities", args=[strategy.pk])),
        ("method", "Method and weights", reverse("strategy:method", args=[strategy.pk])),
        ("panel", "Scoring panel", reverse("strategy:panel", args=[strategy.pk])),
    ]
    if seat is not None:
        items.append(
            ("scoring", "Your scores", reverse("strategy:scoring", args=[strategy.pk, seat.pk]))
        )
    items.append(("ranking", "Ranking", reverse("strategy:ranking", args=[strategy.pk])))
    return [
        {"key": key, "label": label, "url": url, "current": key == current}
        for key, label, url in items
    ]


def base_context(request, strategy: Strategy, current: str, *trail) -> dict:
    user = request.user
    return {
        "strategy": strategy,
        "tabs": tabs(user, strategy, current),
        "editable": rules.can_edit(user, strategy),
        "frozen": not rules.is_open(strategy),
        "frozen_message": rules.frozen_message(strategy),
        "breadcrumbs": crumbs(strategy, *trail),
        "period": period_label(strategy),
    }


def period_label(strategy: Strategy) -> str:
    """The plan's financial years, e.g. "2026/27 to 2030/31"."""
    first = strategy.first_year
    last = first + strategy.horizon_years - 1
    return f"{first}/{str(first + 1)[-2:]} to {last}/{str(last + 1)[-2:]}"


def cohort_text(priority: Priority) -> str:
    parts = []
    if priority.segment_id:
        parts.append(f"{priority.segment.name} segment")
    if priority.area_id:
        parts.append(priority.area.name)
    if priority.group:
        parts.append(priority.group)
    return " · ".join(parts) or "Everyone in the strategy area"


def cohort_size_text(size: int | None, *, controlled: bool) -> str:
    if size is None:
        return "Not known from the needs profile"
    value = controlled_count(size) if controlled else size
    if value == SUPPRESSED:
        return "Fewer than 8 people"
    return f"{value:,} people" + (" (rounded to the nearest 5)" if controlled else "")


@dataclass
class PriorityView:
    priority: Priority
    cohort: str
    cohort_size: str
    evidence: list[dict] = field(default_factory=list)


def priority_views(user, strategy: Strategy) -> list[PriorityView]:
    """Each priority with its cohort (size disclosure-controlled for providers and
    partners) and the findings it rests on, linked to their INA section where the user
    may read the INA."""
    controlled = access.needs_disclosure_control(user)
    readable = queries.readable_assessments(user)
    views = []
    for priority in queries.priorities_of(user, strategy):
        view = PriorityView(
            priority,
            cohort_text(priority),
            cohort_size_text(priority.cohort_size, controlled=controlled),
        )
        for finding in priority.findings.all():
            link = getattr(finding, "ina_link", None)
            url = None
            if link is not None and link.assessment_id in readable:
                base = reverse("needs_assessment:ina-detail", args=[link.assessment_id])
                url = f"{base}#findings-{link.section}"
            view.evidence.append(
                {
                    "finding": finding,
                    "url": url,
                    "section": link.get_section_display() if link else "",
                }
            )
        views.append(view)
    return views


@dataclass
class ScoreCell:
    criterion: Criterion
    score: int | None
    rationale: str
    errors: list[str] = field(default_factory=list)

    @property
    def score_label(self) -> str:
        """What the score means in words ("Very low" … "Very high")."""
        return SCORE_LABELS.get(self.score, "")[2:]


@dataclass
class ScoringRow:
    priority: Priority
    cells: list[ScoreCell]
    saved: bool = False

    @property
    def given(self) -> int:
        return sum(1 for cell in self.cells if cell.score is not None and not cell.errors)

    @property
    def has_errors(self) -> bool:
        return any(cell.errors for cell in self.cells)


def scoring_row(
    member: PanelMember,
    priority: Priority,
    criteria: list[Criterion],
    *,
    posted=None,
    errors: dict | None = None,
    saved: dict | None = None,
) -> ScoringRow:
    """One priority's block of the scoring grid: the member's saved scores (pass `saved`
    from queries.member_scores when building many), or what they posted with the errors of
    each criterion."""
    saved = queries.member_scores(member) if saved is None else saved
    cells = []
    for criterion in criteria:
        score = saved.get((priority.pk, criterion.pk))
        if posted is not None:
            raw = posted.get(f"score-{criterion.code}") or ""
            value = int(raw) if raw.isdigit() else None
            text = posted.get(f"rationale-{criterion.code}", "")
        else:
            value, text = (score.score, score.rationale) if score else (None, "")
        cells.append(ScoreCell(criterion, value, text, (errors or {}).get(criterion.code, [])))
    return ScoringRow(priority, cells)


def scoring_entries(posted, criteria: list[Criterion]) -> dict[str, tuple]:
    """The (score, rationale) pairs a scoring form posted, by criterion code."""
    return {
        c.code: (posted.get(f"score-{c.code}") or None, posted.get(f"rationale-{c.code}", ""))
        for c in criteria
    }
