from adminsortable2.admin import SortableAdminBase, SortableAdminMixin, SortableInlineAdminMixin
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from aktiviteter.models import Aktivitet
from delaftaler import standardtekster
from delaftaler.adgang import HelhedsplanAdgangMixin, er_administrator
from delaftaler.lib.admin_tekster import DanskTilfoejMixin
from delaftaler.lib.concurrency import SamtidighedAdminMixin
from delaftaler.lib.forms import KolonneEtiketterMixin
from delaftaler.models import (
    Bestyrelsesmoede,
    Boligomraade,
    Delaftale,
    Delmaal,
    DelmaalStatus,
    Helhedsplan,
    Indsatsomraade,
    Kommentar,
    Opfoelgning,
    OpfoelgningHaendelse,
    Part,
)
from indikatorer.models import Indikator


@admin.register(Indsatsomraade)
class IndsatsomraadeAdmin(SortableAdminMixin, admin.ModelAdmin):
    list_display = ["navn", "slug", "aktiv"]
    list_filter = ["aktiv"]
    search_fields = ["navn"]
    prepopulated_fields = {"slug": ["navn"]}


class BoligomraadeInline(
    KolonneEtiketterMixin, HelhedsplanAdgangMixin, SortableInlineAdminMixin, admin.TabularInline
):
    artikel = "et"
    model = Boligomraade
    extra = 0
    fields = ["navn", "afdelinger"]

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("widgets", {})["afdelinger"] = admin.widgets.AdminTextInputWidget()
        return super().get_formset(request, obj, **kwargs)


class BestyrelsesmoedeInline(KolonneEtiketterMixin, HelhedsplanAdgangMixin, admin.TabularInline):
    artikel = "et"
    model = Bestyrelsesmoede
    extra = 0
    fields = ["dato", "emne"]


@admin.register(Helhedsplan)
class HelhedsplanAdmin(
    HelhedsplanAdgangMixin,
    SamtidighedAdminMixin,
    DanskTilfoejMixin,
    SortableAdminBase,
    admin.ModelAdmin,
):
    """Everyone sees the helhedsplaner they are members of; only administrators add
    helhedsplaner and choose their members (the others see who the members are)."""

    bestemt_navn = "Helhedsplanen"
    # Extends the optimistic-locking form with »Ny delaftale« for the plan.
    change_form_template = "admin/delaftaler/helhedsplan/change_form.html"
    list_display = ["navn", "kommune", "periode", "antal_boligomraader", "antal_delaftaler"]
    list_filter = ["kommune"]
    search_fields = ["navn", "kommune", "boligomraader__navn"]
    prepopulated_fields = {"slug": ["navn"]}
    fields = [
        "navn",
        "slug",
        "kommune",
        ("gyldig_fra", "gyldig_til"),
        ("opfoelgning_frist_dag", "opfoelgning_frist_maaned"),
        "mindste_antal",
    ]
    # Explicit: counting rows below drops the model's ordering (the autocomplete pages).
    ordering = ["navn"]
    filter_horizontal = ["medlemmer"]
    inlines = [BoligomraadeInline, BestyrelsesmoedeInline]

    def get_fields(self, request, obj=None):
        medlemmer = "medlemmer" if er_administrator(request.user) else "medlemsliste"
        return [*self.fields, medlemmer]

    def get_readonly_fields(self, request, obj=None):
        faste = list(super().get_readonly_fields(request, obj))
        return faste if er_administrator(request.user) else [*faste, "medlemsliste"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "medlemmer":
            kwargs["queryset"] = (
                get_user_model().objects.filter(is_active=True).order_by("username")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_add_permission(self, request):
        return er_administrator(request.user) and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return er_administrator(request.user) and super().has_delete_permission(request, obj)

    @admin.display(description="brugere")
    def medlemsliste(self, obj):
        if obj is None or obj.pk is None:
            return "–"
        navne = [b.get_full_name() or b.username for b in obj.medlemmer.order_by("username")]
        return ", ".join(navne) or "Ingen endnu. En administrator tilknytter brugerne."

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _boligomraader=Count("boligomraader", distinct=True),
                _delaftaler=Count("delaftaler", distinct=True),
            )
        )

    @admin.display(description="periode")
    def periode(self, obj):
        return f"{obj.gyldig_fra:%d.%m.%Y}–{obj.gyldig_til:%d.%m.%Y}"

    @admin.display(description="boligområder", ordering="_boligomraader")
    def antal_boligomraader(self, obj):
        return obj._boligomraader

    @admin.display(description="delaftaler", ordering="_delaftaler")
    def antal_delaftaler(self, obj):
        return obj._delaftaler


