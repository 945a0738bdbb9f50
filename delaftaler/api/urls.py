"""The API's addresses, each view wrapped in its HTTP caching and CORS.

Answers are kept in the page cache under the view across plans' key (published
versions, approved years, plans, areas, indsatsområder), as the public pages are. ETag: a
hash of the body; Last-Modified: the newest publication or approval the answer shows
(``request.sidst_aendret``, kept with the cached answer); a client's If-None-Match /
If-Modified-Since that still holds gets 304. Anyone may read from any origin (no
credentials), anything but GET/HEAD gets a JSON 405, an unknown address a JSON 404.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, re_path
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe
from django.views.decorators.csrf import csrf_exempt

from delaftaler.api.api import api
from delaftaler.visning.page_cache import cachet_side, tvaers_noegle

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

        def svar_nu() -> HttpResponse:
            try:
                svar = view(request, *args, **kwargs)
            except Http404:  # ninja's own root address raises it
                return _fejl("Her findes ingen data. Se /api/v1/docs.", 404)
            sidst = getattr(request, "sidst_aendret", None)
            if sidst is not None:
                svar["Last-Modified"] = http_date(sidst.timestamp())
            return svar

        # The answers are the public pages' data: cached as they are, under the same key.
        svar = cachet_side(request, tvaers_noegle, svar_nu, headers=("Last-Modified",))
        if head:
            request.method = "HEAD"
        if svar.status_code == 405:
            svar = _fejl("Metoden er ikke tilladt: API'et kan kun læses.", 405)
            svar["Allow"] = ", ".join(TILLADT)
        if svar.status_code != 200 or getattr(svar, "streaming", False):
            return _aaben(svar)
        etag = f'"{hashlib.sha256(svar.content).hexdigest()[:32]}"'
        svar["ETag"] = etag
        sidst = parse_http_date_safe(svar.get("Last-Modified", ""))
        betinget = get_conditional_response(request, etag=etag, last_modified=sidst, response=svar)
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
