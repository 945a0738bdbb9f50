"""The yearly follow-up's pages: who may do what, the entry grid, and the workflow steps."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aktiviteter.models import AktivitetStatus
from delaftaler.models import (
    DelmaalStatus,
    GodkendtRapport,
    Kommentar,
    Opfoelgning,
    OpfoelgningHaendelse,
)
from delaftaler.opfoelgning.services import opfoelgning_godkend, opfoelgning_opret, opfoelgning_send
from delaftaler.opfoelgning.views import opfoelgninger as views_opfoelgning
from indikatorer.maalinger import MaalingInput, maalinger_gem
from indikatorer.models import Indikator, Maaling
from tests.factories import AktivitetFactory, BaselineFactory, BoligomraadeFactory, IndikatorFactory
from tests.formularer import formular

# The real delaftaler are loaded once for the module (tests/conftest.py).
pytestmark = pytest.mark.delt_data

P = "/vejle-21-25/beskaeftigelse/opfoelgning/"
AAR = 2024
INDTAST = f"{P}{AAR}/indtast/"
UNG = "Andel offentligt forsørgede fuldtidspersoner, 18-29 år"
FALSK_PDF = b"%PDF-1.7 test"


# --- helpers --------------------------------------------------------------------------------


def navn(indikator: Indikator, omraade_navn: str, felt: str) -> str:
    omraade = indikator.delmaal.delaftale.helhedsplan.boligomraader.get(navn=omraade_navn)
    return f"m{indikator.pk}-b{omraade.pk}-{felt}"


def tekst(response) -> str:
    return response.content.decode().replace("\u00a0", " ")


@pytest.fixture
def ung(vejle) -> Indikator:
    return Indikator.objects.get(delmaal__delaftale=vejle, navn=UNG)


@pytest.fixture
def opf(vejle, sekretariat_bruger) -> Opfoelgning:
    return opfoelgning_opret(delaftale=vejle, aar=AAR, bruger=sekretariat_bruger)


@pytest.fixture
def sendt(opf, sekretariat_bruger) -> Opfoelgning:
    return opfoelgning_send(opfoelgning=opf, bruger=sekretariat_bruger)


@pytest.fixture
def falsk_pdf(monkeypatch):
    """Approval renders the report PDF; these tests are about the workflow, not the PDF."""
    kald = []

    def render(opfoelgning):
        kald.append(opfoelgning.pk)
        return FALSK_PDF

    monkeypatch.setattr(views_opfoelgning, "rapport_pdf", render)
    return kald


@pytest.fixture
def godkendt(sendt, bestyrelse_bruger) -> Opfoelgning:
    opfoelgning_godkend(opfoelgning=sendt, bruger=bestyrelse_bruger, render_pdf=lambda o: FALSK_PDF)
    return Opfoelgning.objects.get(pk=sendt.pk)


# --- who may do what ------------------------------------------------------------------------

SIDER = {
    "oversigt": "/opfoelgninger/",
    "liste": P,
    "indtast": INDTAST,
    "send": f"{P}{AAR}/send/",
    "godkend": f"{P}{AAR}/godkend/",
    "genaaben": f"{P}{AAR}/genaaben/",
    "kommentar": f"{P}{AAR}/kommentar/",
}
# With the year sent to the board, so both roles can see it.
FORVENTET = {
    "sekretariat": {
        "oversigt": 200,
        "liste": 200,
        "indtast": 200,
        "send": 200,
        "godkend": 403,
        "genaaben": 200,
        "kommentar": 403,
    },
    "bestyrelse": {
        "oversigt": 200,
        "liste": 200,
        "indtast": 403,
        "send": 403,
        "godkend": 200,
        "genaaben": 403,
        "kommentar": 302,  # the old comment page: to the report, where the board comments
    },
}


def test_anonymous_visitors_are_sent_to_the_login_page(client, sendt):
    """Every page, in one test: the sent year is built once, not once per page."""
    for side, url in SIDER.items():
        svar = client.get(url)
        assert svar.status_code == 302, side
        assert svar["Location"].startswith(reverse("delaftaler:log_ind") + "?next="), side


@pytest.mark.parametrize("rolle", FORVENTET)
def test_each_role_reaches_exactly_its_pages(
    client, sendt, sekretariat_bruger, bestyrelse_bruger, rolle
):
    client.force_login(sekretariat_bruger if rolle == "sekretariat" else bestyrelse_bruger)
    faaet = {side: client.get(url).status_code for side, url in SIDER.items()}
    assert faaet == FORVENTET[rolle]


def test_a_logged_in_non_staff_user_is_refused(client, sendt):
    bruger = get_user_model().objects.create_user("beboer", password="hemmelig-kode-123")
    client.force_login(bruger)
    assert {side: client.get(url).status_code for side, url in SIDER.items()} == dict.fromkeys(
        SIDER, 403
    )


def test_the_board_sees_only_what_was_sent_to_it(bestyrelse_client, vejle, sekretariat_bruger):
    kladde = opfoelgning_opret(delaftale=vejle, aar=2023, bruger=sekretariat_bruger)
    sendt = opfoelgning_opret(delaftale=vejle, aar=2024, bruger=sekretariat_bruger)
    opfoelgning_send(opfoelgning=sendt, bruger=sekretariat_bruger)
    for url in ("/opfoelgninger/", P):
        html = tekst(bestyrelse_client.get(url))
        assert "2024" in html and "Sendt til bestyrelsen" in html
        assert "2023" not in html
    assert bestyrelse_client.get(f"{P}{kladde.aar}/godkend/").status_code == 404


def test_the_secretariat_sees_drafts_with_links_to_enter_and_send(sekretariat_client, opf):
    html = tekst(sekretariat_client.get("/opfoelgninger/"))
    assert "Kladde" in html
    assert f'href="{INDTAST}"' in html
    assert f'href="{P}{AAR}/send/"' in html


def test_the_lists_link_to_the_report_page(sekretariat_client, opf):
    """Needs the REPORT part's URL name delaftaler:rapport."""
    rapport = reverse("delaftaler:rapport", args=["vejle-21-25", "beskaeftigelse", AAR])
    assert f'href="{rapport}"' in tekst(sekretariat_client.get(P))
    assert f'href="{rapport}"' in tekst(sekretariat_client.get("/opfoelgninger/"))


