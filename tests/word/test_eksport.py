"""The delaftale as a Word file: downloaded through its addresses and read back with
python-docx, as a partner's Word would open it — LBF's sections as Word headings, the
table with its repeated header and merged cells, Danish numbers, the activity schemas
with their rich text, disclosure control as on the page, each version as published,
the draft for the plan's members only."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.table import Table

from aktiviteter.models import Aktivitet
from delaftaler.models import Delmaal, Part
from delaftaler.roller import SEKRETARIAT
from delaftaler.visning.context import byg_visning, hent_udkast
from delaftaler.visning.page_cache import mikrocache
from delaftaler.word.export import docx_for_visning, rigtekst
from indikatorer.models import Indikator
from tests.factories import (
    AktivitetFactory,
    BaselineFactory,
    DelmaalFactory,
    IndikatorFactory,
    publicer,
)
from tests.planer import SMAABY_SAMLET, ny_bruger, smaaby
from tests.test_fixtures import EXPECTED, FORSOERGEDE_18_29, FRITIDSJOB

# The real delaftaler are loaded once for the module (tests/conftest.py).
pytestmark = pytest.mark.delt_data

MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NBSP = "\u00a0"
URL = {
    "Vejle_21_25": "/vejle-21-25/beskaeftigelse.docx",
    "Viborg_25_29": "/viborg-25-29/beskaeftigelse.docx",
}
UDKAST = "/vejle-21-25/beskaeftigelse/udkast.docx"
TITEL = "Delaftale for indsatsområdet Beskæftigelse"
AFSNIT = [
    "Delaftalens parter",
    "Delmål og indikatorer for indsatsområdet",
    "Aktiviteter",
    "Medarbejderressourcer for indsatsområdet",
    "Sammenhæng med den kommunale indsats i boligområdet",
    "Revision af delaftalen",
    "Aktivitetsskemaer",
]
LBF_KOLONNER = [
    "Delmål",
    "Indikator",
    "Baseline boligområde/målgruppe",
    "Evt. anden baseline",
    "Baseline år",
    "Datakilde",
]
EGENSKABER = ["Indikator", "Målgruppe", "Enhed", "Ønsket retning", "LBF-standard", "Datakilde"]
SKEMA = [
    "Aktivitetsnavn",
    "Bidrager til delmål",
    "Ressourceestimat",
    "Formål",
    "Målgruppe(r)",
    "Indhold og praksis",
    "Ansvars- og rollefordeling",
]
SAMMENLIGNING_LABEL = {"Vejle_21_25": "", "Viborg_25_29": "Viborg Kommune"}


def hent(client, url: str, **headers):
    svar = client.get(url, headers=headers)
    assert svar.status_code == 200, svar
    assert svar["Content-Type"] == MIME
    return svar


def aabn(indhold: bytes) -> DocxDocument:
    return Document(io.BytesIO(indhold))


def afsnit(dok: DocxDocument) -> list[tuple[str, str]]:
    """The body's paragraphs (outside tables) as (style, text)."""
    return [(p.style.name, p.text) for p in dok.paragraphs]


def tabel(dok: DocxDocument, foerste_raekke: list[str]) -> Table:
    for t in dok.tables:
        if [c.text for c in t.rows[0].cells] == foerste_raekke:
            return t
    raise AssertionError(f"ingen tabel med overskrifterne {foerste_raekke}")


def skemaer(dok: DocxDocument) -> list[Table]:
    return [t for t in dok.tables if t.rows[0].cells[0].text == "Aktivitetsnavn"]


def skema_celle(t: Table, etiket: str):
    return next(r.cells[1] for r in t.rows if r.cells[0].text == etiket)


def gentaget_hoved(t: Table) -> bool:
    trpr = t.rows[0]._tr.trPr
    return trpr is not None and trpr.find(qn("w:tblHeader")) is not None


def dokumenttekst(dok: DocxDocument) -> str:
    dele = [p.text for p in dok.paragraphs]
    for t in dok.tables:
        for r in t.rows:
            dele += [c.text for c in r.cells]
    return "\n".join(dele)


