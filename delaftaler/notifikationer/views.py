"""A person's own e-mail settings: /overblik/notifikationer/ (Mit overblik links to it and
may include ``templates/notifikationer/_valg.html`` with ``valg_kontekst``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from delaftaler.models import NotifikationArt, Notifikationsfravalg
from delaftaler.notifikationer.modtagere import HVORFOR, arter_for

GEMT = "Dine valg af e-mails er gemt."
# What each e-mail is about, for the settings page.
BESKRIVELSE = {
    NotifikationArt.INDSTILLING_SENDT: "når sekretariatet sender en ændring af en delaftale "
    "til bestyrelsen",
    NotifikationArt.INDSTILLING_BESLUTTET: "når bestyrelsen godkender en ændring eller sender "
    "den tilbage, med bestyrelsens kommentar",
    NotifikationArt.OPFOELGNING_SENDT: "når sekretariatet sender årets opfølgning til bestyrelsen",
    NotifikationArt.OPFOELGNING_GODKENDT: "når bestyrelsen godkender en opfølgning",
    NotifikationArt.OPFOELGNING_GENAABNET: "når sekretariatet genåbner en sendt eller "
    "godkendt opfølgning, med begrundelsen",
    NotifikationArt.PAAMINDELSE_FOER_FRIST: "før fristen for en opfølgning, der ikke er sendt "
    "til bestyrelsen endnu",
    NotifikationArt.PAAMINDELSE_FRIST_OVERSKREDET: "én gang, når fristen for en opfølgning "
    "er overskredet",
}


def valg_kontekst(bruger) -> dict:
    """What ``_valg.html`` shows: the kinds this person can get in their roles, each on or
    off (two queries)."""
    fravalgt = set(bruger.notifikationsfravalg.values_list("art", flat=True))
    return {
        "valg": [
            {
                "art": art,
                "navn": NotifikationArt(art).label,
                "beskrivelse": BESKRIVELSE[art],
                "hvorfor": HVORFOR[art].format(plan="helhedsplanen"),
                "til": art not in fravalgt,
            }
            for art in arter_for(bruger)
        ],
        "har_email": bool(bruger.email),
        "email": bruger.email,
    }


@transaction.atomic
def notifikationsvalg_gem(*, bruger, til: set[str], arter: list[str]) -> None:
    """Turn ``arter`` on (those in ``til``) or off for ``bruger``; other kinds stay as they are."""
    fra = [art for art in arter if art not in til]
    Notifikationsfravalg.objects.filter(bruger=bruger, art__in=arter).exclude(art__in=fra).delete()
    for art in fra:
        Notifikationsfravalg.objects.get_or_create(bruger=bruger, art=art)


@login_required
@require_http_methods(["GET", "POST"])
def notifikationsvalg(request: HttpRequest) -> HttpResponse:
    """The logged-in person's own settings; there is no way to see or change anyone else's."""
    bruger = request.user
    if request.method == "POST":
        arter = arter_for(bruger)
        til = {art for art in arter if request.POST.get(art)}  # one checkbox per kind
        notifikationsvalg_gem(bruger=bruger, til=til, arter=arter)
        messages.success(request, GEMT)
        naeste = request.POST.get("naeste", "")
        if not url_has_allowed_host_and_scheme(
            naeste, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            naeste = reverse("delaftaler:notifikationsvalg")
        return redirect(naeste)
    return render(request, "notifikationer/valg.html", valg_kontekst(bruger))
