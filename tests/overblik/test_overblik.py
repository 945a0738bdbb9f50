"""Mit overblik: each role sees what awaits it in its own helhedsplaner (never another
plan's), each item links where the work is done, the deadlines and board meetings show,
and the page reads everything in a fixed number of queries."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from delaftaler.models import Bestyrelsesmoede, Indstilling, Opfoelgning, OpfoelgningHaendelse
from delaftaler.opfoelgning.grid import byg_raekker
from delaftaler.overblik.selectors import mangler_pr_aar
from delaftaler.roller import ADMINISTRATOR, BESTYRELSE, LEDER, SEKRETARIAT
from delaftaler.visning.context import med_indhold
from indikatorer.models import Baseline, Maaling
from tests.factories import (
    BaselineFactory,
    BoligomraadeFactory,
    DelaftaleFactory,
    DelmaalFactory,
    HelhedsplanFactory,
    IndikatorFactory,
    indsatsomraade,
    publicer,
)
from tests.planer import ny_bruger

pytestmark = pytest.mark.django_db

IDAG = datetime.date(2025, 2, 1)
OVERBLIK = "/overblik/"


@dataclass
class Plan:
    plan: object
    delaftale: object
    tilbage: object  # a second delaftale, its submission sent back
    indstilling: Indstilling
    sendt_tilbage: Indstilling
    kladde: Opfoelgning  # 2022, one of two values entered, reopened
    sendt: Opfoelgning  # 2023

    def args(self, d=None) -> list[str]:
        d = d or self.delaftale
        return [d.helhedsplan.slug, d.indsatsomraade.slug]


def byg_plan(navn: str, leder, bestyrelse, sekretariat) -> Plan:
    plan = HelhedsplanFactory(navn=navn, slug=navn.lower().replace("_", "-"))
    omraader = [BoligomraadeFactory(helhedsplan=plan) for _ in range(2)]
    delaftale = DelaftaleFactory(helhedsplan=plan)
    indikator = IndikatorFactory(delmaal=DelmaalFactory(delaftale=delaftale))
    for omraade in omraader:
        BaselineFactory(indikator=indikator, boligomraade=omraade)
    tilbage = DelaftaleFactory(
        helhedsplan=plan, indsatsomraade=indsatsomraade("Tryghed og trivsel")
    )
    kladde = Opfoelgning.objects.create(delaftale=delaftale, aar=2022)
    Maaling.objects.create(
        opfoelgning=kladde,
        indikator=indikator,
        boligomraade=omraader[0],
        periode="2022",
        vaerdi=Decimal("12.5"),
        vaerdi_decimaler=1,
    )
    OpfoelgningHaendelse.objects.create(
        opfoelgning=kladde, handling="genaabnet", bruger=sekretariat, begrundelse="Forkert tal"
    )
    sendt = Opfoelgning.objects.create(delaftale=delaftale, aar=2023, status="sendt")
    indstilling = Indstilling.objects.create(
        delaftale=delaftale, indhold={}, indhold_sha256="0" * 64, indsendt_af=leder
    )
    sendt_tilbage = Indstilling.objects.create(
        delaftale=tilbage,
        indhold={},
        indhold_sha256="0" * 64,
        indsendt_af=leder,
        status="sendt_tilbage",
        besluttet=timezone.now(),
        besluttet_af=bestyrelse,
        kommentar="Beskriv målgruppen nærmere.",
    )
    Bestyrelsesmoede.objects.create(helhedsplan=plan, dato=datetime.date(2025, 3, 10), emne="Forår")
    Bestyrelsesmoede.objects.create(helhedsplan=plan, dato=datetime.date(2024, 12, 1))
    return Plan(plan, delaftale, tilbage, indstilling, sendt_tilbage, kladde, sendt)


@dataclass
class Data:
    egen: Plan
    anden: Plan
    brugere: dict


@pytest.fixture(scope="module")
def data(modul_db) -> Data:
    fremmed_leder = ny_bruger("fremmed-leder", LEDER)
    fremmed_bestyrelse = ny_bruger("fremmed-bestyrelse", BESTYRELSE)
    fremmed = ny_bruger("fremmed", SEKRETARIAT)
    anden = byg_plan("Anden_21_25", fremmed_leder, fremmed_bestyrelse, fremmed)
    anden.plan.medlemmer.add(fremmed_leder, fremmed_bestyrelse, fremmed)
    leder = ny_bruger("leder-egen", LEDER)
    bestyrelse = ny_bruger("bestyrelse-egen", BESTYRELSE)
    sekretariat = ny_bruger("sekretariat-egen", SEKRETARIAT)
    egen = byg_plan("Egen_21_25", leder, bestyrelse, sekretariat)
    egen.plan.medlemmer.add(leder, bestyrelse, sekretariat)
    administrator = ny_bruger("administrator-egen", ADMINISTRATOR)
    return Data(
        egen,
        anden,
        {
            "leder": leder,
            "bestyrelse": bestyrelse,
            "sekretariat": sekretariat,
            "administrator": administrator,
        },
    )


@pytest.fixture(autouse=True)
def idag():
    with mock.patch("delaftaler.overblik.views.timezone.localdate", return_value=IDAG):
        yield IDAG


def side(client, bruger) -> str:
    client.force_login(bruger)
    svar = client.get(OVERBLIK)
    assert svar.status_code == 200
    return re.sub(r"\s+", " ", svar.content.decode())


def test_the_board_sees_the_submission_and_the_year_sent_to_it_linked_where_it_decides(
    client, data
):
    html = side(client, data.brugere["bestyrelse"])
    egen = data.egen
    indstilling = reverse("delaftaler:indstilling", args=[*egen.args(), egen.indstilling.pk])
    assert f'href="{indstilling}"' in html
    assert f'href="{reverse("delaftaler:rapport", args=[*egen.args(), 2023])}"' in html
    rapport = reverse("delaftaler:rapport", args=[*egen.args(), 2023])
    # The board comments and approves on the report itself.
    assert f'href="{rapport}#kommentarer-alle"' in html
    assert f'href="{rapport}#godkend"' in html
    # Not the secretariat's work, nor another plan's.
    assert "Opfølgninger, der skal laves" not in html
    assert "Anden_21_25" not in html
    anden = reverse("delaftaler:indstilling", args=[*data.anden.args(), data.anden.indstilling.pk])
    assert anden not in html


def test_the_leder_sees_drafts_with_their_classification_and_submissions_waiting_or_sent_back(
    client, data
):
    html = side(client, data.brugere["leder"])
    egen = data.egen
    tilbage = reverse(
        "delaftaler:indstilling", args=[*egen.args(egen.tilbage), egen.sendt_tilbage.pk]
    )
    assert "Sendt tilbage af bestyrelsen" in html
    assert f'href="{tilbage}"' in html
    assert "»Beskriv målgruppen nærmere.«" in html
    assert "Venter på bestyrelsen" in html
    assert f'href="{reverse("delaftaler:udkast", args=egen.args())}"' in html
    assert "Første version · skal godkendes af bestyrelsen" in html
    assert "Anden_21_25" not in html


def test_the_secretariat_sees_due_and_overdue_years_with_the_values_still_missing(client, data):
    html = side(client, data.brugere["sekretariat"])
    egen = data.egen
    indtast = reverse("delaftaler:opfoelgning_indtast", args=[*egen.args(), 2022])
    # 2022: created, one of the two boligområder's values entered, reopened, overdue.
    assert re.search(
        rf'Overskredet:</strong> <a href="{indtast}">Opfølgning 2022: Egen_21_25 – '
        r"Beskæftigelse</a> <span[^>]*>Fristen var 01\.03\.2023 \(\d+ dage siden\) · "
        r"Kladde · mangler 1 af 2 værdier",
        html,
    )
    assert "Taget tilbage fra bestyrelsen" in html and "»Forkert tal«" in html
    # 2024: not created, due 01.03.2025; every value missing and a button to create it.
    liste = reverse("delaftaler:opfoelgning_liste", args=egen.args())
    assert "Frist 01.03.2025 (om 28 dage) · Ikke oprettet · mangler 2 af 2 værdier" in html
    assert f'action="{liste}"' in html and 'name="aar" value="2024"' in html
    # 2023 is with the board: not the secretariat's to do.
    assert "Opfølgning 2023: Egen_21_25 – Beskæftigelse" not in html
    assert "Anden_21_25" not in html


def _udkast_linje(html: str, plan: Plan) -> str | None:
    """What Mit overblik says of the delaftale's draft, or None when it lists no draft."""
    udkast = reverse("delaftaler:udkast", args=plan.args())
    m = re.search(rf'href="{udkast}">[^<]*</a> <span class="overblik-meta">([^<]*)</span>', html)
    return m and m.group(1)


