import datetime

import pytest

from delaftaler.kalender import Art, frister, med_kalender, opfoelgningsfrister
from delaftaler.models import Delaftale, Helhedsplan, Opfoelgning
from tests.factories import DelaftaleFactory, HelhedsplanFactory

pytestmark = pytest.mark.django_db


def _delaftale(fra, til, **plan) -> Delaftale:
    helhedsplan = HelhedsplanFactory(gyldig_fra=fra, gyldig_til=til, **plan)
    return DelaftaleFactory(helhedsplan=helhedsplan, gyldig_fra=fra, gyldig_til=til)


def test_the_due_date_is_the_plans_rule_in_the_year_after():
    plan = Helhedsplan(opfoelgning_frist_dag=1, opfoelgning_frist_maaned=3)
    assert plan.opfoelgningsfrist(2024) == datetime.date(2025, 3, 1)
    assert plan.opfoelgning_frist_tekst == "1. marts året efter"


def test_a_rule_of_the_31st_falls_on_the_months_last_day():
    plan = Helhedsplan(opfoelgning_frist_dag=29, opfoelgning_frist_maaned=2)
    assert plan.opfoelgningsfrist(2023) == datetime.date(2024, 2, 29)
    assert plan.opfoelgningsfrist(2024) == datetime.date(2025, 2, 28)


def test_a_day_the_month_never_has_is_refused_in_danish():
    plan = HelhedsplanFactory.build(opfoelgning_frist_dag=31, opfoelgning_frist_maaned=4)
    with pytest.raises(Exception) as fejl:
        plan.full_clean()
    assert "April har kun 30 dage." in str(fejl.value)


def test_every_begun_year_of_the_period_is_due_created_or_not():
    delaftale = _delaftale(datetime.date(2022, 1, 1), datetime.date(2025, 12, 31))
    Opfoelgning.objects.create(delaftale=delaftale, aar=2022, status="godkendt")
    Opfoelgning.objects.create(delaftale=delaftale, aar=2023, status="kladde")
    aarene = opfoelgningsfrister(delaftale, datetime.date(2024, 6, 1))
    assert [(f.aar, f.status, f.dato) for f in aarene] == [
        (2022, "godkendt", datetime.date(2023, 3, 1)),
        (2023, "kladde", datetime.date(2024, 3, 1)),
        (2024, "mangler", datetime.date(2025, 3, 1)),
    ]


def test_overdue_and_upcoming_deadlines_soonest_first_without_the_done_ones(
    django_assert_num_queries,
):
    delaftale = _delaftale(datetime.date(2022, 1, 1), datetime.date(2024, 4, 30))
    Opfoelgning.objects.create(delaftale=delaftale, aar=2022, status="sendt")
    idag = datetime.date(2024, 2, 15)
    with django_assert_num_queries(2):
        resultat = frister(med_kalender(Delaftale.objects.all()), idag)
    assert [(f.art, f.aar, f.dato) for f in resultat] == [
        (Art.OPFOELGNING, 2023, datetime.date(2024, 3, 1)),
        (Art.PERIODE_SLUT, None, datetime.date(2024, 4, 30)),
    ]
    naeste = resultat[0]
    assert not naeste.overskredet(idag)
    assert naeste.tekst(idag) == "Frist 01.03.2024 (om 15 dage)"
    assert naeste.overskredet(datetime.date(2024, 3, 4))
    assert naeste.tekst(datetime.date(2024, 3, 4)) == "Fristen var 01.03.2024 (3 dage siden)"
