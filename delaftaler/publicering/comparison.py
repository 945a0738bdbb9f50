"""A readable comparison of two snapshots of a delaftale.

- Texts (rich text too: the visible text of the sanitised HTML, paragraph by paragraph)
  are compared word by word with difflib, so a reader sees exactly which words went and
  came.
- The LBF table (delmål × indikator × boligområde → baseline, anden baseline, år,
  datakilde) is compared cell by cell, row by row; rows are matched by the baseline's id,
  so an edited value is a changed cell and a new area is an added row.
- Parter, delmål, indikatorer, aktiviteter and boligområder are matched by id: added and
  removed ones are marked as such, changed ones list the changed fields.

Everything is built here once; templates/publicering/_sammenligning.html only renders it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

from django.db import models

from delaftaler.lib.formatting import formater_dato
from delaftaler.lib.richtext import RigTekstField
from delaftaler.models import Delaftale, Helhedsplan, Indsatsomraade, Version
from delaftaler.publicering.changes import Aendring, klassificer, objektnavn, sammenlign
from delaftaler.snapshot import DELE, M2M, TIDSSTEMPLER, Snapshot, fra_snapshot
from indikatorer.tal import formater_tal

LIG = "lig"
NY = "ny"
GAMMEL = "gammel"

TILFOEJET = "tilfoejet"
FJERNET = "fjernet"
AENDRET = "aendret"
UAENDRET = "uaendret"
STATUS_TEKST = {TILFOEJET: "Tilføjet", FJERNET: "Fjernet", AENDRET: "Ændret", UAENDRET: "Uændret"}

# Fields that say where a row belongs or when it was saved, not what it says.
IKKE_VIST = TIDSSTEMPLER | {"id", "delaftale_id", "helhedsplan_id", "indsatsomraade_id"}
# A row's place is its position in the list; its number means something only as a move.
KUN_AENDRINGER = {"raekkefoelge"}

# The object sections after the delaftale's own fields; baselines are the table.
AFSNIT = [
    ("parter", "Parter"),
    ("delmaal", "Delmål"),
    ("indikatorer", "Indikatorer"),
    ("aktiviteter", "Aktiviteter"),
    ("boligomraader", "Boligområder"),
]

TABEL_KOLONNER = [
    "Delmål",
    "Indikator",
    "Boligområde/målgruppe",
    "Baseline",
    "Evt. anden baseline",
    "Baseline år",
    "Datakilde",
]


# --- Word by word -------------------------------------------------------------------------


@dataclass(frozen=True)
class Stykke:
    """A run of words that is the same in both, only in the new text, or only in the old."""

    tekst: str
    art: str = LIG

    @property
    def er_ny(self) -> bool:
        return self.art == NY

    @property
    def er_gammel(self) -> bool:
        return self.art == GAMMEL


Afsnit = list[Stykke]

_BLOKKE = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "div", "blockquote", "ul", "ol", "tr"}


class _Tekst(HTMLParser):
    """The visible text of sanitised HTML, one string per paragraph or list item."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.afsnit: list[str] = []
        self._nu: list[str] = []

    def _slut(self) -> None:
        tekst = " ".join("".join(self._nu).split())
        if tekst:
            self.afsnit.append(tekst)
        self._nu = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOKKE or tag == "br":
            self._slut()
        if tag == "li":
            self._nu.append("• ")

    def handle_endtag(self, tag):
        if tag in _BLOKKE:
            self._slut()

    def handle_data(self, data):
        self._nu.append(data)

    def close(self) -> None:
        super().close()
        self._slut()


def synlig_tekst(html: str) -> list[str]:
    """Rich text as the reader sees it: its paragraphs (list items start with »• «)."""
    if not html:
        return []
    if "<" not in html:
        return [" ".join(html.split())] if html.strip() else []
    parser = _Tekst()
    parser.feed(html)
    parser.close()
    return parser.afsnit


_AFSNITSSKIFT = "\n"


def _ord(afsnit: list[str]) -> list[str]:
    tokens: list[str] = []
    for nr, tekst in enumerate(afsnit):
        if nr:
            tokens.append(_AFSNITSSKIFT)
        tokens.extend(tekst.split())
    return tokens


def _tilfoej(afsnit: list[Afsnit], tokens: list[str], art: str) -> None:
    for token in tokens:
        if token == _AFSNITSSKIFT:
            afsnit.append([])
            continue
        nu = afsnit[-1]
        if nu and nu[-1].art == art:
            nu[-1] = Stykke(f"{nu[-1].tekst} {token}", art)
        else:
            nu.append(Stykke(token, art))