# --- creating a year ------------------------------------------------------------------------


def test_the_secretariat_creates_a_year_and_lands_in_the_grid(sekretariat_client, vejle):
    svar = sekretariat_client.post(P, {"aar": "2024"})
    assert svar.status_code == 302 and svar["Location"] == INDTAST
    opfoelgning = Opfoelgning.objects.get(delaftale=vejle, aar=2024)
    assert opfoelgning.haendelser.get().handling == "oprettet"


@pytest.mark.parametrize(
    ("aar", "besked"),
    [
        ("2024", "Delaftalen har allerede en opfølgning for dette år."),
        ("2019", "Året skal ligge i delaftalens periode (2021–2025)."),
        ("toogtyve", "Skriv året som et tal, fx 2024."),
        ("", "Skriv året, fx 2024."),
    ],
)
def test_creating_a_bad_year_shows_a_danish_error(sekretariat_client, opf, aar, besked):
    svar = sekretariat_client.post(P, {"aar": aar})
    assert svar.status_code == 200
    assert besked in tekst(svar)
    assert Opfoelgning.objects.count() == 1


def test_the_board_cannot_create_a_year(bestyrelse_client, vejle):
    assert bestyrelse_client.post(P, {"aar": "2024"}).status_code == 403
    assert not Opfoelgning.objects.exists()


# --- the board cannot edit numbers ----------------------------------------------------------


def test_a_board_member_cannot_enter_numbers(
    client, sekretariat_bruger, sendt, ung, bestyrelse_bruger
):
    client.force_login(sekretariat_bruger)
    data = formular(client.get(INDTAST))
    data[navn(ung, "Vestbyen", "vaerdi")] = ["17,4"]
    client.force_login(bestyrelse_bruger)
    assert client.get(INDTAST).status_code == 403
    assert client.post(INDTAST, data).status_code == 403
    assert not Maaling.objects.exists()
    with pytest.raises(PermissionDenied):
        maalinger_gem(
            opfoelgning=sendt,
            raekker=[MaalingInput(indikator=ung, periode="2024", vaerdi=Decimal("17.4"))],
            bruger=bestyrelse_bruger,
        )
    assert not Maaling.objects.exists()


# --- the secretariat cannot approve ---------------------------------------------------------


def test_a_secretariat_member_cannot_approve(sekretariat_client, sendt, falsk_pdf):
    assert sekretariat_client.post(f"{P}{AAR}/godkend/").status_code == 403
    sendt.refresh_from_db()
    assert sendt.status == Opfoelgning.Status.SENDT
    assert not GodkendtRapport.objects.exists()
    assert falsk_pdf == []


# --- approval, freezing, reopening ----------------------------------------------------------


