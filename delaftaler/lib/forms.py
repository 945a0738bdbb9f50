"""A service's refusal shown in the form that asked for it.

Services raise ValidationError, keyed by model field where one is to blame; the page
shows each message next to the form field of that name, so a person sees what to change
where they typed it, and anything else at the top of the form.

Also: the unique rules Django's formsets leave to the database, checked across rows.
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import UniqueConstraint
from django.forms.utils import pretty_name
from django.utils import timezone
from django.utils.hashable import make_hashable
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst

DATO_FORMAT = "%d.%m.%Y"


def add_service_errors(
    form: forms.Form, error: ValidationError, *, field_for_all: str | None = None
) -> None:
    """Add ``error``'s messages to ``form``: each next to the field it names, if the form
    has one, else as the form's own errors. ``field_for_all`` takes the messages that
    name no field, for a form whose one field is what they are about."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            if name in form.fields:
                form.add_error(name, messages)
            elif name == NON_FIELD_ERRORS and field_for_all:
                form.add_error(field_for_all, messages)
            else:
                form.add_error(None, messages)
    else:
        form.add_error(field_for_all, error.messages)


class ConditionalUniqueFormSetMixin:
    """Refuses two rows of one formset that break a conditional ``UniqueConstraint``.

    Django's formsets compare their rows only for unconditional unique rules
    (``total_unique_constraints``), and each row's own check looks only at the database, so
    two new rows for the same place and period reached the database as an IntegrityError.
    Here the row that repeats an earlier one gets the constraint's own message.
    """

    def validate_unique(self) -> None:
        fejl: list[ValidationError] = []
        try:
            super().validate_unique()
        except ValidationError as exc:
            fejl.extend(exc.error_list)
        fejl.extend(self._validate_conditional_unique())
        if fejl:
            raise ValidationError(fejl)

    def _validate_conditional_unique(self) -> list[ValidationError]:
        meta = self.model._meta
        fk_navn = getattr(getattr(self, "fk", None), "name", None)
        raekker = [f for f in self.forms if f.is_valid() and f not in self.deleted_forms]
        fejl = []
        for regel in meta.constraints:
            if not isinstance(regel, UniqueConstraint) or regel.condition is None:
                continue
            if not regel.fields:
                continue
            grupper: dict[tuple, list[forms.BaseForm]] = {}
            for form in raekker:
                noegle = tuple(
                    fk_navn
                    if navn == fk_navn
                    else make_hashable(getattr(form.instance, meta.get_field(navn).attname))
                    for navn in regel.fields
                )
                if None in noegle and regel.nulls_distinct is not False:
                    continue
                grupper.setdefault(noegle, []).append(form)
            for gruppe in grupper.values():
                omfattet = [f for f in gruppe if len(gruppe) > 1 and _opfylder(regel, f)]
                for form in omfattet[1:]:
                    besked = regel.get_violation_error_message()
                    form.add_error(None, besked)
                    fejl.append(ValidationError(besked, code=regel.violation_error_code))
        return fejl


def _opfylder(regel: UniqueConstraint, form: forms.BaseForm) -> bool:
    instans = form.instance
    return regel.condition.check(instans._get_field_expression_map(meta=instans._meta))


class KolonneEtiketterMixin:
    """For a TabularInline: Django names its columns once, in the table's head, so no input
    in a row has a name of its own and a screen reader announces a bare »rediger tekst«
    (axe: label, select-name). Each visible input gets its column's heading as its name."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (_KolonneEtiketter, formset), {})


class _KolonneEtiketter:
    def add_fields(self, form: forms.BaseForm, index: int | None) -> None:
        super().add_fields(form, index)
        for navn, felt in form.fields.items():
            # Admin's RelatedFieldWidgetWrapper renders the widget it wraps, with its attrs.
            widget = getattr(felt.widget, "widget", felt.widget)
            if not widget.is_hidden:
                widget.attrs.setdefault(
                    "aria-label", capfirst(str(felt.label or pretty_name(navn)))
                )


class DatoMedForslag(forms.DateInput):
    """A date typed as dd.mm.åååå, with suggestions the browser offers (a <datalist>)."""

    def __init__(self, forslag: list[datetime.date] | None = None, attrs=None):
        super().__init__(attrs={"class": "form-input input-width-s", **(attrs or {})})
        self.format = DATO_FORMAT
        self.forslag = forslag or []

    def render(self, name, value, attrs=None, renderer=None):
        attrs = dict(attrs or {})
        if not self.forslag:
            return super().render(name, value, attrs, renderer)
        liste_id = f"{attrs.get('id') or name}-forslag"
        attrs["list"] = liste_id
        felt = super().render(name, value, attrs, renderer)
        valg = format_html_join(
            "", '<option value="{}"></option>', ((d.strftime(DATO_FORMAT),) for d in self.forslag)
        )
        return format_html('{}<datalist id="{}">{}</datalist>', felt, liste_id, valg)


class DatoTilOgMedIDagField(forms.DateField):
    """A day that has come (today at the latest), typed dd.mm.åååå; e.g. the board
    meeting a decision was taken at."""

    widget = DatoMedForslag
    FORKERT = "Skriv datoen som dd.mm.åååå, fx 12.03.2025."

    def __init__(self, *, fremtid_fejl: str, **kwargs):
        self.fremtid_fejl = fremtid_fejl
        kwargs.setdefault("input_formats", [DATO_FORMAT, "%d.%m.%y", "%d-%m-%Y", "%Y-%m-%d"])
        fejl = {
            "invalid": self.FORKERT,
            "required": self.FORKERT,
            **kwargs.pop("error_messages", {}),
        }
        super().__init__(error_messages=fejl, **kwargs)

    def to_python(self, value):
        if isinstance(value, str) and len(value) > 30:
            raise forms.ValidationError(self.FORKERT, code="invalid")
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        if value and value > timezone.localdate():
            raise forms.ValidationError(self.fremtid_fejl, code="fremtid")

    def saet_forslag(self, forslag: list[datetime.date]) -> None:
        """Offer these days (the latest first); the first is filled in."""
        self.widget.forslag = forslag
        if forslag:
            self.initial = forslag[0]
