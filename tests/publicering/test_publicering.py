"""The publishing services (delaftaler/publicering/services.py) on the Vejle delaftale.

The delaftale's revision rule: administrative changes are published by the
sekretariatsleder; faglige ones are sent to the bestyrelse, whose approval publishes
exactly what was sent. The classification comes from the fields that changed.
"""

from __future__ import annotations

import copy
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from delaftaler.models import SELV_INDSENDT, Indsatsomraade, Indstilling, Version
from delaftaler.publicering import services as publicering
from delaftaler.publicering.services import (
    AFVENTER_ALLEREDE,
    BEGGE_STEDER_AENDRET,
    ER_AFGJORT,
    FAGLIG_SKAL_GODKENDES,
    GRUNDLAG_AENDRET,
    INGEN_ADMINISTRATIVE,
    INGEN_AENDRINGER,
    KUN_ADMINISTRATIVE,
    UDKAST_AENDRET,
)
from delaftaler.roller import BESTYRELSE
from delaftaler.snapshot import digest
from delaftaler.visning.context import version_visning

# The real delaftaler are loaded once for the module (tests/conftest.py); the tests that
# commit or load a delaftale themselves are in test_publicering_samtidigt.py.
pytestmark = pytest.mark.delt_data

NY_MAALGRUPPE = "<p>Unge 15-17 år, der ikke er i gang med en uddannelse.</p>"
ADM = Version.Art.ADMINISTRATIV
FAG = Version.Art.FAGLIG


def _gem(obj, **felter):
    for navn, vaerdi in felter.items():
        setattr(obj, navn, vaerdi)
    obj.full_clean()
    obj.save()


def _administrativ(delaftale):
    _gem(delaftale.parter.first(), telefon="70 70 70 70")


def _faglig(delaftale, maalgrupper: str = NY_MAALGRUPPE):
    _gem(delaftale.aktiviteter.first(), maalgrupper=maalgrupper)


def _fejl(exc_info) -> list[str]:
    return exc_info.value.messages


@pytest.fixture
def leder(leder_bruger, vejle):
    return leder_bruger


@pytest.fixture
def bestyrelse(bestyrelse_bruger, vejle):
    return bestyrelse_bruger


@pytest.fixture
def bestyrelse2(db):
    bruger = get_user_model().objects.create_user("bestyrelse2", password="x", is_staff=True)
    bruger.groups.add(Group.objects.get(name=BESTYRELSE))
    return bruger


# --- The classification ------------------------------------------------------------------------


def test_the_loaded_delaftale_has_no_draft(vejle):
    udkast = publicering.udkast_for(vejle)
    assert udkast.grundlag.nummer == 1
    assert (udkast.art, udkast.art_tekst, udkast.har_aendringer) == (None, "Ingen ændringer", False)
    assert udkast.aarsager == []


def test_an_administrative_draft_lists_its_changes(vejle):
    _administrativ(vejle)
    _gem(vejle, revision=vejle.revision + "<p>Kontakt sekretariatet.</p>")
    udkast = publicering.udkast_for(vejle)
    assert (udkast.art, udkast.art_tekst, udkast.er_faglig) == (ADM, "Administrativ ændring", False)
    assert {(a.del_, a.felt) for a in udkast.aarsager} == {
        ("parter", "telefon"),
        ("delaftale", "revision"),
    }


def test_one_faglig_field_makes_a_mixed_draft_faglig_and_only_it_is_the_cause(vejle):
    _administrativ(vejle)
    _faglig(vejle)
    udkast = publicering.udkast_for(vejle)
    assert (udkast.art, udkast.art_tekst) == (FAG, "Faglig ændring")
    assert {(a.del_, a.felt, a.art) for a in udkast.aendringer} == {
        ("parter", "telefon", ADM),
        ("aktiviteter", "maalgrupper", FAG),
    }
    assert [(a.del_, a.felt_navn) for a in udkast.aarsager] == [("aktiviteter", "målgruppe(r)")]


