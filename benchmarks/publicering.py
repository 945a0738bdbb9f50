"""Server time of publishing a delaftale, and of the worker's render of its PDF.

For the Vejle fixture and the synthetic delaftale ten times its size (benchmarks/delaftale.py)
it prints the median of several runs of the sekretariatsleder's publish request (an
administrative change: a part's telephone number), with its number of database queries,
and the median time the background worker takes to render and store the new version's
PDF (``version_pdf_lav``, what the ``version_pdf_opgave`` task runs). Publishing does not
wait for the PDF; before, the request rendered it, so it took about the two together.

    .venv/bin/python benchmarks/publicering.py [--runs 5] [--renders 3]

Runs on a throwaway SQLite database unless BENCH_DATABASE_URL is set (e.g. a
PostgreSQL database that may be emptied).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROD = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROD))

from benchmarks.delaftale import _opsaet_django, _stor_udgave  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--renders", type=int, default=3)
    args = parser.parse_args()
    _opsaet_django()

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from delaftaler.indlaesning import indlaes_delaftale
    from delaftaler.models import Helhedsplan, Version
    from delaftaler.publicering.services import udkast_for
    from delaftaler.publicering.version_pdf import version_pdf_lav
    from delaftaler.roller import LEDER, opret_grupper
    from indikatorer.models import Baseline

    vejle = json.loads((ROD / "fixtures" / "vejle_21_25_beskaeftigelse.json").read_text("utf-8"))
    aftaler = [
        indlaes_delaftale(data=vejle).delaftale,
        indlaes_delaftale(data=_stor_udgave(vejle)).delaftale,
    ]
    opret_grupper()
    leder = get_user_model().objects.create_user("leder", is_staff=True)
    leder.groups.add(Group.objects.get(name=LEDER))
    leder.helhedsplaner.add(*Helhedsplan.objects.all())
    klient = Client(HTTP_HOST="127.0.0.1")
    klient.force_login(leder)

    print(f"Database: {connection.vendor}; median of {args.runs} publications, milliseconds\n")
    print(
        "| delaftale | baselines | publicér (anmodning) | forespørgsler "
        f"| arbejderens PDF (median af {args.renders}) | PDF-bytes |"
    )
    print("|---|---|---|---|---|---|")
    for delaftale in aftaler:
        url = reverse(
            "delaftaler:udkast_publicer",
            args=[delaftale.helhedsplan.slug, delaftale.indsatsomraade.slug],
        )
        part = delaftale.parter.order_by("pk").first()
        tider, forespoergsler = [], []
        for nr in range(args.runs):
            part.telefon = f"70 70 {nr:02d} {nr:02d}"
            part.save()
            sha = udkast_for(delaftale).sha256  # what the draft page shows the leder
            with CaptureQueriesContext(connection) as q:
                start = time.perf_counter()
                svar = klient.post(url, {"udkast_sha256": sha, "bekraeft": "on"}, secure=True)
                tider.append((time.perf_counter() - start) * 1000)
            assert svar.status_code == 302, svar.status_code
            forespoergsler.append(len(q.captured_queries))
        version = delaftale.versioner.order_by("-nummer").first()
        assert not version.pdf_sha256, "the request rendered no PDF"
        render = []
        for _ in range(args.renders):
            Version.objects.filter(pk=version.pk).update(pdf=None, pdf_sha256="")
            start = time.perf_counter()
            _, indhold = version_pdf_lav(version.pk)
            render.append((time.perf_counter() - start) * 1000)
        baselines = Baseline.objects.filter(indikator__delmaal__delaftale=delaftale).count()
        print(
            f"| {delaftale.helhedsplan.navn} | {baselines} | {statistics.median(tider):.0f} "
            f"| {min(forespoergsler)}–{max(forespoergsler)} "
            f"| {statistics.median(render):.0f} | {len(indhold)} |"
        )


if __name__ == "__main__":
    main()
