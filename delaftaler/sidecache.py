"""Finished public pages for anonymous readers.

A published version never changes, so the page rendered from it can be kept until
something it shows changes. The key names those things (the version, the approved
follow-ups, the helhedsplan's own row), never a time; the timeout only bounds what a
missed dependency could cost. Logged-in people always get a fresh page: theirs shows
their own links, drafts and messages.

The cache is the default cache of each app process (kept in memory); a process that
starts cold renders each page once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import caches
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse

from delaftaler.models import Boligomraade, Delaftale, Helhedsplan, Opfoelgning, Version

LEVETID = 300


def _kan_caches(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and "messages" not in request.COOKIES
    )


def cachet_side(
    request: HttpRequest, noegle: Callable[[], tuple | None], side: Callable[[], HttpResponse]
) -> HttpResponse:
    """The page from the cache when its key's parts are unchanged, else side()."""
    if not _kan_caches(request):
        return side()
    dele = noegle()
    if dele is None:
        return side()
    raa = repr((request.path, sorted(request.GET.lists()), dele))
    cache_noegle = "side:" + hashlib.sha256(raa.encode()).hexdigest()
    cache = caches["default"]
    gemt = cache.get(cache_noegle)
    if gemt is not None:
        indhold, content_type = gemt
        return HttpResponse(indhold, content_type=content_type)
    svar = side()
    if svar.status_code == 200 and not svar.cookies and not svar.streaming:
        cache.set(cache_noegle, (svar.content, svar["Content-Type"]), LEVETID)
    return svar


def delaftale_noegle(helhedsplan: str, indsats: str) -> tuple | None:
    """What a delaftale's public page shows besides its version: one query."""
    godkendte = Opfoelgning.objects.filter(
        delaftale=OuterRef("pk"), status=Opfoelgning.Status.GODKENDT
    ).values("delaftale")
    raekke = (
        Delaftale.objects.filter(helhedsplan__slug=helhedsplan, indsatsomraade__slug=indsats)
        .annotate(
            seneste=Subquery(
                Version.objects.filter(delaftale=OuterRef("pk"))
                .order_by("-nummer")
                .values("nummer")[:1]
            ),
            opf_antal=Subquery(godkendte.annotate(n=Count("pk")).values("n")[:1]),
            opf_aendret=Subquery(godkendte.annotate(t=Max("aendret")).values("t")[:1]),
        )
        .values_list(
            "pk",
            "seneste",
            "opf_antal",
            "opf_aendret",
            "helhedsplan__aendret",
            "indsatsomraade__navn",
        )
        .first()
    )
    return raekke


def oversigt_noegle() -> tuple:
    """What the overview and the helhedsplan pages show: plans, areas, publications."""
    return (
        Helhedsplan.objects.aggregate(n=Count("pk"), t=Max("aendret")),
        Boligomraade.history.aggregate(h=Max("history_id")),
        Version.objects.aggregate(v=Max("pk"), d=Count("delaftale", distinct=True)),
        Delaftale.objects.aggregate(n=Count("pk"), u=Count("pk", filter=Q(versioner=None))),
    )
