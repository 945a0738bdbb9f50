"""The sheet's columns: what the template writes, and which headers an upload may use.

A header is matched by its skeleton (`skelet`), so Danish and ASCII spellings, case and
punctuation do not matter; a plain long-format sheet (indikator, boligområde, periode,
værdi, tæller, nævner, kilde) pasted from an LBF Beboerdata extract is read as well as the
template. Tæller and nævner may be left out (older sheets have neither); værdi may be left
out when both are there.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from indikatorer.models import ALLE_BOLIGOMRAADER

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ARK = "Målinger"
VEJLEDNING = "Vejledning"
ALLE = ALLE_BOLIGOMRAADER  # the sted of a baseline given for no area or group


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
    Kolonne("taeller", "Tæller", 9),
    Kolonne("naevner", "Nævner", 9),
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


def skelet(tekst: str) -> str:
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
    "taeller": ["tæller", "taeller", "antal personer"],
    "naevner": ["nævner", "naevner", "antal i alt", "population"],
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
    skelet(navn): noegle for noegle, navne in _OVERSKRIFTER.items() for navn in navne
}
KRAEVET = ("indikator", "sted", "periode", "vaerdi")
ANTAL = ("taeller", "naevner")  # together, they can stand in for værdi

# What maalinger_planlaeg calls a field → the column it came from.
FELT_KOLONNE = {
    "værdi": "vaerdi",
    "vaerdi": "vaerdi",
    "vaerdi_decimaler": "vaerdi",
    "tæller": "taeller",
    "taeller": "taeller",
    "nævner": "naevner",
    "naevner": "naevner",
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