def test_a_new_or_removed_delmaal_indikator_or_aktivitet_is_faglig(vejle):
    """Even when nothing else changes, e.g. a new row appended at the end."""
    from aktiviteter.models import Aktivitet
    from delaftaler.models import Delmaal
    from indikatorer.models import Indikator

    delmaal = vejle.delmaal.order_by("raekkefoelge").last()
    vejle.aktiviteter.order_by("raekkefoelge").first().delete()
    nyt = Delmaal.objects.create(delaftale=vejle, tekst="Et nyt delmål", raekkefoelge=99)
    Indikator.objects.create(delmaal=nyt, navn="En ny indikator", raekkefoelge=99)
    Aktivitet.objects.create(delaftale=vejle, navn="En ny aktivitet", raekkefoelge=99)
    indikator = delmaal.indikatorer.last()
    indikator.baselines.all().delete()
    indikator.delete()
    udkast = publicering.udkast_for(vejle)
    arter = {(a.del_, a.handling): a.art for a in udkast.aendringer if a.del_ != "baselines"}
    assert arter == {
        ("delmaal", "oprettet"): FAG,
        ("indikatorer", "oprettet"): FAG,
        ("indikatorer", "slettet"): FAG,
        ("aktiviteter", "oprettet"): FAG,
        ("aktiviteter", "slettet"): FAG,
    }
    assert udkast.art == FAG


def test_a_new_delaftale_is_submitted_to_the_bestyrelse_not_published_directly(
    vejle, leder, bestyrelse
):
    from tests.factories import fuldstaendig_delaftale

    ny = fuldstaendig_delaftale(
        helhedsplan=vejle.helhedsplan,
        indsatsomraade=Indsatsomraade.objects.get(navn="Uddannelse og livschancer"),
    )
    udkast = publicering.udkast_for(ny)
    assert (udkast.art, udkast.er_faglig) == (Version.Art.FOERSTE, True)
    with pytest.raises(ValidationError) as fejl:
        publicering.version_publicer(delaftale=ny, bruger=leder)
    assert _fejl(fejl) == [publicering.FOERSTE_SKAL_GODKENDES]
    assert not ny.versioner.exists()
    indstilling = publicering.udkast_indstil(delaftale=ny, bruger=leder)
    assert indstilling.grundlag is None
    version = publicering.indstilling_godkend(indstilling=indstilling, bruger=bestyrelse)
    assert (version.nummer, version.art, version.aendringer) == (1, Version.Art.FOERSTE, [])
    assert version.godkendt == indstilling.besluttet
    assert version.indhold == indstilling.indhold


def test_a_new_delaftale_waiting_for_the_board_cannot_be_published_directly(vejle, leder):
    """No version lies under it yet: publishing administrative changes on top is refused,
    not a 500."""
    from tests.factories import fuldstaendig_delaftale

    ny = fuldstaendig_delaftale(
        helhedsplan=vejle.helhedsplan,
        indsatsomraade=Indsatsomraade.objects.get(navn="Uddannelse og livschancer"),
    )
    publicering.udkast_indstil(delaftale=ny, bruger=leder)
    with pytest.raises(ValidationError) as fejl:
        publicering.version_publicer(delaftale=ny, bruger=leder)
    assert _fejl(fejl) == [publicering.FOERSTE_SKAL_GODKENDES]
    assert not ny.versioner.exists()


def test_all_drafts_at_once_agree_with_one_at_a_time(vejle, viborg, django_assert_num_queries):
    _faglig(vejle)
    with django_assert_num_queries(10):
        alle = {u.delaftale.pk: u for u in publicering.udkast_for_alle([vejle, viborg])}
    for delaftale in (vejle, viborg):
        en = publicering.udkast_for(delaftale)
        assert (alle[delaftale.pk].art, alle[delaftale.pk].sha256) == (en.art, en.sha256)
        assert alle[delaftale.pk].grundlag.pk == en.grundlag.pk


