"""Security events on the logger »delaftaler.sikkerhed«: logins, failed logins, logouts,
lockouts after too many failed logins (django-axes), and the follow-up workflow's steps
(delaftaler/opfoelgning/services.py logs those through ``haendelse``).

Who and from where, never a password: Django hands ``user_login_failed`` credentials with
the password already masked, and only the user name is taken from them. User names are
logged with ``%r`` so typed line breaks or control characters cannot forge log lines.
The client's address is read the way django-axes reads it, so the log and the lockouts
agree (behind a proxy, configure axes' ``AXES_CLIENT_IP_CALLABLE`` or django-ipware).

The receivers are connected when this module is imported (DelaftalerConfig.ready).
"""

from __future__ import annotations

import logging

from axes.helpers import get_client_ip_address
from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

log = logging.getLogger("delaftaler.sikkerhed")

MAKS_NAVN = 150


def _navn(tekst) -> str:
    return repr(str(tekst or "")[:MAKS_NAVN])


def _ip(request) -> str:
    if request is None or not hasattr(request, "META"):
        return "-"
    return get_client_ip_address(request) or "-"


def _brugernavn(bruger) -> str:
    return _navn(bruger.get_username()) if bruger is not None else "-"


@receiver(user_logged_in, dispatch_uid="sikkerhed_login")
def login(sender, request, user, **kwargs) -> None:
    log.info("Login: bruger=%s ip=%s", _brugernavn(user), _ip(request))


@receiver(user_login_failed, dispatch_uid="sikkerhed_login_fejlede")
def login_fejlede(sender, credentials, request=None, **kwargs) -> None:
    felt = get_user_model().USERNAME_FIELD
    brugernavn = (credentials or {}).get(felt) or (credentials or {}).get("username")
    log.warning("Login fejlede: bruger=%s ip=%s", _navn(brugernavn), _ip(request))


@receiver(user_logged_out, dispatch_uid="sikkerhed_logout")
def logout(sender, request, user, **kwargs) -> None:
    log.info("Logout: bruger=%s ip=%s", _brugernavn(user), _ip(request))


@receiver(user_locked_out, dispatch_uid="sikkerhed_spaerret")
def spaerret(sender, request, username, ip_address, **kwargs) -> None:
    log.warning(
        "Login spærret efter for mange mislykkede forsøg: bruger=%s ip=%s",
        _navn(username),
        ip_address or "-",
    )


def haendelse(handling: str, opfoelgning, bruger) -> None:
    """A step of the yearly follow-up's workflow (created, sent, approved, reopened)."""
    log.info(
        "Opfølgning %s: %s %s (id %s) af bruger=%s",
        handling,
        opfoelgning.delaftale,
        opfoelgning.aar,
        opfoelgning.pk,
        _brugernavn(bruger),
    )


def delaftale_haendelse(handling: str, delaftale, bruger, **detaljer) -> None:
    """A step of a delaftale's publication (published, submitted, approved, sent back)."""
    ekstra = " ".join(f"{k}={v}" for k, v in sorted(detaljer.items()))
    log.info(
        "Delaftale %s: %s (id %s) af bruger=%s %s",
        handling,
        delaftale,
        delaftale.pk,
        _brugernavn(bruger),
        ekstra,
    )


def egen_indsendelse_afvist(hvad: str, objekt, bruger) -> None:
    """Someone tried to decide on what he sent to the bestyrelse himself (four eyes)."""
    log.warning(
        "Afvist: bruger=%s forsøgte at tage stilling til %s, han selv har sendt til "
        "bestyrelsen: %s (id %s)",
        _brugernavn(bruger),
        hvad,
        objekt,
        objekt.pk,
    )
