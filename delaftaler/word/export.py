"""A delaftale as a Word document in LBF's layout (the room's docstring, ``delaftaler.word``).

Written from the same ``DelaftaleVisning`` the page and the PDF render, so the three
cannot drift apart, and in Word's built-in styles only (Title, Heading 1–4, List Bullet,
List Number, List Continue, Table Grid): a partner who edits it keeps a document that
the import can read again, and a screen reader finds its headings, lists and table
headers.

What the page hides under disclosure control the public document hides the same way
(»<5«, »Skjult« and the footnote). The draft for the plan's staff shows the real
numbers and says which ones the public version will hide.

The bytes depend only on what is written: the zip's timestamps are fixed and the core
properties carry the version's own dates, so the same version gives the same file.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC
from html.parser import HTMLParser

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from delaftaler.visning.context import DelaftaleVisning, TabelRaekke

SPROG = "da-DK"
MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The LBF template's fixed texts, as the page shows them (templates/delaftaler/_delaftale.html).
LBF_INDLEDNING = (
    "Bestyrelsen for den boligsociale indsats har ansvar for, at denne delaftale til hver en "
    "tid understøtter de overordnede mål i den strategiske samarbejdsaftale. Delaftalerne er "
    "således bilag til den strategiske aftale og skal altid ses i sammenhæng hermed.",
    "Bestyrelsen har ligeledes ansvar for, at delaftalen til hver en tid afspejler de "
    "aktiviteter og samarbejder, der gennemføres i boligområdet.",
)
DELMAAL_INDLEDNING = (
    "Delmål skal forstås som »skridt på vejen« til at opnå de overordnede mål jf. den "
    "strategiske aftale. Indikatorer er variable, der bruges til at vise, om delmålene opnås. "
    "Delaftalens parter og bestyrelsen har ansvar for løbende at følge op på delmålene."
)
AKTIVITETER_INDLEDNING = (
    "Aktiviteter, som skal bidrage til indfrielsen af delmålene for indsatsområdet og "
    "understøtte opnåelsen af de overordnede mål jf. den strategiske samarbejdsaftale:"
)
REVISION_INDLEDNING = (
    "Eventuelle reviderede aftaler skal ikke fremsendes til Landsbyggefonden, men fonden skal "
    "om nødvendigt til enhver tid kunne rekvirere ajourførte delaftaler."
)

# Labels and headings of the layout.
NOEGLETAL = (
    "Navn på den boligsociale indsats, som delaftalen vedrører",
    "Delaftalen gælder fra – til",
    "Kommune",
    "Boligområder",
)
PARTER = "Delaftalens parter"
DELMAAL = "Delmål og indikatorer for indsatsområdet"
EGENSKABER = "Indikatorernes egenskaber"
AKTIVITETER = "Aktiviteter"
RESSOURCER = "Medarbejderressourcer for indsatsområdet"
KOMMUNAL = "Sammenhæng med den kommunale indsats i boligområdet"
MAALSAETNINGER = "Kommunale målsætninger"
REVISION = "Revision af delaftalen"
SKEMAER = "Aktivitetsskemaer"
LBF_KOLONNER = (
    "Delmål",
    "Indikator",
    "Baseline boligområde/målgruppe",
    "Evt. anden baseline",
    "Baseline år",
    "Datakilde",
)
EGENSKAB_KOLONNER = (
    "Indikator",
    "Målgruppe",
    "Enhed",
    "Ønsket retning",
    "LBF-standard",
    "Datakilde",
)
SKEMA_RAEKKER = (
    "Aktivitetsnavn",
    "Bidrager til delmål",
    "Ressourceestimat",
    "Formål",
    "Målgruppe(r)",
    "Indhold og praksis",
    "Ansvars- og rollefordeling",
)

# A4 portrait with the PDF's margins (static/delaftaler/pdf.css); the columns share the
# 172 mm between them.
MARGENER = {"top_margin": 22, "right_margin": 18, "bottom_margin": 22, "left_margin": 20}
SATSBREDDE = 210 - 20 - 18
LBF_BREDDER = (28, 34, 32, 24, 20, 34)
EGENSKAB_BREDDER = (44, 24, 20, 26, 22, 36)
SKEMA_BREDDER = (45, 127)
NOEGLETAL_BREDDER = (62, 110)

# Characters XML 1.0 cannot hold (a typed control character would stop python-docx).
_IKKE_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# HTML's white space, not Python's \s: a no-break space (»11,3 %«) is text.
_HVIDT = re.compile(r"[ \t\n\r\f]+")
# Every entry of the zip gets this time, so the same content gives the same bytes.
ZIP_TID = (1980, 1, 1, 0, 0, 0)


def docx_for_visning(visning: DelaftaleVisning) -> bytes:
    """The delaftale as a .docx in LBF's layout: what the page shows, in Word."""
    dokument = Document()
    _opsaet(dokument, visning)
    _hoved(dokument, visning)
    _parter(dokument, visning)
    _delmaal_og_indikatorer(dokument, visning)
    _aktiviteter(dokument, visning)
    _overskrift(dokument, RESSOURCER, 1)
    rigtekst(dokument, visning.delaftale.medarbejderressourcer)
    _overskrift(dokument, KOMMUNAL, 1)
    rigtekst(dokument, visning.delaftale.kommunal_sammenhaeng)
    if visning.delaftale.kommunale_maalsaetninger:
        _overskrift(dokument, MAALSAETNINGER, 2)
        rigtekst(dokument, visning.delaftale.kommunale_maalsaetninger)
    _overskrift(dokument, REVISION, 1)
    dokument.add_paragraph(REVISION_INDLEDNING)
    rigtekst(dokument, visning.delaftale.revision)
    _aktivitetsskemaer(dokument, visning)
    return _gem(dokument)


