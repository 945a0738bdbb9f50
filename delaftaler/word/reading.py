"""A delaftale read out of a Word document: the fixtures/ JSON format, what was unsure,
and what could not be placed.

The reader reads the layout our own export writes (``delaftaler.word``'s docstring) and
the shapes real documents in LBF's template have: label paragraphs followed by their
value, parties as »Navn – titel« lines under a group heading, the delmål/indikator table
with merged, repeated or empty delmål cells, the area prefixed to the indicator or
written beside the value, the table's header repeated inside it or the table continued
as a second table, a row broken in two by a page break, and the activity schemas as
headed sections or as two-column tables.

Three kinds of outcome, so a person can review before anything is saved:

- ``data``: what was read, exactly as ``delaftaler.indlaesning.indlaes_delaftale`` loads it.
  Numbers are kept as written (»0,0 %« → "0,0"); a number that cannot be read gets no
  value, never a guessed one.
- ``usikkerheder``: each place where the document did not say and a reading was chosen
  (the direction of an indicator inferred from its delmål's verb, an area whose name
  differs from the plan's, a row joined across a page break), in Danish, saying what
  was chosen.
- ``uplaceret``: text that belongs nowhere, quoted. LBF's fixed guidance paragraphs are
  recognised and dropped: every delaftale has them, and the page prints them itself.

What it does not read: page headers and footers, footnotes, comments and images; tracked
changes are read as if accepted (insertions kept, deletions dropped); text boxes are read
as paragraphs where they stand. Inside a table cell a heading is a bold paragraph (as
our export writes it), so h3 and h4 there both come back as h4, and a short paragraph
all in bold becomes one. Among the parties, the »ansvarlige« text is known by its first
word (»Ansvarlig…«); any other paragraph after a party is its description.
"""

from __future__ import annotations

import difflib
import html
import io
import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property
from typing import Any

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from delaftaler import standardtekster
from delaftaler.models import Helhedsplan
from delaftaler.word.safety import WordFejl, kontroller_docx
from indikatorer.periode import MAANEDER, fortolk_periode
from indikatorer.tal import fortolk_tal

logger = logging.getLogger(__name__)

SEKTIONER = (
    "Stamdata",
    "Parter",
    "Delmål og indikatorer",
    "Aktiviteter",
    "Medarbejderressourcer",
    "Sammenhæng med den kommunale indsats",
    "Revision",
    "Aktivitetsskemaer",
)
STAMDATA, PARTER, DELMAAL, AKTIVITETER, RESSOURCER, KOMMUNAL, REVISION, SKEMAER = SEKTIONER


@dataclass(frozen=True)
class Usikkerhed:
    sektion: str  # one of SEKTIONER
    tekst: str  # Danish: what was unsure and what was chosen


@dataclass(frozen=True)
class Uplaceret:
    sektion: str
    tekst: str  # the text itself, to be quoted on the review page


@dataclass
class Laesning:
    data: dict  # {"helhedsplan": {...}, "delaftale": {...}}: exactly the fixtures/ JSON format
    usikkerheder: list[Usikkerhed]
    uplaceret: list[Uplaceret]


LAESEFEJL = (
    "Dokumentet kunne ikke læses: det er bygget på en måde, vi ikke kender. Åbn det i Word, "
    "vælg »Gem som → Word-dokument (.docx)«, og indlæs det igen."
)


def laes_docx(
    indhold: bytes, *, filnavn: str = "delaftale.docx", helhedsplan: Helhedsplan | None = None
) -> Laesning:
    """Read a delaftale from a .docx; WordFejl (Danish) for a file that cannot be read."""
    kontroller_docx(indhold, filnavn)
    try:
        dokument = Document(io.BytesIO(indhold))
    except Exception as exc:  # python-docx raises many kinds for a broken package
        raise WordFejl(
            "Filen kan ikke åbnes som Word-dokument. Åbn den i Word, vælg »Gem som → "
            "Word-dokument (.docx)«, og indlæs den igen."
        ) from exc
    try:
        blokke = _Dokument(dokument).blokke()
        return _Laeser(blokke, helhedsplan).laes()
    except WordFejl:
        raise
    except Exception as exc:  # a shape never seen must reach the user as a message, not a 500
        logger.exception("Word-dokumentet %s kunne ikke læses", filnavn)
        raise WordFejl(LAESEFEJL) from exc


# --- The document as blocks: paragraphs with their runs, tables as grids -----------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


@cache
def _w(navn: str) -> str:
    return f"{{{W}}}{navn}"


_INDRE_LOEB = frozenset(
    _w(n)
    for n in (
        "hyperlink",
        "ins",
        "smartTag",
        "fldSimple",
        "customXml",
        "moveTo",
        "sdtContent",
        "dir",
        "bdo",
    )
)
_TAB = frozenset((_w("tab"), _w("ptab")))
_TEGNING = frozenset((_w("drawing"), _w("pict"), f"{{{MC}}}AlternateContent"))


_SAND = {"1", "true", "on", ""}
_MAKS_DYBDE = 6  # tables inside tables inside …


@dataclass
class Stykke:
    """A piece of a paragraph: text with its formatting, or a line break (tekst "\\n")."""

    tekst: str
    fed: bool = False
    kursiv: bool = False


@dataclass
class Afsnit:
    stykker: list[Stykke]
    overskrift: int | None = None  # 0 for the title, 1… for Heading 1…
    liste: tuple[str, int] | None = None  # ("ul" | "ol", level from 0)
    i_celle: bool = False

    @cached_property
    def tekst(self) -> str:
        """The text with line breaks as \\n, spaces normalised, ends stripped."""
        return "\n".join(
            _ren(linje) for linje in "".join(s.tekst for s in self.stykker).split("\n")
        )

    @cached_property
    def linjer(self) -> list[str]:
        return [linje for linje in self.tekst.split("\n") if linje]

    @cached_property
    def flad(self) -> str:
        return " ".join(self.linjer)

    @cached_property
    def noegle(self) -> str:
        return _noegle(self.flad)

    @property
    def helt_fed(self) -> bool:
        tekst = [s for s in self.stykker if s.tekst.strip() and s.tekst != "\n"]
        return bool(tekst) and all(s.fed for s in tekst)

    def del_ved_linjeskift(self) -> list[Afsnit]:
        dele: list[list[Stykke]] = [[]]
        for s in self.stykker:
            if s.tekst == "\n":
                dele.append([])
            else:
                dele[-1].append(s)
        return [Afsnit(d, self.overskrift, self.liste, self.i_celle) for d in dele]


@dataclass
class Celle:
    blokke: list[Afsnit | Tabel]
    fortsat: bool = False  # vertically merged with the cell above

    @property
    def afsnit(self) -> list[Afsnit]:
        return list(_alle_afsnit(self.blokke))

    @property
    def linjer(self) -> list[str]:
        return [linje for a in self.afsnit for linje in a.linjer]

    @property
    def flad(self) -> str:
        return " ".join(self.linjer)


@dataclass
class Raekke:
    celler: list[Celle]
    overskrift: bool = False

    @property
    def tekster(self) -> list[str]:
        return [c.flad for c in self.celler]


@dataclass
class Tabel:
    raekker: list[Raekke]

    @property
    def kolonner(self) -> int:
        return max((len(r.celler) for r in self.raekker), default=0)

    def unikke_celler(self, raekke: Raekke) -> list[Celle]:
        """The row's cells once each (a cell spanning columns is one cell)."""
        set_: list[Celle] = []
        for c in raekke.celler:
            if not any(c is s for s in set_):
                set_.append(c)
        return set_


Blok = Afsnit | Tabel


def _alle_afsnit(blokke: Iterable[Blok]) -> Iterator[Afsnit]:
    for b in blokke:
        if isinstance(b, Afsnit):
            yield b
        else:
            for r in b.raekker:
                for c in b.unikke_celler(r):
                    if not c.fortsat:
                        yield from _alle_afsnit(c.blokke)


@dataclass
class _Stil:
    navn: str
    basis: str | None
    num: tuple[str | None, str | None] | None  # (numId, ilvl)
    disposition: int | None  # outline level from 0
    fed: bool | None
    kursiv: bool | None


