"""A real SMTP server for a test module (aiosmtpd), and the e-mail settings that send to it.

    from tests.smtp import smtp_server, smtp  # noqa: F401 (fixtures)

``smtp_server`` runs once per module on 127.0.0.1 at a free port; ``smtp`` empties its
mailbox and points Django's SMTP backend at it for one test.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Modtaget:
    """One message as the server got it: the envelope's recipients and the parsed mail."""

    modtagere: list[str]
    besked: EmailMessage

    @property
    def emne(self) -> str:
        return " ".join(str(self.besked["Subject"]).split())

    def del_(self, indholdstype: str) -> str:
        dele = [d for d in self.besked.walk() if d.get_content_type() == indholdstype]
        assert len(dele) == 1, f"{indholdstype}: {len(dele)} dele"
        return dele[0].get_content()

    @property
    def tekst(self) -> str:
        return self.del_("text/plain")

    @property
    def html(self) -> str:
        return self.del_("text/html")


@dataclass
class Postkasse:
    """The aiosmtpd handler: keeps every message it receives."""

    beskeder: list[Modtaget] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:
        self.beskeder.append(
            Modtaget(
                list(envelope.rcpt_tos),
                message_from_bytes(envelope.original_content, policy=policy.default),
            )
        )
        return "250 Message accepted for delivery"

    def til(self) -> list[str]:
        """Every recipient address, sorted (one message per recipient)."""
        return sorted(a for b in self.beskeder for a in b.modtagere)

    def for_(self, adresse: str) -> list[Modtaget]:
        return [b for b in self.beskeder if adresse in b.modtagere]


def fri_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def smtp_server():
    postkasse = Postkasse()
    controller = Controller(postkasse, hostname="127.0.0.1", port=fri_port())
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


@pytest.fixture
def smtp(smtp_server, settings) -> Postkasse:
    """The module's server, empty, and Django sending to it through SMTP."""
    postkasse = smtp_server.handler
    postkasse.beskeder.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.hostname
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return postkasse
