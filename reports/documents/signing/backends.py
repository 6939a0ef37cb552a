"""Which backend an agency signs with, and the words its signing form uses.

The backends (local.py, bsre.py) implement the interface of base.py; this module chooses among them
by Agency.signing_backend, so that base.py needs neither.
"""

from typing import TYPE_CHECKING

from reports.documents.signing.base import SECRET_LABELS, SignerBackend
from reports.documents.signing.bsre import BsreBackend
from reports.documents.signing.local import LocalBackend

if TYPE_CHECKING:
    from workflow.models import Agency


def secret_label(agency: "Agency") -> str:
    """What the signing form asks for, in the words of the agency's backend."""
    backend = backend_for(agency)
    return str(SECRET_LABELS.get((backend.name, backend.secret_kind), SECRET_LABELS[("local", "passphrase")]))


# Agency.signing_backend → how to make its backend. A new backend (another esign service) is one
# class implementing base.SignerBackend and one entry here.
BACKENDS = {"local": LocalBackend, "bsre": BsreBackend.from_settings}


def backend_for(agency: "Agency") -> SignerBackend:
    """The backend this agency signs with (Agency.signing_backend; the local one when unknown)."""
    return BACKENDS.get(agency.signing_backend, LocalBackend)()
