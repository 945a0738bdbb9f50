"""The pages people work in fit their screens without scrolling sideways (WCAG 1.4.10):
the follow-up grid and the admin's delaftale, delmål and indikator forms in a 1 280 px
window, the public delaftale page (table of contents, indikator table) on a 390 px phone;
each with no axe violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from delaftaler.indlaesning import indlaes_fil
from delaftaler.opfoelgning.services import opfoelgning_opret
from delaftaler.roller import SEKRETARIAT
from tests.chromium import PHONE, axe_violations, format_violations, log_ind, new_context
from tests.conftest import VEJLE, bruger_med_rolle, data_migrationernes_raekker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1280, "height": 800}
AAR = 2024

# Whatever is wider than its box: the page itself, a table's scroll container, an admin
# inline; each as »tag.class bredde>plads«.
FOR_BREDT = """() => {
    const d = document.documentElement;
    const bokse = [...document.querySelectorAll(
        '.table--responsive-scroll, .inline-group, .inline-related, fieldset.module, table')];
    return [
        ...(d.scrollWidth > d.clientWidth ? [`side ${d.scrollWidth}>${d.clientWidth}`] : []),
        ...bokse.filter(e => e.scrollWidth > e.clientWidth + 1)
            .map(e => `${e.tagName.toLowerCase()}.${e.className} `
                      + `${e.scrollWidth}>${e.clientWidth}`),
    ];
}"""


def _vejle():
    data_migrationernes_raekker()
    return indlaes_fil(VEJLE).delaftale


def _passer_og_axe(page, url: str) -> tuple[list, str]:
    svar = page.goto(url)
    assert svar is not None and svar.status == 200, f"{url}: {svar and svar.status}"
    return page.evaluate(FOR_BREDT), format_violations(axe_violations(page))


def test_the_pages_people_work_in_fit_their_screens(browser, live_server):
    """The grid and the admin forms on a laptop, then the public page on a phone: one
    load of Vejle for both."""
    delaftale = _vejle()
    bruger = bruger_med_rolle("sekretariat", SEKRETARIAT)
    opfoelgning_opret(delaftale=delaftale, aar=AAR, bruger=bruger)
    delmaal = delaftale.delmaal.order_by("pk").first()
    indikator = delmaal.indikatorer.order_by("pk").first()
    plan, indsats = delaftale.helhedsplan.slug, delaftale.indsatsomraade.slug
    gitter = f"/{plan}/{indsats}/opfoelgning/{AAR}/indtast/"
    sider = [
        f"/admin/delaftaler/delaftale/{delaftale.pk}/change/",
        f"/admin/delaftaler/delmaal/{delmaal.pk}/change/",
        f"/admin/indikatorer/indikator/{indikator.pk}/change/",
        "/admin/indikatorer/indikator/add/",  # areas named with their plan: wider
        gitter,  # last: the folding below starts from the grid as loaded here
    ]

    context = new_context(browser, LAPTOP)
    log_ind(context, live_server.url, bruger)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        fejl = {}
        for sti in sider:
            for_bredt, axe = _passer_og_axe(page, live_server.url + sti)
            if for_bredt or axe != "ingen axe-fejl":
                fejl[sti] = f"{for_bredt}\n{axe}"
        # The grid's optional fields are folded under each row and open with a click.
        assert page.url == live_server.url + gitter
        valgfrit = page.locator("tr.valgfrit details").first
        assert valgfrit.get_attribute("open") is None
        datakilde = valgfrit.locator("input[name$='-datakilde']")
        assert not datakilde.is_visible()
        valgfrit.locator("summary").click()
        assert datakilde.is_visible()
        label = valgfrit.locator(f"label[for='{datakilde.get_attribute('id')}']")
        assert label.inner_text() == "Datakilde"
        assert page.evaluate(FOR_BREDT) == []
        # A wrong number in a field folded away again is unfolded when saving is held back.
        sammenligning = valgfrit.locator("input[name$='-sammenligning']")
        sammenligning.fill("abc")
        valgfrit.locator("summary").click()
        assert not sammenligning.is_visible()
        page.get_by_role("button", name="Gem opfølgningen").click()
        expect(sammenligning).to_be_focused()
        assert sammenligning.is_visible()
    finally:
        context.close()
    assert not fejl, "\n\n".join(f"{sti}: {tekst}" for sti, tekst in fejl.items())

    # The public delaftale page on a phone.
    url = f"{live_server.url}/{delaftale.helhedsplan.slug}/{delaftale.indsatsomraade.slug}/"
    context = new_context(browser, PHONE)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        for_bredt, axe = _passer_og_axe(page, url)
        assert for_bredt == [], for_bredt
        assert axe == "ingen axe-fejl", axe
        # Each indikator row reads as a card: the cell under its column's name.
        celle = page.locator("table.indikatortabel td.periode").first
        assert celle.evaluate("e => getComputedStyle(e).display") == "block"
        assert "Baseline år" in celle.evaluate("e => getComputedStyle(e, '::before').content")
        # The table of contents leads to every section it names.
        indhold = page.get_by_role("navigation", name="Indhold")
        links = indhold.get_by_role("link")
        assert links.count() == 7
        for href in links.evaluate_all("ls => ls.map(l => l.getAttribute('href'))"):
            assert page.locator(f"h2{href}").count() == 1, href
        links.nth(1).click()
        assert page.evaluate("location.hash") == "#delmaal"
    finally:
        context.close()