def tekst(vaerdi: object) -> str:
    """Plain text as Word can hold it: markup stays literal, control characters go."""
    return _IKKE_XML.sub("", str(vaerdi))


# ---- The document's frame ------------------------------------------------------------------


def _opsaet(dokument: DocxDocument, visning: DelaftaleVisning) -> None:
    sektion = dokument.sections[0]
    sektion.orientation = WD_ORIENT.PORTRAIT
    sektion.page_width, sektion.page_height = Mm(210), Mm(297)
    for navn, mm in MARGENER.items():
        setattr(sektion, navn, Mm(mm))
    sektion.header_distance = sektion.footer_distance = Mm(10)

    # 10 pt text as in the PDF, 9 pt in tables: set as the defaults and the table style's
    # own, so that Normal does not override the tables.
    _saet_sprog(dokument.styles["Normal"].element.get_or_add_rPr())
    standard = dokument.styles.element.find(qn("w:docDefaults"))
    rpr = standard.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _saet_sprog(rpr)
    for navn in ("w:sz", "w:szCs"):
        stoerrelse = rpr.find(qn(navn))
        if stoerrelse is not None:
            stoerrelse.set(qn("w:val"), "20")
    dokument.styles["Table Grid"].font.size = Pt(9)
    indstillinger = dokument.settings.element
    for element, vaerdier in (
        ("w:themeFontLang", {"w:val": SPROG}),
        ("w:decimalSymbol", {"w:val": ","}),
        ("w:listSeparator", {"w:val": ";"}),
    ):
        fundet = indstillinger.find(qn(element))
        if fundet is not None:
            for noegle, vaerdi in vaerdier.items():
                fundet.set(qn(noegle), vaerdi)

    _sidehoved_og_fod(sektion, visning)
    _egenskaber(dokument, visning)
    # The template's thumbnail shows an empty page of someone else's document.
    pakke = dokument.part.package
    for rid, rel in list(pakke.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            pakke.rels.pop(rid)


def _saet_sprog(rpr) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), SPROG)


def _versionslinje(visning: DelaftaleVisning) -> str:
    """»Version 2 · Gældende version af …«, as the PDF's footer says it."""
    if visning.udgivelse is None:
        return visning.versionstekst
    return f"Version {visning.udgivelse.nummer} · {visning.versionstekst}"


