"""The board's work on a sent follow-up year in Debian's headless Chromium: a board member
reads the report, comments under a delmål and lands back at it, then approves at the
report's foot with the meeting's date and a comment. The page passes axe-core with its
forms, and with an error shown.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from delaftaler.indlaesning import indlaes_fil
from delaftaler.models import Kommentar, Opfoelgning
from delaftaler.opfoelgning.services import opfoelgning_opret, opfoelgning_send
from delaftaler.roller import BESTYRELSE, SEKRETARIAT
from tests.chromium import axe_violations, format_violations, log_ind, new_context
from tests.conftest import VEJLE, data_migrationernes_raekker

KODE = "hemmelig-kode-123"
RAPPORT = "/vejle-21-25/beskaeftigelse/opfoelgning/2024/"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sendt(live_server):
    data_migrationernes_raekker()
    delaftale = indlaes_fil(VEJLE).delaftale
    brugere = {}
    for navn, gruppe in (("sekretariat", SEKRETARIAT), ("bestyrelse", BESTYRELSE)):
        bruger = get_user_model().objects.create_user(navn, password=KODE, is_staff=True)
        bruger.groups.add(Group.objects.get(name=gruppe))
        delaftale.helhedsplan.medlemmer.add(bruger)
        brugere[navn] = bruger
    opf = opfoelgning_opret(delaftale=delaftale, aar=2024, bruger=brugere["sekretariat"])
    return opfoelgning_send(opfoelgning=opf, bruger=brugere["sekretariat"])


def _axe(page) -> None:
    fejl = axe_violations(page)
    assert fejl == [], format_violations(fejl)


def test_the_board_comments_on_a_delmaal_and_approves_from_the_report(browser, live_server, sendt):
    delmaal = sendt.delaftale.delmaal.order_by("raekkefoelge", "pk")[1]
    context = new_context(browser)
    log_ind(context, live_server.url, get_user_model().objects.get(username="bestyrelse"))
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto(f"{live_server.url}{RAPPORT}")
        _axe(page)

        omraade = page.locator(f"#kommentarer-{delmaal.pk}")
        # An empty comment is refused in Danish, next to its delmål.
        omraade.get_by_role("button", name="Gem kommentar").click()
        expect(page.locator(f"#kommentarer-{delmaal.pk}")).to_contain_text("Skriv en kommentar.")
        _axe(page)
        omraade = page.locator(f"#kommentarer-{delmaal.pk}")
        omraade.get_by_label("Kommentér delmålet").fill("Flot udvikling i Vestbyen.")
        omraade.get_by_role("button", name="Gem kommentar").click()
        expect(page.locator(".alert-success")).to_contain_text(
            "Din kommentar til delmålet er gemt."
        )
        assert page.url.endswith(f"{RAPPORT}#kommentarer-{delmaal.pk}")
        expect(page.locator(f"#kommentarer-{delmaal.pk}")).to_contain_text(
            "Flot udvikling i Vestbyen."
        )
        assert Kommentar.objects.get().delmaal == delmaal

        godkend = page.locator("#godkend")
        godkend.get_by_label("Besluttet på bestyrelsesmødet den").fill("12.03.2025")
        godkend.get_by_label("Kommentar til godkendelsen (valgfri)").fill("Godkendt.")
        godkend.get_by_role("button", name="Godkend").click()
        expect(page.locator(".alert-success")).to_contain_text("Opfølgningen for 2024 er godkendt")
        expect(page.locator(".rapport-status")).to_contain_text(
            "Godkendt af bestyrelsen på mødet 12.03.2025"
        )
        sendt.refresh_from_db()
        assert sendt.status == Opfoelgning.Status.GODKENDT
    finally:
        context.close()
