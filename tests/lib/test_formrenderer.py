"""The fast form renderer gives the same bytes as Django's widget templates."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.conf import settings
from django.contrib.admin import widgets as admin_widgets
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from delaftaler.lib.formrenderer import HurtigRenderer

SKUMLE = "a \"citat\" & <b>fed</b> 'enkelt'"

VALG = [
    ("", "---------"),
    (1, "Én"),
    ("2", SKUMLE),
    (3, 2019),
    (4, Decimal("11.3")),
    (5, gettext_lazy("Ja")),
    (6, mark_safe("<i>sikker</i>")),
    ("Gruppe & co", [(7, "Syv"), (8, "Otte")]),
    (2024, [(9, "Ni")]),
]

TILFAELDE = [
    (forms.TextInput(), "navn", None),
    (forms.TextInput(), "navn", ""),
    (forms.TextInput(), "navn", 0),
    (forms.TextInput(), "navn", SKUMLE),
    (forms.TextInput(), "navn", mark_safe("<b>sikker</b>")),
    (
        forms.TextInput(
            attrs={
                "class": "form-input",
                "aria-label": SKUMLE,
                "size": 12,
                "required": True,
                "disabled": False,
                "data-x": None,
                "placeholder": gettext_lazy("Ja"),
                "data-sikker": mark_safe("<i>"),
            }
        ),
        "felt-1-vaerdi",
        "11,3",
    ),
    (forms.NumberInput(), "tal", Decimal("1234.5")),
    (forms.NumberInput(), "tal", 1234567),
    (forms.HiddenInput(), "skjult", "x&y"),
    (forms.PasswordInput(render_value=True), "kode", "hemmelig"),
    (forms.PasswordInput(), "kode", "hemmelig"),
    (forms.EmailInput(), "post", "a@b.dk"),
    (forms.URLInput(), "url", "https://x.dk/?a=1&b=2"),
    (forms.DateInput(), "dato", datetime.date(2024, 3, 1)),
    (forms.DateTimeInput(), "tid", datetime.datetime(2024, 3, 1, 12, 30)),
    (forms.TimeInput(), "tid", datetime.time(12, 30)),
    (forms.CheckboxInput(), "ja", True),
    (forms.CheckboxInput(), "ja", False),
    (forms.CheckboxInput(), "ja", "on"),
    (forms.CheckboxInput(attrs={"class": "form-checkbox"}), "ja", None),
    (forms.FileInput(), "fil", None),
    (forms.Textarea(), "tekst", None),
    (forms.Textarea(), "tekst", ""),
    (forms.Textarea(attrs={"rows": 3, "class": "form-input"}), "tekst", SKUMLE + "\nlinje 2"),
    (forms.Textarea(), "tekst", 2019),
    (forms.Select(choices=VALG), "valg", None),
    (forms.Select(choices=VALG), "valg", 3),
    (forms.Select(choices=VALG, attrs={"class": "form-select"}), "valg", "2"),
    (forms.SelectMultiple(choices=VALG), "flere", [1, 7]),
    (forms.NullBooleanSelect(), "nb", True),
    (forms.RadioSelect(choices=VALG[:4]), "radio", 1),
    (forms.CheckboxSelectMultiple(choices=VALG[:4]), "boks", [1]),
    (forms.SelectDateWidget(years=[2023, 2024]), "dag", datetime.date(2024, 3, 1)),
    (forms.SplitDateTimeWidget(), "split", datetime.datetime(2024, 3, 1, 12, 30)),
    (admin_widgets.AdminTextInputWidget(), "admin", SKUMLE),
    (admin_widgets.AdminIntegerFieldWidget(), "admin", 5),
    (admin_widgets.AdminTextareaWidget(), "admin", "x"),
    (admin_widgets.AdminDateWidget(), "admin", datetime.date(2024, 3, 1)),
    (admin_widgets.AdminURLFieldWidget(), "admin", "https://x.dk"),
]


@pytest.mark.parametrize(("widget", "navn", "vaerdi"), TILFAELDE, ids=lambda x: type(x).__name__)
@pytest.mark.parametrize("tusind", [False, True])
def test_widgets_render_the_same_as_djangos_templates(widget, navn, vaerdi, tusind, settings):
    settings.USE_THOUSAND_SEPARATOR = tusind
    attrs = {"id": f"id_{navn}"}
    forventet = widget.render(navn, vaerdi, attrs, renderer=DjangoTemplates())
    faaet = widget.render(navn, vaerdi, attrs, renderer=HurtigRenderer())
    assert faaet == forventet


def test_the_site_renders_forms_with_it():
    assert settings.FORM_RENDERER == "delaftaler.lib.formrenderer.HurtigRenderer"


def test_an_overridden_widget_template_is_rendered_by_the_engine(monkeypatch):
    """An app's own text.html wins over Django's, so the Python version must not be used."""
    renderer = HurtigRenderer()
    skabelon = renderer.get_template("django/forms/widgets/text.html")
    monkeypatch.setattr(skabelon.origin, "name", "/et/andet/sted/text.html")
    assert renderer._hurtig("django/forms/widgets/text.html") is None
    assert renderer._hurtig("django/forms/widgets/textarea.html") is not None


class _Formular(forms.Form):
    navn = forms.CharField(label=SKUMLE, max_length=5)
    tal = forms.IntegerField(label="Tal", required=False, help_text="Et <b>tal</b>")
    valg = forms.ChoiceField(label=gettext_lazy("Valg"), choices=VALG[:4], required=False)
    ja = forms.BooleanField(label="Ja", required=False)
    radio = forms.ChoiceField(choices=VALG[1:3], widget=forms.RadioSelect, required=False)

    def clean(self):
        # Errors whose text has markup, escaped or marked safe, on a field and the form.
        if self.cleaned_data.get("navn") == "kort":
            self.add_error("tal", SKUMLE)
            raise forms.ValidationError([SKUMLE, mark_safe("<i>sikker</i>"), gettext_lazy("Ja")])
        return self.cleaned_data


@pytest.mark.parametrize(
    "data", [None, {"navn": "for langt navn", "tal": "x", "valg": "9"}, {"navn": "kort"}]
)
def test_forms_labels_and_error_lists_render_the_same(data):
    def gengiv(renderer) -> list[str]:
        f = _Formular(data, renderer=renderer, auto_id="id_%s")
        dele = [str(f), f.as_p(), f.as_table(), str(f.non_field_errors())]
        for felt in f:
            dele += [
                felt.label_tag(),
                felt.label_tag(attrs={"class": "form-label", "data-x": True}),
                felt.legend_tag(),
                felt.label_tag(contents=mark_safe("<i>x</i>"), label_suffix=":"),
                str(felt.errors),
                str(felt),
            ]
        return dele

    assert gengiv(HurtigRenderer()) == gengiv(DjangoTemplates())


def test_a_label_without_an_id_is_its_text():
    hurtig = _Formular(renderer=HurtigRenderer(), auto_id=False)["navn"].label_tag()
    assert hurtig == _Formular(renderer=DjangoTemplates(), auto_id=False)["navn"].label_tag()
    assert hurtig == "a &quot;citat&quot; &amp; &lt;b&gt;fed&lt;/b&gt; &#x27;enkelt&#x27;:"
