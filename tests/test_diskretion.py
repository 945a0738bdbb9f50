"""Disclosure control: counts behind a share, and no public output that could point out a
resident (indikatorer/diskretion.py).

The proof builds a plan whose numbers rest on 1–4 persons, with a total »opgjort samlet
for« both areas and changes since baseline, publishes and approves it, renders every
public output and finds none of the hidden numbers, nor a total or change they could be
worked out from; the plan's own staff see them, marked.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from delaftaler.opfoelgning.excel.columns import BOGSTAV, XLSX_MIME
from delaftaler.opfoelgning.rapport.context import hent_rapport
from delaftaler.opfoelgning.rapport.pdf import render_rapport_pdf
from delaftaler.opfoelgning.services import opfoelgning_opret
from delaftaler.publicering.version_pdf import version_pdf
from delaftaler.roller import BESTYRELSE, SEKRETARIAT
from indikatorer.diskretion import SEKUNDAER, Diskretion, skjul_samlede
from indikatorer.maalinger import MaalingInput, maalinger_gem
from indikatorer.models import Baseline, Indikator, Maaling, andel
from tests.adminformular import Formular, admin_url
from tests.conftest import bruger_med_rolle
from tests.factories import (
    BaselineFactory,
    BoligomraadeFactory,
    DelaftaleFactory,
    DelmaalFactory,
    HelhedsplanFactory,
    IndikatorFactory,
)
from tests.formularer import formular
from tests.planer import SMAABY_SAMLET, smaaby, smaaby_2023

pytestmark = pytest.mark.django_db

SAMLET = SMAABY_SAMLET


# ---- Counts ------------------------------------------------------------------------------


@pytest.fixture
def indikator(db):
    return IndikatorFactory()


def _baseline(indikator, **felter) -> Baseline:
    plan = indikator.delmaal.delaftale.helhedsplan
    standard = {"boligomraade": BoligomraadeFactory(helhedsplan=plan), "periode": "2019"}
    return Baseline(indikator=indikator, **(standard | felter))


def test_a_share_given_only_by_its_counts_is_computed_with_one_decimal(indikator):
    b = _baseline(indikator, taeller=47, naevner=416)
    b.full_clean()
    assert (b.vaerdi, b.vaerdi_decimaler) == (Decimal("11.3"), 1)
    assert b.vaerdi_tekst == "11,3\u00a0%"


def test_a_typed_share_must_be_the_counts_share_at_its_own_decimals(indikator):
    _baseline(indikator, taeller=47, naevner=416, vaerdi=Decimal("11.30"), vaerdi_decimaler=2)
    ok = _baseline(indikator, taeller=47, naevner=416, vaerdi=Decimal("11"), vaerdi_decimaler=0)
    ok.full_clean()
    forkert = _baseline(
        indikator, taeller=47, naevner=416, vaerdi=Decimal("12.3"), vaerdi_decimaler=1
    )
    with pytest.raises(ValidationError) as fejl:
        forkert.full_clean()
    assert fejl.value.message_dict["vaerdi"] == [
        "12,3\u00a0% passer ikke med tæller og nævner: 47 af 416 er 11,3\u00a0%."
    ]


@pytest.mark.parametrize(
    ("felter", "felt", "besked"),
    [
        ({"taeller": 3}, "naevner", "Angiv både tæller og nævner, eller ingen af dem."),
        ({"naevner": 30}, "taeller", "Angiv både tæller og nævner, eller ingen af dem."),
        ({"taeller": 0, "naevner": 0}, "naevner", "Nævneren skal være mindst 1."),
        ({"taeller": 31, "naevner": 30}, "taeller", "Tælleren kan ikke være større end nævneren."),
    ],
)
def test_counts_that_cannot_be_are_refused_in_danish(indikator, felter, felt, besked):
    with pytest.raises(ValidationError) as fejl:
        _baseline(indikator, **felter).full_clean()
    assert besked in fejl.value.message_dict[felt]


def test_counts_belong_to_shares_only(db):
    antal = IndikatorFactory(enhed=Indikator.Enhed.ANTAL)
    with pytest.raises(ValidationError) as fejl:
        _baseline(antal, taeller=3, naevner=30, vaerdi=Decimal(3)).full_clean()
    assert fejl.value.message_dict["taeller"] == [
        "Tæller og nævner bruges kun til indikatorer i procent."
    ]


def test_the_database_refuses_counts_the_forms_would_refuse(indikator):
    from django.db import IntegrityError, transaction

    b = _baseline(indikator, vaerdi=Decimal("10"), vaerdi_decimaler=0)
    b.save()
    for felter in ({"taeller": 5, "naevner": None}, {"taeller": 6, "naevner": 5}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Baseline.objects.filter(pk=b.pk).update(**felter)


# ---- The rule ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("taeller", "naevner", "skjult"),
    [(0, 40, True), (4, 40, True), (5, 40, False), (36, 40, True), (35, 40, False), (4, 4, True)],
)
def test_a_share_is_hidden_when_its_count_population_or_rest_is_below_the_threshold(
    taeller, naevner, skjult
):
    i = Indikator(enhed="procent")
    punkt = Baseline(indikator=i, vaerdi=Decimal(1), taeller=taeller, naevner=naevner)
    assert Diskretion(mindste_antal=5).for_faa(i, punkt) is skjult


def test_a_count_below_the_threshold_is_hidden_unless_it_counts_no_persons():
    regel = Diskretion(mindste_antal=5)
    personer = Indikator(enhed="antal")
    arrangementer = Indikator(enhed="antal", ikke_personer=True)
    assert regel.markering(personer, Baseline(vaerdi=Decimal(4))) == "<5"
    assert regel.markering(personer, Baseline(vaerdi=Decimal(5))) == ""
    assert regel.markering(arrangementer, Baseline(vaerdi=Decimal(2))) == ""
    assert Diskretion(mindste_antal=10).markering(personer, Baseline(vaerdi=Decimal(9))) == "<10"


def test_a_total_is_hidden_with_any_of_its_parts_and_totals_of_totals_follow():
    celler = {("a", 1): "<5", ("b", 1): "", ("ab", 1): "", ("alle", 1): "", ("b", 2): ""}
    ud = skjul_samlede(celler, [("ab", ["a", "b"]), ("alle", ["ab", "b"])])
    assert ud[("ab", 1)] == SEKUNDAER and ud[("alle", 1)] == SEKUNDAER
    assert ud[("b", 1)] == "" and ud[("b", 2)] == ""


def test_a_plan_cannot_lower_the_threshold_below_three(db):
    plan = HelhedsplanFactory()
    assert plan.mindste_antal == 5
    plan.mindste_antal = 2
    with pytest.raises(ValidationError) as fejl:
        plan.full_clean()
    assert "mindste_antal" in fejl.value.message_dict


# ---- The proof: every public output ------------------------------------------------------

# Shown: Sydparken 61/200 = 30,5 % → 73/200 = 36,5 % (+6,0 procentpoint); 47 unge.
# Hidden: Nordparken 3/40 = 7,5 % → 1/40 = 2,5 % (change −5,0), the totals of both areas
# 64/240 = 26,7 % → 74/240 = 30,8 % (+4,1), Nordparken's 4 unge → 3.
SKJULTE = ["7,5", "2,5", "26,7", "30,8", "4,1", "5,0"]
VISTE = ["30,5", "36,5", "6,0"]


@pytest.fixture
def plan(db, tmp_path, settings):
    settings.PDF_CACHE_DIR = tmp_path
    sekretariat = bruger_med_rolle("sekretariat", SEKRETARIAT)
    bestyrelse = bruger_med_rolle("bestyrelse", BESTYRELSE)
    smaa = smaaby(sekretariat, bestyrelse)
    aaret = smaaby_2023(
        smaa, sekretariat=sekretariat, bestyrelse=bestyrelse, render_pdf=render_rapport_pdf
    )
    return {
        "delaftale": smaa.delaftale,
        "version": smaa.version,
        "aar": aaret,
        "sekretariat": sekretariat,
    }


def _pdf_tekst(indhold: bytes) -> str:
    return " ".join(s.extract_text() for s in PdfReader(io.BytesIO(indhold)).pages)


def _xlsx_tekst(indhold: bytes) -> str:
    ark = load_workbook(io.BytesIO(indhold)).active
    return " ".join(
        str(c).replace(".", ",") for r in ark.iter_rows(values_only=True) for c in r if c
    )


def _celler(html: str, sted: str) -> list[str]:
    """The cells of each table row headed by ``sted``, as text."""
    raekker = re.findall(
        rf"<tr>\s*<th scope=\"row\" class=\"sted\">{sted}</th>(.*?)</tr>", html, re.S
    )
    return [re.sub(r"<[^>]+>", "", r) for r in raekker]


def test_no_public_output_shows_a_hidden_number_or_a_way_to_work_it_out(client, plan):
    assert Maaling.objects.get(boligomraade__navn="Nordparken", taeller=1).vaerdi == Decimal("2.5")
    d = plan["delaftale"]
    base = f"/{d.helhedsplan.slug}/{d.indsatsomraade.slug}/"
    uddata = {
        "siden": client.get(base).content.decode(),
        "CSV": client.get(base + "indikatorer.csv").content.decode("utf-8-sig"),
        "XLSX": _xlsx_tekst(client.get(base + "indikatorer.xlsx").content),
        "versionens PDF": _pdf_tekst(version_pdf(plan["version"])),
        "rapporten": client.get(base + "opfoelgning/2023/").content.decode(),
        "rapportens PDF": _pdf_tekst(client.get(base + "opfoelgning/2023.pdf").content),
    }
    rapport = hent_rapport(plan["aar"])
    diagrammer = [i.diagram.svg for i in rapport.indikatorer]
    uddata["diagrammerne"] = " ".join(diagrammer)
    data = [i.diagramdata() for i in rapport.indikatorer]
    for navn, tekst in uddata.items():
        for tal in SKJULTE:
            assert f"{tal}\u00a0%" not in tekst and f"{tal} %" not in tekst, (navn, tal)
            assert not re.search(rf"(?<![\d,]){tal}(?![\d])", tekst.replace("\u2212", "-")), (
                navn,
                tal,
            )
    for navn in ("siden", "versionens PDF", "rapporten", "rapportens PDF"):
        assert "<5" in uddata[navn].replace("&lt;", "<"), navn
        assert "færre end 5 personer" in re.sub(r"\s+", " ", uddata[navn]), navn
    for tal in VISTE:
        assert tal in uddata["rapporten"], tal
    # The counts of unge: Nordparken's 4 and 3 read »<5« in every table row.
    nord = _celler(uddata["rapporten"], "Nordparken")
    assert len(nord) == 2 and all(r.count("&lt;5") + r.count("Skjult") >= 2 for r in nord), nord
    assert "Skjult" in _celler(uddata["rapporten"], SAMLET)[0]
    # The charts draw neither a hidden value nor a hidden baseline, and say so.
    for dd in data:
        for serie in dd.serier:
            if serie.navn in ("Nordparken", SAMLET):
                assert serie.baseline is None and all(p is None for _, p in serie.punkter)
    assert all("udeladt af diagrammet" in svg for svg in diagrammer)


def test_the_plans_staff_see_the_hidden_numbers_marked(client, plan):
    client.force_login(plan["sekretariat"])
    d = plan["delaftale"]
    html = client.get(f"/{d.helhedsplan.slug}/{d.indsatsomraade.slug}/opfoelgning/2023/")
    tekst = html.content.decode()
    for tal in ("7,5", "2,5", "26,7", "30,8"):
        assert f"{tal}\u00a0%" in tekst, tal
    assert "skjules offentligt: &lt;5" in tekst and "skjules offentligt: Skjult" in tekst
    assert "\u22125,0\u00a0procentpoint" in tekst


# ---- Entry in the admin's baseline grid ----------------------------------------------------


def _grid_form(indikator, **data):
    from indikatorer.forms import BaselineForm

    omraade = BoligomraadeFactory(helhedsplan=indikator.delmaal.delaftale.helhedsplan)
    felter = {"boligomraade": omraade.pk, "periode": "2019", "antal_0": "", "antal_1": ""}
    form = BaselineForm(data=felter | data, instance=Baseline(indikator=indikator))
    return form


def test_the_baseline_grid_takes_the_counts_and_computes_the_share(indikator):
    form = _grid_form(indikator, antal_0="47", antal_1="416")
    assert form.is_valid(), form.errors
    b = form.save()
    assert (b.taeller, b.naevner, b.vaerdi, b.vaerdi_decimaler) == (47, 416, Decimal("11.3"), 1)


def test_the_baseline_grid_says_in_danish_when_share_and_counts_disagree(indikator):
    form = _grid_form(indikator, vaerdi="12,3", antal_0="47", antal_1="416")
    assert not form.is_valid()
    assert form.errors["vaerdi"] == [
        "12,3\u00a0% passer ikke med tæller og nævner: 47 af 416 er 11,3\u00a0%."
    ]
    alene = _grid_form(indikator, vaerdi="11,3", antal_0="47")
    assert not alene.is_valid()
    assert alene.errors["antal"] == ["Angiv både tæller og nævner, eller ingen af dem."]


# ---- Entry in the follow-up grid -----------------------------------------------------------


@pytest.fixture
def gitter(db, client):
    """A draft year of a small plan: a share and a count at Nordparken and Sydparken."""
    sekretariat = bruger_med_rolle("sekretariat", SEKRETARIAT)
    helhedsplan = HelhedsplanFactory(navn="Smaaby_21_25", slug="smaaby-21-25")
    helhedsplan.medlemmer.add(sekretariat)
    delaftale = DelaftaleFactory(helhedsplan=helhedsplan)
    delmaal = DelmaalFactory(delaftale=delaftale)
    andel = IndikatorFactory(delmaal=delmaal, navn="Andel unge i job")
    antal = IndikatorFactory(delmaal=delmaal, navn="Antal unge i fritidsjob", enhed="antal")
    omraader = {
        navn: BoligomraadeFactory(helhedsplan=helhedsplan, navn=navn)
        for navn in ("Nordparken", "Sydparken")
    }
    for indikator in (andel, antal):
        for omraade in omraader.values():
            BaselineFactory(indikator=indikator, boligomraade=omraade)
    aaret = opfoelgning_opret(delaftale=delaftale, aar=2024, bruger=sekretariat)
    client.force_login(sekretariat)
    sti = f"/smaaby-21-25/{delaftale.indsatsomraade.slug}/opfoelgning/2024/indtast/"
    return {"sti": sti, "aar": aaret, "andel": andel, "antal": antal, "omraader": omraader}


def _felt(gitter, indikator: str, omraade: str, felt: str) -> str:
    return f"m{gitter[indikator].pk}-b{gitter['omraader'][omraade].pk}-{felt}"


def test_the_follow_up_grid_takes_the_counts_and_computes_the_share(client, gitter):
    side = client.get(gitter["sti"])
    data = formular(side)
    assert _felt(gitter, "andel", "Nordparken", "taeller") in data
    assert _felt(gitter, "antal", "Nordparken", "taeller") not in data  # shares only
    html = side.content.decode()
    assert html.count('<th scope="col">Tæller / nævner</th>') == 1
    data[_felt(gitter, "andel", "Nordparken", "taeller")] = ["47"]
    data[_felt(gitter, "andel", "Nordparken", "naevner")] = ["416"]
    data[_felt(gitter, "andel", "Sydparken", "vaerdi")] = ["30,5"]
    data[_felt(gitter, "andel", "Sydparken", "taeller")] = ["61"]
    data[_felt(gitter, "andel", "Sydparken", "naevner")] = ["200"]
    svar = client.post(gitter["sti"], data)
    assert svar.status_code == 302, svar.content.decode()[:3000]

    nord, syd = (
        Maaling.objects.get(opfoelgning=gitter["aar"], boligomraade__navn=n)
        for n in ("Nordparken", "Sydparken")
    )
    assert (nord.taeller, nord.naevner, nord.vaerdi, nord.vaerdi_decimaler) == (
        47,
        416,
        Decimal("11.3"),
        1,
    )
    assert (syd.taeller, syd.naevner, syd.vaerdi) == (61, 200, Decimal("30.5"))
    igen = formular(client.get(gitter["sti"]))
    assert igen[_felt(gitter, "andel", "Nordparken", "taeller")] == ["47"]
    assert igen[_felt(gitter, "andel", "Nordparken", "naevner")] == ["416"]
    # Sent back untouched, the saved rows are not saved again.
    aendret = {m.pk: m.aendret for m in Maaling.objects.all()}
    assert client.post(gitter["sti"], igen).status_code == 302
    assert {m.pk: m.aendret for m in Maaling.objects.all()} == aendret


@pytest.mark.parametrize(
    ("felter", "besked"),
    [
        ({"vaerdi": "12,3", "taeller": "47", "naevner": "416"}, "passer ikke med tæller og nævner"),
        ({"taeller": "47"}, "Angiv både tæller og nævner, eller ingen af dem."),
        ({"taeller": "50", "naevner": "40"}, "Tælleren kan ikke være større end nævneren."),
        ({"taeller": "0", "naevner": "0"}, "Nævneren skal være mindst 1."),
        ({"taeller": "4,5", "naevner": "40"}, "helt tal"),
        (
            {
                "ikke_tilgaengelig": "on",
                "begrundelse": "Ingen data",
                "taeller": "4",
                "naevner": "40",
            },
            "Slet tæller og nævner, eller fjern markeringen »ikke tilgængelig«.",
        ),
        ({"datakilde": "Jobindsats"}, "Angiv en værdi eller tæller og nævner"),
    ],
)
def test_the_follow_up_grid_refuses_counts_that_cannot_be_in_danish(client, gitter, felter, besked):
    data = formular(client.get(gitter["sti"]))
    for felt, vaerdi in felter.items():
        data[_felt(gitter, "andel", "Nordparken", felt)] = [vaerdi]
    svar = client.post(gitter["sti"], data)
    assert svar.status_code == 200
    html = svar.content.decode().replace("\u00a0", " ")
    assert besked in html and "Intet er gemt" in html
    assert not Maaling.objects.exists()
    assert formular(svar)[_felt(gitter, "andel", "Nordparken", next(iter(felter)))] == [
        next(iter(felter.values()))
    ]


# ---- Entry through Excel ---------------------------------------------------------------------


def _xlsx(bog) -> bytes:
    ud = io.BytesIO()
    bog.save(ud)
    return ud.getvalue()


def _indlaes(client, gitter, indhold: bytes, settings, tmp_path):
    """Upload, and confirm when the preview allows it; the preview's page either way."""
    settings.MAALINGER_UPLOAD_DIR = tmp_path / "indlaesninger"
    sti = gitter["sti"].replace("indtast/", "indlaes/")
    fil = SimpleUploadedFile("maalinger.xlsx", indhold, content_type=XLSX_MIME)
    preview = client.post(sti, {"handling": "kontroller", "fil": fil})
    assert preview.status_code == 200
    if preview.context.get("token"):
        assert (
            client.post(
                sti, {"handling": "bekraeft", "token": preview.context["token"]}
            ).status_code
            == 302
        )
    return preview.content.decode().replace("\u00a0", " ")


