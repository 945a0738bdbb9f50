from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from delaftaler.lib import security_log
from delaftaler.lib.constraints import EnForespoergselsKontrol
from delaftaler.lib.formatting import formater_dato, formater_tidspunkt
from delaftaler.lib.richtext import RigTekstField

RESERVEREDE_SLUGS = {
    "admin",
    "static",
    "media",
    "healthz",
    "api",
    "opfoelgninger",
    "udkast",
    "historik",
    "overblik",
    "log-ind",
    "log-ud",
    "oversigt",
    "konto",
}


MAANEDER = {
    1: "januar", 2: "februar", 3: "marts", 4: "april", 5: "maj", 6: "juni",
    7: "juli", 8: "august", 9: "september", 10: "oktober", 11: "november", 12: "december",
}  # fmt: skip
# The longest each month can be (a rule of »29. februar« holds in leap years).
MAANEDSLAENGDE = {m: calendar.monthrange(2024, m)[1] for m in MAANEDER}


def dansk_slug(tekst: str) -> str:
    """Slugs that read as Danish: Beskæftigelse -> beskaeftigelse, Løget -> loeget."""
    for bogstav, erstatning in (
        ("æ", "ae"),
        ("ø", "oe"),
        ("å", "aa"),
        ("Æ", "Ae"),
        ("Ø", "Oe"),
        ("Å", "Aa"),
    ):
        tekst = tekst.replace(bogstav, erstatning)
    return slugify(tekst.replace("_", "-"))


def egen_indsendelse(indsendt_af_id: int | None, bruger) -> bool:
    """Did ``bruger`` send this to the bestyrelse himself? Then he may not decide on it,
    whatever his groups (a leder who is also on the board, a superuser): four eyes."""
    return indsendt_af_id is not None and indsendt_af_id == getattr(bruger, "pk", None)


def kraev_fire_oejne(indsendt_af_id: int | None, bruger, *, hvad: str, objekt) -> None:
    """Refuse, in Danish and in the security log, a decision on one's own submission."""
    if egen_indsendelse(indsendt_af_id, bruger):
        security_log.egen_indsendelse_afvist(hvad, objekt, bruger)
        raise ValidationError(SELV_INDSENDT.format(hvad=hvad), code="egen_indsendelse")


SELV_INDSENDT = (
    "Du har selv sendt {hvad} til bestyrelsen og kan derfor ikke selv tage stilling til den. "
    "Et andet bestyrelsesmedlem må gøre det."
)


class Indsatsomraade(models.Model):
    """LBF's focus areas. Kept as rows so a new area needs no code."""

    navn = models.CharField("navn", max_length=100, unique=True)
    slug = models.SlugField(
        "kortnavn i adresser",
        max_length=100,
        unique=True,
        help_text="Bruges i sidens adresse, fx »beskaeftigelse«.",
    )
    beskrivelse = models.TextField("beskrivelse", blank=True)
    aktiv = models.BooleanField(
        "kan vælges til nye delaftaler",
        default=True,
        help_text="Ældre indsatsområder kan slås fra uden at berøre eksisterende delaftaler.",
    )
    raekkefoelge = models.PositiveIntegerField("rækkefølge", default=0, db_index=True)

    class Meta:
        ordering = ["raekkefoelge", "navn"]
        verbose_name = "indsatsområde"
        verbose_name_plural = "indsatsområder"

    def __str__(self) -> str:
        return self.navn


# A plan may raise the threshold of disclosure control, never lower it below this.
MINDSTE_ANTAL_GULV = 3


def standard_mindste_antal() -> int:
    return settings.DISKRETION_MINDSTE_ANTAL


class HelhedsplanQuerySet(models.QuerySet):
    def med_boligomraader(self) -> HelhedsplanQuerySet:
        return self.prefetch_related("boligomraader")

    def for_bruger(self, bruger) -> HelhedsplanQuerySet:
        """The helhedsplaner whose drafts and follow-ups this user works on.

        Administrators (superusers and the Administrator group) work on all of them;
        everyone else on those they are a member of. Published versions are public and
        not scoped by this.
        """
        if not bruger.is_authenticated or not bruger.is_active:
            return self.none()
        if bruger.has_perm("delaftaler.alle_helhedsplaner"):
            return self
        return self.filter(medlemmer=bruger)


