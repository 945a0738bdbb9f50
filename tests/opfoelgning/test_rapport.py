"""The yearly follow-up report: the selector's numbers, the page, the charts and the PDF,
the frozen PDF of an approved year, query counts, and who may see which year.

The data are Vejle_21_25's real baselines with follow-ups for 2022–2024, entered the way
the secretariat enters them (indikatorer.maalinger.maalinger_gem) and moved through the
workflow's services (delaftaler.opfoelgning).
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from html import unescape
from unittest.mock import patch

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader
from pypdf.generic import BooleanObject

from aktiviteter.models import AktivitetStatus
from delaftaler.models import Delaftale, Delmaal, DelmaalStatus, GodkendtRapport, Opfoelgning
from delaftaler.opfoelgning.rapport import charts as diagrammer
from delaftaler.opfoelgning.rapport.context import beregn_aendring, hent_rapport
from delaftaler.opfoelgning.rapport.pdf import render_rapport_pdf
from delaftaler.opfoelgning.services import (
    indtastning_gem,
    kommentar_tilfoej,
    opfoelgning_genaaben,
    opfoelgning_godkend,
    opfoelgning_opret,
    opfoelgning_send,
)
from delaftaler.roller import BESTYRELSE, SEKRETARIAT
from delaftaler.visning import pdf as pdf_modul
from indikatorer.maalinger import MaalingInput, maalinger_gem
from indikatorer.models import Baseline, Indikator, Maaling
from indikatorer.tal import fortolk_tal
from tests.chromium import html_errors
from tests.conftest import bruger_med_rolle
from tests.factories import BaselineFactory, BoligomraadeFactory, IndikatorFactory
from tests.offentlig.test_pdf import normaliser, outline, sider, skrifter
from tests.planer import uden_pdf
from tests.test_fixtures import FORSOERGEDE_18_29, FRITIDSJOB, SMAAJOBS

# Vejle, the users and the years are built once for the module (tests/conftest.py).
pytestmark = [pytest.mark.delt_data, pytest.mark.django_db]

P = "/vejle-21-25/beskaeftigelse/opfoelgning/"
FRITIDSJOB_STED = "Opgjort samlet for Nørremarken og Løget Høj"
AAR = (2022, 2023, 2024)
NAESTE_AAR_FRA = "For at omsætte erfaringerne"

# (indikator, sted, periode) -> value ("" = ikke tilgængelig). Baselines (fixture):
# 18-29 år: Nørremarken 11,3 %, Vestbyen 16,8 %, Møllevangen 19,2 %, Løget By 11,2 %,
# comparison 9,6 %, lower is better. Småjobs: Nørremarken 4,7 % (aug. 2021), higher is
# better. Fritidsjob: 47 for the two areas counted together, higher is better.
MAALINGER = {
    2022: [
        (FORSOERGEDE_18_29, "Nørremarken", "2022", "11,9"),
        (FORSOERGEDE_18_29, "Vestbyen", "2022", "16,1"),
        (FRITIDSJOB, FRITIDSJOB_STED, "2022", "49"),
    ],
    2023: [
        (FORSOERGEDE_18_29, "Nørremarken", "2023", "12,4"),
        (FORSOERGEDE_18_29, "Vestbyen", "2023", ""),
        (FRITIDSJOB, FRITIDSJOB_STED, "2023", "50"),
    ],
    2024: [
        (FORSOERGEDE_18_29, "Nørremarken", "2024", "12,7"),
        (FORSOERGEDE_18_29, "Vestbyen", "2024", "14,8"),
        (FORSOERGEDE_18_29, "Møllevangen", "2024", "19,2"),
        (SMAAJOBS, "Nørremarken", "2024-08", "5,1"),
        (FRITIDSJOB, FRITIDSJOB_STED, "2024", "52"),
    ],
}


# ---- Building the data ------------------------------------------------------------------


def raekker(delaftale, liste) -> list[MaalingInput]:
    indikatorer = {i.navn: i for i in Indikator.objects.filter(delmaal__delaftale=delaftale)}
    omraader = {o.navn: o for o in delaftale.helhedsplan.boligomraader.all()}
    ud = []
    for nr, (indikator, sted, periode, vaerdi) in enumerate(liste, start=1):
        ud.append(
            MaalingInput(
                indikator=indikatorer[indikator],
                periode=periode,
                boligomraade=omraader.get(sted),
                maalgruppe="" if sted in omraader else sted,
                vaerdi=fortolk_tal(vaerdi) if vaerdi else None,
                ikke_tilgaengelig=not vaerdi,
                begrundelse="" if vaerdi else "Tallet er diskretioneret",
                datakilde="LBF Beboerdata",
                kilde=f"Række {nr}",
            )
        )
    return ud


def status(opfoelgning, delmaal_tekst: str, status: str, vurdering: str) -> None:
    s = DelmaalStatus(
        opfoelgning=opfoelgning,
        delmaal=Delmaal.objects.get(delaftale=opfoelgning.delaftale, tekst=delmaal_tekst),
        status=status,
        vurdering=vurdering,
    )
    s.full_clean()
    s.save()


DELMAAL_UDENFOR = "Nedbringe andelen af beboere der står uden for arbejdsmarkedet"
DELMAAL_SMAAJOBS = "Øge andelen af udsatte borgere i småjobs"
DELMAAL_FRITIDSJOB = "Flere unge får et fritidsjob"


def _byg_aarene(vejle, sekretariat_bruger) -> dict[int, Opfoelgning]:
    """Drafts for 2022–2024 with measurements, delmål statuses and activity statuses."""
    ud = {}
    for aar in AAR:
        o = opfoelgning_opret(delaftale=vejle, aar=aar, bruger=sekretariat_bruger)
        maalinger_gem(
            opfoelgning=o, raekker=raekker(vejle, MAALINGER[aar]), bruger=sekretariat_bruger
        )
        ud[aar] = o
    o = ud[2024]
    status(o, DELMAAL_UDENFOR, "ikke", "De unge i Nørremarken er gået tilbage.")
    status(o, DELMAAL_SMAAJOBS, "delvist", "Småjobs vokser langsomt.")
    status(o, DELMAAL_FRITIDSJOB, "paa_rette_vej", "Flere unge har fået fritidsjob.")
    aktivitet = vejle.aktiviteter.get(navn="Tjansen")
    AktivitetStatus.objects.create(
        opfoelgning=o,
        aktivitet=aktivitet,
        udfoert="<p>Tjansen formidlede fritidsjob til <strong>52 unge</strong>.</p>",
        antal_naaet=52,
        justeringer="<p>Flere virksomheder i Løget By.</p>",
        fokus_naeste_aar=f"<p>{NAESTE_AAR_FRA} til ordinære job.</p>",
    )
    return ud


@pytest.fixture(scope="module")
def _modulets_aar(_vejle_i_modulet, modul_db, django_db_blocker) -> dict[int, int]:
    """The users and the three years, built once for the module (``delt_data``): each test
    changes them only inside its own savepoint. The same data in every test also gives the
    same report HTML, so the module renders each PDF once (``genbrugt_pdf``)."""
    with django_db_blocker.unblock():
        vejle = Delaftale.objects.get(pk=_vejle_i_modulet)
        bruger_med_rolle("bestyrelse", BESTYRELSE)
        sekretariat = bruger_med_rolle("sekretariat", SEKRETARIAT)
        return {aar: o.pk for aar, o in _byg_aarene(vejle, sekretariat).items()}


@pytest.fixture
def sekretariat_bruger(_modulets_aar, db):
    return get_user_model().objects.get(username="sekretariat")


@pytest.fixture
def bestyrelse_bruger(_modulets_aar, db):
    return get_user_model().objects.get(username="bestyrelse")


@pytest.fixture
def aarene(_modulets_aar, vejle) -> dict[int, Opfoelgning]:
    """Fresh instances each test, so no test sees what another changed in memory."""
    return {aar: Opfoelgning.objects.get(pk=pk) for aar, pk in _modulets_aar.items()}


def send(o, sekretariat_bruger):
    return opfoelgning_send(opfoelgning=o, bruger=sekretariat_bruger)


def godkend(o, bestyrelse_bruger):
    return opfoelgning_godkend(
        opfoelgning=o, bruger=bestyrelse_bruger, render_pdf=render_rapport_pdf
    )


def indikator_rapport(visning, navn):
    return next(i for i in visning.indikatorer if i.indikator.navn == navn)


def raekke(ir, sted):
    return next(r for r in ir.raekker if r.sted == sted)


def nbsp(tekst: str) -> str:
    return tekst.replace("\u00a0", " ")


# ---- The selector's numbers ---------------------------------------------------------------


def test_the_report_shows_each_years_value_and_the_change_since_baseline(aarene):
    v = hent_rapport(aarene[2024])
    assert v.aar == [2022, 2023, 2024]

    unge = indikator_rapport(v, FORSOERGEDE_18_29)
    assert [r.sted for r in unge.raekker] == ["Nørremarken", "Vestbyen", "Møllevangen", "Løget By"]
    noerremarken = raekke(unge, "Nørremarken")
    assert [nbsp(x.tekst) for x in noerremarken.vaerdier] == ["11,9 %", "12,4 %", "12,7 %"]
    # 12,7 − 11,3 = +1,4 percentage points; lower is better, so it is a worsening.
    assert nbsp(noerremarken.aendring.tekst) == "+1,4 procentpoint"
    assert noerremarken.aendring.forskel == Decimal("1.4")
    assert noerremarken.aendring.vurdering_tekst == "Forværring"

    vestbyen = raekke(unge, "Vestbyen")
    assert [nbsp(x.tekst) for x in vestbyen.vaerdier] == ["16,1 %", "Ikke tilgængelig", "14,8 %"]
    assert vestbyen.vaerdier[1].maaling.begrundelse == "Tallet er diskretioneret"
    # 14,8 − 16,8: the Danish minus sign, and a fall is good here.
    assert nbsp(vestbyen.aendring.tekst) == "\u22122,0 procentpoint"
    assert vestbyen.aendring.vurdering_tekst == "Forbedring"

    moellevangen = raekke(unge, "Møllevangen")
    assert [x.maaling for x in moellevangen.vaerdier[:2]] == [None, None]
    assert nbsp(moellevangen.aendring.tekst) == "0,0 procentpoint"
    assert moellevangen.aendring.vurdering_tekst == "Uændret"

    loeget = raekke(unge, "Løget By")
    assert all(x.maaling is None for x in loeget.vaerdier)
    assert loeget.aendring is None
    assert nbsp(loeget.baseline.sammenligning_tekst) == "9,6 %"
    assert [(nbsp(t), label) for t, label in unge.sammenligninger] == [("9,6 %", "")]

    # Higher is better: a rise in small jobs is an improvement. The month-level
    # measurement counts for its year and says which month it is.
    smaajobs = raekke(indikator_rapport(v, SMAAJOBS), "Nørremarken")
    assert nbsp(smaajobs.denne.tekst) == "5,1 %"
    assert smaajobs.denne.anden_periode == "aug. 2024"
    assert nbsp(smaajobs.aendring.tekst) == "+0,4 procentpoint"
    assert smaajobs.aendring.vurdering_tekst == "Forbedring"

    # A count: the change is in the unit, not in percentage points.
    fritidsjob = raekke(indikator_rapport(v, FRITIDSJOB), FRITIDSJOB_STED)
    assert [x.tekst for x in fritidsjob.vaerdier] == ["49", "50", "52"]
    assert fritidsjob.aendring.tekst == "+5"
    assert fritidsjob.aendring.vurdering_tekst == "Forbedring"


def test_an_earlier_years_report_stops_at_that_year(aarene):
    v = hent_rapport(aarene[2023])
    assert v.aar == [2022, 2023]
    noerremarken = raekke(indikator_rapport(v, FORSOERGEDE_18_29), "Nørremarken")
    assert [nbsp(x.tekst) for x in noerremarken.vaerdier] == ["11,9 %", "12,4 %"]
    assert nbsp(noerremarken.aendring.tekst) == "+1,1 procentpoint"
    # 2023's value is not available: no change can be computed for Vestbyen.
    assert raekke(indikator_rapport(v, FORSOERGEDE_18_29), "Vestbyen").aendring is None


@pytest.mark.parametrize(
    ("enhed", "retning", "baseline", "vaerdi", "tekst", "vurdering"),
    [
        ("procent", "lavere", "11,3", "12,7", "+1,4 procentpoint", "vaerre"),
        ("procent", "lavere", "16,8", "14,8", "\u22122,0 procentpoint", "bedre"),
        ("procent", "hoejere", "56,20", "57,1", "+0,90 procentpoint", "bedre"),
        ("procent", "hoejere", "60,87", "59", "\u22121,87 procentpoint", "vaerre"),
        ("procent", "hoejere", "50", "50", "0 procentpoint", "uaendret"),
        ("antal", "hoejere", "47", "52", "+5", "bedre"),
        ("antal", "lavere", "47", "52", "+5", "vaerre"),
        ("antal", "hoejere", "1200", "1000", "\u2212200", "vaerre"),
    ],
)
def test_the_change_is_in_percentage_points_or_count_and_judged_by_direction(
    enhed, retning, baseline, vaerdi, tekst, vurdering
):
    indikator = Indikator(navn="x", enhed=enhed, retning=retning)
    b, m = fortolk_tal(baseline), fortolk_tal(vaerdi)
    aendring = beregn_aendring(
        indikator, b, -min(0, b.as_tuple().exponent), m, -min(0, m.as_tuple().exponent)
    )
    assert nbsp(aendring.tekst) == tekst
    assert aendring.vurdering == vurdering


def test_each_column_of_an_indicator_shows_one_number_of_decimals(
    vejle, sekretariat_bruger, sekretariat_client
):
    """»38,5 % / 39 % / 29,1 %« in one column reads »38,5 % / 39,0 % / 29,1 %«; what is
    stored keeps the decimals it was given. A delaftale without the module's years."""
    Maaling.objects.filter(opfoelgning__delaftale=vejle).delete()
    Opfoelgning.objects.filter(delaftale=vejle).delete()
    Baseline.objects.filter(
        indikator__navn=FORSOERGEDE_18_29, boligomraade__navn="Vestbyen"
    ).update(vaerdi=Decimal("16.80"), vaerdi_decimaler=2)
    o = opfoelgning_opret(delaftale=vejle, aar=2024, bruger=sekretariat_bruger)
    liste = [
        (FORSOERGEDE_18_29, "Nørremarken", "2024", "38,5"),
        (FORSOERGEDE_18_29, "Vestbyen", "2024", "39"),
        (FORSOERGEDE_18_29, "Møllevangen", "2024", "29,1"),
    ]
    maalinger_gem(opfoelgning=o, raekker=raekker(vejle, liste), bruger=sekretariat_bruger)

    html = nbsp(unescape(sekretariat_client.get(P + "2024/").content.decode()))

    tabel = html[html.index(f'<caption class="sr-only">{FORSOERGEDE_18_29}') :]
    tabel = tabel[: tabel.index("</table>")]
    tal = re.findall(r'<td class="(baseline|vaerdi|aendring)"><span class="tal">([^<]*)<', tabel)
    assert tal == [
        ("baseline", "11,30 %"),
        ("vaerdi", "38,5 %"),
        ("aendring", "+27,20 procentpoint"),
        ("baseline", "16,80 %"),
        ("vaerdi", "39,0 %"),
        ("aendring", "+22,20 procentpoint"),
        ("baseline", "19,20 %"),
        ("vaerdi", "29,1 %"),
        ("aendring", "+9,90 procentpoint"),
        ("baseline", "11,20 %"),
    ]
    vestbyen = Maaling.objects.get(boligomraade__navn="Vestbyen")
    assert (vestbyen.vaerdi, vestbyen.vaerdi_decimaler) == (Decimal("39"), 0)