def test_the_drafts_read_as_rows_agree_with_the_tree_after_edits_deletions_and_links(vejle, viborg):
    """udkast_for_alle (the lists: Mit overblik, /udkast/) reads the drafts as plain rows;
    udkast_for (the draft page, publishing) as the prefetched tree. After edits of every
    kind, deleted rows and changed links included, both see the same draft and changes."""
    from indikatorer.models import Baseline

    _administrativ(vejle)
    _faglig(vejle)
    baseline = Baseline.objects.filter(indikator__delmaal__delaftale=vejle).last()
    omraade = vejle.helhedsplan.boligomraader.first()
    baseline.samlet_for.add(omraade)
    Baseline.objects.filter(indikator__delmaal__delaftale=vejle).first().delete()
    aktivitet = vejle.aktiviteter.last()
    aktivitet.delmaal.remove(*aktivitet.delmaal.all())
    vejle.delmaal.last().delete()  # and its indikatorer and baselines with it
    _gem(omraade, navn=f"{omraade.navn} Nord")
    alle = {u.delaftale.pk: u for u in publicering.udkast_for_alle([vejle, viborg])}
    for delaftale in (vejle, viborg):
        en = publicering.udkast_for(delaftale)
        assert alle[delaftale.pk].indhold == en.indhold
        assert alle[delaftale.pk].aendringer == en.aendringer
        assert (alle[delaftale.pk].art, alle[delaftale.pk].sha256) == (en.art, en.sha256)
    handlinger = {(a.del_, a.handling) for a in alle[vejle.pk].aendringer}
    assert {("baselines", "slettet"), ("delmaal", "slettet"), ("indikatorer", "slettet")} <= (
        handlinger
    )
    assert alle[vejle.pk].art == FAG
    assert not alle[viborg.pk].har_aendringer


# --- Administrative: published directly ---------------------------------------------------------


def test_an_administrative_draft_is_published_as_the_next_version_its_pdf_left_to_the_worker(
    vejle, leder, django_capture_on_commit_callbacks
):
    _administrativ(vejle)
    udkast = publicering.udkast_for(vejle)
    with django_capture_on_commit_callbacks() as callbacks:
        version = publicering.version_publicer(
            delaftale=vejle, bruger=leder, udkast_sha256=udkast.sha256
        )
    assert callbacks, "the publication is logged after the commit"
    version = Version.objects.get(pk=version.pk)
    assert (version.nummer, version.art, version.godkendt) == (2, ADM, None)
    assert version.publiceret_af == leder
    assert version.indhold == udkast.indhold
    assert version.indhold_sha256 == digest(udkast.indhold) == udkast.sha256
    assert version.aendringer == [
        {
            "objekt": f"Part »{vejle.parter.first().navn}«",
            "handling": "ændret",
            "felt": "telefon",
            "art": ADM,
        }
    ]
    assert not publicering.udkast_for(vejle).har_aendringer
    # Not rendered in the transaction: the worker makes it (tests/publicering/test_version_pdf.py).
    assert (version.pdf, version.pdf_sha256) == (None, "")


def test_an_administrative_fix_after_a_faglig_approval_still_states_the_boards_approval(
    vejle, leder, bestyrelse, client
):
    _faglig(vejle)
    indstilling = publicering.udkast_indstil(delaftale=vejle, bruger=leder)
    faglig = publicering.indstilling_godkend(indstilling=indstilling, bruger=bestyrelse)
    _administrativ(vejle)
    adm = publicering.version_publicer(delaftale=vejle, bruger=leder)
    forventet = (
        f"Gældende version af {adm.dato_tekst}, godkendt af bestyrelsen "
        f"{faglig.godkendt_tekst}, senest ændret administrativt {adm.dato_tekst}"
    )
    # The page and the PDF's running header (the same text) of the current version.
    assert version_visning(Version.objects.get(pk=adm.pk)).versionstekst == forventet
    side = client.get("/vejle-21-25/beskaeftigelse/").content.decode()
    assert forventet in " ".join(unescape(side).split())
    # The faglig version before it still reads as it did.
    assert version_visning(Version.objects.get(pk=faglig.pk)).versionstekst == (
        f"Gældende version af {faglig.dato_tekst}, godkendt af bestyrelsen {faglig.godkendt_tekst}"
    )


