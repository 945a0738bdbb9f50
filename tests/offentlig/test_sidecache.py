"""Anonymous readers get the finished public page from the cache. Its first layer is
never stale: a publication, an approved follow-up or a renamed helhedsplan shows at once.
Its second layer gives them the last second's page and PDF without a query, so a change
reaches them at most SIDECACHE_SEKUNDER late."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from delaftaler.models import Opfoelgning
from delaftaler.visning import page_cache as sidecache
from tests.factories import DelaftaleFactory, publicer

# The real delaftaler are loaded once for the module (tests/conftest.py).
pytestmark = pytest.mark.delt_data

SIDE = "/vejle-21-25/beskaeftigelse/"
PDF = "/vejle-21-25/beskaeftigelse.pdf"


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


# --- The second layer: the last seconds' responses -------------------------------------------


class Ur:
    """time.monotonic() as the test sets it."""

    def __init__(self):
        self.nu = 1000.0

    def __call__(self) -> float:
        return self.nu


@pytest.fixture
def ur(settings, monkeypatch) -> Ur:
    settings.SIDECACHE_SEKUNDER = 2
    ur = Ur()
    monkeypatch.setattr(sidecache.time, "monotonic", ur)
    return ur


def test_an_anonymous_reader_gets_the_last_seconds_page_and_pdf_without_a_query(client, vejle, ur):
    for sti in (SIDE, PDF, "/"):
        foerste = client.get(sti)
        assert foerste.status_code == 200
        with CaptureQueriesContext(connection) as q:
            anden = client.get(sti)
        assert len(q) == 0, sti
        assert anden.status_code == 200 and anden.content == foerste.content, sti
        for header in ("Content-Type", "Content-Security-Policy", "X-Frame-Options", "ETag"):
            assert anden.get(header) == foerste.get(header), (sti, header)
    assert client.get(PDF).content.startswith(b"%PDF-")


def test_a_publication_reaches_anonymous_readers_when_the_seconds_are_up(client, vejle, ur):
    assert "Beboere i områderne" in _html(client.get(SIDE))
    aktivitet = vejle.aktiviteter.get(navn__contains="Aktivitetsparate over 30")
    aktivitet.maalgrupper = "<p>Alle ledige i området.</p>"
    aktivitet.save()
    publicer(vejle)
    ur.nu += 1.9
    assert "Alle ledige i området." not in _html(client.get(SIDE)), "within the 2 seconds"
    ur.nu += 0.2
    assert "Alle ledige i området." in _html(client.get(SIDE))


def test_logged_in_people_never_get_the_anonymous_copy(client, vejle, sekretariat_bruger, ur):
    assert "Log ind" in _html(client.get(SIDE))
    client.force_login(sekretariat_bruger)
    egen = _html(client.get(SIDE))
    assert "Log ind" not in egen


def test_a_reader_with_a_message_waiting_gets_the_page_made_for_them(client, vejle, ur):
    """A message (e.g. »Du er logget ud«) is shown on the next page: never from the copy."""
    assert client.get(SIDE).status_code == 200
    client.cookies["messages"] = "besked"
    with CaptureQueriesContext(connection) as q:
        assert client.get(SIDE).status_code == 200
    assert len(q) > 0


def test_a_revalidation_still_gets_its_304(client, vejle, ur):
    etag = client.get(PDF)["ETag"]
    svar = client.get(PDF, headers={"if-none-match": etag})
    assert svar.status_code == 304 and svar.content == b""


def test_only_public_pages_are_kept_so_a_first_publication_shows_at_once(client, db, ur):
    ny = DelaftaleFactory()
    sti = f"/{ny.helhedsplan.slug}/{ny.indsatsomraade.slug}/"
    assert client.get(sti).status_code == 404
    assert client.get("/udkast/").status_code == 302
    publicer(ny)
    assert client.get(sti).status_code == 200


def test_a_foreign_host_is_refused_even_for_a_kept_page(client, vejle, ur):
    assert client.get(SIDE).status_code == 200
    assert client.get(SIDE, headers={"host": "ondsindet.example"}).status_code == 400


def test_the_filter_and_the_host_are_part_of_the_address(client, vejle, ur):
    alle = _html(client.get(SIDE))
    omraade = vejle.helhedsplan.boligomraader.first()
    filtreret = _html(client.get(SIDE, {"boligomraade": omraade.pk}))
    assert filtreret != alle
    assert _html(client.get(SIDE)) == alle


def test_the_kept_responses_are_bounded_in_bytes_oldest_out_first():
    cache = sidecache.Mikrocache(maks_bytes=10)

    def gemt(indhold: bytes):
        return sidecache._Gemt(udloeber=10.0, indhold=indhold, headers=())

    cache.gem("a", gemt(b"1234"))
    cache.gem("b", gemt(b"5678"))
    cache.gem("c", gemt(b"9012"))
    assert cache.hent("a", 0) is None
    assert cache.hent("b", 0).indhold == b"5678" and cache.hent("c", 0).indhold == b"9012"
    cache.gem("stor", gemt(b"x" * 11))
    assert cache.hent("stor", 0) is None and cache.hent("c", 0) is not None
    assert cache.hent("c", 10.0) is None, "expired"


def test_a_response_with_a_script_nonce_is_never_given_twice(rf, settings):
    """A nonce is only worth something if no other response carries it."""
    settings.SIDECACHE_SEKUNDER = 60
    kald = []

    def view(request):
        kald.append(request)
        svar = sidecache.offentlig(sidecache.HttpResponse("<p>side</p>"))
        svar["Content-Security-Policy"] = f"script-src 'self' 'nonce-{len(kald)}'"
        return svar

    mellemled = sidecache.OffentligeSiderMiddleware(view)
    foerste = mellemled(rf.get("/side/"))
    anden = mellemled(rf.get("/side/"))
    assert len(kald) == 2
    assert foerste["Content-Security-Policy"] != anden["Content-Security-Policy"]
