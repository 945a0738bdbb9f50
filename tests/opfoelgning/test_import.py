"""The year's measurements through Excel: template, upload with preview, confirm, export.

Files are built the way people make them: the template is downloaded and filled in with
openpyxl (values written into the input cells), or a plain sheet is typed from scratch.
Every bad file gets a Danish message naming what is wrong, writes nothing, and is never
a 500.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from delaftaler.models import Opfoelgning
from delaftaler.opfoelgning.excel.columns import XLSX_MIME
from delaftaler.opfoelgning.services import opfoelgning_opret
from delaftaler.roller import SEKRETARIAT
from indikatorer.maalinger import MaalingInput, maalinger_gem
from indikatorer.models import Indikator, Maaling

# The real delaftaler are loaded once for the module (tests/conftest.py).
pytestmark = pytest.mark.delt_data

NBSP = "\u00a0"
P = "/vejle-21-25/beskaeftigelse/opfoelgning/2024/"
INDLAES = P + "indlaes/"
UNG = "Andel offentligt forsørgede fuldtidspersoner, 18-29 år"
AELDRE = "Andel offentligt forsørgede fuldtidspersoner, 30-64 år"
SMAAJOBS = "Andel af borgere i småjobs, 18-64 år"
FRITIDSJOB = "Antal unge der opnår minimum 6 måneders ordinært fritidsjob"
SAMLET = "Opgjort samlet for Nørremarken og Løget Høj"
LANG = ("Indikator", "Boligområde", "Periode", "Værdi", "Kilde")


@pytest.fixture(autouse=True)
def upload_mappe(settings, tmp_path):
    settings.MAALINGER_UPLOAD_DIR = tmp_path / "indlaesninger"
    return settings.MAALINGER_UPLOAD_DIR


@pytest.fixture
def opf(vejle, sekretariat_bruger) -> Opfoelgning:
    return opfoelgning_opret(delaftale=vejle, aar=2024, bruger=sekretariat_bruger)


def tekst(response) -> str:
    return response.content.decode().replace(NBSP, " ").replace("&#x27;", "'")


def som_bytes(bog: Workbook) -> bytes:
    ud = io.BytesIO()
    bog.save(ud)
    return ud.getvalue()


def lang_fil(*raekker, overskrifter=LANG, ark="Udtræk") -> bytes:
    bog = Workbook()
    arket = bog.active
    arket.title = ark
    arket.append(list(overskrifter))
    for raekke in raekker:
        arket.append(list(raekke))
    return som_bytes(bog)


def upload(client, indhold: bytes, navn: str = "maalinger.xlsx"):
    fil = SimpleUploadedFile(navn, indhold, content_type=XLSX_MIME)
    return client.post(INDLAES, {"handling": "kontroller", "fil": fil})


def bekraeft(client, preview):
    assert preview.status_code == 200
    token = preview.context["token"]
    assert token, tekst(preview)
    return client.post(INDLAES, {"handling": "bekraeft", "token": token})


def hent_skabelon(client):
    svar = client.get(P + "skabelon.xlsx")
    assert svar.status_code == 200
    assert svar["Content-Type"] == XLSX_MIME
    assert svar["Content-Disposition"].startswith("attachment;")
    return load_workbook(io.BytesIO(svar.content))


def raekke(ark, indikator: str, sted: str) -> int:
    for nr in range(2, ark.max_row + 1):
        if ark[f"B{nr}"].value == indikator and ark[f"C{nr}"].value == sted:
            return nr
    raise AssertionError(f"Ingen række for {indikator} / {sted}")


def maaling(indikator: str, sted: str, periode: str = "2024") -> Maaling:
    m = Maaling.objects.select_related("boligomraade").get(
        indikator__navn=indikator, periode=periode
    )
    return m if (m.boligomraade.navn if m.boligomraade else m.maalgruppe) == sted else None


def maalinger() -> dict[tuple[str, str, str], Maaling]:
    return {
        (m.indikator.navn, m.sted, m.periode): m
        for m in Maaling.objects.select_related("indikator", "boligomraade")
    }


# --- The template ------------------------------------------------------------------------


def test_template_has_a_row_per_indicator_and_area_with_the_baseline_locked(
    sekretariat_client, opf
):
    bog = hent_skabelon(sekretariat_client)
    assert bog.sheetnames == ["Målinger", "Vejledning"]
    ark = bog["Målinger"]
    assert [c.value for c in ark[1]][:18] == [
        "Delmål",
        "Indikator",
        "Boligområde/målgruppe",
        "Enhed",
        "Baseline",
        "Baseline år",
        "Datakilde (baseline)",
        "Periode",
        "Værdi",
        "Tæller",
        "Nævner",
        "Ikke tilgængelig",
        "Begrundelse",
        "Sammenligning",
        "Sammenligning gælder",
        "Datakilde",
        "Data udtrukket",
        "Note",
    ]
    # 4 areas × 4 indicators, and one count for two areas together.
    assert ark.max_row == 1 + 17
    nr = raekke(ark, UNG, "Nørremarken")
    assert ark[f"A{nr}"].value == "Nedbringe andelen af beboere der står uden for arbejdsmarkedet"
    assert ark[f"D{nr}"].value == "%"
    assert ark[f"E{nr}"].value == pytest.approx(11.3)
    assert ark[f"E{nr}"].number_format == "0.0"
    assert ark[f"F{nr}"].value == "2019"
    assert ark[f"G{nr}"].value == "LBF Beboerdata"
    assert ark[f"H{nr}"].value == "2024"
    assert ark[f"I{nr}"].value is None
    assert ark[f"I{nr}"].number_format == "0.0"  # typed values keep the baseline's decimals
    smaajobs = raekke(ark, SMAAJOBS, "Møllevangen")
    assert ark[f"F{smaajobs}"].value == "aug. 2021"
    assert ark[f"E{smaajobs}"].value == 0 and ark[f"E{smaajobs}"].number_format == "0.0"
    samlet = raekke(ark, FRITIDSJOB, SAMLET)
    assert ark[f"D{samlet}"].value == "antal" and ark[f"E{samlet}"].value == 47

    # Locked: sheet protection on; the baseline columns locked, the input columns open.
    assert ark.protection.sheet
    for kolonne in "ABCDEFG":
        assert ark[f"{kolonne}{nr}"].protection.locked, kolonne
    for kolonne in "HIJKLMNOPQR":
        assert not ark[f"{kolonne}{nr}"].protection.locked, kolonne
    # The ids that match rows back even if names are edited, hidden.
    for kolonne in "STU":
        assert ark.column_dimensions[kolonne].hidden
    assert ark[f"S{nr}"].value == Indikator.objects.get(navn=UNG).pk
    assert ark.freeze_panes == "D2"
    assert ark.column_dimensions["B"].width > 30


def test_template_validates_values_in_danish(sekretariat_client, opf):
    ark = hent_skabelon(sekretariat_client)["Målinger"]
    procent_raekke = raekke(ark, UNG, "Vestbyen")
    antal_raekke = raekke(ark, FRITIDSJOB, SAMLET)
    valideringer = ark.data_validations.dataValidation

    def for_celle(celle: str):
        return [dv for dv in valideringer if celle in dv.sqref]

    (procent,) = for_celle(f"I{procent_raekke}")
    assert (procent.type, procent.operator, procent.formula1, procent.formula2) == (
        "decimal",
        "between",
        "0",
        "100",
    )
    assert procent.showErrorMessage and "mellem 0 og 100" in procent.error
    assert for_celle(f"N{procent_raekke}") == [procent]  # the comparison too
    (antal,) = for_celle(f"I{antal_raekke}")
    assert (antal.type, antal.operator, antal.formula1) == ("decimal", "greaterThanOrEqual", "0")
    assert "0 eller større" in antal.error
    (ja,) = for_celle(f"L{procent_raekke}")
    assert (ja.type, ja.formula1) == ("list", '"Ja"')
    (dato,) = for_celle(f"Q{procent_raekke}")
    assert dato.type == "date" and "dato" in dato.error


def test_template_has_a_danish_guide(sekretariat_client, opf):
    vejledning = hent_skabelon(sekretariat_client)["Vejledning"]
    tekster = " ".join(str(c.value) for c in vejledning["A"] if c.value)
    assert "Sådan udfylder du arket »Målinger«" in tekster
    assert "Perioden skal ligge i 2024" in tekster


def test_template_lists_areas_for_an_indicator_without_baselines(sekretariat_client, opf):
    Indikator.objects.create(
        delmaal=opf.delaftale.delmaal.first(), navn="Andel i fleksjob", datakilde="Jobcenter"
    )
    ark = hent_skabelon(sekretariat_client)["Målinger"]
    steder = [
        ark[f"C{nr}"].value
        for nr in range(2, ark.max_row + 1)
        if ark[f"B{nr}"].value == "Andel i fleksjob"
    ]
    assert steder == ["Nørremarken", "Vestbyen", "Møllevangen", "Løget By"]


# --- The round trip ------------------------------------------------------------------------


def test_round_trip_template_filled_in_uploaded_previewed_and_confirmed(
    sekretariat_client, opf, django_assert_max_num_queries
):
    bog = hent_skabelon(sekretariat_client)
    ark = bog["Målinger"]
    ark[f"I{raekke(ark, UNG, 'Nørremarken')}"] = 10.9
    ark[f"I{raekke(ark, UNG, 'Vestbyen')}"] = "15,85"  # typed as text keeps its decimals
    ark[f"I{raekke(ark, SMAAJOBS, 'Løget By')}"] = 6  # shown as 6,0 like the baseline 5,3
    nr = raekke(ark, FRITIDSJOB, SAMLET)
    ark[f"I{nr}"] = 52
    ark[f"P{nr}"] = "Egne tal"
    ark[f"Q{nr}"] = datetime.datetime(2025, 3, 1)
    ark[f"N{nr}"] = 40
    ark[f"O{nr}"] = "Vejle Kommune"
    nr = raekke(ark, AELDRE, "Møllevangen")
    ark[f"L{nr}"] = "Ja"
    ark[f"M{nr}"] = "Tallet er ikke opgjort endnu"
    ark[f"R{nr}"] = "Spørg jobcentret igen i marts."

    with django_assert_max_num_queries(13):
        preview = upload(sekretariat_client, som_bytes(bog), "Vejle 2024.xlsx")
    assert preview.status_code == 200
    html = tekst(preview)
    assert "Kontrol af filen før indlæsning" in html
    assert "Filen »Vejle 2024.xlsx«, ark »Målinger« (skabelonen): 5 rækker med målinger" in html
    assert "12 rækker uden værdi springes over" in html
    assert "Ark »Målinger«, række 2" in html
    assert "10,9 %" in html and "15,85 %" in html and "6,0 %" in html
    assert "Gem 5 nye og 0 ændrede målinger" in html
    assert Maaling.objects.count() == 0  # the preview writes nothing

    svar = bekraeft(sekretariat_client, preview)
    assert svar.status_code == 302 and svar["Location"] == INDLAES
    side = tekst(sekretariat_client.get(INDLAES))
    assert "5 målinger er oprettet og 0 ændret fra filen »Vejle 2024.xlsx«" in side

    gemt = maalinger()
    assert len(gemt) == 5
    m = gemt[(UNG, "Nørremarken", "2024")]
    assert (m.vaerdi, m.vaerdi_decimaler, m.vaerdi_tekst) == (Decimal("10.9"), 1, f"10,9{NBSP}%")
    m = gemt[(UNG, "Vestbyen", "2024")]
    assert (m.vaerdi, m.vaerdi_decimaler) == (Decimal("15.85"), 2)
    m = gemt[(SMAAJOBS, "Løget By", "2024")]
    assert (m.vaerdi, m.vaerdi_decimaler, m.vaerdi_tekst) == (Decimal(6), 1, f"6,0{NBSP}%")
    m = gemt[(FRITIDSJOB, SAMLET, "2024")]
    assert m.boligomraade is None and m.maalgruppe == SAMLET
    assert (m.vaerdi, m.vaerdi_decimaler, m.datakilde) == (Decimal(52), 0, "Egne tal")
    assert m.udtrukket == datetime.date(2025, 3, 1)
    assert (m.sammenligning, m.sammenligning_label) == (Decimal(40), "Vejle Kommune")
    m = gemt[(AELDRE, "Møllevangen", "2024")]
    assert m.ikke_tilgaengelig and m.vaerdi is None
    assert m.begrundelse == "Tallet er ikke opgjort endnu"
    assert m.note == "Spørg jobcentret igen i marts."
    assert not list(settings.MAALINGER_UPLOAD_DIR.iterdir())  # the waiting file is gone


def test_second_upload_shows_what_changed_from_what_to_what(
    sekretariat_client, opf, django_assert_max_num_queries
):
    bog = hent_skabelon(sekretariat_client)
    ark = bog["Målinger"]
    for nr in range(2, ark.max_row + 1):
        ark[f"I{nr}"] = 10.9
    bekraeft(sekretariat_client, upload(sekretariat_client, som_bytes(bog)))
    assert Maaling.objects.count() == 17

    # The next template carries the year's values; the person corrects some of them.
    with django_assert_max_num_queries(10):
        bog = hent_skabelon(sekretariat_client)
    ark = bog["Målinger"]
    nr = raekke(ark, UNG, "Nørremarken")
    assert ark[f"I{nr}"].value == pytest.approx(10.9)
    assert ark[f"I{nr}"].number_format == "0.0"
    ark[f"I{nr}"] = 11.2
    for indikator in (SMAAJOBS, AELDRE):
        for sted in ("Vestbyen", "Løget By"):
            ark[f"I{raekke(ark, indikator, sted)}"] = "11,25"
    nr = raekke(ark, FRITIDSJOB, SAMLET)
    ark[f"I{nr}"] = None
    ark[f"L{nr}"] = "Ja"
    ark[f"M{nr}"] = "Opgøres ikke længere"
    with django_assert_max_num_queries(13):  # as many as for one new row: no query per row
        preview = upload(sekretariat_client, som_bytes(bog))
    html = tekst(preview)
    assert "<dt>Ændrede målinger</dt><dd>6</dd>" in html
    assert "<dt>Uændrede målinger</dt><dd>11</dd>" in html
    assert "<td>Værdi</td><td>10,9 %</td><td>11,2 %</td>" in html
    assert "<td>Værdi</td><td>10,9 %</td><td>11,25 %</td>" in html
    assert "<td>Værdi</td><td>10,9</td><td>(tom)</td>" in html  # a count shown without %
    assert "<td>Ikke tilgængelig</td><td>Nej</td><td>Ja</td>" in html
    assert "<td>Begrundelse</td><td>(tom)</td><td>Opgøres ikke længere</td>" in html
    foer = {m.pk: m.aendret for m in Maaling.objects.all()}
    bekraeft(sekretariat_client, preview)
    gemt = maalinger()
    # The corrected rows are the same rows (same ids); the untouched keep their time.
    efter = {m.pk: m.aendret for m in Maaling.objects.all()}
    assert efter.keys() == foer.keys()
    assert sum(efter[pk] != foer[pk] for pk in foer) == 6
    assert efter[gemt[(UNG, "Vestbyen", "2024")].pk] == foer[gemt[(UNG, "Vestbyen", "2024")].pk]
    assert gemt[(UNG, "Nørremarken", "2024")].vaerdi == Decimal("11.2")
    m = gemt[(SMAAJOBS, "Vestbyen", "2024")]
    assert (m.vaerdi, m.vaerdi_decimaler) == (Decimal("11.25"), 2)
    m = gemt[(FRITIDSJOB, SAMLET, "2024")]
    assert m.ikke_tilgaengelig and m.vaerdi is None
    assert gemt[(UNG, "Vestbyen", "2024")].vaerdi_tekst == f"10,9{NBSP}%"
    assert Maaling.objects.count() == 17


def test_long_format_sheet_from_an_extract_imports(sekretariat_client, opf):
    indhold = lang_fil(
        (UNG, "nørremarken", "2024", "10,40", "LBF Beboerdata"),
        (SMAAJOBS.upper(), " Vestbyen ", "aug 2024", 4.25, "Jobcenter"),
        (FRITIDSJOB, SAMLET, 2024, 50, "Egne tal"),
        (None, None, None, None, None),  # an empty row in the paste
        ("Andel offentligt forsorgede fuldtidspersoner, 30–64 ar", "Loget By", "2024", 40, ""),
        overskrifter=(" INDIKATOR ", "boligomraade", "PERIODE", "Vaerdi", "kilde"),
    )
    preview = upload(sekretariat_client, indhold)
    html = tekst(preview)
    assert "ark »Udtræk« (et ark med en række pr. måling): 4 rækker med målinger" in html
    assert "Gem 4 nye og 0 ændrede målinger" in html
    bekraeft(sekretariat_client, preview)
    gemt = maalinger()
    m = gemt[(UNG, "Nørremarken", "2024")]
    assert (m.vaerdi, m.vaerdi_decimaler, m.datakilde) == (Decimal("10.40"), 2, "LBF Beboerdata")
    m = gemt[(SMAAJOBS, "Vestbyen", "2024-08")]
    assert (m.vaerdi, m.vaerdi_decimaler, m.datakilde) == (Decimal("4.25"), 2, "Jobcenter")
    assert gemt[(FRITIDSJOB, SAMLET, "2024")].vaerdi == 50
    assert gemt[(AELDRE, "Løget By", "2024")].vaerdi == 40


def test_percent_formatted_cells_read_as_percent(sekretariat_client, opf):
    bog = Workbook()
    ark = bog.active
    ark.append(list(LANG))
    ark.append([UNG, "Vestbyen", "2024", 0.113, ""])
    ark["D2"].number_format = "0.0%"  # Excel's own way to hold 11,3 %
    ark.append([UNG, "Nørremarken", "2024", 12.3456789, ""])
    ark["D3"].number_format = "0.00"  # a formula's result, shown with two decimals
    bekraeft(sekretariat_client, upload(sekretariat_client, som_bytes(bog)))
    gemt = maalinger()
    assert gemt[(UNG, "Vestbyen", "2024")].vaerdi_tekst == f"11,3{NBSP}%"
    assert gemt[(UNG, "Nørremarken", "2024")].vaerdi_tekst == f"12,35{NBSP}%"


def test_target_group_without_area_round_trips(sekretariat_client, viborg, sekretariat_bruger):
    opfoelgning_opret(delaftale=viborg, aar=2025, bruger=sekretariat_bruger)
    url = "/viborg-25-29/beskaeftigelse/opfoelgning/2025/"
    svar = sekretariat_client.get(url + "skabelon.xlsx")
    bog = load_workbook(io.BytesIO(svar.content))
    ark = bog["Målinger"]
    nr = raekke(ark, "Beskæftigelsesgraden", "Alle boligområder")
    assert ark[f"E{nr}"].value == "Data kommer"
    ark[f"I{nr}"] = 71.5
    fil = SimpleUploadedFile("v.xlsx", som_bytes(bog), content_type=XLSX_MIME)
    preview = sekretariat_client.post(url + "indlaes/", {"handling": "kontroller", "fil": fil})
    token = preview.context["token"]
    sekretariat_client.post(url + "indlaes/", {"handling": "bekraeft", "token": token})
    m = Maaling.objects.get()
    assert (m.boligomraade, m.maalgruppe, m.vaerdi) == (None, "", Decimal("71.5"))


# --- Bad files --------------------------------------------------------------------------


def _docx() -> bytes:
    ud = io.BytesIO()
    with zipfile.ZipFile(ud, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return ud.getvalue()


def _zip_bombe() -> bytes:
    """A tiny archive shaped like an xlsx whose sheet inflates to 64 MB of blanks."""
    ud = io.BytesIO()
    with zipfile.ZipFile(ud, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as ark:
            blok = b" " * (1024 * 1024)
            for _ in range(64):
                ark.write(blok)
    return ud.getvalue()


def _omdoebt_kolonne(client) -> bytes:
    bog = hent_skabelon(client)
    ark = bog["Målinger"]
    ark[f"I{raekke(ark, UNG, 'Nørremarken')}"] = 10.9
    ark["I1"] = "Tal"
    return som_bytes(bog)


def _tom_projektmappe() -> bytes:
    return som_bytes(Workbook())


DAARLIGE_FILER = [
    pytest.param(
        lambda c: "Indikator;Værdi\r\nAndel;11,3\r\n".encode(),
        ["Filen er ikke et Excel-ark (.xlsx)"],
        id="csv-ikke-xlsx",
    ),
    pytest.param(lambda c: b"\x00\x01garbage" * 10, ["ikke et Excel-ark"], id="binaer-ikke-xlsx"),
    pytest.param(
        lambda c: b"PK\x03\x04 ikke en rigtig zip", ["ikke et Excel-ark"], id="oedelagt-zip"
    ),
    pytest.param(lambda c: _docx(), ["Filen er et Word-dokument (.docx)"], id="omdoebt-docx"),
    pytest.param(lambda c: _tom_projektmappe(), ["Arket »Sheet« er tomt."], id="tom-projektmappe"),
    pytest.param(
        lambda c: lang_fil(overskrifter=LANG),
        ["Arket »Udtræk« har ingen udfyldte rækker"],
        id="kun-overskrifter",
    ),
    pytest.param(
        lambda c: lang_fil((UNG, "Vestbyen", "2024"), overskrifter=LANG[:3]),
        ["Kolonnen »Værdi« mangler i arket »Udtræk«"],
        id="manglende-kolonne",
    ),
    pytest.param(
        lambda c: lang_fil(("x", "y"), overskrifter=("Navn", "Tal")),
        ["har ikke de kolonner, der skal bruges", "A »Navn«, B »Tal«"],
        id="ingen-kendte-kolonner",
    ),
    pytest.param(
        _omdoebt_kolonne,
        ["Kolonnen »Værdi« mangler i arket »Målinger«"],
        id="omdoebt-kolonne",
    ),
    pytest.param(
        lambda c: lang_fil(
            (UNG, "Vestbyen", "2024", 1, ""),
            (UNG, "Vestbyen", "2025", 2, ""),
            overskrifter=(*LANG, "Værdi"),
        ),
        ["Kolonnen »Værdi« findes to gange", "kolonne D og F"],
        id="kolonne-to-gange",
    ),
    pytest.param(
        lambda c: lang_fil(("Andel i job, 18-64 år", "Vestbyen", "2024", "11,3", "")),
        [
            "Ark »Udtræk«, række 2",
            "kolonne A »Indikator«",
            "Indikatoren »Andel i job, 18-64 år« findes ikke i delaftalen "
            "Vejle_21_25 – Beskæftigelse.",
        ],
        id="ukendt-indikator",
    ),
    pytest.param(
        lambda c: lang_fil((UNG + "x", "Vestbyen", "2024", "11,3", "")),
        [f"Mente du »{UNG}«?"],
        id="indikator-stavefejl",
    ),
    pytest.param(
        lambda c: lang_fil((UNG, "Østerbro", "2024", "11,3", "")),
        [
            "Ark »Udtræk«, række 2",
            "kolonne B »Boligområde«",
            "»Østerbro« er hverken et boligområde i Vejle_21_25 eller en målgruppe",
        ],
        id="ukendt-omraade",
    ),
    pytest.param(
        lambda c: lang_fil(
            (UNG, "Vestbyen", "2024", "11,3", ""), (UNG, "Nørremarken", "2024", "mange", "")
        ),
        ["Ark »Udtræk«, række 3", "kolonne D »Værdi«", "»mange« er ikke et tal"],
        id="tekst-i-talcelle",
    ),
    pytest.param(
        lambda c: lang_fil((UNG, "Vestbyen", "2024", 112.5, "")),
        [
            "Ark »Udtræk«, række 2",
            "kolonne D »Værdi«",
            "En procentsats skal ligge mellem 0 og 100.",
        ],
        id="procent-over-100",
    ),
    pytest.param(
        lambda c: lang_fil((UNG, "Vestbyen", "2024", -3, "")),
        ["kolonne D »Værdi«", "Værdien kan ikke være negativ."],
        id="negativt-tal",
    ),
    pytest.param(
        lambda c: lang_fil(
            (UNG, "Vestbyen", "2024", "11,3", ""), (UNG, "vestbyen", 2024, "12", "")
        ),
        ["Ark »Udtræk«, række 3", "Samme indikator, sted og periode som Ark »Udtræk«, række 2."],
        id="samme-raekke-to-gange",
    ),
    pytest.param(
        lambda c: lang_fil((UNG, "Vestbyen", "2023", "11,3", "")),
        ["kolonne C »Periode«", "Perioden 2023 ligger ikke i opfølgningens år 2024."],
        id="periode-i-et-andet-aar",
    ),
    pytest.param(
        lambda c: lang_fil((UNG, "Vestbyen", "forår", "11,3", "")),
        ["kolonne C »Periode«", "»forår« er ikke en gyldig periode"],
        id="ugyldig-periode",
    ),
    pytest.param(lambda c: _zip_bombe(), ["zip-bombe"], id="zip-bombe"),
]


@pytest.mark.parametrize(("byg", "forventet"), DAARLIGE_FILER)
def test_bad_file_gets_a_danish_error_and_writes_nothing(
    sekretariat_client, opf, upload_mappe, byg, forventet
):
    svar = upload(sekretariat_client, byg(sekretariat_client))
    assert svar.status_code == 200
    html = tekst(svar)
    for stump in forventet:
        assert stump in html
    assert 'value="bekraeft"' not in html  # no confirm button
    assert not svar.context.get("token")
    assert Maaling.objects.count() == 0
    assert not upload_mappe.exists() or not list(upload_mappe.iterdir())


def test_renamed_column_is_named_in_a_notice(sekretariat_client, opf):
    bog = Workbook()
    ark = bog.active
    ark.append([*LANG, "Kommentar"])
    ark.append([UNG, "Vestbyen", "2024", 11, "", "hej"])
    html = tekst(upload(sekretariat_client, som_bytes(bog)))
    assert "Kolonne F »Kommentar« kendes ikke og bliver ikke indlæst." in html


def test_file_over_the_size_limit_is_refused(sekretariat_client, opf, settings):
    assert settings.MAALINGER_UPLOAD_MAX_BYTES == 5 * 1024 * 1024
    indhold = lang_fil((UNG, "Vestbyen", "2024", 11, ""))
    settings.MAALINGER_UPLOAD_MAX_BYTES = len(indhold) - 1
    svar = upload(sekretariat_client, indhold)
    assert svar.status_code == 200
    assert "og må højst fylde" in tekst(svar)
    assert Maaling.objects.count() == 0


def test_too_many_rows_are_refused(sekretariat_client, opf, monkeypatch):
    monkeypatch.setattr("delaftaler.opfoelgning.excel.reading.MAKS_RAEKKER", 2)
    indhold = lang_fil(*[(UNG, o, "2024", 11, "") for o in ("Vestbyen", "Nørremarken", "Løget By")])
    html = tekst(upload(sekretariat_client, indhold))
    assert "Arket »Udtræk« har mere end 2 rækker. Del det op i flere filer." in html
    assert Maaling.objects.count() == 0


def _bred_fil(celler_efter_kolonne_40: int) -> bytes:
    """A valid row, then a row of numbers past the 40 columns that are read."""
    bog = Workbook()
    ark = bog.active
    ark.title = "Udtræk"
    ark.append(list(LANG))
    ark.append([UNG, "Vestbyen", "2024", 11, ""])
    ark.append([None] * 41 + list(range(celler_efter_kolonne_40)))
    return som_bytes(bog)


def test_sheet_with_too_many_cells_is_refused_before_openpyxl_reads_it(
    sekretariat_client, opf, monkeypatch
):
    """Issue 12: a 1 MB upload inflating to 200 MB of cells held a worker for two minutes."""
    monkeypatch.setattr("delaftaler.opfoelgning.excel.safety.MAKS_CELLER", 1000, raising=False)

    def aabnet(*args, **kwargs):
        raise AssertionError("openpyxl opened the file")

    monkeypatch.setattr("delaftaler.opfoelgning.excel.reading.load_workbook", aabnet)
    html = tekst(upload(sekretariat_client, _bred_fil(2000)))
    assert (
        "Filen er for stor til at blive læst: arket har mere end 1.000 celler. "
        "Del arket op i flere filer."
    ) in html
    assert Maaling.objects.count() == 0


def test_sheet_under_the_cell_limit_is_read(sekretariat_client, opf, monkeypatch):
    monkeypatch.setattr("delaftaler.opfoelgning.excel.safety.MAKS_CELLER", 1000, raising=False)
    svar = upload(sekretariat_client, _bred_fil(900))
    assert svar.context["token"], tekst(svar)


def test_sheet_over_the_unpacked_size_limit_is_refused(sekretariat_client, opf, monkeypatch):
    monkeypatch.setattr(
        "delaftaler.opfoelgning.excel.safety.MAKS_DEL_UDPAKKET", 20 * 1024, raising=False
    )
    html = tekst(upload(sekretariat_client, _bred_fil(3000)))
    assert "Filen er for stor til at blive læst: arket fylder" in html
    assert Maaling.objects.count() == 0


@pytest.mark.parametrize("blok", [7, 13, 1024 * 1024])
def test_cells_are_counted_once_across_chunks_and_with_a_namespace_prefix(monkeypatch, blok):
    """A tag split between two chunks is counted once; .NET writers prefix every tag (x:c)."""
    from delaftaler.opfoelgning.excel import safety

    monkeypatch.setattr(safety, "_BLOK", blok)
    ud = io.BytesIO()
    with zipfile.ZipFile(ud, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("ark.xml", '<x:c r="A1"><x:v>1</x:v></x:c><c/><si>' * 40 + "<cols/><col/>")
    with zipfile.ZipFile(ud) as z:
        assert safety._flere_celler_end(z, z.getinfo("ark.xml"), 119)
        assert not safety._flere_celler_end(z, z.getinfo("ark.xml"), 120)


def test_every_error_of_a_file_is_listed(sekretariat_client, opf):
    indhold = lang_fil(
        (UNG, "Vestbyen", "2024", "abc", ""),
        (UNG, "Østerbro", "2024", 11, ""),
        (UNG, "Nørremarken", "2024", 101, ""),
        (UNG, "Løget By", "2024", 11, ""),
    )
    svar = upload(sekretariat_client, indhold)
    assert len(svar.context["fejl"]) == 3
    assert [f.kilde for f in svar.context["fejl"]] == [
        "Ark »Udtræk«, række 2",
        "Ark »Udtræk«, række 3",
        "Ark »Udtræk«, række 4",
    ]
    assert "Filen har 3 fejl. Intet er gemt." in tekst(svar)


def test_openpyxl_parses_xml_with_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML


# --- Who may, and when --------------------------------------------------------------------


def test_approved_year_refuses_imports(sekretariat_client, opf):
    Opfoelgning.objects.filter(pk=opf.pk).update(status=Opfoelgning.Status.GODKENDT)
    side = tekst(sekretariat_client.get(INDLAES))
    assert "Året er godkendt af bestyrelsen og kan ikke ændres uden genåbning." in side
    assert 'type="file"' not in side
    svar = upload(sekretariat_client, lang_fil((UNG, "Vestbyen", "2024", 11, "")))
    assert svar.status_code == 200
    assert "Året er godkendt af bestyrelsen" in tekst(svar)
    assert Maaling.objects.count() == 0


def test_year_approved_between_preview_and_confirm_writes_nothing(sekretariat_client, opf):
    preview = upload(sekretariat_client, lang_fil((UNG, "Vestbyen", "2024", 11, "")))
    Opfoelgning.objects.filter(pk=opf.pk).update(status=Opfoelgning.Status.GODKENDT)
    svar = bekraeft(sekretariat_client, preview)
    assert svar.status_code == 200
    assert "Året er godkendt af bestyrelsen" in tekst(svar)
    assert Maaling.objects.count() == 0


def test_confirm_validates_again_against_what_was_saved_meanwhile(
    sekretariat_client, opf, sekretariat_bruger
):
    preview = upload(sekretariat_client, lang_fil((UNG, "Vestbyen", "2024", 11, "")))
    ung = Indikator.objects.get(navn=UNG)
    maalinger_gem(
        opfoelgning=opf,
        raekker=[
            MaalingInput(
                indikator=ung,
                periode="2024",
                boligomraade=ung.baselines.get(boligomraade__navn="Vestbyen").boligomraade,
                vaerdi=Decimal(11),
            )
        ],
        bruger=sekretariat_bruger,
    )
    svar = bekraeft(sekretariat_client, preview)
    assert svar.status_code == 302
    side = tekst(sekretariat_client.get(INDLAES))
    assert "0 målinger er oprettet og 0 ændret fra filen »maalinger.xlsx«; 1 var uændret." in side
    assert Maaling.objects.count() == 1


def test_cancel_deletes_the_waiting_file(sekretariat_client, opf, upload_mappe):
    preview = upload(sekretariat_client, lang_fil((UNG, "Vestbyen", "2024", 11, "")))
    assert len(list(upload_mappe.iterdir())) == 1
    svar = sekretariat_client.post(
        INDLAES, {"handling": "annuller", "token": preview.context["token"]}
    )
    assert svar.status_code == 302
    assert not list(upload_mappe.iterdir())
    assert "Indlæsningen er annulleret. Intet er gemt." in tekst(sekretariat_client.get(INDLAES))
    assert Maaling.objects.count() == 0


def test_a_waiting_upload_belongs_to_the_session_that_made_it(
    sekretariat_client, opf, client, django_user_model
):
    preview = upload(sekretariat_client, lang_fil((UNG, "Vestbyen", "2024", 11, "")))
    kollega = django_user_model.objects.create_user(
        "kollega", password="x-hemmelig-123", is_staff=True
    )
    kollega.groups.add(Group.objects.get(name=SEKRETARIAT))
    # A colleague on the same helhedsplan: other plans' staff never reach the page.
    opf.delaftale.helhedsplan.medlemmer.add(kollega)
    anden = type(client)()
    anden.force_login(kollega)
    svar = anden.post(INDLAES, {"handling": "bekraeft", "token": preview.context["token"]})
    assert svar.status_code == 200
    assert "Den indlæste fil findes ikke længere" in tekst(svar)
    for falsk in ("../../etc/passwd", "x" * 32, ""):
        svar = sekretariat_client.post(INDLAES, {"handling": "bekraeft", "token": falsk})
        assert "Den indlæste fil findes ikke længere" in tekst(svar)
    assert Maaling.objects.count() == 0


@pytest.mark.parametrize("sti", ["skabelon.xlsx", "maalinger.xlsx", "indlaes/"])
def test_board_members_get_403(bestyrelse_client, opf, sti):
    assert bestyrelse_client.get(P + sti).status_code == 403
    if sti == "indlaes/":
        svar = upload(bestyrelse_client, lang_fil((UNG, "Vestbyen", "2024", 11, "")))
        assert svar.status_code == 403
        assert Maaling.objects.count() == 0


@pytest.mark.parametrize("sti", ["skabelon.xlsx", "maalinger.xlsx", "indlaes/"])
def test_anonymous_visitors_are_sent_to_log_in(client, opf, sti):
    svar = client.get(P + sti)
    assert svar.status_code == 302 and svar["Location"].startswith("/log-ind/?next=")


def test_unknown_year_is_404(sekretariat_client, opf):
    assert (
        sekretariat_client.get("/vejle-21-25/beskaeftigelse/opfoelgning/2019/indlaes/").status_code
        == 404
    )


# --- Export --------------------------------------------------------------------------------


def test_export_has_every_measurement_of_every_year_as_numbers(
    sekretariat_client, opf, vejle, sekretariat_bruger, django_assert_max_num_queries
):
    tidligere = opfoelgning_opret(delaftale=vejle, aar=2023, bruger=sekretariat_bruger)
    ung = Indikator.objects.get(navn=UNG)
    omraader = {
        b.boligomraade.navn: b.boligomraade for b in ung.baselines.select_related("boligomraade")
    }
    maalinger_gem(
        opfoelgning=tidligere,
        raekker=[
            MaalingInput(
                indikator=ung,
                periode="2023",
                boligomraade=omraader["Vestbyen"],
                vaerdi=Decimal("56.20"),
            ),
            MaalingInput(
                indikator=ung,
                periode="2023",
                boligomraade=omraader["Nørremarken"],
                ikke_tilgaengelig=True,
                begrundelse="Ikke opgjort",
                note='=HYPERLINK("http://evil.example","klik")',
            ),
        ],
        bruger=sekretariat_bruger,
    )
    maalinger_gem(
        opfoelgning=opf,
        raekker=[
            MaalingInput(
                indikator=ung,
                periode="2024-08",
                boligomraade=omraader["Vestbyen"],
                vaerdi=Decimal("12"),
                udtrukket=datetime.date(2024, 9, 1),
            )
        ],
        bruger=sekretariat_bruger,
    )
    with django_assert_max_num_queries(6):
        svar = sekretariat_client.get(P + "maalinger.xlsx")
    assert svar.status_code == 200 and svar["Content-Type"] == XLSX_MIME
    ark = load_workbook(io.BytesIO(svar.content))["Målinger"]
    raekker = list(ark.iter_rows(min_row=2, values_only=True))
    assert len(raekker) == 3
    assert [c.value for c in ark[1]][:8] == [
        "Opfølgningsår",
        "Status",
        "Delmål",
        "Indikator",
        "Boligområde/målgruppe",
        "Enhed",
        "Periode",
        "Værdi",
    ]
    assert [r[0] for r in raekker] == [2023, 2023, 2024]
    vestbyen = next(
        nr
        for nr in range(2, 5)
        if ark[f"E{nr}"].value == "Vestbyen" and ark[f"A{nr}"].value == 2023
    )
    assert ark[f"H{vestbyen}"].data_type == "n"
    assert ark[f"H{vestbyen}"].value == pytest.approx(56.2)
    assert ark[f"H{vestbyen}"].number_format == "0.00"
    nr = next(nr for nr in range(2, 5) if ark[f"E{nr}"].value == "Nørremarken")
    assert ark[f"K{nr}"].value == "Ja"
    note = ark[f"Q{nr}"]
    assert note.data_type == "s" and note.value.startswith("=HYPERLINK")
    assert note.quotePrefix
    nr = next(nr for nr in range(2, 5) if ark[f"A{nr}"].value == 2024)
    assert ark[f"G{nr}"].value == "aug. 2024"
    assert ark[f"P{nr}"].value == datetime.datetime(2024, 9, 1)
    with zipfile.ZipFile(io.BytesIO(svar.content)) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")  # no formula anywhere


def test_exported_sheet_imports_back_as_long_format(sekretariat_client, opf, sekretariat_bruger):
    ung = Indikator.objects.get(navn=UNG)
    vestbyen = ung.baselines.get(boligomraade__navn="Vestbyen").boligomraade
    maalinger_gem(
        opfoelgning=opf,
        raekker=[
            MaalingInput(
                indikator=ung, periode="2024", boligomraade=vestbyen, vaerdi=Decimal("12.5")
            )
        ],
        bruger=sekretariat_bruger,
    )
    bog = load_workbook(io.BytesIO(sekretariat_client.get(P + "maalinger.xlsx").content))
    bog["Målinger"]["H2"] = 13.5
    preview = upload(sekretariat_client, som_bytes(bog))
    assert "<td>Værdi</td><td>12,5 %</td><td>13,5 %</td>" in tekst(preview)


def test_upload_and_preview_pages_are_valid_html(sekretariat_client, opf):
    from tests.chromium import html_errors

    sider = {
        "indlaes.html": sekretariat_client.get(INDLAES),
        "fejl.html": upload(sekretariat_client, lang_fil((UNG, "Østerbro", "2024", "x", ""))),
        "filfejl.html": upload(sekretariat_client, _docx()),
        "preview.html": upload(sekretariat_client, lang_fil((UNG, "Vestbyen", "2024", 11, ""))),
    }
    for navn, svar in sider.items():
        assert svar.status_code == 200
        assert html_errors(svar.content.decode(), navn) == [], navn


def test_a_template_for_another_delaftale_is_refused_as_a_whole(
    sekretariat_client, opf, viborg, sekretariat_bruger
):
    opfoelgning_opret(delaftale=viborg, aar=2024, bruger=sekretariat_bruger)
    svar = sekretariat_client.get("/viborg-25-29/beskaeftigelse/opfoelgning/2024/skabelon.xlsx")
    bog = load_workbook(io.BytesIO(svar.content))
    bog["Målinger"]["I2"] = 50
    html = tekst(upload(sekretariat_client, som_bytes(bog)))
    assert "Skabelonen er hentet til en anden delaftale. Hent skabelonen for " in html
    assert "Vejle_21_25 – Beskæftigelse 2024" in html
    assert Maaling.objects.count() == 0


def test_one_changed_measurement_is_named_in_the_singular(sekretariat_client, opf):
    """Not »1 ændrede målinger«."""
    bekraeft(
        sekretariat_client, upload(sekretariat_client, lang_fil((UNG, "Vestbyen", "2024", 11, "")))
    )
    assert "1 måling er oprettet og 0 ændret" in tekst(sekretariat_client.get(INDLAES))
    html = tekst(upload(sekretariat_client, lang_fil((UNG, "Vestbyen", "2024", 12, ""))))
    assert "Gem 0 nye og 1 ændret måling</button>" in html
