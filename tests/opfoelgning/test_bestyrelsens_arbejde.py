"""The board's work on a follow-up year, where it reads it: comments under each delmål of
the report, a general comment, and the approval with the meeting it was taken at and an
optional comment (shown in the report, its history and the approved PDF).

The data are Vejle_21_25's real delaftale with an empty year 2024 sent to the board.
"""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from delaftaler.models import (
    Bestyrelsesmoede,
    GodkendtRapport,
    Kommentar,
    Opfoelgning,
    OpfoelgningHaendelse,
)
from delaftaler.opfoelgning.services import (
    kommentar_tilfoej,
    opfoelgning_godkend,
    opfoelgning_opret,
    opfoelgning_send,
)
from delaftaler.opfoelgning.views import opfoelgninger as views_opfoelgning
from delaftaler.roller import BESTYRELSE, MEDARBEJDER
from tests.chromium import html_errors
from tests.planer import ny_bruger

pytestmark = pytest.mark.delt_data

P = "/vejle-21-25/beskaeftigelse/opfoelgning/"
AAR = 2024
RAPPORT = f"{P}{AAR}/"
KOMMENTAR = f"{P}{AAR}/kommentar/"
GODKEND = f"{P}{AAR}/godkend/"
FALSK_PDF = b"%PDF-1.7 test"
# The report page for the board of a sent year with comments: constant, whatever the
# number of comments and delmål (pinned below).
SIDE_MED_KOMMENTARER = 9


@pytest.fixture
def sendt(vejle, sekretariat_bruger) -> Opfoelgning:
    opf = opfoelgning_opret(delaftale=vejle, aar=AAR, bruger=sekretariat_bruger)
    return opfoelgning_send(opfoelgning=opf, bruger=sekretariat_bruger)


@pytest.fixture
def delmaal(vejle):
    return list(vejle.delmaal.order_by("raekkefoelge", "pk"))


@pytest.fixture
def falsk_pdf(monkeypatch):
    """Approval renders the report PDF; most tests here are about the workflow."""
    monkeypatch.setattr(views_opfoelgning, "rapport_pdf", lambda o: FALSK_PDF)


def _html(svar) -> str:
    return svar.content.decode()


def _omraade(html: str, noegle) -> str:
    """The comments and the form under one delmål (or ``alle``) on the report page."""
    start = html.index(f'id="kommentarer-{noegle}"')
    return html[start : html.index("</form>", start)]


def _dato(dage: int = 0) -> str:
    return (timezone.localdate() + datetime.timedelta(days=dage)).strftime("%d.%m.%Y")


# --- Comments on the report -------------------------------------------------------------------


def test_the_board_comments_under_each_delmaal_and_returns_to_it(
    bestyrelse_client, bestyrelse_bruger, sendt, delmaal
):
    html = _html(bestyrelse_client.get(RAPPORT))
    assert html.count(">Kommentér delmålet</label>") == len(delmaal)
    assert ">Kommentér hele opfølgningen</label>" in html
    assert html_errors(html) == []

    anden = delmaal[1]
    svar = bestyrelse_client.post(KOMMENTAR, {"delmaal": anden.pk, "tekst": "Flot udvikling."})
    assert svar.status_code == 302
    assert svar["Location"] == f"{RAPPORT}#kommentarer-{anden.pk}"
    kommentar = Kommentar.objects.get()
    assert (kommentar.opfoelgning, kommentar.delmaal, kommentar.bruger) == (
        sendt,
        anden,
        bestyrelse_bruger,
    )
    html = _html(bestyrelse_client.get(svar["Location"]))
    assert "Din kommentar til delmålet er gemt." in html
    assert "Flot udvikling." in _omraade(html, anden.pk)
    assert "Flot udvikling." not in _omraade(html, delmaal[0].pk)

    svar = bestyrelse_client.post(KOMMENTAR, {"delmaal": "", "tekst": "Godt år."})
    assert svar["Location"] == f"{RAPPORT}#kommentarer-alle"
    html = _html(bestyrelse_client.get(svar["Location"]))
    assert "Din kommentar til opfølgningen er gemt." in html
    assert "Godt år." in _omraade(html, "alle")


