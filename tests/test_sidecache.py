"""Anonymous readers get the finished public page from the cache, and never a stale one:
a publication, an approved follow-up or a renamed helhedsplan shows at once."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from delaftaler.models import Opfoelgning
from tests.factories import publicer

SIDE = "/vejle-21-25/beskaeftigelse/"


def _html(svar) -> str:
    assert svar.status_code == 200
    return svar.content.decode()


def test_a_repeated_anonymous_request_is_served_from_the_cache(client, vejle):
    foerste = _html(client.get(SIDE))
    with CaptureQueriesContext(connection) as q:
        anden = _html(client.get(SIDE))
    assert anden == foerste
    assert len(q) == 1, [x["sql"][:80] for x in q]
    filtreret = _html(
        client.get(SIDE, {"boligomraade": vejle.helhedsplan.boligomraader.first().pk})
    )
    assert filtreret != foerste, "the filter is part of the key"


def test_a_new_publication_shows_at_once(client, vejle):
    assert "Beboere i områderne" in _html(client.get(SIDE))
    aktivitet = vejle.aktiviteter.get(navn__contains="Aktivitetsparate over 30")
    aktivitet.maalgrupper = "<p>Alle ledige i området.</p>"
    aktivitet.save()
    assert "Alle ledige i området." not in _html(client.get(SIDE)), "a draft is not public"
    publicer(vejle)
    assert "Alle ledige i området." in _html(client.get(SIDE))


def test_an_approved_follow_up_is_listed_at_once(client, vejle):
    assert "/opfoelgning/2023/" not in _html(client.get(SIDE))
    Opfoelgning.objects.create(delaftale=vejle, aar=2023, status=Opfoelgning.Status.GODKENDT)
    assert "/opfoelgning/2023/" in _html(client.get(SIDE))


def test_the_overview_follows_a_renamed_helhedsplan(client, vejle):
    assert "Vejle_21_25" in _html(client.get("/"))
    plan = vejle.helhedsplan
    plan.navn = "Vejle_Øst_21_25"
    plan.save()
    assert "Vejle_Øst_21_25" in _html(client.get("/"))
    assert "Vejle_Øst_21_25" in _html(client.get("/vejle-21-25/"))


def test_logged_in_people_always_get_their_own_page(client, vejle, sekretariat_bruger):
    anonym = _html(client.get(SIDE))
    client.force_login(sekretariat_bruger)
    egen = _html(client.get(SIDE))
    assert egen != anonym
    assert "Log ind" in anonym and "Log ind" not in egen


def test_the_overview_follows_a_renamed_boligomraade_and_a_first_publication(client, vejle):
    from tests.factories import DelaftaleFactory

    assert "Nørremarken" in _html(client.get("/vejle-21-25/"))
    omraade = vejle.helhedsplan.boligomraader.get(navn="Nørremarken")
    omraade.navn = "Nørremarken Syd"
    omraade.save()
    assert "Nørremarken Syd" in _html(client.get("/vejle-21-25/"))

    ny = DelaftaleFactory()
    adresse = f"/{ny.helhedsplan.slug}/beskaeftigelse/"
    assert adresse not in _html(client.get("/")), "not public before its publication"
    publicer(ny)
    assert adresse in _html(client.get("/"))
