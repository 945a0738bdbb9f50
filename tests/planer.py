"""Test data for scoping by helhedsplan (test_adgang.py, test_rollematrix.py): users, and
a published helhedsplan with a follow-up in each state."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import override_settings

from aktiviteter.models import Aktivitet, AktivitetStatus
from delaftaler.models import (
    Boligomraade,
    Delaftale,
    Delmaal,
    DelmaalStatus,
    Helhedsplan,
    Opfoelgning,
)
from delaftaler.opfoelgning.services import opfoelgning_godkend, opfoelgning_opret, opfoelgning_send
from delaftaler.publicering.services import version_foerste
from indikatorer.maalinger import MaalingInput, maalinger_gem
from indikatorer.models import Baseline, Indikator, Maaling
from tests.factories import (
    AktivitetFactory,
    BaselineFactory,
    BoligomraadeFactory,
    DelaftaleFactory,
    DelmaalFactory,
    HelhedsplanFactory,
    IndikatorFactory,
    PartFactory,
)

FALSK_PDF = b"%PDF-1.7 test"


UDEN_PDF_CACHE = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}


def uden_pdf(settings, monkeypatch) -> None:
    """For tests of who gets which answer, not of PDFs: no rendering and no PDF cache."""
    monkeypatch.setattr("delaftaler.visning.pdf.render_pdf", lambda html: FALSK_PDF)
    settings.CACHES = {**settings.CACHES, "pdf": UDEN_PDF_CACHE}


@contextmanager
def uden_pdf_imens() -> Iterator[None]:
    """``uden_pdf`` for data built once per module, outside any test's fixtures."""
    with (
        pytest.MonkeyPatch.context() as monkeypatch,
        override_settings(CACHES={**settings.CACHES, "pdf": UDEN_PDF_CACHE}),
    ):
        monkeypatch.setattr("delaftaler.visning.pdf.render_pdf", lambda html: FALSK_PDF)
        yield


def ny_bruger(navn: str, gruppe: str | None = None, *, medlem_af: Helhedsplan | None = None):
    """A staff user in ``gruppe``, a member of ``medlem_af`` if given."""
    ny = get_user_model().objects.create_user(navn, password="hemmelig-kode-123", is_staff=True)
    if gruppe:
        ny.groups.add(Group.objects.get(name=gruppe))
    if medlem_af is not None:
        medlem_af.medlemmer.add(ny)
    return ny


@dataclass
class Plan:
    plan: Helhedsplan
    omraade: Boligomraade
    delaftale: Delaftale
    delmaal: Delmaal
    indikator: Indikator
    aktivitet: Aktivitet
    aar: dict[str, Opfoelgning]  # "kladde", "sendt", "godkendt"
    maaling: Maaling
    aktivitet_status: AktivitetStatus

    def args(self) -> list[str]:
        return [self.plan.slug, self.delaftale.indsatsomraade.slug]


def plan_med_aar(navn: str, medlemmer, sekretariat, bestyrelse) -> Plan:
    """A helhedsplan of ``medlemmer`` with one published delaftale (a part, a delmål with an
    indicator and its baseline, an activity) and an approved (2022), a sent (2023) and a
    draft year (2024), the draft with a measurement and the activity's and delmål's status."""
    plan = HelhedsplanFactory(navn=navn, slug=navn.lower().replace("_", "-"))
    plan.medlemmer.set(medlemmer)
    omraade = BoligomraadeFactory(helhedsplan=plan)
    delaftale = DelaftaleFactory(helhedsplan=plan)
    PartFactory(delaftale=delaftale)
    delmaal = DelmaalFactory(delaftale=delaftale)
    indikator = IndikatorFactory(delmaal=delmaal)
    BaselineFactory(indikator=indikator, boligomraade=omraade)
    aktivitet = AktivitetFactory(delaftale=delaftale)
    version_foerste(delaftale=delaftale)
    aar = {}
    for status, nr in (("godkendt", 2022), ("sendt", 2023), ("kladde", 2024)):
        o = opfoelgning_opret(delaftale=delaftale, aar=nr, bruger=sekretariat)
        if status != "kladde":
            opfoelgning_send(opfoelgning=o, bruger=sekretariat)
        if status == "godkendt":
            opfoelgning_godkend(opfoelgning=o, bruger=bestyrelse, render_pdf=lambda o: FALSK_PDF)
        aar[status] = Opfoelgning.objects.get(pk=o.pk)
    maalinger_gem(
        opfoelgning=aar["kladde"],
        raekker=[
            MaalingInput(
                indikator=indikator, periode="2024", boligomraade=omraade, vaerdi=Decimal("12.5")
            )
        ],
        bruger=sekretariat,
    )
    DelmaalStatus.objects.create(opfoelgning=aar["kladde"], delmaal=delmaal, status="delvist")
    return Plan(
        plan=plan,
        omraade=omraade,
        delaftale=delaftale,
        delmaal=delmaal,
        indikator=indikator,
        aktivitet=aktivitet,
        aar=aar,
        maaling=Maaling.objects.get(opfoelgning=aar["kladde"]),
        aktivitet_status=AktivitetStatus.objects.create(
            opfoelgning=aar["kladde"], aktivitet=aktivitet, antal_naaet=12
        ),
    )


