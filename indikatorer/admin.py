from adminsortable2.admin import SortableAdminBase, SortableInlineAdminMixin
from django.contrib import admin
from django.db.models import Count

from indikatorer.forms import BaselineForm
from indikatorer.models import Baseline, Indikator


class BaselineInline(SortableInlineAdminMixin, admin.TabularInline):
    """The baseline grid: one row per boligområde, values side by side."""

    model = Baseline
    form = BaselineForm
    extra = 0
    verbose_name_plural = "baselines pr. boligområde"

    class Media:
        css = {"all": ["delaftaler/admin.css"]}

    def get_formset(self, request, obj=None, **kwargs):
        plan = obj.delmaal.delaftale.helhedsplan if obj else None
        kwargs["form"] = type("BaselineForm", (BaselineForm,), {"helhedsplan": plan})
        return super().get_formset(request, obj, **kwargs)

    def get_extra(self, request, obj=None, **kwargs):
        """Offer an empty row for every area that has no baseline yet."""
        if obj is None:
            return 1
        mangler = obj.delmaal.delaftale.helhedsplan.boligomraader.exclude(
            baselines__indikator=obj
        ).count()
        return mangler if not obj.baselines.exists() else 0


@admin.register(Indikator)
class IndikatorAdmin(SortableAdminBase, admin.ModelAdmin):
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
        ("Måling", {"fields": [("enhed", "enhed_tekst"), "datakilde", "lbf_standard"]}),
    ]
    inlines = [BaselineInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_baselines=Count("baselines"))

    @admin.display(description="helhedsplan", ordering="delmaal__delaftale__helhedsplan__navn")
    def helhedsplan(self, obj):
        return obj.delmaal.delaftale.helhedsplan

    @admin.display(description="baselines", ordering="_baselines")
    def antal_baselines(self, obj):
        return obj._baselines
