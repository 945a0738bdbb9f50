from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from delaftaler.lib.constraints import EnForespoergselsKontrol
from delaftaler.models import Boligomraade, Delmaal
from indikatorer.periode import PERIODE_REGEX, formater_periode, periode_aar
from indikatorer.tal import MAKS_DECIMALER, NBSP, formater_tal

PROCENT_FEJL = "En procentsats skal ligge mellem 0 og 100."
BEGGE_ANTAL = "Angiv både tæller og nævner, eller ingen af dem."
NAEVNER_NUL = "Nævneren skal være mindst 1."
TAELLER_OVER = "Tælleren kan ikke være større end nævneren."
KUN_PROCENT = "Tæller og nævner bruges kun til indikatorer i procent."
# A share given only by its counts is shown with one decimal, as LBF's tables write them.
ANDEL_DECIMALER = 1


class Indikator(EnForespoergselsKontrol, models.Model):
    """The variable that shows whether a delmål is reached."""

    class Enhed(models.TextChoices):
        PROCENT = "procent", "Procent"
        ANTAL = "antal", "Antal"
        ANDET = "andet", "Anden enhed"

    class Retning(models.TextChoices):
        HOEJERE = "hoejere", "Højere er bedre"
        LAVERE = "lavere", "Lavere er bedre"

    delmaal = models.ForeignKey(
        Delmaal, on_delete=models.CASCADE, related_name="indikatorer", verbose_name="delmål"
    )
    navn = models.CharField(
        "indikator",
        max_length=300,
        help_text="Som i delaftalen, fx »Andel offentligt forsørgede fuldtidspersoner, 18-29 år«.",
    )
    enhed = models.CharField("enhed", max_length=10, choices=Enhed.choices, default=Enhed.PROCENT)
    enhed_tekst = models.CharField(
        "anden enhed",
        max_length=50,
        blank=True,
        help_text="Kun når enheden er »Anden enhed«, fx »timer« eller »kr.«.",
    )
    maalgruppe = models.CharField(
        "aldersgruppe/målgruppe",
        max_length=200,
        blank=True,
        help_text="Fx »18-29 år«, hvis indikatoren gælder en bestemt gruppe.",
    )
    datakilde = models.CharField(
        "datakilde",
        max_length=200,
        blank=True,
        help_text="Bruges for baselines uden egen datakilde, fx »LBF Beboerdata«.",
    )
    retning = models.CharField(
        "retning",
        max_length=10,
        choices=Retning.choices,
        default=Retning.HOEJERE,
        help_text="Vælg »Lavere er bedre« for mål om at nedbringe noget, fx andelen på "
        "offentlig forsørgelse. Bestemmer status og farver i opfølgningen.",
    )
    lbf_standard = models.BooleanField(
        "LBF-standardindikator",
        default=False,
        help_text="Markér, hvis indikatoren er fra Landsbyggefondens liste over indikatorer.",
    )
    ikke_personer = models.BooleanField(
        "ikke om personer",
        default=False,
        help_text="Markér, hvis indikatoren ikke tæller personer (fx antal arrangementer): "
        "så vises også små tal offentligt.",
    )
    raekkefoelge = models.PositiveIntegerField("rækkefølge", default=0, db_index=True)
    aendret = models.DateTimeField("sidst ændret", auto_now=True)

    history = HistoricalRecords(excluded_fields=["aendret"], verbose_name="historik for indikator")

    class Meta:
        ordering = ["raekkefoelge", "pk"]
        verbose_name = "indikator"
        verbose_name_plural = "indikatorer"
        constraints = [
            models.CheckConstraint(
                condition=Q(enhed__in=["procent", "antal", "andet"]),
                name="indikator_enhed_gyldig",
                violation_error_message="Ukendt enhed.",
            ),
            models.CheckConstraint(
                condition=Q(retning__in=["hoejere", "lavere"]),
                name="indikator_retning_gyldig",
                violation_error_message="Ukendt retning.",
            ),
            models.CheckConstraint(
                condition=~Q(enhed="andet") | ~Q(enhed_tekst=""),
                name="indikator_anden_enhed_navngivet",
                violation_error_message="Skriv hvilken enhed, når enheden er »Anden enhed«.",
            ),
            models.UniqueConstraint(
                fields=["delmaal", "navn"],
                name="indikator_unikt_navn_pr_delmaal",
                violation_error_message="Delmålet har allerede en indikator med det navn.",
            ),
        ]

    def __str__(self) -> str:
        return self.navn

    def clean(self) -> None:
        if self.enhed == self.Enhed.ANDET and not self.enhed_tekst:
            raise ValidationError({"enhed_tekst": "Skriv hvilken enhed indikatoren måles i."})
        if self._state.adding and not self.raekkefoelge and self.delmaal_id:
            # A new indikator without a place goes last in its delmål, not first.
            sidste = Indikator.objects.filter(delmaal_id=self.delmaal_id).aggregate(
                m=models.Max("raekkefoelge")
            )["m"]
            self.raekkefoelge = (sidste or 0) + 1

    @property
    def er_procent(self) -> bool:
        return self.enhed == self.Enhed.PROCENT

    def formater(self, tal: Decimal | None, decimaler: int) -> str:
        """A number in this indicator's unit, Danish style: 11,3 %, 47, 12 timer."""
        if tal is None:
            return ""
        tekst = formater_tal(tal, decimaler)
        if self.enhed == self.Enhed.PROCENT:
            return f"{tekst}{NBSP}%"
        if self.enhed == self.Enhed.ANDET:
            return f"{tekst}{NBSP}{self.enhed_tekst}"
        return tekst