class _Dokument:
    """python-docx's package, read as blocks with lxml (merges, lists, styles)."""

    def __init__(self, dokument: Any) -> None:
        self.krop = dokument.element.body
        self.stile = self._stile(dokument)
        self.nummerering = self._nummerering(dokument)

    def blokke(self) -> list[Blok]:
        return self._blokke(self.krop, dybde=0, i_celle=False)

    # Styles and numbering -------------------------------------------------------------

    @staticmethod
    def _stile(dokument: Any) -> dict[str, _Stil]:
        try:
            rod = dokument.styles.element
        except (KeyError, ValueError, AttributeError):
            return {}
        stile = {}
        for s in rod.iterchildren(_w("style")):
            sid = s.get(_w("styleId"))
            if not sid:
                continue
            navn_el = s.find(_w("name"))
            basis_el = s.find(_w("basedOn"))
            ppr = s.find(_w("pPr"))
            rpr = s.find(_w("rPr"))
            num = None
            disposition = None
            if ppr is not None:
                num = _num_pr(ppr)
                ol = ppr.find(_w("outlineLvl"))
                if ol is not None:
                    disposition = _heltal(ol.get(_w("val")))
            stile[sid] = _Stil(
                navn=(navn_el.get(_w("val")) if navn_el is not None else sid) or sid,
                basis=basis_el.get(_w("val")) if basis_el is not None else None,
                num=num,
                disposition=disposition,
                fed=_til(rpr, "b"),
                kursiv=_til(rpr, "i"),
            )
        return stile

    @staticmethod
    def _nummerering(dokument: Any) -> dict[tuple[str, int], str]:
        """(numId, level) → the level's number format (bullet, decimal, …)."""
        try:
            del_ = dokument.part.part_related_by(RT.NUMBERING)
            rod = del_.element
        except (KeyError, ValueError, AttributeError, NotImplementedError):
            return {}
        abstrakte: dict[str, dict[int, str]] = {}
        for a in rod.iterchildren(_w("abstractNum")):
            niveauer = {}
            for lvl in a.iterchildren(_w("lvl")):
                fmt = lvl.find(_w("numFmt"))
                niveauer[_heltal(lvl.get(_w("ilvl"))) or 0] = (
                    fmt.get(_w("val")) if fmt is not None else "bullet"
                ) or "bullet"
            abstrakte[a.get(_w("abstractNumId")) or ""] = niveauer
        ud: dict[tuple[str, int], str] = {}
        for n in rod.iterchildren(_w("num")):
            ref = n.find(_w("abstractNumId"))
            niveauer = abstrakte.get(ref.get(_w("val")) if ref is not None else "", {})
            for niveau, fmt in niveauer.items():
                ud[(n.get(_w("numId")) or "", niveau)] = fmt
        return ud

    def _stilkaede(self, sid: str | None) -> Iterator[_Stil]:
        set_ = set()
        while sid and sid in self.stile and sid not in set_ and len(set_) < 12:
            set_.add(sid)
            stil = self.stile[sid]
            yield stil
            sid = stil.basis

    # Blocks ---------------------------------------------------------------------------

    def _blokke(self, forælder: Any, *, dybde: int, i_celle: bool) -> list[Blok]:
        ud: list[Blok] = []
        for el in forælder.iterchildren():
            tag = el.tag
            if tag == _w("p"):
                ud.extend(self._afsnit(el, i_celle))
            elif tag == _w("tbl"):
                if dybde < _MAKS_DYBDE:
                    ud.append(self._tabel(el, dybde=dybde + 1))
            elif tag in (_w("sdt"), _w("customXml"), _w("sdtContent")):
                indhold = el.find(_w("sdtContent")) if tag == _w("sdt") else el
                if indhold is not None:
                    ud.extend(self._blokke(indhold, dybde=dybde, i_celle=i_celle))
        return ud

    def _tabel(self, tbl: Any, *, dybde: int) -> Tabel:
        raekker: list[Raekke] = []
        over: dict[int, Celle] = {}
        for tr in _under(tbl, "tr"):
            trpr = tr.find(_w("trPr"))
            overskrift = False
            kolonne = 0
            celler: list[Celle] = []
            if trpr is not None:
                th = trpr.find(_w("tblHeader"))
                overskrift = th is not None and (th.get(_w("val")) or "").lower() in _SAND
                gb = trpr.find(_w("gridBefore"))
                if gb is not None:
                    foran = min(max(_heltal(gb.get(_w("val"))) or 0, 0), 64)
                    celler.extend(Celle([]) for _ in range(foran))
                    kolonne += foran
            for tc in _under(tr, "tc"):
                tcpr = tc.find(_w("tcPr"))
                spaend = 1
                flet = None
                if tcpr is not None:
                    gs = tcpr.find(_w("gridSpan"))
                    if gs is not None:
                        spaend = min(max(_heltal(gs.get(_w("val"))) or 1, 1), 64)
                    vm = tcpr.find(_w("vMerge"))
                    if vm is not None:
                        flet = (vm.get(_w("val")) or "continue").lower()
                if flet == "continue" and kolonne in over:
                    celle = Celle(over[kolonne].blokke, fortsat=True)
                else:
                    celle = Celle(self._blokke(tc, dybde=dybde, i_celle=True))
                for k in range(spaend):
                    celler.append(celle)
                    over[kolonne + k] = celle
                kolonne += spaend
            raekker.append(Raekke(celler, overskrift))
        return Tabel(raekker)

    def _afsnit(self, p: Any, i_celle: bool) -> list[Afsnit]:
        ppr = p.find(_w("pPr"))
        sid = None
        direkte_num = None
        disposition = None
        if ppr is not None:
            ps = ppr.find(_w("pStyle"))
            sid = ps.get(_w("val")) if ps is not None else None
            direkte_num = _num_pr(ppr)
            ol = ppr.find(_w("outlineLvl"))
            if ol is not None:
                disposition = _heltal(ol.get(_w("val")))
        kaede = list(self._stilkaede(sid))
        stilnavn = (kaede[0].navn if kaede else "").lower()
        overskrift = _overskrift_niveau(stilnavn)
        if overskrift is None:
            for stil in kaede:
                if _overskrift_niveau(stil.navn.lower()) is not None:
                    overskrift = _overskrift_niveau(stil.navn.lower())
                    break
        if overskrift is None:
            if disposition is None:
                disposition = next(
                    (s.disposition for s in kaede if s.disposition is not None), None
                )
            if disposition is not None and 0 <= disposition < 9:
                overskrift = disposition + 1
        ekstra: list[Afsnit] = []
        stykker = list(self._stykker(p, ekstra, i_celle))
        liste = self._liste(direkte_num, kaede, stilnavn)
        afsnit = Afsnit(stykker, overskrift, liste, i_celle)
        if liste is None and overskrift is None:
            afsnit = _tekstpunkt(afsnit)
        return [afsnit, *ekstra]

    def _liste(
        self,
        direkte: tuple[str | None, str | None] | None,
        kaede: list[_Stil],
        stilnavn: str,
    ) -> tuple[str, int] | None:
        num_id, niveau = direkte if direkte else (None, None)
        if num_id is None:
            for stil in kaede:
                if stil.num and stil.num[0] is not None:
                    num_id = stil.num[0]
                    if niveau is None:
                        niveau = stil.num[1]
                    break
        navn_liste = re.match(r"^(list bullet|list number|opstilling[^\d]*)\s*(\d)?$", stilnavn)
        if num_id in (None, "0"):
            if navn_liste and num_id is None:
                tag = "ol" if "number" in stilnavn or "tal" in stilnavn else "ul"
                return tag, (int(navn_liste.group(2)) - 1) if navn_liste.group(2) else 0
            return None
        if niveau is None and navn_liste and navn_liste.group(2):
            lvl = int(navn_liste.group(2)) - 1
        else:
            lvl = min(max(_heltal(niveau) or 0, 0), 8)
        fmt = self.nummerering.get((num_id, lvl), self.nummerering.get((num_id, 0)))
        if fmt is None:
            tag = "ol" if "number" in stilnavn else "ul"
        else:
            tag = "ul" if fmt in ("bullet", "none") else "ol"
        return tag, lvl

    def _stykker(self, el: Any, ekstra: list[Afsnit], i_celle: bool) -> Iterator[Stykke]:
        for barn in el.iterchildren():
            tag = barn.tag
            if tag == _w("r"):
                yield from self._loeb(barn, ekstra, i_celle)
            elif tag in _INDRE_LOEB:
                yield from self._stykker(barn, ekstra, i_celle)
            elif tag == _w("sdt"):
                indhold = barn.find(_w("sdtContent"))
                if indhold is not None:
                    yield from self._stykker(indhold, ekstra, i_celle)

    def _loeb(self, r: Any, ekstra: list[Afsnit], i_celle: bool) -> Iterator[Stykke]:
        rpr = r.find(_w("rPr"))
        fed = kursiv = None
        if rpr is not None:
            if rpr.find(_w("vanish")) is not None and _til(rpr, "vanish"):
                return
            fed, kursiv = _til(rpr, "b"), _til(rpr, "i")
            rs = rpr.find(_w("rStyle"))
            if rs is not None:
                for stil in self._stilkaede(rs.get(_w("val"))):
                    fed = stil.fed if fed is None else fed
                    kursiv = stil.kursiv if kursiv is None else kursiv
        fed, kursiv = bool(fed), bool(kursiv)
        for barn in r.iterchildren():
            tag = barn.tag
            if tag == _w("t"):
                if barn.text:
                    yield Stykke(barn.text, fed, kursiv)
            elif tag in _TAB:
                yield Stykke(" ", fed, kursiv)
            elif tag == _w("br"):
                if (barn.get(_w("type")) or "textWrapping") == "textWrapping":
                    yield Stykke("\n")
            elif tag == _w("cr"):
                yield Stykke("\n")
            elif tag == _w("noBreakHyphen"):
                yield Stykke("-", fed, kursiv)
            elif tag in _TEGNING:
                ekstra.extend(self._tekstbokse(barn, i_celle))

    def _tekstbokse(self, el: Any, i_celle: bool) -> list[Afsnit]:
        """Paragraphs in text boxes, once (Word writes each box twice: Choice and Fallback)."""
        ud: list[Afsnit] = []
        for boks in el.iter(_w("txbxContent")):
            if any(a.tag == f"{{{MC}}}Fallback" for a in boks.iterancestors()):
                continue
            for b in self._blokke(boks, dybde=_MAKS_DYBDE - 1, i_celle=i_celle):
                if isinstance(b, Afsnit):
                    ud.append(b)
        return ud


def _under(el: Any, navn: str) -> Iterator[Any]:
    """Children named navn, also inside content controls and custom XML."""
    for barn in el.iterchildren():
        if barn.tag == _w(navn):
            yield barn
        elif barn.tag in (_w("sdt"), _w("customXml")):
            indhold = barn.find(_w("sdtContent")) if barn.tag == _w("sdt") else barn
            if indhold is not None:
                yield from _under(indhold, navn)


def _num_pr(ppr: Any) -> tuple[str | None, str | None] | None:
    num = ppr.find(_w("numPr"))
    if num is None:
        return None
    nid = num.find(_w("numId"))
    ilvl = num.find(_w("ilvl"))
    return (
        nid.get(_w("val")) if nid is not None else None,
        ilvl.get(_w("val")) if ilvl is not None else None,
    )


def _til(rpr: Any, navn: str) -> bool | None:
    if rpr is None:
        return None
    el = rpr.find(_w(navn))
    if el is None:
        return None
    return (el.get(_w("val")) or "").lower() in _SAND


def _heltal(tekst: str | None) -> int | None:
    try:
        return int(tekst) if tekst is not None else None
    except ValueError:
        return None


def _overskrift_niveau(stilnavn: str) -> int | None:
    if stilnavn in ("title", "titel"):
        return 0
    m = re.match(r"^(?:heading|overskrift)\s*(\d)$", stilnavn)
    return int(m.group(1)) if m else None


_TEKSTPUNKT = re.compile(r"^[\s\u00a0]*([•●▪■◦○·\uf0b7\uf0a7])[\s\u00a0]+")


def _tekstpunkt(afsnit: Afsnit) -> Afsnit:
    """A paragraph typed as »• tekst« (pasted lists) is a list item."""
    if not afsnit.stykker or not _TEKSTPUNKT.match(afsnit.stykker[0].tekst):
        return afsnit
    foerste = afsnit.stykker[0]
    rest = _TEKSTPUNKT.sub("", foerste.tekst, count=1)
    stykker = [Stykke(rest, foerste.fed, foerste.kursiv), *afsnit.stykker[1:]]
    niveau = 1 if foerste.tekst.lstrip("\u00a0 ")[0] in "◦○" else 0
    return Afsnit(stykker, None, ("ul", niveau), afsnit.i_celle)


# --- Text ---------------------------------------------------------------------------------

_MELLEMRUM = re.compile(r"[ \t\u00a0\u202f\u2007\u2009\u200b]+")


def _ren(tekst: str) -> str:
    """Plain text: any run of spaces (non-breaking too) as one space, ends stripped."""
    return _MELLEMRUM.sub(" ", tekst.replace("\u00ad", "")).strip()


def _noegle(tekst: str) -> str:
    """Text as compared: case, punctuation, dashes and quotes alike."""
    tekst = _ren(tekst).casefold()
    tekst = re.sub(r"[^\w%]+", " ", tekst)
    return tekst.strip()


def _ligner(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _noegle(a), _noegle(b)).ratio()


# --- Rich text ----------------------------------------------------------------------------


def _inline(afsnit: Afsnit) -> str:
    """The paragraph's runs as the allow-list's inline HTML: strong, em, br."""
    dele: list[tuple[str, bool, bool]] = []
    for s in afsnit.stykker:
        if s.tekst == "\n":
            dele.append(("\n", False, False))
            continue
        tekst = re.sub(r"[\t]", " ", s.tekst)
        if dele and dele[-1][0] != "\n" and dele[-1][1:] == (s.fed, s.kursiv):
            dele[-1] = (dele[-1][0] + tekst, s.fed, s.kursiv)
        else:
            dele.append((tekst, s.fed, s.kursiv))
    # Strip the paragraph's ends and the spaces beside each line break.
    linjer: list[list[tuple[str, bool, bool]]] = [[]]
    for d in dele:
        if d[0] == "\n":
            linjer.append([])
        else:
            linjer[-1].append(d)
    ud_linjer = []
    for linje in linjer:
        if linje:
            linje[0] = (linje[0][0].lstrip(" \u00a0"), *linje[0][1:])
            linje[-1] = (linje[-1][0].rstrip(" \u00a0"), *linje[-1][1:])
        tekst = "".join(_formateret(t, fed, kursiv) for t, fed, kursiv in linje if t)
        ud_linjer.append(tekst)
    while ud_linjer and not ud_linjer[0]:
        ud_linjer.pop(0)
    while ud_linjer and not ud_linjer[-1]:
        ud_linjer.pop()
    return "<br>".join(ud_linjer)


def _escape(tekst: str) -> str:
    return html.escape(tekst, quote=False).replace("\u00a0", "&nbsp;")


def _formateret(tekst: str, fed: bool, kursiv: bool) -> str:
    if not (fed or kursiv) or not tekst.strip():
        return _escape(tekst)
    foran = tekst[: len(tekst) - len(tekst.lstrip())]
    bagved = tekst[len(tekst.rstrip()) :]
    kerne = _escape(tekst.strip())
    if kursiv:
        kerne = f"<em>{kerne}</em>"
    if fed:
        kerne = f"<strong>{kerne}</strong>"
    return _escape(foran) + kerne + _escape(bagved)


