"""Which admin pages render alike, so a browser test may visit one of each kind.

A change list, history or delete confirmation is drawn by one view and one template; what
varies between models is data in the same markup. Two such pages are of one kind when the
view's code, the template Django picks for the model, the admin's JavaScript and CSS, and
the change list's columns that build HTML themselves are the same. The browser tests
visit a sample; their guard tests ask ``usete_slags`` that the sample has every kind of
every registered model, so a ModelAdmin with its own template, view or HTML column makes
the guard fail until it is sampled too.
"""

from __future__ import annotations

import inspect

from django.contrib import admin
from django.template.loader import select_template

SIDER = {
    "changelist": ("changelist_view", "change_list_template", "change_list.html"),
    "history": ("history_view", "object_history_template", "object_history.html"),
    "delete": ("delete_view", "delete_confirmation_template", "delete_confirmation.html"),
}


def html_kolonner(model_admin) -> list[str]:
    """The change list's columns whose code builds HTML (``format_html``, ``mark_safe``)."""
    kolonner = []
    for navn in model_admin.list_display:
        funktion = navn if callable(navn) else getattr(model_admin, navn, None)
        if funktion is None:
            funktion = getattr(model_admin.model, navn, None)
        if isinstance(funktion, property):
            funktion = funktion.fget
        if not callable(funktion) or isinstance(funktion, type):
            continue
        try:
            kilde = inspect.getsource(funktion)
        except (OSError, TypeError):
            continue  # Django's own (e.g. __str__ of a model without one): plain text
        if "format_html" in kilde or "mark_safe" in kilde or "SafeString" in kilde:
            kolonner.append(str(navn))
    return kolonner


def slags(model_admin, side: str) -> tuple:
    """What decides how the model's page ``side`` renders, as a comparable value."""
    visning, egenskab, fil = SIDER[side]
    meta = model_admin.model._meta
    skabelon = getattr(model_admin, egenskab) or [
        f"admin/{meta.app_label}/{meta.model_name}/{fil}",
        f"admin/{meta.app_label}/{fil}",
        f"admin/{fil}",
    ]
    if isinstance(skabelon, str):
        skabelon = [skabelon]
    return (
        getattr(type(model_admin), visning),
        select_template(skabelon).origin.name,
        str(model_admin.media) if side != "history" else "",  # history shows no media
        tuple(html_kolonner(model_admin)) if side == "changelist" else (),
    )


def usete_slags(udsnit: list[type], side: str, apps: set[str] | None = None) -> list[str]:
    """Registered models (of ``apps``, or all) whose page ``side`` is of a kind no model in
    ``udsnit`` has."""
    set_ = {slags(admin.site._registry[model], side) for model in udsnit}
    return [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if (apps is None or model._meta.app_label in apps) and slags(model_admin, side) not in set_
    ]