def ordforskel(foer: list[str], efter: list[str]) -> list[Afsnit]:
    """Two texts (lists of paragraphs) as paragraphs of unchanged, removed and added words.

    A paragraph break that only one side has ends the paragraph, so a split or joined
    paragraph still reads as paragraphs.
    """
    a, b = _ord(foer), _ord(efter)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    afsnit: list[Afsnit] = [[]]
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            _tilfoej(afsnit, a[i1:i2], LIG)
            continue
        if op in ("delete", "replace"):
            _tilfoej(afsnit, a[i1:i2], GAMMEL)
        if op in ("insert", "replace"):
            _tilfoej(afsnit, b[j1:j2], NY)
    return [a for a in afsnit if a]


def uaendret(afsnit: list[str]) -> list[Afsnit]:
    return [[Stykke(tekst)] for tekst in afsnit]


# --- Fields and objects ---------------------------------------------------------------------


@dataclass
class Felt:
    """One field of an object: its name and, as paragraphs of runs, what changed."""

    navn: str
    afsnit: list[Afsnit]
    rig: bool = False


@dataclass
class Objekt:
    del_: str
    pk: int
    navn: str
    status: str
    felter: list[Felt] = field(default_factory=list)

    @property
    def status_tekst(self) -> str:
        return STATUS_TEKST[self.status]


@dataclass
class Sektion:
    noegle: str
    overskrift: str
    objekter: list[Objekt]


def _navn(opslag: dict[int, str], pk: int) -> str:
    return opslag.get(pk, f"nr. {pk}")


def _opslag(f: models.Field, navne: dict[str, dict[int, str]]) -> dict[int, str]:
    """The names of what a foreign key or many-to-many field points to."""
    return navne.get(f.related_model._meta.model_name, {})


def vis_felt(
    f: models.Field, raekke: dict[str, Any], navne: dict[str, dict[int, str]]
) -> list[str]:
    """A field of a row (a snapshot's or a history record's) as the paragraphs a reader
    sees: rich text as its visible text, choices by label, dates as 01.12.2021, numbers
    Danish style with their own decimals, foreign keys by the name of what they point to."""
    vaerdi = raekke.get(f.attname)
    if vaerdi is None or vaerdi == "":
        return []
    if isinstance(f, models.DecimalField):
        decimaler = raekke.get(f"{f.attname}_decimaler")
        tal = Decimal(str(vaerdi))
        return [formater_tal(tal, int(decimaler)) if decimaler is not None else str(tal)]
    if isinstance(f, RigTekstField):
        return synlig_tekst(vaerdi)
    if f.choices:
        return [str(dict(f.flatchoices).get(vaerdi, vaerdi))]
    if isinstance(f, models.BooleanField):
        return ["Ja" if vaerdi else "Nej"]
    if isinstance(f, models.DateField):
        return [formater_dato(f.to_python(vaerdi))]  # a snapshot holds it as ISO text
    if isinstance(f, models.ForeignKey):
        return [_navn(_opslag(f, navne), vaerdi)]
    return [" ".join(str(vaerdi).split())]


def _samme_raa_vaerdi(f: models.Field, foer: dict[str, Any], efter: dict[str, Any]) -> bool:
    """The same stored value (same type, same text, same decimals), so ``vis_felt`` shows
    both the same. Values of different types (a snapshot's text, a record's date) are
    left to the full comparison."""
    a, b = foer.get(f.attname), efter.get(f.attname)
    if type(a) is not type(b) or a != b or str(a) != str(b):
        return False
    decimaler = f"{f.attname}_decimaler"
    return not isinstance(f, models.DecimalField) or foer.get(decimaler) == efter.get(decimaler)


def feltforskel(
    f: models.Field,
    foer: dict[str, Any],
    efter: dict[str, Any],
    navne: dict[str, dict[int, str]],
) -> Felt | None:
    """One field of two versions of a row: texts word by word, other values old → new."""
    if _samme_raa_vaerdi(f, foer, efter):
        return None  # shown the same: no need to render (rich text is parsed) to see it
    gammel, ny = vis_felt(f, foer, navne), vis_felt(f, efter, navne)
    if gammel == ny:
        return None
    if isinstance(f, (RigTekstField, models.CharField, models.TextField)) and not f.choices:
        afsnit = ordforskel(gammel, ny)
    else:
        afsnit = [[*(Stykke(t, GAMMEL) for t in gammel), *(Stykke(t, NY) for t in ny)]]
    return Felt(str(f.verbose_name), afsnit, rig=isinstance(f, RigTekstField))