def _sidehoved_og_fod(sektion, visning: DelaftaleVisning) -> None:
    """The PDF's running header (plan and area) and footer (version, »Side X af Y«)."""
    hoved = sektion.header.paragraphs[0]
    hoved.text = tekst(f"{visning.helhedsplan.navn} – {visning.delaftale.indsatsomraade.navn}")
    fod = sektion.footer.paragraphs[0]
    # The page number flush right; the template's own tab stops (for Letter) cleared.
    stop = fod.paragraph_format.tab_stops
    for twips in (4680, 9360):
        stop.add_tab_stop(Twips(twips), WD_TAB_ALIGNMENT.CLEAR)
    stop.add_tab_stop(Mm(SATSBREDDE), WD_TAB_ALIGNMENT.RIGHT)
    fod.add_run(tekst(_versionslinje(visning)))
    fod.add_run("\tSide ")
    _felt(fod, "PAGE", "1")
    fod.add_run(" af ")
    _felt(fod, "NUMPAGES", "1")
    for afsnit in (hoved, fod):
        for koersel in afsnit.runs:
            koersel.font.size = Pt(8)


def _felt(paragraf: Paragraph, kode: str, vist: str) -> None:
    """A field Word fills in when it lays the pages out (page number, page count)."""
    felt = OxmlElement("w:fldSimple")
    felt.set(qn("w:instr"), f" {kode} ")
    koersel = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    stoerrelse = OxmlElement("w:sz")
    stoerrelse.set(qn("w:val"), "16")
    rpr.append(stoerrelse)
    koersel.append(rpr)
    t = OxmlElement("w:t")
    t.text = vist
    koersel.append(t)
    felt.append(koersel)
    paragraf._p.append(felt)


def _egenskaber(dokument: DocxDocument, visning: DelaftaleVisning) -> None:
    """Title, subject and dates in the file's properties: a file list or a search shows them.

    The dates are the version's, never the moment of writing, so a version's file stays
    the same."""
    plan = visning.helhedsplan
    u = visning.udgivelse
    p = dokument.core_properties
    p.title = tekst(visning.fuld_titel)
    p.subject = tekst(
        f"Delaftale for indsatsområdet {visning.delaftale.indsatsomraade.navn} i den "
        f"boligsociale indsats {plan.navn}, {plan.kommune}, gældende "
        f"{visning.delaftale.periode_tekst}"
    )
    p.author = p.last_modified_by = tekst(plan.navn)
    p.keywords = "delaftale, boligsocial helhedsplan, Landsbyggefonden"
    p.comments = tekst(_versionslinje(visning))
    p.category = "Delaftale"
    p.content_status = "Publiceret" if u is not None else "Udkast"
    p.language = SPROG
    p.revision = u.nummer if u is not None else 1
    tid = (u.publiceret if u is not None else visning.version).astimezone(UTC)
    p.created = p.modified = tid.replace(tzinfo=None)


def _gem(dokument: DocxDocument) -> bytes:
    """The document's bytes with fixed timestamps in the zip."""
    raa = io.BytesIO()
    dokument.save(raa)
    ud = io.BytesIO()
    with zipfile.ZipFile(raa) as ind, zipfile.ZipFile(ud, "w", zipfile.ZIP_DEFLATED) as zip_:
        for post in ind.infolist():
            ny = zipfile.ZipInfo(post.filename, date_time=ZIP_TID)
            ny.compress_type = zipfile.ZIP_DEFLATED
            ny.external_attr = 0o644 << 16
            zip_.writestr(ny, ind.read(post.filename))
    return ud.getvalue()


# ---- Sections ------------------------------------------------------------------------------


def _overskrift(dokument: DocxDocument, titel: str, niveau: int) -> Paragraph:
    return dokument.add_heading(tekst(titel), niveau)