class Helhedsplan(EnForespoergselsKontrol, models.Model):
    """The boligsociale indsats, under the name LBF knows it by."""

    navn = models.CharField(
        "navn på den boligsociale indsats",
        max_length=100,
        unique=True,
        help_text="Navnet Landsbyggefonden kender indsatsen under, fx »Vejle_21_25«.",
    )
    slug = models.SlugField(
        "kortnavn i adresser",
        max_length=100,
        unique=True,
        help_text="Bruges i sidens adresse, fx »vejle-21-25«.",
    )
    kommune = models.CharField("kommune", max_length=100)
    gyldig_fra = models.DateField("gælder fra")
    gyldig_til = models.DateField("gælder til")
    medlemmer = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="helhedsplaner",
        blank=True,
        verbose_name="brugere",
        help_text="Sekretariatets medarbejdere og bestyrelsens medlemmer, der arbejder med "
        "helhedsplanens udkast og opfølgninger.",
    )
    opfoelgning_frist_dag = models.PositiveSmallIntegerField(
        "opfølgningens frist: dag",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    opfoelgning_frist_maaned = models.PositiveSmallIntegerField(
        "opfølgningens frist: måned året efter",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="Hvert års opfølgning skal være sendt til bestyrelsen senest denne dag i "
        "året efter, fx 1. marts.",
    )
    mindste_antal = models.PositiveSmallIntegerField(
        "mindste antal personer bag et offentligt tal",
        default=standard_mindste_antal,
        validators=[MinValueValidator(MINDSTE_ANTAL_GULV), MaxValueValidator(1000)],
        help_text="Et tal, der bygger på færre personer, vises som »<5« på de offentlige "
        "sider, i PDF'er og i downloads, så ingen beboer kan genkendes.",
    )
    aendret = models.DateTimeField("sidst ændret", auto_now=True)

    objects = HelhedsplanQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["aendret"], verbose_name="historik for helhedsplan"
    )

    class Meta:
        ordering = ["navn"]
        verbose_name = "helhedsplan"
        verbose_name_plural = "helhedsplaner"
        permissions = [("alle_helhedsplaner", "Kan arbejde med alle helhedsplaner")]
        constraints = [
            models.CheckConstraint(
                condition=Q(gyldig_til__gt=F("gyldig_fra")),
                name="helhedsplan_slut_efter_start",
                violation_error_message="Helhedsplanens slutdato skal ligge efter startdatoen.",
            ),
            models.CheckConstraint(
                condition=Q(mindste_antal__gte=MINDSTE_ANTAL_GULV),
                name="helhedsplan_mindste_antal_gulv",
                violation_error_message=f"Mindste antal kan ikke være under {MINDSTE_ANTAL_GULV}.",
            ),
            models.CheckConstraint(
                condition=Q(opfoelgning_frist_maaned__gte=1, opfoelgning_frist_maaned__lte=12)
                & Q(opfoelgning_frist_dag__gte=1, opfoelgning_frist_dag__lte=31),
                name="helhedsplan_opfoelgning_frist_gyldig",
                violation_error_message="Opfølgningens frist skal være en dag i året.",
            ),
        ]

    def __str__(self) -> str:
        return self.navn

    def get_absolute_url(self) -> str:
        return reverse("delaftaler:helhedsplan", args=[self.slug])

    def clean(self) -> None:
        fejl = {}
        if self.gyldig_fra and self.gyldig_til and self.gyldig_til <= self.gyldig_fra:
            fejl["gyldig_til"] = "Slutdatoen skal ligge efter startdatoen."
        if self.slug in RESERVEREDE_SLUGS:
            fejl["slug"] = f"»{self.slug}« bruges allerede af systemet. Vælg et andet kortnavn."
        maaned, dag = self.opfoelgning_frist_maaned, self.opfoelgning_frist_dag
        if maaned in MAANEDER and dag and dag > MAANEDSLAENGDE[maaned]:
            fejl["opfoelgning_frist_dag"] = (
                f"{MAANEDER[maaned].capitalize()} har kun {MAANEDSLAENGDE[maaned]} dage."
            )
        if fejl:
            raise ValidationError(fejl)

    def opfoelgningsfrist(self, aar: int) -> datetime.date:
        """The day a year's follow-up is due: the plan's rule applied to the year after
        (the 31st becomes the month's last day, 29 February the 28th in other years)."""
        maaned = self.opfoelgning_frist_maaned
        sidste = calendar.monthrange(aar + 1, maaned)[1]
        return datetime.date(aar + 1, maaned, min(self.opfoelgning_frist_dag, sidste))

    @property
    def opfoelgning_frist_tekst(self) -> str:
        return f"{self.opfoelgning_frist_dag}. {MAANEDER[self.opfoelgning_frist_maaned]} året efter"


FREMTIDIGT_MOEDE = (
    "Mødet kan ikke ligge ud i fremtiden. Skriv datoen for det møde, hvor beslutningen blev "
    "truffet."
)


class Bestyrelsesmoede(models.Model):
    """A meeting of the plan's board: decisions are recorded against it, and the
    follow-up calendar shows the next ones."""

    helhedsplan = models.ForeignKey(
        Helhedsplan,
        on_delete=models.CASCADE,
        related_name="bestyrelsesmoeder",
        verbose_name="helhedsplan",
    )
    dato = models.DateField("dato")
    emne = models.CharField("emne", max_length=200, blank=True)

    class Meta:
        ordering = ["dato"]
        verbose_name = "bestyrelsesmøde"
        verbose_name_plural = "bestyrelsesmøder"
        constraints = [
            models.UniqueConstraint(
                fields=["helhedsplan", "dato"],
                name="bestyrelsesmoede_en_pr_dag",
                violation_error_message="Der er allerede et bestyrelsesmøde den dag.",
            ),
        ]

    def __str__(self) -> str:
        return f"Bestyrelsesmøde {formater_dato(self.dato)}"

    @property
    def dato_tekst(self) -> str:
        return formater_dato(self.dato)

    @classmethod
    def til_beslutning(cls, helhedsplan_id: int, dato: datetime.date) -> Bestyrelsesmoede:
        """The plan's meeting on that day, made if it is new: a decision is recorded
        against the meeting it was taken at, which cannot lie in the future."""
        if dato > timezone.localdate():
            raise ValidationError({"moede": FREMTIDIGT_MOEDE})
        moede, _ = cls.objects.get_or_create(helhedsplan_id=helhedsplan_id, dato=dato)
        return moede

    @classmethod
    def forslag(cls, helhedsplan: Helhedsplan) -> list[datetime.date]:
        """The plan's meetings a decision can have been taken at (today or before),
        the latest first: the decision forms offer them."""
        return list(
            cls.objects.filter(helhedsplan=helhedsplan, dato__lte=timezone.localdate())
            .order_by("-dato")
            .values_list("dato", flat=True)
        )


class Boligomraade(models.Model):
    helhedsplan = models.ForeignKey(
        Helhedsplan,
        on_delete=models.CASCADE,
        related_name="boligomraader",
        verbose_name="helhedsplan",
    )
    navn = models.CharField("navn", max_length=200)
    afdelinger = models.TextField(
        "afdelinger",
        blank=True,
        help_text="De boligafdelinger området består af, hvis det er relevant.",
    )
    raekkefoelge = models.PositiveIntegerField("rækkefølge", default=0, db_index=True)

    history = HistoricalRecords(verbose_name="historik for boligområde")

    class Meta:
        ordering = ["raekkefoelge", "navn"]
        verbose_name = "boligområde"
        verbose_name_plural = "boligområder"
        constraints = [
            models.UniqueConstraint(
                fields=["helhedsplan", "navn"],
                name="boligomraade_unikt_navn_pr_helhedsplan",
                violation_error_message="Helhedsplanen har allerede et boligområde med det navn.",
            ),
        ]

    def __str__(self) -> str:
        return self.navn


