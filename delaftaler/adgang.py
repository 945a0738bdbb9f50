"""Who works on which helhedsplan: membership, and the admin's scoping by it.

Published versions are public. Everything else – the drafts in the ordinary tables,
follow-ups that are not approved, history, submissions to the board – is for the
helhedsplan's members (Helhedsplan.medlemmer) and for administrators, who work on every
helhedsplan (the permission ``delaftaler.alle_helhedsplaner``; superusers too).

Each domain model knows its way to its helhedsplan (``HELHEDSPLAN_STIER``). The admin's
``HelhedsplanAdgangMixin`` uses it for the rows a ModelAdmin or inline shows and for the
choices in its foreign-key and many-to-many fields, so another plan's object is neither
listed, offered nor opened by its address (the admin's »findes ikke« answer).

The site's views look up one object with a pair of helpers: ``hent_til_visning`` for an
object the person may see (404 otherwise) and ``hent_til_redigering`` for one they may
work on (404 as for seeing, then 403 for another plan's public object or a missing
permission).
"""

from __future__ import annotations

from functools import wraps

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import (
    FieldDoesNotExist,
    ObjectDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from delaftaler.models import Delaftale, Helhedsplan

ALLE = "delaftaler.alle_helhedsplaner"

# Model label → the lookup from that model to its helhedsplan ("" for the plan itself).
HELHEDSPLAN_STIER: dict[str, str] = {
    "delaftaler.helhedsplan": "",
    "delaftaler.boligomraade": "helhedsplan",
    "delaftaler.bestyrelsesmoede": "helhedsplan",
    "delaftaler.delaftale": "helhedsplan",
    "delaftaler.part": "delaftale__helhedsplan",
    "delaftaler.delmaal": "delaftale__helhedsplan",
    "delaftaler.version": "delaftale__helhedsplan",
    "delaftaler.indstilling": "delaftale__helhedsplan",
    "delaftaler.opfoelgning": "delaftale__helhedsplan",
    "delaftaler.opfoelgninghaendelse": "opfoelgning__delaftale__helhedsplan",
    "delaftaler.godkendtrapport": "opfoelgning__delaftale__helhedsplan",
    "delaftaler.delmaalstatus": "opfoelgning__delaftale__helhedsplan",
    "delaftaler.kommentar": "opfoelgning__delaftale__helhedsplan",
    "indikatorer.indikator": "delmaal__delaftale__helhedsplan",
    "indikatorer.baseline": "indikator__delmaal__delaftale__helhedsplan",
    "indikatorer.maaling": "opfoelgning__delaftale__helhedsplan",
    "aktiviteter.aktivitet": "delaftale__helhedsplan",
    "aktiviteter.aktivitetstatus": "opfoelgning__delaftale__helhedsplan",
}


def er_administrator(bruger) -> bool:
    """Works on every helhedsplan and manages who belongs to which."""
    return bool(bruger.is_authenticated and bruger.is_active and bruger.has_perm(ALLE))


def sti_til_helhedsplan(model: type[models.Model]) -> str | None:
    """The lookup from ``model`` to its helhedsplan, or None for models outside any plan.

    A history model (django-simple-history) keeps its model's foreign keys, so it takes
    the same way; the helhedsplan's own history rows are found by the plan's id.
    """
    original = getattr(model, "instance_type", None)
    if original is not None and original is not model:
        sti = HELHEDSPLAN_STIER.get(original._meta.label_lower)
        return "id" if sti == "" else sti
    return HELHEDSPLAN_STIER.get(model._meta.label_lower)


def afgraens(queryset: models.QuerySet, bruger, sti: str | None = None) -> models.QuerySet:
    """The rows of ``queryset`` in the helhedsplaner ``bruger`` works on."""
    sti = sti_til_helhedsplan(queryset.model) if sti is None else sti
    if sti is None or er_administrator(bruger):
        return queryset
    planer = Helhedsplan.objects.for_bruger(bruger).values("pk")
    return queryset.filter(**{f"{sti}__in" if sti else "pk__in": planer})


def med_medlemskab(queryset: models.QuerySet, bruger, sti: str) -> models.QuerySet:
    """``queryset`` with ``er_medlem`` on each row: does ``bruger`` work on its helhedsplan?
    (One subquery, no extra query: for views that answer 403 on a public object.)"""
    if er_administrator(bruger):
        return queryset.annotate(er_medlem=models.Value(True))
    planer = Helhedsplan.objects.for_bruger(bruger).filter(pk=models.OuterRef(sti))
    return queryset.annotate(er_medlem=models.Exists(planer))


IKKE_MEDLEM = "Du er ikke tilknyttet denne helhedsplan."
INGEN_ADGANG = "Du har ikke adgang til denne handling."


def _synlige(queryset: models.QuerySet, bruger) -> models.QuerySet:
    """The rows ``bruger`` may see: the model's own rule where some rows are public
    (``synlige_for``, e.g. approved follow-ups), else those of their helhedsplaner."""
    synlige_for = getattr(queryset, "synlige_for", None)
    return synlige_for(bruger) if synlige_for is not None else afgraens(queryset, bruger)


def hent_til_visning(request: HttpRequest, queryset: models.QuerySet, **opslag) -> models.Model:
    """The object of ``queryset`` matching ``opslag`` that the person may see.

    Anything else is a 404, as if it did not exist: another plan's draft or unapproved
    year is not given away.
    """
    return get_object_or_404(_synlige(queryset, request.user), **opslag)


def hent_til_redigering(
    request: HttpRequest, queryset: models.QuerySet, *perms: str, **opslag
) -> models.Model:
    """The object of ``queryset`` matching ``opslag`` that the person may work on.

    What they may not see is a 404 (``hent_til_visning``); what they may see but is not
    their helhedsplan's (another plan's approved, public year) is a 403, and so is a
    missing permission of ``perms``: seen, but not theirs to change.
    """
    bruger = request.user
    synlige = _synlige(queryset, bruger)
    objekt = get_object_or_404(
        med_medlemskab(synlige, bruger, sti_til_helhedsplan(queryset.model)), **opslag
    )
    if not objekt.er_medlem:
        raise PermissionDenied(IKKE_MEDLEM)
    if not bruger.has_perms(perms):
        raise PermissionDenied(INGEN_ADGANG)
    return objekt


class HelhedsplanAdgangMixin:
    """For ModelAdmins and inlines of the domain models: only the person's helhedsplaner.

    - the change list, the change/history/delete pages and inlines show only rows of the
      person's helhedsplaner (anything else is »findes ikke« in the admin);
    - foreign-key and many-to-many choices offer only objects of those helhedsplaner;
    - list filters on related objects list only those that occur in the person's rows.

    ``helhedsplan_sti`` overrides the lookup from the admin's model to its helhedsplan
    (default: ``HELHEDSPLAN_STIER``). Put the mixin first among the bases.
    """

    helhedsplan_sti: str | None = None

    def get_queryset(self, request):
        return afgraens(super().get_queryset(request), request.user, self.helhedsplan_sti)

    def get_field_queryset(self, db, db_field, request):
        queryset = super().get_field_queryset(db, db_field, request)
        model = db_field.remote_field.model
        if sti_til_helhedsplan(model) is None:
            return queryset
        if queryset is None:
            queryset = model._default_manager.using(db).all()
        return afgraens(queryset, request.user)

    def get_list_filter(self, request):
        return [self._kun_egne(filter_) for filter_ in super().get_list_filter(request)]

    def _kun_egne(self, filter_):
        if not isinstance(filter_, str):
            return filter_
        model = self.model
        felt = None
        for navn in filter_.split("__"):
            try:
                felt = model._meta.get_field(navn)
            except FieldDoesNotExist:
                return filter_
            model = felt.related_model if felt.is_relation else None
            if model is None:
                break
        if (
            felt is not None
            and felt.is_relation
            and sti_til_helhedsplan(felt.related_model) is not None
        ):
            return (filter_, admin.RelatedOnlyFieldListFilter)
        return filter_


def kraev_medlem(perm: str):
    """A view of one delaftale's non-public side (draft, history, submissions).

    Anonymous → the login page; not a member of the helhedsplan → 404 (its drafts do
    not exist for them); a member without ``perm`` → 403. The view gets the delaftale.
    """

    def dekorator(view):
        @login_required
        @wraps(view)
        def indpakket(request: HttpRequest, helhedsplan: str, indsats: str, **kwargs):
            delaftale = hent_til_redigering(
                request,
                Delaftale.objects.select_related("helhedsplan", "indsatsomraade"),
                perm,
                helhedsplan__slug=helhedsplan,
                indsatsomraade__slug=indsats,
            )
            return view(request, delaftale, **kwargs)

        return indpakket

    return dekorator


def vis_paa_siden(request: HttpRequest, content_type_id: int, object_id: str) -> HttpResponse:
    """The admin's »Vis på siden« (/admin/r/<ct>/<id>/), only for objects of the person's
    helhedsplaner: Django's own view redirects anyone to any object's address, which
    gives away another plan's unpublished delaftale by its name. Outside them: 404."""
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ObjectDoesNotExist:
        raise Http404("Findes ikke.") from None
    if model is not None and sti_til_helhedsplan(model) is not None:
        try:
            if (
                not afgraens(model._default_manager.all(), request.user)
                .filter(pk=object_id)
                .exists()
            ):
                raise Http404("Findes ikke.")
        except (ValueError, TypeError, ValidationError):
            raise Http404("Findes ikke.") from None
    return shortcut(request, content_type_id, object_id)