def test_approval_records_who_and_when_and_freezes_the_year(
    client, bestyrelse_bruger, sekretariat_bruger, sendt, ung, falsk_pdf
):
    client.force_login(sekretariat_bruger)
    data = formular(client.get(INDTAST))

    client.force_login(bestyrelse_bruger)
    foer = timezone.now()
    svar = client.post(f"{P}{AAR}/godkend/", {"moede": timezone.localdate().strftime("%d.%m.%Y")})
    assert svar.status_code == 302 and svar["Location"] == f"{P}{AAR}/"
    sendt.refresh_from_db()
    assert sendt.status == Opfoelgning.Status.GODKENDT
    haendelse = sendt.haendelser.get(handling="godkendt")
    assert haendelse.bruger == bestyrelse_bruger and haendelse.tidspunkt >= foer
    rapport = GodkendtRapport.objects.get(opfoelgning=sendt)
    assert (rapport.godkendt_af, bytes(rapport.pdf)) == (bestyrelse_bruger, FALSK_PDF)
    assert falsk_pdf == [sendt.pk]
    assert "Opfølgningen for 2024 er godkendt, og året er låst." in tekst(client.get(P))

    client.force_login(sekretariat_bruger)
    data[navn(ung, "Vestbyen", "vaerdi")] = ["17,4"]
    svar = client.post(INDTAST, data)
    assert svar.status_code == 409
    assert "Året er godkendt af bestyrelsen og kan ikke ændres uden genåbning." in tekst(svar)
    assert not Maaling.objects.exists()
    with pytest.raises(ValidationError):
        maalinger_gem(
            opfoelgning=sendt,
            raekker=[MaalingInput(indikator=ung, periode="2024", vaerdi=Decimal("17.4"))],
            bruger=sekretariat_bruger,
        )
    assert not Maaling.objects.exists()

    side = client.get(INDTAST)
    html = tekst(side)
    assert "Året er godkendt og låst" in html
    assert "Gem opfølgningen" not in html
    assert formular(side) == {"csrfmiddlewaretoken": formular(side)["csrfmiddlewaretoken"]}


def test_reopening_needs_a_reason_and_is_recorded(sekretariat_client, godkendt):
    url = f"{P}{AAR}/genaaben/"
    svar = sekretariat_client.post(url, {"begrundelse": "  "})
    assert svar.status_code == 200
    assert "Skriv hvorfor opfølgningen genåbnes." in tekst(svar)
    godkendt.refresh_from_db()
    assert godkendt.status == Opfoelgning.Status.GODKENDT

    svar = sekretariat_client.post(url, {"begrundelse": "Forkert tal for Vestbyen."})
    assert svar.status_code == 302
    godkendt.refresh_from_db()
    assert godkendt.status == Opfoelgning.Status.KLADDE
    haendelse = godkendt.haendelser.get(handling="genaabnet")
    assert haendelse.begrundelse == "Forkert tal for Vestbyen."
    assert "Genåbnet" in tekst(sekretariat_client.get(P))
    assert "Forkert tal for Vestbyen." in tekst(sekretariat_client.get(P))
    assert GodkendtRapport.objects.filter(opfoelgning=godkendt).count() == 1
    assert sekretariat_client.get(INDTAST).status_code == 200
    assert "Gem opfølgningen" in tekst(sekretariat_client.get(INDTAST))


def test_a_step_out_of_order_shows_the_danish_reason(sekretariat_client, sendt):
    svar = sekretariat_client.post(f"{P}{AAR}/send/")
    assert svar.status_code == 200
    assert "Kun en kladde kan sendes til bestyrelsen." in tekst(svar)

    svar = sekretariat_client.post(f"{P}{AAR}/genaaben/", {"begrundelse": "Ret tal"})
    assert svar.status_code == 302
    svar = sekretariat_client.post(f"{P}{AAR}/genaaben/", {"begrundelse": "Igen"})
    assert svar.status_code == 200
    assert "Opfølgningen er allerede en kladde." in tekst(svar)


def test_sending_moves_the_year_to_the_board(sekretariat_client, opf):
    side = sekretariat_client.get(f"{P}{AAR}/send/")
    assert "csrfmiddlewaretoken" in tekst(side)
    assert sekretariat_client.post(f"{P}{AAR}/send/").status_code == 302
    opf.refresh_from_db()
    assert opf.status == Opfoelgning.Status.SENDT


def test_the_board_comments_on_a_delmaal(bestyrelse_client, sendt, ung, bestyrelse_bruger):
    svar = bestyrelse_client.post(
        f"{P}{AAR}/kommentar/", {"delmaal": ung.delmaal_id, "tekst": "Flot udvikling."}
    )
    assert svar.status_code == 302
    kommentar = Kommentar.objects.get()
    assert (kommentar.delmaal_id, kommentar.bruger, kommentar.tekst) == (
        ung.delmaal_id,
        bestyrelse_bruger,
        "Flot udvikling.",
    )
    assert svar["Location"] == f"{P}{AAR}/#kommentarer-{ung.delmaal_id}"
    side = tekst(bestyrelse_client.get(svar["Location"]))
    assert "Flot udvikling." in side
    assert "Din kommentar til delmålet er gemt." in side


def test_a_comment_needs_text_and_a_delmaal_of_this_delaftale(bestyrelse_client, sendt, viborg):
    url = f"{P}{AAR}/kommentar/"
    svar = bestyrelse_client.post(url, {"delmaal": "", "tekst": ""})
    assert "Skriv en kommentar." in tekst(svar)
    assert svar.status_code == 400
    fremmed = viborg.delmaal.first()
    svar = bestyrelse_client.post(url, {"delmaal": fremmed.pk, "tekst": "Hov"})
    assert svar.status_code == 400
    assert "Vælg et delmål fra listen." in tekst(svar)
    assert not Kommentar.objects.exists()