def _skabelon_raekke(ark, indikator: str, sted: str) -> int:
    return next(
        nr
        for nr in range(2, ark.max_row + 1)
        if ark[f"{BOGSTAV['indikator']}{nr}"].value == indikator
        and ark[f"{BOGSTAV['sted']}{nr}"].value == sted
    )


def test_the_excel_template_takes_counts_for_shares_and_computes_them(
    client, gitter, settings, tmp_path
):
    svar = client.get(gitter["sti"].replace("indtast/", "skabelon.xlsx"))
    ark = load_workbook(io.BytesIO(svar.content))["Målinger"]
    t, n, v = BOGSTAV["taeller"], BOGSTAV["naevner"], BOGSTAV["vaerdi"]
    assert (ark[f"{t}1"].value, ark[f"{n}1"].value) == ("Tæller", "Nævner")
    andel = _skabelon_raekke(ark, "Andel unge i job", "Nordparken")
    antal = _skabelon_raekke(ark, "Antal unge i fritidsjob", "Nordparken")
    assert not ark[f"{t}{andel}"].protection.locked and not ark[f"{n}{andel}"].protection.locked
    assert ark[f"{t}{antal}"].protection.locked  # counts belong to shares only
    ark[f"{t}{andel}"], ark[f"{n}{andel}"] = 47, 416
    syd = _skabelon_raekke(ark, "Andel unge i job", "Sydparken")
    ark[f"{v}{syd}"], ark[f"{t}{syd}"], ark[f"{n}{syd}"] = "30,5", "61", "200"
    html = _indlaes(client, gitter, _xlsx(ark.parent), settings, tmp_path)
    assert "Gem 2 nye og 0 ændrede målinger" in html

    nord = Maaling.objects.get(boligomraade__navn="Nordparken")
    assert (nord.taeller, nord.naevner, nord.vaerdi, nord.vaerdi_decimaler) == (
        47,
        416,
        Decimal("11.3"),
        1,
    )
    assert Maaling.objects.get(boligomraade__navn="Sydparken").vaerdi == Decimal("30.5")
    igen = load_workbook(io.BytesIO(client.get(svar.request["PATH_INFO"]).content))["Målinger"]
    andel = _skabelon_raekke(igen, "Andel unge i job", "Nordparken")
    assert (igen[f"{t}{andel}"].value, igen[f"{n}{andel}"].value) == (47, 416)
    eksport = client.get(gitter["sti"].replace("indtast/", "maalinger.xlsx"))
    raekker = list(load_workbook(io.BytesIO(eksport.content)).active.values)
    kolonner = raekker[0]
    nordparken = next(r for r in raekker if "Nordparken" in r and "Andel unge i job" in r)
    assert nordparken[kolonner.index("Tæller")] == 47
    assert nordparken[kolonner.index("Nævner")] == 416


