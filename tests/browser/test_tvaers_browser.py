"""The view across plans in Chromium: axe (WCAG 2.1 AA) on a desktop and a phone, the
chart's image loaded under the CSP, and on a 390 px phone nothing wider than the screen."""

import pytest

from delaftaler.indlaesning import indlaes_fil
from delaftaler.roller import BESTYRELSE, SEKRETARIAT
from delaftaler.tvaers.selectors import indikatornoegle
from tests.chromium import DESKTOP, PHONE, axe_violations, format_violations, new_context
from tests.conftest import VEJLE, VIBORG, bruger_med_rolle, data_migrationernes_raekker
from tests.test_fixtures import FORSOERGEDE_18_29
from tests.tvaers.aar import VEJLE_2022, godkendt_aar


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_view_across_plans_passes_axe_and_fits_a_phone(browser, live_server):
    data_migrationernes_raekker()
    vejle = indlaes_fil(VEJLE).delaftale
    indlaes_fil(VIBORG)
    godkendt_aar(
        vejle,
        2022,
        VEJLE_2022,
        bruger_med_rolle("sekretariat", SEKRETARIAT),
        bruger_med_rolle("bestyrelse", BESTYRELSE),
    )
    url = f"{live_server.url}/oversigt/?indikator={indikatornoegle(FORSOERGEDE_18_29)}"
    fejl = []
    for navn, skaerm in (("skrivebord", DESKTOP), ("telefon", PHONE)):
        context = new_context(browser, skaerm)
        try:
            page = context.new_page()
            page.set_default_timeout(15_000)
            svar = page.goto(url)
            assert svar is not None and svar.status == 200
            # The chart is an image of its own address: it loads, and is drawn (not broken).
            billede = page.locator("figure.diagram img")
            billede.wait_for()
            page.wait_for_function(
                "() => { const i = document.querySelector('figure.diagram img');"
                " return i.complete && i.naturalWidth > 0; }"
            )
            if vold := axe_violations(page):
                fejl.append(f"{navn}: {format_violations(vold)}")
            bredde = page.evaluate("document.documentElement.scrollWidth")
            if bredde > skaerm["width"]:
                fejl.append(f"{navn}: siden er {bredde} px bred")
        finally:
            context.close()
    assert fejl == [], "\n\n".join(fejl)