def m2m_forskel(
    f: models.ManyToManyField,
    foer: list[int],
    efter: list[int],
    navne: dict[str, dict[int, str]],
) -> Felt | None:
    """A many-to-many field as one line per related object: kept, added or removed."""
    if set(foer) == set(efter):
        return None  # at most the order differs
    opslag = _opslag(f, navne)
    linjer = [[Stykke(_navn(opslag, pk), LIG if pk in foer else NY)] for pk in efter]
    linjer += [[Stykke(_navn(opslag, pk), GAMMEL)] for pk in foer if pk not in efter]
    return Felt(str(f.verbose_name), linjer)


def _felter(
    del_: str,
    foer: dict[str, Any] | None,
    efter: dict[str, Any] | None,
    navne: dict[str, dict[int, str]],
) -> list[Felt]:
    """The fields of one row: changed ones (both given), or all non-empty ones (one given)."""
    model = DELE[del_]
    felter: list[Felt] = []
    for f in model._meta.concrete_fields:
        if f.attname in IKKE_VIST:
            continue
        if foer is not None and efter is not None:
            forskel = feltforskel(f, foer, efter, navne)
            if forskel:
                felter.append(forskel)
            continue
        if f.attname in KUN_AENDRINGER:
            continue
        afsnit = uaendret(vis_felt(f, efter if efter is not None else foer, navne))
        if afsnit:
            felter.append(Felt(str(f.verbose_name), afsnit, rig=isinstance(f, RigTekstField)))
    if del_ in M2M:
        f = model._meta.get_field(M2M[del_])
        if foer is not None and efter is not None:
            m2m_felt = m2m_forskel(f, foer[f.name], efter[f.name], navne)
        else:
            pks = (efter if efter is not None else foer)[f.name]
            opslag = _opslag(f, navne)
            m2m_felt = Felt(str(f.verbose_name), uaendret([_navn(opslag, pk) for pk in pks]))
        if m2m_felt and m2m_felt.afsnit:
            felter.append(m2m_felt)
    return felter


def _raekker(indhold: Snapshot, del_: str) -> dict[int, dict[str, Any]]:
    return {r["id"]: r for r in indhold[del_]}


def _navne(*indhold: Snapshot) -> dict[str, dict[int, str]]:
    """Names of what foreign keys point to, from both snapshots (the newer wins)."""
    navne: dict[str, dict[int, str]] = {"delmaal": {}, "boligomraade": {}, "indikator": {}}
    for i in indhold:
        navne["delmaal"].update({r["id"]: r["tekst"] for r in i["delmaal"]})
        navne["boligomraade"].update({r["id"]: r["navn"] for r in i["boligomraader"]})
        navne["indikator"].update({r["id"]: r["navn"] for r in i["indikatorer"]})
    return navne


def _sektion(del_: str, overskrift: str, foer: Snapshot, efter: Snapshot, navne) -> Sektion:
    gamle, nye = _raekker(foer, del_), _raekker(efter, del_)
    objekter: list[Objekt] = []
    for pk, ny in nye.items():
        gammel = gamle.get(pk)
        felter = _felter(del_, gammel, ny, navne)
        if gammel is None or felter:
            status = TILFOEJET if gammel is None else AENDRET
            objekter.append(Objekt(del_, pk, objektnavn(del_, ny, efter), status, felter))
    objekter += [
        Objekt(
            del_, pk, objektnavn(del_, gammel, foer), FJERNET, _felter(del_, gammel, None, navne)
        )
        for pk, gammel in gamle.items()
        if pk not in nye
    ]
    return Sektion(del_, overskrift, objekter)


# --- The table, cell by cell ----------------------------------------------------------------


@dataclass(frozen=True)
class Celle:
    foer: str
    efter: str
    aendret: bool = False

    @property
    def tekst(self) -> str:
        return self.efter or self.foer


@dataclass
class Tabelraekke:
    noegle: tuple
    status: str
    celler: list[Celle]

    @property
    def status_tekst(self) -> str:
        return STATUS_TEKST[self.status]


