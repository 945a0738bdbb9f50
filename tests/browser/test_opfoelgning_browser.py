"""The entry grid in Debian's headless Chromium: typing, live checks, saving, the report."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from delaftaler.indlaesning import indlaes_fil
from delaftaler.models import DelmaalStatus
from delaftaler.opfoelgning.services import opfoelgning_opret
from delaftaler.roller import SEKRETARIAT
from indikatorer.models import Maaling
from tests.chromium import (
    axe_violations,
    format_violations,
    html_errors,
    log_ind,
    new_context,
)
from tests.conftest import VEJLE, data_migrationernes_raekker

KODE = "hemmelig-kode-123"
AAR = 2024
P = "/vejle-21-25/beskaeftigelse/opfoelgning/"
INDTAST = f"{P}{AAR}/indtast/"
UNG = "Andel offentligt forsørgede fuldtidspersoner, 18-29 år"
PROCENT_FEJL = "En procentsats skal ligge mellem 0 og 100."

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _vejle_2024():
    data_migrationernes_raekker()
    delaftale = indlaes_fil(VEJLE).delaftale
    bruger = get_user_model().objects.create_user("sekretariat", password=KODE, is_staff=True)
    bruger.groups.add(Group.objects.get(name=SEKRETARIAT))
    delaftale.helhedsplan.medlemmer.add(bruger)  # staff work only on their own helhedsplaner
    opfoelgning_opret(delaftale=delaftale, aar=AAR, bruger=bruger)
    return bruger


def _aabn_gitteret(context, live_server, bruger):
    log_ind(context, live_server.url, bruger)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}{INDTAST}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Opfølgning {AAR}")
    return page


def vaerdi(page, sted: str):
    return page.get_by_label(f"Værdi – {UNG}, {sted}", exact=True)


def test_the_grid_without_and_with_javascript_its_report_and_pages(browser, live_server):
    """One year, entered twice: first without JavaScript (the server's checks), then with
    (live checks, focus, folding), then the report and the workflow pages, which are valid
    HTML and pass axe like the grid with and without errors."""
    bruger = _vejle_2024()

    # Without JavaScript: the server refuses the whole form and keeps the input.
    context = browser.new_context(locale="da-DK", java_script_enabled=False)
    try:
        page = _aabn_gitteret(context, live_server, bruger)
        vaerdi(page, "Nørremarken").fill("120")
        vaerdi(page, "Vestbyen").fill("17,45")
        page.get_by_role("button", name="Gem opfølgningen").click()
        expect(page.locator("#fejlopsummering")).to_contain_text("Intet er gemt")
        expect(page.get_by_text(PROCENT_FEJL).first).to_be_visible()
        expect(vaerdi(page, "Nørremarken")).to_have_attribute("aria-invalid", "true")
        expect(vaerdi(page, "Vestbyen")).to_have_value("17,45")
        assert not Maaling.objects.exists()

        vaerdi(page, "Nørremarken").fill("12,4")
        page.get_by_role("button", name="Gem opfølgningen").click()
        expect(page.locator(".alert-success")).to_contain_text("gemt (2 værdier)")
        assert Maaling.objects.count() == 2
    finally:
        context.close()

    # With JavaScript: the grid passes axe with and without an error shown.
    context = new_context(browser)
    try:
        page = _aabn_gitteret(context, live_server, bruger)
        vold = axe_violations(page)
        assert vold == [], format_violations(vold)
        noerremarken = vaerdi(page, "Nørremarken")
        noerremarken.fill("120")
        expect(page.get_by_text(PROCENT_FEJL)).to_be_visible()
        vold = axe_violations(page)
        assert vold == [], format_violations(vold)

        fejl_id = f"{noerremarken.get_attribute('id')}_error"
        fejl = page.locator(f"#{fejl_id}")
        expect(fejl).to_have_text(f"Fejl: {PROCENT_FEJL}")
        expect(noerremarken).to_have_attribute("aria-invalid", "true")
        expect(noerremarken).to_have_attribute("aria-describedby", re.compile(fejl_id))

        # Saving is held back while the page knows of an error.
        page.get_by_role("button", name="Gem opfølgningen").click()
        expect(noerremarken).to_be_focused()
        gemt = Maaling.objects.get(boligomraade__navn="Nørremarken", indikator__navn=UNG)
        assert (gemt.vaerdi, gemt.vaerdi_decimaler) == (Decimal("12.4"), 1)

        noerremarken.fill("12,40")
        expect(fejl).to_have_count(0)
        expect(noerremarken).not_to_have_attribute("aria-invalid", "true")
        vaerdi(page, "Vestbyen").fill("17,45")
        page.get_by_label(f"Ikke tilgængelig – {UNG}, Møllevangen").check()
        begrundelse = page.get_by_label(f"Hvorfor ikke – {UNG}, Møllevangen", exact=True)
        begrundelse.focus()
        begrundelse.blur()
        expect(page.get_by_text("Skriv hvorfor værdien ikke er tilgængelig.")).to_be_visible()
        begrundelse.fill("For få beboere i opgørelsen")
        expect(page.get_by_text("Skriv hvorfor værdien ikke er tilgængelig.")).to_have_count(0)
        page.get_by_role(
            "group", name="Nedbringe andelen af beboere der står uden for"
        ).get_by_label("Delvist på rette vej").check()
        page.get_by_role("button", name="Gem opfølgningen").click()

        expect(page.locator(".alert-success")).to_contain_text("Opfølgningen for 2024 er gemt")
        expect(vaerdi(page, "Nørremarken")).to_have_value("12,40")
        expect(vaerdi(page, "Vestbyen")).to_have_value("17,45")
        gemt.refresh_from_db()
        assert (gemt.vaerdi, gemt.vaerdi_decimaler) == (Decimal("12.40"), 2)
        assert Maaling.objects.get(boligomraade__navn="Møllevangen").ikke_tilgaengelig
        assert DelmaalStatus.objects.get().status == "delvist"

        # The values typed show in the report.
        page.get_by_role("link", name="Se rapporten").click()
        expect(page).to_have_url(f"{live_server.url}{P}{AAR}/")
        indikator = page.locator("section", has=page.get_by_role("heading", name=UNG)).last
        expect(indikator).to_contain_text("12,40 %")
        expect(indikator).to_contain_text("17,45 %")
        expect(page.get_by_text("Delvist på rette vej").first).to_be_visible()

        # The workflow pages are valid HTML and pass axe.
        for url in (INDTAST, P, "/opfoelgninger/", f"{P}{AAR}/send/", f"{P}{AAR}/genaaben/"):
            # The HTML as the server sent it, from the navigation itself.
            kilde = page.goto(f"{live_server.url}{url}").text()
            fejl = html_errors(kilde, filename=url)
            assert fejl == [], "\n".join(fejl)
            vold = axe_violations(page)
            assert vold == [], f"{url}:\n{format_violations(vold)}"
    finally:
        context.close()
