"""Logins, logouts and the follow-up's approvals are logged; repeated failed logins are
throttled (django-axes) with a Danish lockout page.

Logins go through the real admin login form with the test client (force_login() would
bypass both the log of failures and axes). REMOTE_ADDR is set per request to tell
addresses apart; 192.0.2.0/24 and 198.51.100.0/24 are documentation addresses.
"""

from __future__ import annotations

import datetime
import logging
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F
from django.http import HttpRequest
from django.test import Client

from delaftaler.opfoelgning.services import (
    opfoelgning_genaaben,
    opfoelgning_godkend,
    opfoelgning_opret,
    opfoelgning_send,
)
from tests.chromium import html_errors

LOGIN = "/admin/login/"
KODE = "hemmelig-kode-123"
FORKERT = "forkert-kode-987"
HER = "192.0.2.10"
ANDET_STED = "198.51.100.20"
SIKKERHED = "delaftaler.sikkerhed"


@pytest.fixture
def anne(db):
    return get_user_model().objects.create_user("anne", password=KODE, is_staff=True)


@pytest.fixture
def bo(db):
    return get_user_model().objects.create_user("bo", password=KODE, is_staff=True)


@pytest.mark.rigtig_hasher
def test_passwords_are_stored_with_productions_hasher(anne):
    """The rest of the suite, this module's logins and lockouts included, hashes with MD5
    for speed: which hasher checks a password changes nothing they test."""
    assert anne.password.startswith("pbkdf2_sha256$")
    assert anne.check_password(KODE)


@pytest.fixture
def sikkerhedslog(caplog):
    """caplog also reaches the security logger, which does not propagate to the root."""
    return caplog


def beskeder(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == SIKKERHED]


def log_ind(klient: Client, brugernavn: str, kode: str, ip: str = HER):
    return klient.post(
        LOGIN, {"username": brugernavn, "password": kode, "next": "/admin/"}, REMOTE_ADDR=ip
    )


def er_logget_ind(klient: Client) -> bool:
    return "_auth_user_id" in klient.session


# --- The security log -----------------------------------------------------------------------


def test_the_security_logger_goes_to_the_console_at_info():
    config = settings.LOGGING["loggers"][SIKKERHED]
    assert config["handlers"] == ["console"] and config["level"] == "INFO"
    logger = logging.getLogger(SIKKERHED)
    assert logger.isEnabledFor(logging.INFO)
    assert "console" in [h.name for h in logger.handlers]
    assert not logger.propagate  # not twice on the console through the root logger


def test_a_login_is_logged_with_user_name_and_address_but_never_the_password(
    client, anne, sikkerhedslog
):
    assert log_ind(client, "anne", KODE).status_code == 302

    assert f"Login: bruger='anne' ip={HER}" in beskeder(sikkerhedslog)
    assert KODE not in sikkerhedslog.text


def test_a_failed_login_is_logged_as_a_warning_without_the_password(client, anne, sikkerhedslog):
    assert log_ind(client, "anne", FORKERT).status_code == 200

    fejl = [r for r in sikkerhedslog.records if r.name == SIKKERHED]
    assert [(r.levelno, r.getMessage()) for r in fejl] == [
        (logging.WARNING, f"Login fejlede: bruger='anne' ip={HER}")
    ]
    assert FORKERT not in sikkerhedslog.text


def test_a_logout_is_logged(client, anne, sikkerhedslog):
    log_ind(client, "anne", KODE)

    assert client.post("/admin/logout/", REMOTE_ADDR=HER).status_code == 200

    assert f"Logout: bruger='anne' ip={HER}" in beskeder(sikkerhedslog)
    assert not er_logget_ind(client)


def test_a_typed_user_name_cannot_forge_log_lines(client, db, sikkerhedslog):
    log_ind(client, "x\nLogin: bruger='admin' ip=10.0.0.1", FORKERT)

    (besked,) = beskeder(sikkerhedslog)
    assert "\n" not in besked
    assert besked.startswith("Login fejlede: bruger=")
    assert "x\\nLogin: bruger=" in besked


def test_each_step_of_the_follow_up_workflow_is_logged_once_committed(
    vejle,
    sekretariat_bruger,
    bestyrelse_bruger,
    sikkerhedslog,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        opf = opfoelgning_opret(delaftale=vejle, aar=2023, bruger=sekretariat_bruger)
    with django_capture_on_commit_callbacks(execute=True):
        opfoelgning_send(opfoelgning=opf, bruger=sekretariat_bruger)
    with django_capture_on_commit_callbacks(execute=True):
        opfoelgning_godkend(
            opfoelgning=opf, bruger=bestyrelse_bruger, render_pdf=lambda o: b"%PDF-1.7"
        )
    with django_capture_on_commit_callbacks(execute=True):
        opfoelgning_genaaben(opfoelgning=opf, bruger=sekretariat_bruger, begrundelse="Tal rettet")

    hvem = f"Vejle_21_25 – Beskæftigelse 2023 (id {opf.pk}) af bruger="
    assert beskeder(sikkerhedslog) == [
        f"Opfølgning oprettet: {hvem}'sekretariat'",
        f"Opfølgning sendt: {hvem}'sekretariat'",
        f"Opfølgning godkendt: {hvem}'bestyrelse'",
        f"Opfølgning genaabnet: {hvem}'sekretariat'",
    ]


def test_an_approval_that_fails_is_not_logged(
    vejle, sekretariat_bruger, bestyrelse_bruger, sikkerhedslog, django_capture_on_commit_callbacks
):
    opf = opfoelgning_opret(delaftale=vejle, aar=2023, bruger=sekretariat_bruger)
    opfoelgning_send(opfoelgning=opf, bruger=sekretariat_bruger)

    def fejlende_pdf(o):
        raise RuntimeError("PDF kunne ikke dannes")

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
    ):
        opfoelgning_godkend(opfoelgning=opf, bruger=bestyrelse_bruger, render_pdf=fejlende_pdf)

    assert not any("godkendt" in b for b in beskeder(sikkerhedslog))


