"""The check of an uploaded Word file before any XML parser sees it.

Uploaded files are untrusted. `kontroller_docx` refuses, with a Danish message meant for
the person who uploaded it: anything over `WORD_MAKS_BYTES`, the old binary .doc and a
password-protected .docx (both OLE containers, not zips), a .docm (macros), anything that
is not a zip with a Word document in it, and a zip shaped like a bomb (too many entries,
too much unpacked in all or in one entry, packed too tightly). Python's zipfile never
inflates an entry beyond the size its header declares, so checking the declared sizes
bounds the work of the scan that follows: every XML part is inflated once, in chunks,
looking for a DTD or an entity declaration (refused outright: a delaftale never needs
one) and counting its elements, and the main document's paragraphs and table cells are
counted, so the reading that follows is bounded too: python-docx parses every XML part
and the reader walks every run, and `MAKS_ELEMENTER` and `MAKS_BLOKKE` keep that well
under the 5 s a reading may take (benchmarks/word_laesning.py).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath

from django.conf import settings

from delaftaler.lib.formatting import mb_tekst
from delaftaler.lib.zipfiler import ZIP_FEJL

MAKS_BYTES_STANDARD = 10 * 1024 * 1024
MAKS_ZIP_FILER = 1_000
MAKS_UDPAKKET = 50 * 1024 * 1024
MAKS_DEL_UDPAKKET = 20 * 1024 * 1024  # Vejle's document.xml is about 150 KB
# A document.xml packs 5–15 times, images barely at all; zip bombs 1 000 times and more.
MAKS_KOMPRIMERING = 100
# Paragraphs and table cells in the main document: Vejle's delaftale has some 600, one
# ten times its size 6 000. 30 000 (fifty Vejles) read in about 1,5 s on a busy 2-core
# machine (benchmarks/word_laesning.py); the reading is linear in them.
MAKS_BLOKKE = 30_000
# XML elements in all parts together: python-docx parses styles, numbering, headers … and
# the reading walks the runs of every paragraph, so a single paragraph of a million runs
# must be bounded too. Vejle's delaftale saved by LibreOffice has some 15 000.
MAKS_ELEMENTER = 400_000

_BLOK = 1024 * 1024
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_KRYPTERET = "EncryptedPackage".encode("utf-16-le")
_WORD_97 = "WordDocument".encode("utf-16-le")
_MAKRO = b"application/vnd.ms-word.document.macroenabled"
_SKABELON = b"wordprocessingml.template.main+xml"
_MAKRO_SKABELON = b"application/vnd.ms-word.template.macroenabled"
_HOVEDDEL = b"wordprocessingml.document.main+xml"
_STRICT = b"purl.oclc.org/ooxml/wordprocessingml"


def _uden_nul(ord_: bytes) -> bytes:
    """A pattern for a word in UTF-8 or UTF-16 (a NUL byte may follow each character)."""
    return rb"\x00?".join(re.escape(bytes([b])) for b in ord_)


# »<!DOCTYPE« or »<!ENTITY«, any case, in UTF-8 or UTF-16.
_DTD = re.compile(
    rb"<\x00?!\x00?(?:" + _uden_nul(b"DOCTYPE") + rb"|" + _uden_nul(b"ENTITY") + rb")",
    re.IGNORECASE,
)
# The start of an element, in UTF-8 or UTF-16.
_ELEMENT = re.compile(rb"<\x00?[A-Za-z_]")
# A paragraph <w:p …> or a table cell <w:tc …>, with any namespace prefix.
_BLOKMAERKE = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?(?:p|tc)[\s/>]")
_OVERLAP = 40  # longer than any match, so a tag split between two chunks is counted once


class WordFejl(Exception):
    """The file cannot be read as a delaftale; the message is Danish and meant for the user."""


def maks_bytes() -> int:
    return int(getattr(settings, "WORD_MAKS_BYTES", MAKS_BYTES_STANDARD))


IKKE_WORD = (
    "Filen er ikke et Word-dokument (.docx). Åbn delaftalen i Word, vælg »Gem som → "
    "Word-dokument (.docx)«, og indlæs den igen."
)
GAMMEL_DOC = (
    "Filen er i det gamle Word-format (.doc). Åbn den i Word, vælg »Gem som → "
    "Word-dokument (.docx)«, og indlæs den igen."
)
KRYPTERET = (
    "Filen er beskyttet med en adgangskode. Åbn den i Word, fjern adgangskoden (Filer → "
    "Oplysninger → Beskyt dokument → Krypter med adgangskode, og slet den), gem, og indlæs "
    "den igen."
)
MAKROER = (
    "Filen er et Word-dokument med makroer (.docm), og dem indlæser vi ikke. Åbn den i Word, "
    "vælg »Gem som → Word-dokument (.docx)«, og indlæs den igen."
)
SKABELON = (
    "Filen er en Word-skabelon (.dotx), ikke et dokument. Åbn den i Word, vælg »Gem som → "
    "Word-dokument (.docx)«, og indlæs den igen."
)
STRICT = (
    "Filen er gemt som »Strict Open XML-dokument«, som vi ikke kan læse. Åbn den i Word, "
    "vælg »Gem som → Word-dokument (.docx)«, og indlæs den igen."
)
ZIP_BOMBE = (
    "Filen er pakket usædvanligt meget sammen (en såkaldt zip-bombe) og kan ikke indlæses. "
    "Gem dokumentet igen fra Word."
)
DTD = (
    "Filen indeholder XML-erklæringer (DOCTYPE eller ENTITY), som et Word-dokument aldrig "
    "har, og kan ikke indlæses. Gem dokumentet igen fra Word."
)


def kontroller_docx(indhold: bytes, filnavn: str) -> None:
    """Refuse anything but a reasonably sized, plain .docx, before any XML is parsed."""
    graense = maks_bytes()
    if len(indhold) > graense:
        raise WordFejl(
            f"Filen fylder {mb_tekst(len(indhold))} og må højst fylde {mb_tekst(graense)}. "
            "Fjern eller formindsk billeder i dokumentet, og indlæs det igen."
        )
    if not indhold:
        raise WordFejl("Filen er tom.")
    endelse = PurePosixPath(filnavn.replace("\\", "/")).suffix.lower()
    if indhold.startswith(_OLE):
        if _KRYPTERET in indhold:
            raise WordFejl(KRYPTERET)
        if _WORD_97 in indhold or endelse in (".doc", ".dot"):
            raise WordFejl(GAMMEL_DOC)
        raise WordFejl(IKKE_WORD)
    if indhold.lstrip()[:5] == b"{\\rtf":
        raise WordFejl(
            "Filen er i RTF-format, ikke et Word-dokument. Åbn den i Word, vælg »Gem som → "
            "Word-dokument (.docx)«, og indlæs den igen."
        )
    if endelse in (".docm", ".dotm"):
        raise WordFejl(MAKROER)
    if not indhold.startswith(b"PK"):
        raise WordFejl(IKKE_WORD)
    try:
        with zipfile.ZipFile(io.BytesIO(indhold)) as arkiv:
            _kontroller_arkiv(arkiv)
    except ZIP_FEJL as exc:
        raise WordFejl(IKKE_WORD) from exc


def _kontroller_arkiv(arkiv: zipfile.ZipFile) -> None:
    filer = arkiv.infolist()
    if len(filer) > MAKS_ZIP_FILER:
        raise WordFejl(
            f"Filen indeholder {len(filer)} dele; et Word-dokument har langt færre. "
            "Den kan ikke indlæses."
        )
    navne = {f.filename for f in filer}
    udpakket = 0
    for fil in filer:
        if fil.flag_bits & 0x1:
            raise WordFejl(KRYPTERET)
        udpakket += fil.file_size
        forhold = fil.file_size / max(fil.compress_size, 1)
        if fil.file_size > 1024 * 1024 and forhold > MAKS_KOMPRIMERING:
            raise WordFejl(ZIP_BOMBE)
        if fil.file_size > MAKS_DEL_UDPAKKET:
            raise WordFejl(
                f"Filen er for stor til at blive læst: delen »{fil.filename}« fylder "
                f"{mb_tekst(fil.file_size)} udpakket og må højst fylde "
                f"{mb_tekst(MAKS_DEL_UDPAKKET)}."
            )
    if udpakket > MAKS_UDPAKKET:
        raise WordFejl(
            f"Filen fylder {mb_tekst(udpakket)} udpakket og må højst fylde "
            f"{mb_tekst(MAKS_UDPAKKET)}. Fjern eller formindsk billeder i dokumentet."
        )
    if "mimetype" in navne and "content.xml" in navne:
        raise WordFejl(
            "Filen er et OpenDocument-dokument (.odt), ikke et Word-dokument. Åbn den, vælg "
            "»Gem som → Word-dokument (.docx)«, og indlæs den igen."
        )
    if "[Content_Types].xml" not in navne:
        raise WordFejl(IKKE_WORD)
    elementer = 0
    for fil in filer:
        if not _er_xml(fil.filename):
            continue
        har_dtd, antal = _skan(arkiv, fil, MAKS_ELEMENTER - elementer)
        if har_dtd:
            raise WordFejl(DTD)
        elementer += antal
        if elementer > MAKS_ELEMENTER:
            raise WordFejl(
                "Dokumentet er for stort eller for indviklet opbygget til at blive læst (mere "
                f"end {MAKS_ELEMENTER:,} dele i dets XML). ".replace(",", ".")
                + "Gem det igen fra Word, eller del det op."
            )
    typer = arkiv.read("[Content_Types].xml").lower()
    if _MAKRO in typer or _MAKRO_SKABELON in typer:
        raise WordFejl(MAKROER)
    hoveddel = _hoveddel(typer, navne)
    if hoveddel is None:
        if _SKABELON in typer:
            raise WordFejl(SKABELON)
        if any(n.startswith("xl/") for n in navne):
            raise WordFejl(
                "Filen er et Excel-ark, ikke et Word-dokument. Indlæs delaftalen som "
                "Word-dokument (.docx)."
            )
        if any(n.startswith("ppt/") for n in navne):
            raise WordFejl("Filen er en PowerPoint-præsentation, ikke et Word-dokument.")
        raise WordFejl(IKKE_WORD)
    info = arkiv.getinfo(hoveddel)
    blokke, strict = _tael_blokke(arkiv, info, MAKS_BLOKKE)
    if strict:
        raise WordFejl(STRICT)
    if blokke > MAKS_BLOKKE:
        raise WordFejl(
            f"Dokumentet er for stort til at blive læst: det har mere end "
            f"{MAKS_BLOKKE:,} afsnit og tabelceller. ".replace(",", ".")
            + "En delaftale har sjældent over 5.000. Del dokumentet op."
        )


def _er_xml(navn: str) -> bool:
    return navn.lower().endswith((".xml", ".rels"))


def _hoveddel(typer: bytes, navne: set[str]) -> str | None:
    """The part [Content_Types].xml names the main document (word/document.xml mostly)."""
    for override in re.finditer(rb"<[^<>]*override\b[^<>]*>", typer):
        tag = override.group(0)
        if _HOVEDDEL not in tag:
            continue
        del_ = re.search(rb'partname\s*=\s*["\']/?([^"\']+)["\']', tag)
        if del_:
            navn = del_.group(1).decode("utf-8", "replace")
            match = next((n for n in navne if n.lower() == navn.lower()), None)
            if match:
                return match
    return None


def _bidder(arkiv: zipfile.ZipFile, fil: zipfile.ZipInfo) -> Iterator[tuple[bytes, int]]:
    """The part inflated chunk by chunk, each with the overlap of the one before in front:
    (data, where the new bytes start)."""
    rest = b""
    with arkiv.open(fil) as del_:
        while blok := del_.read(_BLOK):
            data = rest + blok
            yield data, len(rest)
            rest = data[-_OVERLAP:]


def _skan(arkiv: zipfile.ZipFile, fil: zipfile.ZipInfo, graense: int) -> tuple[bool, int]:
    """Whether the part declares a DTD or an entity, and its elements (stopping past
    graense)."""
    antal = 0
    for data, ny in _bidder(arkiv, fil):
        if _DTD.search(data):
            return True, antal
        antal += sum(1 for m in _ELEMENT.finditer(data) if m.end() > ny)
        if antal > graense:
            break
    return False, antal


def _tael_blokke(arkiv: zipfile.ZipFile, fil: zipfile.ZipInfo, graense: int) -> tuple[int, bool]:
    """Paragraphs and cells of the main document (stopping past graense), and whether it
    is in the Strict namespace python-docx does not read."""
    antal = 0
    strict = False
    for data, ny in _bidder(arkiv, fil):
        if antal == 0 and _STRICT in data[:4096]:
            strict = True
        # A match that ends inside the overlap was counted with the chunk before.
        antal += sum(1 for m in _BLOKMAERKE.finditer(data) if m.end() > ny)
        if antal > graense:
            break
    return antal, strict