def _er_celleoverskrift(afsnit: Afsnit) -> bool:
    """Inside a table cell our export writes a heading as a bold paragraph."""
    tekst = afsnit.flad
    return (
        afsnit.i_celle
        and afsnit.liste is None
        and "\n" not in afsnit.tekst
        and afsnit.helt_fed
        and 0 < len(tekst) <= 80
        and tekst[-1] not in ".:;!?,"
    )


def _rigtekst(blokke: Iterable[Afsnit]) -> str:
    """Paragraphs as the rich text the admin allows: p, strong, em, ul, ol, li, br, h3, h4."""
    ud: list[str] = []
    stak: list[str] = []

    def luk_til(dybde: int) -> None:
        while len(stak) > dybde:
            ud.append(f"</li></{stak.pop()}>")

    for a in blokke:
        indhold = _inline(a)
        if not indhold:
            continue
        if a.liste:
            tag, niveau = a.liste
            niveau = min(niveau, len(stak))
            luk_til(niveau + 1)
            if len(stak) == niveau + 1 and stak[-1] != tag:
                luk_til(niveau)
            if len(stak) == niveau + 1:
                ud.append(f"</li><li>{indhold}")
            else:
                ud.append(f"<{tag}><li>{indhold}")
                stak.append(tag)
            continue
        luk_til(0)
        if a.overskrift is not None and a.overskrift >= 1 and not a.i_celle:
            h = "h3" if a.overskrift <= 3 else "h4"
            ud.append(f"<{h}>{_inline(_uden_fed(a))}</{h}>")
        elif _er_celleoverskrift(a):
            ud.append(f"<h4>{_inline(_uden_fed(a))}</h4>")
        else:
            ud.append(f"<p>{indhold}</p>")
    luk_til(0)
    return "".join(ud)


def _uden_fed(a: Afsnit) -> Afsnit:
    return Afsnit([Stykke(s.tekst, False, s.kursiv) for s in a.stykker], a.overskrift, a.liste)


# --- LBF's fixed texts and the template's headings ----------------------------------------

_VEJLEDNING = [
    *standardtekster.INDLEDNING,
    "Beskrivelsen af områdets problemkompleks inden for dette indsatsområde fremgår af den "
    "strategiske aftale.",
    "Der skal opsættes delmål for nærværende indsatsområde samt indikatorer, der sikrer, at "
    "der løbende kan følges op på disse.",
    standardtekster.DELMAAL_INDLEDNING,
    "Indikatorer er variable, der bruges til at vise, om delmålene opnås.",
    "Delmål og de dertil knyttede indikatorer kan enten relatere sig til det samlede antal "
    "aktiviteter",
    "Formålet med delmål og indikatorer på dette niveau er årligt at følge udviklingen",
    "Delaftalens parter og bestyrelsen har ansvar for løbende at følge op på delmålene.",
    standardtekster.REVISION_INDLEDNING,
]
_VEJLEDNING_NOEGLER = [_noegle(t)[:45] for t in _VEJLEDNING]


def _er_vejledning(n: str) -> bool:
    """n: a paragraph's key (_noegle)."""
    return len(n) >= 20 and any(n.startswith(v) for v in _VEJLEDNING_NOEGLER)


EGENSKABER = "egenskaber"
KOMMUNALE_MAAL = "kommunale målsætninger"

# (section, the phrase a styled heading starts with, the phrase a plain paragraph starts with)
_OVERSKRIFTER_TEKST = [
    (PARTER, "delaftalens parter", "delaftalens parter"),
    (DELMAAL, "delmål og indikatorer", "delmål og indikatorer for indsatsområdet"),
    (EGENSKABER, "indikatorernes egenskaber", "indikatorernes egenskaber"),
    (SKEMAER, "aktivitetsskemaer", "aktivitetsskemaer"),
    (RESSOURCER, "medarbejderressourcer", "medarbejderressourcer for indsatsområdet"),
    (KOMMUNAL, "sammenhæng med den kommunale indsats", "sammenhæng med den kommunale indsats"),
    (REVISION, "revision af delaftalen", "revision af delaftalen"),
]
_OVERSKRIFTER = [(s, _noegle(kort), _noegle(lang)) for s, kort, lang in _OVERSKRIFTER_TEKST]
_KOMMUNALE_MAAL_NOEGLE = _noegle(KOMMUNALE_MAAL)
_AKTIVITETER_LBF = _noegle("Aktiviteter, som skal bidrage til indfrielsen af delmålene")


def _sektionsoverskrift(a: Afsnit) -> str | None:
    tekst = a.flad
    if not tekst or len(tekst) > 300:
        return None
    n = re.sub(r"^(?:\d+ )+", "", a.noegle)  # »3. Delmål og indikatorer …«
    stylet = a.overskrift is not None and a.overskrift >= 1
    markeret = stylet or a.helt_fed or tekst.rstrip().endswith((":", ")", "):"))
    if n.startswith(_AKTIVITETER_LBF):
        return SKEMAER if "skema" in n else AKTIVITETER
    if stylet and n == "aktiviteter":
        return AKTIVITETER
    if stylet and n == _KOMMUNALE_MAAL_NOEGLE:
        return KOMMUNALE_MAAL
    for sektion, kort, lang in _OVERSKRIFTER:
        if stylet and n.startswith(kort):
            return sektion
        if n.startswith(lang) and (markeret or n == lang):
            return sektion
    return None


_TITEL = re.compile(r"^delaftale\s+for\s+indsatsområdet\s*[:–-]?\s*(?P<navn>.+)$", re.I)

_STAMDATA_ETIKETTER = [
    ("navn", r"navn på den boligsociale indsats"),
    ("periode", r"delaftalen gælder fra|gælder fra|periode"),
    ("kommune", r"kommune"),
    ("boligomraader", r"boligområder|boligområde"),
]


def _stamdata_etiket(tekst: str) -> tuple[str, str] | None:
    """(field, the value written after the label in the same paragraph, if any)."""
    for felt, moenster in _STAMDATA_ETIKETTER:
        m = re.match(rf"^\s*(?:{moenster})\b[^:]*?(?::\s*(?P<rest>.*))?$", tekst, re.I | re.S)
        if not m:
            continue
        rest = (m.group("rest") or "").strip()
        etiket = tekst[: m.start("rest")] if m.group("rest") is not None else tekst
        # A label is short; a sentence that happens to start with »Kommune…« is not one.
        if len(_noegle(etiket)) > 90 or (
            felt == "kommune" and m.group("rest") is None and len(tekst) > 10
        ):
            continue
        return felt, rest
    return None


_SKEMA_ETIKETTER = [
    ("navn", r"aktivitetsnavn|aktivitetens navn|navn på aktiviteten"),
    ("delmaal", r"bidrager til delmål|delmål"),
    ("ressourceestimat", r"ressourceestimat|ressourcer|estimerede ressourcer"),
    ("formaal", r"formål"),
    ("maalgrupper", r"målgruppe\(r\)|målgrupper|målgruppe"),
    ("indhold_og_praksis", r"indhold og praksis"),
    (
        "ansvar_og_roller",
        r"ansvars-?\s*og\s*rollefordeling|ansvar og roller|ansvars-?\s*og\s*roller",
    ),
]


def _skema_etiket(tekst: str) -> tuple[str, str] | None:
    for felt, moenster in _SKEMA_ETIKETTER:
        m = re.match(rf"^\s*(?:{moenster})\s*(?::\s*(?P<rest>.*))?$", tekst, re.I | re.S)
        if m:
            return felt, (m.group("rest") or "").strip()
    return None


# --- Numbers, periods and dates -----------------------------------------------------------

# A value at the end of a cell's line: »11,3 %«, »47«, or with a unit, »12 timer«.
_ENHED = r"(?:%|\s(?!år\b)[a-zæøå.]{1,12})"
_VAERDI_SLUT = re.compile(rf"(?:^|\s)(?P<tal>[-+]?\d[\d.,]*)\s*{_ENHED}?\s*$")
_KUN_VAERDI = re.compile(rf"[-+]?\d[\d.,]*\s*{_ENHED}?|data\s+kommer\.?", re.I)
_DATA_KOMMER = re.compile(r"(?:^|\s)data\s+kommer\s*[.!]?\s*$", re.I)
_ALDER = re.compile(r"(\d{1,2})\s*[-–]\s*(\d{1,2})\s*-?\s*år(?:ige)?\b", re.I)
_DATO = re.compile(
    r"(?P<d>\d{1,2})\.\s*(?:(?P<m>\d{1,2})\.?|(?P<mn>[a-zæøå]+)\.?)\s*(?P<y>\d{4})", re.I
)


def _datoer(tekst: str) -> list[date]:
    ud = []
    for m in _DATO.finditer(tekst):
        try:
            if m.group("m"):
                maaned = int(m.group("m"))
            else:
                navn = m.group("mn").lower()
                maaned = next(
                    (i for i, fuldt in enumerate(MAANEDER, 1) if fuldt.startswith(navn[:3])), 0
                )
            ud.append(date(int(m.group("y")), maaned, int(m.group("d"))))
        except ValueError:
            continue
    return ud


@dataclass
class _Tal:
    tekst: str | None  # Danish as written, without %: "11,3"
    procent: bool
    fejl: str | None = None  # what was written when it could not be read
    enhed: str = ""  # a unit written after the number: »12 timer«


_MED_ENHED = re.compile(r"^(?P<tal>[-+]?\d[\d.,]*)\s+(?P<enhed>[^\d%]+)$")


def _laes_tal(raa: str) -> _Tal:
    tekst = _ren(raa)
    procent = "%" in tekst
    tal = tekst.replace("%", "").strip()
    enhed = ""
    m = _MED_ENHED.match(tal)
    if m:
        tal, enhed = m.group("tal"), m.group("enhed").strip()
    try:
        fortolk_tal(tal)
    except ValueError:
        return _Tal(None, procent, fejl=tekst)
    return _Tal(tal, procent, enhed=enhed)


# --- The reading --------------------------------------------------------------------------


@dataclass
class _Baseline:
    sted: str | None
    vaerdi: _Tal | None
    afventer: bool
    sammenligning: _Tal | None
    sammenligning_label: str
    periode: str
    datakilde: str
    samlet: str  # »Opgjort samlet for …« as written, in the data source cell
    raekke: int


@dataclass
class _Indikator:
    navn: str
    baselines: list[_Baseline] = field(default_factory=list)


@dataclass
class _Delmaal:
    tekst: str
    indikatorer: list[_Indikator] = field(default_factory=list)
    efter_noegle: dict[str, _Indikator] = field(default_factory=dict)

    def indikator(self, navn: str) -> _Indikator:
        noegle = _noegle(navn)
        if noegle not in self.efter_noegle:
            self.efter_noegle[noegle] = _Indikator(navn)
            self.indikatorer.append(self.efter_noegle[noegle])
        return self.efter_noegle[noegle]


_SAMLET = re.compile(r"opgjort\s+samlet\s+for\b", re.I)


