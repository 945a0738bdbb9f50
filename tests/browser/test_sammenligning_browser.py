"""The history and comparison pages in a browser: no axe-core violations."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import data_migrationernes_raekker
from tests.publicering.test_historik import rediger_vejle
from tests.publicering.test_sammenligning import url

# --- In a browser: axe-core ----------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_history_and_comparison_pages_have_no_axe_violations(browser, live_server):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from delaftaler.indlaesning import indlaes_fil
    from delaftaler.roller import SEKRETARIAT
    from tests.chromium import axe_violations, format_violations, log_ind, new_context
    from tests.conftest import VEJLE

    data_migrationernes_raekker()
    vejle = indlaes_fil(VEJLE).delaftale
    bruger = get_user_model().objects.create_user(
        "sekretariat", password="kode-123-abc", is_staff=True
    )
    bruger.groups.add(Group.objects.get(name=SEKRETARIAT))
    vejle.helhedsplan.medlemmer.add(bruger)
    c = Client()
    c.force_login(bruger)
    rediger_vejle(c, vejle)

    sider = [
        url(vejle, fra="v1", til="udkast"),
        reverse("delaftaler:historik", args=[vejle.helhedsplan.slug, "beskaeftigelse"]),
    ]
    context = new_context(browser)
    log_ind(context, live_server.url, bruger)
    page = context.new_page()
    try:
        for side in sider:
            page.goto(f"{live_server.url}{side}")
            overskrift = page.locator("h1").inner_text()
            assert overskrift.startswith(("Sammenlign versioner", "Historik for")), overskrift
            assert page.locator("ins").count() > 0
            vold = axe_violations(page)
            assert not vold, f"{side}: {format_violations(vold)}"
    finally:
        context.close()
