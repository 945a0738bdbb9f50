"""Load: `make serve`'s gunicorn on PostgreSQL, driven by wrk from another process.

    .venv/bin/python benchmarks/last.py                 # both scenarios
    .venv/bin/python benchmarks/last.py --varighed 15 --gemmere 60
    .venv/bin/python benchmarks/last.py --kun-gemning --gemmere 32   # saving only
    .venv/bin/python benchmarks/last.py --redis --kun-laesning       # the caches in Redis
    .venv/bin/python benchmarks/last.py --installation delaftaler_bench_inst   # 150 plans

Creates a throwaway database (dropped afterwards), loads the demo data with
`manage.py demo`, collects the static files and starts gunicorn with config/gunicorn.py
and DEBUG=0, as `make serve` does (plain HTTP on 127.0.0.1, so SECURE_SSL_REDIRECT=0).

1. Reading: wrk (`-t2 -c<forbindelser>`) against the public delaftale page, its PDF
   (cached after the first request) and the overview, each beside a static file of the
   same size (its ceiling: whitenoise, no database, no view). Prints req/s, p50/p95/p99
   and errors (connection errors, timeouts, non-2xx/3xx answers). Requests are logged as
   in production unless --uden-log; --sidecache sets SIDECACHE_SEKUNDER. --redis starts
   Debian's redis-server on a free port (in memory only, as README »Drift« describes) and
   gives gunicorn its REDIS_URL: the page cache and the PDF cache then live there.
2. Saving: 20 staff members, each logged in with their own account, save the follow-up
   entry grid of the same draft year over and over for 60 s, every value set to their own
   number. Two people cannot overwrite each other's work, so a save made on a stale page
   is refused with a message; the client then reloads and tries again. Afterwards every
   measurement row must hold the number of one and the same client — the one whose save
   was accepted last — and no request may have answered 500. Every fourth client is
   stale: it keeps the page open for 0,5–2 s before it saves, so others save in between.
   A write is lost when a save is accepted although its page was read before another
   accepted save was even sent, and that other save came back first: the later one then
   wrote over values it never saw. The script counts such pairs; it must be 0.

--installation DB reads an existing database instead, as benchmarks/installation.py
--genbrug built it (150 helhedsplaner × 4 delaftaler × 4 approved years), and measures
the addresses that read across plans: /oversigt/ (whole and one kommune) and the API's
list endpoints, reading only; the database is kept.

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and Debian's wrk (and for
--redis its redis-server; both installed with apt-get if missing).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = str(BASE_DIR / ".venv" / "bin" / "python")
GUNICORN = str(BASE_DIR / ".venv" / "bin" / "gunicorn")
PG = "postgres://postgres@127.0.0.1:5432"
DELAFTALE = "/vejle-21-25/beskaeftigelse/"
AAR = 2025
KODE = "Last-test-kode-2026"

WRK_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULTAT %d %d %.0f %.0f %.0f %d %d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql], check=True)


def manage(env: dict, *args: str, stdin: str | None = None) -> str:
    r = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if r.returncode:
        sys.exit(f"manage.py {' '.join(args)} fejlede:\n{r.stderr[-3000:]}")
    return r.stdout


def start_redis(mappe: Path) -> tuple[subprocess.Popen, str]:
    """redis-server on a free port, nothing written to disk; returns it and its URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(mappe), "--maxmemory", "512mb",
         "--maxmemory-policy", "allkeys-lru", "--logfile", str(mappe / "redis.log")],
    )  # fmt: skip
    for _ in range(100):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    return proc, f"redis://127.0.0.1:{port}/0"


