"""A delaftale read out of Word: each shape a real document has (tests/word/dokumenter.py)
read back into the fixtures' JSON, what the shape does not say reported as an
usikkerhed, and the result loaded into the database."""

from __future__ import annotations

import copy
import functools
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from aktiviteter.models import Aktivitet
from delaftaler.indlaesning import IndlaesningsFejl, indlaes_delaftale
from delaftaler.models import Boligomraade, Delaftale, Helhedsplan, Version
from delaftaler.word.reading import SEKTIONER, Laesning, laes_docx
from indikatorer.models import Baseline, Indikator
from tests.conftest import VEJLE, VIBORG
from tests.word import dokumenter

MAPPE = Path(__file__).parent
RANDERS = MAPPE / "randers_23_27_uddannelse.json"
LIBREOFFICE = MAPPE / "filer" / "vejle_som_lbf_libreoffice.docx"


def _data(sti: Path) -> dict[str, Any]:
    return json.loads(sti.read_text(encoding="utf-8"))


FIXTURER = {"vejle": VEJLE, "viborg": VIBORG, "randers": RANDERS}


def _byg(form: str, navn: str, data: dict[str, Any] | None = None) -> bytes:
    """The document of ``form`` for ``data``; from the fixture itself when no data is given."""
    if data is None:
        return _bygget_af_fixturen(form, navn)
    if form == "lbf":
        return dokumenter.som_lbf_skabelon(
            data, **(dokumenter.VEJLE_SKADER if navn == "vejle" else {})
        )
    if form == "blandet":
        return dokumenter.blandet(
            data,
            **{
                "vejle": dokumenter.VEJLE_BLANDET,
                "viborg": dokumenter.VIBORG_BLANDET,
                "randers": dokumenter.RANDERS_BLANDET,
            }[navn],
        )
    return dokumenter.som_eksporten(data)


@functools.cache
def _bygget_af_fixturen(form: str, navn: str) -> bytes:
    """Writing a document takes about a second, and many tests read the same unchanged
    fixture: built once a run (bytes: no test can change another's; the builders leave
    their data as it was)."""
    return _byg(form, navn, _data(FIXTURER[navn]))


def forskelle(laest: Any, forventet: Any, sti: str = "") -> list[str]:
    """Where two JSON values differ, each as »path: read ≠ expected«."""
    if isinstance(forventet, dict) and isinstance(laest, dict):
        ud = []
        for noegle in sorted(set(laest) | set(forventet)):
            if noegle not in laest:
                ud.append(f"{sti}.{noegle}: mangler")
            elif noegle not in forventet:
                ud.append(f"{sti}.{noegle}: ekstra {laest[noegle]!r}")
            else:
                ud += forskelle(laest[noegle], forventet[noegle], f"{sti}.{noegle}")
        return ud
    if isinstance(forventet, list) and isinstance(laest, list):
        ud = (
            [f"{sti}: {len(laest)} ≠ {len(forventet)} elementer"]
            if len(laest) != len(forventet)
            else []
        )
        for i, (a, b) in enumerate(zip(laest, forventet, strict=False)):
            ud += forskelle(a, b, f"{sti}[{i}]")
        return ud
    return [] if laest == forventet else [f"{sti}: {laest!r} ≠ {forventet!r}"]


def _tekster(laesning: Laesning, sektion: str | None = None) -> list[str]:
    return [u.tekst for u in laesning.usikkerheder if sektion is None or u.sektion == sektion]


def _har(laesning: Laesning, *dele: str) -> bool:
    return any(all(d in t for d in dele) for t in _tekster(laesning))


# --- THE LAYOUT of our own export -----------------------------------------------------


@pytest.mark.parametrize("navn", ["vejle", "viborg", "randers"])
def test_our_export_layout_reads_back_as_the_delaftale_it_was_written_from(navn):
    data = _data(FIXTURER[navn])

    laesning = laes_docx(_byg("eksport", navn))

    assert forskelle(laesning.data, data) == []
    assert laesning.uplaceret == []
    # The one thing the layout does not carry: the plan's own period.
    assert _tekster(laesning) == [
        "Dokumentet angiver ikke helhedsplanens periode; delaftalens periode er brugt."
    ]


