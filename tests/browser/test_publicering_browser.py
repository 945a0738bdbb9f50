"""The revision rule in Debian's headless Chromium, as issue 5 describes the flow:

a sekretariatsmedarbejder edits an activity's target group in the admin; the
sekretariatsleder sees the draft classified as faglig and sends it to the bestyrelse; the
public page still shows the old text; a bestyrelsesmedlem logs in, sees the comparison
and approves; the public page and the PDF show the new text and the approval date.
The draft, submission and overview pages pass axe-core on the way.
"""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import expect
from pypdf import PdfReader

from delaftaler.indlaesning import indlaes_fil
from delaftaler.models import Indstilling, Version
from delaftaler.roller import BESTYRELSE, LEDER, SEKRETARIAT
from tests.chromium import axe_violations, format_violations, log_ind, new_context
from tests.conftest import VEJLE, data_migrationernes_raekker

KODE = "hemmelig-kode-123"
OFFENTLIG = "/vejle-21-25/beskaeftigelse/"
UDKAST = "/vejle-21-25/beskaeftigelse/udkast/"
NY = "Unge 15-24 år, der hverken er i job eller uddannelse"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def vejle(live_server):
    data_migrationernes_raekker()
    delaftale = indlaes_fil(VEJLE).delaftale
    for navn, gruppe in (
        ("sekretariat", SEKRETARIAT),
        ("leder", LEDER),
        ("bestyrelse", BESTYRELSE),
    ):
        bruger = get_user_model().objects.create_user(navn, password=KODE, is_staff=True)
        bruger.groups.add(Group.objects.get(name=gruppe))
        delaftale.helhedsplan.medlemmer.add(bruger)
    return delaftale


def _log_ind(browser, live_server, brugernavn: str, naeste: str):
    """A context of the user's (logged in by session cookie) on ``naeste``."""
    context = new_context(browser)
    log_ind(context, live_server.url, get_user_model().objects.get(username=brugernavn))
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{live_server.url}{naeste}")
    return context, page


def _axe(page) -> None:
    fejl = axe_violations(page)
    assert fejl == [], format_violations(fejl)


def _pdf_tekst(indhold: bytes) -> str:
    reader = PdfReader(io.BytesIO(indhold))
    return " ".join(" ".join(side.extract_text() for side in reader.pages).split())


