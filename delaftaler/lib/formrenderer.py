"""Django's form renderer with the simplest widget templates written out in Python.

A page of many small forms (the follow-up grid of a large delaftale has ~1 800 inputs,
the admin's inlines several hundred) spends most of its time rendering widget
templates: each ``<input>`` is an include of ``input.html`` and ``attrs.html`` through
the template engine, about 0,15 ms apiece. ``HurtigRenderer`` builds the same bytes for
``<input>``, ``<textarea>``, ``<select>`` and ``<option>`` directly and leaves every
other template (and any widget template an app overrides) to the engine.
tests/lib/test_formrenderer.py compares its output with the templates' for each widget.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe

_DJANGOS = Path(django.forms.__file__).resolve().parent / "templates"
_W = "django/forms/widgets/"
INPUT = {
    f"{_W}{navn}.html"
    for navn in (
        "input",
        "checkbox",
        "color",
        "date",
        "datetime",
        "email",
        "file",
        "hidden",
        "number",
        "password",
        "search",
        "tel",
        "text",
        "time",
        "url",
    )
}
TEXTAREA = f"{_W}textarea.html"
SELECT = f"{_W}select.html"
OPTION = f"{_W}select_option.html"


def _streng(vaerdi) -> str:
    """``{{ vaerdi|stringformat:'s' }}``: stringformat keeps safe text safe."""
    tekst = "%s" % (str(vaerdi) if isinstance(vaerdi, tuple) else vaerdi)
    return tekst if isinstance(vaerdi, SafeData) else escape(tekst)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    dele = []
    for navn, vaerdi in attrs.items():
        if vaerdi is False:
            continue
        dele.append(f" {conditional_escape(navn)}")
        if vaerdi is not True:
            dele.append(f'="{_streng(vaerdi)}"')
    return "".join(dele)


def _input(w: dict) -> str:
    vaerdi = "" if w["value"] is None else f' value="{_streng(w["value"])}"'
    return (
        f'<input type="{conditional_escape(w["type"])}" name="{conditional_escape(w["name"])}"'
        f"{vaerdi}{_attrs(w['attrs'])}>"
    )


def _textarea(w: dict) -> str:
    indhold = _tekst(w["value"]) if w["value"] else ""
    navn = conditional_escape(w["name"])
    return f'<textarea name="{navn}"{_attrs(w["attrs"])}>\n{indhold}</textarea>'


_CONTEXT = Context()


def _tekst(vaerdi) -> str:
    """``{{ vaerdi }}``: localised and escaped as a template would."""
    return render_value_in_context(vaerdi, _CONTEXT)


def _option(w: dict) -> str:
    etiket = _tekst(w["label"])
    return f'<option value="{_streng(w["value"])}"{_attrs(w["attrs"])}>{etiket}</option>'


class HurtigRenderer(DjangoTemplates):
    def __init__(self) -> None:
        super().__init__()
        self._hurtige: dict[str, Callable[[dict], str] | None] = {}

    def _hurtig(self, template_name: str) -> Callable[[dict], str] | None:
        """The Python version of a template, if it is one of Django's own (not overridden)."""
        try:
            return self._hurtige[template_name]
        except KeyError:
            pass
        funktion = None
        if template_name in INPUT or template_name in (TEXTAREA, SELECT, OPTION):
            origin = Path(self.get_template(template_name).origin.name).resolve()
            if origin.is_relative_to(_DJANGOS):
                funktion = {TEXTAREA: _textarea, SELECT: self._select, OPTION: _option}.get(
                    template_name, _input
                )
        self._hurtige[template_name] = funktion
        return funktion

    def _select(self, w: dict) -> str:
        dele = [f'<select name="{conditional_escape(w["name"])}"{_attrs(w["attrs"])}>']
        for gruppe, valg, _ in w["optgroups"]:
            if gruppe:
                dele.append(f'\n  <optgroup label="{_tekst(gruppe)}">')
            for option in valg:
                dele.append("\n  ")
                hurtig = self._hurtig(option["template_name"])
                if hurtig is None:
                    # As the include would: the option's template with its own trailing newline.
                    skabelon = self.get_template(option["template_name"])
                    dele.append(skabelon.render({"widget": option}))
                else:
                    dele.append(hurtig(option) + "\n")
            if gruppe:
                dele.append("\n  </optgroup>")
        dele.append("\n</select>")
        return "".join(dele)

    def render(self, template_name, context, request=None):
        hurtig = self._hurtig(template_name)
        if hurtig is None or set(context) != {"widget"}:
            return super().render(template_name, context, request)
        return mark_safe(hurtig(context["widget"]).strip())