def test_the_summary_has_each_delmaal_with_its_status_or_ikke_vurderet(aarene):
    v = hent_rapport(aarene[2023])
    assert [d.status_tekst for d in v.delmaal] == ["Ikke vurderet"] * 3
    v = hent_rapport(aarene[2024])
    assert [(d.delmaal.tekst, d.status_tekst) for d in v.delmaal] == [
        (DELMAAL_UDENFOR, "Ikke på rette vej"),
        (DELMAAL_SMAAJOBS, "Delvist på rette vej"),
        (DELMAAL_FRITIDSJOB, "På rette vej"),
    ]


def test_the_fingerprint_changes_with_every_shown_value(aarene, sekretariat_bruger):
    foer = hent_rapport(aarene[2024]).fingeraftryk()
    assert hent_rapport(aarene[2024]).fingeraftryk() == foer
    # A value in an earlier year that the 2024 report shows ...
    Maaling.objects.filter(opfoelgning=aarene[2022], boligomraade__navn="Vestbyen").update(
        vaerdi=Decimal("16.2")
    )
    efter = hent_rapport(aarene[2024]).fingeraftryk()
    assert efter != foer
    # ... and an area renamed.
    aarene[2024].delaftale.helhedsplan.boligomraader.filter(navn="Vestbyen").update(
        navn="Vestbyen Syd"
    )
    assert hent_rapport(aarene[2024]).fingeraftryk() != efter