def test_the_properties_table_of_our_export_decides_direction_unit_and_lbf_standard():
    data = _data(VEJLE)
    smaajobs = data["delaftale"]["delmaal"][1]["indikatorer"][0]
    smaajobs.update(retning="lavere", lbf_standard=True, maalgruppe="Udsatte borgere")

    laesning = laes_docx(dokumenter.som_eksporten(data))

    laest = laesning.data["delaftale"]["delmaal"][1]["indikatorer"][0]
    assert (laest["retning"], laest["lbf_standard"], laest["maalgruppe"]) == (
        "lavere",
        True,
        "Udsatte borgere",
    )
    assert _tekster(laesning, "Delmål og indikatorer") == []


# --- The mixed shape: metadata table, area and value in one cell, schema tables -----------


@pytest.mark.parametrize("navn", ["vejle", "viborg", "randers"])
def test_the_mixed_shape_reads_back_with_direction_and_lbf_standard_inferred_and_said(navn):
    data = _data(FIXTURER[navn])

    laesning = laes_docx(_byg("blandet", navn))

    assert forskelle(laesning.data, data) == []
    assert laesning.uplaceret == []
    for delmaal in data["delaftale"]["delmaal"]:
        for ind in delmaal["indikatorer"]:
            retning = "lavere er bedre" if ind["retning"] == "lavere" else "højere er bedre"
            lbf = "LBF-standard" if ind["lbf_standard"] else "ikke LBF-standard"
            assert _har(laesning, f"»{ind['navn']}«", "dokumentet siger ikke", retning, lbf)


def test_the_mixed_viborg_shape_reads_data_kommer_and_the_kommune_comparison():
    laesning = laes_docx(_byg("blandet", "viborg"))

    delmaal = laesning.data["delaftale"]["delmaal"]
    karup = delmaal[0]["indikatorer"][0]["baselines"][0]
    assert (karup["boligomraade"], karup["vaerdi"], karup["sammenligning"]) == (
        "Karup afd. 8",
        "60,87",
        "79,42",
    )
    assert karup["sammenligning_label"] == "Viborg Kommune"
    grad = delmaal[1]["indikatorer"][1]
    assert grad["navn"] == "Beskæftigelsesgraden"
    assert grad["baselines"] == [
        {
            "vaerdi": None,
            "afventer": True,
            "sammenligning": None,
            "sammenligning_label": "",
            "periode": "",
            "datakilde": "Viborg Kommune, boligsocial monitorering",
        }
    ]
    # Filed under »Færre … på offentlig forsørgelse«, yet a higher rate is better: the
    # indicator's own word decides, and the reading says so.
    assert grad["retning"] == "hoejere"
    assert _har(laesning, "»Beskæftigelsesgraden«", "højere er bedre", "indikatoren måler")
    assert _har(laesning, "»Beskæftigelsesgraden«", "enheden »procent« er valgt ud fra navnet")


def test_an_area_in_a_column_of_its_own_is_read_as_the_baselines_area():
    data = _data(VEJLE)

    laesning = laes_docx(dokumenter.blandet(data, omraade_kolonne=True))

    assert forskelle(laesning.data["delaftale"]["delmaal"], data["delaftale"]["delmaal"]) == []


@pytest.mark.parametrize(
    "periode", ["1.8.2025 til 31.7.2029", "1.8.2025 – 31.7.2029", "1. august 2025 - 31. juli 2029"]
)
def test_the_period_is_read_as_written_in_the_template(periode):
    laesning = laes_docx(dokumenter.som_lbf_skabelon(_data(VIBORG), periode_tekst=periode))

    aftale = laesning.data["delaftale"]
    assert (aftale["gyldig_fra"], aftale["gyldig_til"]) == ("2025-08-01", "2029-07-31")