def test_publishing_a_faglig_draft_is_refused(vejle, leder):
    _administrativ(vejle)
    _faglig(vejle)
    with pytest.raises(ValidationError) as fejl:
        publicering.version_publicer(delaftale=vejle, bruger=leder)
    assert _fejl(fejl) == [FAGLIG_SKAL_GODKENDES]
    assert vejle.versioner.count() == 1


def test_publishing_without_changes_is_refused(vejle, leder):
    with pytest.raises(ValidationError) as fejl:
        publicering.version_publicer(delaftale=vejle, bruger=leder)
    assert _fejl(fejl) == [INGEN_AENDRINGER]
    assert vejle.versioner.count() == 1


def test_submitting_an_administrative_draft_is_refused(vejle, leder):
    _administrativ(vejle)
    with pytest.raises(ValidationError) as fejl:
        publicering.udkast_indstil(delaftale=vejle, bruger=leder)
    assert _fejl(fejl) == [KUN_ADMINISTRATIVE]
    assert not Indstilling.objects.exists()


def test_a_draft_changed_since_the_page_was_shown_is_neither_published_nor_submitted(vejle, leder):
    _administrativ(vejle)
    vist = publicering.udkast_for(vejle).sha256
    _gem(vejle.parter.first(), email="ny@example.dk")
    with pytest.raises(ValidationError) as fejl:
        publicering.version_publicer(delaftale=vejle, bruger=leder, udkast_sha256=vist)
    assert _fejl(fejl) == [UDKAST_AENDRET]
    assert vejle.versioner.count() == 1

    _faglig(vejle)
    vist = publicering.udkast_for(vejle).sha256
    _faglig(vejle, "<p>Alle beboere.</p>")
    with pytest.raises(ValidationError) as fejl:
        publicering.udkast_indstil(delaftale=vejle, bruger=leder, udkast_sha256=vist)
    assert _fejl(fejl) == [UDKAST_AENDRET]
    assert not Indstilling.objects.exists()

    nu = publicering.udkast_for(vejle).sha256
    indstilling = publicering.udkast_indstil(delaftale=vejle, bruger=leder, udkast_sha256=nu)
    assert indstilling.indhold_sha256 == nu


# --- Faglig: submitted, approved, sent back, withdrawn ------------------------------------------


def test_approval_publishes_exactly_what_was_submitted(vejle, leder, bestyrelse):
    _faglig(vejle)
    indstilling = publicering.udkast_indstil(
        delaftale=vejle, bruger=leder, begrundelse="  Målgruppen er udvidet.  "
    )
    indsendt = dict(indstilling.indhold)
    assert (indstilling.status, indstilling.begrundelse) == ("afventer", "Målgruppen er udvidet.")
    assert indstilling.grundlag.nummer == 1
    assert indstilling.aendringer == [
        {
            "objekt": f"Aktivitet »{vejle.aktiviteter.first().navn}«",
            "handling": "ændret",
            "felt": "målgruppe(r)",
            "art": FAG,
        }
    ]
    # Edits after submitting are not part of what the board approves.
    senere = vejle.aktiviteter.last()
    _gem(senere, formaal="<p>Et nyt formål skrevet efter indstillingen.</p>")

    version = publicering.indstilling_godkend(
        indstilling=indstilling, bruger=bestyrelse, kommentar="Godkendt på mødet."
    )
    indstilling.refresh_from_db()
    assert (indstilling.status, indstilling.besluttet_af, indstilling.kommentar) == (
        "godkendt",
        bestyrelse,
        "Godkendt på mødet.",
    )
    assert (version.nummer, version.art, version.indstilling) == (2, FAG, indstilling)
    assert version.godkendt == indstilling.besluttet
    assert version.publiceret_af == leder
    assert version.indhold == indsendt
    assert NY_MAALGRUPPE in {a["maalgrupper"] for a in version.indhold["aktiviteter"]}
    assert "Et nyt formål" not in str(version.indhold)

    efter = publicering.udkast_for(vejle)
    assert efter.grundlag.pk == version.pk
    assert [(a.pk, a.felt) for a in efter.aendringer] == [(senere.pk, "formaal")]


