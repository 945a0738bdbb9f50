"""/healthz for load balancers and monitoring: is this process up and can it reach the
database? No login, no session, no cookies, never cached.

200 ``{"status": "ok"}`` when ``SELECT 1`` answers; 503 ``{"status": "fejl", ...}``
otherwise, naming only the failing part (never the error text, which may hold a host
name or user). Cheap enough to be polled every few seconds.
"""

from __future__ import annotations

import logging

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

log = logging.getLogger("delaftaler.healthz")


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        log.exception("Health check: databasen svarer ikke")
        return JsonResponse({"status": "fejl", "database": "svarer ikke"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