def _hoved(dokument: DocxDocument, visning: DelaftaleVisning) -> None:
    dokument.add_paragraph(tekst(visning.titel), style="Title")
    dokument.add_paragraph(tekst(_versionslinje(visning)))
    for afsnit in LBF_INDLEDNING:
        dokument.add_paragraph(afsnit)
    plan = visning.helhedsplan
    omraader = "; ".join(
        f"{o.navn} (afd. {o.afdelinger})" if o.afdelinger else o.navn for o in visning.boligomraader
    )
    vaerdier = (plan.navn, visning.delaftale.periode_tekst, plan.kommune, omraader)
    tabel = _tabel(dokument, len(NOEGLETAL), NOEGLETAL_BREDDER)
    for raekke, etiket, vaerdi in zip(tabel, NOEGLETAL, vaerdier, strict=True):
        _fed(raekke[0], etiket)
        raekke[1].paragraphs[0].add_run(tekst(vaerdi))


def _parter(dokument: DocxDocument, visning: DelaftaleVisning) -> None:
    """Each part as a bullet; its description continues the bullet (»List Continue«, its
    lists one level down), so the »ansvarlige« text after the last part stands apart."""
    _overskrift(dokument, PARTER, 1)
    for gruppe in visning.partgrupper:
        if gruppe.overskrift:
            _overskrift(dokument, gruppe.overskrift, 2)
        for part in gruppe.parter:
            afsnit = dokument.add_paragraph(style="List Bullet")
            afsnit.add_run(tekst(part.navn)).bold = part.type == "organ"
            # Each field its own run: the text reads as on the page, the runs tell them apart.
            for skille, felt in ((" – ", part.titel), (", ", part.organisation)):
                if felt:
                    afsnit.add_run(skille)
                    afsnit.add_run(tekst(felt))
            kontakt = " · ".join(x for x in (part.email, part.telefon) if x)
            if kontakt:
                linje = afsnit.add_run()
                linje.add_break()
                linje.add_text(tekst(kontakt))
            if part.beskrivelse:
                rigtekst(dokument, part.beskrivelse, i_listepunkt=True)
    if visning.delaftale.ansvarlige:
        rigtekst(dokument, visning.delaftale.ansvarlige)


def _delmaal_og_indikatorer(dokument: DocxDocument, visning: DelaftaleVisning) -> None:
    _overskrift(dokument, DELMAAL, 1)
    dokument.add_paragraph(DELMAAL_INDLEDNING)
    raekker = _lbf_raekker(visning)
    tabel = _tabel(dokument, len(raekker) + 1, LBF_BREDDER, kolonner=LBF_KOLONNER)
    delmaal_start = indikator_start = 1
    for nr, (delmaal, raekke) in enumerate(raekker, start=1):
        celler = tabel[nr]
        if raekke is None:  # a delmål without indikatorer: its row alone
            _skriv(celler[0], delmaal.tekst)
            delmaal_start = nr + 1
            continue
        if raekke.delmaal_rowspan:
            delmaal_start = nr
            _skriv(celler[0], delmaal.tekst)
        if raekke.indikator_rowspan:
            indikator_start = nr
            _skriv(celler[1], raekke.indikator.navn)
        _baselineceller(celler, raekke)
        naeste = raekker[nr][1] if nr < len(raekker) else None
        if naeste is None or naeste.delmaal_rowspan:
            _flet(tabel, delmaal_start, nr, 0)
        if naeste is None or naeste.indikator_rowspan or naeste.delmaal_rowspan:
            _flet(tabel, indikator_start, nr, 1)
    _diskretion(dokument, visning)

    _overskrift(dokument, EGENSKABER, 2)
    indikatorer = [i for d in visning.delmaal for i in d.indikator_liste]
    tabel = _tabel(dokument, len(indikatorer) + 1, EGENSKAB_BREDDER, kolonner=EGENSKAB_KOLONNER)
    for raekke, i in zip(tabel[1:], indikatorer, strict=True):
        enhed = i.get_enhed_display()
        if i.enhed == i.Enhed.ANDET:
            enhed += f" ({i.enhed_tekst})"
        vaerdier = (
            i.navn,
            i.maalgruppe,
            enhed,
            i.get_retning_display(),
            "Ja" if i.lbf_standard else "Nej",
            i.datakilde,
        )
        for celle, vaerdi in zip(raekke, vaerdier, strict=True):
            _skriv(celle, vaerdi)