@pytest.mark.parametrize(
    "overskrifter",
    [
        ("indikator", "boligområde", "periode", "værdi", "tæller", "nævner", "kilde"),
        ("Indikator", "Boligområde", "Periode", "Tæller", "Nævner"),  # no værdi column at all
    ],
)
def test_a_long_sheet_with_counts_imports_with_the_share_computed(
    client, gitter, settings, tmp_path, overskrifter
):
    bog = Workbook()
    bog.active.append(list(overskrifter))
    for omraade, taeller, naevner in (("Nordparken", 3, 40), ("Sydparken", "1.061", "2.000")):
        raekke = {"indikator": "Andel unge i job", "boligområde": omraade, "periode": 2024}
        raekke |= {"værdi": None, "tæller": taeller, "nævner": naevner, "kilde": "Beboerdata"}
        bog.active.append([raekke[o.lower()] for o in overskrifter])
    html = _indlaes(client, gitter, _xlsx(bog), settings, tmp_path)
    assert "Gem 2 nye og 0 ændrede målinger" in html
    gemt = {m.boligomraade.navn: m for m in Maaling.objects.select_related("boligomraade")}
    assert (gemt["Nordparken"].vaerdi, gemt["Nordparken"].naevner) == (Decimal("7.5"), 40)
    assert (gemt["Sydparken"].taeller, gemt["Sydparken"].vaerdi) == (1061, Decimal("53.1"))


