"""Server time of the public delaftale page and its PDF, beside WeasyPrint's floor.

For the Vejle fixture and a synthetic delaftale ten times its size it prints the median
of several runs of: the page built from the published version's snapshot with both
page caches emptied (»ucachet«), the page from the first layer alone (the rendered page
found by its key query, »cachet«), the last second's response that DEBUG=0 gives an
anonymous reader (»sidste sekund«, no query), the first request for a version's PDF
(rendered and stored), a later request (»gemt«: the stored bytes, the last second's layer
emptied), and WeasyPrint rendering the same HTML from a static string (the floor), with
the number of database queries of each path. Each figure empties every layer above the
one it names, so none of them is answered by a faster layer.

    .venv/bin/python benchmarks/delaftale.py [--runs 5]

Runs on a throwaway SQLite database unless BENCH_DATABASE_URL is set (e.g. a
PostgreSQL database that may be emptied).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROD = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROD))


def _opsaet_django(*, flush: bool = True) -> None:
    """``flush=False``: a database built by an earlier run (benchmarks/installation.py)."""
    midlertidig = Path(tempfile.mkdtemp(prefix="delaftaler-bench-"))
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{midlertidig / 'bench.sqlite3'}"
    )
    os.environ["PDF_CACHE_DIR"] = str(midlertidig / "pdf-cache")
    # Collected into the run's own folder: a filled staticfiles/ in the checkout would make
    # every test client's whitenoise scan it.
    os.environ["STATIC_ROOT"] = str(midlertidig / "static")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("LOG_REQUESTS", "0")
    import django

    django.setup()
    from django.core.management import call_command

    if not flush:
        call_command("migrate", verbosity=0)
        call_command("collectstatic", "--noinput", verbosity=0)
        return
    call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", verbosity=0)
    # flush also empties what data migrations wrote: LBF's indsatsområder.
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    lbf = import_module("delaftaler.migrations.0002_lbf_indsatsomraader")
    lbf.opret(apps, connection.schema_editor())
    # Production settings serve hashed static files: the manifest must exist.
    call_command("collectstatic", "--noinput", verbosity=0)


def _stor_udgave(data: dict, gange: int = 10) -> dict:
    """The Vejle delaftale repeated ten times under a new helhedsplan."""
    stor = copy.deepcopy(data)
    stor["helhedsplan"]["navn"] = "Stor_21_25"
    aftale = stor["delaftale"]
    kilde = data["delaftale"]
    aftale["parter"], aftale["delmaal"], aftale["aktiviteter"] = [], [], []
    for k in range(1, gange + 1):
        for part in kilde["parter"]:
            aftale["parter"].append({**part, "navn": f"{part['navn']} ({k})"})
        for delmaal in kilde["delmaal"]:
            aftale["delmaal"].append(
                {**copy.deepcopy(delmaal), "tekst": f"{delmaal['tekst']} ({k})"}
            )
        for aktivitet in kilde["aktiviteter"]:
            forskudt = [d + (k - 1) * len(kilde["delmaal"]) for d in aktivitet["delmaal"]]
            aftale["aktiviteter"].append(
                {**aktivitet, "navn": f"{aktivitet['navn']} ({k})", "delmaal": forskudt}
            )
    return stor


def _median_ms(funktion, runs: int) -> tuple[float, object]:
    tider, resultat = [], None
    for _ in range(runs):
        start = time.perf_counter()
        resultat = funktion()
        tider.append((time.perf_counter() - start) * 1000)
    return statistics.median(tider), resultat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    _opsaet_django()

    from django.core.cache import caches
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from delaftaler.indlaesning import indlaes_delaftale
    from delaftaler.models import Version
    from delaftaler.visning import pdf
    from delaftaler.visning.context import hent_gaeldende
    from delaftaler.visning.page_cache import mikrocache
    from delaftaler.visning.table import IndikatorTabel

    vejle = json.loads((ROD / "fixtures" / "vejle_21_25_beskaeftigelse.json").read_text("utf-8"))
    indlaes_delaftale(data=vejle)
    indlaes_delaftale(data=_stor_udgave(vejle))

    klient = Client(HTTP_HOST="127.0.0.1")
    print(f"Database: {connection.vendor}; median of {args.runs} runs, milliseconds\n")
    print(
        "| delaftale | baselines | side ucachet | side cachet | side sidste sekund "
        "| PDF første | PDF gemt | WeasyPrint-gulv | forespørgsler side ucachet/cachet/sekund "
        "| forespørgsler PDF første/gemt |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")

    def hent(url: str):
        svar = klient.get(url, secure=True)
        assert svar.status_code == 200, (url, svar.status_code)
        return svar

    def forespoergsler(funktion) -> int:
        with CaptureQueriesContext(connection) as q:
            funktion()
        return len(q.captured_queries)

    for plan_slug in ("vejle-21-25", "stor-21-25"):
        side_url = f"/{plan_slug}/beskaeftigelse/"
        pdf_url = f"/{plan_slug}/beskaeftigelse.pdf"

        def side_ucachet(u=side_url):
            # Neither the rendered page (first layer) nor the last second's response.
            caches["default"].clear()
            mikrocache.ryd()
            return hent(u)

        def side_cachet(u=side_url):
            # The first layer alone: the rendered page, found by its key query.
            mikrocache.ryd()
            return hent(u)

        def side_sekund(u=side_url):
            # The last second's response, given before sessions, auth and the view.
            return hent(u)

        def pdf_foerste(u=pdf_url):
            # A version's PDF is rendered on its first request and then kept in its row.
            Version.objects.update(pdf=None, pdf_sha256="")
            caches["pdf"].clear()
            mikrocache.ryd()
            return hent(u)

        def pdf_gemt(u=pdf_url):
            # The stored bytes, found by their hash; not the last second's response.
            mikrocache.ryd()
            return hent(u)

        ucachet_ms, _ = _median_ms(side_ucachet, args.runs)
        q_ucachet = forespoergsler(side_ucachet)
        cachet_ms, _ = _median_ms(side_cachet, args.runs)
        q_cachet = forespoergsler(side_cachet)
        sekund_ms, _ = _median_ms(side_sekund, args.runs)
        q_sekund = forespoergsler(side_sekund)
        foerste_ms, _ = _median_ms(pdf_foerste, args.runs)
        q_foerste = forespoergsler(pdf_foerste)
        gemt_ms, _ = _median_ms(pdf_gemt, args.runs * 4)
        q_gemt = forespoergsler(pdf_gemt)

        visning = hent_gaeldende(plan_slug, "beskaeftigelse")
        html = pdf.pdf_html(visning, IndikatorTabel(visning.raekker))
        gulv_ms, _ = _median_ms(lambda h=html: pdf.render_pdf(h), args.runs)
        baselines = sum(1 for r in visning.raekker if r.baseline)
        print(
            f"| {visning.helhedsplan.navn} | {baselines} | {ucachet_ms:.0f} | {cachet_ms:.1f} "
            f"| {sekund_ms:.2f} | {foerste_ms:.0f} ({foerste_ms / gulv_ms:.2f} × gulv) "
            f"| {gemt_ms:.1f} | {gulv_ms:.0f} | {q_ucachet}/{q_cachet}/{q_sekund} "
            f"| {q_foerste}/{q_gemt} |"
        )


if __name__ == "__main__":
    main()
