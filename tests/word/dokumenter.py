"""Word documents built from a delaftale's JSON (the fixtures/ format), in the shapes real
delaftaler have, for the reader to read back.

- ``som_lbf_skabelon``: as LBF's template is filled in by hand (the Vejle source): label
  paragraphs followed by their value, parties as »Navn – titel« lines under a »…:«
  heading, the delmål cell merged down (w:vMerge), the table read area by area with the
  area written before the indikator, non-breaking spaces before %, Word's own numbering
  (w:numPr) for lists, activity schemas as headed sections. Options add Vejle's damage:
  a row split in two, an area alone on its row, the header repeated mid-table, the
  list of activity names worded differently, a schema's labels run together.
- ``blandet``: the other shapes: metadata as a table, area and value in one cell (several
  areas in one row, as Viborg's), the delmål written once with empty cells below, the
  table continued as a second table, »Data kommer« and the kommune comparison, activity
  schemas as two-column tables.
- ``som_eksporten``: THE LAYOUT of ``delaftaler/word/__init__.py``, written here by hand
  (the export itself is written elsewhere and is tested against the reader later).

Rich text (p, strong, em, ul, ol, li, br, h3, h4) becomes paragraphs, bold and italic
runs, lists (numbering or list styles) and headings (a bold paragraph inside a cell).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from copy import deepcopy
from datetime import date
from typing import Any

import lxml.html
from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from delaftaler import standardtekster
from indikatorer.periode import formater_periode

NBSP = "\u00a0"

LBF_INDLEDNING = [
    *standardtekster.INDLEDNING,
    "Beskrivelsen af områdets problemkompleks inden for dette indsatsområde fremgår af den "
    "strategiske aftale.",
]
LBF_DELMAAL = [
    "Der skal opsættes delmål for nærværende indsatsområde samt indikatorer, der sikrer, at "
    "der løbende kan følges op på disse.",
    "Delmål skal forstås som 'skridt på vejen' til at opnå de overordnede mål jf. den "
    "strategiske aftale og beskriver de konkrete succeser, der ønskes opnået med de "
    "aktiviteter, der iværksættes inden for dette indsatsområde.",
    "Indikatorer er variable, der bruges til at vise, om delmålene opnås. Som inspiration "
    "stiller Landsbyggefonden en liste over relevante indikatorer til rådighed. Der kan "
    "suppleres med indikatorer, som de lokale parter vurderer vigtige for den lokale indsats.",
    "Delmål og de dertil knyttede indikatorer kan enten relatere sig til det samlede antal "
    "aktiviteter eller til enkelte aktiviteter, der iværksættes inden for dette indsatsområde.",
    "Formålet med delmål og indikatorer på dette niveau er årligt at følge udviklingen hos de "
    "konkrete målgrupper/områder, som de boligsociale aktiviteter arbejder med inden for "
    "indsatsområdet.",
    "Delaftalens parter og bestyrelsen har ansvar for løbende at følge op på delmålene.",
]
OVERSKRIFT = [
    "Delmål",
    "Indikator",
    "Baseline boligområde/ målgruppe",
    "Evt. anden baseline",
    "Baseline år",
    "Datakilde",
]
EGENSKABER = ["Indikator", "Målgruppe", "Enhed", "Ønsket retning", "LBF-standard", "Datakilde"]
SKEMA_FELTER = [
    ("formaal", "Formål"),
    ("maalgrupper", "Målgruppe(r)"),
    ("indhold_og_praksis", "Indhold og praksis"),
    ("ansvar_og_roller", "Ansvars- og rollefordeling"),
]


# --- Rich text into Word ------------------------------------------------------------------


class Lister:
    """How lists are written: Word's numbering on »List Paragraph« (as Word does when a
    person presses the bullet button), or the »List Bullet«/»List Number« styles."""

    def __init__(self, dokument: Any, *, numpr: bool) -> None:
        self.numpr = numpr
        self.dokument = dokument
        if numpr:
            self.punkt = _ny_nummerering(dokument, "bullet", 90)
            self.tal = _ny_nummerering(dokument, "decimal", 91)

    def skriv(self, afsnit: Paragraph, tag: str, niveau: int) -> None:
        if self.numpr:
            afsnit.style = self.dokument.styles["List Paragraph"]
            num_pr = parse_xml(
                f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{niveau}"/>'
                f'<w:numId w:val="{self.punkt if tag == "ul" else self.tal}"/></w:numPr>'
            )
            afsnit._p.get_or_add_pPr().append(num_pr)
        else:
            navn = "List Bullet" if tag == "ul" else "List Number"
            afsnit.style = self.dokument.styles[
                navn if niveau == 0 else f"{navn} {min(niveau + 1, 3)}"
            ]


def _ny_nummerering(dokument: Any, fmt: str, nr: int) -> int:
    numbering = dokument.part.numbering_part.element
    niveauer = "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{"•o▪"[i % 3] if fmt == "bullet" else f"%{i + 1}."}"/>'
        f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{720 * (i + 1)}" w:hanging="360"/>'
        "</w:pPr></w:lvl>"
        for i in range(3)
    )
    abstrakt = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{nr}">'
        f'<w:multiLevelType w:val="hybridMultilevel"/>{niveauer}</w:abstractNum>'
    )
    foerste_num = numbering.find(qn("w:num"))
    if foerste_num is not None:
        foerste_num.addprevious(abstrakt)
    else:
        numbering.append(abstrakt)
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="{nr}"><w:abstractNumId w:val="{nr}"/></w:num>')
    )
    return nr


def skriv_rigtekst(
    beholder: Any, rigtekst: str, lister: Lister, *, i_celle: bool = False, nbsp: bool = False
) -> None:
    """Append the rich text to a document or a cell."""
    if not rigtekst:
        return
    for el in lxml.html.fragments_fromstring(rigtekst):
        if isinstance(el, str):
            _inline_afsnit(beholder, el)
            continue
        if el.tag == "p":
            _skriv_inline(beholder.add_paragraph(), el)
        elif el.tag in ("h3", "h4"):
            if i_celle:
                afsnit = beholder.add_paragraph()
                _skriv_inline(afsnit, el, fed=True)
            else:
                afsnit = beholder.add_paragraph(style=f"Heading {el.tag[1]}")
                _skriv_inline(afsnit, el)
        elif el.tag in ("ul", "ol"):
            _skriv_liste(beholder, el, lister, 0)


def _inline_afsnit(beholder: Any, tekst: str) -> None:
    if tekst.strip():
        beholder.add_paragraph(tekst)


def _skriv_liste(beholder: Any, liste: Any, lister: Lister, niveau: int) -> None:
    for li in liste.iterchildren("li"):
        afsnit = beholder.add_paragraph()
        lister.skriv(afsnit, liste.tag, niveau)
        _skriv_inline(afsnit, li, stop=("ul", "ol"))
        for under in li.iterchildren("ul", "ol"):
            _skriv_liste(beholder, under, lister, niveau + 1)


def _skriv_inline(
    afsnit: Paragraph,
    el: Any,
    *,
    fed: bool = False,
    kursiv: bool = False,
    stop: tuple[str, ...] = (),
) -> None:
    if el.text:
        _loeb(afsnit, el.text, fed, kursiv)
    for barn in el.iterchildren():
        if barn.tag in stop:
            continue
        if barn.tag == "br":
            afsnit.add_run().add_break(WD_BREAK.LINE)
        else:
            _skriv_inline(
                afsnit,
                barn,
                fed=fed or barn.tag in ("strong", "b"),
                kursiv=kursiv or barn.tag in ("em", "i"),
            )
        if barn.tail:
            _loeb(afsnit, barn.tail, fed, kursiv)


def _loeb(afsnit: Paragraph, tekst: str, fed: bool, kursiv: bool) -> None:
    run = afsnit.add_run(tekst)
    if fed:
        run.bold = True
    if kursiv:
        run.italic = True


# --- Word helpers -------------------------------------------------------------------------


def fed_afsnit(beholder: Any, tekst: str) -> Paragraph:
    afsnit = beholder.add_paragraph()
    afsnit.add_run(tekst).bold = True
    return afsnit


def saet_tekst(celle: _Cell, tekst: str | list[str], *, fed: bool = False) -> None:
    """The cell's text, one paragraph per item (the cell's empty first paragraph reused)."""
    linjer = [tekst] if isinstance(tekst, str) else tekst
    foerste = celle.paragraphs[0]
    for i, linje in enumerate(linjer):
        afsnit = foerste if i == 0 else celle.add_paragraph()
        if linje:
            afsnit.add_run(linje).bold = fed


def gentag_overskrift(raekke: Any) -> None:
    tr_pr = raekke._tr.get_or_add_trPr()
    tr_pr.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))


def flet_ned(celler: list[_Cell]) -> None:
    """Merge cells of one column vertically (w:vMerge restart/continue)."""
    if len(celler) > 1:
        celler[0].merge(celler[-1])


def dato(iso: str, *, nul: bool = True) -> str:
    d = date.fromisoformat(iso)
    return f"{d.day:02d}.{d.month:02d}.{d.year}" if nul else f"{d.day}.{d.month}.{d.year}"


def med_enhed(tal: str | None, ind: dict[str, Any], *, nbsp: bool = True) -> str:
    """The number as the page writes it: »11,3 %«, »47«, »12 timer«."""
    if tal is None:
        return ""
    mellemrum = NBSP if nbsp else " "
    if ind["enhed"] == "procent":
        return f"{tal}{mellemrum}%"
    if ind["enhed"] == "andet":
        return f"{tal}{mellemrum}{ind['enhed_tekst']}"
    return tal


def gem(dokument: Any) -> bytes:
    ud = io.BytesIO()
    dokument.save(ud)
    return ud.getvalue()


def ny_tabel(dokument: Any, kolonner: int) -> Table:
    tabel = dokument.add_table(rows=0, cols=kolonner)
    tabel.style = dokument.styles["Table Grid"]
    return tabel


def _omraade_tekst(o: dict[str, str]) -> str:
    return f"{o['navn']} (afd. {o['afdelinger']})" if o["afdelinger"] else o["navn"]


def _sted(b: dict[str, Any]) -> str | None:
    return b.get("boligomraade") or b.get("maalgruppe") or None


def _ny(stil_fed: int = 11) -> Any:
    dokument = Document()
    dokument.styles["Normal"].font.size = Pt(stil_fed)
    return dokument


# --- Shape (a): as LBF's template is filled in by hand -------------------------------------


def som_lbf_skabelon(
    data: dict[str, Any],
    *,
    delt_raekke: tuple[str, str] | None = None,
    alene_omraade: tuple[str, str] | None = None,
    overskrift_igen_efter: int | None = None,
    listenavne: list[str] | None = None,
    skadet_skema: int | None = None,
    navn_i_feltet: str | None = None,
    periode_tekst: str | None = None,
) -> bytes:
    """``delt_raekke``/``alene_omraade``: (indikator, område) of the row split by a page break
    and of the row whose area stands alone above it; ``overskrift_igen_efter``: the data
    row after which the header is repeated; ``listenavne``: the activity list as written;
    ``skadet_skema``: the schema (from 0) whose »Aktivitetsnavn«, name and »Formål« run
    together in one paragraph; ``navn_i_feltet``: what the name field says;
    ``periode_tekst``: the period as written."""
    plan, aftale = data["helhedsplan"], data["delaftale"]
    dokument = _ny()
    lister = Lister(dokument, numpr=True)
    titel = dokument.add_paragraph()
    titel.add_run("Delaftale for indsatsområdet ").bold = True
    navn = titel.add_run(aftale["indsatsomraade"])
    navn.bold = navn.italic = True
    for tekst in LBF_INDLEDNING:
        dokument.add_paragraph(tekst)
    dokument.add_paragraph("Navn på den boligsociale indsats, som delaftalen vedrører:")
    dokument.add_paragraph(navn_i_feltet or plan["navn"])
    dokument.add_paragraph("Delaftalen gælder fra - til:")
    dokument.add_paragraph(
        periode_tekst or f"{dato(aftale['gyldig_fra'])}-{dato(aftale['gyldig_til'])}"
    )

    dokument.add_paragraph("Delaftalens parter:")
    _parter_som_linjer(dokument, aftale, lister)
    skriv_rigtekst(dokument, aftale["ansvarlige"], lister)

    fed_afsnit(dokument, "Delmål og indikatorer for indsatsområdet")
    for tekst in LBF_DELMAAL:
        dokument.add_paragraph(tekst)
    _lbf_tabel(dokument, aftale, delt_raekke, alene_omraade, overskrift_igen_efter)

    fed_afsnit(dokument, standardtekster.AKTIVITETER_INDLEDNING)
    skriv_rigtekst(dokument, aftale["aktiviteter_indledning"], lister)
    for navn_ in listenavne or [a["navn"] for a in aftale["aktiviteter"]]:
        dokument.add_paragraph(navn_)
    fed_afsnit(dokument, "Medarbejderressourcer for indsatsområdet:")
    skriv_rigtekst(dokument, aftale["medarbejderressourcer"], lister)
    fed_afsnit(dokument, "Sammenhæng med den kommunale indsats i boligområdet:")
    skriv_rigtekst(dokument, aftale["kommunal_sammenhaeng"], lister)
    skriv_rigtekst(dokument, aftale["kommunale_maalsaetninger"], lister)
    fed_afsnit(
        dokument,
        "Revision af delaftalen (Eventuelle reviderede aftaler skal ikke fremsendes til "
        "Landsbyggefonden, men fonden skal om nødvendigt til enhver tid kunne rekvirere "
        "ajourførte delaftaler):",
    )
    skriv_rigtekst(dokument, aftale["revision"], lister)
    fed_afsnit(
        dokument,
        "Aktiviteter, som skal bidrage til indfrielsen af delmålene for indsatsområdet "
        "(tilføj skemaer - ét skema pr. aktivitet):",
    )
    for nr, akt in enumerate(aftale["aktiviteter"]):
        if nr == skadet_skema:
            afsnit = dokument.add_paragraph()
            afsnit.add_run("Aktivitetsnavn:")
            afsnit.add_run().add_break(WD_BREAK.LINE)
            afsnit.add_run(akt["navn"]).bold = True
            afsnit.add_run().add_break(WD_BREAK.LINE)
            afsnit.add_run("Formål:").bold = True
        else:
            fed_afsnit(dokument, "Aktivitetsnavn:")
            dokument.add_paragraph(akt["navn"])
            fed_afsnit(dokument, "Formål:")
        skriv_rigtekst(dokument, akt["formaal"], lister)
        for felt, etiket in SKEMA_FELTER[1:]:
            fed_afsnit(dokument, f"{etiket}:")
            skriv_rigtekst(dokument, akt[felt], lister)
    return gem(dokument)


def _parter_som_linjer(dokument: Any, aftale: dict[str, Any], lister: Lister) -> None:
    gruppe = None
    for nr, part in enumerate(aftale["parter"]):
        if part["gruppe"] != gruppe:
            gruppe = part["gruppe"]
            if gruppe:
                dokument.add_paragraph(f"{gruppe}:")
        if part["type"] == "organ":
            beskrivelse = part["beskrivelse"]
            foerste = lxml.html.fragments_fromstring(beskrivelse)[0].text_content()
            if not (nr == 0 and foerste.startswith(part["navn"] + " ")):
                dokument.add_paragraph(part["navn"])
            skriv_rigtekst(dokument, beskrivelse, lister)
            continue
        fra_gruppe = re.sub(r"^Samarbejdspartnere i ", "", gruppe or "")
        linje = f"{part['navn']} – {part['titel']}" if part["titel"] else part["navn"]
        if part["organisation"] and part["organisation"] != fra_gruppe:
            linje += f", {part['organisation']}"
        afsnit = dokument.add_paragraph(linje)
        for felt in ("email", "telefon"):
            if part.get(felt):
                afsnit.add_run().add_break(WD_BREAK.LINE)
                afsnit.add_run(("Tlf. " if felt == "telefon" else "") + part[felt])
        skriv_rigtekst(dokument, part["beskrivelse"], lister)


def _omraadevis(delmaal: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(indikator, baseline) area by area, as Vejle's table runs; baselines without an
    area after, by indikator."""
    omraader: list[str] = []
    for ind in delmaal["indikatorer"]:
        for b in ind["baselines"]:
            if b.get("boligomraade") and b["boligomraade"] not in omraader:
                omraader.append(b["boligomraade"])
    ud = []
    for o in omraader:
        for ind in delmaal["indikatorer"]:
            ud.extend((ind, b) for b in ind["baselines"] if b.get("boligomraade") == o)
    for ind in delmaal["indikatorer"]:
        ud.extend((ind, b) for b in ind["baselines"] if not b.get("boligomraade"))
    return ud


