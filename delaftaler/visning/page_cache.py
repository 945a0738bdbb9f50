"""Finished public pages for anonymous readers, in two layers.

1. A published version never changes, so the page rendered from it can be kept until
   something it shows changes. The key names those things (the version, the approved
   follow-ups, the helhedsplan's own row), never a time; the timeout only bounds what a
   missed dependency could cost. Finding the key is one query.
2. The responses given in the last ``SIDECACHE_SEKUNDER`` seconds (default 1) are
   served again by a middleware near the top of the stack, without the key's query,
   sessions, authentication or the view: at load, what an anonymous reader costs is
   then close to a static file. A publication therefore reaches anonymous readers at
   most that many seconds late; 0 turns this layer off (as the tests do, which check
   the first layer's "at once").

Logged-in people always get a fresh page: theirs shows their own links, drafts and
messages.

Where they live: the first layer is the cache "default", each process's memory unless
REDIS_URL is set, and then one Redis all app servers share (config/settings.py). Its
keys are read from the database, never counted per process, so a publication made on
one server changes the key every server computes at once; nothing has to be told to
forget. The key also names the code that rendered the page (``kode_udgave``): while
the app servers are restarted one by one onto a new version, a page rendered by the
old code (its templates, its static files' hashed names) is not served by the new,
nor the other way round. The second layer stays in each process's memory even with
Redis: it is there to answer without any round trip, and what it may hand out is
already bounded by time in every process alike (each copy is at most
``SIDECACHE_SEKUNDER`` old), so sharing it would add a network call per request and
shorten no delay.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse

from delaftaler.models import (
    Boligomraade,
    Delaftale,
    Helhedsplan,
    Indsatsomraade,
    Opfoelgning,
    Version,
)

LEVETID = 300

# What a page is made from besides the data: the project's code, templates and static
# files (every file in these folders), and the pinned packages (Python and npm).
KODE_MAPPER = ("config", "delaftaler", "indikatorer", "aktiviteter", "templates", "static")
KODE_FILER = ("constraints.txt", "package-lock.json")


def kode_udgave(rod: Path) -> str:
    """A digest of the code under ``rod`` that renders the pages (KODE_MAPPER, KODE_FILER)."""
    h = hashlib.sha256()
    filer = [rod / navn for navn in KODE_FILER]
    for mappe in KODE_MAPPER:
        filer += (
            f
            for f in (rod / mappe).rglob("*")
            if "__pycache__" not in f.parts and f.suffix != ".pyc"
        )
    for fil in sorted(f for f in filer if f.is_file()):
        h.update(f"{fil.relative_to(rod)}\0".encode())
        h.update(hashlib.sha256(fil.read_bytes()).digest())
    return h.hexdigest()[:16]


@functools.cache
def _udgave() -> str:
    """This process's code, read once (tens of milliseconds): a process runs the code it
    started with."""
    return kode_udgave(Path(settings.BASE_DIR))


def _kan_caches(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and "messages" not in request.COOKIES
    )


def cachet_side(
    request: HttpRequest,
    noegle: Callable[[], tuple | None],
    side: Callable[[], HttpResponse],
    *,
    headers: tuple[str, ...] = (),
) -> HttpResponse:
    """The page from the cache when its key's parts are unchanged, else side(). The
    ``headers`` named are kept with it (the API's Last-Modified)."""
    if not _kan_caches(request):
        return side()
    dele = noegle()
    if dele is None:
        return side()
    raa = repr((_udgave(), request.path, sorted(request.GET.lists()), dele))
    cache_noegle = "side:" + hashlib.sha256(raa.encode()).hexdigest()
    cache = caches["default"]
    gemt = cache.get(cache_noegle)
    if gemt is not None:
        indhold, content_type, gemte = gemt
        svar = HttpResponse(indhold, content_type=content_type)
        for navn, vaerdi in gemte:
            svar[navn] = vaerdi
        return offentlig(svar)
    svar = side()
    if svar.status_code == 200 and not svar.cookies and not svar.streaming:
        gemte = tuple((navn, svar[navn]) for navn in headers if svar.has_header(navn))
        cache.set(cache_noegle, (svar.content, svar["Content-Type"], gemte), LEVETID)
        offentlig(svar)
    return svar


# --- The second layer: the last seconds' responses, before the rest of the stack --------------


def offentlig(svar: HttpResponse) -> HttpResponse:
    """Marks a response every anonymous reader of its address may be given as it is."""
    svar.offentlig = True
    return svar


@dataclass(frozen=True, slots=True)
class _Gemt:
    udloeber: float
    indhold: bytes
    headers: tuple[tuple[str, str], ...]

    def svar(self) -> HttpResponse:
        svar = HttpResponse(self.indhold)
        for navn, vaerdi in self.headers:
            svar.headers[navn] = vaerdi
        return svar


class Mikrocache:
    """Responses by address for a few seconds, at most ``maks_bytes`` in all (the oldest
    go first), shared by the threads of one process."""

    def __init__(self, maks_bytes: int):
        self.maks_bytes = maks_bytes
        self._gemte: OrderedDict[str, _Gemt] = OrderedDict()
        self._bytes = 0
        self._laas = threading.Lock()

    def hent(self, noegle: str, nu: float) -> _Gemt | None:
        gemt = self._gemte.get(noegle)
        return gemt if gemt is not None and gemt.udloeber > nu else None

    def gem(self, noegle: str, gemt: _Gemt) -> None:
        if len(gemt.indhold) > self.maks_bytes:
            return
        with self._laas:
            self._fjern(noegle)
            self._gemte[noegle] = gemt
            self._bytes += len(gemt.indhold)
            while self._bytes > self.maks_bytes:
                self._fjern(next(iter(self._gemte)))

    def _fjern(self, noegle: str) -> None:
        gammel = self._gemte.pop(noegle, None)
        if gammel is not None:
            self._bytes -= len(gammel.indhold)

    def ryd(self) -> None:
        with self._laas:
            self._gemte.clear()
            self._bytes = 0


mikrocache = Mikrocache(maks_bytes=64 * 1024 * 1024)

# A request carrying any of these is not the plain anonymous reading the layer serves.
_BETINGET = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_RANGE", "HTTP_AUTHORIZATION")


class OffentligeSiderMiddleware:
    """Serves an anonymous GET the response a view marked ``offentlig`` for the same host
    and address less than SIDECACHE_SEKUNDER ago; otherwise passes the request on and
    keeps such a response. Sits after the request log (hits are logged) and before
    everything that reads the session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sekunder = settings.SIDECACHE_SEKUNDER
        if not sekunder or not self._anonym_laesning(request):
            return self.get_response(request)
        noegle = f"{request.get_host()}{request.get_full_path()}"
        nu = time.monotonic()
        gemt = mikrocache.hent(noegle, nu)
        if gemt is not None:
            return gemt.svar()
        svar = self.get_response(request)
        if (
            getattr(svar, "offentlig", False)
            and svar.status_code == 200
            and not svar.streaming
            and not svar.cookies
            and "nonce-" not in svar.get("Content-Security-Policy", "")  # one per response
        ):
            mikrocache.gem(noegle, _Gemt(nu + sekunder, svar.content, tuple(svar.items())))
        return svar

    @staticmethod
    def _anonym_laesning(request: HttpRequest) -> bool:
        cookies = request.COOKIES
        return (
            request.method == "GET"
            and settings.SESSION_COOKIE_NAME not in cookies
            and "messages" not in cookies
            and not any(navn in request.META for navn in _BETINGET)
        )


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


def tvaers_noegle() -> tuple:
    """What the view across plans and the API show: the overview's parts, the approved
    years (an approval or a reopening changes them), the plans' thresholds and names and
    the indsatsområder."""
    return (
        oversigt_noegle(),
        Opfoelgning.objects.filter(status=Opfoelgning.Status.GODKENDT).aggregate(
            n=Count("pk"), t=Max("aendret"), p=Max("pk")
        ),
        # Few rows, read whole: a renamed indsatsområde changes every page that names it.
        tuple(Indsatsomraade.objects.order_by("pk").values_list("pk", "navn", "slug", "aktiv")),
    )
