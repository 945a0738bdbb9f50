"""Rich text that is safe wherever it is stored from.

ProseMirror (django-prose-editor) edits it in the admin; nh3 cleans it with the
same allow-list the editor offers. Cleaning happens in the form, in full_clean()
and again on the way into the database, so a fixture, a service or a bulk write
can never store a <script>, an event handler or a style attribute.
"""

from django.db import models
from django_prose_editor.fields import ProseEditorField, ProseEditorFormField

RIGTEKST_UDVIDELSER = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "HardBreak": True,
    "History": True,
}


class RigTekstFormField(ProseEditorFormField):
    def to_python(self, value):
        # Clean before the required check: an editor left empty posts "<p></p>".
        return self.sanitize(super().to_python(value))


class RigTekstField(ProseEditorField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("extensions", dict(RIGTEKST_UDVIDELSER))
        kwargs["sanitize"] = True
        super().__init__(*args, **kwargs)

    def clean(self, value, model_instance):
        return models.TextField.clean(self, self.sanitize(value or ""), model_instance)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return self.sanitize(value) if value else value

    def formfield(self, **kwargs):
        return super().formfield(form_class=RigTekstFormField, sanitize=True, **kwargs)


def rens_rigtekst(html: str) -> str:
    """HTML from outside (a Word document) cleaned with the admin's allow-list, for showing
    before it is saved (saving cleans it again)."""
    return RigTekstField().sanitize(html or "")