@pytest.mark.parametrize(
    ("tekst", "fejl"),
    [
        ("   ", "Skriv en kommentar."),
        ("x" * 5001, "Kommentaren må højst være 5000 tegn (den har 5001)."),
    ],
)
def test_a_refused_comment_is_shown_by_its_delmaal_in_danish(
    bestyrelse_client, sendt, delmaal, tekst, fejl
):
    maal = delmaal[0]
    svar = bestyrelse_client.post(KOMMENTAR, {"delmaal": maal.pk, "tekst": tekst})
    assert svar.status_code == 400
    html = _html(svar)
    assert fejl in _omraade(html, maal.pk)
    assert fejl not in _omraade(html, delmaal[1].pk)
    assert f'id="kommentar-{maal.pk}-tekst"' in html and 'aria-invalid="true"' in html
    assert not Kommentar.objects.exists()


@pytest.mark.parametrize("delmaal", ["abc", "9" * 5000, "²", "-1", "0"])
def test_a_comment_on_no_delmaal_of_this_year_is_refused_not_a_500(
    bestyrelse_client, sendt, delmaal
):
    svar = bestyrelse_client.post(KOMMENTAR, {"delmaal": delmaal, "tekst": "Hov"})
    assert svar.status_code == 400
    assert "Vælg et delmål fra listen." in _html(svar)
    assert not Kommentar.objects.exists()


def test_the_old_comment_page_leads_to_the_report(bestyrelse_client, sendt):
    svar = bestyrelse_client.get(KOMMENTAR)
    assert svar.status_code == 302 and svar["Location"] == RAPPORT


def test_only_the_plans_board_may_comment(client, sendt, delmaal, sekretariat_bruger, viborg):
    data = {"delmaal": delmaal[0].pk, "tekst": "Hov"}
    svar = client.post(KOMMENTAR, data)
    assert svar.status_code == 302 and svar["Location"].startswith(reverse("delaftaler:log_ind"))

    client.force_login(sekretariat_bruger)
    assert client.post(KOMMENTAR, data).status_code == 403
    html = _html(client.get(RAPPORT))
    assert "Kommentér delmålet" not in html and "Godkend opfølgningen" not in html

    fremmed = ny_bruger("fremmed_bestyrelse", BESTYRELSE, medlem_af=viborg.helhedsplan)
    client.force_login(fremmed)
    assert client.post(KOMMENTAR, data).status_code == 404  # a sent year of another plan
    assert not Kommentar.objects.exists()


def test_comments_stay_out_of_the_public_report(
    client, vejle, sendt, delmaal, bestyrelse_bruger, sekretariat_bruger
):
    kommentar_tilfoej(
        opfoelgning=sendt, bruger=bestyrelse_bruger, tekst="Intern bemærkning.", delmaal=delmaal[0]
    )
    opfoelgning_godkend(
        opfoelgning=sendt,
        bruger=bestyrelse_bruger,
        render_pdf=lambda o: FALSK_PDF,
        moede_dato=timezone.localdate(),
    )
    assert "Intern bemærkning." not in _html(client.get(RAPPORT))  # anonymous
    anden_plan = ny_bruger("fremmed", MEDARBEJDER, medlem_af=None)
    client.force_login(anden_plan)
    assert "Intern bemærkning." not in _html(client.get(RAPPORT))
    client.force_login(sekretariat_bruger)
    side = _html(client.get(RAPPORT))
    assert "Intern bemærkning." in side and "Kommentér delmålet" not in side


def test_the_report_page_with_comments_runs_a_constant_number_of_queries(
    bestyrelse_client, bestyrelse_bruger, sendt, delmaal, django_assert_num_queries
):
    kommentar_tilfoej(opfoelgning=sendt, bruger=bestyrelse_bruger, tekst="Et", delmaal=delmaal[0])
    with django_assert_num_queries(SIDE_MED_KOMMENTARER):
        assert bestyrelse_client.get(RAPPORT).status_code == 200
    for d in delmaal:
        for nr in range(3):
            kommentar_tilfoej(
                opfoelgning=sendt, bruger=bestyrelse_bruger, tekst=f"K{nr}", delmaal=d
            )
    kommentar_tilfoej(opfoelgning=sendt, bruger=bestyrelse_bruger, tekst="Generel")
    with CaptureQueriesContext(connection) as mange:
        html = _html(bestyrelse_client.get(RAPPORT))
    assert len(mange) == SIDE_MED_KOMMENTARER
    # Each delmål's comments in its list (not a chance »K2« in a random CSRF token).
    assert html.count('<li>K2 <span class="kommentar-af">') == len(delmaal)


# --- Approval with its meeting and comment ------------------------------------------------------


