from adminsortable2.admin import CustomInlineFormSet, SortableAdminBase, SortableInlineAdminMixin
from django import forms
from django.contrib import admin
from django.db.models import Count

from delaftaler.adgang import HelhedsplanAdgangMixin, afgraens
from delaftaler.lib.admin_tekster import DanskTilfoejMixin
from delaftaler.lib.concurrency import SamtidighedAdminMixin
from delaftaler.lib.forms import ConditionalUniqueFormSetMixin, KolonneEtiketterMixin
from delaftaler.models import Delmaal
from indikatorer.forms import BaselineForm
from indikatorer.models import Baseline, Indikator, Maaling, samlet_antal_fejl


class BaselineFormSet(ConditionalUniqueFormSetMixin, CustomInlineFormSet):
    """Two rows for the same place and period are refused on the row, not by the database;
    a row »opgjort samlet for« several areas must pool their counts, where all have them."""

    def clean(self) -> None:
        super().clean()
        raekker = [f for f in self.forms if f.is_valid() and f not in self.deleted_forms]
        pr_sted = {
            (f.cleaned_data.get("boligomraade"), f.cleaned_data.get("periode")): f.instance
            for f in raekker
            if f.cleaned_data.get("boligomraade")
        }
        for form in raekker:
            samlet = form.cleaned_data.get("samlet_for") or []
            total = form.instance
            if not samlet or total.naevner is None:
                continue
            dele = [(o, pr_sted.get((o, form.cleaned_data.get("periode")))) for o in samlet]
            if any(b is None or b.naevner is None for _, b in dele):
                continue
            besked = samlet_antal_fejl(
                form.cleaned_data.get("maalgruppe") or "Den samlede opgørelse",
                total.taeller,
                total.naevner,
                [(o.navn, b.taeller, b.naevner) for o, b in dele],
            )
            if besked:
                form.add_error("antal", besked)


