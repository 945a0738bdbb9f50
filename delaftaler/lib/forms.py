"""A service's refusal shown in the form that asked for it.

Services raise ValidationError, keyed by model field where one is to blame; the page
shows each message next to the form field of that name, so a person sees what to change
where they typed it, and anything else at the top of the form.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


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