def _indikator(laesning: Laesning, navn: str) -> dict[str, Any]:
    return next(
        i
        for d in laesning.data["delaftale"]["delmaal"]
        for i in d["indikatorer"]
        if i["navn"] == navn
    )


@pytest.mark.parametrize("form", ["lbf", "blandet", "eksport"])
def test_a_unit_written_after_the_numbers_is_the_indikators_unit(form):
    laesning = laes_docx(_byg(form, "randers"))

    timer = _indikator(laesning, "Timer med lektiehjælp pr. uge")
    assert (timer["enhed"], timer["enhed_tekst"]) == ("andet", "timer")
    assert [
        (b["vaerdi"], b["sammenligning"], b["sammenligning_label"]) for b in timer["baselines"]
    ] == [
        ("12", "15", "Randers Kommune"),
        ("8,5", "15", "Randers Kommune"),
    ]


def test_a_target_group_in_the_baseline_cell_is_read_as_maalgruppe_not_as_an_area():
    laesning = laes_docx(_byg("blandet", "randers"))

    lektiecafe = _indikator(laesning, "Antal unge i lektiecafé")
    assert [(b.get("maalgruppe"), b["vaerdi"]) for b in lektiecafe["baselines"]] == [
        ("Piger 14-17 år", "23"),
        ("Drenge 14-17 år", "17"),
    ]
    assert all("boligomraade" not in b for b in lektiecafe["baselines"])


# --- LBF's template as filled in by hand ----------------------------------------------


def _uden(data: dict[str, Any], *felter: str) -> dict[str, Any]:
    """The delaftale without what the LBF shape does not carry: the activities' delmål and
    resource estimates."""
    data = copy.deepcopy(data)
    for akt in data["delaftale"]["aktiviteter"]:
        for felt in felter:
            akt.pop(felt)
    return data


def _assert_som_vejle_i_lbf_form(laesning: Laesning) -> None:
    data = _data(VEJLE)

    assert forskelle(_uden(laesning.data, "delmaal"), _uden(data, "delmaal")) == []
    assert laesning.uplaceret == []
    # The shape says nothing of which delmål an activity serves: none chosen, each said.
    for akt in laesning.data["delaftale"]["aktiviteter"]:
        assert akt["delmaal"] == []
        assert _har(laesning, f"»{akt['navn']}«", "siger ikke, hvilke delmål")
    # What was inferred, each said once.
    assert _har(laesning, "læst ud af tabellen", "Nørremarken, Vestbyen, Møllevangen, Løget By")
    assert _har(laesning, "»Vejle Kommune« er læst ud af navnet »Vejle_21_25«")
    assert _har(laesning, "»Løget Høj«", "læst som boligområdet »Løget By«")
    assert _har(laesning, "delt i to", "»20,8 %«", "»Andel af beboere på ydelser, 18-64 år«")
    assert _har(
        laesning,
        "»Håndholdt indsats for udsatte unge (Aktivitetsparate under 30)«",
        "»Håndholdt indsats for udsatte unge (under 30)«",
    )
    assert _har(laesning, "læst ud af overskriften: »Arbejdsmarkedsforvaltningen«")
    assert _har(
        laesning, "»Andel offentligt forsørgede fuldtidspersoner, 18-29 år«", "lavere er bedre"
    )
    assert _har(laesning, "»Andel af borgere i småjobs, 18-64 år«", "højere er bedre", "»øge«")
    assert {u.sektion for u in laesning.usikkerheder} <= set(SEKTIONER)


def test_vejle_in_lbfs_template_with_its_page_break_damage_reads_as_the_fixture():
    _assert_som_vejle_i_lbf_form(laes_docx(_byg("lbf", "vejle")))


def test_vejle_saved_again_by_libreoffice_reads_the_same():
    _assert_som_vejle_i_lbf_form(laes_docx(LIBREOFFICE.read_bytes(), filnavn=LIBREOFFICE.name))


