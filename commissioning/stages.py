"""The four stages of the commissioning cycle, as the navigation and landing pages show them."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@dataclass(frozen=True)
class Stage:
    app: str
    number: int
    short_name: str
    title: str
    description: str
    steps: tuple[str, ...]

    @property
    def url_name(self) -> str:
        return f"{self.app}:landing"


STAGES = (
    Stage(
        "needs_assessment",
        1,
        "Needs assessment",
        "Understanding the context",
        "The Integrated Needs Assessment from linked, person-level data: segmentation, risk "
        "stratification, prevalence, activity and cost by place and neighbourhood, and "
        "inequalities.",
        (
            "Load a person-level dataset",
            "Segment and risk-stratify the population",
            "Read the Integrated Needs Assessment and record findings",
        ),
    ),
    Stage(
        "strategy",
        2,
        "Strategy",
        "Developing the long-term strategy",
        "A five-year Population Health Improvement Plan: priorities chosen by a transparent, "
        "weighted method, and measurable outcomes with frozen baselines and yearly "
        "trajectories.",
        (
            "Raise priorities from needs assessment findings",
            "Score and rank priorities with a panel",
            "Set outcomes, baselines and trajectories",
        ),
    ),
    Stage(
        "payor",
        3,
        "Resource allocation",
        "Delivering through resource allocation",
        "Allocations and programme budgets over five years, contracts and payment models, "
        "resource-shift scenarios with provider impact, Provider Selection Regime decisions "
        "and committees.",
        (
            "Plan allocations and programme budgets",
            "Manage contracts and payment models",
            "Model shifts from hospital to community",
        ),
    ),
    Stage(
        "evaluation",
        4,
        "Evaluation",
        "Evaluating impact",
        "Outcomes against baseline and trajectory, statistical process control charts, "
        "intervention evaluation, contract performance and feedback that feeds the next "
        "cycle.",
        (
            "Track outcomes against trajectories",
            "Read SPC charts and icons",
            "Evaluate interventions and record findings",
        ),
    ),
)
STAGES_BY_APP = {stage.app: stage for stage in STAGES}


def render_stage_landing(request: HttpRequest, app: str, extra: dict | None = None) -> HttpResponse:
    """The landing page of a stage: what it is for and what can be done in it."""
    from commissioning.queries import current_cycle

    stage = STAGES_BY_APP[app]
    context = {
        "stage": stage,
        "cycle": current_cycle(request.user),
        "breadcrumbs": [("Home", "home")],
        **(extra or {}),
    }
    return render(request, "commissioning/stage_landing.html", context)
