"""The »Ny delaftale« form: helhedsplan, indsatsområde, period and what to start from.

Only what the person may use is offered: the helhedsplaner they work on, LBF's active
indsatsområder (those the chosen plan has no delaftale for, when the plan is known), and
the delaftaler of their helhedsplaner to copy."""

from __future__ import annotations

from django import forms

from delaftaler.models import Delaftale, Helhedsplan, Indsatsomraade

STANDARD = "standard"
DATO_FEJL = "Skriv en dato, fx 01.12.2025."


def _dato(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        error_messages={"invalid": DATO_FEJL},
        widget=forms.DateInput(
            format="%d.%m.%Y", attrs={"class": "form-input input-width-s", "inputmode": "numeric"}
        ),
    )


def helhedsplan_felt() -> forms.ModelChoiceField:
    """The helhedsplan a new delaftale belongs to, by slug; the form sets the queryset to
    the person's own plans. Also the Word import's (delaftaler/word/views/indlaes.py)."""
    return forms.ModelChoiceField(
        label="Helhedsplan",
        queryset=Helhedsplan.objects.none(),
        empty_label="Vælg helhedsplan",
        to_field_name="slug",
        error_messages={
            "required": "Vælg den helhedsplan, delaftalen hører til.",
            "invalid_choice": "Vælg en af dine helhedsplaner.",
        },
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class NyDelaftaleForm(forms.Form):
    helhedsplan = helhedsplan_felt()
    indsatsomraade = forms.ModelChoiceField(
        label="Indsatsområde",
        queryset=Indsatsomraade.objects.none(),
        empty_label="Vælg indsatsområde",
        to_field_name="slug",
        error_messages={
            "required": "Vælg delaftalens indsatsområde.",
            "invalid_choice": "Vælg et af indsatsområderne på listen.",
        },
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    gyldig_fra = _dato("Delaftalen gælder fra")
    gyldig_til = _dato("Delaftalen gælder til")
    start_fra = forms.ChoiceField(
        label="Start fra",
        error_messages={
            "required": "Vælg, hvad delaftalen skal starte fra.",
            "invalid_choice": "Vælg LBF's standardtekster eller en af delaftalerne på listen.",
        },
        widget=forms.Select(attrs={"class": "form-select", "aria-describedby": "start-fra-hint"}),
    )

    def __init__(self, *args, bruger, helhedsplan: Helhedsplan | None = None, **kwargs):
        """``helhedsplan``: the plan the page was opened for, if any (its period becomes
        the default, and only its free indsatsområder are offered)."""
        super().__init__(*args, **kwargs)
        self.fields["helhedsplan"].queryset = Helhedsplan.objects.for_bruger(bruger).order_by(
            "navn"
        )
        omraader = Indsatsomraade.objects.filter(aktiv=True)
        if helhedsplan is not None and not self.is_bound:
            # Sent, a taken one is refused with the plan's and area's names (the service).
            omraader = omraader.exclude(delaftaler__helhedsplan=helhedsplan)
        self.fields["indsatsomraade"].queryset = omraader
        self.kilder = {
            str(d.pk): d
            for d in Delaftale.objects.for_bruger(bruger)
            .select_related("helhedsplan", "indsatsomraade")
            .order_by("-gyldig_fra", "helhedsplan__navn", "indsatsomraade__raekkefoelge")
        }
        self.fields["start_fra"].choices = [
            (STANDARD, "LBF's standardtekster"),
            (
                "Kopi af en tidligere delaftale",
                [(pk, f"{d} ({d.periode_tekst})") for pk, d in self.kilder.items()],
            ),
        ]

    def clean(self):
        data = super().clean()
        fra, til = data.get("gyldig_fra"), data.get("gyldig_til")
        if bool(fra) != bool(til) and "gyldig_fra" not in self.errors:
            self.add_error(
                "gyldig_til" if fra else "gyldig_fra",
                "Skriv både start- og slutdato, eller lad begge stå tomme for helhedsplanens "
                "periode.",
            )
        data["kilde"] = self.kilder.get(data.get("start_fra") or STANDARD)
        return data
