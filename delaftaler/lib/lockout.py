"""django-axes' hooks: the page shown when a login is locked out
(settings.AXES_LOCKOUT_CALLABLE) and the user name it records (AXES_USERNAME_CALLABLE)."""

from __future__ import annotations

import math

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

# Django's login form does not enforce the user name's max_length (150), so any length
# reaches axes, whose AccessAttempt.username holds 255: longer is a database error on
# PostgreSQL. No real user name is longer than 150, so cutting there merges no two users.
MAKS_BRUGERNAVN = 150


def brugernavn(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The user name as axes reads it by default (credentials, else the POST), cut short."""
    felt = str(settings.AXES_USERNAME_FORM_FIELD)
    if credentials:
        navn = credentials.get(felt)
    else:
        navn = getattr(request, "data", request.POST).get(felt)
    return navn[:MAKS_BRUGERNAVN] if isinstance(navn, str) else navn


def spaerret_svar(
    request: HttpRequest, original_response=None, credentials: dict | None = None
) -> HttpResponse:
    """Danish, with when to try again. Every attempt while locked out starts the cool-off
    again (axes' AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT), so it ends a cool-off
    from now."""
    pause = get_cool_off(request)
    kontekst = {"forsoeg": get_failure_limit(request, credentials)}
    if pause:
        kontekst["minutter"] = max(1, math.ceil(pause.total_seconds() / 60))
        kontekst["igen"] = timezone.localtime(timezone.now() + pause)
    return render(request, "axes/spaerret.html", kontekst, status=settings.AXES_HTTP_RESPONSE_CODE)
