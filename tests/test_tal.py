"""Numbers are exact: every way a number comes in (admin, the follow-up grid, Excel) reads
»1.500« as fifteen hundred, refuses a point that is not a thousands separator with one Danish
message, and saving a page unchanged stores exactly what was there."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from aktiviteter.models import AktivitetStatus
from delaftaler.opfoelgning.excel.columns import XLSX_MIME
from delaftaler.opfoelgning.services import opfoelgning_opret
from indikatorer.maalinger import MaalingInput, maalinger_gem
from indikatorer.models import Baseline, Indikator, Maaling
from indikatorer.tal import UgyldigtTal, antal_decimaler, fortolk_tal
from tests.adminformular import Formular, admin_url
from tests.opfoelgning.test_opfoelgning_flow import formular, navn

pytestmark = pytest.mark.delt_data

AAR = 2024
P = f"/vejle-21-25/beskaeftigelse/opfoelgning/{AAR}/"
INDTAST = P + "indtast/"
INDLAES = P + "indlaes/"
UNG = "Andel offentligt forsørgede fuldtidspersoner, 18-29 år"
FRITIDSJOB = "Antal unge der opnår minimum 6 måneders ordinært fritidsjob"
SAMLET = "Opgjort samlet for Nørremarken og Løget Høj"
KOMMA_BESKED = "Brug komma som decimaltegn, fx 1,5."


@pytest.fixture(autouse=True)
def upload_mappe(settings, tmp_path):
    settings.MAALINGER_UPLOAD_DIR = tmp_path / "indlaesninger"


@pytest.fixture
def fritidsjob(vejle) -> Indikator:
    return Indikator.objects.get(delmaal__delaftale=vejle, navn=FRITIDSJOB)


@pytest.fixture
def ung(vejle) -> Indikator:
    return Indikator.objects.get(delmaal__delaftale=vejle, navn=UNG)


@pytest.fixture
def opf(vejle, sekretariat_bruger):
    return opfoelgning_opret(delaftale=vejle, aar=AAR, bruger=sekretariat_bruger)


def fejltekst(response) -> str:
    return response.content.decode().replace("\u00a0", " ")


def upload(client, indhold: bytes):
    fil = SimpleUploadedFile("maalinger.xlsx", indhold, content_type=XLSX_MIME)
    return client.post(INDLAES, {"handling": "kontroller", "fil": fil})


def lang_fil(*raekker) -> bytes:
    bog = Workbook()
    bog.active.append(["Indikator", "Boligområde", "Periode", "Værdi", "Kilde"])
    for raekke in raekker:
        bog.active.append(list(raekke))
    ud = io.BytesIO()
    bog.save(ud)
    return ud.getvalue()


# --- The one parser ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("indtastet", "tal", "decimaler"),
    [
        ("1.500", Decimal("1500"), 0),
        ("12.345,6", Decimal("12345.6"), 1),
        ("1.234,5", Decimal("1234.5"), 1),
        ("1.000.000", Decimal("1000000"), 0),
        ("1,500", Decimal("1.500"), 3),
        ("56,20 %", Decimal("56.20"), 2),
        ("1 500", Decimal("1500"), 0),
    ],
)
def test_a_danish_number_is_read_as_written(indtastet, tal, decimaler):
    laest = fortolk_tal(indtastet)

    assert (laest, antal_decimaler(laest)) == (tal, decimaler)


@pytest.mark.parametrize("indtastet", ["1.5", "11.3.4", "17.08", "0.500", "1.50", "1.234.5"])
def test_a_point_that_groups_no_thousands_is_refused(indtastet):
    with pytest.raises(UgyldigtTal) as fejl:
        fortolk_tal(indtastet)

    assert str(fejl.value) == KOMMA_BESKED


# --- Every way in ------------------------------------------------------------------------------


def test_admin_baseline_of_a_count_reads_thousands(sekretariat_client, fritidsjob):
    url = admin_url(Indikator, "change", fritidsjob.pk)
    side = Formular(sekretariat_client.get(url))
    side.saet(**{"baselines-0-vaerdi": "1.500"})

    assert sekretariat_client.post(url, side.data).status_code == 302
    baseline = fritidsjob.baselines.get()
    assert (baseline.vaerdi, baseline.vaerdi_decimaler) == (Decimal("1500"), 0)


def test_admin_refuses_a_decimal_point_and_keeps_what_was_typed(sekretariat_client, fritidsjob):
    url = admin_url(Indikator, "change", fritidsjob.pk)
    side = Formular(sekretariat_client.get(url))
    side.saet(**{"baselines-0-vaerdi": "11.3.4"})

    svar = sekretariat_client.post(url, side.data)

    assert svar.status_code == 200
    assert KOMMA_BESKED in fejltekst(svar)
    assert 'value="11.3.4"' in fejltekst(svar)
    assert fritidsjob.baselines.get().vaerdi == Decimal("47")


def test_grid_reads_thousands_of_a_count(sekretariat_client, opf, fritidsjob):
    data = formular(sekretariat_client.get(INDTAST))
    data[f"m{fritidsjob.pk}-g0-vaerdi"] = ["1.500"]

    assert sekretariat_client.post(INDTAST, data).status_code == 302
    maaling = Maaling.objects.get(indikator=fritidsjob)
    assert (maaling.vaerdi, maaling.vaerdi_decimaler) == (Decimal("1500"), 0)


def test_grid_says_use_a_comma_not_between_0_and_100(sekretariat_client, opf, ung):
    data = formular(sekretariat_client.get(INDTAST))
    data[navn(ung, "Vestbyen", "vaerdi")] = ["11.3.4"]

    svar = sekretariat_client.post(INDTAST, data)

    assert svar.status_code == 200
    assert KOMMA_BESKED in fejltekst(svar)
    assert "mellem 0 og 100" not in fejltekst(svar)
    assert formular(svar)[navn(ung, "Vestbyen", "vaerdi")] == ["11.3.4"]
    assert not Maaling.objects.exists()


def test_grid_refuses_a_decimal_point_in_a_count_of_participants(sekretariat_client, opf, vejle):
    aktivitet = vejle.aktiviteter.first()
    data = formular(sekretariat_client.get(INDTAST))
    data[f"a{aktivitet.pk}-antal_naaet"] = ["1.2"]

    svar = sekretariat_client.post(INDTAST, data)

    assert svar.status_code == 200
    assert KOMMA_BESKED in fejltekst(svar)
    assert not AktivitetStatus.objects.exists()


def test_excel_text_cells_read_thousands_and_refuse_a_decimal_point(sekretariat_client, opf):
    svar = upload(
        sekretariat_client,
        lang_fil((FRITIDSJOB, SAMLET, "2024", "1.500", ""), (UNG, "Vestbyen", "2024", "11.3", "")),
    )

    tekst = fejltekst(svar)
    assert f"»11.3« er ikke et tal. {KOMMA_BESKED}" in tekst
    assert not svar.context["token"]

    svar = upload(sekretariat_client, lang_fil((FRITIDSJOB, SAMLET, "2024", "1.500", "")))
    assert sekretariat_client.post(
        INDLAES, {"handling": "bekraeft", "token": svar.context["token"]}
    ).status_code in (200, 302)
    maaling = Maaling.objects.get(indikator__navn=FRITIDSJOB)
    assert (maaling.vaerdi, maaling.vaerdi_decimaler) == (Decimal("1500"), 0)


# --- Saving unchanged changes nothing ---------------------------------------------------------


def gemte_tal(delaftale) -> dict:
    baselines = Baseline.objects.filter(indikator__delmaal__delaftale=delaftale)
    maalinger = Maaling.objects.filter(opfoelgning__delaftale=delaftale)
    felter = ("vaerdi", "vaerdi_decimaler", "sammenligning", "sammenligning_decimaler")
    return {
        "baselines": {b["pk"]: b for b in baselines.values("pk", *felter)},
        "maalinger": {m["pk"]: m for m in maalinger.values("pk", "periode", *felter)},
        "aktiviteter": dict(
            AktivitetStatus.objects.filter(opfoelgning__delaftale=delaftale).values_list(
                "pk", "antal_naaet"
            )
        ),
    }


def test_saving_every_form_unchanged_keeps_every_number(
    sekretariat_client, sekretariat_bruger, opf, vejle, fritidsjob, ung
):
    fritidsjob.baselines.update(
        vaerdi=Decimal("1134"), sammenligning=Decimal("12345.6"), sammenligning_decimaler=1
    )
    vestbyen = vejle.helhedsplan.boligomraader.get(navn="Vestbyen")
    maalinger_gem(
        opfoelgning=opf,
        raekker=[
            MaalingInput(
                indikator=fritidsjob,
                periode="2024",
                maalgruppe=SAMLET,
                vaerdi=Decimal("1134"),
                sammenligning=Decimal("2345.50"),
            ),
            MaalingInput(
                indikator=ung, periode="2024", boligomraade=vestbyen, vaerdi=Decimal("56.20")
            ),
        ],
        bruger=sekretariat_bruger,
    )
    AktivitetStatus.objects.create(
        opfoelgning=opf, aktivitet=vejle.aktiviteter.first(), antal_naaet=1200
    )
    foer = gemte_tal(vejle)

    # The follow-up grid.
    svar = sekretariat_client.post(INDTAST, formular(sekretariat_client.get(INDTAST)))
    assert svar.status_code == 302, fejltekst(svar)
    assert gemte_tal(vejle) == foer

    # Every indicator's admin page with its baselines.
    for indikator in Indikator.objects.filter(delmaal__delaftale=vejle):
        url = admin_url(Indikator, "change", indikator.pk)
        svar = sekretariat_client.post(url, Formular(sekretariat_client.get(url)).data)
        assert svar.status_code == 302, (indikator.navn, fejltekst(svar)[:3000])
    assert gemte_tal(vejle) == foer

    # The Excel template, uploaded as it was downloaded.
    skabelon = sekretariat_client.get(P + "skabelon.xlsx")
    svar = upload(sekretariat_client, skabelon.content)
    assert svar.status_code == 200
    if svar.context["token"]:
        sekretariat_client.post(INDLAES, {"handling": "bekraeft", "token": svar.context["token"]})
    assert gemte_tal(vejle) == foer
