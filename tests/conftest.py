import hashlib
import importlib
import os
import secrets
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, connections, transaction
from django.test import override_settings

from delaftaler.indlaesning import indlaes_fil
from delaftaler.models import Delaftale, Helhedsplan
from delaftaler.roller import ADMINISTRATOR, BESTYRELSE, LEDER, SEKRETARIAT, opret_grupper
from tests import produktion
from tests.produktion import Produktionsgrundlag

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
VEJLE = FIXTURES / "vejle_21_25_beskaeftigelse.json"
VIBORG = FIXTURES / "viborg_25_29_beskaeftigelse.json"

# Playwright's sync API runs an event loop in the test thread; the ORM calls it makes
# through live_server are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def data_migrationernes_raekker() -> None:
    """A transactional test's flush empties what the data migrations wrote too: LBF's
    indsatsområder and the role groups. Made again the way the migrations make them."""
    importlib.import_module("delaftaler.migrations.0002_lbf_indsatsomraader").opret(apps, None)
    opret_grupper()


def _med_medlemmer(delaftale):
    """Every test user works on every fixture helhedsplan, whichever was made first;
    tests of scoping make their own outsiders."""
    delaftale.helhedsplan.medlemmer.add(
        *get_user_model().objects.filter(is_superuser=False, username__in=TESTBRUGERE)
    )
    return delaftale


_MODULER_MED_DB: set[str] = set()  # the modules whose modul_db transaction is open


def _har_transaktionelle_tests(modul: pytest.Module) -> bool:
    """Whether a test of the module commits (``live_server``, ``transaction=True``): its
    flush afterwards would empty data built once for the module."""
    for item in modul.session.items:
        if item.getparent(pytest.Module) is not modul:
            continue
        markering = item.get_closest_marker("django_db")
        if markering is not None and markering.kwargs.get("transaction"):
            return True
        if {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())):
            return True
    return False


def _bruger_db(item: pytest.Item) -> bool:
    return item.get_closest_marker("django_db") is not None or "db" in getattr(
        item, "fixturenames", ()
    )


def _indlaest_i_modulet(request, sti: Path) -> int | None:
    """Loading a real delaftale validates every object (about a second here): once per
    module in modules marked ``delt_data``, else per test (``None``). Also per test when the
    first test asks for it late (``request.getfixturevalue``), inside its own transaction."""
    if request.node.get_closest_marker("delt_data") is None:
        return None
    if request.node.nodeid not in _MODULER_MED_DB and connection.in_atomic_block:
        return None
    request.getfixturevalue("modul_db")
    with request.getfixturevalue("django_db_blocker").unblock():
        return indlaes_fil(sti).delaftale.pk


@pytest.fixture(scope="module")
def _vejle_i_modulet(request) -> int | None:
    return _indlaest_i_modulet(request, VEJLE)


@pytest.fixture(scope="module")
def _viborg_i_modulet(request) -> int | None:
    return _indlaest_i_modulet(request, VIBORG)


def _delaftale(pk: int | None, sti: Path):
    """A fresh instance each test, so no test sees what another changed in memory."""
    if pk is None:
        return _med_medlemmer(indlaes_fil(sti).delaftale)
    return _med_medlemmer(Delaftale.objects.get(pk=pk))


@pytest.fixture
def vejle(_vejle_i_modulet, db):
    return _delaftale(_vejle_i_modulet, VEJLE)


@pytest.fixture
def viborg(_viborg_i_modulet, db):
    return _delaftale(_viborg_i_modulet, VIBORG)


TESTBRUGERE = {"sekretariat", "leder", "bestyrelse", "administrator"}


def bruger_med_rolle(brugernavn: str, gruppe: str | None = None, **felter):
    bruger = get_user_model().objects.create_user(
        username=brugernavn, password="hemmelig-kode-123", is_staff=True, **felter
    )
    if gruppe:
        bruger.groups.add(Group.objects.get(name=gruppe))
    if brugernavn in TESTBRUGERE:
        bruger.helhedsplaner.add(*Helhedsplan.objects.all())
    return bruger


