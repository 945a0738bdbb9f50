"""What a secretariat member clicks, in Debian's headless Chromium."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from delaftaler.indlaesning import indlaes_fil
from delaftaler.models import Delmaal
from delaftaler.roller import SEKRETARIAT
from indikatorer.models import Baseline
from tests.conftest import VEJLE, data_migrationernes_raekker

KODE = "hemmelig-kode-123"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="da-DK", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def logget_ind(page, live_server):
    data_migrationernes_raekker()
    delaftale = indlaes_fil(VEJLE).delaftale
    bruger = get_user_model().objects.create_user("sekretariat", password=KODE, is_staff=True)
    bruger.groups.add(Group.objects.get(name=SEKRETARIAT))
    delaftale.helhedsplan.medlemmer.add(bruger)  # staff work only on their own helhedsplaner
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Brugernavn").fill("sekretariat")
    page.get_by_label("Adgangskode").fill(KODE)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("button", name="Log ud")).to_be_visible()
    return page


def test_staff_edit_baselines_and_reorder_delmaal(logget_ind, live_server):
    """One session of a secretariat member (logged in through the form): a baseline is
    edited from the change list's search, a wrong one is refused in Danish with the input
    kept, and the delmål are reordered by dragging."""
    page = logget_ind
    # Edit a baseline, found through the indikator list's search.
    page.get_by_role("link", name="Indikatorer", exact=True).click()
    page.locator("#searchbar").fill("18-29")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Andel offentligt forsørgede fuldtidspersoner, 18-29 år").click()

    raekke = page.locator("tr.form-row", has=page.locator("option[selected]", has_text="Vestbyen"))
    felt = raekke.locator("input[name$='-vaerdi']")
    expect(felt).to_have_value("16,8")
    felt.fill("17,45")
    raekke.locator("input[name$='-periode']").fill("aug 2021")
    page.get_by_role("button", name="Gem", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("blev ændret")
    baseline = Baseline.objects.get(
        indikator__navn__endswith="18-29 år", boligomraade__navn="Vestbyen"
    )
    assert baseline.vaerdi_tekst == "17,45\u00a0%"
    assert baseline.periode == "2021-08"

    indikator_id = baseline.indikator_id
    page.goto(f"{live_server.url}/admin/indikatorer/indikator/{indikator_id}/change/")
    expect(raekke.locator("input[name$='-vaerdi']")).to_have_value("17,45")

    # A wrong baseline shows a Danish error and keeps the input: Nørremarken's, of the
    # same indikator, on the page just loaded.
    baseline = Baseline.objects.get(
        indikator__navn__endswith="18-29 år", boligomraade__navn="Nørremarken"
    )
    assert baseline.indikator_id == indikator_id
    raekke = page.locator(
        "tr.form-row", has=page.locator("option[selected]", has_text="Nørremarken")
    )
    raekke.locator("input[name$='-vaerdi']").fill("113")
    page.get_by_role("button", name="Gem", exact=True).click()

    expect(page.locator(".errornote")).to_be_visible()
    expect(page.get_by_text("En procentsats skal ligge mellem 0 og 100.")).to_be_visible()
    expect(raekke.locator("input[name$='-vaerdi']")).to_have_value("113")
    baseline.refresh_from_db()
    assert baseline.vaerdi_tekst == "11,3\u00a0%"

    # The delmål are reordered by dragging.
    delaftale_id = Delmaal.objects.first().delaftale_id
    page.goto(f"{live_server.url}/admin/delaftaler/delaftale/{delaftale_id}/change/")
    raekker = page.locator("#delmaal-group tbody tr.has_original")
    expect(raekker).to_have_count(3)
    raekker.nth(2).locator("td.original p").drag_to(raekker.nth(0).locator("td.original p"))
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("blev ændret")
    assert [d.tekst for d in Delmaal.objects.filter(delaftale_id=delaftale_id)] == [
        "Flere unge får et fritidsjob",
        "Nedbringe andelen af beboere der står uden for arbejdsmarkedet",
        "Øge andelen af udsatte borgere i småjobs",
    ]