def test_sending_back_needs_a_comment_and_keeps_the_published_version(vejle, leder, bestyrelse):
    _faglig(vejle)
    indstilling = publicering.udkast_indstil(delaftale=vejle, bruger=leder)
    with pytest.raises(ValidationError) as fejl:
        publicering.indstilling_send_tilbage(
            indstilling=indstilling, bruger=bestyrelse, kommentar=" "
        )
    assert fejl.value.message_dict == {"kommentar": ["Skriv, hvorfor ændringen sendes tilbage."]}
    assert Indstilling.objects.get().status == "afventer"

    publicering.indstilling_send_tilbage(
        indstilling=indstilling, bruger=bestyrelse, kommentar="Målgruppen er for bred."
    )
    gemt = Indstilling.objects.get()
    assert (gemt.status, gemt.besluttet_af, gemt.kommentar) == (
        "sendt_tilbage",
        bestyrelse,
        "Målgruppen er for bred.",
    )
    assert gemt.besluttet is not None
    assert vejle.versioner.count() == 1
    # The draft is untouched and can be sent again.
    assert publicering.udkast_for(vejle).er_faglig
    publicering.udkast_indstil(delaftale=vejle, bruger=leder)
    assert Indstilling.objects.filter(status="afventer").count() == 1


@pytest.fixture
def leder_i_bestyrelsen(leder):
    leder.groups.add(Group.objects.get(name=BESTYRELSE))
    return get_user_model().objects.get(pk=leder.pk)


@pytest.fixture
def superbruger(vejle):
    return get_user_model().objects.create_superuser("chef", password="x")


@pytest.mark.parametrize("hvem", ["leder_i_bestyrelsen", "superbruger"])
def test_the_one_who_submitted_cannot_approve_or_send_back_his_own_submission(
    request, vejle, bestyrelse, hvem, caplog
):
    """Four eyes, whatever his groups: refused in Danish, logged, nothing decided."""
    bruger = request.getfixturevalue(hvem)
    _faglig(vejle)
    indstilling = publicering.udkast_indstil(delaftale=vejle, bruger=bruger)
    with caplog.at_level("WARNING", logger="delaftaler.sikkerhed"):
        with pytest.raises(ValidationError) as godkend:
            publicering.indstilling_godkend(indstilling=indstilling, bruger=bruger)
        with pytest.raises(ValidationError) as tilbage:
            publicering.indstilling_send_tilbage(
                indstilling=indstilling, bruger=bruger, kommentar="Nej."
            )
    assert _fejl(godkend) == _fejl(tilbage) == [SELV_INDSENDT.format(hvad="ændringen")]
    assert caplog.text.count(f"bruger='{bruger.username}'") == 2
    indstilling.refresh_from_db()
    assert (indstilling.status, indstilling.besluttet_af) == ("afventer", None)
    assert vejle.versioner.count() == 1
    # He can still withdraw it, and another board member decides.
    version = publicering.indstilling_godkend(indstilling=indstilling, bruger=bestyrelse)
    assert version.nummer == 2


def test_the_submission_page_offers_no_decision_to_the_one_who_submitted(
    client, vejle, bestyrelse, leder_i_bestyrelsen
):
    _faglig(vejle)
    indstilling = publicering.udkast_indstil(delaftale=vejle, bruger=leder_i_bestyrelsen)
    url = reverse(
        "delaftaler:indstilling",
        args=[vejle.helhedsplan.slug, vejle.indsatsomraade.slug, indstilling.pk],
    )
    client.force_login(leder_i_bestyrelsen)
    side = client.get(url)
    assert side.context["godkend_form"] is None and side.context["tilbage_form"] is None
    assert "Du har selv sendt ændringen til bestyrelsen" in side.content.decode()
    svar = client.post(
        reverse(
            "delaftaler:indstilling_godkend",
            args=[vejle.helhedsplan.slug, vejle.indsatsomraade.slug, indstilling.pk],
        ),
        {"godkend-kommentar": "", "godkend-moede": timezone.localdate().strftime("%d.%m.%Y")},
    )
    assert svar.status_code == 409
    assert "Et andet bestyrelsesmedlem" in svar.content.decode()
    client.force_login(bestyrelse)
    assert client.get(url).context["godkend_form"] is not None


