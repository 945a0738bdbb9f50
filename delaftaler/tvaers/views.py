"""/oversigt/, its chart, CSV and XLSX: public, cached like the other public pages."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from delaftaler.models import dansk_slug
from delaftaler.tvaers.diagram import Soejler, soejlediagram
from delaftaler.tvaers.selectors import TvaersVisning, tvaers_visning
from delaftaler.visning.exports import som_csv, som_xlsx
from delaftaler.visning.page_cache import cachet_side, offentlig, tvaers_noegle

# More bars than this make a chart nobody reads (and seconds to draw): the page asks the
# reader to narrow the choice instead.
MAKS_STEDER = 40
# A whole country's table (600 places for one LBF indikator) is paged; CSV and XLSX hold
# every row.
PR_SIDE = 100


def _side_url(request: HttpRequest, nummer: int) -> str:
    query = request.GET.copy()
    query["side"] = str(nummer)
    return f"?{query.urlencode()}"


def _diagram(visning: TvaersVisning) -> tuple[Soejler | None, str, str]:
    """What the chart shows, its title and its text alternative."""
    i = visning.indikator
    if i is None or not visning.raekker:
        return None, "", ""
    titel = f"Søjlediagram: {i.navn}, baseline og seneste godkendte værdi pr. plan og sted."
    dele = []
    for r in visning.raekker:
        b = r.baseline_tekst or "ingen"
        s = f"{r.seneste_tekst} ({r.seneste_aar})" if r.seneste_aar else "ingen godkendt værdi"
        dele.append(f"{r.etiket}: baseline {b}, seneste {s}.")
    beskrivelse = " ".join(dele)
    if visning.har_skjulte:
        beskrivelse += " " + visning.diagramnote
    data = Soejler(
        titel=i.navn,
        procent=i.er_procent,
        raekker=tuple((r.etiket, r.baseline_tal, r.seneste_tal) for r in visning.raekker),
    )
    return (data if data.har_tal else None), titel, beskrivelse


def tvaers(request: HttpRequest) -> HttpResponse:
    """The page; its chart is an image of its own (``tvaers_diagram``), drawn once per
    choice of numbers, so the page never waits for matplotlib."""

    def side() -> HttpResponse:
        visning, form = tvaers_visning(request.GET)
        data, titel, beskrivelse = _diagram(visning)
        side = Paginator(visning.tabel, PR_SIDE).get_page(request.GET.get("side"))
        filtre = request.GET.copy()
        filtre.pop("side", None)
        query = filtre.urlencode()
        diagram_url = ""
        if data is not None and len(data.raekker) <= MAKS_STEDER:
            diagram_url = reverse("delaftaler:tvaers_diagram") + (f"?{query}" if query else "")
        return render(
            request,
            "tvaers/tvaers.html",
            {
                "v": visning,
                "side": side,
                "forrige_url": _side_url(request, side.number - 1) if side.has_previous() else "",
                "naeste_url": _side_url(request, side.number + 1) if side.has_next() else "",
                "felter": form.felter(visning.filtre),
                "diagram_url": diagram_url,
                "diagram_for_stort": data is not None and len(data.raekker) > MAKS_STEDER,
                "maks_steder": MAKS_STEDER,
                "diagram_titel": titel,
                "diagram_beskrivelse": beskrivelse,
                "eksport_query": query,
            },
        )

    return cachet_side(request, tvaers_noegle, side)


def tvaers_diagram(request: HttpRequest) -> HttpResponse:
    """The page's chart as SVG, for the same filters."""

    def side() -> HttpResponse:
        visning, _ = tvaers_visning(request.GET)
        data, titel, beskrivelse = _diagram(visning)
        if data is None or len(data.raekker) > MAKS_STEDER:
            raise Http404("Der er intet diagram for denne afgrænsning.")
        svg = soejlediagram(data, alt=titel, beskrivelse=beskrivelse)
        return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")

    return cachet_side(request, tvaers_noegle, side)


def tvaers_eksport(request: HttpRequest, format: str) -> HttpResponse:
    """The table as CSV or XLSX, with the page's filters and its disclosure."""

    visning, _ = tvaers_visning(request.GET)
    raekker = visning.som_raekker()
    navn = "Indikator_paa_tvaers"
    if visning.indikator is not None:
        navn += "_" + dansk_slug(visning.indikator.navn).replace("-", "_")[:60]
    if format == "csv":
        ud = HttpResponse(som_csv(raekker), content_type="text/csv; charset=utf-8")
    else:
        titel = visning.indikator.navn if visning.indikator else "Indikator på tværs"
        ud = HttpResponse(
            som_xlsx(raekker, ark="Indikator på tværs", titel=titel),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    ud["Content-Disposition"] = f'attachment; filename="{navn}.{format}"'
    return offentlig(ud)