def test_a_draft_edited_after_publication_is_listed_again_with_its_classification(client, data):
    egen, leder = data.egen, data.brugere["leder"]
    publicer(egen.delaftale)
    assert _udkast_linje(side(client, leder), egen) is None  # published as it stands
    omraade = egen.plan.boligomraader.first()
    omraade.navn += " Nord"
    omraade.save()
    assert _udkast_linje(side(client, leder), egen) == (
        "Administrativ ændring (1 ændring) · kan publiceres af sekretariatslederen"
    )
    # Deleting a row is a change too: a baseline's, which the board must approve.
    Baseline.objects.filter(indikator__delmaal__delaftale=egen.delaftale).first().delete()
    assert _udkast_linje(side(client, leder), egen) == (
        "Faglig ændring (2 ændringer) · skal godkendes af bestyrelsen"
    )


def test_the_missing_values_are_counted_as_the_entry_grid_builds_its_rows(data):
    """mangler_pr_aar counts from ids what the grid (opfoelgning.grid.byg_raekker) builds:
    baselines per target group, one sted with two baselines, an indikator without
    baselines (every boligområde), values at a sted without a baseline and at another
    plan's boligområde (left out)."""
    egen = data.egen
    d = egen.delaftale
    omraader = list(egen.plan.boligomraader.all())
    grupper = IndikatorFactory(delmaal=d.delmaal.first())
    for gruppe, periode in [("Unge", "2019"), ("Unge", "2020"), ("", "2019")]:
        BaselineFactory(indikator=grupper, boligomraade=None, maalgruppe=gruppe, periode=periode)
    uden = IndikatorFactory(delmaal=DelmaalFactory(delaftale=d))
    fremmed = data.anden.plan.boligomraader.first()
    for indikator, omraade, gruppe in [
        (grupper, None, "Unge"),
        (grupper, omraader[1], ""),
        (uden, omraader[0], ""),
        (uden, fremmed, ""),
    ]:
        Maaling.objects.create(
            opfoelgning=egen.kladde,
            indikator=indikator,
            boligomraade=omraade,
            maalgruppe=gruppe,
            periode="2022",
            vaerdi=Decimal("1"),
            vaerdi_decimaler=0,
        )
    tael = mangler_pr_aar([d], [egen.kladde])
    delmaal = med_indhold().get(pk=d.pk).delmaal_liste
    for opfoelgning, forventet in [(egen.kladde, (3, 7)), (None, (6, 6))]:
        raekker = byg_raekker(
            delmaal=delmaal,
            boligomraader=omraader,
            maalinger=list(Maaling.objects.filter(opfoelgning=opfoelgning)) if opfoelgning else [],
            forrige=[],
        )
        i_gitteret = (sum(r.eksisterende is None for r in raekker), len(raekker))
        assert tael(d, opfoelgning) == i_gitteret == forventet