class _Laeser:
    def __init__(self, blokke: list[Blok], helhedsplan: Helhedsplan | None) -> None:
        self.blokke = blokke
        self.plan = helhedsplan
        self.usikkerheder: list[Usikkerhed] = []
        self._sagt: set[Usikkerhed] = set()
        self.uplaceret: list[Uplaceret] = []
        self.sektioner: dict[str, list[Blok]] = {s: [] for s in SEKTIONER}
        self.egenskaber: list[Tabel] = []
        self.delmaal_tabeller: list[Tabel] = []
        self.kommunale: list[Blok] = []
        self.titel = ""
        self.stamdata: dict[str, Any] = {}
        self.plan_omraader: list[str] = (
            [o.navn for o in helhedsplan.boligomraader.all()] if helhedsplan else []
        )
        self.dok_omraader: list[tuple[str, str]] = []  # from the metadata: (navn, afdelinger)
        self.omraader: list[str] = []  # the names the table is read against
        self.omraader_fra_tabel = False

    def usikker(self, sektion: str, tekst: str) -> None:
        u = Usikkerhed(sektion, tekst)
        if u not in self._sagt:
            self._sagt.add(u)
            self.usikkerheder.append(u)

    def uplacer(self, sektion: str, tekst: str) -> None:
        tekst = tekst.strip()
        if tekst:
            self.uplaceret.append(Uplaceret(sektion, tekst))

    # The walk through the document ------------------------------------------------------

    def laes(self) -> Laesning:
        self._fordel()
        self._laes_stamdata()
        parter, ansvarlige = self._laes_parter()
        delmaal = self._laes_delmaal()
        aktiviteter = self._laes_skemaer(delmaal)
        indledning = self._laes_aktiviteter_indledning(aktiviteter)
        aftale_fra, aftale_til = self._aftalens_periode()
        plan = self._helhedsplan(aftale_fra, aftale_til)
        kommunal, kommunale = self._laes_kommunal()
        delaftale = {
            "indsatsomraade": self._indsatsomraade(),
            "gyldig_fra": aftale_fra,
            "gyldig_til": aftale_til,
            "parter": parter,
            "ansvarlige": ansvarlige,
            "delmaal": delmaal,
            "aktiviteter_indledning": indledning,
            "medarbejderressourcer": self._rig(RESSOURCER),
            "kommunal_sammenhaeng": kommunal,
            "kommunale_maalsaetninger": kommunale,
            "revision": self._rig(REVISION),
            "aktiviteter": aktiviteter,
        }
        for felt, sektion in (
            ("medarbejderressourcer", RESSOURCER),
            ("kommunal_sammenhaeng", KOMMUNAL),
            ("revision", REVISION),
        ):
            if not delaftale[felt]:
                self.usikker(sektion, f"Afsnittet »{sektion}« blev ikke fundet; feltet er tomt.")
        return Laesning(
            {"helhedsplan": plan, "delaftale": delaftale}, self.usikkerheder, self.uplaceret
        )

    def _fordel(self) -> None:
        """Each block to its section; headings and LBF's guidance are dropped here."""
        sektion = STAMDATA
        sidste_var_delmaalstabel = False
        for blok in self.blokke:
            if isinstance(blok, Tabel):
                if _er_delmaalstabel(blok) or (
                    sidste_var_delmaalstabel and self._fortsaetter(blok)
                ):
                    self.delmaal_tabeller.append(blok)
                    sidste_var_delmaalstabel = True
                    continue
                sidste_var_delmaalstabel = False
                if _er_egenskabstabel(blok):
                    self.egenskaber.append(blok)
                elif sektion == EGENSKABER:
                    self.sektioner[DELMAAL].append(blok)
                elif sektion == KOMMUNALE_MAAL:
                    self.kommunale.append(blok)
                else:
                    self.sektioner[sektion].append(blok)
                continue
            if not blok.tekst.strip():
                continue  # an empty paragraph between a table and its continuation
            sidste_var_delmaalstabel = False
            ny = _sektionsoverskrift(blok)
            if ny is not None:
                sektion = ny
                continue
            if _er_vejledning(blok.noegle):
                continue
            if blok.overskrift == 0 or (
                sektion == STAMDATA and not self.titel and _TITEL.match(blok.flad)
            ):
                m = _TITEL.match(blok.flad)
                if m and not self.titel:
                    self.titel = m.group("navn")
                    continue
            if sektion == KOMMUNALE_MAAL:
                self.kommunale.append(blok)
            elif sektion == EGENSKABER:
                self.sektioner[DELMAAL].append(blok)
            else:
                self.sektioner[sektion].append(blok)

    def _fortsaetter(self, tabel: Tabel) -> bool:
        forrige = self.delmaal_tabeller[-1]
        return tabel.kolonner == forrige.kolonner and not _er_egenskabstabel(tabel)

    # Stamdata --------------------------------------------------------------------------

    def _laes_stamdata(self) -> None:
        strøm = self._som_afsnit(self.sektioner[STAMDATA], etiket_tabel=_stamdata_etiket)
        felt: str | None = None
        for a in strøm:
            if isinstance(a, tuple):  # (label, value cell) from a two-column table
                etiket, celle = a
                fundet = _stamdata_etiket(etiket)
                if fundet is None:
                    self.uplacer(STAMDATA, f"{etiket}: {celle.flad}")
                    continue
                self._stamdata_vaerdi(fundet[0], celle.linjer)
                felt = None
                continue
            tekst = a.flad
            fundet = _stamdata_etiket(tekst) if not a.liste else None
            if fundet:
                felt, rest = fundet
                if rest:
                    self._stamdata_vaerdi(felt, [rest])
                    felt = None if felt != "boligomraader" else felt
                continue
            if felt == "boligomraader" and not (a.liste or (len(tekst) <= 80 and tekst[-1] != ".")):
                felt = None  # the list of areas has ended
            if felt:
                self._stamdata_vaerdi(felt, a.linjer)
                if felt != "boligomraader":
                    felt = None
                continue
            if re.search(r"\bversion\b", tekst, re.I) and len(tekst) <= 120:
                continue  # our export's version line
            self.uplacer(STAMDATA, tekst)

    def _stamdata_vaerdi(self, felt: str, linjer: list[str]) -> None:
        if felt == "boligomraader":
            for linje in linjer:
                for del_ in re.split(r"\s*;\s*", linje):
                    del_ = _ren(del_)
                    if not del_:
                        continue
                    m = re.match(
                        r"^(?P<navn>.+?)\s*\((?:afd\.?|afdeling(?:er)?)\s*(?P<afd>[^)]*)\)$",
                        del_,
                        re.I,
                    )
                    if m:
                        self.dok_omraader.append((m.group("navn"), m.group("afd").strip()))
                    else:
                        self.dok_omraader.append((del_, ""))
            return
        tekst = " ".join(_ren(linje) for linje in linjer if linje.strip())
        if tekst and felt not in self.stamdata:
            self.stamdata[felt] = tekst

    @staticmethod
    def _som_afsnit(blokke: list[Blok], *, etiket_tabel: Any) -> list[Afsnit | tuple[str, Celle]]:
        """Blocks as a stream of paragraphs: a two-column table whose left cells are labels
        becomes (label, value) pairs, any other table its cells' paragraphs in order."""
        ud: list[Afsnit | tuple[str, Celle]] = []
        for b in blokke:
            if isinstance(b, Afsnit):
                ud.append(b)
                continue
            if _er_etikettabel(b, etiket_tabel):
                for r in b.raekker:
                    celler = b.unikke_celler(r)
                    if len(celler) >= 2 and celler[0].flad:
                        ud.append((celler[0].flad.rstrip(": "), celler[1]))
                    elif celler and celler[0].flad:
                        ud.extend(celler[0].afsnit)
                continue
            ud.extend(_alle_afsnit([b]))
        return ud

    def _aftalens_periode(self) -> tuple[str, str]:
        tekst = self.stamdata.get("periode", "")
        datoer = _datoer(tekst)
        if len(datoer) >= 2 and datoer[1] > datoer[0]:
            return datoer[0].isoformat(), datoer[1].isoformat()
        if tekst:
            self.usikker(
                STAMDATA,
                f"Perioden »{tekst}« kan ikke læses som to datoer (fx 01.12.2021–30.11.2025).",
            )
        if self.plan:
            self.usikker(
                STAMDATA,
                "Dokumentet angiver ikke delaftalens periode; helhedsplanens periode er brugt.",
            )
            return self.plan.gyldig_fra.isoformat(), self.plan.gyldig_til.isoformat()
        self.usikker(STAMDATA, "Dokumentet angiver ikke delaftalens periode.")
        return "", ""

    def _indsatsomraade(self) -> str:
        navn = _ren(self.titel).strip(" *»«\"'”“.:")
        if not navn:
            self.usikker(
                STAMDATA,
                "Titlen »Delaftale for indsatsområdet …« blev ikke fundet; indsatsområdet er "
                "ikke læst.",
            )
            return ""
        return navn[0].upper() + navn[1:]

    def _helhedsplan(self, fra: str, til: str) -> dict[str, Any]:
        dok_navn = self.stamdata.get("navn", "")
        if self.plan:
            if dok_navn and _noegle(dok_navn) != _noegle(self.plan.navn):
                self.usikker(
                    STAMDATA,
                    f"Dokumentet kalder indsatsen »{dok_navn}«; delaftalen indlæses i "
                    f"helhedsplanen »{self.plan.navn}«.",
                )
            omraader = [
                {"navn": o.navn, "afdelinger": o.afdelinger} for o in self.plan.boligomraader.all()
            ]
            i_planen = {_noegle(o["navn"]) for o in omraader}
            afdelinger = {_noegle(n): a for n, a in self.dok_omraader}
            for navn in self.omraader:
                if _noegle(navn) not in i_planen:
                    omraader.append({"navn": navn, "afdelinger": afdelinger.get(_noegle(navn), "")})
            return {
                "navn": self.plan.navn,
                "kommune": self.plan.kommune,
                "gyldig_fra": self.plan.gyldig_fra.isoformat(),
                "gyldig_til": self.plan.gyldig_til.isoformat(),
                "boligomraader": omraader,
            }
        kommune = self.stamdata.get("kommune", "")
        navn = dok_navn
        if navn and _noegle(navn) == _noegle(self.titel):
            self.usikker(
                STAMDATA,
                f"Feltet »Navn på den boligsociale indsats« siger »{navn}«, som er "
                "indsatsområdets navn. Vælg helhedsplanen, delaftalen hører til.",
            )
        if not navn:
            self.usikker(STAMDATA, "Dokumentet angiver ikke navnet på den boligsociale indsats.")
        if not kommune and navn:
            m = re.match(r"^([A-ZÆØÅ][\wæøåÆØÅ-]+)[_ ]\d{2}[_ -]\d{2}$", navn)
            if m:
                kommune = f"{m.group(1)} Kommune"
                self.usikker(
                    STAMDATA,
                    f"Dokumentet angiver ikke kommunen; »{kommune}« er læst ud af navnet »{navn}«.",
                )
        if not kommune:
            self.usikker(STAMDATA, "Dokumentet angiver ikke kommunen.")
        if fra:
            self.usikker(
                STAMDATA,
                "Dokumentet angiver ikke helhedsplanens periode; delaftalens periode er brugt.",
            )
        if self.dok_omraader:
            omraader = [{"navn": n, "afdelinger": a} for n, a in self.dok_omraader]
        else:
            omraader = [{"navn": n, "afdelinger": ""} for n in self.omraader]
        return {
            "navn": navn,
            "kommune": kommune,
            "gyldig_fra": fra,
            "gyldig_til": til,
            "boligomraader": omraader,
        }

    # Parter ----------------------------------------------------------------------------

    def _laes_parter(self) -> tuple[list[dict[str, Any]], str]:
        strøm = [
            a if isinstance(a, Afsnit) else Afsnit([Stykke(f"{a[0]}: {a[1].flad}")])
            for a in self._som_afsnit(self.sektioner[PARTER], etiket_tabel=lambda t: None)
        ]
        parter: list[dict[str, Any]] = []
        beskrivelser: list[list[Afsnit]] = []
        ansvarlige: list[Afsnit] = []
        gruppe = ""
        gruppe_org = ""
        i_ansvarlige = False
        for a in strøm:
            tekst = a.flad
            if i_ansvarlige:
                ansvarlige.append(a)
                continue
            if re.match(r"^ansvarlig", tekst, re.I) and not a.liste:
                i_ansvarlige = True
                ansvarlige.append(a)
                continue
            if self._er_gruppe(a):
                gruppe = tekst.rstrip(" :")
                m = re.match(r"^samarbejdspartnere?\s+(?:i|fra|hos)\s+(?P<org>.+)$", gruppe, re.I)
                gruppe_org = m.group("org") if m else ""
                continue
            kontakt = _kontakt(tekst)
            if parter and kontakt and not _uden_kontakt(tekst):
                parter[-1].update(kontakt)
                continue
            linjer = a.linjer
            person = _person(linjer[0]) if linjer else None
            navn_fed = bool(a.stykker) and a.stykker[0].fed
            # A name alone is a person in our export's list (not bold), or a plain line of
            # two or more words that reads as a name (»Hanne Jensen«); »Styregruppen«,
            # »Ad hoc-gruppen« or a bold name are groups.
            if (
                person
                and not person["titel"]
                and (navn_fed or (not a.liste and len(person["navn"].split()) < 2))
            ):
                person = None
            if person:
                navn, titel, org = person["navn"], person["titel"], person["organisation"]
                if not org and gruppe_org:
                    org = gruppe_org
                    self.usikker(
                        PARTER,
                        f"Organisationen for parterne under »{gruppe}« er læst ud af "
                        f"overskriften: »{gruppe_org}«.",
                    )
                part = {
                    "type": "person",
                    "gruppe": gruppe,
                    "navn": navn,
                    "titel": titel,
                    "organisation": org,
                    "beskrivelse": "",
                }
                for linje in linjer[1:]:
                    part.update(_kontakt(linje))
                part.update(_kontakt(linjer[0]))
                parter.append(part)
                beskrivelser.append([])
                continue
            if self._er_organnavn(a):
                parter.append(_organ(gruppe, tekst.rstrip(" :")))
                beskrivelser.append([])
                continue
            if not parter:
                organ = re.match(
                    r"^(?P<navn>[A-ZÆØÅ][\wæøå-]*(?:gruppe|gruppen|udvalg|udvalget|råd|rådet|"
                    r"forum|bestyrelse|bestyrelsen|netværk|netværket|styregruppe|styregruppen))\b",
                    tekst,
                )
                if organ:
                    parter.append(_organ(gruppe, organ.group("navn")))
                    beskrivelser.append([a])
                    self.usikker(
                        PARTER,
                        f"»{organ.group('navn')}« er læst som en gruppe blandt parterne, med "
                        "afsnittet, der begynder med navnet, som dens beskrivelse.",
                    )
                    continue
                self.uplacer(PARTER, a.tekst)
                continue
            beskrivelser[-1].append(a)
        for part, beskrivelse in zip(parter, beskrivelser, strict=True):
            part["beskrivelse"] = _rigtekst(beskrivelse)
            if part["type"] == "organ" and not part["beskrivelse"]:
                self.usikker(PARTER, f"Gruppen »{part['navn']}« har ingen beskrivelse.")
        if not parter:
            self.usikker(PARTER, "Ingen parter blev fundet under »Delaftalens parter«.")
        return parter, _rigtekst(ansvarlige)

    @staticmethod
    def _er_gruppe(a: Afsnit) -> bool:
        tekst = a.flad
        if a.overskrift is not None and a.overskrift >= 2:
            return True
        if a.liste:
            return False
        if re.match(r"^samarbejdspartner", tekst, re.I) and len(tekst) <= 150:
            return True
        return tekst.endswith(":") and len(tekst.split()) <= 8

    @staticmethod
    def _er_organnavn(a: Afsnit) -> bool:
        """A short line on its own: »Ad hoc-gruppen«, or our export's bold list item."""
        tekst = a.flad
        if not tekst or "\n" in a.tekst.strip() or len(tekst.split()) > 6:
            return False
        if a.liste:
            return a.stykker[0].fed if a.stykker else False
        return tekst[-1] not in ".,;!?"

    # Delmål and indikatorer --------------------------------------------------------------

    def _laes_delmaal(self) -> list[dict[str, Any]]:
        for blok in self.sektioner[DELMAAL]:
            if isinstance(blok, Tabel):
                self.uplacer(DELMAAL, _tabeltekst(blok))
            else:
                self.uplacer(DELMAAL, blok.tekst)
        if not self.delmaal_tabeller:
            self.usikker(DELMAAL, "Tabellen over delmål og indikatorer blev ikke fundet.")
            self._vaelg_omraader([])
            return []
        raekker = self._tabelraekker()
        self._vaelg_omraader(raekker)
        delmaal = self._delmaal_fra_raekker(raekker)
        return self._delmaal_data(delmaal)

    def _tabelraekker(self) -> list[dict[str, Any]]:
        """Every data row of the table (and its continuations) as {role: Celle}."""
        roller: list[str | None] = []
        overskrift_noegler: list[str] = []
        ud: list[dict[str, Any]] = []
        for tabel in self.delmaal_tabeller:
            for raekke in tabel.raekker:
                noegler = [_noegle(t) for t in raekke.tekster]
                if _er_overskriftsraekke(noegler):
                    roller = [_kolonnerolle(n) for n in noegler]
                    overskrift_noegler = noegler
                    continue
                if raekke.overskrift or (overskrift_noegler and noegler == overskrift_noegler):
                    continue
                if not roller:
                    continue
                celler: dict[str, Any] = {}
                for rolle, celle in zip(roller, raekke.celler, strict=False):
                    if rolle and rolle not in celler:
                        celler[rolle] = celle
                if any(c.flad for c in celler.values()):
                    ud.append(celler)
        return ud

    def _vaelg_omraader(self, raekker: list[dict[str, Any]]) -> None:
        if self.plan_omraader:
            self.omraader = list(self.plan_omraader)
            # A document about other areas than the plan's (another plan's agreement, or
            # areas added since) must not have their names read as part of the indikator.
            kendte = {_noegle(o) for o in self.omraader}
            andre = [
                n
                for n in [n for n, _ in self.dok_omraader] or _omraader_i_tabellen(raekker)
                if _noegle(n) not in kendte
            ]
            if andre:
                self.omraader += andre
                self.usikker(
                    STAMDATA,
                    "Dokumentet nævner boligområder, som helhedsplanen ikke har: "
                    f"{', '.join(andre)}. De oprettes i helhedsplanen, når delaftalen "
                    "indlæses; er det den forkerte helhedsplan, så annullér.",
                )
            return
        if self.dok_omraader:
            self.omraader = [n for n, _ in self.dok_omraader]
            return
        self.omraader = _omraader_i_tabellen(raekker)
        self.omraader_fra_tabel = True
        if self.omraader:
            self.usikker(
                STAMDATA,
                "Dokumentet nævner ikke helhedsplanens boligområder; de er læst ud af tabellen "
                f"over delmål og indikatorer: {', '.join(self.omraader)}.",
            )

    def _kendt_omraade(self, tekst: str) -> str | None:
        n = _noegle(tekst)
        return next((o for o in self.omraader if _noegle(o) == n), None)

    def _omraade_foran(self, tekst: str) -> tuple[str | None, str]:
        """(area, the rest) when tekst starts with a known area's name."""
        n = _ren(tekst)
        bedste = None
        for o in self.omraader:
            passer = _noegle(n[: len(o)]) == _noegle(o)
            if (
                passer
                and (len(n) == len(o) or not n[len(o)].isalnum())
                and (bedste is None or len(o) > len(bedste))
            ):
                bedste = o
        if bedste is None:
            return None, n
        return bedste, n[len(bedste) :].strip(" :–-")

    def _delmaal_fra_raekker(self, raekker: list[dict[str, Any]]) -> list[_Delmaal]:
        delmaal: list[_Delmaal] = []
        forrige: dict[str, Any] = {}  # the previous row's delmål, indikator and area
        ventende_omraade: str | None = None
        # Only an indikator filling several rows carries an area down to a row without one.
        gentagne = self._raekker_pr_indikator(raekker)
        i = 0
        while i < len(raekker):
            r = raekker[i]
            tekst = {rolle: c.flad for rolle, c in r.items()}
            linjer = {rolle: c.linjer for rolle, c in r.items()}
            fortsat = {rolle: c.fortsat for rolle, c in r.items()}
            nr = i + 1
            i += 1
            # The delmål: merged down, repeated, or left empty below its first row.
            dtekst = _uden_nummer(tekst.get("delmaal", ""))
            if (
                dtekst
                and not fortsat.get("delmaal")
                and (not delmaal or _noegle(dtekst) != _noegle(delmaal[-1].tekst))
            ):
                delmaal.append(_Delmaal(dtekst))
                forrige = {}
                ventende_omraade = None
            elif not delmaal:
                delmaal.append(_Delmaal(""))
                self.usikker(DELMAAL, "Tabellens første række har intet delmål.")
            dm = delmaal[-1]

            har_tal = bool(
                tekst.get("vaerdi") or tekst.get("sammenligning") or tekst.get("periode")
            )
            itekst = "" if fortsat.get("indikator") else " ".join(linjer.get("indikator", []))
            # A row with only an area's name: the area of the row below (Vejle's »Nørremarken«).
            if (
                itekst
                and not har_tal
                and not tekst.get("datakilde")
                and self._er_omraadenavn(itekst)
            ):
                ventende_omraade = self._kendt_omraade(itekst) or itekst
                continue
            # A row broken by a page break: numbers here, the indicator and source below.
            if (
                har_tal
                and not itekst
                and not fortsat.get("indikator")
                and not tekst.get("datakilde")
                and i < len(raekker)
            ):
                naeste = raekker[i]
                n_tekst = {rolle: c.flad for rolle, c in naeste.items()}
                if (
                    n_tekst.get("indikator")
                    and not naeste["indikator"].fortsat
                    and not (
                        n_tekst.get("vaerdi")
                        or n_tekst.get("sammenligning")
                        or n_tekst.get("periode")
                    )
                ):
                    i += 1
                    itekst = " ".join(naeste["indikator"].linjer)
                    r = {**r, "datakilde": naeste.get("datakilde", r.get("datakilde"))}
                    tekst["datakilde"] = n_tekst.get("datakilde", "")
                    linjer["datakilde"] = (
                        naeste["datakilde"].linjer if "datakilde" in naeste else []
                    )
                    self.usikker(
                        DELMAAL,
                        f"En række var delt i to (tallene »{_ren(tekst.get('vaerdi', ''))}« i én "
                        f"række, indikatoren »{itekst}« og datakilden i den næste, typisk ved et "
                        "sideskift). De er læst som én række.",
                    )
            # The indikator and an area written before it.
            omraade = None
            if itekst:
                omraade, navn = self._indikator_og_omraade(linjer.get("indikator", []), itekst)
                if not navn:
                    navn = forrige.get("indikator", "")
                nyt_omraade = omraade is not None
            else:
                navn = forrige.get("indikator", "")
                nyt_omraade = False
                if not navn:
                    if har_tal or tekst.get("datakilde"):
                        self.uplacer(DELMAAL, " | ".join(t for t in tekst.values() if t))
                    continue
            if ventende_omraade and omraade is None:
                omraade, ventende_omraade = ventende_omraade, None
                nyt_omraade = True
            if (
                omraade is None
                and not nyt_omraade
                and forrige.get("omraade")
                and gentagne[_noegle(navn)] > 1
            ):
                omraade = forrige["omraade"]
            indikator = dm.indikator(navn)
            forrige = {"indikator": navn, "omraade": omraade}

            if "sted" in r and tekst.get("sted"):
                omraade = self._kendt_omraade(tekst["sted"]) or tekst["sted"]
            for b in self._baselines(linjer, tekst, omraade, nr):
                indikator.baselines.append(b)
        return delmaal

    def _er_omraadenavn(self, tekst: str) -> bool:
        if self._kendt_omraade(tekst):
            return True
        return self.omraader_fra_tabel and tekst in self.omraader

    def _raekker_pr_indikator(self, raekker: list[dict[str, Any]]) -> Counter[str]:
        """How many rows each indikator fills: one filling several means the table is read
        area by area, and a row without an area belongs to the area above."""
        antal: Counter[str] = Counter()
        for r in raekker:
            celle = r.get("indikator")
            if celle is not None and not celle.fortsat:
                antal[_noegle(self._indikator_og_omraade(celle.linjer, celle.flad)[1])] += 1
        return antal

    def _indikator_og_omraade(self, linjer: list[str], tekst: str) -> tuple[str | None, str]:
        if len(linjer) > 1 and self._er_omraadenavn(linjer[0]):
            return self._kendt_omraade(linjer[0]) or linjer[0], " ".join(linjer[1:])
        omraade, rest = self._omraade_foran(tekst)
        if omraade and rest:
            return omraade, rest
        return None, tekst

    def _baselines(
        self, linjer: dict[str, list[str]], tekst: dict[str, str], omraade: str | None, nr: int
    ) -> list[_Baseline]:
        datakilde, samlet = _datakilde_og_samlet(linjer.get("datakilde", []))
        periode = ""
        ptekst = tekst.get("periode", "")
        if ptekst:
            try:
                periode = fortolk_periode(ptekst)
            except ValueError:
                self.usikker(
                    DELMAAL,
                    f"Baseline år »{ptekst}« (række {nr}) kan ikke læses som et år eller en "
                    "måned; perioden er tom.",
                )
        sammenligning, label = None, ""
        stekst = tekst.get("sammenligning", "")
        if stekst:
            sammenligning, label = self._sammenligning(stekst, nr)
        ud = []
        if samlet:
            omraade = None  # a value »opgjort samlet« belongs to no single area
        for sted, vtekst in self._vaerdipar(linjer.get("vaerdi", [])) or [(None, "")]:
            afventer = (
                bool(vtekst)
                and bool(_DATA_KOMMER.search(vtekst))
                and not _VAERDI_SLUT.search(vtekst)
            )
            vaerdi = None
            if vtekst and not afventer:
                vaerdi = _laes_tal(vtekst)
            sted = sted or omraade
            ud.append(
                _Baseline(
                    sted, vaerdi, afventer, sammenligning, label, periode, datakilde, samlet, nr
                )
            )
        return ud

    def _vaerdipar(self, linjer: list[str]) -> list[tuple[str | None, str]]:
        """The baseline cell as (place, value) pairs: »11,3 %«, »Nørremarken 11,3 %«,
        »Data kommer«, or several areas, each on its line or above its value."""
        rene = [_ren(linje) for linje in linjer if _ren(linje)]
        if not rene:
            return []

        def kun_vaerdi(linje: str) -> bool:
            return bool(_KUN_VAERDI.fullmatch(linje))

        nogen_ren = any(kun_vaerdi(linje) for linje in rene)
        par: list[tuple[str | None, str]] = []
        ventende: list[str] = []
        for linje in rene:
            if kun_vaerdi(linje):
                par.append((" ".join(ventende) or None, linje))
                ventende = []
                continue
            sted, vaerdi = self._del_sted_vaerdi(linje, kun_sted=nogen_ren)
            if vaerdi:
                par.append(
                    ((" ".join([*ventende, sted]) if sted else " ".join(ventende)) or None, vaerdi)
                )
                ventende = []
            else:
                ventende.append(linje)
        if ventende:
            self.uplacer(DELMAAL, " ".join(ventende))
        return par

    def _del_sted_vaerdi(self, linje: str, *, kun_sted: bool) -> tuple[str, str]:
        omraade, rest = self._omraade_foran(linje)
        if omraade is not None:
            return omraade, rest
        if kun_sted:
            return linje, ""
        m = _DATA_KOMMER.search(linje)
        if m:
            return linje[: m.start()].strip(), linje[m.start() :].strip()
        m = _VAERDI_SLUT.search(linje)
        if m:
            return linje[: m.start()].strip(), linje[m.start() :].strip()
        return linje, ""

    def _sammenligning(self, tekst: str, nr: int) -> tuple[_Tal | None, str]:
        m = re.search(r"(?P<tal>[-+]?\d[\d.,]*)\s*(?P<pct>%)?", _ren(tekst))
        if not m:
            self.usikker(
                DELMAAL,
                f"»Evt. anden baseline« »{tekst}« (række {nr}) har intet tal og er ikke læst.",
            )
            return None, ""
        ren = _ren(tekst)
        label = _ren(ren[: m.start()] + " " + ren[m.end() :])
        tal = _laes_tal(m.group(0))
        return tal, label

    def _delmaal_data(self, delmaal: list[_Delmaal]) -> list[dict[str, Any]]:
        egenskaber = self._egenskaber([i for d in delmaal for i in d.indikatorer])
        ud = []
        for dm in delmaal:
            indikatorer = []
            for ind in dm.indikatorer:
                indikatorer.append(self._indikator_data(dm, ind, egenskaber.get(id(ind))))
            ud.append({"tekst": dm.tekst, "indikatorer": indikatorer})
        return ud

    def _indikator_data(
        self, dm: _Delmaal, ind: _Indikator, egenskab: dict[str, Any] | None
    ) -> dict[str, Any]:
        kilder = Counter(b.datakilde for b in ind.baselines if b.datakilde)
        datakilde = (
            max(kilder, key=lambda k: (kilder[k], -[b.datakilde for b in ind.baselines].index(k)))
            if kilder
            else ""
        )
        baselines = [self._baseline_data(ind, b) for b in ind.baselines]
        procent = any(
            (b.vaerdi and b.vaerdi.procent) or (b.sammenligning and b.sammenligning.procent)
            for b in ind.baselines
        )
        har_tal = any(b.vaerdi and (b.vaerdi.tekst or b.vaerdi.fejl) for b in ind.baselines)
        alder = _ALDER.search(ind.navn)
        data: dict[str, Any] = {
            "navn": ind.navn,
            "maalgruppe": f"{alder.group(1)}-{alder.group(2)} år" if alder else "",
            "enhed": "procent" if procent else "antal",
            "retning": "hoejere",
            "datakilde": datakilde,
            "lbf_standard": False,
            "baselines": baselines,
        }
        enheder = Counter(b.vaerdi.enhed for b in ind.baselines if b.vaerdi and b.vaerdi.enhed)
        if egenskab:
            data.update({k: v for k, v in egenskab.items() if v is not None})
            if data["enhed"] == "andet" and not data.get("enhed_tekst"):
                data["enhed_tekst"] = enheder.most_common(1)[0][0] if enheder else ""
                if not enheder:
                    self.usikker(
                        DELMAAL,
                        f"»{ind.navn}« har »Anden enhed«, men ingen enhed står ved tallene.",
                    )
            return _uden_enhed_i_label(data)
        if enheder and not procent:
            data["enhed"], data["enhed_tekst"] = "andet", enheder.most_common(1)[0][0]
        gaet = []
        ligner_andel = bool(re.match(r"^(andel|procent)", ind.navn, re.I)) or (
            "grad" in ind.navn.lower()
        )
        if not procent and not enheder and (not har_tal or ligner_andel):
            data["enhed"] = "antal" if re.match(r"^antal\b", ind.navn, re.I) else "procent"
            gaet.append(
                f"enheden »{data['enhed']}« er valgt ud fra navnet"
                + ("" if har_tal else ", da der endnu ingen tal er")
            )
        retning, grund = _retning(dm.tekst, ind.navn)
        data["retning"] = retning
        lbf = bool(re.match(r"^lbf\b", datakilde, re.I)) or "landsbyggefond" in datakilde.lower()
        data["lbf_standard"] = lbf
        tekst = (
            f"»{ind.navn}«: dokumentet siger ikke, om højere eller lavere er bedre, eller om "
            f"indikatoren er en af LBF's standardindikatorer. Valgt: "
            f"{'lavere' if retning == 'lavere' else 'højere'} er bedre ({grund}); "
            + (
                f"LBF-standard, da datakilden er »{datakilde}«"
                if lbf
                else "ikke LBF-standard"
                + (
                    f", da datakilden er »{datakilde}«"
                    if datakilde
                    else ", da der ingen datakilde er"
                )
            )
            + (f"; {'; '.join(gaet)}" if gaet else "")
            + "."
        )
        self.usikker(DELMAAL, tekst)
        return _uden_enhed_i_label(data)

    def _baseline_data(self, ind: _Indikator, b: _Baseline) -> dict[str, Any]:
        data: dict[str, Any] = {}
        sted = b.sted
        samlet_tekst = ""
        if sted and _SAMLET.match(sted):
            samlet_tekst, sted = sted, None
        samlet_navne_tekst = b.samlet or samlet_tekst
        if sted:
            kendt = self._kendt_omraade(sted)
            if kendt:
                data["boligomraade"] = kendt
            else:
                data["maalgruppe"] = sted
                # Beside the document's own list of areas a target group is no surprise.
                if self.plan_omraader or self.omraader_fra_tabel:
                    self.usikker(
                        DELMAAL,
                        f"»{sted}« (ved »{ind.navn}«) er ikke et af "
                        + (
                            "boligområderne"
                            if self.omraader_fra_tabel
                            else "helhedsplanens boligområder"
                        )
                        + " og er læst som en målgruppe.",
                    )
        elif samlet_navne_tekst:
            data["samlet_for"] = self._samlet_for(samlet_navne_tekst, b.samlet, ind.navn)
            data["maalgruppe"] = samlet_tekst or b.samlet
        vaerdi = None
        if b.vaerdi is not None:
            if b.vaerdi.fejl:
                self.usikker(
                    DELMAAL,
                    f"Baselinen »{b.vaerdi.fejl}« for »{ind.navn}«"
                    + (f" i {b.sted}" if b.sted else "")
                    + " kan ikke læses som et tal (skriv fx 11,3 % med komma). Den er læst "
                    "uden værdi; ret den, før delaftalen indlæses.",
                )
            vaerdi = b.vaerdi.tekst
        if not b.afventer and b.vaerdi is None:
            self.usikker(
                DELMAAL,
                f"»{ind.navn}«"
                + (f" i {b.sted}" if b.sted else "")
                + " har hverken en baseline eller »Data kommer« (række "
                f"{b.raekke}).",
            )
        sammenligning = None
        if b.sammenligning is not None:
            if b.sammenligning.fejl:
                self.usikker(
                    DELMAAL,
                    f"»Evt. anden baseline« »{b.sammenligning.fejl}« for »{ind.navn}« kan ikke "
                    "læses som et tal og er udeladt.",
                )
            sammenligning = b.sammenligning.tekst
        data.update(
            {
                "vaerdi": vaerdi,
                "afventer": b.afventer,
                "sammenligning": sammenligning,
                "sammenligning_label": b.sammenligning_label if sammenligning is not None else "",
                "periode": b.periode,
                "datakilde": b.datakilde,
            }
        )
        return data

    def _samlet_for(self, tekst: str, kilde_tekst: str, indikator: str) -> list[str]:
        """The areas named after »Opgjort samlet for«; a name not the plan's is matched on
        its first word (»Løget Høj« → »Løget By«), and said so."""
        navne: list[str] = []
        kandidater = [kilde_tekst, tekst] if kilde_tekst and kilde_tekst != tekst else [tekst]
        for kandidat in kandidater:
            rest = _SAMLET.split(kandidat, maxsplit=1)[-1]
            dele = [
                _ren(d).strip(" .")
                for d in re.split(r",|\bog\b|&|\bsamt\b", rest)
                if _ren(d).strip(" .")
            ]
            fundne = [self._kendt_omraade(d) for d in dele]
            if dele and all(fundne):
                return [f for f in fundne if f]
        rest = _SAMLET.split(tekst, maxsplit=1)[-1]
        for del_ in re.split(r",|\bog\b|&|\bsamt\b", rest):
            del_ = _ren(del_).strip(" .")
            if not del_:
                continue
            kendt = self._kendt_omraade(del_)
            if kendt is None:
                foerste = _noegle(del_).split()[0]
                mulige = [o for o in self.omraader if _noegle(o).split()[0] == foerste]
                if len(mulige) == 1:
                    kendt = mulige[0]
                    self.usikker(
                        DELMAAL,
                        f"»{del_}« i »{_ren(tekst)}« (ved »{indikator}«) er læst som "
                        f"boligområdet »{kendt}«.",
                    )
                else:
                    self.usikker(
                        DELMAAL,
                        f"»{del_}« i »{_ren(tekst)}« (ved »{indikator}«) er ikke et kendt "
                        "boligområde og er udeladt af »opgjort samlet for«.",
                    )
                    continue
            if kendt not in navne:
                navne.append(kendt)
        return navne

    def _egenskaber(self, indikatorer: list[_Indikator]) -> dict[int, dict[str, Any]]:
        """Our export's »Indikatorernes egenskaber« table, by order (names checked)."""
        raekker: list[list[str]] = []
        roller: list[str | None] = []
        for tabel in self.egenskaber:
            for raekke in tabel.raekker:
                tekster = [c.flad for c in tabel.unikke_celler(raekke)]
                noegler = [_noegle(t) for t in tekster]
                if "indikator" in noegler and any("retning" in n for n in noegler):
                    roller = [_egenskabsrolle(n) for n in noegler]
                    continue
                if roller and any(tekster):
                    raekker.append(tekster)
        ud: dict[int, dict[str, Any]] = {}
        if not raekker:
            return ud
        ledige: dict[str, list[_Indikator]] = {}
        for i in indikatorer:
            ledige.setdefault(_noegle(i.navn), []).append(i)
        for tekster in raekker:
            r = dict(zip(roller, tekster, strict=False))
            navn = r.get("indikator", "")
            ind = ledige[_noegle(navn)].pop(0) if ledige.get(_noegle(navn)) else None
            if ind is None:
                self.usikker(
                    DELMAAL,
                    f"»Indikatorernes egenskaber« nævner »{navn}«, som ikke står i tabellen over "
                    "delmål og indikatorer; rækken er ikke brugt.",
                )
                continue
            egenskab: dict[str, Any] = {}
            if "maalgruppe" in r:
                egenskab["maalgruppe"] = r["maalgruppe"]
            enhed = _noegle(r.get("enhed", ""))
            if enhed.startswith("procent"):
                egenskab["enhed"] = "procent"
            elif enhed.startswith("antal"):
                egenskab["enhed"] = "antal"
            elif enhed:
                egenskab["enhed"] = "andet"
                tekst = _ren(r["enhed"])
                m = re.match(r"^anden enhed\s*(?:\((.+)\))?$", tekst, re.I)
                # »Anden enhed« alone: the unit is the one written after the values.
                egenskab["enhed_tekst"] = (m.group(1) or "") if m else tekst
            retning = _noegle(r.get("retning", ""))
            if retning.startswith("lavere"):
                egenskab["retning"] = "lavere"
            elif retning.startswith(("højere", "hoejere")):
                egenskab["retning"] = "hoejere"
            lbf = _noegle(r.get("lbf_standard", ""))
            if lbf in ("ja", "nej"):
                egenskab["lbf_standard"] = lbf == "ja"
            if "datakilde" in r:
                egenskab["datakilde"] = _ren(r["datakilde"])
            ud[id(ind)] = egenskab
        for ind in (i for rest in ledige.values() for i in rest):
            self.usikker(DELMAAL, f"»{ind.navn}« mangler i »Indikatorernes egenskaber«.")
        return ud

    # Aktiviteter ------------------------------------------------------------------------

    def _laes_aktiviteter_indledning(self, aktiviteter: list[dict[str, Any]]) -> str:
        afsnit = [
            a
            for a in self._som_afsnit(self.sektioner[AKTIVITETER], etiket_tabel=lambda t: None)
            if isinstance(a, Afsnit)
        ]
        navne = {_noegle(akt["navn"]): akt["navn"] for akt in aktiviteter if akt["navn"]}
        behold = []
        for a in afsnit:
            tekst = a.flad
            match = _aktivitet_i_listen(tekst, navne) if (a.liste or len(tekst) <= 200) else None
            if match is None:
                behold.append(a)
                continue
            if _noegle(match) not in (_noegle(tekst), _noegle(_uden_parentes(tekst))):
                self.usikker(
                    AKTIVITETER,
                    f"Listen over aktiviteter nævner »{tekst}«; skemaet hedder »{match}«. "
                    "Skemaets navn er brugt.",
                )
        return _rigtekst(behold)

    def _laes_skemaer(self, delmaal: list[dict[str, Any]]) -> list[dict[str, Any]]:
        strøm = self._som_afsnit(self.sektioner[SKEMAER], etiket_tabel=_skema_etiket)
        aktiviteter: list[dict[str, Any]] = []
        felter: list[dict[str, list[Afsnit]]] = []
        felt: str | None = None

        def ny() -> None:
            felter.append({})

        for a in strøm:
            if isinstance(a, tuple):
                etiket, celle = a
                fundet = _skema_etiket(etiket)
                if fundet is None:
                    self.uplacer(SKEMAER, f"{etiket}: {celle.flad}")
                    continue
                if fundet[0] == "navn" or not felter:
                    ny()
                felter[-1].setdefault(fundet[0], []).extend(celle.afsnit)
                felt = fundet[0]
                continue
            for del_ in self._del_ved_etiketter(a):
                fundet = _skema_etiket(del_.flad) if not del_.liste else None
                if fundet and fundet[1] and fundet[0] == felt and felt != "navn":
                    fundet = None  # »Målgruppe: …« written inside the Målgruppe(r) field
                if fundet:
                    felt, rest = fundet
                    if felt == "navn" or not felter:
                        ny()
                    felter[-1].setdefault(felt, [])
                    if rest:
                        felter[-1][felt].append(_med_tekst(del_, rest))
                    continue
                if not felter or felt is None:
                    self.uplacer(SKEMAER, del_.tekst)
                    continue
                felter[-1][felt].append(del_)
        for nr, f in enumerate(felter, 1):
            aktiviteter.append(self._aktivitet(nr, f, delmaal))
        if not aktiviteter:
            self.usikker(SKEMAER, "Ingen aktivitetsskemaer blev fundet.")
        return aktiviteter

    @staticmethod
    def _del_ved_etiketter(a: Afsnit) -> list[Afsnit]:
        """A paragraph with labels after line breaks (»Aktivitetsnavn:« ↵ name ↵ »Formål:«)
        is split there; other line breaks stay."""
        if "\n" not in a.tekst:
            return [a]
        dele = a.del_ved_linjeskift()
        if not any(_skema_etiket(d.flad) for d in dele if d.flad):
            return [a]
        return [d for d in dele if d.flad]

    def _aktivitet(
        self, nr: int, felter: dict[str, list[Afsnit]], delmaal: list[dict[str, Any]]
    ) -> dict[str, Any]:
        navn = " ".join(a.flad for a in felter.get("navn", []) if a.flad)
        if not navn:
            self.usikker(SKEMAER, f"Aktivitetsskema nr. {nr} har intet aktivitetsnavn.")
        data: dict[str, Any] = {"navn": navn}
        for felt, etiket in (
            ("formaal", "Formål"),
            ("maalgrupper", "Målgruppe(r)"),
            ("indhold_og_praksis", "Indhold og praksis"),
            ("ansvar_og_roller", "Ansvars- og rollefordeling"),
        ):
            data[felt] = _rigtekst(felter.get(felt, []))
            if not data[felt]:
                self.usikker(SKEMAER, f"»{navn or nr}« mangler »{etiket}«.")
        data["ressourceestimat"] = " ".join(a.flad for a in felter.get("ressourceestimat", []))
        data["delmaal"] = self._bidrager(felter.get("delmaal", []), delmaal, navn)
        if "delmaal" not in felter and delmaal:
            self.usikker(
                SKEMAER,
                f"Skemaet for »{navn or nr}« siger ikke, hvilke delmål aktiviteten bidrager "
                "til; der er ikke valgt nogen.",
            )
        return data

    def _bidrager(
        self, afsnit: list[Afsnit], delmaal: list[dict[str, Any]], aktivitet: str
    ) -> list[int]:
        ud: list[int] = []
        tekster = [d["tekst"] for d in delmaal]
        for a in afsnit:
            for linje in a.linjer:
                if re.fullmatch(r"(ingen|-|–)", linje.strip(), re.I):
                    continue
                nr = next(
                    (
                        i
                        for i, t in enumerate(tekster, 1)
                        if _noegle(t) == _noegle(_uden_nummer(linje))
                    ),
                    None,
                )
                if nr is None:
                    tal = re.findall(r"\d+", linje)
                    if tal and re.fullmatch(r"[\sdelmålDELMÅ.,:og&\d-]*", linje):
                        for t in tal:
                            if 1 <= int(t) <= len(tekster) and int(t) not in ud:
                                ud.append(int(t))
                        continue
                    bedste = max(
                        range(len(tekster)), key=lambda i: _ligner(tekster[i], linje), default=None
                    )
                    if bedste is not None and _ligner(tekster[bedste], linje) >= 0.8:
                        nr = bedste + 1
                        self.usikker(
                            SKEMAER,
                            f"»{aktivitet}« bidrager til »{linje}«, læst som delmål {nr} "
                            f"»{tekster[bedste]}«.",
                        )
                if nr is None:
                    self.usikker(
                        SKEMAER,
                        f"»{aktivitet}« siger, den bidrager til »{linje}«, som ikke er et af "
                        "delmålene; det er ikke medtaget.",
                    )
                elif nr not in ud:
                    ud.append(nr)
        return ud

    # The free texts ----------------------------------------------------------------------

    def _rig(self, sektion: str) -> str:
        return _rigtekst(self._afsnit_med_tabeller(sektion, self.sektioner[sektion]))

    def _afsnit_med_tabeller(self, sektion: str, blokke: list[Blok]) -> list[Afsnit]:
        """A table inside a free text is read as one paragraph per row (rich text has no
        tables), and said so."""
        ud: list[Afsnit] = []
        for b in blokke:
            if isinstance(b, Afsnit):
                ud.append(b)
                continue
            self.usikker(
                sektion,
                f"En tabel under »{sektion}« er læst som afsnit, ét pr. række: "
                f"»{_tabeltekst(b)[:120]}«.",
            )
            for r in b.raekker:
                tekst = " – ".join(c.flad for c in b.unikke_celler(r) if c.flad and not c.fortsat)
                if tekst:
                    ud.append(Afsnit([Stykke(tekst)]))
        return ud

    def _laes_kommunal(self) -> tuple[str, str]:
        afsnit = self._afsnit_med_tabeller(KOMMUNAL, self.sektioner[KOMMUNAL])
        kommunale = self._afsnit_med_tabeller(KOMMUNAL, self.kommunale)
        if not kommunale:
            for i, a in enumerate(afsnit):
                n = _noegle(a.flad)
                if "kommunale målsætninger" in n and a.flad.endswith(":") and not a.liste:
                    kommunale = afsnit[i:]
                    afsnit = afsnit[:i]
                    self.usikker(
                        KOMMUNAL,
                        f"Teksten fra »{a.flad}« og frem er læst som kommunale målsætninger.",
                    )
                    break
        return _rigtekst(afsnit), _rigtekst(kommunale)


