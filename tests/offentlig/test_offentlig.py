"""The public pages: overview, helhedsplan, delaftale with its LBF table and downloads."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from delaftaler.models import Boligomraade, Delaftale, Helhedsplan
from delaftaler.visning.context import byg_visning, hent_udkast
from indikatorer.models import Baseline, Indikator
from tests.adminformular import Formular, admin_url
from tests.factories import (
    AktivitetFactory,
    BaselineFactory,
    BoligomraadeFactory,
    IndikatorFactory,
    publicer,
)
from tests.test_fixtures import EXPECTED

# The real delaftaler are loaded once for the module (tests/conftest.py).
pytestmark = pytest.mark.delt_data

NBSP = "\u00a0"
VEJLE_URL = "/vejle-21-25/beskaeftigelse/"
VIBORG_URL = "/viborg-25-29/beskaeftigelse/"
# On a phone each row is a card (dkfds' responsive headers); the HTML is the same table.
TABEL = '<table class="table table--compact table--responsive-headers indikatortabel'


def _tekst(response) -> str:
    return response.content.decode().replace(NBSP, " ")


def _tabel(html: str) -> str:
    start = html.index(TABEL)
    return html[start : html.index("</table>", start)]


def test_clean_urls_read_as_what_they_are(vejle):
    assert vejle.get_absolute_url() == VEJLE_URL
    assert reverse("delaftaler:delaftale_pdf", args=["vejle-21-25", "beskaeftigelse"]) == (
        "/vejle-21-25/beskaeftigelse.pdf"
    )


def test_overview_lists_plans_with_their_delaftaler_without_login(client, vejle, viborg):
    response = client.get("/")
    assert response.status_code == 200
    html = _tekst(response)
    for tekst in ("Vejle_21_25", "Viborg_25_29", "Beskæftigelse", "01.12.2021–30.11.2025"):
        assert tekst in html
    assert 'href="/vejle-21-25/beskaeftigelse/"' in html
    assert 'href="/viborg-25-29/beskaeftigelse.pdf"' in html
    assert "Møllevangen" in html and "Kærsangerparken" in html


def test_helhedsplan_page_lists_its_delaftaler(client, vejle):
    response = client.get("/vejle-21-25/")
    assert response.status_code == 200
    assert 'href="/vejle-21-25/beskaeftigelse/"' in response.content.decode()


@pytest.mark.parametrize("url", ["/ukendt/", "/vejle-21-25/ukendt/", "/ukendt/beskaeftigelse.pdf"])
def test_unknown_addresses_are_404(client, vejle, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("url", "plan"), [(VEJLE_URL, "Vejle_21_25"), (VIBORG_URL, "Viborg_25_29")]
)
def test_page_shows_every_baseline_in_danish_format(client, vejle, viborg, url, plan):
    html = _tekst(client.get(url))
    for indikator, sted, vaerdi, sammenligning, periode, kilde in EXPECTED[plan]:
        for tekst in (indikator, sted, vaerdi, sammenligning, periode, kilde):
            assert tekst.replace("&", "&amp;") in html, tekst


def overskrifter(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", indhold).strip()
        for _, indhold in re.findall(r"<h([1-4])[^>]*>(.*?)</h\1>", html, flags=re.S)
    ]


LBF_RAEKKEFOELGE = [
    "Delaftale for indsatsområdet Beskæftigelse",
    "Delaftalens parter",
    "Delmål og indikatorer for indsatsområdet",
    "Aktiviteter",
    "Medarbejderressourcer for indsatsområdet",
    "Sammenhæng med den kommunale indsats i boligområdet",
    "Revision af delaftalen",
    "Aktivitetsskemaer",
    "Aktivitetsnavn: Vejen til beskæftigelse – Aktivitetsparate over 30",
    "Formål",
    "Målgruppe(r)",
    "Indhold og praksis",
    "Ansvars- og rollefordeling",
]


def test_page_sections_follow_the_lbf_template_order(client, vejle):
    html = _tekst(client.get(VEJLE_URL))
    fundne = overskrifter(html)
    assert [o for o in fundne if o in LBF_RAEKKEFOELGE][: len(LBF_RAEKKEFOELGE)] == LBF_RAEKKEFOELGE
    assert fundne[-5:] == [
        "Aktivitetsnavn: Tjansen",
        "Formål",
        "Målgruppe(r)",
        "Indhold og praksis",
        "Ansvars- og rollefordeling",
    ]
    forside = html[: html.index("Delaftalens parter")]
    assert "Vejle_21_25" in forside and "01.12.2021–30.11.2025" in forside
    assert "Daniel Bomholt – arbejdsmarkedschef" in html


def test_rich_text_keeps_paragraphs_and_lists(client, vejle):
    html = client.get(VEJLE_URL).content.decode()
    assert "<li>Mindspring for flygtningekvinder</li>" in html
    assert "<p>Formålet med indsatsen er at sikre arbejdskraft" in html


def test_each_delmaal_and_indikator_reads_once_spanning_its_rows(vejle):
    visning = byg_visning(hent_udkast(vejle))
    spans = [(r.delmaal_rowspan, r.indikator_rowspan) for r in visning.raekker]
    assert len(spans) == 17
    assert [s for s, _ in spans if s] == [12, 4, 1]
    assert [s for _, s in spans if s] == [4, 4, 4, 4, 1]


def test_table_renders_rowspans(client, vejle):
    html = _tabel(client.get(VEJLE_URL).content.decode())
    assert html.count('rowspan="12"') == 1
    assert html.count("Nedbringe andelen af beboere der står uden for arbejdsmarkedet") == 1
    assert html.count("Andel offentligt forsørgede fuldtidspersoner, 18-29 år") == 1


def test_filter_by_boligomraade_shows_only_that_area(client, vejle):
    noerremarken = Boligomraade.objects.get(navn="Nørremarken")
    html = _tekst(client.get(VEJLE_URL, {"boligomraade": noerremarken.pk}))
    tabel = html[html.index(TABEL) :]
    tabel = tabel[: tabel.index("</table>")]
    assert "11,3 %" in tabel and "4,7 %" in tabel
    assert "16,8 %" not in tabel and "Vestbyen" not in tabel
    # Counted together for Nørremarken and Løget: it concerns Nørremarken too.
    assert "Opgjort samlet for Nørremarken og Løget Høj" in tabel


def test_filter_with_a_bad_value_explains_in_danish_and_shows_all(client, vejle):
    response = client.get(VEJLE_URL, {"boligomraade": "hej"})
    assert response.status_code == 200
    html = _tekst(response)
    assert "Vælg et boligområde fra listen." in html
    assert "16,8 %" in html and "11,3 %" in html


def test_csv_download_is_danish_and_complete(client, vejle):
    response = client.get("/vejle-21-25/beskaeftigelse/indikatorer.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert (
        'filename="Indikatorer_Beskaeftigelse_Vejle_21_25.csv"' in response["Content-Disposition"]
    )
    tekst = response.content.decode("utf-8-sig")
    raekker = list(csv.reader(io.StringIO(tekst), delimiter=";"))
    assert raekker[0][:4] == ["Delmål", "Indikator", "Boligområde/målgruppe", "Baseline"]
    assert len(raekker) == 1 + 17
    vestbyen = next(r for r in raekker if r[1].endswith("18-29 år") and r[2] == "Vestbyen")
    assert vestbyen[3] == "16,8" and vestbyen[0].startswith("Nedbringe")


def test_xlsx_download_holds_numbers_with_their_precision(client, viborg):
    response = client.get("/viborg-25-29/beskaeftigelse/indikatorer.xlsx")
    assert response.status_code == 200
    bog = load_workbook(io.BytesIO(response.content))
    ark = bog.active
    overskrifter = [c.value for c in ark[1]]
    raekker = [dict(zip(overskrifter, (c.value for c in r), strict=True)) for r in ark.iter_rows(2)]
    assert len(raekker) == 19
    ringparken = next(
        r
        for r in raekker
        if r["Boligområde/målgruppe"] == "Ringparken" and "beskæftigelse" in r["Indikator"]
    )
    assert ringparken["Baseline"] == pytest.approx(56.2)
    celle = next(c for c in ark["D"] if c.value == ringparken["Baseline"])
    assert celle.number_format == "0.00"
    assert sum(1 for r in raekker if r["Data kommer"] == "Ja") == 2


def test_filtered_download_contains_only_that_area(client, vejle):
    vestbyen = Boligomraade.objects.get(navn="Vestbyen")
    response = client.get(
        "/vejle-21-25/beskaeftigelse/indikatorer.csv", {"boligomraade": vestbyen.pk}
    )
    raekker = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert {r[2] for r in raekker[1:]} == {"Vestbyen"}
    assert "Vestbyen" in response["Content-Disposition"].replace("vestbyen", "Vestbyen")


def test_exports_never_carry_live_formulas(client, db):
    baseline = BaselineFactory(indikator__navn='=HYPERLINK("http://ond.example","klik")')
    publicer(baseline.indikator.delmaal.delaftale)
    plan = baseline.indikator.delmaal.delaftale.helhedsplan
    base = f"/{plan.slug}/beskaeftigelse/indikatorer"
    tekst = client.get(base + ".csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in tekst
    ark = load_workbook(io.BytesIO(client.get(base + ".xlsx").content)).active
    celle = ark["B2"]
    assert celle.data_type == "s" and celle.value.startswith("'=")


def test_page_runs_a_constant_number_of_queries(client, vejle, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        client.get(VEJLE_URL)
    delmaal = vejle.delmaal.first()
    for nr in range(10):
        indikator = IndikatorFactory(delmaal=delmaal)
        for _ in range(3):
            BaselineFactory(
                indikator=indikator,
                boligomraade=BoligomraadeFactory(helhedsplan=vejle.helhedsplan),
            )
        AktivitetFactory(delaftale=vejle, navn=f"Ekstra aktivitet {nr}")
    publicer(vejle)
    with django_assert_max_num_queries(10):
        response = client.get(VEJLE_URL)
    assert "Ekstra aktivitet 9" in response.content.decode()


def _pdf_tekst(client) -> str:
    svar = client.get("/vejle-21-25/beskaeftigelse.pdf")
    assert svar.status_code == 200
    sider = PdfReader(io.BytesIO(svar.content)).pages
    return re.sub(r"\s+", " ", " ".join(s.extract_text() for s in sider).replace(NBSP, " "))


def test_an_admin_edit_shows_on_the_page_and_in_the_pdf_once_published(
    client, sekretariat_bruger, vejle
):
    assert "16,8 %" in _tekst(client.get(VEJLE_URL))
    assert "Vestbyen 16,8 %" in _pdf_tekst(client)  # now frozen in version 1
    baseline = Baseline.objects.get(
        indikator__navn__endswith="18-29 år", boligomraade__navn="Vestbyen"
    )
    client.force_login(sekretariat_bruger)
    url = admin_url(Indikator, "change", baseline.indikator_id)
    formular = Formular(client.get(url))
    felt = next(n for n, v in formular.data.items() if n.endswith("-vaerdi") and v == ["16,8"])
    formular.saet(**{felt: "14,25"})
    assert client.post(url, formular.data).status_code == 302
    client.logout()

    assert "16,8 %" in _tekst(client.get(VEJLE_URL)), "a draft is not public"
    assert "Vestbyen 16,8 %" in _pdf_tekst(client)
    publicer(vejle)
    html = _tekst(client.get(VEJLE_URL))
    assert "14,25 %" in html
    assert "16,8 %" not in html
    pdf = _pdf_tekst(client)
    assert "Vestbyen 14,25 %" in pdf
    assert "16,8 %" not in pdf


def test_reserved_helhedsplan_slugs_are_refused(db):
    plan = Helhedsplan(
        navn="Admin_21_25",
        slug="admin",
        kommune="X",
        gyldig_fra="2021-01-01",
        gyldig_til="2025-01-01",
    )
    with pytest.raises(ValidationError) as fejl:
        plan.full_clean()
    assert "bruges allerede af systemet" in str(fejl.value.message_dict["slug"])


def _fingeraftryk() -> str:
    return byg_visning(
        hent_udkast(Delaftale.objects.get(helhedsplan__slug="vejle-21-25"))
    ).fingeraftryk()


def test_content_fingerprint_changes_with_every_kind_of_edit(vejle):
    """The cached PDF is keyed by it, so each of these must give a new key."""
    foer = _fingeraftryk()
    assert _fingeraftryk() == foer

    baseline = Baseline.objects.filter(indikator__delmaal__delaftale=vejle).first()
    Baseline.objects.filter(pk=baseline.pk).update(vaerdi=Decimal("1.5"))
    efter_update = _fingeraftryk()
    assert efter_update != foer

    delmaal = list(vejle.delmaal.all())
    for nr, d in enumerate(reversed(delmaal)):
        d.raekkefoelge = nr
    type(delmaal[0]).objects.bulk_update(delmaal, ["raekkefoelge"])
    efter_orden = _fingeraftryk()
    assert efter_orden != efter_update

    aktivitet = vejle.aktiviteter.first()
    aktivitet.delmaal.clear()
    efter_m2m = _fingeraftryk()
    assert efter_m2m != efter_orden

    Helhedsplan.objects.filter(pk=vejle.helhedsplan_id).update(kommune="Vejle Kommune (ny)")
    assert _fingeraftryk() != efter_m2m


def test_error_pages_are_danish_and_reveal_nothing(client, bestyrelse_client, db):
    svar = client.get("/findes-ikke/")
    assert svar.status_code == 404
    html = svar.content.decode()
    assert "Siden findes ikke" in html and "Traceback" not in html and "urlpatterns" not in html

    svar = bestyrelse_client.get("/admin/delaftaler/indsatsomraade/add/")
    assert svar.status_code == 403


def test_a_form_without_csrf_token_gets_a_danish_refusal(db):
    from django.test import Client

    klient = Client(enforce_csrf_checks=True)
    svar = klient.post("/admin/login/", {"username": "x", "password": "y"})
    assert svar.status_code == 403
    assert "Formularen kunne ikke sendes" in svar.content.decode()


def test_the_page_links_approved_follow_ups_only_for_the_public(
    client, vejle, sekretariat_bruger, bestyrelse_bruger
):
    from delaftaler.opfoelgning.services import (
        opfoelgning_godkend,
        opfoelgning_opret,
        opfoelgning_send,
    )

    godkendt = opfoelgning_opret(delaftale=vejle, aar=2022, bruger=sekretariat_bruger)
    opfoelgning_opret(delaftale=vejle, aar=2023, bruger=sekretariat_bruger)
    opfoelgning_send(opfoelgning=godkendt, bruger=sekretariat_bruger)
    opfoelgning_godkend(
        opfoelgning=godkendt, bruger=bestyrelse_bruger, render_pdf=lambda o: b"%PDF"
    )

    html = client.get(VEJLE_URL).content.decode()
    assert 'href="/vejle-21-25/beskaeftigelse/opfoelgning/2022/"' in html
    assert "/opfoelgning/2023/" not in html
    client.force_login(sekretariat_bruger)
    assert "/opfoelgning/2023/" in client.get(VEJLE_URL).content.decode()


def test_the_versions_list_offers_history_only_to_the_plans_own_people(client, vejle):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from delaftaler.roller import SEKRETARIAT

    url = "/vejle-21-25/beskaeftigelse/versioner/"
    assert "Version 1" in _tekst(client.get(url))
    assert "/historik/" not in client.get(url).content.decode()

    udefra = get_user_model().objects.create_user("udefra", is_staff=True)
    udefra.groups.add(Group.objects.get(name=SEKRETARIAT))
    client.force_login(udefra)
    assert "/historik/" not in client.get(url).content.decode()

    vejle.helhedsplan.medlemmer.add(udefra)
    assert "/vejle-21-25/beskaeftigelse/historik/" in client.get(url).content.decode()
