"""Telegram's webhook: the bot's updates, for a server that does not poll (manage.py telegram_poll).
Telegram sends the secret set with setWebhook in X-Telegram-Bot-Api-Secret-Token; anything without
it is refused, and a body that is not an update is a logged 400, never a 500."""

import hmac
import json
import logging

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from workflow.organisation.contacts import telegram_update_handle

logger = logging.getLogger("sopkinerja.notifications")


@csrf_exempt  # Telegram cannot send a CSRF token; the secret header stands in for it
@require_POST
def telegram_webhook(request):
    secret = settings.TELEGRAM_WEBHOOK_SECRET
    if not secret:
        raise Http404
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        logger.warning("telegram webhook: a request without the right secret token")
        return HttpResponseForbidden()
    try:
        update = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        update = None
    if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
        logger.warning("telegram webhook: a body that is not an update (%d bytes)", len(request.body))
        return HttpResponseBadRequest("not a Telegram update")
    telegram_update_handle(update=update)
    return HttpResponse("ok")