# --- Helpers of the reading ---------------------------------------------------------------


def _uden_enhed_i_label(data: dict[str, Any]) -> dict[str, Any]:
    """»15 timer Randers Kommune«: the unit written after the other baseline is no part of
    what it is compared with."""
    enhed = data.get("enhed_tekst", "")
    if data["enhed"] == "andet" and enhed:
        for b in data["baselines"]:
            label = b["sammenligning_label"]
            if label == enhed or label.startswith(f"{enhed} "):
                b["sammenligning_label"] = label[len(enhed) :].strip()
    return data


def _organ(gruppe: str, navn: str) -> dict[str, Any]:
    return {
        "type": "organ",
        "gruppe": gruppe,
        "navn": navn,
        "titel": "",
        "organisation": "",
        "beskrivelse": "",
    }


def _er_overskriftsraekke(noegler: list[str]) -> bool:
    return any(n.startswith("delmål") for n in noegler) and any(
        n.startswith("indikator") for n in noegler
    )


def _er_delmaalstabel(tabel: Tabel) -> bool:
    return any(_er_overskriftsraekke([_noegle(t) for t in r.tekster]) for r in tabel.raekker[:3])


def _er_egenskabstabel(tabel: Tabel) -> bool:
    for r in tabel.raekker[:2]:
        noegler = [_noegle(t) for t in r.tekster]
        if "indikator" in noegler and any("retning" in n or "lbf" in n for n in noegler):
            return True
    return False


