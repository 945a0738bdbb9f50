"""The read-only JSON API (delaftaler/api/): every answer as its OpenAPI schema says,
published versions and approved years only, no hidden number anywhere, numbers with the
decimals they were stored with, HTTP caching, CORS and Danish JSON errors."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from delaftaler.indlaesning import indlaes_fil
from delaftaler.models import Delaftale
from delaftaler.opfoelgning.services import opfoelgning_genaaben
from delaftaler.visning.page_cache import tvaers_noegle
from indikatorer.models import Baseline
from tests.api.conftest import (
    IKKE_GODKENDT,
    SKJULTE,
    UDKASTTEKST,
    VERSION_1_TEKST,
    VERSION_2_TEKST,
    VISTE,
    adresser,
)
from tests.conftest import VEJLE, VIBORG, _med_medlemmer
from tests.factories import publicer

pytestmark = pytest.mark.django_db

SKEMA_URI = "urn:delaftaler:openapi"


def _skema(client) -> dict:
    svar = client.get("/api/v1/openapi.json")
    assert svar.status_code == 200
    return svar.json()


def _validator(skema: dict, sti: str, status: int) -> Draft202012Validator:
    """A validator for one answer of one path, its $refs resolved in the whole document."""
    registry = Registry().with_resource(SKEMA_URI, DRAFT202012.create_resource(skema))
    assert str(status) in skema["paths"][sti]["get"]["responses"], (sti, status)
    pointer = "/".join(
        del_.replace("~", "~0").replace("/", "~1")
        for del_ in ("paths", sti, "get", "responses", str(status), "content")
    )
    return Draft202012Validator(
        {"$ref": f"{SKEMA_URI}#/{pointer}/application~1json/schema"}, registry=registry
    )


def _alle_svar(client, *delaftaler) -> bytes:
    return b"\n".join(
        client.get(url).content for urls in adresser(*delaftaler).values() for url in urls
    )


def test_errors_match_the_schema_and_speak_danish(client, smaaby):
    skema = _skema(client)
    tilfaelde = [
        ("/api/v1/helhedsplaner/findes-ikke", "/api/v1/helhedsplaner/{slug}", 404),
        ("/api/v1/delaftaler/999999", "/api/v1/delaftaler/{pk}", 404),
        (
            f"/api/v1/delaftaler/{smaaby.pk}/versioner/99",
            "/api/v1/delaftaler/{pk}/versioner/{nummer}",
            404,
        ),
        (
            f"/api/v1/delaftaler/{smaaby.pk}/opfoelgninger/2024",
            "/api/v1/delaftaler/{pk}/opfoelgninger/{aar}",
            404,
        ),
        ("/api/v1/delaftaler/abc", "/api/v1/delaftaler/{pk}", 422),
        ("/api/v1/helhedsplaner?pr_side=1000", "/api/v1/helhedsplaner", 422),
        ("/api/v1/helhedsplaner?side=0", "/api/v1/helhedsplaner", 422),
        ("/api/v1/delaftaler?side=9", "/api/v1/delaftaler", 404),
    ]
    for url, sti, status in tilfaelde:
        svar = client.get(url)
        assert svar.status_code == status, url
        assert svar["Content-Type"].startswith("application/json"), url
        assert not list(_validator(skema, sti, status).iter_errors(svar.json())), url
        assert re.search("[æøå]|findes|ingen|Ugyldige", svar.json()["fejl"]), svar.json()


def test_head_gives_the_headers_of_get_without_the_body(client, smaaby):
    url = f"/api/v1/delaftaler/{smaaby.pk}"
    get, head = client.get(url), client.head(url)
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == get["ETag"]
    assert int(head["Content-Length"]) == len(get.content)


def test_an_unknown_address_and_any_method_but_get_are_json_in_danish(client, smaaby):
    for url in ("/api/v1/findes/ikke", "/api/v1/"):
        svar = client.get(url)
        assert svar.status_code == 404, url
        assert re.search("ingen|findes ikke", svar.json()["fejl"]), (url, svar.content)
    for metode in ("post", "put", "patch", "delete"):
        svar = getattr(client, metode)(f"/api/v1/delaftaler/{smaaby.pk}")
        assert svar.status_code == 405, metode
        assert svar["Allow"] == "GET, HEAD"
        assert "ikke tilladt" in svar.json()["fejl"]


def test_no_answer_shows_a_hidden_number(client, smaaby):
    """The small plan's hidden shares, totals and changes appear in no answer, in no
    form; what may be shown is there, and the hidden cells say why."""
    alt = _alle_svar(client, smaaby).decode()
    for tal in SKJULTE:
        assert not re.search(rf"(?<![\d.]){re.escape(tal)}(?!\d)", alt), tal
    for tal in VISTE:
        assert f'"{tal}"' in alt, tal
    assert '"taeller"' not in alt and '"naevner"' not in alt
    indhold = client.get(f"/api/v1/delaftaler/{smaaby.pk}").json()
    nord = [
        b
        for dm in indhold["delmaal"]
        for i in dm["indikatorer"]
        for b in i["baselines"]
        if b["boligomraade"] and b["boligomraade"]["navn"] == "Nordparken"
    ]
    assert len(nord) == 2
    assert all(b["vaerdi"] is None and b["skjult"] == "<5" for b in nord)
    aaret = client.get(f"/api/v1/delaftaler/{smaaby.pk}/opfoelgninger/2023").json()
    steder = [s for dm in aaret["delmaal"] for i in dm["indikatorer"] for s in i["steder"]]
    nord = [s for s in steder if s["sted"] == "Nordparken"]
    assert all(s["baseline"] is None and s["vaerdier"][0]["vaerdi"] is None for s in nord)
    assert all(s["aendring"] is None and s["aendring_skjult"] == "Skjult" for s in nord)


def test_drafts_and_unapproved_years_never_appear(client, smaaby):
    alt = _alle_svar(client, smaaby).decode()
    assert UDKASTTEKST not in alt
    assert not re.search(rf"(?<![\d.]){re.escape(IKKE_GODKENDT)}(?!\d)", alt)
    aarene = client.get(f"/api/v1/delaftaler/{smaaby.pk}/opfoelgninger").json()
    assert [a["aar"] for a in aarene] == [2023]
    assert client.get(f"/api/v1/delaftaler/{smaaby.pk}/opfoelgninger/2024").status_code == 404
    assert client.get(f"/api/v1/delaftaler/{smaaby.pk}/opfoelgninger/2023").json()["aarene"] == [
        2023
    ]


def test_each_version_is_served_as_it_was_published(client, smaaby):
    base = f"/api/v1/delaftaler/{smaaby.pk}"
    versioner = client.get(f"{base}/versioner").json()
    assert [(v["nummer"], v["art"]) for v in versioner] == [(2, "faglig"), (1, "foerste")]
    assert versioner[0]["godkendt"] is not None
    assert client.get(base).json()["delmaal"][0]["tekst"] == VERSION_2_TEKST
    assert client.get(f"{base}/versioner/2").json()["delmaal"][0]["tekst"] == VERSION_2_TEKST
    assert client.get(f"{base}/versioner/1").json()["delmaal"][0]["tekst"] == VERSION_1_TEKST
    liste = client.get("/api/v1/delaftaler").json()["resultater"]
    assert [d["gaeldende_version"]["nummer"] for d in liste if d["id"] == smaaby.pk] == [2]


def test_an_unchanged_answer_is_304_by_etag_and_by_date(client, smaaby):
    url = f"/api/v1/delaftaler/{smaaby.pk}"
    foerste = client.get(url)
    etag, dato = foerste["ETag"], foerste["Last-Modified"]
    igen = client.get(url)  # from the page cache now: the same body, ETag and date
    assert (igen.content, igen["ETag"], igen["Last-Modified"]) == (foerste.content, etag, dato)
    svar = client.get(url, headers={"If-None-Match": etag})
    assert svar.status_code == 304 and svar.content == b""
    assert client.get(url, headers={"If-Modified-Since": dato}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"noget-andet"'}).status_code == 200


def test_a_reopened_year_leaves_the_list_and_its_date_moves(client, smaaby):
    """The list's date moves when a year leaves it, so If-Modified-Since never keeps a
    reopened year in a cache."""
    url = f"/api/v1/delaftaler/{smaaby.pk}/opfoelgninger"
    smaaby.opfoelgninger.update(aendret=timezone.now() - timedelta(days=1))  # approved earlier
    foer = client.get(url)
    assert client.get(url, headers={"If-Modified-Since": foer["Last-Modified"]}).status_code == 304
    aaret = smaaby.opfoelgninger.get(aar=2023)
    opfoelgning_genaaben(
        opfoelgning=aaret,
        bruger=get_user_model().objects.get(username="sekretariat"),
        begrundelse="Fejl",
    )
    svar = client.get(url, headers={"If-Modified-Since": foer["Last-Modified"]})
    assert svar.status_code == 200 and svar.json() == []
    assert client.get(f"{url}/2023").status_code == 404


def test_a_new_publication_gives_a_new_etag_and_date(client, smaaby):
    url = f"/api/v1/delaftaler/{smaaby.pk}"
    foer = client.get(url)
    publicer(smaaby)
    svar = client.get(url, headers={"If-None-Match": foer["ETag"]})
    assert svar.status_code == 200
    assert svar["ETag"] != foer["ETag"]
    assert svar.json()["delmaal"][0]["tekst"] == UDKASTTEKST  # now published, as version 3
    assert svar.json()["version"]["nummer"] == 3


def test_a_renamed_indsatsomraade_reaches_the_cached_list_at_once(client, smaaby):
    url = "/api/v1/delaftaler"
    assert client.get(url).json()["resultater"][0]["indsatsomraade"] == "Beskæftigelse"
    smaaby.indsatsomraade.navn = "Beskæftigelse og job"
    smaaby.indsatsomraade.save()
    assert client.get(url).json()["resultater"][0]["indsatsomraade"] == "Beskæftigelse og job"


def test_every_answer_may_be_read_from_any_origin_and_cached_a_minute(client, smaaby):
    urls = [u for liste in adresser(smaaby).values() for u in liste]
    for url in [*urls, "/api/v1/openapi.json", "/api/v1/findes-ikke"]:
        svar = client.get(url, headers={"Origin": "https://eksempel.dk"})
        assert svar["Access-Control-Allow-Origin"] == "*", url
        assert "Access-Control-Allow-Credentials" not in svar, url
        assert set(svar["Cache-Control"].split(", ")) == {"public", "max-age=60"}, url


def test_the_docs_page_loads_nothing_from_other_hosts(client):
    svar = client.get("/api/v1/docs")
    assert svar.status_code == 200
    html = svar.content.decode()
    kilder = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert kilder and all(k.startswith("/static/") for k in kilder), kilder
    assert "/api/v1/openapi.json" in html
    assert "script-src 'self'" in svar["Content-Security-Policy"]


# Queries per address, whatever the number of plans, delaftaler, versions and values.
FORESPOERGSLER = {
    "/api/v1/helhedsplaner": 3,
    "/api/v1/helhedsplaner/{slug}": 2,
    "/api/v1/delaftaler": 4,
    "/api/v1/delaftaler/{pk}": 2,
    "/api/v1/delaftaler/{pk}/versioner": 2,
    "/api/v1/delaftaler/{pk}/versioner/{nummer}": 2,
    "/api/v1/delaftaler/{pk}/opfoelgninger": 3,
    "/api/v1/delaftaler/{pk}/opfoelgninger/{aar}": 6,
}


def _hver_adresse_koster_faste_forespoergsler(client, delaftaler, max_queries) -> None:
    urls = adresser(*delaftaler)
    assert set(urls) == set(FORESPOERGSLER)
    with CaptureQueriesContext(connection) as noegle:
        tvaers_noegle()
    for sti, liste in urls.items():
        for url in liste:
            caches["default"].clear()
            # The answer: its own queries and the cache key's.
            with max_queries(FORESPOERGSLER[sti] + len(noegle)):
                assert client.get(url).status_code == 200, url
            # Again: the cached answer, found by the key alone.
            with max_queries(len(noegle)):
                assert client.get(url).status_code == 200, url


def test_each_address_costs_a_fixed_number_of_queries_with_one_plan(
    client, smaaby, django_assert_max_num_queries
):
    _hver_adresse_koster_faste_forespoergsler(client, [smaaby], django_assert_max_num_queries)


# ---- With the real Vejle and Viborg beside the small plan ---------------------------------


@pytest.fixture(scope="class")
def _vejle_og_viborg_i_klassen(_smaaby_i_modulet, django_db_blocker):
    """The real delaftaler, loaded once for the class (loading validates every object: about
    a second) in a savepoint of the module's transaction, and rolled back after it: the
    tests outside the class see the small plan alone, as before."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield indlaes_fil(VEJLE).delaftale.pk, indlaes_fil(VIBORG).delaftale.pk
        transaction.set_rollback(True)


