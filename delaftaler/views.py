"""Public pages: no login, every delaftale readable by partners, board and residents."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from delaftaler.models import Boligomraade, Opfoelgning, dansk_slug
from delaftaler.pdf import delaftale_pdf_svar
from delaftaler.visning import (
    DelaftaleVisning,
    byg_visning,
    helhedsplaner_til_oversigt,
    hent_delaftale,
)
from indikatorer.eksport import som_csv, som_xlsx
from indikatorer.tabeller import IndikatorTabel


class BoligomraadeFilter(forms.Form):
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


def oversigt(request: HttpRequest) -> HttpResponse:
    return render(
        request, "delaftaler/oversigt.html", {"helhedsplaner": helhedsplaner_til_oversigt()}
    )


def helhedsplan_side(request: HttpRequest, helhedsplan: str) -> HttpResponse:
    plan = get_object_or_404(helhedsplaner_til_oversigt(), slug=helhedsplan)
    return render(request, "delaftaler/helhedsplan.html", {"plan": plan})


def _visning_og_tabel(request: HttpRequest, helhedsplan: str, indsats: str):
    visning = byg_visning(hent_delaftale(helhedsplan, indsats))
    filter_form = BoligomraadeFilter(request.GET or None, omraader=visning.boligomraader)
    valgt = filter_form.valgt()
    tabel = IndikatorTabel(visning.tabelraekker(valgt))
    return visning, filter_form, valgt, tabel


def delaftale_side(request: HttpRequest, helhedsplan: str, indsats: str) -> HttpResponse:
    visning, filter_form, valgt, tabel = _visning_og_tabel(request, helhedsplan, indsats)
    opfoelgninger = Opfoelgning.objects.synlige_for(request.user).filter(
        delaftale=visning.delaftale
    )
    return render(
        request,
        "delaftaler/delaftale.html",
        {
            "v": visning,
            "tabel": tabel,
            "filter_form": filter_form,
            "filter_omraade": valgt,
            "opfoelgninger": opfoelgninger.order_by("aar"),
        },
    )


def delaftale_pdf(request: HttpRequest, helhedsplan: str, indsats: str) -> HttpResponse:
    visning = byg_visning(hent_delaftale(helhedsplan, indsats))
    return delaftale_pdf_svar(request, visning, IndikatorTabel(visning.raekker))


def indikatorer_eksport(
    request: HttpRequest, helhedsplan: str, indsats: str, format: str
) -> HttpResponse:
    visning, _, valgt, tabel = _visning_og_tabel(request, helhedsplan, indsats)
    navn = _eksportnavn(visning, valgt)
    raekker = list(tabel.as_values())
    if format == "csv":
        svar = HttpResponse(som_csv(raekker), content_type="text/csv; charset=utf-8")
    else:
        indhold = som_xlsx(raekker, ark="Delmål og indikatorer", titel=visning.fuld_titel)
        svar = HttpResponse(
            indhold,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    svar["Content-Disposition"] = f'attachment; filename="{navn}.{format}"'
    return svar


def _eksportnavn(visning: DelaftaleVisning, valgt: Boligomraade | None) -> str:
    navn = f"Indikatorer_{visning.filnavn.removeprefix('Delaftale_')}"
    if valgt:
        navn += "_" + dansk_slug(valgt.navn).replace("-", "_")
    return navn
