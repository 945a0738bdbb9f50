"""The e-mail settings page in Chromium: accessible, valid HTML, saves with a message."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from delaftaler.models import NotifikationArt, Notifikationsfravalg
from delaftaler.roller import LEDER
from tests.chromium import axe_violations, format_violations, html_errors, log_ind, new_context
from tests.conftest import data_migrationernes_raekker

KODE = "hemmelig-kode-123"
URL = "/overblik/notifikationer/"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_settings_page_is_accessible_and_turns_an_email_off(browser, live_server):
    data_migrationernes_raekker()
    bruger = get_user_model().objects.create_user(
        "leder", email="leder@example.org", password=KODE, is_staff=True
    )
    bruger.groups.add(Group.objects.get(name=LEDER))
    context = new_context(browser)
    try:
        log_ind(context, live_server.url, bruger)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{live_server.url}{URL}")
        expect(page.get_by_role("heading", level=1)).to_have_text("E-mails")
        fejl = html_errors(page.request.get(f"{live_server.url}{URL}").text(), filename=URL)
        assert fejl == [], "\n".join(fejl)
        vold = axe_violations(page)
        assert vold == [], format_violations(vold)

        page.get_by_label("Før fristen for en opfølgning").uncheck()
        page.get_by_role("button", name="Gem valg").click()
        expect(page.locator(".alert-success")).to_contain_text("Dine valg af e-mails er gemt.")
        expect(page.get_by_label("Før fristen for en opfølgning")).not_to_be_checked()
        vold = axe_violations(page)
        assert vold == [], format_violations(vold)
        assert list(Notifikationsfravalg.objects.values_list("art", flat=True)) == [
            NotifikationArt.PAAMINDELSE_FOER_FRIST
        ]
    finally:
        context.close()