def test_a_withdrawn_submission_can_be_sent_again(vejle, leder, bestyrelse):
    _faglig(vejle)
    indstilling = publicering.udkast_indstil(delaftale=vejle, bruger=leder)
    publicering.indstilling_traek_tilbage(indstilling=indstilling, bruger=leder)
    indstilling.refresh_from_db()
    assert (indstilling.status, indstilling.besluttet_af) == ("trukket_tilbage", leder)
    with pytest.raises(ValidationError) as fejl:
        publicering.indstilling_godkend(indstilling=indstilling, bruger=bestyrelse)
    assert _fejl(fejl) == [ER_AFGJORT]
    ny = publicering.udkast_indstil(delaftale=vejle, bruger=leder)
    assert ny.pk != indstilling.pk
    assert vejle.versioner.count() == 1


def test_a_second_submission_while_one_is_pending_is_refused(vejle, leder):
    _faglig(vejle)
    publicering.udkast_indstil(delaftale=vejle, bruger=leder)
    with pytest.raises(ValidationError) as fejl:
        publicering.udkast_indstil(delaftale=vejle, bruger=leder)
    assert _fejl(fejl) == [AFVENTER_ALLEREDE]
    assert Indstilling.objects.count() == 1


def test_an_administrative_fix_is_published_while_a_submission_waits_and_joins_the_approval(
    vejle, leder, bestyrelse
):
    _faglig(vejle)
    indstilling = publicering.udkast_indstil(delaftale=vejle, bruger=leder)
    # Nothing administrative in the draft yet: nothing to publish besides the submission.
    with pytest.raises(ValidationError) as fejl:
        publicering.version_publicer(delaftale=vejle, bruger=leder)
    assert _fejl(fejl) == [INGEN_ADMINISTRATIVE]

    _administrativ(vejle)
    part = vejle.parter.first()
    adm = publicering.version_publicer(delaftale=vejle, bruger=leder)
    assert (adm.nummer, adm.art) == (2, ADM)
    assert [(a["objekt"], a["felt"]) for a in adm.aendringer] == [
        (f"Part »{part.navn}«", "telefon")
    ]
    telefoner = {p["id"]: p["telefon"] for p in adm.indhold["parter"]}
    assert telefoner[part.pk] == "70 70 70 70"
    # The board's undecided change is not published with it.
    assert NY_MAALGRUPPE not in {a["maalgrupper"] for a in adm.indhold["aktiviteter"]}

    faglig = publicering.indstilling_godkend(indstilling=indstilling, bruger=bestyrelse)
    assert (faglig.nummer, faglig.art) == (3, FAG)
    assert NY_MAALGRUPPE in {a["maalgrupper"] for a in faglig.indhold["aktiviteter"]}
    assert {p["id"]: p["telefon"] for p in faglig.indhold["parter"]}[part.pk] == "70 70 70 70"
    assert [a["felt"] for a in faglig.aendringer] == ["målgruppe(r)"]
    assert not publicering.udkast_for(vejle).har_aendringer


def test_approval_is_refused_when_a_field_was_changed_in_the_submission_and_since(
    vejle, leder, bestyrelse
):
    part = vejle.parter.first()
    _faglig(vejle)
    _gem(part, telefon="11 11 11 11")
    indstilling = publicering.udkast_indstil(delaftale=vejle, bruger=leder)
    _gem(part, telefon="22 22 22 22")
    publicering.version_publicer(delaftale=vejle, bruger=leder)

    with pytest.raises(ValidationError) as fejl:
        publicering.indstilling_godkend(indstilling=indstilling, bruger=bestyrelse)
    assert _fejl(fejl) == [BEGGE_STEDER_AENDRET.format(hvad=f"Part »{part.navn}«: telefon")]
    indstilling.refresh_from_db()
    assert indstilling.status == "afventer"
    assert vejle.versioner.count() == 2


