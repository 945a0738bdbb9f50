"""Production: the deploy checks, the headers a browser gets from gunicorn, /healthz, the
static files, the JSON logs and the Danish error pages.

The production tests run the real thing: `manage.py check --deploy` and gunicorn with
config/gunicorn.py and DEBUG=0, in subprocesses with a production environment, on a
throwaway SQLite database with migrations and `collectstatic` done (as `make serve` does,
which insists on PostgreSQL only through its DATABASE_URL check).
"""

from __future__ import annotations

import http.client
import io
import json
import logging
import re
import secrets
import shutil
import time
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import include, path

from config.logformat import JsonFormatter
from tests import produktion
from tests.produktion import ADMIN, fri_port, manage
from tests.produktion import ADMIN_KODE as KODE

# One worker starts the production server for all of them (make test: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("gunicorn")

HOST = "delaftaler.example.dk"


def produktionsmiljoe(tmp: Path) -> dict[str, str]:
    return produktion.miljoe() | {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp / "static"),
        "PDF_CACHE_DIR": str(tmp / "pdf"),
    }


def test_check_deploy_reports_no_issues(tmp_path):
    resultat = manage(produktionsmiljoe(tmp_path), "check", "--deploy", "--fail-level", "DEBUG")
    output = resultat.stdout + resultat.stderr
    assert resultat.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNING" not in output and "?: (" not in output


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory, produktionsgrundlag):
    """gunicorn with the production settings, after migrate and collectstatic (a copy of
    the database they left, with the superuser: tests/produktion.py)."""
    tmp = tmp_path_factory.mktemp("drift")
    shutil.copy(produktionsgrundlag.database, tmp / "db.sqlite3")
    port = fri_port()
    env = produktionsmiljoe(tmp) | {
        "STATIC_ROOT": str(produktionsgrundlag.static),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
    }
    proc = produktion.start_gunicorn(env, tmp / "gunicorn.log")
    try:
        for _ in range(600):
            try:
                if hent(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.05)
        else:
            pytest.fail("gunicorn startede ikke:\n" + (tmp / "gunicorn.log").read_text()[-3000:])
        yield {"port": port, "log": tmp / "gunicorn.log", "static": produktionsgrundlag.static}
    finally:
        produktion.stop(proc)


def hent(port, sti, *, https=True, metode="GET", body=None, headers=None, host=HOST):
    """One request; behind the proxy (X-Forwarded-Proto: https) unless https=False."""
    forbindelse = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    h = {"Host": host} | ({"X-Forwarded-Proto": "https"} if https else {}) | (headers or {})
    forbindelse.request(metode, sti, body=body, headers=h)
    svar = forbindelse.getresponse()
    indhold = svar.read()
    forbindelse.close()
    return svar.status, svar.headers, indhold


def test_security_headers(gunicorn):
    status, headers, _ = hent(gunicorn["port"], "/")
    assert status == 200
    hsts = headers["Strict-Transport-Security"]
    assert re.search(r"max-age=(\d+)", hsts) and int(re.search(r"max-age=(\d+)", hsts)[1]) >= (
        365 * 24 * 3600
    )
    assert "includeSubDomains" in hsts
    csp = headers["Content-Security-Policy"]
    for direktiv in ["default-src 'self'", "object-src 'none'", "frame-ancestors 'none'"]:
        assert direktiv in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert re.search(r"script-src 'self'(;|$)", csp) and re.search(r"style-src 'self'(;|$)", csp)
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    # No version of anything: gunicorn says only its name, Django and Python nothing.
    assert headers.get_all("Server") == ["gunicorn"]
    assert not any(re.search(r"\d+\.\d+", v) for k, v in headers.items() if k == "Server")
    assert "X-Powered-By" not in headers


def test_plain_http_is_redirected_to_https(gunicorn):
    status, headers, _ = hent(gunicorn["port"], "/vejle-21-25/", https=False)
    assert status == 301
    assert headers["Location"] == f"https://{HOST}/vejle-21-25/"