def test_commenting_on_an_approved_year_is_refused_in_danish(bestyrelse_client, godkendt):
    svar = bestyrelse_client.post(f"{P}{AAR}/kommentar/", {"delmaal": "", "tekst": "Sent"})
    assert svar.status_code == 400
    assert "Der kan kun kommenteres, mens opfølgningen ligger hos bestyrelsen." in tekst(svar)
    assert not Kommentar.objects.exists()


def test_every_form_needs_its_csrf_token(sekretariat_bruger, bestyrelse_bruger, sendt):
    client = Client(enforce_csrf_checks=True)
    client.force_login(sekretariat_bruger)
    for url in (P, INDTAST, f"{P}{AAR}/send/", f"{P}{AAR}/genaaben/"):
        assert client.post(url, {"aar": "2025", "begrundelse": "x"}).status_code == 403
        assert 'name="csrfmiddlewaretoken"' in tekst(client.get(url))
    client.force_login(bestyrelse_bruger)
    for url in (f"{P}{AAR}/godkend/", f"{P}{AAR}/kommentar/"):
        assert client.post(url, {"tekst": "x", "moede": "01.01.2024"}).status_code == 403
    assert tekst(client.get(f"{P}{AAR}/")).count('name="csrfmiddlewaretoken"') >= 3
    sendt.refresh_from_db()
    assert sendt.status == Opfoelgning.Status.SENDT
    assert not Kommentar.objects.exists()


# --- the grid -------------------------------------------------------------------------------


def test_the_grid_shows_baseline_and_last_years_value_beside_each_input(
    sekretariat_client, vejle, ung, sekretariat_bruger
):
    sidste = opfoelgning_opret(delaftale=vejle, aar=AAR - 1, bruger=sekretariat_bruger)
    vestbyen = vejle.helhedsplan.boligomraader.get(navn="Vestbyen")
    maalinger_gem(
        opfoelgning=sidste,
        raekker=[
            MaalingInput(
                indikator=ung, periode="2023", boligomraade=vestbyen, vaerdi=Decimal("15.90")
            )
        ],
        bruger=sekretariat_bruger,
    )
    opfoelgning_opret(delaftale=vejle, aar=AAR, bruger=sekretariat_bruger)
    svar = sekretariat_client.get(INDTAST)
    html = tekst(svar)
    raekke = html[html.index(f'id="raekke-m{ung.pk}-b{vestbyen.pk}"') :]
    raekke = raekke[: raekke.index("</tr>")]
    assert "16,8 % (2019)" in raekke
    assert "15,90 % (2023)" in raekke
    data = formular(svar)
    assert data[navn(ung, "Vestbyen", "periode")] == ["2024"]
    assert data[navn(ung, "Vestbyen", "vaerdi")] == [""]
    # One row per baseline sted, target groups included; the count indicator has one.
    samlet = Indikator.objects.get(delmaal__delaftale=vejle, enhed="antal")
    assert f"m{samlet.pk}-g0-vaerdi" in data
    assert "Opgjort samlet for Nørremarken og Løget Høj" in html


def test_the_grid_saves_values_with_the_precision_typed(sekretariat_client, opf, ung):
    data = formular(sekretariat_client.get(INDTAST))
    data[navn(ung, "Vestbyen", "vaerdi")] = ["56,20"]
    data[navn(ung, "Vestbyen", "sammenligning")] = ["12,5"]
    data[navn(ung, "Vestbyen", "sammenligning_label")] = ["Vejle Kommune"]
    data[navn(ung, "Vestbyen", "udtrukket")] = ["01.03.2025"]
    data[navn(ung, "Møllevangen", "ikke_tilgaengelig")] = ["on"]
    data[navn(ung, "Møllevangen", "begrundelse")] = ["For få beboere"]
    svar = sekretariat_client.post(INDTAST, data)
    assert svar.status_code == 302 and svar["Location"] == INDTAST

    vestbyen = Maaling.objects.get(opfoelgning=opf, boligomraade__navn="Vestbyen")
    assert (vestbyen.vaerdi, vestbyen.vaerdi_decimaler) == (Decimal("56.20"), 2)
    assert vestbyen.vaerdi_tekst == "56,20\u00a0%"
    assert vestbyen.sammenligning_tekst == "12,5\u00a0%"
    assert vestbyen.periode == "2024"
    assert vestbyen.udtrukket == datetime.date(2025, 3, 1)
    moellevangen = Maaling.objects.get(opfoelgning=opf, boligomraade__navn="Møllevangen")
    assert moellevangen.ikke_tilgaengelig and moellevangen.begrundelse == "For få beboere"
    assert Maaling.objects.count() == 2

    side = sekretariat_client.get(INDTAST)
    assert "Opfølgningen for 2024 er gemt (2 værdier)." in tekst(side)
    igen = formular(side)
    assert igen[navn(ung, "Vestbyen", "vaerdi")] == ["56,20"]
    assert igen[navn(ung, "Vestbyen", "udtrukket")] == ["01.03.2025"]
    assert igen[navn(ung, "Møllevangen", "ikke_tilgaengelig")] == ["on"]


