from .organisation import Agency, Employee, LocalGovernment, Position, Unit
from .sop import Executor, Sop, SopListItem, SopVersion, Step, StepRequirement

__all__ = [
    "Agency",
    "Employee",
    "Executor",
    "LocalGovernment",
    "Position",
    "Sop",
    "SopListItem",
    "SopVersion",
    "Step",
    "StepRequirement",
    "Unit",
]
