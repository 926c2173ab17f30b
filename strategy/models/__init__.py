"""Models of stage 2, the five-year Population Health Improvement Plan (PHIP)."""

from .engagement import EngagementActivity
from .interventions import CarePathway, EvidenceStrength, Intervention, PathwayStage
from .outcomes import Outcome, OutcomeDomain, TrajectoryProfile
from .prioritisation import Criterion, PanelMember, Priority, Score
from .strategies import (
    Strategy,
    StrategyApproval,
    StrategyComment,
    StrategyLevel,
    StrategyShare,
    StrategyStatus,
    StrategyVersion,
)

__all__ = [
    "CarePathway",
    "Criterion",
    "EngagementActivity",
    "EvidenceStrength",
    "Intervention",
    "Outcome",
    "OutcomeDomain",
    "PanelMember",
    "PathwayStage",
    "Priority",
    "Score",
    "Strategy",
    "StrategyApproval",
    "StrategyComment",
    "StrategyLevel",
    "StrategyShare",
    "StrategyStatus",
    "StrategyVersion",
    "TrajectoryProfile",
]
