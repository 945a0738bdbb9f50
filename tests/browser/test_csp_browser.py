"""Every kind of page works under the strict Content-Security-Policy, in a real browser,
and the sekretariat's admin pages pass axe-core on the same load.

Chromium loads each page *with* the CSP enforced (no ``bypass_csp``) and reports every
violation as a ``securitypolicyviolation`` event and a console error; both are collected
and must be empty. The pages: the public ones (overview, helhedsplan, delaftale, a
filtered delaftale, the follow-up report with its SVG charts), the follow-up pages, every
registered model's add and change form (the rich-text editor, sortable inlines), one
change list, history and delete confirmation of each kind (a guard test proves the
sample covers every model), the login page, the axes lockout page and the error pages.
The rich-text editor is used for real, to show it still works without inline script or
style.

The admin pages are walked once each. First as a sekretariatsmedarbejder: every domain
model's add and change page and the sampled change lists
(tests/browser/test_admin_tilgaengelighed.py, whose test this walk is too) are checked for
CSP violations *and* by axe-core (preloaded as an init script, which the page's policy
does not govern). Then as administrator: every other page, and those of the sekretariat's
that an administrator gets with other fields, inlines, widgets or media
(``_ens_for_begge``); the rest are the same page for both.
"""

from __future__ import annotations

import contextlib
from decimal import Decimal
from pathlib import Path

import django_prose_editor
import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from playwright.sync_api import expect

from aktiviteter.models import Aktivitet
from delaftaler.indlaesning import indlaes_fil
from delaftaler.models import Delaftale, Indsatsomraade, Opfoelgning
from delaftaler.opfoelgning.demo import opret_demo_opfoelgninger
from delaftaler.opfoelgning.services import opfoelgning_opret
from delaftaler.roller import BESTYRELSE, SEKRETARIAT
from indikatorer.maalinger import MaalingInput, maalinger_gem
from tests.browser.admin_udsnit import usete_slags
from tests.browser.test_admin_tilgaengelighed import sekretariatets_sider, skal_besoeges
from tests.chromium import AXE_JS, axe_violations, format_violations, log_ind, new_context
from tests.conftest import VEJLE, data_migrationernes_raekker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KODE = "hemmelig-kode-123"
DELAFTALE = "/vejle-21-25/beskaeftigelse/"

# axe-core parses the page's style sheets by putting them in <style> elements, which the
# policy blocks like any inline style. While axe runs (never while the page loads), the
# <style> elements it makes get the response's nonce, if the page has one; a page without
# one is checked by axe in a second, CSP-bypassing load (``_AxeUdenNonce``).
AXE_MED_NONCE = """() => {
  const kilde = document.querySelector('[nonce]');
  if (!kilde || !kilde.nonce) return false;
  const nonce = kilde.nonce;
  window.__opretElement = Document.prototype.createElement;
  Document.prototype.createElement = function (tag, ...rest) {
    const el = window.__opretElement.call(this, tag, ...rest);
    if (String(tag).toLowerCase() === 'style') el.nonce = nonce;
    return el;
  };
  return true;
}"""
AXE_FAERDIG = """() => { Document.prototype.createElement = window.__opretElement; }"""

