"""»Ny delaftale« in Debian's headless Chromium: a sekretariatsleder opens the drafts list,
creates a delaftale for Uddannelse og livschancer from LBF's standard texts, lands on its
draft page and sees what is missing before it can go to the bestyrelse. Both pages pass
axe-core."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from delaftaler.indlaesning import indlaes_fil
from delaftaler.models import Delaftale
from delaftaler.roller import LEDER
from tests.chromium import axe_violations, format_violations, log_ind, new_context
from tests.conftest import VEJLE, data_migrationernes_raekker

KODE = "hemmelig-kode-123"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def vejle(live_server):
    data_migrationernes_raekker()
    delaftale = indlaes_fil(VEJLE).delaftale
    leder = get_user_model().objects.create_user("leder", password=KODE, is_staff=True)
    leder.groups.add(Group.objects.get(name=LEDER))
    delaftale.helhedsplan.medlemmer.add(leder)
    return delaftale


def _axe(page) -> None:
    fejl = axe_violations(page)
    assert fejl == [], format_violations(fejl)


def test_a_leder_creates_a_delaftale_from_the_standard_texts_and_sees_the_checklist(
    browser, live_server, vejle
):
    context = new_context(browser)
    log_ind(context, live_server.url, get_user_model().objects.get(username="leder"))
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}/udkast/")

    page.get_by_role("link", name="Ny delaftale").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny delaftale")
    _axe(page)
    page.get_by_label("Helhedsplan").select_option(label="Vejle_21_25")
    page.get_by_label("Indsatsområde").select_option(label="Uddannelse og livschancer")
    page.get_by_label("Start fra").select_option(label="LBF's standardtekster")
    page.get_by_role("button", name="Opret delaftalen").click()
    page.wait_for_load_state("load")

    assert page.url.endswith("/vejle-21-25/uddannelse-og-livschancer/udkast/")
    expect(page.get_by_text("er oprettet som udkast med LBF's standardtekster")).to_be_visible()
    tjekliste = page.get_by_role(
        "region", name="Det mangler, før delaftalen kan sendes til bestyrelsen"
    )
    expect(tjekliste.get_by_role("link", name="Delaftalen har ingen delmål.")).to_be_visible()
    expect(
        tjekliste.get_by_role(
            "link", name="»Medarbejderressourcer for indsatsområdet« er ikke skrevet endnu."
        )
    ).to_be_visible()
    expect(page.get_by_role("button", name="Send til bestyrelsen")).to_have_count(0)
    _axe(page)

    ny = Delaftale.objects.get(indsatsomraade__slug="uddannelse-og-livschancer")
    assert "Det aftales, at revideringer" in ny.revision
    context.close()
