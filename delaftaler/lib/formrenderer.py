"""Django's form renderer with the simplest widget templates written out in Python.

A page of many small forms (the follow-up grid of a large delaftale has ~1 800 inputs,
the admin's inlines several hundred) spends most of its time rendering widget
templates: each ``<input>`` is an include of ``input.html`` and ``attrs.html`` through
the template engine, about 0,15 ms apiece. ``HurtigRenderer`` builds the same bytes for
``<input>``, ``<textarea>``, ``<select>``, ``<option>``, ``<label>`` and error lists
directly and leaves every other template (and any widget template an app overrides) to the engine.
tests/lib/test_formrenderer.py compares its output with the templates' for each widget.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates
from django.template.base import render_value_in_context
from django.template.context import Context
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
LABEL = "django/forms/label.html"
FEJL = {"django/forms/errors/list/default.html", "django/forms/errors/list/ul.html"}
# The context each Python version is written for; any other is left to the template.
_WIDGET = frozenset({"widget"})
_KONTEKST = {LABEL: frozenset({"field", "label", "attrs", "use_tag", "tag"})}
_KONTEKST.update({navn: frozenset({"errors", "error_class"}) for navn in FEJL})


def _escape(tekst) -> str:
    """``conditional_escape`` without the lazy-string wrapper's cost per call."""
    if hasattr(tekst, "__html__"):
        return str(tekst.__html__())
    return html.escape(str(tekst))


def _streng(vaerdi) -> str:
    """``{{ vaerdi|stringformat:'s' }}``: stringformat keeps safe text safe."""
    tekst = "%s" % (str(vaerdi) if isinstance(vaerdi, tuple) else vaerdi)
    return tekst if isinstance(vaerdi, SafeData) else html.escape(tekst)


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    dele = []
    for navn, vaerdi in attrs.items():
        if vaerdi is False:
            continue
        dele.append(f" {_escape(navn)}")
        if vaerdi is not True:
            dele.append(f'="{_streng(vaerdi)}"')
    return "".join(dele)


def _input(w: dict) -> str:
    vaerdi = "" if w["value"] is None else f' value="{_streng(w["value"])}"'
    return (
        f'<input type="{_escape(w["type"])}" name="{_escape(w["name"])}"'
        f"{vaerdi}{_attrs(w['attrs'])}>"
    )


def _textarea(w: dict) -> str:
    indhold = _tekst(w["value"]) if w["value"] else ""
    navn = _escape(w["name"])
    return f'<textarea name="{navn}"{_attrs(w["attrs"])}>\n{indhold}</textarea>'


_CONTEXT = Context()


def _tekst(vaerdi) -> str:
    """``{{ vaerdi }}``: localised and escaped as a template would."""
    return render_value_in_context(vaerdi, _CONTEXT)


def _label(k: dict) -> str:
    """django/forms/label.html (a field's <label>)."""
    if not k["use_tag"]:
        return _tekst(k["label"])
    tag = _escape(k["tag"])
    return f"<{tag}{_attrs(k['attrs'] or {})}>{_tekst(k['label'])}</{tag}>"


def _fejl(k: dict) -> str:
    """django/forms/errors/list/ul.html (default.html includes it): a form shown again
    with its errors renders one list per field in error."""
    fejl = k["errors"]
    if not fejl:
        return ""
    felt_id = getattr(fejl, "field_id", None)
    id_ = f' id="{_tekst(felt_id)}_error"' if felt_id else ""
    punkter = "".join(f"<li>{_tekst(f)}</li>" for f in fejl)
    return f'<ul class="{_tekst(k["error_class"])}"{id_}>{punkter}</ul>'


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
        saerlige = {TEXTAREA: _textarea, SELECT: self._select, OPTION: _option, LABEL: _label}
        saerlige.update(dict.fromkeys(FEJL, _fejl))
        if template_name in INPUT or template_name in saerlige:
            origin = Path(self.get_template(template_name).origin.name).resolve()
            if origin.is_relative_to(_DJANGOS):
                funktion = saerlige.get(template_name, _input)
        self._hurtige[template_name] = funktion
        return funktion

    def _select(self, w: dict) -> str:
        dele = [f'<select name="{_escape(w["name"])}"{_attrs(w["attrs"])}>']
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
        if hurtig is not None and context.keys() == _KONTEKST.get(template_name, _WIDGET):
            html = hurtig(context.get("widget", context))
            if html is not None:
                return mark_safe(html.strip())
        return super().render(template_name, context, request)