def test_the_vejle_table_rows_are_read_value_by_value_with_the_decimals_written():
    delmaal = laes_docx(_byg("lbf", "vejle")).data["delaftale"]["delmaal"]

    raekker = [
        (i["navn"], b.get("boligomraade"), b["vaerdi"], b["sammenligning"], b["periode"])
        for d in delmaal
        for i in d["indikatorer"]
        for b in i["baselines"]
    ]
    forventet = [
        (i["navn"], b.get("boligomraade"), b["vaerdi"], b["sammenligning"], b["periode"])
        for d in _data(VEJLE)["delaftale"]["delmaal"]
        for i in d["indikatorer"]
        for b in i["baselines"]
    ]
    assert raekker == forventet
    assert (
        "Andel af borgere i småjobs, 18-64 år",
        "Møllevangen",
        "0,0",
        None,
        "2021-08",
    ) in raekker
    samlet = delmaal[2]["indikatorer"][0]["baselines"][0]
    assert samlet["samlet_for"] == ["Nørremarken", "Løget By"]
    assert samlet["maalgruppe"] == "Opgjort samlet for Nørremarken og Løget Høj"
    assert samlet["datakilde"] == "Egne tal HHP (Tjansen)"


def test_viborg_in_lbfs_template_reads_as_the_fixture_with_its_inferences_said():
    data = _data(VIBORG)

    laesning = laes_docx(_byg("lbf", "viborg"))

    assert (
        forskelle(
            _uden(laesning.data, "delmaal", "ressourceestimat"),
            _uden(data, "delmaal", "ressourceestimat"),
        )
        == []
    )
    assert laesning.uplaceret == []
    assert _har(laesning, "»Chefgruppen« er læst som en gruppe")
    assert _har(laesning, "»Delaftalen skal arbejde for følgende kommunale målsætninger")
    assert _har(laesning, "»Viborg Kommune« er læst ud af navnet »Viborg_25_29«")
    ringparken = laesning.data["delaftale"]["delmaal"][0]["indikatorer"][0]["baselines"][-1]
    assert (ringparken["boligomraade"], ringparken["vaerdi"]) == ("Ringparken", "56,20")


def test_our_own_delaftale_in_lbfs_template_reads_its_delmaal_and_parties():
    data = _data(RANDERS)

    laesning = laes_docx(_byg("lbf", "randers"))

    aftale = laesning.data["delaftale"]
    assert forskelle(aftale["delmaal"], data["delaftale"]["delmaal"]) == []
    assert forskelle(aftale["parter"], data["delaftale"]["parter"]) == []
    assert [a["formaal"] for a in aftale["aktiviteter"]] == [
        a["formaal"] for a in data["delaftale"]["aktiviteter"]
    ]
    assert aftale["aktiviteter"][0]["formaal"].startswith(
        "<p>At styrke de unges faglighed:</p><ol>"
    )


# --- With the helhedsplan it is imported into -------------------------------------------


def _opret_plan(plan: dict[str, Any]) -> Helhedsplan:
    helhedsplan = Helhedsplan.objects.create(
        navn=plan["navn"],
        slug=plan["navn"].lower().replace("_", "-"),
        kommune=plan["kommune"],
        gyldig_fra=date.fromisoformat(plan["gyldig_fra"]),
        gyldig_til=date.fromisoformat(plan["gyldig_til"]),
    )
    for nr, o in enumerate(plan["boligomraader"], 1):
        Boligomraade.objects.create(
            helhedsplan=helhedsplan, navn=o["navn"], afdelinger=o["afdelinger"], raekkefoelge=nr
        )
    return helhedsplan


@pytest.mark.django_db
def test_the_plan_given_supplies_name_kommune_period_and_areas_when_the_document_is_wrong():
    data = _data(VIBORG)
    plan = _opret_plan(data["helhedsplan"])
    # The real Viborg document names the indsatsområde where the plan's name belongs.
    docx = dokumenter.som_lbf_skabelon(data, navn_i_feltet="Beskæftigelse")

    laesning = laes_docx(docx, helhedsplan=plan)

    assert laesning.data["helhedsplan"] == data["helhedsplan"]
    assert _har(laesning, "kalder indsatsen »Beskæftigelse«", "»Viborg_25_29«")
    assert not _har(laesning, "læst ud af tabellen")
    assert not _har(laesning, "kommunen")


