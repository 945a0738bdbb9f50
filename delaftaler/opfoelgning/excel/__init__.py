"""The year's measurements as spreadsheets: a pre-filled template, reading an upload, export.

The template is generated from code (never an Excel-made file loaded and re-saved): one
row per indicator × boligområde or target group, the baseline columns locked, the input
columns open and validated. An upload may be that template filled in, or a plain
long-format sheet (indikator, boligområde, periode, værdi, kilde) pasted from an LBF
Beboerdata extract.

Uploaded files are untrusted. Before openpyxl sees one, `kontroller_fil` checks its size,
that it is a zip shaped like an xlsx, and every entry against a zip bomb (Python's
zipfile never inflates an entry beyond the size its header declares, so checking the
declared sizes bounds the work). openpyxl then reads it in read-only mode (with
defusedxml against entity attacks) with a cap on rows and columns.

Whole-file problems raise `UgyldigFil` with a Danish message; problems in single cells
become `Fejl` naming sheet, row and column, so a person can find and fix them.
"""

from __future__ import annotations

import datetime
import difflib
import io
import logging
import math
import re
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Prefetch
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet.datavalidation import DataValidation

from delaftaler.models import Boligomraade, Delaftale, Opfoelgning
from delaftaler.visning.exports import FORMEL_START
from indikatorer.maalinger import Fejl, MaalingInput, Plan, maalinger_planlaeg
from indikatorer.models import ALLE_BOLIGOMRAADER, Baseline, Indikator, Maaling
from indikatorer.periode import UgyldigPeriode, formater_periode, fortolk_periode
from indikatorer.tal import MAKS_DECIMALER, UgyldigtTal, antal_decimaler, fortolk_tal

logger = logging.getLogger(__name__)

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ARK = "Målinger"
VEJLEDNING = "Vejledning"
ALLE = ALLE_BOLIGOMRAADER  # the sted of a baseline given for no area or group

MAKS_BYTES_STANDARD = 5 * 1024 * 1024
MAKS_RAEKKER = 50_000
MAKS_KOLONNER = 40
MAKS_ZIP_FILER = 1_000
MAKS_UDPAKKET = 200 * 1024 * 1024
MAKS_KOMPRIMERING = 200  # an xlsx sheet compresses 5–50 times; zip bombs 1 000 times and more
MAKS_VIST_TEKST = 60


class UgyldigFil(Exception):
    """The file as a whole cannot be read; the message is Danish and meant for the user."""


def maks_bytes() -> int:
    return int(getattr(settings, "MAALINGER_UPLOAD_MAX_BYTES", MAKS_BYTES_STANDARD))


def mb_tekst(antal: int) -> str:
    """Bytes as Danish megabytes: 5 MB, 5,2 MB."""
    tekst = f"{antal / (1024 * 1024):.1f}".replace(".", ",").removesuffix(",0")
    return f"{tekst}\u00a0MB"


# --- The columns ------------------------------------------------------------------------


@dataclass(frozen=True)
class Kolonne:
    noegle: str
    overskrift: str
    bredde: int
    laast: bool = False
    skjult: bool = False


KOLONNER = (
    Kolonne("delmaal", "Delmål", 36, laast=True),
    Kolonne("indikator", "Indikator", 46, laast=True),
    Kolonne("sted", "Boligområde/målgruppe", 26, laast=True),
    Kolonne("enhed", "Enhed", 8, laast=True),
    Kolonne("baseline", "Baseline", 11, laast=True),
    Kolonne("baseline_aar", "Baseline år", 11, laast=True),
    Kolonne("baseline_datakilde", "Datakilde (baseline)", 22, laast=True),
    Kolonne("periode", "Periode", 11),
    Kolonne("vaerdi", "Værdi", 11),
    Kolonne("ikke_tilgaengelig", "Ikke tilgængelig", 14),
    Kolonne("begrundelse", "Begrundelse", 30),
    Kolonne("sammenligning", "Sammenligning", 14),
    Kolonne("sammenligning_label", "Sammenligning gælder", 22),
    Kolonne("datakilde", "Datakilde", 22),
    Kolonne("udtrukket", "Data udtrukket", 14),
    Kolonne("note", "Note", 40),
    Kolonne("indikator_id", "indikator_id", 6, laast=True, skjult=True),
    Kolonne("boligomraade_id", "boligomraade_id", 6, laast=True, skjult=True),
    Kolonne("maalgruppe_noegle", "maalgruppe_noegle", 6, laast=True, skjult=True),
)
KOLONNE = {k.noegle: k for k in KOLONNER}
BOGSTAV = {k.noegle: get_column_letter(nr) for nr, k in enumerate(KOLONNER, start=1)}
INPUT = [k.noegle for k in KOLONNER if not k.laast]
IGNORERES = "-"  # read-only columns of the template, and other known context columns


def _skelet(tekst: str) -> str:
    """A header or name reduced so Danish and ASCII spellings meet: 'Værdi', 'vaerdi' and
    'VARDI' all become 'vardi'; punctuation and case do not matter."""
    tekst = unicodedata.normalize("NFKC", str(tekst)).casefold()
    for fra, til in (("æ", "a"), ("ø", "o"), ("å", "a"), ("ae", "a"), ("oe", "o"), ("aa", "a")):
        tekst = tekst.replace(fra, til)
    tekst = unicodedata.normalize("NFKD", tekst)
    tekst = "".join(t for t in tekst if not unicodedata.combining(t))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", tekst).split())


