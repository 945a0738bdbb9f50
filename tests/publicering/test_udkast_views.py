"""The draft's pages and actions (publicering/views/udkast.py): what each role sees and may
do, the Danish refusals that lose nothing, access, CSRF and every page's query count."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from delaftaler.models import Bestyrelsesmoede, Indstilling, Version
from delaftaler.publicering import services as publicering
from delaftaler.publicering.services import (
    AFVENTER_ALLEREDE,
    ER_AFGJORT,
    FAGLIG_SKAL_GODKENDES,
    INGEN_AENDRINGER,
    UDKAST_AENDRET,
)
from delaftaler.publicering.version_pdf import version_pdf
from delaftaler.roller import BESTYRELSE, LEDER
from tests.chromium import html_errors
from tests.factories import (
    AktivitetFactory,
    BaselineFactory,
    DelmaalFactory,
    IndikatorFactory,
    PartFactory,
)
from tests.planer import ny_bruger
from tests.publicering.test_publicering import NY_MAALGRUPPE, _administrativ, _faglig, _gem

# The real delaftaler are loaded once for the module (tests/conftest.py).
pytestmark = pytest.mark.delt_data

A = ["vejle-21-25", "beskaeftigelse"]
UDKAST = reverse("delaftaler:udkast", args=A)
VIS = reverse("delaftaler:udkast_vis", args=A)
PDF = reverse("delaftaler:udkast_pdf", args=A)
PUBLICER = reverse("delaftaler:udkast_publicer", args=A)
INDSTIL = reverse("delaftaler:udkast_indstil", args=A)
OVERSIGT = reverse("delaftaler:udkast_oversigt")
OFFENTLIG = "/vejle-21-25/beskaeftigelse/"
# The board meeting a decision was taken at: today's.
DAG = timezone.localdate().strftime("%d.%m.%Y")
MOEDE_GODKEND = {"godkend-moede": DAG}
MOEDE_TILBAGE = {"tilbage-moede": DAG}


def _indstilling_url(navn: str, pk: int) -> str:
    return reverse(f"delaftaler:{navn}", args=[*A, pk])


def _tekst(svar) -> str:
    return svar.content.decode()


def _sha(svar) -> str:
    return re.search(r'name="udkast_sha256" value="([0-9a-f]{64})"', _tekst(svar)).group(1)


def _klient(hvem) -> Client:
    klient = Client()
    klient.force_login(hvem)
    return klient


def _beskeder(svar) -> list[str]:
    return [str(b) for b in svar.context["messages"]]


@pytest.fixture
def leder(leder_bruger, vejle):
    return _klient(leder_bruger)


@pytest.fixture
def bestyrelse(bestyrelse_bruger, vejle):
    return _klient(bestyrelse_bruger)


@pytest.fixture
def medarbejder(sekretariat_bruger, vejle):
    return _klient(sekretariat_bruger)


@pytest.fixture
def indstilling(vejle, leder_bruger):
    _faglig(vejle)
    return publicering.udkast_indstil(
        delaftale=vejle, bruger=leder_bruger, begrundelse="Målgruppen er udvidet til de unge."
    )


# --- The draft page -----------------------------------------------------------------------------


def test_no_changes_shows_the_published_version_and_no_action(leder):
    svar = leder.get(UDKAST)
    assert svar.status_code == 200
    tekst = _tekst(svar)
    assert "Ingen ændringer" in tekst and "udkastet er magen til den gældende version" in tekst
    assert 'href="/vejle-21-25/beskaeftigelse/">Version 1</a>' in tekst
    assert svar.context["publicer_form"] is None and svar.context["indstil_form"] is None
    assert "Publicér" not in tekst and PUBLICER not in tekst and INDSTIL not in tekst
    assert f'href="{PDF}"' in tekst and f'href="{VIS}"' in tekst


def test_an_administrative_draft_shows_its_causes_and_the_publish_form(leder, vejle):
    _administrativ(vejle)
    svar = leder.get(UDKAST)
    tekst = _tekst(svar)
    assert '<strong class="udkast-art udkast-art-administrativ">Administrativ ændring</strong>' in (
        tekst
    )
    assert f"Part »{vejle.parter.first().navn}«: telefon ændret" in tekst
    assert f'action="{PUBLICER}"' in tekst and f'action="{INDSTIL}"' not in tekst
    assert _sha(svar) == publicering.udkast_for(vejle).sha256
    # The comparison against the published version.
    assert "Ændringer fra version 1 (gældende) til udkastet" in tekst
    assert "70 70 70 70" in tekst


def test_a_mixed_draft_is_faglig_with_its_cause_and_the_submit_form(leder, vejle):
    _administrativ(vejle)
    _faglig(vejle)
    svar = leder.get(UDKAST)
    tekst = _tekst(svar)
    assert '<h2 id="aarsager-overskrift">Faglig ændring</h2>' in tekst
    aktivitet = vejle.aktiviteter.first().navn
    aarsager = tekst.split('id="aarsager-overskrift"')[1].split("</section>")[0]
    assert f"Aktivitet »{aktivitet}«: målgruppe(r) ændret" in aarsager
    assert "Desuden administrative ændringer" in aarsager and "telefon ændret" in aarsager
    assert f'action="{INDSTIL}"' in tekst and f'action="{PUBLICER}"' not in tekst
    assert "Unge 15-17 år" in tekst  # the comparison shows the new words


@pytest.mark.parametrize("klient", ["medarbejder", "bestyrelse"])
def test_staff_without_the_leders_permission_read_the_draft_without_actions(request, vejle, klient):
    _faglig(vejle)
    svar = request.getfixturevalue(klient).get(UDKAST)
    assert svar.status_code == 200
    tekst = _tekst(svar)
    assert "Faglig ændring" in tekst
    assert "<form" not in tekst.split('id="main-content"')[1]
    assert "Sekretariatslederen sender udkastet til bestyrelsen." in tekst


def test_the_preview_shows_the_draft_and_the_public_page_does_not(leder, vejle):
    _faglig(vejle)
    svar = leder.get(VIS)
    assert svar.status_code == 200
    tekst = _tekst(svar)
    assert "Udkast – ikke publiceret" in tekst and "Udkast, ikke publiceret" in tekst
    assert "Unge 15-17 år" in tekst
    assert "indikatorer.csv" not in tekst  # the public table's downloads are not the draft's
    offentlig = _tekst(Client().get(OFFENTLIG))
    assert "Unge 15-17 år" not in offentlig and "Gældende version af" in offentlig


def test_the_draft_pdf_is_rendered_from_the_tables_and_says_it_is_a_draft(leder, vejle):
    _faglig(vejle)
    svar = leder.get(PDF)
    assert svar.status_code == 200 and svar["Content-Type"] == "application/pdf"
    assert "_udkast.pdf" in svar["Content-Disposition"]
    import io

    tekst = " ".join(s.extract_text() for s in PdfReader(io.BytesIO(svar.content)).pages)
    tekst = " ".join(tekst.split())
    assert "Udkast, ikke publiceret" in tekst
    assert "Unge 15-17 år" in tekst
    assert "Gældende version" not in tekst
    assert Version.objects.get().pdf_sha256 == ""  # the published version is untouched


# --- Publishing -----------------------------------------------------------------------------


def test_the_leder_publishes_a_contact_fix_while_a_submission_waits(leder, indstilling, vejle):
    assert "Publicér de administrative ændringer" not in _tekst(leder.get(UDKAST))
    _administrativ(vejle)
    side = leder.get(UDKAST)
    assert "Publicér de administrative ændringer" in _tekst(side)
    svar = leder.post(PUBLICER, {"udkast_sha256": _sha(side), "bekraeft": "on"})
    assert svar.status_code == 302 and svar["Location"] == OFFENTLIG
    version = Version.objects.get(nummer=2)
    assert version.art == "administrativ"
    assert NY_MAALGRUPPE not in {a["maalgrupper"] for a in version.indhold["aktiviteter"]}
    indstilling.refresh_from_db()
    assert indstilling.afventer


def test_the_leder_publishes_an_administrative_draft_without_waiting_for_its_pdf(
    leder, leder_bruger, vejle
):
    _administrativ(vejle)
    sha = _sha(leder.get(UDKAST))
    svar = leder.post(PUBLICER, {"udkast_sha256": sha, "bekraeft": "on"})
    assert svar.status_code == 302 and svar["Location"] == OFFENTLIG
    version = Version.objects.get(nummer=2)
    assert (version.art, version.publiceret_af, version.godkendt) == (
        "administrativ",
        leder_bruger,
        None,
    )
    assert version.pdf_sha256 == "", "the worker makes the PDF, not the request"
    side = leder.get(OFFENTLIG)
    assert _beskeder(side) == [
        "De administrative ændringer er publiceret som version 2. Delaftalen her og dens "
        f"PDF viser nu den gældende version af {version.dato_tekst}."
    ]
    assert "PDF'en bliver lavet …" in _tekst(side)
    assert "70 70 70 70" in _tekst(side)
    assert "Ingen ændringer" in _tekst(leder.get(UDKAST))


def test_publishing_needs_the_confirmation(leder, vejle):
    _administrativ(vejle)
    svar = leder.post(PUBLICER, {"udkast_sha256": _sha(leder.get(UDKAST))})
    assert svar.status_code == 400
    assert "Bekræft, at ændringerne skal publiceres." in _tekst(svar)
    assert Version.objects.count() == 1


def test_a_stale_page_publishes_nothing_and_shows_the_new_draft(leder, vejle):
    _administrativ(vejle)
    gammel = _sha(leder.get(UDKAST))
    _gem(vejle.parter.first(), email="ny@example.dk")
    svar = leder.post(PUBLICER, {"udkast_sha256": gammel, "bekraeft": "on"})
    assert svar.status_code == 409
    assert UDKAST_AENDRET in _tekst(svar)
    assert Version.objects.count() == 1
    # The form now carries the draft as it is, unconfirmed.
    assert _sha(svar) == publicering.udkast_for(vejle).sha256 != gammel
    assert 'name="bekraeft" class="form-checkbox" required id="id_bekraeft" checked' not in (
        _tekst(svar)
    )
    assert "telefon ændret" in _tekst(svar) and "e-mail ændret" in _tekst(svar)


def test_a_missing_digest_is_refused(leder, vejle):
    _administrativ(vejle)
    svar = leder.post(PUBLICER, {"bekraeft": "on"})
    assert svar.status_code == 400
    assert "Siden mangler udkastets fingeraftryk. Indlæs siden igen." in _tekst(svar)
    assert Version.objects.count() == 1


def test_publishing_a_faglig_draft_is_refused_with_a_message(leder, vejle):
    _faglig(vejle)
    sha = publicering.udkast_for(vejle).sha256
    svar = leder.post(PUBLICER, {"udkast_sha256": sha, "bekraeft": "on"})
    assert svar.status_code == 409
    assert FAGLIG_SKAL_GODKENDES in _beskeder(svar)
    assert f'action="{INDSTIL}"' in _tekst(svar)
    assert Version.objects.count() == 1


def test_publishing_without_changes_is_refused_with_a_message(leder, vejle):
    sha = publicering.udkast_for(vejle).sha256
    svar = leder.post(PUBLICER, {"udkast_sha256": sha, "bekraeft": "on"})
    assert svar.status_code == 409
    assert INGEN_AENDRINGER in _beskeder(svar)
    assert Version.objects.count() == 1


# --- Submitting, withdrawing -------------------------------------------------------------------


def test_the_leder_submits_a_faglig_draft_with_reasons(leder, leder_bruger, vejle):
    _faglig(vejle)
    svar = leder.post(INDSTIL, {"udkast_sha256": _sha(leder.get(UDKAST)), "begrundelse": "Fordi."})
    indstilling = Indstilling.objects.get()
    assert svar.status_code == 302
    assert svar["Location"] == _indstilling_url("indstilling", indstilling.pk)
    assert (indstilling.status, indstilling.begrundelse, indstilling.indsendt_af) == (
        "afventer",
        "Fordi.",
        leder_bruger,
    )
    side = leder.get(UDKAST)
    tekst = _tekst(side)
    assert "Hos bestyrelsen" in tekst and "afventer bestyrelsen" in tekst
    assert _indstilling_url("indstilling_traek_tilbage", indstilling.pk) in tekst
    assert f'action="{INDSTIL}"' not in tekst  # no second submission offered
    # The public page still shows the published text.
    assert "Unge 15-17 år" not in _tekst(Client().get(OFFENTLIG))


def test_a_second_submission_is_refused_and_the_reasons_are_kept(leder, vejle, indstilling):
    sha = publicering.udkast_for(vejle).sha256
    svar = leder.post(INDSTIL, {"udkast_sha256": sha, "begrundelse": "Anden gang."})
    assert svar.status_code == 409
    beskeder = _beskeder(svar)
    assert AFVENTER_ALLEREDE in beskeder
    assert "Din begrundelse blev ikke gemt: »Anden gang.«" in beskeder
    assert Indstilling.objects.count() == 1


def test_a_stale_submission_keeps_the_typed_reasons(leder, vejle):
    _faglig(vejle)
    gammel = _sha(leder.get(UDKAST))
    _faglig(vejle, "<p>Alle beboere.</p>")
    svar = leder.post(INDSTIL, {"udkast_sha256": gammel, "begrundelse": "Min lange begrundelse."})
    assert svar.status_code == 409
    tekst = _tekst(svar)
    assert UDKAST_AENDRET in tekst
    assert ">Min lange begrundelse.</textarea>" in tekst.replace("\n", "")
    assert _sha(svar) == publicering.udkast_for(vejle).sha256
    assert not Indstilling.objects.exists()


def test_the_draft_page_says_when_the_draft_changed_after_submitting(leder, vejle, indstilling):
    assert "Udkastet er ændret, efter det blev sendt." not in _tekst(leder.get(UDKAST))
    _gem(vejle.aktiviteter.last(), formaal="<p>Nyt formål.</p>")
    assert "Udkastet er ændret, efter det blev sendt." in _tekst(leder.get(UDKAST))


def test_the_leder_withdraws_a_submission_and_a_second_withdrawal_is_refused(
    leder, leder_bruger, indstilling
):
    url = _indstilling_url("indstilling_traek_tilbage", indstilling.pk)
    svar = leder.post(url)
    assert svar.status_code == 302 and svar["Location"] == UDKAST
    indstilling.refresh_from_db()
    assert (indstilling.status, indstilling.besluttet_af) == ("trukket_tilbage", leder_bruger)
    side = leder.get(UDKAST)
    assert _beskeder(side) == [
        "Indstillingen er trukket tilbage. Udkastet kan rettes og sendes til bestyrelsen igen."
    ]
    assert f'action="{INDSTIL}"' in _tekst(side)
    assert "Trukket tilbage af sekretariatet" in _tekst(side)

    igen = leder.post(url)
    assert igen.status_code == 409
    assert ER_AFGJORT in _beskeder(igen)


# --- The bestyrelse decides --------------------------------------------------------------------


def test_the_submission_page_shows_what_was_submitted_against_its_version(bestyrelse, indstilling):
    svar = bestyrelse.get(_indstilling_url("indstilling", indstilling.pk))
    assert svar.status_code == 200
    tekst = _tekst(svar)
    assert "Status: afventer bestyrelsen" in tekst
    assert "Målgruppen er udvidet til de unge." in tekst
    assert "Ændringer fra version 1 til den indstillede ændring" in tekst
    assert "Unge 15-17 år" in tekst
    assert _indstilling_url("indstilling_godkend", indstilling.pk) in tekst
    assert _indstilling_url("indstilling_send_tilbage", indstilling.pk) in tekst
    assert _indstilling_url("indstilling_traek_tilbage", indstilling.pk) not in tekst


def test_the_leder_sees_the_submission_without_the_boards_forms(leder, indstilling):
    tekst = _tekst(leder.get(_indstilling_url("indstilling", indstilling.pk)))
    assert _indstilling_url("indstilling_godkend", indstilling.pk) not in tekst
    assert _indstilling_url("indstilling_traek_tilbage", indstilling.pk) in tekst


def test_approval_publishes_the_submitted_snapshot_with_the_meeting_it_was_taken_at(
    bestyrelse, bestyrelse_bruger, leder, vejle, indstilling
):
    _gem(vejle.aktiviteter.last(), formaal="<p>Rettet efter indstillingen.</p>")
    assert not Bestyrelsesmoede.objects.exists()
    svar = bestyrelse.post(
        _indstilling_url("indstilling_godkend", indstilling.pk),
        {"godkend-moede": "12.03.2025", "godkend-kommentar": "Godkendt på mødet 3. marts."},
    )
    assert svar.status_code == 302 and svar["Location"] == OFFENTLIG
    version = Version.objects.get(nummer=2)
    indstilling.refresh_from_db()
    assert (indstilling.status, indstilling.besluttet_af, indstilling.kommentar) == (
        "godkendt",
        bestyrelse_bruger,
        "Godkendt på mødet 3. marts.",
    )
    assert (version.art, version.indstilling, version.godkendt) == (
        "faglig",
        indstilling,
        indstilling.besluttet,
    )
    assert version.pdf_sha256 == "", "the worker makes the PDF, not the request"
    # The meeting typed was new: it is made, and the decision and the version record it.
    moede = Bestyrelsesmoede.objects.get()
    assert (moede.helhedsplan, moede.dato) == (vejle.helhedsplan, datetime.date(2025, 3, 12))
    assert (indstilling.moede, version.fagligt_godkendt_moede) == (moede, moede)
    pdf_tekst = " ".join(
        s.extract_text() for s in PdfReader(io.BytesIO(version_pdf(version))).pages
    )
    assert "godkendt af bestyrelsen på mødet 12.03.2025" in " ".join(pdf_tekst.split())
    side = bestyrelse.get(OFFENTLIG)
    tekst = _tekst(side)
    assert "godkendt af bestyrelsen på mødet 12.03.2025" in tekst
    versioner = _tekst(bestyrelse.get(reverse("delaftaler:versioner", args=A)))
    assert "Godkendt af bestyrelsen på mødet 12.03.2025" in versioner
    assert "Unge 15-17 år" in tekst and "Rettet efter indstillingen" not in tekst
    assert _beskeder(side)[0].startswith("Ændringen er godkendt og publiceret som version 2.")

    afgjort = _tekst(bestyrelse.get(_indstilling_url("indstilling", indstilling.pk)))
    assert "Status: godkendt af bestyrelsen" in afgjort
    assert "Godkendt på mødet 3. marts." in afgjort and "version 2</a>" in afgjort
    assert "Besluttet på bestyrelsesmødet</dt>\n    <dd>12.03.2025" in afgjort
    assert "<form" not in afgjort.split('id="main-content"')[1]
    # The later edit stays a draft.
    udkast = _tekst(leder.get(UDKAST))
    assert "formål ændret" in udkast and "Version 2</a>" in udkast
    assert "Godkendt på mødet 3. marts." in udkast
    assert "godkendt af bestyrelsen på mødet 12.03.2025" in udkast
    assert "På bestyrelsesmødet 12.03.2025" in udkast


def test_a_decision_needs_the_meeting_and_refuses_a_future_one(bestyrelse, vejle, indstilling):
    url = _indstilling_url("indstilling_godkend", indstilling.pk)
    i_morgen = timezone.localdate() + datetime.timedelta(days=1)
    for dato, fejl in (
        ("", "Skriv datoen som dd.mm.åååå, fx 12.03.2025."),
        ("31.02.2025", "Skriv datoen som dd.mm.åååå, fx 12.03.2025."),
        ("x" * 5000, "Skriv datoen som dd.mm.åååå, fx 12.03.2025."),
        (i_morgen.strftime("%d.%m.%Y"), "Mødet kan ikke ligge ud i fremtiden."),
    ):
        svar = bestyrelse.post(url, {"godkend-moede": dato, "godkend-kommentar": ""})
        assert svar.status_code == 400, dato
        assert fejl in _tekst(svar)
    indstilling.refresh_from_db()
    assert indstilling.status == "afventer" and not Bestyrelsesmoede.objects.exists()
    assert Version.objects.count() == 1


def test_the_decision_forms_offer_the_plans_meetings_the_latest_past_one_filled_in(
    bestyrelse, vejle, indstilling
):
    idag = timezone.localdate()
    for dage in (-40, -5, 10):
        Bestyrelsesmoede.objects.create(
            helhedsplan=vejle.helhedsplan, dato=idag + datetime.timedelta(days=dage)
        )
    side = bestyrelse.get(_indstilling_url("indstilling", indstilling.pk))
    form = side.context["tilbage_form"]
    seneste = idag - datetime.timedelta(days=5)
    assert form["moede"].value() == seneste
    html = _tekst(side)
    assert f'value="{seneste.strftime("%d.%m.%Y")}"' in html
    assert f'<option value="{(idag - datetime.timedelta(days=40)).strftime("%d.%m.%Y")}">' in html
    # A meeting still to come is not offered for a decision taken now.
    assert (idag + datetime.timedelta(days=10)).strftime("%d.%m.%Y") not in html
    svar = bestyrelse.post(
        _indstilling_url("indstilling_send_tilbage", indstilling.pk),
        {"tilbage-moede": seneste.strftime("%d.%m.%Y"), "tilbage-kommentar": "For bred."},
    )
    assert svar.status_code == 302
    indstilling.refresh_from_db()
    assert indstilling.moede.dato == seneste
    assert Bestyrelsesmoede.objects.count() == 3  # the existing meeting, not a new one
    assert "På bestyrelsesmødet " + seneste.strftime("%d.%m.%Y") in _tekst(bestyrelse.get(UDKAST))


def test_sending_back_needs_a_comment(bestyrelse, indstilling):
    url = _indstilling_url("indstilling_send_tilbage", indstilling.pk)
    svar = bestyrelse.post(url, {**MOEDE_TILBAGE, "tilbage-kommentar": "   "})
    assert svar.status_code == 400
    assert "Skriv, hvorfor ændringen sendes tilbage." in _tekst(svar)
    assert 'aria-invalid="true"' in _tekst(svar)
    indstilling.refresh_from_db()
    assert indstilling.status == "afventer"


def test_sending_back_records_who_when_and_why(bestyrelse, bestyrelse_bruger, leder, indstilling):
    url = _indstilling_url("indstilling_send_tilbage", indstilling.pk)
    svar = bestyrelse.post(url, {**MOEDE_TILBAGE, "tilbage-kommentar": "Målgruppen er for bred."})
    assert svar.status_code == 302
    assert svar["Location"] == _indstilling_url("indstilling", indstilling.pk)
    indstilling.refresh_from_db()
    assert (indstilling.status, indstilling.besluttet_af, indstilling.kommentar) == (
        "sendt_tilbage",
        bestyrelse_bruger,
        "Målgruppen er for bred.",
    )
    side = bestyrelse.get(svar["Location"])
    assert _beskeder(side)[0].startswith("Ændringen er sendt tilbage til sekretariatet")
    tekst = _tekst(side)
    assert "Status: sendt tilbage til sekretariatet" in tekst
    assert "Målgruppen er for bred." in tekst and f"af {bestyrelse_bruger.username}" in tekst
    assert Version.objects.count() == 1
    udkast = _tekst(leder.get(UDKAST))
    assert "Målgruppen er for bred." in udkast and f'action="{INDSTIL}"' in udkast


def test_a_decision_already_made_by_another_member_is_refused_and_the_comment_kept(
    bestyrelse, vejle, indstilling
):
    anden = _klient(ny_bruger("bestyrelse2", BESTYRELSE, medlem_af=vejle.helhedsplan))
    side = anden.get(_indstilling_url("indstilling", indstilling.pk))  # opened while pending
    assert side.status_code == 200
    assert (
        bestyrelse.post(
            _indstilling_url("indstilling_godkend", indstilling.pk), MOEDE_GODKEND
        ).status_code
        == 302
    )

    svar = anden.post(
        _indstilling_url("indstilling_send_tilbage", indstilling.pk),
        {**MOEDE_TILBAGE, "tilbage-kommentar": "Jeg er imod."},
    )
    assert svar.status_code == 409
    assert _beskeder(svar) == [ER_AFGJORT, "Din kommentar blev ikke gemt: »Jeg er imod.«"]
    assert "Status: godkendt af bestyrelsen" in _tekst(svar)
    svar = anden.post(_indstilling_url("indstilling_godkend", indstilling.pk), MOEDE_GODKEND)
    assert svar.status_code == 409 and ER_AFGJORT in _beskeder(svar)
    assert Version.objects.count() == 2
    indstilling.refresh_from_db()
    assert indstilling.kommentar == ""


# --- The overview -------------------------------------------------------------------------------


def test_the_overview_lists_the_members_drafts_and_pending_submissions(
    leder, vejle, viborg, indstilling
):
    _administrativ(viborg)
    svar = leder.get(OVERSIGT)
    assert svar.status_code == 200
    tekst = _tekst(svar)
    afventer = tekst.split('id="afventer-overskrift"')[1].split("</section>")[0]
    assert _indstilling_url("indstilling", indstilling.pk) in afventer
    raekker = {d.helhedsplan.navn: u.art for d, u, _ in svar.context["raekker"]}
    assert raekker == {"Vejle_21_25": "faglig", "Viborg_25_29": "administrativ"}
    assert "Faglig ændring (1 ændring)" in tekst and "Administrativ ændring (1 ændring)" in tekst


def test_the_overview_shows_only_ones_own_helhedsplaner(vejle, viborg):
    kun_viborg = _klient(ny_bruger("kun-viborg", LEDER, medlem_af=viborg.helhedsplan))
    svar = kun_viborg.get(OVERSIGT)
    assert [d.helhedsplan.navn for d, _, _ in svar.context["raekker"]] == ["Viborg_25_29"]
    ingen = _klient(ny_bruger("ingen", LEDER))
    svar = ingen.get(OVERSIGT)
    assert svar.status_code == 200 and svar.context["raekker"] == []
    assert "Du er ikke tilknyttet nogen helhedsplan med delaftaler." in _tekst(svar)


def test_the_header_links_staff_to_the_drafts(leder, client):
    assert f'<a class="function-link" href="{OVERSIGT}">Udkast</a>' in _tekst(leder.get(OFFENTLIG))
    assert OVERSIGT not in _tekst(client.get(OFFENTLIG))


def test_the_admin_change_form_links_to_the_draft_and_its_history(leder, vejle):
    svar = leder.get(reverse("admin:delaftaler_delaftale_change", args=[vejle.pk]))
    assert svar.status_code == 200
    tekst = _tekst(svar)
    assert f'<a href="{UDKAST}">Udkast og publicering</a>' in tekst
    historik = reverse("delaftaler:historik", args=A)
    assert f'<a href="{historik}">Historik og sammenligning</a>' in tekst
    assert 'name="aendret_ved_aabning"' in tekst  # still the optimistic-locking form


# --- Access ---------------------------------------------------------------------------------

SIDER = ["udkast", "vis", "pdf", "indstilling"]
HANDLINGER = ["publicer", "indstil", "godkend", "send_tilbage", "traek_tilbage"]


def _url(navn: str, pk: int) -> str:
    return {
        "udkast": UDKAST,
        "vis": VIS,
        "pdf": PDF,
        "publicer": PUBLICER,
        "indstil": INDSTIL,
        "indstilling": _indstilling_url("indstilling", pk),
        "godkend": _indstilling_url("indstilling_godkend", pk),
        "send_tilbage": _indstilling_url("indstilling_send_tilbage", pk),
        "traek_tilbage": _indstilling_url("indstilling_traek_tilbage", pk),
    }[navn]


@pytest.mark.parametrize("navn", [*SIDER, "oversigt"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, indstilling, navn):
    url = OVERSIGT if navn == "oversigt" else _url(navn, indstilling.pk)
    svar = client.get(url)
    assert svar.status_code == 302
    assert svar["Location"].startswith(reverse("delaftaler:log_ind"))


@pytest.mark.parametrize("navn", HANDLINGER)
def test_anonymous_posts_are_sent_to_the_login_page_and_do_nothing(client, indstilling, navn):
    svar = client.post(_url(navn, indstilling.pk), {**MOEDE_TILBAGE, "tilbage-kommentar": "x"})
    assert svar.status_code == 302 and svar["Location"].startswith(reverse("delaftaler:log_ind"))
    indstilling.refresh_from_db()
    assert indstilling.status == "afventer"


@pytest.mark.parametrize("navn", SIDER + HANDLINGER)
def test_staff_of_another_helhedsplan_get_404(vejle, viborg, indstilling, navn):
    # A leder and board member of Viborg only: the Vejle draft does not exist for them.
    fremmed = ny_bruger("fremmed", LEDER, medlem_af=viborg.helhedsplan)
    fremmed.groups.add(Group.objects.get(name=BESTYRELSE))
    klient = _klient(fremmed)
    svar = (
        klient.post(_url(navn, indstilling.pk))
        if navn in HANDLINGER
        else klient.get(_url(navn, indstilling.pk))
    )
    assert svar.status_code == 404
    indstilling.refresh_from_db()
    assert indstilling.status == "afventer"


def test_another_delaftales_submission_is_404(leder, viborg, leder_bruger, indstilling):
    _faglig(viborg)
    anden = publicering.udkast_indstil(delaftale=viborg, bruger=leder_bruger)
    assert leder.get(_indstilling_url("indstilling", anden.pk)).status_code == 404
    assert leder.post(_indstilling_url("indstilling_traek_tilbage", anden.pk)).status_code == 404
    anden.refresh_from_db()
    assert anden.status == "afventer"


@pytest.mark.parametrize(
    ("klient", "handlinger"),
    [
        ("medarbejder", HANDLINGER),
        ("bestyrelse", ["publicer", "indstil", "traek_tilbage"]),
        ("leder", ["godkend", "send_tilbage"]),
    ],
)
def test_actions_without_the_permission_are_403(request, indstilling, klient, handlinger):
    k = request.getfixturevalue(klient)
    versioner = Version.objects.count()
    for navn in handlinger:
        svar = k.post(_url(navn, indstilling.pk), {**MOEDE_TILBAGE, "tilbage-kommentar": "x"})
        assert svar.status_code == 403, navn
    indstilling.refresh_from_db()
    assert indstilling.status == "afventer"
    assert indstilling.delaftale.versioner.count() == 1
    assert Version.objects.count() == versioner


def test_a_member_without_the_view_permission_gets_403(vejle, indstilling):
    klient = _klient(ny_bruger("uden-rolle", None, medlem_af=vejle.helhedsplan))
    for navn in SIDER:
        assert klient.get(_url(navn, indstilling.pk)).status_code == 403, navn
    assert klient.get(OVERSIGT).status_code == 403


@pytest.mark.parametrize("navn", HANDLINGER)
def test_get_on_an_action_is_405(leder, indstilling, navn):
    assert leder.get(_url(navn, indstilling.pk)).status_code == 405


@pytest.mark.parametrize("navn", SIDER)
def test_post_on_a_page_is_405(leder, indstilling, navn):
    assert leder.post(_url(navn, indstilling.pk)).status_code == 405


def test_every_action_needs_the_csrf_token(leder_bruger, bestyrelse_bruger, vejle, indstilling):
    for bruger, navne in (
        (leder_bruger, ["indstil", "traek_tilbage"]),
        (bestyrelse_bruger, ["godkend", "send_tilbage"]),
    ):
        klient = Client(enforce_csrf_checks=True)
        klient.force_login(bruger)
        for navn in navne:
            svar = klient.post(
                _url(navn, indstilling.pk), {**MOEDE_TILBAGE, "tilbage-kommentar": "x"}
            )
            assert svar.status_code == 403, navn
    indstilling.refresh_from_db()
    assert indstilling.status == "afventer"
    klient = Client(enforce_csrf_checks=True)
    klient.force_login(leder_bruger)
    assert klient.post(PUBLICER, {"bekraeft": "on"}).status_code == 403


# --- Query counts and valid HTML ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("navn", "maks"),
    [("udkast", 16), ("vis", 14), ("indstilling", 7), ("oversigt", 16)],
)
def test_query_counts_and_valid_html(
    leder, vejle, viborg, indstilling, navn, maks, django_assert_max_num_queries
):
    url = OVERSIGT if navn == "oversigt" else _url(navn, indstilling.pk)
    leder.get(url)  # sessions and caches warm
    with django_assert_max_num_queries(maks):
        svar = leder.get(url)
    assert svar.status_code == 200
    assert html_errors(_tekst(svar)) == []


def test_the_draft_pages_query_count_does_not_grow_with_submissions(
    leder, leder_bruger, vejle, django_assert_max_num_queries
):
    for _ in range(3):
        _faglig(vejle, f"<p>Runde {_}.</p>")
        i = publicering.udkast_indstil(delaftale=vejle, bruger=leder_bruger)
        publicering.indstilling_traek_tilbage(indstilling=i, bruger=leder_bruger)
    with django_assert_max_num_queries(16):
        assert leder.get(UDKAST).status_code == 200


def test_the_draft_pages_query_count_does_not_grow_with_rows(leder, vejle):
    """Many more parter, delmål, indikatorer, baselines and aktiviteter in the draft (all
    of them changes against the published version): the same queries as before."""
    leder.get(UDKAST)  # sessions and caches warm
    with CaptureQueriesContext(connection) as foer:
        assert leder.get(UDKAST).status_code == 200
    for nr in range(10):
        PartFactory(delaftale=vejle, navn=f"Ekstra part {nr}")
        delmaal = DelmaalFactory(delaftale=vejle, tekst=f"Ekstra delmål {nr}")
        for _ in range(2):
            BaselineFactory(indikator=IndikatorFactory(delmaal=delmaal))
        AktivitetFactory(delaftale=vejle, navn=f"Ekstra aktivitet {nr}").delmaal.add(delmaal)
    with CaptureQueriesContext(connection) as efter:
        svar = leder.get(UDKAST)

    assert "Ekstra delmål 9" in _tekst(svar)
    assert len(efter.captured_queries) == len(foer.captured_queries)


def test_a_published_board_version_reads_as_approved_on_the_draft_page(
    leder, vejle, bestyrelse_bruger, indstilling
):
    publicering.indstilling_godkend(indstilling=indstilling, bruger=bestyrelse_bruger)
    tekst = _tekst(leder.get(UDKAST))
    version = Version.objects.get(nummer=2)
    assert f"af {version.dato_tekst}, godkendt af bestyrelsen {version.godkendt_tekst}" in tekst
    assert NY_MAALGRUPPE not in tekst or "Ingen ændringer" in tekst


def test_a_new_delaftale_goes_to_the_bestyrelse_before_its_first_version(
    leder_bruger, bestyrelse_bruger, vejle, client
):
    """A new delaftale is faglig as a whole: the leder cannot publish it directly."""
    from tests.factories import HelhedsplanFactory, fuldstaendig_delaftale

    plan = HelhedsplanFactory(navn="Nyby_25_29", slug="nyby-25-29")
    plan.medlemmer.add(leder_bruger, bestyrelse_bruger)
    ny = fuldstaendig_delaftale(helhedsplan=plan)
    args = ["nyby-25-29", "beskaeftigelse"]
    assert client.get("/nyby-25-29/beskaeftigelse/").status_code == 404, "not yet public"

    klient = _klient(bestyrelse_bruger)
    svar = klient.get(reverse("delaftaler:udkast", args=args))
    assert svar.status_code == 200
    assert "Delaftalen er ikke publiceret endnu." in _tekst(svar)
    assert svar.context["publicer_form"] is None, "the board does not publish"

    klient = _klient(leder_bruger)
    oversigt = klient.get(OVERSIGT)
    raekker = {d.helhedsplan.navn: u for d, u, _ in oversigt.context["raekker"]}
    assert raekker["Nyby_25_29"].grundlag is None and "Ikke publiceret" in _tekst(oversigt)
    svar = klient.get(reverse("delaftaler:udkast", args=args))
    tekst = _tekst(svar)
    assert "Første version" in tekst and "bestyrelsen godkender den" in tekst
    assert svar.context["publicer_form"] is None and svar.context["sammenligning"] is None
    sha = svar.context["indstil_form"].initial["udkast_sha256"]
    afvist = klient.post(
        reverse("delaftaler:udkast_publicer", args=args),
        {"udkast_sha256": sha, "bekraeft": "on"},
    )
    assert afvist.status_code == 409 and not ny.versioner.exists()
    assert publicering.FOERSTE_SKAL_GODKENDES in _tekst(afvist)

    svar = klient.post(
        reverse("delaftaler:udkast_indstil", args=args),
        {"udkast_sha256": sha, "begrundelse": "Aftalt med parterne."},
    )
    assert svar.status_code == 302
    indstilling = ny.indstillinger.get()
    assert indstilling.grundlag is None
    klient = _klient(bestyrelse_bruger)
    side = klient.get(reverse("delaftaler:indstilling", args=[*args, indstilling.pk]))
    assert side.status_code == 200 and "Ny delaftale" in _tekst(side)
    svar = klient.post(
        reverse("delaftaler:indstilling_godkend", args=[*args, indstilling.pk]),
        {**MOEDE_GODKEND, "godkend-kommentar": ""},
    )
    assert svar.status_code == 302
    version = ny.versioner.get()
    assert (version.nummer, version.art, version.publiceret_af) == (1, "foerste", leder_bruger)
    assert version.godkendt is not None and version.indstilling == indstilling
    side = client.get("/nyby-25-29/beskaeftigelse/")
    assert side.status_code == 200
    assert f"Gældende version af {version.dato_tekst}" in _tekst(side)
    assert f"godkendt af bestyrelsen på mødet {DAG}" in _tekst(side)