@pytest.mark.django_db
def test_a_document_without_its_period_takes_the_plans_and_says_so():
    data = _data(VEJLE)
    plan = _opret_plan(data["helhedsplan"])
    docx = dokumenter.som_lbf_skabelon(data, periode_tekst="hele helhedsplanens periode")

    laesning = laes_docx(docx, helhedsplan=plan)

    aftale = laesning.data["delaftale"]
    assert (aftale["gyldig_fra"], aftale["gyldig_til"]) == ("2021-12-01", "2025-11-30")
    assert _har(laesning, "angiver ikke delaftalens periode; helhedsplanens periode er brugt")
    # The plan's areas are the ones read against: none inferred from the table.
    assert laesning.data["helhedsplan"]["boligomraader"] == data["helhedsplan"]["boligomraader"]
    assert forskelle(aftale["delmaal"], data["delaftale"]["delmaal"]) == []


def test_without_the_plan_a_name_that_is_the_indsatsomraade_is_said():
    docx = dokumenter.som_lbf_skabelon(_data(VIBORG), navn_i_feltet="Beskæftigelse")

    laesning = laes_docx(docx)

    assert laesning.data["helhedsplan"]["navn"] == "Beskæftigelse"
    assert _har(laesning, "siger »Beskæftigelse«", "indsatsområdets navn")


@pytest.mark.django_db
@pytest.mark.parametrize("form", ["blandet", "lbf"])
def test_an_area_the_plan_does_not_have_is_added_to_it_and_said(form):
    data = _data(VEJLE)
    plan_data = copy.deepcopy(data["helhedsplan"])
    plan_data["boligomraader"] = [o for o in plan_data["boligomraader"] if o["navn"] != "Vestbyen"]
    plan = _opret_plan(plan_data)

    laesning = laes_docx(_byg(form, "vejle"), helhedsplan=plan)

    indikator = laesning.data["delaftale"]["delmaal"][0]["indikatorer"][0]
    assert indikator["navn"] == "Andel offentligt forsørgede fuldtidspersoner, 18-29 år"
    assert indikator["baselines"][1]["boligomraade"] == "Vestbyen"
    assert "Vestbyen" in [o["navn"] for o in laesning.data["helhedsplan"]["boligomraader"]]
    assert _har(laesning, "Vestbyen", "som helhedsplanen ikke har")


@pytest.mark.django_db
def test_another_plans_document_keeps_its_areas_apart_from_the_indikator_and_says_so():
    """Randers' agreement chosen for Vejle's plan by mistake: its areas are still areas
    (not »Nordbyen Andel …« as an indikator), and the review says they are new."""
    plan = _opret_plan(_data(VEJLE)["helhedsplan"])

    laesning = laes_docx(_byg("lbf", "randers"), helhedsplan=plan)

    randers = _data(RANDERS)["delaftale"]["delmaal"][0]["indikatorer"][0]
    indikator = laesning.data["delaftale"]["delmaal"][0]["indikatorer"][0]
    assert indikator["navn"] == randers["navn"]
    assert [b.get("boligomraade") for b in indikator["baselines"]] == [
        b.get("boligomraade") for b in randers["baselines"]
    ]
    assert _har(laesning, "som helhedsplanen ikke har", "Nordbyen")


