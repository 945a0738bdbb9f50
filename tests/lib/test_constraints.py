"""full_clean() asks the database about a model's check constraints in one query, and
refuses exactly what Django's own validation (one query per constraint) refuses."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from delaftaler.lib.constraints import EnForespoergselsKontrol
from delaftaler.models import Helhedsplan, Opfoelgning
from indikatorer.models import Baseline, Indikator
from tests.factories import BaselineFactory, DelaftaleFactory, HelhedsplanFactory

pytestmark = pytest.mark.django_db


def _fejl(kontrol) -> dict[str, list[str]]:
    try:
        kontrol()
    except ValidationError as e:
        return e.message_dict
    return {}


def _som_django(obj, exclude=None) -> tuple[dict, dict]:
    """The errors of the one-query validation, and of Django's own."""
    return (
        _fejl(lambda: obj.validate_constraints(exclude=exclude)),
        _fejl(lambda: models.Model.validate_constraints(obj, exclude=exclude)),
    )


def _brudte_baselines() -> list[Baseline]:
    gyldig = BaselineFactory()
    felter = [
        {"vaerdi": Decimal("-1")},
        {"sammenligning": Decimal("-0.5")},
        {"periode": "sidste år"},
        {"taeller": 5, "naevner": None},
        {"taeller": 5, "naevner": 0},
        {"vaerdi_decimaler": 9},
        {"boligomraade": None, "maalgruppe": "Unge 18-29 år"},
        {"vaerdi": Decimal("-1"), "periode": "x", "naevner": 0},
    ]
    brudte = []
    for aendring in felter:
        obj = Baseline.objects.get(pk=gyldig.pk)
        for navn, vaerdi in aendring.items():
            setattr(obj, navn, vaerdi)
        brudte.append(obj)
    return [gyldig, *brudte]


def test_every_baseline_is_refused_or_accepted_with_djangos_errors():
    for baseline in _brudte_baselines():
        vores, djangos = _som_django(baseline)
        assert vores == djangos
    assert _som_django(_brudte_baselines()[1])[0] != {}, "the negative value must be refused"


def test_helhedsplan_indikator_and_follow_up_rules_give_djangos_errors():
    plan = HelhedsplanFactory.build(
        gyldig_fra=datetime.date(2021, 12, 1),
        gyldig_til=datetime.date(2021, 1, 1),
        opfoelgning_frist_maaned=13,
    )
    indikator = Indikator(enhed="andet", enhed_tekst="", retning="op")
    opfoelgning = Opfoelgning(delaftale=DelaftaleFactory(), aar=1999, status="tabt")
    for obj, antal in [(plan, 2), (indikator, 2), (opfoelgning, 2)]:
        vores, djangos = _som_django(obj)
        assert vores == djangos
        assert sum(len(beskeder) for beskeder in vores.values()) >= antal, vores


def test_a_rule_naming_an_excluded_field_is_skipped_as_django_skips_it():
    baseline = _brudte_baselines()[1]  # a negative value
    vores, djangos = _som_django(baseline, exclude={"vaerdi"})
    assert vores == djangos == {}


def test_a_null_in_a_rule_lets_it_pass_as_in_the_database():
    plan = HelhedsplanFactory.build(gyldig_til=None)
    assert _som_django(plan) == ({}, {})


def test_the_check_constraints_of_a_baseline_cost_one_query():
    baseline = BaselineFactory()
    tjek = [c for c in Baseline._meta.constraints if isinstance(c, models.CheckConstraint)]
    assert len(tjek) >= 5 and isinstance(baseline, EnForespoergselsKontrol)

    with CaptureQueriesContext(connection) as vores:
        baseline.validate_constraints()
    with CaptureQueriesContext(connection) as djangos:
        models.Model.validate_constraints(baseline)

    def selects(q):
        return [x for x in q.captured_queries if x["sql"].lstrip().upper().startswith("SELECT")]

    unikke = len(selects(djangos)) - len(tjek)
    assert len(selects(vores)) == unikke + 1
    assert len(vores) < len(djangos) - 2 * (len(tjek) - 1)


def test_every_model_with_check_constraints_validates_them_in_one_query():
    from django.apps import apps

    uden = [
        model.__name__
        for model in apps.get_models()
        if model.__module__.split(".")[0] in {"delaftaler", "indikatorer", "aktiviteter"}
        and any(isinstance(c, models.CheckConstraint) for c in model._meta.constraints)
        and not issubclass(model, EnForespoergselsKontrol)
    ]
    assert uden == []
    assert issubclass(Helhedsplan, EnForespoergselsKontrol)