@pytest.fixture
def sekretariat_bruger(db):
    return bruger_med_rolle("sekretariat", SEKRETARIAT)


@pytest.fixture
def bestyrelse_bruger(db):
    return bruger_med_rolle("bestyrelse", BESTYRELSE)


@pytest.fixture
def leder_bruger(db):
    return bruger_med_rolle("leder", LEDER)


@pytest.fixture
def administrator_bruger(db):
    return bruger_med_rolle("administrator", ADMINISTRATOR)


@pytest.fixture
def leder_client(client, leder_bruger):
    client.force_login(leder_bruger)
    return client


@pytest.fixture
def sekretariat_client(client, sekretariat_bruger):
    client.force_login(sekretariat_bruger)
    return client


@pytest.fixture
def bestyrelse_client(client, bestyrelse_bruger):
    client.force_login(bestyrelse_bruger)
    return client


@pytest.fixture(scope="module")
def _delt_klient():
    """One client for a module of many requests: a new one loads the middleware again,
    and whitenoise reads every static file – most of a request's time."""
    from django.test import Client

    return Client()


@pytest.fixture
def klient(_delt_klient, db):
    """The module's client, with nobody logged in."""
    from http.cookies import SimpleCookie

    _delt_klient.cookies = SimpleCookie()
    return _delt_klient


PRODUKTIONENS_HASHERE = list(settings.PASSWORD_HASHERS)