def _lbf_tabel(
    dokument: Any,
    aftale: dict[str, Any],
    delt_raekke: tuple[str, str] | None,
    alene_omraade: tuple[str, str] | None,
    overskrift_igen_efter: int | None,
) -> None:
    tabel = ny_tabel(dokument, 6)
    hoved = tabel.add_row()
    for celle, tekst in zip(hoved.cells, OVERSKRIFT, strict=True):
        saet_tekst(celle, tekst, fed=True)
    gentag_overskrift(hoved)
    antal = 0
    for dm in aftale["delmaal"]:
        grupper: list[list[_Cell]] = [[]]  # the delmål's cells, merged down between headers
        forrige_omraade = None
        for ind, b in _omraadevis(dm):
            omraade = b.get("boligomraade")
            if overskrift_igen_efter is not None and antal == overskrift_igen_efter:
                igen = tabel.add_row()
                for celle, tekst in zip(igen.cells, OVERSKRIFT, strict=True):
                    saet_tekst(celle, tekst, fed=True)
                grupper.append([])
            antal += 1
            navn = ind["navn"].replace(" år", f"{NBSP}år")  # as Word keeps »18-29 år« together
            if alene_omraade and (ind["navn"], omraade) == alene_omraade:
                raekke = tabel.add_row()
                saet_tekst(raekke.cells[1], omraade)
                grupper[-1].append(raekke.cells[0])
            elif omraade and omraade != forrige_omraade:
                navn = f"{omraade} {navn}"
            forrige_omraade = omraade
            vaerdi = "Data kommer" if b["afventer"] else med_enhed(b["vaerdi"], ind)
            if b.get("maalgruppe") and not b.get("samlet_for"):
                vaerdi = f"{b['maalgruppe']} {vaerdi}"
            anden = med_enhed(b["sammenligning"], ind)
            if anden and b["sammenligning_label"]:
                anden += f" {b['sammenligning_label']}"
            periode = b["periode"]
            if len(periode) == 7:
                periode = formater_periode(periode).replace("aug.", "Aug")
            kilde = b["datakilde"]
            if b.get("samlet_for"):
                kilde += f" {b['maalgruppe']}"
            if delt_raekke and (ind["navn"], omraade) == delt_raekke:
                forste = tabel.add_row()
                for celle, tekst in zip(forste.cells[2:5], [vaerdi, anden, periode], strict=True):
                    saet_tekst(celle, tekst)
                anden_del = tabel.add_row()
                saet_tekst(anden_del.cells[1], navn)
                saet_tekst(anden_del.cells[5], kilde)
                grupper[-1] += [forste.cells[0], anden_del.cells[0]]
                continue
            raekke = tabel.add_row()
            for celle, tekst in zip(
                raekke.cells[1:], [navn, vaerdi, anden, periode, kilde], strict=True
            ):
                saet_tekst(celle, tekst)
            grupper[-1].append(raekke.cells[0])
        saet_tekst(grupper[0][0], dm["tekst"])
        for gruppe in grupper:
            flet_ned(gruppe)


