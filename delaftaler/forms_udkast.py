"""The forms of the draft's workflow: publish, submit, withdraw, approve, send back.

The forms that act on the draft carry its digest (``udkast_sha256``) as the page showed
it; the service refuses if the draft has changed since (publicering.UDKAST_AENDRET).
"""

from __future__ import annotations

from django import forms

KOMMENTAR_MAKS = 5000


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
    begrundelse = forms.CharField(
        label="Begrundelse til bestyrelsen (valgfri)",
        required=False,
        max_length=KOMMENTAR_MAKS,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 4}),
        error_messages={"max_length": "Begrundelsen må højst være %(limit_value)d tegn."},
    )


class TraekTilbageForm(forms.Form):
    """Withdrawing a submission: a button and a CSRF token."""


class GodkendForm(forms.Form):
    kommentar = forms.CharField(
        label="Kommentar (valgfri)",
        required=False,
        max_length=KOMMENTAR_MAKS,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 3}),
        error_messages={"max_length": "Kommentaren må højst være %(limit_value)d tegn."},
    )


class SendTilbageForm(forms.Form):
    kommentar = forms.CharField(
        label="Hvorfor sendes ændringen tilbage?",
        max_length=KOMMENTAR_MAKS,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 3}),
        error_messages={
            "required": "Skriv, hvorfor ændringen sendes tilbage.",
            "max_length": "Kommentaren må højst være %(limit_value)d tegn.",
        },
    )