def test_one_bad_row_saves_nothing_and_keeps_every_input(sekretariat_client, opf, ung, vejle):
    data = formular(sekretariat_client.get(INDTAST))
    delmaal = ung.delmaal
    aktivitet = vejle.aktiviteter.first()
    data[navn(ung, "Vestbyen", "vaerdi")] = ["56,20"]
    data[navn(ung, "Nørremarken", "vaerdi")] = ["120"]
    data[navn(ung, "Løget By", "ikke_tilgaengelig")] = ["on"]
    data[f"d{delmaal.pk}-status"] = ["delvist"]
    data[f"d{delmaal.pk}-vurdering"] = ["Lidt bedre end sidste år."]
    data[f"a{aktivitet.pk}-udfoert"] = ["Tolv jobsamtaler."]
    svar = sekretariat_client.post(INDTAST, data)

    assert svar.status_code == 200
    assert not Maaling.objects.exists()
    assert not DelmaalStatus.objects.exists()
    assert not AktivitetStatus.objects.exists()
    html = tekst(svar)
    assert "Intet er gemt" in html
    felt = f"id_{navn(ung, 'Nørremarken', 'vaerdi')}"
    assert f'id="{felt}_error"' in html
    fejl = html[html.index(f'id="{felt}_error"') :]
    assert fejl.index("En procentsats skal ligge mellem 0 og 100.") < fejl.index(f'id="{felt}"')
    assert 'aria-invalid="true"' in fejl[: fejl.index("</td>")]
    assert "Skriv hvorfor værdien ikke er tilgængelig." in html
    bevaret = formular(svar)
    assert bevaret[navn(ung, "Vestbyen", "vaerdi")] == ["56,20"]
    assert bevaret[navn(ung, "Nørremarken", "vaerdi")] == ["120"]
    assert bevaret[f"d{delmaal.pk}-status"] == ["delvist"]
    assert bevaret[f"d{delmaal.pk}-vurdering"] == ["Lidt bedre end sidste år."]
    assert bevaret[f"a{aktivitet.pk}-udfoert"] == ["Tolv jobsamtaler."]


@pytest.mark.parametrize(
    ("felt", "vaerdi", "besked"),
    [
        ("vaerdi", "elleve", "Skriv et tal, fx 11,3 eller 47."),
        ("vaerdi", "-3", "Værdien kan ikke være negativ."),
        ("vaerdi", "1,23456", "Højst fire decimaler."),
        ("sammenligning", "101", "En procentsats skal ligge mellem 0 og 100."),
        ("periode", "sidste år", "er ikke en gyldig periode"),
        ("udtrukket", "31.02.2025", "Skriv en dato, fx 01.03.2024."),
    ],
)
def test_a_bad_value_is_refused_in_danish(sekretariat_client, opf, ung, felt, vaerdi, besked):
    data = formular(sekretariat_client.get(INDTAST))
    data[navn(ung, "Vestbyen", "vaerdi")] = ["17,4"]
    data[navn(ung, "Vestbyen", felt)] = [vaerdi]
    svar = sekretariat_client.post(INDTAST, data)
    assert svar.status_code == 200
    assert besked in tekst(svar)
    assert not Maaling.objects.exists()


def test_a_value_cannot_be_both_given_and_unavailable(sekretariat_client, opf, ung):
    data = formular(sekretariat_client.get(INDTAST))
    data[navn(ung, "Vestbyen", "vaerdi")] = ["17,4"]
    data[navn(ung, "Vestbyen", "ikke_tilgaengelig")] = ["on"]
    data[navn(ung, "Vestbyen", "begrundelse")] = ["Mangler"]
    svar = sekretariat_client.post(INDTAST, data)
    assert "Slet værdien, eller fjern markeringen »ikke tilgængelig«." in tekst(svar)
    assert not Maaling.objects.exists()


def test_clearing_an_entered_value_is_refused(sekretariat_client, opf, ung):
    data = formular(sekretariat_client.get(INDTAST))
    data[navn(ung, "Vestbyen", "vaerdi")] = ["17,4"]
    assert sekretariat_client.post(INDTAST, data).status_code == 302
    data = formular(sekretariat_client.get(INDTAST))
    data[navn(ung, "Vestbyen", "vaerdi")] = [""]
    svar = sekretariat_client.post(INDTAST, data)
    assert "En indtastet måling kan ikke slettes her." in tekst(svar)
    assert Maaling.objects.get().vaerdi == Decimal("17.4")