ALLE_BOLIGOMRAADER = "Alle boligområder"


def sted_noegle(boligomraade_id: int | None, maalgruppe: str) -> tuple[int | None, str]:
    """Where a value is measured, as one key: a boligområde, else a target group ("" for
    all areas). A måling, its baseline and a row being read in match by it."""
    return (boligomraade_id, "") if boligomraade_id else (None, maalgruppe or "")


def maalepunkt_regler(prefix: str, hvad: str) -> list[models.BaseConstraint]:
    """The rules a baseline and a måling share, named after their model (``prefix``) and
    worded with ``hvad`` (»en baseline«): the stored decimals, one place (an area or a
    target group, never both), and one value per indicator, place and period."""
    return [
        models.CheckConstraint(
            condition=Q(taeller__isnull=True, naevner__isnull=True)
            | Q(taeller__isnull=False, naevner__isnull=False),
            name=f"{prefix}_taeller_og_naevner_sammen",
            violation_error_message=BEGGE_ANTAL,
        ),
        models.CheckConstraint(
            condition=Q(naevner__isnull=True) | Q(naevner__gte=1),
            name=f"{prefix}_naevner_mindst_en",
            violation_error_message=NAEVNER_NUL,
        ),
        models.CheckConstraint(
            condition=Q(taeller__isnull=True)
            | Q(naevner__isnull=True)
            | Q(taeller__lte=F("naevner")),
            name=f"{prefix}_taeller_hoejst_naevner",
            violation_error_message=TAELLER_OVER,
        ),
        models.CheckConstraint(
            condition=Q(vaerdi_decimaler__lte=MAKS_DECIMALER)
            & Q(sammenligning_decimaler__lte=MAKS_DECIMALER),
            name=f"{prefix}_hoejst_fire_decimaler",
            violation_error_message="Højst fire decimaler.",
        ),
        models.CheckConstraint(
            condition=Q(boligomraade__isnull=True) | Q(maalgruppe=""),
            name=f"{prefix}_boligomraade_eller_maalgruppe",
            violation_error_message="Vælg enten et boligområde eller en målgruppe, ikke begge.",
        ),
        models.UniqueConstraint(
            fields=["indikator", "boligomraade", "periode"],
            condition=Q(boligomraade__isnull=False),
            name=f"{prefix}_en_pr_indikator_omraade_periode",
            violation_error_message=f"Indikatoren har allerede {hvad} for dette "
            "boligområde og denne periode.",
        ),
        models.UniqueConstraint(
            fields=["indikator", "maalgruppe", "periode"],
            condition=Q(boligomraade__isnull=True),
            name=f"{prefix}_en_pr_indikator_maalgruppe_periode",
            violation_error_message=f"Indikatoren har allerede {hvad} for denne "
            "målgruppe og denne periode.",
        ),
    ]


