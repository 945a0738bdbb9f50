"""People for the notification tests: each role in »Egen«, and others who must not get
its e-mails (another plan's board, someone inactive, without an address, opted out)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from delaftaler.models import NotifikationArt, Notifikationsfravalg
from delaftaler.roller import BESTYRELSE, LEDER, MEDARBEJDER
from tests.planer import Plan, plan_med_aar, uden_pdf, uden_pdf_imens
from tests.smtp import smtp, smtp_server  # noqa: F401 (fixtures)

SIDE = "https://delaftaler.eksempel.dk"


@dataclass
class Folk:
    egen: Plan
    anden: Plan
    sekretariat: object
    sekretariat2: object
    leder: object
    bestyrelse: object
    bestyrelse2: object
    fravalgt: object  # a board member who turned off the e-mails about what is sent
    uden_email: object
    inaktiv: object
    anden_bestyrelse: object
    anden_sekretariat: object


def person(navn: str, gruppe: str, *, email: bool = True, aktiv: bool = True):
    bruger = get_user_model().objects.create_user(
        navn,
        email=f"{navn}@example.org" if email else "",
        password="hemmelig-kode-123",
        is_staff=True,
        is_active=aktiv,
        first_name=navn.capitalize(),
    )
    bruger.groups.add(Group.objects.get(name=gruppe))
    return bruger


def byg_folk() -> Folk:
    with uden_pdf_imens():
        p = {
            "sekretariat": person("sekretariat", MEDARBEJDER),
            "sekretariat2": person("sekretariat2", MEDARBEJDER),
            "leder": person("leder", LEDER),
            "bestyrelse": person("bestyrelse", BESTYRELSE),
            "bestyrelse2": person("bestyrelse2", BESTYRELSE),
            "fravalgt": person("fravalgt", BESTYRELSE),
            "uden_email": person("udenemail", BESTYRELSE, email=False),
            "inaktiv": person("inaktiv", BESTYRELSE, aktiv=False),
            "anden_bestyrelse": person("andenbestyrelse", BESTYRELSE),
            "anden_sekretariat": person("andensekretariat", MEDARBEJDER),
        }
        for art in (NotifikationArt.INDSTILLING_SENDT, NotifikationArt.OPFOELGNING_SENDT):
            Notifikationsfravalg.objects.create(bruger=p["fravalgt"], art=art)
        egne = [v for k, v in p.items() if not k.startswith("anden")]
        egen = plan_med_aar("Egen_21_25", egne, p["sekretariat"], p["bestyrelse"])
        anden = plan_med_aar(
            "Anden_21_25",
            [p["anden_bestyrelse"], p["anden_sekretariat"]],
            p["anden_sekretariat"],
            p["anden_bestyrelse"],
        )
        return Folk(egen=egen, anden=anden, **p)


@pytest.fixture(scope="module")
def folk(modul_db) -> Folk:
    return byg_folk()


@pytest.fixture(autouse=True)
def _side(settings, monkeypatch):
    settings.SIDE_ADRESSE = SIDE
    uden_pdf(settings, monkeypatch)


def adresser(*brugere) -> list[str]:
    return sorted(b.email for b in brugere)


LINK = re.compile(r"https?://[^\s\"<>]+")


def links(tekst: str) -> list[str]:
    return LINK.findall(tekst)


def sti(link: str) -> str:
    """An absolute link in an e-mail, on this site, as the path to request."""
    assert link.startswith(settings.SIDE_ADRESSE + "/"), link
    dele = urlsplit(link)
    return dele.path + (f"?{dele.query}" if dele.query else "")
