"""Mit overblik, and the login that lands staff there.

- ``/overblik/``: the person's own page (selectors.py builds it); login required, staff
  only (403 otherwise).
- ``/log-ind/``: Django's LoginView in the site's look; ``?next=`` is honoured when it
  points to this site, else the person lands on Mit overblik (LOGIN_REDIRECT_URL).
  django-axes counts and locks out here as on the admin's form (its backend and
  middleware work on every login).
- ``/log-ud/``: POST only (Django's LogoutView), back to the front page.
- ``/admin/login/``: a GET goes to ``/log-ind/`` with its ``?next=``, so there is one
  login page and nobody lands on the admin's index by default; a POST is still the
  admin's own form.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import LoginView, LogoutView, redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from delaftaler.notifikationer.valg import valg_kontekst
from delaftaler.overblik.selectors import byg_overblik


@require_GET
def overblik(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not (request.user.is_active and request.user.is_staff):
        raise PermissionDenied("Siden er kun for sekretariatet og bestyrelsen.")
    idag = timezone.localdate()
    return render(
        request,
        "overblik/overblik.html",
        {
            "o": byg_overblik(request.user, idag),
            "emails": valg_kontekst(request.user),
        },
    )


class LogInd(LoginView):
    template_name = "overblik/log_ind.html"
    redirect_authenticated_user = True


log_ind = LogInd.as_view()
# Back to the front page; the admin's own »Log ud« keeps its »logged out« page.
log_ud = LogoutView.as_view(next_page="delaftaler:oversigt")


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's login address: a GET shows the site's login page (keeping ``next``)."""
    if request.method in ("GET", "HEAD"):
        adresse = reverse("delaftaler:log_ind")
        naeste = request.GET.get(REDIRECT_FIELD_NAME)
        if naeste:
            adresse += "?" + urlencode({REDIRECT_FIELD_NAME: naeste})
        return redirect(adresse)
    return admin.site.login(request)
