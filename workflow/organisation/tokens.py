"""API tokens: create, revoke, find by the secret an integration sends, and record its writes.

A token's validity is read from the database on every request (no cache), so a revoked token is
refused at once. Its last use is written at most once a minute, by one conditional UPDATE.
"""

import datetime
import logging

from django.db import connection, transaction
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


def api_token_find(presented: str) -> ApiToken | None:
    """The live token whose secret was presented ("prefix.secret"), or None: unknown, wrong secret or
    revoked are alike to the caller."""
    prefix, dot, secret = presented.partition(".")
    if not dot or not prefix or not secret or len(prefix) > 16 or len(secret) > 200:
        return None
    token = ApiToken.objects.select_related("agency", "local_government", "acts_as").filter(prefix=prefix).first()
    if token is None or token.revoked or not token.matches(secret):
        return None
    return token


def api_token_count(token: ApiToken, *, window_seconds: int, now: datetime.datetime | None = None) -> int:
    """Count a request of the token in the current fixed window of `window_seconds` and return how many
    it has made in it, this one included; note its last use at most once a minute. One UPDATE … RETURNING
    (PostgreSQL, SQLite ≥ 3.35): two requests at once are counted one after the other on the row."""
    now = now or timezone.now()
    window = int(now.timestamp()) // window_seconds
    table = connection.ops.quote_name(ApiToken._meta.db_table)
    stamp = connection.ops.adapt_datetimefield_value  # as the ORM writes it (SQLite: UTC text)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET "
            "rate_count = CASE WHEN rate_window = %s THEN rate_count + 1 ELSE 1 END, rate_window = %s, "
            "last_used_at = CASE WHEN last_used_at IS NULL OR last_used_at <= %s THEN %s ELSE last_used_at END "
            "WHERE id = %s RETURNING rate_count",
            [window, window, stamp(now - LAST_USED_EVERY), stamp(now), token.pk],
        )
        row = cursor.fetchone()
    if row is None:  # deleted meanwhile
        return 0
    token.rate_count, token.rate_window = row[0], window
    return row[0]


def api_write_record(*, token: ApiToken, agency, action: str, outcome: str, detail: str = "") -> ApiWrite:
    """The audit record of a write made with the token, with its name as it is now."""
    logger.info("API write by token %s: %s (%s)", token.name, action, outcome, extra={"agency": agency.slug})
    return ApiWrite.objects.create(
        token=token, token_name=token.name, agency=agency, action=action[:200], outcome=outcome, detail=detail
    )