@pytest.mark.parametrize(
    ("raekke", "besked"),
    [
        (("12,3", 47, 416), "kolonne D »Værdi« 12,3 % passer ikke med tæller og nævner"),
        ((None, 47, None), "kolonne F »Nævner« Angiv både tæller og nævner, eller ingen af dem."),
        ((None, "4,5", 40), "kolonne E »Tæller« »4,5« er ikke et antal. Skriv et helt tal"),
        ((None, 50, 40), "kolonne E »Tæller« Tælleren kan ikke være større end nævneren."),
    ],
)
def test_counts_in_a_sheet_that_cannot_be_are_refused_by_row_and_column(
    client, gitter, settings, tmp_path, raekke, besked
):
    bog = Workbook()
    bog.active.append(["Indikator", "Boligområde", "Periode", "Værdi", "Tæller", "Nævner"])
    bog.active.append(["Andel unge i job", "Nordparken", 2024, *raekke])
    html = _indlaes(client, gitter, _xlsx(bog), settings, tmp_path)
    tekst = " ".join(re.sub("<[^>]+>", " ", html).split())
    assert f"række 2 {besked}" in tekst
    assert not Maaling.objects.exists()


def test_a_sheet_without_counts_or_values_says_which_columns_are_missing(
    client, gitter, settings, tmp_path
):
    bog = Workbook()
    bog.active.append(["Indikator", "Boligområde", "Periode", "Tæller"])
    html = _indlaes(client, gitter, _xlsx(bog), settings, tmp_path)
    assert "Kolonnen »Værdi« mangler" in html


