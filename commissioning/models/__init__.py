"""The shared core model that all four stages read."""

from .audit import AuditEvent
from .contracts import Contract, ContractStatus, PaymentModel
from .cycles import CommissioningCycle, CycleStatus, Finding, FindingStage, FindingStatus
from .geography import Area, AreaLevel
from .indicators import Indicator, IndicatorValue, Polarity
from .organisations import Organisation, OrganisationKind, ProviderSector
from .population import PersonRecord, PopulationSnapshot, SnapshotStatus
from .runs import Run, RunStatus
from .segmentation import Segment, SegmentationModel
from .tokens import ApiToken
from .users import Role, User

__all__ = [
    "ApiToken",
    "Area",
    "AreaLevel",
    "AuditEvent",
    "CommissioningCycle",
    "Contract",
    "ContractStatus",
    "CycleStatus",
    "Finding",
    "FindingStage",
    "FindingStatus",
    "Indicator",
    "IndicatorValue",
    "Organisation",
    "OrganisationKind",
    "PaymentModel",
    "PersonRecord",
    "Polarity",
    "PopulationSnapshot",
    "ProviderSector",
    "Role",
    "Run",
    "RunStatus",
    "Segment",
    "SegmentationModel",
    "SnapshotStatus",
    "User",
]