@pytest.fixture(scope="module")
def offentlig(modul_db, _vejle_i_modulet, _viborg_i_modulet) -> dict[str, bytes]:
    """The published files as the public downloads them, fetched once for the module (a
    file is built in a few hundred ms): the tests that only read them share the bytes;
    tests that change a delaftale, or check the answer itself, fetch their own. Built
    fresh, as every test's own requests are: no page an earlier test cached."""
    caches["default"].clear()
    mikrocache.ryd()
    with override_settings(SIDECACHE_SEKUNDER=0):
        klient = Client()
        return {plan: hent(klient, url).content for plan, url in URL.items()}


# ---- The file ----------------------------------------------------------------------------


def test_the_current_version_downloads_as_a_word_file_named_like_the_pdf(client, vejle):
    svar = hent(client, URL["Vejle_21_25"])
    assert svar["Content-Disposition"] == (f'attachment; filename="{vejle.filnavn}.docx"')
    assert vejle.filnavn == "Delaftale_Beskaeftigelse_Vejle_21_25"
    dok = aabn(svar.content)
    assert afsnit(dok)[0] == ("Title", TITEL)
    assert re.fullmatch(r"Version 1 · Gældende version af \d\d\.\d\d\.\d{4}", afsnit(dok)[1][1])
    egenskaber = dok.core_properties
    assert egenskaber.title == f"{TITEL} – Vejle_21_25"
    assert egenskaber.language == "da-DK"
    assert egenskaber.author == "Vejle_21_25"
    assert "Vejle Kommune" in egenskaber.subject and "01.12.2021–30.11.2025" in egenskaber.subject


def test_the_page_is_a4_portrait_with_the_pdfs_margins_and_danish_styles(offentlig, vejle):
    dok = aabn(offentlig["Vejle_21_25"])
    sektion = dok.sections[0]
    assert (round(sektion.page_width.mm), round(sektion.page_height.mm)) == (210, 297)
    assert [
        round(m.mm)
        for m in (
            sektion.top_margin,
            sektion.right_margin,
            sektion.bottom_margin,
            sektion.left_margin,
        )
    ] == [22, 18, 22, 20]
    sprog = dok.styles["Normal"].element.rPr.find(qn("w:lang")).get(qn("w:val"))
    assert sprog == "da-DK"
    assert sektion.header.paragraphs[0].text == "Vejle_21_25 – Beskæftigelse"
    fod = sektion.footer._element.xml
    assert "Version 1 · Gældende version af" in fod
    assert 'w:instr=" PAGE "' in fod and 'w:instr=" NUMPAGES "' in fod