def andel(taeller: int, naevner: int, decimaler: int) -> Decimal:
    """The share in per cent, rounded half up to ``decimaler`` as statistics are."""
    return (Decimal(taeller) * 100 / Decimal(naevner)).quantize(
        Decimal(1).scaleb(-decimaler), rounding=ROUND_HALF_UP
    )


def samlet_antal_fejl(
    sted: str, taeller: int, naevner: int, dele: list[tuple[str, int, int]]
) -> str | None:
    """A value »opgjort samlet for« several areas pools their counts (sum of tællere over
    sum of nævnere), never an average of their shares: the Danish error when ``taeller``
    of ``naevner`` is not the sum of ``dele`` (area, tæller, nævner), else None."""
    t, n = sum(d[1] for d in dele), sum(d[2] for d in dele)
    if (taeller, naevner) == (t, n):
        return None
    summen = " + ".join(f"{navn} {dt} af {dn}" for navn, dt, dn in dele)
    return (
        f"»{sted}« har {taeller} af {naevner}, men områdernes tal lagt sammen giver {summen} "
        f"= {t} af {n}. Tallet for flere områder samlet skal være summen af deres tællere og "
        "nævnere."
    )


class Maalepunkt:
    """What a baseline and a måling share when shown: where, the comparison, the period,
    and the counts behind a share."""

    TAELLER_HJAELP = "Antal personer, andelen tæller, fx 47."
    NAEVNER_HJAELP = "Antal personer i alt, andelen er af, fx 416."

    def _antal_fejl(self, indikator: Indikator | None, ingen_vaerdi: bool) -> dict[str, str]:
        """The counts' rules; given both and no value, the share is computed from them
        (to ANDEL_DECIMALER); given a value too, it must be their share at its decimals."""
        t, n = self.taeller, self.naevner
        if t is None and n is None:
            return {}
        if t is None or n is None:
            return {"taeller" if t is None else "naevner": BEGGE_ANTAL}
        if n < 1:
            return {"naevner": NAEVNER_NUL}
        if t > n:
            return {"taeller": TAELLER_OVER}
        if ingen_vaerdi:
            return {"taeller": "Slet tæller og nævner, når der ikke er en værdi."}
        if indikator is None:
            return {}
        if not indikator.er_procent:
            return {"taeller": KUN_PROCENT}
        if self.vaerdi is None:
            self.vaerdi = andel(t, n, ANDEL_DECIMALER)
            self.vaerdi_decimaler = ANDEL_DECIMALER
            return {}
        beregnet = andel(t, n, self.vaerdi_decimaler)
        if beregnet != self.vaerdi.quantize(Decimal(1).scaleb(-self.vaerdi_decimaler)):
            givet = indikator.formater(self.vaerdi, self.vaerdi_decimaler)
            return {
                "vaerdi": f"{givet} passer ikke med tæller og nævner: {t} af {n} er "
                f"{indikator.formater(beregnet, self.vaerdi_decimaler)}."
            }
        return {}

    @property
    def sted_noegle(self) -> tuple[int | None, str]:
        return sted_noegle(self.boligomraade_id, self.maalgruppe)

    @property
    def sted_navn(self) -> str:
        """The sted, or what a value given for no area or group covers."""
        return self.sted or ALLE_BOLIGOMRAADER

    @property
    def sted(self) -> str:
        """Where it is measured, as the LBF table names it."""
        if self.boligomraade_id:
            return self.boligomraade.navn
        return self.maalgruppe

    @property
    def sammenligning_tekst(self) -> str:
        return self.indikator.formater(self.sammenligning, self.sammenligning_decimaler)

    @property
    def periode_tekst(self) -> str:
        return formater_periode(self.periode)

    @property
    def datakilde_tekst(self) -> str:
        return self.datakilde or self.indikator.datakilde


class BaselineQuerySet(models.QuerySet):
    def til_tabel(self) -> BaselineQuerySet:
        return self.select_related("boligomraade", "indikator").prefetch_related("samlet_for")