# ---- The demo ----------------------------------------------------------------------------


def test_the_demo_shows_the_rule_at_work_on_its_approved_years(vejle):
    """A newcomer who runs `make run` sees »<5« in Vejle's public report: the demo's
    småjobs shares rest on a handful of persons; the real baselines keep no counts."""
    from delaftaler.opfoelgning.demo import opret_demo_opfoelgninger

    sekretariat = bruger_med_rolle("sekretariat", SEKRETARIAT)
    bestyrelse = bruger_med_rolle("bestyrelse", BESTYRELSE)
    opret_demo_opfoelgninger(
        delaftale=vejle,
        sekretariat=sekretariat,
        bestyrelse=bestyrelse,
        render_pdf=lambda o: b"%PDF-1.7 (ikke brugt her)",
    )
    maalinger = Maaling.objects.filter(opfoelgning__delaftale=vejle, taeller__isnull=False)
    assert maalinger.exists()
    for m in maalinger:
        assert m.vaerdi == andel(m.taeller, m.naevner, m.vaerdi_decimaler)
    assert not Baseline.objects.filter(indikator__delmaal__delaftale=vejle, naevner__isnull=False)
    rapport = hent_rapport(vejle.opfoelgninger.get(aar=2023), offentlig=True)
    skjulte = [
        (i.indikator.navn, r.sted)
        for i in rapport.indikatorer
        for r in i.raekker
        for v in r.vaerdier
        if v.aar == 2023 and v.er_skjult
    ]
    assert ("Andel af borgere i småjobs, 18-64 år", "Møllevangen") in skjulte


