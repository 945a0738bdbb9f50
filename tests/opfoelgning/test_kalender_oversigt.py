"""/opfoelgninger/ shows the follow-up calendar and every delaftale of the person's
helhedsplaner with its due years not created yet – also one with no years at all (as
Viborg had) – each with a button that creates the year through the ordinary form."""

from __future__ import annotations

import datetime
import re
from unittest import mock

import pytest
from django.urls import reverse

from delaftaler.models import Bestyrelsesmoede, Opfoelgning
from delaftaler.roller import BESTYRELSE, SEKRETARIAT
from tests.factories import DelaftaleFactory, HelhedsplanFactory
from tests.planer import ny_bruger

pytestmark = pytest.mark.django_db

IDAG = datetime.date(2024, 2, 15)


@pytest.fixture(autouse=True)
def idag():
    with mock.patch(
        "delaftaler.opfoelgning.views.opfoelgninger.timezone.localdate", return_value=IDAG
    ):
        yield


@pytest.fixture
def viborg():
    plan = HelhedsplanFactory(navn="Viborg_22_26", slug="viborg-22-26")
    Bestyrelsesmoede.objects.create(helhedsplan=plan, dato=datetime.date(2024, 3, 5))
    return DelaftaleFactory(
        helhedsplan=plan,
        gyldig_fra=datetime.date(2022, 1, 1),
        gyldig_til=datetime.date(2026, 12, 31),
    )


def _html(svar) -> str:
    assert svar.status_code == 200
    return re.sub(r"\s+", " ", svar.content.decode())


def test_a_delaftale_without_years_is_listed_with_its_due_years_and_a_create_button(client, viborg):
    client.force_login(ny_bruger("s", SEKRETARIAT, medlem_af=viborg.helhedsplan))
    html = _html(client.get("/opfoelgninger/"))
    liste = reverse("delaftaler:opfoelgning_liste", args=["viborg-22-26", "beskaeftigelse"])
    assert "År, der ikke er oprettet" in html
    assert f'href="{liste}">Viborg_22_26 – Beskæftigelse</a>' in html
    # 2022 was due 01.03.2023: overdue, in words; 2023 is due 01.03.2024.
    assert re.search(r"Overskredet:</strong> 2022 – Fristen var 01\.03\.2023", html)
    assert "2023 – Frist 01.03.2024 (om 15 dage)" in html
    assert 'name="aar" value="2024"' in html  # begun this year
    assert 'name="aar" value="2025"' not in html  # not begun
    # The calendar: the deadlines and the board's next meeting.
    assert "Opfølgning 2023: Viborg_22_26 – Beskæftigelse" in html
    assert re.search(r"05\.03\.2024</span>: Viborg_22_26", html)

    svar = client.post(liste, {"aar": "2022"})
    assert svar.status_code == 302
    assert Opfoelgning.objects.filter(delaftale=viborg, aar=2022, status="kladde").exists()
    assert 'name="aar" value="2022"' not in _html(client.get("/opfoelgninger/"))


def test_another_plans_delaftaler_are_not_listed(client, viborg):
    anden = HelhedsplanFactory(navn="Anden_22_26")
    client.force_login(ny_bruger("s", SEKRETARIAT, medlem_af=anden))
    html = _html(client.get("/opfoelgninger/"))
    assert "Viborg_22_26" not in html


def test_the_board_gets_no_create_buttons_nor_the_secretariats_deadlines(client, viborg):
    client.force_login(ny_bruger("b", BESTYRELSE, medlem_af=viborg.helhedsplan))
    html = _html(client.get("/opfoelgninger/"))
    assert "År, der ikke er oprettet" not in html and 'name="aar"' not in html
    assert "Opfølgning 2023: Viborg_22_26" not in html
    assert "Næste bestyrelsesmøder" in html


def test_the_list_reads_the_calendar_in_a_fixed_number_of_queries(client, viborg):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    bruger = ny_bruger("s", SEKRETARIAT, medlem_af=viborg.helhedsplan)
    client.force_login(bruger)
    Opfoelgning.objects.create(delaftale=viborg, aar=2022)

    def antal() -> int:
        with CaptureQueriesContext(connection) as q:
            assert client.get("/opfoelgninger/").status_code == 200
        return len(q)

    foer = antal()
    for n in range(3):
        plan = HelhedsplanFactory(navn=f"Flere_{n}_26")
        plan.medlemmer.add(bruger)
        d = DelaftaleFactory(helhedsplan=plan)
        Opfoelgning.objects.create(delaftale=d, aar=2022)
        Bestyrelsesmoede.objects.create(helhedsplan=plan, dato=datetime.date(2024, 4, 1))
    assert antal() == foer