# --- Throttling -----------------------------------------------------------------------------


def spaer(klient: Client, brugernavn: str = "anne", ip: str = HER) -> list[int]:
    return [log_ind(klient, brugernavn, FORKERT, ip).status_code for _ in range(5)]


def test_five_wrong_passwords_lock_the_user_out_even_with_the_right_one(client, anne):
    assert spaer(client) == [200, 200, 200, 200, 429]

    svar = log_ind(client, "anne", KODE)

    assert svar.status_code == 429
    html = svar.content.decode()
    assert "For mange mislykkede loginforsøg" in html
    assert "forsøgt logget ind 5 gange" in html
    assert re.search(r"Prøv igen om 15 minutter, kl\. \d\d:\d\d\.", html)
    assert not er_logget_ind(client)
    assert client.get("/admin/").status_code == 302


def test_the_lockout_page_is_valid_html(client, anne):
    spaer(client)

    svar = log_ind(client, "anne", KODE)
    assert svar.status_code == 429
    assert html_errors(svar.content.decode()) == []


def test_a_lockout_is_logged(client, anne, sikkerhedslog):
    spaer(client)

    assert f"Login spærret efter for mange mislykkede forsøg: bruger='anne' ip={HER}" in (
        beskeder(sikkerhedslog)
    )


def test_a_lockout_touches_neither_other_users_nor_the_same_user_elsewhere(client, anne, bo):
    assert spaer(client, "anne", HER)[-1] == 429

    andre = Client()
    assert log_ind(andre, "bo", KODE, HER).status_code == 302
    assert er_logget_ind(andre)
    andet_sted = Client()
    assert log_ind(andet_sted, "anne", KODE, ANDET_STED).status_code == 302
    assert er_logget_ind(andet_sted)


def _skru_tiden_frem(minutter: int) -> None:
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - datetime.timedelta(minutes=minutter)
    )


def test_the_lockout_lasts_fifteen_minutes_from_the_last_attempt(client, anne):
    spaer(client)

    _skru_tiden_frem(14)
    assert log_ind(client, "anne", KODE).status_code == 429  # and the wait starts again

    _skru_tiden_frem(14)
    assert log_ind(client, "anne", FORKERT).status_code == 429

    _skru_tiden_frem(16)
    svar = log_ind(client, "anne", KODE)
    assert svar.status_code == 302
    assert er_logget_ind(client)


def test_a_successful_login_clears_the_count_of_failures(client, anne):
    for _ in range(4):
        assert log_ind(client, "anne", FORKERT).status_code == 200
    assert log_ind(client, "anne", KODE).status_code == 302
    client.post("/admin/logout/", REMOTE_ADDR=HER)
    assert AccessAttempt.objects.count() == 0

    assert [log_ind(client, "anne", FORKERT).status_code for _ in range(4)] == [200] * 4
    assert log_ind(client, "anne", KODE).status_code == 302


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"username": ""},
        {"username": "anne"},
        {"password": FORKERT},
        {"username": "x" * 5000, "password": FORKERT},
        {"username": "æøå\x00", "password": "\x00"},
        {"username": ["anne", "bo"], "password": [FORKERT, KODE]},
    ],
    ids=["tom", "tomt-navn", "uden-kode", "uden-navn", "langt-navn", "nul-tegn", "dobbelt"],
)
def test_odd_login_posts_never_give_a_server_error(client, anne, data):
    for _ in range(6):
        assert client.post(LOGIN, data, REMOTE_ADDR=HER).status_code in (200, 429)
    assert log_ind(Client(), "anne", KODE).status_code == 302


def test_the_test_clients_login_works_when_given_a_request(client, anne):
    assert client.login(request=HttpRequest(), username="anne", password=KODE)
    assert not client.login(request=HttpRequest(), username="anne", password=FORKERT)


def test_a_very_long_user_name_is_throttled_like_any_other(client, db):
    navn = "x" * 5000

    assert [log_ind(client, navn, FORKERT).status_code for _ in range(5)] == [200] * 4 + [429]
    assert AccessAttempt.objects.get().username == "x" * 150