class Baseline(EnForespoergselsKontrol, Maalepunkt, models.Model):
    """The starting point of an indicator for one area, several areas counted together,
    or a named target group."""

    indikator = models.ForeignKey(
        Indikator, on_delete=models.CASCADE, related_name="baselines", verbose_name="indikator"
    )
    boligomraade = models.ForeignKey(
        Boligomraade,
        on_delete=models.PROTECT,
        related_name="baselines",
        verbose_name="boligområde",
        null=True,
        blank=True,
    )
    samlet_for = models.ManyToManyField(
        Boligomraade,
        related_name="samlede_baselines",
        verbose_name="opgjort samlet for",
        blank=True,
        help_text="Vælg flere boligområder, når baselinen er opgjort samlet for dem.",
    )
    maalgruppe = models.CharField(
        "målgruppe/opgørelse",
        max_length=300,
        blank=True,
        help_text="En navngiven målgruppe i stedet for et boligområde, eller hvordan en samlet "
        "opgørelse er afgrænset, fx »Opgjort samlet for Nørremarken og Løget Høj«.",
    )
    vaerdi = models.DecimalField("baseline", max_digits=12, decimal_places=4, null=True, blank=True)
    vaerdi_decimaler = models.PositiveSmallIntegerField("decimaler i baseline", default=0)
    afventer = models.BooleanField(
        "data kommer", default=False, help_text="Markér, hvis baselinen endnu ikke er opgjort."
    )
    taeller = models.PositiveIntegerField(
        "tæller", null=True, blank=True, help_text=Maalepunkt.TAELLER_HJAELP
    )
    naevner = models.PositiveIntegerField(
        "nævner", null=True, blank=True, help_text=Maalepunkt.NAEVNER_HJAELP
    )
    sammenligning = models.DecimalField(
        "evt. anden baseline", max_digits=12, decimal_places=4, null=True, blank=True
    )
    sammenligning_decimaler = models.PositiveSmallIntegerField(
        "decimaler i anden baseline", default=0
    )
    sammenligning_label = models.CharField(
        "anden baseline gælder",
        max_length=200,
        blank=True,
        help_text="Hvad der sammenlignes med, fx »Viborg Kommune« eller »landsplan«.",
    )
    periode = models.CharField(
        "baseline år",
        max_length=7,
        blank=True,
        help_text="Et år (2019) eller måned og år (aug 2021).",
    )
    datakilde = models.CharField(
        "datakilde",
        max_length=200,
        blank=True,
        help_text="Tom: indikatorens datakilde bruges.",
    )
    raekkefoelge = models.PositiveIntegerField("rækkefølge", default=0, db_index=True)
    aendret = models.DateTimeField("sidst ændret", auto_now=True)

    objects = BaselineQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["aendret"],
        m2m_fields=[samlet_for],
        verbose_name="historik for baseline",
    )

    class Meta:
        ordering = ["raekkefoelge", "pk"]
        verbose_name = "baseline"
        verbose_name_plural = "baselines"
        constraints = [
            models.CheckConstraint(
                condition=Q(afventer=True, vaerdi__isnull=True)
                | Q(afventer=False, vaerdi__isnull=False),
                name="baseline_vaerdi_eller_data_kommer",
                violation_error_message="Angiv enten en værdi eller »data kommer«.",
            ),
            models.CheckConstraint(
                condition=Q(vaerdi__isnull=True) | Q(vaerdi__gte=0),
                name="baseline_vaerdi_ikke_negativ",
                violation_error_message="Baselinen kan ikke være negativ.",
            ),
            models.CheckConstraint(
                condition=Q(sammenligning__isnull=True) | Q(sammenligning__gte=0),
                name="baseline_sammenligning_ikke_negativ",
                violation_error_message="Den anden baseline kan ikke være negativ.",
            ),
            models.CheckConstraint(
                condition=Q(periode="") | Q(periode__regex=PERIODE_REGEX),
                name="baseline_periode_aar_eller_maaned",
                violation_error_message="Perioden skal være et år eller en måned og et år.",
            ),
            models.CheckConstraint(
                condition=Q(afventer=True) | ~Q(periode=""),
                name="baseline_periode_kraeves_til_vaerdi",
                violation_error_message="Angiv baseline år for en baseline med værdi.",
            ),
            *maalepunkt_regler("baseline", "en baseline"),
        ]

    def __str__(self) -> str:
        return f"{self.sted or 'Alle'}: {self.vaerdi_tekst}"

    def clean(self) -> None:
        indikator = self.indikator if self.indikator_id or _har_cache(self, "indikator") else None
        fejl: dict[str, str] = self._antal_fejl(indikator, ingen_vaerdi=self.afventer)
        if self.afventer and self.vaerdi is not None:
            fejl["vaerdi"] = "Slet værdien, eller fjern markeringen »data kommer«."
        elif not self.afventer and self.vaerdi is None:
            fejl["vaerdi"] = "Angiv en baseline, eller markér at data kommer."
        if not self.afventer and not self.periode:
            fejl["periode"] = "Angiv baseline år."
        if self.boligomraade_id and self.maalgruppe:
            fejl["maalgruppe"] = "Vælg enten et boligområde eller en målgruppe, ikke begge."
        if self.sammenligning_label and self.sammenligning is None:
            fejl["sammenligning"] = "Angiv den anden baseline, eller slet hvad den gælder."
        if indikator and indikator.er_procent:
            for felt, tal in (("vaerdi", self.vaerdi), ("sammenligning", self.sammenligning)):
                if tal is not None and not (0 <= tal <= 100):
                    fejl.setdefault(felt, PROCENT_FEJL)
        for felt, tal in (("vaerdi", self.vaerdi), ("sammenligning", self.sammenligning)):
            if tal is not None and tal < 0:
                fejl.setdefault(felt, "Værdien kan ikke være negativ.")
        if indikator and self.boligomraade_id and indikator.delmaal_id:
            plan_id = indikator.delmaal.delaftale.helhedsplan_id
            if self.boligomraade.helhedsplan_id != plan_id:
                fejl["boligomraade"] = "Boligområdet hører ikke til delaftalens helhedsplan."
        if fejl:
            raise ValidationError(fejl)

    @property
    def vaerdi_tekst(self) -> str:
        if self.afventer:
            return "Data kommer"
        return self.indikator.formater(self.vaerdi, self.vaerdi_decimaler)


