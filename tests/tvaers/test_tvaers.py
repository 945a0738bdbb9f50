"""The view across plans (/oversigt/): table, direction, filters, exports, disclosure,
queries and cache."""

from __future__ import annotations

import html as html_modul
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from delaftaler.models import Delaftale, Opfoelgning
from delaftaler.opfoelgning.services import opfoelgning_genaaben
from delaftaler.roller import BESTYRELSE, SEKRETARIAT
from delaftaler.tvaers.selectors import indikatornoegle, tvaers_visning
from tests.chromium import html_errors
from tests.conftest import bruger_med_rolle
from tests.planer import plan_med_aar
from tests.test_fixtures import FORSOERGEDE_18_29
from tests.tvaers.aar import SKJULT, VEJLE_2022, godkendt_aar

pytestmark = [pytest.mark.delt_data, pytest.mark.django_db]

VIBORG_BESKAEFTIGELSE = "Andel af beboere der er i beskæftigelse (18-64 årige)"
VIBORG_FORSOERGEDE = "Andel af beboere (18-64 årige) på offentlig forsørgelse"


@pytest.fixture(scope="module")
def _aarene(_vejle_i_modulet, _viborg_i_modulet, modul_db, django_db_blocker) -> None:
    """Vejle approved for 2022 and Viborg for 2026, once for the module."""
    with django_db_blocker.unblock():
        sekretariat = bruger_med_rolle("sekretariat", SEKRETARIAT)
        bestyrelse = bruger_med_rolle("bestyrelse", BESTYRELSE)
        vejle = Delaftale.objects.get(pk=_vejle_i_modulet)
        viborg = Delaftale.objects.get(pk=_viborg_i_modulet)
        godkendt_aar(vejle, 2022, VEJLE_2022, sekretariat, bestyrelse)
        godkendt_aar(
            viborg,
            2026,
            [(VIBORG_BESKAEFTIGELSE, "Karup afd. 8", Decimal("62.10"), None, None)],
            sekretariat,
            bestyrelse,
        )


@pytest.fixture
def data(_aarene, vejle, viborg):
    return vejle, viborg


def nbsp(tekst: str) -> str:
    return tekst.replace("\u00a0", " ")


def tabel(html: str) -> list[list[str]]:
    """The comparison table's body rows as the reader sees them."""
    krop = html.split('class="table table--compact table--responsive-headers tvaers-tabel"')[1]
    krop = krop.split("<tbody>")[1].split("</tbody>")[0]
    return [
        [
            nbsp(html_modul.unescape(" ".join(re.sub(r"<[^>]+>", " ", celle).split())))
            for celle in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", raekke, re.S)
        ]
        for raekke in re.findall(r"<tr>(.*?)</tr>", krop, re.S)
    ]


def diagrammet(client, html: str) -> str:
    """The chart the page shows: its image's own address, fetched."""
    src = html_modul.unescape(
        re.search(r'<figure class="diagram">\s*<img src="([^"]+)"', html).group(1)
    )
    svar = client.get(src)
    assert svar.status_code == 200 and svar["Content-Type"].startswith("image/svg+xml")
    return svar.content.decode()


def hent(client, **filtre) -> str:
    svar = client.get("/oversigt/", filtre)
    assert svar.status_code == 200
    return svar.content.decode()


# ---- The table ------------------------------------------------------------------------------


def test_vejles_approved_year_shows_baseline_latest_value_change_and_direction(client, data):
    rows = tabel(hent(client, indikator=indikatornoegle(FORSOERGEDE_18_29)))
    assert rows[0][:4] == [
        "Vejle_21_25 Vejle Kommune",
        "Nørremarken",
        "11,3 % (2019)",
        "11,9 % (2022)",
    ]
    pr_sted = {r[1]: r for r in rows}
    # Lower is better: up is worse, down is better, the same is unchanged.
    assert pr_sted["Nørremarken"][4:] == ["+0,6 procentpoint", "dårligere"]
    assert pr_sted["Vestbyen"][4:] == ["−0,7 procentpoint", "bedre"]
    assert pr_sted["Løget By"][4:] == ["0,0 procentpoint", "uændret"]