_OVERSKRIFTER = {
    "delmaal": ["delmål", "delmaal"],
    "indikator": ["indikator", "indikatornavn", "indikator navn", "indikatorer"],
    "sted": [
        "boligområde/målgruppe",
        "boligområde",
        "boligområde eller målgruppe",
        "målgruppe",
        "sted",
        "område",
        "afdeling",
    ],
    "periode": ["periode", "år", "opgørelsesperiode", "måned"],
    "vaerdi": ["værdi", "vaerdi", "vardi", "value"],
    "ikke_tilgaengelig": ["ikke tilgængelig", "ikke tilgaengelig"],
    "begrundelse": ["begrundelse", "hvorfor ikke tilgængelig"],
    "sammenligning": ["sammenligning", "anden baseline", "evt. anden baseline"],
    "sammenligning_label": ["sammenligning gælder", "anden baseline gælder"],
    "datakilde": ["datakilde", "kilde"],
    "udtrukket": ["data udtrukket", "udtrukket", "udtræksdato", "dato for udtræk"],
    "note": ["note", "noter", "bemærkning", "bemærkninger"],
    "indikator_id": ["indikator_id", "indikator id"],
    "boligomraade_id": ["boligomraade_id", "boligområde id"],
    "maalgruppe_noegle": ["maalgruppe_noegle"],
    IGNORERES: [
        "enhed",
        "baseline",
        "baseline år",
        "datakilde (baseline)",
        "opfølgningsår",
        "status",
        "kommune",
        "helhedsplan",
    ],
}
OVERSKRIFT_NOEGLE = {
    _skelet(navn): noegle for noegle, navne in _OVERSKRIFTER.items() for navn in navne
}
KRAEVET = ("indikator", "sted", "periode", "vaerdi")


# --- Safety before openpyxl -------------------------------------------------------------

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
            filer = arkiv.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise UgyldigFil(IKKE_XLSX) from exc
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


# --- Reading cells ----------------------------------------------------------------------


class CelleFejl(ValueError):
    pass


def _er_tom(vaerdi) -> bool:
    return vaerdi is None or (isinstance(vaerdi, str) and not vaerdi.strip())


def _vis(vaerdi) -> str:
    tekst = str(vaerdi).strip()
    return tekst if len(tekst) <= MAKS_VIST_TEKST else tekst[: MAKS_VIST_TEKST - 1] + "…"


def _format_decimaler(fmt: str | None) -> tuple[int | None, bool]:
    """The decimals a number format shows ('0.00' → 2, '#,##0.0 %' → 1) and whether it is a
    percent format. None when the format says nothing (General)."""
    if not fmt or fmt == "General" or fmt == "@":
        return None, False
    del_ = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", fmt.split(";")[0])
    procent = "%" in del_
    fundet = re.search(r"[0#?]\.([0#?]+)", del_)
    if fundet:
        return fundet.group(1).count("0") + fundet.group(1).count("?"), procent
    return (0 if re.search(r"[0#?]", del_) else None), procent


def _tal(celle) -> Decimal | None:
    vaerdi = celle.value
    if _er_tom(vaerdi):
        return None
    if isinstance(vaerdi, bool):
        raise CelleFejl("Skriv et tal, ikke SAND eller FALSK.")
    if isinstance(vaerdi, datetime.datetime | datetime.date | datetime.time):
        raise CelleFejl("Cellen indeholder en dato, ikke et tal. Formatér cellen som tal.")
    if isinstance(vaerdi, str):
        try:
            if len(vaerdi) > 30:
                raise UgyldigtTal(vaerdi)
            tal = fortolk_tal(vaerdi)
        except UgyldigtTal as exc:
            raise CelleFejl(f"»{_vis(vaerdi)}« er ikke et tal. Skriv fx 11,3 eller 47.") from exc
        if antal_decimaler(tal) > MAKS_DECIMALER:
            raise CelleFejl(f"»{_vis(vaerdi)}« har flere end {MAKS_DECIMALER} decimaler.")
        return tal
    if isinstance(vaerdi, float):
        if not math.isfinite(vaerdi):
            raise CelleFejl("Cellen indeholder ikke et tal.")
        tal = Decimal(int(vaerdi)) if vaerdi.is_integer() else Decimal(repr(vaerdi))
    elif isinstance(vaerdi, int | Decimal):
        tal = Decimal(vaerdi)
    else:
        raise CelleFejl(f"»{_vis(vaerdi)}« er ikke et tal.")
    decimaler, procent = _format_decimaler(getattr(celle, "number_format", None))
    if procent:  # Excel keeps 11,3 % as 0.113 with a percent format
        tal = tal.scaleb(2)
    egne = antal_decimaler(tal)
    if egne > MAKS_DECIMALER:
        if decimaler is None or decimaler > MAKS_DECIMALER:
            raise CelleFejl(
                f"Tallet {_vis(vaerdi)} har flere end {MAKS_DECIMALER} decimaler. Afrund det i "
                "Excel, fx med Formatér celler → Tal."
            )
        # A formula's result shown with the cell's decimals: keep what the person sees.
        return tal.quantize(Decimal(1).scaleb(-decimaler), rounding=ROUND_HALF_UP)
    if decimaler is not None and decimaler > egne:
        tal = tal.quantize(Decimal(1).scaleb(-min(decimaler, MAKS_DECIMALER)))
    return tal


def _tekst(celle, *, linjer: bool = False) -> str:
    """A text cell; one line unless `linjer` (a note keeps its line breaks)."""
    vaerdi = celle.value
    if _er_tom(vaerdi):
        return ""
    if isinstance(vaerdi, float) and vaerdi.is_integer():
        vaerdi = int(vaerdi)
    if isinstance(vaerdi, datetime.datetime | datetime.date):
        vaerdi = f"{vaerdi:%d.%m.%Y}"
    return str(vaerdi).strip() if linjer else " ".join(str(vaerdi).split())


def _periode(celle) -> str:
    vaerdi = celle.value
    if _er_tom(vaerdi):
        raise CelleFejl("Skriv perioden, fx 2024 eller aug 2024.")
    if isinstance(vaerdi, datetime.datetime | datetime.date):
        # Excel turns »aug 2024« into a date: a month.
        return f"{vaerdi.year:04d}-{vaerdi.month:02d}"
    if isinstance(vaerdi, float) and vaerdi.is_integer():
        vaerdi = int(vaerdi)
    try:
        return fortolk_periode(_vis(vaerdi))
    except UgyldigPeriode as exc:
        raise CelleFejl(str(exc)) from exc


JA = {"ja", "j", "x", "1", "true", "sand", "yes"}
NEJ = {"nej", "n", "0", "false", "falsk", "no"}


