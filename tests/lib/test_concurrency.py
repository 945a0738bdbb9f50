"""Two people editing the same page in the admin: the later save is refused, not lost.

Each person is a test client that fetched the change page and posts what the page's form
holds (tests/adminformular.py reads it like a browser), including the hidden stamp of what
the page showed when it was opened.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aktiviteter.models import Aktivitet
from delaftaler.lib.concurrency import FELT, tidspunkt
from delaftaler.models import Delaftale, Delmaal, Helhedsplan, Opfoelgning
from delaftaler.opfoelgning.services import opfoelgning_opret
from delaftaler.roller import SEKRETARIAT
from indikatorer.models import Baseline, Indikator
from tests.adminformular import Formular, admin_url

# The real delaftaler are loaded once for the module (tests/conftest.py).
pytestmark = pytest.mark.delt_data

FORSOERGEDE_18_29 = "Andel offentligt forsørgede fuldtidspersoner, 18-29 år"
IKKE_GEMT = "Dine ændringer er ikke gemt, men står stadig i formularen."
GENINDLAES = "Kopiér dem, genindlæs siden og indsæt dem igen."


def _medarbejder(brugernavn: str, delaftale) -> Client:
    """A secretariat member of the delaftale's helhedsplan (others never reach its pages)."""
    bruger = get_user_model().objects.create_user(
        username=brugernavn, password="hemmelig-kode-123", is_staff=True
    )
    bruger.groups.add(Group.objects.get(name=SEKRETARIAT))
    delaftale.helhedsplan.medlemmer.add(bruger)
    klient = Client()
    klient.force_login(bruger)
    return klient


@pytest.fixture
def anne(vejle) -> Client:
    return _medarbejder("anne", vejle)


@pytest.fixture
def bo(vejle) -> Client:
    return _medarbejder("bo", vejle)


def tekst(response) -> str:
    assert response.status_code == 200, response.status_code
    return re.sub(r"\s+", " ", response.content.decode())


def afvist(response, navn: str) -> str:
    """The page of a refused save: its message, at the top of the form."""
    html = tekst(response)
    fundet = re.search(
        rf"{navn} er blevet ændret af en anden \((?:den \d\d\.\d\d\.\d{{4}} )?kl\. \d\d:\d\d\), "
        rf"efter du åbnede de[nt]\. {IKKE_GEMT} {GENINDLAES}",
        html,
    )
    assert fundet, "fandt ikke beskeden om samtidig ændring"
    assert html.index('class="errornote"') < fundet.start() < html.index("<fieldset")
    return html


def forside(vejle) -> str:
    return admin_url(Delaftale, "change", vejle.pk)


# --- The delaftale page ------------------------------------------------------------------


def test_second_save_of_the_same_delaftale_is_refused_and_keeps_the_typed_values(anne, bo, vejle):
    url = forside(vejle)
    annes = Formular(anne.get(url))
    bos = Formular(bo.get(url))
    delmaal_foer = vejle.delmaal.first().tekst

    annes.saet(medarbejderressourcer="<p>Annes ressourcer</p>")
    assert anne.post(url, annes.data).status_code == 302

    bos.saet(
        medarbejderressourcer="<p>Bos ressourcer</p>",
        **{"delmaal-0-tekst": "Bos nye delmål"},
    )
    svar = bo.post(url, bos.data)

    afvist(svar, "Delaftalen")
    vejle.refresh_from_db()
    assert vejle.medarbejderressourcer == "<p>Annes ressourcer</p>"
    assert vejle.delmaal.first().tekst == delmaal_foer
    igen = Formular(svar)
    assert "<p>Bos ressourcer</p>" in igen.data["medarbejderressourcer"][0]
    assert igen.data["delmaal-0-tekst"] == ["Bos nye delmål"]


