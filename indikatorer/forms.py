"""Forms that read numbers and periods the way a secretariat types them."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from indikatorer.models import BEGGE_ANTAL, Baseline
from indikatorer.periode import UgyldigPeriode, formater_periode, fortolk_periode
from indikatorer.tal import (
    MAKS_DECIMALER,
    UgyldigtTal,
    antal_decimaler,
    formater_tal,
    fortolk_tal,
    som_antal,
)


class DanskTalField(forms.Field):
    """A decimal typed as '11,3', '11,3 %', '1.500' or '56,20', keeping the decimals given."""

    widget = forms.TextInput

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "size": 6, "maxlength": 20})

    def to_python(self, value) -> Decimal | None:
        tekst = str(value).strip() if value is not None else ""
        if not tekst:
            return None
        try:
            if len(tekst) > 20:
                raise UgyldigtTal()
            tal = fortolk_tal(tekst)
        except UgyldigtTal as exc:
            raise forms.ValidationError(str(exc), code="ugyldigt_tal") from exc
        if antal_decimaler(tal) > MAKS_DECIMALER:
            raise forms.ValidationError("Højst fire decimaler.", code="for_mange_decimaler")
        if abs(tal) >= Decimal(10) ** 8:
            raise forms.ValidationError("Tallet er for stort.", code="for_stort")
        return tal


class PeriodeField(forms.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"size": 8, "placeholder": "fx 2019"})

    def to_python(self, value) -> str:
        tekst = super().to_python(value)
        if not tekst:
            return ""
        try:
            return fortolk_periode(tekst)
        except UgyldigPeriode as exc:
            raise forms.ValidationError(str(exc), code="ugyldig_periode") from exc


class HeltalField(forms.Field):
    """A count typed as '12' or '1.200' (read by the one Danish number parser, so '1.2'
    is refused rather than read as 12)."""

    widget = forms.TextInput

    def to_python(self, value) -> int | None:
        tekst = str(value or "").strip()
        if not tekst:
            return None
        try:
            tal = fortolk_tal(tekst) if len(tekst) <= 20 else None
        except UgyldigtTal as exc:
            if exc.komma:
                raise forms.ValidationError(str(exc), code="ugyldigt_heltal") from exc
            tal = None
        antal = som_antal(tal) if tal is not None else None
        if antal is None:
            raise forms.ValidationError("Skriv et helt tal, fx 12.", code="ugyldigt_heltal")
        return antal


class AntalWidget(forms.MultiWidget):
    """Tæller over nævner in one cell of the grid, so it still fits a laptop screen."""

    template_name = "indikatorer/antal_widget.html"

    def __init__(self, attrs=None):
        felt = {"inputmode": "numeric", "maxlength": 9, "class": "antal"}
        super().__init__(
            [
                forms.TextInput({**felt, "aria-label": "Tæller", "placeholder": "tæller"}),
                forms.TextInput({**felt, "aria-label": "Nævner", "placeholder": "nævner"}),
            ],
            attrs,
        )

    def decompress(self, value):
        return list(value) if value else [None, None]


class AntalField(forms.MultiValueField):
    """The counts behind a share: (tæller, nævner), or (None, None)."""

    widget = AntalWidget

    def __init__(self, **kwargs):
        super().__init__(
            fields=[HeltalField(required=False), HeltalField(required=False)],
            require_all_fields=False,
            required=False,
            error_messages={"incomplete": BEGGE_ANTAL},
            **kwargs,
        )

    def compress(self, data_list):
        return tuple(data_list) if data_list else (None, None)


class BaselineForm(forms.ModelForm):
    """One row of the baseline grid; knows the helhedsplan so it offers only its areas."""

    omraader: list | None = None

    vaerdi = DanskTalField(label="Baseline", required=False, help_text="Fx 11,3 eller 47.")
    sammenligning = DanskTalField(label="Evt. anden baseline", required=False)
    periode = PeriodeField(label="Baseline år", required=False)
    antal = AntalField(
        label="Tæller / nævner", help_text="Antal personer bag andelen og i alt, fx 47 og 416."
    )

    class Meta:
        model = Baseline
        fields = [
            "boligomraade",
            "vaerdi",
            "afventer",
            "sammenligning",
            "sammenligning_label",
            "periode",
            "datakilde",
            "maalgruppe",
            "samlet_for",
        ]
        widgets = {
            "maalgruppe": forms.TextInput(attrs={"size": 12}),
            "sammenligning_label": forms.TextInput(attrs={"size": 10}),
            "datakilde": forms.TextInput(attrs={"size": 12}),
            "samlet_for": forms.SelectMultiple(attrs={"size": 2, "class": "kompakt"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.omraader is not None:
            # Choices built once per grid, not once per row; validation still checks the
            # helhedsplan in Baseline.clean().
            valg = [(o.pk, o.navn) for o in self.omraader]
            self.fields["boligomraade"].choices = [("", "---------"), *valg]
            self.fields["samlet_for"].choices = valg
        instans = self.instance
        if instans.vaerdi is not None:
            self.initial["vaerdi"] = formater_tal(instans.vaerdi, instans.vaerdi_decimaler)
        if instans.sammenligning is not None:
            self.initial["sammenligning"] = formater_tal(
                instans.sammenligning, instans.sammenligning_decimaler
            )
        if instans.periode:
            self.initial["periode"] = formater_periode(instans.periode)
        if instans.taeller is not None or instans.naevner is not None:
            self.initial["antal"] = (instans.taeller, instans.naevner)

    def clean(self):
        data = super().clean()
        # Set here, so the model's rules (the share from the counts) see them.
        self.instance.taeller, self.instance.naevner = data.get("antal") or (None, None)
        samlet = list(data.get("samlet_for") or [])
        if samlet:
            if data.get("boligomraade"):
                self.add_error(
                    "samlet_for",
                    "Vælg enten ét boligområde eller flere, der er opgjort samlet – ikke begge.",
                )
            elif len(samlet) < 2:
                self.add_error(
                    "samlet_for",
                    "En samlet opgørelse skal omfatte mindst to boligområder. "
                    "Gælder den ét område, så vælg det under »Boligområde«.",
                )
            elif not data.get("maalgruppe"):
                self.add_error(
                    "maalgruppe",
                    "Beskriv den samlede opgørelse, "
                    "fx »Opgjort samlet for Nørremarken og Løget Høj«.",
                )
            indikator = data.get("indikator") or getattr(self.instance, "indikator", None)
            plan_id = _plan_id(indikator)
            if plan_id and any(o.helhedsplan_id != plan_id for o in samlet):
                self.add_error(
                    "samlet_for", "Alle boligområder skal høre til delaftalens helhedsplan."
                )
        return data

    def _update_errors(self, errors):
        """A field the form already rejected gets no second, contradicting model error."""
        if hasattr(errors, "error_dict"):
            # The counts' errors belong to their shared cell.
            samlet: dict = {}
            for f, e in errors.error_dict.items():
                samlet.setdefault("antal" if f in ("taeller", "naevner") else f, []).extend(e)
            rest = {f: e for f, e in samlet.items() if f not in self._errors}
            if not rest:
                return
            errors = forms.ValidationError(rest)
        super()._update_errors(errors)

    def _post_clean(self):
        for felt in ("vaerdi", "sammenligning"):
            tal = self.cleaned_data.get(felt)
            setattr(
                self.instance, f"{felt}_decimaler", antal_decimaler(tal) if tal is not None else 0
            )
        super()._post_clean()


def _plan_id(indikator) -> int | None:
    if indikator is None or not getattr(indikator, "delmaal_id", None):
        return None
    return indikator.delmaal.delaftale.helhedsplan_id
