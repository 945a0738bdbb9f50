"""Data for the API's tests: a small plan under disclosure control with a second version,
a draft and an unapproved year; the real Vejle and Viborg delaftaler; and every address
of the API filled in for them."""

from __future__ import annotations

import pytest

from delaftaler.models import Delaftale
from delaftaler.opfoelgning.rapport.pdf import render_rapport_pdf
from delaftaler.opfoelgning.services import opfoelgning_opret
from delaftaler.roller import BESTYRELSE, SEKRETARIAT
from indikatorer.maalinger import MaalingInput, maalinger_gem
from tests import planer
from tests.conftest import bruger_med_rolle
from tests.factories import (
    publicer,
)

SAMLET = planer.SMAABY_SAMLET
# Shown: Sydparken 61/200 = 30.5 % → 73/200 = 36.5 % (+6.0); 47 and 52 unge.
# Hidden: Nordparken 3/40 = 7.5 % → 1/40 = 2.5 % (change −5.0), the totals of both areas
# 64/240 = 26.7 % → 74/240 = 30.8 % (+4.1), Nordparken's 4 unge → 3.
SKJULTE = ["7.5", "2.5", "26.7", "30.8", "4.1", "5.0"]
VISTE = ["30.5", "36.5", "6.0"]
# The draft and the unapproved year: never in any answer.
UDKASTTEKST = "Et udkast, der aldrig er publiceret"
IKKE_GODKENDT = "49.5"  # Sydparken 99/200 in 2024, a year not sent to the board
VERSION_1_TEKST = "Flere unge i job"
VERSION_2_TEKST = "Flere unge i job og uddannelse"


def byg_smaaby() -> int:
    """The plan of tests/test_diskretion.py: counts of 1–4 persons, a total »opgjort
    samlet for« both areas, approved for 2023; then a faglig change published as
    version 2, a draft on top, and 2024 as an unsent draft year."""
    sekretariat = bruger_med_rolle("sekretariat", SEKRETARIAT)
    bestyrelse = bruger_med_rolle("bestyrelse", BESTYRELSE)
    smaa = planer.smaaby(sekretariat, bestyrelse, delmaal_tekst=VERSION_1_TEKST)
    planer.smaaby_2023(
        smaa, sekretariat=sekretariat, bestyrelse=bestyrelse, render_pdf=render_rapport_pdf
    )
    delaftale, delmaal, andel, syd = smaa.delaftale, smaa.delmaal, smaa.andel, smaa.syd

    delmaal.tekst = VERSION_2_TEKST
    delmaal.save()
    publicer(delaftale)
    delmaal.tekst = UDKASTTEKST
    delmaal.save()
    naeste = opfoelgning_opret(delaftale=delaftale, aar=2024, bruger=sekretariat)
    maalinger_gem(
        opfoelgning=naeste,
        raekker=[MaalingInput(andel, "2024", boligomraade=syd, taeller=99, naevner=200)],
        bruger=sekretariat,
    )
    return delaftale.pk


@pytest.fixture(scope="module")
def _smaaby_i_modulet(modul_db, django_db_blocker) -> int:
    """Built once per module (its approval renders a real PDF): each test runs in a
    savepoint inside the module's transaction, so what one test changes, the next never
    sees. The PDF cache is the test run's own (tests/conftest.py's _pdf_cache_i_tmp)."""
    with django_db_blocker.unblock():
        return byg_smaaby()


@pytest.fixture
def smaaby(_smaaby_i_modulet, db):
    """A fresh instance each test, so no test sees what another changed in memory."""
    return Delaftale.objects.get(pk=_smaaby_i_modulet)


def adresser(*delaftaler) -> dict[str, list[str]]:
    """Every address of the API, by its path in the schema, for these delaftaler (each
    published, with version 1): every version and every approved year."""
    ud: dict[str, list[str]] = {
        "/api/v1/helhedsplaner": ["/api/v1/helhedsplaner", "/api/v1/helhedsplaner?pr_side=1"],
        "/api/v1/helhedsplaner/{slug}": [],
        "/api/v1/delaftaler": [
            "/api/v1/delaftaler",
            f"/api/v1/delaftaler?pr_side=1&side={len(delaftaler)}",
        ],
        "/api/v1/delaftaler/{pk}": [],
        "/api/v1/delaftaler/{pk}/versioner": [],
        "/api/v1/delaftaler/{pk}/versioner/{nummer}": [],
        "/api/v1/delaftaler/{pk}/opfoelgninger": [],
        "/api/v1/delaftaler/{pk}/opfoelgninger/{aar}": [],
    }
    for d in delaftaler:
        base = f"/api/v1/delaftaler/{d.pk}"
        ud["/api/v1/helhedsplaner/{slug}"].append(f"/api/v1/helhedsplaner/{d.helhedsplan.slug}")
        ud["/api/v1/delaftaler"].append(f"/api/v1/delaftaler?helhedsplan={d.helhedsplan.slug}")
        ud["/api/v1/delaftaler/{pk}"].append(base)
        ud["/api/v1/delaftaler/{pk}/versioner"].append(f"{base}/versioner")
        for nummer in d.versioner.values_list("nummer", flat=True):
            ud["/api/v1/delaftaler/{pk}/versioner/{nummer}"].append(f"{base}/versioner/{nummer}")
        ud["/api/v1/delaftaler/{pk}/opfoelgninger"].append(f"{base}/opfoelgninger")
        for aar in d.opfoelgninger.filter(status="godkendt").values_list("aar", flat=True):
            ud["/api/v1/delaftaler/{pk}/opfoelgninger/{aar}"].append(f"{base}/opfoelgninger/{aar}")
    return ud
