"""Optimistic locking for the admin's change pages: a later save never silently overwrites
an earlier one.

A change page carries a stamp of what it showed when it was opened (a hidden field): the
object's ``aendret`` and, for each inline whose rows record their own ``aendret`` (parter,
delmål, aktiviteter, indikatorer, baselines, statusser), those rows' ids and ``aendret``.
On save the stamp is computed again inside the save's transaction, with the object's row
and those rows locked until the transaction ends: ``select_for_update(no_key=True)``, on
PostgreSQL FOR NO KEY UPDATE, which does not block rows that merely refer to them; locks
are taken top down (the object, then its rows in id order). If it differs, someone else
has saved in between – on the same page, or one of the rows on its own page
(a delmål edited on the delmål's page while its delaftale's page is open) – and the save
is refused: nothing is written and the form comes back with the person's input in it.

Every accepted save of a page moves the object's ``aendret``: ``save_model`` saves the
object, and ``save_related`` moves it again after the inlines are saved, so a page where
only a baseline was edited still reads as changed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst

FELT = "aendret_ved_aabning"
AABNET_SIDEN = "Dine ændringer er ikke gemt, men står stadig i formularen."
GENINDLAES = "Kopiér dem, genindlæs siden og indsæt dem igen."

Raekke = tuple[object, datetime]


def har_aendret(model: type[models.Model]) -> bool:
    return any(f.name == "aendret" for f in model._meta.concrete_fields)


def noegle(model: type[models.Model], fk: str) -> str:
    return f"{model._meta.label}.{fk}"


def stempel(aendret: datetime, raekker: dict[str, Iterable[Raekke]]) -> str:
    """The page's version: the object's ``aendret`` and a digest of its inline rows."""
    digest = hashlib.sha256()
    for navn in sorted(raekker):
        digest.update(navn.encode())
        for pk, tid in sorted(raekker[navn], key=lambda r: str(r[0])):
            digest.update(f"|{pk}:{tid.isoformat()}".encode())
        digest.update(b"\n")
    return f"{aendret.isoformat()};{digest.hexdigest()[:32]}"


@dataclass(frozen=True)
class Raekker:
    """One inline on the page: the rows of ``model`` whose ``fk`` points at the object."""

    model: type[models.Model]
    fk: str

    @property
    def noegle(self) -> str:
        return noegle(self.model, self.fk)


@dataclass(frozen=True)
class Tilstand:
    stempel: str
    seneste: datetime  # the latest ``aendret`` on the page: when it was last saved


def laas_tilstand(obj: models.Model, raekker: list[Raekker]) -> Tilstand | None:
    """The page's state as it is in the database now, its rows locked until the
    transaction ends (the caller must be inside one). None if the object is gone."""
    aendret = (
        type(obj)
        ._base_manager.select_for_update(no_key=True)
        .filter(pk=obj.pk)
        .values_list("aendret", flat=True)
        .first()
    )
    if aendret is None:
        return None
    data: dict[str, list[Raekke]] = {}
    seneste = aendret
    for r in raekker:
        rows = list(
            r.model._base_manager.select_for_update(no_key=True)
            .filter(**{r.fk: obj.pk})
            .order_by("pk")
            .values_list("pk", "aendret")
        )
        data[r.noegle] = rows
        seneste = max([seneste, *(tid for _, tid in rows)])
    return Tilstand(stempel(aendret, data), seneste)


def tidspunkt(tid: datetime) -> str:
    """'kl. 14:03' today, 'den 03.11.2026 kl. 14:03' on another day (local time)."""
    lokal = timezone.localtime(tid)
    klokken = f"kl. {lokal:%H:%M}"
    return klokken if lokal.date() == timezone.localdate() else f"den {lokal:%d.%m.%Y} {klokken}"


def kontroller(obj: models.Model, aabnet: str, raekker: list[Raekker], navn: str) -> None:
    """Refuse the save unless the page is still as it was when ``aabnet`` was stamped.
    ``navn`` is the object in the definite form (»Delaftalen«, »Delmålet«)."""
    pronomen = "det" if navn.endswith("et") else "den"
    tilstand = laas_tilstand(obj, raekker)
    if tilstand is None:
        raise ValidationError(
            f"{navn} er blevet slettet af en anden, efter du åbnede {pronomen}. {AABNET_SIDEN}",
            code="slettet",
        )
    if not aabnet:
        raise ValidationError(
            "Formularen mangler oplysningen om, hvornår siden blev åbnet, så det kan ikke "
            f"afgøres, om andre har ændret {pronomen} imens. {AABNET_SIDEN} {GENINDLAES}",
            code="uden_stempel",
        )
    if aabnet != tilstand.stempel:
        raise ValidationError(
            f"{navn} er blevet ændret af en anden ({tidspunkt(tilstand.seneste)}), efter du "
            f"åbnede {pronomen}. {AABNET_SIDEN} {GENINDLAES}",
            code="aendret_af_anden",
        )


class StempelField(forms.CharField):
    """The hidden stamp. It never counts as a change (nor in the admin's change message)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def has_changed(self, initial, data) -> bool:
        return False


def _fk_navn(model: type[models.Model], inline) -> str:
    if inline.fk_name:
        return inline.fk_name
    return next(
        f.name
        for f in inline.model._meta.concrete_fields
        if f.many_to_one and f.related_model is not None and issubclass(model, f.related_model)
    )


class SamtidighedAdminMixin:
    """Optimistic locking for a ModelAdmin whose model has ``aendret`` (auto_now).

    Put it first among the bases (before adminsortable2's SortableAdminBase and
    ModelAdmin). ``bestemt_navn`` is the model in the definite form for the message.
    """

    change_form_template = "admin/concurrency/change_form.html"
    bestemt_navn = ""

    def _concurrency_name(self) -> str:
        return self.bestemt_navn or capfirst(self.model._meta.verbose_name)

    def _concurrency_rows(self, request, obj) -> list[Raekker]:
        return [
            Raekker(inline.model, _fk_navn(self.model, inline))
            for inline in self.get_inline_instances(request, obj)
            if har_aendret(inline.model)
        ]

    def _stempel_ved_visning(self, request, obj) -> str:
        # The rows the page's inline formsets loaded (get_inline_formsets), so stamping
        # costs no queries; read them here only if the page was built some other way.
        raekker = obj.__dict__.get("_concurrency_rows")
        if raekker is None:
            raekker = {
                r.noegle: list(
                    r.model._base_manager.filter(**{r.fk: obj.pk}).values_list("pk", "aendret")
                )
                for r in self._concurrency_rows(request, obj)
            }
        return stempel(obj.aendret, raekker)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if not change or obj is None or obj.pk is None:
            return form
        admin = self

        class SamtidighedForm(form):
            aendret_ved_aabning = StempelField()

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if not self.is_bound:
                    instance = self.instance
                    self.initial[FELT] = lambda: admin._stempel_ved_visning(request, instance)

            def clean(self):
                data = super().clean()
                # The admin's change view runs the whole save in one transaction, so the
                # rows locked here stay locked until the save is committed.
                kontroller(
                    self.instance,
                    self.cleaned_data.get(FELT) or "",
                    admin._concurrency_rows(request, self.instance),
                    admin._concurrency_name(),
                )
                return data

        SamtidighedForm.__name__ = form.__name__
        return SamtidighedForm

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None, **kwargs):
        if obj is not None and obj.pk is not None and request.method != "POST":
            obj._concurrency_rows = {
                noegle(fs.model, fs.fk.name): [(r.pk, r.aendret) for r in fs.get_queryset()]
                for fs in formsets
                if har_aendret(fs.model)
            }
        return super().get_inline_formsets(request, formsets, inline_instances, obj, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and any(fs.has_changed() for fs in formsets):
            obj = form.instance
            obj.aendret = timezone.now()
            type(obj)._base_manager.filter(pk=obj.pk).update(aendret=obj.aendret)


# --- Per-row stamps for a page of many small forms ------------------------------------------
#
# A grid (the follow-up's entry page) is one save of many rows. Each row's form is stamped
# with a digest of what it showed, in the strings a browser posts back. Comparing what was
# posted with that stamp tells an untouched row (not written, so it cannot overwrite anyone)
# from a changed one, and comparing the stamp with the row as it is now tells a row someone
# else changed since the page was opened.


def _som_vist(felt: forms.Field, vaerdi) -> str:
    """A value as the field's widget renders it (and an untouched control posts it)."""
    widget = felt.widget
    if isinstance(widget, forms.CheckboxInput):
        return "1" if widget.check_test(vaerdi) else ""
    vist = widget.format_value(vaerdi)
    if isinstance(vist, list | tuple):
        vist = ",".join(str(v) for v in vist if v not in (None, ""))
    # Browsers post a textarea's line breaks as CRLF; the edges carry no meaning.
    return str(vist if vist is not None else "").replace("\r\n", "\n").strip()


def vist(form: forms.Form) -> dict[str, str]:
    """What an unbound ``form`` shows, field by field: its initial values."""
    return {
        navn: _som_vist(felt, felt.prepare_value(form.get_initial_for_field(felt, navn)))
        for navn, felt in form.fields.items()
    }


def sendt(form: forms.Form, data) -> dict[str, str]:
    """What was posted for ``form`` (its prefix) in ``data``, in the same terms as ``vist``."""
    resultat = {}
    for navn, felt in form.fields.items():
        raa = felt.widget.value_from_datadict(data, {}, form.add_prefix(navn))
        if isinstance(felt.widget, forms.CheckboxInput):
            resultat[navn] = "1" if raa else ""
        else:
            resultat[navn] = str(raa if raa is not None else "").replace("\r\n", "\n").strip()
    return resultat


def raekke_stempel(vaerdier: dict[str, str]) -> str:
    """A short digest of one row's values (from ``vist`` or ``sendt``)."""
    tekst = json.dumps(sorted(vaerdier.items()), ensure_ascii=False)
    return hashlib.sha256(tekst.encode()).hexdigest()[:20]


def version(obj: models.Model | None) -> tuple[object, datetime] | None:
    """A row's version as a save compares it: its id and ``aendret``; None if none exists."""
    return None if obj is None or obj.pk is None else (obj.pk, obj.aendret)