def _er_etikettabel(tabel: Tabel, etiket: Any) -> bool:
    if tabel.kolonner < 2:
        return False
    fundne = 0
    for r in tabel.raekker:
        celler = tabel.unikke_celler(r)
        if len(celler) >= 2 and celler[0].flad and etiket(celler[0].flad.rstrip(": ")):
            fundne += 1
    return fundne >= 1


def _kolonnerolle(n: str) -> str | None:
    if n.startswith("delmål"):
        return "delmaal"
    if n.startswith("indikator"):
        return "indikator"
    if "anden" in n or "sammenlign" in n:
        return "sammenligning"
    if n in ("år", "periode") or n.endswith(" år") or n.startswith("baseline år") or "periode" in n:
        return "periode"
    if "kilde" in n:
        return "datakilde"
    if n.startswith("baseline") or n.startswith("værdi"):
        return "vaerdi"
    if n.startswith(("boligområde", "område", "målgruppe", "sted")):
        return "sted"
    return None


def _egenskabsrolle(n: str) -> str | None:
    if n.startswith("indikator"):
        return "indikator"
    if "målgruppe" in n or "aldersgruppe" in n:
        return "maalgruppe"
    if "enhed" in n:
        return "enhed"
    if "retning" in n:
        return "retning"
    if "lbf" in n:
        return "lbf_standard"
    if "kilde" in n:
        return "datakilde"
    return None


