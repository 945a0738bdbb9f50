"""The LBF table 'Delmål og indikatorer' as a django-tables2 table.

On the page and in the PDF each delmål and indikator cell spans its rows, as in the
Word original; the exports get one full row per baseline with the number apart from
its area, so a spreadsheet can sort and filter them.
"""

from __future__ import annotations

import django_tables2 as tables
from django import forms

from delaftaler.models import Boligomraade
from delaftaler.visning.context import TabelRaekke
from indikatorer.tal import med_decimaler


class IndikatorTabel(tables.Table):
    delmaal = tables.Column("Delmål", accessor="delmaal__tekst")
    indikator = tables.Column("Indikator", accessor="indikator__navn")
    baseline = tables.Column(
        "Baseline boligområde/målgruppe", accessor="baseline", exclude_from_export=True
    )
    sted = tables.Column("Boligområde/målgruppe", accessor="baseline__sted", visible=False)
    vaerdi = tables.Column("Baseline", accessor="baseline__vaerdi", visible=False)
    enhed = tables.Column("Enhed", accessor="indikator__get_enhed_display", visible=False)
    data_kommer = tables.Column("Data kommer", accessor="baseline__afventer", visible=False)
    anden_baseline = tables.Column(
        "Evt. anden baseline", accessor="baseline", exclude_from_export=True
    )
    sammenligning = tables.Column(
        "Evt. anden baseline", accessor="baseline__sammenligning", visible=False
    )
    sammenligning_label = tables.Column(
        "Anden baseline gælder", accessor="baseline__sammenligning_label", visible=False
    )
    periode = tables.Column("Baseline år", accessor="baseline__periode_tekst")
    datakilde = tables.Column("Datakilde", accessor="baseline__datakilde_tekst")

    class Meta:
        template_name = "delaftaler/_indikatortabel.html"
        orderable = False
        empty_text = "Delaftalen har endnu ingen delmål med indikatorer."

    def value_vaerdi(self, record: TabelRaekke):
        if record.er_skjult:
            return record.skjult
        b = record.baseline
        return med_decimaler(b.vaerdi, b.vaerdi_decimaler) if b else None

    def value_sammenligning(self, record: TabelRaekke):
        b = record.baseline
        return med_decimaler(b.sammenligning, b.sammenligning_decimaler) if b else None

    def value_data_kommer(self, record: TabelRaekke) -> str:
        return "Ja" if record.baseline and record.baseline.afventer else ""


class BoligomraadeFilter(forms.Form):
    """The table's »Vis boligområde«: the rows that concern one area, or all of them."""

    boligomraade = forms.TypedChoiceField(
        label="Vis boligområde",
        required=False,
        coerce=int,
        error_messages={"invalid_choice": "Vælg et boligområde fra listen."},
    )

    def __init__(self, *args, omraader: list[Boligomraade], **kwargs):
        super().__init__(*args, **kwargs)
        self.omraader = {o.pk: o for o in omraader}
        self.fields["boligomraade"].choices = [("", "Alle boligområder")] + [
            (o.pk, o.navn) for o in omraader
        ]

    def valgt(self) -> Boligomraade | None:
        if self.is_valid() and self.cleaned_data["boligomraade"]:
            return self.omraader[self.cleaned_data["boligomraade"]]
        return None