def test_changing_the_period_moves_the_value(sekretariat_client, opf, ung):
    data = formular(sekretariat_client.get(INDTAST))
    data[navn(ung, "Vestbyen", "vaerdi")] = ["17,4"]
    sekretariat_client.post(INDTAST, data)
    data = formular(sekretariat_client.get(INDTAST))
    data[navn(ung, "Vestbyen", "periode")] = ["dec 2024"]
    assert sekretariat_client.post(INDTAST, data).status_code == 302
    maaling = Maaling.objects.get()
    assert (maaling.periode, maaling.vaerdi) == ("2024-12", Decimal("17.4"))
    assert formular(sekretariat_client.get(INDTAST))[navn(ung, "Vestbyen", "periode")] == [
        "dec. 2024"
    ]


def test_statuses_are_saved_with_the_numbers(sekretariat_client, opf, ung, vejle):
    delmaal = ung.delmaal
    aktivitet = vejle.aktiviteter.first()
    data = formular(sekretariat_client.get(INDTAST))
    data[f"d{delmaal.pk}-status"] = ["paa_rette_vej"]
    data[f"d{delmaal.pk}-vurdering"] = ["Færre på ydelser i alle områder."]
    data[f"a{aktivitet.pk}-udfoert"] = ["Tolv jobsamtaler.\n\n- Vestbyen\n- Løget By"]
    data[f"a{aktivitet.pk}-antal_naaet"] = ["1.200"]
    data[f"a{aktivitet.pk}-fokus_naeste_aar"] = ["<script>alert(1)</script>Flere unge"]
    assert sekretariat_client.post(INDTAST, data).status_code == 302

    status = DelmaalStatus.objects.get(opfoelgning=opf, delmaal=delmaal)
    assert status.status == "paa_rette_vej"
    assert status.vurdering == "Færre på ydelser i alle områder."
    aktivitet_status = AktivitetStatus.objects.get(opfoelgning=opf, aktivitet=aktivitet)
    assert aktivitet_status.udfoert == (
        "<p>Tolv jobsamtaler.</p><ul><li><p>Vestbyen</p></li><li><p>Løget By</p></li></ul>"
    )
    assert aktivitet_status.antal_naaet == 1200
    assert "<script>" not in aktivitet_status.fokus_naeste_aar
    assert "Flere unge" in aktivitet_status.fokus_naeste_aar
    # Only the activity that was filled in gets a status.
    assert AktivitetStatus.objects.count() == 1

    igen = formular(sekretariat_client.get(INDTAST))
    assert igen[f"a{aktivitet.pk}-udfoert"] == ["Tolv jobsamtaler.\n\n- Vestbyen\n- Løget By"]
    assert igen[f"d{delmaal.pk}-status"] == ["paa_rette_vej"]


def test_untouched_rich_text_is_kept_as_it_was(sekretariat_client, opf, vejle):
    aktivitet = vejle.aktiviteter.first()
    rig = "<p>Vi holdt <strong>tolv</strong> samtaler.</p>"
    AktivitetStatus.objects.create(opfoelgning=opf, aktivitet=aktivitet, udfoert=rig)
    data = formular(sekretariat_client.get(INDTAST))
    data[f"a{aktivitet.pk}-antal_naaet"] = ["12"]
    assert sekretariat_client.post(INDTAST, data).status_code == 302
    status = AktivitetStatus.objects.get()
    assert (status.udfoert, status.antal_naaet) == (rig, 12)


def test_a_vurdering_without_status_is_refused(sekretariat_client, opf, ung):
    data = formular(sekretariat_client.get(INDTAST))
    data[f"d{ung.delmaal_id}-vurdering"] = ["Godt på vej"]
    svar = sekretariat_client.post(INDTAST, data)
    assert "Vælg en status for delmålet." in tekst(svar)
    assert not DelmaalStatus.objects.exists()


def test_a_tampered_post_never_gives_a_500(sekretariat_client, opf, ung):
    data = formular(sekretariat_client.get(INDTAST))
    data[navn(ung, "Vestbyen", "vaerdi")] = ["9" * 30]
    data[f"d{ung.delmaal_id}-status"] = ["fantastisk"]
    data[navn(ung, "Vestbyen", "begrundelse")] = ["x" * 400]
    svar = sekretariat_client.post(INDTAST, data)
    assert svar.status_code == 200
    html = tekst(svar)
    assert "Vælg en status fra listen." in html
    assert "Skriv et tal, fx 11,3 eller 47." in html
    assert not Maaling.objects.exists()
    assert sekretariat_client.get(f"{P}9999/indtast/").status_code == 404