# --- Smaaby: a plan under disclosure control ------------------------------------------

SMAABY_SAMLET = "Opgjort samlet for Nordparken og Sydparken"


@dataclass
class Smaaby:
    """Shares at Nordparken resting on 3 persons (7,5 %), a total with them (26,7 %) and a
    count of 4 (hidden in public); Sydparken's 61/200 = 30,5 % and 47 are shown."""

    delaftale: Delaftale
    delmaal: Delmaal
    andel: Indikator
    antal: Indikator
    nord: Boligomraade
    syd: Boligomraade
    version: object


def smaaby(*medlemmer, delmaal_tekst: str | None = None) -> Smaaby:
    """Smaaby_21_25 with its baselines, published as version 1."""
    helhedsplan = HelhedsplanFactory(navn="Smaaby_21_25", slug="smaaby-21-25")
    helhedsplan.medlemmer.add(*medlemmer)
    nord = BoligomraadeFactory(helhedsplan=helhedsplan, navn="Nordparken")
    syd = BoligomraadeFactory(helhedsplan=helhedsplan, navn="Sydparken")
    delaftale = DelaftaleFactory(helhedsplan=helhedsplan)
    PartFactory(delaftale=delaftale)
    delmaal = DelmaalFactory(
        delaftale=delaftale, **({"tekst": delmaal_tekst} if delmaal_tekst else {})
    )
    andel = IndikatorFactory(delmaal=delmaal, navn="Andel unge i job")
    antal = IndikatorFactory(delmaal=delmaal, navn="Antal unge i fritidsjob", enhed="antal")
    for omraade, taeller, naevner in ((nord, 3, 40), (syd, 61, 200)):
        b = Baseline(
            indikator=andel, boligomraade=omraade, periode="2019", taeller=taeller, naevner=naevner
        )
        b.full_clean()
        b.save()
    samlet = Baseline(
        indikator=andel, maalgruppe=SMAABY_SAMLET, periode="2019", taeller=64, naevner=240
    )
    samlet.full_clean()
    samlet.save()
    samlet.samlet_for.set([nord, syd])
    BaselineFactory(indikator=antal, boligomraade=nord, vaerdi=Decimal(4), vaerdi_decimaler=0)
    BaselineFactory(indikator=antal, boligomraade=syd, vaerdi=Decimal(47), vaerdi_decimaler=0)
    AktivitetFactory(delaftale=delaftale).delmaal.add(delmaal)
    version = version_foerste(delaftale=delaftale)
    return Smaaby(delaftale, delmaal, andel, antal, nord, syd, version)


def smaaby_2023(plan: Smaaby, *, sekretariat, bestyrelse, render_pdf) -> Opfoelgning:
    """2023 approved: Nordparken 1/40 = 2,5 % and 3 unge (hidden), Sydparken 73/200 =
    36,5 % and 52, the total 74/240 = 30,8 % (hidden)."""
    aaret = opfoelgning_opret(delaftale=plan.delaftale, aar=2023, bruger=sekretariat)
    andel, antal, nord, syd = plan.andel, plan.antal, plan.nord, plan.syd
    raekker = [
        MaalingInput(andel, "2023", boligomraade=nord, taeller=1, naevner=40),
        MaalingInput(andel, "2023", boligomraade=syd, taeller=73, naevner=200),
        MaalingInput(andel, "2023", maalgruppe=SMAABY_SAMLET, taeller=74, naevner=240),
        MaalingInput(antal, "2023", boligomraade=nord, vaerdi=Decimal(3)),
        MaalingInput(antal, "2023", boligomraade=syd, vaerdi=Decimal(52)),
    ]
    maalinger_gem(opfoelgning=aaret, raekker=raekker, bruger=sekretariat)
    opfoelgning_send(opfoelgning=aaret, bruger=sekretariat)
    opfoelgning_godkend(opfoelgning=aaret, bruger=bestyrelse, render_pdf=render_pdf)
    return aaret