def _tabeltekst(tabel: Tabel) -> str:
    return "\n".join(
        " | ".join(c.flad for c in tabel.unikke_celler(r) if not c.fortsat)
        for r in tabel.raekker
        if any(c.flad for c in r.celler)
    )


def _uden_nummer(tekst: str) -> str:
    return re.sub(r"^\s*(?:delmål\s*\d+\s*[:.–-]?|\d+\s*[.)])\s*", "", _ren(tekst), flags=re.I)


def _uden_parentes(tekst: str) -> str:
    return re.sub(r"\s*\([^()]*\)\s*$", "", tekst)


def _datakilde_og_samlet(linjer: list[str]) -> tuple[str, str]:
    tekst = " ".join(_ren(linje) for linje in linjer if _ren(linje))
    m = _SAMLET.search(tekst)
    if not m:
        return tekst, ""
    return tekst[: m.start()].strip(" ,;"), tekst[m.start() :].strip()


def _omraader_i_tabellen(raekker: list[dict[str, Any]]) -> list[str]:
    """Area names read out of the table when nothing else names them: a short capitalised
    prefix that the same indikator text carries with different prefixes (»Nørremarken
    Andel …« / »Vestbyen Andel …«), a name above its value in the baseline cell, or a row
    holding nothing but a name."""
    fundne: list[str] = []

    def tilfoej(navn: str) -> None:
        navn = _ren(navn).strip(" :–-")
        if (
            navn
            and navn not in fundne
            and not _SAMLET.match(navn)
            and not _DATA_KOMMER.search(navn)
            and not _ALDER.search(navn)  # »Piger 14-17 år« is a target group, not an area
        ):
            fundne.append(navn)

    indikatorer = []
    for r in raekker:
        celle = r.get("indikator")
        if celle is not None and not celle.fortsat and celle.flad:
            indikatorer.append(celle)
    prefikser = _Prefikser([c.flad.split() for c in indikatorer])
    for nr, r in enumerate(raekker):
        celle = r.get("indikator")
        har_tal = any(
            r.get(k) is not None and r[k].flad for k in ("vaerdi", "sammenligning", "periode")
        )
        if celle is not None and not celle.fortsat and celle.flad:
            ordene = celle.flad.split()
            if (
                not har_tal
                and len(ordene) <= 4
                and not re.search(r"\d", celle.flad)
                and nr + 1 < len(raekker)
            ):
                tilfoej(celle.flad)
            elif (
                len(celle.linjer) > 1
                and len(celle.linjer[0].split()) <= 4
                and celle.linjer[0][:1].isupper()
            ):
                tilfoej(celle.linjer[0])
            else:
                prefiks = prefikser.find(ordene)
                if prefiks:
                    tilfoej(prefiks)
        vaerdi = r.get("vaerdi")
        if vaerdi is not None:
            linjer = [_ren(linje) for linje in vaerdi.linjer if _ren(linje)]
            rene = [bool(_KUN_VAERDI.fullmatch(linje)) for linje in linjer]
            for i, linje in enumerate(linjer):
                if rene[i]:
                    continue
                if any(rene):
                    tilfoej(linje)
                else:
                    m = _VAERDI_SLUT.search(linje) or _DATA_KOMMER.search(linje)
                    if m and linje[: m.start()].strip():
                        tilfoej(linje[: m.start()])
    return fundne