def _har_cache(obj: models.Model, felt: str) -> bool:
    return obj._meta.get_field(felt).is_cached(obj)


class MaalingQuerySet(models.QuerySet):
    def til_rapport(self) -> MaalingQuerySet:
        return self.select_related("boligomraade", "opfoelgning")


class Maaling(EnForespoergselsKontrol, Maalepunkt, models.Model):
    """One yearly value of an indicator, for an area or target group like its baselines."""

    opfoelgning = models.ForeignKey(
        "delaftaler.Opfoelgning",
        on_delete=models.PROTECT,
        related_name="maalinger",
        verbose_name="opfølgning",
    )
    indikator = models.ForeignKey(
        Indikator, on_delete=models.PROTECT, related_name="maalinger", verbose_name="indikator"
    )
    boligomraade = models.ForeignKey(
        Boligomraade,
        on_delete=models.PROTECT,
        related_name="maalinger",
        verbose_name="boligområde",
        null=True,
        blank=True,
    )
    maalgruppe = models.CharField("målgruppe/opgørelse", max_length=300, blank=True)
    periode = models.CharField("periode", max_length=7, help_text="Et år (2023) eller en måned.")
    vaerdi = models.DecimalField("værdi", max_digits=12, decimal_places=4, null=True, blank=True)
    vaerdi_decimaler = models.PositiveSmallIntegerField("decimaler i værdi", default=0)
    taeller = models.PositiveIntegerField(
        "tæller", null=True, blank=True, help_text=Maalepunkt.TAELLER_HJAELP
    )
    naevner = models.PositiveIntegerField(
        "nævner", null=True, blank=True, help_text=Maalepunkt.NAEVNER_HJAELP
    )
    ikke_tilgaengelig = models.BooleanField("ikke tilgængelig", default=False)
    begrundelse = models.CharField("hvorfor ikke tilgængelig", max_length=300, blank=True)
    sammenligning = models.DecimalField(
        "sammenligning", max_digits=12, decimal_places=4, null=True, blank=True
    )
    sammenligning_decimaler = models.PositiveSmallIntegerField(
        "decimaler i sammenligning", default=0
    )
    sammenligning_label = models.CharField("sammenligning gælder", max_length=200, blank=True)
    datakilde = models.CharField("datakilde", max_length=200, blank=True)
    udtrukket = models.DateField("data udtrukket", null=True, blank=True)
    note = models.TextField("note", blank=True)
    aendret = models.DateTimeField("sidst ændret", auto_now=True)

    objects = MaalingQuerySet.as_manager()

    class Meta:
        ordering = ["indikator", "periode", "pk"]
        verbose_name = "måling"
        verbose_name_plural = "målinger"
        constraints = [
            models.CheckConstraint(
                condition=Q(ikke_tilgaengelig=True, vaerdi__isnull=True)
                | Q(ikke_tilgaengelig=False, vaerdi__isnull=False),
                name="maaling_vaerdi_eller_ikke_tilgaengelig",
                violation_error_message="Angiv enten en værdi eller at den ikke er tilgængelig.",
            ),
            models.CheckConstraint(
                condition=Q(ikke_tilgaengelig=False) | ~Q(begrundelse=""),
                name="maaling_begrundelse_for_manglende_vaerdi",
                violation_error_message="Skriv hvorfor værdien ikke er tilgængelig.",
            ),
            models.CheckConstraint(
                condition=(Q(vaerdi__isnull=True) | Q(vaerdi__gte=0))
                & (Q(sammenligning__isnull=True) | Q(sammenligning__gte=0)),
                name="maaling_ikke_negativ",
                violation_error_message="Værdien kan ikke være negativ.",
            ),
            models.CheckConstraint(
                condition=Q(periode__regex=PERIODE_REGEX),
                name="maaling_periode_aar_eller_maaned",
                violation_error_message="Perioden skal være et år eller en måned og et år.",
            ),
            *maalepunkt_regler("maaling", "en måling"),
        ]

    def __str__(self) -> str:
        return f"{self.indikator} – {self.sted or 'alle'} {self.periode_tekst}: {self.vaerdi_tekst}"

    def clean(self) -> None:
        indikator = self.indikator if self.indikator_id else None
        fejl: dict[str, str] = self._antal_fejl(indikator, ingen_vaerdi=self.ikke_tilgaengelig)
        if self.ikke_tilgaengelig and self.vaerdi is not None:
            fejl["vaerdi"] = "Slet værdien, eller fjern markeringen »ikke tilgængelig«."
        elif not self.ikke_tilgaengelig and self.vaerdi is None:
            fejl["vaerdi"] = "Angiv en værdi, eller markér at den ikke er tilgængelig."
        if self.ikke_tilgaengelig and not self.begrundelse:
            fejl["begrundelse"] = "Skriv hvorfor værdien ikke er tilgængelig."
        if self.boligomraade_id and self.maalgruppe:
            fejl["maalgruppe"] = "Vælg enten et boligområde eller en målgruppe, ikke begge."
        for felt, tal in (("vaerdi", self.vaerdi), ("sammenligning", self.sammenligning)):
            if tal is not None and tal < 0:
                fejl.setdefault(felt, "Værdien kan ikke være negativ.")
            elif tal is not None and indikator and indikator.er_procent and tal > 100:
                fejl.setdefault(felt, PROCENT_FEJL)
        opfoelgning = self.opfoelgning if self.opfoelgning_id else None
        if opfoelgning and indikator:
            if indikator.delmaal.delaftale_id != opfoelgning.delaftale_id:
                fejl["indikator"] = "Indikatoren hører til en anden delaftale."
            elif self.boligomraade_id and (
                self.boligomraade.helhedsplan_id != opfoelgning.delaftale.helhedsplan_id
            ):
                fejl["boligomraade"] = "Boligområdet hører ikke til delaftalens helhedsplan."
        if opfoelgning and self.periode and periode_aar(self.periode) != opfoelgning.aar:
            fejl.setdefault(
                "periode", f"Perioden skal ligge i opfølgningens år ({opfoelgning.aar})."
            )
        if opfoelgning and opfoelgning.er_laast:
            fejl.setdefault(
                "__all__", "Året er godkendt af bestyrelsen og kan ikke ændres uden genåbning."
            )
        if fejl:
            raise ValidationError(fejl)

    @property
    def vaerdi_tekst(self) -> str:
        if self.ikke_tilgaengelig:
            return "Ikke tilgængelig"
        return self.indikator.formater(self.vaerdi, self.vaerdi_decimaler)