def test_viborgs_indikator_is_judged_with_higher_is_better(client, data):
    rows = tabel(hent(client, indikator=indikatornoegle(VIBORG_BESKAEFTIGELSE)))
    karup = next(r for r in rows if r[1] == "Karup afd. 8")
    assert karup[:4] == [
        "Viborg_25_29 Viborg Kommune",
        "Karup afd. 8",
        "60,87 % (2021)",
        "62,10 % (2026)",
    ]
    assert karup[4:] == ["+1,23 procentpoint", "bedre"]
    stoholm = next(r for r in rows if r[1] == "Stoholm")
    assert stoholm[2:] == ["50,00 % (2021)", "Ingen godkendt værdi", "–", "–"]


def test_the_picker_lists_lbf_standard_indikatorer_first_and_matches_by_name(data):
    visning, _ = tvaers_visning({})
    navne = [navn for _, navn in visning.valg.indikatorer]
    lbf = [n for n in navne if n.endswith("(LBF)")]
    assert navne[: len(lbf)] == lbf and len(lbf) == 4
    assert indikatornoegle("  ANDEL af  borgere i småjobs, 18-64 år ") in dict(
        visning.valg.indikatorer
    )


# ---- Filters ---------------------------------------------------------------------------------


def test_filters_by_kommune_indsatsomraade_and_period(client, data):
    html = hent(client, kommune="Viborg Kommune")
    assert "Viborg_25_29: Beskæftigelse" in html and "Vejle_21_25: Beskæftigelse" not in html
    html = hent(client, periode="2022", indikator=indikatornoegle(FORSOERGEDE_18_29))
    assert "Vejle_21_25: Beskæftigelse" in html and "Viborg_25_29: Beskæftigelse" not in html
    assert len(tabel(html)) == 4
    html = hent(client, periode="2026", indikator=indikatornoegle(FORSOERGEDE_18_29))
    assert "Ingen delaftale med denne indikator passer til afgrænsningen." in html
    html = hent(client, indsatsomraade="boligsocialt-arbejde")
    assert "Vejle_21_25: Beskæftigelse" in html  # an unknown choice is ignored, not refused


def test_the_page_lists_every_current_delaftale_by_indsatsomraade_and_kommune(client, data):
    html = hent(client)
    sektion = html.split('id="delaftaler-overskrift"')[1]
    assert sektion.index("<h3>Beskæftigelse</h3>") < sektion.index("<h4>Vejle Kommune</h4>")
    assert sektion.index("<h4>Vejle Kommune</h4>") < sektion.index("<h4>Viborg Kommune</h4>")
    assert 'href="/vejle-21-25/beskaeftigelse/"' in sektion


def test_the_front_page_links_to_the_view_across_plans(client, data):
    assert 'href="/oversigt/"' in client.get("/").content.decode()


def test_the_page_is_valid_html(client, data):
    assert html_errors(hent(client, indikator=indikatornoegle(FORSOERGEDE_18_29))) == []


# ---- Exports ---------------------------------------------------------------------------------


def test_csv_and_xlsx_carry_the_filtered_table_with_numbers_as_numbers(client, data):
    filtre = {"indikator": indikatornoegle(FORSOERGEDE_18_29), "kommune": "Vejle Kommune"}
    csv = client.get("/oversigt/indikator.csv", filtre)
    assert csv["Content-Disposition"].startswith('attachment; filename="Indikator_paa_tvaers_')
    linjer = csv.content.decode("utf-8-sig").splitlines()
    assert linjer[0].startswith("Helhedsplan;Kommune;Indsatsområde;Boligområde/målgruppe;Baseline")
    assert linjer[1] == (
        "Vejle_21_25;Vejle Kommune;Beskæftigelse;Nørremarken;11,3;2019;11,9;2022;0,6;"
        "procentpoint;dårligere"
    )
    xlsx = client.get("/oversigt/indikator.xlsx", filtre)
    ark = load_workbook(io.BytesIO(xlsx.content)).active
    raekker = list(ark.iter_rows(values_only=True))
    assert raekker[0][0] == "Helhedsplan"
    noerremarken = next(r for r in raekker if r[3] == "Nørremarken")
    assert noerremarken[4] == 11.3 and noerremarken[6] == 11.9 and noerremarken[7] == "2022"
    assert noerremarken[8] == 0.6 and noerremarken[10] == "dårligere"
    assert len(raekker) == 5


