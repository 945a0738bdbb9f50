"""»Indlæs delaftale fra Word«: the review page before anything is saved, the confirmation
that saves it all as a draft in one transaction, the management command, and the round
trip: both real delaftaler exported as .docx and imported again give the same delaftale.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from aktiviteter.models import Aktivitet
from delaftaler.models import Delaftale, Helhedsplan
from delaftaler.roller import BESTYRELSE, LEDER
from delaftaler.visning.context import hent_version, version_visning
from delaftaler.word.export import docx_for_visning
from delaftaler.word.services import word_gennemse, word_indlaes
from indikatorer.models import Baseline
from tests.conftest import bruger_med_rolle
from tests.word import dokumenter
from tests.word.test_laesning import FIXTURER, _data

pytestmark = pytest.mark.delt_data

URL = reverse("delaftaler:indlaes_word")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def upload_mappe(settings, tmp_path):
    settings.MAALINGER_UPLOAD_DIR = tmp_path / "indlaesninger"
    return settings.MAALINGER_UPLOAD_DIR


@pytest.fixture
def kopiby(db) -> Helhedsplan:
    """A plan of its own with no delaftaler and no boligområder yet."""
    plan = Helhedsplan(
        navn="Kopiby_21_29",
        slug="kopiby-21-29",
        kommune="Kopiby Kommune",
        gyldig_fra=datetime.date(2021, 1, 1),
        gyldig_til=datetime.date(2029, 12, 31),
    )
    plan.full_clean()
    plan.save()
    return plan


@pytest.fixture
def leder(kopiby):
    bruger = bruger_med_rolle("word-leder", LEDER)
    bruger.helhedsplaner.add(kopiby)
    return bruger


def _eksport(delaftale: Delaftale) -> bytes:
    return docx_for_visning(version_visning(hent_version(delaftale)))


def indhold(delaftale: Delaftale) -> dict:
    """Everything a delaftale says, without ids, order numbers or timestamps."""
    delaftale = Delaftale.objects.get(pk=delaftale.pk)

    def baseline(b: Baseline) -> tuple:
        return (
            b.boligomraade.navn if b.boligomraade else b.maalgruppe,
            b.vaerdi,
            b.vaerdi_decimaler,
            b.afventer,
            b.sammenligning,
            b.sammenligning_decimaler,
            b.sammenligning_label,
            b.periode,
            b.datakilde_tekst,
            sorted(o.navn for o in b.samlet_for.all()),
        )

    return {
        "indsatsomraade": delaftale.indsatsomraade.navn,
        "periode": (delaftale.gyldig_fra, delaftale.gyldig_til),
        "tekster": {f: getattr(delaftale, f) for f in Delaftale.TEKSTFELTER},
        "boligomraader": [
            (o.navn, o.afdelinger) for o in delaftale.helhedsplan.boligomraader.all()
        ],
        "parter": [
            (p.type, p.gruppe, p.navn, p.titel, p.organisation, p.email, p.telefon, p.beskrivelse)
            for p in delaftale.parter.all()
        ],
        "delmaal": [
            (
                d.tekst,
                [
                    (
                        i.navn,
                        i.maalgruppe,
                        i.enhed,
                        i.enhed_tekst,
                        i.retning,
                        i.lbf_standard,
                        i.datakilde,
                        [baseline(b) for b in i.baselines.all()],
                    )
                    for i in d.indikatorer.all()
                ],
            )
            for d in delaftale.delmaal.all()
        ],
        "aktiviteter": [
            (
                a.navn,
                a.formaal,
                a.maalgrupper,
                a.indhold_og_praksis,
                a.ansvar_og_roller,
                a.ressourceestimat,
                [d.tekst for d in a.delmaal.all()],
            )
            for a in delaftale.aktiviteter.all()
        ],
    }


@pytest.mark.parametrize("navn", ["vejle", "viborg"])
def test_a_delaftale_exported_as_word_and_imported_again_is_the_same(
    navn, kopiby, leder, vejle, viborg
):
    # Both asked for by name, not request.getfixturevalue: the module's first test, and a
    # real delaftale first asked for late is loaded per test for the whole module.
    original = {"vejle": vejle, "viborg": viborg}[navn]
    ny = word_indlaes(
        indhold=_eksport(original), filnavn=f"{navn}.docx", helhedsplan=kopiby, bruger=leder
    )
    assert ny.helhedsplan == kopiby
    assert not ny.versioner.exists()  # a draft until the bestyrelse approves it
    assert indhold(ny) == indhold(original)


def test_the_import_is_in_the_history_with_the_person_and_the_file(kopiby, leder, vejle):
    ny = word_indlaes(
        indhold=_eksport(vejle), filnavn="Vejle delaftale.docx", helhedsplan=kopiby, bruger=leder
    )
    historik = ny.history.get()
    assert historik.history_type == "+"
    assert historik.history_user == leder
    assert historik.history_change_reason == "Indlæst fra Word: Vejle delaftale.docx"
    aktivitet = Aktivitet.history.filter(delaftale_id=ny.pk).first()
    assert aktivitet.history_change_reason == "Indlæst fra Word: Vejle delaftale.docx"


def test_nothing_is_saved_while_the_document_is_reviewed(kopiby, leder, vejle):
    foer = Delaftale.objects.count(), Baseline.objects.count(), kopiby.boligomraader.count()
    gennemsyn = word_gennemse(
        indhold=_eksport(vejle), filnavn="v.docx", helhedsplan=kopiby, bruger=leder
    )
    assert gennemsyn.kan_gemmes, gennemsyn.fejl
    assert gennemsyn.nye_omraader == ["Nørremarken", "Vestbyen", "Møllevangen", "Løget By"]
    efter = Delaftale.objects.count(), Baseline.objects.count(), kopiby.boligomraader.count()
    assert efter == foer


def test_a_plan_that_has_the_delaftale_already_is_refused_before_confirming(vejle):
    leder = bruger_med_rolle("leder", LEDER)
    gennemsyn = word_gennemse(
        indhold=_eksport(vejle), filnavn="v.docx", helhedsplan=vejle.helhedsplan, bruger=leder
    )
    assert not gennemsyn.kan_gemmes
    assert gennemsyn.fejl == [
        "Vejle_21_25 har allerede en delaftale for Beskæftigelse. Ret den i stedet, eller "
        "indlæs dokumentet i en anden helhedsplan."
    ]
    with pytest.raises(ValidationError):
        word_indlaes(
            indhold=_eksport(vejle), filnavn="v.docx", helhedsplan=vejle.helhedsplan, bruger=leder
        )


def test_only_those_who_may_add_delaftaler_to_the_plan_may_import(kopiby, vejle):
    indhold_ = _eksport(vejle)
    bestyrelse = bruger_med_rolle("b-medlem", BESTYRELSE)
    bestyrelse.helhedsplaner.add(kopiby)
    fremmed_leder = bruger_med_rolle("anden-leder", LEDER)  # not a member of Kopiby
    for bruger in (bestyrelse, fremmed_leder):
        with pytest.raises(PermissionDenied):
            word_indlaes(indhold=indhold_, filnavn="v.docx", helhedsplan=kopiby, bruger=bruger)
    assert not kopiby.delaftaler.exists()


def test_the_review_page_shows_every_section_and_the_uncertain_places_then_confirming_saves(
    client, kopiby, leder
):
    client.force_login(leder)
    fil = dokumenter.som_lbf_skabelon(_data(FIXTURER["vejle"]))
    svar = client.post(
        URL,
        {
            "handling": "kontroller",
            "helhedsplan": kopiby.slug,
            "fil": SimpleUploadedFile("Delaftale Vejle.docx", fil, DOCX),
        },
    )
    assert svar.status_code == 200
    html = svar.content.decode()
    for overskrift in (
        "Stamdata",
        "Parter",
        "Delmål og indikatorer",
        "Aktiviteter",
        "Medarbejderressourcer",
        "Sammenhæng med den kommunale indsats",
        "Revision",
        "Aktivitetsskemaer",
    ):
        assert f">{overskrift}</h2>" in html
    assert "Usikker læsning – tjek det" in html  # LBF's shape says no direction
    assert "11,3&nbsp;%" in html and "Nørremarken" in html
    assert "(nyt i helhedsplanen)" in html
    assert not kopiby.delaftaler.exists()

    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    svar = client.post(URL, {"handling": "bekraeft", "token": token, "helhedsplan": kopiby.slug})
    ny = kopiby.delaftaler.get()
    assert svar.status_code == 302
    assert svar["Location"] == reverse("delaftaler:udkast", args=[kopiby.slug, "beskaeftigelse"])
    assert ny.delmaal.count() == 3
    assert Baseline.objects.filter(indikator__delmaal__delaftale=ny).count() == 17
    nb = Baseline.objects.get(
        indikator__delmaal__delaftale=ny,
        boligomraade__navn="Nørremarken",
        indikator__navn="Andel offentligt forsørgede fuldtidspersoner, 18-29 år",
    )
    assert (nb.vaerdi, nb.vaerdi_decimaler) == (Decimal("11.3"), 1)
    # Used once: confirming again finds no waiting file and saves nothing more.
    svar = client.post(URL, {"handling": "bekraeft", "token": token, "helhedsplan": kopiby.slug})
    assert svar.status_code == 400
    assert "findes ikke længere" in svar.content.decode()
    assert kopiby.delaftaler.count() == 1


def test_a_token_from_another_session_or_for_another_plan_saves_nothing(
    client, kopiby, leder, vejle
):
    client.force_login(leder)
    svar = client.post(
        URL,
        {
            "handling": "kontroller",
            "helhedsplan": kopiby.slug,
            "fil": SimpleUploadedFile("v.docx", _eksport(vejle), DOCX),
        },
    )
    token = re.search(r'name="token" value="([^"]+)"', svar.content.decode()).group(1)
    leder.helhedsplaner.add(vejle.helhedsplan)
    anden = bruger_med_rolle("leder", LEDER)
    client.force_login(anden)  # a new session
    svar = client.post(URL, {"handling": "bekraeft", "token": token, "helhedsplan": kopiby.slug})
    assert svar.status_code == 400
    assert not kopiby.delaftaler.exists()


def test_cancelling_deletes_the_waiting_file(client, kopiby, leder, vejle, upload_mappe):
    client.force_login(leder)
    svar = client.post(
        URL,
        {
            "handling": "kontroller",
            "helhedsplan": kopiby.slug,
            "fil": SimpleUploadedFile("v.docx", _eksport(vejle), DOCX),
        },
    )
    token = re.search(r'name="token" value="([^"]+)"', svar.content.decode()).group(1)
    assert len(list(upload_mappe.iterdir())) == 1
    svar = client.post(URL, {"handling": "annuller", "token": token, "helhedsplan": kopiby.slug})
    assert svar.status_code == 302
    assert not list(upload_mappe.iterdir())
    assert not kopiby.delaftaler.exists()


@pytest.mark.parametrize(
    ("fil", "navn", "besked"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "gammel.doc", "Gem som"),
        (b"ikke et dokument", "tekst.docx", "ikke et Word-dokument"),
    ],
)
def test_a_file_that_is_not_a_docx_gets_a_danish_message_on_the_form(
    client, kopiby, leder, fil, navn, besked
):
    client.force_login(leder)
    svar = client.post(
        URL,
        {
            "handling": "kontroller",
            "helhedsplan": kopiby.slug,
            "fil": SimpleUploadedFile(navn, fil, DOCX),
        },
    )
    assert svar.status_code == 400
    assert besked in svar.content.decode()
    assert not kopiby.delaftaler.exists()


def test_a_file_over_the_limit_is_refused_before_it_is_read(client, kopiby, leder, settings):
    settings.WORD_MAKS_BYTES = 1000
    client.force_login(leder)
    svar = client.post(
        URL,
        {
            "handling": "kontroller",
            "helhedsplan": kopiby.slug,
            "fil": SimpleUploadedFile("stor.docx", b"x" * 2000, DOCX),
        },
    )
    assert svar.status_code == 400
    assert "må højst fylde" in svar.content.decode()


def test_the_command_loads_a_draft_or_publishes_version_1_approved_on_the_day(
    tmp_path, kopiby, vejle
):
    sti = tmp_path / "vejle.docx"
    sti.write_bytes(_eksport(vejle))
    call_command("indlaes_word", str(sti), "--helhedsplan", kopiby.slug, "--kontroller")
    assert not kopiby.delaftaler.exists()

    anden = Helhedsplan.objects.create(
        navn="Andenby_21_29",
        slug="andenby-21-29",
        kommune="Andenby Kommune",
        gyldig_fra=datetime.date(2021, 1, 1),
        gyldig_til=datetime.date(2029, 12, 31),
    )
    call_command(
        "indlaes_word",
        str(sti),
        "--helhedsplan",
        anden.slug,
        "--publicer",
        "--godkendt",
        "01.12.2021",
    )
    version = anden.delaftaler.get().versioner.get()
    assert version.nummer == 1
    assert version.godkendt.date() == datetime.date(2021, 12, 1)

    with pytest.raises(CommandError, match="har allerede en delaftale for Beskæftigelse"):
        call_command("indlaes_word", str(sti), "--helhedsplan", anden.slug)
    with pytest.raises(CommandError, match="kræver --godkendt"):
        call_command("indlaes_word", str(sti), "--helhedsplan", kopiby.slug, "--publicer")
    gammel = tmp_path / "gammel.doc"
    gammel.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(CommandError, match="Gem som"):
        call_command("indlaes_word", str(gammel), "--helhedsplan", kopiby.slug)
    assert not kopiby.delaftaler.exists()


def test_the_board_gets_a_403_and_the_anonymous_the_login_page(client, kopiby):
    assert client.get(URL).status_code == 302
    bestyrelse = bruger_med_rolle("b2", BESTYRELSE)
    bestyrelse.groups.add(Group.objects.get(name=BESTYRELSE))
    client.force_login(bestyrelse)
    assert client.get(URL).status_code == 403


def test_the_command_without_a_plan_creates_the_helhedsplan_from_the_documents_metadata(
    tmp_path, db
):
    randers = _data(FIXTURER["randers"])
    sti = tmp_path / "randers.docx"
    sti.write_bytes(dokumenter.som_eksporten(randers))
    call_command("indlaes_word", str(sti))
    plan = Helhedsplan.objects.get(navn=randers["helhedsplan"]["navn"])
    assert plan.kommune == randers["helhedsplan"]["kommune"]
    assert [o.navn for o in plan.boligomraader.all()] == [
        o["navn"] for o in randers["helhedsplan"]["boligomraader"]
    ]
    aftale = plan.delaftaler.get()
    assert aftale.indsatsomraade.navn == randers["delaftale"]["indsatsomraade"]
    assert not aftale.versioner.exists()