def test_two_board_members_deciding_the_same_submission_only_the_first_counts(
    vejle, leder, bestyrelse, bestyrelse2
):
    _faglig(vejle)
    indstilling = publicering.udkast_indstil(delaftale=vejle, bruger=leder)
    # Both opened the page while it was pending.
    hos_anden = Indstilling.objects.get(pk=indstilling.pk)
    publicering.indstilling_godkend(indstilling=indstilling, bruger=bestyrelse)

    with pytest.raises(ValidationError) as fejl:
        publicering.indstilling_godkend(indstilling=hos_anden, bruger=bestyrelse2)
    assert _fejl(fejl) == [ER_AFGJORT]
    with pytest.raises(ValidationError) as fejl:
        publicering.indstilling_send_tilbage(
            indstilling=hos_anden, bruger=bestyrelse2, kommentar="Nej tak."
        )
    assert _fejl(fejl) == [ER_AFGJORT]
    gemt = Indstilling.objects.get()
    assert (gemt.status, gemt.besluttet_af, gemt.kommentar) == ("godkendt", bestyrelse, "")
    assert list(vejle.versioner.values_list("nummer", flat=True).order_by("nummer")) == [1, 2]


def test_approval_is_refused_when_another_version_was_published_in_between(
    vejle, leder, bestyrelse
):
    _faglig(vejle)
    indstilling = publicering.udkast_indstil(delaftale=vejle, bruger=leder)
    # A faglig publication that bypassed the pending check (e.g. a version restored and
    # published).
    gendannet = copy.deepcopy(indstilling.grundlag.indhold)
    gendannet["aktiviteter"][-1]["formaal"] = "<p>Et formål fra en gendannet version.</p>"
    with transaction.atomic():
        publicering._ny_version(
            delaftale=vejle,
            indhold=gendannet,
            art=ADM,
            aendringer=[],
            bruger=leder,
        )
    with pytest.raises(ValidationError) as fejl:
        publicering.indstilling_godkend(indstilling=indstilling, bruger=bestyrelse)
    assert _fejl(fejl) == [GRUNDLAG_AENDRET]
    indstilling.refresh_from_db()
    assert indstilling.status == "afventer"
    assert vejle.versioner.count() == 2


# --- Permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize("rolle", ["sekretariat_bruger", "bestyrelse_bruger"])
def test_the_sekretariatsmedarbejder_and_the_bestyrelse_neither_publish_nor_submit(
    request, vejle, rolle
):
    bruger = request.getfixturevalue(rolle)
    _administrativ(vejle)
    with pytest.raises(PermissionDenied):
        publicering.version_publicer(delaftale=vejle, bruger=bruger)
    _faglig(vejle)
    with pytest.raises(PermissionDenied):
        publicering.udkast_indstil(delaftale=vejle, bruger=bruger)
    assert vejle.versioner.count() == 1 and not Indstilling.objects.exists()


@pytest.mark.parametrize("rolle", ["sekretariat_bruger", "leder_bruger", "administrator_bruger"])
def test_only_the_bestyrelse_decides(request, vejle, leder, rolle):
    bruger = request.getfixturevalue(rolle)
    _faglig(vejle)
    indstilling = publicering.udkast_indstil(delaftale=vejle, bruger=leder)
    with pytest.raises(PermissionDenied):
        publicering.indstilling_godkend(indstilling=indstilling, bruger=bruger)
    with pytest.raises(PermissionDenied):
        publicering.indstilling_send_tilbage(indstilling=indstilling, bruger=bruger, kommentar="x")
    assert Indstilling.objects.get().status == "afventer"


def test_the_bestyrelse_cannot_withdraw_and_an_inactive_leder_cannot_publish(
    vejle, leder, bestyrelse
):
    _faglig(vejle)
    indstilling = publicering.udkast_indstil(delaftale=vejle, bruger=leder)
    with pytest.raises(PermissionDenied):
        publicering.indstilling_traek_tilbage(indstilling=indstilling, bruger=bestyrelse)
    leder.is_active = False
    leder.save()
    with pytest.raises(PermissionDenied):
        publicering.indstilling_traek_tilbage(indstilling=indstilling, bruger=leder)
    assert Indstilling.objects.get().status == "afventer"