# ---- Disclosure ------------------------------------------------------------------------------


def test_a_value_on_too_few_persons_and_its_change_are_hidden_everywhere(client, data):
    filtre = {"indikator": indikatornoegle(FORSOERGEDE_18_29)}
    html = hent(client, **filtre)
    moellevangen = next(r for r in tabel(html) if r[1] == "Møllevangen")
    assert moellevangen[3:] == ["<5 (2022)", "Skjult", "–"]
    assert "bygger på færre end 5 personer" in html
    assert "udeladt af diagrammet" in html
    svg = diagrammet(client, html)
    csv = client.get("/oversigt/indikator.csv", filtre).content
    xlsx = client.get("/oversigt/indikator.xlsx", filtre).content
    ark = load_workbook(io.BytesIO(xlsx)).active
    celler = [str(c) for r in ark.iter_rows(values_only=True) for c in r if c is not None]
    dansk, punktum = f"{SKJULT}".replace(".", ","), str(SKJULT)
    forskel = str(SKJULT - Decimal("19.2")).lstrip("-")  # the change would give it away
    for tal in (dansk, punktum, forskel, forskel.replace(".", ",")):
        assert tal not in html and tal not in svg
        assert tal.encode() not in csv
        assert not any(tal in c for c in celler)
    assert "<5" in celler


# ---- Chart -----------------------------------------------------------------------------------


def test_the_chart_is_an_svg_image_with_a_text_alternative(client, data):
    html = hent(client, indikator=indikatornoegle(FORSOERGEDE_18_29))
    alt = re.search(r'<figure class="diagram">\s*<img src="[^"]+" alt="([^"]+)"', html).group(1)
    assert alt.startswith("Søjlediagram: ")
    assert "Vejle_21_25: Nørremarken: baseline 11,3" in nbsp(html_modul.unescape(html))
    svg = diagrammet(client, html)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "Søjlediagram: " + FORSOERGEDE_18_29 in svg
    assert "Vejle_21_25: Nørremarken: baseline 11,3" in nbsp(svg)
    assert " style=" not in svg


# ---- Queries and cache -----------------------------------------------------------------------


def test_the_view_costs_the_same_queries_for_one_plan_and_for_five(client, data):
    """Beside Vejle and Viborg: one more plan with an approved year, then five. The first
    request after a change recomputes the new plans' stored rows, in as many queries for
    one plan as for four; later ones only read."""

    def antal() -> int:
        with CaptureQueriesContext(connection) as q:
            assert client.get("/oversigt/").status_code == 200
            client.get("/oversigt/indikator.csv")
        return len(q)

    sekretariat = bruger_med_rolle("sek2", SEKRETARIAT)
    bestyrelse = bruger_med_rolle("best2", BESTYRELSE)
    plan_med_aar("Plan_1", [], sekretariat, bestyrelse)
    foer_ny = antal()
    foer = antal()
    assert foer <= 12
    assert foer < foer_ny
    for nr in range(2, 6):
        plan_med_aar(f"Plan_{nr}", [], sekretariat, bestyrelse)
    assert antal() == foer_ny
    assert antal() == foer


def test_an_approval_or_reopening_reaches_the_cached_page_at_once(client, data):
    filtre = {"indikator": indikatornoegle(FORSOERGEDE_18_29)}
    assert "11,9" in hent(client, **filtre)
    o = Opfoelgning.objects.get(delaftale__helhedsplan__navn="Vejle_21_25", aar=2022)
    opfoelgning_genaaben(
        opfoelgning=o,
        bruger=bruger_med_rolle("sek3", SEKRETARIAT),
        begrundelse="Forkert tal for Nørremarken.",
    )
    assert "11,9" not in hent(client, **filtre)


