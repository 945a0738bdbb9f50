"""Restoring a published version into the draft: every value comes back, every step is
recorded with the reason, nothing in the history is lost, and what the follow-up uses is
never deleted."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from aktiviteter.models import Aktivitet
from delaftaler.gendannelse import version_gendan
from delaftaler.historik import hent_historik
from delaftaler.models import Boligomraade, Delaftale, Delmaal, Part
from delaftaler.opfoelgning import opfoelgning_opret
from delaftaler.publicering import udkast_for
from delaftaler.snapshot import digest, tag_snapshot
from delaftaler.visning import hent_udkast
from indikatorer.models import Baseline, Indikator, Maaling
from tests.test_historik import rediger_vejle, tekst

HISTORIK = (Delaftale, Part, Delmaal, Indikator, Baseline, Aktivitet)


@pytest.fixture
def redigeret(sekretariat_client, vejle):
    return rediger_vejle(sekretariat_client, vejle)


def gendan_url(delaftale, nummer: int = 1) -> str:
    return reverse(
        "delaftaler:gendan",
        args=[delaftale.helhedsplan.slug, delaftale.indsatsomraade.slug, nummer],
    )


def historikraekker() -> dict[str, set[int]]:
    return {m.__name__: set(m.history.values_list("history_id", flat=True)) for m in HISTORIK}


def udkastets_digest(delaftale) -> str:
    return digest(tag_snapshot(hent_udkast(delaftale)))


def test_restoring_version_1_brings_every_value_back(sekretariat_bruger, redigeret):
    vejle = redigeret.delaftale
    version = vejle.versioner.get(nummer=1)
    assert udkastets_digest(vejle) != version.indhold_sha256
    foer = historikraekker()

    version_gendan(version=version, bruger=sekretariat_bruger)

    assert udkastets_digest(vejle) == version.indhold_sha256
    assert not udkast_for(vejle).har_aendringer
    # The deleted activity is back with its own id and links; the added one is gone.
    tjansen = Aktivitet.objects.get(pk=redigeret.slettet_pk)
    assert tjansen.navn == "Tjansen"
    assert not Aktivitet.objects.filter(pk=redigeret.ny.pk).exists()
    redigeret.baseline.refresh_from_db()
    assert redigeret.baseline.vaerdi == Decimal("11.3")
    # Nothing in the history is lost, and each step is recorded with its reason.
    efter = historikraekker()
    for model, raekker in foer.items():
        assert raekker <= efter[model], model
    nye = {m.__name__: list(m.history.exclude(history_id__in=foer[m.__name__])) for m in HISTORIK}
    assert all(
        r.history_change_reason == "Gendannet fra version 1"
        and r.history_user == sekretariat_bruger
        for raekker in nye.values()
        for r in raekker
    )
    assert {r.history_type for r in nye["Aktivitet"]} >= {"+", "-", "~"}
    assert nye["Part"] and nye["Delmaal"] and nye["Indikator"] and nye["Baseline"]


def test_restore_through_the_page(sekretariat_client, redigeret):
    vejle = redigeret.delaftale

    svar = sekretariat_client.post(gendan_url(vejle), follow=True)

    assert svar.status_code == 200
    assert "Version 1 er gendannet som udkast." in svar.content.decode()
    assert not svar.context["sammenligning"].har_aendringer
    assert udkastets_digest(vejle) == vejle.versioner.get(nummer=1).indhold_sha256
    historik = sekretariat_client.get(
        reverse("delaftaler:historik", args=[vejle.helhedsplan.slug, "beskaeftigelse"])
    )
    side = tekst(historik.content.decode())
    assert "Gendannet fra version 1" in side
    assert "Aktivitet »Tjansen« oprettet" in side
    grupper = hent_historik(vejle).grupper
    assert grupper[0].aarsag == "Gendannet fra version 1"
    assert grupper[0].bruger_navn == "sekretariat"


def test_restoring_the_draft_again_is_a_draft_like_any_other(sekretariat_bruger, redigeret):
    """The restored draft is compared with the published version as usual; a later version
    can be restored back again."""
    vejle = redigeret.delaftale
    version_gendan(version=vejle.versioner.get(nummer=1), bruger=sekretariat_bruger)
    version_gendan(version=vejle.versioner.get(nummer=1), bruger=sekretariat_bruger)
    assert udkastets_digest(vejle) == vejle.versioner.get(nummer=1).indhold_sha256


def test_refused_when_a_measurement_protects_an_indicator(
    sekretariat_client, sekretariat_bruger, vejle
):
    delmaal = Delmaal.objects.filter(delaftale=vejle).first()
    ny = Indikator.objects.create(delmaal=delmaal, navn="Antal i fritidsjob", enhed="antal")
    opfoelgning = opfoelgning_opret(delaftale=vejle, aar=2024, bruger=sekretariat_bruger)
    Maaling.objects.create(
        opfoelgning=opfoelgning,
        indikator=ny,
        boligomraade=Boligomraade.objects.filter(helhedsplan=vejle.helhedsplan).first(),
        periode="2024",
        vaerdi=Decimal("12"),
    )
    Part.objects.filter(delaftale=vejle).update(telefon="12 34 56 78")
    foer_digest, foer_historik = udkastets_digest(vejle), historikraekker()

    with pytest.raises(ValidationError) as fejl:
        version_gendan(version=vejle.versioner.get(nummer=1), bruger=sekretariat_bruger)

    assert "Indikatoren »Antal i fritidsjob« har målinger i opfølgningen" in " ".join(
        fejl.value.messages
    )
    assert udkastets_digest(vejle) == foer_digest
    assert historikraekker() == foer_historik

    svar = sekretariat_client.post(gendan_url(vejle), follow=True)
    html = svar.content.decode()
    assert "Versionen kan ikke gendannes; intet er ændret." in html
    assert "har målinger i opfølgningen og kan ikke slettes." in html
    assert udkastets_digest(vejle) == foer_digest


# --- Access ------------------------------------------------------------------------------


def test_only_staff_who_may_change_restore(vejle, bestyrelse_bruger, sekretariat_bruger):
    version = vejle.versioner.get(nummer=1)
    with pytest.raises(PermissionDenied):
        version_gendan(version=version, bruger=bestyrelse_bruger)
    vejle.helhedsplan.medlemmer.remove(sekretariat_bruger)
    with pytest.raises(PermissionDenied):
        version_gendan(version=version, bruger=sekretariat_bruger)


def test_access_to_the_restore_address(
    vejle, bestyrelse_bruger, sekretariat_bruger, django_user_model
):
    adresse = gendan_url(vejle)
    anonym = Client().post(adresse)
    assert anonym.status_code == 302 and anonym.url.startswith(reverse("admin:login"))

    bestyrelse = Client()
    bestyrelse.force_login(bestyrelse_bruger)
    assert bestyrelse.post(adresse).status_code == 403

    sekretariat = Client()
    sekretariat.force_login(sekretariat_bruger)
    assert sekretariat.get(adresse).status_code == 405
    assert sekretariat.post(gendan_url(vejle, 99)).status_code == 404

    vejle.helhedsplan.medlemmer.remove(sekretariat_bruger)
    assert sekretariat.post(adresse).status_code == 404


def test_restore_needs_the_csrf_token(vejle, sekretariat_bruger, redigeret):
    c = Client(enforce_csrf_checks=True)
    c.force_login(sekretariat_bruger)
    foer = udkastets_digest(vejle)
    assert c.post(gendan_url(vejle)).status_code == 403
    assert udkastets_digest(vejle) == foer


def test_refused_when_a_boligomraade_of_the_version_is_gone(sekretariat_bruger, vejle):
    omraade = Boligomraade.objects.filter(helhedsplan=vejle.helhedsplan).first()
    Baseline.objects.filter(indikator__delmaal__delaftale=vejle, boligomraade=omraade).delete()
    for b in Baseline.objects.filter(samlet_for=omraade):
        b.samlet_for.remove(omraade)
    omraade.delete()
    foer_digest, foer_historik = udkastets_digest(vejle), historikraekker()

    with pytest.raises(ValidationError) as fejl:
        version_gendan(version=vejle.versioner.get(nummer=1), bruger=sekretariat_bruger)

    assert (
        f"Boligområdet »{omraade.navn}« findes ikke længere i helhedsplanen." in fejl.value.messages
    )
    assert udkastets_digest(vejle) == foer_digest
    assert historikraekker() == foer_historik