# ---- A total of several areas is pooled from their counts ---------------------------------


def test_a_total_of_several_areas_must_pool_their_counts(db):
    """74 of 240 is Nordparken's 1 of 40 and Sydparken's 73 of 200 together; an average of
    the shares (2,5 % and 36,5 %: 19,5 %) or any other counts is refused, by row."""
    sekretariat = bruger_med_rolle("sekretariat", SEKRETARIAT)
    helhedsplan = HelhedsplanFactory()
    nord = BoligomraadeFactory(helhedsplan=helhedsplan, navn="Nordparken")
    syd = BoligomraadeFactory(helhedsplan=helhedsplan, navn="Sydparken")
    andel = IndikatorFactory(
        delmaal=DelmaalFactory(delaftale=DelaftaleFactory(helhedsplan=helhedsplan))
    )
    samlet = Baseline(indikator=andel, maalgruppe=SAMLET, periode="2019", taeller=64, naevner=240)
    samlet.full_clean()
    samlet.save()
    samlet.samlet_for.set([nord, syd])
    aaret = opfoelgning_opret(delaftale=andel.delmaal.delaftale, aar=2024, bruger=sekretariat)
    dele = [
        MaalingInput(andel, "2024", boligomraade=nord, taeller=1, naevner=40, kilde="Række 1"),
        MaalingInput(andel, "2024", boligomraade=syd, taeller=73, naevner=200, kilde="Række 2"),
    ]
    forkert = MaalingInput(
        andel, "2024", maalgruppe=SAMLET, taeller=39, naevner=200, kilde="Række 3"
    )
    with pytest.raises(ValidationError) as fejl:
        maalinger_gem(opfoelgning=aaret, raekker=[*dele, forkert], bruger=sekretariat)
    assert fejl.value.messages == [
        f"Række 3, tæller: »{SAMLET}« har 39 af 200, men områdernes tal lagt sammen giver "
        "Nordparken 1 af 40 + Sydparken 73 af 200 = 74 af 240. Tallet for flere områder "
        "samlet skal være summen af deres tællere og nævnere."
    ]
    assert not Maaling.objects.exists()
    rigtig = MaalingInput(
        andel, "2024", maalgruppe=SAMLET, taeller=74, naevner=240, kilde="Række 3"
    )
    maalinger_gem(opfoelgning=aaret, raekker=[*dele, rigtig], bruger=sekretariat)
    assert Maaling.objects.get(maalgruppe=SAMLET).vaerdi == Decimal("30.8")
    # A later change to one area must keep the saved total true as well.
    aendret = MaalingInput(andel, "2024", boligomraade=nord, taeller=2, naevner=40, kilde="Række 9")
    with pytest.raises(ValidationError) as fejl:
        maalinger_gem(opfoelgning=aaret, raekker=[aendret], bruger=sekretariat)
    assert fejl.value.messages[0].startswith(f"Række 9, tæller: »{SAMLET}« har 74 af 240")


