"""The follow-up's workflow services and the all-or-nothing saving of measurements."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from delaftaler.models import GodkendtRapport, Opfoelgning, OpfoelgningHaendelse
from delaftaler.opfoelgning.services import (
    kommentar_tilfoej,
    opfoelgning_genaaben,
    opfoelgning_godkend,
    opfoelgning_opret,
    opfoelgning_send,
)
from delaftaler.roller import BESTYRELSE, LEDER
from indikatorer.maalinger import MaalingInput, maalinger_gem, maalinger_planlaeg
from indikatorer.models import Baseline, Maaling
from tests.conftest import bruger_med_rolle

# The real delaftaler are loaded once for the module (tests/conftest.py).
pytestmark = pytest.mark.delt_data

Handling = OpfoelgningHaendelse.Handling


def pdf_af(opfoelgning: Opfoelgning) -> bytes:
    """Stands in for the report renderer (tested with the report): distinct per call."""
    return f"%PDF opfølgning {opfoelgning.pk} {opfoelgning.godkendte_rapporter.count()}".encode()


@pytest.fixture
def opfoelgning(vejle, sekretariat_bruger):
    return opfoelgning_opret(delaftale=vejle, aar=2023, bruger=sekretariat_bruger)


def raekker_for(delaftale, aar: int, vaerdi: str = "10,5") -> list[MaalingInput]:
    baselines = Baseline.objects.filter(
        indikator__delmaal__delaftale=delaftale, afventer=False
    ).select_related("indikator", "boligomraade")
    return [
        MaalingInput(
            indikator=b.indikator,
            boligomraade=b.boligomraade,
            maalgruppe=b.maalgruppe,
            periode=str(aar),
            vaerdi=Decimal(vaerdi.replace(",", ".")),
            kilde=f"række {nr}",
        )
        for nr, b in enumerate(baselines, start=2)
    ]


def test_creating_a_year_twice_is_refused_in_danish(vejle, opfoelgning, sekretariat_bruger):
    with pytest.raises(ValidationError) as fejl:
        opfoelgning_opret(delaftale=vejle, aar=2023, bruger=sekretariat_bruger)
    assert "allerede en opfølgning for dette år" in str(fejl.value)
    assert Opfoelgning.objects.filter(delaftale=vejle).count() == 1


def test_the_board_cannot_create_or_send(vejle, opfoelgning, bestyrelse_bruger):
    with pytest.raises(PermissionDenied):
        opfoelgning_opret(delaftale=vejle, aar=2024, bruger=bestyrelse_bruger)
    with pytest.raises(PermissionDenied):
        opfoelgning_send(opfoelgning=opfoelgning, bruger=bestyrelse_bruger)
    opfoelgning.refresh_from_db()
    assert opfoelgning.status == Opfoelgning.Status.KLADDE


def test_the_secretariat_cannot_approve(opfoelgning, sekretariat_bruger):
    opfoelgning_send(opfoelgning=opfoelgning, bruger=sekretariat_bruger)
    with pytest.raises(PermissionDenied, match="Kun bestyrelsen"):
        opfoelgning_godkend(opfoelgning=opfoelgning, bruger=sekretariat_bruger, render_pdf=pdf_af)
    opfoelgning.refresh_from_db()
    assert opfoelgning.status == Opfoelgning.Status.SENDT
    assert not GodkendtRapport.objects.exists()


def test_a_draft_cannot_be_approved(opfoelgning, bestyrelse_bruger):
    with pytest.raises(ValidationError, match="sendt til bestyrelsen"):
        opfoelgning_godkend(opfoelgning=opfoelgning, bruger=bestyrelse_bruger, render_pdf=pdf_af)


def test_approval_records_who_and_when_and_freezes_the_year(
    vejle, opfoelgning, sekretariat_bruger, bestyrelse_bruger
):
    maalinger_gem(
        opfoelgning=opfoelgning, raekker=raekker_for(vejle, 2023), bruger=sekretariat_bruger
    )
    opfoelgning_send(opfoelgning=opfoelgning, bruger=sekretariat_bruger)
    rapport = opfoelgning_godkend(
        opfoelgning=opfoelgning, bruger=bestyrelse_bruger, render_pdf=pdf_af
    )

    opfoelgning.refresh_from_db()
    assert opfoelgning.status == Opfoelgning.Status.GODKENDT and opfoelgning.er_laast
    assert [(h.handling, h.bruger) for h in opfoelgning.haendelser.all()] == [
        (Handling.OPRETTET, sekretariat_bruger),
        (Handling.SENDT, sekretariat_bruger),
        (Handling.GODKENDT, bestyrelse_bruger),
    ]
    assert rapport.version == 1 and rapport.godkendt_af == bestyrelse_bruger
    assert bytes(rapport.pdf).startswith(b"%PDF")

    foer = list(Maaling.objects.values_list("pk", "vaerdi"))
    with pytest.raises(ValidationError, match="godkendt af bestyrelsen"):
        maalinger_gem(
            opfoelgning=opfoelgning,
            raekker=raekker_for(vejle, 2023, "12,0"),
            bruger=sekretariat_bruger,
        )
    maaling = Maaling.objects.first()
    maaling.vaerdi = Decimal("99")
    with pytest.raises(ValidationError, match="godkendt af bestyrelsen"):
        maaling.full_clean()
    assert list(Maaling.objects.values_list("pk", "vaerdi")) == foer


def test_reopening_needs_a_reason_is_recorded_and_keeps_the_approved_pdf(
    vejle, opfoelgning, sekretariat_bruger, bestyrelse_bruger
):
    opfoelgning_send(opfoelgning=opfoelgning, bruger=sekretariat_bruger)
    foerste = opfoelgning_godkend(
        opfoelgning=opfoelgning, bruger=bestyrelse_bruger, render_pdf=pdf_af
    )

    with pytest.raises(ValidationError, match="Skriv hvorfor"):
        opfoelgning_genaaben(opfoelgning=opfoelgning, bruger=sekretariat_bruger, begrundelse="  ")
    with pytest.raises(PermissionDenied):
        opfoelgning_genaaben(opfoelgning=opfoelgning, bruger=bestyrelse_bruger, begrundelse="Fejl")

    opfoelgning_genaaben(
        opfoelgning=opfoelgning, bruger=sekretariat_bruger, begrundelse="Rettet tal for Vestbyen"
    )
    opfoelgning.refresh_from_db()
    assert opfoelgning.status == Opfoelgning.Status.KLADDE
    genaabnet = opfoelgning.haendelser.get(handling=Handling.GENAABNET)
    assert genaabnet.begrundelse == "Rettet tal for Vestbyen"
    assert genaabnet.bruger == sekretariat_bruger

    maalinger_gem(
        opfoelgning=opfoelgning, raekker=raekker_for(vejle, 2023), bruger=sekretariat_bruger
    )
    opfoelgning_send(opfoelgning=opfoelgning, bruger=sekretariat_bruger)
    anden = opfoelgning_godkend(
        opfoelgning=opfoelgning, bruger=bestyrelse_bruger, render_pdf=pdf_af
    )
    assert (foerste.version, anden.version) == (1, 2)
    foerste.refresh_from_db()
    assert bytes(foerste.pdf) != bytes(anden.pdf)


def test_measurements_save_all_or_nothing_with_errors_by_row(
    vejle, opfoelgning, sekretariat_bruger
):
    raekker = raekker_for(vejle, 2023)
    raekker[3].vaerdi = Decimal("120")
    raekker[5].ikke_tilgaengelig, raekker[5].vaerdi = True, None
    raekker.append(raekker[0])

    with pytest.raises(ValidationError) as fejl:
        maalinger_gem(opfoelgning=opfoelgning, raekker=raekker, bruger=sekretariat_bruger)

    beskeder = fejl.value.messages
    assert "række 5, værdi: En procentsats skal ligge mellem 0 og 100." in beskeder
    assert "række 7, begrundelse: Skriv hvorfor værdien ikke er tilgængelig." in beskeder
    assert any(b.startswith("række 2: Samme indikator, sted og periode") for b in beskeder)
    assert not Maaling.objects.exists()


def test_measurements_keep_their_precision_and_a_second_save_updates(
    vejle, opfoelgning, sekretariat_bruger
):
    raekker = raekker_for(vejle, 2023, "56,20")
    plan = maalinger_gem(opfoelgning=opfoelgning, raekker=raekker, bruger=sekretariat_bruger)
    assert len(plan.nye) == 17
    maaling = Maaling.objects.filter(indikator__enhed="procent").first()
    assert maaling.vaerdi_tekst == "56,20\u00a0%"

    raekker[0].vaerdi = Decimal("50")
    plan = maalinger_planlaeg(opfoelgning=opfoelgning, raekker=raekker)
    assert (len(plan.nye), len(plan.aendrede), plan.uaendrede) == (0, 1, 16)
    maalinger_gem(opfoelgning=opfoelgning, raekker=raekker, bruger=sekretariat_bruger)
    assert Maaling.objects.count() == 17
    assert Maaling.objects.filter(vaerdi=Decimal("50"), vaerdi_decimaler=0).count() == 1


def test_the_board_cannot_save_measurements(vejle, opfoelgning, bestyrelse_bruger):
    with pytest.raises(PermissionDenied):
        maalinger_gem(
            opfoelgning=opfoelgning, raekker=raekker_for(vejle, 2023), bruger=bestyrelse_bruger
        )
    assert not Maaling.objects.exists()


def test_comments_only_while_the_board_has_it(
    vejle, viborg, opfoelgning, sekretariat_bruger, bestyrelse_bruger
):
    delmaal = vejle.delmaal.first()
    with pytest.raises(ValidationError, match="ligger hos bestyrelsen"):
        kommentar_tilfoej(
            opfoelgning=opfoelgning, bruger=bestyrelse_bruger, tekst="Fint", delmaal=delmaal
        )
    opfoelgning_send(opfoelgning=opfoelgning, bruger=sekretariat_bruger)
    with pytest.raises(PermissionDenied):
        kommentar_tilfoej(opfoelgning=opfoelgning, bruger=sekretariat_bruger, tekst="Fint")
    with pytest.raises(ValidationError, match="anden delaftale"):
        kommentar_tilfoej(
            opfoelgning=opfoelgning,
            bruger=bestyrelse_bruger,
            tekst="Fint",
            delmaal=viborg.delmaal.first(),
        )
    kommentar = kommentar_tilfoej(
        opfoelgning=opfoelgning, bruger=bestyrelse_bruger, tekst=" Godt arbejde ", delmaal=delmaal
    )
    assert (kommentar.tekst, kommentar.delmaal, kommentar.bruger) == (
        "Godt arbejde",
        delmaal,
        bestyrelse_bruger,
    )


def test_who_sees_which_years(vejle, sekretariat_bruger, bestyrelse_bruger):
    kladde = opfoelgning_opret(delaftale=vejle, aar=2022, bruger=sekretariat_bruger)
    sendt = opfoelgning_opret(delaftale=vejle, aar=2023, bruger=sekretariat_bruger)
    godkendt = opfoelgning_opret(delaftale=vejle, aar=2024, bruger=sekretariat_bruger)
    for o in (sendt, godkendt):
        opfoelgning_send(opfoelgning=o, bruger=sekretariat_bruger)
    opfoelgning_godkend(opfoelgning=godkendt, bruger=bestyrelse_bruger, render_pdf=pdf_af)

    synlige = Opfoelgning.objects.synlige_for
    assert set(synlige(sekretariat_bruger)) == {kladde, sendt, godkendt}
    assert set(synlige(bestyrelse_bruger)) == {sendt, godkendt}
    assert set(synlige(AnonymousUser())) == {godkendt}
    inaktiv = get_user_model().objects.create_user("gammel", is_active=False)
    assert set(synlige(inaktiv)) == {godkendt}


def test_demo_follow_ups_are_labelled_keep_precision_and_are_approved_then_sent(
    vejle, sekretariat_bruger, bestyrelse_bruger
):
    from delaftaler.opfoelgning.demo import DEMO_KILDE, opret_demo_opfoelgninger

    oprettede = opret_demo_opfoelgninger(
        delaftale=vejle,
        sekretariat=sekretariat_bruger,
        bestyrelse=bestyrelse_bruger,
        render_pdf=pdf_af,
    )
    assert [(o.aar, o.status) for o in oprettede] == [
        (2022, Opfoelgning.Status.GODKENDT),
        (2023, Opfoelgning.Status.GODKENDT),
        (2024, Opfoelgning.Status.SENDT),
    ]
    maalinger = Maaling.objects.filter(opfoelgning__delaftale=vejle)
    assert maalinger.count() == 3 * 17
    assert set(maalinger.values_list("datakilde", flat=True)) == {DEMO_KILDE}
    noerremarken = maalinger.get(
        opfoelgning__aar=2024,
        indikator__navn__endswith="18-29 år",
        boligomraade__navn="Nørremarken",
    )
    assert noerremarken.sammenligning_tekst == "9,6\u00a0%"
    assert noerremarken.vaerdi_decimaler == 1
    assert (
        opret_demo_opfoelgninger(
            delaftale=vejle,
            sekretariat=sekretariat_bruger,
            bestyrelse=bestyrelse_bruger,
            render_pdf=pdf_af,
        )
        == []
    )


def test_the_admin_shows_the_record_and_comments_but_cannot_edit_them(
    vejle, opfoelgning, sekretariat_bruger, bestyrelse_bruger, client
):
    opfoelgning_send(opfoelgning=opfoelgning, bruger=sekretariat_bruger)
    kommentar_tilfoej(opfoelgning=opfoelgning, bruger=bestyrelse_bruger, tekst="Flot arbejde")
    client.force_login(sekretariat_bruger)

    html = client.get(f"/admin/delaftaler/opfoelgning/{opfoelgning.pk}/change/").content.decode()

    assert "Sendt til bestyrelsen" in html and "Flot arbejde" in html
    assert 'name="haendelser-0-begrundelse"' not in html
    assert 'name="kommentarer-0-tekst"' not in html
    assert 'name="haendelser-0-DELETE"' not in html


@pytest.mark.parametrize("rolle", ["leder_og_bestyrelse", "superbruger"])
def test_the_one_who_sent_the_year_cannot_approve_it_himself(
    rolle, opfoelgning, bestyrelse_bruger, caplog
):
    """Four eyes, whatever the groups: a leder on the board, or a superuser."""
    if rolle == "superbruger":
        bruger = bruger_med_rolle("chef", is_superuser=True)
    else:
        bruger = bruger_med_rolle("leder", LEDER)
        bruger.groups.add(*bestyrelse_bruger.groups.filter(name=BESTYRELSE))
    opfoelgning_send(opfoelgning=opfoelgning, bruger=bruger)
    with (
        caplog.at_level("WARNING", logger="delaftaler.sikkerhed"),
        pytest.raises(ValidationError) as fejl,
    ):
        opfoelgning_godkend(opfoelgning=opfoelgning, bruger=bruger, render_pdf=pdf_af)
    assert "selv sendt opfølgningen til bestyrelsen" in fejl.value.messages[0]
    assert f"bruger='{bruger.username}'" in caplog.text
    opfoelgning.refresh_from_db()
    assert opfoelgning.status == Opfoelgning.Status.SENDT
    assert not GodkendtRapport.objects.filter(opfoelgning=opfoelgning).exists()

    opfoelgning_godkend(opfoelgning=opfoelgning, bruger=bestyrelse_bruger, render_pdf=pdf_af)
    opfoelgning.refresh_from_db()
    assert opfoelgning.status == Opfoelgning.Status.GODKENDT


def test_the_approve_page_tells_the_sender_why_he_cannot_approve(
    client, vejle, opfoelgning, bestyrelse_bruger
):
    leder = bruger_med_rolle("leder", LEDER)
    leder.groups.add(*bestyrelse_bruger.groups.filter(name=BESTYRELSE))
    opfoelgning_send(opfoelgning=opfoelgning, bruger=leder)
    args = [vejle.helhedsplan.slug, vejle.indsatsomraade.slug, 2023]
    client.force_login(leder)
    side = client.get(reverse("delaftaler:opfoelgning_godkend", args=args)).content.decode()
    assert "Du har selv sendt opfølgningen til bestyrelsen" in side
    assert ">Godkend</button>" not in side
    liste = client.get(reverse("delaftaler:opfoelgning_liste", args=args[:2])).content.decode()
    assert "et andet bestyrelsesmedlem godkender" in liste
    client.force_login(bestyrelse_bruger)
    side = client.get(reverse("delaftaler:opfoelgning_godkend", args=args)).content.decode()
    assert ">Godkend</button>" in side