class PartInline(HelhedsplanAdgangMixin, SortableInlineAdminMixin, admin.StackedInline):
    model = Part
    extra = 0
    fields = [
        ("type", "gruppe"),
        ("navn", "titel", "organisation"),
        ("email", "telefon"),
        "beskrivelse",
    ]
    classes = ["collapse"]
    verbose_name_plural = "delaftalens parter"


class DelmaalInline(
    KolonneEtiketterMixin, HelhedsplanAdgangMixin, SortableInlineAdminMixin, admin.TabularInline
):
    artikel = "et"
    model = Delmaal
    extra = 0
    fields = ["tekst", "indikatorer_link"]
    readonly_fields = ["indikatorer_link"]
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("widgets", {})["tekst"] = forms.TextInput(attrs={"size": 90})
        return super().get_formset(request, obj, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_indikatorer=Count("indikatorer"))

    @admin.display(description="indikatorer og baselines")
    def indikatorer_link(self, obj):
        if not obj.pk:
            return "Gem først delmålet"
        url = reverse("admin:delaftaler_delmaal_change", args=[obj.pk])
        antal = getattr(obj, "_indikatorer", None)
        return format_html('<a href="{}">Rediger indikatorer ({})</a>', url, antal)


class AktivitetInline(
    KolonneEtiketterMixin, HelhedsplanAdgangMixin, SortableInlineAdminMixin, admin.TabularInline
):
    """A compact list; the activity schema itself is edited on the activity's own page."""

    model = Aktivitet
    extra = 0
    fields = ["navn", "ressourceestimat"]
    readonly_fields = ["navn", "ressourceestimat"]
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Delaftale)
class DelaftaleAdmin(
    HelhedsplanAdgangMixin,
    SamtidighedAdminMixin,
    DanskTilfoejMixin,
    SortableAdminBase,
    admin.ModelAdmin,
):
    bestemt_navn = "Delaftalen"
    # Extends the optimistic-locking form with links to the draft and its history.
    change_form_template = "admin/delaftaler/delaftale/change_form.html"
    list_display = [
        "__str__",
        "kommune",
        "periode",
        "antal_delmaal",
        "antal_aktiviteter",
        "aendret",
    ]
    list_filter = ["indsatsomraade", "helhedsplan__kommune", "helhedsplan"]
    search_fields = [
        "helhedsplan__navn",
        "helhedsplan__kommune",
        "indsatsomraade__navn",
        "delmaal__tekst",
        "aktiviteter__navn",
        "parter__navn",
    ]
    list_select_related = ["helhedsplan", "indsatsomraade"]
    readonly_fields = ["aendret", "tilfoej_aktivitet"]
    fieldsets = [
        (
            "Delaftalen",
            {"fields": ["helhedsplan", "indsatsomraade", ("gyldig_fra", "gyldig_til"), "aendret"]},
        ),
        ("Ansvar", {"fields": ["ansvarlige"]}),
        ("Aktiviteter", {"fields": ["aktiviteter_indledning", "tilfoej_aktivitet"]}),
        ("Medarbejderressourcer", {"fields": ["medarbejderressourcer"]}),
        (
            "Sammenhæng med den kommunale indsats",
            {"fields": ["kommunal_sammenhaeng", "kommunale_maalsaetninger"]},
        ),
        ("Revision af delaftalen", {"fields": ["revision"]}),
    ]
    inlines = [PartInline, DelmaalInline, AktivitetInline]

    def get_changeform_initial_data(self, request):
        """A delaftale added here starts with LBF's standard texts too; the add form points
        to »Ny delaftale« (delaftaler/oprettelse), which can also copy an earlier one."""
        return {**standardtekster.FELTER, **super().get_changeform_initial_data(request)}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                _delmaal=Count("delmaal", distinct=True),
                _aktiviteter=Count("aktiviteter", distinct=True),
            )
        )

    @admin.display(description="kommune", ordering="helhedsplan__kommune")
    def kommune(self, obj):
        return obj.helhedsplan.kommune

    @admin.display(description="gælder", ordering="gyldig_fra")
    def periode(self, obj):
        return obj.periode_tekst

    @admin.display(description="delmål", ordering="_delmaal")
    def antal_delmaal(self, obj):
        return obj._delmaal

    @admin.display(description="aktiviteter", ordering="_aktiviteter")
    def antal_aktiviteter(self, obj):
        return obj._aktiviteter

    @admin.display(description="ny aktivitet")
    def tilfoej_aktivitet(self, obj):
        if not obj or not obj.pk:
            return "Gem delaftalen, før du tilføjer aktiviteter."
        url = reverse("admin:aktiviteter_aktivitet_add") + f"?delaftale={obj.pk}"
        return format_html('<a class="addlink" href="{}">Tilføj aktivitet med skema</a>', url)


