"""How long reading the largest delaftale a Word upload may hold takes.

The safety check (delaftaler/word/safety.py) lets through files of up to `WORD_MAKS_BYTES`
whose main document has at most `MAKS_BLOKKE` paragraphs and table cells; the reading
must finish within 5 s for any of them. This builds Vejle's delaftale repeated (each copy
its own delmål and activities: 3 delmål, 5 indikatorer, 17 baselines, 5 activity schemas)
as many times as fit under both limits, in two shapes of tests/word/dokumenter.py: our
export's layout, and LBF's template with the areas to be inferred from the table (the
reader's heaviest path); a document that is nothing but `MAKS_BLOKKE` paragraphs; and one
paragraph of as many runs as `MAKS_ELEMENTER` allows. It prints the median of several
runs of `laes_docx` (the safety check included).

    .venv/bin/python benchmarks/word_laesning.py [--runs 5]
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import os
import statistics
import sys
import time
import zipfile
from pathlib import Path

ROD = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROD))


def _opsaet_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    os.environ["DEBUG"] = "0"
    import django

    django.setup()


def _gange(data: dict, n: int) -> dict:
    """The delaftale with its delmål and activities n times, each copy named apart."""
    ud = copy.deepcopy(data)
    aftale = ud["delaftale"]
    delmaal, aktiviteter = aftale["delmaal"], aftale["aktiviteter"]
    aftale["delmaal"], aftale["aktiviteter"] = [], []
    for kopi in range(1, n + 1):
        forskyd = len(aftale["delmaal"])
        for d in copy.deepcopy(delmaal):
            d["tekst"] = f"{d['tekst']} ({kopi})"
            aftale["delmaal"].append(d)
        for a in copy.deepcopy(aktiviteter):
            a["navn"] = f"{a['navn']} ({kopi})"
            a["delmaal"] = [nr + forskyd for nr in a["delmaal"]]
            aftale["aktiviteter"].append(a)
    return ud


def _blokke(docx: bytes) -> int:
    from delaftaler.word.safety import _BLOKMAERKE

    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        return len(_BLOKMAERKE.findall(z.read("word/document.xml")))


def _stoerste(byg, data: dict) -> tuple[int, bytes]:
    """The largest n whose document passes the limits, and the document."""
    from delaftaler.word.safety import MAKS_BLOKKE, maks_bytes

    en = _blokke(byg(_gange(data, 1)))
    n = max(MAKS_BLOKKE // en, 1)
    while True:
        docx = byg(_gange(data, n))
        if _blokke(docx) <= MAKS_BLOKKE and len(docx) <= maks_bytes():
            return n, docx
        n = int(n * 0.95)


def _flad() -> bytes:
    from docx import Document

    from delaftaler.word.safety import MAKS_BLOKKE

    dokument = Document()
    dokument.add_paragraph("Delaftale for indsatsområdet Beskæftigelse", style="Title")
    dokument.add_paragraph("Medarbejderressourcer for indsatsområdet", style="Heading 1")
    for nr in range(MAKS_BLOKKE - 10):
        afsnit = dokument.add_paragraph(f"Afsnit nummer {nr}: ")
        afsnit.add_run("en fed sætning").bold = True
    ud = io.BytesIO()
    dokument.save(ud)
    return ud.getvalue()


def _mange_loeb() -> bytes:
    """One paragraph of runs, each a few letters, up to the element limit."""
    import random
    import string

    from docx import Document

    from delaftaler.word.safety import MAKS_ELEMENTER

    dokument = Document()
    dokument.add_paragraph("Delaftale for indsatsområdet Beskæftigelse", style="Title")
    ud = io.BytesIO()
    dokument.save(ud)
    tilfaeldig = random.Random(1)
    with zipfile.ZipFile(io.BytesIO(ud.getvalue())) as z:
        dele = {i.filename: z.read(i) for i in z.infolist()}
    brugt = sum(d.count(b"<") for n, d in dele.items() if n.endswith((".xml", ".rels")))
    loeb = "".join(
        f"<w:r><w:t>{''.join(tilfaeldig.choices(string.ascii_letters, k=6))}</w:t></w:r>"
        for _ in range((MAKS_ELEMENTER - brugt) // 2 - 10)
    )
    dele["word/document.xml"] = dele["word/document.xml"].replace(
        b"</w:body>", f"<w:p>{loeb}</w:p></w:body>".encode()
    )
    ud = io.BytesIO()
    with zipfile.ZipFile(ud, "w", zipfile.ZIP_DEFLATED) as z:
        for navn, data in dele.items():
            z.writestr(navn, data)
    return ud.getvalue()


def _maal(docx: bytes, runs: int) -> float:
    from delaftaler.word.reading import laes_docx

    tider = []
    for _ in range(runs):
        start = time.perf_counter()
        laes_docx(docx)
        tider.append(time.perf_counter() - start)
    return statistics.median(tider)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    _opsaet_django()
    from delaftaler.word.safety import MAKS_BLOKKE
    from tests.word import dokumenter

    vejle = json.loads((ROD / "fixtures" / "vejle_21_25_beskaeftigelse.json").read_text())
    from delaftaler.word.safety import MAKS_ELEMENTER, maks_bytes

    print(
        f"Grænser: {MAKS_BLOKKE} afsnit og tabelceller, {MAKS_ELEMENTER} XML-elementer, "
        f"{maks_bytes() // 1024 // 1024} MB"
    )
    print("| dokument | Vejle × | afsnit og celler | fil | median læsning |")
    print("|---|---|---|---|---|")
    for navn, byg in (
        ("eksportens layout", dokumenter.som_eksporten),
        ("LBF's skabelon (områder udledt)", dokumenter.som_lbf_skabelon),
    ):
        n, docx = _stoerste(byg, vejle)
        sek = _maal(docx, args.runs)
        print(
            f"| {navn} | {n} | {_blokke(docx)} | {len(docx) / 1024 / 1024:.1f} MB | "
            f"{sek:.2f} s |".replace(".", ",")
        )
    for navn, docx in (("kun afsnit", _flad()), ("ét afsnit, mange løb", _mange_loeb())):
        sek = _maal(docx, args.runs)
        print(
            f"| {navn} | – | {_blokke(docx)} | {len(docx) / 1024 / 1024:.1f} MB | "
            f"{sek:.2f} s |".replace(".", ",")
        )


if __name__ == "__main__":
    main()