def log_ind(port):
    """GET the login page, POST the credentials with its CSRF token; both responses."""
    status, headers, html = hent(port, "/log-ind/")
    assert status == 200
    csrf_cookie = next(c for c in headers.get_all("Set-Cookie") if c.startswith("csrftoken="))
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1].decode()
    body = f"csrfmiddlewaretoken={token}&username={ADMIN}&password={KODE}&next=/admin/"
    svar = hent(
        port,
        "/log-ind/",
        metode="POST",
        body=body,
        headers={
            "Cookie": csrf_cookie.split(";")[0],
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"https://{HOST}/log-ind/",
        },
    )
    return csrf_cookie, svar


@pytest.fixture(scope="module")
def indlogning(gunicorn):
    """One real login (production's password hasher takes a second) for the tests that
    look at it."""
    return log_ind(gunicorn["port"])


def test_cookies_are_secure_and_httponly(indlogning):
    csrf_cookie, (status, headers, _) = indlogning
    assert "; Secure" in csrf_cookie and "; HttpOnly" in csrf_cookie
    assert "SameSite=Lax" in csrf_cookie
    assert status == 302, status
    session = next(c for c in headers.get_all("Set-Cookie") if c.startswith("sessionid="))
    assert "; Secure" in session and "; HttpOnly" in session and "SameSite=Lax" in session


def test_healthz_checks_the_database_and_is_never_cached(gunicorn):
    # Load balancers ask over plain HTTP inside the network: no redirect for /healthz.
    status, headers, body = hent(gunicorn["port"], "/healthz", https=False)
    assert status == 200
    assert json.loads(body) == {"status": "ok", "database": "ok"}
    assert "no-store" in headers["Cache-Control"]
    assert headers.get_all("Set-Cookie") is None
    assert headers["Content-Type"] == "application/json"


