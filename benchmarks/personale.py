"""Server time and query count of the staff pages, for Vejle and the 10× delaftale.

For the Vejle fixture and the synthetic delaftale ten times its size
(benchmarks/delaftale.py's ``_stor_udgave``), each with an approved follow-up year 2023
and a draft year 2024 with a value in every row, a status for every delmål and aktivitet,
and a draft with a few edits (a delmål's text, an aktivitet's target groups, a part's
phone number, a baseline's value) since the published version, it prints the median
server time of several requests (after one warm-up request) and the number of database
queries of:
- the follow-up grid of the draft year (``/<plan>/<indsats>/opfoelgning/2024/indtast/``,
  as sekretariat),
- the draft page (``/<plan>/<indsats>/udkast/``, as leder),
- the history page (``/<plan>/<indsats>/historik/``, as sekretariat),
- the admin's delaftale change form (as sekretariat),
- the admin's indikator change form of the indikator with the most baselines (as
  sekretariat).

Django's test client, all middleware, logged in (``force_login``), ``DEBUG=0`` as in
production, so Django's cached template loader is used. The last column says whether
each page runs the same number of queries for both delaftaler.

    .venv/bin/python benchmarks/personale.py [--runs 7] [--debug] [--kun grid udkast …]
    .venv/bin/python benchmarks/personale.py --profile grid   # cProfile of one request

Runs on a throwaway SQLite database unless BENCH_DATABASE_URL is set (e.g. a
PostgreSQL database that may be emptied).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import logging
import pstats
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROD = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROD))

from benchmarks.delaftale import _opsaet_django, _stor_udgave  # noqa: E402

SIDER = ("grid", "udkast", "historik", "admin_delaftale", "admin_indikator")
NAVNE = {
    "grid": "opfølgningsgitter",
    "udkast": "udkast",
    "historik": "historik",
    "admin_delaftale": "admin: delaftale",
    "admin_indikator": "admin: indikator",
}


def _bruger(brugernavn: str, gruppe: str):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from delaftaler.models import Helhedsplan

    bruger = get_user_model().objects.create_user(
        username=brugernavn, password="benchmark-kode-123", is_staff=True
    )
    bruger.groups.add(Group.objects.get(name=gruppe))
    bruger.helhedsplaner.add(*Helhedsplan.objects.all())
    return bruger


def _gem(obj, **felter) -> None:
    for navn, vaerdi in felter.items():
        setattr(obj, navn, vaerdi)
    obj.full_clean()
    obj.save()


def _opfoelgning(delaftale, aar: int, sekretariat):
    """A year with a value in every row and a status for every delmål and aktivitet."""
    from aktiviteter.models import AktivitetStatus
    from delaftaler.models import DelmaalStatus
    from delaftaler.opfoelgning.demo import demo_vaerdi
    from delaftaler.opfoelgning.services import opfoelgning_opret
    from indikatorer.maalinger import MaalingInput, maalinger_gem
    from indikatorer.tal import med_decimaler

    opfoelgning = opfoelgning_opret(delaftale=delaftale, aar=aar, bruger=sekretariat)
    baselines = [
        b
        for d in delaftale.delmaal.prefetch_related("indikatorer__baselines__boligomraade")
        for i in d.indikatorer.all()
        for b in i.baselines.all()
        if not b.afventer
    ]
    raekker = [
        MaalingInput(
            indikator=b.indikator,
            boligomraade=b.boligomraade,
            maalgruppe=b.maalgruppe,
            periode=str(aar),
            vaerdi=demo_vaerdi(b, aar),
            sammenligning=med_decimaler(b.sammenligning, b.sammenligning_decimaler),
            sammenligning_label=b.sammenligning_label,
            datakilde="Benchmark",
            kilde=f"Benchmark {aar}, række {nr}",
        )
        for nr, b in enumerate(baselines, start=1)
    ]
    maalinger_gem(opfoelgning=opfoelgning, raekker=raekker, bruger=sekretariat)
    for d in delaftale.delmaal.all():
        _gem(
            DelmaalStatus(
                opfoelgning=opfoelgning,
                delmaal=d,
                status=DelmaalStatus.Status.PAA_RETTE_VEJ,
                vurdering=f"Udviklingen i {aar} er som ventet.",
            )
        )
    for a in delaftale.aktiviteter.all():
        _gem(
            AktivitetStatus(
                opfoelgning=opfoelgning,
                aktivitet=a,
                udfoert=f"<p>Aktiviteten blev gennemført som planlagt i {aar}.</p>",
                antal_naaet=25,
                justeringer="<p>Ingen større justeringer.</p>",
                fokus_naeste_aar="<p>Fastholde kontakten til målgruppen.</p>",
            )
        )
    return opfoelgning


def _byg(delaftale, sekretariat, bestyrelse) -> None:
    from delaftaler.opfoelgning.services import opfoelgning_godkend, opfoelgning_send

    tidligere = _opfoelgning(delaftale, 2023, sekretariat)
    opfoelgning_send(opfoelgning=tidligere, bruger=sekretariat)
    opfoelgning_godkend(
        opfoelgning=tidligere, bruger=bestyrelse, render_pdf=lambda o: b"%PDF-1.7 benchmark"
    )
    _opfoelgning(delaftale, 2024, sekretariat)
    # A draft with edits since the published version, as the draft and history pages
    # usually see it.
    delmaal = delaftale.delmaal.first()
    _gem(delmaal, tekst=f"{delmaal.tekst} i Vejle")
    aktivitet = delaftale.aktiviteter.first()
    _gem(aktivitet, maalgrupper=f"{aktivitet.maalgrupper} Også forældre.")
    part = delaftale.parter.first()
    _gem(part, telefon="75 82 00 00")
    from indikatorer.models import Baseline

    baseline = Baseline.objects.filter(indikator__delmaal__delaftale=delaftale).first()
    _gem(baseline, vaerdi=baseline.vaerdi + Decimal(1))


def _median_ms(funktion, runs: int) -> tuple[float, float]:
    """Median wall-clock and median CPU time of this process, milliseconds. On a shared
    machine the CPU time is the steadier figure (with SQLite it includes the database's
    work, which runs in this process; with PostgreSQL it does not)."""
    vaeg, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        funktion()
        cpu.append((time.process_time() - start_cpu) * 1000)
        vaeg.append((time.perf_counter() - start) * 1000)
    return statistics.median(vaeg), statistics.median(cpu)


def _debug_skabeloner() -> None:
    """What DEBUG=1 does to templates: no cached loader, each template read per request."""
    from django.template import engines

    for engine in engines.all():
        e = getattr(engine, "engine", None)
        if e is not None:
            e.loaders = [
                "django.template.loaders.filesystem.Loader",
                "django.template.loaders.app_directories.Loader",
            ]
            e.template_loaders = e.get_template_loaders(e.loaders)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--profile", choices=SIDER, help="cProfile of one request, both sizes")
    parser.add_argument("--sortering", default="cumulative", help="pstats sort key")
    parser.add_argument("--sql", choices=SIDER, help="print the queries of one request")
    parser.add_argument("--kaldte", help="with --profile: what functions matching this call")
    parser.add_argument("--kun", choices=SIDER, nargs="*", help="only these pages")
    parser.add_argument(
        "--debug", action="store_true", help="DEBUG=1: templates read and parsed per request"
    )
    args = parser.parse_args()
    _opsaet_django()
    if args.debug:
        _debug_skabeloner()
    logging.disable(logging.INFO)  # the security log's INFO lines while building the data

    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from delaftaler.indlaesning import indlaes_delaftale
    from delaftaler.roller import BESTYRELSE, LEDER, SEKRETARIAT
    from indikatorer.models import Indikator

    vejle_data = json.loads(
        (ROD / "fixtures" / "vejle_21_25_beskaeftigelse.json").read_text("utf-8")
    )
    aftaler = [
        indlaes_delaftale(data=vejle_data).delaftale,
        indlaes_delaftale(data=_stor_udgave(vejle_data)).delaftale,
    ]
    sekretariat = _bruger("sekretariat", SEKRETARIAT)
    leder = _bruger("leder", LEDER)
    bestyrelse = _bruger("bestyrelse", BESTYRELSE)
    for aftale in aftaler:
        _byg(aftale, sekretariat, bestyrelse)

    klienter = {}
    for bruger in (sekretariat, leder):
        klient = Client(HTTP_HOST="127.0.0.1")
        klient.force_login(bruger)
        klienter[bruger.username] = klient

    def adresser(aftale) -> dict[str, tuple[str, str]]:
        a = [aftale.helhedsplan.slug, aftale.indsatsomraade.slug]
        indikator = (
            Indikator.objects.filter(delmaal__delaftale=aftale)
            .annotate(n=Count("baselines"))
            .order_by("-n", "pk")
            .first()
        )
        return {
            "grid": ("sekretariat", reverse("delaftaler:opfoelgning_indtast", args=[*a, 2024])),
            "udkast": ("leder", reverse("delaftaler:udkast", args=a)),
            "historik": ("sekretariat", reverse("delaftaler:historik", args=a)),
            "admin_delaftale": (
                "sekretariat",
                reverse("admin:delaftaler_delaftale_change", args=[aftale.pk]),
            ),
            "admin_indikator": (
                "sekretariat",
                reverse("admin:indikatorer_indikator_change", args=[indikator.pk]),
            ),
        }

    sider = args.kun or SIDER
    if args.sql:
        for aftale in aftaler:
            brugernavn, url = adresser(aftale)[args.sql]
            klienter[brugernavn].get(url, secure=True)
            with CaptureQueriesContext(connection) as q:
                klienter[brugernavn].get(url, secure=True)
            print(f"\n=== {aftale.helhedsplan.navn} {url}")
            for nr, forespoergsel in enumerate(q.captured_queries, start=1):
                print(f"{nr:3} {forespoergsel['sql'][:300]}")
        return
    if args.profile:
        for aftale in aftaler:
            brugernavn, url = adresser(aftale)[args.profile]
            klient = klienter[brugernavn]
            klient.get(url, secure=True)
            profil = cProfile.Profile()
            profil.enable()
            svar = klient.get(url, secure=True)
            profil.disable()
            assert svar.status_code == 200, (url, svar.status_code)
            print(f"\n=== {aftale.helhedsplan.navn} {url}")
            stats = pstats.Stats(profil).sort_stats(args.sortering)
            stats.print_stats(45)
            if args.kaldte:
                stats.print_callees(args.kaldte)
        return

    loader = "uncached template loader" if args.debug else "cached template loader"
    print(
        f"Database: {connection.vendor}; {loader}; "
        f"median of {args.runs} runs after one warm-up, milliseconds\n"
    )
    print(
        "| side | " + " | ".join(f"{a.helhedsplan.navn} ms (CPU ms)" for a in aftaler),
        end="",
    )
    print(
        " | " + " | ".join(f"{a.helhedsplan.navn} forespørgsler" for a in aftaler) + " | konstant |"
    )
    print("|---" * (2 * len(aftaler) + 2) + "|")

    for side in sider:
        tider, antal = [], []
        for aftale in aftaler:
            brugernavn, url = adresser(aftale)[side]
            klient = klienter[brugernavn]

            def hent(k=klient, u=url):
                svar = k.get(u, secure=True)
                assert svar.status_code == 200, (u, svar.status_code)
                return svar

            hent()
            ms, cpu_ms = _median_ms(hent, args.runs)
            with CaptureQueriesContext(connection) as q:
                hent()
            tider.append(f"{ms:.0f} ({cpu_ms:.0f})")
            antal.append(len(q.captured_queries))
        konstant = "ja" if len(set(antal)) == 1 else "nej"
        print(
            f"| {NAVNE[side]} | "
            + " | ".join(tider)
            + " | "
            + " | ".join(str(n) for n in antal)
            + f" | {konstant} |"
        )


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"\n({time.perf_counter() - start:.0f} s in all)", file=sys.stderr)
