"""The history page: every recorded change to a delaftale and everything in it, with who,
when and what, newest first, a page at a time; publications and submissions as events.

The edits are made through the real admin as the secretariat would make them, so the
history records the person (HistoryRequestMiddleware)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aktiviteter.models import Aktivitet
from delaftaler.models import Delaftale, Delmaal, Part
from delaftaler.publicering.history import (
    PR_SIDE,
    fra_tidskode,
    hent_historik,
    snapshot_pr,
    tidskode,
)
from delaftaler.publicering.services import version_publicer
from delaftaler.snapshot import digest, tag_snapshot
from delaftaler.visning.context import hent_udkast
from indikatorer.models import Baseline, Indikator
from tests.adminformular import Formular, admin_url
from tests.factories import HelhedsplanFactory

# The real delaftaler are loaded once for the module (tests/conftest.py).
pytestmark = pytest.mark.delt_data

FORSOERGEDE_18_29 = "Andel offentligt forsørgede fuldtidspersoner, 18-29 år"
NYT_INDIKATORNAVN = "Andel offentligt forsørgede, 18-29 år"
TELEFON = "75 82 11 11"
GAMMEL_MAALGRUPPE = "<p>Beboere i områderne, som står uden for arbejdsmarkedet.</p>"
NY_MAALGRUPPE = "<p>Beboere i Nørremarken og Vestbyen, som står uden for arbejdsmarkedet.</p>"


@dataclass
class Redigeret:
    delaftale: Delaftale
    part: Part
    delmaal: Delmaal
    indikator: Indikator
    baseline: Baseline
    aktivitet: Aktivitet  # target group and delmål links changed
    ny: Aktivitet  # added
    slettet_pk: int  # Tjansen, deleted
    slettet_navn: str


def _gem(client, url, formular) -> None:
    svar = client.post(url, formular.data)
    assert svar.status_code == 302, re.findall(r"errorlist[^>]*>(.*?)</ul>", svar.content.decode())


def rediger_vejle(client, vejle) -> Redigeret:
    """One edit of each kind, through the admin."""
    # A part's phone number and a delmål's text, on the delaftale's page.
    url = admin_url(Delaftale, "change", vejle.pk)
    f = Formular(client.get(url))
    part = Part.objects.get(pk=int(f.data["parter-0-id"][0]))
    delmaal = Delmaal.objects.get(pk=int(f.data["delmaal-0-id"][0]))
    f.saet(**{"parter-0-telefon": TELEFON, "delmaal-0-tekst": delmaal.tekst + " i Vejle"})
    _gem(client, url, f)

    # An indicator's name and one baseline's value, on the indicator's page.
    indikator = Indikator.objects.get(delmaal__delaftale=vejle, navn=FORSOERGEDE_18_29)
    url = admin_url(Indikator, "change", indikator.pk)
    f = Formular(client.get(url))
    baseline = Baseline.objects.get(pk=int(f.data["baselines-0-id"][0]))
    assert f.data["baselines-0-vaerdi"] == ["11,3"]
    f.saet(**{"navn": NYT_INDIKATORNAVN, "baselines-0-vaerdi": "12,4"})
    _gem(client, url, f)

    # An activity's target group (rich text) and its delmål links.
    aktivitet = Aktivitet.objects.get(delaftale=vejle, navn__startswith="Vejen til")
    url = admin_url(Aktivitet, "change", aktivitet.pk)
    f = Formular(client.get(url))
    assert GAMMEL_MAALGRUPPE in f.data["maalgrupper"][0]
    alle_delmaal = list(Delmaal.objects.filter(delaftale=vejle).values_list("pk", flat=True))
    f.saet(
        maalgrupper=f.data["maalgrupper"][0].replace(GAMMEL_MAALGRUPPE, NY_MAALGRUPPE),
        delmaal=[str(pk) for pk in alle_delmaal[1:]],
    )
    _gem(client, url, f)

    # A new activity, and one deleted.
    url = admin_url(Aktivitet, "add") + f"?delaftale={vejle.pk}"
    f = Formular(client.get(url))
    f.saet(
        delaftale=vejle.pk,
        navn="Jobcafé",
        formaal="<p>Et fast mødested for jobsøgende.</p>",
        maalgrupper="<p>Ledige beboere.</p>",
        indhold_og_praksis="<p>Åbent hver tirsdag.</p>",
        ansvar_og_roller="<p>Jobcentret og den boligsociale medarbejder.</p>",
        delmaal=[str(alle_delmaal[0])],
    )
    _gem(client, admin_url(Aktivitet, "add"), f)
    tjansen = Aktivitet.objects.get(delaftale=vejle, navn="Tjansen")
    svar = client.post(admin_url(Aktivitet, "delete", tjansen.pk), {"post": "yes"})
    assert svar.status_code == 302

    return Redigeret(
        delaftale=vejle,
        part=part,
        delmaal=delmaal,
        indikator=indikator,
        baseline=baseline,
        aktivitet=aktivitet,
        ny=Aktivitet.objects.get(delaftale=vejle, navn="Jobcafé"),
        slettet_pk=tjansen.pk,
        slettet_navn="Tjansen",
    )


@pytest.fixture
def redigeret(sekretariat_client, vejle) -> Redigeret:
    return rediger_vejle(sekretariat_client, vejle)


def historik_url(delaftale) -> str:
    return reverse(
        "delaftaler:historik", args=[delaftale.helhedsplan.slug, delaftale.indsatsomraade.slug]
    )


def tekst(html: str) -> str:
    """The page's text, tags out, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- What the page shows ---------------------------------------------------------------------


