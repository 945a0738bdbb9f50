"""Importing a national-scale extract: 10 000 measurements from one long-format sheet.

Builds a synthetic delaftale (40 indicators, 21 boligområder, a baseline for each) and a
10 000-row sheet (indicator × area × month of 2024), then times, as the median of
several runs:

- preview: reading the file (safety checks, openpyxl read-only) and planning, no writes;
- import: reading and saving all rows as new measurements (`maalinger_gem`: validation
  again inside the transaction, then bulk writes);
- re-import: the same sheet with every value changed (bulk updates);
- the two requests through Django (upload → preview page, confirm), all middleware;

and the peak memory of an import: tracemalloc's peak (Python allocations) and the growth
of the process's maximum resident set (ru_maxrss). Targets: ≤ 5 s and ≤ 200 MB.

    .venv/bin/python benchmarks/import_maalinger.py [--runs 3] [--rows 10000]

Runs on a throwaway SQLite database unless BENCH_DATABASE_URL is set (e.g. a
PostgreSQL database that may be emptied).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROD = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROD))

AAR = 2024
MAANEDER = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def _opsaet_django() -> Path:
    midlertidig = Path(tempfile.mkdtemp(prefix="delaftaler-bench-"))
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{midlertidig / 'bench.sqlite3'}"
    )
    os.environ["PDF_CACHE_DIR"] = str(midlertidig / "pdf-cache")
    # Collected into the run's own folder: a filled staticfiles/ in the checkout would make
    # every test client's whitenoise scan it.
    os.environ["STATIC_ROOT"] = str(midlertidig / "static")
    os.environ["MAALINGER_UPLOAD_DIR"] = str(midlertidig / "indlaesninger")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)
    # Production settings serve hashed static files: the pages need the manifest.
    call_command("collectstatic", "--noinput", verbosity=0)
    return midlertidig


def _byg_delaftale(n_delmaal: int = 5, n_indikatorer: int = 8, n_omraader: int = 21):
    import datetime
    from decimal import Decimal

    from delaftaler.models import Boligomraade, Delaftale, Delmaal, Helhedsplan, Indsatsomraade
    from indikatorer.models import Baseline, Indikator

    plan = Helhedsplan.objects.create(
        navn="Landet_21_25",
        slug="landet-21-25",
        kommune="Hele landet",
        gyldig_fra=datetime.date(2021, 12, 1),
        gyldig_til=datetime.date(2025, 11, 30),
    )
    omraader = Boligomraade.objects.bulk_create(
        Boligomraade(helhedsplan=plan, navn=f"Boligområde {i:02d}", raekkefoelge=i)
        for i in range(1, n_omraader + 1)
    )
    delaftale = Delaftale.objects.create(
        helhedsplan=plan,
        indsatsomraade=Indsatsomraade.objects.get(navn="Beskæftigelse"),
        gyldig_fra=plan.gyldig_fra,
        gyldig_til=plan.gyldig_til,
        medarbejderressourcer="<p>-</p>",
        kommunal_sammenhaeng="<p>-</p>",
        revision="<p>-</p>",
    )
    indikatorer = []
    for d in range(1, n_delmaal + 1):
        delmaal = Delmaal.objects.create(delaftale=delaftale, tekst=f"Delmål {d}", raekkefoelge=d)
        for i in range(1, n_indikatorer + 1):
            indikatorer.append(
                Indikator.objects.create(
                    delmaal=delmaal,
                    navn=f"Indikator {d}.{i}, 18-64 år",
                    enhed=Indikator.Enhed.PROCENT if i % 2 else Indikator.Enhed.ANTAL,
                    datakilde="LBF Beboerdata",
                    raekkefoelge=i,
                )
            )
    Baseline.objects.bulk_create(
        Baseline(
            indikator=ind,
            boligomraade=o,
            vaerdi=Decimal("12.3"),
            vaerdi_decimaler=1,
            periode="2019",
        )
        for ind in indikatorer
        for o in omraader
    )
    return delaftale, indikatorer, omraader


def _ark(indikatorer, omraader, antal: int, tillaeg: float = 0.0) -> bytes:
    """A long-format sheet as an extract would have it, written in write-only mode."""
    from openpyxl import Workbook

    from indikatorer.models import andel

    bog = Workbook(write_only=True)
    ark = bog.create_sheet("Udtræk")
    ark.append(["Indikator", "Boligområde", "Periode", "Værdi", "Tæller", "Nævner", "Kilde"])
    n = 0
    for ind in indikatorer:
        for o in omraader:
            for maaned in MAANEDER:
                if n == antal:
                    break
                if ind.er_procent:
                    # Every other share as counts only (the share computed from them), the
                    # rest as a share with the counts it must agree with.
                    naevner = 300 + n % 300
                    taeller = n % 250 + int(tillaeg * 10)
                    vaerdi = None if n % 4 == 1 else andel(taeller, naevner, 1)
                else:
                    vaerdi, taeller, naevner = n % 500 + int(tillaeg * 10), None, None
                raekke = [ind.navn, o.navn, f"{maaned} {AAR}", vaerdi, taeller, naevner]
                ark.append([*raekke, "LBF Beboerdata"])
                n += 1
    assert n == antal, f"the delaftale has room for {n} rows only"
    ud = io.BytesIO()
    bog.save(ud)
    return ud.getvalue()


def _median_s(funktion, runs: int, foer=None) -> float:
    tider = []
    for _ in range(runs):
        if foer:
            foer()
        start = time.perf_counter()
        funktion()
        tider.append(time.perf_counter() - start)
    return statistics.median(tider)


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument(
        "--profile",
        nargs="?",
        const="import",
        choices=["import", "genimport"],
        help="cProfile one import (or one re-import with every value changed)",
    )
    args = parser.parse_args()
    _opsaet_django()

    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client

    from delaftaler.opfoelgning.excel.columns import XLSX_MIME
    from delaftaler.opfoelgning.excel.reading import laes_maalinger, maalinger_forhaandsvis
    from delaftaler.opfoelgning.services import opfoelgning_opret
    from indikatorer.maalinger import maalinger_gem
    from indikatorer.models import Maaling

    delaftale, indikatorer, omraader = _byg_delaftale()
    bruger = get_user_model().objects.create_superuser("bench", password="bench-kode-123")
    opf = opfoelgning_opret(delaftale=delaftale, aar=AAR, bruger=bruger)
    fil = _ark(indikatorer, omraader, args.rows)
    aendret = _ark(indikatorer, omraader, args.rows, tillaeg=0.5)

    def tom() -> None:
        Maaling.objects.all().delete()

    def importer(indhold: bytes = fil):
        indl = laes_maalinger(indhold, opfoelgning=opf)
        assert not indl.fejl, indl.fejl[:3]
        return maalinger_gem(opfoelgning=opf, raekker=indl.raekker, bruger=bruger)

    def forhaandsvis():
        visning = maalinger_forhaandsvis(fil, opfoelgning=opf)
        assert not visning.fejl and len(visning.plan.nye) == args.rows, visning.fejl[:3]

    if args.profile:
        import cProfile
        import pstats

        tom()
        if args.profile == "genimport":
            importer()
        profil = cProfile.Profile()
        profil.enable()
        importer(aendret if args.profile == "genimport" else fil)
        profil.disable()
        pstats.Stats(profil).sort_stats("cumulative").print_stats(25)
        return

    # Memory first, while the process's high-water mark is still the setup's.
    tom()
    rss_foer = _maxrss_mb()
    importer()
    rss_vaekst = _maxrss_mb() - rss_foer
    tom()
    tracemalloc.start()
    importer()
    _, tracemalloc_top = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    tom()
    forespoergsler = []
    with connection.execute_wrapper(lambda execute, *a: forespoergsler.append(1) or execute(*a)):
        importer()
    assert Maaling.objects.count() == args.rows

    tom()
    preview_s = _median_s(forhaandsvis, args.runs)
    import_s = _median_s(importer, args.runs, foer=tom)

    def fyld_op() -> None:
        tom()
        importer()

    reimport_s = _median_s(lambda: importer(aendret), args.runs, foer=fyld_op)

    klient = Client(HTTP_HOST="127.0.0.1")
    klient.force_login(bruger)
    url = (
        f"/{delaftale.helhedsplan.slug}/{delaftale.indsatsomraade.slug}/opfoelgning/{AAR}/indlaes/"
    )
    tider_preview, tider_bekraeft = [], []
    for _ in range(args.runs):
        tom()
        start = time.perf_counter()
        svar = klient.post(
            url,
            {"handling": "kontroller", "fil": SimpleUploadedFile("udtraek.xlsx", fil, XLSX_MIME)},
            secure=True,  # DEBUG=0: plain HTTP is redirected to HTTPS
        )
        tider_preview.append(time.perf_counter() - start)
        token = re.search(r'name="token" value="([^"]+)"', svar.content.decode())
        assert svar.status_code == 200 and token, svar.status_code
        start = time.perf_counter()
        svar = klient.post(url, {"handling": "bekraeft", "token": token.group(1)}, secure=True)
        tider_bekraeft.append(time.perf_counter() - start)
        assert svar.status_code == 302, svar.status_code
        assert Maaling.objects.count() == args.rows

    print(
        f"Database: {connection.vendor}; {args.rows} rows, file {len(fil) / 1024:.0f} KB; "
        f"median of {args.runs} runs\n"
    )
    print("| trin | sekunder |")
    print("|---|---|")
    print(f"| forhåndsvisning (læs + planlæg) | {preview_s:.2f} |")
    print(f"| import, alle nye (læs + valider + gem) | {import_s:.2f} |")
    print(f"| genimport, alle ændrede | {reimport_s:.2f} |")
    print(f"| upload → forhåndsvisningsside (Django) | {statistics.median(tider_preview):.2f} |")
    print(f"| bekræft → gemt (Django) | {statistics.median(tider_bekraeft):.2f} |")
    print()
    print(f"Forespørgsler ved import: {len(forespoergsler)}")
    print(f"Hukommelse ved import: tracemalloc-top {tracemalloc_top / 1024 / 1024:.0f} MB, ")
    print(f"ru_maxrss-vækst {rss_vaekst:.0f} MB (proces i alt {_maxrss_mb():.0f} MB)")


if __name__ == "__main__":
    main()