# --- Shape (b): metadata table, area and value in one cell, schemas as tables --------------


def blandet(
    data: dict[str, Any],
    *,
    par_paa_to_linjer: bool = False,
    fortsaet_efter: int | None = None,
    streg: str = "-",
    delmaal_gentaget: bool = False,
    omraade_kolonne: bool = False,
) -> bytes:
    """``par_paa_to_linjer``: each area's name and value on two lines of the cell (Viborg);
    ``fortsaet_efter``: the table goes on as a second table (its header again) after this
    many rows; ``streg``: the dash between a party's name and title; ``delmaal_gentaget``:
    the delmål written in every row of it; ``omraade_kolonne``: the area in a column of
    its own (»Boligområde«) and one row per baseline."""
    plan, aftale = data["helhedsplan"], data["delaftale"]
    dokument = _ny()
    lister = Lister(dokument, numpr=False)
    dokument.add_paragraph(
        f"Delaftale for indsatsområdet {aftale['indsatsomraade']}", style="Title"
    )
    for tekst in LBF_INDLEDNING:
        dokument.add_paragraph(tekst)
    meta = ny_tabel(dokument, 2)
    for etiket, vaerdi in (
        ("Navn på den boligsociale indsats, som delaftalen vedrører:", plan["navn"]),
        (
            "Delaftalen gælder fra - til:",
            f"{dato(aftale['gyldig_fra'], nul=False)} – {dato(aftale['gyldig_til'], nul=False)}",
        ),
        ("Kommune:", plan["kommune"]),
        ("Boligområder:", "; ".join(_omraade_tekst(o) for o in plan["boligomraader"])),
    ):
        raekke = meta.add_row()
        saet_tekst(raekke.cells[0], etiket, fed=True)
        saet_tekst(raekke.cells[1], vaerdi)

    dokument.add_paragraph("Delaftalens parter", style="Heading 1")
    gruppe = None
    for part in aftale["parter"]:
        if part["gruppe"] != gruppe:
            gruppe = part["gruppe"]
            if gruppe:
                dokument.add_paragraph(gruppe, style="Heading 2")
        if part["type"] == "organ":
            fed_afsnit(dokument, part["navn"])
        else:
            linje = part["navn"] + (f" {streg} {part['titel']}" if part["titel"] else "")
            if part["organisation"]:
                linje += f", {part['organisation']}"
            dokument.add_paragraph(linje)
            kontakt = [part[f] for f in ("email", "telefon") if part.get(f)]
            if kontakt:
                dokument.add_paragraph(" · ".join(kontakt))
        skriv_rigtekst(dokument, part["beskrivelse"], lister)
    skriv_rigtekst(dokument, aftale["ansvarlige"], lister)

    dokument.add_paragraph("Delmål og indikatorer for indsatsområdet", style="Heading 1")
    dokument.add_paragraph(standardtekster.DELMAAL_INDLEDNING)
    overskrift = (
        [*OVERSKRIFT[:2], "Boligområde", "Baseline", *OVERSKRIFT[3:]]
        if omraade_kolonne
        else OVERSKRIFT
    )
    tabel = ny_tabel(dokument, len(overskrift))
    hoved = tabel.add_row()
    for celle, tekst in zip(hoved.cells, overskrift, strict=True):
        saet_tekst(celle, tekst, fed=True)
    gentag_overskrift(hoved)
    raekker = 0
    for dm in aftale["delmaal"]:
        foerste = True
        for ind in dm["indikatorer"]:
            grupper = [[b] for b in ind["baselines"]] if omraade_kolonne else _faelles_raekker(ind)
            for gruppe_ in grupper:
                if fortsaet_efter is not None and raekker == fortsaet_efter:
                    dokument.add_paragraph()
                    tabel = ny_tabel(dokument, len(overskrift))
                    hoved = tabel.add_row()
                    for celle, tekst in zip(hoved.cells, overskrift, strict=True):
                        saet_tekst(celle, tekst, fed=True)
                raekker += 1
                celler = list(tabel.add_row().cells)
                if foerste or delmaal_gentaget:
                    saet_tekst(celler[0], dm["tekst"])
                    foerste = False
                saet_tekst(celler[1], ind["navn"])
                b = gruppe_[0]
                if omraade_kolonne:
                    saet_tekst(celler[2], _sted(b) or "")
                    vaerdi = "Data kommer" if b["afventer"] else med_enhed(b["vaerdi"], ind)
                    saet_tekst(celler[3], vaerdi)
                    celler = celler[:2] + celler[3:]
                else:
                    saet_tekst(celler[2], _baselinecelle(ind, gruppe_, par_paa_to_linjer))
                anden = med_enhed(b["sammenligning"], ind, nbsp=False)
                saet_tekst(
                    celler[3],
                    [anden.replace(" %", "%"), b["sammenligning_label"]]
                    if b["sammenligning_label"]
                    else anden,
                )
                saet_tekst(celler[4], formater_periode(b["periode"]))
                saet_tekst(celler[5], b["datakilde"])

    dokument.add_paragraph("Aktiviteter", style="Heading 1")
    dokument.add_paragraph(standardtekster.AKTIVITETER_INDLEDNING)
    skriv_rigtekst(dokument, aftale["aktiviteter_indledning"], lister)
    for akt in aftale["aktiviteter"]:
        navn = akt["navn"] + (f" ({akt['ressourceestimat']})" if akt["ressourceestimat"] else "")
        dokument.add_paragraph(navn, style="List Bullet")
    _resten(dokument, aftale, lister)
    dokument.add_paragraph("Aktivitetsskemaer", style="Heading 1")
    for akt in aftale["aktiviteter"]:
        _skematabel(
            dokument, akt, aftale, lister, bidrager=_bidrager_som_tal, ansvar="Ansvar og roller"
        )
        dokument.add_paragraph()
    return gem(dokument)