@pytest.fixture
def vejle(_vejle_og_viborg_i_klassen, db):
    return _med_medlemmer(Delaftale.objects.get(pk=_vejle_og_viborg_i_klassen[0]))


@pytest.fixture
def viborg(_vejle_og_viborg_i_klassen, db):
    return _med_medlemmer(Delaftale.objects.get(pk=_vejle_og_viborg_i_klassen[1]))


class TestBesideTheRealDelaftaler:
    def test_every_answer_of_every_address_matches_the_openapi_schema(
        self, client, smaaby, vejle, viborg
    ):
        skema = _skema(client)
        assert skema["openapi"].startswith("3.")
        urls = adresser(smaaby, vejle, viborg)
        assert set(urls) == set(skema["paths"]), "the contract test must cover every path"
        for sti, liste in urls.items():
            assert liste, sti
            validator = _validator(skema, sti, 200)
            for url in liste:
                svar = client.get(url)
                assert svar.status_code == 200, url
                fejl = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(svar.json())]
                assert not fejl, (url, fejl[:5])

    def test_numbers_keep_the_decimals_they_were_stored_with(self, client, vejle, viborg):
        for d in (vejle, viborg):
            indhold = client.get(f"/api/v1/delaftaler/{d.pk}").json()
            gemte = {b.pk: b for b in Baseline.objects.filter(indikator__delmaal__delaftale=d)}
            set_ = 0
            for dm in indhold["delmaal"]:
                for i in dm["indikatorer"]:
                    for b in i["baselines"]:
                        if b["vaerdi"] is None:
                            continue
                        gemt = gemte[b["id"]]
                        decimaler = len(b["vaerdi"].partition(".")[2])
                        assert decimaler == gemt.vaerdi_decimaler, b
                        assert Decimal(b["vaerdi"]) == gemt.vaerdi, b
                        set_ += 1
            assert set_ > 5, d

    def test_pages_split_the_list_and_say_how_many_there_are(self, client, smaaby, vejle, viborg):
        side = client.get("/api/v1/delaftaler?pr_side=2").json()
        assert (side["antal"], side["sider"], len(side["resultater"])) == (3, 2, 2)
        anden = client.get("/api/v1/delaftaler?pr_side=2&side=2").json()
        ids = [d["id"] for d in side["resultater"] + anden["resultater"]]
        assert sorted(ids) == sorted([smaaby.pk, vejle.pk, viborg.pk])
        planer = client.get("/api/v1/helhedsplaner?pr_side=1&side=3").json()
        assert (planer["antal"], planer["side"], len(planer["resultater"])) == (3, 3, 1)

    def test_each_address_costs_a_fixed_number_of_queries_with_three_plans(
        self, client, smaaby, vejle, viborg, django_assert_max_num_queries
    ):
        _hver_adresse_koster_faste_forespoergsler(
            client, [smaaby, vejle, viborg], django_assert_max_num_queries
        )