# --- Into the database ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("form", "navn"),
    [
        ("eksport", "vejle"),
        ("eksport", "viborg"),
        ("eksport", "randers"),
        ("blandet", "vejle"),
        ("blandet", "viborg"),
        ("lbf", "vejle"),
        ("lbf", "viborg"),
    ],
)
def test_what_is_read_loads_into_a_fresh_database_as_a_draft(form, navn):
    data = _data(FIXTURER[navn])

    laesning = laes_docx(_byg(form, navn))
    resultat = indlaes_delaftale(data=laesning.data, publicer=False)

    aftale = resultat.delaftale
    assert resultat.oprettet
    assert not Version.objects.filter(delaftale=aftale).exists()
    antal_baselines = sum(
        len(i["baselines"]) for d in data["delaftale"]["delmaal"] for i in d["indikatorer"]
    )
    assert Baseline.objects.filter(indikator__delmaal__delaftale=aftale).count() == antal_baselines
    assert Aktivitet.objects.filter(delaftale=aftale).count() == len(
        data["delaftale"]["aktiviteter"]
    )
    assert aftale.helhedsplan.navn == data["helhedsplan"]["navn"]


@pytest.mark.django_db
def test_the_libreoffice_file_loads_and_a_baseline_keeps_its_written_decimals():
    laesning = laes_docx(LIBREOFFICE.read_bytes())

    aftale = indlaes_delaftale(data=laesning.data, publicer=False).delaftale

    baseline = Baseline.objects.get(
        indikator__delmaal__delaftale=aftale,
        indikator__navn="Andel af borgere i småjobs, 18-64 år",
        boligomraade__navn="Møllevangen",
    )
    assert baseline.vaerdi_tekst == "0,0\u00a0%"
    samlet = Baseline.objects.get(indikator__delmaal__delaftale=aftale, boligomraade=None)
    assert sorted(o.navn for o in samlet.samlet_for.all()) == ["Løget By", "Nørremarken"]


@pytest.mark.django_db
def test_loading_is_published_by_default_as_the_fixtures_always_were():
    laesning = laes_docx(_byg("eksport", "randers"))

    aftale = indlaes_delaftale(data=laesning.data).delaftale

    assert Version.objects.filter(delaftale=aftale).count() == 1
    assert Indikator.objects.filter(delmaal__delaftale=aftale, enhed="antal").count() == 1


@pytest.mark.django_db
def test_a_delaftale_loaded_as_a_draft_stays_a_draft_when_loaded_again():
    laesning = laes_docx(_byg("eksport", "randers"))
    indlaes_delaftale(data=laesning.data, publicer=False)

    igen = indlaes_delaftale(data=laesning.data, publicer=False)

    assert not igen.oprettet
    assert Delaftale.objects.count() == 1
    assert not Version.objects.exists()


# --- Numbers that cannot be read, text that cannot be placed ---------------------------


@pytest.mark.django_db
def test_a_number_that_cannot_be_read_gets_no_value_and_is_said_never_guessed():
    data = _data(VIBORG)
    data["delaftale"]["delmaal"][1]["indikatorer"][0]["baselines"][0]["vaerdi"] = "17.08"

    laesning = laes_docx(dokumenter.som_eksporten(data))

    karup = laesning.data["delaftale"]["delmaal"][1]["indikatorer"][0]["baselines"][0]
    assert (karup["boligomraade"], karup["vaerdi"], karup["afventer"]) == (
        "Karup afd. 8",
        None,
        False,
    )
    assert _har(laesning, "»17.08 %«", "kan ikke læses som et tal")
    with pytest.raises(IndlaesningsFejl, match="Angiv en baseline"):
        indlaes_delaftale(data=laesning.data, publicer=False)


def _afsnit(tekst: str) -> Any:
    return parse_xml(f"<w:p {nsdecls('w')}><w:r><w:t>{tekst}</w:t></w:r></w:p>")


def _med_fremmede_tekster(docx: bytes) -> bytes:
    """The document with text that belongs nowhere: a paragraph before the metadata, a
    metadata row the template has not, a paragraph before the first activity schema."""
    dokument = Document(io.BytesIO(docx))
    raekke = dokument.tables[0].add_row()
    raekke.cells[0].text = "Journalnummer"
    raekke.cells[1].text = "2021-4711"
    dokument.paragraphs[0]._p.addnext(_afsnit("Udarbejdet af sekretariatet i Vejle"))
    skemaer = next(p for p in dokument.paragraphs if p.text == "Aktivitetsskemaer")
    skemaer._p.addnext(_afsnit("Skemaerne følger her."))
    ud = io.BytesIO()
    dokument.save(ud)
    return ud.getvalue()