def test_the_board_approves_from_the_report_with_the_meeting_and_a_comment(
    client, vejle, sendt, bestyrelse_bruger, sekretariat_bruger
):
    """The one test here that renders the real PDF."""
    client.force_login(bestyrelse_bruger)
    html = _html(client.get(RAPPORT))
    assert f'action="{GODKEND}"' in html and "Besluttet på bestyrelsesmødet den" in html
    assert html_errors(html) == []

    svar = client.post(
        GODKEND, {"moede": "12.03.2025", "kommentar": "Godkendt med ros til sekretariatet."}
    )
    assert svar.status_code == 302 and svar["Location"] == RAPPORT
    sendt.refresh_from_db()
    assert sendt.status == Opfoelgning.Status.GODKENDT
    moede = Bestyrelsesmoede.objects.get()  # typed, so made
    assert (moede.helhedsplan, moede.dato) == (vejle.helhedsplan, datetime.date(2025, 3, 12))
    haendelse = sendt.haendelser.get(handling=OpfoelgningHaendelse.Handling.GODKENDT)
    assert (haendelse.moede, haendelse.begrundelse) == (
        moede,
        "Godkendt med ros til sekretariatet.",
    )

    client.logout()
    side = _html(client.get(RAPPORT))  # public now
    assert "Godkendt af bestyrelsen på mødet 12.03.2025" in side
    assert "Godkendt med ros til sekretariatet." in side
    assert "Godkendt på bestyrelsesmødet 12.03.2025" in side  # the record (Forløb)
    rapport = GodkendtRapport.objects.get(opfoelgning=sendt)
    tekst = " ".join(s.extract_text() for s in PdfReader(io.BytesIO(bytes(rapport.pdf))).pages)
    tekst = " ".join(tekst.split())
    assert "Godkendt af bestyrelsen på mødet 12.03.2025" in tekst
    assert "Godkendt med ros til sekretariatet." in tekst
    assert client.get(f"{P}{AAR}.pdf").content == bytes(rapport.pdf)

    client.force_login(sekretariat_bruger)
    historik = _html(client.get(P))
    assert re.search(
        r"Godkendt \d\d\.\d\d\.\d{4}</span> på bestyrelsesmødet 12\.03\.2025", historik
    )
    assert "Godkendt med ros til sekretariatet." in historik


@pytest.mark.parametrize(
    ("moede", "fejl"),
    [
        ("", "Skriv datoen som dd.mm.åååå, fx 12.03.2025."),
        ("12/13/2025", "Skriv datoen som dd.mm.åååå, fx 12.03.2025."),
        (_dato(1), "Mødet kan ikke ligge ud i fremtiden."),
    ],
)
def test_approval_needs_a_meeting_that_has_been_held(
    bestyrelse_client, sendt, falsk_pdf, moede, fejl
):
    svar = bestyrelse_client.post(GODKEND, {"moede": moede, "kommentar": "x"})
    assert svar.status_code == 200
    assert fejl in _html(svar)
    sendt.refresh_from_db()
    assert sendt.status == Opfoelgning.Status.SENDT
    assert not Bestyrelsesmoede.objects.exists()


def test_the_approval_offers_the_plans_latest_meeting_held(
    bestyrelse_client, vejle, sendt, falsk_pdf
):
    for dage in (-30, -2, 14):
        Bestyrelsesmoede.objects.create(
            helhedsplan=vejle.helhedsplan,
            dato=timezone.localdate() + datetime.timedelta(days=dage),
        )
    html = _html(bestyrelse_client.get(RAPPORT))
    assert f'name="moede" value="{_dato(-2)}"' in html
    assert f'<option value="{_dato(-30)}">' in html and _dato(14) not in html
    assert bestyrelse_client.post(GODKEND, {"moede": _dato(-2)}).status_code == 302
    haendelse = sendt.haendelser.get(handling=OpfoelgningHaendelse.Handling.GODKENDT)
    assert haendelse.moede.dato == timezone.localdate() - datetime.timedelta(days=2)
    assert Bestyrelsesmoede.objects.count() == 3


def test_a_future_meeting_is_refused_by_the_service_too(sendt, bestyrelse_bruger):
    with pytest.raises(ValidationError) as fejl:
        opfoelgning_godkend(
            opfoelgning=sendt,
            bruger=bestyrelse_bruger,
            render_pdf=lambda o: FALSK_PDF,
            moede_dato=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert "moede" in fejl.value.message_dict
    sendt.refresh_from_db()
    assert sendt.status == Opfoelgning.Status.SENDT
    assert not Bestyrelsesmoede.objects.exists()
