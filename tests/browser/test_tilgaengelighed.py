"""The public pages are accessible (axe-core, WCAG 2.1 AA) and valid HTML (html-validate).

The harness lives in tests/chromium.py. Besides the real pages, a probe page built from
``templates/base.html`` and typical dkfds content (heading, table, filter form, alert,
breadcrumbs) is checked through a throwaway URLconf in this module, so the base template
and the harness are tested even while the public views change.
"""

import re
import urllib.request

import pytest
from django.contrib import admin
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

from delaftaler.indlaesning import indlaes_fil
from tests.chromium import (
    DESKTOP,
    PHONE,
    axe_violations,
    format_violations,
    html_errors,
    new_context,
)
from tests.conftest import VEJLE, VIBORG, data_migrationernes_raekker

SIDER = ["/", "/vejle-21-25/beskaeftigelse/", "/viborg-25-29/beskaeftigelse/"]

PROEVE = """{% extends "base.html" %}
{% block title %}Prøveside – Delaftaler{% endblock %}
{% block breadcrumbs %}
<nav class="breadcrumbs" aria-label="Brødkrummesti">
  <ol class="breadcrumbs__list">
    <li class="breadcrumbs__list-item"><a class="breadcrumbs__link" href="/">Delaftaler</a></li>
    <li class="breadcrumbs__list-item" aria-current="page">Prøveside</li>
  </ol>
</nav>
{% endblock %}
{% block content %}
<h1>Prøveside</h1>
<p class="font-lead">Indledning til siden.</p>
<div class="alert alert-info">
  {% include "dkfds/ikon.html" with navn="info" klasser="alert-icon" etiket="Information" %}
  <div class="alert-body"><p class="alert-text">Baselines for Vestbyen kommer senere.</p></div>
</div>
<h2>Delmål og indikatorer</h2>
<form method="get" action="#tabel" class="filter">
  <div class="form-group">
    <label class="form-label" for="boligomraade">Vis boligområde</label>
    <select class="form-select" name="boligomraade" id="boligomraade">
      <option value="">Alle boligområder</option>
      <option value="1" selected>Vestbyen</option>
    </select>
  </div>
  <button type="submit" class="button button-secondary">Vis</button>
</form>
<section class="table--responsive-scroll" tabindex="0" aria-label="Indikatorer">
  <table class="table table--compact" id="tabel">
    <caption>Indikatorer for Vestbyen</caption>
    <thead>
      <tr><th scope="col">Delmål</th><th scope="col">Indikator</th>
      <th scope="col" class="tal">Baseline</th><th scope="col">Periode</th>
      <th scope="col">Datakilde</th></tr>
    </thead>
    <tbody>
      <tr><th scope="row">Flere unge i job</th><td>Andel offentligt forsørgede, 18-29 år</td>
      <td class="tal">11,3&nbsp;%</td><td class="nowrap">01.12.2021–30.11.2025</td>
      <td class="nowrap"><a href="/kilde/">Jobcenter Vejles fagsystem<span class="sr-only">
      (kilde til andel offentligt forsørgede, 18-29 år)</span></a></td></tr>
    </tbody>
  </table>
</section>
<h2>Hent</h2>
<ul class="nobullet-list d-print-none">
  <li><a href="/tabel.csv">CSV</a></li>
  <li><a href="/tabel.xlsx">Excel (XLSX)</a></li>
</ul>
{% endblock %}
"""


def proeveside(request):
    return HttpResponse(engines["django"].from_string(PROEVE).render(request=request))


urlpatterns = [
    path("admin/", admin.site.urls),
    path("proeve/", proeveside),
    path("", include("delaftaler.urls")),
]


@pytest.fixture
def proeve_urls(settings):
    settings.ROOT_URLCONF = __name__


def _side(browser, viewport):
    context = new_context(browser, viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _aabn(page, url: str) -> None:
    svar = page.goto(url)
    assert svar is not None and svar.status == 200, f"{url}: {svar and svar.status}"


# --- the real public pages -------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_public_pages_pass_axe_and_fit_a_phone(browser, live_server):
    """Each public page passes axe on a desktop; on a phone the delaftale page passes axe
    too, and no page is wider than the screen (WCAG 1.4.10, reflow: at 390 px only a
    scroll container may be wider, e.g. a wide table in <section
    class="table--responsive-scroll" tabindex="0" aria-label="…">, never the page). One
    walk, one context per screen size; the failures name their page."""
    # Transactional tests flush the database afterwards, data migrations included:
    # re-create LBF's indsatsområder the way the data migration does.
    data_migrationernes_raekker()
    indlaes_fil(VEJLE)
    indlaes_fil(VIBORG)
    fejl = []
    context, page = _side(browser, DESKTOP)
    try:
        for sti in SIDER:
            _aabn(page, live_server.url + sti)
            if vold := axe_violations(page):
                fejl.append(f"{sti} (skrivebord): {format_violations(vold)}")
    finally:
        context.close()
    context, page = _side(browser, PHONE)
    try:
        for sti in SIDER:
            _aabn(page, live_server.url + sti)
            if sti == SIDER[1] and (vold := axe_violations(page)):
                fejl.append(f"{sti} (telefon): {format_violations(vold)}")
            for_brede = page.evaluate(
                """(bredde) => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > bredde + 1)
                    .filter(e => !e.parentElement.closest('.table--responsive-scroll'))
                    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))""",
                PHONE["width"],
            )
            if page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]:
                fejl.append(f"{sti} (telefon) er bredere end skærmen: {for_brede}")
    finally:
        context.close()
    assert fejl == [], "\n\n".join(fejl)