def _faelles_raekker(ind: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """The indikator's baselines in rows: one row for all that share the other columns."""
    grupper: list[list[dict[str, Any]]] = []
    noegle = None
    for b in ind["baselines"]:
        ny = (b["sammenligning"], b["sammenligning_label"], b["periode"], b["datakilde"])
        samlet = bool(b.get("samlet_for")) or b["afventer"] or not b.get("boligomraade")
        if grupper and ny == noegle and not samlet and grupper[-1][0].get("boligomraade"):
            grupper[-1].append(b)
        else:
            grupper.append([b])
        noegle = ny
    return grupper


def _baselinecelle(
    ind: dict[str, Any], baselines: list[dict[str, Any]], to_linjer: bool
) -> list[str]:
    linjer = []
    for b in baselines:
        vaerdi = "Data kommer" if b["afventer"] else med_enhed(b["vaerdi"], ind, nbsp=False)
        if to_linjer:
            vaerdi = vaerdi.replace(" %", "%")
        sted = _sted(b)
        if sted and to_linjer or sted and b.get("samlet_for"):
            linjer += [sted, vaerdi]
        else:
            linjer.append(f"{sted} {vaerdi}" if sted else vaerdi)
    return linjer


def _bidrager_som_tal(akt: dict[str, Any], aftale: dict[str, Any]) -> list[str]:
    numre = [str(n) for n in akt["delmaal"]]
    if not numre:
        return []
    return [
        "Delmål "
        + (" og ".join([", ".join(numre[:-1]), numre[-1]]) if len(numre) > 1 else numre[0])
    ]


def _bidrager_som_tekster(akt: dict[str, Any], aftale: dict[str, Any]) -> list[str]:
    return [aftale["delmaal"][n - 1]["tekst"] for n in akt["delmaal"]]


def _skematabel(
    dokument: Any,
    akt: dict[str, Any],
    aftale: dict[str, Any],
    lister: Lister,
    *,
    bidrager: Callable[[dict[str, Any], dict[str, Any]], list[str]],
    ansvar: str,
) -> None:
    tabel = ny_tabel(dokument, 2)
    for etiket, indhold in (
        ("Aktivitetsnavn", akt["navn"]),
        ("Bidrager til delmål", bidrager(akt, aftale)),
        ("Ressourceestimat", akt["ressourceestimat"]),
        *((etiket, akt[felt]) for felt, etiket in SKEMA_FELTER),
    ):
        raekke = tabel.add_row()
        saet_tekst(raekke.cells[0], ansvar if etiket.startswith("Ansvar") else etiket, fed=True)
        if etiket in ("Aktivitetsnavn", "Bidrager til delmål", "Ressourceestimat"):
            saet_tekst(raekke.cells[1], indhold)
            continue
        celle = raekke.cells[1]
        skriv_rigtekst(celle, indhold, lister, i_celle=True)
        # The cell's own empty first paragraph goes, as Word has no empty line there.
        if len(celle.paragraphs) > 1 and not celle.paragraphs[0].text:
            celle._tc.remove(celle.paragraphs[0]._p)


def _resten(
    dokument: Any, aftale: dict[str, Any], lister: Lister, *, revision_lbf: bool = False
) -> None:
    dokument.add_paragraph("Medarbejderressourcer for indsatsområdet", style="Heading 1")
    skriv_rigtekst(dokument, aftale["medarbejderressourcer"], lister)
    dokument.add_paragraph("Sammenhæng med den kommunale indsats i boligområdet", style="Heading 1")
    skriv_rigtekst(dokument, aftale["kommunal_sammenhaeng"], lister)
    if aftale["kommunale_maalsaetninger"]:
        dokument.add_paragraph("Kommunale målsætninger", style="Heading 2")
        skriv_rigtekst(dokument, aftale["kommunale_maalsaetninger"], lister)
    dokument.add_paragraph("Revision af delaftalen", style="Heading 1")
    if revision_lbf:
        dokument.add_paragraph(standardtekster.REVISION_INDLEDNING)
    skriv_rigtekst(dokument, aftale["revision"], lister)


# --- Shape (c): THE LAYOUT of delaftaler/word/__init__.py ----------------------------------


def som_eksporten(data: dict[str, Any], *, egenskaber: bool = True) -> bytes:
    plan, aftale = data["helhedsplan"], data["delaftale"]
    dokument = _ny()
    lister = Lister(dokument, numpr=False)
    # 1. Title, version line, LBF's introduction.
    dokument.add_paragraph(
        f"Delaftale for indsatsområdet {aftale['indsatsomraade']}", style="Title"
    )
    dokument.add_paragraph("Gældende version af 03.12.2026")
    for tekst in standardtekster.INDLEDNING:
        dokument.add_paragraph(tekst)
    # 2. Metadata.
    meta = ny_tabel(dokument, 2)
    for etiket, vaerdi in (
        ("Navn på den boligsociale indsats, som delaftalen vedrører", plan["navn"]),
        (
            "Delaftalen gælder fra – til",
            f"{dato(aftale['gyldig_fra'])}–{dato(aftale['gyldig_til'])}",
        ),
        ("Kommune", plan["kommune"]),
        ("Boligområder", "; ".join(_omraade_tekst(o) for o in plan["boligomraader"])),
    ):
        raekke = meta.add_row()
        saet_tekst(raekke.cells[0], etiket)
        saet_tekst(raekke.cells[1], vaerdi)
    # 3. Parter.
    dokument.add_paragraph("Delaftalens parter", style="Heading 1")
    gruppe = None
    for part in aftale["parter"]:
        if part["gruppe"] != gruppe:
            gruppe = part["gruppe"]
            if gruppe:
                dokument.add_paragraph(gruppe, style="Heading 2")
        afsnit = dokument.add_paragraph(style="List Bullet")
        afsnit.add_run(part["navn"]).bold = part["type"] == "organ"
        rest = f" – {part['titel']}" if part["titel"] else ""
        if part["organisation"]:
            rest += f", {part['organisation']}"
        if rest:
            afsnit.add_run(rest)
        kontakt = [part[f] for f in ("email", "telefon") if part.get(f)]
        if kontakt:
            afsnit.add_run().add_break(WD_BREAK.LINE)
            afsnit.add_run(" · ".join(kontakt))
        skriv_rigtekst(dokument, part["beskrivelse"], lister)
    skriv_rigtekst(dokument, aftale["ansvarlige"], lister)
    # 4. Delmål og indikatorer.
    dokument.add_paragraph("Delmål og indikatorer for indsatsområdet", style="Heading 1")
    dokument.add_paragraph(standardtekster.DELMAAL_INDLEDNING)
    tabel = ny_tabel(dokument, 6)
    hoved = tabel.add_row()
    for celle, tekst in zip(hoved.cells, OVERSKRIFT, strict=True):
        saet_tekst(celle, tekst)
    gentag_overskrift(hoved)
    for dm in aftale["delmaal"]:
        delmaal_celler = []
        for ind in dm["indikatorer"]:
            indikator_celler = []
            for b in ind["baselines"] or [None]:
                raekke = tabel.add_row()
                delmaal_celler.append(raekke.cells[0])
                indikator_celler.append(raekke.cells[1])
                if b is None:
                    saet_tekst(raekke.cells[5], ind["datakilde"])
                    continue
                vaerdi = "Data kommer" if b["afventer"] else med_enhed(b["vaerdi"], ind)
                sted = _sted(b)
                saet_tekst(raekke.cells[2], f"{sted} {vaerdi}" if sted else vaerdi)
                anden = med_enhed(b["sammenligning"], ind)
                if anden and b["sammenligning_label"]:
                    anden += f" {b['sammenligning_label']}"
                saet_tekst(raekke.cells[3], anden)
                saet_tekst(raekke.cells[4], formater_periode(b["periode"]))
                kilde = [b["datakilde"] or ind["datakilde"]]
                if b.get("samlet_for"):
                    kilde.append("Opgjort samlet for " + " og ".join(b["samlet_for"]))
                saet_tekst(raekke.cells[5], kilde)
            saet_tekst(indikator_celler[0], ind["navn"])
            flet_ned(indikator_celler)
        saet_tekst(delmaal_celler[0], dm["tekst"])
        flet_ned(delmaal_celler)
    if egenskaber:
        dokument.add_paragraph("Indikatorernes egenskaber", style="Heading 2")
        tabel = ny_tabel(dokument, 6)
        hoved = tabel.add_row()
        for celle, tekst in zip(hoved.cells, EGENSKABER, strict=True):
            saet_tekst(celle, tekst)
        gentag_overskrift(hoved)
        enheder = {"procent": "Procent", "antal": "Antal", "andet": "Anden enhed"}
        retninger = {"hoejere": "Højere er bedre", "lavere": "Lavere er bedre"}
        for dm in aftale["delmaal"]:
            for ind in dm["indikatorer"]:
                raekke = tabel.add_row()
                for celle, tekst in zip(
                    raekke.cells,
                    [
                        ind["navn"],
                        ind["maalgruppe"],
                        enheder[ind["enhed"]],
                        retninger[ind["retning"]],
                        "Ja" if ind["lbf_standard"] else "Nej",
                        ind["datakilde"],
                    ],
                    strict=True,
                ):
                    saet_tekst(celle, tekst)
    # 5. Aktiviteter.
    dokument.add_paragraph("Aktiviteter", style="Heading 1")
    dokument.add_paragraph(standardtekster.AKTIVITETER_INDLEDNING)
    skriv_rigtekst(dokument, aftale["aktiviteter_indledning"], lister)
    for akt in aftale["aktiviteter"]:
        navn = akt["navn"] + (f" ({akt['ressourceestimat']})" if akt["ressourceestimat"] else "")
        dokument.add_paragraph(navn, style="List Bullet")
    # 6.–8.
    _resten(dokument, aftale, lister, revision_lbf=True)
    # 9. Aktivitetsskemaer.
    dokument.add_paragraph("Aktivitetsskemaer", style="Heading 1")
    for akt in aftale["aktiviteter"]:
        _skematabel(
            dokument,
            akt,
            aftale,
            lister,
            bidrager=_bidrager_som_tekster,
            ansvar="Ansvars- og rollefordeling",
        )
        dokument.add_paragraph()
    return gem(dokument)


def kopi(data: dict[str, Any]) -> dict[str, Any]:
    return deepcopy(data)


# --- The damage of the real Vejle document, for shape (a) ---------------------------------

VEJLE_SKADER: dict[str, Any] = {
    "delt_raekke": ("Andel af beboere på ydelser, 18-64 år", "Vestbyen"),
    "alene_omraade": ("Andel af borgere i småjobs, 18-64 år", "Nørremarken"),
    "overskrift_igen_efter": 7,
    # The list of activities as the source writes it, differing from the schemas' names.
    "listenavne": [
        "Vejen til beskæftigelse – Aktivitetsparate over 30",
        "Håndholdt indsats for udsatte unge (Aktivitetsparate under 30)",
        "Rekrutteringsevents med det lokale erhvervsliv",
        "Tættere på beskæftigelse, via sundhed og trivsel – Idræt i dagtimerne",
        "Tjansen",
    ],
    "skadet_skema": 2,  # Rekrutteringsevents: »Aktivitetsnavn:**…****Formål:**«
}
VIBORG_BLANDET: dict[str, Any] = {"par_paa_to_linjer": True, "fortsaet_efter": 2}
VEJLE_BLANDET: dict[str, Any] = {"fortsaet_efter": 3}
RANDERS_BLANDET: dict[str, Any] = {"streg": "—", "delmaal_gentaget": True}
