"""The admin pages the sekretariat works in pass axe-core in Chromium.

The add and change pages of every domain model, walked as a sekretariatsmedarbejder of
Vejle's helhedsplan: the tabular inlines (the baseline grid, boligområder, delmål,
indikatorer, aktiviteter) and the rich-text editors included. Change lists differ only
in data: one of each kind is checked (tests/browser/admin_udsnit.py), and a guard test
proves every domain model's change list is of a checked kind.

The walk itself runs inside tests/browser/test_csp_browser.py's walk: each of these pages
is loaded once there, with the Content-Security-Policy enforced, and both its CSP
violations and axe's are checked on that one load (``sekretariatets_sider`` and
``skal_besoeges`` below say which pages, and which must have been reached).
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from aktiviteter.models import Aktivitet
from delaftaler.models import Delaftale, Indsatsomraade
from tests.browser.admin_udsnit import html_kolonner, usete_slags

APPS = {"delaftaler", "indikatorer", "aktiviteter"}
# One change list of each kind (the sortable one, one with sortable inlines' media, a plain).
LISTER = [Indsatsomraade, Delaftale, Aktivitet]
# What the sekretariat must reach; the walk may find more.
NOEGLESIDER = [
    ("delaftaler", "helhedsplan"),
    ("delaftaler", "delaftale"),
    ("delaftaler", "delmaal"),
    ("delaftaler", "opfoelgning"),
    ("indikatorer", "indikator"),
    ("indikatorer", "maaling"),
    ("aktiviteter", "aktivitet"),
]
TILFOEJ = [
    ("delaftaler", "delaftale"),
    ("delaftaler", "delmaal"),
    ("indikatorer", "indikator"),
    ("aktiviteter", "aktivitet"),
]


def skal_besoeges() -> set[str]:
    """The first object's page of each key model (ids differ between databases), the key
    add pages and the sampled change lists."""
    sider = {reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist") for m in LISTER}
    for app, model in NOEGLESIDER:
        foerste = apps.get_model(app, model)._default_manager.order_by("pk").first()
        assert foerste is not None, f"{app}.{model}: ingen data at besøge"
        sider.add(f"/admin/{app}/{model}/{foerste.pk}/change/")
    return sider | {f"/admin/{app}/{model}/add/" for app, model in TILFOEJ}


def sekretariatets_sider() -> list[str]:
    """Every domain model's add page and first object's change page, and the sampled
    change lists; the walk skips those that are not the sekretariat's (not 200)."""
    sider = []
    for model in admin.site._registry:
        meta = model._meta
        if meta.app_label not in APPS:
            continue
        navn = f"admin:{meta.app_label}_{meta.model_name}"
        if model in LISTER:
            sider.append(reverse(f"{navn}_changelist"))
        sider.append(reverse(f"{navn}_add"))
        foerste = model._default_manager.order_by("pk").first()
        if foerste is not None:
            sider.append(reverse(f"{navn}_change", args=[foerste.pk]))
    return sider


def test_the_checked_change_lists_cover_every_domain_model():
    """The walk checks three change lists; every other domain model's is drawn by the same
    view, template and media, and no column builds its own HTML."""
    assert usete_slags(LISTER, "changelist", APPS) == []
    for model in admin.site._registry:
        if model._meta.app_label in APPS:
            assert html_kolonner(admin.site._registry[model]) == [], model._meta.label