def test_the_calendar_shows_the_next_board_meetings_of_ones_own_plans(client, data):
    html = side(client, data.brugere["bestyrelse"])
    assert re.search(r"10\.03\.2025</span>: Egen_21_25 – Forår", html)
    assert "01.12.2024" not in html  # passed


def test_the_administrator_sees_every_section_of_the_plans_they_see(client, data):
    html = side(client, data.brugere["administrator"])
    for overskrift in (
        "Venter på bestyrelsens beslutning",
        "Opfølgninger, der skal laves",
        "Sendt tilbage af bestyrelsen",
        "Næste bestyrelsesmøder",
    ):
        assert overskrift in html
    assert "Egen_21_25" in html and "Anden_21_25" in html


def test_the_email_section_waits_for_the_notification_page(client, data):
    html = side(client, data.brugere["sekretariat"])
    try:
        url = reverse("delaftaler:notifikationsvalg")
    except Exception:
        assert "E-mails" not in html
    else:
        assert f'href="{url}"' in html


def test_creating_a_due_year_from_mit_overblik_goes_through_the_follow_up_form(client, data):
    client.force_login(data.brugere["sekretariat"])
    svar = client.post(
        reverse("delaftaler:opfoelgning_liste", args=data.egen.args()), {"aar": "2024"}
    )
    assert svar.status_code == 302
    assert data.egen.delaftale.opfoelgninger.filter(aar=2024, status="kladde").exists()


def test_anonymous_go_to_the_login_page_and_non_staff_are_refused(client, data):
    svar = client.get(OVERBLIK)
    assert svar.status_code == 302 and svar["Location"] == "/log-ind/?next=/overblik/"
    client.force_login(get_user_model().objects.create_user("laeser"))
    assert client.get(OVERBLIK).status_code == 403


def _antal(client, bruger) -> int:
    client.force_login(bruger)
    with CaptureQueriesContext(connection) as q:
        assert client.get(OVERBLIK).status_code == 200
    return len(q)


# 26 for an administrator: the page, its sections and the e-mail choices (two) whatever the
# number of plans.
OVERBLIK_QUERIES = 26


@pytest.mark.parametrize("rolle", ["administrator", "bestyrelse"])
def test_the_query_count_does_not_grow_with_the_number_of_plans(client, data, rolle):
    bruger = data.brugere[rolle]
    foer = _antal(client, bruger)
    for n in range(3):
        flere = byg_plan(f"Flere_{n}_25", data.brugere["leder"], data.brugere["bestyrelse"], bruger)
        flere.plan.medlemmer.add(*data.brugere.values())
    assert _antal(client, bruger) == foer
    if rolle == "administrator":
        assert foer == OVERBLIK_QUERIES


def test_mit_overblik_the_calendar_and_the_login_page_are_valid_html(client, data):
    from tests.chromium import html_errors

    assert html_errors(client.get("/log-ind/").content.decode(), "log_ind.html") == []
    client.force_login(data.brugere["administrator"])
    for sti in (OVERBLIK, "/opfoelgninger/", "/"):
        assert html_errors(client.get(sti).content.decode(), "side.html") == [], sti