def _ja_nej(celle) -> bool:
    vaerdi = celle.value
    if _er_tom(vaerdi):
        return False
    if isinstance(vaerdi, bool):
        return vaerdi
    tekst = str(vaerdi).strip().casefold()
    if tekst in JA:
        return True
    if tekst in NEJ:
        return False
    raise CelleFejl(f"Skriv »Ja«, eller lad cellen være tom (der står »{_vis(vaerdi)}«).")


def _dato(celle) -> datetime.date | None:
    vaerdi = celle.value
    if _er_tom(vaerdi):
        return None
    if isinstance(vaerdi, datetime.datetime):
        return vaerdi.date()
    if isinstance(vaerdi, datetime.date):
        return vaerdi
    tekst = str(vaerdi).strip()
    for fmt in ("%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%y"):
        try:
            return datetime.datetime.strptime(tekst, fmt).date()
        except ValueError:
            continue
    raise CelleFejl(f"»{_vis(vaerdi)}« er ikke en dato. Skriv fx 01.03.2024.")


def _heltal(celle) -> int | None:
    vaerdi = celle.value
    if _er_tom(vaerdi):
        return None
    try:
        tal = Decimal(str(vaerdi).strip())
    except ArithmeticError as exc:
        raise CelleFejl("Den skjulte id-kolonne er ændret. Hent en ny skabelon.") from exc
    if tal != tal.to_integral_value():
        raise CelleFejl("Den skjulte id-kolonne er ændret. Hent en ny skabelon.")
    return int(tal)


# --- What the delaftale knows: indicators, areas, target groups --------------------------


def _navn(tekst: str) -> str:
    """Names compared the way a person reads them: case, spaces, dashes and æ/ae alike."""
    tekst = str(tekst).replace("\u2013", "-").replace("\u2014", "-").replace("\u2212", "-")
    return _skelet(tekst)


@dataclass
class Opslag:
    delaftale: Delaftale
    indikatorer: dict[int, Indikator]
    indikator_navne: dict[str, list[Indikator]]
    omraader: dict[int, Boligomraade]
    omraade_navne: dict[str, Boligomraade]
    maalgrupper: dict[int, dict[str, str]]  # indikator id → skelet → målgruppe as written

    @classmethod
    def for_opfoelgning(cls, opfoelgning: Opfoelgning) -> Opslag:
        delaftale = opfoelgning.delaftale
        indikatorer = list(
            Indikator.objects.filter(delmaal__delaftale=delaftale)
            .select_related("delmaal")
            .order_by("delmaal__raekkefoelge", "delmaal_id", "raekkefoelge", "pk")
        )
        omraader = list(Boligomraade.objects.filter(helhedsplan_id=delaftale.helhedsplan_id))
        maalgrupper: dict[int, dict[str, str]] = defaultdict(dict)
        for kilde in (Baseline, Maaling):
            for ind_id, gruppe in kilde.objects.filter(
                indikator__delmaal__delaftale=delaftale, boligomraade__isnull=True
            ).values_list("indikator_id", "maalgruppe"):
                maalgrupper[ind_id][_navn(gruppe or ALLE)] = gruppe
        navne: dict[str, list[Indikator]] = defaultdict(list)
        for ind in indikatorer:
            navne[_navn(ind.navn)].append(ind)
        return cls(
            delaftale=delaftale,
            indikatorer={i.pk: i for i in indikatorer},
            indikator_navne=dict(navne),
            omraader={o.pk: o for o in omraader},
            omraade_navne={_navn(o.navn): o for o in omraader},
            maalgrupper=dict(maalgrupper),
        )

    def indikator(self, navn: str, delmaal: str = "") -> Indikator:
        if not navn:
            raise CelleFejl("Skriv indikatorens navn.")
        fundne = self.indikator_navne.get(_navn(navn), [])
        if len(fundne) > 1 and delmaal:
            fundne = [i for i in fundne if _navn(i.delmaal.tekst) == _navn(delmaal)]
        if len(fundne) == 1:
            return fundne[0]
        if len(fundne) > 1:
            raise CelleFejl(
                f"Indikatoren »{_vis(navn)}« findes under flere delmål. Tilføj en kolonne "
                "»Delmål«, eller brug skabelonen."
            )
        forslag = difflib.get_close_matches(
            navn, [i.navn for i in self.indikatorer.values()], n=1, cutoff=0.75
        )
        hjaelp = f" Mente du »{forslag[0]}«?" if forslag else ""
        raise CelleFejl(
            f"Indikatoren »{_vis(navn)}« findes ikke i delaftalen {self.delaftale}.{hjaelp}"
        )

    def sted(self, indikator: Indikator, navn: str) -> tuple[Boligomraade | None, str]:
        grupper = self.maalgrupper.get(indikator.pk, {})
        noegle = _navn(navn or ALLE)
        if navn and noegle in self.omraade_navne:
            return self.omraade_navne[noegle], ""
        if noegle in grupper:
            return None, grupper[noegle]
        if not navn:
            raise CelleFejl("Skriv boligområdet eller målgruppen.")
        kendte = ", ".join(o.navn for o in self.omraader.values())
        raise CelleFejl(
            f"»{_vis(navn)}« er hverken et boligområde i {self.delaftale.helhedsplan} eller en "
            f"målgruppe for indikatoren. Boligområderne er: {kendte}."
        )


# --- Reading an upload ------------------------------------------------------------------


@dataclass
class Indlaesning:
    """What was read from a file: rows ready to plan, and every problem found."""

    ark: str = ""
    skabelon: bool = False
    raekker: list[MaalingInput] = field(default_factory=list)
    fejl: list[Fejl] = field(default_factory=list)
    advarsler: list[str] = field(default_factory=list)
    ikke_udfyldt: int = 0
    fremmede: int = 0  # template rows whose hidden id belongs to another delaftale
    kolonner: dict[str, tuple[int, str]] = field(default_factory=dict)
    _raekkenumre: dict[str, int] = field(default_factory=dict, repr=False)

    def kolonnenavn(self, noegle: str) -> str:
        nr, overskrift = self.kolonner[noegle]
        return f"kolonne {get_column_letter(nr + 1)} »{overskrift}«"

    def kilde(self, raekke: int) -> str:
        tekst = f"Ark »{self.ark}«, række {raekke}"
        self._raekkenumre[tekst] = raekke
        return tekst

    def raekkenummer(self, kilde: str) -> int:
        return self._raekkenumre.get(kilde, 0)


