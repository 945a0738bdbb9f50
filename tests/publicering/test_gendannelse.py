"""Restoring a published version into the draft: every value comes back, every step is
recorded with the reason, nothing in the history is lost, and what the follow-up uses is
never deleted."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from aktiviteter.models import Aktivitet, AktivitetStatus
from delaftaler.models import Boligomraade, Delaftale, Delmaal, DelmaalStatus, Part
from delaftaler.opfoelgning.services import opfoelgning_opret
from delaftaler.publicering.history import hent_historik
from delaftaler.publicering.restore import version_gendan
from delaftaler.publicering.services import udkast_for
from delaftaler.snapshot import TIDSSTEMPLER, digest, tag_snapshot
from delaftaler.visning.context import hent_udkast
from indikatorer.models import Baseline, Indikator, Maaling
from tests.factories import AktivitetFactory, BaselineFactory, DelmaalFactory, IndikatorFactory
from tests.publicering.test_historik import rediger_vejle, tekst

# The real delaftaler are loaded once for the module (tests/conftest.py).
pytestmark = pytest.mark.delt_data

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


def nye_historikraekker(foer: dict[str, set[int]]) -> dict[str, list]:
    return {m.__name__: list(m.history.exclude(history_id__in=foer[m.__name__])) for m in HISTORIK}


def registreret_af_gendannelsen(raekker, bruger) -> bool:
    return all(
        r.history_change_reason == "Gendannet fra version 1" and r.history_user == bruger
        for r in raekker
    )


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
    nye = nye_historikraekker(foer)
    assert all(registreret_af_gendannelsen(raekker, sekretariat_bruger) for raekker in nye.values())
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


def _paabegyndt_udkast(vejle) -> None:
    """Draft changes the restore would undo: a part's phone number and a kept delmål's text."""
    Part.objects.filter(delaftale=vejle).update(telefon="12 34 56 78")
    delmaal = Delmaal.objects.filter(delaftale=vejle).first()
    delmaal.tekst += " i Vejle"
    delmaal.save()


def _afvises_uden_aendringer(vejle, bruger, grund: str):
    """Restoring version 1 is refused for ``grund``, and every row and value of the draft
    (timestamps included) and the history are as before. Returns the draft's snapshot."""
    foer_udkast, foer_historik = tag_snapshot(hent_udkast(vejle)), historikraekker()
    with pytest.raises(ValidationError) as fejl:
        version_gendan(version=vejle.versioner.get(nummer=1), bruger=bruger)
    assert fejl.value.messages == ["Versionen kan ikke gendannes; intet er ændret.", grund]
    assert tag_snapshot(hent_udkast(vejle)) == foer_udkast
    assert historikraekker() == foer_historik
    return foer_udkast


def test_refused_when_the_follow_up_assesses_a_delmaal_the_version_lacks(
    sekretariat_client, sekretariat_bruger, vejle
):
    _paabegyndt_udkast(vejle)
    nyt = DelmaalFactory(delaftale=vejle, tekst="Flere beboere i fleksjob")
    opfoelgning = opfoelgning_opret(delaftale=vejle, aar=2024, bruger=sekretariat_bruger)
    DelmaalStatus.objects.create(opfoelgning=opfoelgning, delmaal=nyt, status="delvist")
    foer_udkast = _afvises_uden_aendringer(
        vejle,
        sekretariat_bruger,
        "Delmålet »Flere beboere i fleksjob« er brugt i opfølgningen og kan ikke slettes.",
    )
    assert DelmaalStatus.objects.filter(delmaal=nyt).exists()

    svar = sekretariat_client.post(gendan_url(vejle), follow=True)
    assert "»Flere beboere i fleksjob« er brugt i opfølgningen" in svar.content.decode()
    assert tag_snapshot(hent_udkast(vejle)) == foer_udkast


def test_refused_when_the_follow_up_reports_on_an_aktivitet_the_version_lacks(
    sekretariat_bruger, vejle
):
    _paabegyndt_udkast(vejle)
    ny = AktivitetFactory(delaftale=vejle, navn="Jobcafé")
    ny.delmaal.set(Delmaal.objects.filter(delaftale=vejle)[:1])
    opfoelgning = opfoelgning_opret(delaftale=vejle, aar=2024, bruger=sekretariat_bruger)
    AktivitetStatus.objects.create(opfoelgning=opfoelgning, aktivitet=ny, antal_naaet=12)
    _afvises_uden_aendringer(
        vejle,
        sekretariat_bruger,
        "Aktiviteten »Jobcafé« er brugt i opfølgningen og kan ikke slettes.",
    )
    assert AktivitetStatus.objects.filter(aktivitet=ny).exists()


