from .contact import ContactPoint, NotificationPreference
from .evaluation import CRITERIA, SopEvaluation, SopMonitoring
from .integration import ApiToken, ApiWrite, Scope
from .mail import Channel, OutgoingMail
from .organisation import ActingAssignment, Agency, DayOff, Employee, LocalGovernment, Position, Unit
from .reminder import SentReminder
from .run import Attachment, Disposition, Run, RunStep
from .sop import Executor, Sop, SopListItem, SopVersion, Step, StepActor, StepExit, StepRequirement

__all__ = [
    "ApiToken",
    "ApiWrite",
    "Scope",
    "ActingAssignment",
    "Attachment",
    "ContactPoint",
    "NotificationPreference",
    "DayOff",
    "Disposition",
    "Run",
    "RunStep",
    "Agency",
    "Employee",
    "Executor",
    "LocalGovernment",
    "OutgoingMail",
    "Channel",
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
