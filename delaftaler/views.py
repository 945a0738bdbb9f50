"""Public pages: no login, every delaftale readable by partners, board and residents."""

from __future__ import annotations

from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from delaftaler.models import Boligomraade, Delaftale, Opfoelgning, dansk_slug
from delaftaler.publicering.version_pdf import version_pdf
from delaftaler.visning.context import (
    DelaftaleVisning,
    helhedsplaner_til_oversigt,
    hent_gaeldende,
    hent_offentlig,
    hent_version,
)
from delaftaler.visning.exports import som_csv, som_xlsx
from delaftaler.visning.page_cache import cachet_side, delaftale_noegle, offentlig, oversigt_noegle
from delaftaler.visning.pdf import pdf_svar
from delaftaler.visning.table import BoligomraadeFilter, IndikatorTabel


def oversigt(request: HttpRequest) -> HttpResponse:
    return cachet_side(
        request,
        oversigt_noegle,
        lambda: render(
            request, "delaftaler/oversigt.html", {"helhedsplaner": helhedsplaner_til_oversigt()}
        ),
    )


def helhedsplan_side(request: HttpRequest, helhedsplan: str) -> HttpResponse:
    def side() -> HttpResponse:
        plan = get_object_or_404(helhedsplaner_til_oversigt(), slug=helhedsplan)
        return render(request, "delaftaler/helhedsplan.html", {"plan": plan})

    return cachet_side(request, oversigt_noegle, side)


def _visning_og_tabel(request: HttpRequest, helhedsplan: str, indsats: str, nummer=None):
    visning = hent_gaeldende(helhedsplan, indsats, nummer)
    filter_form = BoligomraadeFilter(request.GET or None, omraader=visning.boligomraader)
    valgt = filter_form.valgt()
    tabel = IndikatorTabel(visning.tabelraekker(valgt))
    return visning, filter_form, valgt, tabel


def delaftale_side(
    request: HttpRequest, helhedsplan: str, indsats: str, nummer: int | None = None
) -> HttpResponse:
    """The latest published version, or (with a number) an earlier one."""
    return cachet_side(
        request,
        lambda: delaftale_noegle(helhedsplan, indsats),
        lambda: _delaftale_side(request, helhedsplan, indsats, nummer),
    )


def _delaftale_side(
    request: HttpRequest, helhedsplan: str, indsats: str, nummer: int | None
) -> HttpResponse:
    visning, filter_form, valgt, tabel = _visning_og_tabel(request, helhedsplan, indsats, nummer)
    udgivelse = visning.udgivelse
    gaeldende = (
        udgivelse.nummer
        if nummer is None
        else udgivelse.delaftale.versioner.aggregate(m=Max("nummer"))["m"]
    )
    opfoelgninger = Opfoelgning.objects.synlige_for(request.user).filter(
        delaftale=udgivelse.delaftale
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
            "er_gaeldende": udgivelse.nummer == gaeldende,
            "gaeldende_nummer": gaeldende,
        },
    )


def delaftale_pdf(
    request: HttpRequest, helhedsplan: str, indsats: str, nummer: int | None = None
) -> HttpResponse:
    """The frozen PDF of the latest (or a numbered) published version, byte for byte."""
    delaftale = hent_offentlig(helhedsplan, indsats)
    version = hent_version(delaftale, nummer, uden=("pdf", "indhold"))
    if not version.pdf_sha256:
        # Not made by the worker yet: rendered now from this version, never the old one.
        version_pdf(version)
    filnavn = delaftale.filnavn + (f"_version_{nummer}" if nummer is not None else "")
    svar = pdf_svar(
        request,
        digest=version.pdf_sha256,
        filnavn=filnavn,
        indhold=lambda: version_pdf(version),
    )
    return offentlig(svar)


def versioner(request: HttpRequest, helhedsplan: str, indsats: str) -> HttpResponse:
    """Every published version, newest first, each with its page and frozen PDF."""
    delaftale = hent_offentlig(helhedsplan, indsats)
    liste = list(
        delaftale.versioner.uden_indhold().select_related("indstilling").order_by("-nummer")
    )
    if not liste:
        raise Http404("Delaftalen er ikke publiceret.")
    er_medlem = (
        request.user.has_perm("delaftaler.view_delaftale")
        and Delaftale.objects.for_bruger(request.user).filter(pk=delaftale.pk).exists()
    )
    return render(
        request,
        "delaftaler/versioner.html",
        {"delaftale": delaftale, "versioner": liste, "er_medlem": er_medlem},
    )


def indikatorer_eksport(
    request: HttpRequest, helhedsplan: str, indsats: str, format: str
) -> HttpResponse:
    """The published table as CSV or XLSX, filtered like the page."""
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
