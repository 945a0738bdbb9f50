"""Every rule on the content gives a clear Danish error and writes nothing.

Each rule is checked twice where the database has a constraint for it: once through
full_clean() (the Danish message and the field it is attached to), and once with
full_clean() bypassed, to prove the database itself refuses the row.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from aktiviteter.models import Aktivitet
from delaftaler.models import Delaftale, Helhedsplan, Part
from indikatorer.forms import BaselineForm
from indikatorer.models import PROCENT_FEJL, Baseline, Indikator
from tests.factories import (
    AktivitetFactory,
    BaselineFactory,
    BoligomraadeFactory,
    DelaftaleFactory,
    HelhedsplanFactory,
    IndikatorFactory,
    indsatsomraade,
)

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
START = datetime.date(2021, 12, 1)
SLUT = datetime.date(2025, 11, 30)
SLUT_FOER_START = [
    pytest.param(datetime.date(2021, 11, 30), id="slut-foer-start"),
    pytest.param(START, id="slut-lig-start"),
]
TOM_FELT = "Dette felt kan ikke være tomt."


def valideringsfejl(obj) -> dict[str, list[str]]:
    """The errors full_clean() gives, by field; fails the test if there are none."""
    with pytest.raises(ValidationError) as info:
        obj.full_clean()
    return info.value.message_dict


def databasen_afviser(model, gem) -> None:
    """Run a write that bypasses full_clean() and prove the database refuses it."""
    foer = model.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        gem()
    assert model.objects.count() == foer


def baseline_data(omraade, **felter) -> dict[str, str]:
    data = {
        "boligomraade": str(omraade.pk),
        "maalgruppe": "",
        "vaerdi": "11,3",
        "sammenligning": "",
        "sammenligning_label": "",
        "periode": "2019",
        "datakilde": "",
    }
    data.update(felter)
    return data


@pytest.fixture
def indikator():
    return IndikatorFactory()


@pytest.fixture
def omraade(indikator):
    return BoligomraadeFactory(helhedsplan=indikator.delmaal.delaftale.helhedsplan)


# --- Helhedsplan and delaftale periods -------------------------------------------------


@pytest.mark.parametrize("slut", SLUT_FOER_START)
def test_helhedsplan_ending_before_or_on_its_start_is_refused(slut):
    plan = HelhedsplanFactory.build(gyldig_fra=START, gyldig_til=slut)

    assert valideringsfejl(plan) == {"gyldig_til": ["Slutdatoen skal ligge efter startdatoen."]}
    assert not Helhedsplan.objects.exists()


@pytest.mark.parametrize("slut", SLUT_FOER_START)
def test_database_refuses_helhedsplan_ending_before_or_on_its_start(slut):
    plan = HelhedsplanFactory.build(gyldig_fra=START, gyldig_til=slut)

    databasen_afviser(Helhedsplan, plan.save)


@pytest.mark.parametrize("slut", SLUT_FOER_START)
def test_delaftale_ending_before_or_on_its_start_is_refused(slut):
    plan = HelhedsplanFactory()
    aftale = DelaftaleFactory.build(helhedsplan=plan, gyldig_fra=START, gyldig_til=slut)

    assert valideringsfejl(aftale) == {"gyldig_til": ["Slutdatoen skal ligge efter startdatoen."]}
    assert not Delaftale.objects.exists()


@pytest.mark.parametrize("slut", SLUT_FOER_START)
def test_database_refuses_delaftale_ending_before_or_on_its_start(slut):
    plan = HelhedsplanFactory()
    aftale = DelaftaleFactory.build(helhedsplan=plan, gyldig_fra=START, gyldig_til=slut)

    databasen_afviser(Delaftale, aftale.save)


def test_delaftale_cannot_start_before_its_helhedsplan():
    plan = HelhedsplanFactory(gyldig_fra=START, gyldig_til=SLUT)
    aftale = DelaftaleFactory.build(helhedsplan=plan, gyldig_fra=datetime.date(2021, 11, 1))

    assert valideringsfejl(aftale) == {
        "gyldig_fra": ["Delaftalen kan ikke starte før helhedsplanen (01.12.2021)."]
    }
    assert not Delaftale.objects.exists()


def test_delaftale_cannot_end_after_its_helhedsplan():
    plan = HelhedsplanFactory(gyldig_fra=START, gyldig_til=SLUT)
    aftale = DelaftaleFactory.build(helhedsplan=plan, gyldig_til=datetime.date(2025, 12, 1))

    assert valideringsfejl(aftale) == {
        "gyldig_til": ["Delaftalen kan ikke slutte efter helhedsplanen (30.11.2025)."]
    }
    assert not Delaftale.objects.exists()


def test_delaftale_within_its_helhedsplan_is_accepted():
    plan = HelhedsplanFactory(gyldig_fra=START, gyldig_til=SLUT)
    aftale = DelaftaleFactory.build(
        helhedsplan=plan, gyldig_fra=datetime.date(2022, 1, 1), gyldig_til=SLUT
    )

    aftale.full_clean()


# --- Required sections of a delaftale --------------------------------------------------


@pytest.mark.parametrize("tekst", ["", "<p></p>"], ids=["tom", "tom-editor"])
@pytest.mark.parametrize("felt", ["medarbejderressourcer", "kommunal_sammenhaeng", "revision"])
def test_delaftale_missing_a_required_section_is_refused(felt, tekst):
    aftale = DelaftaleFactory.build(helhedsplan=HelhedsplanFactory(), **{felt: tekst})

    assert valideringsfejl(aftale) == {felt: [TOM_FELT]}
    assert not Delaftale.objects.exists()


def test_second_delaftale_for_same_plan_and_indsatsomraade_is_refused():
    foerste = DelaftaleFactory()
    anden = DelaftaleFactory.build(helhedsplan=foerste.helhedsplan)

    assert valideringsfejl(anden) == {
        NON_FIELD_ERRORS: ["Helhedsplanen har allerede en delaftale for dette indsatsområde."]
    }
    assert Delaftale.objects.count() == 1


def test_database_refuses_second_delaftale_for_same_plan_and_indsatsomraade():
    foerste = DelaftaleFactory()
    anden = DelaftaleFactory.build(helhedsplan=foerste.helhedsplan)

    databasen_afviser(Delaftale, anden.save)


def test_same_plan_may_have_delaftaler_for_different_indsatsomraader():
    foerste = DelaftaleFactory()
    anden = DelaftaleFactory.build(
        helhedsplan=foerste.helhedsplan, indsatsomraade=indsatsomraade("Uddannelse og livschancer")
    )

    anden.full_clean()


@pytest.mark.parametrize("beskrivelse", ["", "<p></p>"], ids=["tom", "tom-editor"])
def test_organ_part_without_beskrivelse_is_refused(beskrivelse):
    aftale = DelaftaleFactory()
    part = Part(delaftale=aftale, type=Part.Type.ORGAN, navn="Chefgruppen", beskrivelse=beskrivelse)

    assert valideringsfejl(part) == {"beskrivelse": ["Beskriv gruppens rolle og opgaver."]}
    assert not Part.objects.exists()


def test_person_part_needs_no_beskrivelse():
    part = Part(delaftale=DelaftaleFactory(), type=Part.Type.PERSON, navn="Daniel Bomholt")

    part.full_clean()


# --- Indicators --------------------------------------------------------------------------


def test_indicator_in_other_unit_must_name_the_unit():
    ind = IndikatorFactory.build(delmaal=IndikatorFactory().delmaal, enhed="andet", enhed_tekst="")

    assert valideringsfejl(ind) == {"enhed_tekst": ["Skriv hvilken enhed indikatoren måles i."]}
    assert Indikator.objects.count() == 1


def test_database_refuses_indicator_in_other_unit_without_unit_name():
    ind = IndikatorFactory.build(delmaal=IndikatorFactory().delmaal, enhed="andet", enhed_tekst="")

    databasen_afviser(Indikator, ind.save)


# --- Baselines: numbers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("felt", "tal"),
    [
        ("vaerdi", Decimal("100.1")),
        ("vaerdi", Decimal("120")),
        ("sammenligning", Decimal("100.01")),
    ],
)
def test_percent_over_100_is_refused(indikator, omraade, felt, tal):
    baseline = BaselineFactory.build(indikator=indikator, boligomraade=omraade, **{felt: tal})

    assert valideringsfejl(baseline) == {felt: [PROCENT_FEJL]}
    assert PROCENT_FEJL == "En procentsats skal ligge mellem 0 og 100."
    assert not Baseline.objects.exists()


@pytest.mark.parametrize("felt", ["vaerdi", "sammenligning"])
def test_percent_below_0_is_refused(indikator, omraade, felt):
    baseline = BaselineFactory.build(
        indikator=indikator, boligomraade=omraade, **{felt: Decimal("-0.1")}
    )

    assert valideringsfejl(baseline) == {felt: [PROCENT_FEJL]}
    assert not Baseline.objects.exists()


@pytest.mark.parametrize("felt", ["vaerdi", "sammenligning"])
def test_negative_count_is_refused(indikator, omraade, felt):
    antal = IndikatorFactory(delmaal=indikator.delmaal, enhed=Indikator.Enhed.ANTAL)
    baseline = BaselineFactory.build(indikator=antal, boligomraade=omraade, **{felt: Decimal(-3)})

    assert valideringsfejl(baseline) == {felt: ["Værdien kan ikke være negativ."]}
    assert not Baseline.objects.exists()


@pytest.mark.parametrize("felt", ["vaerdi", "sammenligning"])
def test_database_refuses_negative_baseline(indikator, omraade, felt):
    baseline = BaselineFactory.build(indikator=indikator, boligomraade=omraade, **{felt: -1})

    databasen_afviser(Baseline, baseline.save)


@pytest.mark.parametrize("tal", [Decimal(0), Decimal(100)])
def test_percent_boundaries_0_and_100_are_accepted(indikator, omraade, tal):
    baseline = BaselineFactory.build(
        indikator=indikator, boligomraade=omraade, vaerdi=tal, sammenligning=tal
    )

    baseline.full_clean()


def test_count_indicator_may_exceed_100(indikator, omraade):
    antal = IndikatorFactory(delmaal=indikator.delmaal, enhed=Indikator.Enhed.ANTAL)
    baseline = BaselineFactory.build(
        indikator=antal,
        boligomraade=omraade,
        vaerdi=Decimal(250),
        vaerdi_decimaler=0,
        sammenligning=Decimal(1234),
    )

    baseline.full_clean()
    baseline.save()

    assert Baseline.objects.get(pk=baseline.pk).vaerdi_tekst == "250"


# --- Baselines: one per indicator, area and period -------------------------------------


def test_duplicate_baseline_for_same_indicator_area_and_period_is_refused(indikator, omraade):
    BaselineFactory(indikator=indikator, boligomraade=omraade, periode="2019")
    dublet = BaselineFactory.build(
        indikator=indikator, boligomraade=omraade, periode="2019", vaerdi=Decimal("12.5")
    )

    assert valideringsfejl(dublet) == {
        NON_FIELD_ERRORS: [
            "Indikatoren har allerede en baseline for dette boligområde og denne periode."
        ]
    }
    assert Baseline.objects.count() == 1


def test_database_refuses_duplicate_baseline(indikator, omraade):
    BaselineFactory(indikator=indikator, boligomraade=omraade, periode="2019")

    databasen_afviser(
        Baseline,
        lambda: Baseline.objects.create(
            indikator=indikator, boligomraade=omraade, vaerdi=Decimal(12), periode="2019"
        ),
    )


def test_same_area_with_another_period_is_allowed(indikator, omraade):
    BaselineFactory(indikator=indikator, boligomraade=omraade, periode="2019")
    senere = BaselineFactory.build(indikator=indikator, boligomraade=omraade, periode="2021-08")

    senere.full_clean()
    senere.save()

    assert Baseline.objects.filter(indikator=indikator, boligomraade=omraade).count() == 2


# --- Baselines: value, "data kommer", period, place -----------------------------------


def test_baseline_with_both_value_and_data_kommer_is_refused(indikator, omraade):
    baseline = BaselineFactory.build(indikator=indikator, boligomraade=omraade, afventer=True)

    assert valideringsfejl(baseline) == {
        "vaerdi": ["Slet værdien, eller fjern markeringen »data kommer«."]
    }
    assert not Baseline.objects.exists()


def test_database_refuses_baseline_with_both_value_and_data_kommer(indikator, omraade):
    baseline = BaselineFactory.build(indikator=indikator, boligomraade=omraade, afventer=True)

    databasen_afviser(Baseline, baseline.save)


def test_baseline_with_neither_value_nor_data_kommer_is_refused(indikator, omraade):
    baseline = BaselineFactory.build(
        indikator=indikator, boligomraade=omraade, vaerdi=None, afventer=False
    )

    assert valideringsfejl(baseline) == {
        "vaerdi": ["Angiv en baseline, eller markér at data kommer."]
    }
    assert not Baseline.objects.exists()


def test_database_refuses_baseline_with_neither_value_nor_data_kommer(indikator, omraade):
    baseline = BaselineFactory.build(
        indikator=indikator, boligomraade=omraade, vaerdi=None, afventer=False
    )

    databasen_afviser(Baseline, baseline.save)


def test_baseline_awaiting_data_needs_neither_value_nor_period(indikator, omraade):
    baseline = BaselineFactory.build(
        indikator=indikator, boligomraade=omraade, vaerdi=None, afventer=True, periode=""
    )

    baseline.full_clean()
    baseline.save()

    assert Baseline.objects.get(pk=baseline.pk).vaerdi_tekst == "Data kommer"


def test_baseline_with_value_but_no_period_is_refused(indikator, omraade):
    baseline = BaselineFactory.build(indikator=indikator, boligomraade=omraade, periode="")

    assert valideringsfejl(baseline) == {"periode": ["Angiv baseline år."]}
    assert not Baseline.objects.exists()


def test_database_refuses_baseline_with_value_but_no_period(indikator, omraade):
    baseline = BaselineFactory.build(indikator=indikator, boligomraade=omraade, periode="")

    databasen_afviser(Baseline, baseline.save)


@pytest.mark.parametrize("periode", ["2021-13", "2021-00", "21"])
def test_database_refuses_period_that_is_not_year_or_year_month(indikator, omraade, periode):
    baseline = BaselineFactory.build(indikator=indikator, boligomraade=omraade, periode=periode)

    databasen_afviser(Baseline, baseline.save)


def test_baseline_with_both_area_and_target_group_is_refused(indikator, omraade):
    baseline = BaselineFactory.build(
        indikator=indikator, boligomraade=omraade, maalgruppe="Unge 18-29 år"
    )

    assert valideringsfejl(baseline) == {
        "maalgruppe": ["Vælg enten et boligområde eller en målgruppe, ikke begge."]
    }
    assert not Baseline.objects.exists()


def test_database_refuses_baseline_with_both_area_and_target_group(indikator, omraade):
    baseline = BaselineFactory.build(
        indikator=indikator, boligomraade=omraade, maalgruppe="Unge 18-29 år"
    )

    databasen_afviser(Baseline, baseline.save)


def test_baseline_for_an_area_of_another_helhedsplan_is_refused(indikator):
    fremmed = BoligomraadeFactory()  # its own, different helhedsplan
    assert fremmed.helhedsplan != indikator.delmaal.delaftale.helhedsplan
    baseline = BaselineFactory.build(indikator=indikator, boligomraade=fremmed)

    assert valideringsfejl(baseline) == {
        "boligomraade": ["Boligområdet hører ikke til delaftalens helhedsplan."]
    }
    assert not Baseline.objects.exists()


# --- BaselineForm: numbers and periods as the secretariat types them ------------------


def gem_via_formular(indikator, omraade, **felter) -> Baseline:
    form = BaselineForm(
        data=baseline_data(omraade, **felter), instance=Baseline(indikator=indikator)
    )
    assert form.is_valid(), form.errors
    return Baseline.objects.get(pk=form.save().pk)


@pytest.mark.parametrize(
    ("indtastet", "vist"),
    [("56,20", f"56,20{NBSP}%"), ("50", f"50{NBSP}%"), ("11,3", f"11,3{NBSP}%")],
)
def test_baseline_keeps_the_precision_it_was_typed_with(indikator, omraade, indtastet, vist):
    baseline = gem_via_formular(indikator, omraade, vaerdi=indtastet, sammenligning=indtastet)

    assert baseline.vaerdi_tekst == vist
    assert baseline.sammenligning_tekst == vist


def test_percent_typed_with_percent_sign_is_accepted(indikator, omraade):
    baseline = gem_via_formular(indikator, omraade, vaerdi="11,3 %")

    assert baseline.vaerdi == Decimal("11.3")
    assert baseline.vaerdi_tekst == f"11,3{NBSP}%"


def test_month_and_year_is_stored_sortable_and_shown_danish(indikator, omraade):
    baseline = gem_via_formular(indikator, omraade, periode="Aug 2021")

    assert baseline.periode == "2021-08"
    assert baseline.periode_tekst == "aug. 2021"


@pytest.mark.parametrize(
    ("indtastet", "fejl"),
    [
        ("abc", "Skriv et tal, fx 11,3 eller 47."),
        ("1,23456", "Højst fire decimaler."),
        ("120", PROCENT_FEJL),
        ("-5", PROCENT_FEJL),
    ],
)
def test_baseline_form_refuses_bad_numbers_in_danish(indikator, omraade, indtastet, fejl):
    form = BaselineForm(
        data=baseline_data(omraade, vaerdi=indtastet), instance=Baseline(indikator=indikator)
    )

    assert not form.is_valid()
    assert form.errors["vaerdi"] == [fejl]
    assert not Baseline.objects.exists()


@pytest.mark.parametrize("indtastet", ["2021-13", "hej", "13/2021", "1850"])
def test_baseline_form_refuses_bad_periods_in_danish(indikator, omraade, indtastet):
    # No value ("data kommer"), so only the period can be wrong.
    data = baseline_data(omraade, vaerdi="", afventer="on", periode=indtastet)
    form = BaselineForm(data=data, instance=Baseline(indikator=indikator))

    assert not form.is_valid()
    assert form.errors["periode"] == [
        f"»{indtastet}« er ikke en gyldig periode. Skriv et år (2019) eller måned og år (aug 2021)."
    ]
    assert not Baseline.objects.exists()


# --- Rich text ---------------------------------------------------------------------------

FARLIG_HTML = (
    '<p onclick="alert(\'klik\')" style="color:red">Formål</p>'
    "<script>alert(1)</script>"
    '<img src=x onerror="alert(2)">'
    "<ul><li><strong>Job</strong> og <em>uddannelse</em></li></ul>"
)


def test_rich_text_is_stored_without_script_handlers_styles_or_images():
    aktivitet = AktivitetFactory(formaal=FARLIG_HTML)

    gemt = Aktivitet.objects.get(pk=aktivitet.pk).formaal

    for farligt in ("<script", "alert(1)", "onclick", "style=", "<img", "onerror", "alert(2)"):
        assert farligt not in gemt
    for tilladt in ("<p>Formål</p>", "<ul><li>", "<strong>Job</strong>", "<em>uddannelse</em>"):
        assert tilladt in gemt


def test_rich_text_is_cleaned_by_full_clean_before_saving():
    aktivitet = AktivitetFactory.build(
        delaftale=DelaftaleFactory(), formaal="<p onclick='x'>a</p><script>alert(1)</script>"
    )

    aktivitet.full_clean()

    assert aktivitet.formaal == "<p>a</p>"


def test_rich_text_is_cleaned_by_queryset_update():
    aktivitet = AktivitetFactory()

    Aktivitet.objects.filter(pk=aktivitet.pk).update(formaal="<p onclick='x'>a</p>")

    assert Aktivitet.objects.get(pk=aktivitet.pk).formaal == "<p>a</p>"
