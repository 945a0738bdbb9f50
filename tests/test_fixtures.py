"""The two real delaftaler load complete, and every baseline matches the seed documents.

EXPECTED is typed from the documents in fixtures/kilder/ by hand, independently of the
fixture JSON, so a slip in either shows up here.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from aktiviteter.models import Aktivitet
from delaftaler.indlaesning import IndlaesningsFejl, indlaes_fil
from delaftaler.models import (
    Bestyrelsesmoede,
    Delaftale,
    Helhedsplan,
    Indstilling,
    Part,
    Version,
)
from indikatorer.models import Baseline
from tests.conftest import VEJLE, VIBORG

KILDER = Path(settings.BASE_DIR) / "fixtures" / "kilder"

P = "procent"
FORSOERGEDE_18_29 = "Andel offentligt forsørgede fuldtidspersoner, 18-29 år"
FORSOERGEDE_30_64 = "Andel offentligt forsørgede fuldtidspersoner, 30-64 år"
YDELSER = "Andel af beboere på ydelser, 18-64 år"
SMAAJOBS = "Andel af borgere i småjobs, 18-64 år"
FRITIDSJOB = "Antal unge der opnår minimum 6 måneders ordinært fritidsjob"
BESKAEFTIGEDE = "Andel af beboere der er i beskæftigelse (18-64 årige)"
FORSOERGELSE = "Andel af beboere (18-64 årige) på offentlig forsørgelse"

# (indikator, sted, baseline, anden baseline, baseline år, datakilde)
EXPECTED = {
    "Vejle_21_25": [
        (FORSOERGEDE_18_29, "Nørremarken", "11,3 %", "9,6 %", "2019", "LBF Beboerdata"),
        (FORSOERGEDE_18_29, "Vestbyen", "16,8 %", "9,6 %", "2019", "LBF Beboerdata"),
        (FORSOERGEDE_18_29, "Møllevangen", "19,2 %", "9,6 %", "2019", "LBF Beboerdata"),
        (FORSOERGEDE_18_29, "Løget By", "11,2 %", "9,6 %", "2019", "LBF Beboerdata"),
        (FORSOERGEDE_30_64, "Nørremarken", "45,7 %", "13,9 %", "2019", "LBF Beboerdata"),
        (FORSOERGEDE_30_64, "Vestbyen", "42,6 %", "13,9 %", "2019", "LBF Beboerdata"),
        (FORSOERGEDE_30_64, "Møllevangen", "35,5 %", "13,9 %", "2019", "LBF Beboerdata"),
        (FORSOERGEDE_30_64, "Løget By", "40,7 %", "13,9 %", "2019", "LBF Beboerdata"),
        (YDELSER, "Nørremarken", "21,4 %", "7,5 %", "2020", "Vejle Kommune Fasit"),
        (YDELSER, "Vestbyen", "20,8 %", "7,5 %", "2020", "Vejle Kommune Fasit"),
        (YDELSER, "Møllevangen", "21,4 %", "7,5 %", "2020", "Vejle Kommune Fasit"),
        (YDELSER, "Løget By", "18,7 %", "7,5 %", "2020", "Vejle Kommune Fasit"),
        (SMAAJOBS, "Løget By", "5,3 %", "", "aug. 2021", "Jobcenter Vejles fagsystem"),
        (SMAAJOBS, "Vestbyen", "3,7 %", "", "aug. 2021", "Jobcenter Vejles fagsystem"),
        (SMAAJOBS, "Møllevangen", "0,0 %", "", "aug. 2021", "Jobcenter Vejles fagsystem"),
        (SMAAJOBS, "Nørremarken", "4,7 %", "", "aug. 2021", "Jobcenter Vejles fagsystem"),
        (
            FRITIDSJOB,
            "Opgjort samlet for Nørremarken og Løget Høj",
            "47",
            "",
            "2019",
            "Egne tal HHP (Tjansen)",
        ),
    ],
    "Viborg_25_29": [
        *(
            (BESKAEFTIGEDE, sted, vaerdi, "79,42 %", "2021", "LBF tabel 10")
            for sted, vaerdi in [
                ("Karup afd. 8", "60,87 %"),
                ("Karup afd. 111", "63,33 %"),
                ("Houlkærvænget", "56,45 %"),
                ("Stoholm", "50 %"),
                ("Kærsangerparken", "43,22 %"),
                ("Ellekonebakken", "50,19 %"),
                ("Klostervænget", "59,45 %"),
                ("Vestervang", "55,83 %"),
                ("Ringparken", "56,20 %"),
            ]
        ),
        *(
            (FORSOERGELSE, sted, vaerdi, "11,07 %", "2021", "LBF")
            for sted, vaerdi in [
                ("Karup afd. 8", "17,08 %"),
                ("Karup afd. 111", "26,35 %"),
                ("Houlkærvænget", "19,41 %"),
                ("Stoholm", "43,05 %"),
                ("Ellekonebakken", "28,89 %"),
                ("Klostervænget", "15,65 %"),
                ("Vestervang", "21,91 %"),
                ("Ringparken", "24,13 %"),
            ]
        ),
        (
            "Beskæftigelsesgraden",
            "",
            "Data kommer",
            "",
            "",
            "Viborg Kommune, boligsocial monitorering",
        ),
        (
            "Andel af 18-66 årige på forskellige ydelsestyper",
            "",
            "Data kommer",
            "",
            "",
            "Viborg Kommune, boligsocial monitorering",
        ),
    ],
}


def _baselines(plan: str) -> list[tuple[str, ...]]:
    rows = (
        Baseline.objects.filter(indikator__delmaal__delaftale__helhedsplan__navn=plan)
        .select_related("indikator", "boligomraade")
        .order_by("indikator__delmaal__raekkefoelge", "indikator__raekkefoelge", "raekkefoelge")
    )
    return [
        (
            b.indikator.navn,
            b.sted,
            b.vaerdi_tekst.replace("\u00a0", " "),
            b.sammenligning_tekst.replace("\u00a0", " "),
            b.periode_tekst,
            b.datakilde_tekst,
        )
        for b in rows
    ]


@pytest.mark.parametrize("plan", ["Vejle_21_25", "Viborg_25_29"])
def test_every_baseline_matches_the_seed_document(vejle, viborg, plan):
    assert _baselines(plan) == EXPECTED[plan]


@pytest.mark.parametrize(
    ("plan", "kilde"),
    [
        ("Vejle_21_25", "vejle_21_25_beskaeftigelse.txt"),
        ("Viborg_25_29", "viborg_25_29_beskaeftigelse.txt"),
    ],
)
def test_every_baseline_value_stands_in_the_source_text(vejle, viborg, plan, kilde):
    """The numbers themselves are read back from the document, as the OCR wrote them."""
    tekst = (KILDER / kilde).read_text(encoding="utf-8")
    tal_i_kilden = {t.replace(".", ",") for t in re.findall(r"\d+(?:[.,]\d+)?(?=\s?%)", tekst)}
    tal_i_kilden |= set(re.findall(r"(?<=\t)\d+(?=\t)", tekst))
    for row in EXPECTED[plan]:
        for vaerdi in (row[2], row[3]):
            tal = vaerdi.removesuffix(" %")
            if tal and tal != "Data kommer":
                assert tal in tal_i_kilden, f"{tal} ({row[0]}, {row[1]}) står ikke i {kilde}"


def test_vejle_is_complete(vejle):
    assert vejle.helhedsplan.navn == "Vejle_21_25"
    assert vejle.periode_tekst == "01.12.2021–30.11.2025"
    assert [o.navn for o in vejle.helhedsplan.boligomraader.all()] == [
        "Nørremarken",
        "Vestbyen",
        "Møllevangen",
        "Løget By",
    ]
    assert vejle.parter.count() == 9
    assert vejle.parter.filter(type=Part.Type.PERSON, navn="Daniel Bomholt").get().titel == (
        "arbejdsmarkedschef"
    )
    assert [d.tekst for d in vejle.delmaal.all()] == [
        "Nedbringe andelen af beboere der står uden for arbejdsmarkedet",
        "Øge andelen af udsatte borgere i småjobs",
        "Flere unge får et fritidsjob",
    ]
    assert [a.navn for a in vejle.aktiviteter.all()] == [
        "Vejen til beskæftigelse – Aktivitetsparate over 30",
        "Håndholdt indsats for udsatte unge (under 30)",
        "Rekrutteringsevents med det lokale erhvervsliv",
        "Tættere på beskæftigelse via sundhed og trivsel – Idræt i dagtimerne",
        "Tjansen",
    ]
    for aktivitet in vejle.aktiviteter.all():
        for felt in ("formaal", "maalgrupper", "indhold_og_praksis", "ansvar_og_roller"):
            assert getattr(aktivitet, felt).startswith("<"), (aktivitet, felt)
    assert "100 t./md." in vejle.medarbejderressourcer
    assert "Jobcenter Vejle" in vejle.kommunal_sammenhaeng
    assert "sekretariatslederen" in vejle.revision
    samlet = Baseline.objects.get(indikator__navn=FRITIDSJOB)
    assert {o.navn for o in samlet.samlet_for.all()} == {"Nørremarken", "Løget By"}


def test_viborg_is_complete_and_in_correct_danish(viborg):
    assert viborg.helhedsplan.kommune == "Viborg Kommune"
    assert viborg.periode_tekst == "01.08.2025–31.07.2029"
    assert viborg.helhedsplan.boligomraader.count() == 9
    assert [p.navn for p in viborg.parter.all()] == ["Chefgruppen", "Ad hoc-gruppen"]
    assert [a.navn for a in viborg.aktiviteter.all()] == [
        "Jobsamtaletræning",
        "Fremskudt rådgivning med fokus på uddannelse og beskæftigelse",
        "Workshops",
    ]
    assert [a.ressourceestimat for a in viborg.aktiviteter.all()] == [
        "15 timer pr. uge pr. år",
        "19 timer pr. uge pr. år",
        "15 timer pr. uge pr. år",
    ]
    assert "Øge antallet af unge og voksne" in viborg.kommunale_maalsaetninger
    tekster = [
        viborg.ansvarlige,
        viborg.medarbejderressourcer,
        viborg.kommunal_sammenhaeng,
        viborg.kommunale_maalsaetninger,
        viborg.revision,
        *(p.beskrivelse for p in viborg.parter.all()),
        *(
            getattr(a, f)
            for a in viborg.aktiviteter.all()
            for f in ("formaal", "maalgrupper", "indhold_og_praksis", "ansvar_og_roller")
        ),
    ]
    alt = " ".join(tekster)
    for ocr_skade in (
        "malgruppe",
        "udfgres",
        "Beskaeftigelse",
        "boligomrade",
        "arbejdsmarkedsti ",
        "Igbende",
    ):
        assert ocr_skade not in alt, ocr_skade
    assert min(alt.count("æ"), alt.count("ø"), alt.count("å")) > 20


def test_loading_twice_changes_nothing(vejle):
    before = (Delaftale.objects.count(), Baseline.objects.count(), Aktivitet.objects.count())
    resultat = indlaes_fil(VEJLE)
    assert not resultat.oprettet
    assert (
        Delaftale.objects.count(),
        Baseline.objects.count(),
        Aktivitet.objects.count(),
    ) == before


def test_demo_command_loads_both_and_prints_logins_and_is_repeatable(
    db, capsys, settings, django_capture_on_commit_callbacks
):
    """Run twice, as `make run` does each time: the second run changes nothing and names
    the address it was given (each run of the command takes many seconds)."""
    settings.DEBUG = True
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo")
        foerste = capsys.readouterr().out
        call_command("demo", adresse="http://127.0.0.1:8123")
    # The versions' PDFs are left to the worker that `make run` starts after `demo`.
    assert sorted(
        DBTaskResult.objects.filter(
            task_path="delaftaler.publicering.version_pdf.version_pdf_opgave"
        ).values_list("args_kwargs__args", flat=True)
    ) == sorted([v] for v in Version.objects.values_list("pk", flat=True))
    out = capsys.readouterr().out
    assert Helhedsplan.objects.count() == 2
    assert Baseline.objects.count() == 17 + 19
    assert "brugernavn: sekretariat" in foerste and "adgangskode:" in foerste
    assert "Findes allerede: Vejle_21_25 – Beskæftigelse" in out
    assert "Demo-logins på http://127.0.0.1:8000/log-ind/" in foerste
    assert "Demo-logins på http://127.0.0.1:8123/log-ind/" in out
    # Something on each role's Mit overblik, once: a submission waiting for the board and
    # the boards' next meetings (besides Vejle's 2024 sent to the board and the due years).
    assert Indstilling.objects.filter(status="afventer").count() == 1
    # The meetings: the two where Vejle's 2022 and 2023 were approved, and two coming
    # ones for each plan.
    assert Bestyrelsesmoede.objects.count() == 6


def test_fixture_with_an_error_writes_nothing(db, tmp_path):
    data = VIBORG.read_text(encoding="utf-8").replace('"60,87"', '"160,87"')
    fil = tmp_path / "forkert.json"
    fil.write_text(data, encoding="utf-8")
    with pytest.raises(IndlaesningsFejl, match="procentsats"):
        indlaes_fil(fil)
    assert not Helhedsplan.objects.exists()
    assert not Baseline.objects.exists()