# What maalinger_planlaeg calls a field → the column it came from.
FELT_KOLONNE = {
    "værdi": "vaerdi",
    "vaerdi": "vaerdi",
    "vaerdi_decimaler": "vaerdi",
    "sammenligning": "sammenligning",
    "sammenligning_decimaler": "sammenligning",
    "sammenligning_label": "sammenligning_label",
    "begrundelse": "begrundelse",
    "ikke_tilgaengelig": "ikke_tilgaengelig",
    "målgruppe": "sted",
    "maalgruppe": "sted",
    "boligområde": "sted",
    "indikator": "indikator",
    "periode": "periode",
    "datakilde": "datakilde",
    "udtrukket": "udtrukket",
    "note": "note",
}


def _vaelg_ark(bog):
    ark = [a for a in bog.worksheets]
    if not ark:
        raise UgyldigFil("Filen indeholder intet regneark.")
    for a in ark:
        if _skelet(a.title) == _skelet(ARK):
            return a
    for a in ark:
        if _skelet(a.title) != _skelet(VEJLEDNING):
            return a
    return ark[0]


def _find_overskrifter(raekker: Iterable, indl: Indlaesning) -> int:
    """Find the header row among the first rows; fill indl.kolonner; return its number."""
    foerste: tuple[int, list] | None = None
    for nr, celler in raekker:
        if nr > 1000:  # the header belongs at the top
            break
        vaerdier = [c.value for c in celler]
        if all(_er_tom(v) for v in vaerdier):
            continue
        if foerste is None:
            foerste = (nr, vaerdier)
        noegler = [OVERSKRIFT_NOEGLE.get(_skelet(v)) if not _er_tom(v) else None for v in vaerdier]
        if "indikator" in noegler or "indikator_id" in noegler:
            _kolonner(nr, vaerdier, noegler, indl)
            return nr
        if nr - foerste[0] >= 10:
            break
    if foerste is None:
        raise UgyldigFil(f"Arket »{indl.ark}« er tomt.")
    fundne = ", ".join(
        f"{get_column_letter(i + 1)} »{_vis(v)}«"
        for i, v in enumerate(foerste[1])
        if not _er_tom(v)
    )
    raise UgyldigFil(
        f"Arket »{indl.ark}« har ikke de kolonner, der skal bruges: »Indikator«, "
        f"»Boligområde/målgruppe«, »Periode« og »Værdi« i en overskriftsrække øverst. "
        f"Række {foerste[0]} har: {fundne}."
    )


def _kolonner(nr: int, vaerdier: list, noegler: list, indl: Indlaesning) -> None:
    for i, (vaerdi, noegle) in enumerate(zip(vaerdier, noegler, strict=True)):
        if _er_tom(vaerdi):
            continue
        bogstav = get_column_letter(i + 1)
        if noegle is None:
            indl.advarsler.append(
                f"Kolonne {bogstav} »{_vis(vaerdi)}« kendes ikke og bliver ikke indlæst."
            )
            continue
        if noegle == IGNORERES:
            continue
        if noegle in indl.kolonner:
            tidligere = get_column_letter(indl.kolonner[noegle][0] + 1)
            raise UgyldigFil(
                f"Kolonnen »{_vis(vaerdi)}« findes to gange i arket »{indl.ark}« (kolonne "
                f"{tidligere} og {bogstav}, række {nr}). Slet eller omdøb den ene."
            )
        indl.kolonner[noegle] = (i, str(vaerdi).strip())
    indl.skabelon = "indikator_id" in indl.kolonner
    mangler = [
        KOLONNE[n].overskrift
        for n in KRAEVET
        if n not in indl.kolonner
        and not (indl.skabelon and n == "indikator")
        and not (indl.skabelon and n == "sted" and "boligomraade_id" in indl.kolonner)
    ]
    if mangler:
        navne = " og ".join(f"»{m}«" for m in mangler)
        ental = len(mangler) == 1
        raise UgyldigFil(
            f"{'Kolonnen' if ental else 'Kolonnerne'} {navne} mangler "
            f"i arket »{indl.ark}« (overskriftsrækken er række {nr}). Brug skabelonen, eller "
            "giv kolonnerne de navne, der står i vejledningen."
        )


def _celle(celler: tuple, indl: Indlaesning, noegle: str):
    sted = indl.kolonner.get(noegle)
    if sted is None or sted[0] >= len(celler):
        return _TOM
    return celler[sted[0]]


class _TomCelle:
    value = None
    number_format = "General"


_TOM = _TomCelle()


def laes_maalinger(indhold: bytes, *, opfoelgning: Opfoelgning) -> Indlaesning:
    """Read every row of an uploaded sheet into MaalingInput rows and cell errors.

    Raises UgyldigFil when the file as a whole cannot be used."""
    kontroller_fil(indhold)
    opslag = Opslag.for_opfoelgning(opfoelgning)
    try:
        bog = load_workbook(io.BytesIO(indhold), read_only=True, data_only=True)
    except Exception as exc:  # untrusted input: openpyxl raises many kinds; none may be a 500
        logger.info("Excel-fil kunne ikke åbnes: %r", exc)
        raise UgyldigFil(
            "Filen kunne ikke læses som et Excel-ark. Åbn den i Excel, gem den som "
            "»Excel-projektmappe (.xlsx)«, og indlæs den igen."
        ) from exc
    try:
        return _laes_bog(bog, opfoelgning, opslag)
    except UgyldigFil:
        raise
    except Exception as exc:
        logger.warning("Excel-fil kunne ikke læses: %r", exc, exc_info=True)
        raise UgyldigFil(
            "Filen kunne ikke læses som et Excel-ark. Åbn den i Excel, gem den som "
            "»Excel-projektmappe (.xlsx)«, og indlæs den igen."
        ) from exc
    finally:
        bog.close()


