"""»Indlæs delaftale fra Word« in Debian's headless Chromium: a sekretariatsleder has Vejle's
delaftale as a Word document in LBF's template and a new helhedsplan without it. From the
drafts list she opens the import, chooses the plan and the file, reads the review (what
was found, where the reading was unsure), confirms, and lands on the new draft with its
checklist; the Word download of the draft is linked there. Both pages pass axe-core."""

from __future__ import annotations

import datetime
import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from delaftaler.models import Helhedsplan
from delaftaler.roller import LEDER
from indikatorer.models import Baseline
from tests.chromium import axe_violations, format_violations, log_ind, new_context, skaermbillede
from tests.conftest import VEJLE, data_migrationernes_raekker
from tests.word import dokumenter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def nyby(live_server):
    data_migrationernes_raekker()
    plan = Helhedsplan.objects.create(
        navn="Nyby_24_28",
        slug="nyby-24-28",
        kommune="Vejle Kommune",
        gyldig_fra=datetime.date(2021, 1, 1),
        gyldig_til=datetime.date(2028, 12, 31),
    )
    leder = get_user_model().objects.create_user("leder", password="x-kode-123", is_staff=True)
    leder.groups.add(Group.objects.get(name=LEDER))
    plan.medlemmer.add(leder)
    return plan


def _axe(page) -> None:
    fejl = axe_violations(page)
    assert fejl == [], format_violations(fejl)


def test_a_leder_imports_a_word_delaftale_reviews_it_and_gets_a_draft(
    browser, live_server, nyby, tmp_path
):
    fil = tmp_path / "Delaftale Beskæftigelse.docx"
    fil.write_bytes(dokumenter.som_lbf_skabelon(json.loads(VEJLE.read_text(encoding="utf-8"))))
    context = new_context(browser)
    log_ind(context, live_server.url, get_user_model().objects.get(username="leder"))
    page = context.new_page()
    page.goto(f"{live_server.url}/udkast/")

    page.get_by_role("link", name="Indlæs delaftale fra Word").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Indlæs delaftale fra Word")
    _axe(page)
    page.get_by_label("Helhedsplan").select_option(label="Nyby_24_28")
    page.get_by_label("Word-dokument (.docx)").set_input_files(str(fil))
    page.get_by_role("button", name="Læs dokumentet").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Gennemse delaftalen før indlæsning")
    delmaal = page.get_by_role("region", name="Delmål og indikatorer")
    expect(
        delmaal.get_by_role("heading", name="Delmål 1: Nedbringe andelen af beboere")
    ).to_be_visible()
    tabel = delmaal.get_by_role(
        "table", name="Andel offentligt forsørgede fuldtidspersoner, 18-29 år"
    )
    expect(tabel.get_by_role("row").nth(1)).to_contain_text("Nørremarken")
    expect(tabel.get_by_role("row").nth(1)).to_contain_text("11,3\u00a0%")
    # LBF's template does not say which way is better: the reading says what it chose.
    expect(delmaal.get_by_text("Usikker læsning – tjek det")).to_be_visible()
    expect(
        page.get_by_role("region", name="Stamdata").get_by_text("(nyt i helhedsplanen)").first
    ).to_be_visible()
    assert not nyby.delaftaler.exists()
    _axe(page)
    skaermbillede(page, tmp_path / "gennemsyn.png")

    page.get_by_role("button", name="Indlæs som udkast").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/nyby-24-28/beskaeftigelse/udkast/")
    expect(
        page.get_by_text("er indlæst fra »Delaftale Beskæftigelse.docx« som udkast")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Hent udkastet som Word (.docx)")).to_be_visible()
    ny = nyby.delaftaler.get()
    assert Baseline.objects.filter(indikator__delmaal__delaftale=ny).count() == 17
    assert not ny.versioner.exists()
    context.close()