def test_history_lists_each_edit_with_user_field_and_values(sekretariat_client, redigeret):
    svar = sekretariat_client.get(historik_url(redigeret.delaftale))

    assert svar.status_code == 200
    side = tekst(svar.content.decode())
    # Newest first: the deletion of Tjansen is the first entry.
    foerste = svar.context["historik"].grupper[0]
    assert foerste.bruger_navn == "sekretariat"
    assert foerste.poster[0].objekt == "Aktivitet »Tjansen«"
    assert foerste.poster[0].handling == "slettet"
    assert "Aktivitet »Tjansen« slettet" in side
    assert "Aktivitet »Jobcafé« oprettet" in side
    # A part's phone number: field, and the new value marked as added.
    assert "Part »Daniel Bomholt« ændret" in side
    assert f"Telefon tilføjet: {TELEFON}" in side
    # A delmål's text, word by word.
    assert (
        "Delmål Nedbringe andelen af beboere der står uden for arbejdsmarkedet tilføjet: i Vejle"
        in side
    )
    # An indicator's name and a baseline value, old → new, Danish numbers.
    assert (
        "Indikator Andel offentligt fjernet: forsørgede fuldtidspersoner, "
        "tilføjet: forsørgede, 18-29 år" in side
    )
    assert "Baseline fjernet: 11,3 tilføjet: 12,4" in side
    assert f"Baseline for »{NYT_INDIKATORNAVN}«, Nørremarken ændret" in side
    # The activity's target group (rich text, visible words) and its delmål links.
    assert "Målgruppe(r) " in side
    assert "fjernet: områderne, tilføjet: Nørremarken og Vestbyen," in side
    assert "Bidrager til delmål" in side
    # Who and when, as 01.12.2021 14:05.
    nu = timezone.localtime()
    assert f"{nu:%d.%m.%Y} " in side
    assert re.search(r"\d\d\.\d\d\.\d{4} \d\d:\d\d – sekretariat", side)


def test_history_groups_one_admin_save_into_one_step(sekretariat_client, redigeret):
    grupper = hent_historik(redigeret.delaftale).grupper
    indikator_skridt = next(
        g for g in grupper if any(p.objekt.startswith("Baseline for") for p in g.poster)
    )
    objekter = [p.objekt for p in indikator_skridt.poster]
    assert f"Indikator »{NYT_INDIKATORNAVN}«" in objekter
    assert any(o.startswith("Baseline for") for o in objekter)


def test_entries_far_apart_are_separate_steps():
    from delaftaler.publicering.history import Post, _grupper

    nu = timezone.now()
    poster = [
        Post("parter", nu, None, "Part »A«", "ændret"),
        Post("parter", nu - timedelta(seconds=1), None, "Part »B«", "ændret"),
        Post("parter", nu - timedelta(minutes=5), None, "Part »C«", "ændret"),
        Post("version", nu - timedelta(minutes=5, seconds=1), None, "Version 2", "publiceret"),
    ]
    assert [[p.objekt for p in g.poster] for g in _grupper(poster)] == [
        ["Part »A«", "Part »B«"],
        ["Part »C«"],
        ["Version 2"],
    ]


def test_saves_without_changes_are_not_listed(sekretariat_client, vejle):
    url = admin_url(Delaftale, "change", vejle.pk)
    _gem(sekretariat_client, url, Formular(sekretariat_client.get(url)))
    assert Delaftale.history.filter(id=vejle.pk).count() == 2  # recorded …

    grupper = hent_historik(vejle).grupper
    af_sekretariatet = [p for g in grupper for p in g.poster if g.bruger_navn == "sekretariat"]
    assert af_sekretariatet == []  # … but a save that changed nothing is not shown


