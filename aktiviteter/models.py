from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from delaftaler.lib.richtext import RigTekstField
from delaftaler.models import Delaftale, Delmaal


class Aktivitet(models.Model):
    """An activity and its schema, as LBF's template asks for one per activity."""

    delaftale = models.ForeignKey(
        Delaftale, on_delete=models.CASCADE, related_name="aktiviteter", verbose_name="delaftale"
    )
    navn = models.CharField("aktivitetsnavn", max_length=300)
    formaal = RigTekstField("formål")
    maalgrupper = RigTekstField("målgruppe(r)")
    indhold_og_praksis = RigTekstField("indhold og praksis")
    ansvar_og_roller = RigTekstField("ansvars- og rollefordeling")
    delmaal = models.ManyToManyField(
        Delmaal,
        related_name="aktiviteter",
        verbose_name="bidrager til delmål",
        blank=True,
        help_text="De delmål i samme delaftale, som aktiviteten skal bidrage til.",
    )
    ressourceestimat = models.CharField(
        "ressourceestimat",
        max_length=200,
        blank=True,
        help_text="Fx »15 timer pr. uge pr. år«.",
    )
    raekkefoelge = models.PositiveIntegerField("rækkefølge", default=0, db_index=True)
    aendret = models.DateTimeField("sidst ændret", auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["aendret"], m2m_fields=[delmaal], verbose_name="historik for aktivitet"
    )

    class Meta:
        ordering = ["raekkefoelge", "pk"]
        verbose_name = "aktivitet"
        verbose_name_plural = "aktiviteter"
        constraints = [
            models.UniqueConstraint(
                fields=["delaftale", "navn"],
                name="aktivitet_unikt_navn_pr_delaftale",
                violation_error_message="Delaftalen har allerede en aktivitet med det navn.",
            ),
        ]

    def __str__(self) -> str:
        return self.navn


class AktivitetStatus(models.Model):
    """What an activity did in a follow-up year."""

    opfoelgning = models.ForeignKey(
        "delaftaler.Opfoelgning",
        on_delete=models.CASCADE,
        related_name="aktivitet_status",
        verbose_name="opfølgning",
    )
    aktivitet = models.ForeignKey(
        Aktivitet, on_delete=models.PROTECT, related_name="status", verbose_name="aktivitet"
    )
    udfoert = RigTekstField("hvad blev gjort", blank=True)
    antal_naaet = models.PositiveIntegerField("antal nået", null=True, blank=True)
    justeringer = RigTekstField("hvad blev justeret", blank=True)
    fokus_naeste_aar = RigTekstField("fokus næste år", blank=True)
    aendret = models.DateTimeField("sidst ændret", auto_now=True)

    class Meta:
        verbose_name = "status for aktivitet"
        verbose_name_plural = "status for aktiviteter"
        constraints = [
            models.UniqueConstraint(
                fields=["opfoelgning", "aktivitet"],
                name="aktivitet_status_en_pr_aar",
                violation_error_message="Aktiviteten har allerede en status for dette år.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.aktivitet} ({self.opfoelgning.aar})"

    def clean(self) -> None:
        if (
            self.opfoelgning_id
            and self.aktivitet_id
            and self.aktivitet.delaftale_id != self.opfoelgning.delaftale_id
        ):
            raise ValidationError({"aktivitet": "Aktiviteten hører til en anden delaftale."})