def test_the_grid_runs_a_constant_number_of_queries(
    sekretariat_client, opf, vejle, ung, sekretariat_bruger, django_assert_max_num_queries
):
    queries = 15
    with django_assert_max_num_queries(queries), CaptureQueriesContext(connection) as foer:
        assert sekretariat_client.get(INDTAST).status_code == 200
    sidste = opfoelgning_opret(delaftale=vejle, aar=AAR - 1, bruger=sekretariat_bruger)
    delmaal = ung.delmaal
    raekker = []
    for nr in range(10):
        indikator = IndikatorFactory(delmaal=delmaal)
        for _ in range(3):
            omraade = BoligomraadeFactory(helhedsplan=vejle.helhedsplan)
            BaselineFactory(indikator=indikator, boligomraade=omraade)
            raekker.append(
                MaalingInput(
                    indikator=indikator, periode="2023", boligomraade=omraade, vaerdi=Decimal(nr)
                )
            )
        AktivitetFactory(delaftale=vejle, navn=f"Ekstra aktivitet {nr}")
    maalinger_gem(opfoelgning=sidste, raekker=raekker, bruger=sekretariat_bruger)
    with CaptureQueriesContext(connection) as efter:
        svar = sekretariat_client.get(INDTAST)
    assert "Ekstra aktivitet 9" in tekst(svar)
    # 30 more rows and 10 more activities: not one query more.
    assert len(efter.captured_queries) == len(foer.captured_queries)
    assert tekst(svar).count('data-tal="true"') >= 2 * 30


def test_the_grid_page_uses_an_external_script_and_no_inline_code(sekretariat_client, opf):
    html = tekst(sekretariat_client.get(INDTAST))
    assert '<script src="/static/delaftaler/indtastning.js" defer></script>' in html
    assert html.count("<script") == 1
    assert " onclick=" not in html and " style=" not in html
    assert 'data-procent="true"' in html


def test_an_approved_years_history_is_listed_with_who_approved(
    sekretariat_client, godkendt, bestyrelse_bruger
):
    html = tekst(sekretariat_client.get("/opfoelgninger/"))
    assert "Godkendt af bestyrelsen" in html
    assert f"Godkendt {timezone.localdate():%d.%m.%Y}" in html
    assert bestyrelse_bruger.get_username() in html
    assert OpfoelgningHaendelse.objects.filter(handling="godkendt").count() == 1


def test_approval_through_the_page_keeps_the_real_report_pdf(bestyrelse_client, sendt, settings):
    settings.CACHES = {
        **settings.CACHES,
        "pdf": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "godk"},
    }
    moede = {"moede": timezone.localdate().strftime("%d.%m.%Y")}
    assert bestyrelse_client.post(f"{P}{AAR}/godkend/", moede).status_code == 302
    rapport = GodkendtRapport.objects.get(opfoelgning=sendt)
    assert bytes(rapport.pdf).startswith(b"%PDF-")
    assert rapport.version == 1


# --- two people on the same grid -------------------------------------------------------------


@pytest.fixture
def anden_client(leder_bruger) -> Client:
    """A second person with the grid open in her own browser."""
    anden = Client()
    anden.force_login(leder_bruger)
    return anden


def test_a_stale_page_does_not_overwrite_a_note_saved_since(
    sekretariat_client, anden_client, opf, ung
):
    hendes = formular(anden_client.get(INDTAST))
    data = formular(sekretariat_client.get(INDTAST))
    data[navn(ung, "Vestbyen", "vaerdi")] = ["17,4"]
    data[navn(ung, "Vestbyen", "note")] = ["Tallet er foreløbigt."]
    assert sekretariat_client.post(INDTAST, data).status_code == 302

    hendes[navn(ung, "Nørremarken", "vaerdi")] = ["12,0"]
    svar = anden_client.post(INDTAST, hendes)

    assert svar.status_code == 302
    vestbyen = Maaling.objects.get(opfoelgning=opf, boligomraade__navn="Vestbyen")
    assert (vestbyen.vaerdi, vestbyen.note) == (Decimal("17.4"), "Tallet er foreløbigt.")
    noerremarken = Maaling.objects.get(opfoelgning=opf, boligomraade__navn="Nørremarken")
    assert noerremarken.vaerdi_tekst == "12,0\u00a0%"


def test_a_row_changed_by_another_is_refused_by_name_and_the_input_kept(
    sekretariat_client, anden_client, opf, ung
):
    hendes = formular(anden_client.get(INDTAST))
    data = formular(sekretariat_client.get(INDTAST))
    data[navn(ung, "Vestbyen", "vaerdi")] = ["17,4"]
    assert sekretariat_client.post(INDTAST, data).status_code == 302

    hendes[navn(ung, "Vestbyen", "vaerdi")] = ["18,0"]
    hendes[navn(ung, "Nørremarken", "vaerdi")] = ["12,0"]
    svar = anden_client.post(INDTAST, hendes)

    assert svar.status_code == 409
    assert Maaling.objects.get(boligomraade__navn="Vestbyen").vaerdi == Decimal("17.4")
    assert Maaling.objects.get(boligomraade__navn="Nørremarken").vaerdi == Decimal("12.0")
    html = tekst(svar)
    assert "Én række er ikke gemt, fordi en anden har ændret den, efter du åbnede siden" in html
    assert f"({UNG}, Vestbyen)" in html
    assert "En anden har gemt rækken (kl. " in html
    assert "Nu gemt: Værdi »17,4«." in html
    assert "Resten af opfølgningen for 2024 er gemt (1 værdi)." in html
    bevaret = formular(svar, status=409)
    assert bevaret[navn(ung, "Vestbyen", "vaerdi")] == ["18,0"]
    assert bevaret[navn(ung, "Nørremarken", "vaerdi")] == ["12,0"]

    # Having seen the other value, she can keep her own by saving again.
    assert anden_client.post(INDTAST, bevaret).status_code == 302
    assert Maaling.objects.get(boligomraade__navn="Vestbyen").vaerdi == Decimal("18.0")