def test_deleted_children_still_show(sekretariat_client, vejle):
    """A deleted delmål takes its indikatorer and baselines with it; all stay in the history."""
    delmaal = Delmaal.objects.filter(delaftale=vejle).last()
    indikator_navne = set(delmaal.indikatorer.values_list("navn", flat=True))
    assert indikator_navne
    for a in delmaal.aktiviteter.all():
        a.delmaal.remove(delmaal)
    delmaal.delete()

    poster = [p for g in hent_historik(vejle, side=1).grupper for p in g.poster]
    slettede = {p.objekt for p in poster if p.handling == "slettet"}
    assert f"Delmål »{delmaal.tekst}«" in slettede
    for navn in indikator_navne:
        assert f"Indikator »{navn}«" in slettede
    assert any(o.startswith("Baseline for") for o in slettede)


def test_publication_and_submission_are_events(leder_client, leder_bruger, vejle):
    part = Part.objects.filter(delaftale=vejle).first()
    part.telefon = TELEFON
    part.save()
    version_publicer(delaftale=vejle, bruger=leder_bruger)

    side = tekst(leder_client.get(historik_url(vejle)).content.decode())

    assert "Version 2 publiceret (administrativ ændring)" in side
    assert "Version 1 publiceret (første version)" in side


def test_long_history_is_paginated_with_constant_queries(
    sekretariat_client, vejle, django_assert_max_num_queries
):
    url = historik_url(vejle)
    sekretariat_client.get(url)
    part = Part.objects.filter(delaftale=vejle).first()
    for nr in range(PR_SIDE * 2):
        part.telefon = f"75 82 00 {nr:02d}"
        part.save()

    with django_assert_max_num_queries(24):
        foerste = sekretariat_client.get(url)
    with django_assert_max_num_queries(24):
        sidste = sekretariat_client.get(url, {"side": 9999})

    assert foerste.status_code == sidste.status_code == 200
    h = foerste.context["historik"]
    assert h.side.paginator.num_pages >= 3
    poster = [p for g in h.grupper for p in g.poster]
    assert len(poster) == PR_SIDE
    nyeste = f"75 82 00 fjernet: {PR_SIDE * 2 - 2:02d} tilføjet: {PR_SIDE * 2 - 1:02d}"
    assert nyeste in tekst(foerste.content.decode())
    # The last page holds the delaftale's creation.
    assert "Delaftalen oprettet" in tekst(sidste.content.decode())


def test_history_page_query_count_with_every_kind_of_edit(
    sekretariat_client, redigeret, django_assert_max_num_queries
):
    url = historik_url(redigeret.delaftale)
    with django_assert_max_num_queries(26):
        svar = sekretariat_client.get(url)
    assert svar.status_code == 200


# --- The delaftale at a moment of its history ------------------------------------------------


def test_snapshot_as_of_now_equals_the_draft(sekretariat_client, redigeret):
    udkast = tag_snapshot(hent_udkast(redigeret.delaftale))
    assert digest(snapshot_pr(redigeret.delaftale, timezone.now())) == digest(udkast)


def test_snapshot_as_of_before_the_edits_equals_version_1(sekretariat_client, vejle):
    version = vejle.versioner.get(nummer=1)
    foer = timezone.now()
    rediger_vejle(sekretariat_client, vejle)

    assert digest(snapshot_pr(vejle, foer)) == version.indhold_sha256
    assert snapshot_pr(vejle, version.publiceret - timedelta(days=3650)) is None


def test_tidskode_round_trips_exactly():
    tid = timezone.now()
    assert fra_tidskode(tidskode(tid)) == tid
    assert fra_tidskode("t12x") is None
    assert fra_tidskode("udkast") is None
    assert fra_tidskode("t" + "9" * 19) is None


# --- Access ------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, vejle):
    url = historik_url(vejle)
    svar = client.get(url)
    assert svar.status_code == 302
    assert svar.url.startswith(reverse("delaftaler:log_ind"))
    assert "next=" in svar.url


def test_bestyrelse_member_may_read_the_history(bestyrelse_client, vejle):
    assert bestyrelse_client.get(historik_url(vejle)).status_code == 200


def test_non_member_gets_404(client, vejle, django_user_model):
    from django.contrib.auth.models import Group

    from delaftaler.roller import SEKRETARIAT

    udenfor = django_user_model.objects.create_user("udenfor", password="x", is_staff=True)
    udenfor.groups.add(Group.objects.get(name=SEKRETARIAT))
    udenfor.helhedsplaner.add(HelhedsplanFactory())
    client.force_login(udenfor)
    assert client.get(historik_url(vejle)).status_code == 404


def test_member_without_view_permission_gets_403(client, vejle, django_user_model):
    medlem = django_user_model.objects.create_user("medlem", password="x")
    vejle.helhedsplan.medlemmer.add(medlem)
    client.force_login(medlem)
    assert client.get(historik_url(vejle)).status_code == 403