class DelaftaleQuerySet(models.QuerySet):
    def gaeldende(self, dato=None) -> DelaftaleQuerySet:
        """Delaftaler in force on the given day (today by default)."""
        dato = dato or timezone.localdate()
        return self.filter(gyldig_fra__lte=dato, gyldig_til__gte=dato)

    def til_oversigt(self) -> DelaftaleQuerySet:
        return self.select_related("helhedsplan", "indsatsomraade")

    def for_bruger(self, bruger) -> DelaftaleQuerySet:
        """Delaftaler whose draft, history and follow-ups this user works on (404 for others)."""
        return self.filter(helhedsplan__in=Helhedsplan.objects.for_bruger(bruger))


class Delaftale(EnForespoergselsKontrol, models.Model):
    """One focus area's agreement, in the order of LBF's template."""

    # The agreement's own texts, in the template's order (imported, copied, standard texts).
    TEKSTFELTER = (
        "ansvarlige",
        "aktiviteter_indledning",
        "medarbejderressourcer",
        "kommunal_sammenhaeng",
        "kommunale_maalsaetninger",
        "revision",
    )

    helhedsplan = models.ForeignKey(
        Helhedsplan,
        on_delete=models.PROTECT,
        related_name="delaftaler",
        verbose_name="boligsocial indsats (helhedsplan)",
    )
    indsatsomraade = models.ForeignKey(
        Indsatsomraade,
        on_delete=models.PROTECT,
        related_name="delaftaler",
        verbose_name="indsatsområde",
    )
    gyldig_fra = models.DateField("delaftalen gælder fra")
    gyldig_til = models.DateField("delaftalen gælder til")
    ansvarlige = RigTekstField(
        "ansvarlige for delaftalens udførelse",
        blank=True,
        help_text="Hvem der har ansvaret for at føre delaftalen ud i livet, og evt. primære "
        "samarbejdspartnere.",
    )
    aktiviteter_indledning = RigTekstField(
        "indledning til aktiviteterne",
        blank=True,
        help_text="Tekst før listen over aktiviteter. Selve listen dannes af aktiviteterne.",
    )
    medarbejderressourcer = RigTekstField("medarbejderressourcer for indsatsområdet")
    kommunal_sammenhaeng = RigTekstField("sammenhæng med den kommunale indsats i boligområdet")
    kommunale_maalsaetninger = RigTekstField(
        "kommunale målsætninger",
        blank=True,
        help_text="De kommunale mål, delaftalen arbejder for, hvis de er nævnt.",
    )
    revision = RigTekstField(
        "revision af delaftalen",
        help_text="Hvordan delaftalen revideres: administrative ændringer og faglige ændringer.",
    )
    oprettet = models.DateTimeField("oprettet", auto_now_add=True)
    aendret = models.DateTimeField("sidst ændret", auto_now=True)

    objects = DelaftaleQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["aendret"], verbose_name="historik for delaftale")

    class Meta:
        ordering = ["helhedsplan__navn", "indsatsomraade__raekkefoelge"]
        verbose_name = "delaftale"
        verbose_name_plural = "delaftaler"
        permissions = [
            ("publicer_delaftale", "Kan publicere administrative ændringer og indstille faglige"),
            ("godkend_delaftale", "Kan godkende faglige ændringer"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(gyldig_til__gt=F("gyldig_fra")),
                name="delaftale_slut_efter_start",
                violation_error_message="Delaftalens slutdato skal ligge efter startdatoen.",
            ),
            models.UniqueConstraint(
                fields=["helhedsplan", "indsatsomraade"],
                name="delaftale_en_pr_indsatsomraade",
                violation_error_message="Helhedsplanen har allerede en delaftale for dette "
                "indsatsområde.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.helhedsplan} – {self.indsatsomraade}"

    def get_absolute_url(self) -> str:
        return reverse(
            "delaftaler:delaftale", args=[self.helhedsplan.slug, self.indsatsomraade.slug]
        )

    @property
    def periode_tekst(self) -> str:
        return f"{formater_dato(self.gyldig_fra)}–{formater_dato(self.gyldig_til)}"

    @property
    def filnavn(self) -> str:
        indsats = dansk_slug(self.indsatsomraade.navn).replace("-", "_").title()
        return f"Delaftale_{indsats}_{self.helhedsplan.navn}"

    def clean(self) -> None:
        fejl = {}
        if self.gyldig_fra and self.gyldig_til and self.gyldig_til <= self.gyldig_fra:
            fejl["gyldig_til"] = "Slutdatoen skal ligge efter startdatoen."
        plan = self.helhedsplan if self.helhedsplan_id else None
        if plan and self.gyldig_fra and self.gyldig_fra < plan.gyldig_fra:
            fejl["gyldig_fra"] = (
                f"Delaftalen kan ikke starte før helhedsplanen ({formater_dato(plan.gyldig_fra)})."
            )
        if plan and self.gyldig_til and self.gyldig_til > plan.gyldig_til:
            fejl.setdefault(
                "gyldig_til",
                "Delaftalen kan ikke slutte efter helhedsplanen "
                f"({formater_dato(plan.gyldig_til)}).",
            )
        if self.indsatsomraade_id and not self.pk and not self.indsatsomraade.aktiv:
            fejl["indsatsomraade"] = "Indsatsområdet kan ikke vælges til nye delaftaler."
        if fejl:
            raise ValidationError(fejl)


class Part(EnForespoergselsKontrol, models.Model):
    """A party to the delaftale: a named person, or a body such as Chefgruppen."""

    class Type(models.TextChoices):
        PERSON = "person", "Person"
        ORGAN = "organ", "Gruppe eller organ"

    delaftale = models.ForeignKey(
        Delaftale, on_delete=models.CASCADE, related_name="parter", verbose_name="delaftale"
    )
    type = models.CharField("type", max_length=10, choices=Type.choices, default=Type.PERSON)
    gruppe = models.CharField(
        "overskrift",
        max_length=200,
        blank=True,
        help_text="Fx »Samarbejdspartnere i Arbejdsmarkedsforvaltningen«. "
        "Parter med samme overskrift vises samlet.",
    )
    navn = models.CharField("navn", max_length=200)
    titel = models.CharField("titel", max_length=200, blank=True)
    organisation = models.CharField("organisation/forvaltning", max_length=200, blank=True)
    email = models.EmailField("e-mail", blank=True)
    telefon = models.CharField("telefon", max_length=30, blank=True)
    beskrivelse = RigTekstField("rolle og opgaver", blank=True)
    raekkefoelge = models.PositiveIntegerField("rækkefølge", default=0, db_index=True)
    aendret = models.DateTimeField("sidst ændret", auto_now=True)

    history = HistoricalRecords(excluded_fields=["aendret"], verbose_name="historik for part")

    class Meta:
        ordering = ["raekkefoelge", "pk"]
        verbose_name = "part"
        verbose_name_plural = "delaftalens parter"
        constraints = [
            models.CheckConstraint(
                condition=Q(type__in=["person", "organ"]),
                name="part_type_gyldig",
                violation_error_message="Ukendt type af part.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.navn} – {self.titel}" if self.titel else self.navn

    def clean(self) -> None:
        if self.type == self.Type.ORGAN and not self.beskrivelse:
            raise ValidationError({"beskrivelse": "Beskriv gruppens rolle og opgaver."})


class Delmaal(models.Model):
    """A 'step on the way' to the strategic goals."""

    delaftale = models.ForeignKey(
        Delaftale, on_delete=models.CASCADE, related_name="delmaal", verbose_name="delaftale"
    )
    tekst = models.CharField("delmål", max_length=500)
    raekkefoelge = models.PositiveIntegerField("rækkefølge", default=0, db_index=True)
    aendret = models.DateTimeField("sidst ændret", auto_now=True)

    history = HistoricalRecords(excluded_fields=["aendret"], verbose_name="historik for delmål")

    class Meta:
        ordering = ["raekkefoelge", "pk"]
        verbose_name = "delmål"
        verbose_name_plural = "delmål"
        constraints = [
            models.UniqueConstraint(
                fields=["delaftale", "tekst"],
                name="delmaal_unik_tekst_pr_delaftale",
                violation_error_message="Delaftalen har allerede et delmål med den tekst.",
            ),
        ]

    def __str__(self) -> str:
        return self.tekst


class VersionQuerySet(models.QuerySet):
    def gaeldende(self) -> VersionQuerySet:
        """The latest published version of each delaftale."""
        seneste = (
            self.model.objects.filter(delaftale=models.OuterRef("delaftale"))
            .order_by("-nummer")
            .values("nummer")[:1]
        )
        return self.filter(nummer=models.Subquery(seneste))

    def uden_indhold(self) -> VersionQuerySet:
        """Lists and headers need neither the snapshot nor the PDF (but the meeting that
        approved the content, which they show)."""
        return self.defer("indhold", "pdf").select_related("fagligt_godkendt_moede")


class Version(EnForespoergselsKontrol, models.Model):
    """One publication of a delaftale: a frozen snapshot, its PDF and the PDF's hash.

    Public pages and the stable PDF address read the latest one; the ordinary tables hold
    the draft the secretariat is working on. Nothing here is ever changed after publication
    (the PDF is rendered once, by the worker after publication or by a request that comes
    first, and then kept: delaftaler/publicering/version_pdf.py).
    """

    class Art(models.TextChoices):
        FOERSTE = "foerste", "Første version"
        ADMINISTRATIV = "administrativ", "Administrativ ændring"
        FAGLIG = "faglig", "Faglig ændring"

    delaftale = models.ForeignKey(
        Delaftale, on_delete=models.PROTECT, related_name="versioner", verbose_name="delaftale"
    )
    nummer = models.PositiveIntegerField("versionsnummer")
    art = models.CharField("art", max_length=15, choices=Art.choices)
    indhold = models.JSONField("indhold (øjebliksbillede)")
    indhold_sha256 = models.CharField("indholdets SHA-256", max_length=64)
    aendringer = models.JSONField(
        "ændringer i forhold til forrige version", default=list, blank=True
    )
    publiceret = models.DateTimeField("publiceret", default=timezone.now)
    publiceret_af = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="publiceret af",
    )
    godkendt = models.DateTimeField("godkendt af bestyrelsen", null=True, blank=True)
    # What the version states about itself, carried forward from the version before:
    # an administrative fix does not take away when the board approved the content.
    fagligt_godkendt = models.DateTimeField(
        "fagligt indhold godkendt af bestyrelsen", null=True, blank=True
    )
    administrativt_aendret = models.DateTimeField(
        "senest ændret administrativt", null=True, blank=True
    )
    fagligt_godkendt_moede = models.ForeignKey(
        Bestyrelsesmoede,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="fagligt indhold godkendt på bestyrelsesmødet",
    )
    indstilling = models.OneToOneField(
        "Indstilling",
        on_delete=models.PROTECT,
        related_name="version",
        null=True,
        blank=True,
        verbose_name="indstilling til bestyrelsen",
    )
    pdf = models.BinaryField("PDF", null=True, blank=True)
    pdf_sha256 = models.CharField("PDF'ens SHA-256", max_length=64, blank=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["delaftale", "-nummer"]
        get_latest_by = "nummer"
        verbose_name = "publiceret version"
        verbose_name_plural = "publicerede versioner"
        constraints = [
            models.UniqueConstraint(
                fields=["delaftale", "nummer"],
                name="version_unikt_nummer_pr_delaftale",
                violation_error_message="Delaftalen har allerede en version med det nummer.",
            ),
            models.CheckConstraint(
                condition=Q(art__in=["foerste", "administrativ", "faglig"]),
                name="version_art_gyldig",
                violation_error_message="Ukendt art af version.",
            ),
            models.CheckConstraint(
                condition=~Q(art="faglig") | Q(godkendt__isnull=False),
                name="version_faglig_kraever_godkendelse",
                violation_error_message="En faglig ændring skal være godkendt af bestyrelsen.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delaftale}, version {self.nummer}"

    @property
    def dato_tekst(self) -> str:
        return formater_dato(self.publiceret)

    @property
    def godkendt_tekst(self) -> str:
        return formater_dato(self.godkendt) if self.godkendt else ""

    @property
    def fagligt_godkendt_tekst(self) -> str:
        """When the board last approved the content: »på mødet 12.03.2025«, or the day it
        was recorded for versions from before meetings were ('' if never approved)."""
        if self.fagligt_godkendt_moede_id:
            return f"på mødet {self.fagligt_godkendt_moede.dato_tekst}"
        godkendt = self.fagligt_godkendt or self.godkendt
        return formater_dato(godkendt) if godkendt else ""

    @property
    def egen_godkendelse_tekst(self) -> str:
        """This version's own approval (a faglig change or a first version approved by
        the board), as the versions list shows it: »på mødet 12.03.2025« or the day."""
        if not self.godkendt:
            return ""
        if self.fagligt_godkendt_moede_id:
            return f"på mødet {self.fagligt_godkendt_moede.dato_tekst}"
        return self.godkendt_tekst

    def med_forgaenger(self, forrige: Version | None) -> None:
        """Carry forward when the board last approved the content and when it was last
        changed administratively: this version's own dates, else its predecessor's."""
        self.fagligt_godkendt = self.godkendt or (
            (forrige.fagligt_godkendt or forrige.godkendt) if forrige else None
        )
        if self.godkendt:
            if self.indstilling is not None:
                self.fagligt_godkendt_moede = self.indstilling.moede
        elif forrige is not None:
            self.fagligt_godkendt_moede = forrige.fagligt_godkendt_moede
        if self.art == self.Art.ADMINISTRATIV:
            self.administrativt_aendret = self.publiceret
        elif forrige is not None:
            self.administrativt_aendret = forrige.administrativt_aendret


class Indstilling(EnForespoergselsKontrol, models.Model):
    """A faglig draft sent to the bestyrelse: exactly what they were shown, and their answer.

    The board approves the snapshot taken when it was submitted, so later edits to the
    draft are never published without being seen.
    """

    class Status(models.TextChoices):
        AFVENTER = "afventer", "Afventer bestyrelsen"
        GODKENDT = "godkendt", "Godkendt af bestyrelsen"
        SENDT_TILBAGE = "sendt_tilbage", "Sendt tilbage til sekretariatet"
        TRUKKET_TILBAGE = "trukket_tilbage", "Trukket tilbage af sekretariatet"

    delaftale = models.ForeignKey(
        Delaftale,
        on_delete=models.PROTECT,
        related_name="indstillinger",
        verbose_name="delaftale",
    )
    grundlag = models.ForeignKey(
        Version,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="sammenlignet med version",
        help_text="Tom for en ny delaftale, der indstilles som første version.",
    )
    indhold = models.JSONField("indhold (øjebliksbillede)")
    indhold_sha256 = models.CharField("indholdets SHA-256", max_length=64)
    aendringer = models.JSONField("ændringer", default=list, blank=True)
    status = models.CharField(
        "status", max_length=20, choices=Status.choices, default=Status.AFVENTER
    )
    begrundelse = models.TextField("sekretariatets begrundelse", blank=True, max_length=5000)
    indsendt = models.DateTimeField("indstillet", default=timezone.now)
    indsendt_af = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="indstillet af",
    )
    besluttet = models.DateTimeField("besluttet", null=True, blank=True)
    besluttet_af = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="besluttet af",
    )
    kommentar = models.TextField("bestyrelsens kommentar", blank=True, max_length=5000)
    moede = models.ForeignKey(
        Bestyrelsesmoede,
        on_delete=models.PROTECT,
        related_name="indstillinger",
        null=True,
        blank=True,
        verbose_name="besluttet på bestyrelsesmødet",
    )

    class Meta:
        ordering = ["delaftale", "-indsendt"]
        verbose_name = "indstilling til bestyrelsen"
        verbose_name_plural = "indstillinger til bestyrelsen"
        constraints = [
            models.UniqueConstraint(
                fields=["delaftale"],
                condition=Q(status="afventer"),
                name="indstilling_en_afventende_pr_delaftale",
                violation_error_message="Delaftalen har allerede en ændring, der afventer "
                "bestyrelsen.",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["afventer", "godkendt", "sendt_tilbage", "trukket_tilbage"]
                ),
                name="indstilling_status_gyldig",
                violation_error_message="Ukendt status.",
            ),
            models.CheckConstraint(
                condition=Q(status="afventer") | Q(besluttet__isnull=False),
                name="indstilling_beslutning_har_tidspunkt",
                violation_error_message="En afgjort indstilling skal have et tidspunkt.",
            ),
        ]

    def __str__(self) -> str:
        return f"Indstilling {self.dato_tekst} – {self.delaftale}"

    @property
    def dato_tekst(self) -> str:
        """The day it was submitted: 01.12.2021."""
        return formater_dato(self.indsendt)

    @property
    def afventer(self) -> bool:
        return self.status == self.Status.AFVENTER

    def er_indsendt_af(self, bruger) -> bool:
        """Four eyes: the one who submitted it cannot approve it or send it back."""
        return egen_indsendelse(self.indsendt_af_id, bruger)

    def kraev_anden_beslutter(self, bruger) -> None:
        kraev_fire_oejne(self.indsendt_af_id, bruger, hvad="ændringen", objekt=self)


class OpfoelgningQuerySet(models.QuerySet):
    def synlige_for(self, bruger) -> OpfoelgningQuerySet:
        """Approved follow-ups are public. In the helhedsplaner a person works on
        (Helhedsplan.objects.for_bruger), the board also sees those sent to it and the
        secretariat its drafts too; other plans' unapproved follow-ups are nobody's."""
        offentlige = Q(status=Opfoelgning.Status.GODKENDT)
        if bruger.is_active and bruger.has_perm("delaftaler.send_opfoelgning"):
            egne = Q()
        elif bruger.is_active and bruger.has_perm("delaftaler.view_opfoelgning"):
            egne = ~Q(status=Opfoelgning.Status.KLADDE)
        else:
            return self.filter(offentlige)
        planer = Helhedsplan.objects.for_bruger(bruger).values("pk")
        return self.filter(offentlige | (egne & Q(delaftale__helhedsplan__in=planer)))

    def for_bruger(self, bruger) -> OpfoelgningQuerySet:
        """Follow-ups of the helhedsplaner this person works on, whatever their status."""
        return self.filter(delaftale__helhedsplan__in=Helhedsplan.objects.for_bruger(bruger))


class Opfoelgning(EnForespoergselsKontrol, models.Model):
    """The yearly follow-up of one delaftale: draft, sent to the board, approved."""

    class Status(models.TextChoices):
        KLADDE = "kladde", "Kladde"
        SENDT = "sendt", "Sendt til bestyrelsen"
        GODKENDT = "godkendt", "Godkendt af bestyrelsen"

    delaftale = models.ForeignKey(
        Delaftale,
        on_delete=models.PROTECT,
        related_name="opfoelgninger",
        verbose_name="delaftale",
    )
    aar = models.PositiveSmallIntegerField("år")
    status = models.CharField("status", max_length=10, choices=Status.choices, default="kladde")
    oprettet = models.DateTimeField("oprettet", auto_now_add=True)
    aendret = models.DateTimeField("sidst ændret", auto_now=True)
    grundlag = models.JSONField(
        "frosset grundlag",
        null=True,
        blank=True,
        editable=False,
        encoder=DjangoJSONEncoder,
        help_text="Det, rapporten bygges af, som det stod, da opfølgningen blev sendt til "
        "bestyrelsen: bestyrelsen godkender præcis det, den har set.",
    )

    objects = OpfoelgningQuerySet.as_manager()

    class Meta:
        ordering = ["delaftale", "-aar"]
        verbose_name = "opfølgning"
        verbose_name_plural = "opfølgninger"
        # The approved years across every plan (the view across plans and its cache key)
        # read from the index alone, never from rows that carry a frozen report.
        indexes = [
            models.Index(
                fields=["status", "delaftale", "aar", "aendret"],
                name="opfoelgning_status_aar",
            )
        ]
        permissions = [
            ("send_opfoelgning", "Kan sende en opfølgning til bestyrelsen"),
            ("godkend_opfoelgning", "Kan godkende en opfølgning"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["delaftale", "aar"],
                name="opfoelgning_en_pr_delaftale_og_aar",
                violation_error_message="Delaftalen har allerede en opfølgning for dette år.",
            ),
            models.CheckConstraint(
                condition=Q(aar__gte=2000, aar__lte=2100),
                name="opfoelgning_aar_rimeligt",
                violation_error_message="Året skal ligge mellem 2000 og 2100.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["kladde", "sendt", "godkendt"]),
                name="opfoelgning_status_gyldig",
                violation_error_message="Ukendt status.",
            ),
        ]

    def __str__(self) -> str:
        return f"Opfølgning {self.aar} – {self.delaftale}"

    @property
    def er_laast(self) -> bool:
        """A year with the board is frozen, sent or approved: the board approves exactly
        what it saw, so numbers and texts only change after the secretariat reopens it."""
        return self.status in (self.Status.SENDT, self.Status.GODKENDT)

    @property
    def laast_tekst(self) -> str:
        if self.status == self.Status.SENDT:
            return (
                "Opfølgningen ligger hos bestyrelsen og kan ikke ændres, før sekretariatet "
                "tager den tilbage med en begrundelse."
            )
        return "Året er godkendt af bestyrelsen og kan ikke ændres uden genåbning."

    def sendt_af_id(self) -> int | None:
        """Who sent it to the bestyrelse last (the prefetched ``haendelse_liste`` if there)."""
        haendelser = getattr(self, "haendelse_liste", None)
        if haendelser is not None:
            sendt = [h for h in haendelser if h.handling == OpfoelgningHaendelse.Handling.SENDT]
            return sendt[-1].bruger_id if sendt else None
        return (
            self.haendelser.filter(handling=OpfoelgningHaendelse.Handling.SENDT)
            .order_by("-tidspunkt", "-pk")
            .values_list("bruger_id", flat=True)
            .first()
        )

    def er_sendt_af(self, bruger) -> bool:
        """Four eyes: the one who sent the year to the board cannot approve it."""
        return egen_indsendelse(self.sendt_af_id(), bruger)

    def kraev_anden_godkender(self, bruger) -> None:
        kraev_fire_oejne(self.sendt_af_id(), bruger, hvad="opfølgningen", objekt=self)


class OpfoelgningHaendelse(models.Model):
    """Who did what and when: created, sent, approved, reopened, sent back."""

    class Handling(models.TextChoices):
        OPRETTET = "oprettet", "Oprettet"
        SENDT = "sendt", "Sendt til bestyrelsen"
        GODKENDT = "godkendt", "Godkendt"
        GENAABNET = "genaabnet", "Genåbnet til rettelse"

    opfoelgning = models.ForeignKey(
        Opfoelgning, on_delete=models.CASCADE, related_name="haendelser", verbose_name="opfølgning"
    )
    handling = models.CharField("handling", max_length=10, choices=Handling.choices)
    bruger = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="bruger"
    )
    tidspunkt = models.DateTimeField("tidspunkt", default=timezone.now)
    begrundelse = models.TextField("begrundelse", blank=True)
    # The board's approval records the meeting it was taken at.
    moede = models.ForeignKey(
        Bestyrelsesmoede,
        on_delete=models.PROTECT,
        related_name="opfoelgning_beslutninger",
        null=True,
        blank=True,
        verbose_name="besluttet på bestyrelsesmødet",
    )

    class Meta:
        ordering = ["tidspunkt", "pk"]
        verbose_name = "hændelse"
        verbose_name_plural = "hændelser"

    def __str__(self) -> str:
        return f"{self.get_handling_display()} {formater_tidspunkt(self.tidspunkt)}"


class GodkendtRapport(models.Model):
    """The frozen PDF of an approved year. A reopened and re-approved year gets a new one;
    the earlier stay."""

    opfoelgning = models.ForeignKey(
        Opfoelgning,
        on_delete=models.PROTECT,
        related_name="godkendte_rapporter",
        verbose_name="opfølgning",
    )
    version = models.PositiveSmallIntegerField("version")
    pdf = models.BinaryField("PDF")
    sha256 = models.CharField("SHA-256", max_length=64)
    godkendt_af = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="godkendt af",
    )
    godkendt = models.DateTimeField("godkendt", default=timezone.now)

    class Meta:
        ordering = ["opfoelgning", "-version"]
        verbose_name = "godkendt rapport"
        verbose_name_plural = "godkendte rapporter"
        constraints = [
            models.UniqueConstraint(
                fields=["opfoelgning", "version"], name="godkendt_rapport_unik_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.opfoelgning}, version {self.version}"


class DelmaalStatus(EnForespoergselsKontrol, models.Model):
    """The secretariat's assessment of one delmål in one year."""

    class Status(models.TextChoices):
        PAA_RETTE_VEJ = "paa_rette_vej", "På rette vej"
        DELVIST = "delvist", "Delvist på rette vej"
        IKKE = "ikke", "Ikke på rette vej"

    opfoelgning = models.ForeignKey(
        Opfoelgning,
        on_delete=models.CASCADE,
        related_name="delmaal_status",
        verbose_name="opfølgning",
    )
    delmaal = models.ForeignKey(
        Delmaal, on_delete=models.PROTECT, related_name="status", verbose_name="delmål"
    )
    status = models.CharField("status", max_length=15, choices=Status.choices)
    vurdering = models.TextField(
        "vurdering", blank=True, help_text="En kort vurdering af udviklingen i året."
    )
    aendret = models.DateTimeField("sidst ændret", auto_now=True)

    class Meta:
        verbose_name = "status for delmål"
        verbose_name_plural = "status for delmål"
        constraints = [
            models.UniqueConstraint(
                fields=["opfoelgning", "delmaal"],
                name="delmaal_status_en_pr_aar",
                violation_error_message="Delmålet har allerede en status for dette år.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["paa_rette_vej", "delvist", "ikke"]),
                name="delmaal_status_gyldig",
                violation_error_message="Ukendt status.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delmaal}: {self.get_status_display()}"

    def clean(self) -> None:
        if (
            self.opfoelgning_id
            and self.delmaal_id
            and self.delmaal.delaftale_id != self.opfoelgning.delaftale_id
        ):
            raise ValidationError({"delmaal": "Delmålet hører til en anden delaftale."})


class Kommentar(models.Model):
    """A board member's comment on a delmål (or on the whole follow-up)."""

    opfoelgning = models.ForeignKey(
        Opfoelgning, on_delete=models.CASCADE, related_name="kommentarer", verbose_name="opfølgning"
    )
    delmaal = models.ForeignKey(
        Delmaal,
        on_delete=models.PROTECT,
        related_name="kommentarer",
        verbose_name="delmål",
        null=True,
        blank=True,
    )
    bruger = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="bruger"
    )
    tekst = models.TextField("kommentar", max_length=5000)
    oprettet = models.DateTimeField("oprettet", default=timezone.now)

    class Meta:
        ordering = ["oprettet", "pk"]
        verbose_name = "kommentar"
        verbose_name_plural = "kommentarer"

    def __str__(self) -> str:
        return f"{self.bruger}: {self.tekst[:40]}"


# --- E-mail notifications (delaftaler/notifikationer/) ---------------------------------------


class NotifikationArt(models.TextChoices):
    """The e-mails the app sends; each person can turn each of them off."""

    INDSTILLING_SENDT = "indstilling_sendt", "En ændring er sendt til bestyrelsen"
    INDSTILLING_BESLUTTET = "indstilling_besluttet", "Bestyrelsen har besluttet en ændring"
    OPFOELGNING_SENDT = "opfoelgning_sendt", "En opfølgning er sendt til bestyrelsen"
    OPFOELGNING_GODKENDT = "opfoelgning_godkendt", "Bestyrelsen har godkendt en opfølgning"
    OPFOELGNING_GENAABNET = "opfoelgning_genaabnet", "En opfølgning er genåbnet"
    PAAMINDELSE_FOER_FRIST = "paamindelse_foer_frist", "Påmindelse før en opfølgnings frist"
    PAAMINDELSE_FRIST_OVERSKREDET = (
        "paamindelse_frist_overskredet",
        "Påmindelse, når en opfølgnings frist er overskredet",
    )


class Notifikationsfravalg(models.Model):
    """A kind of e-mail a person has turned off (everything is on until they do)."""

    bruger = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifikationsfravalg",
        verbose_name="bruger",
    )
    art = models.CharField("e-mail", max_length=40, choices=NotifikationArt.choices)

    class Meta:
        ordering = ["bruger", "art"]
        verbose_name = "fravalgt e-mail"
        verbose_name_plural = "fravalgte e-mails"
        constraints = [
            models.UniqueConstraint(fields=["bruger", "art"], name="notifikationsfravalg_unikt"),
        ]

    def __str__(self) -> str:
        return f"{self.bruger}: {self.get_art_display()} fravalgt"


class Paamindelse(models.Model):
    """A reminder about a year's follow-up, recorded in the same transaction as the e-mail
    is queued: the unique constraint makes sure the same reminder is never sent twice."""

    class Art(models.TextChoices):
        FOER_FRIST = NotifikationArt.PAAMINDELSE_FOER_FRIST.value, "Før fristen"
        FRIST_OVERSKREDET = (
            NotifikationArt.PAAMINDELSE_FRIST_OVERSKREDET.value,
            "Fristen overskredet",
        )

    bruger = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="bruger"
    )
    delaftale = models.ForeignKey(
        Delaftale, on_delete=models.CASCADE, related_name="+", verbose_name="delaftale"
    )
    aar = models.PositiveSmallIntegerField("år")
    art = models.CharField("påmindelse", max_length=40, choices=Art.choices)
    frist = models.DateField("frist")
    oprettet = models.DateTimeField("sendt til udsendelse", default=timezone.now)

    class Meta:
        ordering = ["-oprettet", "pk"]
        verbose_name = "påmindelse"
        verbose_name_plural = "påmindelser"
        constraints = [
            models.UniqueConstraint(
                fields=["bruger", "delaftale", "aar", "art"], name="paamindelse_en_gang"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_art_display()}: opfølgning {self.aar}, {self.delaftale} til {self.bruger}"
        )


class Paamindelseskoersel(models.Model):
    """The daily reminder run: one row per day, so exactly one run is ever scheduled for a
    day however many processes schedule it (``manage.py send_paamindelser --planlaeg``)."""

    dag = models.DateField("dag", unique=True)
    opgave_id = models.CharField("opgavens id", max_length=64, blank=True)
    koert = models.DateTimeField("kørt", null=True, blank=True)
    antal = models.PositiveIntegerField("påmindelser sendt", null=True, blank=True)

    class Meta:
        ordering = ["-dag"]
        verbose_name = "kørsel af påmindelser"
        verbose_name_plural = "kørsler af påmindelser"

    def __str__(self) -> str:
        return f"Påmindelser {formater_dato(self.dag)}"


class TvaersGrundlag(models.Model):
    """What a delaftale's rows in the view across plans were computed from.

    The rows (``TvaersRaekke``) are each delaftale's indikatorer as /oversigt/ shows them:
    its current published version's baselines and its latest approved year's values,
    under the plan's disclosure threshold. Computing them means reading the snapshot and
    the frozen report of every plan (seconds for a whole country), so they are stored
    and recomputed only when ``stempel`` no longer names the current inputs
    (delaftaler/tvaers/selectors.py): a stale row can never be shown."""

    delaftale = models.OneToOneField(
        Delaftale,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="tvaers_grundlag",
        verbose_name="delaftale",
    )
    stempel = models.CharField("beregnet ud fra", max_length=200)

    class Meta:
        verbose_name = "grundlag for oversigten på tværs"
        verbose_name_plural = "grundlag for oversigten på tværs"

    def __str__(self) -> str:
        return f"{self.delaftale}: {self.stempel}"


class TvaersRaekke(models.Model):
    """One place (boligområde or målgruppe) of one indikator of one delaftale, as
    /oversigt/ shows it. Numbers are kept as the text of their exact decimal value."""

    delaftale = models.ForeignKey(
        Delaftale, on_delete=models.CASCADE, related_name="tvaers_raekker", verbose_name="delaftale"
    )
    raekkefoelge = models.PositiveIntegerField("rækkefølge")
    indikator_noegle = models.CharField("indikatornøgle", max_length=500, db_index=True)
    indikator_navn = models.CharField("indikator", max_length=500)
    indikator_enhed = models.CharField("enhed", max_length=20)
    indikator_enhed_tekst = models.CharField("anden enhed", max_length=100, blank=True)
    indikator_retning = models.CharField("retning", max_length=20)
    lbf_standard = models.BooleanField("LBF-standardindikator", default=False)
    sted = models.CharField("boligområde/målgruppe", max_length=500)
    baseline_tekst = models.CharField("baseline", max_length=100, blank=True)
    baseline_periode = models.CharField("baselineperiode", max_length=100, blank=True)
    baseline_tal = models.CharField("baseline (tal)", max_length=50, blank=True)
    seneste_tekst = models.CharField("seneste godkendte værdi", max_length=100, blank=True)
    seneste_aar = models.PositiveIntegerField("år", null=True, blank=True)
    seneste_tal = models.CharField("seneste godkendte værdi (tal)", max_length=50, blank=True)
    aendring_tekst = models.CharField("ændring", max_length=100, blank=True)
    aendring_tal = models.CharField("ændring (tal)", max_length=50, blank=True)
    vurdering = models.CharField("udvikling", max_length=20, blank=True)
    skjult = models.BooleanField("skjult af diskretionsreglen", default=False)

    class Meta:
        ordering = ["delaftale", "raekkefoelge"]
        verbose_name = "række i oversigten på tværs"
        verbose_name_plural = "rækker i oversigten på tværs"
        constraints = [
            models.UniqueConstraint(
                fields=["delaftale", "raekkefoelge"], name="tvaersraekke_unik_raekkefoelge"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delaftale}: {self.indikator_navn}, {self.sted}"
