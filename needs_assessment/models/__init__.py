"""Models of stage 1, understanding the context (the Integrated Needs Assessment)."""

from .documents import (
    INASection,
    INAStatus,
    NeedsAssessment,
    NeedsAssessmentFinding,
    NeedsAssessmentSection,
)
from .insight import InsightRecord, InsightSource
from .profiles import Comparison, NeedsProfile, ProfileAggregate, ProfileStatus
from .uploads import DataUpload, UploadKind, UploadStatus

__all__ = [
    "Comparison",
    "DataUpload",
    "INASection",
    "INAStatus",
    "InsightRecord",
    "InsightSource",
    "NeedsAssessment",
    "NeedsAssessmentFinding",
    "NeedsAssessmentSection",
    "NeedsProfile",
    "ProfileAggregate",
    "ProfileStatus",
    "UploadKind",
    "UploadStatus",
]