def _kan_vaere_navn(ord_: tuple[str, ...]) -> bool:
    return 1 <= len(ord_) <= 4 and ord_[0][:1].isupper()


class _Prefikser:
    """The indikator texts by their endings, to find an area written before an indikator:
    a 1–4 word capitalised prefix, when another text ends with the same words (at least
    two) after no prefix or after a different name (»Nørremarken Andel …« / »Vestbyen
    Andel …«; not »Andel« of »Andel …« / »Løget By Andel …«, whose common ending is
    longer). Built once, so a table of thousands of rows is read in linear time."""

    def __init__(self, tekster: list[list[str]]) -> None:
        self.efter_slutning: dict[tuple[str, ...], set[tuple[str, ...]]] = {}
        for ordene in tekster:
            for k in range(0, 5):
                if len(ordene) - k < 2:
                    break
                self.efter_slutning.setdefault(tuple(ordene[k:]), set()).add(tuple(ordene[:k]))

    def find(self, ordene: list[str]) -> str | None:
        for k in range(1, 5):
            if len(ordene) - k < 2:
                break
            mit = tuple(ordene[:k])
            if not _kan_vaere_navn(mit):
                return None
            for andet in self.efter_slutning.get(tuple(ordene[k:]), ()):
                if andet == mit:
                    continue
                if not andet or (_kan_vaere_navn(andet) and andet[-1] != mit[-1]):
                    return " ".join(mit)
        return None


_LAVERE = ("nedbring", "reducer", "færre", "mindsk", "sænk", "begræns", "nedsæt", "forebyg")
_HOEJERE = ("øge", "øg", "flere", "styrk", "forbedr", "højn", "hæve", "fremm", "udvid")
_NAVN_LAVERE = (
    "forsørge",
    "ydelse",
    "ledig",
    "uden for",
    "kriminal",
    "sigtede",
    "dømte",
    "anmeldelse",
    "fravær",
    "udsættelse",
    "frafald",
)
_NAVN_HOEJERE = ("beskæftigelsesgrad", "i beskæftigelse", "i job", "i uddannelse", "gennemført")


def _retning(delmaal: str, indikator: str) -> tuple[str, str]:
    """(direction, why in Danish) from the indikator's own words, else its delmål's verb."""
    navn = indikator.lower()
    if any(o in navn for o in _NAVN_LAVERE):
        return "lavere", f"indikatoren måler »{indikator}«"
    if any(o in navn for o in _NAVN_HOEJERE):
        return "hoejere", f"indikatoren måler »{indikator}«"
    ordene = re.sub(r"^\s*at\s+", "", delmaal.lower()).split()
    for ord_ in ordene[:4]:
        if ord_.startswith(_LAVERE):
            return "lavere", f"delmålet siger »{ord_}«"
        if ord_.startswith(_HOEJERE):
            return "hoejere", f"delmålet siger »{ord_}«"
    return "hoejere", "delmålets ord siger det ikke; højere er valgt"


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_TELEFON = re.compile(r"(?:\+45\s?)?(?:\d{2}\s?){3}\d{2}\b|\+?\d[\d ]{6,14}\d")


def _kontakt(tekst: str) -> dict[str, str]:
    ud = {}
    m = _EMAIL.search(tekst)
    if m:
        ud["email"] = m.group(0)
    t = _TELEFON.search(_EMAIL.sub(" ", tekst))
    if t:
        ud["telefon"] = _ren(t.group(0))
    return ud


def _uden_kontakt(tekst: str) -> str:
    """The text with e-mail, phone and their labels removed (empty: only contact details)."""
    tekst = _EMAIL.sub(" ", tekst)
    tekst = _TELEFON.sub(" ", tekst)
    tekst = re.sub(r"\b(e-?mail|mail|tlf|telefon|mobil|tel)\b\.?:?", " ", tekst, flags=re.I)
    return _ren(re.sub(r"[·|,;/]", " ", tekst))


_SKILLE = re.compile(r"\s+[–—-]\s+|\s*[–—]\s*")


def _person(linje: str) -> dict[str, str] | None:
    """»Navn – titel[, organisation]« (en dash, hyphen or em dash); contact details after a
    line break or a »·« are left to _kontakt."""
    tekst = _ren(linje)
    tekst = re.split(r"\s·\s", tekst)[0]
    m = _SKILLE.search(tekst)
    navn = tekst[: m.start()] if m else tekst
    rest = tekst[m.end() :] if m else ""
    ordene = navn.split()
    if not (1 <= len(ordene) <= 6) or not all(
        o[:1].isupper() or o in ("von", "van", "de", "la") for o in ordene
    ):
        return None
    if re.search(r"[\d:;.!?]", navn):
        return None
    titel, org = rest, ""
    if ", " in rest:
        titel, org = rest.rsplit(", ", 1)
    if _EMAIL.search(titel) or _EMAIL.search(org):
        return None
    return {"navn": navn.strip(), "titel": titel.strip().rstrip(","), "organisation": org.strip()}


def _med_tekst(a: Afsnit, tekst: str) -> Afsnit:
    """The paragraph's runs from where tekst (its end) begins, formatting kept."""
    fuld = "".join(s.tekst for s in a.stykker)
    start = fuld.rfind(tekst[:20]) if tekst else -1
    if start < 0:
        return Afsnit([Stykke(tekst)], None, a.liste, a.i_celle)
    ud: list[Stykke] = []
    pos = 0
    for s in a.stykker:
        slut = pos + len(s.tekst)
        if slut > start:
            ud.append(Stykke(s.tekst[max(start - pos, 0) :], s.fed, s.kursiv))
        pos = slut
    return Afsnit(ud, None, a.liste, a.i_celle)


def _aktivitet_i_listen(tekst: str, navne: dict[str, str]) -> str | None:
    """The activity a line of the name list names (our export adds »(ressourceestimat)«;
    real lists word names a little differently from their schemas). ``navne``: the
    schemas' names by their keys."""
    kandidater = [_noegle(tekst), _noegle(_uden_parentes(tekst))]
    for k in kandidater:
        if k in navne:
            return navne[k]
    for k in kandidater:
        taet = difflib.get_close_matches(k, list(navne), n=1, cutoff=0.75)
        if taet:
            return navne[taet[0]]
    return None


__all__ = ["SEKTIONER", "Laesning", "Uplaceret", "Usikkerhed", "WordFejl", "laes_docx"]