def _sted(baseline) -> str:
    sted = baseline.sted_navn
    samlet = [o.navn for o in baseline.samlet_liste]
    if samlet:
        sted += f" (opgjort samlet for {', '.join(samlet)})"
    return sted


def _tabel(indhold: Snapshot) -> list[tuple[tuple, list[str]]]:
    """The LBF table's rows as texts, keyed by baseline (or indikator without baselines)."""
    attrapp = Delaftale(helhedsplan=Helhedsplan(), indsatsomraade=Indsatsomraade())
    d = fra_snapshot(indhold, delaftale=attrapp)
    raekker: list[tuple[tuple, list[str]]] = []
    for delmaal in d.delmaal_liste:
        for indikator in delmaal.indikator_liste:
            if not indikator.baseline_liste:
                raekker.append((("i", indikator.pk), [delmaal.tekst, indikator.navn] + [""] * 5))
            for b in indikator.baseline_liste:
                anden = b.sammenligning_tekst
                if anden and b.sammenligning_label:
                    anden += f" ({b.sammenligning_label})"
                celler = [delmaal.tekst, indikator.navn, _sted(b), b.vaerdi_tekst, anden]
                raekker.append((("b", b.pk), [*celler, b.periode_tekst, b.datakilde_tekst]))
    return raekker


def sammenlign_tabel(foer: Snapshot, efter: Snapshot) -> tuple[list[Tabelraekke], int]:
    """The changed, added and removed rows in the newer table's order (removed rows where
    they stood), and how many rows are unchanged."""
    gamle = _tabel(foer)
    nye = _tabel(efter)
    gamle_map = dict(gamle)
    nye_noegler = {n for n, _ in nye}
    # A removed row goes after the nearest earlier row that is still there.
    efter_anker: dict[tuple | None, list[tuple]] = {}
    anker = None
    for noegle, _ in gamle:
        if noegle in nye_noegler:
            anker = noegle
        else:
            efter_anker.setdefault(anker, []).append(noegle)

    def fjernet(noegle) -> Tabelraekke:
        return Tabelraekke(noegle, FJERNET, [Celle(t, "") for t in gamle_map[noegle]])

    raekker: list[Tabelraekke] = [fjernet(n) for n in efter_anker.get(None, [])]
    uaendrede = 0
    for noegle, celler in nye:
        gammel = gamle_map.get(noegle)
        if gammel is None:
            raekker.append(Tabelraekke(noegle, TILFOEJET, [Celle("", t) for t in celler]))
        elif gammel != celler:
            raekker.append(
                Tabelraekke(
                    noegle,
                    AENDRET,
                    [Celle(g, n, g != n) for g, n in zip(gammel, celler, strict=True)],
                )
            )
        else:
            uaendrede += 1
        raekker += [fjernet(n) for n in efter_anker.get(noegle, [])]
    return raekker, uaendrede


# --- The whole comparison -------------------------------------------------------------------


@dataclass
class Sammenligning:
    foer_navn: str
    efter_navn: str
    aendringer: list[Aendring]
    delaftale_felter: list[Felt] = field(default_factory=list)
    sektioner: list[Sektion] = field(default_factory=list)
    tabel: list[Tabelraekke] = field(default_factory=list)
    uaendrede_raekker: int = 0
    tabel_kolonner = TABEL_KOLONNER

    @property
    def har_aendringer(self) -> bool:
        return bool(self.aendringer)

    @property
    def art(self) -> str | None:
        return klassificer(self.aendringer)

    @property
    def art_tekst(self) -> str:
        return Version.Art(self.art).label if self.art else "Ingen ændringer"

    @property
    def sektioner_med_aendringer(self) -> list[Sektion]:
        return [s for s in self.sektioner if s.objekter]


def byg_sammenligning(
    foer: Snapshot, efter: Snapshot, *, foer_navn: str, efter_navn: str
) -> Sammenligning:
    navne = _navne(foer, efter)
    tabel, uaendrede = sammenlign_tabel(foer, efter)
    return Sammenligning(
        foer_navn=foer_navn,
        efter_navn=efter_navn,
        aendringer=sammenlign(foer, efter),
        delaftale_felter=_felter("delaftale", foer["delaftale"], efter["delaftale"], navne),
        sektioner=[_sektion(d, o, foer, efter, navne) for d, o in AFSNIT],
        tabel=tabel,
        uaendrede_raekker=uaendrede,
    )