class BaselineInline(
    KolonneEtiketterMixin, HelhedsplanAdgangMixin, SortableInlineAdminMixin, admin.TabularInline
):
    """The baseline grid: one row per boligområde, values side by side."""

    model = Baseline
    form = BaselineForm
    formset = BaselineFormSet
    extra = 0
    verbose_name_plural = "baselines pr. boligområde"

    class Media:
        css = {"all": ["delaftaler/admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).til_tabel()

    def get_formset(self, request, obj=None, **kwargs):
        plan = obj.delmaal.delaftale.helhedsplan if obj else _valgt_plan(request)
        if plan is not None:
            omraader = list(plan.boligomraader.all())
            kwargs["form"] = type("BaselineForm", (BaselineForm,), {"omraader": omraader})
        else:
            kwargs["form"] = OmraadeMedPlanForm
        return super().get_formset(request, obj, **kwargs)

    def get_extra(self, request, obj=None, **kwargs):
        return len(manglende_omraader(obj)) if obj else 1


def _valgt_plan(request):
    """The helhedsplan of the delmål a new indikator is added to (?delmaal=), if the
    person works on it."""
    pk = request.GET.get("delmaal") or request.POST.get("delmaal")
    if not (pk and str(pk).isdigit()):
        return None
    delmaal = (
        afgraens(Delmaal.objects.select_related("delaftale__helhedsplan"), request.user)
        .filter(pk=pk)
        .first()
    )
    return delmaal.delaftale.helhedsplan if delmaal else None


def _med_plan(omraade) -> str:
    return f"{omraade.navn} ({omraade.helhedsplan.navn})"


class OmraadeMedPlanForm(BaselineForm):
    """Before the delmål is chosen, every area of the person's helhedsplaner is offered:
    each says whose it is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for navn in ("boligomraade", "samlet_for"):
            felt = self.fields[navn]
            felt.queryset = felt.queryset.select_related("helhedsplan")
            felt.label_from_instance = _med_plan


def _delmaal_med_plan(delmaal) -> str:
    d = delmaal.delaftale
    return f"{d.helhedsplan.navn} – {d.indsatsomraade.navn}: {delmaal.tekst}"


def manglende_omraader(indikator: Indikator) -> list:
    """Areas that get an empty grid row: those without a baseline, when the indicator is
    measured per area (not for target groups or areas counted together)."""
    if "_manglende_omraader" not in indikator.__dict__:
        per_omraade = indikator.baselines.values_list("boligomraade_id", flat=True)
        har = set(per_omraade)
        omraader = indikator.delmaal.delaftale.helhedsplan.boligomraader.exclude(pk__in=har)
        indikator._manglende_omraader = [] if None in har else list(omraader)
    return indikator._manglende_omraader


@admin.register(Indikator)
class IndikatorAdmin(
    HelhedsplanAdgangMixin,
    SamtidighedAdminMixin,
    DanskTilfoejMixin,
    SortableAdminBase,
    admin.ModelAdmin,
):
    bestemt_navn = "Indikatoren"
    list_display = ["navn", "delmaal", "helhedsplan", "enhed", "lbf_standard", "antal_baselines"]
    list_filter = [
        "enhed",
        "lbf_standard",
        "delmaal__delaftale__indsatsomraade",
        "delmaal__delaftale__helhedsplan",
    ]
    search_fields = ["navn", "maalgruppe", "datakilde", "delmaal__tekst"]
    list_select_related = ["delmaal__delaftale__helhedsplan"]
    fieldsets = [
        (None, {"fields": ["delmaal", "navn", "maalgruppe"]}),
        (
            "Måling",
            {
                "fields": [
                    ("enhed", "enhed_tekst"),
                    "retning",
                    "datakilde",
                    ("lbf_standard", "ikke_personer"),
                ]
            },
        ),
    ]
    inlines = [BaselineInline]

    def get_form(self, request, obj=None, **kwargs):
        kwargs.setdefault("widgets", {})["navn"] = forms.TextInput(attrs={"size": 80})
        return super().get_form(request, obj, **kwargs)

    def get_queryset(self, request):
        # A GROUP BY query drops Meta.ordering; the autocomplete pages through it.
        return (
            super()
            .get_queryset(request)
            .annotate(_baselines=Count("baselines"))
            .order_by(*Indikator._meta.ordering)
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        felt = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "delmaal" and felt is not None:
            # Several helhedsplaner have delmål with the same words: say whose each is.
            felt.queryset = felt.queryset.select_related(
                "delaftale__helhedsplan", "delaftale__indsatsomraade"
            )
            felt.label_from_instance = _delmaal_med_plan
        return felt

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, BaselineInline) and obj and obj.pk:
            # Also when saving: a row still showing only its preset area is then unchanged
            # and skipped, as Django compares each extra row with its initial values.
            kwargs["initial"] = [{"boligomraade": o.pk} for o in manglende_omraader(obj)]
        return kwargs

    @admin.display(description="helhedsplan", ordering="delmaal__delaftale__helhedsplan__navn")
    def helhedsplan(self, obj):
        return obj.delmaal.delaftale.helhedsplan

    @admin.display(description="baselines", ordering="_baselines")
    def antal_baselines(self, obj):
        return obj._baselines


@admin.register(Maaling)
class MaalingAdmin(HelhedsplanAdgangMixin, admin.ModelAdmin):
    """Single measurements; a year's values are entered in the grid or imported."""

    list_display = ["indikator", "sted", "periode", "vaerdi_tekst", "opfoelgning"]
    list_filter = [
        "opfoelgning__aar",
        "opfoelgning__delaftale__helhedsplan",
        "ikke_tilgaengelig",
    ]
    search_fields = ["indikator__navn", "boligomraade__navn", "maalgruppe", "datakilde"]
    list_select_related = ["indikator", "boligomraade", "opfoelgning__delaftale__helhedsplan"]
    readonly_fields = ["aendret"]

    @admin.display(description="boligområde/målgruppe")
    def sted(self, obj):
        return obj.sted

    @admin.display(description="værdi")
    def vaerdi_tekst(self, obj):
        return obj.vaerdi_tekst

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.opfoelgning.er_laast:
            return False
        return super().has_change_permission(request, obj)

    has_delete_permission = has_change_permission
