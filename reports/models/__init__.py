"""The tables of performance data (performance.py) and of documents (documents.py). Lower layers
import the submodule they need; this package gathers both for Django and the upper layers."""

from .documents import DocumentKind, DocumentRequest, SignedDocument, WorkerHeartbeat
from .performance import (
    NON_NEGATIVE,
    QUARTER_VALIDATORS,
    Evidence,
    EvidenceRemoval,
    Indicator,
    Objective,
    RatingBand,
    Realisation,
    Target,
    TargetLock,
    UnitSubmission,
    evidence_path,
)

__all__ = [
    "DocumentKind",
    "SignedDocument",
    "DocumentRequest",
    "WorkerHeartbeat",
    "QUARTER_VALIDATORS",
    "NON_NEGATIVE",
    "RatingBand",
    "Objective",
    "Indicator",
    "Target",
    "Realisation",
    "UnitSubmission",
    "TargetLock",
    "evidence_path",
    "Evidence",
    "EvidenceRemoval",
]