def test_a_refused_form_stays_refused_until_the_page_is_reloaded(anne, bo, vejle):
    url = forside(vejle)
    bos = Formular(bo.get(url))
    annes = Formular(anne.get(url))
    annes.saet(revision="<p>Annes revision</p>")
    assert anne.post(url, annes.data).status_code == 302
    bos.saet(revision="<p>Bos revision</p>")

    igen = Formular(bo.post(url, bos.data))
    afvist(bo.post(url, igen.data), "Delaftalen")

    frisk = Formular(bo.get(url))
    frisk.saet(revision="<p>Bos revision</p>")
    assert bo.post(url, frisk.data).status_code == 302
    vejle.refresh_from_db()
    assert vejle.revision == "<p>Bos revision</p>"


def test_one_editor_saving_twice_in_a_row_is_not_refused(anne, vejle):
    url = forside(vejle)
    for nr in (1, 2):
        formular = Formular(anne.get(url))
        formular.saet(medarbejderressourcer=f"<p>Udgave {nr}</p>")
        assert anne.post(url, formular.data).status_code == 302
    vejle.refresh_from_db()
    assert vejle.medarbejderressourcer == "<p>Udgave 2</p>"


def test_a_form_that_was_sent_back_for_an_error_can_be_corrected_and_saved(anne, vejle):
    url = forside(vejle)
    formular = Formular(anne.get(url))
    formular.saet(gyldig_til="01.01.2020", medarbejderressourcer="<p>Rettet</p>")
    rettelse = Formular(anne.post(url, formular.data))
    rettelse.saet(gyldig_til="30.11.2025")

    assert anne.post(url, rettelse.data).status_code == 302
    vejle.refresh_from_db()
    assert vejle.medarbejderressourcer == "<p>Rettet</p>"


def test_dragging_delmaal_into_a_new_order_saves_through_the_form(anne, vejle):
    url = forside(vejle)
    foer = list(vejle.delmaal.values_list("pk", flat=True))
    assert len(foer) >= 2
    formular = Formular(anne.get(url))
    # What adminsortable2's drag and drop does in the browser: renumber the order fields.
    formular.saet(**{"delmaal-0-raekkefoelge": 2, "delmaal-1-raekkefoelge": 1})

    assert anne.post(url, formular.data).status_code == 302
    assert list(vejle.delmaal.values_list("pk", flat=True))[:2] == [foer[1], foer[0]]


def test_a_reordering_by_one_editor_refuses_the_others_save(anne, bo, vejle):
    url = forside(vejle)
    bos = Formular(bo.get(url))
    annes = Formular(anne.get(url))
    annes.saet(**{"delmaal-0-raekkefoelge": 2, "delmaal-1-raekkefoelge": 1})
    assert anne.post(url, annes.data).status_code == 302
    efter_anne = list(vejle.delmaal.values_list("pk", flat=True))

    bos.saet(ansvarlige="<p>Bo</p>")
    afvist(bo.post(url, bos.data), "Delaftalen")
    assert list(vejle.delmaal.values_list("pk", flat=True)) == efter_anne


def test_a_delmaal_saved_on_its_own_page_refuses_the_open_delaftale_page(anne, bo, vejle):
    """Delmål are edited both on the delaftale's page and on their own: the delaftale page
    would otherwise post the old text back over the newer one."""
    delmaal = vejle.delmaal.first()
    bos = Formular(bo.get(forside(vejle)))
    delmaal_url = admin_url(Delmaal, "change", delmaal.pk)
    annes = Formular(anne.get(delmaal_url))
    annes.saet(tekst="Annes skarpere delmål")
    assert anne.post(delmaal_url, annes.data).status_code == 302

    bos.saet(medarbejderressourcer="<p>Bos ressourcer</p>")
    afvist(bo.post(forside(vejle), bos.data), "Delaftalen")

    delmaal.refresh_from_db()
    assert delmaal.tekst == "Annes skarpere delmål"


