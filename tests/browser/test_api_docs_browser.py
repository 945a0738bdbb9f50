"""The API's docs page (Swagger UI from our own static files) works under the strict
Content-Security-Policy: it lists the API's addresses, read from /api/v1/openapi.json,
with no violation and no script error."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from delaftaler.indlaesning import indlaes_fil
from tests.browser.test_csp_browser import besoeg_under_politikken
from tests.conftest import VEJLE, data_migrationernes_raekker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_list_every_address_under_the_policy(browser, live_server):
    data_migrationernes_raekker()
    indlaes_fil(VEJLE)
    with besoeg_under_politikken(browser, live_server) as besoeg:
        besoeg.aabn("/api/v1/docs")
        side = besoeg.page
        expect(side.get_by_text("/api/v1/delaftaler/{pk}/opfoelgninger/{aar}")).to_be_visible()
        expect(side.get_by_text("/api/v1/helhedsplaner/{slug}")).to_be_visible()
        besoeg.hent_haendelser()