class IndikatorInline(HelhedsplanAdgangMixin, SortableInlineAdminMixin, admin.StackedInline):
    """Stacked, two fields a line: eight columns side by side did not fit a 1 280 px window."""

    model = Indikator
    extra = 0
    fields = [
        "navn",
        ("maalgruppe", "datakilde"),
        ("enhed", "enhed_tekst"),
        ("retning", "lbf_standard"),
        "baselines_link",
    ]
    readonly_fields = ["baselines_link"]

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("widgets", {})["navn"] = forms.TextInput(
            attrs={"class": "vTextField indikator-navn"}
        )
        return super().get_formset(request, obj, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_baselines=Count("baselines"))

    @admin.display(description="baselines")
    def baselines_link(self, obj):
        if not obj.pk:
            return "Gem først indikatoren"
        url = reverse("admin:indikatorer_indikator_change", args=[obj.pk])
        return format_html('<a href="{}">Rediger baselines ({})</a>', url, obj._baselines)


@admin.register(Delmaal)
class DelmaalAdmin(
    HelhedsplanAdgangMixin,
    SamtidighedAdminMixin,
    DanskTilfoejMixin,
    SortableAdminBase,
    admin.ModelAdmin,
):
    bestemt_navn = "Delmålet"
    list_display = ["tekst", "delaftale", "antal_indikatorer"]
    list_filter = ["delaftale__indsatsomraade", "delaftale__helhedsplan"]
    search_fields = ["tekst", "indikatorer__navn", "delaftale__helhedsplan__navn"]
    list_select_related = ["delaftale__helhedsplan", "delaftale__indsatsomraade"]
    fields = ["delaftale", "tekst"]
    inlines = [IndikatorInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_indikatorer=Count("indikatorer"))

    @admin.display(description="indikatorer", ordering="_indikatorer")
    def antal_indikatorer(self, obj):
        return obj._indikatorer


class DelmaalStatusInline(KolonneEtiketterMixin, HelhedsplanAdgangMixin, admin.TabularInline):
    model = DelmaalStatus
    extra = 0
    fields = ["delmaal", "status", "vurdering"]


class KunLaesInline(KolonneEtiketterMixin, HelhedsplanAdgangMixin, admin.TabularInline):
    """Rows the workflow writes (the record, the board's comments): shown, never edited here."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class HaendelseInline(KunLaesInline):
    model = OpfoelgningHaendelse
    fields = ["handling", "bruger", "tidspunkt", "moede", "begrundelse"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("bruger", "moede")


class KommentarInline(KunLaesInline):
    model = Kommentar
    fields = ["delmaal", "bruger", "tekst", "oprettet"]


@admin.register(Opfoelgning)
class OpfoelgningAdmin(
    HelhedsplanAdgangMixin, SamtidighedAdminMixin, DanskTilfoejMixin, admin.ModelAdmin
):
    """Texts can be corrected here; status changes only through the workflow pages."""

    bestemt_navn = "Opfølgningen"

    list_display = ["delaftale", "aar", "status", "aendret"]
    list_filter = ["status", "aar", "delaftale__helhedsplan", "delaftale__indsatsomraade"]
    search_fields = ["delaftale__helhedsplan__navn", "delaftale__indsatsomraade__navn"]
    list_select_related = ["delaftale__helhedsplan", "delaftale__indsatsomraade"]
    readonly_fields = ["status", "aendret"]
    fields = ["delaftale", "aar", "status", "aendret"]
    inlines = [DelmaalStatusInline, KommentarInline, HaendelseInline]

    def get_readonly_fields(self, request, obj=None):
        faste = ["delaftale", "aar"] if obj else []
        return [*faste, *self.readonly_fields]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.er_laast:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False
