"""A published version is a snapshot of the whole delaftale: it must render exactly as the
tables it was taken from, and the classification of a draft must follow from the fields
that changed (the delaftale's own revision rule), never from the editor's choice."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from aktiviteter.models import Aktivitet
from delaftaler.models import Delmaal, Part, Version
from delaftaler.publicering import changes as aendringer
from delaftaler.snapshot import digest, fra_snapshot, tag_snapshot
from delaftaler.visning.context import byg_visning, hent_udkast
from delaftaler.visning.table import IndikatorTabel
from indikatorer.models import Baseline, Indikator
from tests.factories import AktivitetFactory, PartFactory

# The real delaftaler are loaded once for the module (tests/conftest.py).
pytestmark = pytest.mark.delt_data

ADM = Version.Art.ADMINISTRATIV
FAG = Version.Art.FAGLIG


def _html(visning) -> str:
    return render_to_string(
        "delaftaler/_delaftale.html", {"v": visning, "tabel": IndikatorTabel(visning.raekker)}
    )


def _snapshot(delaftale):
    return tag_snapshot(hent_udkast(delaftale))


@pytest.mark.parametrize("fixture", ["vejle", "viborg"])
def test_a_snapshot_renders_exactly_as_the_tables_it_was_taken_from(
    vejle, viborg, fixture, django_assert_num_queries
):
    delaftale = {"vejle": vejle, "viborg": viborg}[fixture]
    live = hent_udkast(delaftale)
    indhold = tag_snapshot(live)
    with django_assert_num_queries(0):
        fra_version = byg_visning(fra_snapshot(indhold, delaftale=live))
        html = _html(fra_version)
    assert html == _html(byg_visning(live))
    assert "Beskæftigelse" in html or "beskæftigelse" in html


def test_the_digest_ignores_when_rows_were_saved_but_not_what_they_say(vejle):
    foer = _snapshot(vejle)
    part = vejle.parter.first()
    part.save()  # touches only 'aendret'
    assert digest(_snapshot(vejle)) == digest(foer)
    part.telefon = "12 34 56 78"
    part.save()
    assert digest(_snapshot(vejle)) != digest(foer)


def _klassificer_efter(delaftale, aendring) -> tuple[str | None, list]:
    foer = _snapshot(delaftale)
    aendring()
    fundet = aendringer.sammenlign(foer, _snapshot(delaftale))
    return aendringer.klassificer(fundet), fundet


def _gem(obj, **felter):
    for navn, vaerdi in felter.items():
        setattr(obj, navn, vaerdi)
    obj.save()


@pytest.mark.parametrize(
    ("beskrivelse", "aendring", "forventet"),
    [
        (
            "a party's phone number",
            lambda d: _gem(d.parter.first(), telefon="70 70 70 70"),
            ADM,
        ),
        ("a new party", lambda d: PartFactory(delaftale=d, navn="Ny kontaktperson"), ADM),
        ("a removed party", lambda d: d.parter.last().delete(), ADM),
        ("the revision section", lambda d: _gem(d, revision="<p>Ny ordlyd.</p>"), ADM),
        ("the responsible", lambda d: _gem(d, ansvarlige="<p>Ny leder.</p>"), ADM),
        (
            "the order of delmål",
            lambda d: _gem(d.delmaal.first(), raekkefoelge=99),
            ADM,
        ),
        ("a delmål's text", lambda d: _gem(d.delmaal.first(), tekst="Et nyt delmål"), FAG),
        (
            "an indicator's name",
            lambda d: _gem(Indikator.objects.filter(delmaal__delaftale=d).first(), navn="Ny"),
            FAG,
        ),
        (
            "a baseline value",
            lambda d: _gem(
                Baseline.objects.filter(indikator__delmaal__delaftale=d).first(), vaerdi="1.5"
            ),
            FAG,
        ),
        (
            "an activity's target group",
            lambda d: _gem(d.aktiviteter.first(), maalgrupper="<p>Unge 15-17 år.</p>"),
            FAG,
        ),
        (
            "an activity's delmål links",
            lambda d: d.aktiviteter.first().delmaal.clear(),
            FAG,
        ),
        ("a new activity", lambda d: AktivitetFactory(delaftale=d, navn="Ny aktivitet"), FAG),
        ("the staff resources", lambda d: _gem(d, medarbejderressourcer="<p>2 årsværk.</p>"), FAG),
    ],
)
def test_a_draft_is_classified_by_the_fields_that_changed(vejle, beskrivelse, aendring, forventet):
    art, fundet = _klassificer_efter(vejle, lambda: aendring(vejle))
    assert art == forventet, (beskrivelse, [(a.objekt, a.felt) for a in fundet])
    assert all(a.art == forventet for a in fundet)


def test_one_faglig_field_makes_a_mixed_draft_faglig_and_both_changes_are_listed(vejle):
    def aendr():
        _gem(vejle.parter.first(), telefon="70 70 70 70")
        _gem(vejle.aktiviteter.first(), maalgrupper="<p>Unge 15-17 år.</p>")

    art, fundet = _klassificer_efter(vejle, aendr)
    assert art == FAG
    arter = {(a.del_, a.felt): a.art for a in fundet}
    assert arter == {("parter", "telefon"): ADM, ("aktiviteter", "maalgrupper"): FAG}
    aktivitet = next(a for a in fundet if a.del_ == "aktiviteter")
    assert aktivitet.objekt == f"Aktivitet »{vejle.aktiviteter.first().navn}«"
    assert aktivitet.felt_navn == "målgruppe(r)"


def test_no_change_is_no_draft(vejle):
    art, fundet = _klassificer_efter(vejle, lambda: None)
    assert art is None and fundet == []


def test_removed_rows_are_named_from_the_earlier_snapshot(vejle):
    aktivitet = vejle.aktiviteter.first()
    navn = aktivitet.navn
    art, fundet = _klassificer_efter(vejle, aktivitet.delete)
    assert art == FAG
    assert any(a.handling == "slettet" and a.objekt == f"Aktivitet »{navn}«" for a in fundet)
    assert not Aktivitet.objects.filter(navn=navn).exists()
    assert Part.objects.filter(delaftale=vejle).exists()
    assert Delmaal.objects.filter(delaftale=vejle).exists()