def _lbf_raekker(visning: DelaftaleVisning) -> list[tuple]:
    """The table's rows, each (delmål, row), with a delmål that has no indikator yet as
    (delmål, None): the page leaves it out, but the document must carry it."""
    pr_delmaal: dict[int, list[TabelRaekke]] = {}
    for r in visning.raekker:
        pr_delmaal.setdefault(id(r.delmaal), []).append(r)
    return [(d, r) for d in visning.delmaal for r in pr_delmaal.get(id(d), [None])]


def _baselineceller(celler: list[_Cell], raekke: TabelRaekke) -> None:
    b = raekke.baseline
    if b is None:
        _skriv(celler[5], raekke.indikator.datakilde)
        return
    vaerdi = raekke.skjult if raekke.er_skjult else b.vaerdi_tekst
    afsnit = celler[2].paragraphs[0]
    if b.sted:
        afsnit.add_run(tekst(b.sted))
        afsnit.add_run(" ")
    afsnit.add_run(tekst(vaerdi))
    if b.sammenligning_tekst:
        _skriv(celler[3], b.sammenligning_tekst)
        if b.sammenligning_label:
            celler[3].paragraphs[0].add_run(" ")
            celler[3].paragraphs[0].add_run(tekst(b.sammenligning_label))
    _skriv(celler[4], b.periode_tekst)
    _skriv(celler[5], b.datakilde_tekst)
    if b.samlet_liste:
        samlet = _og([o.navn for o in b.samlet_liste])
        celler[5].add_paragraph(tekst(f"Opgjort samlet for {samlet}"))


def _diskretion(dokument: DocxDocument, visning: DelaftaleVisning) -> None:
    """Under the table: the page's footnote on a public document; on the staff's draft,
    which numbers the public version will hide."""
    if not visning.har_skjulte:
        return
    if visning.diskretion.offentlig:
        dokument.add_paragraph(tekst(visning.diskretion.fodnote))
        return
    skjules = [
        f"{r.indikator.navn}, {r.baseline.sted_navn} ({r.skjult})"
        for r in visning.raekker
        if r.skjules_offentligt
    ]
    dokument.add_paragraph(
        tekst(
            "Til internt brug: tabellen viser alle tal. I den offentlige version skjules "
            f"{_og(skjules)}. {visning.diskretion.fodnote}"
        )
    )


def _aktiviteter(dokument: DocxDocument, visning: DelaftaleVisning) -> None:
    _overskrift(dokument, AKTIVITETER, 1)
    dokument.add_paragraph(AKTIVITETER_INDLEDNING)
    rigtekst(dokument, visning.delaftale.aktiviteter_indledning)
    for a in visning.aktiviteter:
        dokument.add_paragraph(tekst(a.navn), style="List Bullet")


def _aktivitetsskemaer(dokument: DocxDocument, visning: DelaftaleVisning) -> None:
    """One schema per page, as in the PDF."""
    _overskrift(dokument, SKEMAER, 1)
    for nr, a in enumerate(visning.aktiviteter):
        if nr:
            # Also keeps Word from joining two tables into one.
            dokument.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        tabel = _tabel(dokument, len(SKEMA_RAEKKER), SKEMA_BREDDER)
        for raekke, etiket in zip(tabel, SKEMA_RAEKKER, strict=True):
            _fed(raekke[0], etiket)
        c = [r[1] for r in tabel]
        _skriv(c[0], a.navn)
        for i, delmaal in enumerate(a.delmaal_liste):
            if i:
                c[1].add_paragraph(tekst(delmaal.tekst))
            else:
                _skriv(c[1], delmaal.tekst)
        _skriv(c[2], a.ressourceestimat)
        for celle, html in zip(
            c[3:], (a.formaal, a.maalgrupper, a.indhold_og_praksis, a.ansvar_og_roller), strict=True
        ):
            rigtekst(celle, html)