def test_a_delmaal_changed_on_the_delaftale_page_refuses_the_open_delmaal_page(anne, bo, vejle):
    delmaal = vejle.delmaal.first()
    delmaal_url = admin_url(Delmaal, "change", delmaal.pk)
    bos = Formular(bo.get(delmaal_url))
    annes = Formular(anne.get(forside(vejle)))
    annes.saet(**{"delmaal-0-tekst": "Annes delmål"})
    assert anne.post(forside(vejle), annes.data).status_code == 302

    bos.saet(tekst="Bos delmål")
    afvist(bo.post(delmaal_url, bos.data), "Delmålet")
    delmaal.refresh_from_db()
    assert delmaal.tekst == "Annes delmål"


# --- The baseline grid --------------------------------------------------------------------


@pytest.fixture
def indikator(vejle) -> Indikator:
    return Indikator.objects.get(delmaal__delaftale=vejle, navn=FORSOERGEDE_18_29)


def _baseline_vaerdier(indikator) -> list[Decimal]:
    return list(indikator.baselines.order_by("pk").values_list("vaerdi", flat=True))


def test_two_editors_of_the_baseline_grid_the_second_is_refused(anne, bo, indikator):
    url = admin_url(Indikator, "change", indikator.pk)
    annes = Formular(anne.get(url))
    bos = Formular(bo.get(url))
    assert annes.data["baselines-0-vaerdi"] == ["11,3"]
    foerste = indikator.baselines.get(pk=annes.data["baselines-0-id"][0])

    annes.saet(**{"baselines-0-vaerdi": "12,0"})
    assert anne.post(url, annes.data).status_code == 302
    efter_anne = _baseline_vaerdier(indikator)

    bos.saet(**{"baselines-0-vaerdi": "13,5", "baselines-1-vaerdi": "17,2"})
    svar = bo.post(url, bos.data)

    afvist(svar, "Indikatoren")
    foerste.refresh_from_db()
    assert foerste.vaerdi == Decimal("12.0")
    assert _baseline_vaerdier(indikator) == efter_anne
    igen = Formular(svar)
    assert igen.data["baselines-0-vaerdi"] == ["13,5"]
    assert igen.data["baselines-1-vaerdi"] == ["17,2"]


def test_editing_only_a_baseline_moves_the_indicators_aendret(anne, indikator):
    url = admin_url(Indikator, "change", indikator.pk)
    foer = indikator.aendret
    formular = Formular(anne.get(url))
    formular.saet(**{"baselines-0-vaerdi": "12,0"})

    assert anne.post(url, formular.data).status_code == 302

    indikator.refresh_from_db()
    assert indikator.aendret > foer
    baseline = Baseline.objects.get(pk=formular.data["baselines-0-id"][0])
    assert indikator.aendret >= baseline.aendret


def test_one_editor_can_save_the_baseline_grid_twice_in_a_row(anne, indikator):
    url = admin_url(Indikator, "change", indikator.pk)
    for vaerdi in ("12,0", "12,5"):
        formular = Formular(anne.get(url))
        formular.saet(**{"baselines-0-vaerdi": vaerdi})
        assert anne.post(url, formular.data).status_code == 302
    assert Baseline.objects.get(pk=formular.data["baselines-0-id"][0]).vaerdi == Decimal("12.5")


# --- Every edit page ---------------------------------------------------------------------


def _objekter(vejle, bruger):
    return {
        "helhedsplan": vejle.helhedsplan,
        "delaftale": vejle,
        "delmaal": vejle.delmaal.first(),
        "indikator": Indikator.objects.filter(delmaal__delaftale=vejle).first(),
        "aktivitet": Aktivitet.objects.filter(delaftale=vejle).first(),
        "opfoelgning": opfoelgning_opret(delaftale=vejle, aar=2024, bruger=bruger),
    }


SIDER = [
    ("helhedsplan", Helhedsplan, "Helhedsplanen"),
    ("delaftale", Delaftale, "Delaftalen"),
    ("delmaal", Delmaal, "Delmålet"),
    ("indikator", Indikator, "Indikatoren"),
    ("aktivitet", Aktivitet, "Aktiviteten"),
    ("opfoelgning", Opfoelgning, "Opfølgningen"),
]


