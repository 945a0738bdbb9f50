"""Several app servers share one cache: with REDIS_URL set, a page or PDF rendered on one
server is served by the others, a publication made on one reaches the readers of the
others within SIDECACHE_SEKUNDER, and a Redis that is down or hangs costs a rendering,
never an error page.

The servers are real: gunicorn with config/gunicorn.py and DEBUG=0, as `make serve` starts
it, three of them on one throwaway SQLite database (migrated, the Vejle delaftale loaded
and published, static files collected: tests/produktion.py): A and B share a Redis of the
test run's own (Debian's redis-server on a free port, nothing written to disk), C is pointed
at a port where nothing listens. What crossed between A and B is read from Redis's own counters.
"""

from __future__ import annotations

import http.client
import json
import re
import runpy
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config import redis_cache
from config.settings import redis_cache as redis_indstillinger
from delaftaler.visning.page_cache import kode_udgave
from tests import produktion
from tests.produktion import LEDER, NYT_NUMMER, fri_port
from tests.produktion import LEDER_KODE as KODE

# One worker starts the servers for all of them (make test: --dist loadgroup).
# One group with tests/test_drift.py: the servers share one collectstatic and migrate
# (tests/produktion.py).
pytestmark = pytest.mark.xdist_group("gunicorn")

BASE_DIR = Path(settings.BASE_DIR)
SIDECACHE_SEKUNDER = 1.0
SIDE = "/vejle-21-25/beskaeftigelse/"
UDKAST = "/vejle-21-25/beskaeftigelse/udkast/"
UDKAST_PDF = "/vejle-21-25/beskaeftigelse/udkast.pdf"


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """Debian's redis-server on a free port for this test run, kept in memory only."""
    program = shutil.which("redis-server")
    if program is None:
        pytest.fail(
            "redis-server mangler: installér Debians pakke redis-server "
            "(`make test` gør det, eller `apt-get install redis-server`)"
        )
    mappe = tmp_path_factory.mktemp("redis")
    port = fri_port()
    proc = subprocess.Popen(
        [program, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
         "no", "--dir", str(mappe), "--maxmemory", "64mb", "--maxmemory-policy",
         "allkeys-lru", "--logfile", str(mappe / "redis.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    klient = redis.Redis(port=port, socket_timeout=1)
    try:
        for _ in range(200):
            try:
                klient.ping()
                break
            except redis.ConnectionError:
                if proc.poll() is not None:
                    pytest.fail("redis-server stoppede:\n" + (mappe / "redis.log").read_text())
                time.sleep(0.02)
        else:
            pytest.fail("redis-server svarede ikke:\n" + (mappe / "redis.log").read_text())
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        klient.close()
        proc.terminate()
        proc.wait(timeout=10)


def redis_tal(url: str) -> dict[str, int]:
    """Redis's own counters: reads that found a key, reads that did not, and writes."""
    klient = redis.Redis.from_url(url)
    try:
        stats, kommandoer = klient.info("stats"), klient.info("commandstats")
    finally:
        klient.close()
    return {
        "fundet": stats["keyspace_hits"],
        "ikke fundet": stats["keyspace_misses"],
        "skrevet": kommandoer.get("cmdstat_set", {}).get("calls", 0),
    }


def forskel(foer: dict[str, int], efter: dict[str, int]) -> dict[str, int]:
    return {k: efter[k] - foer[k] for k in foer}


def produktionsmiljoe(tmp: Path, redis_url: str, static: Path) -> dict[str, str]:
    return produktion.miljoe() | {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "STATIC_ROOT": str(static),
        "SECURE_SSL_REDIRECT": "0",
        "SIDECACHE_SEKUNDER": str(SIDECACHE_SEKUNDER),
        "REDIS_URL": redis_url,
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
    }


@pytest.fixture(scope="module")
def servere(redis_url, tmp_path_factory, produktionsgrundlag):
    """Servers A and B on the shared Redis, C on a Redis that is not there, all on one copy
    of the database with Vejle (tests/produktion.py)."""
    tmp = tmp_path_factory.mktemp("delt-cache")
    shutil.copy(produktionsgrundlag.database_med_vejle, tmp / "db.sqlite3")
    env = produktionsmiljoe(tmp, redis_url, produktionsgrundlag.static)
    lukket = f"redis://127.0.0.1:{fri_port()}/0"
    processer, servere_ = [], {}
    try:
        for navn, url in (("A", redis_url), ("B", redis_url), ("C", lukket)):
            port = fri_port()
            log = tmp / f"gunicorn-{navn}.log"
            env_ = env | {"BIND": f"127.0.0.1:{port}", "REDIS_URL": url}
            processer.append(produktion.start_gunicorn(env_, log))
            servere_[navn] = Server(port, log)
        for server in servere_.values():
            server.vent()
        yield servere_
    finally:
        produktion.stop(*processer)


class Server:
    """One gunicorn, asked over plain HTTP, keeping its cookies like a browser."""

    def __init__(self, port: int, log: Path):
        self.port, self.log = port, log
        self.cookies: dict[str, str] = {}

    def vent(self) -> None:
        for _ in range(600):
            try:
                if self.hent("/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        pytest.fail(f"gunicorn startede ikke:\n{self.log.read_text()[-3000:]}")

    def hent(self, sti: str, *, data: dict | None = None, cookies: dict | None = None):
        forbindelse = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Host": "127.0.0.1"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        body = None
        if data is not None:
            from urllib.parse import urlencode

            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        forbindelse.request("GET" if data is None else "POST", sti, body=body, headers=headers)
        svar = forbindelse.getresponse()
        indhold = svar.read()
        forbindelse.close()
        if cookies is not None:
            for cookie in svar.headers.get_all("Set-Cookie") or []:
                navn, _, vaerdi = cookie.split(";")[0].partition("=")
                cookies[navn] = vaerdi
        return svar.status, svar.headers, indhold


def log_ind(server: Server) -> dict[str, str]:
    """The leder's cookies after logging in on ``server``; the session lives in the
    database, so every server knows it."""
    cookies: dict[str, str] = {}
    _, _, html = server.hent("/log-ind/", cookies=cookies)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1].decode()
    status, _, _ = server.hent(
        "/log-ind/",
        data={"csrfmiddlewaretoken": token, "username": LEDER, "password": KODE},
        cookies=cookies,
    )
    assert status == 302, "the leder could not log in"
    return cookies


def side(server: Server, sti: str) -> str:
    status, headers, indhold = server.hent(sti)
    assert status == 200, (sti, status)
    return indhold.decode()


def test_a_page_rendered_on_one_server_is_served_from_the_cache_on_the_other(servere, redis_url):
    a, b = servere["A"], servere["B"]
    foer = redis_tal(redis_url)
    fra_a = side(a, "/vejle-21-25/")
    efter_a = redis_tal(redis_url)
    assert forskel(foer, efter_a)["skrevet"] == 1, "A rendered the page and stored it"
    fra_b = side(b, "/vejle-21-25/")
    efter_b = redis_tal(redis_url)
    assert fra_b == fra_a
    assert "Vejle_21_25" in fra_b
    assert forskel(efter_a, efter_b) == {"fundet": 1, "ikke fundet": 0, "skrevet": 0}, (
        "B found A's page in Redis and rendered nothing"
    )


def test_a_publication_on_one_server_reaches_readers_of_the_other_within_sidecache_seconds(
    servere,
):
    a, b = servere["A"], servere["B"]
    # Both servers have just served the published version: B keeps it for a second.
    for server in (a, b):
        assert NYT_NUMMER not in side(server, SIDE), "a draft is not public"
    cookies = log_ind(a)
    _, _, html = a.hent(UDKAST, cookies=cookies)
    sha = re.search(rb'name="udkast_sha256" value="([0-9a-f]{64})"', html)[1].decode()
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1].decode()
    status, headers, _ = a.hent(
        UDKAST + "publicer/",
        data={"csrfmiddlewaretoken": token, "udkast_sha256": sha, "bekraeft": "on"},
        cookies=cookies,
    )
    assert status == 302 and headers["Location"] == SIDE, "A published the draft"
    publiceret = time.monotonic()

    svar: list[tuple[float, bool]] = []  # (seconds after the publication, new version?)
    while sum(sekunder >= SIDECACHE_SEKUNDER for sekunder, _ in svar) < 5:
        sekunder = time.monotonic() - publiceret
        svar.append((sekunder, NYT_NUMMER in side(b, SIDE)))
        time.sleep(0.05)
    # B kept the old page from before the publication, at most SIDECACHE_SEKUNDER: every
    # request sent later than that gets the new version, and none goes back to the old.
    senere = [ny for sekunder, ny in svar if sekunder >= SIDECACHE_SEKUNDER]
    assert senere and all(senere), f"B served the old version too long: {svar}"
    foerste_nye = next(i for i, (_, ny) in enumerate(svar) if ny)
    assert all(ny for _, ny in svar[foerste_nye:]), f"B went back to the old version: {svar}"
    assert NYT_NUMMER in side(a, SIDE), "A shows its own publication at once"


def test_the_pdf_rendered_on_one_server_is_reused_by_the_other(servere, redis_url):
    a, b = servere["A"], servere["B"]
    cookies = log_ind(a)
    foer = redis_tal(redis_url)
    status, _, fra_a = a.hent(UDKAST_PDF, cookies=cookies)
    assert status == 200 and fra_a.startswith(b"%PDF-"), status
    efter_a = redis_tal(redis_url)
    assert forskel(foer, efter_a)["skrevet"] == 1, "A rendered the PDF and stored it"

    status, _, fra_b = b.hent(UDKAST_PDF, cookies=dict(cookies))
    efter_b = redis_tal(redis_url)
    assert status == 200 and fra_b == fra_a
    assert forskel(efter_a, efter_b)["skrevet"] == 0, "B rendered no PDF of its own"
    assert forskel(efter_a, efter_b)["fundet"] >= 1, "B found A's PDF in Redis"


def test_a_server_whose_redis_is_down_still_answers_and_says_so_in_its_log(servere):
    c = servere["C"]
    assert "Vejle_21_25" in side(c, "/")
    assert "Beskæftigelse" in side(c, SIDE)
    linjer = [json.loads(linje) for linje in c.log.read_text().splitlines() if linje[:1] == "{"]
    advarsler = [linje["besked"] for linje in linjer if linje.get("logger") == "config.redis_cache"]
    assert advarsler and "svarer ikke" in advarsler[0], c.log.read_text()[-2000:]
    assert all(linje.get("status", 200) < 500 for linje in linjer)


# --- The backend on its own ------------------------------------------------------------------


def test_a_redis_that_hangs_costs_one_call_its_socket_timeout_and_is_then_left_alone(caplog):
    """A port that accepts connections and never answers, as a Redis stuck on its disk."""
    with socket.socket() as stum:
        stum.bind(("127.0.0.1", 0))
        stum.listen(8)
        url = f"redis://127.0.0.1:{stum.getsockname()[1]}/0"
        cache = redis_cache.TolerantRedisCache(url, redis_indstillinger(url, praefiks="t"))
        timeout = cache._options["socket_timeout"]
        start = time.monotonic()
        assert cache.get("side", "ingen") == "ingen"
        foerste = time.monotonic() - start
        start = time.monotonic()
        cache.set("side", b"...")
        assert cache.get("side") is None
        derefter = time.monotonic() - start
    assert timeout <= foerste < timeout + 0.5
    assert derefter < 0.05, "the calls after it do not wait"
    advarsler = [r for r in caplog.records if r.name == "config.redis_cache"]
    assert len(advarsler) == 1 and "svarer ikke (TimeoutError" in advarsler[0].getMessage()


def test_a_redis_that_comes_back_is_used_again_after_the_pause(redis_url, caplog, monkeypatch):
    port = fri_port()
    url = f"redis://127.0.0.1:{port}/0"
    cache = redis_cache.TolerantRedisCache(url, redis_indstillinger(url, praefiks="t"))
    assert cache.get("x") is None
    # Redis is back: the same cache, now pointed at the running one.
    levende = redis_cache.TolerantRedisCache(
        redis_url, redis_indstillinger(redis_url, praefiks="t")
    )
    monkeypatch.setattr(cache, "_cache", levende._cache)
    cache.set("x", 1)
    assert cache.get("x") is None, "still resting"
    monkeypatch.setattr(cache._tilstand, "hviler_til", 0.0)
    cache.set("x", 1)
    assert cache.get("x") == 1
    cache.delete("x")
    beskeder = [r.getMessage() for r in caplog.records if r.name == "config.redis_cache"]
    assert "svarer ikke" in beskeder[0] and "svarer igen" in beskeder[-1], beskeder


def test_clearing_one_cache_leaves_the_other_caches_keys_in_redis(redis_url):
    sider = redis_cache.TolerantRedisCache(
        redis_url, redis_indstillinger(redis_url, praefiks="test-sider")
    )
    pdfer = redis_cache.TolerantRedisCache(
        redis_url, redis_indstillinger(redis_url, praefiks="test-pdfer")
    )
    fremmed = redis.Redis.from_url(redis_url)
    try:
        fremmed.set("en-anden-app", b"1")
        for nr in range(1500):
            sider.set(f"side:{nr}", b"<html>")
        pdfer.set("pdf", b"%PDF-")
        sider.clear()
        assert sider.get("side:7") is None
        assert pdfer.get("pdf") == b"%PDF-"
        assert fremmed.get("en-anden-app") == b"1"
    finally:
        fremmed.delete("en-anden-app")
        fremmed.close()
        pdfer.clear()


def test_an_entry_kept_for_ever_expires_in_redis_after_thirty_days(redis_url):
    cache = redis_cache.TolerantRedisCache(
        redis_url, redis_indstillinger(redis_url, praefiks="test-levetid")
    )
    klient = redis.Redis.from_url(redis_url)
    try:
        cache.set("diagram", "<svg/>", None)
        cache.set("side", b"<html>")
        assert klient.ttl(cache.make_key("diagram")) == 30 * 24 * 3600
        assert klient.ttl(cache.make_key("side")) == 300
    finally:
        cache.clear()
        klient.close()


# --- Settings ----------------------------------------------------------------------------------


def indstillinger(monkeypatch, **miljoe: str) -> dict:
    """config/settings.py read afresh with this environment (the running settings stay)."""
    for navn in ("REDIS_URL", "PDF_CACHE"):
        monkeypatch.delenv(navn, raising=False)
    for navn, vaerdi in miljoe.items():
        monkeypatch.setenv(navn, vaerdi)
    return runpy.run_path(str(BASE_DIR / "config" / "settings.py"))


def test_without_redis_url_each_process_keeps_its_own_caches_as_before(monkeypatch, tmp_path):
    caches = indstillinger(monkeypatch, PDF_CACHE_DIR=str(tmp_path))["CACHES"]
    assert caches["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert caches["pdf"]["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"


def test_with_redis_url_pages_and_pdfs_go_to_redis_under_their_own_prefixes(monkeypatch):
    url = "redis://:hemmelig@redis.intern:6379/2"
    caches = indstillinger(monkeypatch, REDIS_URL=url)["CACHES"]
    for navn, praefiks in (("default", "delaftaler"), ("pdf", "delaftaler-pdf")):
        assert caches[navn]["BACKEND"] == "config.redis_cache.TolerantRedisCache"
        assert caches[navn]["LOCATION"] == url
        assert caches[navn]["KEY_PREFIX"] == praefiks
        assert 0 < caches[navn]["OPTIONS"]["socket_timeout"] <= 1
    assert caches["pdf"]["TIMEOUT"] is None, "a PDF never goes stale"
    database = indstillinger(monkeypatch, REDIS_URL=url, PDF_CACHE="database")["CACHES"]
    assert database["pdf"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        indstillinger(monkeypatch, PDF_CACHE="redis")


def test_the_log_names_the_redis_but_never_its_password():
    assert (
        redis_cache._uden_kodeord("redis://:hemmelig@redis.intern:6380/2") == "redis.intern:6380/2"
    )


def test_a_page_rendered_by_other_code_is_not_served(tmp_path):
    """While the servers are restarted one by one onto a new version, they share the cache:
    the page key names the code (templates, Python, static files, pinned packages)."""
    for mappe in ("templates", "delaftaler", "static"):
        (tmp_path / mappe).mkdir()
    (tmp_path / "templates" / "side.html").write_text("<h1>{{ titel }}</h1>")
    (tmp_path / "delaftaler" / "views.py").write_text("x = 1\n")
    (tmp_path / "constraints.txt").write_text("Django==5.2.19\n")
    udgaver = [kode_udgave(tmp_path)]
    (tmp_path / "templates" / "side.html").write_text("<h1 class='ny'>{{ titel }}</h1>")
    udgaver.append(kode_udgave(tmp_path))
    (tmp_path / "static" / "side.css").write_text("h1 { color: red }")
    udgaver.append(kode_udgave(tmp_path))
    (tmp_path / "constraints.txt").write_text("Django==5.2.20\n")
    udgaver.append(kode_udgave(tmp_path))
    (tmp_path / "static" / "logo.png").write_bytes(b"\x89PNG")
    udgaver.append(kode_udgave(tmp_path))
    assert len(set(udgaver)) == 5
    (tmp_path / "delaftaler" / "__pycache__").mkdir()
    (tmp_path / "delaftaler" / "__pycache__" / "views.cpython-311.pyc").write_bytes(b"\0")
    assert kode_udgave(tmp_path) == udgaver[-1], "Python's own cache is not code"
