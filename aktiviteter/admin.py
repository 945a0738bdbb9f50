from django import forms
from django.contrib import admin

from aktiviteter.models import Aktivitet, AktivitetStatus
from delaftaler.adgang import HelhedsplanAdgangMixin
from delaftaler.lib.concurrency import SamtidighedAdminMixin


class AktivitetForm(forms.ModelForm):
    class Meta:
        model = Aktivitet
        fields = [
            "delaftale",
            "navn",
            "formaal",
            "maalgrupper",
            "indhold_og_praksis",
            "ansvar_og_roller",
            "delmaal",
            "ressourceestimat",
        ]
        widgets = {"delmaal": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        delaftale_id = self.instance.delaftale_id or self.initial.get("delaftale")
        if delaftale_id and "delmaal" in self.fields:  # not there on a read-only page
            # Narrow the admin's choices (already only the person's helhedsplaner), so an
            # address with another plan's ?delaftale= offers nothing of that plan.
            valg = self.fields["delmaal"].queryset
            self.fields["delmaal"].queryset = valg.filter(delaftale_id=delaftale_id)

    def clean(self):
        data = super().clean()
        delaftale = data.get("delaftale")
        fremmede = [
            d for d in data.get("delmaal") or [] if delaftale and d.delaftale_id != delaftale.pk
        ]
        if fremmede:
            self.add_error(
                "delmaal",
                "Aktiviteten kan kun bidrage til delmål i sin egen delaftale: "
                + ", ".join(f"»{d.tekst}«" for d in fremmede),
            )
        return data


@admin.register(Aktivitet)
class AktivitetAdmin(HelhedsplanAdgangMixin, SamtidighedAdminMixin, admin.ModelAdmin):
    bestemt_navn = "Aktiviteten"
    form = AktivitetForm
    list_display = ["navn", "delaftale", "ressourceestimat"]
    list_filter = ["delaftale__indsatsomraade", "delaftale__helhedsplan"]
    search_fields = ["navn", "formaal", "maalgrupper", "indhold_og_praksis"]
    list_select_related = ["delaftale__helhedsplan", "delaftale__indsatsomraade"]
    fieldsets = [
        (None, {"fields": ["delaftale", "navn", "ressourceestimat", "delmaal"]}),
        (
            "Aktivitetsskema",
            {"fields": ["formaal", "maalgrupper", "indhold_og_praksis", "ansvar_og_roller"]},
        ),
    ]


@admin.register(AktivitetStatus)
class AktivitetStatusAdmin(HelhedsplanAdgangMixin, admin.ModelAdmin):
    list_display = ["aktivitet", "opfoelgning", "antal_naaet"]
    list_filter = ["opfoelgning__aar", "opfoelgning__delaftale__helhedsplan"]
    search_fields = ["aktivitet__navn"]
    list_select_related = ["aktivitet", "opfoelgning__delaftale__helhedsplan"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.opfoelgning.er_laast:
            return False
        return super().has_change_permission(request, obj)
