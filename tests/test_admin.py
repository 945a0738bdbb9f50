"""The real admin, driven through Django's test client: who may do what, and what gets saved.

POST data is built the way a browser builds it: by reading the form on the page that was
just fetched (its fields, current values and the inline management forms), then filling in
inline rows from the empty-form template (`<prefix>-__prefix__-<field>`) the page carries.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from aktiviteter.models import Aktivitet
from delaftaler.models import Boligomraade, Delaftale, Delmaal, Helhedsplan, Indsatsomraade
from indikatorer.models import PROCENT_FEJL, Baseline, Indikator
from tests.adminformular import Formular, admin_url
from tests.factories import (
    AktivitetFactory,
    BoligomraadeFactory,
    DelmaalFactory,
    PartFactory,
    indsatsomraade,
)

# The real delaftaler are loaded once for the module (tests/conftest.py).
pytestmark = pytest.mark.delt_data

NBSP = "\u00a0"
FORSOERGEDE_18_29 = "Andel offentligt forsørgede fuldtidspersoner, 18-29 år"


def side(response) -> str:
    """The page of a form that was sent back (200) to be corrected."""
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def fejl(response) -> str:
    """The error messages on a page, to explain why a save did not go through."""
    if response.status_code != 200:
        return f"status {response.status_code}"
    fundne = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', side(response), re.S)
    return " | ".join(re.sub(r"<[^>]+>", " ", f).strip() for f in fundne) or "ingen fejl vist"


# --- Access --------------------------------------------------------------------------------


def test_anonymous_user_is_sent_to_the_admin_login(client, db):
    response = client.get("/admin/delaftaler/delaftale/")

    assert response.status_code == 302
    assert response.url == "/admin/login/?next=/admin/delaftaler/delaftale/"


def test_bestyrelse_can_view_a_delaftale(bestyrelse_client, vejle):
    response = bestyrelse_client.get(admin_url(Delaftale, "change", vejle.pk))

    assert response.status_code == 200
    assert "Vejle_21_25" in response.content.decode()


def test_bestyrelse_cannot_edit_delaftale(bestyrelse_client, vejle):
    url = admin_url(Delaftale, "change", vejle.pk)
    formular = Formular(bestyrelse_client.get(url))
    formular.saet(
        helhedsplan=vejle.helhedsplan_id,
        indsatsomraade=vejle.indsatsomraade_id,
        gyldig_fra="01.01.2022",
        gyldig_til="30.11.2025",
        medarbejderressourcer="<p>Ændret af bestyrelsen</p>",
        kommunal_sammenhaeng="<p>x</p>",
        revision="<p>x</p>",
    )
    foer = Delaftale.objects.values().get(pk=vejle.pk)

    response = bestyrelse_client.post(url, formular.data)

    assert response.status_code == 403
    assert Delaftale.objects.values().get(pk=vejle.pk) == foer


def test_bestyrelse_cannot_add_delaftale(bestyrelse_client, db):
    assert bestyrelse_client.get(admin_url(Delaftale, "add")).status_code == 403


def test_bestyrelse_cannot_post_a_new_delaftale(bestyrelse_client, vejle):
    response = bestyrelse_client.post(
        admin_url(Delaftale, "add"),
        {
            "helhedsplan": vejle.helhedsplan_id,
            "indsatsomraade": indsatsomraade("Tryghed og trivsel").pk,
        },
    )

    assert response.status_code == 403
    assert Delaftale.objects.count() == 1


def test_sekretariat_can_view_but_not_change_indsatsomraader(sekretariat_client):
    omraade = indsatsomraade()
    change_url = admin_url(Indsatsomraade, "change", omraade.pk)

    assert sekretariat_client.get(admin_url(Indsatsomraade)).status_code == 200
    visning = sekretariat_client.get(change_url)
    assert visning.status_code == 200
    assert 'name="_save"' not in visning.content.decode()

    response = sekretariat_client.post(
        change_url, {"navn": "Omdøbt", "slug": "omdoebt", "aktiv": "on", "raekkefoelge": "1"}
    )

    assert response.status_code == 403
    omraade.refresh_from_db()
    assert omraade.navn == "Beskæftigelse"
    assert sekretariat_client.get(admin_url(Indsatsomraade, "add")).status_code == 403
    assert (
        sekretariat_client.post(admin_url(Indsatsomraade, "delete", omraade.pk)).status_code == 403
    )
    assert Indsatsomraade.objects.filter(pk=omraade.pk).exists()


# --- The secretariat builds a delaftale through the add forms -----------------------------


def test_sekretariat_builds_plan_delaftale_and_indicator_through_the_admin(
    sekretariat_client, sekretariat_bruger, administrator_bruger
):
    # 1. Helhedsplan with two boligområder. Only an administrator adds a helhedsplan, and
    #    makes the secretariat its members; the secretariat then builds the rest.
    c = Client()
    c.force_login(administrator_bruger)
    formular = Formular(c.get(admin_url(Helhedsplan, "add")))
    formular.saet(
        navn="Kolding_22_26",
        slug="kolding-22-26",
        kommune="Kolding Kommune",
        gyldig_fra="01.01.2022",
        gyldig_til="31.12.2026",
        medlemmer=sekretariat_bruger.pk,
    )
    formular.raekker(
        "boligomraader",
        [
            {"navn": "Skovparken", "afdelinger": "afd. 4", "raekkefoelge": 1},
            {"navn": "Munkebo", "afdelinger": "", "raekkefoelge": 2},
        ],
    )
    response = c.post(admin_url(Helhedsplan, "add"), formular.data)
    assert response.status_code == 302, fejl(response)
    plan = Helhedsplan.objects.get(navn="Kolding_22_26")
    assert (plan.gyldig_fra, plan.gyldig_til) == (
        datetime.date(2022, 1, 1),
        datetime.date(2026, 12, 31),
    )
    assert [o.navn for o in plan.boligomraader.all()] == ["Skovparken", "Munkebo"]
    skovparken, munkebo = plan.boligomraader.all()
    assert list(plan.medlemmer.all()) == [sekretariat_bruger]
    c = sekretariat_client

    # 2. Delaftale with a delmål.
    formular = Formular(c.get(admin_url(Delaftale, "add")))
    formular.saet(
        helhedsplan=plan.pk,
        indsatsomraade=indsatsomraade().pk,
        gyldig_fra="01.01.2022",
        gyldig_til="31.12.2026",
        medarbejderressourcer="<p>1,5 boligsocial medarbejder</p>",
        kommunal_sammenhaeng="<p>Jobcentret er med i styregruppen.</p>",
        revision="<p>Bestyrelsen godkender faglige ændringer.</p>",
    )
    formular.raekker("delmaal", [{"tekst": "Flere unge i job", "raekkefoelge": 1}])
    response = c.post(admin_url(Delaftale, "add"), formular.data)
    assert response.status_code == 302, fejl(response)
    aftale = Delaftale.objects.get(helhedsplan=plan)
    assert aftale.medarbejderressourcer == "<p>1,5 boligsocial medarbejder</p>"
    delmaal = aftale.delmaal.get()
    assert delmaal.tekst == "Flere unge i job"

    # 3. Indikator under the delmål, with a baseline per boligområde in the grid.
    formular = Formular(c.get(admin_url(Indikator, "add")))
    formular.saet(
        delmaal=delmaal.pk, navn="Andel unge i job", enhed="procent", datakilde="LBF Beboerdata"
    )
    formular.raekker(
        "baselines",
        [
            {
                "boligomraade": skovparken.pk,
                "vaerdi": "56,20",
                "sammenligning": "9,6",
                "sammenligning_label": "Kolding Kommune",
                "periode": "2019",
                "raekkefoelge": 1,
            },
            {
                "boligomraade": munkebo.pk,
                "vaerdi": "11,3 %",
                "periode": "Aug 2021",
                "datakilde": "Jobcentret",
                "raekkefoelge": 2,
            },
        ],
    )
    response = c.post(admin_url(Indikator, "add"), formular.data)
    assert response.status_code == 302, fejl(response)

    indikator = Indikator.objects.get(delmaal=delmaal)
    baselines = {b.boligomraade: b for b in indikator.baselines.all()}
    assert set(baselines) == {skovparken, munkebo}
    sp, mb = baselines[skovparken], baselines[munkebo]
    assert (sp.vaerdi, sp.vaerdi_tekst) == (Decimal("56.20"), f"56,20{NBSP}%")
    assert sp.sammenligning_tekst == f"9,6{NBSP}%"
    assert (sp.periode_tekst, sp.sammenligning_label) == ("2019", "Kolding Kommune")
    assert sp.datakilde_tekst == "LBF Beboerdata"
    assert (mb.vaerdi_tekst, mb.periode, mb.periode_tekst) == (
        f"11,3{NBSP}%",
        "2021-08",
        "aug. 2021",
    )
    assert mb.datakilde_tekst == "Jobcentret"

    # The grid shows them back the way they were typed.
    html = c.get(admin_url(Indikator, "change", indikator.pk)).content.decode()
    for vist in ('value="56,20"', 'value="9,6"', 'value="11,3"', 'value="aug. 2021"'):
        assert vist in html


# --- A grid with one bad row saves nothing ---------------------------------------------------


@pytest.fixture
def delmaal_med_omraader(db):
    delmaal = DelmaalFactory()
    plan = delmaal.delaftale.helhedsplan
    return delmaal, BoligomraadeFactory(helhedsplan=plan), BoligomraadeFactory(helhedsplan=plan)


def test_indicator_with_one_bad_baseline_row_saves_nothing(
    sekretariat_client, delmaal_med_omraader
):
    delmaal, a, b = delmaal_med_omraader
    formular = Formular(sekretariat_client.get(admin_url(Indikator, "add")))
    formular.saet(delmaal=delmaal.pk, navn="Andel i job", enhed="procent")
    formular.raekker(
        "baselines",
        [
            {"boligomraade": a.pk, "vaerdi": "11,3", "periode": "2019", "raekkefoelge": 1},
            {"boligomraade": b.pk, "vaerdi": "120", "periode": "2019", "raekkefoelge": 2},
        ],
    )

    foer = (Indikator.objects.count(), Baseline.objects.count())
    response = sekretariat_client.post(admin_url(Indikator, "add"), formular.data)

    tekst = side(response)
    assert PROCENT_FEJL in tekst
    assert 'value="120"' in tekst  # the input is kept for correction
    assert not Indikator.objects.filter(navn="Andel i job").exists()
    assert (Indikator.objects.count(), Baseline.objects.count()) == foer


def test_bad_row_in_existing_grid_changes_nothing(sekretariat_client, vejle):
    indikator = Indikator.objects.get(delmaal__delaftale=vejle, navn=FORSOERGEDE_18_29)
    url = admin_url(Indikator, "change", indikator.pk)
    foer = sorted(Baseline.objects.filter(indikator=indikator).values_list("pk", "vaerdi"))
    formular = Formular(sekretariat_client.get(url))
    forste, anden = (f"baselines-{i}-vaerdi" for i in (0, 1))
    assert formular.data[forste] == ["11,3"]
    formular.saet(**{forste: "12,0", anden: "101", "navn": "Omdøbt indikator"})

    response = sekretariat_client.post(url, formular.data)

    assert PROCENT_FEJL in side(response)
    assert sorted(Baseline.objects.filter(indikator=indikator).values_list("pk", "vaerdi")) == foer
    indikator.refresh_from_db()
    assert indikator.navn == FORSOERGEDE_18_29


# --- Changelists, search and the grid with the real delaftaler --------------------------------


@pytest.mark.parametrize("model", [Delaftale, Indikator, Delmaal, Aktivitet, Helhedsplan])
def test_changelists_load_for_the_secretariat(sekretariat_client, vejle, viborg, model):
    response = sekretariat_client.get(admin_url(model))

    assert response.status_code == 200
    assert response.context["cl"].result_count == model.objects.count() > 0


def test_activity_search_finds_tjansen(sekretariat_client, vejle, viborg):
    response = sekretariat_client.get(admin_url(Aktivitet), {"q": "Tjansen"})

    assert response.status_code == 200
    fundne = [a.navn for a in response.context["cl"].result_list]
    assert "Tjansen" in fundne
    assert all(a.delaftale == vejle for a in response.context["cl"].result_list)
    assert len(fundne) < Aktivitet.objects.count()


def test_helhedsplan_search_finds_a_boligomraade(sekretariat_client, vejle, viborg):
    response = sekretariat_client.get(admin_url(Helhedsplan), {"q": "Nørremarken"})

    assert response.status_code == 200
    assert [p.navn for p in response.context["cl"].result_list] == ["Vejle_21_25"]
    assert "Vejle_21_25" in response.content.decode()


def test_baseline_grid_shows_danish_numbers_with_bounded_queries(
    sekretariat_client, vejle, viborg, django_assert_max_num_queries
):
    indikator = Indikator.objects.get(delmaal__delaftale=vejle, navn=FORSOERGEDE_18_29)
    url = admin_url(Indikator, "change", indikator.pk)

    # 17 with both real delaftaler loaded; the count does not grow with rows (test below).
    with django_assert_max_num_queries(17):
        response = sekretariat_client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    for vist in ('value="11,3"', 'value="16,8"', 'value="9,6"', 'value="2019"'):
        assert vist in html
    assert 'value="11.3' not in html


def test_baseline_grid_query_count_does_not_grow_with_rows(sekretariat_client, vejle):
    """Adding baselines to the grid must not add queries per row."""
    indikator = Indikator.objects.get(delmaal__delaftale=vejle, navn=FORSOERGEDE_18_29)
    url = admin_url(Indikator, "change", indikator.pk)
    sekretariat_client.get(url)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as foer:
        sekretariat_client.get(url)
    plan = vejle.helhedsplan
    for nr in range(5):
        Baseline.objects.create(
            indikator=indikator,
            boligomraade=Boligomraade.objects.create(helhedsplan=plan, navn=f"Nyt område {nr}"),
            vaerdi=Decimal("12.5"),
            vaerdi_decimaler=1,
            periode="2020",
        )
    with CaptureQueriesContext(connection) as efter:
        sekretariat_client.get(url)

    assert len(efter.captured_queries) == len(foer.captured_queries)


def test_delaftale_form_runs_the_same_queries_with_ten_times_the_rows(
    sekretariat_client, vejle, django_assert_max_num_queries
):
    """The delaftale's change form (parter, delmål and aktiviteter inlines): no query per
    row, so Vejle and Vejle with many more rows in every inline cost the same."""
    url = admin_url(Delaftale, "change", vejle.pk)
    sekretariat_client.get(url)  # warm caches (content types, session)
    with django_assert_max_num_queries(12), CaptureQueriesContext(connection) as foer:
        assert sekretariat_client.get(url).status_code == 200
    for nr in range(20):
        PartFactory(delaftale=vejle, navn=f"Ekstra part {nr}")
        delmaal = DelmaalFactory(delaftale=vejle, tekst=f"Ekstra delmål {nr}")
        AktivitetFactory(delaftale=vejle, navn=f"Ekstra aktivitet {nr}").delmaal.add(delmaal)
    with CaptureQueriesContext(connection) as efter:
        svar = sekretariat_client.get(url)

    assert "Ekstra aktivitet 19" in svar.content.decode()
    assert "Ekstra part 19" in svar.content.decode()
    assert len(efter.captured_queries) == len(foer.captured_queries)


# --- Two rows for the same place and period: a Danish error on the row, nothing lost -------


def test_two_new_baselines_for_the_same_area_and_period_are_refused_on_the_row(
    delmaal_med_omraader, sekretariat_client
):
    delmaal, a, _ = delmaal_med_omraader
    formular = Formular(sekretariat_client.get(admin_url(Indikator, "add")))
    formular.saet(delmaal=delmaal.pk, navn="Andel i uddannelse", enhed="procent")
    formular.raekker(
        "baselines",
        [
            {"boligomraade": a.pk, "vaerdi": "11,3", "periode": "2019", "raekkefoelge": 1},
            {"boligomraade": a.pk, "vaerdi": "12,7", "periode": "2019", "raekkefoelge": 2},
        ],
    )
    foer = Baseline.objects.count()

    response = sekretariat_client.post(admin_url(Indikator, "add"), formular.data)

    tekst = side(response)
    assert "Indikatoren har allerede en baseline for dette boligområde og denne periode." in tekst
    assert 'value="11,3"' in tekst and 'value="12,7"' in tekst
    assert not Indikator.objects.filter(navn="Andel i uddannelse").exists()
    assert Baseline.objects.count() == foer


def test_a_new_baseline_for_a_target_group_and_period_already_in_the_grid_is_refused(
    delmaal_med_omraader, sekretariat_client
):
    delmaal, _, _ = delmaal_med_omraader
    formular = Formular(sekretariat_client.get(admin_url(Indikator, "add")))
    formular.saet(delmaal=delmaal.pk, navn="Andel i uddannelse", enhed="procent")
    raekke = {"boligomraade": "", "maalgruppe": "Unge 18-29 år", "periode": "2019"}
    formular.raekker(
        "baselines",
        [
            {**raekke, "vaerdi": "11,3", "raekkefoelge": 1},
            {**raekke, "vaerdi": "9", "raekkefoelge": 2},
        ],
    )

    response = sekretariat_client.post(admin_url(Indikator, "add"), formular.data)

    assert "Indikatoren har allerede en baseline for denne målgruppe og denne periode." in side(
        response
    )
    assert not Indikator.objects.filter(navn="Andel i uddannelse").exists()


def test_saving_the_baseline_grid_as_shown_ignores_the_untouched_rows_for_missing_areas(
    sekretariat_client, vejle
):
    indikator = Indikator.objects.get(delmaal__delaftale=vejle, navn=FORSOERGEDE_18_29)
    nyt = Boligomraade.objects.create(helhedsplan=vejle.helhedsplan, navn="Nyt område")
    url = admin_url(Indikator, "change", indikator.pk)
    formular = Formular(sekretariat_client.get(url))
    foerste_nye = int(formular.data["baselines-INITIAL_FORMS"][0])
    assert formular.data[f"baselines-{foerste_nye}-boligomraade"] == [str(nyt.pk)]
    foer = Baseline.objects.filter(indikator=indikator).count()

    response = sekretariat_client.post(url, formular.data)

    assert response.status_code == 302, fejl(response)
    assert Baseline.objects.filter(indikator=indikator).count() == foer


# --- Danish and whose: the add pages -------------------------------------------------------


def _tilfoej_tekster(html: str) -> list[str]:
    import html as html_modul
    import json

    return [
        json.loads(html_modul.unescape(data))["options"]["addText"]
        for data in re.findall(r'data-inline-formset="([^"]+)"', html)
    ]


def test_every_add_another_link_reads_as_danish(sekretariat_client, vejle):
    delaftale = sekretariat_client.get(admin_url(Delaftale, "change", vejle.pk)).content.decode()
    assert "Tilføj endnu et delmål" in _tilfoej_tekster(delaftale)
    assert "Tilføj endnu en part" in _tilfoej_tekster(delaftale)
    plan = sekretariat_client.get(admin_url(Helhedsplan, "change", vejle.helhedsplan.pk))
    assert "Tilføj endnu et boligområde" in _tilfoej_tekster(plan.content.decode())
    delmaal = sekretariat_client.get(admin_url(Delmaal, "change", vejle.delmaal.first().pk))
    assert _tilfoej_tekster(delmaal.content.decode()) == ["Tilføj endnu en indikator"]


def test_add_indikator_says_whose_each_delmaal_and_area_is(sekretariat_client, vejle, viborg):
    html = sekretariat_client.get(admin_url(Indikator, "add")).content.decode()
    delmaal = vejle.delmaal.first()
    assert f"Vejle_21_25 – Beskæftigelse: {delmaal.tekst}" in html.replace("&amp;", "&")
    omraade = vejle.helhedsplan.boligomraader.first()
    assert f">{omraade.navn} (Vejle_21_25)</option>" in html
    # Added from a delmål (?delmaal=), only that helhedsplan's areas are offered.
    html = sekretariat_client.get(
        admin_url(Indikator, "add") + f"?delmaal={delmaal.pk}"
    ).content.decode()
    assert f">{omraade.navn}</option>" in html
    for anden in viborg.helhedsplan.boligomraader.all():
        assert f">{anden.navn}</option>" not in html and f">{anden.navn} (" not in html


def test_a_new_indikator_sorts_last_in_its_delmaal(sekretariat_client, vejle):
    delmaal = vejle.delmaal.first()
    foer = list(delmaal.indikatorer.values_list("navn", flat=True))
    formular = Formular(sekretariat_client.get(admin_url(Indikator, "add")))
    formular.saet(delmaal=delmaal.pk, navn="Den nyeste indikator", enhed="antal")
    response = sekretariat_client.post(admin_url(Indikator, "add"), formular.data)
    assert response.status_code == 302, fejl(response)
    assert list(delmaal.indikatorer.values_list("navn", flat=True)) == [
        *foer,
        "Den nyeste indikator",
    ]
