"""The draft page's checklist (publicering/mangler.py): what a delaftale still lacks before
it can go to the bestyrelse, each item linking to where it is put right; a new delaftale is
not sent to the board while a blocking item remains."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from delaftaler.models import Helhedsplan, Indsatsomraade
from delaftaler.oprettelse.services import delaftale_opret
from delaftaler.publicering import services as publicering
from delaftaler.publicering.mangler import ANKRE, MANGLER_FOER_INDSTILLING, find_mangler
from delaftaler.visning.context import hent_udkast
from tests.factories import (
    AktivitetFactory,
    BaselineFactory,
    BoligomraadeFactory,
    DelmaalFactory,
    IndikatorFactory,
    PartFactory,
)

pytestmark = pytest.mark.delt_data


def _klient(hvem) -> Client:
    klient = Client()
    klient.force_login(hvem)
    return klient


def _mangler(delaftale) -> tuple[list[str], list[str]]:
    alle = find_mangler(hent_udkast(delaftale))
    return [m.tekst for m in alle if m.blokerer], [m.tekst for m in alle if not m.blokerer]


def _ny(leder_bruger, vejle):
    return delaftale_opret(
        helhedsplan=vejle.helhedsplan,
        indsatsomraade=Indsatsomraade.objects.get(slug="uddannelse-og-livschancer"),
        bruger=leder_bruger,
    )


def test_the_real_delaftaler_lack_nothing_that_blocks_viborgs_missing_area_is_noted(vejle, viborg):
    assert _mangler(vejle)[0] == []
    blokerende, bemaerk = _mangler(viborg)
    assert blokerende == []
    assert any("ingen baseline for Kærsangerparken" in b for b in bemaerk)
    assert any("»Fremskudt rådgivning" in b and "ikke knyttet" in b for b in bemaerk)


def test_a_new_delaftale_from_the_standard_texts_lists_what_the_secretariat_must_write(
    vejle, leder_bruger
):
    blokerende, _ = _mangler(_ny(leder_bruger, vejle))
    assert blokerende == [
        "Delaftalen har ingen parter. Tilføj delaftalens parter: personer med titel og "
        "forvaltning eller grupper som fx en chefgruppe.",
        "Delaftalen har ingen delmål.",
        "Delaftalen har ingen aktiviteter. Tilføj mindst én aktivitet med skema.",
        "»Medarbejderressourcer for indsatsområdet« er ikke skrevet endnu.",
        "»Sammenhæng med den kommunale indsats i boligområdet« er ikke skrevet endnu.",
    ], "the standard revision paragraph counts as written"


def test_items_disappear_as_the_draft_is_filled_in_and_then_it_can_be_submitted(
    vejle, leder_bruger, bestyrelse_bruger
):
    ny = _ny(leder_bruger, vejle)
    with pytest.raises(ValidationError) as fejl:
        publicering.udkast_indstil(delaftale=ny, bruger=leder_bruger)
    assert fejl.value.messages[0] == MANGLER_FOER_INDSTILLING
    assert "Delaftalen har ingen delmål." in fejl.value.messages
    assert not ny.indstillinger.exists()

    PartFactory(delaftale=ny)
    delmaal = DelmaalFactory(delaftale=ny, tekst="Flere unge i uddannelse")
    blokerende, _ = _mangler(ny)
    assert "Delaftalen har ingen delmål." not in blokerende
    assert not any("ingen parter" in b for b in blokerende)
    assert "Delmålet »Flere unge i uddannelse« har ingen indikatorer." in blokerende

    indikator = IndikatorFactory(delmaal=delmaal, navn="Andel i uddannelse, 15-17 år")
    blokerende, _ = _mangler(ny)
    assert not any("har ingen indikatorer" in b for b in blokerende)
    assert any(
        b.startswith("Indikatoren »Andel i uddannelse, 15-17 år« har ingen baseline.")
        for b in blokerende
    )

    omraader = list(vejle.helhedsplan.boligomraader.all())
    BaselineFactory(indikator=indikator, boligomraade=omraader[0])
    BaselineFactory(
        indikator=indikator, boligomraade=omraader[1], afventer=True, vaerdi=None, periode=""
    )
    blokerende, bemaerk = _mangler(ny)
    assert not any("har ingen baseline" in b for b in blokerende), "»Data kommer« counts"
    assert bemaerk == [
        "Indikatoren »Andel i uddannelse, 15-17 år« har ingen baseline for "
        f"{omraader[2].navn} og {omraader[3].navn}."
    ]

    AktivitetFactory(delaftale=ny).delmaal.add(delmaal)
    ny.medarbejderressourcer = "<p>1 boligsocial medarbejder 50 %</p>"
    ny.kommunal_sammenhaeng = "<p>Samarbejde med Ungdommens Uddannelsesvejledning.</p>"
    ny.full_clean()
    ny.save()
    assert _mangler(ny)[0] == []
    indstilling = publicering.udkast_indstil(delaftale=ny, bruger=leder_bruger)
    version = publicering.indstilling_godkend(indstilling=indstilling, bruger=bestyrelse_bruger)
    assert version.nummer == 1


def test_a_text_emptied_again_and_a_period_outside_the_plan_block(vejle, leder_bruger):
    ny = _ny(leder_bruger, vejle)
    ny.revision = "<p></p>"
    ny.save()
    Helhedsplan.objects.filter(pk=vejle.helhedsplan_id).update(
        gyldig_til=datetime.date(2025, 6, 30)
    )
    blokerende, _ = _mangler(ny)
    assert "»Revision af delaftalen« er ikke skrevet endnu." in blokerende
    assert (
        "Delaftalens periode (01.12.2021–30.11.2025) ligger uden for helhedsplanens "
        "(01.12.2021–30.06.2025)." in blokerende
    )


def test_a_published_delaftale_is_not_held_back_by_the_checklist(vejle, leder_bruger):
    """The agreement in force stays revisable: its checklist is advice, not a bar."""
    vejle.aktiviteter.all().delete()
    vejle.medarbejderressourcer = "<p>2 medarbejdere</p>"
    vejle.save()
    assert any("ingen aktiviteter" in b for b in _mangler(vejle)[0])
    indstilling = publicering.udkast_indstil(delaftale=vejle, bruger=leder_bruger)
    assert indstilling.afventer


def test_the_checklist_costs_no_queries_once_the_draft_is_loaded(
    vejle, viborg, django_assert_num_queries
):
    udkast = hent_udkast(viborg)
    with django_assert_num_queries(0):
        assert find_mangler(udkast)


def test_the_draft_page_shows_the_checklist_with_links_and_withholds_the_submission(
    vejle, leder_bruger
):
    ny = _ny(leder_bruger, vejle)
    args = [vejle.helhedsplan.slug, ny.indsatsomraade.slug]
    klient = _klient(leder_bruger)
    side = klient.get(reverse("delaftaler:udkast", args=args))
    tekst = side.content.decode()
    assert "Det mangler, før delaftalen kan sendes til bestyrelsen" in tekst
    aendr = reverse("admin:delaftaler_delaftale_change", args=[ny.pk])
    assert f'<a href="{aendr}#delmaal-group">Delaftalen har ingen delmål.</a>' in tekst
    assert side.context["indstil_form"] is None
    # Sent anyway (an old page): refused in Danish, nothing sent.
    afvist = klient.post(
        reverse("delaftaler:udkast_indstil", args=args),
        {"udkast_sha256": publicering.udkast_for(ny).sha256, "begrundelse": "Klar"},
    )
    assert afvist.status_code == 409
    assert MANGLER_FOER_INDSTILLING in afvist.content.decode()
    assert not ny.indstillinger.exists()


def test_the_links_point_at_parts_the_admin_page_has(vejle, leder_bruger):
    side = _klient(leder_bruger).get(reverse("admin:delaftaler_delaftale_change", args=[vejle.pk]))
    html = side.content.decode()
    overskrifter = {
        "periode": "Delaftalen",
        "ansvarlige": "Ansvar",
        "medarbejderressourcer": "Medarbejderressourcer",
        "kommunal_sammenhaeng": "Sammenhæng med den kommunale indsats",
        "revision": "Revision af delaftalen",
    }
    for navn, anker in ANKRE.items():
        ident = anker.removeprefix("#")
        assert f'id="{ident}"' in html, navn
        if navn in overskrifter:
            assert re.search(rf'id="{ident}"[^>]*>{overskrifter[navn]}<', html), navn


def test_an_indikator_counted_for_several_areas_together_covers_them(leder_bruger, vejle):
    ny = _ny(leder_bruger, vejle)
    omraader = list(vejle.helhedsplan.boligomraader.all())
    indikator = IndikatorFactory(delmaal=DelmaalFactory(delaftale=ny), enhed="antal")
    samlet = BaselineFactory(
        indikator=indikator,
        boligomraade=None,
        vaerdi=Decimal(47),
        vaerdi_decimaler=0,
        maalgruppe="Opgjort samlet for alle",
    )
    samlet.samlet_for.set(omraader)
    assert not any("har ingen baseline" in m.tekst for m in find_mangler(hent_udkast(ny)))
    BoligomraadeFactory(helhedsplan=vejle.helhedsplan, navn="Nyt område")
    assert [m.tekst for m in find_mangler(hent_udkast(ny)) if "Nyt område" in m.tekst] == [
        f"Indikatoren »{indikator.navn}« har ingen baseline for Nyt område."
    ]
    samlet.samlet_for.clear()  # a named target group, not areas
    assert not any("har ingen baseline" in m.tekst for m in find_mangler(hent_udkast(ny)))
