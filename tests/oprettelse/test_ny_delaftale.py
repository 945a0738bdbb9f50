"""»Ny delaftale« (delaftaler/oprettelse): from LBF's standard texts or as a copy of an
earlier delaftale, who may, the Danish refusals, and the page's query count."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from aktiviteter.models import Aktivitet
from delaftaler import standardtekster
from delaftaler.lib.richtext import RigTekstField
from delaftaler.models import Delaftale, Indsatsomraade, Opfoelgning, Version
from delaftaler.oprettelse.services import AARSAG_STANDARD, delaftale_opret
from delaftaler.publicering.mangler import find_mangler
from delaftaler.roller import SEKRETARIAT
from delaftaler.visning.context import hent_udkast
from indikatorer.models import Baseline, Indikator
from tests.chromium import html_errors
from tests.factories import HelhedsplanFactory
from tests.planer import ny_bruger

pytestmark = pytest.mark.delt_data

NY = reverse("delaftaler:ny_delaftale")
UDDANNELSE = "uddannelse-og-livschancer"


def _klient(hvem) -> Client:
    klient = Client()
    klient.force_login(hvem)
    return klient


def _tekst(svar) -> str:
    return svar.content.decode()


def _omraade(slug: str = UDDANNELSE) -> Indsatsomraade:
    return Indsatsomraade.objects.get(slug=slug)


def _fejl(exc) -> dict:
    return exc.value.message_dict


# --- From LBF's standard texts ---------------------------------------------------------------


def test_a_new_delaftale_from_the_standard_texts_has_the_revision_rule_and_guides(
    vejle, leder_bruger
):
    ny = delaftale_opret(
        helhedsplan=vejle.helhedsplan, indsatsomraade=_omraade(), bruger=leder_bruger
    )
    ny.refresh_from_db()
    assert ny.revision == standardtekster.REVISION
    assert ny.medarbejderressourcer == standardtekster.VEJLEDNING["medarbejderressourcer"]
    assert ny.kommunal_sammenhaeng == standardtekster.VEJLEDNING["kommunal_sammenhaeng"]
    assert (ny.gyldig_fra, ny.gyldig_til) == (
        vejle.helhedsplan.gyldig_fra,
        vejle.helhedsplan.gyldig_til,
    ), "the plan's period by default"
    assert not ny.versioner.exists() and not ny.delmaal.exists()
    historik = ny.history.get()
    assert (historik.history_change_reason, historik.history_user) == (
        AARSAG_STANDARD,
        leder_bruger,
    )


def test_the_standard_texts_are_stored_as_written_the_rich_text_cleaning_changes_nothing():
    felt = RigTekstField()
    for tekst in (standardtekster.REVISION, *standardtekster.VEJLEDNING.values()):
        assert felt.sanitize(tekst) == tekst


def test_the_public_page_prints_the_same_template_introductions_as_the_module(vejle, client):
    side = _tekst(client.get("/vejle-21-25/beskaeftigelse/"))
    for tekst in (
        *standardtekster.INDLEDNING,
        standardtekster.DELMAAL_INDLEDNING,
        standardtekster.AKTIVITETER_INDLEDNING,
        standardtekster.REVISION_INDLEDNING,
    ):
        assert tekst.replace("»", "&raquo;") in side or tekst in side, tekst[:40]


def test_the_standard_revision_paragraph_is_vejles_the_rule_the_workflow_implements(vejle):
    assert vejle.revision == standardtekster.REVISION


# --- Copying an earlier delaftale -------------------------------------------------------------


def _ny_plan(*medlemmer):
    plan = HelhedsplanFactory(
        navn="Vejle_25_29",
        slug="vejle-25-29",
        gyldig_fra=datetime.date(2025, 12, 1),
        gyldig_til=datetime.date(2029, 11, 30),
    )
    plan.medlemmer.add(*medlemmer)
    return plan


def test_a_copy_takes_texts_parties_delmaal_indikatorer_and_aktiviteter_not_the_old_life(
    vejle, leder_bruger
):
    plan = _ny_plan(leder_bruger)
    Opfoelgning.objects.create(delaftale=vejle, aar=2022)
    ny = delaftale_opret(
        helhedsplan=plan,
        indsatsomraade=vejle.indsatsomraade,
        kilde=vejle,
        bruger=leder_bruger,
    )
    assert (ny.gyldig_fra, ny.gyldig_til) == (plan.gyldig_fra, plan.gyldig_til)
    for felt in ("medarbejderressourcer", "kommunal_sammenhaeng", "revision", "ansvarlige"):
        assert getattr(ny, felt) == getattr(vejle, felt)
    assert list(ny.parter.values_list("navn", "titel", "gruppe")) == list(
        vejle.parter.values_list("navn", "titel", "gruppe")
    )
    assert list(ny.delmaal.values_list("tekst", flat=True)) == list(
        vejle.delmaal.values_list("tekst", flat=True)
    )
    gamle = Indikator.objects.filter(delmaal__delaftale=vejle)
    nye = Indikator.objects.filter(delmaal__delaftale=ny)
    felter = ("delmaal__tekst", "navn", "enhed", "retning", "datakilde", "raekkefoelge")
    assert sorted(nye.values_list(*felter)) == sorted(gamle.values_list(*felter))
    assert not Baseline.objects.filter(indikator__delmaal__delaftale=ny).exists(), (
        "baselines belong to the old period's areas"
    )
    assert [
        (a.navn, a.formaal, sorted(d.tekst for d in a.delmaal.all())) for a in ny.aktiviteter.all()
    ] == [
        (a.navn, a.formaal, sorted(d.tekst for d in a.delmaal.all()))
        for a in vejle.aktiviteter.all()
    ]
    assert all(d.delaftale_id == ny.pk for a in ny.aktiviteter.all() for d in a.delmaal.all())
    assert not ny.versioner.exists() and not ny.opfoelgninger.exists()
    assert not ny.indstillinger.exists()
    historik = ny.history.get()
    assert historik.history_change_reason.startswith("Kopieret fra Vejle_21_25 – Beskæftigelse")
    assert len(historik.history_change_reason) <= 100


def test_the_copy_is_independent_of_the_delaftale_it_came_from(vejle, leder_bruger):
    plan = _ny_plan(leder_bruger)
    ny = delaftale_opret(
        helhedsplan=plan, indsatsomraade=vejle.indsatsomraade, kilde=vejle, bruger=leder_bruger
    )
    foer = vejle.delmaal.first().tekst
    delmaal = ny.delmaal.first()
    delmaal.tekst = "Et helt nyt delmål"
    delmaal.save()
    ny.aktiviteter.all().delete()
    assert vejle.delmaal.first().tekst == foer
    assert vejle.aktiviteter.count() == 5
    assert Version.objects.filter(delaftale=vejle).count() == 1


# --- Who may, and the Danish refusals -------------------------------------------------------


def test_another_plans_staff_cannot_create_in_it_nor_copy_from_it(vejle, viborg):
    fremmed = ny_bruger("fremmed", SEKRETARIAT)
    egen = _ny_plan(fremmed)
    with pytest.raises(PermissionDenied):
        delaftale_opret(helhedsplan=vejle.helhedsplan, indsatsomraade=_omraade(), bruger=fremmed)
    with pytest.raises(PermissionDenied):
        delaftale_opret(helhedsplan=egen, indsatsomraade=_omraade(), kilde=vejle, bruger=fremmed)
    svar = _klient(fremmed).get(NY)
    assert svar.status_code == 200
    valg = svar.context["form"].fields
    assert list(valg["helhedsplan"].queryset) == [egen]
    assert vejle.pk not in {d.pk for d in svar.context["form"].kilder.values()}
    svar = _klient(fremmed).post(
        NY,
        {"helhedsplan": "vejle-21-25", "indsatsomraade": UDDANNELSE, "start_fra": "standard"},
    )
    assert svar.status_code == 400 and "Vælg en af dine helhedsplaner." in _tekst(svar)
    assert not Delaftale.objects.filter(indsatsomraade__slug=UDDANNELSE).exists()


def test_a_board_member_may_not_create_a_delaftale(vejle, bestyrelse_bruger):
    with pytest.raises(PermissionDenied):
        delaftale_opret(
            helhedsplan=vejle.helhedsplan, indsatsomraade=_omraade(), bruger=bestyrelse_bruger
        )
    assert _klient(bestyrelse_bruger).get(NY).status_code == 403


def test_an_indsatsomraade_the_plan_has_is_refused_in_danish(vejle, sekretariat_bruger):
    with pytest.raises(ValidationError) as fejl:
        delaftale_opret(
            helhedsplan=vejle.helhedsplan,
            indsatsomraade=vejle.indsatsomraade,
            bruger=sekretariat_bruger,
        )
    assert _fejl(fejl) == {
        "indsatsomraade": [
            "Vejle_21_25 har allerede en delaftale for Beskæftigelse. Ret den i stedet, "
            "eller vælg et andet indsatsområde."
        ]
    }
    svar = _klient(sekretariat_bruger).post(
        NY,
        {"helhedsplan": "vejle-21-25", "indsatsomraade": "beskaeftigelse", "start_fra": "standard"},
    )
    assert svar.status_code == 400
    assert "Vejle_21_25 har allerede en delaftale for Beskæftigelse." in _tekst(svar)


def test_the_page_for_a_plan_offers_only_the_areas_it_lacks_and_its_period(
    vejle, sekretariat_bruger
):
    svar = _klient(sekretariat_bruger).get(NY + "?helhedsplan=vejle-21-25")
    form = svar.context["form"]
    tilbudt = {o.slug for o in form.fields["indsatsomraade"].queryset}
    assert "beskaeftigelse" not in tilbudt and UDDANNELSE in tilbudt
    assert 'value="01.12.2021"' in _tekst(svar) and 'value="30.11.2025"' in _tekst(svar)


@pytest.mark.parametrize(
    "fra, til, felt, besked",
    [
        ("01.12.2020", "30.11.2025", "gyldig_fra", "Delaftalen kan ikke starte før helhedsplanen"),
        ("01.12.2021", "30.11.2026", "gyldig_til", "Delaftalen kan ikke slutte efter"),
        ("01.12.2024", "01.12.2023", "gyldig_til", "Slutdatoen skal ligge efter startdatoen."),
        ("32.13.2021", "30.11.2025", "gyldig_fra", "Skriv en dato, fx 01.12.2025."),
        ("01.12.2021", "", "gyldig_til", "Skriv både start- og slutdato"),
    ],
)
def test_a_bad_period_is_refused_in_danish_next_to_its_field(
    vejle, sekretariat_bruger, fra, til, felt, besked
):
    svar = _klient(sekretariat_bruger).post(
        NY,
        {
            "helhedsplan": "vejle-21-25",
            "indsatsomraade": UDDANNELSE,
            "gyldig_fra": fra,
            "gyldig_til": til,
            "start_fra": "standard",
        },
    )
    assert svar.status_code == 400
    assert any(besked in f for f in svar.context["form"].errors[felt])
    assert not Delaftale.objects.filter(indsatsomraade__slug=UDDANNELSE).exists()


def test_odd_input_gives_a_danish_form_not_a_500(vejle, sekretariat_bruger):
    klient = _klient(sekretariat_bruger)
    for data in (
        {},
        {"helhedsplan": "x" * 5000, "indsatsomraade": "\x00", "start_fra": "999999999999"},
        {"helhedsplan": "vejle-21-25", "indsatsomraade": UDDANNELSE, "start_fra": "kopi"},
    ):
        svar = klient.post(NY, data)
        assert svar.status_code == 400, data
        assert "Delaftalen er ikke oprettet." in _tekst(svar)
    assert klient.get(NY + "?helhedsplan=findes-ikke").status_code == 200


# --- The page ------------------------------------------------------------------------------


def test_a_leder_creates_from_the_standard_texts_and_lands_on_the_checklist(vejle, leder_bruger):
    klient = _klient(leder_bruger)
    svar = klient.post(
        NY,
        {"helhedsplan": "vejle-21-25", "indsatsomraade": UDDANNELSE, "start_fra": "standard"},
        follow=True,
    )
    assert svar.redirect_chain == [
        (reverse("delaftaler:udkast", args=["vejle-21-25", UDDANNELSE]), 302)
    ]
    tekst = _tekst(svar)
    assert "oprettet som udkast med LBF&#x27;s standardtekster" in tekst or (
        "oprettet som udkast med LBF's standardtekster" in tekst
    )
    assert "Det mangler, før delaftalen kan sendes til bestyrelsen" in tekst
    assert "Delaftalen har ingen delmål." in tekst
    assert svar.context["indstil_form"] is None, "not offered while something is missing"


def test_copying_from_the_page(vejle, leder_bruger):
    plan = _ny_plan(leder_bruger)
    svar = _klient(leder_bruger).post(
        NY,
        {"helhedsplan": plan.slug, "indsatsomraade": "beskaeftigelse", "start_fra": str(vejle.pk)},
    )
    assert svar.status_code == 302
    ny = Delaftale.objects.get(helhedsplan=plan)
    assert ny.aktiviteter.count() == 5 and Aktivitet.objects.filter(delaftale=vejle).count() == 5
    mangler = [m.tekst for m in find_mangler(hent_udkast(ny))]
    assert (
        sum("har ingen baseline." in m for m in mangler)
        == Indikator.objects.filter(delmaal__delaftale=ny).count()
    ), "every copied indikator asks for its baselines"


def test_the_drafts_list_and_the_admin_lead_to_the_page(vejle, sekretariat_bruger):
    klient = _klient(sekretariat_bruger)
    assert f'href="{NY}"' in _tekst(klient.get(reverse("delaftaler:udkast_oversigt")))
    tilfoej = klient.get(reverse("admin:delaftaler_delaftale_add"))
    assert f'<a href="{NY}">Ny delaftale</a>' in _tekst(tilfoej)
    assert "Det aftales, at revideringer" in _tekst(tilfoej), "the admin's form starts alike"
    plan_side = klient.get(
        reverse("admin:delaftaler_helhedsplan_change", args=[vejle.helhedsplan.pk])
    )
    assert f'href="{NY}?helhedsplan=vejle-21-25"' in _tekst(plan_side)


def test_the_page_takes_a_fixed_number_of_queries(
    vejle, viborg, sekretariat_bruger, django_assert_num_queries
):
    klient = _klient(sekretariat_bruger)
    klient.get(NY)
    # Session, user and their two kinds of permissions, the helhedsplaner, the
    # indsatsområder, the delaftaler to copy; for a plan also the plan (the areas it has
    # are a subquery), whatever the number of plans and delaftaler.
    with django_assert_num_queries(7):
        assert klient.get(NY).status_code == 200
    with django_assert_num_queries(8):
        assert klient.get(NY + "?helhedsplan=vejle-21-25").status_code == 200


def test_the_page_and_its_refusal_are_valid_html(vejle, leder_bruger):
    klient = _klient(leder_bruger)
    assert html_errors(_tekst(klient.get(NY + "?helhedsplan=vejle-21-25"))) == []
    afvist = klient.post(NY, {"helhedsplan": "vejle-21-25", "start_fra": "standard"})
    assert html_errors(_tekst(afvist)) == []
    klient.post(
        NY, {"helhedsplan": "vejle-21-25", "indsatsomraade": UDDANNELSE, "start_fra": "standard"}
    )
    udkast = klient.get(reverse("delaftaler:udkast", args=["vejle-21-25", UDDANNELSE]))
    assert html_errors(_tekst(udkast)) == []


def test_the_history_page_says_how_the_delaftale_began(vejle, leder_bruger):
    plan = _ny_plan(leder_bruger)
    delaftale_opret(
        helhedsplan=plan, indsatsomraade=vejle.indsatsomraade, kilde=vejle, bruger=leder_bruger
    )
    side = _klient(leder_bruger).get(
        reverse("delaftaler:historik", args=[plan.slug, "beskaeftigelse"])
    )
    assert side.status_code == 200
    assert "Kopieret fra Vejle_21_25 – Beskæftigelse (01.12.2021–30.11.2025)" in _tekst(side)
