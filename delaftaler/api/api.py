"""The read-only JSON API at /api/v1/ (django-ninja): published versions and approved
follow-ups only, with disclosure control, in a fixed number of queries per address.

Each view sets ``request.sidst_aendret`` (the newest publication or approval it shows)
for Last-Modified; caching headers, the ETag and CORS are added around every view
(urls.py).
"""

from __future__ import annotations

import math

from django.db.models import Exists, Max, OuterRef, Q
from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Query
from ninja.errors import HttpError, ValidationError
from pydantic import Field

from delaftaler.api import schemas
from delaftaler.api.serialisering import (
    delaftale_data,
    helhedsplan_data,
    indhold_data,
    opfoelgning_data,
    version_data,
)
from delaftaler.models import Delaftale, Helhedsplan, Opfoelgning, OpfoelgningHaendelse, Version
from delaftaler.opfoelgning.rapport.context import hent_rapport
from delaftaler.visning.context import hent_version, version_visning

MAKS_PR_SIDE = 100
FEJL = {404: schemas.Fejl, 422: schemas.Fejl}

api = NinjaAPI(
    title="Delaftaler – åbne data",
    version="1",
    description=(
        "Læseadgang til publicerede delaftaler og godkendte årlige opfølgninger. "
        "Kun publicerede versioner og godkendte år; tal, der bygger på færre personer "
        "end helhedsplanens mindste antal, eller som et skjult tal kunne regnes ud af, "
        "er null med en markering i »skjult«. Tal er tekst med deres registrerede "
        "decimaler; datoer er ISO 8601."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)


class Sideinddeling(schemas.Schema):
    side: int = Field(1, ge=1, description="Sidenummer, fra 1.")
    pr_side: int = Field(20, ge=1, le=MAKS_PR_SIDE, description="Resultater pr. side.")


@api.exception_handler(HttpError)
def _http_fejl(request: HttpRequest, exc: HttpError):
    return api.create_response(request, {"fejl": str(exc)}, status=exc.status_code)


@api.exception_handler(Http404)
def _ikke_fundet(request: HttpRequest, exc: Http404):
    return api.create_response(request, {"fejl": "Findes ikke."}, status=404)


@api.exception_handler(ValidationError)
def _ugyldig(request: HttpRequest, exc: ValidationError):
    detaljer = [
        {"sted": list(map(str, e.get("loc", ()))), "type": e.get("type")} for e in exc.errors
    ]
    return api.create_response(
        request,
        {"fejl": "Ugyldige parametre i forespørgslen.", "detaljer": detaljer},
        status=422,
    )


def _side(qs, sideinddeling: Sideinddeling) -> tuple[list, dict]:
    antal = qs.count()
    sider = max(1, math.ceil(antal / sideinddeling.pr_side))
    if sideinddeling.side > sider:
        raise HttpError(404, f"Side {sideinddeling.side} findes ikke (der er {sider}).")
    start = (sideinddeling.side - 1) * sideinddeling.pr_side
    raekker = list(qs[start : start + sideinddeling.pr_side])
    return raekker, {
        "antal": antal,
        "side": sideinddeling.side,
        "pr_side": sideinddeling.pr_side,
        "sider": sider,
    }


def _publicerede():
    return Delaftale.objects.select_related("helhedsplan", "indsatsomraade").filter(
        Exists(Version.objects.filter(delaftale=OuterRef("pk")))
    )


def _delaftale(pk: int) -> Delaftale:
    d = _publicerede().filter(pk=pk).first()
    if d is None:
        raise HttpError(404, f"Der er ingen publiceret delaftale med id {pk}.")
    return d


@api.get("/helhedsplaner", response={200: schemas.HelhedsplanSide, **FEJL})
def helhedsplaner(request: HttpRequest, sideinddeling: Query[Sideinddeling]):
    """Alle helhedsplaner med deres boligområder (3 forespørgsler)."""
    planer, side = _side(
        Helhedsplan.objects.prefetch_related("boligomraader").order_by("navn", "pk"),
        sideinddeling,
    )
    return {**side, "resultater": [helhedsplan_data(p) for p in planer]}


@api.get("/helhedsplaner/{slug}", response={200: schemas.Helhedsplan, **FEJL})
def helhedsplan(request: HttpRequest, slug: str):
    plan = Helhedsplan.objects.prefetch_related("boligomraader").filter(slug=slug).first()
    if plan is None:
        raise HttpError(404, f"Der er ingen helhedsplan »{slug}«.")
    return helhedsplan_data(plan)


@api.get("/delaftaler", response={200: schemas.DelaftaleSide, **FEJL})
def delaftaler(
    request: HttpRequest,
    sideinddeling: Query[Sideinddeling],
    helhedsplan: str | None = None,
):
    """Hver delaftale med en publiceret version og dens gældende version (4 forespørgsler).
    ``helhedsplan``: kun denne helhedsplans (slug)."""
    qs = _publicerede().order_by("helhedsplan__navn", "indsatsomraade__raekkefoelge", "pk")
    if helhedsplan:
        qs = qs.filter(helhedsplan__slug=helhedsplan)
    aftaler, side = _side(qs, sideinddeling)
    gaeldende = {
        v.delaftale_id: v
        for v in Version.objects.gaeldende().uden_indhold().filter(delaftale__in=aftaler)
    }
    request.sidst_aendret = Version.objects.aggregate(t=Max("publiceret"))["t"]
    return {**side, "resultater": [delaftale_data(d, gaeldende[d.pk]) for d in aftaler]}


def _indhold(request: HttpRequest, pk: int, nummer: int | None) -> dict:
    d = _delaftale(pk)
    try:
        version = hent_version(d, nummer)
    except Http404:
        raise HttpError(404, f"Delaftalen har ingen version {nummer}.") from None
    request.sidst_aendret = max(
        t for t in (version.publiceret, version.administrativt_aendret) if t is not None
    )
    return indhold_data(version_visning(version))


@api.get("/delaftaler/{pk}", response={200: schemas.DelaftaleIndhold, **FEJL})
def delaftale(request: HttpRequest, pk: int):
    """Den gældende publicerede versions indhold, fra dens øjebliksbillede (3 forespørgsler)."""
    return _indhold(request, pk, None)


@api.get("/delaftaler/{pk}/versioner", response={200: list[schemas.Version], **FEJL})
def versioner(request: HttpRequest, pk: int):
    """Alle publicerede versioner, nyeste først."""
    d = _delaftale(pk)
    liste = list(d.versioner.uden_indhold().order_by("-nummer"))
    request.sidst_aendret = max(v.publiceret for v in liste)
    return [version_data(v) for v in liste]


@api.get("/delaftaler/{pk}/versioner/{nummer}", response={200: schemas.DelaftaleIndhold, **FEJL})
def version(request: HttpRequest, pk: int, nummer: int):
    """En tidligere (eller den gældende) version, som den blev publiceret."""
    return _indhold(request, pk, nummer)


def _godkendte(d: Delaftale):
    return (
        Opfoelgning.objects.filter(delaftale=d, status=Opfoelgning.Status.GODKENDT)
        .annotate(
            godkendt=Max(
                "haendelser__tidspunkt",
                filter=Q(haendelser__handling=OpfoelgningHaendelse.Handling.GODKENDT),
            )
        )
        .order_by("aar")
    )


def _aarenes_aendring(d: Delaftale):
    """When any of the delaftale's years last changed state (sent, approved, reopened):
    the approvals alone would not move when a year is reopened and leaves the list."""
    return Opfoelgning.objects.filter(delaftale=d).aggregate(t=Max("aendret"))["t"]


@api.get("/delaftaler/{pk}/opfoelgninger", response={200: list[schemas.Opfoelgning], **FEJL})
def opfoelgninger(request: HttpRequest, pk: int):
    """De år, bestyrelsen har godkendt, ældste først."""
    d = _delaftale(pk)
    aarene = list(_godkendte(d))
    request.sidst_aendret = _aarenes_aendring(d)
    return [{"aar": o.aar, "godkendt": o.godkendt} for o in aarene]


@api.get("/delaftaler/{pk}/opfoelgninger/{aar}", response={200: schemas.OpfoelgningIndhold, **FEJL})
def opfoelgning(request: HttpRequest, pk: int, aar: int):
    """Et godkendt års værdier pr. indikator og sted, med diskretion, og aktiviteternes status."""
    d = _delaftale(pk)
    aarene = {o.aar: o for o in _godkendte(d)}
    o = aarene.get(aar)
    if o is None:
        raise HttpError(404, f"Delaftalen har ingen godkendt opfølgning for {aar}.")
    request.sidst_aendret = _aarenes_aendring(d)
    return opfoelgning_data(hent_rapport(o), godkendte_aar=set(aarene), godkendt=o.godkendt)
