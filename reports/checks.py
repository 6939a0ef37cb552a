"""Deployment checks for signing: verification needs the CA certificates that issue the signers'."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def trust_roots_are_configured(app_configs, **kwargs):
    """Without trust roots even a genuine original cannot be confirmed on the verification page."""
    roots = settings.SIGNING_TRUST_ROOTS
    if not roots:
        return [
            Warning(
                "SIGNING_TRUST_ROOTS is empty: the verification page cannot confirm any signed document.",
                hint="List the PEM certificates of the CAs that issue your signers' certificates (e.g. BSrE's chain).",
                id="sopkinerja.W001",
            )
        ]
    return [
        Error(
            f"SIGNING_TRUST_ROOTS names {path}, which is not a readable file.",
            hint="Point it at the CA certificate (PEM) that issues your signers' certificates.",
            id="sopkinerja.E001",
        )
        for path in roots
        if not Path(path).is_file()
    ]