# ---- Tables --------------------------------------------------------------------------------


def _tabel(
    dokument: DocxDocument, antal: int, bredder: tuple[int, ...], *, kolonner: tuple = ()
) -> list[list[_Cell]]:
    """A »Table Grid« table of fixed column widths, as its rows of cells; with ``kolonner``
    its first row is a header row Word repeats on every page, and no row breaks across
    pages.

    The cells are taken from the XML once: python-docx finds a cell by walking the whole
    table, which costs seconds on a delaftale of hundreds of rows."""
    tabel = dokument.add_table(rows=antal, cols=len(bredder))
    tabel.style = dokument.styles["Table Grid"]
    tabel.alignment = WD_TABLE_ALIGNMENT.LEFT
    tabel.autofit = False
    for kolonne, mm in zip(tabel.columns, bredder, strict=True):
        kolonne.width = Mm(mm)
    raekker = tabel._tbl.tr_lst
    celler = [[_Cell(tc, tabel) for tc in tr.tc_lst] for tr in raekker]
    for raekke in celler:
        for celle, mm in zip(raekke, bredder, strict=True):
            celle.width = Mm(mm)
    if kolonner:
        # Short rows: none is split over two pages (cantSplit precedes tblHeader).
        for tr in raekker:
            tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        raekker[0].trPr.append(OxmlElement("w:tblHeader"))
        for celle, navn in zip(celler[0], kolonner, strict=True):
            _fed(celle, navn)
    return celler


def _skriv(celle: _Cell, vaerdi: object) -> None:
    if vaerdi:
        celle.paragraphs[0].add_run(tekst(vaerdi))


def _fed(celle: _Cell, vaerdi: str) -> None:
    celle.paragraphs[0].add_run(tekst(vaerdi)).bold = True


def _flet(tabel: list[list[_Cell]], fra: int, til: int, kolonne: int) -> None:
    """One cell down rows ``fra``–``til`` (Word's vertical merge): only the top one has
    text, the others continue it."""
    if til > fra:
        tabel[fra][kolonne]._tc.vMerge = "restart"
        for raekke in tabel[fra + 1 : til + 1]:
            raekke[kolonne]._tc.vMerge = "continue"


def _og(dele: list[str]) -> str:
    """»A, B og C«."""
    if len(dele) < 2:
        return "".join(dele)
    return ", ".join(dele[:-1]) + " og " + dele[-1]


# ---- Rich text ------------------------------------------------------------------------------


def rigtekst(maal: DocxDocument | _Cell, html: str, *, i_listepunkt: bool = False) -> None:
    """The admin's rich text (p, strong, em, ul, ol, li, br, h3, h4) as Word paragraphs.

    ``maal`` is the document or a table cell (a cell's first, empty paragraph is used
    first; a heading there is a bold paragraph). ``i_listepunkt``: the text continues a
    list item (a part's description): its paragraphs are »List Continue« and its lists one
    level down.
    """
    if html:
        skriver = _RigTekstSkriver(maal, niveau=1 if i_listepunkt else 0)
        skriver.feed(html)
        skriver.close()