def test_the_same_version_is_the_same_bytes_and_revalidates_by_its_etag(client, vejle):
    foerste = hent(client, URL["Vejle_21_25"])
    assert hent(client, URL["Vejle_21_25"]).content == foerste.content
    with zipfile.ZipFile(io.BytesIO(foerste.content)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert "docProps/thumbnail.jpeg" not in z.namelist()
    assert "no-cache" in foerste["Cache-Control"]
    uaendret = client.get(URL["Vejle_21_25"], headers={"if-none-match": foerste["ETag"]})
    assert uaendret.status_code == 304

    Aktivitet.objects.filter(delaftale=vejle, navn="Tjansen").update(ressourceestimat="5 timer")
    publicer(vejle)
    ny = client.get(URL["Vejle_21_25"], headers={"if-none-match": foerste["ETag"]})
    assert ny.status_code == 200 and ny["ETag"] != foerste["ETag"]
    # The first version's own address still answers with its unchanged file.
    v1 = client.get(
        "/vejle-21-25/beskaeftigelse/versioner/1.docx", headers={"if-none-match": foerste["ETag"]}
    )
    assert v1.status_code == 304


# ---- Content in LBF's order ------------------------------------------------------------------


def test_the_headings_are_word_headings_in_the_lbf_order(offentlig, vejle):
    dok = aabn(offentlig["Vejle_21_25"])
    stilarter = afsnit(dok)
    assert [t for s, t in stilarter if s == "Heading 1"] == AFSNIT
    assert stilarter.index(("Title", TITEL)) == 0
    grupper = [t for s, t in stilarter if s == "Heading 2"]
    assert grupper[:2] == [
        "Samarbejdspartnere i Arbejdsmarkedsforvaltningen",
        "Samarbejdspartnere i Kultur- og Sundhedsforvaltningen",
    ]
    assert "Indikatorernes egenskaber" in grupper


def test_the_key_figures_table_names_plan_period_kommune_and_areas(offentlig, viborg):
    dok = aabn(offentlig["Viborg_25_29"])
    raekker = [[c.text for c in r.cells] for r in dok.tables[0].rows]
    omraader = "; ".join(o.navn for o in viborg.helhedsplan.boligomraader.all())
    assert raekker == [
        ["Navn på den boligsociale indsats, som delaftalen vedrører", "Viborg_25_29"],
        ["Delaftalen gælder fra – til", "01.08.2025–31.07.2029"],
        ["Kommune", "Viborg Kommune"],
        ["Boligområder", omraader],
    ]
    assert omraader.startswith("Karup afd. 8; Karup afd. 111; Houlkærvænget")


def test_an_area_with_afdelinger_names_them(vejle):
    vejle.helhedsplan.boligomraader.filter(navn="Vestbyen").update(afdelinger="12, 14 og 15")
    dok = aabn(docx_for_visning(byg_visning(hent_udkast(vejle))))
    assert dok.tables[0].rows[3].cells[1].text == (
        "Nørremarken; Vestbyen (afd. 12, 14 og 15); Møllevangen; Løget By"
    )


def test_parts_are_bullets_under_their_groups_with_the_bodys_name_in_bold(offentlig, vejle, viborg):
    dok_vejle = aabn(offentlig["Vejle_21_25"])
    vejle_afsnit = afsnit(dok_vejle)
    start = vejle_afsnit.index(("Heading 2", "Samarbejdspartnere i Arbejdsmarkedsforvaltningen"))
    assert vejle_afsnit[start + 1] == (
        "List Bullet",
        "Daniel Bomholt – arbejdsmarkedschef, Arbejdsmarkedsforvaltningen",
    )
    # Each field its own run, so a reader need not split the text at » – « and », «.
    daniel = next(p for p in dok_vejle.paragraphs if p.text.startswith("Daniel Bomholt"))
    assert [r.text for r in daniel.runs] == [
        "Daniel Bomholt",
        " – ",
        "arbejdsmarkedschef",
        ", ",
        "Arbejdsmarkedsforvaltningen",
    ]
    assert not daniel.runs[0].bold
    parter = [t for s, t in vejle_afsnit if s == "List Bullet"]
    assert (
        len([p for p in parter if " – " in p and "forvaltningen" in p])
        == Part.objects.filter(delaftale=vejle).count()
    )

    dok = aabn(offentlig["Viborg_25_29"])
    paragraffer = dok.paragraphs
    chefgruppen = next(p for p in paragraffer if p.text == "Chefgruppen")
    assert chefgruppen.style.name == "List Bullet" and chefgruppen.runs[0].bold
    # Its description continues the bullet; the »ansvarlige« text after the parts does not.
    stilarter = afsnit(dok)
    i = stilarter.index(("List Bullet", "Ad hoc-gruppen"))
    assert [s for s, _ in stilarter[i + 1 : i + 4]] == ["List Continue"] * 3
    assert stilarter[i + 4] == (
        "Normal",
        "Ansvarlige for delaftalens udførelse i samspil med ad hoc-gruppen:",
    )
    assert stilarter[i + 5] == ("List Bullet", "Afdelingsleder jobcenter, Viborg Kommune,")


def test_a_parts_contact_details_follow_a_line_break_in_its_bullet(vejle):
    Part.objects.filter(delaftale=vejle, navn="Lone Lisby").update(
        email="lone@vejle.dk", telefon="76 81 00 00"
    )
    dok = aabn(docx_for_visning(byg_visning(hent_udkast(vejle))))
    lone = next(p for p in dok.paragraphs if p.text.startswith("Lone Lisby"))
    assert lone.text == (
        "Lone Lisby – centerleder Support & Ydelse, Arbejdsmarkedsforvaltningen\n"
        "lone@vejle.dk · 76 81 00 00"
    )


# ---- The LBF table ------------------------------------------------------------------------


@pytest.mark.parametrize("plan", ["Vejle_21_25", "Viborg_25_29"])
def test_every_baseline_stands_in_the_table_in_danish(offentlig, vejle, viborg, plan):
    dok = aabn(offentlig[plan])
    t = tabel(dok, LBF_KOLONNER)
    assert gentaget_hoved(t)
    raekker = [[c.text.replace(NBSP, " ") for c in r.cells] for r in t.rows[1:]]
    assert len(raekker) == len(EXPECTED[plan])
    for indikator, sted, vaerdi, anden, periode, datakilde in EXPECTED[plan]:
        label = SAMMENLIGNING_LABEL[plan] if anden else ""
        forventet = [
            indikator,
            f"{sted} {vaerdi}".strip(),
            f"{anden} {label}".strip(),
            periode,
        ]
        fundet = [r for r in raekker if r[1:5] == forventet]
        assert len(fundet) == 1, f"{indikator}: {forventet!r} står ikke i tabellen"
        assert fundet[0][5].split("\n")[0] == datakilde
    alt = dokumenttekst(dok)
    assert "11.3" not in alt and "60.87" not in alt
    if plan == "Vejle_21_25":
        assert f"Nørremarken 11,3{NBSP}%" in alt
        assert f"Møllevangen 0,0{NBSP}%" in alt
        fritidsjob = next(r for r in raekker if r[1] == FRITIDSJOB)
        assert fritidsjob[2] == "Opgjort samlet for Nørremarken og Løget Høj 47"
        assert fritidsjob[5] == "Egne tal HHP (Tjansen)\nOpgjort samlet for Nørremarken og Løget By"
    else:
        assert f"Karup afd. 8 60,87{NBSP}%" in alt and f"Ringparken 56,20{NBSP}%" in alt
        assert f"79,42{NBSP}% Viborg Kommune" in alt
        foerste = t.rows[1].cells
        assert [r.text for r in foerste[2].paragraphs[0].runs] == [
            "Karup afd. 8",
            " ",
            f"60,87{NBSP}%",
        ]
        assert [r.text for r in foerste[3].paragraphs[0].runs] == [
            f"79,42{NBSP}%",
            " ",
            "Viborg Kommune",
        ]
        assert sum(r[2] == "Data kommer" for r in raekker) == 2


def test_delmaal_and_indikator_cells_are_merged_down_their_rows(offentlig, vejle):
    dok = aabn(offentlig["Vejle_21_25"])
    t = tabel(dok, LBF_KOLONNER)
    raekker = t.rows[1:]
    delmaal = list(Delmaal.objects.filter(delaftale=vejle))
    indikatorer = list(
        Indikator.objects.filter(delmaal__delaftale=vejle).order_by(
            "delmaal__raekkefoelge", "raekkefoelge"
        )
    )

    def flettet(kolonne: int) -> list[tuple[str | None, str]]:
        tc = [r._tr.tc_lst[kolonne] for r in raekker]
        return [(c.vMerge, "".join(t.text for t in c.iter(qn("w:t")))) for c in tc]

    delmaal_celler = flettet(0)
    assert [tekst for merge, tekst in delmaal_celler if merge != "continue"] == [
        d.tekst for d in delmaal
    ]
    # Every row but a delmål's first continues the cell above (»Flere unge …« has one row).
    assert sum(merge == "continue" for merge, _ in delmaal_celler) == len(raekker) - len(delmaal)
    assert [merge for merge, _ in delmaal_celler if merge != "continue"] == [
        "restart",
        "restart",
        None,
    ]
    assert [tekst for merge, tekst in flettet(1) if merge != "continue"] == [
        i.navn for i in indikatorer
    ]
    # Word shows a merged cell's text once; python-docx reads it on every row it spans.
    assert [r.cells[0].text for r in raekker[:4]] == [delmaal[0].tekst] * 4


def test_a_delmaal_without_indikatorer_keeps_its_row(vejle):
    DelmaalFactory(delaftale=vejle, tekst="Flere unge i uddannelse", raekkefoelge=10)
    dok = aabn(docx_for_visning(byg_visning(hent_udkast(vejle))))
    sidste = tabel(dok, LBF_KOLONNER).rows[-1]
    assert [c.text for c in sidste.cells] == ["Flere unge i uddannelse", "", "", "", "", ""]


def test_the_properties_table_has_one_row_per_indikator(offentlig, vejle, viborg):
    for plan, delaftale in (("Vejle_21_25", vejle), ("Viborg_25_29", viborg)):
        t = tabel(aabn(offentlig[plan]), EGENSKABER)
        assert gentaget_hoved(t)
        forventet = [
            [
                i.navn,
                i.maalgruppe,
                i.get_enhed_display(),
                i.get_retning_display(),
                "Ja" if i.lbf_standard else "Nej",
                i.datakilde,
            ]
            for i in Indikator.objects.filter(delmaal__delaftale=delaftale).order_by(
                "delmaal__raekkefoelge", "raekkefoelge"
            )
        ]
        assert [[c.text for c in r.cells] for r in t.rows[1:]] == forventet
    t = tabel(aabn(offentlig["Vejle_21_25"]), EGENSKABER)
    assert [c.text for c in t.rows[1].cells] == [
        FORSOERGEDE_18_29,
        "18-29 år",
        "Procent",
        "Lavere er bedre",
        "Ja",
        "LBF Beboerdata",
    ]


def test_another_unit_is_named_beside_anden_enhed(vejle):
    Indikator.objects.filter(navn=FRITIDSJOB).update(enhed="andet", enhed_tekst="timer")
    dok = aabn(docx_for_visning(byg_visning(hent_udkast(vejle))))
    raekke = next(r for r in tabel(dok, EGENSKABER).rows if r.cells[0].text == FRITIDSJOB)
    assert raekke.cells[2].text == "Anden enhed (timer)"
    assert "Opgjort samlet for Nørremarken og Løget Høj 47\u00a0timer" in dokumenttekst(dok)


# ---- Activities ------------------------------------------------------------------------------


def test_the_activities_are_listed_and_each_has_its_schema(offentlig, vejle):
    dok = aabn(offentlig["Vejle_21_25"])
    aktiviteter = list(
        Aktivitet.objects.filter(delaftale=vejle)
        .prefetch_related("delmaal")
        .order_by("raekkefoelge")
    )
    stilarter = afsnit(dok)
    start = stilarter.index(("Heading 1", "Aktiviteter"))
    slut = stilarter.index(("Heading 1", "Medarbejderressourcer for indsatsområdet"))
    punkter = [t for s, t in stilarter[start:slut] if s == "List Bullet"]
    assert punkter == [a.navn for a in aktiviteter]

    tabeller = skemaer(dok)
    assert len(tabeller) == len(aktiviteter)
    for t, a in zip(tabeller, aktiviteter, strict=True):
        assert [r.cells[0].text for r in t.rows] == SKEMA
        assert skema_celle(t, "Aktivitetsnavn").text == a.navn
        assert [p.text for p in skema_celle(t, "Bidrager til delmål").paragraphs] == (
            [d.tekst for d in a.delmaal.order_by("raekkefoelge")] or [""]
        )


def test_rich_text_keeps_its_lists_bold_italic_and_line_breaks(offentlig, vejle):
    dok = aabn(offentlig["Vejle_21_25"])
    foerste = skemaer(dok)[0]
    indhold = skema_celle(foerste, "Indhold og praksis").paragraphs
    stil = {p.text: p.style.name for p in indhold}
    assert (
        stil[
            "Samtaler med beskæftigelsesrådgiver i Jobcenter Vejle, hvor borgernes udfordringer "
            "belyses."
        ]
        == "List Bullet"
    )
    assert stil["Mindspring for flygtningekvinder"] == "List Bullet 2"
    assert stil["virksomhedsbesøg"] == "List Bullet 2"
    assert stil["Indsatsen foregår på tre niveauer:"] == "Normal"
    kan = [
        r
        for p in indhold
        if p.text.startswith("Indsatser målrettet forskellige tematikker")
        for r in p.runs
        if r.text == "kan"
    ]
    assert kan and kan[0].italic and not kan[0].bold

    alle_celler = [p for t in skemaer(dok) for r in t.rows for p in r.cells[1].paragraphs]
    samtaler = next(p for p in alle_celler if p.text.startswith("Samtaler – walk and talks"))
    assert samtaler.style.name == "List Bullet"
    assert samtaler.runs[0].text == "Samtaler" and samtaler.runs[0].bold
    assert not samtaler.runs[1].bold
    # A heading inside a table cell is a bold paragraph.
    overskrift = next(p for p in alle_celler if p.text == "Mulige fremskudte indsatser")
    assert overskrift.style.name == "Normal" and all(r.bold for r in overskrift.runs)
    assert any("boligområder.\nHensigten er at møde borgeren" in p.text for p in alle_celler)


# ---- Versions and the draft ---------------------------------------------------------------


def test_an_earlier_version_keeps_what_was_published_then(client, vejle):
    gammel = "Nedbringe andelen af beboere der står uden for arbejdsmarkedet"
    ny = "Færre beboere uden for arbejdsmarkedet"
    Delmaal.objects.filter(delaftale=vejle, tekst=gammel).update(tekst=ny)
    publicer(vejle)

    v1 = hent(client, "/vejle-21-25/beskaeftigelse/versioner/1.docx")
    assert v1["Content-Disposition"] == f'attachment; filename="{vejle.filnavn}_version_1.docx"'
    v1_tekst = dokumenttekst(aabn(v1.content))
    assert gammel in v1_tekst and ny not in v1_tekst
    assert aabn(v1.content).paragraphs[1].text.startswith("Version 1 · ")

    for url in (URL["Vejle_21_25"], "/vejle-21-25/beskaeftigelse/versioner/2.docx"):
        dok = aabn(hent(client, url).content)
        assert ny in dokumenttekst(dok) and gammel not in dokumenttekst(dok)
        assert dok.paragraphs[1].text.startswith("Version 2 · ")
    assert client.get("/vejle-21-25/beskaeftigelse/versioner/3.docx").status_code == 404


def test_the_draft_is_served_to_the_plans_members_only(client, vejle, viborg, sekretariat_bruger):
    Aktivitet.objects.filter(delaftale=vejle, navn="Tjansen").update(navn="Tjansen 2.0")

    anonym = Client().get(UDKAST)
    assert anonym.status_code == 302 and anonym["Location"].startswith("/log-ind/")
    fremmed = Client()
    fremmed.force_login(ny_bruger("fremmed", SEKRETARIAT, medlem_af=viborg.helhedsplan))
    assert fremmed.get(UDKAST).status_code == 404

    client.force_login(sekretariat_bruger)
    svar = hent(client, UDKAST)
    assert svar["Content-Disposition"] == f'attachment; filename="{vejle.filnavn}_udkast.docx"'
    assert "private" in svar["Cache-Control"]
    dok = aabn(svar.content)
    assert dok.paragraphs[1].text.startswith("Udkast, ikke publiceret (senest ændret ")
    assert dok.core_properties.content_status == "Udkast"
    assert "Tjansen 2.0" in dokumenttekst(dok)
    # The public file is still the published version.
    assert "Tjansen 2.0" not in dokumenttekst(aabn(hent(Client(), URL["Vejle_21_25"]).content))


# ---- Disclosure control -------------------------------------------------------------------

SAMLET = SMAABY_SAMLET


@pytest.fixture
def lille_plan(db, sekretariat_bruger):
    """Shares at Nordparken resting on 3 persons (7,5 %), a total with them (26,7 %) and a
    count of 4: hidden in public. Sydparken's 30,5 % and 47 are shown."""
    return smaaby(sekretariat_bruger).delaftale


def test_the_public_file_hides_small_numbers_as_the_page_does(client, lille_plan):
    dok = aabn(hent(client, "/smaaby-21-25/beskaeftigelse.docx").content)
    raekker = [[c.text for c in r.cells] for r in tabel(dok, LBF_KOLONNER).rows[1:]]
    celler = [r[2] for r in raekker]
    assert celler == [
        "Nordparken <5",
        f"Sydparken 30,5{NBSP}%",
        f"{SAMLET} Skjult",
        "Nordparken <5",
        "Sydparken 47",
    ]
    alt = dokumenttekst(dok)
    for tal in ("7,5", "26,7"):
        assert tal not in alt
    fodnote = next(p for p in dok.paragraphs if p.text.startswith("»<5«"))
    assert "færre end 5 personer" in fodnote.text
    stilarter = afsnit(dok)
    assert (
        stilarter.index(("Normal", fodnote.text))
        == stilarter.index(("Heading 2", "Indikatorernes egenskaber")) - 1
    )


def test_the_staffs_draft_shows_the_real_numbers_and_says_which_are_hidden(
    client, lille_plan, sekretariat_bruger
):
    client.force_login(sekretariat_bruger)
    dok = aabn(hent(client, "/smaaby-21-25/beskaeftigelse/udkast.docx").content)
    celler = [r.cells[2].text for r in tabel(dok, LBF_KOLONNER).rows[1:]]
    assert celler == [
        f"Nordparken 7,5{NBSP}%",
        f"Sydparken 30,5{NBSP}%",
        f"{SAMLET} 26,7{NBSP}%",
        "Nordparken 4",
        "Sydparken 47",
    ]
    note = next(p.text for p in dok.paragraphs if p.text.startswith("Til internt brug"))
    assert "Andel unge i job, Nordparken (<5)" in note
    assert f"Andel unge i job, {SAMLET} (Skjult)" in note
    assert "Antal unge i fritidsjob, Nordparken (<5)" in note


# ---- Queries --------------------------------------------------------------------------------


def test_the_downloads_run_a_constant_number_of_queries(
    client, vejle, sekretariat_bruger, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        foer = hent(client, URL["Vejle_21_25"])
    udkast = Client()
    udkast.force_login(sekretariat_bruger)
    with CaptureQueriesContext(connection) as udkast_foer:
        hent(udkast, UDKAST)

    # 20 more baselines (on 4 new indicators, in 20 new areas) and 5 more activities.
    delmaal = list(vejle.delmaal.all())
    for i in range(4):
        indikator = IndikatorFactory(delmaal=delmaal[i % len(delmaal)])
        for _ in range(5):
            BaselineFactory(indikator=indikator)
    for _ in range(5):
        AktivitetFactory(delaftale=vejle).delmaal.add(*delmaal)
    publicer(vejle)

    with django_assert_max_num_queries(2):
        efter = hent(client, URL["Vejle_21_25"])
    assert len(efter.content) > len(foer.content)
    assert dokumenttekst(aabn(efter.content)).count(f"11,3{NBSP}%") == 21
    with CaptureQueriesContext(connection) as udkast_efter:
        hent(udkast, UDKAST)
    assert len(udkast_efter) == len(udkast_foer)


# ---- Safety and the pages' links ------------------------------------------------------------


def test_markup_typed_into_a_field_is_literal_text_in_word(vejle):
    Part.objects.filter(delaftale=vejle, navn="Lone Lisby").update(
        navn="<script>alert('x')</script> Lone\x0b Lisby & co"
    )
    Delmaal.objects.filter(delaftale=vejle).filter(tekst__startswith="Flere unge").update(
        tekst='Flere unge <b onclick="x">i job</b>'
    )
    indhold = docx_for_visning(byg_visning(hent_udkast(vejle)))
    alt = dokumenttekst(aabn(indhold))
    assert "<script>alert('x')</script> Lone Lisby & co" in alt
    assert 'Flere unge <b onclick="x">i job</b>' in alt
    with zipfile.ZipFile(io.BytesIO(indhold)) as z:
        xml = z.read("word/document.xml").decode()
    assert "<script" not in xml and "&lt;script&gt;" in xml
    assert "<b " not in xml


def test_the_pages_link_to_the_word_files_beside_the_pdfs(client, vejle, sekretariat_bruger):
    Aktivitet.objects.filter(delaftale=vejle, navn="Tjansen").update(ressourceestimat="5 timer")
    publicer(vejle)
    side = client.get("/vejle-21-25/beskaeftigelse/").content.decode()
    assert (
        '<a href="/vejle-21-25/beskaeftigelse.docx" class="docx-link">Hent som Word (.docx)' in side
    )
    assert "Hent som PDF" in side
    gammel = client.get("/vejle-21-25/beskaeftigelse/versioner/1/").content.decode()
    assert 'href="/vejle-21-25/beskaeftigelse/versioner/1.docx"' in gammel
    versioner = client.get("/vejle-21-25/beskaeftigelse/versioner/").content.decode()
    for nummer in (1, 2):
        assert (
            f'href="/vejle-21-25/beskaeftigelse/versioner/{nummer}.docx">Word (.docx)'
            f'<span class="sr-only">, version {nummer}</span>'
        ) in versioner
    client.force_login(sekretariat_bruger)
    for side in ("/vejle-21-25/beskaeftigelse/udkast/", "/vejle-21-25/beskaeftigelse/udkast/vis/"):
        html = client.get(side).content.decode()
        assert f'href="{UDKAST}"' in html and "Hent udkastet som Word (.docx)" in html, side
    assert (
        'href="/vejle-21-25/beskaeftigelse.docx"'
        in client.get("/vejle-21-25/beskaeftigelse/udkast/").content.decode()
    )


# ---- The rich text converter on its own -------------------------------------------------------


def _rigtekst(html: str, **kw) -> DocxDocument:
    dok = Document()
    rigtekst(dok, html, **kw)
    return dok


def test_each_ordered_list_counts_from_one_and_nests_one_level_down():
    dok = _rigtekst(
        "<ol><li>a</li><li>b<ul><li>c</li></ul></li></ol><p>mellem</p><ol><li>d</li></ol>"
    )
    assert afsnit(dok) == [
        ("List Number", "a"),
        ("List Number", "b"),
        ("List Bullet 2", "c"),
        ("Normal", "mellem"),
        ("List Number", "d"),
    ]
    numre = [p._p.pPr.numPr.numId.val for p in dok.paragraphs if p.style.name == "List Number"]
    assert numre[0] == numre[1] != numre[2]
    nummerering = dok.part.numbering_part.element
    for num_id in (numre[0], numre[2]):
        num = nummerering.num_having_numId(num_id)
        assert num.lvlOverride_lst[0].startOverride.val == 1


def test_paragraphs_in_a_list_item_stay_one_item_and_headings_are_word_headings():
    dok = _rigtekst(
        "<h3>Indhold</h3><ul><li><p>første</p><p>anden</p></li></ul><h4>Praksis</h4>"
        "<p>  mange \n  mellemrum &amp; 11,3\u00a0%<br>ny linje</p>"
    )
    assert afsnit(dok) == [
        ("Heading 3", "Indhold"),
        ("List Bullet", "første\nanden"),
        ("Heading 4", "Praksis"),
        ("Normal", "mange mellemrum & 11,3\u00a0%\nny linje"),
    ]


def test_a_parts_description_continues_its_bullet():
    dok = _rigtekst("<p>Rolle</p><ul><li>opgave</li></ul>", i_listepunkt=True)
    assert afsnit(dok) == [("List Continue", "Rolle"), ("List Bullet 2", "opgave")]


def test_in_a_table_cell_the_first_paragraph_is_used_and_a_heading_is_bold():
    dok = Document()
    celle = dok.add_table(rows=1, cols=1).cell(0, 0)
    rigtekst(celle, "<h4>Mål</h4><p><strong>fed</strong> og <em>kursiv</em></p>")
    overskrift, tekst_ = celle.paragraphs
    assert (overskrift.style.name, overskrift.text) == ("Normal", "Mål")
    assert overskrift.runs[0].bold
    assert [(r.text, r.bold, r.italic) for r in tekst_.runs] == [
        ("fed", True, None),
        (" og ", None, None),
        ("kursiv", None, True),
    ]


def test_the_word_addresses_shadow_no_pdf_address_and_none_shadows_them():
    navne = {
        "/vejle-21-25/beskaeftigelse.pdf": "delaftale_pdf",
        "/vejle-21-25/beskaeftigelse.docx": "delaftale_docx",
        "/vejle-21-25/beskaeftigelse/versioner/2.pdf": "version_pdf",
        "/vejle-21-25/beskaeftigelse/versioner/2.docx": "version_docx",
        "/vejle-21-25/beskaeftigelse/udkast.pdf": "udkast_pdf",
        "/vejle-21-25/beskaeftigelse/udkast.docx": "udkast_docx",
        "/vejle-21-25/beskaeftigelse/": "delaftale",
        "/vejle-21-25/beskaeftigelse/udkast/": "udkast",
    }
    assert {sti: resolve(sti).url_name for sti in navne} == navne
    assert {resolve(sti).namespace for sti in navne} == {"delaftaler"}