def test_a_status_changed_by_another_is_refused(sekretariat_client, anden_client, opf, ung):
    felt = f"d{ung.delmaal_id}-status"
    hendes = formular(anden_client.get(INDTAST))
    data = formular(sekretariat_client.get(INDTAST))
    data[felt] = ["paa_rette_vej"]
    assert sekretariat_client.post(INDTAST, data).status_code == 302

    hendes[felt] = ["ikke"]
    svar = anden_client.post(INDTAST, hendes)

    assert svar.status_code == 409
    assert DelmaalStatus.objects.get().status == "paa_rette_vej"
    html = tekst(svar)
    assert f"Delmål »{ung.delmaal.tekst}«: En anden har gemt delmålets status" in html
    assert "Nu gemt: Status »På rette vej«." in html
    assert formular(svar, status=409)[felt] == ["ikke"]


def test_a_save_without_the_pages_stamps_saves_nothing(sekretariat_client, opf, ung):
    data = formular(sekretariat_client.get(INDTAST))
    del data["stempler"]
    data[navn(ung, "Vestbyen", "vaerdi")] = ["17,4"]
    svar = sekretariat_client.post(INDTAST, data)
    assert svar.status_code == 200
    assert "Formularen mangler oplysningen om, hvad siden viste" in tekst(svar)
    assert formular(svar)[navn(ung, "Vestbyen", "vaerdi")] == ["17,4"]
    assert not Maaling.objects.exists()


def test_the_save_refuses_a_row_changed_between_reading_and_writing(sekretariat_bruger, opf, ung):
    """The grid reads the rows before the save locks them; the service checks again."""
    from delaftaler.opfoelgning.services import indtastning_gem

    vestbyen = ung.delmaal.delaftale.helhedsplan.boligomraader.get(navn="Vestbyen")
    foer = MaalingInput(
        indikator=ung, periode="2024", boligomraade=vestbyen, vaerdi=Decimal("17.4"), kilde="A"
    )
    maalinger_gem(opfoelgning=opf, raekker=[foer], bruger=sekretariat_bruger)
    sen = MaalingInput(
        indikator=ung, periode="2024", boligomraade=vestbyen, vaerdi=Decimal("3"), kilde="B"
    )
    afvist = indtastning_gem(
        opfoelgning=opf,
        raekker=[sen],
        erstattede=[],
        delmaal_status=[],
        aktivitet_status=[],
        laest={"B": None},
        bruger=sekretariat_bruger,
    )
    assert afvist.raekker == [sen]
    assert Maaling.objects.get().vaerdi == Decimal("17.4")


def _raekke(html: str, indikator: Indikator, sted: str) -> str:
    omraade = indikator.delmaal.delaftale.helhedsplan.boligomraader.get(navn=sted)
    start = html.index(f'id="raekke-m{indikator.pk}-b{omraade.pk}"')
    return html[start : html.index("</tbody>", start)]


def test_the_optional_fields_are_folded_away_unless_filled_in_or_wrong(
    sekretariat_client, opf, ung
):
    """The grid fits a laptop: sammenligning, datakilde, udtrukket and note sit under each
    row in a <details>, closed while empty, open when one is filled in or refused."""
    raekke = _raekke(tekst(sekretariat_client.get(INDTAST)), ung, "Vestbyen")
    assert "<details>" in raekke
    assert "<summary>Sammenligning, datakilde og note" in raekke
    assert '<label class="form-label" for="id_' in raekke

    data = formular(sekretariat_client.get(INDTAST))
    data[navn(ung, "Vestbyen", "vaerdi")] = ["17,4"]
    data[navn(ung, "Vestbyen", "udtrukket")] = ["31.02.2025"]
    raekke = _raekke(tekst(sekretariat_client.post(INDTAST, data)), ung, "Vestbyen")
    foldet = raekke[raekke.index("<details") :]
    assert foldet.startswith("<details open>")
    assert "Skriv en dato, fx 01.03.2024." in foldet

    data[navn(ung, "Vestbyen", "udtrukket")] = [""]
    data[navn(ung, "Vestbyen", "datakilde")] = ["Jobcenter Vejle"]
    assert sekretariat_client.post(INDTAST, data).status_code == 302
    html = tekst(sekretariat_client.get(INDTAST))
    assert "<details open>" in _raekke(html, ung, "Vestbyen")
    assert "(udfyldt)" in _raekke(html, ung, "Vestbyen")
    assert "<details>" in _raekke(html, ung, "Nørremarken")
