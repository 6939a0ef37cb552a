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
from .publication import PUBLIC_KINDS, PUBLISHED_WHEN_SIGNED, Publication

__all__ = [
    "DocumentKind",
    "SignedDocument",
    "DocumentRequest",
    "WorkerHeartbeat",
    "Publication",
    "PUBLIC_KINDS",
    "PUBLISHED_WHEN_SIGNED",
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