@pytest.fixture(scope="session", autouse=True)
def _hurtig_hasher():
    """Production's PBKDF2 takes over a second per password on this machine; only the tests
    of logins and hashing (marked ``rigtig_hasher``) need it. Session-wide, so that data
    built once per module gets cheap passwords too."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _rigtig_hasher(request):
    if request.node.get_closest_marker("rigtig_hasher") is None:
        yield
        return
    with override_settings(PASSWORD_HASHERS=PRODUKTIONENS_HASHERE):
        yield


@pytest.fixture(scope="module")
def modul_db(request, django_db_setup, django_db_blocker):
    """Data that a module's tests only read, built once per module instead of once per test.

    A module-scoped fixture that asks for this builds its data inside one transaction; each
    test then runs in a savepoint within it (pytest-django's ``db``), so what a test changes
    is undone as usual, and the whole is rolled back after the module. Not for modules with
    transactional tests (``live_server``, ``transaction=True``): they would flush it."""
    if _har_transaktionelle_tests(request.node):
        raise pytest.UsageError(f"{request.node.nodeid}: transactional tests flush modul_db")
    for item in request.session.items:
        if item.getparent(pytest.Module) is not request.node:
            continue
        if "modul_db" in getattr(item, "fixturenames", ()) and not _bruger_db(item):
            # pytest-django runs tests without ``db`` last, after the transactional tests
            # whose flush would have emptied the data migrations' rows.
            raise pytest.UsageError(f"{item.nodeid}: mark the module django_db to use modul_db")
    with django_db_blocker.unblock():
        atomics = {alias: transaction.atomic(using=alias) for alias in connections}
        for atomic in atomics.values():
            atomic.__enter__()
        _MODULER_MED_DB.add(request.node.nodeid)
        try:
            yield
        finally:
            _MODULER_MED_DB.discard(request.node.nodeid)
            for alias, atomic in reversed(atomics.items()):
                transaction.set_rollback(True, using=alias)
                atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _tom_sidecache(settings):
    """Finished pages are cached per process; every test starts without them. The last
    second's responses (page_cache's second layer) are off: the tests read right after
    they change something, and test_sidecache.py tests that layer on its own."""
    from django.core.cache import caches

    from delaftaler.visning.page_cache import mikrocache

    caches["default"].clear()
    mikrocache.ryd()
    settings.SIDECACHE_SEKUNDER = 0
    yield


@pytest.fixture(scope="session", autouse=True)
def _pdf_cache_i_tmp(tmp_path_factory):
    """The PDF cache on disk goes to a folder of the test run's own, never the real
    var/pdf-cache: a PDF cached by an earlier run would hide a render, and tests would fill
    the developer's cache with their PDFs. (With PDF_CACHE=database it stays in the test
    database.)"""
    if settings.PDF_CACHE != "fil":
        yield None
        return
    mappe = tmp_path_factory.mktemp("pdf-cache")
    caches_ = {**settings.CACHES, "pdf": {**settings.CACHES["pdf"], "LOCATION": mappe}}
    with override_settings(CACHES=caches_, PDF_CACHE_DIR=mappe):
        yield mappe


@pytest.fixture(autouse=True)
def _tom_pdf_cache(_pdf_cache_i_tmp):
    """Every test starts with an empty PDF cache, so a PDF another test cached never hides a
    render (or a render count)."""
    from django.core.cache import caches

    if _pdf_cache_i_tmp is not None:
        caches["pdf"].clear()


@pytest.fixture(scope="session")
def _genbrugte_pdfer() -> dict[str, bytes]:
    return {}


@pytest.fixture(autouse=True)
def genbrugt_pdf(request, _genbrugte_pdfer, monkeypatch):
    """WeasyPrint renders identical HTML to identical bytes (tests/offentlig/test_pdf.py
    proves it), and a render takes seconds: a PDF already rendered in this test process
    from the very same HTML is handed back instead of rendered again. The app's code runs
    as before, cache, render count (``render_pdf``'s calls) and all; only WeasyPrint's work
    is reused. Tests of the render itself are marked ``egen_pdf`` and always render."""
    if request.node.get_closest_marker("egen_pdf") is not None:
        return
    from delaftaler.visning import pdf

    rigtig = pdf.render_pdf

    def render_pdf(html: str) -> bytes:
        noegle = hashlib.sha256(html.encode()).hexdigest()
        if noegle not in _genbrugte_pdfer:
            _genbrugte_pdfer[noegle] = rigtig(html)
        return _genbrugte_pdfer[noegle]

    monkeypatch.setattr(pdf, "render_pdf", render_pdf)


@pytest.fixture(scope="session")
def _genbrugte_diagrammer() -> dict[tuple, str]:
    return {}


@pytest.fixture(autouse=True)
def genbrugt_diagram(request, _genbrugte_diagrammer, monkeypatch):
    """The follow-up report's charts are drawn deterministically from their data, title and
    salt (tests/opfoelgning/test_rapport.py proves it), and matplotlib takes a third of a
    second per chart here; the tests draw the same few charts again and again because every
    test starts with an empty cache. As ``genbrugt_pdf``: the app's cache and its calls of
    ``tegn_svg`` run as before, only matplotlib's work for identical input is reused.
    Tests of the drawing itself are marked ``egen_diagram`` and always draw."""
    if request.node.get_closest_marker("egen_diagram") is not None:
        return
    from delaftaler.opfoelgning.rapport import charts

    rigtig = charts.tegn_svg

    def tegn_svg(data, *, titel: str, beskrivelse: str = "", salt: str = "") -> str:
        noegle = (data.noegle(), titel, beskrivelse, salt)
        if noegle not in _genbrugte_diagrammer:
            _genbrugte_diagrammer[noegle] = rigtig(
                data, titel=titel, beskrivelse=beskrivelse, salt=salt
            )
        return _genbrugte_diagrammer[noegle]

    monkeypatch.setattr(charts, "tegn_svg", tegn_svg)


@pytest.fixture(scope="session")
def produktionsgrundlag(tmp_path_factory) -> Produktionsgrundlag:
    """``collectstatic`` and ``migrate`` as ``make serve`` runs them (DEBUG=0), once for the
    real servers the tests start (tests/test_drift.py, tests/test_delt_cache.py: one xdist
    group, so one worker): they cost seconds of CPU, and each module's servers only read
    the static files and get a copy of the database (tests/produktion.py)."""
    return produktion.opsaet(tmp_path_factory.mktemp("produktion"), secrets.token_urlsafe(50))
