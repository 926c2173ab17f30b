"""Pure analysis for stage 1 (no ORM, no database): DataFrames in, DataFrames and
dataclasses out. Each function's docstring lists the columns it reads and returns.

Risk stratification "by complexity and forecast resource":

    features = build_features(people)                    # one period's person rows
    result = train_risk_models(earlier, later, seed=1)   # held-out AUC, calibration, fairness
    scores = score(result, latest)                       # emergency_risk, predicted_cost
    tiered = assign_risk_tiers(scores, by="cost")        # Top 0.5%, Next 4.5%, ...
    matrix = segment_tier_matrix(latest.assign(segment=..., tier=tiered["tier"]))
    result.to_dict()                                     # JSON for the run record
"""

from needs_assessment.analysis.features import MODEL_FEATURES, PERSON_COLUMNS, build_features
from needs_assessment.analysis.metrics import AucEstimate, delong_auc, records
from needs_assessment.analysis.risk import (
    MAX_TRAINING_ROWS,
    CostMetrics,
    EmergencyMetrics,
    Linkage,
    RiskModelResult,
    score,
    train_risk_models,
)
from needs_assessment.analysis.tiers import (
    DEFAULT_CUTS,
    assign_risk_tiers,
    segment_tier_matrix,
    tier_labels,
)

__all__ = [
    "DEFAULT_CUTS",
    "MAX_TRAINING_ROWS",
    "MODEL_FEATURES",
    "PERSON_COLUMNS",
    "AucEstimate",
    "CostMetrics",
    "EmergencyMetrics",
    "Linkage",
    "RiskModelResult",
    "assign_risk_tiers",
    "build_features",
    "delong_auc",
    "records",
    "score",
    "segment_tier_matrix",
    "tier_labels",
    "train_risk_models",
]