def test_a_faglig_change_is_approved_then_an_administrative_one_published(
    browser, live_server, vejle
):
    """Version 2 is a faglig change the board approves; version 3, on top of it, an
    administrative one the leder publishes. One load of Vejle for both."""
    aktivitet = vejle.aktiviteter.order_by("raekkefoelge", "pk").first()
    gammel = aktivitet.maalgrupper
    i_dag = timezone.localdate().strftime("%d.%m.%Y")

    # 1. The sekretariat edits the activity's target group in the admin.
    context, page = _log_ind(
        browser,
        live_server,
        "sekretariat",
        reverse("admin:aktiviteter_aktivitet_change", args=[aktivitet.pk]),
    )
    editor = page.locator(".field-maalgrupper .ProseMirror[contenteditable=true]")
    expect(editor).to_be_visible()
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(NY + ".")
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("blev ændret")
    context.close()
    aktivitet.refresh_from_db()
    assert NY in aktivitet.maalgrupper

    # 2. The leder sees a faglig draft with its cause and the comparison, and submits it.
    # Her browser stays open for step 6.
    leder, page = _log_ind(browser, live_server, "leder", UDKAST)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Udkast til delaftalen for Beskæftigelse"
    )
    aarsager = page.locator("section[aria-labelledby=aarsager-overskrift]")
    expect(aarsager.get_by_role("heading")).to_have_text("Faglig ændring")
    expect(aarsager).to_contain_text(f"Aktivitet »{aktivitet.navn}«: målgruppe(r) ændret")
    expect(page.locator(".sammenligning ins").filter(has_text="hverken").first).to_be_visible()
    expect(page.get_by_role("button", name="Publicér")).to_have_count(0)
    _axe(page)
    page.get_by_label("Begrundelse til bestyrelsen (valgfri)").fill(
        "Målgruppen udvides til de 15-24-årige efter aftale med jobcentret."
    )
    page.get_by_role("button", name="Send til bestyrelsen").click()
    expect(page.locator(".alert-success")).to_contain_text("sendt til bestyrelsen")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Faglig ændring af delaftalen for Beskæftigelse"
    )
    assert Indstilling.objects.get().status == "afventer"

    # 3. The public page and its PDF still show the published text.
    offentlig = browser.new_context(locale="da-DK")
    side = offentlig.new_page()
    side.goto(live_server.url + OFFENTLIG)
    expect(side.locator(".version")).to_contain_text("Gældende version af")
    expect(side.locator(".version")).not_to_contain_text("godkendt af bestyrelsen")
    expect(side.locator("main")).not_to_contain_text(NY)
    assert NY not in _pdf_tekst(side.request.get(live_server.url + OFFENTLIG[:-1] + ".pdf").body())

    # 4. A board member finds the submission, sees the comparison and approves.
    context, page = _log_ind(browser, live_server, "bestyrelse", "/udkast/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Udkast og indstillinger")
    _axe(page)
    page.locator("section[aria-labelledby=afventer-overskrift]").get_by_role(
        "link", name="Vejle_21_25 – Beskæftigelse"
    ).click()
    expect(
        page.get_by_role("heading", level=2, name="Status: afventer bestyrelsen")
    ).to_be_visible()
    expect(page.locator(".udkast-status")).to_contain_text("Målgruppen udvides til de 15-24-årige")
    sammenligning = page.locator(".sammenligning")
    expect(sammenligning.get_by_role("heading", level=2)).to_have_text(
        "Ændringer fra version 1 til den indstillede ændring"
    )
    expect(sammenligning.locator("ins").filter(has_text="hverken").first).to_be_visible()
    _axe(page)
    # Sending back without a comment is refused in Danish, nothing is decided.
    page.get_by_role("button", name="Send tilbage").click()
    expect(page.locator("#id_tilbage-kommentar_error")).to_contain_text(
        "Skriv, hvorfor ændringen sendes tilbage."
    )
    # … and so is a decision without the meeting it was taken at.
    expect(page.locator("#id_tilbage-moede_error")).to_contain_text(
        "Skriv datoen som dd.mm.åååå, fx 12.03.2025."
    )
    assert Indstilling.objects.get().status == "afventer"
    # The decision records the board meeting it was taken at (today's, typed).
    page.locator("#id_godkend-moede").fill(i_dag)
    page.get_by_label("Kommentar (valgfri)").fill("Godkendt på bestyrelsesmødet.")
    page.get_by_role("button", name="Godkend").click()
    expect(page.locator(".alert-success")).to_contain_text(
        "Ændringen er godkendt og publiceret som version 2."
    )
    expect(page.locator(".version")).to_contain_text(
        f"Gældende version af {i_dag}, godkendt af bestyrelsen på mødet {i_dag}"
    )
    expect(page.locator("main")).to_contain_text(NY)
    context.close()

    # 5. The public page and the stable PDF address show the new text and the approval.
    side.goto(live_server.url + OFFENTLIG)
    expect(side.locator(".version")).to_contain_text(f"godkendt af bestyrelsen på mødet {i_dag}")
    expect(side.locator("main")).to_contain_text(NY)
    svar = side.request.get(live_server.url + OFFENTLIG[:-1] + ".pdf")
    assert svar.status == 200 and svar.headers["content-type"] == "application/pdf"
    pdf = svar.body()
    tekst = _pdf_tekst(pdf)
    assert NY in tekst
    assert f"Gældende version af {i_dag}, godkendt af bestyrelsen på mødet {i_dag}" in tekst
    offentlig.close()

    version = Version.objects.get(nummer=2)
    assert (version.art, version.godkendt is not None) == ("faglig", True)
    assert pdf == bytes(version.pdf)  # the frozen PDF, rendered by the first request for it
    assert gammel in str(Version.objects.get(nummer=1).indhold)

    # 6. The leder publishes an administrative change; the draft pages pass axe.
    part = vejle.parter.first()
    part.telefon = "70 70 70 70"
    part.save()
    page = leder.pages[0]
    page.goto(live_server.url + UDKAST)
    expect(page.locator("section[aria-labelledby=aarsager-overskrift] h2")).to_have_text(
        "Administrativ ændring"
    )
    _axe(page)
    page.get_by_role("button", name="Publicér").click()
    expect(page.locator(".form-error-message")).to_contain_text(
        "Bekræft, at ændringerne skal publiceres."
    )
    _axe(page)
    page.get_by_label("Jeg har gennemgået ændringerne").check()
    page.get_by_role("button", name="Publicér").click()
    expect(page.locator(".alert-success")).to_contain_text(
        "De administrative ændringer er publiceret som version 3."
    )
    expect(page.locator("main")).to_contain_text("70 70 70 70")
    # The worker (not running here) makes the PDF; the leder is told, and the link works.
    expect(page.locator(".version")).to_contain_text("PDF'en bliver lavet …")
    _axe(page)
    page.goto(live_server.url + UDKAST + "vis/")
    expect(page.locator(".alert-warning")).to_contain_text("Udkast – ikke publiceret")
    _axe(page)
    leder.close()
    version = Version.objects.get(nummer=3)
    assert version.pdf_sha256 == ""
    assert DBTaskResult.objects.filter(
        task_path="delaftaler.publicering.version_pdf.version_pdf_opgave",
        args_kwargs__args=[version.pk],
        status="READY",
    ).exists()
