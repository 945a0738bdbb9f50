"""Rendering and sending the e-mails: Danish subject, plain text and HTML, absolute links.

Each e-mail is rendered from ``templates/notifikationer/<skabelon>.txt`` and ``.html``
(both extend ``_mail.txt`` / ``_mail.html``, whose footer says why the person gets it and
links to their settings). Sending goes one message per recipient over one connection; if
the mail server fails, the recipients not yet reached are returned so the task can try
them again later, and nobody gets the same e-mail twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse

from delaftaler.lib.formatting import brugernavn
from delaftaler.models import Helhedsplan, NotifikationArt
from delaftaler.notifikationer.modtagere import HVORFOR

logger = logging.getLogger(__name__)


def absolut(navn: str, *args) -> str:
    """An address on the site, absolute (``settings.SIDE_ADRESSE``), for e-mails."""
    return settings.SIDE_ADRESSE + reverse(navn, args=args)


@dataclass
class Besked:
    """One e-mail about one event, rendered for each recipient."""

    art: str
    plan: Helhedsplan
    emne: str
    skabelon: str
    kontekst: dict = field(default_factory=dict)
    # The link to where the work is, when it depends on the recipient's role.
    link_for: Callable[[object], str] | None = None
    # The plans named in the footer, when the e-mail is about more than ``plan``.
    plannavne: str = ""

    def til(self, modtager) -> EmailMultiAlternatives:
        kontekst = {
            **self.kontekst,
            "emne": self.emne,
            "modtager": brugernavn(modtager),
            "hvorfor": HVORFOR[self.art].format(plan=self.plannavne or self.plan.navn),
            "art_tekst": NotifikationArt(self.art).label,
            "valg_url": absolut("delaftaler:notifikationsvalg"),
        }
        if self.link_for is not None:
            kontekst["link"] = self.link_for(modtager)
        tekst = render_to_string(f"notifikationer/{self.skabelon}.txt", kontekst)
        html = render_to_string(f"notifikationer/{self.skabelon}.html", kontekst)
        besked = EmailMultiAlternatives(
            subject=self.emne,
            body=tekst,
            to=[formataddr((brugernavn(modtager), modtager.email))],
        )
        besked.attach_alternative(html, "text/html")
        return besked


def send(beskeder: list[tuple[object, EmailMultiAlternatives]]) -> list[int]:
    """Send each recipient's message; returns the ids of those not reached (the one the
    server failed on and the rest) for another try, or [] when all went out."""
    if not beskeder:
        return []
    sendt = 0
    try:
        with get_connection() as forbindelse:
            for _, besked in beskeder:
                forbindelse.send_messages([besked])
                sendt += 1
    except OSError:  # smtplib.SMTPException is an OSError
        logger.warning("E-mail kunne ikke sendes; prøves igen senere", exc_info=True)
        return [modtager.pk for modtager, _ in beskeder[sendt:]]
    return []
