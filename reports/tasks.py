"""Background tasks. The document task lives with its service (reports.document_services), so that
module does not import this one back; it is named here for the worker and for readers."""

from reports.document_services import render_document

__all__ = ["render_document"]