def _raekker(model, **filtre) -> dict[int, dict]:
    """The rows' values, by id, leaving out when they were saved."""
    return {
        r["id"]: {k: v for k, v in r.items() if k not in TIDSSTEMPLER}
        for r in model.objects.filter(**filtre).values()
    }


def _samlet_for(delmaal_pk: int) -> dict[int, set[int]]:
    return {
        b.pk: {o.pk for o in b.samlet_for.all()}
        for b in Baseline.objects.filter(indikator__delmaal=delmaal_pk)
    }


@pytest.mark.parametrize(
    "tekst, ogsaa_aktiviteterne",
    [
        # Three indikatorer and twelve baselines; the activities that work for it stay.
        ("Nedbringe andelen af beboere der står uden for arbejdsmarkedet", False),
        # A baseline counted for two areas together; »Tjansen«, which works for it, goes too.
        ("Flere unge får et fritidsjob", True),
    ],
)
def test_a_delmaal_deleted_after_publication_comes_back_with_its_ids_values_and_links(
    sekretariat_bruger, vejle, tekst, ogsaa_aktiviteterne
):
    version = vejle.versioner.get(nummer=1)
    pk = Delmaal.objects.get(delaftale=vejle, tekst=tekst).pk
    delmaal = _raekker(Delmaal, pk=pk)
    indikatorer = _raekker(Indikator, delmaal=pk)
    baselines = _raekker(Baseline, indikator__delmaal=pk)
    samlet_for = _samlet_for(pk)
    aktiviteter = dict(Aktivitet.objects.filter(delmaal=pk).values_list("pk", "navn"))
    assert indikatorer and baselines and aktiviteter
    assert any(samlet_for.values()) == ogsaa_aktiviteterne
    foer = historikraekker()
    if ogsaa_aktiviteterne:
        Aktivitet.objects.filter(pk__in=aktiviteter).delete()
    Delmaal.objects.get(pk=pk).delete()
    assert not Indikator.objects.filter(pk__in=indikatorer).exists()
    assert udkast_for(vejle).har_aendringer

    version_gendan(version=version, bruger=sekretariat_bruger)

    # The same ids, the same values, the same links.
    assert _raekker(Delmaal, pk=pk) == delmaal
    assert _raekker(Indikator, delmaal=pk) == indikatorer
    assert _raekker(Baseline, indikator__delmaal=pk) == baselines
    assert _samlet_for(pk) == samlet_for
    assert dict(Aktivitet.objects.filter(delmaal=pk).values_list("pk", "navn")) == aktiviteter
    assert udkastets_digest(vejle) == version.indhold_sha256
    assert not udkast_for(vejle).har_aendringer
    # Recreated, not merely found again, and recorded as the restore's.
    nye = nye_historikraekker(foer)
    oprettet = {m: [r for r in raekker if r.history_type == "+"] for m, raekker in nye.items()}
    assert {r.id for r in oprettet["Delmaal"]} == {pk}
    assert {r.id for r in oprettet["Indikator"]} == set(indikatorer)
    assert {r.id for r in oprettet["Baseline"]} == set(baselines)
    assert {r.id for r in oprettet["Aktivitet"]} == (
        set(aktiviteter) if ogsaa_aktiviteterne else set()
    )
    assert all(registreret_af_gendannelsen(r, sekretariat_bruger) for r in oprettet.values())