def test_text_that_belongs_nowhere_is_quoted_with_its_section():
    laesning = laes_docx(_med_fremmede_tekster(_byg("eksport", "vejle")))

    assert [(u.sektion, u.tekst) for u in laesning.uplaceret] == [
        ("Stamdata", "Udarbejdet af sekretariatet i Vejle"),
        ("Stamdata", "Journalnummer: 2021-4711"),
        ("Aktivitetsskemaer", "Skemaerne følger her."),
    ]
    assert forskelle(laesning.data, _data(VEJLE)) == []


def test_lbfs_fixed_guidance_is_dropped_not_reported_nor_kept():
    laesning = laes_docx(_byg("lbf", "viborg"))

    tekst = json.dumps(laesning.data, ensure_ascii=False)
    for vejledning in (
        "Bestyrelsen for den boligsociale indsats har ansvar",
        "Delmål skal forstås som",
        "Indikatorer er variable",
        "Eventuelle reviderede aftaler",
    ):
        assert vejledning not in tekst
    assert laesning.uplaceret == []


def test_a_value_inside_a_content_control_is_read():
    dokument = Document(io.BytesIO(_byg("eksport", "vejle")))
    celle = dokument.tables[0].rows[0].cells[1]
    afsnit = celle.paragraphs[0]._p
    sdt = parse_xml(f"<w:sdt {nsdecls('w')}><w:sdtPr/><w:sdtContent/></w:sdt>")
    afsnit.addprevious(sdt)
    sdt.find(qn("w:sdtContent")).append(afsnit)
    ud = io.BytesIO()
    dokument.save(ud)

    laesning = laes_docx(ud.getvalue())

    assert laesning.data["helhedsplan"]["navn"] == "Vejle_21_25"


@pytest.mark.django_db
def test_a_document_that_is_no_delaftale_is_read_without_error_and_refused_when_loaded():
    dokument = Document()
    dokument.add_paragraph("Kære beboere, her er årets nyhedsbrev.")
    ud = io.BytesIO()
    dokument.save(ud)

    laesning = laes_docx(ud.getvalue())

    assert laesning.uplaceret[0].tekst == "Kære beboere, her er årets nyhedsbrev."
    assert _har(laesning, "Titlen »Delaftale for indsatsområdet …« blev ikke fundet")
    assert _har(laesning, "Tabellen over delmål og indikatorer blev ikke fundet")
    with pytest.raises(IndlaesningsFejl, match="ukendt indsatsområde"):
        indlaes_delaftale(data=laesning.data, publicer=False)


@pytest.mark.django_db
def test_a_delaftale_without_its_period_is_said_and_refused_in_danish_when_loaded():
    docx = dokumenter.som_lbf_skabelon(_data(VEJLE), periode_tekst="gælder hele perioden")

    laesning = laes_docx(docx)

    assert _har(laesning, "»gælder hele perioden« kan ikke læses som to datoer")
    with pytest.raises(IndlaesningsFejl, match="helhedsplanens startdato: »« er ikke en dato"):
        indlaes_delaftale(data=laesning.data, publicer=False)


def test_numbered_section_headings_are_recognised():
    dokument = Document(io.BytesIO(_byg("eksport", "viborg")))
    for nr, afsnit in enumerate(p for p in dokument.paragraphs if p.style.name == "Heading 1"):
        afsnit.runs[0].text = f"{nr + 1}. {afsnit.runs[0].text}"
    ud = io.BytesIO()
    dokument.save(ud)

    laesning = laes_docx(ud.getvalue())

    assert forskelle(laesning.data, _data(VIBORG)) == []
