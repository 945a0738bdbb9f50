"""Logging in lands staff on Mit overblik, ``?next=`` is honoured when it is this site's,
django-axes still locks out, and the public header shows who is logged in – never to
anyone else, whatever the page cache keeps."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from delaftaler.visning.page_cache import mikrocache

KODE = "hemmelig-kode-123"
HER = "192.0.2.10"

pytestmark = pytest.mark.django_db


@pytest.fixture
def anne(db):
    return get_user_model().objects.create_user(
        "anne", password=KODE, is_staff=True, first_name="Anne", last_name="Holm"
    )


def log_ind(klient: Client, kode: str = KODE, **ekstra):
    return klient.post(
        "/log-ind/", {"username": "anne", "password": kode, **ekstra}, REMOTE_ADDR=HER
    )


def test_logging_in_lands_on_mit_overblik(client, anne):
    svar = log_ind(client)
    assert svar.status_code == 302 and svar["Location"] == "/overblik/"
    assert "Mit overblik" in client.get("/overblik/").content.decode()


def test_next_is_honoured_when_it_is_this_sites_address_only(client, anne):
    assert log_ind(client, next="/udkast/")["Location"] == "/udkast/"
    client.logout()
    assert log_ind(client, next="https://ond.example/")["Location"] == "/overblik/"


def test_the_admins_login_address_shows_the_sites_login_keeping_next(client, anne):
    assert client.get("/admin/login/")["Location"] == "/log-ind/"
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/log-ind/?next=%2Fadmin%2F"
    side = client.get("/log-ind/?next=/admin/").content.decode()
    assert 'name="next" value="/admin/"' in side


def test_someone_logged_in_asking_for_the_login_page_goes_to_mit_overblik(client, anne):
    client.force_login(anne)
    assert client.get("/log-ind/")["Location"] == "/overblik/"


def test_five_wrong_passwords_lock_out_on_the_sites_login_too(client, anne):
    assert [log_ind(client, "forkert").status_code for _ in range(5)] == [200] * 4 + [429]
    svar = log_ind(client)
    assert svar.status_code == 429
    assert "For mange mislykkede loginforsøg" in svar.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_says_so_in_danish(client, anne):
    svar = log_ind(client, "forkert")
    assert svar.status_code == 200
    assert "korrekt brugernavn og adgangskode" in svar.content.decode()


def test_the_public_header_shows_the_logged_in_persons_name_and_log_ud(client, anne):
    client.force_login(anne)
    html = client.get("/").content.decode()
    assert "Anne Holm" in html
    assert 'href="/overblik/">Mit overblik</a>' in html
    assert 'action="/log-ud/"' in html and 'name="csrfmiddlewaretoken"' in html
    assert "Log ind" not in html
    svar = client.post("/log-ud/")
    assert svar.status_code == 302 and "_auth_user_id" not in client.session


def test_anonymous_readers_see_log_ind_leading_to_the_login_page(client, db):
    html = client.get("/").content.decode()
    assert 'href="/log-ind/"' in html and "Log ind" in html
    assert "Log ud" not in html and "Mit overblik" not in html


@pytest.mark.parametrize("sti", ["/", "/log-ind/"])
def test_an_anonymous_reader_after_a_logged_in_one_never_sees_the_name(settings, anne, sti):
    settings.SIDECACHE_SEKUNDER = 60
    mikrocache.ryd()
    try:
        indlogget = Client()
        indlogget.force_login(anne)
        assert "Anne Holm" in indlogget.get(sti).content.decode() or sti == "/log-ind/"
        for _ in range(2):  # the second would be the cached one
            html = Client().get(sti).content.decode()
            assert "Anne Holm" not in html and "Log ud" not in html
        # …and the logged-in reader after anonymous ones still gets their own header.
        assert "Anne Holm" in indlogget.get("/").content.decode()
    finally:
        mikrocache.ryd()
