"""A whole country's installation: 150 helhedsplaner × 4 delaftaler × 4 approved years.

Builds it through the app's own services (the loader, publication, the follow-up's
save, send and approval; a stand-in PDF for the approval's frozen report, which this
benchmark does not read), then measures the addresses that read *across* plans, where
the installation's size shows: /oversigt/ (the view across plans, with the first LBF
standard indikator, and filtered to one kommune), its CSV, and the API's list endpoints
(/api/v1/helhedsplaner, /api/v1/delaftaler, first page and last page, 100 per page).

Each plan is the Vejle delaftale four times, under the four active LBF indsatsområder;
outside Beskæftigelse its indikatorer and delmål are renamed after the indsatsområde, so
each indsatsområde has its own indikatorer, shared by all 150 plans as LBF's standard
ones are. 30 kommuner with five plans each. The values move from year to year as the
demo's do (``demo_vaerdi``).

For each address: the median server time of several requests with every page cache
emptied (»ucachet«: the first layer and the last second's), then with the first layer
kept (»cachet«), and beside them whitenoise serving a static file of the same size as the
answer (»statisk fil«), in-process (Django's test client, all middleware, ``DEBUG=0``);
and the number of queries. The downloads are not kept in the page cache (»–«).

    .venv/bin/python benchmarks/installation.py [--planer 150] [--runs 7]
    .venv/bin/python benchmarks/installation.py --gem /tmp/installation.sqlite3  # keep it
    .venv/bin/python benchmarks/installation.py --profile oversigt

Building takes 11 minutes here; ``--gem FILE`` (SQLite) keeps the built database and a
later run with the same ``--gem FILE`` measures a copy of it without building again. Runs
on a throwaway SQLite database unless BENCH_DATABASE_URL is set (a PostgreSQL database
that may be emptied; ``--genbrug`` measures what an earlier run built there).

That the queries stay the same with more plans is pinned by the tests
(tests/tvaers/test_tvaers.py, tests/api/); this prints the counts at full size.
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import os
import shutil
import sys
import time
from pathlib import Path

ROD = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROD))

INDSATSER = (
    "Beskæftigelse",
    "Uddannelse og livschancer",
    "Kriminalitetsforebyggelse",
    "Sammenhængskraft og medborgerskab",
)
AAR = (2022, 2023, 2024, 2025)
KOMMUNER = 30


def _data(vejle: dict, nr: int, indsats: str) -> dict:
    data = copy.deepcopy(vejle)
    plan = data["helhedsplan"]
    plan["navn"] = f"Plan{nr:03}_21_25"
    plan["kommune"] = f"Kommune {(nr - 1) % KOMMUNER + 1:02}"
    aftale = data["delaftale"]
    aftale["indsatsomraade"] = indsats
    if indsats != INDSATSER[0]:
        for delmaal in aftale["delmaal"]:
            delmaal["tekst"] = f"{delmaal['tekst']} ({indsats})"
            for indikator in delmaal["indikatorer"]:
                indikator["navn"] = f"{indikator['navn']} ({indsats})"
    return data


def _byg(planer: int) -> None:
    from benchmarks.personale import _bruger, _opfoelgning
    from delaftaler.indlaesning import indlaes_delaftale
    from delaftaler.models import Helhedsplan
    from delaftaler.opfoelgning.services import opfoelgning_godkend, opfoelgning_send
    from delaftaler.roller import BESTYRELSE, SEKRETARIAT

    vejle = json.loads((ROD / "fixtures" / "vejle_21_25_beskaeftigelse.json").read_text("utf-8"))
    sek = _bruger("sekretariat", SEKRETARIAT)
    best = _bruger("bestyrelse", BESTYRELSE)
    start = time.perf_counter()
    for nr in range(1, planer + 1):
        for indsats in INDSATSER:
            plan = Helhedsplan.objects.filter(navn=f"Plan{nr:03}_21_25").first()
            d = indlaes_delaftale(data=_data(vejle, nr, indsats), helhedsplan=plan).delaftale
            if plan is None:
                d.helhedsplan.medlemmer.add(sek, best)
            for aar in AAR:
                o = _opfoelgning(d, aar, sek)
                opfoelgning_send(opfoelgning=o, bruger=sek)
                opfoelgning_godkend(
                    opfoelgning=o, bruger=best, render_pdf=lambda o: b"%PDF-1.7 benchmark"
                )
        if nr % 10 == 0:
            print(
                f"  {nr} planer bygget ({time.perf_counter() - start:.0f} s)",
                file=sys.stderr,
                flush=True,
            )


def _opsaet(gem: Path | None, planer: int, genbrug: bool) -> None:
    """Django on a fresh database, built; or on the kept one."""
    from benchmarks.delaftale import _opsaet_django

    if gem is not None and gem.exists():
        arbejde = Path(os.environ.get("TMPDIR", "/tmp")) / f"installation-{os.getpid()}.sqlite3"
        shutil.copy(gem, arbejde)
        os.environ["BENCH_DATABASE_URL"] = f"sqlite:///{arbejde}"
        _opsaet_django(flush=False)
        return
    if gem is not None:
        os.environ["BENCH_DATABASE_URL"] = f"sqlite:///{gem}"
    if genbrug:
        _opsaet_django(flush=False)
        from delaftaler.models import Helhedsplan

        if Helhedsplan.objects.exists():
            return
    else:
        _opsaet_django()
    _byg(planer)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--planer", type=int, default=150)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--gem", type=Path, help="SQLite file to keep the built installation in")
    parser.add_argument(
        "--genbrug",
        action="store_true",
        help="BENCH_DATABASE_URL's database as an earlier run left it (built if empty)",
    )
    parser.add_argument("--profile", choices=["oversigt", "kommune", "delaftaler"])
    parser.add_argument("--sortering", default="cumulative", help="pstats' order: tottime …")
    args = parser.parse_args()
    logging.disable(logging.INFO)
    _opsaet(args.gem, args.planer, args.genbrug)

    from django.conf import settings
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from benchmarks.personale import _median_ms
    from delaftaler.models import Delaftale, Helhedsplan, Opfoelgning, TvaersGrundlag
    from delaftaler.tvaers.selectors import tvaers_raekker_opdater
    from delaftaler.visning.page_cache import mikrocache

    # The view across plans' stored rows: the first computation of a whole installation
    # (what ``make serve`` runs after migrating), and the check when nothing moved.
    TvaersGrundlag.objects.all().delete()
    start = time.perf_counter()
    antal = tvaers_raekker_opdater()
    foerste_s = time.perf_counter() - start
    start = time.perf_counter()
    assert tvaers_raekker_opdater() == 0
    tjek_ms = (time.perf_counter() - start) * 1000
    print(
        f"Rækkerne på tværs: {antal} delaftaler regnet ud på {foerste_s:.1f} s; "
        f"kontrollen, når intet har flyttet sig: {tjek_ms:.0f} ms\n"
    )

    antal_planer = Helhedsplan.objects.count()
    sider = (antal_planer * len(INDSATSER) + 99) // 100
    adresser = {
        "oversigt": "/oversigt/",
        "kommune": "/oversigt/?kommune=Kommune+01",
        "csv": "/oversigt/indikator.csv",
        "helhedsplaner": "/api/v1/helhedsplaner?pr_side=100",
        "delaftaler": "/api/v1/delaftaler?pr_side=100",
        "delaftaler_sidste": f"/api/v1/delaftaler?pr_side=100&side={sider}",
    }
    klient = Client(HTTP_HOST="127.0.0.1")

    def hent(url: str):
        svar = klient.get(url, secure=True)
        assert svar.status_code == 200, (url, svar.status_code)
        return svar

    def ucachet(url: str):
        caches["default"].clear()
        mikrocache.ryd()
        return hent(url)

    def cachet(url: str):
        mikrocache.ryd()
        return hent(url)

    if args.profile:
        import cProfile
        import pstats

        ucachet(adresser[args.profile])
        profil = cProfile.Profile()
        profil.enable()
        ucachet(adresser[args.profile])
        profil.disable()
        pstats.Stats(profil).sort_stats(args.sortering).print_stats(45)
        return

    # The static ceiling: whitenoise serving a file of the answer's size.
    statisk = Path(settings.STATIC_ROOT) / "bench"
    statisk.mkdir(exist_ok=True)

    def statisk_fil(navn: str, stoerrelse: int) -> str:
        (statisk / f"{navn}.txt").write_bytes(b"x" * stoerrelse)
        return f"{settings.STATIC_URL}bench/{navn}.txt"

    print(
        f"Database: {connection.vendor}; {antal_planer} helhedsplaner, "
        f"{Delaftale.objects.count()} delaftaler, "
        f"{Opfoelgning.objects.filter(status=Opfoelgning.Status.GODKENDT).count()} godkendte år; "
        f"median of {args.runs} runs, milliseconds\n"
    )
    print("| adresse | bytes | ucachet | cachet | statisk fil | forespørgsler ucachet/cachet |")
    print("|---|---|---|---|---|---|")
    for navn, url in adresser.items():
        connection.queries_log.clear()
        svar = ucachet(url)
        ms_u, _ = _median_ms(lambda u=url: ucachet(u), args.runs)
        with CaptureQueriesContext(connection) as q:
            ucachet(url)
        q_u = len(q.captured_queries)
        hent(url)
        if url.endswith(".csv"):
            ms_c, q_c = None, None
        else:
            ms_c, _ = _median_ms(lambda u=url: cachet(u), args.runs)
            with CaptureQueriesContext(connection) as q:
                cachet(url)
            q_c = len(q.captured_queries)
        stoerrelse = len(svar.content)
        fil = statisk_fil(navn, stoerrelse)
        # whitenoise finds its files when the handler starts: a new client sees the new one.
        statisk_klient = Client(HTTP_HOST="127.0.0.1")
        assert statisk_klient.get(fil, secure=True).status_code == 200, fil
        ms_s, _ = _median_ms(lambda f=fil, k=statisk_klient: k.get(f, secure=True), args.runs)
        print(
            f"| `{url}` | {stoerrelse} | {ms_u:.0f} | "
            f"{'–' if ms_c is None else f'{ms_c:.1f}'} | {ms_s:.1f} "
            f"| {q_u}/{'–' if q_c is None else q_c} |"
        )


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"\n({time.perf_counter() - start:.0f} s in all)", file=sys.stderr)