class _RigTekstSkriver(HTMLParser):
    """Walks sanitised HTML and writes paragraphs and runs as it goes."""

    def __init__(self, maal: DocxDocument | _Cell, *, niveau: int):
        super().__init__(convert_charrefs=True)
        self.maal = maal
        self.i_celle = isinstance(maal, _Cell)
        self.grundniveau = niveau
        self.lister: list[tuple[str, str | None]] = []  # (ul|ol, numId of an ol)
        self.afsnit: Paragraph | None = None
        self.fed = self.kursiv = 0
        self.overskrift = False
        self.celle_brugt = False

    # -- paragraphs

    def _nyt(self, stil: str | None) -> Paragraph:
        if self.i_celle and not self.celle_brugt:
            self.celle_brugt = True
            afsnit = self.maal.paragraphs[0]
            if stil:
                afsnit.style = stil
        else:
            afsnit = self.maal.add_paragraph(style=stil)
        self.afsnit = afsnit
        return afsnit

    def _listestil(self, art: str) -> str:
        niveau = self.grundniveau + len(self.lister)
        stil = "List Bullet" if art == "ul" else "List Number"
        return stil if niveau <= 1 else f"{stil} {min(niveau, 3)}"

    def _loebende_stil(self) -> str | None:
        """A paragraph outside any list item: »List Continue« inside a part's item."""
        niveau = self.grundniveau + len(self.lister)
        if niveau == 0:
            return None
        return "List Continue" if niveau == 1 else f"List Continue {min(niveau, 3)}"

    # -- the parser's events

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "p":
            if self.lister and self.afsnit is not None and self.afsnit.text.strip():
                # A second paragraph in one list item: a line break in the item.
                self.afsnit.add_run().add_break()
            elif not (self.lister and self.afsnit is not None):
                self._nyt(self._loebende_stil())
        elif tag in ("h3", "h4"):
            if self.i_celle:
                self._nyt(None)
                self.overskrift = True
            else:
                self.afsnit = self.maal.add_heading("", int(tag[1]))
        elif tag in ("ul", "ol"):
            self.afsnit = None
            self.lister.append((tag, None))
        elif tag == "li":
            art = self.lister[-1][0] if self.lister else "ul"
            afsnit = self._nyt(self._listestil(art))
            if art == "ol":
                self._nummerer(afsnit)
        elif tag == "br":
            if self.afsnit is None:
                self._nyt(self._loebende_stil())
            self.afsnit.add_run().add_break()
        elif tag in ("strong", "b"):
            self.fed += 1
        elif tag in ("em", "i"):
            self.kursiv += 1

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "li"):
            if not (tag == "p" and self.lister):
                self.afsnit = None
        elif tag in ("h3", "h4"):
            self.afsnit = None
            self.overskrift = False
        elif tag in ("ul", "ol"):
            if self.lister:
                self.lister.pop()
            self.afsnit = None
        elif tag in ("strong", "b"):
            self.fed = max(0, self.fed - 1)
        elif tag in ("em", "i"):
            self.kursiv = max(0, self.kursiv - 1)

    def handle_data(self, data: str) -> None:
        data = _HVIDT.sub(" ", data)
        if self.afsnit is None:
            if not data.strip():
                return  # white space between blocks
            self._nyt(self._loebende_stil())
        if not self.afsnit.runs or self.afsnit.text.endswith("\n"):
            data = data.lstrip(" ")
        if not data:
            return
        koersel = self.afsnit.add_run(tekst(data))
        if self.fed or self.overskrift:
            koersel.bold = True
        if self.kursiv:
            koersel.italic = True

    # -- numbered lists

    def _nummerer(self, afsnit: Paragraph) -> None:
        """Each <ol> counts from 1: its items share a numbering of their own, which
        restarts the style's list."""
        art, num_id = self.lister[-1]
        if num_id is None:
            num_id = _ny_nummerering(afsnit)
            self.lister[-1] = (art, num_id)
        numpr = afsnit._p.get_or_add_pPr().get_or_add_numPr()
        numpr.get_or_add_ilvl().val = 0
        numpr.get_or_add_numId().val = num_id


def _ny_nummerering(afsnit: Paragraph) -> int:
    """A new numbering instance of the paragraph style's list, starting at 1."""
    stil = afsnit.style
    numpr = stil.element.pPr.numPr if stil.element.pPr is not None else None
    numbering = afsnit.part.numbering_part.element
    abstrakt = 0
    if numpr is not None and numpr.numId is not None:
        stil_num = numbering.num_having_numId(numpr.numId.val)
        abstrakt = stil_num.abstractNumId.val
    num = numbering.add_num(abstrakt)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    return num.numId
