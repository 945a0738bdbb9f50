"""A person's own e-mail settings: /overblik/notifikationer/ (Mit overblik links to it and
includes ``templates/notifikationer/_valg.html`` with ``valg.valg_kontekst``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from delaftaler.notifikationer.modtagere import arter_for
from delaftaler.notifikationer.valg import notifikationsvalg_gem, valg_kontekst

GEMT = "Dine valg af e-mails er gemt."


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