@pytest.mark.parametrize(("noegle", "model", "navn"), SIDER, ids=[s[0] for s in SIDER])
def test_every_edit_page_refuses_a_save_made_stale_by_another(
    sekretariat_client, sekretariat_bruger, vejle, noegle, model, navn
):
    obj = _objekter(vejle, sekretariat_bruger)[noegle]
    url = admin_url(model, "change", obj.pk)
    formular = Formular(sekretariat_client.get(url))
    assert formular.data[FELT][0].startswith(obj.aendret.isoformat())

    model.objects.get(pk=obj.pk).save()  # someone else saves meanwhile
    svar = sekretariat_client.post(url, formular.data)

    afvist(svar, navn)


@pytest.mark.parametrize(("noegle", "model", "navn"), SIDER, ids=[s[0] for s in SIDER])
def test_every_edit_page_saves_when_nobody_else_did(
    sekretariat_client, sekretariat_bruger, vejle, noegle, model, navn
):
    obj = _objekter(vejle, sekretariat_bruger)[noegle]
    url = admin_url(model, "change", obj.pk)
    formular = Formular(sekretariat_client.get(url))

    svar = sekretariat_client.post(url, formular.data)

    assert svar.status_code == 302, tekst(svar)
    obj.refresh_from_db()
    assert formular.data[FELT][0] < obj.aendret.isoformat()


@pytest.mark.parametrize("stempel", [None, "", "noget helt andet", "x" * 10_000, "\x00;æøå"])
def test_a_missing_or_forged_stamp_is_refused_without_saving_and_without_500(anne, vejle, stempel):
    url = forside(vejle)
    formular = Formular(anne.get(url))
    formular.saet(medarbejderressourcer="<p>Uden stempel</p>")
    if stempel is None:
        del formular.data[FELT]
    else:
        formular.saet(**{FELT: stempel})

    svar = anne.post(url, formular.data)

    html = tekst(svar)
    assert IKKE_GEMT in html
    assert "Uden stempel" in Formular(svar).data["medarbejderressourcer"][0]
    vejle.refresh_from_db()
    assert vejle.medarbejderressourcer != "<p>Uden stempel</p>"


def test_a_bestyrelse_member_still_only_reads_the_page(bestyrelse_client, vejle):
    url = forside(vejle)
    formular = Formular(bestyrelse_client.get(url))
    formular.saet(medarbejderressourcer="<p>Bestyrelsen</p>")

    assert bestyrelse_client.post(url, formular.data).status_code == 403


def test_the_check_locks_the_page_rows_inside_the_save(anne, vejle):
    """On PostgreSQL the rows are locked (FOR UPDATE); SQLite has no row locks but locks the
    whole database for the write, so there the check must at least read them first."""
    url = forside(vejle)
    formular = Formular(anne.get(url))
    formular.saet(medarbejderressourcer="<p>Låst</p>")

    with CaptureQueriesContext(connection) as queries:
        assert anne.post(url, formular.data).status_code == 302

    sql = [q["sql"] for q in queries.captured_queries]
    if connection.features.has_select_for_update:
        laes = re.compile(r"FOR (NO KEY )?UPDATE")
    else:
        laes = re.compile(r"^SELECT .*FROM \"delaftaler_(delaftale|delmaal|part)\"")
    laaste = [s for s in sql if laes.search(s)]
    for tabel in ("delaftaler_delaftale", "delaftaler_delmaal", "delaftaler_part"):
        assert any(f'FROM "{tabel}"' in s for s in laaste), tabel
    # ... and before anything on the page is written.
    forste_laas = next(i for i, s in enumerate(sql) if laes.search(s))
    forste_skrivning = next(i for i, s in enumerate(sql) if s.startswith("UPDATE"))
    assert forste_laas < forste_skrivning


def test_the_time_in_the_message_is_local_and_names_the_day_when_not_today():
    nu = timezone.now()
    assert tidspunkt(nu) == f"kl. {timezone.localtime(nu):%H:%M}"
    tidligere = timezone.make_aware(datetime.datetime(2025, 3, 4, 13, 5))
    assert tidspunkt(tidligere) == "den 04.03.2025 kl. 13:05"