def test_public_pages_are_valid_html(client, db):
    """Every public page, on one load of both delaftaler; the failures name their page."""
    indlaes_fil(VEJLE)
    indlaes_fil(VIBORG)
    fejl = []
    for sti in SIDER:
        svar = client.get(sti)
        assert svar.status_code == 200, sti
        fejl += [f"{sti}: {f}" for f in html_errors(svar.content.decode(), filename=sti)]
    assert fejl == [], "\n".join(fejl)


# --- the base template and the harness, on the probe page --------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_base_template_on_the_probe_page(browser, live_server, proeve_urls):
    """Axe on a desktop and a phone; the page's structure on a phone; the print
    stylesheet; and dkfds' CSS is served by the live server."""
    with urllib.request.urlopen(f"{live_server.url}/static/dkfds/css/dkfds.min.css") as svar:
        assert svar.status == 200
        assert svar.headers["Content-Type"].startswith("text/css")

    context, page = _side(browser, PHONE)
    try:
        _aabn(page, live_server.url + "/proeve/")
        fejl = axe_violations(page)
        assert fejl == [], "telefon: " + format_violations(fejl)
        assert page.title() == "Prøveside – Delaftaler"
        assert page.evaluate("document.documentElement.lang") == "da"
        # dkfds' CSS and font are loaded (not the browser's default serif).
        assert "IBM Plex Sans" in page.evaluate("getComputedStyle(document.body).fontFamily")
        page.wait_for_function("document.fonts.check('16px \"IBM Plex Sans\"')")
        # The skip link is the first tab stop and leads to the main content.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent.trim()") == "Gå til indhold"
        assert page.evaluate("document.activeElement.getAttribute('href')") == "#main-content"
        assert page.locator("main#main-content h1").inner_text() == "Prøveside"
        login = page.get_by_role("link", name="Log ind")
        assert login.is_visible() and login.get_attribute("href") == "/log-ind/"
        # The table is wider than the phone and scrolls inside its container (with the
        # .sr-only text in it); the page itself is not wider than the phone.
        rulle = page.locator(".table--responsive-scroll")
        assert rulle.evaluate("e => e.scrollWidth > e.clientWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        # Number cells are right-aligned and never wrapped.
        celle = page.locator("td.tal")
        assert celle.evaluate("e => getComputedStyle(e).textAlign") == "right"
        assert celle.evaluate("e => getComputedStyle(e).whiteSpace") == "nowrap"
    finally:
        context.close()

    context, page = _side(browser, DESKTOP)
    try:
        _aabn(page, live_server.url + "/proeve/")
        fejl = axe_violations(page)
        assert fejl == [], "skrivebord: " + format_violations(fejl)
        # The print stylesheet hides the navigation.
        page.emulate_media(media="print")
        for skjult in [
            ".skipnav",
            ".sidehoved-login",
            ".breadcrumbs",
            "form.filter",
            "ul.d-print-none",
        ]:
            assert page.locator(skjult).first.is_hidden(), skjult
        assert page.locator("h1").evaluate("e => getComputedStyle(e).color") == "rgb(0, 0, 0)"
        assert page.locator("tr").first.evaluate("e => getComputedStyle(e).breakInside") == "avoid"

        # The harness: a select without its label is reported by rule, help and target.
        page.emulate_media(media="screen")
        page.evaluate("document.querySelector('label[for=boligomraade]').remove()")
        fejl = axe_violations(page)
    finally:
        context.close()
    assert [v["id"] for v in fejl] == ["select-name"]
    besked = format_violations(fejl)
    assert "select-name" in besked and "#boligomraade" in besked and fejl[0]["help"] in besked


def test_staff_see_their_work_areas_in_the_header(client, admin_user, proeve_urls):
    assert "Log ind" in client.get("/proeve/").content.decode()
    client.force_login(admin_user)
    html = client.get("/proeve/").content.decode()
    assert re.search(r'href="/opfoelgninger/">\s*Opfølgninger\s*</a>', html)
    assert re.search(r'href="/admin/">\s*Redigering\s*</a>', html)
    assert "Log ind" not in html


def test_base_template_is_valid_html(client, db, proeve_urls):
    fejl = html_errors(client.get("/proeve/").content.decode())
    assert fejl == [], "\n".join(fejl)


def test_html_errors_reports_rule_line_and_source():
    fejl = html_errors(
        '<!doctype html>\n<html lang="da">\n<head><title>x</title></head>\n'
        "<body>\n<p>åben\n<img src=a.png>\n</body>\n</html>\n"
    )
    assert any(f.startswith("6:2 wcag/h37") and "<img src=a.png>" in f for f in fejl), fejl
    assert any("no-implicit-close" in f for f in fejl), fejl


# --- dkfds' static files -------------------------------------------------------------------


def test_dkfds_css_references_only_files_the_finders_find():
    css_sti = finders.find("dkfds/css/dkfds.min.css")
    assert css_sti, "dkfds/css/dkfds.min.css findes ikke; kør make setup"
    with open(css_sti, encoding="utf-8") as f:
        css = f.read()
    urler = {
        re.split(r"[?#]", u)[0]
        for u in re.findall(r"url\(\s*[\"']?([^\"')]+)", css)
        if not u.startswith(("data:", "#"))
    }
    fonte = {u for u in urler if "/fonts/" in u}
    assert fonte, "dkfds.min.css henviser ikke til nogen skrifttyper"
    mangler = [u for u in sorted(urler) if not finders.find("dkfds/" + u.removeprefix("../"))]
    assert mangler == []
    assert finders.find("dkfds/fonts/IBMPlexSans/complete/woff2/IBMPlexSans-Regular.woff2")
