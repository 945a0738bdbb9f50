"""The upload limits, and the check of a file before openpyxl opens it.

Uploaded files are untrusted. Before openpyxl sees one, `kontroller_fil` checks its size,
that it is a zip shaped like an xlsx, and every entry against a zip bomb (Python's
zipfile never inflates an entry beyond the size its header declares, so checking the
declared sizes bounds the work). Within those limits a sheet can still hold millions of
cells (a 1 MB upload inflating to 200 MB of XML), and openpyxl parses every cell of a row,
even past the columns read, before the row limit is seen: so each part is also inflated
once, in chunks, counting cells until `MAKS_CELLER` is passed. openpyxl then reads it in
read-only mode (with defusedxml against entity attacks) with a cap on rows and columns
(`MAKS_RAEKKER`, `MAKS_KOLONNER`, enforced where the sheet is read).
"""

from __future__ import annotations

import io
import re
import zipfile

from django.conf import settings

from delaftaler.lib.formatting import mb_tekst
from delaftaler.lib.zipfiler import ZIP_FEJL

MAKS_BYTES_STANDARD = 5 * 1024 * 1024
MAKS_RAEKKER = 50_000
MAKS_KOLONNER = 40
MAKS_ZIP_FILER = 1_000
MAKS_UDPAKKET = 200 * 1024 * 1024
MAKS_KOMPRIMERING = 200  # an xlsx sheet compresses 5–50 times; zip bombs 1 000 times and more
# openpyxl needs about 20 µs a cell: 150 000 cells is some 3 s. A national extract of
# 10 000 rows has 50 000 cells; the template of a delaftale ten times Vejle's 3 249.
MAKS_CELLER = 150_000
MAKS_DEL_UDPAKKET = 20 * 1024 * 1024  # the same template's sheet is 150 KB
_BLOK = 1024 * 1024
# A cell <c …>, or a shared string <si>, with or without a namespace prefix (<x:c>).
_CELLE = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?(?:c|si)[\s/>]")
_OVERLAP = 40  # longer than any match, so a tag split between two chunks is counted once


class UgyldigFil(Exception):
    """The file as a whole cannot be read; the message is Danish and meant for the user."""


def maks_bytes() -> int:
    return int(getattr(settings, "MAALINGER_UPLOAD_MAX_BYTES", MAKS_BYTES_STANDARD))


IKKE_XLSX = (
    "Filen er ikke et Excel-ark (.xlsx). Gem arket i Excel som »Excel-projektmappe (.xlsx)«, "
    "og indlæs det igen."
)


def kontroller_fil(indhold: bytes) -> None:
    """Refuse anything but a reasonably sized xlsx, before any XML is parsed."""
    graense = maks_bytes()
    if len(indhold) > graense:
        raise UgyldigFil(
            f"Filen fylder {mb_tekst(len(indhold))} og må højst fylde {mb_tekst(graense)}. "
            "Del arket op i flere filer."
        )
    if not indhold:
        raise UgyldigFil("Filen er tom.")
    if indhold.startswith(b"\xd0\xcf\x11\xe0"):
        raise UgyldigFil(
            "Filen er i det gamle Excel-format (.xls) eller er krypteret. Gem den i Excel som "
            "»Excel-projektmappe (.xlsx)« uden adgangskode, og indlæs den igen."
        )
    if not indhold.startswith(b"PK"):
        raise UgyldigFil(IKKE_XLSX)
    try:
        with zipfile.ZipFile(io.BytesIO(indhold)) as arkiv:
            _kontroller_arkiv(arkiv)
    except ZIP_FEJL as exc:
        raise UgyldigFil(IKKE_XLSX) from exc


def _kontroller_arkiv(arkiv: zipfile.ZipFile) -> None:
    filer = arkiv.infolist()
    if len(filer) > MAKS_ZIP_FILER:
        raise UgyldigFil(
            f"Filen indeholder {len(filer)} dele; et Excel-ark har langt færre. "
            "Den kan ikke indlæses."
        )
    navne = {f.filename for f in filer}
    if "[Content_Types].xml" not in navne or "xl/workbook.xml" not in navne:
        if any(n.startswith("word/") for n in navne):
            raise UgyldigFil(
                "Filen er et Word-dokument (.docx), ikke et Excel-ark. Indlæs regnearket "
                "med målingerne."
            )
        if any(n.startswith("ppt/") for n in navne):
            raise UgyldigFil("Filen er en PowerPoint-præsentation, ikke et Excel-ark.")
        raise UgyldigFil(IKKE_XLSX)
    udpakket = 0
    for fil in filer:
        if fil.flag_bits & 0x1:
            raise UgyldigFil(
                "Filen er beskyttet med adgangskode. Gem den uden adgangskode og prøv igen."
            )
        udpakket += fil.file_size
        forhold = fil.file_size / max(fil.compress_size, 1)
        if fil.file_size > 1024 * 1024 and forhold > MAKS_KOMPRIMERING:
            raise UgyldigFil(
                "Filen er pakket usædvanligt meget sammen (en såkaldt zip-bombe) og kan ikke "
                "indlæses. Gem arket igen fra Excel."
            )
    if udpakket > MAKS_UDPAKKET:
        raise UgyldigFil(
            f"Filen fylder {mb_tekst(udpakket)} udpakket og må højst fylde "
            f"{mb_tekst(MAKS_UDPAKKET)}. Del arket op i flere filer."
        )
    for fil in filer:
        if fil.file_size > MAKS_DEL_UDPAKKET:
            raise UgyldigFil(
                f"Filen er for stor til at blive læst: {_del(fil.filename)} fylder "
                f"{mb_tekst(fil.file_size)} udpakket og må højst fylde "
                f"{mb_tekst(MAKS_DEL_UDPAKKET)}. Del arket op i flere filer."
            )
    for fil in filer:
        if _flere_celler_end(arkiv, fil, MAKS_CELLER):
            raise UgyldigFil(
                f"Filen er for stor til at blive læst: {_del(fil.filename)} har mere end "
                f"{MAKS_CELLER:,} celler. ".replace(",", ".")
                + "Del arket op i flere filer."
            )


def _del(navn: str) -> str:
    return "arket" if navn.startswith("xl/worksheets/") else f"delen »{navn}«"


def _flere_celler_end(arkiv: zipfile.ZipFile, fil: zipfile.ZipInfo, graense: int) -> bool:
    """Inflate one part chunk by chunk and stop as soon as it has more cells than graense."""
    antal = 0
    rest = b""
    with arkiv.open(fil) as del_:
        while blok := del_.read(_BLOK):
            data = rest + blok
            skel = max(len(data) - _OVERLAP, 0)
            # The matches that start in the overlap are counted with the next chunk.
            antal += len(_CELLE.findall(data)) - len(_CELLE.findall(data, skel))
            if antal > graense:
                return True
            rest = data[skel:]
    return antal + len(_CELLE.findall(rest)) > graense
