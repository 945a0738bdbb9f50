"""The forms of the draft's workflow: publish, submit, withdraw, approve, send back.

The forms that act on the draft carry its digest (``udkast_sha256``) as the page showed
it; the service refuses if the draft has changed since (publicering.UDKAST_AENDRET).
"""

from __future__ import annotations

from django import forms

from delaftaler.lib.forms import DatoTilOgMedIDagField
from delaftaler.models import Bestyrelsesmoede, Indstilling

KOMMENTAR_MAKS = Indstilling._meta.get_field("kommentar").max_length


def _fritekst(label: str, hvad: str, *, rows: int = 3, paakraevet: str = "") -> forms.CharField:
    """The free text of a step (reasons, a comment), at most as long as the model keeps.
    ``hvad`` names it in the refusal (»Begrundelsen«); ``paakraevet`` is the refusal when
    it is left empty, if it must be written."""
    fejl = {"max_length": f"{hvad} må højst være %(limit_value)d tegn."}
    if paakraevet:
        fejl["required"] = paakraevet
    return forms.CharField(
        label=label,
        required=bool(paakraevet),
        max_length=KOMMENTAR_MAKS,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": rows}),
        error_messages=fejl,
    )


class UdkastForm(forms.Form):
    """A form that acts on the draft exactly as the page showed it."""

    udkast_sha256 = forms.RegexField(
        regex=r"^[0-9a-f]{64}$",
        widget=forms.HiddenInput,
        error_messages={
            "required": "Siden mangler udkastets fingeraftryk. Indlæs siden igen.",
            "invalid": "Siden mangler udkastets fingeraftryk. Indlæs siden igen.",
        },
    )


class PublicerForm(UdkastForm):
    bekraeft = forms.BooleanField(
        label="Jeg har gennemgået ændringerne, og de skal gælde fra i dag",
        error_messages={"required": "Bekræft, at ændringerne skal publiceres."},
        widget=forms.CheckboxInput(attrs={"class": "form-checkbox"}),
    )


class IndstilForm(UdkastForm):
    begrundelse = _fritekst("Begrundelse til bestyrelsen (valgfri)", "Begrundelsen", rows=4)


class TraekTilbageForm(forms.Form):
    """Withdrawing a submission: a button and a CSRF token."""


FREMTIDIGT_MOEDE = (
    "Mødet kan ikke ligge ud i fremtiden. Skriv datoen for det møde, hvor bestyrelsen "
    "traf beslutningen."
)


class BeslutningForm(forms.Form):
    """A board decision records the meeting it was taken at: one of the plan's meetings
    (the latest so far filled in) or a date typed, a new meeting then."""

    moede = DatoTilOgMedIDagField(
        label="Besluttet på bestyrelsesmødet den", fremtid_fejl=FREMTIDIGT_MOEDE
    )

    def __init__(self, *args, helhedsplan=None, **kwargs):
        super().__init__(*args, **kwargs)
        if helhedsplan is not None:
            self.fields["moede"].saet_forslag(Bestyrelsesmoede.forslag(helhedsplan))


class GodkendForm(BeslutningForm):
    kommentar = _fritekst("Kommentar (valgfri)", "Kommentaren")


class SendTilbageForm(BeslutningForm):
    kommentar = _fritekst(
        "Hvorfor sendes ændringen tilbage?",
        "Kommentaren",
        paakraevet="Skriv, hvorfor ændringen sendes tilbage.",
    )
