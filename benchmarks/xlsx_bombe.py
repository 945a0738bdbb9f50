"""A small .xlsx that inflates to a huge sheet: how long until it is accepted or refused.

The file of issue 12: a sheet without `<dimension>`, 207 MB of XML packed into ~1,2 MB
(172:1, under the zip checks' 200:1; this script's file packs
about 120:1, 1,7 MB), fewer rows than `MAKS_RAEKKER` but thousands of
cells in each, beyond the 40 columns that are read. It times `laes_maalinger` (what the
upload does) and measures tracemalloc's peak and the growth of the process's maximum
resident set, as the median of several runs. Target: refused within 5 s and +100 MB.

    .venv/bin/python benchmarks/xlsx_bombe.py [--runs 5] [--mb 207 19.5]
"""

from __future__ import annotations

import argparse
import io
import resource
import statistics
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_maalinger import AAR, _byg_delaftale, _opsaet_django  # noqa: E402

_DELE = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Udtræk" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}
_OVERSKRIFT = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Indikator</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>Boligområde</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>Periode</t></is></c>'
    '<c r="D1" t="inlineStr"><is><t>Værdi</t></is></c></row>'
)


def bombe(udpakket_mb: float, celler_pr_raekke: int = 1000) -> bytes:
    """An xlsx whose one sheet (no <dimension>) inflates to about udpakket_mb MB.

    Every row has `celler_pr_raekke` numbers from column AP on, past the 40 columns read
    (only the first cell names its place; the rest follow it, as the format allows), with
    values varied enough that the sheet packs to about 120:1, under the 200:1 check."""
    maal = int(udpakket_mb * 1_000_000)
    ud = io.BytesIO()
    with zipfile.ZipFile(ud, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for navn, tekst in _DELE.items():
            z.writestr(navn, tekst)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as ark:
            start = (
                '<?xml version="1.0" encoding="UTF-8"?>'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                "<sheetData>" + _OVERSKRIFT
            ).encode()
            ark.write(start)
            skrevet, nr = len(start), 1
            while skrevet < maal:
                nr += 1
                celler = f'<c r="AP{nr}"><v>{nr % 1000}</v></c>' + "".join(
                    f"<c><v>{(nr // 50 + i * 13) % 1000}</v></c>"
                    for i in range(celler_pr_raekke - 1)
                )
                raekke = f'<row r="{nr}">{celler}</row>'.encode()
                ark.write(raekke)
                skrevet += len(raekke)
            slut = b"</sheetData></worksheet>"
            ark.write(slut)
    return ud.getvalue()


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--mb", type=float, nargs="+", default=[207, 19.5], help="the sheet's size unpacked"
    )
    args = parser.parse_args()
    _opsaet_django()

    from django.contrib.auth import get_user_model

    from delaftaler.opfoelgning.services import opfoelgning_opret

    delaftale, _, _ = _byg_delaftale()
    bruger = get_user_model().objects.create_superuser("bench", password="bench-kode-123")
    opf = opfoelgning_opret(delaftale=delaftale, aar=AAR, bruger=bruger)

    for mb in args.mb:
        _maal(bombe(mb), args.runs, opf)


def _maal(fil: bytes, runs: int, opf) -> None:
    from delaftaler.opfoelgning.excel.reading import laes_maalinger
    from delaftaler.opfoelgning.excel.safety import UgyldigFil

    with zipfile.ZipFile(io.BytesIO(fil)) as z:
        ark = z.getinfo("xl/worksheets/sheet1.xml")
    print(
        f"Fil: {len(fil) / 1e6:.2f} MB, ark udpakket {ark.file_size / 1e6:.0f} MB "
        f"({ark.file_size / ark.compress_size:.0f}:1)"
    )

    tider, toppe, rss = [], [], []
    svar = ""
    for _ in range(runs):
        foer = _maxrss_mb()
        tracemalloc.start()
        start = time.perf_counter()
        try:
            indl = laes_maalinger(fil, opfoelgning=opf)
            svar = f"læst: {len(indl.raekker)} rækker, {len(indl.fejl)} fejl"
        except UgyldigFil as exc:
            svar = f"afvist: {exc}"
        tider.append(time.perf_counter() - start)
        toppe.append(tracemalloc.get_traced_memory()[1] / 1e6)
        tracemalloc.stop()
        rss.append(_maxrss_mb() - foer)
    print(svar)
    print(
        f"Median af {runs}: {statistics.median(tider):.2f} s, tracemalloc-top "
        f"{statistics.median(toppe):.1f} MB, ru_maxrss +{max(rss):.0f} MB"
    )


if __name__ == "__main__":
    main()