# ---- The page -------------------------------------------------------------------------------


def tekst_af(html: str) -> str:
    return normaliser(unescape(re.sub(r"<[^>]+>", " ", html)))


def vaerditabel(html: str, indikator: str) -> list[list[str]]:
    """The rows of an indicator's table on the page, as the cells' visible text (the
    page-only screen-reader texts left out)."""
    artikler = re.findall(r'<article class="indikator-rapport".*?</article>', html, re.S)
    artikel = next(a for a in artikler if f">{indikator}</h4>" in a)
    tabel = re.search(r"<tbody>(.*?)</tbody>", artikel, re.S).group(1)
    tabel = re.sub(r'<span class="sr-only">.*?</span>', "", tabel)
    return [
        [tekst_af(celle) for celle in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
        for r in re.findall(r"<tr>(.*?)</tr>", tabel, re.S)
    ]


UNGE_2024 = [
    ["Nørremarken", "11,3 % (2019)", "11,9 %", "12,4 %", "12,7 %", "+1,4 procentpoint Forværring",
     "9,6 %"],
    ["Vestbyen", "16,8 % (2019)", "16,1 %", "Ikke tilgængelig (Tallet er diskretioneret)", "14,8 %",
     "\u22122,0 procentpoint Forbedring", "9,6 %"],
    ["Møllevangen", "19,2 % (2019)", "–", "–", "19,2 %", "0,0 procentpoint Uændret", "9,6 %"],
    ["Løget By", "11,2 % (2019)", "–", "–", "–", "–", "9,6 %"],
]  # fmt: skip
FRITIDSJOB_2024 = [[FRITIDSJOB_STED, "47 (2019)", "49", "50", "52", "+5 Forbedring", "–"]]


def test_the_page_shows_the_summary_markers_with_their_words(aarene, sekretariat_client):
    svar = sekretariat_client.get(P + "2024/")
    assert svar.status_code == 200
    html = svar.content.decode()
    for kode, ord_ in [
        ("ikke", "Ikke på rette vej"),
        ("delvist", "Delvist på rette vej"),
        ("paa_rette_vej", "På rette vej"),
    ]:
        assert f'<span class="status-markoer status-{kode}">{ord_}</span>' in html
    assert "De unge i Nørremarken er gået tilbage." in html
    # A year without assessments says so in words, not by a missing colour.
    html_2023 = sekretariat_client.get(P + "2023/").content.decode()
    assert html_2023.count(
        '<span class="status-markoer status-ikke_vurderet">Ikke vurderet</span>'
    ) == len(aarene[2023].delaftale.delmaal.all())


def test_the_page_shows_each_years_values_the_changes_and_the_comparison(
    aarene, sekretariat_client
):
    html = sekretariat_client.get(P + "2024/").content.decode()
    assert vaerditabel(html, FORSOERGEDE_18_29) == UNGE_2024
    assert vaerditabel(html, FRITIDSJOB) == FRITIDSJOB_2024
    smaajobs = vaerditabel(html, SMAAJOBS)
    assert smaajobs[-1] == [
        "Nørremarken",
        "4,7 % (aug. 2021)",
        "–",
        "–",
        "5,1 % (aug. 2024)",
        "+0,4 procentpoint Forbedring",
        "–",
    ]
    overskrifter = re.findall(r'<th scope="col" class="kolonne-aar">(\d+)</th>', html)
    assert overskrifter[:3] == ["2022", "2023", "2024"]
    # The activity's status, its rich text rendered (sanitised when saved).
    assert "Tjansen formidlede fritidsjob til <strong>52 unge</strong>." in html
    assert NAESTE_AAR_FRA in html
    assert tekst_af(html).count("Der er ingen status for aktiviteten i 2024.") == 4


def test_the_page_is_valid_html(aarene, sekretariat_client, sekretariat_bruger, bestyrelse_bruger):
    kommentar = "Vi vil gerne høre mere om Vestbyen."
    send(aarene[2024], sekretariat_bruger)
    kommentar_tilfoej(opfoelgning=aarene[2024], bruger=bestyrelse_bruger, tekst=kommentar)
    html = sekretariat_client.get(P + "2024/").content.decode()
    assert kommentar in html
    assert html_errors(html) == []


# ---- The charts ------------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def test_the_chart_is_valid_svg_with_its_text_kept_as_text(aarene):
    ir = indikator_rapport(hent_rapport(aarene[2024]), FORSOERGEDE_18_29)
    svg = ir.diagram.svg
    rod = ET.fromstring(svg)
    assert rod.tag == f"{SVG}svg"
    assert rod.get("role") == "img"
    titel, beskrivelse = rod[0], rod[1]
    assert (titel.tag, titel.text) == (f"{SVG}title", ir.alt)
    assert (beskrivelse.tag, beskrivelse.text) == (f"{SVG}desc", ir.resume)
    assert rod.get("aria-labelledby") == f"{titel.get('id')} {beskrivelse.get('id')}"
    tekster = {normaliser("".join(t.itertext())) for t in rod.iter(f"{SVG}text")}
    # Years on the x axis, Danish percentages on the y axis, the areas in the legend.
    assert {"2022", "2023", "2024", "12 %", "Nørremarken", "Løget By"} <= tekster
    assert "Anden baseline: 9,6 %" in tekster
    assert "Lavere er bedre" in tekster
    assert not any("." in t for t in tekster if re.fullmatch(r"[\d.,]+ %", t))
    for t in rod.iter(f"{SVG}text"):
        assert "IBM Plex Sans" in t.get("font-family")
    # Nothing a strict CSP would block inline, nothing fetched, no glyphs as paths.
    for ord_ in ("<style", "style=", "<script", "xlink:", "http://www.w3.org/1999", "<image"):
        assert ord_ not in svg
    assert re.findall(r"https?://[^\"' ]+", svg) == ["http://www.w3.org/2000/svg"]
    assert "DejaVuSans" not in svg
    # Lines told apart by marker and dash, not only by colour.
    assert len({e.get("stroke-dasharray") for e in rod.iter(f"{SVG}path")}) >= 4


@pytest.mark.egen_diagram
def test_identical_data_gives_identical_chart_bytes(aarene):
    foerste = indikator_rapport(hent_rapport(aarene[2024]), FORSOERGEDE_18_29).diagram.svg
    caches["default"].clear()
    with patch("delaftaler.opfoelgning.rapport.charts.tegn_svg", wraps=diagrammer.tegn_svg) as tegn:
        igen = indikator_rapport(hent_rapport(aarene[2024]), FORSOERGEDE_18_29).diagram.svg
    assert tegn.call_count == 1
    assert igen == foerste
    assert "Date" not in foerste and "dc:date" not in foerste

    Maaling.objects.filter(opfoelgning=aarene[2024], boligomraade__navn="Vestbyen").update(
        vaerdi=Decimal("15.3")
    )
    andet = indikator_rapport(hent_rapport(aarene[2024]), FORSOERGEDE_18_29).diagram.svg
    assert andet != foerste


def test_charts_are_cached_by_their_data(aarene, sekretariat_client):
    with patch("delaftaler.opfoelgning.rapport.charts.tegn_svg", wraps=diagrammer.tegn_svg) as tegn:
        foerste = sekretariat_client.get(P + "2024/").content.decode()
        # 18-29 år, småjobs and fritidsjob have values; the other two only baselines.
        assert tegn.call_count == 3
        anden = sekretariat_client.get(P + "2024/").content.decode()
        assert tegn.call_count == 3
    assert foerste.count('<figure class="diagram">') == 3
    # The same page but for the forms' CSRF tokens (the header's »Log ud«).
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", anden) == token.sub("", foerste)
    # On the page the chart is the very same SVG, inline, with its summary sentence.
    ir = indikator_rapport(hent_rapport(aarene[2024]), FORSOERGEDE_18_29)
    assert ir.diagram.svg in foerste
    assert "Fra baseline til 2024 har 1 af 4 boligområder en forbedring" in foerste


# ---- The PDF --------------------------------------------------------------------------------


def hent_pdf(client, aar: int) -> bytes:
    svar = client.get(f"{P}{aar}.pdf")
    assert svar.status_code == 200, svar
    assert svar["Content-Type"] == "application/pdf"
    return svar.content


def laes(indhold: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(indhold))


def pdftekst(indhold: bytes) -> str:
    return normaliser(" ".join(sider(laes(indhold))))


def test_page_and_pdf_show_the_same_values(aarene, sekretariat_client):
    html = sekretariat_client.get(P + "2024/").content.decode()
    pdf = pdftekst(hent_pdf(sekretariat_client, 2024))
    for indikator in (FORSOERGEDE_18_29, SMAAJOBS, FRITIDSJOB):
        for raekke_ in vaerditabel(html, indikator):
            assert " ".join(raekke_) in pdf, raekke_
    for ord_ in ("Ikke på rette vej", "Delvist på rette vej", "På rette vej"):
        assert ord_ in pdf
    assert "Tjansen formidlede fritidsjob til 52 unge." in pdf
    assert "Status Kladde" in pdf


def test_the_pdf_has_title_language_tags_fonts_outline_and_page_numbers(aarene, sekretariat_client):
    reader = laes(hent_pdf(sekretariat_client, 2024))
    assert reader.metadata.title == "Årlig opfølgning 2024: Beskæftigelse – Vejle_21_25"
    katalog = reader.trailer["/Root"]
    assert katalog["/Lang"] == "da"
    assert katalog["/MarkInfo"]["/Marked"] == BooleanObject(True)
    assert "/StructTreeRoot" in katalog

    fonte = skrifter(reader)
    assert fonte
    for navn, font in fonte.items():
        # The charts' text too: a subset of IBM Plex Sans, embedded.
        assert re.fullmatch(r"/[A-Z]{6}\+IBM-Plex-Sans(-[A-Za-z-]+)?", navn), navn
        for d in font.get("/DescendantFonts", [font]):
            beskrivelse = d.get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in beskrivelse or "/FontFile3" in beskrivelse, navn

    n = len(reader.pages)
    for nr, side in enumerate(sider(reader), start=1):
        side = normaliser(side)
        assert f"Side {nr} af {n}" in side
        assert "Vejle_21_25 – Beskæftigelse – Opfølgning 2024" in side
    assert normaliser(sider(reader)[0]).endswith(f"Side 1 af {n}")

    bogmaerker = outline(reader)
    assert [t for niveau, t, _ in bogmaerker if niveau == 1] == [
        "Årlig opfølgning 2024: Beskæftigelse"
    ]
    assert [t for niveau, t, _ in bogmaerker if niveau == 2] == [
        "Sammenfatning",
        "Indikatorer",
        "Aktiviteter",
        "Forløb",
    ]
    delmaal = [d.tekst for d in aarene[2024].delaftale.delmaal.all()]
    aktiviteter = [a.navn for a in aarene[2024].delaftale.aktiviteter.all()]
    assert [t for niveau, t, _ in bogmaerker if niveau == 3] == [
        *(f"Delmål: {d}" for d in delmaal),
        *aktiviteter,
    ]
    assert FORSOERGEDE_18_29 in [t for niveau, t, _ in bogmaerker if niveau == 4]


def test_the_chart_in_the_pdf_is_a_figure_with_alternate_text(aarene, sekretariat_client):
    indhold = hent_pdf(sekretariat_client, 2024)
    ir = indikator_rapport(hent_rapport(aarene[2024]), FORSOERGEDE_18_29)
    figurer = []

    def gaa(element):
        element = element.get_object()
        if element.get("/S") == "/Figure":
            figurer.append(str(element.get("/Alt")))
        for barn in element.get("/K", []) if isinstance(element.get("/K"), list) else []:
            if hasattr(barn, "get_object") and hasattr(barn.get_object(), "get"):
                gaa(barn)

    gaa(laes(indhold).trailer["/Root"]["/StructTreeRoot"])
    assert ir.alt in figurer
    assert len(figurer) == 3
    tekst = pdftekst(indhold)
    assert "Anden baseline: 9,6 %" in tekst  # the chart's text is text in the PDF too
    assert normaliser(ir.resume) in tekst


def test_the_pdf_is_cached_by_content(aarene, sekretariat_client, sekretariat_bruger):
    with patch("delaftaler.visning.pdf.render_pdf", wraps=pdf_modul.render_pdf) as render:
        foerste = hent_pdf(sekretariat_client, 2024)
        assert hent_pdf(sekretariat_client, 2024) == foerste
        assert render.call_count == 1
        maalinger_gem(
            opfoelgning=aarene[2022],
            raekker=raekker(aarene[2022].delaftale, [(FRITIDSJOB, FRITIDSJOB_STED, "2022", "48")]),
            bruger=sekretariat_bruger,
        )
        ny = hent_pdf(sekretariat_client, 2024)
        assert render.call_count == 2
    assert "47 (2019) 48 50 52 +5 Forbedring" in pdftekst(ny)


# ---- Approval freezes the PDF; a correction reopens it visibly ---------------------------


def test_an_approved_years_pdf_never_changes(aarene, client, sekretariat_bruger, bestyrelse_bruger):
    send(aarene[2024], sekretariat_bruger)
    godkendt = godkend(aarene[2024], bestyrelse_bruger)
    frosset = bytes(godkendt.pdf)
    tekst = pdftekst(frosset)
    assert "Godkendt af bestyrelsen" in tekst
    assert f"af {bestyrelse_bruger.get_username()}" in tekst
    assert "Nørremarken 11,3 % (2019) 11,9 % 12,4 % 12,7 %" in tekst

    svar = client.get(f"{P}2024.pdf")  # anonymous: an approved year is public
    assert svar.status_code == 200
    assert svar.content == frosset
    assert svar["ETag"] == f'"{godkendt.sha256}"'
    assert svar["Content-Disposition"] == (
        'inline; filename="Opfoelgning_2024_Beskaeftigelse_Vejle_21_25.pdf"'
    )

    # A value in another (draft) year that the 2024 report shows, a baseline and a
    # delmål of the delaftale: page and PDF stay as approved.
    maalinger_gem(
        opfoelgning=aarene[2022],
        raekker=raekker(aarene[2022].delaftale, [(FORSOERGEDE_18_29, "Nørremarken", "2022", "13")]),
        bruger=sekretariat_bruger,
    )
    baseline = Baseline.objects.get(
        indikator__navn=FORSOERGEDE_18_29, boligomraade__navn="Nørremarken"
    )
    baseline.vaerdi = Decimal("10.9")
    baseline.save()
    Delmaal.objects.filter(tekst=DELMAAL_FRITIDSJOB).update(tekst="Flere unge i fritidsjob")
    with patch("delaftaler.visning.pdf.render_pdf", side_effect=AssertionError("genrenderet")):
        efter = client.get(f"{P}2024.pdf")
    assert efter.content == frosset
    assert bytes(GodkendtRapport.objects.get(pk=godkendt.pk).pdf) == frosset
    side = tekst_af(client.get(f"{P}2024/").content.decode())
    assert "Nørremarken 11,3 % (2019) 11,9 % 12,4 % 12,7 %" in side
    assert "10,9 %" not in side and "13 %" not in side and "13,0 %" not in side
    assert DELMAAL_FRITIDSJOB in side
    assert "med de samme tal som den godkendte PDF" in side

    # A conditional request for the approved PDF costs no body.
    igen = client.get(f"{P}2024.pdf", headers={"if-none-match": svar["ETag"]})
    assert igen.status_code == 304


def test_reopening_shows_visibly_and_a_corrected_year_is_approved_anew(
    aarene, sekretariat_client, sekretariat_bruger, bestyrelse_bruger
):
    anonym = Client()
    send(aarene[2024], sekretariat_bruger)
    foerste = godkend(aarene[2024], bestyrelse_bruger)
    begrundelse = "Vestbyens tal for 2024 var fra en forkert kørsel."
    opfoelgning_genaaben(
        opfoelgning=aarene[2024], bruger=sekretariat_bruger, begrundelse=begrundelse
    )
    # A reopened year is a draft again: the public no longer sees it, the secretariat
    # sees the reason at the top of page and PDF.
    assert anonym.get(f"{P}2024/").status_code == 404
    html = sekretariat_client.get(P + "2024/").content.decode()
    dato = re.search(r"Genåbnet (\d\d\.\d\d\.\d{4}): ", unescape(html)).group(1)
    assert f"Genåbnet {dato}: {begrundelse}" in unescape(html)
    assert "Den tidligere godkendte rapport fra" in unescape(html)
    kladde = pdftekst(hent_pdf(sekretariat_client, 2024))
    assert f"Genåbnet {dato}: {begrundelse}" in kladde
    assert "Status Kladde" in kladde

    maalinger_gem(
        opfoelgning=aarene[2024],
        raekker=raekker(aarene[2024].delaftale, [(FORSOERGEDE_18_29, "Vestbyen", "2024", "15,1")]),
        bruger=sekretariat_bruger,
    )
    send(aarene[2024], sekretariat_bruger)
    anden = godkend(aarene[2024], bestyrelse_bruger)
    assert anden.version == 2

    svar = anonym.get(f"{P}2024.pdf")
    assert svar.content == bytes(anden.pdf)
    ny = pdftekst(svar.content)
    assert "Vestbyen 16,8 % (2019) 16,1 % Ikke tilgængelig (Tallet er diskretioneret) 15,1 %" in ny
    assert "\u22121,7 procentpoint Forbedring" in ny
    assert f"Genåbnet {dato}: {begrundelse}" in ny
    assert "Godkendt af bestyrelsen" in ny
    # The first approval's PDF is kept as it was.
    gammel = GodkendtRapport.objects.get(pk=foerste.pk)
    assert bytes(gammel.pdf) == bytes(foerste.pdf)
    assert "14,8 %" in pdftekst(bytes(gammel.pdf))
    assert "Genåbnet" not in pdftekst(bytes(gammel.pdf))


def test_an_approved_years_page_shows_no_indicator_added_to_the_delaftale_later(
    aarene, client, sekretariat_bruger, bestyrelse_bruger
):
    send(aarene[2024], sekretariat_bruger)
    godkendt = godkend(aarene[2024], bestyrelse_bruger)
    ny = IndikatorFactory(
        delmaal=Delmaal.objects.get(delaftale=aarene[2024].delaftale, tekst=DELMAAL_SMAAJOBS),
        navn="Ny indikator efter godkendelsen",
    )
    BaselineFactory(indikator=ny)
    side = tekst_af(client.get(f"{P}2024/").content.decode())
    assert "Ny indikator efter godkendelsen" not in side
    assert "Ny indikator efter godkendelsen" not in pdftekst(bytes(godkendt.pdf))
    # Page and frozen PDF show the same numbers, row for row.
    pdf = pdftekst(bytes(godkendt.pdf))
    for linje in (
        "Nørremarken 11,3 % (2019) 11,9 % 12,4 % 12,7 %",
        "Vestbyen 16,8 % (2019) 16,1 % Ikke tilgængelig",
        "47 (2019) 49 50 52 +5 Forbedring",
    ):
        assert linje in side and linje in pdf


def test_the_board_sees_the_report_as_it_was_sent(
    aarene, bestyrelse_client, sekretariat_bruger, bestyrelse_bruger
):
    send(aarene[2024], sekretariat_bruger)
    baseline = Baseline.objects.get(
        indikator__navn=FORSOERGEDE_18_29, boligomraade__navn="Nørremarken"
    )
    baseline.vaerdi = Decimal("10.9")
    baseline.save()
    maalinger_gem(
        opfoelgning=aarene[2023],
        raekker=raekker(aarene[2023].delaftale, [(FORSOERGEDE_18_29, "Nørremarken", "2023", "13")]),
        bruger=sekretariat_bruger,
    )
    side = tekst_af(bestyrelse_client.get(f"{P}2024/").content.decode())
    assert "Nørremarken 11,3 % (2019) 11,9 % 12,4 % 12,7 %" in side
    # What the board approves is what it saw.
    pdf = pdftekst(bytes(godkend(aarene[2024], bestyrelse_bruger).pdf))
    assert "Nørremarken 11,3 % (2019) 11,9 % 12,4 % 12,7 %" in pdf


def test_a_sent_years_numbers_cannot_change_until_taken_back(aarene, sekretariat_bruger):
    send(aarene[2024], sekretariat_bruger)
    with pytest.raises(ValidationError, match="tager den tilbage med en begrundelse"):
        maalinger_gem_via_gitter(aarene[2024], sekretariat_bruger)
    opfoelgning_genaaben(
        opfoelgning=aarene[2024], bruger=sekretariat_bruger, begrundelse="Vestbyen mangler."
    )
    maalinger_gem_via_gitter(aarene[2024], sekretariat_bruger)
    v = hent_rapport(aarene[2024])
    assert not v.er_frosset
    assert [g.begrundelse for g in v.genaabninger] == ["Vestbyen mangler."]
    assert raekke(indikator_rapport(v, FORSOERGEDE_18_29), "Vestbyen").denne.tekst == "15,1\u00a0%"


def maalinger_gem_via_gitter(opfoelgning, bruger):
    """Vestbyen's 2024 value saved as the grid saves it, from a page showing today's value."""
    vist = Maaling.objects.filter(
        opfoelgning=opfoelgning,
        indikator__navn=FORSOERGEDE_18_29,
        boligomraade__navn="Vestbyen",
        periode="2024",
    ).first()
    afvist = indtastning_gem(
        opfoelgning=opfoelgning,
        raekker=raekker(opfoelgning.delaftale, [(FORSOERGEDE_18_29, "Vestbyen", "2024", "15,1")]),
        erstattede=[],
        delmaal_status=[],
        aktivitet_status=[],
        laest={"Række 1": vist},
        bruger=bruger,
    )
    assert not afvist.raekker


# ---- Queries ----------------------------------------------------------------------------------

# hent_rapport(): the follow-up (+ delaftale, helhedsplan, indsatsområde), delmål,
# indikatorer, baselines (+ boligområde), the areas a total is summed from, aktiviteter,
# the years up to this one, their målinger (+ boligområde), delmål statuses, activity
# statuses, comments (+ user), events (+ user).
RAPPORT_QUERIES = 12
# The views add: session, user, the user's and the groups' permissions (for
# synlige_for), and the follow-up's lookup.
SIDE_QUERIES = 5 + RAPPORT_QUERIES


def mere_data(vejle, aarene, sekretariat_bruger):
    """One more year, four more indicators in six new areas with values in every year,
    and statuses and comments, so every list the report shows grows."""
    aarene[2021] = opfoelgning_opret(delaftale=vejle, aar=2021, bruger=sekretariat_bruger)
    delmaal = list(vejle.delmaal.all())
    omraader = [BoligomraadeFactory(helhedsplan=vejle.helhedsplan) for _ in range(6)]
    for nr in range(4):
        indikator = IndikatorFactory(delmaal=delmaal[nr % len(delmaal)])
        for omraade in omraader:
            BaselineFactory(indikator=indikator, boligomraade=omraade)
        for aar, o in aarene.items():
            maalinger_gem(
                opfoelgning=o,
                raekker=[
                    MaalingInput(
                        indikator=indikator,
                        boligomraade=omraade,
                        periode=str(aar),
                        vaerdi=Decimal(f"{10 + nr}.{aar % 10}"),
                        kilde=f"{omraade} {aar}",
                    )
                    for omraade in omraader
                ],
                bruger=sekretariat_bruger,
            )
    for aktivitet in vejle.aktiviteter.all():
        AktivitetStatus.objects.get_or_create(
            opfoelgning=aarene[2024], aktivitet=aktivitet, defaults={"udfoert": "<p>Gjort.</p>"}
        )


def test_the_report_runs_a_constant_number_of_queries(
    aarene, vejle, sekretariat_client, sekretariat_bruger, django_assert_num_queries
):
    with django_assert_num_queries(RAPPORT_QUERIES):
        lille = hent_rapport(aarene[2024])
        lille.fingeraftryk()
        [r.aendring for i in lille.indikatorer for r in i.raekker]
    with django_assert_num_queries(SIDE_QUERIES):
        assert sekretariat_client.get(P + "2024/").status_code == 200
    with django_assert_num_queries(SIDE_QUERIES):
        hent_pdf(sekretariat_client, 2024)

    mere_data(vejle, aarene, sekretariat_bruger)

    with django_assert_num_queries(RAPPORT_QUERIES):
        stor = hent_rapport(aarene[2024])
        stor.fingeraftryk()
    assert len(stor.aar) == 4
    assert len(stor.indikatorer) == len(lille.indikatorer) + 4
    with CaptureQueriesContext(connection) as side:
        html = sekretariat_client.get(P + "2024/").content.decode()
    with CaptureQueriesContext(connection) as pdf:
        indhold = hent_pdf(sekretariat_client, 2024)
    assert len(side) == len(pdf) == SIDE_QUERIES
    assert html.count('<figure class="diagram">') == 3 + 4
    # The new year stands in the PDF: read page by page until found, as this long PDF's
    # text takes a second to extract in full.
    assert any("2021" in normaliser(side.extract_text()) for side in laes(indhold).pages)


@pytest.fixture
def uden_weasyprint(settings, monkeypatch):
    """For tests of who gets which year and of queries, not of what a PDF holds: the
    report's HTML is still built, kept and served by the app's code; only WeasyPrint's
    render (about a second, of a PDF no assertion reads) is left out (tests/planer.py).
    The other tests render the same report in every state they read."""
    uden_pdf(settings, monkeypatch)


@pytest.mark.usefixtures("uden_weasyprint")
def test_an_approved_pdf_is_served_in_few_queries(
    aarene, client, sekretariat_bruger, bestyrelse_bruger, django_assert_num_queries
):
    send(aarene[2024], sekretariat_bruger)
    godkend(aarene[2024], bestyrelse_bruger)
    # The follow-up's lookup and its latest approved PDF; anonymous has no session.
    with django_assert_num_queries(2):
        hent_pdf(client, 2024)


# ---- Who sees which year ------------------------------------------------------------------


@pytest.mark.usefixtures("uden_weasyprint")
def test_anonymous_sees_only_approved_years(aarene, client, sekretariat_bruger, bestyrelse_bruger):
    for url in (f"{P}2023/", f"{P}2023.pdf"):
        assert client.get(url).status_code == 404
    send(aarene[2023], sekretariat_bruger)
    for url in (f"{P}2023/", f"{P}2023.pdf"):
        assert client.get(url).status_code == 404
    godkend(aarene[2023], bestyrelse_bruger)
    assert client.get(f"{P}2023/").status_code == 200
    assert client.get(f"{P}2023.pdf").status_code == 200
    assert client.get(f"{P}2024/").status_code == 404


@pytest.mark.usefixtures("uden_weasyprint")
def test_the_board_sees_a_sent_year_but_not_a_draft(aarene, bestyrelse_client, sekretariat_bruger):
    send(aarene[2024], sekretariat_bruger)
    svar = bestyrelse_client.get(f"{P}2024/")
    assert svar.status_code == 200
    assert "Sendt til bestyrelsen" in svar.content.decode()
    assert bestyrelse_client.get(f"{P}2024.pdf").status_code == 200
    assert bestyrelse_client.get(f"{P}2023/").status_code == 404
    assert bestyrelse_client.get(f"{P}2023.pdf").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        f"{P}1999/",
        f"{P}2030.pdf",
        f"{P}99999999999999999999/",
        f"{P}99999999999999999999.pdf",
        "/viborg-25-29/beskaeftigelse/opfoelgning/2024/",
        "/vejle-21-25/uddannelse/opfoelgning/2024/",
    ],
)
def test_unknown_years_and_places_are_404(aarene, sekretariat_client, url):
    assert sekretariat_client.get(url).status_code == 404


def test_an_empty_adjustments_field_does_not_claim_there_were_none(aarene, sekretariat_client):
    AktivitetStatus.objects.filter(opfoelgning=aarene[2024]).update(justeringer="")
    html = sekretariat_client.get(P + "2024/").content.decode()
    assert "Ingen justeringer" not in html
    assert (
        '<dt>Hvad blev justeret</dt>\n      <dd class="rigtekst"><p>Ikke udfyldt.</p></dd>' in html
    )


@pytest.mark.parametrize(
    ("periode", "x"),
    [("2024-08", 2024 + 7 / 12), ("2023", 2023.0), ("2019", 2021.65), ("", 2021.65)],
)
def test_the_baseline_marker_sits_at_the_baselines_own_time(periode, x):
    """Aug. 2024 is after the first year of 2022–2025, not left of it; an older baseline
    (or one without a period) stays just left of the first year."""
    assert diagrammer._baseline_x(periode, [2022, 2023, 2024, 2025]) == pytest.approx(x)
