"""Forms for the yearly follow-up: the entry grid, statuses, and the workflow steps.

The grid is one page of many small forms, one per indicator × sted, per delmål and per
activity, each with its own prefix built from database ids (never from a position), so a
posted value always lands on the row it was typed in. The rows themselves, and reading
them back, are the grid's (grid.py).
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from django import forms

from aktiviteter.models import Aktivitet, AktivitetStatus
from delaftaler.lib.forms import DatoTilOgMedIDagField
from delaftaler.models import Bestyrelsesmoede, Delaftale, Delmaal, DelmaalStatus
from indikatorer.forms import DanskTalField, HeltalField, PeriodeField
from indikatorer.models import BEGGE_ANTAL, PROCENT_FEJL, Maaling
from indikatorer.tal import formater_tal

if TYPE_CHECKING:
    from delaftaler.opfoelgning.grid import GitterRaekke

BEGRUNDELSE_FEJL = "Skriv hvorfor værdien ikke er tilgængelig."
BEGGE_FEJL = "Slet værdien, eller fjern markeringen »ikke tilgængelig«."
NEGATIV_FEJL = "Værdien kan ikke være negativ."
PERIODE_FEJL = "Angiv perioden, fx 2024 eller aug 2024."
VAERDI_FEJL = "Angiv en værdi, eller markér at den ikke er tilgængelig."
VAERDI_ELLER_ANTAL_FEJL = (
    "Angiv en værdi eller tæller og nævner, eller markér at den ikke er tilgængelig."
)
ANTAL_OG_IKKE_FEJL = "Slet tæller og nævner, eller fjern markeringen »ikke tilgængelig«."
SLET_FEJL = (
    "En indtastet måling kan ikke slettes her. "
    "Angiv en værdi, eller markér at den ikke er tilgængelig."
)


# --- Rich text as plain text ---------------------------------------------------------------


class _TilTekst(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.dele: list[str] = []
        self.i_punkt = 0

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.dele.append("\n")
        elif tag == "li":
            self.i_punkt += 1
            self.dele.append("- ")

    def handle_endtag(self, tag):
        if tag == "li":
            self.i_punkt = max(0, self.i_punkt - 1)
            self.dele.append("\n")
        elif tag in ("ul", "ol") or (tag in ("p", "h3", "h4") and not self.i_punkt):
            self.dele.append("\n\n")

    def handle_data(self, data):
        self.dele.append(data)


def html_til_tekst(html: str) -> str:
    """Stored rich text as it reads in a plain textarea: paragraphs apart, list items '- '."""
    if not html:
        return ""
    parser = _TilTekst()
    parser.feed(html)
    parser.close()
    tekst = "".join(parser.dele)
    return re.sub(r"\n{3,}", "\n\n", tekst).strip()


PUNKT = re.compile(r"^[-•*]\s+")


def tekst_til_html(tekst: str) -> str:
    """A textarea's plain text as rich text: blank lines part paragraphs, '- ' makes a list.
    Everything typed is escaped; the field sanitises again on save."""
    blokke = []
    for blok in re.split(r"\n\s*\n", (tekst or "").replace("\r\n", "\n").strip()):
        linjer = [linje.strip() for linje in blok.split("\n") if linje.strip()]
        if not linjer:
            continue
        if all(PUNKT.match(linje) for linje in linjer):
            punkter = "".join(f"<li><p>{escape(PUNKT.sub('', linje))}</p></li>" for linje in linjer)
            blokke.append(f"<ul>{punkter}</ul>")
        else:
            blokke.append("<p>" + "<br>".join(escape(linje) for linje in linjer) + "</p>")
    return "".join(blokke)


# --- One row of the grid -------------------------------------------------------------------


class MaalingForm(forms.Form):
    """One indicator × sted: the value for the year and what belongs with it."""

    periode = PeriodeField(label="Periode", required=False)
    vaerdi = DanskTalField(label="Værdi", required=False)
    # Only for a share (procent): the persons counted and the population, whose share the
    # value is (computed from them when no value is typed).
    taeller = HeltalField(label="Tæller", required=False)
    naevner = HeltalField(label="Nævner", required=False)
    ikke_tilgaengelig = forms.BooleanField(label="Ikke tilgængelig", required=False)
    begrundelse = forms.CharField(label="Hvorfor ikke", required=False, max_length=300)
    sammenligning = DanskTalField(label="Sammenligning", required=False)
    sammenligning_label = forms.CharField(
        label="Sammenligning gælder", required=False, max_length=200
    )
    datakilde = forms.CharField(label="Datakilde", required=False, max_length=200)
    udtrukket = forms.DateField(
        label="Udtrukket",
        required=False,
        error_messages={"invalid": "Skriv en dato, fx 01.03.2024."},
    )
    note = forms.CharField(label="Note", required=False, max_length=2000)

    def __init__(self, *args, raekke: GitterRaekke, aar: int, **kwargs):
        self.raekke = raekke
        initial = kwargs.pop("initial", None) or _initial(raekke.eksisterende, aar)
        super().__init__(*args, initial=initial, **kwargs)
        procent = raekke.indikator.er_procent
        if not procent:
            del self.fields["taeller"], self.fields["naevner"]
        beskrivelse = f"{raekke.indikator.navn}, {raekke.sted}"
        for navn, felt in self.fields.items():
            if isinstance(felt.widget, forms.CheckboxInput):
                # Labelled by a <label> in the template: dkfds draws the box on it.
                felt.widget.attrs["class"] = "form-checkbox"
            else:
                felt.widget.attrs["aria-label"] = f"{felt.label} – {beskrivelse}"
                felt.widget.attrs["class"] = "form-input"
            if isinstance(felt, DanskTalField):
                felt.widget.attrs["data-tal"] = "true"
                if procent:
                    felt.widget.attrs["data-procent"] = "true"
            if isinstance(felt, HeltalField):
                felt.widget.attrs.update(
                    inputmode="numeric", size=5, placeholder=felt.label.lower()
                )
            if navn == "begrundelse":
                felt.widget.attrs["data-begrundelse-for"] = self.add_prefix("ikke_tilgaengelig")
        for navn, stoerrelse in (
            ("begrundelse", 12),
            ("sammenligning_label", 12),
            ("datakilde", 14),
            ("udtrukket", 10),
            ("note", 16),
        ):
            self.fields[navn].widget.attrs["size"] = stoerrelse
        self.fields["udtrukket"].widget.attrs["placeholder"] = "dd.mm.åååå"
        self.fields["periode"].widget.attrs["placeholder"] = str(aar)
        if raekke.indikator.datakilde:
            self.fields["datakilde"].widget.attrs["placeholder"] = raekke.indikator.datakilde

    @property
    def er_tom(self) -> bool:
        """Nothing typed beyond the default period: the row is simply not entered yet."""
        data = self.cleaned_data
        return (
            data.get("vaerdi") is None
            and data.get("taeller") is None
            and data.get("naevner") is None
            and not data.get("ikke_tilgaengelig")
            and not data.get("begrundelse")
            and data.get("sammenligning") is None
            and not data.get("sammenligning_label")
            and not data.get("datakilde")
            and data.get("udtrukket") is None
            and not data.get("note")
        )

    def clean(self):
        data = super().clean()
        procent = self.raekke.indikator.er_procent
        for navn in ("vaerdi", "sammenligning"):
            tal = data.get(navn)
            if tal is None:
                continue
            if tal < 0:
                self.add_error(navn, NEGATIV_FEJL)
            elif procent and tal > 100:
                self.add_error(navn, PROCENT_FEJL)
        if self.errors:
            return data
        if self.er_tom:
            if self.raekke.eksisterende is not None:
                self.add_error("vaerdi", SLET_FEJL)
            return data
        taeller, naevner = data.get("taeller"), data.get("naevner")
        if (taeller is None) != (naevner is None):
            self.add_error("taeller" if taeller is None else "naevner", BEGGE_ANTAL)
        if data.get("ikke_tilgaengelig"):
            if data.get("vaerdi") is not None:
                self.add_error("vaerdi", BEGGE_FEJL)
            if taeller is not None or naevner is not None:
                self.add_error("taeller" if taeller is not None else "naevner", ANTAL_OG_IKKE_FEJL)
            if not (data.get("begrundelse") or "").strip():
                self.add_error("begrundelse", BEGRUNDELSE_FEJL)
        elif data.get("vaerdi") is None and (taeller is None or naevner is None):
            if "taeller" not in self.fields:
                self.add_error("vaerdi", VAERDI_FEJL)
            elif taeller is None and naevner is None:
                self.add_error("vaerdi", VAERDI_ELLER_ANTAL_FEJL)
        if not data.get("periode"):
            self.add_error("periode", PERIODE_FEJL)
        return data


def _initial(maaling: Maaling | None, aar: int) -> dict:
    if maaling is None:
        return {"periode": str(aar)}
    tal = (
        formater_tal(maaling.vaerdi, maaling.vaerdi_decimaler) if maaling.vaerdi is not None else ""
    )
    sammenligning = (
        formater_tal(maaling.sammenligning, maaling.sammenligning_decimaler)
        if maaling.sammenligning is not None
        else ""
    )
    return {
        "periode": maaling.periode_tekst,
        "vaerdi": tal,
        "taeller": "" if maaling.taeller is None else str(maaling.taeller),
        "naevner": "" if maaling.naevner is None else str(maaling.naevner),
        "ikke_tilgaengelig": maaling.ikke_tilgaengelig,
        "begrundelse": maaling.begrundelse,
        "sammenligning": sammenligning,
        "sammenligning_label": maaling.sammenligning_label,
        "datakilde": maaling.datakilde,
        "udtrukket": maaling.udtrukket,
        "note": maaling.note,
    }


# --- Status per delmål and per activity ----------------------------------------------------


class DelmaalStatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=DelmaalStatus.Status.choices,
        required=False,
        widget=forms.RadioSelect(attrs={"class": "form-radio"}),
        error_messages={"invalid_choice": "Vælg en status fra listen."},
    )
    vurdering = forms.CharField(
        label="Vurdering",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 3}),
    )

    def __init__(self, *args, delmaal: Delmaal, eksisterende: DelmaalStatus | None, **kwargs):
        self.delmaal = delmaal
        self.eksisterende = eksisterende
        if eksisterende is not None:
            kwargs.setdefault(
                "initial", {"status": eksisterende.status, "vurdering": eksisterende.vurdering}
            )
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if not data.get("status") and (data.get("vurdering") or "").strip():
            self.add_error("status", "Vælg en status for delmålet.")
        return data

    def instans(self, opfoelgning) -> DelmaalStatus | None:
        """The status to save, or None when nothing was chosen."""
        if not self.cleaned_data.get("status"):
            return None
        status = self.eksisterende or DelmaalStatus(opfoelgning=opfoelgning, delmaal=self.delmaal)
        status.status = self.cleaned_data["status"]
        status.vurdering = self.cleaned_data["vurdering"].strip()
        return status


AKTIVITET_TEKSTFELTER = ("udfoert", "justeringer", "fokus_naeste_aar")


class AktivitetStatusForm(forms.Form):
    udfoert = forms.CharField(
        label="Hvad blev gjort",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 3}),
    )
    antal_naaet = HeltalField(label="Antal nået", required=False)
    justeringer = forms.CharField(
        label="Hvad blev justeret",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 3}),
    )
    fokus_naeste_aar = forms.CharField(
        label="Fokus næste år",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 3}),
    )

    def __init__(self, *args, aktivitet: Aktivitet, eksisterende: AktivitetStatus | None, **kwargs):
        self.aktivitet = aktivitet
        self.eksisterende = eksisterende
        if eksisterende is not None:
            initial = {f: html_til_tekst(getattr(eksisterende, f)) for f in AKTIVITET_TEKSTFELTER}
            initial["antal_naaet"] = (
                "" if eksisterende.antal_naaet is None else str(eksisterende.antal_naaet)
            )
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["antal_naaet"].widget.attrs.update(
            {"class": "form-input input-width-xs", "inputmode": "numeric", "maxlength": 12}
        )

    def instans(self, opfoelgning) -> AktivitetStatus | None:
        """The status to save (only the fields that changed), or None when nothing to do."""
        if not self.has_changed():
            return None
        status = self.eksisterende or AktivitetStatus(
            opfoelgning=opfoelgning, aktivitet=self.aktivitet
        )
        for navn in AKTIVITET_TEKSTFELTER:
            if navn in self.changed_data:
                setattr(status, navn, tekst_til_html(self.cleaned_data[navn]))
        if "antal_naaet" in self.changed_data:
            status.antal_naaet = self.cleaned_data["antal_naaet"]
        return status


# --- The workflow's small forms ------------------------------------------------------------


class OpretForm(forms.Form):
    aar = forms.IntegerField(
        label="År",
        error_messages={
            "required": "Skriv året, fx 2024.",
            "invalid": "Skriv året som et tal, fx 2024.",
        },
    )

    def __init__(self, *args, delaftale: Delaftale, **kwargs):
        self.delaftale = delaftale
        super().__init__(*args, **kwargs)
        self.fields["aar"].widget = forms.TextInput(
            attrs={"class": "form-input input-width-xs", "inputmode": "numeric", "size": 4}
        )

    def clean_aar(self) -> int:
        aar = self.cleaned_data["aar"]
        fra, til = self.delaftale.gyldig_fra.year, self.delaftale.gyldig_til.year
        if not fra <= aar <= til:
            raise forms.ValidationError(f"Året skal ligge i delaftalens periode ({fra}–{til}).")
        return aar


class BekraeftForm(forms.Form):
    """Sending: a button and a CSRF token, nothing else to fill in."""


MOEDE_LABEL = "Besluttet på bestyrelsesmødet den"
FREMTIDIGT_MOEDE = (
    "Mødet kan ikke ligge ud i fremtiden. Skriv datoen for det møde, hvor bestyrelsen "
    "godkendte opfølgningen."
)


class GodkendForm(forms.Form):
    """The board's approval: the meeting it was taken at, and an optional comment."""

    moede = DatoTilOgMedIDagField(label=MOEDE_LABEL, fremtid_fejl=FREMTIDIGT_MOEDE)
    kommentar = forms.CharField(
        label="Kommentar til godkendelsen (valgfri)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 3}),
        error_messages={"max_length": "Kommentaren må højst være %(limit_value)d tegn."},
    )

    def __init__(self, *args, helhedsplan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["moede"].saet_forslag(Bestyrelsesmoede.forslag(helhedsplan))


class GenaabenForm(forms.Form):
    begrundelse = forms.CharField(
        label="Hvorfor genåbnes opfølgningen?",
        max_length=2000,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 4}),
        error_messages={"required": "Skriv hvorfor opfølgningen genåbnes."},
    )


class KommentarForm(forms.Form):
    """A board member's comment on one delmål (or, without one, on the whole year), typed
    under the delmål in the report. Each form on the page has its own ids (``noegle``)."""

    delmaal = forms.ModelChoiceField(
        label="Delmål",
        queryset=Delmaal.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Vælg et delmål fra listen."},
    )
    tekst = forms.CharField(
        label="Kommentér delmålet",
        max_length=5000,
        widget=forms.Textarea(attrs={"class": "form-input", "rows": 3}),
        error_messages={
            "required": "Skriv en kommentar.",
            "max_length": "Kommentaren må højst være %(limit_value)d tegn (den har "
            "%(show_value)d).",
        },
    )

    def __init__(self, *args, delaftale: Delaftale, noegle: str = "alle", **kwargs):
        super().__init__(*args, auto_id=f"kommentar-{noegle}-%s", **kwargs)
        self.noegle = noegle
        self.fields["delmaal"].queryset = Delmaal.objects.filter(delaftale=delaftale)
        if noegle == "alle":
            self.fields["tekst"].label = "Kommentér hele opfølgningen"

    @staticmethod
    def noegle_for(delmaal_id: int | None) -> str:
        return "alle" if delmaal_id is None else str(delmaal_id)