def _laes_bog(bog, opfoelgning: Opfoelgning, opslag: Opslag) -> Indlaesning:
    """Pure reading: no database access here, so any exception is the file's fault."""
    ark = _vaelg_ark(bog)
    ark.reset_dimensions()  # a file's own <dimension> may be wrong; read the rows that are there
    indl = Indlaesning(ark=ark.title)
    raekker = enumerate(ark.iter_rows(max_col=MAKS_KOLONNER), start=1)
    overskrift = _find_overskrifter(raekker, indl)
    for nr, celler in raekker:
        if nr - overskrift > MAKS_RAEKKER:
            raise UgyldigFil(
                f"Arket »{indl.ark}« har mere end {MAKS_RAEKKER:,} rækker. ".replace(",", ".")
                + "Del det op i flere filer."
            )
        _laes_raekke(nr, celler, indl, opslag, opfoelgning)
    if indl.fremmede and not indl.raekker and indl.fremmede == len({f.kilde for f in indl.fejl}):
        raise UgyldigFil(
            f"Skabelonen er hentet til en anden delaftale. Hent skabelonen for "
            f"{opslag.delaftale} {opfoelgning.aar}, og skriv tallene i den."
        )
    if not indl.raekker and not indl.fejl:
        raise UgyldigFil(
            f"Arket »{indl.ark}« har ingen udfyldte rækker under overskrifterne. "
            "Skriv værdierne i kolonnen »Værdi«."
        )
    return indl


def _laes_raekke(nr: int, celler: tuple, indl: Indlaesning, opslag: Opslag, opf) -> None:
    if all(_er_tom(c.value) for c in celler):
        return
    if indl.skabelon and all(
        _er_tom(_celle(celler, indl, n).value) for n in INPUT if n != "periode"
    ):
        indl.ikke_udfyldt += 1
        return
    kilde = indl.kilde(nr)
    fejl: list[Fejl] = []

    def laes(noegle: str, funktion):
        try:
            return funktion(_celle(celler, indl, noegle))
        except CelleFejl as exc:
            fejl.append(Fejl(kilde, indl.kolonnenavn(noegle), str(exc)))
            return None

    indikator = boligomraade = None
    maalgruppe = ""
    try:
        indikator = _raekkens_indikator(celler, indl, opslag)
    except CelleFejl as exc:
        noegle = "indikator" if "indikator" in indl.kolonner else "indikator_id"
        fejl.append(Fejl(kilde, indl.kolonnenavn(noegle), str(exc)))
    if indikator is not None:
        try:
            boligomraade, maalgruppe = _raekkens_sted(celler, indl, opslag, indikator)
        except CelleFejl as exc:
            noegle = "sted" if "sted" in indl.kolonner else "boligomraade_id"
            fejl.append(Fejl(kilde, indl.kolonnenavn(noegle), str(exc)))
    periode = laes("periode", _periode)
    if periode and int(periode[:4]) != opf.aar:
        fejl.append(
            Fejl(
                kilde,
                indl.kolonnenavn("periode"),
                f"Perioden {formater_periode(periode)} ligger ikke i opfølgningens år "
                f"{opf.aar}. Indlæs den i opfølgningen for {periode[:4]}.",
            )
        )
    vaerdi = laes("vaerdi", _tal)
    ikke_tilgaengelig = laes("ikke_tilgaengelig", _ja_nej)
    sammenligning = laes("sammenligning", _tal)
    udtrukket = laes("udtrukket", _dato)
    if fejl or indikator is None:
        indl.fejl += fejl
        return
    indl.raekker.append(
        MaalingInput(
            indikator=indikator,
            periode=periode,
            boligomraade=boligomraade,
            maalgruppe=maalgruppe,
            vaerdi=vaerdi,
            ikke_tilgaengelig=bool(ikke_tilgaengelig),
            begrundelse=_tekst(_celle(celler, indl, "begrundelse")),
            sammenligning=sammenligning,
            sammenligning_label=_tekst(_celle(celler, indl, "sammenligning_label")),
            datakilde=_tekst(_celle(celler, indl, "datakilde")),
            udtrukket=udtrukket,
            note=_tekst(_celle(celler, indl, "note"), linjer=True),
            kilde=kilde,
        )
    )


def _raekkens_indikator(celler, indl: Indlaesning, opslag: Opslag) -> Indikator:
    if indl.skabelon:
        ind_id = _heltal(_celle(celler, indl, "indikator_id"))
        if ind_id is not None:
            if ind_id not in opslag.indikatorer:
                indl.fremmede += 1
                raise CelleFejl(
                    "Rækken er fra en skabelon for en anden delaftale, eller indikatoren er "
                    "slettet. Hent en ny skabelon."
                )
            return opslag.indikatorer[ind_id]
    return opslag.indikator(
        _tekst(_celle(celler, indl, "indikator")), _tekst(_celle(celler, indl, "delmaal"))
    )


def _raekkens_sted(celler, indl: Indlaesning, opslag: Opslag, indikator: Indikator):
    if indl.skabelon:
        omraade_id = _heltal(_celle(celler, indl, "boligomraade_id"))
        if omraade_id is not None:
            if omraade_id not in opslag.omraader:
                raise CelleFejl("Boligområdet hører ikke til helhedsplanen. Hent en ny skabelon.")
            return opslag.omraader[omraade_id], ""
        gruppe = _tekst(_celle(celler, indl, "maalgruppe_noegle"))
        if gruppe:
            return opslag.sted(indikator, gruppe)
    return opslag.sted(indikator, _tekst(_celle(celler, indl, "sted")))


@dataclass
class Forhaandsvisning:
    indlaesning: Indlaesning
    plan: Plan
    fejl: list[Fejl]

    @property
    def kan_gemmes(self) -> bool:
        return not self.fejl and bool(self.plan.nye or self.plan.aendrede)