def test_static_files_are_hashed_compressed_and_cached_for_ever(gunicorn):
    port = gunicorn["port"]
    _, _, html = hent(port, "/")
    css = re.search(rb'href="(/static/delaftaler/side\.[0-9a-f]{12}\.css)"', html)
    assert css, "side.css skal have et hash i navnet"
    status, headers, _ = hent(port, css[1].decode(), headers={"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert (
        "immutable" in headers["Cache-Control"] and "max-age=315360000" in headers["Cache-Control"]
    )


def test_collectstatic_leaves_out_what_no_page_or_pdf_uses(gunicorn):
    """Every deploy collects and compresses what it collects: not dkfds' unminified CSS,
    the font cuts nobody names, nor compressed copies of the ttf only WeasyPrint reads."""
    samlet = {p.relative_to(gunicorn["static"]).as_posix() for p in gunicorn["static"].rglob("*")}
    navne = {re.sub(r"\.[0-9a-f]{12}(?=\.)", "", sti) for sti in samlet}
    fonte = "dkfds/fonts/IBMPlexSans/complete"
    assert "dkfds/css/dkfds.min.css" in navne and "dkfds/css/dkfds.css" not in navne
    assert {f"{fonte}/eot/IBMPlexSans-Regular.eot"} == {n for n in navne if n.endswith(".eot")}
    ttf = {n.rsplit("/", 1)[1] for n in navne if n.endswith(".ttf")}
    assert ttf == {
        f"IBMPlexSans-{s}.ttf" for s in ("Regular", "Italic", "Bold", "BoldItalic", "SemiBold")
    }
    assert not [n for n in navne if n.endswith((".ttf.gz", ".ttf.br"))]


def test_requests_and_logins_are_logged_as_json_lines(gunicorn, indlogning):
    hent(gunicorn["port"], "/healthz?hemmelig=1")
    time.sleep(0.3)
    linjer = [
        json.loads(linje)
        for linje in gunicorn["log"].read_text().splitlines()
        if linje.startswith("{")
    ]
    anmodninger = [d for d in linjer if d["logger"] == "delaftaler.anmodning"]
    assert anmodninger, "ingen JSON-linjer for anmodninger"
    seneste = [d for d in anmodninger if d["sti"] == "/healthz"][-1]
    assert seneste["status"] == 200 and seneste["metode"] == "GET" and seneste["ms"] >= 0
    assert "hemmelig" not in json.dumps(anmodninger)  # query strings are never logged
    logins = [d for d in linjer if d["logger"] == "delaftaler.sikkerhed"]
    assert any(d["besked"].startswith("Login:") and ADMIN in d["besked"] for d in logins)
    assert KODE not in gunicorn["log"].read_text()


@pytest.mark.parametrize(
    ("sti", "status", "tekst"),
    [
        ("/findes/ikke/", 404, "Siden findes ikke"),
        ("/vejle-21-25/findes-ikke.pdf", 404, "Siden findes ikke"),
    ],
)
def test_error_pages_in_production_are_danish_and_reveal_nothing(gunicorn, sti, status, tekst):
    svar_status, headers, body = hent(gunicorn["port"], sti)
    html = body.decode()
    assert svar_status == status
    assert tekst in html and '<html lang="da">' in html
    afsloerende = ["Traceback", "DEBUG", "settings", "Django", "SECRET", "urlconf", "sqlite"]
    assert not [a for a in afsloerende if a.lower() in html.lower()], html


def test_bad_host_gets_the_danish_400_page(gunicorn):
    status, _, body = hent(gunicorn["port"], "/", host="angriber.example")
    html = body.decode()
    assert status == 400
    assert "Forespørgslen kunne ikke forstås" in html
    assert "ALLOWED_HOSTS" not in html and "angriber" not in html


# In-process: the handlers Django uses for 403 and 500 (no URL provokes them in production).


def _forbudt(request):
    raise PermissionDenied("intern begrundelse 42")


def _fejl(request):
    raise RuntimeError("hemmelig intern fejl SECRET_KEY=xyz")


urlpatterns = [path("forbudt/", _forbudt), path("fejl/", _fejl), path("", include("config.urls"))]


@pytest.mark.urls("tests.test_drift")
@pytest.mark.parametrize(
    ("sti", "status", "tekst"),
    [("/forbudt/", 403, "Du har ikke adgang"), ("/fejl/", 500, "Der opstod en fejl")],
)
def test_403_and_500_are_danish_and_reveal_nothing(client, sti, status, tekst, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    svar = client.get(sti)
    html = svar.content.decode()
    assert svar.status_code == status
    assert tekst in html
    for hemmeligt in ["intern begrundelse", "hemmelig intern fejl", "SECRET_KEY", "Traceback"]:
        assert hemmeligt not in html


@pytest.mark.urls("tests.test_drift")
def test_a_server_error_is_logged_as_json_with_its_traceback_but_not_the_request(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    udskrift = io.StringIO()
    handler = logging.StreamHandler(udskrift)
    handler.setFormatter(JsonFormatter())
    loggere = [logging.getLogger(navn) for navn in ("django.request", "delaftaler.anmodning")]
    for logger in loggere:
        logger.addHandler(handler)
    try:
        assert client.get("/fejl/?hemmelig=1", HTTP_COOKIE="sessionid=kage-42").status_code == 500
    finally:
        for logger in loggere:
            logger.removeHandler(handler)

    linjer = [json.loads(linje) for linje in udskrift.getvalue().splitlines()]
    (fejl,) = [d for d in linjer if d["logger"] == "django.request"]
    assert fejl["niveau"] == "ERROR" and "RuntimeError" in fejl["fejl"]
    assert fejl["request"] == "GET /fejl/"  # what it was, never its headers or cookies
    (anmodning,) = [d for d in linjer if d["logger"] == "delaftaler.anmodning"]
    assert anmodning["niveau"] == "ERROR"
    assert (anmodning["metode"], anmodning["sti"], anmodning["status"]) == ("GET", "/fejl/", 500)
    assert "hemmelig=1" not in udskrift.getvalue() and "kage-42" not in udskrift.getvalue()


def test_healthz_answers_503_when_the_database_is_down(client, db):
    from django.db import connection

    with mock.patch.object(connection, "cursor", side_effect=Exception("forbindelse nægtet")):
        svar = client.get("/healthz")
    assert svar.status_code == 503
    assert svar.json() == {"status": "fejl", "database": "svarer ikke"}
    assert "forbindelse" not in svar.content.decode()
