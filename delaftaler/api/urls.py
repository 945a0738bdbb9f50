"""The API's addresses, each view wrapped in its HTTP caching and CORS.

ETag: a hash of the body; Last-Modified: the newest publication or approval the answer
shows (``request.sidst_aendret``); a client's If-None-Match / If-Modified-Since that
still holds gets 304. Anyone may read from any origin (no credentials), anything but
GET/HEAD gets a JSON 405, an unknown address a JSON 404.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, re_path
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt

from delaftaler.api.api import api

TILLADT = ("GET", "HEAD")


def _fejl(tekst: str, status: int) -> JsonResponse:
    return JsonResponse({"fejl": tekst}, status=status, json_dumps_params={"ensure_ascii": False})


def _aaben(svar: HttpResponse) -> HttpResponse:
    svar["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(svar, public=True, max_age=60)
    return svar


def http_cache(view: Callable) -> Callable:
    @csrf_exempt
    @wraps(view)
    def indpakket(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in TILLADT:
            svar = _fejl(f"Metoden {request.method} er ikke tilladt: API'et kan kun læses.", 405)
            svar["Allow"] = ", ".join(TILLADT)
            return _aaben(svar)
        # HEAD is GET without the body (ninja's routes know only GET).
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
        try:
            svar = view(request, *args, **kwargs)
        except Http404:  # ninja's own root address raises it
            svar = _fejl("Her findes ingen data. Se /api/v1/docs.", 404)
        if head:
            request.method = "HEAD"
        if svar.status_code == 405:
            svar = _fejl("Metoden er ikke tilladt: API'et kan kun læses.", 405)
            svar["Allow"] = ", ".join(TILLADT)
        if svar.status_code != 200 or getattr(svar, "streaming", False):
            return _aaben(svar)
        etag = f'"{hashlib.sha256(svar.content).hexdigest()[:32]}"'
        sidst = getattr(request, "sidst_aendret", None)
        svar["ETag"] = etag
        if sidst is not None:
            svar["Last-Modified"] = http_date(sidst.timestamp())
        betinget = get_conditional_response(
            request,
            etag=etag,
            last_modified=int(sidst.timestamp()) if sidst is not None else None,
            response=svar,
        )
        if head and not getattr(betinget, "streaming", False):
            betinget["Content-Length"] = str(len(betinget.content))
            betinget.content = b""
        return _aaben(betinget)

    return indpakket


def ikke_fundet(request: HttpRequest, sti: str) -> HttpResponse:
    return _aaben(_fejl(f"API'et har ingen adresse »{sti}«. Se /api/v1/docs.", 404))


def _monster() -> list:
    moenstre, _, _ = api.urls
    for m in moenstre:
        if isinstance(m, URLPattern):
            m.callback = http_cache(m.callback)
    return moenstre


urlpatterns = [*_monster(), re_path(r"^(?P<sti>.*)$", http_cache(ikke_fundet))]
app_name = "api"
