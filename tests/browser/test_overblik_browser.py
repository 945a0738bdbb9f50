"""Mit overblik in Chromium: staff log in on the site's login page and land there; the
page and the follow-up calendar pass axe-core and fit a 390 px phone without sideways
scrolling."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from delaftaler.models import Bestyrelsesmoede, Indstilling, Opfoelgning
from delaftaler.roller import ADMINISTRATOR
from indikatorer.models import Maaling
from tests.chromium import DESKTOP, PHONE, axe_violations, format_violations, new_context
from tests.conftest import data_migrationernes_raekker
from tests.factories import (
    BaselineFactory,
    BoligomraadeFactory,
    DelaftaleFactory,
    DelmaalFactory,
    HelhedsplanFactory,
    IndikatorFactory,
)

KODE = "hemmelig-kode-123"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def data(live_server):
    data_migrationernes_raekker()
    admin = get_user_model().objects.create_user(
        "ida", password=KODE, is_staff=True, first_name="Ida", last_name="Kirkegaard-Østergaard"
    )
    admin.groups.add(Group.objects.get(name=ADMINISTRATOR))
    plan = HelhedsplanFactory(navn="Langtnavnet_helhedsplan_med_mange_boligomraader_21_25")
    omraader = [BoligomraadeFactory(helhedsplan=plan) for _ in range(2)]
    delaftale = DelaftaleFactory(helhedsplan=plan)
    indikator = IndikatorFactory(delmaal=DelmaalFactory(delaftale=delaftale))
    for omraade in omraader:
        BaselineFactory(indikator=indikator, boligomraade=omraade)
    kladde = Opfoelgning.objects.create(delaftale=delaftale, aar=2022)
    Maaling.objects.create(
        opfoelgning=kladde,
        indikator=indikator,
        boligomraade=omraader[0],
        periode="2022",
        vaerdi=Decimal("12.5"),
        vaerdi_decimaler=1,
    )
    Opfoelgning.objects.create(delaftale=delaftale, aar=2023, status="sendt")
    Indstilling.objects.create(
        delaftale=delaftale, indhold={}, indhold_sha256="0" * 64, indsendt_af=admin
    )
    Bestyrelsesmoede.objects.create(
        helhedsplan=plan, dato=datetime.date.today() + datetime.timedelta(days=20), emne="Budget"
    )
    return plan


def _tjek(page) -> None:
    """No axe violations, and only a scroll container may be wider than the screen."""
    bredde = page.viewport_size["width"]
    skaerm = f"{bredde} px: "
    for_brede = page.evaluate(
        """(bredde) => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > bredde + 1)
            .filter(e => !e.parentElement.closest('.table--responsive-scroll'))
            .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))""",
        bredde,
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= bredde, skaerm + str(for_brede)
    fejl = axe_violations(page)
    assert fejl == [], skaerm + format_violations(fejl)


def test_login_lands_on_mit_overblik_which_passes_axe_and_fits_the_screen(
    browser, live_server, data
):
    """On a desktop, then on a phone: one set of data for both."""
    for viewport in (DESKTOP, PHONE):
        context = new_context(browser, viewport)
        try:
            _log_ind_og_ud(context, live_server)
        finally:
            context.close()


def _log_ind_og_ud(context, live_server) -> None:
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Log ind").click()
    _tjek(page)
    page.get_by_label("Brugernavn").fill("ida")
    page.get_by_label("Adgangskode").fill(KODE)
    page.get_by_role("button", name="Log ind").click()
    page.wait_for_load_state("load")
    assert page.url == live_server.url + "/overblik/"
    expect(page.get_by_role("heading", name="Mit overblik", level=1)).to_be_visible()
    expect(page.get_by_text("Overskredet:").first).to_be_visible()
    expect(page.locator(".sidehoved-navn")).to_contain_text("Ida Kirkegaard-Østergaard")
    _tjek(page)
    page.goto(live_server.url + "/opfoelgninger/")
    expect(page.get_by_role("heading", name="År, der ikke er oprettet")).to_be_visible()
    fejl = axe_violations(page)
    assert fejl == [], format_violations(fejl)
    page.get_by_role("button", name="Log ud").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("link", name="Log ind")).to_be_visible()