def maalinger_forhaandsvis(indhold: bytes, *, opfoelgning: Opfoelgning) -> Forhaandsvisning:
    """Read and plan without writing: what would be created and changed, and every error."""
    indl = laes_maalinger(indhold, opfoelgning=opfoelgning)
    plan = maalinger_planlaeg(opfoelgning=opfoelgning, raekker=indl.raekker)
    fejl = sorted(
        [*indl.fejl, *(_med_kolonne(f, indl) for f in plan.fejl)],
        key=lambda f: indl.raekkenummer(f.kilde),
    )
    return Forhaandsvisning(indlaesning=indl, plan=plan, fejl=fejl)


def _med_kolonne(fejl: Fejl, indl: Indlaesning) -> Fejl:
    """Name the sheet's column in an error from the model rules ('værdi' → 'kolonne I »Værdi«')."""
    noegle = FELT_KOLONNE.get(fejl.felt)
    if noegle and noegle not in indl.kolonner and noegle == "sted":
        noegle = "boligomraade_id"
    if noegle and noegle in indl.kolonner:
        return Fejl(fejl.kilde, indl.kolonnenavn(noegle), fejl.besked)
    return fejl


# --- Writing: template and export -------------------------------------------------------

LAAST_FYLD = PatternFill("solid", fgColor="F2F2F2")
OVERSKRIFT_FYLD = PatternFill("solid", fgColor="D9E2F3")
FED = Font(bold=True)
OMBRYD = Alignment(wrap_text=True, vertical="top")
AABEN = Protection(locked=False)
DATOFORMAT = "DD.MM.YYYY"


def _talformat(decimaler: int) -> str:
    return "0" if not decimaler else "0." + "0" * decimaler


def _skriv(celle, vaerdi, decimaler: int | None = None) -> None:
    """Numbers as numbers with their decimals, dates as dates, text always as text."""
    if vaerdi is None or vaerdi == "":
        return
    if isinstance(vaerdi, bool):
        celle.value = "Ja" if vaerdi else ""
        return
    if isinstance(vaerdi, Decimal | int) and not isinstance(vaerdi, bool):
        d = antal_decimaler(Decimal(vaerdi)) if decimaler is None else decimaler
        celle.value = Decimal(vaerdi).quantize(Decimal(1).scaleb(-d))
        celle.number_format = _talformat(d)
        return
    if isinstance(vaerdi, datetime.date):
        celle.value = vaerdi
        celle.number_format = DATOFORMAT
        return
    tekst = str(vaerdi)
    celle.value = tekst
    celle.data_type = "s"  # never a formula, even when it starts with =, +, - or @
    if tekst.startswith(FORMEL_START):
        celle.quotePrefix = True


def _enhed(ind: Indikator) -> str:
    if ind.enhed == Indikator.Enhed.PROCENT:
        return "%"
    if ind.enhed == Indikator.Enhed.ANTAL:
        return "antal"
    return ind.enhed_tekst


@dataclass
class _Skabelonraekke:
    indikator: Indikator
    boligomraade: Boligomraade | None
    maalgruppe: str
    baseline: Baseline | None
    maaling: Maaling | None
    periode: str


def _skabelonraekker(opfoelgning: Opfoelgning) -> list[_Skabelonraekke]:
    delaftale = opfoelgning.delaftale
    indikatorer = list(
        Indikator.objects.filter(delmaal__delaftale=delaftale)
        .select_related("delmaal")
        .prefetch_related(Prefetch("baselines", Baseline.objects.select_related("boligomraade")))
        .order_by("delmaal__raekkefoelge", "delmaal_id", "raekkefoelge", "pk")
    )
    omraader = list(Boligomraade.objects.filter(helhedsplan_id=delaftale.helhedsplan_id))
    maalinger: dict[tuple, list[Maaling]] = defaultdict(list)
    for m in (
        Maaling.objects.filter(opfoelgning=opfoelgning)
        .select_related("boligomraade")
        .order_by("periode", "pk")
    ):
        maalinger[(m.indikator_id, m.boligomraade_id, m.maalgruppe)].append(m)
    raekker = []
    for ind in indikatorer:
        steder: dict[tuple, tuple[Boligomraade | None, str, Baseline | None]] = {}
        for b in ind.baselines.all():
            noegle = (b.boligomraade_id, "" if b.boligomraade_id else b.maalgruppe)
            steder.setdefault(noegle, (b.boligomraade, noegle[1], b))
        if not steder:
            for o in omraader:
                steder[(o.pk, "")] = (o, "", None)
        for (ind_id, omraade_id, gruppe), ms in maalinger.items():
            if ind_id == ind.pk and (omraade_id, gruppe) not in steder:
                steder[(omraade_id, gruppe)] = (ms[0].boligomraade, gruppe, None)
        for noegle, (omraade, gruppe, baseline) in steder.items():
            eksisterende = maalinger.get((ind.pk, *noegle), [])
            for m in eksisterende or [None]:
                raekker.append(
                    _Skabelonraekke(
                        indikator=ind,
                        boligomraade=omraade,
                        maalgruppe=gruppe,
                        baseline=baseline,
                        maaling=m,
                        periode=m.periode if m else str(opfoelgning.aar),
                    )
                )
    return raekker


def _intervaller(bogstav: str, raekker: list[int]) -> list[str]:
    """['I2:I5', 'I8'] for rows 2, 3, 4, 5, 8: few ranges for a data validation."""
    dele, start, forrige = [], None, None
    for r in sorted(raekker):
        if start is None:
            start = forrige = r
        elif r == forrige + 1:
            forrige = r
        else:
            dele.append((start, forrige))
            start = forrige = r
    if start is not None:
        dele.append((start, forrige))
    return [f"{bogstav}{a}" if a == b else f"{bogstav}{a}:{bogstav}{b}" for a, b in dele]


