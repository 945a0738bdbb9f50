"""Server time and query count of Mit overblik for a person in 1 and in 20 helhedsplaner.

Each helhedsplan holds the Vejle delaftale (fixtures/), with an approved year 2022, a
year 2023 sent to the board, a draft year 2024 and a faglig change submitted to the
board, so every section of the page has items. Three people are measured: a
sekretariatsleder (years due with their missing values, drafts, submissions), a
bestyrelsesmedlem (submissions and years to decide) and an administrator (everything;
an administrator works on every plan, so both of its columns show all of them).
Django's test client, all middleware, logged in, ``DEBUG=0`` (cached template loader);
the median of several requests after one warm-up, with the number of queries, for one
plan and for twenty: the same count for both is the page's constant.

    .venv/bin/python benchmarks/overblik.py [--runs 7] [--planer 20]

Runs on a throwaway SQLite database unless BENCH_DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import sys
import time
from pathlib import Path

ROD = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROD))

from benchmarks.delaftale import _opsaet_django  # noqa: E402
from benchmarks.personale import _bruger, _median_ms  # noqa: E402


def _plan(data: dict, nr: int, brugere: dict) -> None:
    from delaftaler.indlaesning import indlaes_delaftale
    from delaftaler.opfoelgning.services import (
        opfoelgning_godkend,
        opfoelgning_opret,
        opfoelgning_send,
    )
    from delaftaler.publicering import services as publicering

    kopi = copy.deepcopy(data)
    kopi["helhedsplan"]["navn"] = f"Plan{nr:02}_21_25"
    delaftale = indlaes_delaftale(data=kopi).delaftale
    delaftale.helhedsplan.medlemmer.add(*brugere.values())
    sek, best = brugere["sekretariat"], brugere["bestyrelse"]
    for aar in (2022, 2023, 2024):
        opf = opfoelgning_opret(delaftale=delaftale, aar=aar, bruger=sek)
        if aar < 2024:
            opf = opfoelgning_send(opfoelgning=opf, bruger=sek)
        if aar == 2022:
            # The frozen report is not what this page reads: a stand-in PDF.
            opfoelgning_godkend(opfoelgning=opf, bruger=best, render_pdf=lambda o: b"%PDF-1.7")
    delmaal = delaftale.delmaal.first()
    delmaal.tekst += " (skærpet)"
    delmaal.save()
    publicering.udkast_indstil(delaftale=delaftale, bruger=brugere["leder"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--planer", type=int, default=20)
    parser.add_argument("--profile", choices=["leder", "bestyrelse", "administrator"])
    args = parser.parse_args()
    _opsaet_django()
    logging.disable(logging.INFO)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from delaftaler.models import Helhedsplan
    from delaftaler.roller import ADMINISTRATOR, BESTYRELSE, LEDER, SEKRETARIAT

    data = json.loads((ROD / "fixtures" / "vejle_21_25_beskaeftigelse.json").read_text("utf-8"))
    grupper = {
        "sekretariat": SEKRETARIAT,
        "leder": LEDER,
        "bestyrelse": BESTYRELSE,
        "administrator": ADMINISTRATOR,
    }
    # One set of people in the first plan only, another in every plan.
    alene = {n: _bruger(f"{n}-1", g) for n, g in grupper.items()}
    alle = {n: _bruger(f"{n}-{args.planer}", g) for n, g in grupper.items()}
    for nr in range(1, args.planer + 1):
        _plan(data, nr, alle)
    Helhedsplan.objects.get(navn="Plan01_21_25").medlemmer.add(*alene.values())

    if args.profile:
        import cProfile
        import pstats

        klient = Client(HTTP_HOST="127.0.0.1")
        klient.force_login(alle[args.profile])
        klient.get("/overblik/", secure=True)
        profil = cProfile.Profile()
        profil.enable()
        klient.get("/overblik/", secure=True)
        profil.disable()
        pstats.Stats(profil).sort_stats("cumulative").print_stats(40)
        return
    print(
        f"Database: {connection.vendor}; cached template loader; median of {args.runs} "
        "runs after one warm-up, milliseconds (CPU ms)\n"
    )
    print(f"| rolle | 1 plan | {args.planer} planer | forespørgsler 1 / {args.planer} |")
    print("|---|---|---|---|")
    for rolle in ("leder", "bestyrelse", "administrator"):
        tider, antal = [], []
        for bruger in (alene[rolle], alle[rolle]):
            klient = Client(HTTP_HOST="127.0.0.1")
            klient.force_login(bruger)

            def hent(k=klient):
                svar = k.get("/overblik/", secure=True)
                assert svar.status_code == 200, svar.status_code
                return svar

            hent()
            ms, cpu = _median_ms(hent, args.runs)
            with CaptureQueriesContext(connection) as q:
                hent()
            tider.append(f"{ms:.0f} ({cpu:.0f})")
            antal.append(len(q.captured_queries))
        print(f"| {rolle} | {tider[0]} | {tider[1]} | {antal[0]} / {antal[1]} |")


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"\n({time.perf_counter() - start:.0f} s in all)", file=sys.stderr)