def test_the_admins_baseline_grid_refuses_a_total_that_does_not_pool_its_areas(client):
    delmaal = DelmaalFactory()
    plan = delmaal.delaftale.helhedsplan
    nord = BoligomraadeFactory(helhedsplan=plan, navn="Nordparken")
    syd = BoligomraadeFactory(helhedsplan=plan, navn="Sydparken")
    client.force_login(bruger_med_rolle("sekretariat", SEKRETARIAT))
    url = admin_url(Indikator, "add") + f"?delmaal={delmaal.pk}"
    formular = Formular(client.get(url))
    formular.saet(delmaal=delmaal.pk, navn="Andel unge i job", enhed="procent")
    dele = [
        {"boligomraade": nord.pk, "antal_0": "3", "antal_1": "40", "periode": "2019"},
        {"boligomraade": syd.pk, "antal_0": "61", "antal_1": "200", "periode": "2019"},
    ]
    samlet = {"maalgruppe": SAMLET, "samlet_for": [str(nord.pk), str(syd.pk)], "periode": "2019"}
    formular.raekker("baselines", [*dele, {**samlet, "antal_0": "60", "antal_1": "240"}])
    svar = client.post(url, formular.data)
    assert svar.status_code == 200
    assert (
        f"»{SAMLET}« har 60 af 240, men områdernes tal lagt sammen giver Nordparken 3 af 40 + "
        "Sydparken 61 af 200 = 64 af 240."
    ) in svar.content.decode().replace("&raquo;", "»").replace("&laquo;", "«")
    assert not Indikator.objects.filter(navn="Andel unge i job").exists()
    formular.raekker("baselines", [*dele, {**samlet, "antal_0": "64", "antal_1": "240"}])
    assert client.post(url, formular.data).status_code == 302
    assert Baseline.objects.get(maalgruppe=SAMLET).vaerdi == Decimal("26.7")


def test_counts_are_read_with_the_danish_number_parser_everywhere(indikator):
    """»1.200« is twelve hundred in the admin's grid as in the follow-up's; »1,5« is no count."""
    form = _grid_form(indikator, antal_0="47", antal_1="1.200")
    assert form.is_valid(), form.errors
    assert (form.save().naevner, form.instance.vaerdi) == (1200, Decimal("3.9"))
    halv = _grid_form(indikator, antal_0="1,5", antal_1="40")
    assert not halv.is_valid()
    assert halv.errors["antal"] == ["Skriv et helt tal, fx 12."]
