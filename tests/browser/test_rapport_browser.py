"""The follow-up report in a browser: accessible and within a phone's width, and its charts
drawn under a strict CSP. The data are test_rapport's: Vejle's real baselines with 2022–2024."""

from __future__ import annotations

import pytest

from delaftaler.models import Delmaal
from delaftaler.opfoelgning.services import kommentar_tilfoej, opfoelgning_opret
from indikatorer.maalinger import maalinger_gem
from tests.conftest import data_migrationernes_raekker
from tests.opfoelgning.test_rapport import (
    AAR,
    DELMAAL_FRITIDSJOB,
    DELMAAL_SMAAJOBS,
    DELMAAL_UDENFOR,
    MAALINGER,
    P,
    godkend,
    raekker,
    send,
    status,
)

# ---- In the browser ---------------------------------------------------------------------------


@pytest.fixture
def godkendt_2024(transactional_db):
    """An approved 2024, committed for the live server. Transactional tests flush the
    database afterwards, data migrations included: LBF's indsatsområder and the groups
    are made again first."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from delaftaler.indlaesning import indlaes_fil
    from delaftaler.roller import BESTYRELSE, SEKRETARIAT
    from tests.conftest import VEJLE

    data_migrationernes_raekker()
    vejle = indlaes_fil(VEJLE).delaftale
    brugere = {}
    for navn, gruppe in (("sekretariat", SEKRETARIAT), ("bestyrelse", BESTYRELSE)):
        brugere[navn] = get_user_model().objects.create_user(navn, password="x-hemmelig-123")
        brugere[navn].groups.add(Group.objects.get(name=gruppe))
    o = None
    for aar in AAR:
        o = opfoelgning_opret(delaftale=vejle, aar=aar, bruger=brugere["sekretariat"])
        maalinger_gem(
            opfoelgning=o, raekker=raekker(vejle, MAALINGER[aar]), bruger=brugere["sekretariat"]
        )
    status(o, DELMAAL_UDENFOR, "ikke", "De unge i Nørremarken er gået tilbage.")
    status(o, DELMAAL_SMAAJOBS, "delvist", "Småjobs vokser langsomt.")
    send(o, brugere["sekretariat"])
    kommentar_tilfoej(
        opfoelgning=o,
        bruger=brugere["bestyrelse"],
        tekst="Godt arbejde.",
        delmaal=Delmaal.objects.get(tekst=DELMAAL_FRITIDSJOB),
    )
    godkend(o, brugere["bestyrelse"])
    return o


STRENG_CSP = (
    "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'"
)


@pytest.mark.browser
def test_the_report_page_passes_axe_fits_a_phone_and_needs_no_inline_styles(
    browser, live_server, godkendt_2024
):
    """On a desktop and a phone: no axe violations, the charts as wide as the column
    allows in the page's font, nothing wider than the screen. Then under a strict CSP:
    the charts are inline SVG without <style> or style="", so a CSP without
    'unsafe-inline' blocks nothing and they still draw with their colours and dashes.
    One set-up of the approved year for all three."""
    from tests.chromium import DESKTOP, PHONE, axe_violations, format_violations, new_context

    url = f"{live_server.url}{P}2024/"
    for viewport, stoerrelse in (("desktop", DESKTOP), ("telefon", PHONE)):
        context = new_context(browser, stoerrelse)
        page = context.new_page()
        try:
            svar = page.goto(url)
            assert svar is not None and svar.status == 200
            fejl = axe_violations(page)
            assert fejl == [], f"{viewport}: {format_violations(fejl)}"
            # The charts are drawn, as wide as the column allows (at most 768 px), in the
            # page's own font.
            figur = page.locator("figure.diagram svg").first
            bredde = figur.bounding_box()["width"]
            assert min(768, stoerrelse["width"] - 60) <= bredde <= 768, viewport
            assert "IBM Plex Sans" in figur.locator("text").first.evaluate(
                "t => getComputedStyle(t).fontFamily"
            ), viewport
            assert page.evaluate("document.documentElement.scrollWidth") <= stoerrelse["width"]
        finally:
            context.close()

    context = browser.new_context(locale="da-DK")
    page = context.new_page()
    beskeder: list[str] = []
    page.on("console", lambda besked: beskeder.append(besked.text))

    def med_csp(route):
        svar = route.fetch()
        route.fulfill(
            response=svar, headers={**svar.headers, "content-security-policy": STRENG_CSP}
        )

    try:
        page.route(url, med_csp)
        assert page.goto(url).status == 200
        assert [b for b in beskeder if "Content Security Policy" in b] == []
        streg = page.locator("figure.diagram svg path[stroke='#0072b2' i]").first
        assert streg.evaluate("p => getComputedStyle(p).stroke") == "rgb(0, 114, 178)"
    finally:
        context.close()