def test_rows_added_after_the_version_are_deleted_children_before_parents(
    sekretariat_bruger, vejle
):
    version = vejle.versioner.get(nummer=1)
    omraader = list(Boligomraade.objects.filter(helhedsplan=vejle.helhedsplan))
    nyt = DelmaalFactory(delaftale=vejle, tekst="Flere beboere i fleksjob")
    indikator = IndikatorFactory(delmaal=nyt, navn="Antal i fleksjob", enhed="antal")
    baseline = BaselineFactory(indikator=indikator, boligomraade=None, maalgruppe="Samlet")
    baseline.samlet_for.set(omraader[:2])
    aktivitet = AktivitetFactory(delaftale=vejle, navn="Fleksjobcafé")
    aktivitet.delmaal.set([nyt, Delmaal.objects.filter(delaftale=vejle).first()])
    foer = historikraekker()

    version_gendan(version=version, bruger=sekretariat_bruger)

    assert not Delmaal.objects.filter(pk=nyt.pk).exists()
    assert not Indikator.objects.filter(pk=indikator.pk).exists()
    assert not Baseline.objects.filter(pk=baseline.pk).exists()
    assert not Aktivitet.objects.filter(pk=aktivitet.pk).exists()
    assert udkastets_digest(vejle) == version.indhold_sha256
    assert not udkast_for(vejle).har_aendringer
    # Each row is deleted by itself, recorded with the reason, and before its parent: a
    # parent deleted first would take its children along unrecorded.
    nye = nye_historikraekker(foer)
    slettet = {m: [r for r in raekker if r.history_type == "-"] for m, raekker in nye.items()}
    assert [(m, [r.id for r in raekker]) for m, raekker in slettet.items() if raekker] == [
        ("Delmaal", [nyt.pk]),
        ("Indikator", [indikator.pk]),
        ("Baseline", [baseline.pk]),
        ("Aktivitet", [aktivitet.pk]),
    ]
    assert registreret_af_gendannelsen(
        [r for rr in slettet.values() for r in rr], sekretariat_bruger
    )
    tid = {m: raekker[0].history_date for m, raekker in slettet.items() if raekker}
    assert tid["Aktivitet"] <= tid["Baseline"] <= tid["Indikator"] <= tid["Delmaal"]


def test_a_new_delmaal_holding_a_kept_indicator_is_deleted_once_the_indicator_is_back(
    sekretariat_bruger, vejle
):
    """An indikator of the version, with measurements, moved under a delmål added since:
    it goes back to its delmål first, and only then is the new delmål deleted, so the
    indikator is neither deleted with it nor stopped by its measurements."""
    version = vejle.versioner.get(nummer=1)
    indikator = Indikator.objects.get(delmaal__delaftale=vejle, navn__endswith="30-64 år")
    gammelt = indikator.delmaal_id
    baselines = set(indikator.baselines.values_list("pk", flat=True))
    opfoelgning = opfoelgning_opret(delaftale=vejle, aar=2024, bruger=sekretariat_bruger)
    Maaling.objects.create(
        opfoelgning=opfoelgning,
        indikator=indikator,
        boligomraade=Boligomraade.objects.filter(helhedsplan=vejle.helhedsplan).first(),
        periode="2024",
        vaerdi=Decimal("10.2"),
    )
    nyt = DelmaalFactory(delaftale=vejle, tekst="Flere beboere i fleksjob")
    indikator.delmaal = nyt
    indikator.save()
    foer = historikraekker()

    version_gendan(version=version, bruger=sekretariat_bruger)

    indikator.refresh_from_db()
    assert indikator.delmaal_id == gammelt
    assert set(indikator.baselines.values_list("pk", flat=True)) == baselines
    assert indikator.maalinger.count() == 1
    assert not Delmaal.objects.filter(pk=nyt.pk).exists()
    assert udkastets_digest(vejle) == version.indhold_sha256
    nye = nye_historikraekker(foer)
    assert [(r.id, r.history_type) for r in nye["Indikator"]] == [(indikator.pk, "~")]
    assert nye["Baseline"] == []
    assert [(r.id, r.history_type) for r in nye["Delmaal"]] == [(nyt.pk, "-")]


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
    assert anonym.status_code == 302 and anonym.url.startswith(reverse("delaftaler:log_ind"))

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


def test_two_delmaal_that_swapped_texts_are_refused_with_the_reason(sekretariat_bruger, vejle):
    a, b = vejle.delmaal.order_by("pk")[:2]
    tekst_a, tekst_b = a.tekst, b.tekst
    a.tekst = "midlertidig"
    a.save()
    b.tekst = tekst_a
    b.save()
    a.tekst = tekst_b
    a.save()
    foer = udkastets_digest(vejle)
    with pytest.raises(ValidationError) as fejl:
        version_gendan(version=vejle.versioner.get(nummer=1), bruger=sekretariat_bruger)
    assert fejl.value.messages[0] == "Versionen kan ikke gendannes; intet er ændret."
    assert "Delaftalen har allerede et delmål med den tekst." in fejl.value.messages
    assert udkastets_digest(vejle) == foer