def skabelon(opfoelgning: Opfoelgning) -> bytes:
    """A pre-filled template for the year: baselines locked, inputs open and validated."""
    delaftale = opfoelgning.delaftale
    raekker = _skabelonraekker(opfoelgning)
    bog = Workbook()
    ark = bog.active
    ark.title = ARK
    titel = f"Målinger {opfoelgning.aar} – {delaftale}"
    bog.properties.title = titel[:200]
    bog.properties.language = "da-DK"
    bog.properties.creator = "Delaftaler"

    for nr, kol in enumerate(KOLONNER, start=1):
        celle = ark.cell(row=1, column=nr, value=kol.overskrift)
        celle.font = FED
        celle.fill = OVERSKRIFT_FYLD
        celle.alignment = OMBRYD
        dim = ark.column_dimensions[get_column_letter(nr)]
        dim.width = kol.bredde
        dim.hidden = kol.skjult
    kolonne_nr = {k.noegle: nr for nr, k in enumerate(KOLONNER, start=1)}

    procent_raekker, andre_raekker = [], []
    for r, raekke in enumerate(raekker, start=2):
        ind, b, m = raekke.indikator, raekke.baseline, raekke.maaling
        sted = raekke.boligomraade.navn if raekke.boligomraade else (raekke.maalgruppe or ALLE)
        vaerdi_decimaler = b.vaerdi_decimaler if b and b.vaerdi is not None else None
        laast = {
            "delmaal": ind.delmaal.tekst,
            "indikator": ind.navn,
            "sted": sted,
            "enhed": _enhed(ind),
            "baseline_aar": formater_periode(b.periode) if b else "",
            "baseline_datakilde": (b.datakilde_tekst if b else ind.datakilde),
            "indikator_id": ind.pk,
            "boligomraade_id": raekke.boligomraade.pk if raekke.boligomraade else None,
            "maalgruppe_noegle": raekke.maalgruppe if not raekke.boligomraade else "",
        }
        for noegle, vaerdi in laast.items():
            decimaler = 0 if noegle.endswith("_id") else None
            _skriv(ark.cell(row=r, column=kolonne_nr[noegle]), vaerdi, decimaler)
        baseline_celle = ark.cell(row=r, column=kolonne_nr["baseline"])
        if b and b.afventer:
            _skriv(baseline_celle, "Data kommer")
        elif b and b.vaerdi is not None:
            _skriv(baseline_celle, b.vaerdi, b.vaerdi_decimaler)
        for noegle in (k.noegle for k in KOLONNER if k.laast):
            celle = ark.cell(row=r, column=kolonne_nr[noegle])
            celle.fill = LAAST_FYLD
            if noegle in ("delmaal", "indikator"):
                celle.alignment = OMBRYD
        for noegle in INPUT:
            ark.cell(row=r, column=kolonne_nr[noegle]).protection = AABEN
        periode = ark.cell(row=r, column=kolonne_nr["periode"])
        periode.number_format = "@"
        _skriv(periode, formater_periode(raekke.periode))
        vaerdi = ark.cell(row=r, column=kolonne_nr["vaerdi"])
        if vaerdi_decimaler is not None:
            # What is typed is shown, and read back, with the baseline's decimals.
            vaerdi.number_format = _talformat(vaerdi_decimaler)
        ark.cell(row=r, column=kolonne_nr["udtrukket"]).number_format = DATOFORMAT
        if m is not None:
            if m.ikke_tilgaengelig:
                _skriv(ark.cell(row=r, column=kolonne_nr["ikke_tilgaengelig"]), "Ja")
            else:
                _skriv(vaerdi, m.vaerdi, m.vaerdi_decimaler)
            if m.sammenligning is not None:
                _skriv(
                    ark.cell(row=r, column=kolonne_nr["sammenligning"]),
                    m.sammenligning,
                    m.sammenligning_decimaler,
                )
            for noegle in ("begrundelse", "sammenligning_label", "datakilde", "udtrukket", "note"):
                _skriv(ark.cell(row=r, column=kolonne_nr[noegle]), getattr(m, noegle))
        (procent_raekker if ind.er_procent else andre_raekker).append(r)

    sidste = len(raekker) + 1
    _validering(ark, procent_raekker, andre_raekker, sidste)
    ark.freeze_panes = "D2"  # the header row, and which indicator and area, stay in view
    ark.auto_filter.ref = f"A1:{BOGSTAV['note']}{max(sidste, 2)}"
    ark.protection.sheet = True
    ark.protection.formatColumns = False
    ark.protection.formatRows = False
    ark.protection.autoFilter = False
    ark.protection.sort = False
    _vejledning(bog.create_sheet(VEJLEDNING), opfoelgning)
    ud = io.BytesIO()
    bog.save(ud)
    return ud.getvalue()


def _validering(ark, procent: list[int], andre: list[int], sidste: int) -> None:
    kolonner = (BOGSTAV["vaerdi"], BOGSTAV["sammenligning"])
    if procent:
        dv = DataValidation(
            type="decimal",
            operator="between",
            formula1="0",
            formula2="100",
            allow_blank=True,
            showErrorMessage=True,
            showInputMessage=True,
            errorTitle="Ugyldig procentsats",
            error="Skriv en procentsats mellem 0 og 100, fx 11,3.",
            promptTitle="Procent",
            prompt="Et tal mellem 0 og 100, fx 11,3.",
        )
        for k in kolonner:
            for interval in _intervaller(k, procent):
                dv.add(interval)
        ark.add_data_validation(dv)
    if andre:
        dv = DataValidation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            showInputMessage=True,
            errorTitle="Ugyldigt tal",
            error="Skriv et tal, der er 0 eller større, fx 47.",
            promptTitle="Tal",
            prompt="Et tal, der er 0 eller større.",
        )
        for k in kolonner:
            for interval in _intervaller(k, andre):
                dv.add(interval)
        ark.add_data_validation(dv)
    if sidste < 2:
        return
    ja = DataValidation(
        type="list",
        formula1='"Ja"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Ikke tilgængelig",
        error="Vælg »Ja«, eller lad cellen være tom.",
    )
    ja.add(f"{BOGSTAV['ikke_tilgaengelig']}2:{BOGSTAV['ikke_tilgaengelig']}{sidste}")
    ark.add_data_validation(ja)
    dato = DataValidation(
        type="date",
        operator="between",
        formula1=str(int(to_excel(datetime.datetime(2000, 1, 1)))),
        formula2=str(int(to_excel(datetime.datetime(2100, 12, 31)))),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Ugyldig dato",
        error="Skriv datoen, hvor data blev udtrukket, fx 01.03.2024.",
    )
    dato.add(f"{BOGSTAV['udtrukket']}2:{BOGSTAV['udtrukket']}{sidste}")
    ark.add_data_validation(dato)


