"""A follow-up year from end to end, as each role lives it, in Debian's headless Chromium.

The secretariat logs in, lands on Mit overblik, creates the overdue year, fills it in and
sends it to the board; the board member gets an e-mail through a real SMTP server, follows
its link, finds the year on Mit overblik, comments on a delmål in the report and approves
it with the meeting's date; the secretariat is e-mailed the approval. Each step's page is
kept as a screenshot under var/testartefakter/aaret/ (README, »Tests«).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import expect

from delaftaler.indlaesning import indlaes_fil
from delaftaler.models import Kommentar, Opfoelgning, OpfoelgningHaendelse
from delaftaler.publicering.version_pdf import version_pdf_opgave
from delaftaler.roller import BESTYRELSE, SEKRETARIAT
from indikatorer.models import Maaling
from tests.chromium import axe_violations, format_violations, new_context, skaermbillede
from tests.conftest import VEJLE, data_migrationernes_raekker
from tests.opgaver import fejlede_opgaver, koer_opgaver

KODE = "hemmelig-kode-123"
AAR = 2024
RAPPORT = f"/vejle-21-25/beskaeftigelse/opfoelgning/{AAR}/"
UNG = "Andel offentligt forsørgede fuldtidspersoner, 18-29 år"
ARTEFAKTER = Path(settings.BASE_DIR) / "var" / "testartefakter" / "aaret"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def vejle(live_server, settings):
    """Vejle with a secretariat member and a board member, both with e-mail addresses;
    links in e-mails point at the live server."""
    settings.SIDE_ADRESSE = live_server.url
    data_migrationernes_raekker()
    delaftale = indlaes_fil(VEJLE).delaftale
    for navn, gruppe in (("sekretariat", SEKRETARIAT), ("bestyrelse", BESTYRELSE)):
        bruger = get_user_model().objects.create_user(
            navn, email=f"{navn}@example.org", password=KODE, is_staff=True
        )
        bruger.groups.add(Group.objects.get(name=gruppe))
        delaftale.helhedsplan.medlemmer.add(bruger)
    # Loading Vejle published version 1 and queued its PDF for the worker; rendering it
    # (seconds) is tests/publicering/test_version_pdf.py's matter, not this journey's.
    DBTaskResult.objects.filter(task_path=version_pdf_opgave.module_path).delete()
    ARTEFAKTER.mkdir(parents=True, exist_ok=True)
    return delaftale


def _billede(page, navn: str) -> None:
    skaermbillede(page, ARTEFAKTER / f"{navn}.png")


def _axe(page) -> None:
    fejl = axe_violations(page)
    assert fejl == [], format_violations(fejl)


def _log_ind(page, live_server, navn: str, sti: str = "/log-ind/") -> None:
    page.goto(f"{live_server.url}{sti}")
    page.get_by_label("Brugernavn").fill(navn)
    page.get_by_label("Adgangskode").fill(KODE)
    page.get_by_role("button", name="Log ind").click()


def _sti(link: str) -> str:
    dele = urlsplit(link)
    return dele.path + (f"#{dele.fragment}" if dele.fragment else "")


def test_the_secretariat_sends_a_year_the_board_is_emailed_comments_and_approves(
    browser, live_server, vejle, smtp
):
    context = new_context(browser)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        # The secretariat lands on Mit overblik, where the overdue year waits to be made.
        _log_ind(page, live_server, "sekretariat")
        expect(page.get_by_role("heading", level=1)).to_have_text("Mit overblik")
        aaret = page.locator(
            "section", has=page.get_by_role("heading", name="Opfølgninger, der skal laves")
        ).locator(".overblik-punkt", has_text=f"Opfølgning {AAR}: Vejle_21_25")
        expect(aaret).to_contain_text("Overskredet:")
        expect(aaret).to_contain_text("Ikke oprettet")
        _axe(page)
        _billede(page, "1-sekretariat-overblik")
        aaret.get_by_role("button", name=f"Opret {AAR}").click()

        # The grid: two values and a delmål's status, saved.
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"Opfølgning {AAR}")
        page.get_by_label(f"Værdi – {UNG}, Nørremarken", exact=True).fill("12,4")
        page.get_by_label(f"Værdi – {UNG}, Vestbyen", exact=True).fill("17,45")
        page.get_by_role(
            "group", name="Nedbringe andelen af beboere der står uden for"
        ).get_by_label("Delvist på rette vej").check()
        page.get_by_role("button", name="Gem opfølgningen").click()
        expect(page.locator(".alert-success")).to_contain_text(f"Opfølgningen for {AAR} er gemt")
        _billede(page, "2-sekretariat-gitter")
        assert Maaling.objects.filter(opfoelgning__aar=AAR).count() == 2

        page.get_by_role("link", name="Send til bestyrelsen").first.click()
        page.get_by_role("button", name="Send til bestyrelsen").click()
        expect(page.locator(".alert-success")).to_contain_text(
            f"Opfølgningen for {AAR} er sendt til bestyrelsen."
        )
        # Nothing is sent inside the request: the worker sends after the commit.
        assert smtp.beskeder == []
        assert koer_opgaver() >= 1, fejlede_opgaver()
        assert fejlede_opgaver() == []
        assert smtp.til() == ["bestyrelse@example.org"]
        (mail,) = smtp.beskeder
        assert f"{AAR}" in mail.emne and "Vejle_21_25" in mail.emne
        link = next(
            ord.strip('"<>')
            for ord in mail.tekst.split()
            if ord.startswith(live_server.url) and RAPPORT in ord
        )
        assert link in mail.html
        context.close()

        # The board member follows the e-mail's link: login first, then the report.
        context = new_context(browser)
        page = context.new_page()
        page.set_default_timeout(20_000)
        _log_ind(page, live_server, "bestyrelse", f"/log-ind/?next={_sti(link)}")
        expect(page).to_have_url(f"{live_server.url}{RAPPORT}")

        # Mit overblik names the year waiting for the board.
        page.goto(f"{live_server.url}/overblik/")
        venter = page.locator(
            "section", has=page.get_by_role("heading", name="Venter på bestyrelsens beslutning")
        ).locator(".overblik-punkt", has_text=f"Opfølgning {AAR}: Vejle_21_25")
        expect(venter).to_contain_text("Sendt til bestyrelsen")
        _axe(page)
        _billede(page, "3-bestyrelse-overblik")
        venter.get_by_role("link", name=f"Opfølgning {AAR}: Vejle_21_25").click()

        delmaal = vejle.delmaal.order_by("raekkefoelge", "pk").first()
        omraade = page.locator(f"#kommentarer-{delmaal.pk}")
        omraade.get_by_label("Kommentér delmålet").fill("Flot udvikling i Vestbyen.")
        omraade.get_by_role("button", name="Gem kommentar").click()
        expect(page.locator(".alert-success")).to_contain_text(
            "Din kommentar til delmålet er gemt."
        )
        assert Kommentar.objects.get().delmaal == delmaal
        godkend = page.locator("#godkend")
        godkend.get_by_label("Besluttet på bestyrelsesmødet den").fill("12.03.2025")
        godkend.get_by_label("Kommentar til godkendelsen (valgfri)").fill(
            "Godkendt uden bemærkninger."
        )
        _axe(page)
        _billede(page, "4-bestyrelse-rapport")
        godkend.get_by_role("button", name="Godkend").click()
        expect(page.locator(".alert-success")).to_contain_text(
            f"Opfølgningen for {AAR} er godkendt"
        )
        expect(page.locator("main")).to_contain_text("12.03.2025")
        _billede(page, "5-bestyrelse-godkendt")

        opfoelgning = Opfoelgning.objects.get(aar=AAR)
        assert opfoelgning.status == Opfoelgning.Status.GODKENDT
        godkendelse = opfoelgning.haendelser.get(handling=OpfoelgningHaendelse.Handling.GODKENDT)
        assert godkendelse.moede.dato.isoformat() == "2025-03-12"

        # The secretariat is told, by e-mail, with the board's comment and a working link.
        smtp.beskeder.clear()
        assert koer_opgaver() >= 1
        assert fejlede_opgaver() == []
        assert smtp.til() == ["sekretariat@example.org"]
        (mail,) = smtp.beskeder
        assert "godkendt" in mail.emne.lower()
        assert "Godkendt uden bemærkninger." in mail.tekst
        assert f"{live_server.url}{RAPPORT}" in mail.tekst
    finally:
        context.close()
