"""API tokens: create, revoke, find by the secret an integration sends, and record its writes.

A token's validity is read from the database on every request (no cache), so a revoked token is
refused at once. Its last use is written at most once a minute, by one conditional UPDATE.
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from workflow.models.integration import ApiToken, ApiWrite

logger = logging.getLogger("sopkinerja.api")

LAST_USED_EVERY = datetime.timedelta(minutes=1)


@transaction.atomic
def api_token_create(
    *, name: str, scopes: list[str], created_by, agency=None, local_government=None, acts_as=None
) -> tuple[ApiToken, str]:
    """A new token and its whole secret, which is shown once and never stored."""
    token = ApiToken(
        name=name,
        scopes=list(scopes),
        agency=agency,
        local_government=local_government,
        acts_as=acts_as,
        created_by=created_by,
    )
    secret = token.new_secret()
    token.full_clean()
    token.save()
    logger.info("API token %s created by %s", token.name, created_by)
    return token, secret


def api_token_revoke(*, token: ApiToken, now: datetime.datetime | None = None) -> ApiToken:
    """Revoke the token: its next request is refused. Revoking twice keeps the first time."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now or timezone.now())
    token.refresh_from_db(fields=["revoked_at"])
    logger.info("API token %s revoked", token.name)
    return token


def api_token_find(presented: str, now: datetime.datetime | None = None) -> ApiToken | None:
    """The live token whose secret was presented ("prefix.secret"), or None: unknown, wrong secret or
    revoked are alike to the caller. Notes its use, at most once a minute."""
    prefix, dot, secret = presented.partition(".")
    if not dot or not prefix or not secret or len(prefix) > 16 or len(secret) > 200:
        return None
    token = ApiToken.objects.select_related("agency", "local_government", "acts_as").filter(prefix=prefix).first()
    if token is None or token.revoked or not token.matches(secret):
        return None
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        stale = ApiToken.objects.filter(pk=token.pk).exclude(last_used_at__gt=now - LAST_USED_EVERY)
        stale.update(last_used_at=now)
        token.last_used_at = now
    return token


def api_write_record(*, token: ApiToken, agency, action: str, outcome: str, detail: str = "") -> ApiWrite:
    """The audit record of a write made with the token, with its name as it is now."""
    logger.info("API write by token %s: %s (%s)", token.name, action, outcome, extra={"agency": agency.slug})
    return ApiWrite.objects.create(
        token=token, token_name=token.name, agency=agency, action=action[:200], outcome=outcome, detail=detail
    )