def test_too_many_places_for_a_chart_ask_the_reader_to_narrow_the_choice(client, data, monkeypatch):
    from delaftaler.tvaers import views

    filtre = {"indikator": indikatornoegle(FORSOERGEDE_18_29)}
    monkeypatch.setattr(views, "MAKS_STEDER", 2)
    html = hent(client, **filtre)
    assert '<figure class="diagram">' not in html
    assert "Diagrammet vises, når højst 2 steder er valgt" in html
    assert client.get("/oversigt/diagram.svg", filtre).status_code == 404
    # The table still has every place.
    assert len(tabel(html)) == 4


def test_a_raised_threshold_hides_a_stored_value_at_once(client, data):
    """The rows are stored; a plan's new threshold must reach them before any reader."""
    filtre = {"indikator": indikatornoegle(FORSOERGEDE_18_29)}
    plan = Delaftale.objects.get(helhedsplan__navn="Vejle_21_25").helhedsplan
    dansk = f"{SKJULT}".replace(".", ",")
    plan.mindste_antal = 3
    plan.save()
    assert dansk in hent(client, **filtre)
    plan.mindste_antal = 5
    plan.save()
    html = hent(client, **filtre)
    assert dansk not in html
    assert dansk.encode() not in client.get("/oversigt/indikator.csv", filtre).content


def test_the_command_brings_stale_rows_up_to_date_once(data):
    from django.core.management import call_command

    from delaftaler.models import TvaersGrundlag

    TvaersGrundlag.objects.all().delete()
    ud = io.StringIO()
    call_command("opdater_tvaers", stdout=ud)
    assert "2 delaftaler regnet ud" in ud.getvalue()
    ud = io.StringIO()
    call_command("opdater_tvaers", stdout=ud)
    assert "0 delaftaler regnet ud" in ud.getvalue()


def test_the_chart_names_only_the_kinds_of_bars_it_draws(client, data):
    med_aar = diagrammet(client, hent(client, indikator=indikatornoegle(FORSOERGEDE_18_29)))
    assert "Baseline" in med_aar and "Seneste godkendte" in med_aar
    # Viborg's approved year has no value for this indikator: baselines only.
    kun_baseline = diagrammet(
        client,
        hent(client, indikator=indikatornoegle(VIBORG_FORSOERGEDE), kommune="Viborg Kommune"),
    )
    assert "Baseline" in kun_baseline and "Seneste godkendte" not in kun_baseline


def test_a_long_table_is_paged_and_the_spreadsheets_keep_every_row(client, data, monkeypatch):
    from delaftaler.tvaers import views

    filtre = {"indikator": indikatornoegle(FORSOERGEDE_18_29)}
    monkeypatch.setattr(views, "PR_SIDE", 3)
    foerste = hent(client, **filtre)
    assert [r[1] for r in tabel(foerste)] == ["Nørremarken", "Vestbyen", "Møllevangen"]
    assert "Steder 1–3 af 4 (side 1 af 2)" in foerste
    naeste = html_modul.unescape(re.search(r'<a href="([^"]+)">Næste side</a>', foerste).group(1))
    anden = client.get("/oversigt/" + naeste).content.decode()
    assert [r[1] for r in tabel(anden)] == ["Løget By"]
    assert "Forrige side" in anden and "Næste side" not in anden
    # The exports and the chart are for the whole table, not the page.
    assert "side=" not in re.search(r'href="([^"]*indikator\.csv[^"]*)"', anden).group(1)
    csv = client.get("/oversigt/indikator.csv", {**filtre, "side": "2"}).content.decode()
    assert all(sted in csv for sted in ("Nørremarken", "Vestbyen", "Løget By"))
    # A page that does not exist, or is not a number, shows a page that does.
    for side in ("99", "x", "-1", "1e9"):
        svar = client.get("/oversigt/", {**filtre, "side": side})
        assert svar.status_code == 200 and len(tabel(svar.content.decode())) >= 1