VEJLEDNINGSTEKST = (
    "Sådan udfylder du arket »Målinger«",
    "",
    "Arket har én række pr. indikator og boligområde (eller målgruppe) med baselinen. "
    "De grå kolonner er låst; skriv kun i de hvide.",
    "Periode: året er udfyldt. Skriv en måned som »aug {aar}«, hvis tallet gælder en måned. "
    "Perioden skal ligge i {aar}.",
    "Værdi: skriv tallet som i Excel, fx 11,3 for 11,3 %. Tallet gemmes med de decimaler, "
    "cellen viser (som baselinen), så 12 i en celle med én decimal bliver 12,0.",
    "Ikke tilgængelig: vælg »Ja«, hvis tallet ikke findes, og skriv hvorfor i »Begrundelse«.",
    "Sammenligning og Sammenligning gælder: fx kommunens tal og »Vejle Kommune«.",
    "Datakilde og Data udtrukket: hvor tallet kommer fra, og hvornår det blev trukket "
    "(fx 01.03.{aar}). Tom datakilde: indikatorens datakilde bruges.",
    "Rækker uden værdi springes over. Eksisterende målinger for året står allerede i arket; "
    "ret dem, hvis de skal ændres.",
    "",
    "Indlæs arket under »Indlæs fra Excel« på opfølgningen for {aar}. Hele filen kontrolleres "
    "først; du ser, hvad der oprettes og ændres, og hver fejl med ark, række og kolonne, før "
    "noget gemmes. Enten gemmes alle rækker, eller ingen.",
    "",
    "Tal fra et udtræk (fx LBF Beboerdata) kan også indlæses i et almindeligt ark med "
    "kolonnerne Indikator, Boligområde, Periode, Værdi og evt. Kilde, med overskrifterne i "
    "første række. Indikator og boligområde skal staves som i delaftalen.",
    "",
    "Delaftale: {delaftale}",
)


def _vejledning(ark, opfoelgning: Opfoelgning) -> None:
    ark.column_dimensions["A"].width = 110
    for nr, linje in enumerate(VEJLEDNINGSTEKST, start=1):
        tekst = linje.format(aar=opfoelgning.aar, delaftale=opfoelgning.delaftale)
        celle = ark.cell(row=nr, column=1)
        _skriv(celle, tekst)
        celle.alignment = Alignment(wrap_text=True, vertical="top")
        if nr == 1:
            celle.font = Font(bold=True, size=14)


EKSPORT_KOLONNER = (
    ("Opfølgningsår", 13),
    ("Status", 22),
    ("Delmål", 36),
    ("Indikator", 46),
    ("Boligområde/målgruppe", 26),
    ("Enhed", 8),
    ("Periode", 11),
    ("Værdi", 11),
    ("Ikke tilgængelig", 14),
    ("Begrundelse", 30),
    ("Sammenligning", 14),
    ("Sammenligning gælder", 22),
    ("Datakilde", 22),
    ("Data udtrukket", 14),
    ("Note", 40),
)


def maalinger_eksport(delaftale: Delaftale, *, opfoelgninger=None) -> bytes:
    """All measurements of a delaftale, every year, as a spreadsheet.

    `opfoelgninger` narrows it to the follow-ups a user may see."""
    maalinger = (
        Maaling.objects.filter(indikator__delmaal__delaftale=delaftale)
        .select_related("opfoelgning", "indikator__delmaal", "boligomraade")
        .order_by(
            "opfoelgning__aar",
            "indikator__delmaal__raekkefoelge",
            "indikator__delmaal_id",
            "indikator__raekkefoelge",
            "indikator_id",
            "boligomraade__raekkefoelge",
            "boligomraade__navn",
            "maalgruppe",
            "periode",
        )
    )
    if opfoelgninger is not None:
        maalinger = maalinger.filter(opfoelgning__in=opfoelgninger)
    bog = Workbook()
    ark = bog.active
    ark.title = ARK
    bog.properties.title = f"Målinger – {delaftale}"[:200]
    bog.properties.language = "da-DK"
    bog.properties.creator = "Delaftaler"
    for nr, (overskrift, bredde) in enumerate(EKSPORT_KOLONNER, start=1):
        celle = ark.cell(row=1, column=nr, value=overskrift)
        celle.font = FED
        ark.column_dimensions[get_column_letter(nr)].width = bredde
    for r, m in enumerate(maalinger.iterator(chunk_size=2000), start=2):
        vaerdier = (
            (m.opfoelgning.aar, 0),
            (m.opfoelgning.get_status_display(), None),
            (m.indikator.delmaal.tekst, None),
            (m.indikator.navn, None),
            (m.boligomraade.navn if m.boligomraade_id else (m.maalgruppe or ALLE), None),
            (_enhed(m.indikator), None),
            (formater_periode(m.periode), None),
            (m.vaerdi, m.vaerdi_decimaler),
            ("Ja" if m.ikke_tilgaengelig else "", None),
            (m.begrundelse, None),
            (m.sammenligning, m.sammenligning_decimaler),
            (m.sammenligning_label, None),
            (m.datakilde_tekst, None),
            (m.udtrukket, None),
            (m.note, None),
        )
        for k, (vaerdi, decimaler) in enumerate(vaerdier, start=1):
            _skriv(ark.cell(row=r, column=k), vaerdi, decimaler)
    ark.freeze_panes = "A2"
    ark.auto_filter.ref = f"A1:{get_column_letter(len(EKSPORT_KOLONNER))}{max(ark.max_row, 2)}"
    ud = io.BytesIO()
    bog.save(ud)
    return ud.getvalue()