def hent(port: int, sti: str, metode="GET", body=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request(metode, sti, body=body, headers={"Host": "127.0.0.1", **(headers or {})})
    svar = c.getresponse()
    data = svar.read()
    c.close()
    return svar.status, svar.headers, data


def wrk(url: str, varighed: int, forbindelser: int, lua: Path) -> dict:
    r = subprocess.run(
        ["wrk", "-t2", f"-c{forbindelser}", f"-d{varighed}s", "--latency", "-s", str(lua), url],
        capture_output=True,
        text=True,
        check=True,
    )
    m = re.search(r"RESULTAT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", r.stdout)
    antal, mikro, p50, p95, p99, net, status = map(int, m.groups())
    return {
        "rps": antal / (mikro / 1e6),
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "p99": p99 / 1000,
        "fejl": net + status,
        "antal": antal,
    }


class Felter(HTMLParser):
    def __init__(self):
        super().__init__()
        self.felter: dict[str, str] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        navn = a.get("name")
        if tag in {"input", "textarea", "select"} and navn:
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.felter[navn] = a.get("value") or "on"
                return
            if a.get("type") in {"submit", "button"}:
                return
            self.felter.setdefault(navn, a.get("value") or "")
        if tag == "option" and "selected" in a and self._select:
            self.felter[self._select] = a.get("value", "")
        if tag == "select":
            self._select = navn


class Gemmer(threading.Thread):
    """One staff member saving the grid with their own number in every value."""

    def __init__(self, nr: int, port: int, slut: float, *, forsinkelse: float = 0.0):
        super().__init__(daemon=True)
        self.nr, self.port, self.slut, self.forsinkelse = nr, port, slut, forsinkelse
        self.cookies: dict[str, str] = {}
        self.gemt: list[float] = []  # when each accepted save came back
        # (page read, save sent, save back) for each accepted save
        self.gemninger: list[tuple[float, float, float]] = []
        self.afvist = 0
        self.fejl: list[str] = []

    def _kald(self, metode, sti, data=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data)
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": self.cookies.get("csrftoken", ""),
                "Referer": f"http://127.0.0.1:{self.port}{sti}",
            }
        status, svar_headers, indhold = hent(self.port, sti, metode, body, headers)
        for c in svar_headers.get_all("Set-Cookie") or []:
            k, _, v = c.split(";")[0].partition("=")
            self.cookies[k] = v
        if status >= 500:
            self.fejl.append(f"{metode} {sti}: {status}")
        return status, indhold.decode("utf-8", "replace")

    def run(self):
        _, html = self._kald("GET", "/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
        status, _ = self._kald(
            "POST",
            "/admin/login/",
            {"csrfmiddlewaretoken": token, "username": f"medarbejder{self.nr}", "password": KODE},
        )
        if status != 302:
            self.fejl.append(f"login {status}")
            return
        sti = f"{DELAFTALE}opfoelgning/{AAR}/indtast/"
        while time.monotonic() < self.slut:
            status, html = self._kald("GET", sti)
            laest = time.monotonic()
            p = Felter()
            p.feed(html)
            data = dict(p.felter)
            for navn in data:
                if navn.endswith("-vaerdi"):
                    data[navn] = str(self.nr)
            if self.forsinkelse:
                time.sleep(self.forsinkelse * (0.5 + random.random()))
            sendt = time.monotonic()
            status, html = self._kald("POST", sti, data)
            if status == 302:
                self.gemt.append(time.monotonic())
                self.gemninger.append((laest, sendt, self.gemt[-1]))
            elif status in (200, 409):
                self.afvist += 1
            else:
                self.fejl.append(f"POST {status}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--varighed", type=int, default=20, help="sekunder pr. wrk-måling")
    ap.add_argument("--forbindelser", type=int, default=20)
    ap.add_argument("--gemmere", type=int, default=60, help="sekunder for gemme-scenariet")
    ap.add_argument("--klienter", type=int, default=20)
    ap.add_argument("--kun-gemning", action="store_true", help="kun gemme-scenariet")
    ap.add_argument("--kun-laesning", action="store_true", help="kun læse-scenariet")
    ap.add_argument("--redis", action="store_true", help="REDIS_URL: cachen i en Redis")
    ap.add_argument(
        "--installation",
        metavar="DATABASE",
        help="en database bygget af benchmarks/installation.py --genbrug (kun læsning)",
    )
    ap.add_argument(
        "--pdf-cache",
        choices=["database", "fil", "redis"],
        help="PDF_CACHE (standard: redis med --redis, ellers database)",
    )
    ap.add_argument(
        "--sidecache", default="1", help="SIDECACHE_SEKUNDER for gunicorn (0: første lag alene)"
    )
    ap.add_argument(
        "--uden-log", dest="log", action="store_false", help="LOG_REQUESTS=0 (proxyen logger)"
    )
    args = ap.parse_args()
    args.pdf_cache = args.pdf_cache or ("redis" if args.redis else "database")
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    if args.redis and not shutil.which("redis-server"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "redis-server"], check=True)

    if args.installation:
        args.kun_laesning = True
    db = args.installation or f"delaftaler_last_{os.getpid()}"
    tmp = Path(tempfile.mkdtemp(prefix="last-"))
    if not args.installation:
        psql(f"CREATE DATABASE {db}")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")} | {
        "DATABASE_URL": f"{PG}/{db}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(tmp / "static"),
        "PDF_CACHE": args.pdf_cache,
        "PDF_CACHE_DIR": str(tmp / "pdf"),
        "SECURE_SSL_REDIRECT": "0",
        "LOG_REQUESTS": "1" if args.log else "0",
        "SIDECACHE_SEKUNDER": args.sidecache,
        "MPLCONFIGDIR": os.environ.get("MPLCONFIGDIR") or str(BASE_DIR / "var" / "matplotlib"),
    }
    gunicorn = redis = None
    try:
        if args.redis:
            redis, env["REDIS_URL"] = start_redis(tmp)
        demo = env | {"DEBUG": "1"}
        manage(demo, "migrate", "--noinput")
        manage(demo, "createcachetable")
        if args.installation:
            manage(demo, "opdater_tvaers")
        else:
            manage(demo, "demo")
        if not args.installation:
            manage(
                demo,
                "shell",
                stdin=f"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from delaftaler.models import Delaftale
from delaftaler.opfoelgning.services import opfoelgning_opret
from delaftaler.roller import SEKRETARIAT
User = get_user_model()
for nr in range(1, {args.klienter} + 1):
    u = User.objects.create_user(f"medarbejder{{nr}}", password="{KODE}", is_staff=True)
    u.groups.add(Group.objects.get(name=SEKRETARIAT))
d = Delaftale.objects.get(helhedsplan__slug="vejle-21-25")
d.helhedsplan.medlemmer.add(*User.objects.filter(username__startswith="medarbejder"))
opfoelgning_opret(delaftale=d, aar={AAR}, bruger=User.objects.get(username="sekretariat"))
""",
            )
        prod = env | {"DEBUG": "0"}
        manage(prod, "collectstatic", "--noinput", "-v", "0")
        port = 8700 + os.getpid() % 200
        prod |= {"BIND": f"127.0.0.1:{port}"}
        log = (tmp / "gunicorn.log").open("w")
        gunicorn = subprocess.Popen(
            [GUNICORN, "-c", "config/gunicorn.py", "config.wsgi"],
            cwd=BASE_DIR,
            env=prod,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(100):
            try:
                if hent(port, "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        if not args.kun_gemning:
            # The ceilings: for each address, a static file of the same size, served by
            # whitenoise (no database, no view).
            adresser = [
                ("delaftalens side", DELAFTALE, "loft-side.html"),
                ("delaftalens PDF (cachet)", DELAFTALE.rstrip("/") + ".pdf", "loft.pdf"),
                ("oversigten /", "/", "loft-oversigt.html"),
            ]
            if args.installation:
                adresser = [
                    ("/oversigt/ (alle planer)", "/oversigt/", "loft-tvaers.html"),
                    (
                        "/oversigt/ (én kommune)",
                        "/oversigt/?kommune=Kommune+01",
                        "loft-tvaers-kommune.html",
                    ),
                    ("API: helhedsplaner", "/api/v1/helhedsplaner?pr_side=100", "loft-api-1.json"),
                    ("API: delaftaler", "/api/v1/delaftaler?pr_side=100", "loft-api-2.json"),
                ]
            stoerrelse = {}
            for _, sti, loft in adresser:
                status, _, indhold = hent(port, sti)
                assert status == 200, (sti, status)
                (tmp / "static" / loft).write_bytes(indhold)
                stoerrelse[sti] = len(indhold)
            gunicorn.send_signal(signal.SIGHUP)  # workers restart and see the new files
            time.sleep(4)
            # Warm every worker: the PDF is rendered once, and each process loads its templates,
            # fonts and caches on its first requests. Measured is the steady state.
            lua = tmp / "resultat.lua"
            lua.write_text(WRK_LUA)
            for _, sti, loft in adresser:
                for url in (sti, f"/static/{loft}"):
                    assert hent(port, url)[0] == 200, url
                    wrk(f"http://127.0.0.1:{port}{url}", 3, args.forbindelser, lua)
            print(
                f"wrk -t2 -c{args.forbindelser} -d{args.varighed}s; {os.cpu_count()} kerner; "
                f"PDF-cache: {args.pdf_cache}; REDIS_URL: {'ja' if args.redis else 'nej'}; "
                f"SIDECACHE_SEKUNDER: {args.sidecache}; "
                f"log pr. forespørgsel: {'ja' if args.log else 'nej'}\n"
            )
            print(
                f"| {'adresse':<36} | {'bytes':>7} | {'req/s':>7} | {'% af loft':>9} | {'p50':>6} "
                f"| {'p95':>6} | {'p99':>6} | {'fejl':>4} |"
            )
            print("|" + "|".join("-" * n for n in (38, 9, 9, 11, 8, 8, 8, 6)) + "|")
            for navn, sti, loft in adresser:
                loft_r = wrk(
                    f"http://127.0.0.1:{port}/static/{loft}", args.varighed, args.forbindelser, lua
                )
                r = wrk(f"http://127.0.0.1:{port}{sti}", args.varighed, args.forbindelser, lua)
                for tekst, m in (("statisk fil, samme størrelse (loft)", loft_r), (navn, r)):
                    print(
                        f"| {tekst:<36} | {stoerrelse[sti]:7d} | {m['rps']:7.0f} "
                        f"| {100 * m['rps'] / loft_r['rps']:8.0f} % "
                        f"| {m['p50']:6.1f} | {m['p95']:6.1f} | {m['p99']:6.1f} | {m['fejl']:4d} |",
                        flush=True,
                    )
        if args.kun_laesning:
            return

        print(f"\n{args.klienter} medarbejdere gemmer opfølgningen {AAR} i {args.gemmere} s …")
        slut = time.monotonic() + args.gemmere
        gemmere = [
            Gemmer(nr, port, slut, forsinkelse=1.3 if nr % 4 == 0 else 0.0)
            for nr in range(1, args.klienter + 1)
        ]
        for g in gemmere:
            g.start()
        for g in gemmere:
            g.join()
        ud = manage(
            prod,
            "shell",
            stdin=f"""
from indikatorer.models import Maaling
from delaftaler.models import Opfoelgning
o = Opfoelgning.objects.get(delaftale__helhedsplan__slug="vejle-21-25", aar={AAR})
maalinger = Maaling.objects.filter(opfoelgning=o)
print(sorted({{int(v) for v in maalinger.values_list("vaerdi", flat=True)}}))
print(Maaling.objects.filter(opfoelgning=o).count())
""",
        )
        vaerdier, antal_raekker = ud.strip().splitlines()[-2:]
        gemt = sum(len(g.gemt) for g in gemmere)
        afvist = sum(g.afvist for g in gemmere)
        fejl = [f for g in gemmere for f in g.fejl]
        sidste = max((t, g.nr) for g in gemmere for t in g.gemt)[1] if gemt else None
        accepterede = [(g.nr, *s) for g in gemmere for s in g.gemninger]
        tabte = sum(
            1
            for a_nr, _, a_sendt, a_tilbage in accepterede
            for b_nr, b_laest, _, b_tilbage in accepterede
            if a_nr != b_nr and b_laest < a_sendt and a_tilbage < b_tilbage
        )
        forældede = [g for g in gemmere if g.forsinkelse]
        print(f"gemt: {gemt}, afvist som forældet: {afvist}, svar ≥ 500: {len(fejl)}")
        print(
            f"forældede klienter ({len(forældede)}): gemt "
            f"{sum(len(g.gemt) for g in forældede)}, afvist {sum(g.afvist for g in forældede)}"
        )
        print(f"tabte gemninger (gemt oven i en andens uden at have set den): {tabte}")
        print(f"målinger i databasen: {antal_raekker}, deres værdier: {vaerdier}")
        print(f"sidst accepterede gemning: medarbejder {sidste}")
        ok = not fejl and not tabte and vaerdier == f"[{sidste}]"
        print("RESULTAT:", "ingen tabte eller halve gemninger, ingen 500" if ok else "FEJL")
        if fejl:
            print("\n".join(fejl[:20]))
    finally:
        if gunicorn:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        if redis:
            redis.terminate()
            redis.wait(timeout=30)
        if not args.installation:
            psql(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
