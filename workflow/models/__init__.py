from .evaluation import CRITERIA, SopEvaluation, SopMonitoring
from .mail import OutgoingMail
from .organisation import ActingAssignment, Agency, DayOff, Employee, LocalGovernment, Position, Unit
from .reminder import SentReminder
from .run import Attachment, Disposition, Run, RunStep
from .sop import Executor, Sop, SopListItem, SopVersion, Step, StepActor, StepExit, StepRequirement

__all__ = [
    "ActingAssignment",
    "Attachment",
    "DayOff",
    "Disposition",
    "Run",
    "RunStep",
    "Agency",
    "Employee",
    "Executor",
    "LocalGovernment",
    "OutgoingMail",
    "Position",
    "SentReminder",
    "Sop",
    "SopListItem",
    "SopVersion",
    "Step",
    "StepActor",
    "StepExit",
    "StepRequirement",
    "Unit",
    "CRITERIA",
    "SopEvaluation",
    "SopMonitoring",
]