LYT = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.effectiveDirective} blokerede ${e.blockedURI || 'inline'} `
    + `i ${e.sourceFile || '?'}:${e.lineNumber} ${e.sample || ''}`);
});
"""


class Besoeg:
    """A browser context that enforces CSP and records every violation and script error."""

    def __init__(self, browser, live_server):
        self.url = live_server.url
        self.context = browser.new_context(locale="da-DK", viewport={"width": 1400, "height": 1000})
        self.context.add_init_script(LYT)
        # axe-core for the admin walk: an init script, so the page's policy does not govern it.
        self.context.add_init_script(path=str(AXE_JS))
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.fejl: list[str] = []
        self.page.on("console", self._konsol)
        self.page.on("pageerror", lambda exc: self.fejl.append(f"{self.page.url}: JS-fejl {exc}"))

    def _konsol(self, besked) -> None:
        if besked.type == "error" and "Content Security Policy" in besked.text:
            self.fejl.append(f"{self.page.url}: {besked.text[:300]}")

    def aabn(self, sti: str, status: int | tuple[int, ...] = 200) -> None:
        svar = self.page.goto(self.url + sti)
        tilladt = status if isinstance(status, tuple) else (status,)
        assert svar is not None and svar.status in tilladt, (sti, svar and svar.status)
        self._tjek_header(svar, sti)
        self.page.wait_for_load_state("load")
        self.hent_haendelser()

    def _tjek_header(self, svar, sti: str) -> None:
        csp = svar.headers.get("content-security-policy", "")
        assert "script-src 'self'" in csp, (sti, csp)
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, (sti, csp)

    def hent_haendelser(self) -> None:
        for tekst in self.page.evaluate("() => window.__csp.splice(0)"):
            self.fejl.append(f"{self.page.url}: {tekst}")

    def log_ind(self, brugernavn: str) -> None:
        self.page.goto(self.url + "/admin/login/")
        self.page.get_by_label("Brugernavn").fill(brugernavn)
        self.page.get_by_label("Adgangskode").fill(KODE)
        self.page.get_by_role("button", name="Log ind").click()
        expect(self.page.get_by_role("button", name="Log ud")).to_be_visible()
        self.hent_haendelser()

    def luk(self) -> None:
        self.context.close()


@contextlib.contextmanager
def besoeg_under_politikken(browser, live_server):
    """A visit; afterwards, no violation or script error may have been recorded."""
    besoeg = Besoeg(browser, live_server)
    try:
        yield besoeg
    finally:
        besoeg.luk()
    assert besoeg.fejl == [], "\n".join(besoeg.fejl)


@pytest.fixture
def data(db):
    data_migrationernes_raekker()
    delaftale = indlaes_fil(VEJLE).delaftale
    User = get_user_model()
    admin_bruger = User.objects.create_superuser("admin", password=KODE)
    sekretariat = User.objects.create_user("sekretariat", password=KODE, is_staff=True)
    sekretariat.groups.add(Group.objects.get(name=SEKRETARIAT))
    bestyrelse = User.objects.create_user("bestyrelse", password=KODE, is_staff=True)
    bestyrelse.groups.add(Group.objects.get(name=BESTYRELSE))
    delaftale.helhedsplan.medlemmer.add(sekretariat, bestyrelse)  # their own helhedsplan
    # A draft to type in, made first: the admin walk opens each model's first row, so the
    # follow-up and its measurement are editable forms (one value typed, as a person would).
    kladde = opfoelgning_opret(delaftale=delaftale, aar=2025, bruger=sekretariat)
    baseline = delaftale.delmaal.first().indikatorer.first().baselines.first()
    maalinger_gem(
        opfoelgning=kladde,
        raekker=[
            MaalingInput(
                indikator=baseline.indikator,
                periode="2025",
                boligomraade=baseline.boligomraade,
                maalgruppe=baseline.maalgruppe,
                vaerdi=Decimal("11.3"),
            )
        ],
        bruger=sekretariat,
    )
    opret_demo_opfoelgninger(
        delaftale=delaftale,
        sekretariat=sekretariat,
        bestyrelse=bestyrelse,
        render_pdf=lambda o: b"%PDF-1.7 (ikke brugt i denne test)",
    )
    return {
        "delaftale": delaftale,
        "admin": admin_bruger,
        "sekretariat": sekretariat,
        "bestyrelse": bestyrelse,
    }


# One page of each kind (tests/browser/admin_udsnit.py); the guard test below proves that
# every other registered model's page of that sort is drawn by the same view and template.
LISTER = [Indsatsomraade, Delaftale, Aktivitet]
HISTORIK = [Delaftale]
SLET = [Delaftale, Aktivitet]


class _AxeUdenNonce:
    """axe on a page whose response has no nonce for axe's <style> elements: loaded once
    more, in a context that bypasses the policy (as tests/chromium.py's axe checks do),
    made on first need and kept for the walk."""

    def __init__(self, browser, url: str, bruger):
        self.browser, self.url, self.bruger = browser, url, bruger
        self.context = None

    def __call__(self, sti: str) -> list[dict]:
        if self.context is None:
            self.context = new_context(self.browser)
            log_ind(self.context, self.url, self.bruger)
            self.page = self.context.new_page()
        self.page.goto(self.url + sti)
        return axe_violations(self.page)

    def luk(self) -> None:
        if self.context is not None:
            self.context.close()


def _ens_for_begge(sti: str, administrator, sekretariat) -> bool:
    """Whether the admin page ``sti`` (an add or change form) is drawn alike for both: the
    same fields, read-only fields, widgets, inlines (with theirs) and media. Which rows
    the choices offer may differ; the markup around them does not."""
    from django.urls import resolve

    match = resolve(sti)
    model_admin = match.func.model_admin
    obj = None
    if "object_id" in match.kwargs:
        obj = model_admin.model._default_manager.get(pk=match.kwargs["object_id"])

    def slags(bruger) -> tuple:
        anmodning = RequestFactory().get(sti)
        anmodning.user = bruger
        form = model_admin.get_form(anmodning, obj)
        inlines = tuple(
            (
                type(inline),
                tuple(inline.get_fields(anmodning, obj)),
                tuple(inline.get_readonly_fields(anmodning, obj)),
                str(inline.media),
                tuple(
                    (n, type(f.widget))
                    for n, f in inline.get_formset(anmodning, obj).form.base_fields.items()
                ),
                inline.has_add_permission(anmodning, obj),
                inline.has_change_permission(anmodning, obj),
                inline.has_delete_permission(anmodning, obj),
            )
            for inline in model_admin.get_inline_instances(anmodning, obj)
        )
        return (
            str(model_admin.get_fieldsets(anmodning, obj)),
            tuple(model_admin.get_readonly_fields(anmodning, obj)),
            tuple((n, type(f.widget)) for n, f in form.base_fields.items()),
            str(model_admin.media + form(instance=obj).media),
            inlines,
            model_admin.has_change_permission(anmodning, obj),
        )

    return slags(administrator) == slags(sekretariat)


def _admin_sider(bruger) -> list[tuple[str, int]]:
    """The admin's front page; every registered model's add and change form; the change
    lists, history and delete pages of the sample; and the 403 of a refused delete."""
    sider = [("/admin/", 200)]
    anmodning = type("Anmodning", (), {"user": bruger})()
    for model, model_admin in admin.site._registry.items():
        navn = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        if model in LISTER:
            sider.append((reverse(f"{navn}_changelist"), 200))
        if model_admin.has_add_permission(anmodning):
            sider.append((reverse(f"{navn}_add"), 200))
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        sider.append((reverse(f"{navn}_change", args=[obj.pk]), 200))
        if model in HISTORIK:
            sider.append((reverse(f"{navn}_history", args=[obj.pk]), 200))
        if model in SLET:
            sider.append((reverse(f"{navn}_delete", args=[obj.pk]), 200))
    opfoelgning = Opfoelgning.objects.order_by("pk").first()  # never deleted: the 403 page
    sider.append((reverse("admin:delaftaler_opfoelgning_delete", args=[opfoelgning.pk]), 403))
    return sider


def test_no_page_violates_the_content_security_policy(browser, live_server, data, settings):
    """One walk, logged out, as each role and as administrator; then the rich-text editor is
    used for real and a login is locked out, all under the policy. The sekretariat's admin
    pages pass axe-core on the same load (tests/browser/test_admin_tilgaengelighed.py)."""
    settings.AXES_FAILURE_LIMIT = 2  # the lockout page after two wrong passwords
    aktivitet = Aktivitet.objects.filter(delaftale=data["delaftale"]).order_by("pk").first()
    with besoeg_under_politikken(browser, live_server) as besoeg:
        # Public, logged out.
        for sti in [
            "/",
            "/vejle-21-25/",
            DELAFTALE,
            "/vejle-21-25/beskaeftigelse/opfoelgning/2023/",
        ]:
            besoeg.aabn(sti)
        besoeg.page.goto(besoeg.url + DELAFTALE)
        besoeg.page.get_by_label("Vis boligområde").select_option(index=1)
        besoeg.page.get_by_role("button", name="Vis").click()
        besoeg.page.wait_for_load_state("load")
        besoeg.hent_haendelser()
        besoeg.aabn("/findes-ikke/heller-ikke/", status=404)
        besoeg.aabn("/admin/login/")

        # The follow-up pages, as the secretariat (through the login form) and the board.
        besoeg.log_ind("sekretariat")
        opf = "/vejle-21-25/beskaeftigelse/opfoelgning/"
        for sti in ["/opfoelgninger/", opf, opf + "2025/indlaes/", opf + "2025/indtast/"]:
            besoeg.aabn(sti)
        # Live validation in the entry grid runs from indtastning.js.
        felt = besoeg.page.locator("input[name$='vaerdi']").first
        felt.fill("ikke et tal")
        felt.blur()
        besoeg.hent_haendelser()

        # The admin pages the sekretariat works in: the policy and axe on one load each.
        axe_fejl, sekretariatets = {}, set()
        axe_uden_nonce = _AxeUdenNonce(browser, besoeg.url, data["sekretariat"])
        for sti in sekretariatets_sider():
            svar = besoeg.page.goto(besoeg.url + sti)
            besoeg.page.wait_for_load_state("load")
            besoeg.hent_haendelser()
            if svar is None or svar.status != 200:
                continue  # not the sekretariat's (e.g. adding a helhedsplan)
            besoeg._tjek_header(svar, sti)
            sekretariatets.add(sti)
            if besoeg.page.evaluate(AXE_MED_NONCE):
                vold = axe_violations(besoeg.page)
                besoeg.page.evaluate(AXE_FAERDIG)
            else:
                vold = axe_uden_nonce(sti)
            if vold:
                axe_fejl[sti] = format_violations(vold)
            besoeg.hent_haendelser()  # nothing else may be blocked while axe runs
        axe_uden_nonce.luk()
        mangler = skal_besoeges() - sekretariatets
        assert not mangler, sorted(mangler)
        assert not axe_fejl, "\n\n".join(f"{sti}\n{tekst}" for sti, tekst in axe_fejl.items())
        besoeg.context.clear_cookies()
        log_ind(besoeg.context, besoeg.url, data["bestyrelse"])
        besoeg.aabn(opf + "2024/")
        besoeg.context.clear_cookies()

        # The admin pages, as an administrator.
        log_ind(besoeg.context, besoeg.url, data["admin"])
        sekretariat = data["sekretariat"]
        for sti, status in _admin_sider(data["admin"]):
            if sti in sekretariatets and _ens_for_begge(sti, data["admin"], sekretariat):
                continue  # the same page, already loaded under the policy above
            besoeg.aabn(sti, status=status)
        # A form posted without its CSRF token gets the Danish 403 page.
        besoeg.page.evaluate(
            """() => { const f = document.createElement('form'); f.method = 'post';
                f.action = '/admin/logout/'; document.body.append(f); f.submit(); }"""
        )
        besoeg.page.wait_for_load_state("load")
        expect(besoeg.page.locator("h1")).to_have_text("Formularen kunne ikke sendes")
        besoeg.hent_haendelser()

        # The rich-text editor works without inline script or style.
        besoeg.aabn(reverse("admin:aktiviteter_aktivitet_change", args=[aktivitet.pk]))
        editor = besoeg.page.locator(".ProseMirror[contenteditable=true]").first
        expect(editor).to_be_visible()
        editor.click()
        besoeg.page.keyboard.press("Control+End")
        besoeg.page.keyboard.press("Enter")
        besoeg.page.keyboard.press("Control+b")
        besoeg.page.keyboard.type("Fed tekst skrevet under CSP")
        besoeg.hent_haendelser()
        besoeg.page.get_by_role("button", name="Gem", exact=True).click()
        expect(besoeg.page.locator(".messagelist")).to_contain_text("blev ændret")
        besoeg.hent_haendelser()

        # The lockout page keeps the policy too.
        besoeg.context.clear_cookies()
        for _ in range(settings.AXES_FAILURE_LIMIT + 1):
            besoeg.page.goto(besoeg.url + "/admin/login/")
            if besoeg.page.get_by_label("Brugernavn").count() == 0:
                break
            besoeg.page.get_by_label("Brugernavn").fill("admin")
            besoeg.page.get_by_label("Adgangskode").fill("forkert-kode")
            besoeg.page.get_by_role("button", name="Log ind").click()
            besoeg.page.wait_for_load_state("load")
        expect(besoeg.page.locator("h1")).to_have_text("For mange mislykkede loginforsøg")
        besoeg.hent_haendelser()
    aktivitet.refresh_from_db()
    felter = [f.name for f in Aktivitet._meta.fields if f.get_internal_type() == "TextField"]
    tekst = " ".join(str(getattr(aktivitet, f)) for f in felter)
    assert "<strong>Fed tekst skrevet under CSP</strong>" in tekst


def test_the_sampled_admin_pages_cover_every_kind():
    """The walk above visits one change list, history and delete page of each kind: every
    other model's is drawn by the same view, template, media and columns."""
    assert usete_slags(LISTER, "changelist") == []
    assert usete_slags(HISTORIK, "history") == []
    assert usete_slags(SLET, "delete") == []


def test_error_pages_carry_no_inline_code(rf):
    """The 500 page cannot be provoked in the live server; its HTML is checked instead."""
    for skabelon in ["403.html", "403_csrf.html", "404.html", "500.html"]:
        html = render_to_string(skabelon, request=rf.get("/"))
        assert "<style" not in html and " style=" not in html, skabelon
        assert "<script>" not in html and " onclick=" not in html, skabelon


def test_tiptap_css_matches_the_installed_editor():
    """static/delaftaler/tiptap.css stands in for the CSS Tiptap would inject inline."""
    editor_js = Path(django_prose_editor.__file__).parent / "static/django_prose_editor/editor.js"
    kilde = editor_js.read_text(encoding="utf-8")
    start = kilde.index("`.ProseMirror {")
    tiptap = kilde[start + 1 : kilde.index("`", start + 1)]
    vores = (Path(settings.BASE_DIR) / "static/delaftaler/tiptap.css").read_text(encoding="utf-8")
    assert tiptap.strip() in vores, "Opdatér static/delaftaler/tiptap.css fra editor.js"
